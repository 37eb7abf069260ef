"""The chrome model: a learned line score plus a sequence decision over the page (where the article runs).

Every non-blank line of the current text (after the pattern rules and site repetition) is described by features
a text cleaner can see, independent of the language where possible (`line_features`): its shape (length, words,
punctuation, capitals, digits, separators), stopword density in the page's own language, how much of it the
multilingual chrome lexicons (``rules/chrome/lexicon/*.txt``) cover, its repetition within the page, within the
site and across the sites of the corpus (scan-pass counts), its position relative to the page's densest prose (the
article's core), and the same signals of its neighbours.  Boosted regression trees (``rules/chrome/model.json``, trained by ``cleaner chrome train`` / ``make
train-chrome``) turn them into P(chrome) per line.  Then two page-level decisions: a page gate (a logistic
regression over the page's averages) leaves clean text alone, and the article's extent (the run of lines with the
most content by the line scores, weighted by words) sets the bar: a line inside the extent (an ingredient, a
heading, a quotation) goes only when the model is very sure (``model_threshold_inside``), a line outside it
(comments, teasers and appeals after the article's end, menus and bylines before it) at ``model_threshold_outside``.
A removal's reason gives the score, the side of the extent and the features that weighed most.

Only numpy and the standard library are needed at run time; training lives in `cleaner.stages.chrome.train`.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import regex

from cleaner._core import Forest, Lexicon, line_shapes
from cleaner.core.page import Page, Proposal
from cleaner.core.text import line_with_newline, lines, word_list
from cleaner.resources import lexicon
from cleaner.rulebook.load import default_rules_dir
from cleaner.stages.base import Context
from cleaner.stages.chrome.site import SiteLineStats, line_key
from cleaner.stages.chrome.thread import ThreadSettings, find_thread
from cleaner.stages.detector import Detector, Settings, setting

RULE_ID = "chrome.model.line"

@dataclass(frozen=True)
class ModelSettings(Settings):
    model_enabled: bool = setting(True, "score every line left with the learned chrome model (rules/chrome/model.json)")
    model_learned_thresholds: bool = setting(True, "use the bars chosen by cross-validation in training (in the model file); "
                                                   "false: the two bars below")
    model_threshold_inside: float = setting(0.85, "a line inside the article's extent goes when its P(chrome) reaches this ...")
    model_threshold_outside: float = setting(0.6, "... or this outside it (comments, teasers, appeals after; menus, bylines before)")
    model_keep_lists: bool = setting(True, "the items of a numbered list (3+) and the rows of a table (4+ lines of 3+ numbers) stay")
    model_gate: float = setting(0.5, "a page the gate gives less than this P(carries chrome) is left alone (clean text)")
    model_min_lines: int = setting(3, "a page with fewer non-blank lines than this is left alone")
    model_min_kept_words: int = setting(8, "... and so is a page where the model would keep fewer words than this")
    model_reason_features: int = setting(3, "how many of the weightiest features a removal's reason names")

#: languages whose wordfreq top words serve as a stoplist (tried in this order, loaded lazily)
_STOPLIST_LANGS = {
    "Latin": ("en", "de", "fr", "es", "pt", "it", "nl", "id", "sv", "da", "nb", "pl", "cs", "ro", "tr", "fi", "hu", "sh",
              "sk", "sl", "ca", "ms", "lt", "lv", "fil", "vi", "is"),
    "Cyrillic": ("ru", "uk", "bg", "mk"),
    "Greek": ("el",),
    "Arabic": ("ar", "fa", "ur"),
    "Hebrew": ("he",),
}
_SCRIPT = {name: regex.compile(rf"\p{{Script={name}}}") for name in _STOPLIST_LANGS}

# A line's shape (its character counts, whether it ends a sentence, is written without spaces, and the answers of
# the date, counter, bullet, URL, separator and number patterns) is measured by the core: src/shape.rs, held by
# tests/test_core_shape.py to the regexes and str methods it replaced.


@cache
def stoplist(lang: str) -> frozenset[str]:
    """The language's 150 most frequent words (wordfreq), as a jusText-style stoplist."""
    return frozenset(w for w in lexicon.top_words(lang, 150) if w.isalpha() or "'" in w)


