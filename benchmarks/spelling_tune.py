"""Tune the speller's ranking (`rank_costs` in rules/spelling/settings.yaml) on the tuning lists only.

The ranking is a noisy channel: edit_weight x (the weights of the edits that turn the candidate into the word, by
class: `cleaner.stages.spelling.edit_classes`) - Zipf(candidate).  This script gathers every word's candidates
once (the general list, up to two edits, as `Speller.suggest` looks), then searches the weights coordinate by
coordinate for the best top-1 accuracy on Birkbeck (every 10th pair), Holbrook and Norvig set 1.  The check
lists (Wikipedia, Aspell, Norvig set 2) are never read here: `make bench-spelling` scores them.  It prints weights
to copy into the settings; nothing derived from a list ships but those ten numbers.

    PYTHONPATH=. python benchmarks/spelling_tune.py [--bench ../shared/bench]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from benchmarks.spelling_bench import load_pairs
from cleaner.core.pipeline import make_context
from cleaner.rulebook.load import default_rules_dir
from cleaner.stages.spelling import Speller, SpellingStage, _keyboard, _stray_letter, edit_classes, first_letter_explained

HERE = Path(__file__).resolve().parent
CLASSES = ["transposed", "keyboard", "vowel", "phonetic", "other", "doubled", "vowel_indel", "indel"]
Feature = tuple[str, float, int, tuple[int, ...], bool, bool]


def tuning_pairs(bench: Path) -> list[tuple[str, set[str]]]:
    sp = bench / "spelling"
    birk = load_pairs(sp / "birkbeck/birkbeck.tsv")
    out = list(load_pairs(sp / "norvig/norvig_testset1.tsv").items()) + list(load_pairs(sp / "holbrook/holbrook.tsv").items())
    return out + [(k, birk[k]) for k in list(birk)[::10]]  # every 10th pair, in file order


def features(speller: Speller, pairs: list[tuple[str, set[str]]]) -> list[tuple[set[str], list[Feature]]]:
    """Each word's candidates: (word, Zipf, edits, edit class counts, first letter changed, a stray letter)."""
    general = speller.general
    assert general is not None
    out = []
    for word, targets in pairs:
        low = word.casefold()
        feats: list[Feature] = []
        if low.isalpha() and speller.zipf(low) < float(speller.cfg.common_zipf):
            k = speller.max_edits(len(low), "suggest_max_edits")
            letters = sorted({low[0], low[1] if len(low) > 1 else low[0], *_keyboard().get(low[0], frozenset())})
            found = dict.fromkeys(general.index.edits1(low), 1)
            if k >= 2:
                for c, d in general.index.within(low, k, letters, 38):
                    found.setdefault(c, d)
            for c, d in found.items():
                z = general.get(c)
                if c == low or z < float(speller.cfg.general_min_zipf) or not first_letter_explained(low, c):
                    continue
                n = Counter(e for e, _ in edit_classes(low, c))
                feats.append((c, z, d, tuple(n[x] for x in CLASSES), low[0] != c[0], bool(_stray_letter(low, c))))
        out.append((targets, feats))
    return out


def accuracy(data: list[tuple[set[str], list[Feature]]], p: list[float]) -> float:
    w, ew, first, extra, stray = p[:8], p[8], p[9], p[10], p[11]
    right = 0
    for targets, feats in data:
        if feats:
            best = min(feats, key=lambda f: (ew * (sum(a * b for a, b in zip(w, f[3])) + first * f[4] + extra * (f[2] - 1)
                                                   + stray * f[5]) - f[1], f[0]))
            right += best[0] in targets
    return right / len(data)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", type=Path, default=HERE.parents[1] / "shared" / "bench")
    args = ap.parse_args()
    ctx = make_context([default_rules_dir()])
    speller = Speller(SpellingStage().settings(ctx), [], "en")
    data = features(speller, tuning_pairs(args.bench))
    # the start: the gates' edit costs, edit weight 2.5, no first-letter, extra-edit or stray-letter cost
    p = [0.7, 0.6, 0.8, 0.8, 1.0, 0.5, 0.9, 0.9, 2.5, 0.0, 0.0, 0.0]
    best = accuracy(data, p)
    print(f"start: {best:.4f} on {len(data)} tuning words")
    for step in (0.2, 0.1, 0.05):
        improved = True
        while improved:
            improved = False
            for i in range(len(p)):
                for delta in (step, -step):
                    q = list(p)
                    q[i] = round(q[i] + delta, 3)
                    if q[i] < 0:
                        continue
                    a = accuracy(data, q)
                    if a > best + 1e-9:
                        best, p, improved = a, q, True
    # the settings keep edit_weight 2.5: the weights are scaled to it
    scale = p[8] / 2.5
    costs = {c: round(v * scale, 2) for c, v in zip([*CLASSES, "first_letter", "per_extra_edit", "stray_letter"], p[:8] + p[9:])}
    print(f"tuned: {best:.4f}; rank_costs (edit_weight 2.5): {json.dumps(costs)}")


if __name__ == "__main__":
    main()
