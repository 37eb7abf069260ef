"""Cross-corpus duplicates: paragraphs and whole pages that occur (exactly or nearly) on other pages.

The scan pass feeds every page to `CorpusCollector`.  Exact copies are found by
a 64-bit hash of the normalised paragraph; near copies by MinHash signatures
and LSH banding, so the work grows with the number of paragraphs, not with its
square: only paragraphs that share a whole band of their signature are ever
compared.  Every hash is deterministic (CRC-32 / BLAKE2, fixed seeds), never
Python's per-process ``hash()``, so workers, runs and ``--jobs`` agree.

The first copy in page-name order is the one kept; `CorpusDuplicates` maps
every later copy to it, by page key (unique in the run: records of a shard
without an id field share the shard's name).  Paragraphs that recur on many pages of one site are
that site's chrome, not duplicated content: they are left out of the
duplicate maps and counted per site instead (`CorpusDuplicates.site_recurrence`,
a hook the chrome stage can read from ``ctx.stats["dedup"]``).
"""

from __future__ import annotations

import bisect
import hashlib
import os
import tempfile
import unicodedata
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cleaner import _core
from cleaner.core.text import line_memo
from cleaner.stages.dedup.settings import CorpusCopySettings


@line_memo  # the scan keys every line, and dedup keys the same lines again in each round and while settling
def norm_key(s: str) -> str:
    """Case-, punctuation- and space-insensitive form of a line or sentence: its letters and numbers, folded, one
    space between each run of them (the core's `alnum_runs`; tests/test_core_keys.py holds it to the regex
    substitution it replaced)."""
    s = s.lower() if s.isascii() else unicodedata.normalize("NFKC", s).casefold()  # NFKC and casefold: ASCII is lower()
    return _core.alnum_runs(s)


def key_hash(key: str) -> int:
    """64-bit deterministic hash of a normalised key."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


class MinHasher:
    """MinHash over character n-gram shingles with fixed (seeded) universal hash functions."""

    def __init__(self, num_perm: int = 100, shingle_chars: int = 5, seed: int = 1):
        digest = hashlib.blake2b(f"cleaner-minhash-{seed}".encode(), digest_size=64).digest()
        rng = np.random.Generator(np.random.PCG64(int.from_bytes(digest[:16], "big")))
        # multiply-shift hashing: (a*x + b) mod 2^64 (uint64 arithmetic wraps), keep the high 32 bits; a odd
        self.a = rng.integers(1, 1 << 63, size=num_perm, dtype=np.uint64) | np.uint64(1)
        self.b = rng.integers(0, 1 << 63, size=num_perm, dtype=np.uint64)
        self.num_perm = num_perm
        self.n = shingle_chars

    def signatures(self, texts: list[str]) -> np.ndarray:
        """The signature of each normalised text (one row of ``num_perm`` uint32 each), computed by the core
        (src/minhash.rs): the shingles are the hashes of every window of ``n`` UTF-8 bytes (a rolling polynomial
        hash; the whole text when shorter), and the signature holds the high 32 bits of each hash function's
        least value over them.  Characters, not words: a one-word edit in a 15-word paragraph touches a few of
        ~90 character shingles (Jaccard ~0.85) but 3 of 13 word 3-grams (~0.6)."""
        raw = _core.minhash_signatures(texts, self.a.tolist(), self.b.tolist(), self.n)
        return np.frombuffer(raw, dtype=np.uint32).reshape(len(texts), self.num_perm)


@dataclass
class _PageItem:
    name: str
    key: str
    site: str
    page_hash: int
    page_sig: np.ndarray | None
    para_hashes: list[int]
    para_sigs: np.ndarray | None  # one row per paragraph


class PageCopies(Mapping[str, dict[int, tuple[str, float]]]):
    """page key -> {paragraph key hash -> (key of the page the kept copy is on, similarity)}, held in arrays.

    The maps are built as dicts, then frozen into this: 24 bytes a copy in arrays instead of a dict entry, a
    tuple and a float (the 200 MB benchmark corpus has 215k copies), in the main process and in every worker
    forked from it.  A page's dict is made when it is asked for, once per page in the clean pass."""

    def __init__(self, maps: dict[str, dict[int, tuple[str, float]]]) -> None:
        pages = sorted(maps)
        total = sum(len(v) for v in maps.values())
        self._pages = pages  # the pages with copies, sorted: found by bisection, not through a dict of spans
        self._start = np.cumsum([0] + [len(maps[p]) for p in pages], dtype=np.int64)
        kept_on: dict[str, int] = {}
        found = [maps[p] for p in pages]
        self._hash = np.fromiter((h for f in found for h in f), dtype=np.uint64, count=total)
        self._kept = np.fromiter((kept_on.setdefault(of, len(kept_on)) for f in found for of, _ in f.values()),
                                 dtype=np.int64, count=total)
        self._sim = np.fromiter((sim for f in found for _, sim in f.values()), dtype=np.float64, count=total)
        self._kept_on = list(kept_on)

    def __getitem__(self, page: str) -> dict[int, tuple[str, float]]:
        k = bisect.bisect_left(self._pages, page)
        if k == len(self._pages) or self._pages[k] != page:
            raise KeyError(page)
        a, b = int(self._start[k]), int(self._start[k + 1])
        names = self._kept_on
        return {h: (names[i], sim) for h, i, sim in zip(self._hash[a:b].tolist(), self._kept[a:b].tolist(), self._sim[a:b].tolist())}

    def __iter__(self) -> Iterator[str]:
        return iter(self._pages)

    def __len__(self) -> int:
        return len(self._pages)


