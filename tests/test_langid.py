"""Language identification: the vectorised automaton walk finds what py3langid's own walk finds.

Page languages and off-language verdicts rest on py3langid's scores; the walk is only a faster way to
the same feature counts, so the scores must agree bit for bit, on pages and on lines, in every script.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier, visit_counts

from cleaner.resources import langid

ROOT = Path(__file__).resolve().parents[1]


def _texts() -> list[str]:
    pages = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt"))]
    pages += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "pages").glob("*.txt"))]
    rng = random.Random(7)
    alphabet = "ab éß中文 한국어 русский\n\t0.,"
    noise = ["".join(rng.choice(alphabet) for _ in range(rng.randint(100, 600))) for _ in range(40)]
    lines = [ln for page in pages for ln in page.splitlines() if len(ln.encode()) >= langid._WalkAtOnce.min_bytes]
    return pages + lines[:400] + noise + ["x" * 5000, ""]


@pytest.fixture(scope="module")
def reference() -> LanguageIdentifier:
    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def test_walk_counts_the_features_the_byte_walk_counts_in_the_same_order() -> None:
    ident = langid._identifier()
    for text in _texts():
        data = text.encode("utf-8")
        expected = visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, data)
        found = ident.walk.visits(data)
        if expected is None:
            assert found is None
            continue
        assert found is not None
        feats, counts = found
        assert feats.tolist() == list(expected.keys())
        assert counts.tolist() == [float(c) for c in expected.values()]


def test_classification_agrees_with_py3langid_bit_for_bit(reference: LanguageIdentifier) -> None:
    ident = langid._identifier()
    for text in _texts():
        assert np.array_equal(ident._decide(text), reference._decide(text))
        assert ident.classify(text) == reference.classify(text)

