"""Dedup's line and sentence keys: the core's `alnum_runs` (behind `norm_key`, after its case folding) against
the regex substitution it replaced, kept here as the definition: the same key for any text (lone surrogates,
NUL, every kind of white space and punctuation, letters and numbers of every script and storage width)."""

from __future__ import annotations

import os
import unicodedata

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import _core
from cleaner.stages.dedup.corpus import norm_key

_PUNCT = regex.compile(r"[^\p{L}\p{N}\s]+")


def reference_runs(s: str) -> str:
    return " ".join(_PUNCT.sub(" ", s).split())


def reference_key(s: str) -> str:
    s = s.lower() if s.isascii() else unicodedata.normalize("NFKC", s).casefold()
    return reference_runs(s)


_EXAMPLES = int(os.environ.get("CLEANER_FUZZ_EXAMPLES", 300))
_SPECIAL = "\x00\t\n\x0b\x0c\r\x1c\x1f \x85\xa0\u1680\u2000\u2028\u202f\u3000\ud800\udcff-.,'’\"!?…·|/_²½Ⅻ٣"
_texts = st.text(st.one_of(st.characters(codec=None), st.sampled_from(_SPECIAL), st.sampled_from("aZé中ß0")), max_size=300)


def test_keys_of_lines() -> None:
    for s in ["", "  ", "Don't   stop -- believing!", "ÉTÉ 2024: l’été", "x\ud800y", "a\x00b", "①②③ ½ Ⅻ", "中文。標點",
              "tab\tand\u00a0nbsp", "__init__", "İstanbul ǅ ﬁ"]:
        assert _core.alnum_runs(s) == reference_runs(s)
        assert norm_key(s) == reference_key(s)


@settings(max_examples=_EXAMPLES, deadline=None)
@given(_texts)
def test_runs_agree_on_any_text(s: str) -> None:
    assert _core.alnum_runs(s) == reference_runs(s)
    assert norm_key(s) == reference_key(s)


def test_every_code_point_alone() -> None:
    # each code point between two letters: is it a letter or number of the key, or a gap?
    for cp in range(0x110000):
        s = f"a{chr(cp)}b"
        assert _core.alnum_runs(s) == reference_runs(s), hex(cp)
