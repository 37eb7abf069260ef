"""Cross-corpus dedup at scale: time, peak memory and recall/precision on planted near-duplicates.

Generates a corpus of N paragraphs (random English words from wordfreq, 20-60 words each, 10 to a
page, fixed seed), plants copies of 2% of them on later pages (half exact, half with one or two words
changed or dropped and the punctuation altered), runs the dedup stage's scan-pass collector
(`CorpusCollector`: MinHash on character 5-grams + LSH banding) and scores what it reports against the
planted pairs.  Each size runs in a fresh process so that peak RSS is that run's own; N and 2N show
whether the time grows linearly (LSH) rather than quadratically (all pairs).

    python benchmarks/dedup_bench.py [--paragraphs 100000] [--sizes 50000,100000,200000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from typing import Any

from wordfreq import top_n_list

from cleaner.stages.dedup.corpus import CorpusCollector, key_hash, norm_key
from cleaner.stages.dedup.settings import CorpusCopySettings

PER_PAGE = 10
PLANT_SHARE = 0.02


def make_corpus(n_paragraphs: int, seed: int = 7) -> tuple[dict[str, list[str]], dict[tuple[str, int], str]]:
    """Pages of random paragraphs, and the planted copies: (copy page, key hash) -> source page."""
    rng = random.Random(seed)
    vocab = top_n_list("en", 20000)
    n_pages = max(2, n_paragraphs // PER_PAGE)
    pages: dict[str, list[str]] = {}
    for p in range(n_pages):
        paras = []
        for _ in range(PER_PAGE):
            words = rng.choices(vocab, k=rng.randint(20, 60))
            paras.append(" ".join(words).capitalize() + ".")
        pages[f"p{p:07d}.txt"] = paras
    names = sorted(pages)
    planted: dict[tuple[str, int], str] = {}
    for _ in range(int(n_paragraphs * PLANT_SHARE)):
        src = rng.randrange(n_pages - 1)
        dst = rng.randrange(src + 1, n_pages)  # the copy sits on a later page (the earlier one keeps it)
        text = rng.choice(pages[names[src]])
        if rng.random() < 0.5:  # a near copy: a word or two changed or dropped, punctuation altered
            words = text.split()
            for _ in range(rng.randint(1, 2)):
                i = rng.randrange(len(words))
                if rng.random() < 0.5:
                    words[i] = rng.choice(vocab)
                else:
                    del words[i]
            text = " ".join(words).rstrip(".") + "!"
            if rng.random() < 0.5:
                text = text.replace(" ", ", ", 1)
        pages[names[dst]].append(text)
        planted[(names[dst], key_hash(norm_key(text)))] = names[src]
    return pages, planted


def run_one(n_paragraphs: int) -> dict[str, Any]:
    pages, planted = make_corpus(n_paragraphs)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    col = CorpusCollector(CorpusCopySettings())
    t0 = time.perf_counter()
    for name, paras in pages.items():
        col.add("\n\n".join(paras), "bench", name)
    t1 = time.perf_counter()
    dups = col.finish()
    t2 = time.perf_counter()
    found = {(page, h): of for page, m in dups.paragraphs.items() for h, (of, _) in m.items()}
    hits = sum(1 for k, src in planted.items() if found.get(k) == src)
    correct = sum(1 for k in found if k in planted)
    exact = sum(1 for m in dups.paragraphs.values() for _, sim in m.values() if sim >= 1.0)
    return {
        "paragraphs": dups.n_paragraphs,
        "pages": dups.n_pages,
        "planted_pairs": len(planted),
        "reported": len(found),
        "reported_exact": exact,
        "recall": round(hits / max(1, len(planted)), 4),
        "precision": round(correct / max(1, len(found)), 4),
        "candidate_pairs": dups.candidate_pairs,
        "scan_seconds": round(t1 - t0, 2),
        "match_seconds": round(t2 - t1, 2),
        "total_seconds": round(t2 - t0, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "corpus_rss_mb": round(base_rss / 1024, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="50000,100000,200000", help="paragraph counts, comma-separated")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"cross-corpus dedup (MinHash {CorpusCopySettings().corpus_num_perm} perms, {CorpusCopySettings().corpus_bands} bands, "
          f"char {CorpusCopySettings().corpus_shingle_chars}-grams, near >= {CorpusCopySettings().corpus_near_threshold}), "
          f"{PER_PAGE} paragraphs a page, {PLANT_SHARE:.0%} planted copies (half near)")
    print(f"{'paragraphs':>10} {'pages':>7} {'planted':>7} {'recall':>7} {'precision':>9} {'candidates':>10} "
          f"{'scan s':>7} {'match s':>7} {'total s':>7} {'peak RSS MB':>11} {'corpus MB':>9}")
    rows = []
    for n in sizes:
        proc = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout)
        rows.append(r)
        print(f"{r['paragraphs']:>10,} {r['pages']:>7,} {r['planted_pairs']:>7,} {r['recall']:>7.3f} {r['precision']:>9.3f} "
              f"{r['candidate_pairs']:>10,} {r['scan_seconds']:>7.1f} {r['match_seconds']:>7.1f} {r['total_seconds']:>7.1f} "
              f"{r['peak_rss_mb']:>11.0f} {r['corpus_rss_mb']:>9.0f}")
    for a, b in zip(rows, rows[1:]):
        ratio = b["total_seconds"] / max(a["total_seconds"], 1e-9)
        print(f"{a['paragraphs']:,} -> {b['paragraphs']:,} paragraphs (x{b['paragraphs'] / a['paragraphs']:.1f}): "
              f"time x{ratio:.2f}, peak RSS x{b['peak_rss_mb'] / a['peak_rss_mb']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
