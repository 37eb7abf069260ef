"""The compiled MinHash (cleaner._core.minhash_signatures, behind `MinHasher.signatures`) against the numpy
implementation it replaced: the same signatures bit for bit on arbitrary text (lone surrogates, NUL, texts
shorter than a shingle, empty ones, every storage width) and on a huge line hashed a piece at a time.

The reference below is that numpy implementation, kept here as the definition."""

from __future__ import annotations

import os

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.stages.dedup.corpus import MinHasher

_MASK32 = np.uint64(0xFFFFFFFF)


def _window_hashes(raw: bytes, n: int) -> np.ndarray:
    data = np.frombuffer(raw, dtype=np.uint8).astype(np.uint64)
    s = np.zeros(data.size - n + 1, dtype=np.uint64)
    for k in range(n):
        s = (s * np.uint64(0x01000193) + data[k : data.size - n + 1 + k]) & _MASK32
    return (s * np.uint64(2654435761)) & _MASK32


def reference_shingles(text: str, n: int, piece: int = 1 << 20) -> np.ndarray:
    """The hashes of the text's n-byte windows, a piece of ``piece`` bytes at a time (overlapping by n - 1)."""
    raw = text.encode("utf-8", "surrogatepass")
    if not raw:
        return np.zeros(0, dtype=np.uint64)
    if len(raw) <= piece:
        return np.unique(_window_hashes(raw, min(n, len(raw))))
    step = piece - n + 1
    return np.unique(np.concatenate([np.unique(_window_hashes(raw[i : i + piece], n)) for i in range(0, len(raw) - n + 1, step)]))


def reference_signature(h: MinHasher, shingles: np.ndarray) -> np.ndarray:
    if shingles.size == 0:
        return np.full(h.num_perm, 0xFFFFFFFF, dtype=np.uint32)
    out = np.full(h.num_perm, 0xFFFFFFFF, dtype=np.uint64)
    for i in range(0, shingles.size, 1 << 14):
        part = shingles[i : i + (1 << 14)]
        hv = (part[None, :] * h.a[:, None] + h.b[:, None]) >> np.uint64(32)
        np.minimum(out, hv.min(axis=1), out=out)
    return out.astype(np.uint32)


def same_signatures(h: MinHasher, texts: list[str], piece: int = 1 << 20) -> None:
    got = h.signatures(texts)
    assert got.shape == (len(texts), h.num_perm) and got.dtype == np.uint32
    for k, text in enumerate(texts):
        assert np.array_equal(got[k], reference_signature(h, reference_shingles(text, h.n, piece))), text[:80]


_PIECES = st.one_of(st.characters(codec=None), st.sampled_from(["\x00", "\udc80", "\udcff", "é", "中", "😀", " ", "the "]))
_TEXTS = st.lists(st.lists(_PIECES, max_size=40).map("".join), max_size=8)


@settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", 300)), deadline=None)
@given(_TEXTS, st.sampled_from([(100, 5, 1), (7, 1, 2), (16, 3, 9), (1, 8, 1)]))
def test_signatures_match_the_numpy_definition_on_arbitrary_text(texts: list[str], shape: tuple[int, int, int]) -> None:
    same_signatures(MinHasher(*shape), texts)


def test_a_huge_line_has_the_signature_of_its_pieces() -> None:
    """A page that is one 3.6 MB line: the reference hashes it a megabyte at a time, the core at once."""
    h = MinHasher(100, 5)
    rng = np.random.default_rng(5)
    words = np.array(["flood", "été", "naïve", "中文", "\udc80x", "river", "the", "council"])
    huge = " ".join(rng.choice(words, size=600_000).tolist())
    assert len(huge.encode("utf-8", "surrogatepass")) > 3 << 20
    same_signatures(h, [huge, "a short paragraph of words", huge[:10]])
    same_signatures(h, [huge[:5000]], piece=64)  # pieces of every size give the same set of windows


def test_a_shingle_of_no_bytes_is_refused() -> None:
    """(The numpy code hashed every text to one shingle then, or none when empty, depending on the batch.)"""
    import pytest

    with pytest.raises(ValueError, match="at least one byte"):
        MinHasher(10, 0).signatures(["a text"])