def page_stoplist(words: Sequence[str]) -> frozenset[str]:
    """The stoplist of the page's language: the first of its script's languages that covers a fair share of its
    words (empty for scripts written without spaces or without a list: judged by shape alone)."""
    total = len(words)
    if not total:
        return frozenset()
    sample = "".join(w[:1] for w in words[:400])
    found = {name: len(rx.findall(sample)) for name, rx in _SCRIPT.items()}
    script = max(found, key=found.__getitem__)
    if found[script] < 0.5 * len(sample):
        return frozenset()
    counts = Counter(map(str.casefold, words))
    best, best_cov = frozenset[str](), 0.0
    for lang in _STOPLIST_LANGS[script]:
        sl = stoplist(lang)
        cov = sum(map(counts.__getitem__, sl.intersection(counts))) / total
        if cov >= 0.3:
            return sl
        if cov > best_cov:
            best, best_cov = sl, cov
    return best if best_cov >= 0.15 else frozenset()


# -- the lexicons ---------------------------------------------------------------------------------------------
def compile_lexicon(phrases: set[str]) -> Lexicon:
    r"""The chrome lexicons' phrases, matched case-insensitively on word boundaries, longest phrase first: the
    matches of one alternation ``(?<!\w)(?:longest|...|shortest)`` under IGNORECASE (a phrase ending in ``*`` takes
    the rest of its word, one ending in a letter, digit or ``*`` must end a word), found by the core
    (``src/lexicon.rs``; ``tests/test_core_lexicon.py`` holds it to the alternation)."""
    return Lexicon([(p.rstrip("*"), p.endswith("*"), p[-1:].isalnum() or p.endswith("*"))
                    for p in sorted(phrases, key=lambda x: (-len(x), x))])


@cache
def chrome_lexicon(folder: Path | None = None) -> Lexicon | None:
    """Every phrase of every ``*.txt`` lexicon under ``folder`` (default: the shipped one)."""
    folder = folder or default_rules_dir() / "chrome" / "lexicon"
    phrases: set[str] = set()
    for path in sorted(folder.glob("*.txt")):
        for ln in path.read_text(encoding="utf-8").splitlines():
            ln = ln.split("#", 1)[0].strip().casefold() if not ln.lstrip().startswith("#") else ""
            if ln:
                phrases.add(ln)
    return compile_lexicon(phrases) if phrases else None


# -- features -------------------------------------------------------------------------------------------------
BASE = ("words_log", "chars_log", "short", "one_word", "ends_sentence", "ends_colon", "ends_question", "stop_share",
        "no_stoplist", "prose", "cap_share", "digit_share", "punct_share", "separators", "date", "counter", "bullet",
        "urlish", "lex_cover", "lex_full", "lex_any", "page_repeat", "site_share", "xsite_log", "xsite3")
PLACE = ("rel_pos", "first_line", "before_core", "after_core", "core_dist_log", "prose_before", "prose_after",
         "just_before_core")
LISTS = ("numbered_run", "table_run", "uniform_run", "prev_colon", "title_like", "short_run")
CONTEXT = ("prev_prose", "next_prose", "prev_short", "next_short", "prev_lex", "next_lex", "win3_prose",
           "win10_prose", "win3_lex", "win3_short", "win3_xsite", "win10_after_core")
PAGE = ("page_lines_log", "page_prose_share", "page_short_share", "page_lex_mean", "page_xsite_share", "page_site_share")
CROSS = ("short_after_core", "prose_after_core", "lex_after_core", "short_before_core", "prose_xsite")
#: comment threads: dates around a line (a post's byline), widget lines above it, and whether the run keeps reader
#: comments (``--keep-comments``: an input of the model, so it learns from gold that keeps threads and gold that
#: drops them what a thread looks like either way)
THREAD = ("win5_date", "prev_date", "widgets_before_log", "keep_comments", "kc_prose_after", "kc_prose")
FEATURES = BASE + PLACE + LISTS + CONTEXT + PAGE + CROSS + THREAD
#: the page gate reads the page's mean of these line features: does the page carry chrome at all?
GATE = ("page_lines_log", "page_prose_share", "page_short_share", "page_lex_mean", "ends_sentence", "separators", "date", "words_log", "cap_share", "urlish", "counter",
        "lex_full", "page_repeat", "digit_share")


