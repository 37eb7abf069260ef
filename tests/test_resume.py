"""A killed run loses nothing: no partial outputs, and a re-run finishes with the same result as an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(d: Path, n: int) -> None:
    samples = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt"))]
    for i in range(n):
        (d / f"site{i % 7}").mkdir(parents=True, exist_ok=True)
        (d / f"site{i % 7}" / f"page{i:04d}.txt").write_text(samples[i % len(samples)] + f"\nPage number {i}.\n", encoding="utf-8")


def outputs(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()
            and p.parent.name != ".cleaner" and p.name not in ("run-summary.json", "run-timings.json")}


def cmd(inp: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "cleaner", "run", str(inp), "-o", str(out), "-q", *extra]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_kill_then_rerun_gives_the_uninterrupted_result(tmp_path: Path, sig: signal.Signals) -> None:
    inp = tmp_path / "in"
    make_corpus(inp, 150)
    reference = tmp_path / "reference"
    subprocess.run(cmd(inp, reference, "-j", "1"), check=True)

    out = tmp_path / "out"
    proc = subprocess.Popen(cmd(inp, out, "-j", "2"), start_new_session=True, stderr=subprocess.PIPE, text=True)
    manifest = out / ".cleaner" / "manifest.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and manifest.read_text().count("\n") >= 15:
            break
        time.sleep(0.01)
    os.killpg(proc.pid, sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert "interrupted" in err and "Traceback" not in err
    done = outputs(out)
    assert 0 < len(done) < len(outputs(reference)), "the run should have been stopped half-way"
    ref = outputs(reference)
    for name, data in done.items():
        if not name.endswith(".tmp"):
            assert data == ref[name], f"{name} is a partial output"

    rerun = subprocess.run(cmd(inp, out, "-j", "2"), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert outputs(out) == ref
    assert not list(out.rglob("*.tmp"))


def test_unchanged_pages_are_skipped_on_rerun_and_force_redoes_them(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    make_corpus(inp, 12)
    out = tmp_path / "out"
    subprocess.run(cmd(inp, out), check=True)
    again = subprocess.run([sys.executable, "-m", "cleaner", "run", str(inp), "-o", str(out)], capture_output=True, text=True)
    assert "0 cleaned, 12 already done" in again.stdout
    forced = subprocess.run([sys.executable, "-m", "cleaner", "run", str(inp), "-o", str(out), "--force"],
                            capture_output=True, text=True)
    assert "12 cleaned, 0 already done" in forced.stdout


def test_output_is_the_same_whatever_the_number_of_jobs(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    make_corpus(inp, 40)
    subprocess.run(cmd(inp, tmp_path / "one", "-j", "1"), check=True)
    subprocess.run(cmd(inp, tmp_path / "two", "-j", "2"), check=True)
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
