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
import re
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
from cleaner.stages.chrome.site import SiteLineCollector, SiteLineStats, SiteRepetition, SiteSettings
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
    texts: list[list[str]] = field(default_factory=list)  # each page's labelled lines (to replay the decision)
    gold: list[str] = field(default_factory=list)  # each page's gold text (to score the decision)
    group: list[str] = field(default_factory=list)  # each page's group for the bars' cross-validation
    keep_comments: list[bool] = field(default_factory=list)  # each page's gold keeps reader comments


def corpus_stats(pages: list[LabelledPage]) -> SiteLineStats:
    """What a run's scan pass would count over these pages."""
    col = SiteLineCollector()
    for p in pages:
        col.add(p.raw, p.site, p.name)
    return col.finish()


def page_rows(lp: LabelledPage, ctx: Context, stats: SiteLineStats,
              keep_comments: bool = False) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Features and labels of the page's lines after normalize and site repetition.  The pattern rules, which run
    before the model in a run, are left out here: the widget lines they know (English mostly) teach the model
    what the lexicons' hits mean, for the languages and widgets no rule names."""
    page = Page(lp.raw, name=lp.name, site=lp.site)
    NormalizeStage().apply(page, ctx)
    site = SiteSettings.from_values(ctx.settings("chrome", SiteSettings.declared()))
    page.commit("chrome", SiteRepetition().proposals(page, site, stats))
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
        return np.zeros((0, len(FEATURES))), np.zeros(0), []
    x = line_features(texts, lp.site, stats, chrome_lexicon(), keep_comments)
    return x[keep], np.array(ys), [texts[k] for k in keep]


def clean_pages(pages: list[LabelledPage]) -> list[LabelledPage]:
    """The gold texts as pages of their own, every line content, each its own site: what clean input looks like
    (a run over text that is already clean must leave it alone)."""
    out = []
    for lp in pages:
        labels = [LineLabel(i, True, "gold") for i, s in enumerate(lp.gold.splitlines()) if s.strip()]
        out.append(LabelledPage(lp.name, lp.gold, lp.gold, f"gold/{lp.site}/{lp.name}", lp.lang, labels))
    return out


def collect(folders: list[Path], ctx: Context | None = None, with_clean: bool = True,
            keeps_comments: frozenset[str] = frozenset()) -> Rows:
    """Training rows of every page of the folders, each folder counted as its own corpus; with ``with_clean``,
    also the gold texts as clean pages (a corpus of their own).  The folders named in ``keeps_comments`` hold gold
    that keeps reader comments (their pages are seen as a run with ``--keep-comments`` sees them).  A folder whose
    sites have several pages is also seen one page a site (`site_alone`)."""
    ctx = ctx or make_context([default_rules_dir()])
    rows = Rows()
    for folder in folders:
        scraped = load_folder(folder)
        corpora = [(scraped, False, True)]
        alone = site_alone(scraped)
        if alone:
            corpora.append((alone, False, False))
        if with_clean:
            corpora.append((clean_pages(scraped), True, False))
        for pages, clean, counted in corpora:
            stats = corpus_stats(pages)
            _add(rows, pages, ctx, stats, clean, folder.name, folder.name in keeps_comments, counted)
    return rows


def site_alone(pages: list[LabelledPage]) -> list[LabelledPage]:
    """When some site has several pages: the first page of every site, as a run over pages of different sites
    sees it (its site's menus and footers still there: site repetition has nothing to count), so the model
    learns to tell a menu from the article without the site's other pages; empty when no site has two pages."""
    first: dict[str, LabelledPage] = {}
    for lp in pages:
        first.setdefault(lp.site, lp)
    if len(first) == len(pages):
        return []
    return [LabelledPage(lp.name, lp.raw, lp.gold, f"alone/{lp.site}", lp.lang, lp.labels) for lp in first.values()]


def _add(rows: Rows, pages: list[LabelledPage], ctx: Context, stats: SiteLineStats, clean: bool, group: str,
         keep_comments: bool, counted: bool = True) -> None:
    for lp in pages:
        x, y, texts = page_rows(lp, ctx, stats, keep_comments)
        if not len(y):
            continue
        lang = lp.lang or page_language(lp.gold)[0]
        rows.x.append(x)
        rows.y.append(y)
        rows.clean.append(clean)
        rows.texts.append(texts)
        rows.gold.append(lp.gold)
        rows.group.append(group)
        rows.keep_comments.append(keep_comments)
        if clean or not counted:
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