def gate_features(x: np.ndarray) -> np.ndarray:
    """The page gate's features: the page's mean of the `GATE` line features."""
    return np.asarray(x[:, [FEATURES.index(f) for f in GATE]].mean(axis=0))


_ENUMERATOR = regex.compile(r"^[\s\W]{0,2}?[(\[]?(\d{1,3})[.)\]]?\s+\S")
_NOT_PUNCT = regex.compile(r"[\p{L}\p{N}\s]+")


def _runs_of(keys: list[Any]) -> np.ndarray:
    """For each line, the length of the run of consecutive lines with the same non-None key (0 for None)."""
    out = np.zeros(len(keys))
    i = 0
    while i < len(keys):
        j = i + 1
        while keys[i] is not None and j < len(keys) and keys[j] == keys[i]:
            j += 1
        if keys[i] is not None:
            out[i:j] = j - i
        i = j
    return out


def _numbered(texts: list[str]) -> np.ndarray:
    """For each line, the number of items of the list numbered 1, 2, 3 ... it is in (at most two other lines, such
    as a link, between two items; 0 outside a list of three items or more)."""
    nums = [int(m.group(1)) if (m := _ENUMERATOR.match(s)) else None for s in texts]
    out = np.zeros(len(texts))
    i = 0
    while i < len(texts):
        if nums[i] is None:
            i += 1
            continue
        items, last, j = 1, i, i + 1
        while j < len(texts) and j - last <= 3:
            if nums[j] is not None:
                if nums[j] != nums[last] + 1:  # type: ignore[operator]
                    break
                items, last = items + 1, j
            j += 1
        if items >= 3:
            out[i:last + 1] = items
        i = last + 1
    return out


def _window_mean(x: np.ndarray, k: int) -> np.ndarray:
    """For each line, the mean of ``x`` over the k lines before and after it (itself excluded)."""
    n = len(x)
    c = np.concatenate([[0.0], np.cumsum(x)])
    i = np.arange(n)
    lo, hi = np.maximum(i - k, 0), np.minimum(i + k + 1, n)
    tot = c[hi] - c[lo] - x
    cnt = np.maximum(hi - lo - 1, 1)
    return np.asarray(tot / cnt)


def _core(words: np.ndarray, prose: np.ndarray) -> tuple[int, int]:
    """The article's core: the run of lines with the most prose (Kadane over prose words, minus a toll per
    other line), as (first, last) indexes; (-1, -1) without prose."""
    gain = np.where(prose > 0, np.minimum(words, 60.0), -4.0)
    return best_run(gain, (-1, -1))


def best_run(gain: np.ndarray, none: tuple[int, int]) -> tuple[int, int]:
    """The run of consecutive lines with the largest positive sum of ``gain`` (Kadane), as (first, last);
    ``none`` when no sum is positive."""
    best, best_ab, cur, start = 0.0, none, 0.0, 0
    for i, g in enumerate(gain.tolist()):
        if cur <= 0:
            cur, start = 0.0, i
        cur += g
        if cur > best:
            best, best_ab = cur, (start, i)
    return best_ab


