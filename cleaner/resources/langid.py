"""Language identification for lines and pages (py3langid: ships its model, no downloads).

Why py3langid: a maintained fork of langid.py whose n-gram model is inside the
wheel (a few MB, numpy only), 97 languages, and fast on short lines (see the
README's "spam" section for the figures measured on short lines).  The spam
stage decides which lines are off-language; the spelling stage reads the page
language from ``page.meta["lang"]``.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import regex

from cleaner import _core
from cleaner.core.memo import line_memo, resource
from cleaner.resources.arraycache import cached_arrays, source_stamp

_LETTER = regex.compile(r"\p{L}")
#: lines shorter than this (in letters) say little about the page language
_MIN_LETTERS = 20


@resource
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    path = MODEL_DIR / MODEL_FILE
    stamp = f"py3langid {version('py3langid')} {source_stamp(path)}"
    arrays = cached_arrays("langid", "model", stamp, _MODEL_KEYS, lambda: _unpack(LanguageIdentifier, path))

    class Identifier(_CoreWalk, LanguageIdentifier):
        pass

    # The automaton is walked and the scores summed by the core, on the cached file's pages in place (shared by
    # every process, where a copy would cost each process 40 MB of transitions and 57 MB of scores).
    ident = Identifier(arrays["ptc"], np.asarray(arrays["pc"]), arrays["classes"].tolist(),
                       arrays["nextmove"].data, arrays["output"].tolist(), norm_probs=True,
                       tk_row=arrays["row"].data)
    ident.walk = _core.LangidWalk(arrays["nextmove"], arrays["row"].tolist(), arrays["output"].tolist(),
                                  arrays["ptc"], np.asarray(arrays["pc"], dtype=np.float32).tolist())
    ident.log1p_size = 0
    return ident


_MODEL_KEYS = ("ptc", "pc", "classes", "nextmove", "row", "output")


def _unpack(identifier: Any, path: Path) -> dict[str, np.ndarray]:
    """The model's arrays, as the identifier holds them once loaded (unpacking the LZMA archive: ~0.7 s)."""
    ident = identifier.from_modelpath(path, norm_probs=True)
    return {
        # The model ships as float16, which numpy gathers and multiplies slowly; scoring casts it to float32
        # anyway, so a float32 copy gives the same scores bit for bit at less than half the cost.
        "ptc": ident.nb_ptc.astype(np.float32),
        "pc": np.asarray(ident.nb_pc),
        "classes": np.array(ident.nb_classes),
        "nextmove": np.frombuffer(ident.tk_nextmove, dtype=_NUMPY_TYPE[ident.tk_nextmove.typecode]).astype(np.uint32),
        "row": np.frombuffer(ident.tk_row, dtype=_NUMPY_TYPE[ident.tk_row.typecode]),
        "output": np.asarray(ident.tk_output, dtype=np.int64),
    }


class _CoreWalk:
    """py3langid's identifier with its automaton walked and its features scored by the core
    (`_core.LangidWalk.scores`, src/langid.rs): the same features, counted in the same order (that of their first
    occurrence), their scores summed in the order numpy's BLAS sums `log1p(counts) @ ptc[feats]`, so the scores
    are py3langid's bit for bit (tests/test_langid.py).  The normalisation after it stays py3langid's."""

    walk: Any
    log1p_size: int

    def _raw_score(self, text: bytes) -> np.ndarray:
        if len(text) > self.log1p_size:  # a count is at most the text's length: numpy's own log1p of each
            self.log1p_size = max(4096, 2 * len(text))
            self.walk.set_log1p(np.log1p(np.arange(1, self.log1p_size + 1, dtype=np.float32)).tolist())
        found = self.walk.scores(text)
        if found is None:
            return super()._raw_score(b"")  # type: ignore[misc, no-any-return]
        return np.frombuffer(found, dtype=np.float32)


_NUMPY_TYPE = {"H": np.uint16, "I": np.uint32, "L": np.uint64}


def _classify(text: str) -> tuple[str, float]:
    if not _LETTER.search(text):
        return "", 0.0
    lang, prob = _identifier().classify(text)
    return str(lang), float(prob)


@line_memo  # repeated lines (chrome, quotes, duplicates) are classified once
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
