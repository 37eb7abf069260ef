"""Which words are real: word frequencies from `wordfreq` (ships its data; no downloads).

wordfreq earns its place: it gives Zipf frequencies for ~320k English words and
40+ other languages from one well-kept package, which normalize (glued words),
spam (topic words, off-language sentences) and spelling (is this a real word?) all need.

Its own lookup keeps every list it has opened twice, as a list of buckets and as a
``dict`` of strings: ~50 MB per language, per process.  A multilingual corpus opens
most of its 44 lists, and a process then holds 2 GB of word lists (times the number
of worker processes).  So a list is held here as two numpy arrays instead, the sorted
64-bit hashes of its words and their frequency buckets: 10 bytes a word, ~3 MB per
language.  :func:`zipf` is wordfreq's ``zipf_frequency`` step for step (its
tokenizer, its digit handling, its rounding) over that table; a test holds the two
to the same value on samples of nine lists.  A table is built once and then read,
memory-mapped, from the array cache (`cleaner.resources.arraycache`), so the hashes are
BLAKE2 digests, the same in every process, not Python's seeded ``hash()``.
"""

from __future__ import annotations

import gzip
import hashlib
import math
from collections.abc import Iterator
from importlib.metadata import version

import msgpack
import numpy as np
from wordfreq import (
    INFERRED_SPACE_FACTOR,
    available_languages,
    cB_to_freq,
    digit_freq,
    get_frequency_list,
    get_language_info,
    has_digit_sequence,
    lossy_tokenize,
    smash_numbers,
)

from cleaner.core.memo import resource, word_memo
from cleaner.resources.arraycache import cached_arrays, source_stamp

_MINIMUM = 1e-9  # wordfreq's zipf_to_freq(0.0): an unknown word is 0 on the Zipf scale


def buckets(lang: str, wordlist: str = "best") -> list[list[str]]:
    """A wordfreq list as buckets of words (bucket i: -i centibels), read afresh, not kept by wordfreq's cache."""
    read: list[list[str]] = get_frequency_list.__wrapped__(lang, wordlist)  # type: ignore[attr-defined]
    return read


def frequencies(lang: str, wordlist: str = "best") -> Iterator[tuple[str, float]]:
    """(word, frequency) in list order, as wordfreq's ``get_frequency_dict`` would give them."""
    for freq, bucket in bucket_frequencies(lang, wordlist):
        for word in bucket:
            yield word, freq


def bucket_frequencies(lang: str, wordlist: str = "best") -> Iterator[tuple[float, list[str]]]:
    """The buckets of `frequencies` with their one frequency each, in list order."""
    for index, bucket in enumerate(buckets(lang, wordlist)):
        yield cB_to_freq(-index), bucket


def _leading_buckets(lang: str) -> Iterator[list[str]]:
    """The buckets of a list one at a time, most frequent first, unpacked only as far as they are read.

    wordfreq's file is a gzipped msgpack array, a header then the buckets (``read_cBpack``), so the
    150 commonest words of a language cost a few kB of reading instead of the whole list."""
    path = available_languages("best").get(lang)
    if path is None:  # not one of wordfreq's own codes: let wordfreq find the nearest list
        yield from buckets(lang)
        return
    with gzip.open(path, "rb") as f:
        # read in small steps: the Unpacker's default reads (and so decompresses) 1 MiB at once, 10x the time of
        # the few kB the leading buckets take (chrome's 35 stoplists: 0.22 -> 0.02 s a process)
        unpacker = msgpack.Unpacker(f, raw=False, read_size=16 * 1024)
        size = unpacker.read_array_header()
        header = unpacker.unpack()
        if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
            raise ValueError(f"unexpected wordfreq list header {header!r} in {path}")
        for _ in range(size - 1):
            yield unpacker.unpack()


def top_words(lang: str, n: int) -> list[str]:
    """wordfreq's ``top_n_list(lang, n)``, without reading (and wordfreq keeping) the whole list."""
    out: list[str] = []
    for bucket in _leading_buckets(lang):
        for word in bucket:
            if not has_digit_sequence(word):
                out.append(word)
                if len(out) >= n:
                    return out
    return out


def word_key(word: str) -> int:
    """A 64-bit hash of the word's UTF-8 bytes, the same in every process (the tables are cached on disk)."""
    digest = hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class WordTable:
    """One word list as sorted word hashes and bucket numbers (built once, then read from the array cache)."""

    def __init__(self, lang: str):
        path = available_languages("best").get(lang)
        stamp = f"wordfreq {version('wordfreq')} {source_stamp(path) if path else lang}"
        arrays = cached_arrays("wordlists", lang, stamp, ("hashes", "buckets"), lambda: self._build(lang))
        self.hashes, self.buckets = arrays["hashes"], arrays["buckets"]

    @staticmethod
    def _build(lang: str) -> dict[str, np.ndarray]:
        index: dict[int, int] = {}
        for i, bucket in enumerate(buckets(lang)):
            for word in bucket:
                index[word_key(word)] = i  # a word in two buckets keeps the last, as wordfreq's dict does
        keys = np.fromiter(index.keys(), dtype=np.int64, count=len(index))
        order = np.argsort(keys)
        return {"hashes": keys[order], "buckets": np.fromiter(index.values(), dtype=np.uint16, count=len(index))[order]}

    def bucket(self, word: str) -> int | None:
        h = word_key(word)
        i = int(self.hashes.searchsorted(h))
        if i < len(self.hashes) and self.hashes[i] == h:
            return int(self.buckets[i])
        return None


@resource
def _table(lang: str) -> WordTable:
    return WordTable(lang)


def _frequency(word: str, lang: str) -> float:
    """wordfreq's ``_word_frequency(word, lang, 'best', minimum=1e-9)`` over the compact table."""
    tokens = lossy_tokenize(word, lang)
    if not tokens:
        return _MINIMUM
    table = _table(lang)
    one_over_result = 0.0
    for token in tokens:
        smashed = smash_numbers(token)
        index = table.bucket(smashed)
        if index is None:
            return _MINIMUM
        freq = cB_to_freq(-index)
        if smashed != token:
            freq *= digit_freq(token)
        one_over_result += 1.0 / freq
    freq = 1.0 / one_over_result
    if get_language_info(lang)["tokenizer"] == "jieba":
        freq *= INFERRED_SPACE_FACTOR ** -(len(tokens) - 1)
    unrounded = max(freq, _MINIMUM)
    leading_zeroes = math.floor(-math.log(unrounded, 10))
    return round(unrounded, leading_zeroes + 3)


@word_memo  # ~13 MB when full (200 bytes an entry); a worker holds it for the whole run
def zipf(word: str, lang: str = "en") -> float:
    """Zipf frequency (0 = unknown, 3 = once per million words, 7 = 'the'), as ``wordfreq.zipf_frequency``."""
    return round(math.log(_frequency(word, lang), 10) + 9, 2)


@resource
def has_list(lang: str) -> bool:
    """Does wordfreq have a word list of this language itself (not the nearest match it would fall back to)?"""
    return lang in available_languages("best")


def is_word(word: str, lang: str = "en", min_zipf: float = 2.5) -> bool:
    return zipf(word.lower(), lang) >= min_zipf
