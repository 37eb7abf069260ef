"""`make bench-chrome-loso`: the chrome model measured leave-one-set-out, beside jusText in the same run.

For each bench set held out: a model is trained from scratch (`cleaner.stages.chrome.train.train`) on the other sets and
the seeds only, the held-out set's raw pages are cleaned by the whole pipeline with that model (``--chrome-model``;
Zyte's ``boilerplate`` grouped by the manifest's site, the others one page per site), and the output is scored with
``../shared/eval/chrome_f1.py``'s definitions (lower-cased ``\\w+`` tokens as multisets, P/R/F1 per page,
averaged), beside jusText on the same raw text with each page's own stoplist (the manifest's ``lang``, else the
language identified on the gold).  Scores are given per set and per language group (English, other Latin script,
CJK, other).  Then harm on clean text for the fold: the held-out set's gold texts through the whole pipeline with
the fold's model, each page its own site, counted by ``../shared/eval/harm.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.bench_chrome import SITE_FROM, read_manifest
from cleaner.resources.langid import page_language
from cleaner.stages.chrome.labels import read_manifest as manifest_rows
from cleaner.stages.chrome.train import dumps, train

SETS = ("boilerplate", "boilerplate_htmltotext", "readability")
CJK = {"zh", "ja", "ko"}
LATIN = {"de", "fr", "es", "it", "pt", "nl", "hr", "cs", "pl", "sv", "da", "fi", "no", "nb", "ro", "hu", "tr", "id",
         "ca", "sk", "sl", "et", "lv", "lt", "vi", "ms", "tl", "eu", "gl", "af", "sw"}

SCORER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from chrome_f1 import f1, justext_clean
jobs = json.load(open(sys.argv[2], encoding="utf-8"))
out = []
for j in jobs:
    raw = open(j["raw"], encoding="utf-8", errors="replace").read()
    gold = open(j["gold"], encoding="utf-8").read()
    try:
        cleaned = open(j["out"], encoding="utf-8", errors="replace").read()
    except OSError:
        cleaned = raw
    out.append({"id": j["id"], "lang": j["lang"], "raw": f1(raw, gold), "cleaner": f1(cleaned, gold),
                "justext": f1(justext_clean(raw, j["lang"]), gold)})
json.dump(out, open(sys.argv[3], "w", encoding="utf-8"))
"""


def group(lang: str) -> str:
    if lang == "en":
        return "English"
    if lang in CJK:
        return "CJK"
    return "other Latin" if lang in LATIN else "other"


def mean(rows: list[dict], key: str) -> tuple[float, float, float]:
    n = len(rows) or 1
    return tuple(sum(r[key][k] for r in rows) / n for k in range(3))  # type: ignore[return-value]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bench", type=Path, default=Path("../shared/bench"))
    ap.add_argument("--seeds", type=Path, default=Path("../shared/eval/seeds"))
    ap.add_argument("--eval", type=Path, default=Path("../shared/eval"))
    ap.add_argument("--work", type=Path, default=Path("build/chrome-loso"))
    ap.add_argument("--cleaner", default=".venv/bin/cleaner")
    ap.add_argument("--justext-python", default="build/bench-venv/bin/python")
    ap.add_argument("--sets", nargs="*", default=list(SETS))
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args()
    summary: dict[str, dict] = {}
    for held in args.sets:
        bench = args.bench / held
        work = args.work / held
        shutil.rmtree(work, ignore_errors=True)
        (work / "in").mkdir(parents=True)
        model_path = work / "model.json"
        folders = [args.bench / s for s in SETS if s != held] + [args.seeds]
        kept = frozenset(s for s in SETS if s != held and "htmltotext" in s)  # gold that keeps reader comments
        model_path.write_text(dumps(train(folders, keeps_comments=kept)), encoding="utf-8")
        sites = read_manifest(bench)
        ids = sorted(sites)
        grouped = held == "boilerplate"  # Zyte: two pages a site; the others: each page its own site
        link = {i: f"{(sites[i] if grouped else i)[:80]}__{k:04d}.txt" for k, i in enumerate(ids)}
        for i in ids:
            os.symlink((bench / f"{i}.raw.txt").resolve(), work / "in" / link[i])
        subprocess.run([args.cleaner, "run", str(work / "in"), "-o", str(work / "out"), "--force", "-q",
                        "-j", str(args.jobs), "--site-from", SITE_FROM, "--chrome-model", str(model_path),
                        "--skip-examples", *(["--keep-comments"] if "htmltotext" in held else [])], check=False)
        rows = manifest_rows(bench)
        jobs = []
        for i in ids:
            gold = bench / f"{i}.gold.txt"
            lang = rows.get(i, {}).get("lang") or page_language(gold.read_text(encoding="utf-8"))[0]
            jobs.append({"id": i, "lang": lang, "raw": str(bench / f"{i}.raw.txt"), "gold": str(gold),
                         "out": str(work / "out" / link[i])})
        (work / "jobs.json").write_text(json.dumps(jobs), encoding="utf-8")
        (work / "scorer.py").write_text(SCORER, encoding="utf-8")
        subprocess.run([args.justext_python, str(work / "scorer.py"), str(args.eval.resolve()), str(work / "jobs.json"),
                        str(work / "scores.json")], check=True)
        scores = json.loads((work / "scores.json").read_text(encoding="utf-8"))
        harm = subprocess.run([sys.executable, "benchmarks/chrome_harm.py", str(bench), "--work", str(work / "harm"),
                               "--cleaner", args.cleaner, "--harm", str(args.eval / "harm.py"),
                               "--run-option=--chrome-model", f"--run-option={model_path}"],
                              check=False, capture_output=True, text=True).stdout
        print(f"\n{held}: {len(ids)} pages, model trained on {', '.join(f.name for f in folders)}"
              f"{' (grouped by site)' if grouped else ' (each page its own site)'} — token P/R/F1 vs gold, mean over pages")
        groups = {"all": scores}
        for g in ("English", "other Latin", "CJK", "other"):
            sub = [r for r in scores if group(r["lang"]) == g]
            if sub:
                groups[g] = sub
        fold: dict[str, dict] = {}
        for g, sub in groups.items():
            line = f"  {g:12} n={len(sub):3}"
            fold[g] = {"n": len(sub)}
            for key in ("raw", "cleaner", "justext"):
                p, r, f = mean(sub, key)
                fold[g][key] = [round(p, 3), round(r, 3), round(f, 3)]
                line += f"   {key} P {p:.3f} R {r:.3f} F1 {f:.3f}"
            print(line)
        print("  harm on the held-out gold (fold model): " + " ".join(harm.split("\n")[:2]))
        fold["harm"] = {"text": harm.strip()}
        summary[held] = fold
    (args.work / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
