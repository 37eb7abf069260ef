"""Language identification: the core's automaton walk finds what py3langid's own walk finds, and the core's
scores are py3langid's.

Page languages and off-language verdicts rest on py3langid's scores; the core's walk and scoring (src/langid.rs)
are only a faster way to the same feature counts and the same float32 sums, so the scores must agree bit for bit,
on pages and on lines, in every script, and on any bytes at all (the walk reads bytes: undecodable input reaches
it as surrogatepass UTF-8).  The definition is py3langid's own `_raw_score` and `_decide` (its Python walk and
`np.log1p(counts) @ ptc[feats] + pc`): the core sums in the order numpy's OpenBLAS does on an AVX-512 machine,
so the bit-for-bit tests run where that is the kernel numpy uses.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier, visit_counts

from cleaner import _core
from cleaner.resources import langid

ROOT = Path(__file__).resolve().parents[1]


def _texts() -> list[str]:
    pages = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt"))]
    pages += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "pages").glob("*.txt"))]
    rng = random.Random(7)
    alphabet = "ab éß中文 한국어 русский\n\t0.,"
    noise = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 600))) for _ in range(40)]
    lines = [ln for page in pages for ln in page.splitlines()]
    return pages + lines[:400] + noise + ["x" * 5000, "", "caf\udce9 \x00 ok", "ÉCRIT EN MAJUSCULES"]


def _avx512() -> bool:
    try:
        return "avx512f" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


needs_avx512 = pytest.mark.skipif(not _avx512(), reason="the core sums in the order of numpy's AVX-512 BLAS kernel")


@pytest.fixture(scope="module")
def reference() -> LanguageIdentifier:
    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def _same_walk(data: bytes) -> None:
    ident = langid._identifier()
    expected = visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, data)
    found = ident.walk.visits(data)
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert np.frombuffer(found[0], dtype=np.intp).tolist() == list(expected.keys())
    assert np.frombuffer(found[1], dtype=np.float32).tolist() == [float(c) for c in expected.values()]


def test_walk_counts_the_features_the_byte_walk_counts_in_the_same_order() -> None:
    for text in _texts():
        _same_walk(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", 300)), deadline=None)
@given(st.binary(max_size=3000))
def test_walk_agrees_on_any_bytes(data: bytes) -> None:
    _same_walk(data)


@needs_avx512
def test_classification_agrees_with_py3langid_bit_for_bit(reference: LanguageIdentifier) -> None:
    ident = langid._identifier()
    for text in _texts():
        assert np.array_equal(ident._decide(text), reference._decide(text))
        assert ident.classify(text) == reference.classify(text)


def _same_scores(reference: LanguageIdentifier, data: bytes) -> None:
    expected = reference._raw_score(data)
    found = langid._identifier()._raw_score(data)
    assert found.dtype == np.float32
    assert found.tobytes() == expected.tobytes()


@needs_avx512
def test_scores_are_py3langids_bit_for_bit_for_any_number_of_features(reference: LanguageIdentifier) -> None:
    # the BLAS kernel changes its order with the number of features (<= 48, == 4, blocks of 8, 4, 2, 1): texts
    # of 0 to 400 features, every count of features, and whole pages
    for text in _texts():
        _same_scores(reference, reference._encode(text))
    rng = random.Random(3)
    for size in range(0, 400):
        data = bytes(rng.randrange(32, 127) for _ in range(size))
        _same_scores(reference, data)


@needs_avx512
@settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", 300)), deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=2000))
def test_scores_agree_on_any_text(reference: LanguageIdentifier, text: str) -> None:
    # any code point, lone surrogates and NUL included, through py3langid's own encoding
    _same_scores(reference, reference._encode(text))
    assert np.array_equal(langid._identifier()._decide(text), reference._decide(text))


@needs_avx512
@settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", 300)), deadline=None)
@given(st.binary(max_size=5000))
def test_scores_agree_on_any_bytes(reference: LanguageIdentifier, data: bytes) -> None:
    _same_scores(reference, data)


def test_a_model_that_points_outside_its_tables_is_refused() -> None:
    with pytest.raises(ValueError):
        _core.LangidWalk(np.array([0, 5] * 128, dtype=np.uint32), [0], [-1])
    with pytest.raises(ValueError):
        _core.LangidWalk(np.zeros(256, dtype=np.uint32), [1], [-1])
    with pytest.raises((ValueError, BufferError)):
        _core.LangidWalk(np.zeros(256, dtype=np.int64), [0], [-1])
    # scores for fewer features than the automaton outputs: refused; a walk without scores cannot score
    with pytest.raises(ValueError):
        _core.LangidWalk(np.zeros(256, dtype=np.uint32), [0], [3], np.zeros(6, dtype=np.float32), [0.0, 0.0])
    with pytest.raises(ValueError):
        _core.LangidWalk(np.zeros(256, dtype=np.uint32), [0], [-1]).scores(b"x")
