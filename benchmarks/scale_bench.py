"""Scale benchmark: end-to-end throughput, peak memory and statistics size of `cleaner run`, against peers.

Generates the corpus (benchmarks/scale_corpus.py), then in the same run measures
`cleaner run` with every stage on for 1 and 2 local processes and Ray with 2 CPUs
(MB/s per core, median of --repeat runs), peak RSS and time at growing corpus
sizes (slices of the same corpus), the scan statistics' size, and peers over the
same text: ftfy.fix_text alone, jusText (lines as paragraphs) when the bench
virtualenv has it.  The machine is shared: medians, and CPU time beside wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
JUSTEXT_SNIPPET = r"""
import json, sys, time, justext
stop = justext.get_stoplist("English")
texts = [json.loads(l)["text"] for f in sys.argv[1:] for l in open(f, encoding="utf-8")]
t = time.process_time()
for text in texts:
    html = "<html><body>" + "".join("<p>" + line.replace("&", "&amp;").replace("<", "&lt;") + "</p>" for line in text.splitlines() if line.strip()) + "</body></html>"
    justext.justext(html.encode("utf-8"), stop)
print(time.process_time() - t)
"""

# datatrove's C4 quality filter (line-level: terminal punctuation, short lines, "javascript", policy lines...),
# the peer NeMo Curator and FineWeb pipelines run; it needs spacy's blank English tokenizer (no model download)
DATATROVE_SNIPPET = r"""
import json, sys, time
from datatrove.data import Document
from datatrove.pipeline.filters import C4QualityFilter
texts = [json.loads(l)["text"] for f in sys.argv[1:] for l in open(f, encoding="utf-8")]
c4 = C4QualityFilter()
c4.filter(Document(text="Warm up the tokenizer. It loads once.", id="warm-up"))
t = time.process_time()
for i, text in enumerate(texts):
    c4.filter(Document(text=text, id=str(i)))
print(time.process_time() - t)
"""


def run_cleaner(cleaner: str, inp: Path, out: Path, jobs: int, engine: str = "local") -> dict[str, float]:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [cleaner, "run", str(inp), "-o", str(out), "-q", "--skip-examples", "-j", str(jobs)]
    if engine != "local":
        cmd += ["--engine", engine]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, _, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    summary = json.loads((out / "run-summary.json").read_text())
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024,
            "stats_bytes": summary.get("corpus_stats_bytes", 0), "pages": summary["pages"]}


def ftfy_alone(files: list[Path]) -> float:
    import ftfy

    texts = [json.loads(line)["text"] for f in files for line in f.open(encoding="utf-8")]
    t = time.process_time()
    for text in texts:
        ftfy.fix_text(text)
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bench", type=Path, default=Path("../shared/bench"))
    ap.add_argument("--work", type=Path, default=Path("build/bench-scale"))
    ap.add_argument("--mb", type=float, default=200.0, help="corpus size to generate (the largest slice)")
    ap.add_argument("--slices", default="50,100,200", help="MB slices for the memory and linearity figures")
    ap.add_argument("--shard-mb", type=float, default=2.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cleaner", default=str(Path(sys.executable).parent / "cleaner"))
    ap.add_argument("--justext-python", default="build/bench-venv/bin/python")
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()
    corpus = args.work / f"corpus-{args.mb:g}"
    if not corpus.exists():
        subprocess.run([sys.executable, str(HERE / "scale_corpus.py"), str(args.bench), str(corpus), "--mb", str(args.mb),
                        "--shard-mb", str(args.shard_mb)], check=True)
    shards = sorted(corpus.glob("*.jsonl"))
    sizes = [s.stat().st_size for s in shards]
    slices: dict[float, Path] = {}
    for mb in [float(x) for x in args.slices.split(",")]:
        d = args.work / f"slice-{mb:g}"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        acc = 0
        for s, n in zip(shards, sizes):
            if acc >= mb * 1e6:
                break
            os.symlink(s.resolve(), d / s.name)
            acc += n
        slices[mb] = d
    largest = max(slices)
    mb_of = {mb: sum(p.resolve().stat().st_size for p in d.glob("*.jsonl")) / 1e6 for mb, d in slices.items()}
    print(f"corpus: {corpus} ({sum(sizes) / 1e6:.1f} MB, {len(shards)} shards); machine: {os.cpu_count()} cores, shared")
    print(f"\n-- cleaner run, every stage on, {mb_of[largest]:.1f} MB (median of {args.repeat}) --")
    configs = [("local", 1), ("local", 2)] + ([] if args.no_ray else [("ray", 2)])
    for engine, jobs in configs:
        runs = [run_cleaner(args.cleaner, slices[largest], args.work / "out", jobs, engine) for _ in range(args.repeat)]
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        print(f"{engine:>5} x{jobs}: {wall:7.1f} s wall, {mb_of[largest] / wall / jobs:6.3f} MB/s per core "
              f"({mb_of[largest] / wall:.3f} MB/s total; CPU {cpu:.1f} s -> {mb_of[largest] / cpu:.3f} MB/s per CPU-second), "
              f"peak RSS {max(r['rss_mb'] for r in runs):.0f} MB, stats {runs[0]['stats_bytes'] / 1e6:.2f} MB")
    print("\n-- growth with the corpus (local x1, one run each) --")
    for mb in sorted(slices):
        r = run_cleaner(args.cleaner, slices[mb], args.work / "out", 1)
        print(f"{mb_of[mb]:7.1f} MB: {r['wall']:7.1f} s ({r['wall'] / mb_of[mb]:.2f} s/MB), peak RSS {r['rss_mb']:.0f} MB, "
              f"corpus statistics {r['stats_bytes'] / 1e6:.2f} MB ({r['pages']} shards)")
    files = sorted(slices[largest].glob("*.jsonl"))
    print(f"\n-- peers over the same {mb_of[largest]:.1f} MB of text (one core, CPU time) --")
    t = ftfy_alone(files)
    print(f"ftfy.fix_text alone: {mb_of[largest] / t:.2f} MB/s")
    if Path(args.justext_python).exists():
        out = subprocess.run([args.justext_python, "-c", JUSTEXT_SNIPPET, *map(str, files)], capture_output=True, text=True)
        if out.returncode == 0:
            print(f"jusText (lines as paragraphs): {mb_of[largest] / float(out.stdout.strip()):.2f} MB/s")
        else:
            print(f"jusText: failed: {out.stderr.strip()[-200:]}")
    else:
        print("jusText: not measured (no bench virtualenv; `make bench-chrome` builds it)")
    out = subprocess.run([args.justext_python, "-c", DATATROVE_SNIPPET, *map(str, files)], capture_output=True, text=True)
    if out.returncode == 0:
        print(f"datatrove C4QualityFilter: {mb_of[largest] / float(out.stdout.strip()):.2f} MB/s")
    else:
        print("datatrove C4 filter: not measured (`make bench-scale` installs it in the bench virtualenv)")
    print(f"resource: bench process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
