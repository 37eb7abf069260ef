"""Train the chrome model from pages with gold (``NAME.raw.txt`` + ``NAME.gold.txt``): numpy only, deterministic.

Each folder is one corpus, as a run would see it: its pages are scanned for site and cross-site repetition
(site = the manifest's ``site`` column, else each page its own site), then each page goes through the stages a run
puts before the model (normalize, site repetition; not the pattern rules: see `page_rows`), and every line left
is a training row: its features (`cleaner.stages.chrome.model.line_features`) and its label from the gold
(`cleaner.stages.chrome.labels`).  The line model is gradient-boosted regression trees (depth 2, Newton leaves, split
thresholds between feature quantiles).  The gold texts themselves also serve as clean pages (every line content,
each its own site): the line model learns from them too, and the page gate (does a page carry chrome at all?) is
a logistic regression telling the scraped pages from the clean ones.  The model is
written as JSON with rounded numbers, so the same pages give the same file byte for byte.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.core.page import Page
from cleaner.core.pipeline import make_context
from cleaner.resources.langid import page_language
from cleaner.rulebook.load import default_rules_dir
from cleaner.stages.base import Context
from cleaner.stages.chrome.labels import LabelledPage, LineLabel, load_folder
from cleaner.stages.chrome.model import FEATURES, GATE, chrome_lexicon, gate_features, line_features, page_lines
from cleaner.stages.chrome.site import SiteLineCollector, SiteLineStats, SiteRepetition
from cleaner.stages.normalize import NormalizeStage

#: L2 penalty of the page gate's logistic regression (on standardised features, per training page)
GATE_L2 = 1e-2
#: the line model learns from the clean pages' lines too (not only the page gate)
LINES_FROM_CLEAN = True
NEWTON_STEPS = 30
DIGITS = 6
#: a split needs this much weight (sum of p(1-p)) on each side
MIN_HESS = 20.0


@dataclass
class Rows:
    """Training rows of some pages: features, labels (1 = chrome), and one label sequence per page."""

    x: list[np.ndarray] = field(default_factory=list)
    y: list[np.ndarray] = field(default_factory=list)
    clean: list[bool] = field(default_factory=list)  # the page is a gold text (clean), not a scraped page
    pages: Counter[str] = field(default_factory=Counter)  # pages per language
    lines: Counter[str] = field(default_factory=Counter)  # labelled lines per language


def corpus_stats(pages: list[LabelledPage]) -> SiteLineStats:
    """What a run's scan pass would count over these pages."""
    col = SiteLineCollector()
    for p in pages:
        col.add(p.raw, p.site, p.name)
    return col.finish()


def page_rows(lp: LabelledPage, ctx: Context, stats: SiteLineStats) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of the page's lines after normalize and site repetition.  The pattern rules, which run
    before the model in a run, are left out here: the widget lines they know (English mostly) teach the model
    what the lexicons' hits mean, for the languages and widgets no rule names."""
    page = Page(lp.raw, name=lp.name, site=lp.site)
    NormalizeStage().apply(page, ctx)
    page.commit("chrome", SiteRepetition().proposals(page, ctx, stats))
    spans, texts = page_lines(page)
    content = {lab.line: lab.content for lab in lp.labels}
    keep, ys = [], []
    for k, sp in enumerate(spans):
        lead = len(sp.text) - len(sp.text.lstrip())
        off = page.raw_offset(sp.start + lead)
        label = content.get(lp.raw.count("\n", 0, off))
        if label is not None:
            keep.append(k)
            ys.append(0.0 if label else 1.0)
    if not keep:
        return np.zeros((0, len(FEATURES))), np.zeros(0)
    x = line_features(texts, lp.site, stats, chrome_lexicon())
    return x[keep], np.array(ys)


def clean_pages(pages: list[LabelledPage]) -> list[LabelledPage]:
    """The gold texts as pages of their own, every line content, each its own site: what clean input looks like
    (a run over text that is already clean must leave it alone)."""
    out = []
    for lp in pages:
        labels = [LineLabel(i, True, "gold") for i, s in enumerate(lp.gold.splitlines()) if s.strip()]
        out.append(LabelledPage(lp.name, lp.gold, lp.gold, f"gold/{lp.site}/{lp.name}", lp.lang, labels))
    return out


