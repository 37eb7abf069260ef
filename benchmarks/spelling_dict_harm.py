"""Correct rare words the speller would change: every lower-case word of a large English dictionary, decided as the
stage decides on a page that writes none of them.

A dictionary word is correct by definition, so each word changed is a false fix (or a false split) the stage would
make wherever a page writes that word in running prose; most are archaic or technical words wordfreq does not list
('bemocked', 'librarianships', 'chamfer'), which is where a speller is most tempted. The dictionaries are Debian's
word lists (`apt-get install wamerican-large wbritish-large`, /usr/share/dict), a check only: nothing of them ships,
and no misspelling is in them.

    python benchmarks/spelling_dict_harm.py [--dict FILE ...] [--list]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from cleaner.cli.spell import build_speller
from cleaner.stages.spelling import Speller

DICTS = [Path("/usr/share/dict/american-english-large"), Path("/usr/share/dict/british-english-large")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dict", type=Path, action="append", help="word lists (default: Debian's large American and British lists)")
    ap.add_argument("--list", action="store_true", help="print every word changed")
    args = ap.parse_args()
    paths = [p for p in (args.dict or DICTS) if p.exists()]
    if not paths:
        print("no word list found: apt-get install wamerican-large wbritish-large (or --dict FILE)", file=sys.stderr)
        return 2
    words = {w for p in paths for w in (line.strip() for line in p.read_text(encoding="utf-8").splitlines())
             if w.isalpha() and w.islower() and w.isascii() and len(w) >= 4}
    sp = build_speller((), (), False)
    assert isinstance(sp, Speller)
    sp.for_page("")
    t = time.perf_counter()
    changed: list[tuple[str, str, str, str]] = []
    for w in sorted(words):
        if sp.zipf(w) >= sp.cfg.common_zipf:
            continue  # never looked at
        v = sp.check(w, capitalised_ok=False)
        if v.fixed:
            changed.append((v.rule, w, v.correction, v.reason))
    by_rule = Counter(r for r, *_ in changed)
    print(f"{len(words):,} dictionary words ({', '.join(p.name for p in paths)}): {len(changed):,} changed "
          f"({len(changed) / len(words):.2%}) {dict(by_rule)}; {time.perf_counter() - t:.1f}s")
    if args.list:
        for rule, w, fixed, reason in changed:
            print(f"{rule}\t{w}\t{fixed}\t{reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
