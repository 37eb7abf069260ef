"""The five sample pages: what a user sees after `make run`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.core.page import restore_text
from cleaner.io.changelog import read_log
from cleaner.io.pages import decode

ROOT = Path(__file__).resolve().parent.parent
RAW = sorted((ROOT / "raw").glob("*.txt"))


@pytest.fixture(scope="module")
def outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cleaned")
    proc = subprocess.run([sys.executable, "-m", "cleaner", "run", str(ROOT / "raw"), "-o", str(out), "-j", "1"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


def test_every_sample_page_is_cleaned_and_restores_byte_for_byte(outdir: Path) -> None:
    assert len(RAW) == 5
    for raw_path in RAW:
        clean = (outdir / raw_path.name).read_text(encoding="utf-8")
        header, edits = read_log(outdir / raw_path.name.replace(".txt", ".changes.jsonl"))
        raw_text, _ = decode(raw_path.read_bytes(), raw_path.name)
        assert restore_text(clean, edits) == raw_text
        assert header["raw_chars"] == len(raw_text)
        restored = subprocess.run([sys.executable, "-m", "cleaner", "restore", str(outdir / raw_path.name)], capture_output=True)
        assert restored.returncode == 0, restored.stderr
        assert restored.stdout == raw_path.read_bytes()


def test_committed_cleaned_directory_matches_a_fresh_run(outdir: Path) -> None:
    for raw_path in RAW:
        committed = ROOT / "cleaned" / raw_path.name
        assert committed.read_text(encoding="utf-8") == (outdir / raw_path.name).read_text(encoding="utf-8"), (
            f"cleaned/{raw_path.name} is stale: run `make run` and commit"
        )


def test_sample_chrome_is_gone_and_article_kept(outdir: Path) -> None:
    wix = (outdir / "001_b0cef885cefeb699.txt").read_text(encoding="utf-8")
    for chrome in ("top of page", "bottom of page", "Writer:", "min read", "Rated 0 out of 5", "Add a rating", "Updated:"):
        assert chrome not in wix
    assert wix.startswith("The Therapeutic Relationship\n")
    divi = (outdir / "003_1304b5c4f2ed6ee8.txt").read_text(encoding="utf-8")
    assert "by | Nov 17, 2023" not in divi and "0 Comments" not in divi
    assert "‘practice’" in divi and "therapy Practicing" in divi and "needs. They" in divi
    squarespace = (outdir / "004_979e40b2929b2faf.txt").read_text(encoding="utf-8")
    assert "Next" not in squarespace.split("\n")[-3:] and "Window of Tolerance" not in squarespace
    directory = (outdir / "002_bc1e99f2a9518e79.txt").read_text(encoding="utf-8")
    assert "patients’ experience" in directory and "therapist’s greatest" in directory
    assert "Farlex" not in directory and "cookies" not in directory and "Fenrilmaran" not in directory


def test_summary_counts_every_edit(outdir: Path) -> None:
    summary = json.loads((outdir / "run-summary.json").read_text())
    total = 0
    for raw_path in RAW:
        _, edits = read_log(outdir / raw_path.name.replace(".txt", ".changes.jsonl"))

        def count(es: list) -> int:  # type: ignore[type-arg]
            return sum(1 + count(e.absorbed) for e in es)

        total += count(edits)
    assert sum(r["edits"] for r in summary["rules"].values()) == total
    assert summary["pages_cleaned"] == 5 and summary["problems"] == []
