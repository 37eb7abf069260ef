"""Encoding repair on ftfy's own test cases (shared/bench/mojibake), normalize stage vs ftfy alone.

The cases are ftfy's regression tests, so ftfy passes most by construction; what
this measures is that the stage wires ftfy in correctly, what our Mac Roman
detector adds, and that the negatives (text that only looks like mojibake) are
left alone.  Whitespace is compared folded, because normalize also tidies spaces.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import ftfy

from cleaner.core.page import Page
from cleaner.core.pipeline import make_context
from cleaner.rulebook.load import default_rules_dir
from cleaner.stages.normalize import NormalizeStage

CASES = Path(__file__).resolve().parents[2] / "shared" / "bench" / "mojibake" / "cases.jsonl"


def fold(s: str) -> str:
    return " ".join(s.replace("\u00a0", " ").split())


def main() -> int:
    if not CASES.exists():
        print(f"no cases at {CASES}", file=sys.stderr)
        return 1
    rows = [json.loads(line) for line in CASES.read_text(encoding="utf-8").split("\n") if line.strip()]
    ctx = make_context([default_rules_dir()])
    stage = NormalizeStage()

    def ours(s: str) -> str:
        page = Page(s)
        stage.apply(page, ctx)
        return page.text

    def ftfy_same_config(s: str) -> str:
        return ftfy.fix_text(s, uncurl_quotes=False, fix_character_width=False, fix_latin_ligatures=False)

    systems = {"cleaner normalize": ours, "ftfy.fix_text (same config)": ftfy_same_config, "ftfy.fix_text (defaults)": ftfy.fix_text}
    print(f"{len(rows)} cases: {sum(r['is_mojibake'] for r in rows)} mojibake, {sum(not r['is_mojibake'] for r in rows)} not")
    print(f"{'system':<30} {'mojibake fixed':>15} {'negatives kept':>15} {'ms total':>9}")
    for name, fn in systems.items():
        fixed = kept = 0
        t = time.perf_counter()
        outs = [fn(r["original"]) for r in rows]
        ms = (time.perf_counter() - t) * 1000
        for r, out in zip(rows, outs):
            if r["is_mojibake"]:
                fixed += fold(out) == fold(r["expected_fix_encoding"])
            else:
                kept += fold(out) == fold(r["original"])
        n_moj = sum(r["is_mojibake"] for r in rows)
        n_neg = len(rows) - n_moj
        print(f"{name:<30} {fixed:>7}/{n_moj:<7} {kept:>7}/{n_neg:<7} {ms:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