def collect(folders: list[Path], ctx: Context | None = None, with_clean: bool = True) -> Rows:
    """Training rows of every page of the folders, each folder counted as its own corpus; with ``with_clean``,
    also the gold texts as clean pages (a corpus of their own)."""
    ctx = ctx or make_context([default_rules_dir()])
    rows = Rows()
    for folder in folders:
        scraped = load_folder(folder)
        corpora = [scraped, clean_pages(scraped)] if with_clean else [scraped]
        for pages in corpora:
            stats = corpus_stats(pages)
            _add(rows, pages, ctx, stats, pages is not scraped)
    return rows


def _add(rows: Rows, pages: list[LabelledPage], ctx: Context, stats: SiteLineStats, clean: bool) -> None:
    for lp in pages:
        x, y = page_rows(lp, ctx, stats)
        if not len(y):
            continue
        lang = lp.lang or page_language(lp.gold)[0]
        rows.x.append(x)
        rows.y.append(y)
        rows.clean.append(clean)
        if clean:
            continue
        rows.pages[lang] += 1
        rows.lines[lang] += len(y)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = GATE_L2) -> tuple[np.ndarray, float]:
    """Weights and bias of an L2-regularised logistic regression (Newton's method, deterministic)."""
    n, d = x.shape
    xb = np.column_stack([x, np.ones(n)])
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2 * n)
    reg[-1] = 0.0
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (p - y) + reg * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def _r(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, DIGITS) + 0.0
    if isinstance(v, list):
        return [_r(a) for a in v]
    if isinstance(v, dict):
        return {k: _r(a) for k, a in v.items()}
    return v


def train(folders: list[Path], ctx: Context | None = None) -> dict[str, Any]:
    """The model (a JSON-ready dict) trained on the pages of the folders."""
    rows = collect(folders, ctx)
    if not rows.y:
        raise ValueError("no labelled lines: the folders hold no NAME.raw.txt + NAME.gold.txt pairs")
    scraped = [k for k, c in enumerate(rows.clean) if not c or LINES_FROM_CLEAN]
    x = np.vstack([rows.x[k] for k in scraped])
    y = np.concatenate([rows.y[k] for k in scraped])
    base, trees = fit_trees(x, y)
    gx = np.array([gate_features(px) for px in rows.x])
    gy = np.array([0.0 if c else 1.0 for c in rows.clean])
    gmean, gscale = np.round(gx.mean(axis=0), DIGITS), np.round(gx.std(axis=0), DIGITS)
    gscale[gscale < 1e-6] = 1.0
    gw, gb = fit_logistic((gx - gmean) / gscale, gy, l2=GATE_L2)
    return _r({
        "about": "chrome line model: gradient-boosted trees over line features; a line's score (log-odds of chrome) "
                 "is base + the value of the leaf it reaches in every tree (a feature at or below `below` goes to "
                 "`then`). A node's `value` is the step of its rows, so a feature's contribution to a line is the "
                 "sum of (child value - node value) over the nodes that split on it. Rebuild with `make train-chrome`.",
        "trained_on": {"folders": [f.name for f in folders], "pages": sum(rows.pages.values()),
                       "lines": int(len(y)), "chrome_lines": int(y.sum()),
                       "pages_by_language": dict(sorted(rows.pages.items())),
                       "lines_by_language": dict(sorted(rows.lines.items()))},
        "features": list(FEATURES),
        "gate": {"about": "page gate: logistic regression over the page's mean of some line features; P(the page "
                          "carries chrome) = 1 / (1 + exp(-(bias + sum of weight * (mean - centre) / scale)))",
                 "features": list(GATE), "mean": gmean.tolist(), "scale": gscale.tolist(),
                 "weights": dict(zip(GATE, gw.tolist())), "bias": gb},
        "base": base,
        "trees": trees,
    })


def dumps(model: dict[str, Any]) -> str:
    """The model file's text (stable: the same model gives the same bytes)."""
    return json.dumps(model, indent=1, ensure_ascii=False) + "\n"


# -- gradient-boosted trees --------------------------------------------------------------------------------------
BINS = 32