@dataclass
class CorpusDuplicates:
    """What the scan pass found; read by the dedup stage, the run summary and (hook) the chrome stage."""

    #: page key -> {paragraph key hash -> (key of the page the kept copy is on, similarity)}; a `PageCopies`
    paragraphs: Mapping[str, dict[int, tuple[str, float]]] = field(default_factory=dict)
    #: page key -> (key of the earlier page it copies, similarity of the whole text)
    pages: dict[str, tuple[str, float]] = field(default_factory=dict)
    #: site -> {paragraph key hash -> pages of that site it occurs on} (only paragraphs on 2+ pages)
    site_paragraphs: dict[str, dict[int, int]] = field(default_factory=dict)
    site_pages: dict[str, int] = field(default_factory=dict)
    n_pages: int = 0
    n_paragraphs: int = 0
    candidate_pairs: int = 0

    def site_recurrence(self, site: str, line: str) -> tuple[int, int]:
        """Hook for chrome: (pages of ``site`` the paragraph occurs on, pages of the site)."""
        return self.site_paragraphs.get(site, {}).get(key_hash(norm_key(line)), 1), self.site_pages.get(site, 0)

    def report(self) -> dict[str, Any]:
        """The run summary's ``duplicates`` block."""
        return {
            "pages_scanned": self.n_pages,
            "paragraphs_scanned": self.n_paragraphs,
            "duplicate_pages": {p: {"of": of, "similarity": sim} for p, (of, sim) in sorted(self.pages.items())},
            "pages_with_duplicate_paragraphs": sum(1 for v in self.paragraphs.values() if v),
            "duplicate_paragraphs": sum(len(v) for v in self.paragraphs.values()),
        }


class CorpusCollector:
    """Scan-pass accumulator: per page, hashes and MinHash signatures of the page and its paragraphs.

    A worker's collector keeps its batch's pages as objects (they are pickled back to the main process); the
    collector they are merged into keeps them in a :class:`_Store`, so the run's memory grows by a few bytes per
    paragraph, not by its signature."""

    def __init__(self, settings: CorpusCopySettings):
        self.settings = settings
        self.hasher = MinHasher(int(settings.corpus_num_perm), int(settings.corpus_shingle_chars))
        self.items: list[_PageItem] = []
        self._store: _Store | None = None

    def add(self, text: str, site: str, name: str, key: str | None = None) -> None:
        min_words = int(self.settings.corpus_min_words)
        para_hashes: list[int] = []
        keys: list[str] = []
        all_words: list[str] = []
        for ln in text.splitlines():
            normed = norm_key(ln)
            ws = normed.split()
            all_words.extend(ws)
            if len(ws) >= min_words:
                para_hashes.append(key_hash(normed))
                keys.append(normed)
        page_words = int(self.settings.page_min_words)
        with_page = len(all_words) >= page_words
        if with_page:
            keys.append(" ".join(all_words))
        # the page's paragraphs (and the page itself) in one call into the core
        sigs = self.hasher.signatures(keys) if keys else None
        page_sig = sigs[-1] if with_page and sigs is not None else None
        para_sigs = sigs[: len(para_hashes)] if sigs is not None and para_hashes else None
        self.items.append(_PageItem(name, name if key is None else key, site, key_hash(" ".join(all_words)) if all_words else 0, page_sig, para_hashes, para_sigs))

    def __getstate__(self) -> dict[str, Any]:
        if self._store is not None:
            raise TypeError("a merged CorpusCollector holds open temp files; pickle its finish() instead")
        return self.__dict__

    def _new_store(self) -> _Store:
        return _Store(self.hasher.num_perm, int(self.settings.corpus_bands))

    def merge(self, other: CorpusCollector) -> None:
        if self._store is None:
            self._store = self._new_store()
        self._store.extend(self.items)
        self._store.extend(other.items)
        self.items = []

    def finish(self) -> CorpusDuplicates:
        store = self._store if self._store is not None else self._new_store()
        store.extend(self.items)
        self.items = []
        try:
            return find_duplicates(store, self.settings)
        finally:
            store.close()
            self._store = None