def line_features(texts: list[str], site: str, stats: SiteLineStats | None,
                  lex: Lexicon | None, keep_comments: bool = False) -> np.ndarray:
    """The feature matrix (lines x `FEATURES`) of a page's non-blank stripped lines; ``keep_comments``: the run
    keeps reader comments (the gold of a training page keeps them)."""
    n = len(texts)
    ws = [word_list(s) for s in texts]
    stops = page_stoplist(list(chain.from_iterable(ws)))
    site_pages = stats.pages.get(site, 0) if stats else 0
    site_counts = stats.lines.get(site, {}) if stats else {}
    xsites = stats.sites if stats else {}
    folded = [" ".join(s.casefold().split()) for s in texts]  # each line's key, made once
    on_page = Counter(folded)
    rows = []
    shapes = line_shapes(texts)
    for s, w, key, (unspaced, es, spaces, n_digits, n_alnum, marks, separators, dated, counter, bullet, urlish,
                    _) in zip(texts, ws, folded, shapes):
        chars = len(s)
        nw = len(w)
        if unspaced:
            nw = max(nw, chars // 3)  # a Chinese or Japanese line: about three characters a word
        stop_share = sum(x.casefold() in stops for x in w) / len(w) if w and stops else 0.0
        is_prose = (nw >= 8 and es and (stop_share >= 0.2 or not stops)) or nw >= 30
        lettered = [x for x in w if x[:1].isalpha()]
        cap = sum(x[:1].isupper() for x in lettered) / len(lettered) if lettered else 0.0
        digits = n_digits / chars
        punct = (chars - n_alnum - spaces) / chars  # a line is never both alphanumeric and space
        cover = 0
        hits = 0
        if lex is not None:
            for a, b in lex.spans(s):
                cover += b - a
                hits += 1
        cover_share = cover / max(chars - spaces - marks, 1)
        k = line_key(s)
        sc = site_counts.get(k, 0)
        xs = max(xsites.get(k, 1) - 1, 0)
        rows.append((math.log1p(nw), math.log1p(chars), nw <= 3, nw <= 1, es, s.endswith(":"), s.endswith("?"),
                     stop_share, not stops, is_prose, cap, digits, punct, separators >= 2,
                     dated and nw <= 12, counter, bullet, urlish, min(cover_share, 1.0),
                     cover_share >= 0.6, hits > 0, on_page[key] > 1,
                     sc / site_pages if site_pages >= 2 else 0.0, math.log1p(min(xs, 20)), xs >= 2))
    base = np.array(rows, dtype=float).reshape(n, len(BASE))
    col = {name: base[:, j] for j, name in enumerate(BASE)}
    words = np.array([len(w) for w in ws], dtype=float)
    prose = col["prose"]
    a, b = _core(words, prose)
    idx = np.arange(n, dtype=float)
    if a < 0:
        before = np.zeros(n)
        after = np.zeros(n)
        dist = np.zeros(n)
    else:
        before = (idx < a).astype(float)
        after = (idx > b).astype(float)
        dist = np.log1p(np.maximum(a - idx, 0) + np.maximum(idx - b, 0))
    pw = words * prose
    tot = pw.sum() or 1.0
    cum = np.cumsum(pw)
    place = np.column_stack([idx / max(n - 1, 1), idx == 0, before, after, dist, (cum - pw) / tot, (tot - cum) / tot,
                             (idx < a) & (idx >= a - 3)])
    numbers = [shape[-1] for shape in shapes]
    skeleton = [(_NOT_PUNCT.sub("", s) or None) if not p else None for s, p in zip(texts, prose)]
    colon = np.array([s.endswith(":") for s in texts], dtype=float)
    lists = np.column_stack([np.minimum(_numbered(texts), 10), np.minimum(_runs_of([c if c >= 3 else None for c in numbers]), 10),
                             np.minimum(_runs_of(skeleton), 10), np.concatenate([[0.0], colon[:-1]]),
                             (col["cap_share"] >= 0.6) & (col["ends_sentence"] == 0) & (words >= 2) & (words <= 15),
                             np.minimum(_runs_of([True if w <= 4 and not e else None
                                                  for w, e in zip(words, col["ends_sentence"])]), 10)])
    short, lex_cover, xsite = col["short"], col["lex_cover"], col["xsite3"]

    def shift(x: np.ndarray, k: int) -> np.ndarray:
        out = np.zeros(n)
        if k > 0:
            out[k:] = x[:-k]
        else:
            out[:k] = x[-k:]
        return out

    context = np.column_stack([shift(prose, 1), shift(prose, -1), shift(short, 1), shift(short, -1),
                               shift(lex_cover, 1), shift(lex_cover, -1), _window_mean(prose, 3),
                               _window_mean(prose, 10), _window_mean(lex_cover, 3), _window_mean(short, 3),
                               _window_mean(xsite, 3), _window_mean(after, 10)])
    page = np.tile([math.log1p(n), prose.mean(), short.mean(), lex_cover.mean(), xsite.mean(),
                    (col["site_share"] > 0).mean()], (n, 1))
    cross = np.column_stack([short * after, prose * after, lex_cover * after, short * before, prose * xsite])
    date = col["date"]
    widget = col["lex_full"] * (idx >= max(a, 0))  # a widget line (fully lexicon words) from the core's start on
    kc = float(keep_comments)
    thread = np.column_stack([_window_mean(date, 5), shift(date, 1), np.log1p(np.cumsum(widget) - widget),
                              np.full(n, kc), kc * prose * after, kc * prose])
    return np.column_stack([base, place, lists, context, page, cross, thread])


# -- the model --------------------------------------------------------------------------------------------------
class ChromeModel:
    """A trained model as loaded from its JSON file: boosted trees over the line features, the page gate."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        names = list(data["features"])
        if names != list(FEATURES):
            raise ValueError(f"chrome model features {names[:3]}... do not match this version's features")
        self.index = {name: j for j, name in enumerate(FEATURES)}
        self.base = float(data["base"])
        self.trees: list[dict[str, Any]] = data["trees"]
        self.forest = Forest(self.base, self.trees, names)  # the trees' walk, compiled (src/forest.rs)
        gate = data["gate"]
        self.gate_mean = np.array(gate["mean"], dtype=float)
        self.gate_scale = np.array(gate["scale"], dtype=float)
        self.gate_weights = np.array([gate["weights"][f] for f in GATE], dtype=float)
        self.gate_bias = float(gate["bias"])
        chosen = data.get("decision")
        #: the (inside, outside) bars chosen in training by cross-validation (None in a model without them)
        self.bars: tuple[float, float] | None = (
            (float(chosen["threshold_inside"]), float(chosen["threshold_outside"])) if chosen else None)

    def page_chrome(self, x: np.ndarray) -> float:
        """P(the page carries chrome at all), from the page gate: clean text is left alone."""
        z = float(((gate_features(x) - self.gate_mean) / self.gate_scale) @ self.gate_weights + self.gate_bias)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    @classmethod
    def load(cls, path: Path) -> ChromeModel:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def scores(self, x: np.ndarray, explain: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        """Log-odds of chrome per line and, with ``explain``, each feature's contribution to it (lines x features:
        the change of the node value at every split on that feature along the line's path)."""
        return self.forest.scores(x, explain)  # type: ignore[no-any-return]

    def line_probs(self, x: np.ndarray) -> np.ndarray:
        """P(chrome) per line from the line model alone."""
        z, _ = self.scores(x)
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


def article_extent(p: np.ndarray, words: np.ndarray) -> tuple[int, int]:
    """The article's extent from the line scores: the run of lines maximising the sum of (0.5 - P(chrome)) times
    the line's words (at least one), so long content lines weigh most; (first, last), or (0, -1) when none."""
    gain = (0.5 - p) * np.maximum(words, 1.0)
    return best_run(gain, (0, -1))


def extent(p_line: np.ndarray, x: np.ndarray, texts: list[str], keep_comments: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """What no bar of `decide` changes (training tries every pair of bars on one page): the lines inside the
    article's extent, and the lines held to the inside bar (those, and with ``keep_comments`` a thread's posts,
    prose wherever they sit, and every line of a thread found by its dated post headers)."""
    n = len(texts)
    a, b = article_extent(p_line, np.array([len(word_list(s)) for s in texts], dtype=float))
    inside = (np.arange(n) >= a) & (np.arange(n) <= b)
    held = inside.copy()
    if keep_comments:
        held |= x[:, FEATURES.index("prose")] > 0
        thread = find_thread(texts, ThreadSettings(), min_article_words=0)
        if thread is not None:  # a thread the run keeps: its posts, short ones too, and their headers stay
            held[thread.first:thread.end] = True
    return inside, held


def decide(p_line: np.ndarray, x: np.ndarray, texts: list[str], inside_bar: float, outside_bar: float,
           keep_lists: bool = True, keep_comments: bool = False,
           planned: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Which lines go (and which lie inside the article's extent), from the line scores: a line inside the extent
    goes at ``inside_bar``, one outside it at ``outside_bar``.  With ``keep_comments`` a thread's posts (prose,
    wherever they sit: a forum page is all thread) are held to the inside bar, and so is every line of a thread
    found by its dated post headers (`cleaner.stages.chrome.thread.find_thread`: short posts and their headers);
    elsewhere only the thread's furniture (reply buttons, vote counts, short lines) goes at the outside bar.  With
    ``keep_lists`` a numbered list or the rows of a table (and the colon line introducing them) stay wherever they
    sit: menus are neither.  ``planned``: `extent`'s answer for these lines, when the caller has it.  Training runs
    the same decision to choose the two bars (`cleaner.stages.chrome.train.choose_bars`)."""
    inside, held = planned if planned is not None else extent(p_line, x, texts, keep_comments)
    drop = p_line >= np.where(held, inside_bar, outside_bar)
    if keep_lists:
        listed = (x[:, FEATURES.index("numbered_run")] >= 3) | (x[:, FEATURES.index("table_run")] >= 4)
        intro = np.array([s.endswith(":") for s in texts], dtype=bool) & np.append(listed[1:], False)
        drop &= ~(listed | intro)
    return drop, inside


@cache
def _load(path: str) -> ChromeModel:
    return ChromeModel.load(Path(path))


def model_path(ctx: Context) -> Path:
    """The run's model: ``--chrome-model`` when given, else the shipped ``rules/chrome/model.json``."""
    given = ctx.options.get("chrome_model")
    return Path(given) if given else default_rules_dir() / "chrome" / "model.json"


def page_lines(page: Page) -> tuple[list[Any], list[str]]:
    """The current text's non-blank lines (spans) and their stripped text."""
    spans, texts = [], []
    for ln in lines(page.text):
        s = ln.text.strip()
        if s:
            spans.append(ln)
            texts.append(s)
    return spans, texts


class ModelDetector(Detector[ModelSettings]):
    """Propose removing the lines the chrome model and the article-extent decision call chrome."""

    name = "model"
    settings = ModelSettings

    def propose(self, page: Page, settings: ModelSettings, ctx: Context) -> list[Proposal]:
        s = settings
        found = ctx.stats.get("chrome")
        stats = found if isinstance(found, SiteLineStats) else None
        if not s.model_enabled:
            return []
        path = model_path(ctx)
        if not path.exists():
            return []
        model = _load(str(path))
        spans, texts = page_lines(page)
        if len(texts) < s.model_min_lines:
            return []
        x = line_features(texts, page.site, stats, chrome_lexicon(), bool(ctx.options.get("keep_comments")))
        if model.page_chrome(x) < float(s.model_gate):
            return []
        z, _ = model.scores(x)
        p_line = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        inside_bar, outside_bar = model.bars if s.model_learned_thresholds and model.bars else (
            float(s.model_threshold_inside), float(s.model_threshold_outside))
        drop, inside = decide(p_line, x, texts, inside_bar, outside_bar, bool(s.model_keep_lists),
                              bool(ctx.options.get("keep_comments")))
        if sum(len(word_list(s)) for s, d in zip(texts, drop) if not d) < s.model_min_kept_words:
            return []
        out = []
        top = int(s.model_reason_features)
        removed = np.flatnonzero(drop)
        _, explained = model.scores(x[removed], explain=True)  # the evidence, for the removed lines only
        assert explained is not None
        for k, i in enumerate(removed.tolist()):
            contrib = explained[k]
            order = np.argsort(-contrib, kind="stable")[:top]
            evidence = [(FEATURES[j], round(float(contrib[j]), 1)) for j in order if contrib[j] > 0]
            said = ", ".join(f"{name} {v:+.1f}" for name, v in evidence)
            where = "inside the article" if inside[i] else "outside the article"
            reason = f"chrome model: P(chrome) {p_line[i]:.2f}, {where}; evidence: {said or 'its neighbours'}"
            start, end = line_with_newline(page.text, spans[i])
            out.append(Proposal(start, end, "", RULE_ID, reason,
                                {"score": round(float(p_line[i]), 3), "inside_article": bool(inside[i]),
                                 "evidence": dict(evidence)}))
        return out