def _candidates(x: np.ndarray) -> list[np.ndarray]:
    """Per feature, the split thresholds tried: midpoints between distinct quantiles."""
    out = []
    qs = np.linspace(0, 1, BINS + 1)[1:-1]
    for j in range(x.shape[1]):
        vals = np.unique(np.quantile(x[:, j], qs))
        allv = np.unique(x[:, j])
        if len(allv) <= BINS:
            vals = allv
        out.append(np.round((vals[:-1] + vals[1:]) / 2, DIGITS) if len(vals) > 1 else np.zeros(0))
    return out


def _best_split(xb: list[np.ndarray], cands: list[np.ndarray], g: np.ndarray, h: np.ndarray,
                lam: float, min_hess: float) -> tuple[float, int, float]:
    """(gain, feature, threshold) of the best split of these rows; gain 0 when none helps."""
    G, H = g.sum(), h.sum()
    parent = G * G / (H + lam)
    best = (0.0, -1, 0.0)
    for j, c in enumerate(cands):
        if not len(c):
            continue
        b = xb[j]  # bin index of each row: number of thresholds below the value
        gs = np.bincount(b, weights=g, minlength=len(c) + 1)
        hs = np.bincount(b, weights=h, minlength=len(c) + 1)
        gl, hl = np.cumsum(gs)[:-1], np.cumsum(hs)[:-1]
        gr, hr = G - gl, H - hl
        ok = (hl >= min_hess) & (hr >= min_hess)
        if not ok.any():
            continue
        gain = np.where(ok, gl * gl / (hl + lam) + gr * gr / (hr + lam) - parent, 0.0)
        k = int(np.argmax(gain))
        if gain[k] > best[0] + 1e-12:
            best = (float(gain[k]), j, float(c[k]))
    return best


def fit_trees(x: np.ndarray, y: np.ndarray, n_trees: int = 150, depth: int = 2, rate: float = 0.15,
              lam: float = 1.0, min_hess: float = MIN_HESS) -> tuple[float, list[dict[str, Any]]]:
    """Gradient-boosted regression trees on the logistic loss (Newton leaves); deterministic, numpy only.
    A tree is nested dicts: ``{"feature", "below", "then", "else"}`` or ``{"value"}``; every node also keeps
    ``value`` (its rows' Newton step) so a prediction can be told as per-feature contributions."""
    cands = _candidates(x)
    bins = [np.searchsorted(c, x[:, j], side="left") if len(c) else np.zeros(len(x), dtype=int)
            for j, c in enumerate(cands)]
    prior = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
    base = float(np.log(prior / (1 - prior)))
    f = np.full(len(y), base)
    trees = []
    for _ in range(n_trees):
        p = 1.0 / (1.0 + np.exp(-f))
        g, h = p - y, p * (1 - p)

        def grow(rows: np.ndarray, d: int, g: np.ndarray = g, h: np.ndarray = h) -> dict[str, Any]:
            gs, hs = g[rows], h[rows]
            value = round(float(-rate * gs.sum() / (hs.sum() + lam)), DIGITS) + 0.0
            node: dict[str, Any] = {"value": value}
            if d == depth or len(rows) < 2:
                return node
            gain, j, t = _best_split([b[rows] for b in bins], cands, gs, hs, lam, min_hess)
            if j < 0:
                return node
            left = rows[x[rows, j] <= t]
            right = rows[x[rows, j] > t]
            node.update({"feature": FEATURES[j], "below": t, "then": grow(left, d + 1), "else": grow(right, d + 1)})
            return node

        tree = grow(np.arange(len(y)), 0)
        trees.append(tree)
        f += _tree_predict(tree, x)
    return round(base, DIGITS) + 0.0, trees


def _tree_predict(tree: dict[str, Any], x: np.ndarray) -> np.ndarray:
    out = np.zeros(len(x))
    stack = [(tree, np.arange(len(x)))]
    index = {name: j for j, name in enumerate(FEATURES)}
    while stack:
        node, rows = stack.pop()
        if "feature" not in node:
            out[rows] = node["value"]
            continue
        col = x[rows, index[node["feature"]]]
        stack.append((node["then"], rows[col <= node["below"]]))
        stack.append((node["else"], rows[col > node["below"]]))
    return out
