"""The peers of `spelling_bench.py`, run inside the bench-only virtualenv (symspellpy, pyspellchecker).

Reads a JSON job on stdin: {"sets": {name: [word, ...]}, "lines": [text, ...], "repeat": N}; writes
{"tool": {"load": s, "sets": {name: {"out": [...], "seconds": [...]}}, "lines": [...]}} on stdout.
Neither package is a dependency of the cleaner.
"""

from __future__ import annotations

import json
import re
import sys
import time
from importlib.metadata import version

TOKEN = re.compile(r"[A-Za-z]+")


def symspell() -> tuple[object, float]:
    from importlib.resources import files

    from symspellpy import SymSpell

    t = time.perf_counter()
    sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    sym.load_dictionary(str(files("symspellpy") / "frequency_dictionary_en_82_765.txt"), term_index=0, count_index=1)
    return sym, time.perf_counter() - t


def main() -> None:
    job = json.load(sys.stdin)
    repeat = int(job.get("repeat", 3))
    out: dict[str, object] = {}

    from symspellpy import Verbosity

    sym, load = symspell()

    def sym_fix(w: str) -> str:
        res = sym.lookup(w.lower(), Verbosity.TOP, max_edit_distance=2, include_unknown=True)  # type: ignore[attr-defined]
        return res[0].term if res else w

    def sym_line(text: str) -> str:
        def repl(m: re.Match[str]) -> str:
            w = m.group()
            fixed = sym_fix(w)
            if fixed == w.lower():
                return w
            return fixed[:1].upper() + fixed[1:] if w[:1].isupper() else fixed
        return TOKEN.sub(repl, text)

    out[f"symspellpy {version('symspellpy')}"] = run(sym_fix, sym_line, job, repeat, load)

    try:
        from spellchecker import SpellChecker
    except ImportError:
        SpellChecker = None  # noqa: N806
    if SpellChecker is not None and not job.get("skip_pyspellchecker"):
        t = time.perf_counter()
        sc = SpellChecker(distance=2)
        load = time.perf_counter() - t

        def sc_fix(w: str) -> str:
            return sc.correction(w.lower()) or w

        def sc_line(text: str) -> str:
            def repl(m: re.Match[str]) -> str:
                w = m.group()
                if w.lower() in sc:
                    return w
                fixed = sc_fix(w)
                return fixed[:1].upper() + fixed[1:] if w[:1].isupper() else fixed
            return TOKEN.sub(repl, text)

        # ~12 words/s at distance 2: only the sets named in the job, once, and no in-context lines
        small = {"sets": {k: v for k, v in job["sets"].items() if k in job.get("pyspellchecker_sets", [])}, "lines": []}
        out[f"pyspellchecker {version('pyspellchecker')}"] = run(sc_fix, sc_line, small, 1, load)
    json.dump(out, sys.stdout)


def run(fix, fix_line, job: dict, repeat: int, load: float) -> dict[str, object]:  # type: ignore[no-untyped-def]
    res: dict[str, object] = {"load": load, "sets": {}}
    for name, words in job["sets"].items():
        secs = []
        outs: list[str] = []
        for _ in range(repeat):
            t = time.perf_counter()
            outs = [fix(w) for w in words]
            secs.append(time.perf_counter() - t)
        res["sets"][name] = {"out": outs, "seconds": secs}  # type: ignore[index]
    res["lines"] = [fix_line(t) for t in job.get("lines", [])]
    return res


if __name__ == "__main__":
    main()
