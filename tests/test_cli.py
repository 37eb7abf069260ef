"""The command line as a user meets it: every entry point lists every command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = ("chrome", "clean", "diff", "report", "restore", "rules", "run", "spell", "stats")


@pytest.mark.parametrize("module", ["cleaner", "cleaner.cli"])
def test_every_entry_point_lists_every_command(module: str) -> None:
    out = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, check=True).stdout
    listed = {line.split()[0] for line in out.split("Commands:", 1)[1].splitlines() if line.strip()}
    assert listed == set(COMMANDS)


def test_outputs_respect_the_umask(tmp_path: Path) -> None:
    """0644 under umask 022, 0600 under 077: as any file the user writes (mkstemp alone would give 0600 always)."""
    import json

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.txt").write_text("Hello world, a page of text.\n", encoding="utf-8")
    (tmp_path / "in" / "recs.jsonl").write_text(json.dumps({"id": "a", "text": "Some text here."}) + "\n", encoding="utf-8")
    for mask, mode in ((0o022, 0o644), (0o077, 0o600)):
        out = tmp_path / f"out{mask:o}"
        code = f"import os; os.umask({mask}); from cleaner.cli import main; main()"
        subprocess.run([sys.executable, "-c", code, "run", str(tmp_path / "in"), "-o", str(out), "-q", "-j", "1"], check=True)
        files = [p for p in out.rglob("*") if p.is_file() and ".cleaner" not in p.parts]
        assert len(files) >= 6
        assert {p.name: p.stat().st_mode & 0o777 for p in files} == {p.name: mode for p in files}


def test_skip_stage_leaves_no_edit_of_that_stage_and_stages_runs_only_those(tmp_path: Path) -> None:
    import json

    root = Path(__file__).resolve().parent.parent
    for args, allowed in ((["--skip-stage", "spam"], {"normalize", "chrome", "dedup", "spelling", "tidy"}),
                          (["--stages", "chrome,tidy"], {"chrome", "tidy"})):
        out = tmp_path / "-".join(args).strip("-")
        subprocess.run([sys.executable, "-m", "cleaner", "run", str(root / "raw"), "-o", str(out), "-q", *args], check=True)
        stages = {json.loads(line)["stage"] for log in out.glob("*.changes.jsonl") for line in log.read_text().splitlines()[1:]}
        assert stages and stages <= allowed
        assert stages == allowed or args[0] == "--skip-stage"  # every chosen stage did something on the samples
    bad = subprocess.run([sys.executable, "-m", "cleaner", "run", str(root / "raw"), "-o", str(tmp_path / "x"), "--skip-stage", "spma"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "did you mean 'spam'?" in bad.stderr


def test_each_preset_changes_what_it_says(tmp_path: Path) -> None:
    """`--preset` sets the preset's settings over the rules' (as `rules list --settings --preset` shows them):
    conservative splits no glued words and finds fewer spliced queries than default on the sample pages."""
    import json

    import yaml

    root = Path(__file__).resolve().parent.parent
    rules: dict[str, list[str]] = {}
    for preset in ("conservative", "default", "thorough"):
        out = tmp_path / preset
        subprocess.run([sys.executable, "-m", "cleaner", "run", str(root / "raw"), "-o", str(out), "-q", "--preset", preset], check=True)
        rules[preset] = [json.loads(line)["rule"] for log in sorted(out.glob("*.changes.jsonl")) for line in log.read_text().splitlines()[1:]]
        listed = subprocess.run([sys.executable, "-m", "cleaner", "rules", "list", "--settings", "--preset", preset],
                                capture_output=True, text=True, check=True).stdout
        shown = {tuple(line.split("\t")[:2]): line.split("\t")[2] for line in listed.splitlines()}
        data = yaml.safe_load((root / "rules" / "presets" / f"{preset}.yaml").read_text())
        for stage, values in data["settings"].items():
            for key, value in values.items():
                assert shown[(stage, key)] == json.dumps(value), (preset, stage, key)
    assert not any(r.startswith("normalize.glued") for r in rules["conservative"])
    assert any(r.startswith("normalize.glued") for r in rules["default"])
    assert rules["conservative"].count("spam.spliced-query") < rules["default"].count("spam.spliced-query")
    assert len(rules["thorough"]) >= len(rules["default"])
    bad = subprocess.run([sys.executable, "-m", "cleaner", "run", str(root / "raw"), "-o", str(tmp_path / "x"), "--preset", "bold"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown preset 'bold'" in bad.stderr
