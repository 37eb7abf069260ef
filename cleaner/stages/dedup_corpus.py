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
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import regex

_PUNCT = regex.compile(r"[^\p{L}\p{N}\s]+")
_MASK32 = np.uint64(0xFFFFFFFF)
_CHUNK = 1 << 14


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
    """Scan-pass accumulator: per page, hashes and MinHash signatures of the page and its paragraphs."""

    def __init__(self, cfg: dict[str, Any]):
        self.cfg = cfg
        self.hasher = MinHasher(int(cfg["corpus_num_perm"]), int(cfg["corpus_shingle_chars"]))
        self.items: list[_PageItem] = []

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

    def merge(self, other: CorpusCollector) -> None:
        self.items.extend(other.items)

    def finish(self) -> CorpusDuplicates:
        return find_duplicates(self.items, self.cfg)


def _lsh_pairs(sigs: np.ndarray, owners: list[int], bands: int, max_bucket: int) -> set[tuple[int, int]]:
    """Candidate pairs (i < j, on different owners) that share at least one band bucket.

    One band at a time, so only one band's buckets are in memory."""
    rows = sigs.shape[1] // bands
    pairs: set[tuple[int, int]] = set()
    for b in range(bands):
        block = np.ascontiguousarray(sigs[:, b * rows : (b + 1) * rows])
        buckets: dict[bytes, list[int]] = defaultdict(list)
        for i in range(block.shape[0]):
            buckets[block[i].tobytes()].append(i)
        for members in buckets.values():
            if len(members) < 2:
                continue
            members = members[:max_bucket]  # a pathological bucket (boilerplate) must not go quadratic
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    if owners[i] != owners[j]:
                        pairs.add((i, j))
    return pairs


def find_duplicates(items: list[_PageItem], cfg: dict[str, Any]) -> CorpusDuplicates:
    """Map every later copy (page-name order) of a paragraph or page to its first copy."""
    items = sorted(items, key=lambda it: it.name)
    out = CorpusDuplicates(n_pages=len(items))
    bands = int(cfg["corpus_bands"])
    # per site: on how many pages each paragraph occurs (chrome's business when it is many)
    per_site: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for it in items:
        out.site_pages[it.site] = out.site_pages.get(it.site, 0) + 1
        for h in set(it.para_hashes):
            per_site[it.site][h] += 1
    out.site_paragraphs = {s: {h: n for h, n in c.items() if n > 1} for s, c in per_site.items()}
    chrome_min = int(cfg["corpus_site_chrome_min_pages"])

    def is_chrome(site: str, h: int) -> bool:
        return out.site_paragraphs.get(site, {}).get(h, 0) >= chrome_min

    # paragraphs: flatten in page order
    owners: list[int] = []
    hashes: list[int] = []
    rows: list[np.ndarray] = []
    for p, it in enumerate(items):
        if it.para_sigs is None:
            continue
        for h, sig in zip(it.para_hashes, it.para_sigs):
            if is_chrome(it.site, h):
                continue
            owners.append(p)
            hashes.append(h)
            rows.append(sig)
    out.n_paragraphs = len(hashes)
    kept = [True] * len(hashes)
    first_of: dict[int, int] = {}
    for i, h in enumerate(hashes):  # exact copies
        j = first_of.setdefault(h, i)
        if j != i and owners[j] != owners[i]:
            kept[i] = False
            out.paragraphs.setdefault(items[owners[i]].name, {})[h] = (items[owners[j]].name, 1.0)
    if rows and cfg["corpus_near_enabled"]:
        sigs = np.vstack(rows)
        pairs = _lsh_pairs(sigs, owners, bands, int(cfg["corpus_max_bucket"]))
        out.candidate_pairs = len(pairs)
        earlier: dict[int, list[int]] = defaultdict(list)
        for i, j in pairs:
            earlier[j].append(i)
        thr = float(cfg["corpus_near_threshold"])
        for j in sorted(earlier):
            if not kept[j]:
                continue
            for i in sorted(earlier[j]):
                if not kept[i]:
                    continue
                sim = float(np.mean(sigs[i] == sigs[j]))
                if sim >= thr:
                    kept[j] = False
                    out.paragraphs.setdefault(items[owners[j]].name, {}).setdefault(
                        hashes[j], (items[owners[i]].name, round(sim, 3)))
                    break
    # whole pages: exact text, then near (MinHash of all the page's shingles)
    seen_page: dict[int, int] = {}
    for p, it in enumerate(items):
        if it.page_hash:
            q = seen_page.setdefault(it.page_hash, p)
            if q != p:
                out.pages[it.name] = (items[q].name, 1.0)
    with_sig = [p for p, it in enumerate(items) if it.page_sig is not None and it.name not in out.pages]
    if len(with_sig) > 1:
        psigs = np.vstack([items[p].page_sig for p in with_sig])  # type: ignore[misc]
        pairs = _lsh_pairs(psigs, list(range(len(with_sig))), bands, int(cfg["corpus_max_bucket"]))
        thr = float(cfg["page_near_threshold"])
        for i, j in sorted(pairs, key=lambda t: (t[1], t[0])):
            name_j = items[with_sig[j]].name
            if name_j in out.pages or items[with_sig[i]].name in out.pages:
                continue
            sim = float(np.mean(psigs[i] == psigs[j]))
            if sim >= thr:
                out.pages[name_j] = (items[with_sig[i]].name, round(sim, 3))
    return out
