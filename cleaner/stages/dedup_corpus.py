"""Cross-corpus duplicates: paragraphs and whole pages that occur (exactly or nearly) on other pages.

The scan pass feeds every page to `CorpusCollector`.  Exact copies are found by
a 64-bit hash of the normalised paragraph; near copies by MinHash signatures
and LSH banding, so the work grows with the number of paragraphs, not with its
square: only paragraphs that share a whole band of their signature are ever
compared.  Every hash is deterministic (CRC-32 / BLAKE2, fixed seeds), never
Python's per-process ``hash()``, so workers, runs and ``--jobs`` agree.

The first copy in page-name order is the one kept; `CorpusDuplicates` maps
every later copy to it.  Paragraphs that recur on many pages of one site are
that site's chrome, not duplicated content: they are left out of the
duplicate maps and counted per site instead (`CorpusDuplicates.site_recurrence`,
a hook the chrome stage can read from ``ctx.stats["dedup"]``).
"""

from __future__ import annotations

import hashlib
import mmap
import tempfile
import unicodedata
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import regex

from cleaner.text import line_memo

_PUNCT = regex.compile(r"[^\p{L}\p{N}\s]+")
_MASK32 = np.uint64(0xFFFFFFFF)
_CHUNK = 1 << 14


@line_memo  # the scan keys every line, and dedup keys the same lines again in each round and while settling
def norm_key(s: str) -> str:
    """Case-, punctuation- and space-insensitive form of a line or sentence."""
    s = s.lower() if s.isascii() else unicodedata.normalize("NFKC", s).casefold()  # NFKC and casefold: ASCII is lower()
    return " ".join(_PUNCT.sub(" ", s).split())


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

    def shingles(self, text: str) -> np.ndarray:
        """Hashes of the character n-grams of a normalised text (a rolling polynomial hash, vectorised).

        Characters, not words: a one-word edit in a 15-word paragraph touches a few of ~90 character
        shingles (Jaccard ~0.85) but 3 of 13 word 3-grams (~0.6)."""
        data = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8).astype(np.uint64)
        if data.size == 0:
            return np.zeros(0, dtype=np.uint64)
        n = min(self.n, data.size)
        s = np.zeros(data.size - n + 1, dtype=np.uint64)
        for k in range(n):
            s = (s * np.uint64(0x01000193) + data[k : data.size - n + 1 + k]) & _MASK32
        s = (s * np.uint64(2654435761)) & _MASK32  # spread short n-grams over the 32 bits
        return np.unique(s)

    def shingles_many(self, texts: list[str]) -> list[np.ndarray]:
        """`shingles` of each text, computed in one pass over their concatenation (the same arrays: a window
        crossing two texts is dropped, and one sort of (text, hash) pairs gives each text's sorted unique hashes)."""
        out: list[np.ndarray | None] = [None] * len(texts)
        encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
        batch = [k for k, b in enumerate(encoded) if len(b) >= self.n]
        for k, b in enumerate(encoded):
            if len(b) < self.n:
                out[k] = self.shingles(texts[k])  # a shorter n-gram for a very short text: the single-text path
        if batch:
            data = np.frombuffer(b"".join(encoded[k] for k in batch), dtype=np.uint8).astype(np.uint64)
            n = self.n
            s = np.zeros(data.size - n + 1, dtype=np.uint64)
            for k in range(n):
                s = (s * np.uint64(0x01000193) + data[k : data.size - n + 1 + k]) & _MASK32
            s = (s * np.uint64(2654435761)) & _MASK32
            lengths = np.array([len(encoded[k]) for k in batch], dtype=np.int64)
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
            counts = lengths - n + 1  # windows inside each text
            idx = np.repeat(starts, counts) + (np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts))
            owner = np.repeat(np.arange(len(batch), dtype=np.uint64), counts)
            keyed = np.sort((owner << np.uint64(32)) | s[idx])
            uniq = keyed[np.concatenate(([True], keyed[1:] != keyed[:-1]))]  # np.unique, without its hashing pass
            bounds = np.searchsorted(uniq >> np.uint64(32), np.arange(len(batch) + 1, dtype=np.uint64))
            for pos, k in enumerate(batch):
                out[k] = uniq[bounds[pos] : bounds[pos + 1]] & _MASK32
        return out  # type: ignore[return-value]

    def signatures(self, shingle_sets: list[np.ndarray]) -> np.ndarray:
        """`signature` of each shingle set (one row each), small sets batched into one numpy pass: per-call
        overhead, not arithmetic, dominated for paragraph-sized sets."""
        out = np.empty((len(shingle_sets), self.num_perm), dtype=np.uint32)
        batch: list[int] = []
        size = 0

        def flush() -> None:
            if not batch:
                return
            parts = [shingle_sets[k] for k in batch]
            hv = np.multiply(self.a[:, None], np.concatenate(parts)[None, :])  # in place from here: no temporaries
            hv += self.b[:, None]
            hv >>= np.uint64(32)
            starts = np.cumsum([0] + [p.size for p in parts[:-1]])
            out[batch] = np.minimum.reduceat(hv, starts, axis=1).T.astype(np.uint32)

        for k, sh in enumerate(shingle_sets):
            if sh.size == 0 or sh.size > _CHUNK:
                out[k] = self.signature(sh)
                continue
            if size + sh.size > _CHUNK:
                flush()
                batch, size = [], 0
            batch.append(k)
            size += sh.size
        flush()
        return out

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        if shingles.size == 0:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        out = np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint64)
        for i in range(0, shingles.size, _CHUNK):  # bounded memory on a huge page: num_perm x _CHUNK at a time
            part = shingles[i : i + _CHUNK]
            hv = (part[None, :] * self.a[:, None] + self.b[:, None]) >> np.uint64(32)
            np.minimum(out, hv.min(axis=1), out=out)
        return out.astype(np.uint32)


