"""Time each concern the compiled core took over, in one process, on the bench pages: the text views (words,
sentence bounds of every line), language ID (every line with 20+ letters, and each page) and the speller's
candidate search (the pages' words no list knows).  Run it with each checkout's code (``PYTHONPATH=TREE``) to
compare the Python implementations with the core's: the same inputs, the best of ``--repeat`` timings, CPU time
of this process (``time.process_time``), memos cleared before each timing.

    PYTHONPATH=/tmp/base python benchmarks/core_components.py ../shared/bench
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from cleaner.cli.spell import build_speller
from cleaner.core import text
from cleaner.resources import langid
from cleaner.rulebook.load import default_rules_dir


def _best(fn: Callable[[], object], repeat: int, clear: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        clear()
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def _clear_text_memos() -> None:
    for f in (text.word_list, text.sentence_bounds):
        getattr(getattr(f, "__wrapped__", None), "cache_clear", lambda: None)()
        getattr(f, "cache_clear", lambda: None)()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bench", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    pages = [p.read_text(encoding="utf-8", errors="surrogateescape") for p in sorted(args.bench.glob("*/*.raw.txt"))]
    lines = [ln.strip() for page in pages for ln in page.split("\n") if ln.strip()]
    long_lines = [ln for ln in lines if sum(c.isalpha() for c in ln) >= 20]
    speller = build_speller((default_rules_dir(),), (), False)
    unknown = sorted({w.casefold() for w in text.page_words("\n".join(pages)) if w.isalpha() and 5 <= len(w) <= 20
                      and speller.known(w.casefold()) is None})  # type: ignore[attr-defined]
    detect = getattr(langid.detect, "__wrapped__", langid.detect)
    langid._identifier()
    mb = sum(len(p.encode("utf-8", "surrogatepass")) for p in pages) / 1e6
    rows = [
        (f"words of {len(lines)} lines", lambda: [text.word_list(ln) for ln in lines], _clear_text_memos),
        (f"sentence bounds of {len(lines)} lines", lambda: [text.sentence_bounds(ln) for ln in lines], _clear_text_memos),
        (f"words of {len(pages)} pages", lambda: [text.page_words(p + " ") for p in pages], lambda: None),
        (f"langid of {len(long_lines)} lines", lambda: [detect(ln) for ln in long_lines], lambda: None),
        (f"langid of {len(pages)} pages", lambda: [langid.page_language(p) for p in pages], lambda: None),
        (f"candidates of {len(unknown)} unknown words", lambda: [speller.candidates(w) for w in unknown], lambda: None),  # type: ignore[attr-defined]
    ]
    print(f"{len(pages)} pages, {mb:.2f} MB; CPU seconds, best of {args.repeat}")
    for name, fn, clear in rows:
        print(f"  {name:42s} {_best(fn, args.repeat, clear):7.3f} s")


if __name__ == "__main__":
    main()
