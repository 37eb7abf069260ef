"""Where `cleaner run` spends its time: py-spy samples one process over a corpus slice, and this prints the share
of each stage (inclusive) and the functions with the most samples of their own.

py-spy lives in the bench virtualenv (`make bench-profile` installs it there), never in the project's
dependencies; it samples the process from outside, so the run is not slowed by instrumentation.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

STAGES = ["scan_batch", "NormalizeStage.apply", "ChromeStage.apply", "DedupStage.apply", "SpamStage.apply",
          "SpellingStage.apply", "TidyStage.apply"]
DETAIL = ["page_language", "OffLanguageJudge.propose", "_SpliceJudge.propose", "run_rules", "ModelDetector.proposals",
          "NormalizeStage._ftfy", "CorpusCollector.add", "SiteVocabulary.add", "get_frequency_list", "Speller.check"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--py-spy", default="build/bench-venv/bin/py-spy")
    ap.add_argument("--cleaner", default=str(Path(sys.executable).parent / "cleaner"))
    ap.add_argument("--rate", type=int, default=100)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "profile.txt"
        out = Path(tmp) / "out"
        subprocess.run([args.py_spy, "record", "-f", "raw", "-r", str(args.rate), "-o", str(raw), "--",
                        args.cleaner, "run", str(args.corpus), "-o", str(out), "-q", "--skip-examples", "-j", "1"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stacks = []
        for line in raw.read_text().splitlines():
            stack, _, n = line.rpartition(" ")
            stacks.append(([re.sub(r" \(.*", "", f) for f in stack.split(";")], [f for f in stack.split(";")], int(n)))
        shutil.rmtree(out, ignore_errors=True)
    total = sum(n for _, _, n in stacks)
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    for names, frames, n in stacks:
        for name in set(names):
            inclusive[name] += n
        own[frames[-1]] += n
    print(f"py-spy, {total} samples at {args.rate} Hz, `cleaner run -j 1` over {args.corpus}")
    print("\nshare of the run, inclusive:")
    for name in STAGES + DETAIL:
        print(f"  {100 * inclusive[name] / total:5.1f}%  {name}")
    print(f"\ntop {args.top} by own samples:")
    for frame, n in own.most_common(args.top):
        print(f"  {100 * n / total:5.1f}%  {frame[:110]}")


if __name__ == "__main__":
    main()