def fit(rows: Rows, pages: list[int]) -> dict[str, Any]:
    """The line model's trees and the page gate, fitted on these pages of ``rows`` (a model dict without the
    decision's bars)."""
    lined = [k for k in pages if not rows.clean[k] or LINES_FROM_CLEAN]
    x = np.vstack([rows.x[k] for k in lined])
    y = np.concatenate([rows.y[k] for k in lined])
    base, trees = fit_trees(x, y)
    gx = np.array([gate_features(rows.x[k]) for k in pages])
    gy = np.array([0.0 if rows.clean[k] else 1.0 for k in pages])
    gmean, gscale = np.round(gx.mean(axis=0), DIGITS), np.round(gx.std(axis=0), DIGITS)
    gscale[gscale < 1e-6] = 1.0
    gw, gb = fit_logistic((gx - gmean) / gscale, gy, l2=GATE_L2)
    return _r({
        "features": list(FEATURES),
        "gate": {"about": "page gate: logistic regression over the page's mean of some line features; P(the page "
                          "carries chrome) = 1 / (1 + exp(-(bias + sum of weight * (mean - centre) / scale)))",
                 "features": list(GATE), "mean": gmean.tolist(), "scale": gscale.tolist(),
                 "weights": dict(zip(GATE, gw.tolist())), "bias": gb},
        "base": base,
        "trees": trees,
    })


