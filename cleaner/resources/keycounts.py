"""Counts by 64-bit key in numpy arrays, for the scan pass's statistics.

The main process merges every batch's counts, so a ``Counter`` of strings there grows by a string object and a
dict entry (~150 bytes) for every distinct word or stem of the corpus, most of them seen once, and the merging
leaves the heap fragmented after it (at 100 MB of corpus the main process held 174 MB of heap).  Here an entry
is its key and its counts (16 bytes): batches are appended as chunks, and the chunks are folded together (one
sort) whenever they outgrow what is already folded.  Strings are kept only where the statistics need them,
for the keys that reach a count (`KeyCounts.keep_strings_from`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

#: chunks are folded once they hold more entries than this, or than the folded part
_MIN_FOLD = 1 << 16


class KeyCounts:
    """Per 64-bit key, ``width`` counts summed over everything added (e.g. occurrences, and pages).

    With ``keep_strings_from``, the string of every key whose first count reaches that value is kept (the
    strings come with the keys that are added; a key's string is kept the first time it is folded at or above
    the threshold, so keys counted below it cost no string)."""

    def __init__(self, width: int = 1, keep_strings_from: int | None = None) -> None:
        self.width = width
        self.keep_strings_from = keep_strings_from
        self._keys = np.zeros(0, dtype=np.int64)  # sorted, distinct
        self._counts = np.zeros((0, width), dtype=np.int64)
        self._chunks: list[tuple[np.ndarray, np.ndarray, list[str] | None]] = []
        self._pending = 0
        self.strings: dict[int, str] = {}

    def add(self, keys: Iterable[int], counts: Iterable[Iterable[int]] | None = None, strings: list[str] | None = None) -> None:
        """Add ``keys`` (may repeat) with their counts, one row of ``width`` each (default: one of each)."""
        k = np.fromiter(keys, dtype=np.int64)
        c = np.ones((len(k), self.width), dtype=np.int64) if counts is None else np.asarray(list(counts), dtype=np.int64).reshape(len(k), self.width)
        self.add_arrays(k, c, strings)

    def add_arrays(self, keys: np.ndarray, counts: np.ndarray, strings: list[str] | None = None) -> None:
        if not len(keys):
            return
        if self.keep_strings_from is not None and strings is None:
            raise ValueError("these counts keep strings: add the keys' strings with them")
        self._chunks.append((keys, counts, strings))
        self._pending += len(keys)
        if self._pending > max(_MIN_FOLD, len(self._keys)):
            self._fold()

    def merge(self, other: KeyCounts) -> None:
        other._fold()
        strings = None
        if self.keep_strings_from is not None:
            strings = [other.strings.get(k, "") for k in other._keys.tolist()]
        self.add_arrays(other._keys, other._counts, strings)

    def _fold(self) -> None:
        if not self._chunks:
            return
        held = len(self._keys)  # the folded rows come first; the chunks' rows carry the strings
        keys = np.concatenate([self._keys, *(k for k, _, _ in self._chunks)])
        counts = np.concatenate([self._counts, *(c for _, c, _ in self._chunks)])
        strings = [s for _, _, ss in self._chunks for s in ss or ()] if self.keep_strings_from is not None else []
        self._chunks, self._pending = [], 0
        uniq, inverse = np.unique(keys, return_inverse=True)
        summed = np.empty((len(uniq), self.width), dtype=np.int64)
        for col in range(self.width):  # exact: counts stay far below 2**53
            summed[:, col] = np.bincount(inverse, weights=counts[:, col], minlength=len(uniq)).astype(np.int64)
        if self.keep_strings_from is not None and strings:
            # a key's first row among the chunks (the folded rows have none to give)
            first = np.full(len(uniq), len(strings), dtype=np.int64)
            np.minimum.at(first, inverse[held:], np.arange(len(strings), dtype=np.int64))
            known = self.strings
            for u in np.flatnonzero((summed[:, 0] >= self.keep_strings_from) & (first < len(strings))).tolist():
                key = int(uniq[u])
                if key not in known and strings[first[u]]:
                    known[key] = strings[first[u]]
        self._keys, self._counts = uniq, summed

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(sorted distinct keys, their counts: one row of ``width`` per key)."""
        self._fold()
        return self._keys, self._counts

    def __getstate__(self) -> dict[str, Any]:
        self._fold()  # a worker's batch travels folded: sorted arrays, and strings only where they count
        return self.__dict__
