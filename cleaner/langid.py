"""Language identification for lines and pages (py3langid: ships its model, no downloads).

Why py3langid: a maintained fork of langid.py whose n-gram model is inside the
wheel (a few MB, numpy only), 97 languages, and fast on short lines (see the
README's "spam" section for the figures measured on short lines).  The spam
stage decides which lines are off-language; the spelling stage reads the page
language from ``page.meta["lang"]``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import regex

_LETTER = regex.compile(r"\p{L}")
#: lines shorter than this (in letters) say little about the page language
_MIN_LETTERS = 20


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1 << 14)  # repeated lines (chrome, quotes, duplicates) are classified once
def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability 0..1) of one piece of text; ("", 0.0) when it has no letters."""
    if not _LETTER.search(text):
        return "", 0.0
    lang, prob = _identifier().classify(text)
    return str(lang), float(prob)


def page_language(text: str, max_chars: int = 20_000) -> tuple[str, float]:
    """The language of the page's prose: classify its longer lines together.

    Short lines (menus, names, dates) are left out so a page of Korean prose
    under an English menu is Korean.  Falls back to the whole text.
    """
    parts: list[str] = []
    size = 0
    for line in text.splitlines():
        if len(_LETTER.findall(line)) >= _MIN_LETTERS:
            parts.append(line)
            size += len(line)
            if size >= max_chars:
                break
    sample = "\n".join(parts) if parts else text[:max_chars]
    return detect(sample)


def ensure_page_language(page: Any) -> str:
    """Detect the page language once and keep it in ``page.meta["lang"]`` (and its confidence)."""
    lang = page.meta.get("lang")
    if not lang:
        lang, conf = page_language(page.text)
        page.meta["lang"] = lang or "en"
        page.meta["lang_confidence"] = round(conf, 3)
    return str(page.meta["lang"])
