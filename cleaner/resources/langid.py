"""Language identification for lines and pages (py3langid: ships its model, no downloads).

Why py3langid: a maintained fork of langid.py whose n-gram model is inside the
wheel (a few MB, numpy only), 97 languages, and fast on short lines (see the
README's "spam" section for the figures measured on short lines).  The spam
stage decides which lines are off-language; the spelling stage reads the page
language from ``page.meta["lang"]``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import regex

from cleaner.resources.arraycache import cached_arrays, source_stamp

_LETTER = regex.compile(r"\p{L}")
#: lines shorter than this (in letters) say little about the page language
_MIN_LETTERS = 20


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    path = MODEL_DIR / MODEL_FILE
    stamp = f"py3langid {version('py3langid')} {source_stamp(path)} depth"
    arrays = cached_arrays("langid", "model", stamp, _MODEL_KEYS, lambda: _unpack(LanguageIdentifier, path))

    class Identifier(_WalkAtOnce, LanguageIdentifier):
        pass

    # A short text's automaton is walked byte by byte: a memoryview indexes as fast as the stdlib array
    # py3langid builds, and reads the cached file's pages in place (shared by every process) where a
    # copy would cost each process 40 MB.
    ident = Identifier(arrays["ptc"], np.asarray(arrays["pc"]), arrays["classes"].tolist(),
                       arrays["nextmove"].data, arrays["output"].tolist(), norm_probs=True,
                       tk_row=arrays["row"].data)
    ident.walk = _Walk(arrays["nextmove"], arrays["row"], arrays["output"], int(arrays["depth"][0]))
    return ident


_MODEL_KEYS = ("ptc", "pc", "classes", "nextmove", "row", "output", "depth")


def _unpack(identifier: Any, path: Path) -> dict[str, np.ndarray]:
    """The model's arrays, as the identifier holds them once loaded (unpacking the LZMA archive: ~0.7 s)."""
    ident = identifier.from_modelpath(path, norm_probs=True)
    nextmove = np.frombuffer(ident.tk_nextmove, dtype=_NUMPY_TYPE[ident.tk_nextmove.typecode])
    row = np.frombuffer(ident.tk_row, dtype=_NUMPY_TYPE[ident.tk_row.typecode])
    return {
        # The model ships as float16, which numpy gathers and multiplies slowly; scoring casts it to float32
        # anyway, so a float32 copy gives the same scores bit for bit at less than half the cost.
        "ptc": ident.nb_ptc.astype(np.float32),
        "pc": np.asarray(ident.nb_pc),
        "classes": np.array(ident.nb_classes),
        "nextmove": nextmove,
        "row": row,
        "output": np.asarray(ident.tk_output, dtype=np.int64),
        "depth": np.array([_automaton_depth(nextmove, row)]),
    }


def _automaton_depth(nextmove: np.ndarray, row: np.ndarray) -> int:
    """The length of the longest n-gram the automaton tracks (breadth first from the start state)."""
    seen = np.zeros(row.size, dtype=bool)
    seen[0] = True
    frontier, depth = np.array([0]), 0
    while True:
        nxt = np.unique(nextmove[(row[frontier].astype(np.int64) << 8)[:, None] + np.arange(256)])
        nxt = nxt[~seen[nxt]]
        if nxt.size == 0:
            return depth
        seen[nxt] = True
        frontier, depth = nxt, depth + 1


