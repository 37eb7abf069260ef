"""Harm on clean text: the whole pipeline over every bench set's gold texts, counted by ``../shared/eval/harm.py``.

Each gold page is put in its own directory (so it is its own site: no site repetition between gold pages) under
``WORK/in/SET/ID/page.txt``; ``htmltotext`` pages run with ``--keep-comments`` (their gold keeps the comments).
Prints harm.py's words changed per 10,000 by stage, and the chrome removals (rule, words) for review.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("benches", nargs="+", type=Path)
    ap.add_argument("--work", type=Path, default=Path("build/chrome-harm"))
    ap.add_argument("--cleaner", default=".venv/bin/cleaner")
    ap.add_argument("--harm", type=Path, default=Path("../shared/eval/harm.py"))
    ap.add_argument("--run-option", action="append", default=[], help="extra option for `cleaner run` (repeatable)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    outs = []
    for bench in args.benches:
        inp = args.work / "in" / bench.name
        for gold in sorted(bench.glob("*.gold.txt")):
            d = inp / gold.name[: -len(".gold.txt")]
            d.mkdir(parents=True)
            shutil.copyfile(gold, d / "page.txt")
        out = args.work / "out" / bench.name
        extra = ["--keep-comments"] if "htmltotext" in bench.name else []
        subprocess.run([args.cleaner, "run", str(inp), "-o", str(out), "--force", "-q", "-j", str(args.jobs),
                        "--skip-examples", *extra, *args.run_option], check=False)
        outs.append(out)
    subprocess.run([sys.executable, str(args.harm), str(args.work / "in"), str(args.work / "out")], check=False)
    removed: Counter[str] = Counter()
    for log in sorted((args.work / "out").rglob("*.changes.jsonl")):
        for line in log.read_text(encoding="utf-8").splitlines()[1:]:
            e = json.loads(line)
            if e["stage"] == "chrome":
                removed[e["rule"]] += len(e["before"].split())
    print("chrome words removed by rule:", dict(removed.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