def train(folders: list[Path], ctx: Context | None = None, keeps_comments: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The model (a JSON-ready dict) trained on the pages of the folders (those named in ``keeps_comments`` by
    their name hold gold that keeps reader comments), with the decision's two bars chosen by cross-validation on
    the same pages (`choose_bars`)."""
    rows = collect(folders, ctx, keeps_comments=keeps_comments)
    if not rows.y:
        raise ValueError("no labelled lines: the folders hold no NAME.raw.txt + NAME.gold.txt pairs")
    model = fit(rows, list(range(len(rows.y))))
    y = np.concatenate([rows.y[k] for k in range(len(rows.y)) if not rows.clean[k] or LINES_FROM_CLEAN])
    bars = choose_bars(rows)
    return _r({
        "about": "chrome line model: gradient-boosted trees over line features; a line's score (log-odds of chrome) "
                 "is base + the value of the leaf it reaches in every tree (a feature at or below `below` goes to "
                 "`then`). A node's `value` is the step of its rows, so a feature's contribution to a line is the "
                 "sum of (child value - node value) over the nodes that split on it. Rebuild with `make train-chrome`.",
        "trained_on": {"folders": [f.name for f in folders], "keeping_comments": sorted(keeps_comments),
                       "pages": sum(rows.pages.values()),
                       "lines": int(len(y)), "chrome_lines": int(y.sum()),
                       "pages_by_language": dict(sorted(rows.pages.items())),
                       "lines_by_language": dict(sorted(rows.lines.items()))},
        "decision": bars,
        **model,
    })


# -- the decision's bars, chosen by cross-validation over the training pages -----------------------------------
#: the bars tried: inside the article's extent, outside it
INSIDE_BARS = (0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)
OUTSIDE_BARS = (0.4, 0.5, 0.6, 0.7, 0.8)
#: the bars when there is too little to cross-validate on (fewer than two groups of scraped pages)
DEFAULT_BARS = (0.85, 0.6)
#: a share of words lost from clean text costs this many times that share of F1 (a clean page losing a share L of
#: its words has F1 about 1 - L/2: so losing good text weighs six times as much as by F1; precision first)
CLEAN_LOSS_WEIGHT = 3.0
#: a group of fewer scraped pages is not held out (it stays in every fold's training pages)
MIN_GROUP_PAGES = 10
_TOKEN = re.compile(r"\w+")


def _groups(rows: Rows) -> list[str]:
    """The held-out groups of the cross-validation: the folders with scraped pages; with a single folder, its
    pages split into three by their position (a page's gold text goes with the page)."""
    folders = sorted({g for g, c in zip(rows.group, rows.clean) if not c})
    if len(folders) >= 2:
        return rows.group
    scraped = [k for k, c in enumerate(rows.clean) if not c]
    order = {rows.gold[k]: i % 3 for i, k in enumerate(scraped)}
    return [f"part{order.get(g, 0)}" for g in rows.gold]


def _held_out(rows: Rows, groups: list[str]) -> list[str]:
    """The groups held out in turn: those of at least `MIN_GROUP_PAGES` scraped pages (a handful of pages scores
    too noisily to weigh as much as a set), all of them when none is that large."""
    sizes = Counter(g for g, c in zip(groups, rows.clean) if not c)
    big = sorted(g for g, n in sizes.items() if n >= MIN_GROUP_PAGES)
    return big if len(big) >= 2 else sorted(sizes)


def _token_matrix(texts: list[str], gold: str) -> tuple[np.ndarray, np.ndarray]:
    """Each line's counts of the page's tokens (lower-cased ``\\w+``, as the chrome F1 counts them), and the gold's."""
    vocab: dict[str, int] = {}
    lines = [[vocab.setdefault(t.lower(), len(vocab)) for t in _TOKEN.findall(s)] for s in texts]
    gold_ids = [vocab.setdefault(t.lower(), len(vocab)) for t in _TOKEN.findall(gold)]
    m = np.zeros((len(texts), len(vocab)))
    for i, ids in enumerate(lines):
        np.add.at(m[i], ids, 1.0)
    g = np.bincount(np.array(gold_ids, dtype=int), minlength=len(vocab)).astype(float)
    return m, g


def bar_scores(rows: Rows) -> dict[tuple[float, float], dict[str, list[float]]]:
    """For every pair of bars, per held-out group: the token F1 against the gold of each scraped page and the
    share of words each clean page loses, with the model of that fold (trained on the other groups)."""
    from cleaner.stages.chrome.model import ChromeModel, ModelSettings, decide, extent

    groups = _groups(rows)
    out: dict[tuple[float, float], dict[str, list[float]]] = {
        (i, o): {} for i in INSIDE_BARS for o in OUTSIDE_BARS}
    for held in _held_out(rows, groups):
        train_pages = [k for k, g in enumerate(groups) if g != held]
        test_pages = [k for k, g in enumerate(groups) if g == held]
        model = ChromeModel(fit(rows, train_pages))
        for k in test_pages:
            x, texts = rows.x[k], rows.texts[k]
            m, gold = _token_matrix(texts, rows.gold[k])
            gated = model.page_chrome(x) >= float(ModelSettings().model_gate)
            p = model.line_probs(x)
            planned = extent(p, x, texts, rows.keep_comments[k]) if gated else None  # the same for every pair of bars
            for bars, per in out.items():
                drop = decide(p, x, texts, bars[0], bars[1], planned=planned)[0] if gated \
                    else np.zeros(len(texts), dtype=bool)
                kept = m[~drop].sum(axis=0)
                if rows.clean[k]:
                    per.setdefault(f"{held}/clean", []).append(1.0 - kept.sum() / max(m.sum(), 1.0))  # words lost
                    continue
                inter = np.minimum(kept, gold).sum()
                prec, rec = inter / max(kept.sum(), 1.0), inter / max(gold.sum(), 1.0)
                per.setdefault(held, []).append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return out


def choose_bars(rows: Rows) -> dict[str, Any]:
    """The two bars of the decision (`cleaner.stages.chrome.model.decide`), chosen inside the training pages:
    each group (folder) held out in turn, a model trained on the others scores it; the pair with the best mean
    token F1 over the groups (each group weighs the same) less `CLEAN_LOSS_WEIGHT` times the share of words the
    clean pages (the gold texts, held out alike) lose wins."""
    groups = _groups(rows)
    scraped_groups = _held_out(rows, groups)
    if len(scraped_groups) < 2 or sum(not c for c in rows.clean) < 3:
        return {"threshold_inside": DEFAULT_BARS[0], "threshold_outside": DEFAULT_BARS[1],
                "how": "too few pages to cross-validate: the default bars"}
    scores = bar_scores(rows)
    table = []
    for bars, per in scores.items():
        f1s = [float(np.mean(v)) for key, v in sorted(per.items()) if not key.endswith("/clean")]
        losses = [w for key, v in sorted(per.items()) if key.endswith("/clean") for w in v]
        table.append((bars, float(np.mean(f1s)), float(np.mean(losses)) if losses else 0.0))
    bars, f1, loss = max(table, key=lambda t: (round(t[1] - CLEAN_LOSS_WEIGHT * t[2], 4), t[0][0], t[0][1]))
    return {"threshold_inside": bars[0], "threshold_outside": bars[1],
            "how": f"cross-validated over {len(scraped_groups)} held-out groups: mean token F1 {f1:.4f}, "
                   f"clean pages lose {loss * 1e4:.1f} words per 10,000",
            "grid": [[b[0], b[1], round(f, 4), round(w * 1e4, 1)] for b, f, w in table]}


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