@dataclass
class _PageItem:
    name: str
    site: str
    page_hash: int
    page_sig: np.ndarray | None
    para_hashes: list[int]
    para_sigs: np.ndarray | None  # one row per paragraph


@dataclass
class CorpusDuplicates:
    """What the scan pass found; read by the dedup stage, the run summary and (hook) the chrome stage."""

    #: page -> {paragraph key hash -> (page the kept copy is on, similarity)}
    paragraphs: dict[str, dict[int, tuple[str, float]]] = field(default_factory=dict)
    #: page -> (the earlier page it copies, similarity of the whole text)
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

    def __init__(self, cfg: dict[str, Any]):
        self.cfg = cfg
        self.hasher = MinHasher(int(cfg["corpus_num_perm"]), int(cfg["corpus_shingle_chars"]))
        self.items: list[_PageItem] = []
        self._store: _Store | None = None

    def add(self, text: str, site: str, name: str) -> None:
        min_words = int(self.cfg["corpus_min_words"])
        para_hashes: list[int] = []
        keys: list[str] = []
        all_words: list[str] = []
        for ln in text.splitlines():
            key = norm_key(ln)
            ws = key.split()
            all_words.extend(ws)
            if len(ws) >= min_words:
                para_hashes.append(key_hash(key))
                keys.append(key)
        page_words = int(self.cfg["page_min_words"])
        with_page = len(all_words) >= page_words
        if with_page:
            keys.append(" ".join(all_words))
        # the page's paragraphs (and the page itself) hashed together: numpy per paragraph was mostly call overhead
        sigs = self.hasher.signatures(self.hasher.shingles_many(keys)) if keys else None
        page_sig = sigs[-1] if with_page and sigs is not None else None
        para_sigs = sigs[: len(para_hashes)] if sigs is not None and para_hashes else None
        self.items.append(_PageItem(name, site, key_hash(" ".join(all_words)) if all_words else 0, page_sig, para_hashes, para_sigs))

    def __getstate__(self) -> dict[str, Any]:
        if self._store is not None:
            raise TypeError("a merged CorpusCollector holds open temp files; pickle its finish() instead")
        return self.__dict__

    def merge(self, other: CorpusCollector) -> None:
        if self._store is None:
            self._store = _Store(self.hasher.num_perm)
        self._store.extend(self.items)
        self._store.extend(other.items)
        self.items = []

    def finish(self) -> CorpusDuplicates:
        store = self._store if self._store is not None else _Store(self.hasher.num_perm)
        store.extend(self.items)
        self.items = []
        try:
            return find_duplicates(store, self.cfg)
        finally:
            store.close()
            self._store = None


