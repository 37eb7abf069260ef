"""The chrome model's line shapes (cleaner._core.line_shapes, src/shape.rs) against the Python expressions of
`line_features` they replace, kept here as the definition: for any line (lone surrogates, NUL, new lines, every
kind of white space and digit, case partners under IGNORECASE such as the long s and the Kelvin sign, month
names, URLs, bullets), every count and every pattern's answer is the same."""

from __future__ import annotations

import os
from pathlib import Path

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import _core

ROOT = Path(__file__).resolve().parents[1]

_CLOSERS = "\"'’”)]»"
_SENTENCE_FINAL = (".", "!", "?", "…", "。", "！", "？")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
_DATE = regex.compile(rf"(?i)\b(?:\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}|\d{{1,2}}:\d{{2}}|{_MONTH}\s+\d{{1,2}}\b|\d{{1,2}}\.?\s+{_MONTH}|(?:19|20)\d\d\b)")
_COUNTER = regex.compile(r"^\W*\d[\d.,]*\s*[kKmM]?(?:\s+\p{L}+)?\W*$")
_BULLET = regex.compile(r"^(?:[-–—•*·▪►✓✔]|\(?\d{1,3}[.)]|\p{L}[.)])\s")
_URLISH = regex.compile(r"(?i)https?://|www\.|\S@\S|\.(?:com|org|net|de|fr|uk)\b")
_SPACED_SEPARATOR = regex.compile(r"\s[|•·»/]\s")
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Hangul}]")
_NUMBER = regex.compile(r"(?<![\p{L}\d])\d[\d.,:%]*(?![\p{L}\d])")


def reference(s: str) -> tuple[object, ...]:
    return (_UNSPACED.search(s) is not None, s.rstrip(_CLOSERS).endswith(_SENTENCE_FINAL), sum(map(str.isspace, s)),
            sum(map(str.isdigit, s)), sum(map(str.isalnum, s)), s.count(":") + s.count(".") + s.count("|"),
            len(_SPACED_SEPARATOR.findall(s)), _DATE.search(s) is not None, _COUNTER.match(s) is not None,
            _BULLET.match(s) is not None, _URLISH.search(s) is not None, len(_NUMBER.findall(s)))


def _same(lines: list[str]) -> None:
    found = _core.line_shapes(lines)
    assert found == [reference(s) for s in lines]


_TOKENS = ["jan", "January", "MAR", "march", "Sept", "sep", "dec", "may", "june", "ſept", "aug", "nov.", "12", "5",
           "1999", "2024", "20", "19", "123", "1234", "12345", "٣", "５", "²", "½", ":", ".", "/", "-", ",", "%", "k", "K",
           "M", "K", "(", ")", "[", "•", "–", "—", "*", "·", "▪", "►", "✓", "✔", "|", "»", "@", "http", "HTTPS", "://",
           "www.", "WWW.", ".com", ".COM", ".de", ".uK", ".org", ".net", ".fr", "é", "x", "views", "中", "ひ", "カ", "ไ",
           "한", "İ", "ı", " ", " ", "  ", "\t", "\n", "\x00", "\x0b", "\x1c", "\x85", "\xa0", "\u2003", "\u3000", "\ud800",
           "\udcff", "'", "’", "”", "\"", "»", "!", "?", "…", "。", "！", "_", "a", "b"]
_lines = st.one_of(st.lists(st.sampled_from(_TOKENS), max_size=16).map("".join),
                   st.text(st.characters(codec=None), max_size=80))
_EXAMPLES = int(os.environ.get("CLEANER_FUZZ_EXAMPLES", 300))


def test_shapes_of_the_sample_pages_lines() -> None:
    lines = [ln.strip() for p in sorted((ROOT / "raw").glob("*.txt")) for ln in p.read_text(encoding="utf-8").splitlines()]
    lines += [ln.strip() for p in sorted((ROOT / "tests" / "pages").glob("*.txt"))
              for ln in p.read_text(encoding="utf-8", errors="surrogateescape").splitlines()]
    _same([ln for ln in lines if ln])


def test_shapes_of_edge_lines() -> None:
    _same(["", "12.3.2024", "at 10:30 pm", "March 5, 2020", "5 mar", "Sept. 12", "in 1999", "3. JUNE", "12345.3.2024",
           "marché 5", "x1999", "19999", "10:3", "may5", "(1,234 views)", "5 kilo", "12k\n", "5 kilo 3", "• item",
           "(12) item", "a) item", "1234. item", "-item", "see HTTPS://x", "a@b", "site.COM", "site.community",
           "httpſ://x", "site.uK", "1.5, 2a 3% x4 5:00.", "a | b | c / d", "Home | News: 2 items.”", "中文",
           "ſept 3", "3 ſept", "\n", "5\n", "5\n\n", "x" * 5000 + " 2024", "1" * 3000])


@settings(max_examples=_EXAMPLES, deadline=None)
@given(st.lists(_lines, max_size=5))
def test_shapes_agree_on_any_line(lines: list[str]) -> None:
    _same(lines)