class _Signatures:
    """MinHash signatures stored by columns: one unnamed temp file per band (and one for the columns no band
    holds).  Banding reads one band's columns, not every row's 400 bytes; a similarity reads the columns a band
    at a time.  Files are read with ``pread`` into memory that is freed after use, not memory-mapped: the pages
    of a mapping that a gather touches stay in the process until they are handed back."""

    def __init__(self, num_perm: int, bands: int) -> None:
        self.bands = max(1, min(bands, num_perm))
        per_band = num_perm // self.bands
        self.columns = [(b * per_band, (b + 1) * per_band) for b in range(self.bands)]
        if self.bands * per_band < num_perm:
            self.columns.append((self.bands * per_band, num_perm))
        self.num_perm = num_perm
        self.rows = 0
        # unnamed: the OS removes them whatever happens to the run; closed in close()
        self._files = [tempfile.TemporaryFile(prefix="cleaner-minhash-") for _ in self.columns]  # noqa: SIM115

    def append(self, sigs: np.ndarray) -> None:
        for (lo, hi), fh in zip(self.columns, self._files):
            fh.write(np.ascontiguousarray(sigs[:, lo:hi], dtype=np.uint32).tobytes())
        self.rows += len(sigs)

    def _read(self, g: int) -> np.ndarray:
        fh = self._files[g]
        fh.flush()
        lo, hi = self.columns[g]
        data = os.pread(fh.fileno(), self.rows * (hi - lo) * 4, 0)
        return np.frombuffer(data, dtype=np.uint32).reshape(self.rows, hi - lo)

    def band(self, b: int, rows: np.ndarray) -> np.ndarray:
        """Band ``b`` of the signatures ``rows``, one row each."""
        return self._read(b)[rows]

    def agreement(self, rows_i: np.ndarray, rows_j: np.ndarray) -> np.ndarray:
        """Share of equal MinHash values of each pair of rows: the estimated Jaccard similarity (the same float as
        ``np.mean(sig_i == sig_j)``)."""
        equal = np.zeros(len(rows_i), dtype=np.int64)
        for g in range(len(self.columns)):
            column = self._read(g)
            for lo in range(0, len(rows_i), _PAIRS_COMPARED):
                i, j = rows_i[lo : lo + _PAIRS_COMPARED], rows_j[lo : lo + _PAIRS_COMPARED]
                equal[lo : lo + len(i)] += np.count_nonzero(column[i] == column[j], axis=1)
            del column
        return equal / float(self.num_perm)

    def close(self) -> None:
        for fh in self._files:
            fh.close()


