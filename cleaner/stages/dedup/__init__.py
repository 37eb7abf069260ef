"""Dedup: repetition inside a page (and, with ``--dedup-corpus``, across pages).

Templates repeat themselves: a heading printed twice in a row, a summary box
that copies the introduction, a lower-case copy of the title under the title,
a definition sentence pasted again further down.  The first copy is what the
reader needs; every later copy is removed and its edit names the kept copy's
raw offsets.

What repeats legitimately is kept, by shape rather than by word lists:
- non-adjacent copies count only from ``min_words``/``min_chars`` up, so short
  headings and labels a structure repeats (steps, FAQ and form labels, table
  headers, short list items) survive;
- a repeated line inside a stanza of short lines (a refrain, a table column)
  is kept even when the copies are adjacent;
- questions, data lines (numbers), labelled entries ("Level 2: ...") and
  anything on the page more than ``max_copies`` times are a structure: kept;
- quotations are never removed: lines starting with ``>`` or a quote mark,
  sentences after an opening quote mark, copies right after "X wrote:" or a
  line ending in ":" (forum replies quoting a post);
- a pull quote, i.e. a line on its own that repeats one sentence of a longer
  paragraph (or whose sentences all occur elsewhere), is kept, and so is the
  paragraph's sentence (the article stays whole; which of the two is layout is
  not knowable from the text);
- near copies (rapidfuzz ratio) must carry the same numbers, so "Take 2
  tablets ..." and "Take 3 tablets ..." are different instructions.

The stage runs its detectors to a fixed point (removing a copy can make two
others adjacent), and on a page with repetition lets chrome, normalize and
spam look again until the text settles, so cleaning clean text again finds
nothing more.  The thresholds are YAML settings (``rules/dedup/settings.yaml``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex
from rapidfuzz import fuzz

from cleaner.core.memo import line_memo, resource
from cleaner.core.page import Page, Proposal
from cleaner.core.text import Span, lines, removal_span, sentences
from cleaner.stages.base import Collector, Context, Settle
from cleaner.stages.dedup.corpus import CorpusCollector, CorpusDuplicates, key_hash, norm_key
from cleaner.stages.dedup.settings import CorpusCopySettings, PageCopySettings
from cleaner.stages.detector import Detector, DetectorStage

_DIGITS = regex.compile(r"\d+")
# "Level 2: ...", "Note: ...": a labelled entry of a list the text repeats on purpose
_LABEL = regex.compile(r"^[\p{L}\p{N}#.\- ]{1,24}:\s")
_PROSE_END = regex.compile(r"[.!…](?:\)|\]|\s)*$")
_LETTER = regex.compile(r"\p{L}")


@dataclass
class _Unit:
    """A line or sentence with its normalised key."""

    span: Span
    key: str
    words: int
    line: int  # index of its line in the non-blank lines
    whole_line: bool  # the sentence is the whole line


def _raw_range(page: Page, start: int, end: int) -> tuple[int, int]:
    a = page.raw_offset(start)
    b = page.raw_offset(end - 1) + 1 if end > start else a
    return a, max(a, b)


class DedupSettle:
    """When the neighbouring stages look again after dedup, so that cleaning the clean text again finds nothing
    more.  Each only when it can matter (they are the costly part): chrome judges a line by its neighbours, so it
    looks again after something was removed; normalize weighs evidence from the whole page, so it looks again when
    the text changed since it last looked; spam may remove the line between two copies dedup kept apart, so it runs
    while two copies are at most ``settle_gap_lines`` apart (or a line is one copy over ``max_copies``)."""

    def __init__(self, stage: DedupStage, ctx: Context, s: PageCopySettings, changed: bool, normalized: str):
        self.stage, self.ctx, self.s, self.changed, self.normalized = stage, ctx, s, changed, normalized
        self.neighbours: tuple[str, ...] = tuple(n for n in ("chrome", "normalize", "spam") if n in s.settle_stages)
        self.max_rounds = int(s.max_rounds)

    def wants(self, stage: str, page: Page) -> bool:
        if stage == "chrome":
            return self.changed
        if stage == "normalize":
            return page.text != self.normalized
        if stage == "spam":
            return repeats(page, int(self.s.settle_gap_lines), int(self.s.max_copies))
        return True

    def ran(self, stage: str, page: Page) -> None:
        if stage == "normalize":
            self.normalized = page.text

    def again(self, page: Page) -> None:
        self.stage.remove_copies(page, self.ctx)

    def round_done(self, changed: bool) -> None:
        self.changed = changed


def repeats(page: Page, gap: int | None = None, max_copies: int = 0) -> bool:
    """Does a line occur twice (so that a later stage removing what separates the copies could make
    dedup act on a second cleaning)?  With ``gap``: only copies at most that many lines apart, or a line
    one copy away from ``max_copies`` (removing one copy would change what dedup does)."""
    last: dict[str, int] = {}
    counts: Counter[str] = Counter()
    i = 0
    for ln in lines(page.text):
        key = norm_key(ln.text)
        if not _LETTER.search(key):
            continue
        if key in last and (gap is None or i - last[key] - 1 <= gap):
            return True
        last[key] = i
        counts[key] += 1
        i += 1
    return max_copies > 0 and any(c == max_copies + 1 for c in counts.values())


class CorpusCopies(Detector[CorpusCopySettings]):
    """``--dedup-corpus``: paragraphs whose first copy (page-name order) is on another page (scan pass)."""

    name = "corpus-copies"
    settings = CorpusCopySettings

    def propose(self, page: Page, settings: CorpusCopySettings, ctx: Context) -> list[Proposal]:
        stats = ctx.stats.get("dedup")
        if not settings.enabled or not isinstance(stats, CorpusDuplicates) or not ctx.options.get("dedup_corpus"):
            return []
        return self.proposals(page, stats)

    def proposals(self, page: Page, corpus: CorpusDuplicates) -> list[Proposal]:
        dups = corpus.paragraphs.get(page.key)
        if not dups:
            return []
        text = page.text
        nonblank = [ln for ln in lines(text) if ln.stripped]
        out: list[Proposal] = []
        for i, ln in enumerate(nonblank):
            hit = dups.get(key_hash(norm_key(ln.text)))
            if hit is None:
                continue
            of, sim = hit
            start = nonblank[i - 1].end if i > 0 else ln.start
            end = ln.end if i > 0 or ln.end >= len(text) else ln.end + 1
            kind = "copy" if sim >= 1.0 else f"near copy (similarity {sim:.2f})"
            out.append(Proposal(start, end, "", "dedup.corpus-paragraph",
                                f"paragraph is a {kind} of one on page {of}, which keeps it (first in page-name order)",
                                {"kept_page": of, "similarity": sim}))
        return out


class PageCopies(Detector[PageCopySettings]):
    """Copies inside the page: consecutive lines and blocks, then paragraphs and sentences, exact and near.
    Run to a fixed point (`rounds`): removing a copy can make two others adjacent."""

    name = "page-copies"
    settings = PageCopySettings

    def __init__(self) -> None:
        self.found_nothing_in: str | None = None  # this page's text as a round last left it, copy-free

    def rounds(self, settings: PageCopySettings) -> int:
        return int(settings.max_rounds)

    def propose(self, page: Page, settings: PageCopySettings, ctx: Context) -> list[Proposal]:
        if not settings.enabled or page.text == self.found_nothing_in:
            return []  # settling changed nothing since a round found nothing: it would find nothing again
        found = self.proposals(page, settings)
        if not found:
            self.found_nothing_in = page.text
        return found

    # -- within the page ----------------------------------------------------------------
    def proposals(self, page: Page, s: PageCopySettings) -> list[Proposal]:
        text = page.text
        nonblank = [ln for ln in lines(text) if ln.stripped]
        if len(nonblank) < 2 and len(text) < 2 * int(s.min_chars):
            return []
        keys = [norm_key(ln.text) for ln in nonblank]
        verse = self._verse_lines(text, nonblank, s)
        removed: dict[int, tuple[int, str, float]] = {}  # line -> (kept line, rule, similarity)
        self._consecutive(keys, verse, removed, s, nonblank)
        self._lines(text, nonblank, keys, verse, removed, s)
        out: list[Proposal] = []
        for i, (j, rule, sim) in sorted(removed.items()):
            out.append(self._line_proposal(page, text, nonblank, i, j, rule, sim))
        out.extend(self._sentences(page, text, nonblank, verse, removed, s))
        return out

    @staticmethod
    def _verse_lines(text: str, nonblank: list[Span], s: PageCopySettings) -> set[int]:
        """Lines in a stanza of short lines (refrain, table column, list): repetition there is structure.

        A stanza is a run of consecutive short lines with no blank line between them, wherever it stands: a
        table's cells sit between the paragraphs before and after it with no blank line in clean text."""
        out: set[int] = set()
        run: list[int] = []
        max_words = int(s.verse_max_words)

        def flush() -> None:
            # a block of one line repeated is no stanza
            if len(run) >= int(s.verse_min_lines) and len({norm_key(nonblank[k].text) for k in run}) > 1:
                out.update(run)
            run.clear()

        for i, ln in enumerate(nonblank):
            if run and text.count("\n", nonblank[run[-1]].end, ln.start) > 1:
                flush()
            if len(ln.text.split()) > max_words:
                flush()
                continue
            run.append(i)
        flush()
        return out

    @staticmethod
    def _consecutive(keys: list[str], verse: set[int], removed: dict[int, tuple[int, str, float]], s: PageCopySettings,
                     nonblank: list[Span] | None = None) -> None:
        """A line or block of lines that repeats the one right before it (blank lines between allowed).

        Kept: a line in a stanza (refrain, table column), a block of table cells in one, copies in a list,
        copies at another indentation or opening a bracket (code)."""
        n = len(keys)
        origin = list(range(n))
        texts = [ln.text for ln in nonblank] if nonblank is not None else None
        item = regex.compile(str(s.list_item)) if s.list_item else None
        opener = regex.compile(str(s.code_opener)) if s.code_opener else None
        cell = int(s.cell_max_words)
        i = 1
        while i < n:
            step = 1
            for k in range(1, int(s.consecutive_max_block) + 1):
                if i - k < 0 or i + k > n:
                    break
                block, prev = keys[i : i + k], keys[i - k : i]
                if block != prev or not all(_LETTER.search(x) for x in block):
                    continue
                if k == 1 and i in verse and i - 1 in verse:
                    continue
                if all(j in verse for j in range(i - k, i + k)) and all(len(x.split()) <= cell for x in block):
                    continue  # a table's header cells, printed once per column group
                if texts is not None and _structural_copy(texts, i, k, item, opener, bool(s.same_indent)):
                    continue
                for d in range(k):
                    removed[i + d] = (origin[i - k + d], "dedup.consecutive", 1.0)
                    origin[i + d] = origin[i - k + d]
                step = k
                break
            i += step

    @staticmethod
    def _big(unit: str, words: int, s: PageCopySettings) -> bool:
        return words >= int(s.min_words) and len(unit) >= int(s.min_chars)

    def _eligible(self, unit: str, key: str, copies: int, s: PageCopySettings, prose_end: bool) -> bool:
        """May a non-adjacent copy of this line or sentence go?  Only prose that a structure does not repeat:
        big enough, not a question (FAQ, questionnaire), not data (numbers: meal plans, schedules), on the page
        at most ``max_copies`` times (more is a structure: an interview's recurring question)."""
        words = len(key.split())
        if not self._big(key, words, s) or copies > int(s.max_copies):
            return False
        t = unit.rstrip()
        if t.endswith("?") or (prose_end and not _PROSE_END.search(t)):
            return False
        digits = len(_DIGITS.findall(key))
        return digits < 2 or digits / max(words, 1) < float(s.max_number_share)

    @staticmethod
    def _quotation(text: str, nonblank: list[Span], i: int, start: int, end: int, s: PageCopySettings,
                   run_start: list[int] | None = None) -> bool:
        """A quotation: the line starts with a quote mark, a quote mark opens before the span on its line,
        the span ends in a closing quote, or the line before introduces it ("Gerald #75:", "X wrote:")."""
        ln = nonblank[i]
        prefixes = tuple(s.quote_prefixes)
        before = text[ln.start : start]
        if ln.stripped.startswith(prefixes) or any(c in before for c in s.quote_open):
            return True
        if text[start:end].rstrip().endswith(tuple(s.quote_close)):
            return True
        if i > 0 and nonblank[i - 1].stripped.endswith(":"):
            return True
        first = run_start[i] if run_start else i  # a quoted block: the run of copied lines this one is in
        zone = int(s.quote_zone_lines)
        intro = _introducers(s)
        return any(_introduces(intro, nonblank[k].text) for k in range(max(0, first - zone), i))

    def _lines(self, text: str, nonblank: list[Span], keys: list[str], verse: set[int],
               removed: dict[int, tuple[int, str, float]], s: PageCopySettings) -> None:
        """Non-adjacent copies of a whole line (a paragraph), exact or near."""
        first: dict[str, int] = {}
        kept: list[int] = []
        counts = Counter(k for i, k in enumerate(keys) if i not in removed)
        near_ok = len(nonblank) <= int(s.near_max_units)
        starts = copy_runs(keys)
        for i, key in enumerate(keys):
            if i in removed or i in verse:
                continue
            ln = nonblank[i]
            if not self._eligible(ln.text, key, counts[key], s, True) or _LABEL.match(ln.stripped):
                continue
            if self._quotation(text, nonblank, i, ln.start, ln.end, s, starts):
                continue
            j = first.get(key)
            if j is not None:
                removed[i] = (j, "dedup.paragraph", 1.0)
                continue
            if near_ok and len(key.split()) >= int(s.near_min_words):
                hit = _near(key, [(k, keys[k]) for k in kept], s)
                if hit is not None and s.near_same_names and _names(ln.text) != _names(nonblank[hit[0]].text):
                    hit = None  # the same template about different things (a film, a product, a person)
                if hit is not None:
                    removed[i] = (hit[0], "dedup.near-paragraph", hit[1])
                    continue
            first[key] = i
            kept.append(i)

    def _sentences(self, page: Page, text: str, nonblank: list[Span], verse: set[int],
                   removed: dict[int, tuple[int, str, float]], s: PageCopySettings) -> list[Proposal]:
        """Non-adjacent copies of a sentence inside paragraphs (a definition pasted again).

        A line whose sentences all occur in one other line (or the other way round) is a pull quote or a
        partial quote of it: both stay.
        """
        units: list[_Unit] = []
        line_keys: dict[int, set[str]] = {}
        for i, ln in enumerate(nonblank):
            if i in removed or i in verse:
                continue
            ss = sentences(ln.text, ln.start)
            for sent in ss:
                key = norm_key(sent.text)
                units.append(_Unit(sent, key, len(key.split()), i, len(ss) == 1))
                line_keys.setdefault(i, set()).add(key)
        counts = Counter(u.key for u in units)
        starts = copy_runs([norm_key(ln.text) for ln in nonblank])
        out: list[Proposal] = []
        first: dict[str, int] = {}
        kept: list[int] = []
        near_ok = len(units) <= int(s.near_max_units)
        drop: dict[int, list[tuple[int, int, str, float]]] = {}  # line -> [(unit, kept unit, rule, similarity)]
        copied: Counter[int] = Counter()  # line -> sentences that are copies (protected or not)
        seen: set[str] = set()
        repeats: list[tuple[int, int]] = []  # (unit, the unit it repeats right after)
        item = regex.compile(str(s.list_item)) if s.list_item else None
        for u_i, u in enumerate(units):
            if u.key in seen and not self._big(u.key, u.words, s):
                copied[u.line] += 1  # a short copied sentence still counts towards "all of the line is copied"
            seen.add(u.key)
            p = units[u_i - 1] if u_i else None
            if (p is not None and p.key == u.key and u.words >= int(s.repeat_min_words) and _LETTER.search(u.key)
                    and u.line - p.line <= int(s.repeat_max_lines)
                    and not (item is not None and item.match(nonblank[u.line].text))  # a list repeats items on purpose
                    and (u.line == p.line  # a stutter inside a quotation is a stutter too
                         or not self._quotation(text, nonblank, u.line, u.span.start, u.span.end, s, starts))):
                repeats.append((u_i, u_i - 1))  # the same sentence twice in a row: a stutter of the template
                continue
            if not self._eligible(u.span.text, u.key, counts[u.key], s, False):
                continue
            j = first.get(u.key)
            hit: tuple[int, float] | None = (j, 1.0) if j is not None else None
            rule = "dedup.sentence"
            if hit is None and near_ok and u.words >= int(s.near_min_words):
                hit = _near(u.key, [(k, units[k].key) for k in kept], s)
                if hit is not None and s.near_same_names and _names(u.span.text) != _names(units[hit[0]].span.text):
                    hit = None
                rule = "dedup.near-sentence"
            if hit is not None:
                copied[u.line] += 1
                o = units[hit[0]]
                la, lb = line_keys[u.line], line_keys[o.line]
                pull_quote = s.keep_pull_quotes and (u.whole_line or o.whole_line or la <= lb or lb <= la
                                                          or _recap(nonblank[u.line].text.replace(u.span.text, " "),
                                                                    nonblank[o.line].text.replace(o.span.text, " "), s))
                lead = s.keep_paragraph_leads and _opens_line(text, nonblank, u) and _opens_line(text, nonblank, o)
                if not pull_quote and not lead and not self._quotation(text, nonblank, u.line, u.span.start, u.span.end, s, starts):
                    drop.setdefault(u.line, []).append((u_i, hit[0], rule, hit[1]))
                    continue
            if j is None:
                first[u.key] = u_i
                kept.append(u_i)
        for u_i, k in repeats:
            u, o = units[u_i], units[k]
            a, b = removal_span(text, u.span.start, u.span.end)
            ka, kb = _raw_range(page, o.span.start, o.span.end)
            out.append(Proposal(a, b, "", "dedup.repeated-sentence", _reason("sentence, right before it,", page, ka, kb, 1.0),
                                {"kept_start": ka, "kept_end": kb, "similarity": 1.0}))
        per_line = Counter(u.line for u in units)
        for line_i, items in drop.items():
            if copied[line_i] == per_line[line_i]:
                continue  # every sentence is a copy of one elsewhere: a pull quote made of the article's sentences
            for u_i, k, rule, sim in items:
                u, o = units[u_i], units[k]
                a, b = removal_span(text, u.span.start, u.span.end)
                ka, kb = _raw_range(page, o.span.start, o.span.end)
                out.append(Proposal(a, b, "", rule, _reason("sentence", page, ka, kb, sim),
                                    {"kept_start": ka, "kept_end": kb, "similarity": sim}))
        return out

    @staticmethod
    def _line_proposal(page: Page, text: str, nonblank: list[Span], i: int, j: int, rule: str, sim: float) -> Proposal:
        """Remove line i with the line break (and blank lines) before it, naming line j as the kept copy."""
        ln = nonblank[i]
        start = nonblank[i - 1].end if i > 0 else ln.start
        end = ln.end if i > 0 or ln.end >= len(text) else ln.end + 1
        ka, kb = _raw_range(page, nonblank[j].start, nonblank[j].end)
        kind = "line" if rule == "dedup.consecutive" else "paragraph"
        return Proposal(start, end, "", rule, _reason(kind, page, ka, kb, sim),
                        {"kept_start": ka, "kept_end": kb, "similarity": sim})



