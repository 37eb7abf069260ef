"""Leftovers: the few words that stay behind when chrome rules cut a widget out of a line piece by piece.

A profile card, a share bar or a search box printed as one paragraph is
removed sentence by sentence ("View profile.", "Message me.", "Search by
location ..."); a short sentence no rule names ("He's based in Camden.",
"Show more.") is left standing alone where the widget was.  A line whose
remaining words are few, and much fewer than the chrome removed from it in
at least two pieces, is the rest of that widget.  An article paragraph that
lost a pasted cookie notice keeps its own sentences: they are more words
than the notice.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from cleaner.core.page import Page, Proposal
from cleaner.core.text import line_with_newline, lines, word_list
from cleaner.stages.base import Context
from cleaner.stages.detector import Detector, Settings, setting

RULE_ID = "chrome.leftover"

@dataclass(frozen=True)
class LeftoverSettings(Settings):
    leftover_enabled: bool = setting(True, "remove what chrome rules left of a line they mostly cut piece by piece")
    leftover_max_words: int = setting(8, "a line with at most this many words left ...")
    leftover_min_pieces: int = setting(2, "... from which rules cut at least this many pieces ...")
    leftover_min_ratio: float = setting(2.0, "... holding this many times the words that are left")


class Leftovers(Detector[LeftoverSettings]):
    """Propose removing what is left of lines that chrome rules mostly removed."""

    name = "leftovers"
    settings = LeftoverSettings

    def propose(self, page: Page, settings: LeftoverSettings, ctx: Context) -> list[Proposal]:
        opts = settings
        if not opts.leftover_enabled:
            return []
        cuts = page.removals(stage="chrome")
        if len(cuts) < opts.leftover_min_pieces:
            return []
        starts = [e.start for e in cuts]
        text, raw = page.text, page.raw
        out = []
        for ln in lines(text):
            s = ln.stripped
            if not s:
                continue
            words = len(word_list(s))
            if not words or words > opts.leftover_max_words:
                continue
            first = ln.start + (len(ln.text) - len(ln.text.lstrip()))
            last = ln.start + len(ln.text.rstrip()) - 1
            raw_a, raw_b = page.raw_offset(first), page.raw_offset(last) + 1
            line_start = raw.rfind("\n", 0, raw_a) + 1
            line_end = raw.find("\n", raw_b)
            line_end = len(raw) if line_end < 0 else line_end
            inside = [e for e in cuts[bisect.bisect_left(starts, line_start):] if e.start < line_end and e.end <= line_end]
            removed = sum(len(word_list(e.before)) for e in inside)
            if len(inside) < opts.leftover_min_pieces or removed < opts.leftover_min_ratio * words:
                continue
            a, b = line_with_newline(text, ln)
            rules = sorted({e.rule for e in inside})
            reason = (f"what is left of a line chrome rules mostly removed: {words} words stay, {removed} went in "
                      f"{len(inside)} pieces ({', '.join(rules[:4])})")
            out.append(Proposal(a, b, "", RULE_ID, reason, {"kept_words": words, "removed_words": removed}))
        return out