class _Store:
    """The scan's pages, compact: names and sites once per page, paragraph hashes and owners in arrays, and the
    MinHash signatures (400 bytes each) spilled to temp files (`_Signatures`).  Memory per paragraph is ~12
    bytes here and ~100 transiently in `find_duplicates`, instead of ~1 KB as objects."""

    def __init__(self, num_perm: int, bands: int) -> None:
        self.num_perm = num_perm
        self.names: list[str] = []  # the order of the pages: by name, then arrival
        self.keys: list[str] = []  # what the duplicate maps name them by
        self.site_ids: dict[str, int] = {}
        self.page_site = array("I")
        self.page_hash = array("Q")
        self.page_sig_row = array("q")  # row in the page signatures, -1 without one
        self.para_start = array("Q", [0])  # page p's paragraphs are para rows para_start[p] .. para_start[p+1]
        self.para_hash = array("Q")
        self.has_para_sig = array("b")  # per page: its paragraphs have signatures
        self.para_sigs = _Signatures(num_perm, bands)
        self.page_sigs = _Signatures(num_perm, bands)

    def extend(self, items: list[_PageItem]) -> None:
        for it in items:
            self.names.append(it.name)
            self.keys.append(it.key)
            self.page_site.append(self.site_ids.setdefault(it.site, len(self.site_ids)))
            self.page_hash.append(it.page_hash)
            if it.page_sig is not None:
                self.page_sig_row.append(self.page_sigs.rows)
                self.page_sigs.append(it.page_sig[None, :])
            else:
                self.page_sig_row.append(-1)
            self.para_hash.extend(it.para_hashes)
            self.para_start.append(len(self.para_hash))
            if it.para_sigs is not None:
                self.para_sigs.append(it.para_sigs)
            else:  # no signatures means no paragraphs (see CorpusCollector.add): nothing to write
                assert not it.para_hashes
            self.has_para_sig.append(it.para_sigs is not None)

    def close(self) -> None:
        self.para_sigs.close()
        self.page_sigs.close()


#: candidate pairs materialised at once while banding (8 bytes each, and a few temporaries of that size)
_PAIRS_AT_ONCE = 1 << 21
#: candidate pairs (counted over all bands) gathered before they are verified: the index's memory bound
_PAIRS_PER_ROUND = 1 << 20
#: candidate pairs whose band values are compared at once (two rows of a band each)
_PAIRS_COMPARED = 1 << 18