class DedupStage(DetectorStage):
    """Copies across the corpus (with ``--dedup-corpus``), then inside the page to a fixed point; on a page with
    repetition the pipeline's settle loop runs the neighbouring stages again (`DedupSettle`)."""

    name = "dedup"
    detectors = [CorpusCopies, PageCopies]

    def __init__(self) -> None:
        super().__init__()
        self._settle: DedupSettle | None = None

    def apply(self, page: Page, ctx: Context) -> None:
        self._settle = None
        values = ctx.settings(self.name, self.defaults)
        s = PageCopySettings.from_values(values)
        if not s.enabled:
            return
        stats = ctx.stats.get(self.name)
        if isinstance(stats, CorpusDuplicates) and page.key in stats.pages:
            of, sim = stats.pages[page.key]
            page.meta.setdefault("log_header", {})["duplicate_of"] = {"page": of, "similarity": sim}
        start = page.text
        changed = False
        for det in self.instances():
            if isinstance(det, PageCopies):
                det.found_nothing_in = None
                changed = self.run_detector(det, page, ctx, values)
            else:
                self.run_detector(det, page, ctx, values)
        if s.settle_stages and (changed or repeats(page)):
            self._settle = DedupSettle(self, ctx, s, changed, start)

    def settling(self, page: Page, ctx: Context) -> Settle | None:
        return self._settle

    def remove_copies(self, page: Page, ctx: Context) -> None:
        """The page's copies again (the settle loop's other stages changed the page)."""
        values = ctx.settings(self.name, self.defaults)
        for det in self.instances():
            if isinstance(det, PageCopies):
                self.run_detector(det, page, ctx, values)

    def collector(self, ctx: Context) -> Collector | None:
        s = CorpusCopySettings.from_values(ctx.settings(self.name, self.defaults))
        return CorpusCollector(s) if s.enabled and s.corpus_enabled else None


