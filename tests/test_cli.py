"""The command line as a user meets it: every entry point lists every command."""

from __future__ import annotations

import subprocess
import sys

import pytest

COMMANDS = ("clean", "diff", "report", "restore", "rules", "run", "spell", "stats")


@pytest.mark.parametrize("module", ["cleaner", "cleaner.cli"])
def test_every_entry_point_lists_every_command(module: str) -> None:
    out = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, check=True).stdout
    listed = {line.split()[0] for line in out.split("Commands:", 1)[1].splitlines() if line.strip()}
    assert listed == set(COMMANDS)
