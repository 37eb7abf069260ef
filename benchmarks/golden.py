"""Golden outputs: clean the same corpora with the code of a given commit and compare two such runs.

Structural work and the compiled core must keep behaviour; this makes that checkable.  ``build`` checks the
commit out into a temporary worktree and runs its ``cleaner run`` (with this virtualenv's dependencies) over
three corpora: ``raw/`` (the sample pages), every bench page with gold, each in a folder of its own (so each is
its own site whatever the site rules are) and a generated JSONL corpus (``scale_corpus.py``, fixed seed).
``compare`` lists every file that differs between two golden trees, with a count per corpus.

    python benchmarks/golden.py build REV OUT [--jobs 2] [--bench ../shared/bench]
    python benchmarks/golden.py compare OLD NEW
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = ("boilerplate", "boilerplate_htmltotext", "readability")


def _lay_out_bench(bench: Path, dest: Path) -> None:
    """Each bench page in a folder of its own: ``SET/ID/page.txt``."""
    for name in SETS:
        for raw in sorted((bench / name).glob("*.raw.txt")):
            d = dest / name / raw.name[: -len(".raw.txt")]
            d.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(raw, d / "page.txt")


def _run(src: Path, inp: Path, out: Path, jobs: int, extra: list[str]) -> None:
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, "-m", "cleaner", "run", str(inp), "-o", str(out), "-q", "--force", "-j", str(jobs), *extra]
    subprocess.run(cmd, env=env, cwd=src, check=False)
    (out / ".cleaner").exists() and shutil.rmtree(out / ".cleaner")
    for costs in ("run-summary.json", "run-timings.json"):  # timings (the summary held them at first): not behaviour
        if (out / costs).exists():
            (out / costs).unlink()


def _build_core(src: Path) -> None:
    """A commit with the compiled core (Cargo.toml): build its extension into the checked-out package, as an
    editable install does (release profile, this checkout's target/ directory so only what changed is built)."""
    if not (src / "Cargo.toml").exists():
        return
    env = dict(os.environ, PYO3_PYTHON=sys.executable, CARGO_TARGET_DIR=str(ROOT / "target" / "golden"))
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "--features", "extension-module"], cwd=src, env=env, check=True)
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    shutil.copyfile(ROOT / "target" / "golden" / "release" / "lib_core.so", src / "cleaner" / f"_core{suffix}")


def build(rev: str, out: Path, jobs: int, bench: Path) -> None:
    out = out.resolve()
    bench = bench.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(src), rev], check=True)
        try:
            _build_core(src)
            inputs = Path(tmp) / "in"
            _lay_out_bench(bench, inputs / "bench")
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale_corpus.py"), str(bench), str(inputs / "jsonl"),
                            "--mb", "2", "--shard-mb", "1"], check=True, stdout=subprocess.DEVNULL)
            _run(src, src / "raw", out / "raw", jobs, [])
            _run(src, inputs / "bench", out / "bench", jobs, [])
            _run(src, inputs / "jsonl", out / "jsonl", jobs, ["--id-field", "id"])
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(src)], check=False)


def _same(a: Path, b: Path) -> bool:
    """Byte-equal, but for the input path a page's log header names (the inputs lie in a temporary folder)."""
    if filecmp.cmp(a, b, shallow=False):
        return True
    if not a.name.endswith(".changes.jsonl"):
        return False
    heads, rests = [], []
    for p in (a, b):
        head, _, rest = p.read_bytes().partition(b"\n")
        page = json.loads(head)["page"]
        page.pop("source", None)
        heads.append(page)
        rests.append(rest)
    return heads[0] == heads[1] and rests[0] == rests[1]


def compare(old: Path, new: Path) -> int:
    differ: dict[str, list[str]] = {}
    files = {p.relative_to(old) for p in old.rglob("*") if p.is_file()} | {p.relative_to(new) for p in new.rglob("*") if p.is_file()}
    for rel in sorted(files):
        a, b = old / rel, new / rel
        if not (a.exists() and b.exists() and _same(a, b)):
            differ.setdefault(rel.parts[0], []).append(str(rel))
    for corpus in sorted({p.parts[0] for p in files}):
        n = len(differ.get(corpus, []))
        total = sum(1 for p in files if p.parts[0] == corpus)
        print(f"{corpus}: {n} of {total} files differ")
        for rel in differ.get(corpus, [])[:50]:
            print(f"  {rel}")
    return 1 if differ else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("rev")
    b.add_argument("out", type=Path)
    b.add_argument("--jobs", type=int, default=2)
    b.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    c = sub.add_parser("compare")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    args = ap.parse_args()
    if args.cmd == "build":
        build(args.rev, args.out, args.jobs, args.bench)
        return 0
    return compare(args.old, args.new)


if __name__ == "__main__":
    sys.exit(main())
