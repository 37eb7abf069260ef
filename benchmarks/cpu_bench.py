"""CPU seconds of the whole pipeline in one process beside ftfy.fix_text alone and jusText, on the same files in the
same run.

Each measurement is a child process's user + system time (all its threads), the median of ``--repeat`` runs.
The cleaner runs as ``cleaner run DIR -o OUT -q --force --skip-examples -j 1`` with every shipped stage on;
``--src`` runs another checkout's code (e.g. the commit before the compiled core, with its own core built
when it has one; ``--src`` twice or more compares checkouts, their runs interleaved so a busy machine weighs on
each alike).  jusText (lines as paragraphs, its English stoplist, as in `scale_bench.py`) runs in the bench
virtualenv (``--justext-python``; `make bench-chrome` installs it there), skipped when that has no jusText.
Every figure is a whole child process (interpreter start and imports included), so they compare alike.
Inputs: a directory of .txt pages, or of .jsonl shards (the scale corpus: ``text`` field).

    python benchmarks/cpu_bench.py build/benchin --src /tmp/base --src . --repeat 5
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_FTFY = """
import json, sys
from pathlib import Path
import ftfy
for p in sorted(Path(sys.argv[1]).iterdir()):
    if p.suffix == ".txt":
        ftfy.fix_text(p.read_text(encoding="utf-8", errors="surrogateescape"))
    elif p.suffix == ".jsonl":
        for line in p.open(encoding="utf-8", errors="surrogateescape"):
            ftfy.fix_text(json.loads(line)["text"])
"""


_JUSTEXT = """
import json, sys
from pathlib import Path
import justext
stop = justext.get_stoplist("English")
def texts():
    for p in sorted(Path(sys.argv[1]).iterdir()):
        if p.suffix == ".txt":
            yield p.read_text(encoding="utf-8", errors="surrogateescape")
        elif p.suffix == ".jsonl":
            for line in p.open(encoding="utf-8", errors="surrogateescape"):
                yield json.loads(line)["text"]
for text in texts():
    html = "<html><body>" + "".join("<p>" + line.replace("&", "&amp;").replace("<", "&lt;") + "</p>"
                                    for line in text.splitlines() if line.strip()) + "</body></html>"
    justext.justext(html.encode("utf-8", "surrogateescape"), stop)
"""


def _cpu(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--src", type=Path, action="append", help="a checkout whose cleaner runs (default: the installed one)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--justext-python", type=Path, default=Path("build/bench-venv/bin/python"))
    args = ap.parse_args()
    corpus = args.corpus.resolve()
    files = [p for p in corpus.iterdir() if p.suffix in (".txt", ".jsonl")]
    mb = sum(p.stat().st_size for p in files) / 1e6
    srcs = args.src or [None]
    extra = ["--id-field", "id"] if any(p.suffix == ".jsonl" for p in files) else []
    cleaner: dict[str, list[float]] = {str(s or "installed"): [] for s in srcs}
    ftfy: list[float] = []
    jt: list[float] = []
    with_jt = args.justext_python.exists() and subprocess.run([str(args.justext_python), "-c", "import justext"],
                                                              capture_output=True).returncode == 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            for src in srcs:
                env = dict(os.environ, PYTHONPATH=str(src.resolve())) if src else dict(os.environ)
                # run from inside the checkout: `python -m` puts the working directory first on sys.path, before
                # PYTHONPATH, so from anywhere else it would run whatever `cleaner` sits there
                cleaner[str(src or "installed")].append(_cpu([sys.executable, "-m", "cleaner", "run", str(corpus), "-o", f"{tmp}/out",
                                                              "-q", "--force", "--skip-examples", "-j", "1", *extra], env,
                                                             src.resolve() if src else None))
            ftfy.append(_cpu([sys.executable, "-c", _FTFY, str(corpus)], dict(os.environ)))
            if with_jt:
                jt.append(_cpu([str(args.justext_python), "-c", _JUSTEXT, str(corpus)], dict(os.environ)))
    f = statistics.median(ftfy)
    print(f"corpus {args.corpus} ({len(files)} files, {mb:.2f} MB), median of {args.repeat}, CPU seconds (user+sys)")
    print(f"  ftfy.fix_text alone {f:7.2f} s  {mb / f:5.2f} MB/s   runs {', '.join(f'{x:.2f}' for x in ftfy)}")
    j = statistics.median(jt) if jt else None
    if j is not None:
        print(f"  jusText             {j:7.2f} s  {mb / j:5.2f} MB/s   runs {', '.join(f'{x:.2f}' for x in jt)}")
    for name, runs in cleaner.items():
        c = statistics.median(runs)
        vs_jt = f"  {c / j:5.2f}x jusText's" if j is not None else ""
        print(f"  cleaner run -j 1    {c:7.2f} s  {mb / c:5.2f} MB/s  {c / f:5.2f}x ftfy's time{vs_jt}   {name}   "
              f"runs {', '.join(f'{x:.2f}' for x in runs)}")

if __name__ == "__main__":
    main()
