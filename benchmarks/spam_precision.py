#!/usr/bin/env python3
"""Precision of the spam stage on external pages: how many of its removals are text the human gold keeps.

The bench pages (../shared/bench/boilerplate*, written by nobody on the team) carry no injected spam, so
every spam removal that is part of the gold article is a wrong removal.  Removals of chrome the gold also
drops (language pickers, comment-form notices) are not counted against it.

    cleaner run IN -o OUT; python benchmarks/spam_precision.py OUT GOLD_DIR...
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path


def norm(t: str) -> str:
    return re.sub(r"\s+", " ", t).strip()


def main() -> None:
    out, gold_dirs = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
    wrong: list[tuple[str, str, str]] = []
    rules: Counter[str] = Counter()
    pages = 0
    for log in sorted(out.rglob("*.changes.jsonl")):
        name = log.name.removesuffix(".changes.jsonl").removesuffix(".txt").removesuffix(".raw")
        gold = next((d / f"{name}.gold.txt" for d in gold_dirs if (d / f"{name}.gold.txt").exists()), None)
        if gold is None:
            continue
        pages += 1
        g = norm(gold.read_text(encoding="utf-8"))
        for line in log.read_text(encoding="utf-8").splitlines()[1:]:
            e = json.loads(line)
            if e["stage"] != "spam":
                continue
            rules[e["rule"]] += 1
            b = norm(e["before"])
            if len(b) > 3 and b in g:
                wrong.append((name[:24], e["rule"], b[:100]))
    total = sum(rules.values())
    print(f"{pages} pages with gold; spam removals {total} ({dict(rules)}); also in the human gold (wrong): {len(wrong)}")
    for w in wrong:
        print("   ", *w)


if __name__ == "__main__":
    main()