def _near(key: str, earlier: list[tuple[int, str]], s: PageCopySettings) -> tuple[int, float] | None:
    """The first earlier unit this one nearly copies (same numbers, ratio >= threshold)."""
    thr = float(s.near_threshold)
    digits = _DIGITS.findall(key)
    n = len(key)
    for k, other in earlier:
        m = len(other)
        if min(n, m) * 200 < thr * (n + m):  # ratio cannot reach thr with lengths this far apart
            continue
        score = fuzz.ratio(key, other, score_cutoff=thr)
        if score and _DIGITS.findall(other) == digits:
            return k, round(score / 100, 3)
    return None


_NAME = regex.compile(r"\b\p{Lu}[\p{L}\p{M}'’-]*")


def _names(text: str) -> Counter[str]:
    """The capitalised words of a text: what a near copy must name alike."""
    return Counter(_NAME.findall(text))


def _recap(line: str, other: str, s: PageCopySettings) -> bool:
    """Is the rest of the shorter of two lines (past the sentence they share) nearly all found inside the
    other's rest (a recap paragraph, a pull quote reworded a little)?  Then which copy is layout is not
    knowable: both stay."""
    a, b = (line.strip(), other.strip()) if len(line) <= len(other) else (other.strip(), line.strip())
    if not _LETTER.search(a):
        return False
    return fuzz.partial_ratio(a, b, score_cutoff=float(s.recap_partial_ratio)) > 0


