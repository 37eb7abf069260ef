from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from cleaner.core.pipeline import make_context
from cleaner.rulebook.load import default_rules_dir
from cleaner.stages import Context

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "eval" / "seeds"


@pytest.fixture(scope="session")
def ctx() -> Context:
    """The shipped rules, as `cleaner run` loads them."""
    return make_context([default_rules_dir()])


_SESSION_CACHE: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """One array cache for the session (and the `cleaner` processes tests start), not the user's own."""
    if "CLEANER_CACHE_DIR" not in os.environ:
        _SESSION_CACHE.append(tempfile.mkdtemp(prefix="cleaner-test-cache-"))
        os.environ["CLEANER_CACHE_DIR"] = _SESSION_CACHE[0]


def pytest_unconfigure(config: pytest.Config) -> None:
    for path in _SESSION_CACHE:
        shutil.rmtree(path, ignore_errors=True)
