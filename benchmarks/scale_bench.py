"""Scale benchmark: end-to-end throughput, peak memory and statistics size of `cleaner run`, against peers.

Generates the corpus (benchmarks/scale_corpus.py), then in the same run measures
`cleaner run` with every stage on for 1 and 2 local processes and Ray with 2 CPUs
(MB/s per core, median of --repeat runs on a --throughput-mb slice), peak RSS,
time and statistics size at growing corpus sizes (slices of the same corpus, up
to the whole of it, on all cores), and peers over the throughput slice:
ftfy.fix_text alone, py3langid alone, jusText (lines as paragraphs) and
datatrove's C4 filter from the bench virtualenv.  The machine is shared:
medians, and CPU time beside wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
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
    pss = PssSampler(proc.pid)
    _, _, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    pss.stop()
    summary = json.loads((out / "run-summary.json").read_text())
    costs = json.loads((out / "run-timings.json").read_text())
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024, "pss_mb": pss.peak_mb,
            "stats_bytes": costs.get("corpus_stats_bytes", 0), "pages": summary["pages"]}


class PssSampler:
    """Peak of the PSS summed over a process and its descendants, sampled twice a second (Linux).

    The largest process's RSS (what ``wait4`` reports) counts pages the workers share with each other and with
    the main process (the array cache's mapped model and word tables, the heap inherited at fork) once per
    process; PSS splits each shared page among its sharers, so the sum is the memory the run really takes."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        self.pid, self.every, self.peak_mb = pid, every, 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                with contextlib.suppress(OSError):
                    todo += [int(c) for c in task.read_text().split()]
        return pids

    def _run(self) -> None:
        while not self._done.wait(self.every):
            total = 0
            for pid in self._tree():
                with contextlib.suppress(OSError):
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Pss:"):
                            total += int(line.split()[1])
            self.peak_mb = max(self.peak_mb, total / 1024)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def ftfy_alone(files: list[Path]) -> float:
    import ftfy

    texts = [json.loads(line)["text"] for f in files for line in f.open(encoding="utf-8")]
    t = time.process_time()
    for text in texts:
        ftfy.fix_text(text)
    return time.process_time() - t


LANGID_SNIPPET = r"""
import json, sys, time
from cleaner.resources.langid import _identifier
texts = [json.loads(l)["text"] for f in sys.argv[1:] for l in open(f, encoding="utf-8")]
ident = _identifier()
t = time.process_time()
for text in texts:
    ident.classify(text)
print(time.process_time() - t)
"""


def make_slices(corpus: Path, work: Path, sizes_mb: list[float]) -> dict[float, Path]:
    """Directories of symlinks to the first shards of the corpus, ``mb`` MB each (slices share their shards)."""
    shards = sorted(corpus.glob("*.jsonl"))
    sizes = [s.stat().st_size for s in shards]
    slices: dict[float, Path] = {}
    for mb in sizes_mb:
        d = work / f"slice-{mb:g}"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        acc = 0
        for s, n in zip(shards, sizes):
            if acc >= mb * 1e6:
                break
            os.symlink(s.resolve(), d / s.name)
            acc += n
        slices[mb] = d
    return slices


def slice_mb(d: Path) -> float:
    return sum(p.resolve().stat().st_size for p in d.glob("*.jsonl")) / 1e6


def peer(python: str, snippet: str, files: list[Path], mb: float, name: str, env: dict[str, str] | None = None) -> None:
    out = subprocess.run([python, "-c", snippet, *map(str, files)], capture_output=True, text=True, env=env)
    if out.returncode == 0:
        print(f"{name}: {mb / float(out.stdout.strip().splitlines()[-1]):.2f} MB/s")
    else:
        print(f"{name}: not measured: {(out.stderr.strip().splitlines() or ['?'])[-1][:160]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bench", type=Path, default=Path("../shared/bench"))
    ap.add_argument("--work", type=Path, default=Path("build/bench-scale"))
    ap.add_argument("--mb", type=float, default=200.0, help="corpus size to generate (the largest growth slice)")
    ap.add_argument("--slices", default="50,100,200", help="MB slices for the memory and linearity figures")
    ap.add_argument("--throughput-mb", type=float, default=20.0,
                    help="slice for the 1-process / 2-process / Ray medians and the peers (repeated runs)")
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
    growth = sorted(float(x) for x in args.slices.split(","))
    slices = make_slices(corpus, args.work, sorted(set(growth) | {args.throughput_mb}))
    cores = os.cpu_count() or 1
    total = sum(s.stat().st_size for s in corpus.glob("*.jsonl")) / 1e6
    print(f"corpus: {corpus} ({total:.1f} MB, {len(list(corpus.glob('*.jsonl')))} shards); machine: {cores} cores, shared")

    tp = slices[args.throughput_mb]
    mb = slice_mb(tp)
    print(f"\n-- cleaner run, every stage on, {mb:.1f} MB (median of {args.repeat}) --")
    configs = [("local", 1), ("local", 2)] + ([] if args.no_ray else [("ray", 2)])
    for engine, jobs in configs:
        runs = [run_cleaner(args.cleaner, tp, args.work / "out", jobs, engine) for _ in range(args.repeat)]
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        # Ray's workers are the raylet's children, not the driver's: their CPU and memory are not in wait4's figures
        cpu_note = f"CPU {cpu:.1f} s -> {mb / cpu:.3f} MB/s per CPU-second" if engine == "local" else "workers' CPU not seen"
        rss_note = "peak RSS" if engine == "local" else "driver peak RSS"
        print(f"{engine:>5} x{jobs}: {wall:7.1f} s wall, {mb / wall / jobs:6.3f} MB/s per core "
              f"({mb / wall:.3f} MB/s total; {cpu_note}), "
              f"{rss_note} {max(r['rss_mb'] for r in runs):.0f} MB, stats {runs[0]['stats_bytes'] / 1e6:.2f} MB")

    print(f"\n-- growth with the corpus (local, all {cores} cores, one run each; peak RSS of the largest process) --")
    points = []
    for g in growth:
        d = slices[g]
        r = run_cleaner(args.cleaner, d, args.work / "out", cores)
        m = slice_mb(d)
        points.append((m, r))
        print(f"{m:7.1f} MB: {r['wall']:7.1f} s wall ({r['wall'] / m:.2f} s/MB), CPU {r['cpu']:.0f} s ({r['cpu'] / m:.2f} s/MB), "
              f"peak RSS {r['rss_mb']:.0f} MB (largest process), peak PSS {r['pss_mb']:.0f} MB (all processes), "
              f"corpus statistics {r['stats_bytes'] / 1e6:.2f} MB ({r['pages']} shards)")
    if len(points) >= 2:
        (m0, r0), (m1, r1) = points[0], points[-1]
        print(f"{m1 / m0:.1f}x the corpus: {r1['wall'] / r0['wall']:.2f}x the time (linear: {m1 / m0:.1f}x), "
              f"{r1['rss_mb'] / r0['rss_mb']:.2f}x the peak RSS, {r1['pss_mb'] / max(r0['pss_mb'], 1):.2f}x the peak PSS, "
              f"{r1['stats_bytes'] / max(r0['stats_bytes'], 1):.2f}x the statistics")

    files = sorted(tp.glob("*.jsonl"))
    print(f"\n-- peers over the same {mb:.1f} MB of text (one core, CPU time) --")
    print(f"ftfy.fix_text alone: {mb / ftfy_alone(files):.2f} MB/s")
    peer(sys.executable, LANGID_SNIPPET, files, mb, "py3langid alone (one call per page; the spam stage's language ID)")
    if Path(args.justext_python).exists():
        peer(args.justext_python, JUSTEXT_SNIPPET, files, mb, "jusText (lines as paragraphs)")
        peer(args.justext_python, DATATROVE_SNIPPET, files, mb, "datatrove C4QualityFilter")
    else:
        print("jusText, datatrove: not measured (no bench virtualenv; `make bench-scale` builds it)")
    print(f"resource: bench process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
