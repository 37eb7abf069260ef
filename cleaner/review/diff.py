"""The terminal diff: the raw page with every edit marked in place and tagged with its rule.

Plain output (a pipe, a file, ``NO_COLOR``) uses word-diff marks that survive
copy and paste: ``[-removed-]``, ``{+inserted+}``, ``[old→new]``, each
followed by ``«rule.id»`` on the same line.  In colour (a terminal, or ``--color
always`` through a pager) the same marks are struck or underlined in their
stage's colour.  Absorbed edits (earlier edits that a
later one covers) are shown nested inside the edit that covers them, so the
output holds every edit of the log.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from cleaner.core.page import Edit
from cleaner.review.model import EditFilter, ReviewPage, all_edits, stage_rank

# ANSI foreground colours per stage (the same hues as the HTML report where a terminal allows).
STAGE_ANSI = {
    "normalize": "34",  # blue
    "chrome": "33",  # yellow/orange
    "dedup": "35",  # magenta
    "spam": "31",  # red
    "spelling": "32",  # green
    "tidy": "90",  # grey
}
_EXTRA_ANSI = ("36", "94", "95", "96")
RESET = "\x1b[0m"


def stage_ansi(stage: str) -> str:
    return STAGE_ANSI.get(stage) or _EXTRA_ANSI[sum(map(ord, stage)) % len(_EXTRA_ANSI)]


_SIGNS = {"\t": "⇥", "\u00a0": "⍽", "\r": "␍", "\n": "↵\n"}


def _invisible(ch: str) -> bool:
    """A character that prints as nothing (or as a plain space): format and control characters, odd spaces."""
    cat = unicodedata.category(ch)
    return cat in ("Cf", "Cc", "Zl", "Zp", "Co") or (cat == "Zs" and ch not in " \u00a0")


def visible(text: str) -> str:
    """Make the whitespace and invisible characters of an edit visible: newlines get a ↵ (the line break stays),
    tabs and no-break spaces a sign, spaces a dot when the edit is only whitespace, and a character that prints as
    nothing (a zero-width space, a soft hyphen, a byte-order mark) its name: ``⟨ZERO WIDTH SPACE⟩``."""
    if not text.strip():
        text = text.replace(" ", "·")
    out = []
    for ch in text:
        if ch in _SIGNS:
            out.append(_SIGNS[ch])
        elif _invisible(ch) and not "\udc80" <= ch <= "\udcff":
            out.append(f"⟨{unicodedata.name(ch, f'U+{ord(ch):04X}')}⟩")
        else:
            out.append(ch)
    return "".join(out)


@dataclass
class Style:
    """How marks are written: plain brackets or ANSI colours."""

    color: bool

    def _paint(self, text: str, codes: str) -> str:
        # colour each line on its own, so pagers and `--context` cuts keep the colour; after a nested
        # (absorbed) edit resets the style, take this edit's style up again
        text = text.replace(RESET, f"{RESET}\x1b[{codes}m")
        return "\n".join(f"\x1b[{codes}m{line}{RESET}" if line else line for line in text.split("\n"))

    # In colour the marks stay: a pager (less -R) may drop strike-through, never the brackets.
    def deleted(self, text: str, stage: str) -> str:
        return self._paint(f"[-{text}-]", f"9;{stage_ansi(stage)}") if self.color else f"[-{text}-]"

    def inserted(self, text: str, stage: str) -> str:
        return self._paint(f"{{+{text}+}}", f"1;4;{stage_ansi(stage)}") if self.color else f"{{+{text}+}}"

    def replaced(self, old: str, new: str, stage: str) -> str:
        if self.color:
            return (self._paint("[" + old, f"9;{stage_ansi(stage)}") + self._paint("→", stage_ansi(stage))
                    + self._paint(new + "]", f"1;{stage_ansi(stage)}"))
        return f"[{old}→{new}]"

    def tag(self, rule: str, stage: str) -> str:
        return self._paint(f"«{rule}»", f"2;{stage_ansi(stage)}") if self.color else f"«{rule}»"

    def header(self, text: str) -> str:
        return self._paint(text, "1") if self.color else text


class Renderer:
    """Raw text with edits marked; edits outside the filter show as the raw text they cover."""

    def __init__(self, raw: str, style: Style, flt: EditFilter | None = None):
        self.raw = raw
        self.style = style
        self.flt = flt or EditFilter()

    def span(self, start: int, end: int, edits: Sequence[Edit], inside: bool = False) -> str:
        out: list[str] = []
        pos = start
        for e in edits:
            a, b = max(e.start, pos), min(max(e.end, e.start), end)
            if a > pos:
                out.append(self._text(self.raw[pos:a], inside))
            out.append(self.edit(e, inside))
            pos = max(pos, b)
        if pos < end:
            out.append(self._text(self.raw[pos:end], inside))
        return "".join(out)

    def edit(self, e: Edit, inside: bool = False) -> str:
        shown = self.flt.matches(e)
        inner = self.span(e.start, e.end, e.absorbed, inside=inside or shown)
        if not shown:
            return inner
        s = self.style
        after = visible(e.after)
        # a change that ends a line ends its mark before the line break, so the rule's tag stays on the changed
        # line (and never looks like the start of the next, kept, line)
        end = ""
        if e.before and not e.after and inner.endswith("\n"):
            inner, end = inner[:-1], "\n"
        elif not e.before and after.endswith("\n"):
            after, end = after[:-1], "\n"
        if e.before and e.after:
            mark = s.replaced(inner, after, e.stage)
        elif e.before:
            mark = s.deleted(inner, e.stage)
        else:
            mark = s.inserted(after, e.stage)
        return mark + s.tag(e.rule, e.stage) + end

    @staticmethod
    def _text(text: str, inside: bool) -> str:
        return visible(text) if inside else text


def summary_line(page: ReviewPage, flt: EditFilter) -> str:
    edits = [e for e in all_edits(page.edits) if flt.matches(e)]
    by_stage: dict[str, int] = {}
    for e in edits:
        by_stage[e.stage] = by_stage.get(e.stage, 0) + 1
    stages = ", ".join(f"{s} {n}" for s, n in sorted(by_stage.items(), key=lambda kv: (stage_rank(kv[0]), kv[0])))
    removed = len(page.raw) - len(page.clean)
    shown = f"{len(edits)} edits" + (f" ({stages})" if stages else "")
    if flt.active:
        shown += f" shown of {len(all_edits(page.edits))}"
    return f"{page.name}: {shown}; {len(page.raw):,} → {len(page.clean):,} characters ({removed:,} removed)"


def render_page(page: ReviewPage, style: Style, flt: EditFilter | None = None, context: int | None = None) -> str:
    """The whole page, or with ``context`` only the changed lines and N lines around them."""
    flt = flt or EditFilter()
    r = Renderer(page.raw, style, flt)
    head = style.header(f"== {summary_line(page, flt)} ==")
    if context is None:
        body = r.span(0, len(page.raw), page.edits)
        return shown_bytes(head + "\n" + body + ("" if body.endswith("\n") else "\n"))
    return shown_bytes(head + "\n" + "".join(_hunks(page, r, flt, context)))


_UNDECODABLE = re.compile("[\udc80-\udcff]")


def shown_bytes(text: str) -> str:
    """An undecodable input byte (kept as a lone surrogate) shown as ``\\xFF``: printable on any terminal."""
    return _UNDECODABLE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02X}", text)


def _hunks(page: ReviewPage, r: Renderer, flt: EditFilter, context: int) -> list[str]:
    raw = page.raw
    line_starts = [0] + [i + 1 for i, ch in enumerate(raw) if ch == "\n"]
    n_lines = len(line_starts) if not raw.endswith("\n") else len(line_starts) - 1

    def line_of(pos: int) -> int:
        return max(0, bisect.bisect_right(line_starts, pos) - 1)

    ranges: list[tuple[int, int, list[Edit]]] = []  # first line, last line, edits
    for e in page.edits:
        if not flt.touches(e):
            continue
        first = line_of(e.start)
        last = line_of(max(e.start, e.end - 1))
        lo, hi = max(0, first - context), min(max(n_lines - 1, 0), last + context)
        if ranges and lo <= ranges[-1][1] + 1:
            plo, phi, pe = ranges[-1]
            ranges[-1] = (plo, max(phi, hi), pe + [e])
        else:
            ranges.append((lo, hi, [e]))
    out: list[str] = []
    for lo, hi, _ in ranges:
        start = line_starts[lo]
        end = line_starts[hi + 1] if hi + 1 < len(line_starts) else len(raw)
        # every top-level edit that overlaps the hunk's lines (also filtered-out ones, shown as raw)
        inside = [e for e in page.edits if e.start < end and e.end > start or (e.start == e.end and start <= e.start and (e.start < end or end == len(raw)))]
        if inside:
            start = min(start, line_starts[line_of(inside[0].start)])
            end = max(end, inside[-1].end)
        out.append(r.style.header(f"@@ lines {lo + 1}-{hi + 1} @@") + "\n")
        body = r.span(start, end, inside)
        out.append(body + ("" if body.endswith("\n") else "\n"))
    return out


def render_list(page: ReviewPage, flt: EditFilter | None = None) -> str:
    """One edit a line: where it is in the raw page (line:column), stage, rule, the change and the reason; an edit
    that a later one absorbed is indented under it, so nested (dedup) edits read one at a time."""
    flt = flt or EditFilter()
    starts = [0] + [i + 1 for i, ch in enumerate(page.raw) if ch == "\n"]
    out = [f"== {summary_line(page, flt)} =="]

    def change(e: Edit) -> str:
        def q(s: str) -> str:
            return '"' + (visible(s) if len(s) <= 80 else visible(s[:60]) + f"…({len(s):,} characters)") .replace("\n", "") + '"'
        if e.before and e.after:
            return f"{q(e.before)} → {q(e.after)}"
        return f"removed {q(e.before)}" if e.before else f"inserted {q(e.after)}"

    def walk(edits: Sequence[Edit], depth: int) -> None:
        for e in edits:
            if flt.matches(e):
                line = bisect.bisect_right(starts, e.start) - 1
                out.append(f"{'  ' * depth}{line + 1}:{e.start - starts[line] + 1}  {e.stage:<9} {e.rule:<32} {change(e)}  — {e.reason}")
            walk(e.absorbed, depth + 1)

    walk(page.edits, 0)
    return shown_bytes("\n".join(out) + "\n")
