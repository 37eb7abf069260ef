"""Cheap literal pre-checks for pattern rules, and the page views they share.

Most rules never match most pages, yet matching every line and sentence
against every rule was the pipeline's hottest loop.  A regex usually needs
some literal text to match (``rated``, ``cookie``, ``all rights reserved``):
we extract, from the pattern's parse tree, a set of literals one of which
*every* match must contain.  When none occurs in the (case-folded) page, the
rule cannot fire and is skipped; otherwise only the lines that contain one
are tried.  The pre-check can only say "cannot match", never "matches", so
output is unchanged.  Patterns we cannot analyse get no pre-check.

The literals of all rules go into one Aho-Corasick automaton (pyahocorasick),
so a text is scanned once for all of them, however many rules users add:
searching a 3 kB page for the shipped rules' 220 literals one by one took
~480 µs, the automaton takes ~60 µs and also says where each one occurs.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from cleaner.core.memo import line_memo, text_memo
from cleaner.core.text import Span, lines, sentences

try:  # the stdlib's regex parser; its internals moved in 3.11
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

MIN_LITERAL = 3
# constructs of the `regex` module that the stdlib parser would misread: no pre-check for these patterns
_REGEX_ONLY = re.compile(r"\[\[:|\\[pPXLGKmMN]|\(\?[Vrfbe]|\(\?\||\{[eids]\s*[<=]|\\[0-9]|\(\?&|\(\?R|\(\?P[>&=]|\(\?\(|\(\?[0-9]")


def required_literals(pattern: str) -> frozenset[str] | None:
    """Case-folded literals of which every match of ``pattern`` contains at least one (None: no such set)."""
    if _REGEX_ONLY.search(pattern):
        return None
    try:
        parsed = _p.parse(pattern, 0)
    except Exception:  # noqa: BLE001 - any parse problem means: no pre-check
        return None
    found = _seq(list(parsed))
    if not found or any("\n" in s for s in found):
        return None
    return frozenset(s.casefold() for s in found)


def _seq(items: list[Any]) -> set[str] | None:
    cands: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            cands.append({"".join(run)})
            run.clear()

    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        flush()
        r: set[str] | None = None
        if op is _c.SUBPATTERN:
            r = _seq(list(av[-1]))
        elif op is _c.ASSERT:  # a positive look-around sees only the string being matched: its literals are in it too
            r = _seq(list(av[1]))
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            r = _seq(list(av))
        elif op is _c.IN and av and all(o is _c.LITERAL for o, _ in av):  # [·•]: any one of these characters
            r = {chr(ch) for _, ch in av}
        elif op is _c.BRANCH:
            alts = [_seq(list(b)) for b in av[1]]
            if alts and all(alts):
                r = set().union(*alts)  # type: ignore[arg-type]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            lo, _hi, sub = av
            if lo >= 1:
                r = _seq(list(sub))
        if r:
            cands.append(r)
    flush()
    good = [c for c in cands if all(_rarity(s) >= MIN_LITERAL for s in c)]
    if not good:
        return None
    return max(good, key=lambda c: (min(_rarity(s) for s in c), -len(c)))


def _rarity(literal: str) -> int:
    """How rarely a page holds the literal, roughly: its length, and a symbol outside ASCII (a '·' or '•'
    separator) counts as a word of six letters (absent from most pages, though one character long)."""
    return _SYMBOL_RARITY if len(literal) == 1 and not literal.isascii() and not literal.isalnum() else len(literal)


_SYMBOL_RARITY = 6


def rule_literals(rule: Any, key: str = "regex") -> frozenset[str] | None:
    """The rule's pre-check (cached on the rule): literals of its pattern or its phrases, one of which every
    match contains; None when the pattern cannot be analysed or a phrase has no telling word."""
    cache_key = f"_literals_{key}"
    if cache_key not in rule.compiled:
        parts: list[frozenset[str] | None] = []
        if "phrases" in rule.data:
            parts.append(phrase_literals(rule.data["phrases"]))
        if isinstance(rule.data.get(key), str):
            parts.append(required_literals(rule.data[key]))
        lits = frozenset().union(*parts) if parts and all(parts) else None  # type: ignore[arg-type]
        if lits:
            _AUTOMATON.add(lits)
        rule.compiled[cache_key] = lits
    return rule.compiled[cache_key]  # type: ignore[no-any-return]


@line_memo  # the same line is folded for every rule that has phrases
def fold_phrase(s: str) -> str:
    """How a phrase rule compares a line with its phrases: case-folded, spaces collapsed, end punctuation off."""
    return " ".join(s.casefold().split()).strip(" .:!?")


def phrase_literals(phrases: list[str]) -> frozenset[str] | None:
    """The longest word of each phrase: a line equal to the phrase once folded holds that word (case-folded)."""
    out = set()
    for phrase in phrases:
        words = fold_phrase(phrase).split()
        if not words:
            return None
        best = max(words, key=_rarity)
        if _rarity(best) < MIN_LITERAL:
            return None
        out.add(best)
    return frozenset(out)


class _Automaton:
    """One Aho-Corasick automaton over every literal a pre-check has asked for, rebuilt when one is added."""

    def __init__(self) -> None:
        self.literals: frozenset[str] = frozenset()
        self._pending: set[str] = set()
        self._automaton: Any = None

    def add(self, lits: frozenset[str]) -> None:
        self._pending |= lits - self.literals

    def occurrences(self, folded: str) -> tuple[frozenset[str], dict[str, list[int]]]:
        """(the literals looked for, where each found one starts in ``folded``, every occurrence)."""
        if self._pending or self._automaton is None:
            self.literals |= self._pending
            self._pending = set()
            automaton = ahocorasick.Automaton()
            for s in self.literals:
                automaton.add_word(s, s)
            if self.literals:
                automaton.make_automaton()
            self._automaton = automaton
        found: dict[str, list[int]] = {}
        if self.literals:
            for end, s in self._automaton.iter(folded):
                found.setdefault(s, []).append(end - len(s) + 1)
        return self.literals, found


_AUTOMATON = _Automaton()


@dataclass
class Views:
    """Lines, non-blank ranks, sentences and the case-folded text of one text, computed once for all rules."""

    text: str
    all_lines: list[Span] = field(default_factory=list)
    nonblank: list[int] = field(default_factory=list)
    rank: dict[int, int] = field(default_factory=dict)
    starts: list[int] = field(default_factory=list)
    folded: str = ""
    aligned: bool = False
    _sentences: dict[int, list[Span]] = field(default_factory=dict)
    _scanned: frozenset[str] = frozenset()
    _found: dict[str, list[int]] | None = None

    @classmethod
    def of(cls, text: str) -> Views:
        v = cls(text)
        v.all_lines = lines(text)
        v.nonblank = [i for i, ln in enumerate(v.all_lines) if ln.text.strip()]
        v.rank = {idx: r for r, idx in enumerate(v.nonblank)}
        v.starts = [ln.start for ln in v.all_lines]
        v.folded = text.casefold()
        v.aligned = len(v.folded) == len(text)
        return v

    def sentences_of(self, idx: int) -> list[Span]:
        got = self._sentences.get(idx)
        if got is None:
            ln = self.all_lines[idx]
            got = self._sentences[idx] = sentences(ln.text, ln.start)
        return got

    def _positions(self, s: str) -> list[int]:
        """Where the literal ``s`` starts in the folded text, every occurrence (overlapping ones too)."""
        if self._found is None:
            self._scanned, self._found = _AUTOMATON.occurrences(self.folded)
        if s in self._scanned:
            return self._found.get(s, [])
        out, pos = [], self.folded.find(s)  # a literal no rule had registered when the text was scanned
        while pos >= 0:
            out.append(pos)
            pos = self.folded.find(s, pos + 1)
        return out

    def may_match(self, lits: frozenset[str] | None) -> bool:
        return lits is None or any(self._positions(s) for s in lits)

    def candidate_lines(self, lits: frozenset[str] | None) -> list[int] | None:
        """Indexes of the lines holding one of the literals, in order (None: every line is a candidate)."""
        if lits is None or not self.aligned:
            return None
        return sorted({bisect.bisect_right(self.starts, pos) - 1 for s in lits for pos in self._positions(s)})


@text_memo  # every rule of a stage looks at the same text
def views(text: str) -> Views:
    """The views of ``text``."""
    return Views.of(text)
