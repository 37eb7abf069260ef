from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.pipeline import make_context
from cleaner.rules import default_rules_dir
from cleaner.stages import Context

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "eval" / "seeds"


@pytest.fixture(scope="session")
def ctx() -> Context:
    """The shipped rules, as `cleaner run` loads them."""
    return make_context([default_rules_dir()])
