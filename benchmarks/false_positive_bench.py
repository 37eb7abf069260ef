"""False positives on clean text: run the whole pipeline over human gold article texts.

Every word a stage removes or changes in text a human already cleaned is a
false positive (or a disagreement with the gold's editor), so this is the
precision floor of the product on real pages nobody here wrote.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from cleaner.core.pipeline import load_manifest, make_context
from cleaner.engines import local
from cleaner.io.changelog import read_log
from cleaner.io.pages import discover
from cleaner.rulebook.load import default_rules_dir

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
WORD = re.compile(r"\w+")


def main() -> int:
    golds = sorted(BENCH.glob("boilerplate/*.gold.txt")) + sorted(BENCH.glob("boilerplate_htmltotext/*.gold.txt"))
    if not golds:
        print(f"no gold texts under {BENCH}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "in", Path(tmp) / "out"
        for g in golds:
            site = g.parent.name
            (inp / site).mkdir(parents=True, exist_ok=True)
            (inp / site / g.name.replace(".gold.txt", ".txt")).write_bytes(g.read_bytes())
        errors: list[str] = []
        sources = discover([inp], errors)
        rule_dirs = [default_rules_dir()]
        make_context(rule_dirs)
        stats = local.scan(sources, rule_dirs, {}, jobs=2)
        options = {"corpus_fingerprint": stats.get("__fingerprint__", "")} if stats else {}
        list(local.clean(sources, out, rule_dirs, stats, options, jobs=2, done=load_manifest(out)))
        words = 0
        per_rule: Counter[str] = Counter()
        examples: dict[str, list[str]] = {}
        for src in sources:
            words += len(WORD.findall(src.path.read_text(encoding="utf-8")))
            _, edits = read_log(out / src.rel.replace(".txt", ".changes.jsonl"))
            for e in edits:
                before, after = WORD.findall(e.before), WORD.findall(e.after)
                if before == after:
                    continue  # whitespace, punctuation or quote repair only
                changed = max(len(before), len(after)) - len(set(before) & set(after)) if after else len(before)
                key = f"{e.stage}/{e.rule}"
                per_rule[key] += changed
                examples.setdefault(key, []).append(e.before.strip()[:80])
    total = sum(per_rule.values())
    print(f"{len(sources)} clean gold texts, {words:,} words")
    print(f"words removed or changed: {total} = {10000 * total / words:.2f} per 10,000 words")
    for key, n in per_rule.most_common():
        print(f"  {key:<45} {n:>6} words ({10000 * n / words:.2f}/10k)  e.g. {examples[key][:2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
