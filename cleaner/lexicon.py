"""Which words are real: word frequencies from `wordfreq` (ships its data; no downloads).

wordfreq earns its place: it gives Zipf frequencies for ~320k English words and
40+ other languages from one well-kept package, which normalize (glued words),
spam (topic words) and spelling (is this a real word?) all need.
"""

from __future__ import annotations

from functools import lru_cache

from wordfreq import zipf_frequency


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str = "en") -> float:
    """Zipf frequency (0 = unknown, 3 = once per million words, 7 = 'the')."""
    return float(zipf_frequency(word, lang))


def is_word(word: str, lang: str = "en", min_zipf: float = 2.5) -> bool:
    return zipf(word.lower(), lang) >= min_zipf
