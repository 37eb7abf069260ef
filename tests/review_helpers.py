"""Shared set-up for the review tests: one sample run of raw/ into a temporary OUTDIR."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from cleaner.cli import main
from cleaner.core.page import Edit
from cleaner.review.model import all_edits

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "raw"


def sample_run(out: Path, *extra: str) -> Path:
    result = CliRunner().invoke(main, ["run", str(SAMPLE), "-o", str(out), "-j", "1", "-q", *extra])
    assert result.exit_code == 0, result.output
    return out


def rule_counts(edits: list[Edit]) -> Counter[str]:
    return Counter(e.rule for e in all_edits(edits))