class _Walk:
    """py3langid's automaton walk, vectorised.

    py3langid finds its n-gram features with an Aho-Corasick automaton walked one byte at a time in
    Python: ~115 ns a byte, the cost of classifying a page.  In such an automaton the state after a byte
    is the longest suffix of the text read so far that is a prefix of some n-gram, so it depends only on
    the last ``depth`` bytes (the longest n-gram's length: 6): walking ``depth`` steps from the start state
    at every position at once, in numpy, gives every position's state, the same states as the
    byte-by-byte walk (a test holds it to that on real pages)."""

    def __init__(self, nextmove: np.ndarray, row: np.ndarray, output: np.ndarray, depth: int):
        self.nextmove = nextmove
        self.rowbase = row.astype(np.int64) << 8
        self.output = output
        self.depth = depth

    def visits(self, data: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """The features found in ``data`` and their counts, in the order of their first occurrence (the order
        py3langid's Counter holds them in, which the float sums of its scoring depend on)."""
        b = np.frombuffer(data, dtype=np.uint8).astype(np.int64)
        n = b.size
        state = np.zeros(n, dtype=np.int64)
        for back in range(self.depth - 1, -1, -1):  # position i reads byte i - back (when there is one)
            state[back:] = self.nextmove[self.rowbase[state[back:]] + b[: n - back]]
        feats = self.output[state]
        feats = feats[feats >= 0]
        if feats.size == 0:
            return None
        # Group equal features by sorting (feature, position) pairs packed in one integer: a plain sort, 2.5x
        # faster than np.unique's stable one; each group's first position then orders the features.
        found = feats.size
        keyed = feats * found + np.arange(found)
        keyed.sort()
        by_feature = keyed // found
        starts = np.flatnonzero(np.diff(by_feature, prepend=-1))
        order = np.argsort(keyed[starts] - by_feature[starts] * found)  # first positions are distinct: any sort will do
        counts = np.diff(np.append(starts, found))
        return by_feature[starts][order], counts[order].astype(np.float32)


class _WalkAtOnce:
    """py3langid's identifier with the vectorised walk for texts long enough to gain from it."""

    walk: _Walk
    #: below this many bytes the byte-by-byte walk is as fast (numpy's per-call cost)
    min_bytes = 150

    def _raw_score(self, text: bytes) -> np.ndarray:
        if len(text) < self.min_bytes:
            return super()._raw_score(text)  # type: ignore[misc, no-any-return]
        found = self.walk.visits(text)
        if found is None:
            return super()._raw_score(b"")  # type: ignore[misc, no-any-return]
        feats, counts = found
        # py3langid's _sparse_score, on the same arrays in the same order: the same scores bit for bit
        return np.log1p(counts) @ self.nb_ptc[feats] + self.nb_pc  # type: ignore[attr-defined, no-any-return]


_NUMPY_TYPE = {"H": np.uint16, "I": np.uint32, "L": np.uint64}


def _classify(text: str) -> tuple[str, float]:
    if not _LETTER.search(text):
        return "", 0.0
    lang, prob = _identifier().classify(text)
    return str(lang), float(prob)


@lru_cache(maxsize=1 << 14)  # repeated lines (chrome, quotes, duplicates) are classified once
def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability 0..1) of one piece of text; ("", 0.0) when it has no letters."""
    return _classify(text)


_LETTER_RUN = regex.compile(r"\p{L}+")


def _has_letters(line: str, at_least: int) -> bool:
    if len(line) < at_least:
        return False
    n = 0
    for m in _LETTER_RUN.finditer(line):
        n += m.end() - m.start()
        if n >= at_least:
            return True
    return False


def page_language(text: str, max_chars: int = 20_000) -> tuple[str, float]:
    """The language of the page's prose: classify its longer lines together.

    Short lines (menus, names, dates) are left out so a page of Korean prose
    under an English menu is Korean.  Falls back to the whole text.
    """
    parts: list[str] = []
    size = 0
    for line in text.splitlines():
        if _has_letters(line, _MIN_LETTERS):
            parts.append(line[: 5 * max_chars])  # a page that is one 50 MB line: its head says the language
            size += len(line)
            if size >= max_chars:
                break
    sample = "\n".join(parts) if parts else text[:max_chars]
    return _classify(sample)  # not through detect's cache: a page-sized key would pin the page in memory


def ensure_page_language(page: Any) -> str:
    """Detect the page language once and keep it in ``page.meta["lang"]`` (and its confidence)."""
    lang = page.meta.get("lang")
    if not lang:
        lang, conf = page_language(page.text)
        page.meta["lang"] = lang or "en"
        page.meta["lang_confidence"] = round(conf, 3)
    return str(page.meta["lang"])