def _opens_line(text: str, nonblank: list[Span], u: _Unit) -> bool:
    """Does the sentence open its line (the first sentence of a paragraph)?"""
    return not text[nonblank[u.line].start : u.span.start].strip()


def _structural_copy(texts: list[str], i: int, k: int, item: regex.Pattern[str] | None,
                     opener: regex.Pattern[str] | None, same_indent: bool) -> bool:
    """Is the block at ``i`` (``k`` lines, a copy of the ``k`` before) repeated by a structure, not a template?
    Code: another indentation, or a line opening a bracket.  A list: the copy is an item among items."""
    block, prev = texts[i : i + k], texts[i - k : i]
    if same_indent and any(_indent(a) != _indent(b) for a, b in zip(block, prev, strict=True)):
        return True
    if opener is not None and any(opener.search(t) for t in block):
        return True
    if item is not None and all(item.match(t) for t in block):
        around = [texts[j] for j in (i - k - 1, i + k) if 0 <= j < len(texts)]
        return any(item.match(t) for t in around)
    return False


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def copy_runs(keys: list[str], gap: int = 1) -> list[int]:
    """For each line, where the run of consecutive lines that copy earlier lines (a quoted block) starts.
    Up to ``gap`` lines that are not copies (a quoted line the replier edited, a line pasted into the quote)
    do not end the run."""
    seen: set[str] = set()
    out: list[int] = []
    last_copied = -10**9
    for i, key in enumerate(keys):
        copied = key in seen
        seen.add(key)
        if copied and i - last_copied - 1 <= gap and out:
            out.append(out[last_copied])
        else:
            out.append(i)
        if copied:
            last_copied = i
    return out


def _introducers(s: PageCopySettings) -> regex.Pattern[str]:
    return _introducer_pattern(tuple(s.quote_introducers))


@resource
def _introducer_pattern(pats: tuple[str, ...]) -> regex.Pattern[str]:
    return regex.compile("|".join(f"(?:{p})" for p in pats) or "(?!)", regex.I)


@line_memo  # every copy looks back over the lines before its run: the same lines, again and again
def _introduces(intro: regex.Pattern[str], line: str) -> bool:
    return intro.search(line.strip()) is not None


def _reason(kind: str, page: Page, ka: int, kb: int, sim: float) -> str:
    """The reason quotes the copy that stays and says on which line of the raw page it is (the offsets are in the
    edit's detail)."""
    copy = "copy" if sim >= 1.0 else f"near copy (similarity {sim:.2f})"
    kept = " ".join(page.raw[ka:kb].split())
    quoted = kept if len(kept) <= 60 else kept[:57].rstrip() + "…"
    return f"{copy} of the {kind} kept on line {page.raw.count(chr(10), 0, ka) + 1}: “{quoted}”"
