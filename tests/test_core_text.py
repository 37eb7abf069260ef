"""The compiled text views (cleaner._core) against their definitions in Python: the same words and the same
sentence bounds on arbitrary text (lone surrogates, NUL, every kind of white space, huge lines) and on real pages.

The reference below is the pure-Python implementation the core replaced, kept here as the definition."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import _core
from cleaner.core import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
import unicode_tables  # noqa: E402  (the generator of the core's character tables)

WORD_RE = regex.compile(r"\p{L}[\p{L}\p{M}\p{N}]*(?:['’]\p{L}+)*")
SENTENCE_END = regex.compile(r"""(?<=[.!?…](?:["'’”)\]]*))\s+(?=\S)""")
ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "fig", "no", "vol", "pp", "approx", "inc", "ltd",
     "co", "dept", "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
)


def reference_sentence_bounds(s: str) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    pos = 0
    for m in SENTENCE_END.finditer(s):
        head = s[pos : m.start()]
        last_word = head.rsplit(None, 1)[-1].rstrip(".").lower() if head.strip() else ""
        if last_word in ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        if head.strip():
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(s):
        end = pos + len(s[pos:].rstrip())
        if s[pos:end].strip():
            out.append((pos, end))
    return tuple(out)


def reference_lines(text_: str) -> list[text.Span]:
    out: list[text.Span] = []
    pos = 0
    n = len(text_)
    while pos <= n:
        nl = text_.find("\n", pos)
        if nl < 0:
            if pos < n:
                out.append(text.Span(pos, n, text_[pos:n]))
            break
        out.append(text.Span(pos, nl, text_[pos:nl]))
        pos = nl + 1
    return out


def reference_words(s: str) -> tuple[str, ...]:
    return tuple(WORD_RE.findall(s))


def reference_sentences(s: str, base: int) -> list[text.Span]:
    return [text.Span(base + a, base + b, s[a:b]) for a, b in reference_sentence_bounds(s)]


def reference_word_spans(s: str, base: int) -> list[text.Span]:
    return [text.Span(base + m.start(), base + m.end(), m.group()) for m in WORD_RE.finditer(s)]


def same_views(s: str) -> None:
    assert _core.sentence_bounds(s) == reference_sentence_bounds(s)
    assert _core.words(s) == reference_words(s)
    assert _core.word_bounds(s) == tuple(m.span() for m in WORD_RE.finditer(s))
    assert text.word_list(s) == reference_words(s)
    assert text.sentence_bounds(s) == reference_sentence_bounds(s)
    got = text.lines(s)
    assert got == reference_lines(s) and all(type(ln) is text.Span for ln in got)
    assert text.lines(s + "\n\n" + s) == reference_lines(s + "\n\n" + s)
    for base in (0, 7):
        got = text.sentences(s, base)
        assert got == reference_sentences(s, base) and all(type(x) is text.Span for x in got)
        got = list(text.words(s, base))
        assert got == reference_word_spans(s, base) and all(type(x) is text.Span for x in got)


# the characters the views treat specially, and some of every storage width
_SPECIAL = list(".!?…\"'’”)]([ \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2028\u3000\x00") + [
    "\udc80", "\udcff", "\u0130", "\u212a", "\u0301", "é", "ß", "2", "²", "Ⅻ", "中", "😀", "ǅ", "\ufffd",
]
_ALPHABET = st.one_of(st.sampled_from(_SPECIAL), st.characters(codec=None), st.sampled_from(list("abcdeEgiImnoprstvxyz")))
_ABBREV_WORDS = st.sampled_from(sorted(ABBREVIATIONS) + ["Mr", "E.G", "I.e", "A", "z", "\u0130", "\u212ao", "approx.", "x.."])


@st.composite
def texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(st.text(_ALPHABET, max_size=12), _ABBREV_WORDS, st.sampled_from([". ", "! ", '." ', ".) ", ".\u3000"])), max_size=30))
    return "".join(parts)


@settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", 800)), deadline=None)
@given(texts())
def test_views_match_the_definition_on_arbitrary_text(s: str) -> None:
    same_views(s)


@settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", 300)), deadline=None)
@given(st.text(st.characters(codec=None), max_size=200))
def test_views_match_on_any_code_points(s: str) -> None:
    same_views(s)


def test_spans_are_made_only_of_tuple_types() -> None:
    with pytest.raises(ValueError):
        _core.sentences("a. b", 0, dict)
    s = text.sentences("One. Two.", 3)[1]
    assert s.start == 8 and s.text == "Two." and s.stripped == "Two." and s._replace(start=0) == (0, 12, "Two.")


def test_huge_lines_and_surrogates_cross_unchanged() -> None:
    line = ("Word\udc80s x\x00y. Dr. No met ’em! " * 20000) + "end"
    same_views(line)
    assert "".join(_core.words("a\udcffb")) == "ab"
    assert _core.words("\udc80\udcff") == ()


def test_character_tables_are_pythons_and_the_regex_modules() -> None:
    """Every code point, by every class the core tests, is classed as the generator's sources class it."""
    assert "regex " + regex.__version__ in Path(unicode_tables.__file__).with_suffix(".rs").read_text().splitlines()[1]
    stored = Path(unicode_tables.__file__).with_suffix(".rs").read_text()
    for name, test in unicode_tables.CLASSES.items():
        body = stored[stored.index(f"pub static {name}:") :].split("];", 1)[0]
        ranges = [(int(a, 16), int(b, 16)) for a, b in regex.findall(r"\(0x([0-9A-F]+), 0x([0-9A-F]+)\)", body)]
        assert ranges == unicode_tables.ranges(test), f"{name}: run src/unicode_tables.py again"


BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench"


@pytest.mark.skipif(not BENCH.is_dir(), reason="the bench pages are not on this machine")
def test_views_match_on_the_bench_pages() -> None:
    pages = sorted(BENCH.glob("*/*.raw.txt"))
    assert pages
    for path in pages:
        page = path.read_text(encoding="utf-8", errors="surrogateescape")
        same_views(page)
        for line in page.splitlines():
            same_views(line)
