"""`make bench-chrome`: the cleaner vs jusText on real pages nobody here wrote.

For each bench set (``NAME.raw.txt`` + ``NAME.gold.txt`` + ``manifest.tsv``),
the raw pages are linked into ``build/bench-chrome/SET/in`` as
``SITE__N.txt`` (a page whose manifest names no site is its own site) and cleaned as one corpus with ``--site-from`` taking the
site from that prefix, so the pages of a site share their repetition
statistics.  jusText runs on the same raw text in the same run.  The score is
token-level (whitespace tokens, multiset overlap) precision, recall and F1 of
the kept text against the gold: the mean over pages (as the Zyte benchmark
reports it) and the micro total.  "cleaner, no site" is the same run with
site repetition switched off (each page judged alone: rules and the line
classifier), to show what each part brings.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

SITE_FROM = r"^(?P<site>[^/]+?)__"


def read_manifest(bench: Path) -> dict[str, str]:
    """id -> site (the page's own id when the manifest names no site)."""
    path = bench / "manifest.tsv"
    ids = sorted(p.name[: -len(".raw.txt")] for p in bench.glob("*.raw.txt"))
    sites = {i: i for i in ids}
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if row.get("id") in sites and row.get("site"):
                    sites[row["id"]] = row["site"]
    return sites


def prf(out: str, gold: str) -> tuple[float, float, float, int, int, int]:
    o, g = Counter(out.split()), Counter(gold.split())
    tp = sum((o & g).values())
    no, ng = sum(o.values()), sum(g.values())
    p = tp / no if no else 0.0
    r = tp / ng if ng else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp, no, ng


def score(outputs: dict[str, dict[str, Path]], bench: Path, ids: list[str]) -> dict[str, tuple[float, ...]]:
    res: dict[str, tuple[float, ...]] = {}
    for name, files in outputs.items():
        per, tp = [], [0, 0, 0]
        for i in ids:
            gold = (bench / f"{i}.gold.txt").read_text(encoding="utf-8")
            f = files[i]
            out = f.read_text(encoding="utf-8") if f.exists() else ""
            p, r, f1, t, no, ng = prf(out, gold)
            per.append((p, r, f1))
            tp[0] += t
            tp[1] += no
            tp[2] += ng
        n = len(per) or 1
        mp, mr, mf = (sum(x[k] for x in per) / n for k in range(3))
        up, ur = tp[0] / (tp[1] or 1), tp[0] / (tp[2] or 1)
        uf = 2 * up * ur / (up + ur) if up + ur else 0.0
        res[name] = (mp, mr, mf, up, ur, uf)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("benches", nargs="+", type=Path)
    ap.add_argument("--work", type=Path, default=Path("build/bench-chrome"))
    ap.add_argument("--cleaner", default=".venv/bin/cleaner")
    ap.add_argument("--justext-python", default="build/bench-venv/bin/python")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args()
    here = Path(__file__).resolve().parent
    for bench in args.benches:
        if not bench.is_dir():
            print(f"{bench}: no such bench directory; skipped", file=sys.stderr)
            continue
        sites = read_manifest(bench)
        ids = sorted(sites)
        work = args.work / bench.name
        shutil.rmtree(work, ignore_errors=True)
        (work / "in").mkdir(parents=True)
        link = {i: f"{sites[i][:80]}__{k:04d}.txt" for k, i in enumerate(ids)}
        for i in ids:
            os.symlink((bench / f"{i}.raw.txt").resolve(), work / "in" / link[i])
        subprocess.run([args.cleaner, "run", str(work / "in"), "-o", str(work / "cleaner"), "--force", "-q",
                        "-j", str(args.jobs), "--site-from", SITE_FROM], check=False)
        # the same without site repetition: what the cleaner knows from each page alone
        no_site = work / "no-site.yaml"
        no_site.write_text("- id: bench.no-site-repetition\n  type: settings\n  stage: chrome\n  reason: bench ablation\n"
                           "  settings: {site_enabled: false}\n", encoding="utf-8")
        subprocess.run([args.cleaner, "run", str(work / "in"), "-o", str(work / "cleaner-page-alone"), "--force", "-q",
                        "-j", str(args.jobs), "--add-rules", str(no_site), "--skip-examples"], check=False)
        subprocess.run([args.justext_python, str(here / "justext_peer.py"), str(work / "justext")]
                       + [str(bench / f"{i}.raw.txt") for i in ids], check=True)
        results = score({
            "raw (keep all)": {i: bench / f"{i}.raw.txt" for i in ids},
            "cleaner": {i: work / "cleaner" / link[i] for i in ids},
            "cleaner, no site": {i: work / "cleaner-page-alone" / link[i] for i in ids},
            "jusText": {i: work / "justext" / f"{i}.txt" for i in ids},
        }, bench, ids)
        print(f"\n{bench.name}: {len(ids)} pages, {len(set(sites.values()))} sites — token P/R/F1 of kept text vs gold")
        print(f"{'':16} {'mean P':>7} {'mean R':>7} {'mean F1':>7}   {'micro P':>7} {'micro R':>7} {'micro F1':>8}")
        for name, (mp, mr, mf, up, ur, uf) in results.items():
            print(f"{name:17}{mp:7.3f} {mr:7.3f} {mf:7.3f}   {up:7.3f} {ur:7.3f} {uf:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
