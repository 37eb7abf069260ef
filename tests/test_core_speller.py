"""The speller's candidate search in the core (`_core.WordIndex`, src/speller.rs) against its definition in Python:
the words of some first-letter buckets within k edits (rapidfuzz's optimal string alignment distance) and k
letters of the word's length, and the listed words among the word's one-edit variants (Norvig's edits1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from cleaner import _core
from cleaner.core.text import word_list
from cleaner.stages.spelling import general

_AZ = "abcdefghijklmnopqrstuvwxyz"


def reference_within(words: list[str], word: str, k: int, letters: list[str], max_len: int = 10**9) -> set[tuple[str, int]]:
    return {(w, d) for w in set(words) if w[:1] in letters and abs(len(w) - len(word)) <= k and len(w) <= max_len
            for d in [OSA.distance(word, w)] if d <= k}


def reference_edits1(words: list[str], w: str) -> list[str]:
    splits = [(w[:i], w[i:]) for i in range(len(w) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _AZ}
    out |= {a + c + b for a, b in splits for c in _AZ}
    out.discard(w)
    return sorted(out & set(words))


def same_search(words: list[str], word: str, k: int, letters: list[str]) -> None:
    index = _core.WordIndex(words)
    assert set(index.within(word, k, letters)) == reference_within(words, word, k, letters)
    assert len(index.within(word, k, letters)) == len(reference_within(words, word, k, letters))
    assert set(index.within(word, k, letters, 5)) == reference_within(words, word, k, letters, 5)
    assert index.edits1(word) == reference_edits1(words, word)


_LETTERS = st.sampled_from(list("abcáé\udc80\x00ß中"))
_WORDS = st.text(_LETTERS, min_size=1, max_size=9)


@settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", 300)), deadline=None)
@given(st.lists(_WORDS, max_size=60), st.text(_LETTERS, max_size=10), st.integers(0, 3), st.lists(_LETTERS, max_size=4))
def test_search_matches_the_definition_on_arbitrary_words(words: list[str], word: str, k: int, letters: list[str]) -> None:
    same_search(words, word, k, letters)


def test_search_matches_on_a_real_word_list_and_real_words() -> None:
    g = general("en", 3.0)
    assert g is not None
    words = [w for w, z in g.zipf.items() if z >= 3.0]
    index = _core.WordIndex(words)
    raw = Path(__file__).resolve().parent.parent / "raw"
    seen = sorted({w.casefold() for p in sorted(raw.glob("*.txt")) for w in word_list(p.read_text(encoding="utf-8"))})[::7][:150]
    seen += ["recieve", "teh", "definately", "thier", "ebxample", "x", ""]
    by_letter: dict[str, list[str]] = {}
    for w in words:
        by_letter.setdefault(w[0], []).append(w)
    for word in seen:
        letters = sorted({word[:1], word[1:2]}) if word else []
        pool = [w for c in letters for w in by_letter.get(c, [])]
        for k in (1, 2):
            assert set(index.within(word, k, letters)) == reference_within(pool, word, k, letters)
        assert index.edits1(word) == reference_edits1(words, word)


def test_a_word_index_refuses_what_is_not_a_word() -> None:
    with pytest.raises(ValueError):
        _core.WordIndex(["ok", 3])  # type: ignore[list-item]
