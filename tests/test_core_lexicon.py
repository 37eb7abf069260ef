"""The compiled chrome lexicon (cleaner._core.Lexicon) against its definition, the `regex` alternation the chrome
model matched lines with: the same spans on arbitrary text (case partners such as the Kelvin sign, long s and
dotted I, word and non-word characters, lone surrogates, NUL, huge lines) with arbitrary phrases, and with the
shipped lexicons on real lines.

The reference below is that alternation, kept here as the definition; `lexicon_entries` is how a caller hands
the phrases to the core."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import _core
from cleaner.rulebook.load import default_rules_dir

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
import unicode_tables  # noqa: E402  (the generator of the core's character tables)

ROOT = Path(__file__).resolve().parent.parent


def reference_pattern(phrases: set[str]) -> regex.Pattern[str]:
    alts = []
    for p in sorted(phrases, key=lambda x: (-len(x), x)):
        body = regex.escape(p.rstrip("*")) + (r"\w*" if p.endswith("*") else "")
        tail = r"(?!\w)" if p[-1:].isalnum() or p.endswith("*") else ""
        alts.append(body + tail)
    return regex.compile(r"(?<!\w)(?:" + "|".join(alts) + ")", regex.IGNORECASE)


def lexicon_entries(phrases: set[str]) -> list[tuple[str, bool, bool]]:
    return [(p.rstrip("*"), p.endswith("*"), p[-1:].isalnum() or p.endswith("*")) for p in sorted(phrases, key=lambda x: (-len(x), x))]


def shipped_phrases() -> set[str]:
    phrases: set[str] = set()
    for path in sorted((default_rules_dir() / "chrome" / "lexicon").glob("*.txt")):
        for ln in path.read_text(encoding="utf-8").splitlines():
            ln = ln.split("#", 1)[0].strip().casefold() if not ln.lstrip().startswith("#") else ""
            if ln:
                phrases.add(ln)
    return phrases


def same_spans(phrases: set[str], texts: list[str]) -> None:
    rx = reference_pattern(phrases)
    lex = _core.Lexicon(lexicon_entries(phrases))
    for s in texts:
        assert lex.spans(s) == [m.span() for m in rx.finditer(s)], s[:200]


_CASEY = list("kKsSiIıİſ\u212aßẞσςΣµμǅǆǄθϑΘ") + ["\udc80", "\x00", "_", "-", " ", "'", "’", "©", "·", "|", "é", "É", "中", "2", "²", "\u0301"]
_CHARS = st.one_of(st.sampled_from(_CASEY), st.sampled_from(list("abcehnorst")), st.characters(codec=None))
_WORDS = st.lists(_CHARS, min_size=1, max_size=6).map("".join)
_PHRASES = st.sets(st.tuples(st.lists(_WORDS, min_size=1, max_size=2).map(" ".join), st.booleans())
                   .map(lambda t: t[0] + ("*" if t[1] else "")), min_size=1, max_size=8)


@st.composite
def cases(draw: st.DrawFn) -> tuple[set[str], list[str]]:
    phrases = {p for p in draw(_PHRASES) if p.rstrip("*")}
    assume_some = phrases or {"sign in"}
    pieces = st.one_of(st.sampled_from(sorted(assume_some)), _WORDS, st.sampled_from([" ", "  ", ". ", "|", "\n"]))
    texts = [draw(st.lists(pieces, max_size=12).map("".join)) for _ in range(3)]
    # the phrases in other cases too
    texts += [t.upper() for t in texts] + [t.swapcase() for t in texts]
    return assume_some, texts


@settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", 400)), deadline=None)
@given(cases())
def test_spans_match_the_alternation_on_arbitrary_text(case: tuple[set[str], list[str]]) -> None:
    same_spans(*case)


def test_shipped_lexicons_on_real_lines_and_a_huge_one() -> None:
    phrases = shipped_phrases()
    lines = [ln.strip() for p in sorted((ROOT / "raw").glob("*.txt")) for ln in p.read_text(encoding="utf-8").splitlines()]
    lines += [p.upper() for p in sorted(phrases)] + [f"x{p} {p}s, ({p.title()})" for p in sorted(phrases)]
    lines.append(" · ".join(sorted(phrases)) * 40 + "\udc80 \x00")
    same_spans(phrases, lines)


def test_a_phrase_of_nothing_but_a_star_is_refused() -> None:
    with pytest.raises(ValueError, match="no text"):
        _core.Lexicon([("", True, True)])


def test_case_partners_are_the_regex_modules() -> None:
    stored = (Path(unicode_tables.__file__).with_suffix(".rs")).read_text()
    body = stored[stored.index("pub static RE_CASE_PAIRS"):]
    pairs = [tuple(int(x, 16) for x in m) for m in regex.findall(r"\(0x([0-9A-F]+), 0x([0-9A-F]+)\)", body)]
    assert pairs == unicode_tables.case_pairs(), "run src/unicode_tables.py again"
    cased = unicode_tables.cased_code_points()
    partnered = {a for a, _ in pairs}
    for cp in [*range(0, 0x3000, 7), *range(0x3000, 0x110000, 101)]:  # one without a partner matches only itself
        if cp not in partnered:
            assert {m.group() for m in regex.finditer("(?i)" + regex.escape(chr(cp)), cased)} <= {chr(cp)}