class _Store:
    """The scan's pages, compact: names and sites once per page, paragraph hashes and owners in arrays, and the
    MinHash signatures (400 bytes each) spilled to unnamed temp files that LSH reads back one band at a time.
    Memory per paragraph is ~12 bytes here and ~60 transiently in `find_duplicates`, instead of ~1 KB as objects."""

    def __init__(self, num_perm: int) -> None:
        self.num_perm = num_perm
        self.names: list[str] = []
        self.site_ids: dict[str, int] = {}
        self.page_site = array("I")
        self.page_hash = array("Q")
        self.page_sig_row = array("q")  # row in the page signature file, -1 without one
        self.para_start = array("Q", [0])  # page p's paragraphs are para rows para_start[p] .. para_start[p+1]
        self.para_hash = array("Q")
        self.has_para_sig = array("b")  # per page: its paragraphs have signatures
        # unnamed: the OS removes them whatever happens to the run; closed in close()
        self._para_file = tempfile.TemporaryFile(prefix="cleaner-minhash-")  # noqa: SIM115
        self._page_file = tempfile.TemporaryFile(prefix="cleaner-minhash-")  # noqa: SIM115
        self.page_rows = 0

    def extend(self, items: list[_PageItem]) -> None:
        for it in items:
            self.names.append(it.name)
            self.page_site.append(self.site_ids.setdefault(it.site, len(self.site_ids)))
            self.page_hash.append(it.page_hash)
            if it.page_sig is not None:
                self._page_file.write(np.ascontiguousarray(it.page_sig, dtype=np.uint32).tobytes())
                self.page_sig_row.append(self.page_rows)
                self.page_rows += 1
            else:
                self.page_sig_row.append(-1)
            self.para_hash.extend(it.para_hashes)
            self.para_start.append(len(self.para_hash))
            if it.para_sigs is not None:
                self._para_file.write(np.ascontiguousarray(it.para_sigs, dtype=np.uint32).tobytes())
            else:  # no signatures means no paragraphs (see CorpusCollector.add): nothing to write
                assert not it.para_hashes
            self.has_para_sig.append(it.para_sigs is not None)

    def para_sigs(self) -> np.ndarray:
        return self._signatures(self._para_file, len(self.para_hash))

    def page_sigs(self) -> np.ndarray:
        return self._signatures(self._page_file, self.page_rows)

    def _signatures(self, fh: Any, rows: int) -> np.ndarray:
        fh.flush()
        if rows == 0:
            return np.zeros((0, self.num_perm), dtype=np.uint32)
        return np.memmap(fh, dtype=np.uint32, mode="r", shape=(rows, self.num_perm))

    def close(self) -> None:
        self._para_file.close()
        self._page_file.close()


#: candidate pairs materialised at once while banding (8 bytes each, and a few temporaries of that size)
_PAIRS_AT_ONCE = 1 << 21
#: candidate pairs (counted over all bands) gathered before they are verified: the index's memory bound
_PAIRS_PER_ROUND = 1 << 20


