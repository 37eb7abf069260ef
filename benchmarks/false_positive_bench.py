"""Harm on clean text: run the whole pipeline over every bench set's human gold texts.

Every word a stage removes or changes in text a human already cleaned is a false positive (or a
disagreement with the gold's editor), so this is the precision floor of the product on real pages nobody
here wrote.  Each gold page goes in a directory of its own, so that it is its own site (no site chrome is
learned from its neighbours), and the count is ``../shared/eval/harm.py``'s: the words of an edit's
``before`` not found again in its ``after``, per 10,000 input words, by stage.  Below that summary, the
same count by rule, and with ``--list`` every harmful edit outside chrome (to classify why it fired).

    python benchmarks/false_positive_bench.py [--bench DIR] [--out DIR] [--list] [--sets a,b,c]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from types import ModuleType

from cleaner.core.pipeline import load_manifest, make_context
from cleaner.engines import driver
from cleaner.engines.local import LocalEngine
from cleaner.io.pages import discover
from cleaner.rulebook.load import default_rules_dir

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
SETS = ("boilerplate", "boilerplate_htmltotext", "readability")
#: sets whose gold keeps reader comments and forum posts: run with ``--keep-comments``, as the chrome harm of
#: issue 20 is defined (without it their threads are chrome by the product's default, not a false positive)
KEEPS_COMMENTS = ("boilerplate_htmltotext",)


def harm_module(bench: Path) -> tuple[Path, ModuleType]:
    """``harm.py`` beside the bench (``../shared/eval``): the definition of the figure, imported as it is."""
    path = bench.parent / "eval" / "harm.py"
    spec = importlib.util.spec_from_file_location("harm", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return path, mod


def write_inputs(bench: Path, sets: list[str], inp: Path) -> int:
    """Each gold text as ``inp/<mode>/<set>-<id>/<id>.txt``: one page, one site (mode: ``keep-comments`` for the
    sets in `KEEPS_COMMENTS`, else ``default``)."""
    n = 0
    for s in sets:
        for g in sorted((bench / s).glob("*.gold.txt")):
            page_id = g.name[: -len(".gold.txt")]
            d = inp / ("keep-comments" if s in KEEPS_COMMENTS else "default") / f"{s}-{page_id}"
            d.mkdir(parents=True, exist_ok=True)
            (d / f"{page_id}.txt").write_bytes(g.read_bytes())
            n += 1
    return n


def clean(inp: Path, out: Path, jobs: int, keep_comments: bool = False) -> None:
    errors: list[str] = []
    sources = discover([inp], errors)
    rule_dirs = [default_rules_dir()]
    make_context(rule_dirs)
    engine = LocalEngine(jobs)
    stats = driver.scan(engine, sources, rule_dirs, {})
    options: dict[str, object] = {"corpus_fingerprint": stats.get("__fingerprint__", "")} if stats else {}
    if keep_comments:
        options["keep_comments"] = True
    list(driver.clean(engine, sources, out, rule_dirs, stats, options, done=load_manifest(out)))


def by_rule(out: Path, harm: ModuleType) -> tuple[Counter[str], dict[str, list[str]], list[str]]:
    """harm.py's count per stage/rule, a few examples of each, and one line per harmful edit outside chrome."""
    per_rule: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    listing: list[str] = []
    for log in sorted(out.rglob("*.changes.jsonl")):
        for line in log.read_text(encoding="utf-8").splitlines()[1:]:
            e = json.loads(line)
            n = harm.harmed(e)
            if not n:
                continue
            key = f"{e['stage']}/{e['rule']}"
            per_rule[key] += n
            examples.setdefault(key, []).append(e["before"].strip()[:70])
            if e["stage"] != "chrome":
                listing.append(f"{n:>4} {key:<32} {log.parent.name[:40]:<40} {e['before'].strip()[:90]!r} -> "
                               f"{e['after'].strip()[:40]!r}")
    return per_rule, examples, listing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=Path, default=BENCH)
    ap.add_argument("--out", type=Path, help="keep the input and output here (default: a temporary directory)")
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", action="store_true", help="print every harmful edit outside chrome")
    args = ap.parse_args()
    harm_path, harm = harm_module(args.bench)
    with tempfile.TemporaryDirectory() as tmp:
        base = args.out or Path(tmp)
        inp, out = base / "in", base / "out"
        if not write_inputs(args.bench, args.sets.split(","), inp):
            print(f"no gold texts under {args.bench}", file=sys.stderr)
            return 1
        for mode in ("default", "keep-comments"):
            if (inp / mode).is_dir():
                clean(inp / mode, out / mode, args.jobs, keep_comments=mode == "keep-comments")
        summary = json.loads(subprocess.run([sys.executable, str(harm_path), str(inp), str(out), "--json"],
                                            check=True, capture_output=True, text=True).stdout)
        per_rule, examples, listing = by_rule(out, harm)
    words = summary["words"]
    print(f"harm.py over {summary['pages']} clean gold texts ({args.sets}), {words:,} words, each page its own site")
    print(f"words changed per 10,000, by stage: {summary['per_10k_by_stage']}")
    print(f"  chrome {summary['per_10k_chrome']}, other stages {summary['per_10k_other_stages']} "
          f"(target: other stages <= 3, spam <= 0.5)")
    print("by rule (harm.py's count):")
    for key, n in per_rule.most_common():
        print(f"  {key:<45} {n:>6} words ({10000 * n / words:.2f}/10k)  e.g. {examples[key][:2]}")
    if args.list:
        print("every harmful edit outside chrome (words, rule, page, before -> after):")
        print("\n".join(sorted(listing, key=lambda s: s[5:])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
