"""Generate a realistic corpus of JSONL shards for the scale benchmark (no network).

Pages are built from real prose (the gold texts of ../shared/bench: a page's
paragraphs are sentences of one text, drawn afresh, so that a 200 MB corpus drawn from ~190k words
does not repeat whole paragraphs on every page) with the web's noise planted:
per-site menus and footers (chrome that repeats across a site's pages),
paragraphs repeated on a page or copied from another page, whole duplicate
pages, spam sentences, typos and mojibake.  Deterministic for a seed.  Shards of ~``--shard-mb`` MB.

    python benchmarks/scale_corpus.py ../shared/bench build/bench-scale/corpus --mb 200
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

SPAM = [
    "Play online casino games now and get free spins with no deposit bonus.",
    "Buy cheap viagra online without prescription, overnight delivery.",
    "Double your bitcoin in 24 hours, guaranteed daily profits!",
    "Great post, thanks for sharing! Visit my site for more.",
]
MENU = ["Home", "About Us", "Services", "Blog", "Contact", "Privacy Policy | Terms of Use | Sitemap"]
FOOTER = ["© {year} {site}. All rights reserved.", "Share this: Facebook Twitter Pinterest", "Subscribe to our newsletter",
          "Leave a Reply", "Your email address will not be published. Required fields are marked *"]
MOJIBAKE = {"'": "â€™", "é": "Ã©", "—": "â€”"}


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def documents(bench: Path) -> list[list[str]]:
    """The gold texts as lists of sentences."""
    docs: list[list[str]] = []
    for p in sorted(bench.glob("*/*.gold.txt")):
        text = p.read_text(encoding="utf-8", errors="replace")
        sents = [s for para in text.split("\n\n") for s in _SENTENCE_END.split(" ".join(para.split())) if len(s.split()) >= 4]
        if len(sents) >= 6:
            docs.append(sents)
    return docs


def paragraph(rng: random.Random, doc: list[str]) -> str:
    """A few sentences of one text, in its order: real prose on the page's topic, and (as on the web) practically
    never the same paragraph twice unless a copy is planted."""
    picked = sorted(rng.sample(range(len(doc)), min(len(doc), rng.randint(2, 5))))
    return " ".join(doc[k] for k in picked)


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def page(rng: random.Random, docs: list[list[str]], site: str, i: int, recent: list[str]) -> str:
    doc = rng.choice(docs)  # one text per page: one topic, one language
    body = [paragraph(rng, doc) for _ in range(rng.randint(3, 9))]
    if rng.random() < 0.1:  # a paragraph repeated on the page (a pasted block)
        body.insert(rng.randrange(len(body) + 1), rng.choice(body))
    if recent and rng.random() < 0.05:  # a paragraph copied from another page (syndication, quotes)
        body.insert(rng.randrange(len(body) + 1), rng.choice(recent))
    recent.extend(body)
    del recent[:-200]
    if rng.random() < 0.05:
        body.insert(rng.randrange(len(body)), rng.choice(SPAM))
    if rng.random() < 0.3:
        body = [" ".join(typo(w, rng) if rng.random() < 0.01 else w for w in p.split(" ")) for p in body]
    if rng.random() < 0.03:
        body = ["".join(MOJIBAKE.get(c, c) for c in p) for p in body]
    title = " ".join(body[0].split()[:8]).rstrip(".,;:")
    chrome_top = rng.sample(MENU, 4)
    chrome_bottom = [f.format(year=2020 + i % 5, site=site) for f in rng.sample(FOOTER, 3)]
    return "\n".join([*chrome_top, "", title, "", "\n\n".join(body), "", *chrome_bottom]) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("bench", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--mb", type=float, default=200.0)
    ap.add_argument("--shard-mb", type=float, default=4.0)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    docs = documents(args.bench)
    recent: list[str] = []
    sites = [f"site{k:02d}.example" for k in range(40)]
    args.out.mkdir(parents=True, exist_ok=True)
    total = shard_bytes = 0
    shard_no, i = 0, 0
    fh = (args.out / f"shard{shard_no:04d}.jsonl").open("w", encoding="utf-8")
    previous: list[str] = []
    while total < args.mb * 1e6:
        site = rng.choice(sites)
        text = rng.choice(previous) if previous and rng.random() < 0.03 else page(rng, docs, site, i, recent)  # exact duplicates
        previous = (previous + [text])[-50:]
        line = json.dumps({"id": f"p{i:08d}", "url": f"https://www.{site}/post/{i}", "text": text, "lang": "en"}, ensure_ascii=False) + "\n"
        fh.write(line)
        n = len(line.encode("utf-8"))
        total += n
        shard_bytes += n
        i += 1
        if shard_bytes >= args.shard_mb * 1e6 and total < args.mb * 1e6:  # no empty shard at the end
            fh.close()
            shard_no += 1
            shard_bytes = 0
            fh = (args.out / f"shard{shard_no:04d}.jsonl").open("w", encoding="utf-8")
    fh.close()
    print(f"{i} pages, {total / 1e6:.1f} MB in {shard_no + 1} shards under {args.out}")


if __name__ == "__main__":
    main()