class _Band:
    """One band of the signatures grouped: equal band values next to each other (a stable sort, so each group is
    in index order), and for each position how many earlier members of its group it pairs with (only a group's
    first ``max_bucket`` members pair: a pathological bucket must not go quadratic)."""

    def __init__(self, sigs: np.ndarray, rows_of: np.ndarray, band: int, per_band: int, max_bucket: int) -> None:
        block = np.asarray(sigs[rows_of, band * per_band : (band + 1) * per_band])
        _drop_pages(sigs)
        self.order = np.lexsort(block.T[::-1])
        sb = block[self.order]
        new = np.concatenate(([True], np.any(sb[1:] != sb[:-1], axis=1)))
        self.group_start = np.flatnonzero(new)[np.cumsum(new) - 1]
        rank = np.arange(len(rows_of), dtype=np.int64) - self.group_start
        self.earlier = np.where(rank < max_bucket, rank, 0)


def _drop_pages(sigs: np.ndarray) -> None:
    """Let the OS take back the signature file's pages a band (or a round of checks) read: they are clean and
    read again on demand, but they would count in the process's memory until the OS needs it."""
    mm = getattr(sigs, "_mmap", None)
    if mm is not None and hasattr(mm, "madvise"):
        mm.madvise(mmap.MADV_DONTNEED)


def _lsh_pairs(sigs: np.ndarray, rows_of: np.ndarray, owners: np.ndarray, bands: int,
               max_bucket: int) -> Iterator[np.ndarray]:
    """Candidate pairs (i < j, on different owners) among the signatures ``sigs[rows_of]`` that share at least
    one band bucket, as sorted unique keys ``j * n + i`` (in order of j, then i), in rounds of consecutive j.

    A first pass over the bands counts each j's pairs; the j are then cut into rounds of about
    ``_PAIRS_PER_ROUND`` pairs, and each round bands again and yields only its own pairs.  So memory is bounded
    however many candidates a corpus makes (a corpus dense in near copies makes tens of millions; all at once
    took 1.1 GB at 200 MB), at the price of banding once more per round.  Bands are read from the
    (memory-mapped) signatures one at a time."""
    per_band = sigs.shape[1] // bands
    n = len(rows_of)
    if n < 2:
        return
    owners = np.asarray(owners)
    per_j = np.zeros(n, dtype=np.int64)
    for b in range(bands):
        band = _Band(sigs, rows_of, b, per_band, max_bucket)
        per_j += np.bincount(band.order, weights=band.earlier, minlength=n).astype(np.int64)
    cum = np.cumsum(per_j)
    if not cum[-1]:
        return
    cuts = np.unique(np.searchsorted(cum, np.arange(_PAIRS_PER_ROUND, int(cum[-1]), _PAIRS_PER_ROUND), side="right"))
    for j_lo, j_hi in zip([0, *cuts.tolist()], [*cuts.tolist(), n]):
        chunks: list[np.ndarray] = []
        for b in range(bands):
            band = _Band(sigs, rows_of, b, per_band, max_bucket)
            in_round = (band.order >= j_lo) & (band.order < j_hi) & (band.earlier > 0)
            right_pos = np.flatnonzero(in_round)  # positions of this round's j; their pairs are the group's earlier members
            counts = band.earlier[right_pos]
            if not len(counts):
                continue
            run = np.cumsum(counts)
            slices = np.unique(np.searchsorted(run, np.arange(_PAIRS_AT_ONCE, int(run[-1]), _PAIRS_AT_ONCE), side="right"))
            for lo, hi in zip([0, *slices.tolist()], [*slices.tolist(), len(right_pos)]):
                q, k = right_pos[lo:hi], counts[lo:hi]
                total = int(k.sum())
                if total == 0:
                    continue
                left = np.repeat(band.group_start[q], k) + (np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(k) - k, k))
                i, j = band.order[left], band.order[np.repeat(q, k)]
                del left
                keep = owners[i] != owners[j]
                chunks.append(np.unique(j[keep] * n + i[keep]))
                del i, j, keep
        if chunks:
            yield np.unique(np.concatenate(chunks))