class _Bands:
    """The LSH bands of the signatures ``rows``, grouped once and spilled to an unnamed temp file that each round
    reads back (sorting every band again for each round cost more than the rounds' checks).

    Per band: the positions in band-value order (a stable sort: each group of equal values is in index order),
    where each position's group starts, and how many earlier members of its group it pairs with (only a group's
    first ``max_bucket`` members pair: a pathological bucket must not go quadratic)."""

    def __init__(self, sigs: _Signatures, rows: np.ndarray, max_bucket: int) -> None:
        self.n = n = len(rows)
        self.index_type = np.dtype(np.int32 if n < 2**31 else np.int64)
        self.pairs_of = np.zeros(n, dtype=np.int64)  # per position: its candidate pairs over all bands
        self._file = tempfile.TemporaryFile(prefix="cleaner-lsh-")  # noqa: SIM115
        for b in range(sigs.bands):
            block = sigs.band(b, rows)
            order = np.lexsort(block.T[::-1])
            sb = block[order]
            del block
            new = np.concatenate(([True], np.any(sb[1:] != sb[:-1], axis=1)))
            del sb
            group_start = np.flatnonzero(new)[np.cumsum(new) - 1]
            rank = np.arange(n, dtype=np.int64) - group_start
            earlier = np.where(rank < max_bucket, rank, 0)
            self.pairs_of += np.bincount(order, weights=earlier, minlength=n).astype(np.int64)
            for a in (order, group_start, earlier):
                self._file.write(a.astype(self.index_type).tobytes())
        self._file.flush()

    def band(self, b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(order, group_start, earlier) of band ``b``."""
        size = self.n * self.index_type.itemsize
        data = os.pread(self._file.fileno(), 3 * size, 3 * size * b)
        order, group_start, earlier = (np.frombuffer(data, self.index_type, self.n, k * size).astype(np.int64)
                                       for k in range(3))
        return order, group_start, earlier

    def close(self) -> None:
        self._file.close()


def _lsh_pairs(sigs: _Signatures, rows_of: np.ndarray, owners: np.ndarray, max_bucket: int) -> Iterator[np.ndarray]:
    """Candidate pairs (i < j, on different owners) among the signatures ``rows_of`` that share at least one band
    bucket, as sorted unique keys ``j * n + i`` (in order of j, then i), in rounds of consecutive j.

    The j are cut into rounds of about ``_PAIRS_PER_ROUND`` pairs, and each round reads the grouped bands back
    and yields only its own pairs.  So memory is bounded however many candidates a corpus makes (a corpus dense
    in near copies makes tens of millions; all at once took 1.1 GB at 200 MB)."""
    n = len(rows_of)
    if n < 2:
        return
    owners = np.asarray(owners)
    grouped = _Bands(sigs, rows_of, max_bucket)
    try:
        cum = np.cumsum(grouped.pairs_of)
        if not cum[-1]:
            return
        cuts = np.unique(np.searchsorted(cum, np.arange(_PAIRS_PER_ROUND, int(cum[-1]), _PAIRS_PER_ROUND), side="right"))
        for j_lo, j_hi in zip([0, *cuts.tolist()], [*cuts.tolist(), n]):
            chunks: list[np.ndarray] = []
            for b in range(sigs.bands):
                order, group_start, earlier = grouped.band(b)
                in_round = (order >= j_lo) & (order < j_hi) & (earlier > 0)
                right_pos = np.flatnonzero(in_round)  # positions of this round's j; they pair with their group's earlier members
                counts = earlier[right_pos]
                if not len(counts):
                    continue
                run = np.cumsum(counts)
                slices = np.unique(np.searchsorted(run, np.arange(_PAIRS_AT_ONCE, int(run[-1]), _PAIRS_AT_ONCE), side="right"))
                for lo, hi in zip([0, *slices.tolist()], [*slices.tolist(), len(right_pos)]):
                    q, k = right_pos[lo:hi], counts[lo:hi]
                    total = int(k.sum())
                    if total == 0:
                        continue
                    left = np.repeat(group_start[q], k) + (np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(k) - k, k))
                    i, j = order[left], order[np.repeat(q, k)]
                    del left
                    keep = owners[i] != owners[j]
                    chunks.append(np.unique(j[keep] * n + i[keep]))
                    del i, j, keep
            del order, group_start, earlier
            if chunks:
                pairs = np.unique(np.concatenate(chunks))
                del chunks  # not held by this frame while the caller checks the round's pairs
                yield pairs
                del pairs
    finally:
        grouped.close()


def _first_copies(sigs: _Signatures, rows: np.ndarray, js: np.ndarray, is_: np.ndarray, threshold: float,
                  kept: np.ndarray) -> Iterator[tuple[int, int, float]]:
    """For each j of the candidate pairs (j, i) (sorted by j, then i), the first i it is a near copy of, as
    (j, i, similarity); ``kept`` (by index) says which are still originals and is updated as copies are found.

    The similarities of all the pairs are computed at once; only pairs above the threshold are then walked in
    order, so the result is the one a pair-by-pair walk gives: an i is always before its j, so its own fate is
    settled before any of j's pairs are looked at."""
    live = kept[js] & kept[is_]  # copies found in earlier rounds take no part
    js, is_ = js[live], is_[live]
    sim = sigs.agreement(rows[is_], rows[js])
    hit = np.flatnonzero(sim >= threshold)
    for j, i, s in zip(js[hit].tolist(), is_[hit].tolist(), sim[hit].tolist()):
        if kept[j] and kept[i]:
            kept[j] = False
            yield j, i, s


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``np.concatenate([np.arange(a, b) for a, b in zip(starts, ends)])`` without an array per range."""
    lengths = (ends - starts).astype(np.int64)
    total = int(lengths.sum())
    offsets = np.repeat(starts.astype(np.int64) - (np.cumsum(lengths) - lengths), lengths)
    return np.arange(total, dtype=np.int64) + offsets


def find_duplicates(store: _Store, settings: CorpusCopySettings) -> CorpusDuplicates:
    """Map every later copy (page-name order) of a paragraph or page to its first copy."""
    names, keys = store.names, store.keys
    n_pages = len(names)
    order = sorted(range(n_pages), key=names.__getitem__)  # stable: pages of the same name keep arrival order
    out = CorpusDuplicates(n_pages=n_pages)
    copies: dict[str, dict[int, tuple[str, float]]] = {}
    max_bucket = int(settings.corpus_max_bucket)
    site_names = list(store.site_ids)
    page_site = np.frombuffer(store.page_site, dtype=np.uint32) if n_pages else np.zeros(0, dtype=np.uint32)
    for p in order:
        site = site_names[page_site[p]]
        out.site_pages[site] = out.site_pages.get(site, 0) + 1
    starts = np.frombuffer(store.para_start, dtype=np.uint64).astype(np.int64)
    para_hash = np.frombuffer(store.para_hash, dtype=np.uint64) if len(store.para_hash) else np.zeros(0, dtype=np.uint64)
    para_page = np.repeat(np.arange(n_pages, dtype=np.int64), np.diff(starts))
    # per site: on how many pages each paragraph occurs (chrome's business when it is many); a page counts once.
    # Keys are (site, paragraph) as one integer: site id x distinct hashes + the hash's rank.
    uniq_hash, hash_id = np.unique(para_hash, return_inverse=True)
    key = page_site[para_page].astype(np.int64) * max(len(uniq_hash), 1) + hash_id.astype(np.int64)
    distinct = np.unique(np.stack([key, para_page], axis=1), axis=0) if len(key) else np.zeros((0, 2), dtype=np.int64)
    group_key, group_pages = np.unique(distinct[:, 0], return_counts=True)
    for sid in np.unique(page_site[para_page]).tolist():
        out.site_paragraphs[site_names[sid]] = {}
    for k, c in zip(group_key[group_pages > 1].tolist(), group_pages[group_pages > 1].tolist()):
        sid, hid = divmod(k, max(len(uniq_hash), 1))
        out.site_paragraphs[site_names[sid]][int(uniq_hash[hid])] = c
    pages_of = group_pages[np.searchsorted(group_key, key)] if len(key) else np.zeros(0, dtype=np.int64)
    chrome = (pages_of > 1) & (pages_of >= int(settings.corpus_site_chrome_min_pages))
    del uniq_hash, hash_id, key, distinct, group_key, group_pages, pages_of  # per paragraph, ~8 bytes each

    # paragraphs: flattened in page order, chrome left out
    has_sig = np.frombuffer(store.has_para_sig, dtype=np.int8).astype(bool) if n_pages else np.zeros(0, dtype=bool)
    signed = np.asarray(order, dtype=np.int64)[has_sig[order]] if n_pages else np.zeros(0, dtype=np.int64)
    rows = _ranges(starts[signed], starts[signed + 1])
    rows = rows[~chrome[rows]]
    del chrome
    owners_page = para_page[rows]
    rank = np.empty(n_pages, dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(n_pages)
    owners = rank[owners_page]  # position of the owner page in name order
    hashes = para_hash[rows]
    out.n_paragraphs = len(rows)
    kept = np.ones(len(rows), dtype=bool)
    if len(rows):  # exact copies: the first occurrence (in this order) of each hash is kept
        _, first_idx, inverse = np.unique(hashes, return_index=True, return_inverse=True)
        first = first_idx[inverse]
        del first_idx, inverse
        exact = np.flatnonzero((first != np.arange(len(rows))) & (owners[first] != owners))
        kept[exact] = False
        for i in exact.tolist():
            j = int(first[i])
            copies.setdefault(keys[order[owners[i]]], {})[int(hashes[i])] = (keys[order[owners[j]]], 1.0)
        del first, exact
    if len(rows) and settings.corpus_near_enabled:
        # exact copies take no part in near matching (neither side of a pair may be a removed copy): leaving them
        # out of the bands keeps a paragraph pasted on many pages from filling every bucket with the same pairs
        live = np.flatnonzero(kept)
        n = len(live)
        thr = float(settings.corpus_near_threshold)
        for pairs in _lsh_pairs(store.para_sigs, rows[live], owners[live], max_bucket):  # rounds of consecutive j
            out.candidate_pairs += len(pairs)
            js, is_ = live[pairs // n], live[pairs % n]  # back to indexes of all rows
            for j, i, sim in _first_copies(store.para_sigs, rows, js, is_, thr, kept):
                copies.setdefault(keys[order[owners[j]]], {}).setdefault(
                    int(hashes[j]), (keys[order[owners[i]]], round(sim, 3)))
    out.paragraphs = PageCopies(copies)
    del copies
    # whole pages: exact text, then near (MinHash of all the page's shingles)
    seen_page: dict[int, int] = {}
    for p in order:
        h = store.page_hash[p]
        if h:
            q = seen_page.setdefault(h, p)
            if q != p:
                out.pages[keys[p]] = (keys[q], 1.0)
    with_sig = [p for p in order if store.page_sig_row[p] >= 0 and keys[p] not in out.pages]
    if len(with_sig) > 1:
        prow = np.asarray([store.page_sig_row[p] for p in with_sig], dtype=np.int64)
        m = len(with_sig)
        thr = float(settings.page_near_threshold)
        original = np.ones(m, dtype=bool)
        for pairs in _lsh_pairs(store.page_sigs, prow, np.arange(m), max_bucket):
            for j, i, sim in _first_copies(store.page_sigs, prow, pairs // m, pairs % m, thr, original):
                out.pages[keys[with_sig[j]]] = (keys[with_sig[i]], round(sim, 3))
    return out
