"""The compiled tree scorer (cleaner._core.Forest) against the chrome model's numpy scorer: the same scores and
contributions bit for bit, on the shipped model and on arbitrary trees and rows (ties at the thresholds, NaN,
infinities, no rows).

The reference below is the numpy implementation of `ChromeModel.scores`, kept here as the definition."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import _core
from cleaner.rulebook.load import default_rules_dir
from cleaner.stages.chrome.model import FEATURES, ChromeModel


def reference_scores(base: float, trees: list[dict[str, Any]], index: dict[str, int], x: np.ndarray,
                     explain: bool) -> tuple[np.ndarray, np.ndarray | None]:
    n = len(x)
    z = np.full(n, base)
    contrib = np.zeros((n, len(index))) if explain else None
    for tree in trees:
        stack = [(tree, np.arange(n))]
        while stack:
            node, rows = stack.pop()
            if "feature" not in node:
                z[rows] += node["value"]
                continue
            j = index[node["feature"]]
            below = x[rows, j] <= node["below"]
            for child, sub in ((node["then"], rows[below]), (node["else"], rows[~below])):
                if contrib is not None:
                    contrib[sub, j] += child["value"] - node["value"]
                stack.append((child, sub))
    return z, contrib


def same_scores(base: float, trees: list[dict[str, Any]], names: list[str], x: np.ndarray) -> None:
    forest = _core.Forest(base, trees, names)
    index = {name: j for j, name in enumerate(names)}
    for explain in (False, True):
        want_z, want_c = reference_scores(base, trees, index, x, explain)
        z, c = forest.scores(x, explain)
        assert z.tobytes() == want_z.tobytes()  # bit for bit (NaN included)
        if explain:
            assert c is not None and want_c is not None
            assert c.shape == want_c.shape and c.tobytes() == want_c.tobytes()
        else:
            assert c is None


def test_the_shipped_model_scores_rows_as_numpy_does() -> None:
    model = ChromeModel.load(default_rules_dir() / "chrome" / "model.json")
    rng = np.random.default_rng(7)
    thresholds = [node["below"] for tree in model.trees for node in _nodes(tree) if "feature" in node]
    x = rng.choice(np.array(thresholds + [0.0, 1.0, -1.0, np.nan]), size=(400, len(FEATURES)))
    x[:100] = rng.random((100, len(FEATURES))) * 4
    same_scores(model.base, model.trees, list(FEATURES), x)
    z, _ = model.scores(x)
    assert z.tobytes() == reference_scores(model.base, model.trees, model.index, x, False)[0].tobytes()


def _nodes(tree: dict[str, Any]) -> list[dict[str, Any]]:
    out, todo = [], [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        if "feature" in node:
            todo += [node["then"], node["else"]]
    return out


_VALUES = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64), st.sampled_from([0.0, -0.0, 0.5, 1.0, 2.0]))


@st.composite
def trees(draw: st.DrawFn, features: int, depth: int = 4) -> dict[str, Any]:
    value = draw(_VALUES)
    if depth == 0 or draw(st.booleans()):
        return {"value": value}
    return {"feature": f"f{draw(st.integers(0, features - 1))}", "below": draw(_VALUES), "value": value,
            "then": draw(trees(features, depth - 1)), "else": draw(trees(features, depth - 1))}


@st.composite
def forests(draw: st.DrawFn) -> tuple[float, list[dict[str, Any]], list[str], np.ndarray]:
    m = draw(st.integers(1, 6))
    ts = draw(st.lists(trees(m), max_size=6))
    n = draw(st.integers(0, 12))
    x = np.array(draw(st.lists(_VALUES, min_size=n * m, max_size=n * m)), dtype=float).reshape(n, m)
    return draw(_VALUES), ts, [f"f{j}" for j in range(m)], x


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # inf - inf in the reference, as in the core
@settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", 300)), deadline=None)
@given(forests())
def test_arbitrary_trees_score_arbitrary_rows_as_numpy_does(case: tuple[float, list[dict[str, Any]], list[str], np.ndarray]) -> None:
    same_scores(*case)


def test_a_split_on_an_unknown_feature_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown feature"):
        _core.Forest(0.0, [{"feature": "nope", "below": 1.0, "value": 0.0, "then": {"value": 1.0}, "else": {"value": 2.0}}], ["a"])
    with pytest.raises(ValueError, match="expected rows"):
        _core.Forest(0.0, [], ["a", "b"]).scores(np.zeros((3, 1)))