def find_duplicates(store: _Store, cfg: dict[str, Any]) -> CorpusDuplicates:
    """Map every later copy (page-name order) of a paragraph or page to its first copy."""
    names = store.names
    n_pages = len(names)
    order = sorted(range(n_pages), key=names.__getitem__)  # stable: pages of the same name keep arrival order
    out = CorpusDuplicates(n_pages=n_pages)
    bands = int(cfg["corpus_bands"])
    max_bucket = int(cfg["corpus_max_bucket"])
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
    chrome = (pages_of > 1) & (pages_of >= int(cfg["corpus_site_chrome_min_pages"]))

    # paragraphs: flattened in page order, chrome left out
    has_sig = np.frombuffer(store.has_para_sig, dtype=np.int8).astype(bool) if n_pages else np.zeros(0, dtype=bool)
    idx = [np.arange(starts[p], starts[p + 1]) for p in order if has_sig[p]]
    rows = np.concatenate(idx) if idx else np.zeros(0, dtype=np.int64)
    rows = rows[~chrome[rows]]
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
        copies = np.flatnonzero((first != np.arange(len(rows))) & (owners[first] != owners))
        kept[copies] = False
        for i in copies.tolist():
            j = int(first[i])
            out.paragraphs.setdefault(names[order[owners[i]]], {})[int(hashes[i])] = (names[order[owners[j]]], 1.0)
    if len(rows) and cfg["corpus_near_enabled"]:
        sigs = store.para_sigs()
        owner_list = owners.tolist()
        # exact copies take no part in near matching (neither side of a pair may be a removed copy): leaving them
        # out of the bands keeps a paragraph pasted on many pages from filling every bucket with the same pairs
        live = np.flatnonzero(kept)
        n = len(live)
        thr = float(cfg["corpus_near_threshold"])
        for keys in _lsh_pairs(sigs, rows[live], owners[live], bands, max_bucket):  # rounds of consecutive j
            out.candidate_pairs += len(keys)
            keys = live[keys // n] * len(rows) + live[keys % n]  # back to indexes of all rows
            js = keys // len(rows)
            bounds = np.flatnonzero(np.concatenate(([True], js[1:] != js[:-1]))).tolist() + [len(keys)]
            for a, z in zip(bounds[:-1], bounds[1:]):  # each j, its earlier candidates i in order
                j = int(js[a])
                if not kept[j]:
                    continue
                sig_j = np.asarray(sigs[rows[j]])
                for i in (keys[a:z] % len(rows)).tolist():
                    if not kept[i]:
                        continue
                    sim = float(np.mean(np.asarray(sigs[rows[i]]) == sig_j))
                    if sim >= thr:
                        kept[j] = False
                        out.paragraphs.setdefault(names[order[owner_list[j]]], {}).setdefault(
                            int(hashes[j]), (names[order[owner_list[i]]], round(sim, 3)))
                        break
            _drop_pages(sigs)
    # whole pages: exact text, then near (MinHash of all the page's shingles)
    seen_page: dict[int, int] = {}
    for p in order:
        h = store.page_hash[p]
        if h:
            q = seen_page.setdefault(h, p)
            if q != p:
                out.pages[names[p]] = (names[q], 1.0)
    with_sig = [p for p in order if store.page_sig_row[p] >= 0 and names[p] not in out.pages]
    if len(with_sig) > 1:
        psigs = store.page_sigs()
        prow = np.asarray([store.page_sig_row[p] for p in with_sig], dtype=np.int64)
        m = len(with_sig)
        thr = float(cfg["page_near_threshold"])
        rounds = _lsh_pairs(psigs, prow, np.arange(m), bands, max_bucket)
        for j, i in (divmod(k, m) for keys in rounds for k in keys.tolist()):
            name_j = names[with_sig[j]]
            if name_j in out.pages or names[with_sig[i]] in out.pages:
                continue
            sim = float(np.mean(np.asarray(psigs[prow[i]]) == np.asarray(psigs[prow[j]])))
            if sim >= thr:
                out.pages[name_j] = (names[with_sig[i]], round(sim, 3))
    return out
