"""Hostile inputs and bad rules: each gets a one-line message, nothing stops the rest of the corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = "A normal page.\n\nIt has two paragraphs, and both of them are kept.\n"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cleaner", *args], capture_output=True, text=True, cwd=cwd)


def restore_bytes(clean_path: Path) -> bytes:
    proc = subprocess.run([sys.executable, "-m", "cleaner", "restore", str(clean_path)], capture_output=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    (d / "deep" / "er" / "still").mkdir(parents=True)
    (d / "good.txt").write_text(GOOD)
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_bytes(b"  \n\t\n\n")
    (d / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (d / "latin1.txt").write_bytes("Caf\u00e9 cr\u00e8me, na\u00efve. The menu was good.\n".encode("latin-1"))
    (d / "utf16.txt").write_bytes("\ufeffUTF-16 text with a BOM.\r\nSecond line.\r\n".encode("utf-16-le"))
    (d / "crlf bom.txt").write_bytes(b"\xef\xbb\xbfFirst line.\r\nSecond line.\rThird line.\n")
    (d / "n\u00e4me with spaces \u65e5\u672c.txt").write_text(GOOD)
    (d / "deep" / "er" / "still" / "nested.txt").write_text(GOOD)
    (d / "dangling.txt").symlink_to(d / "does-not-exist.txt")
    (d / "deep" / "loop").symlink_to(d / "deep", target_is_directory=True)
    return d


def test_hostile_corpus_runs_to_completion_with_one_line_messages(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run("run", str(corpus), "-o", str(out), "-j", "2")
    assert proc.returncode == 1, proc.stderr  # partial failure
    assert "Traceback" not in proc.stderr
    problems = [line for line in proc.stderr.splitlines() if line.startswith("cleaner:")]
    assert any("binary.txt" in p and "binary" in p for p in problems)
    assert any("dangling.txt" in p for p in problems)
    assert any("loop" in p for p in problems)
    summary = json.loads((out / "run-summary.json").read_text())
    assert any("binary.txt" in p for p in summary["problems"])
    # every other page is cleaned and restores byte for byte
    for name in ("good.txt", "empty.txt", "blank.txt", "latin1.txt", "utf16.txt", "crlf bom.txt",
                 "n\u00e4me with spaces \u65e5\u672c.txt", "deep/er/still/nested.txt"):
        assert (out / name).exists(), name
        assert restore_bytes(out / name) == (corpus / name).read_bytes(), name
    assert (out / "good.txt").read_text() == GOOD
    assert (out / "latin1.txt").read_text() == "Caf\u00e9 cr\u00e8me, na\u00efve. The menu was good.\n"
    assert (out / "utf16.txt").read_text() == "UTF-16 text with a BOM.\nSecond line.\n"
    assert (out / "crlf bom.txt").read_text() == "First line.\nSecond line.\nThird line.\n"
    assert (out / "empty.txt").read_text() == "" and (out / "blank.txt").read_text() == ""
    assert not list(out.rglob("*.tmp"))


def test_huge_single_line_page(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    line = ("word " * 1_000_000 + "caf\u00e9 ").encode()  # ~5 MB on one line (50 MB: `make bench`-style, by hand)
    (d / "huge.txt").write_bytes(line)
    out = tmp_path / "out"
    proc = run("run", str(d), "-o", str(out), "-j", "1")
    assert proc.returncode == 0, proc.stderr
    assert restore_bytes(out / "huge.txt") == line


def test_many_tiny_files(tmp_path: Path) -> None:
    d = tmp_path / "in"
    for i in range(2000):
        sub = d / f"s{i % 20}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"p{i}.txt").write_text(f"Page {i} says hello.\n")
    out = tmp_path / "out"
    proc = run("run", str(d), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert len(list(out.rglob("*.changes.jsonl"))) == 2000


def test_output_inside_input_is_not_read_back(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(GOOD)
    assert run("run", str(d), "-o", str(d / "out")).returncode == 0
    proc = run("run", str(d), "-o", str(d / "out"))
    assert proc.returncode == 0, proc.stderr
    assert not (d / "out" / "out").exists()


@pytest.mark.parametrize("case", ["same", "missing", "file-as-outdir"])
def test_bad_paths_are_usage_errors(tmp_path: Path, case: str) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(GOOD)
    if case == "same":
        proc = run("run", str(d), "-o", str(d))
    elif case == "missing":
        proc = run("run", str(tmp_path / "nope"), "-o", str(tmp_path / "out"))
    else:
        (tmp_path / "afile").write_text("x")
        proc = run("run", str(d), "-o", str(tmp_path / "afile"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("cleaner:")
    assert (d / "a.txt").read_text() == GOOD


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:  # pragma: no cover - CI runs as root
    d = tmp_path / "in"
    d.mkdir()
    (d / "secret.txt").write_text(GOOD)
    (d / "secret.txt").chmod(0)
    proc = run("run", str(d), "-o", str(tmp_path / "out"))
    assert proc.returncode == 1 and "secret.txt" in proc.stderr


# -- bad rules -------------------------------------------------------------------------
BAD_RULES = {
    "yaml.yaml": "- id: x\n  type: line\n  reason: [unclosed\n",
    "types.yaml": "- id: chrome.t\n  type: line\n  regex: 5\n  reason: r\n",
    "unknown.yaml": "- id: chrome.u\n  type: line\n  regex: 'x'\n  reason: r\n  colour: red\n",
    "regex.yaml": "- id: chrome.r\n  type: line\n  regex: '(unclosed'\n  reason: r\n",
    "missing.yaml": "- id: chrome.m\n  type: line\n  regex: 'x'\n",
    "dup1.yaml": "- id: chrome.dup\n  type: line\n  regex: 'x'\n  reason: r\n",
    "dup2.yaml": "\n\n- id: chrome.dup\n  type: line\n  regex: 'y'\n  reason: r\n",
}


def test_invalid_rules_each_get_file_line_and_run_refuses(tmp_path: Path) -> None:
    rules = tmp_path / "rules" / "chrome"
    rules.mkdir(parents=True)
    for name, text in BAD_RULES.items():
        (rules / name).write_text(text)
    check = run("rules", "check", str(tmp_path / "rules"))
    assert check.returncode == 2 and "Traceback" not in check.stdout + check.stderr
    out = check.stdout
    assert "yaml.yaml:3: invalid YAML" in out
    assert "types.yaml:3:" in out and "'regex' must be str" in out
    assert "unknown.yaml:5:" in out and "unknown key 'colour'" in out
    assert "regex.yaml:3:" in out and "bad regex" in out
    assert "missing.yaml:1:" in out and "missing required key 'reason'" in out
    assert "dup2.yaml:3:" in out and "duplicate rule id 'chrome.dup'" in out and "dup1.yaml:1" in out
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(GOOD)
    proc = run("run", str(d), "-o", str(tmp_path / "out"), "--rules", str(tmp_path / "rules"))
    assert proc.returncode == 2 and "nothing was cleaned" in proc.stderr
    assert not (tmp_path / "out" / "a.txt").exists()


def test_contradicting_example_fails_rules_test_and_run(tmp_path: Path) -> None:
    rules = tmp_path / "rules" / "chrome"
    rules.mkdir(parents=True)
    (rules / "r.yaml").write_text(
        "- id: chrome.share\n  type: line\n  regex: '(?i)share'\n  reason: share button\n"
        "  examples:\n    remove: [Share]\n    keep: [share]\n"
    )
    proc = run("rules", "test", str(tmp_path / "rules"))
    assert proc.returncode == 1 and "chrome.share: should keep 'share'" in proc.stdout
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(GOOD)
    proc = run("run", str(d), "-o", str(tmp_path / "out"), "--rules", str(tmp_path / "rules"))
    assert proc.returncode == 2 and "chrome.share" in proc.stderr


def test_catastrophic_regex_times_out_and_keeps_text(tmp_path: Path) -> None:
    rules = tmp_path / "rules" / "chrome"
    rules.mkdir(parents=True)
    (rules / "slow.yaml").write_text("- id: chrome.slow\n  type: span\n  regex: '(a+)+$'\n  reason: catastrophic\n")
    d = tmp_path / "in"
    d.mkdir()
    page = "a" * 5000 + "b\nSecond line.\n"
    (d / "a.txt").write_text(page)
    out = tmp_path / "out"
    proc = run("run", str(d), "-o", str(out), "--rules", str(tmp_path / "rules"), "--regex-timeout", "0.2")
    assert proc.returncode == 0, proc.stderr
    assert "chrome.slow" in proc.stderr and "timed out" in proc.stderr
    assert (out / "a.txt").read_text() == page
    header = json.loads((out / "a.changes.jsonl").read_text().splitlines()[0])["page"]
    assert any("chrome.slow" in w for w in header["warnings"])
