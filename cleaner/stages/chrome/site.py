"""Site repetition: a line that recurs on a large share of one site's pages is that site's chrome.

No rule library names every site's menu, footer, sidebar or author box, but
the corpus does: the scan pass counts, per site, on how many pages each line
occurs (hashed keys, singletons pruned), and the clean pass removes the lines
that recur on enough of the site's pages.  Content that legitimately repeats
(a shared heading, a standard disclaimer) usually sits *inside* the article,
between prose that is the page's own; such a line needs more evidence
(``site_inside_min_pages``/``site_inside_min_share``), and a long line of
prose needs more still (``site_prose_*``).  The thresholds are YAML settings.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import regex

from cleaner.core.page import Page, Proposal
from cleaner.core.text import Span, line_memo, line_with_newline, lines, word_list
from cleaner.stages.base import Context
from cleaner.stages.detector import Detector, Settings, setting

RULE_ID = "chrome.site.repeated-line"

@dataclass(frozen=True)
class SiteSettings(Settings):
    site_enabled: bool = setting(True, "remove lines that recur across the site's pages (scan pass)")
    site_min_site_pages: int = setting(2, "a site needs this many pages before its repetition means anything")
    site_min_pages: int = setting(2, "a line is chrome when it occurs on this many pages ...")
    site_min_share: float = setting(0.5, "... and this share of the site's pages")
    site_inside_min_pages: int = setting(5, "a line between two paragraphs of the page's own prose must recur on this many pages ...")
    site_inside_min_share: float = setting(0.8, "... and this share of them to count as chrome")
    site_inside_max_run: int = setting(2, "... when it is one of at most this many repeated lines in a row")
    site_keep_heading: bool = setting(True, "a lone repeated line right before the page's own prose is its title or a heading: kept")
    site_keep_closing_sentence: bool = setting(True, "a short sentence right after the page's own prose closes the article: kept")
    site_prose_words: int = setting(25, "a line of prose this long must recur more widely to count as chrome ...")
    site_prose_min_pages: int = setting(2, "... on this many pages ...")
    site_prose_min_share: float = setting(0.5, "... and this share of them")
    site_duplicate_own_share: float = setting(0.05, "a page with less of its own text than this share is a copy (dedup's business): left alone")
    site_own_prose_words: int = setting(8, "what the page's own prose is, for the inside-the-article test: lines of this many words")
    site_max_keys: int = setting(5_000_000, "scan-pass memory bound: above this many counted lines, lines seen on one page only are dropped")


@line_memo  # the scan keys a site's recurring lines on page after page, and the clean pass keys them again
def line_key(s: str) -> int:
    """A compact, case- and space-insensitive key for a line (64-bit hash)."""
    folded = s.lower() if s.isascii() else unicodedata.normalize("NFKC", s).casefold()  # ASCII: NFKC is a no-op
    norm = " ".join(folded.split())
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


@dataclass
class SiteLineStats:
    """Per site: how many pages it has and on how many pages each (hashed) line occurs; across the corpus:
    on how many sites each line recurring on two or more sites occurs (widget text shared by sites built on the
    same software, a feature of the chrome model)."""

    pages: dict[str, int] = field(default_factory=dict)
    lines: dict[str, dict[int, int]] = field(default_factory=dict)
    sites: dict[int, int] = field(default_factory=dict)

    def count(self, site: str, s: str) -> int:
        return self.lines.get(site, {}).get(line_key(s), 0)


class SiteLineCollector:
    """Scan-pass accumulator: each distinct non-blank line counts once per page.

    Memory stays bounded on large corpora: when the merged counts hold more than ``max_keys`` lines, the
    lines seen on one page so far are dropped (lossy counting).  A line that is chrome recurs on a large
    share of its site's pages, so it is counted again long before it could matter.
    """

    def __init__(self, max_keys: int = 5_000_000) -> None:
        self.pages: Counter[str] = Counter()
        self.lines: dict[str, Counter[int]] = {}
        self.max_keys = max_keys

    def add(self, text: str, site: str, name: str, key: str | None = None) -> None:
        self.pages[site] += 1
        keys = {line_key(ln) for ln in text.splitlines() if ln.strip()}
        self.lines.setdefault(site, Counter()).update(keys)

    def merge(self, other: SiteLineCollector) -> None:
        self.pages.update(other.pages)
        for site, counts in other.lines.items():
            self.lines.setdefault(site, Counter()).update(counts)
        if sum(len(c) for c in self.lines.values()) > self.max_keys:
            self.lines = {site: Counter({k: n for k, n in c.items() if n > 1}) for site, c in self.lines.items()}

    def finish(self) -> SiteLineStats:
        sites: Counter[int] = Counter()
        for counts in self.lines.values():
            sites.update(counts.keys())
        return SiteLineStats(
            pages=dict(self.pages),
            lines={site: {k: c for k, c in counts.items() if c > 1} for site, counts in self.lines.items()},
            sites={k: n for k, n in sites.items() if n > 1},
        )


_SENTENCE_END = regex.compile(r"[.!?…](?:[\"'’”)\]]*)$")


def _is_prose(s: str, min_words: int) -> bool:
    return len(word_list(s)) >= min_words and s.rstrip()[-1:] in ".!?…:;\"”'’)"


class SiteRepetition(Detector[SiteSettings]):
    """Propose removing the lines that recur across the site's pages."""

    name = "site-repetition"
    settings = SiteSettings

    def propose(self, page: Page, settings: SiteSettings, ctx: Context) -> list[Proposal]:
        stats = ctx.stats.get("chrome")
        return self.proposals(page, settings, stats if isinstance(stats, SiteLineStats) else None)

    def proposals(self, page: Page, opts: SiteSettings, stats: SiteLineStats | None) -> list[Proposal]:
        if stats is None or not opts.site_enabled:
            return []
        site = page.site
        n_pages = stats.pages.get(site, 0)
        counts = stats.lines.get(site)
        if n_pages < opts.site_min_site_pages or not counts:
            return []
        text = page.text
        nonblank = [ln for ln in lines(text) if ln.stripped]
        seen = [counts.get(line_key(ln.text), 0) for ln in nonblank]
        repeated = [self._passes(c, n_pages, opts.site_min_pages, opts.site_min_share) for c in seen]
        if self._duplicate_page(nonblank, repeated, opts):
            return []
        out: list[Proposal] = []
        for i, ln in enumerate(nonblank):
            if not repeated[i]:
                continue
            c = seen[i]
            where = ""
            if _is_prose(ln.stripped, opts.site_prose_words):
                if not self._passes(c, n_pages, opts.site_prose_min_pages, opts.site_prose_min_share):
                    continue
                where = ", a long line of prose"
            if self._inside(i, nonblank, repeated, opts):
                if not self._passes(c, n_pages, opts.site_inside_min_pages, opts.site_inside_min_share):
                    continue
                where += ", inside the article"
            out.append(self._proposal(text, ln, site, c, n_pages, where))
        return out

    @staticmethod
    def _duplicate_page(nonblank: list[Span], repeated: list[bool], opts: SiteSettings) -> bool:
        """Almost nothing on the page is its own: a copy of another page (dedup's business), not chrome."""
        total = sum(len(ln.stripped) for ln in nonblank)
        own = sum(len(ln.stripped) for ln, rep in zip(nonblank, repeated) if not rep)
        return total > 0 and own / total < opts.site_duplicate_own_share

    @staticmethod
    def _passes(count: int, n_pages: int, min_pages: int, min_share: float) -> bool:
        return count >= min_pages and count / n_pages >= min_share

    @staticmethod
    def _inside(i: int, nonblank: list[Span], repeated: list[bool], opts: SiteSettings) -> bool:
        """Part of the article: a lone line right before the page's own prose (its title, a heading), or
        in a short run of repeated lines that follows the page's own prose and either is followed by its
        own prose too (a shared heading) or is a short sentence closing it (a standard disclaimer).
        A longer run of repeated lines is a block of chrome, not the article.
        """
        a = i
        while a > 0 and repeated[a - 1]:
            a -= 1
        b = i
        while b + 1 < len(nonblank) and repeated[b + 1]:
            b += 1
        own = opts.site_own_prose_words
        own_after = b + 1 < len(nonblank) and _is_prose(nonblank[b + 1].stripped, own)
        if a == b and own_after and opts.site_keep_heading:
            return True  # a lone line that introduces the page's own prose: its title or a heading
        if b - a + 1 > opts.site_inside_max_run or a == 0 or not _is_prose(nonblank[a - 1].stripped, own):
            return False
        if own_after:
            return True
        s = nonblank[i].stripped
        return bool(opts.site_keep_closing_sentence) and _SENTENCE_END.search(s) is not None and len(word_list(s)) < opts.site_prose_words

    @staticmethod
    def _proposal(text: str, ln: Span, site: str, count: int, n_pages: int, where: str) -> Proposal:
        a, b = line_with_newline(text, ln)
        reason = f"line recurs on {count} of {n_pages} pages of site {site}{where}"
        return Proposal(a, b, "", RULE_ID, reason, {"site": site, "pages": count, "site_pages": n_pages})
