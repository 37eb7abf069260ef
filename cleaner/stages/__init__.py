"""The stages, in the order the pipeline runs them.

Adding a stage: write ``cleaner/stages/NAME.py`` with a `Stage` subclass and
add it to `STAGE_CLASSES`.  Nothing else in the core changes.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from cleaner.rulebook import keep, patterns  # noqa: F401  (register the shared rule types)
from cleaner.rulebook.load import RuleSet, load_rules
from cleaner.stages.base import Context, Stage
from cleaner.stages.chrome import ChromeStage
from cleaner.stages.dedup import DedupStage
from cleaner.stages.normalize import NormalizeStage
from cleaner.stages.spam import SpamStage
from cleaner.stages.spelling import SpellingStage
from cleaner.stages.tidy import TidyStage

STAGE_CLASSES: list[type[Stage]] = [
    NormalizeStage,
    ChromeStage,
    DedupStage,  # dedup: after chrome (copies of chrome are gone already), before spam (whose topic it reads)
    SpamStage,  # spam: before spelling (its splice detector reads whole sentences)
    SpellingStage,  # spelling: after spam (fixes only the words that stay), before tidy
    TidyStage,
]

STAGE_NAMES: tuple[str, ...] = tuple(cls.name for cls in STAGE_CLASSES)


def stage_settings() -> dict[str, dict[str, Any]]:
    """Every stage's settings and their defaults: what a ``settings`` rule may set (detectors registered since
    import included)."""
    return {cls.name: dict(cls.defaults) for cls in STAGE_CLASSES}


def load_stage_rules(dirs: list[Path]) -> RuleSet:
    """The rules of ``dirs`` for these stages: every rule type registered, settings checked against the stages'."""
    return load_rules(dirs, known_stages=STAGE_NAMES + ("__disabled__",), settings=stage_settings())


def choose_stages(stages: tuple[str, ...] | list[str] | None = None, skip: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The stages to run, in the pipeline's order: ``stages`` (default all) without ``skip``; ValueError names a
    stage that does not exist."""
    for name in [*(stages or ()), *skip]:
        if name not in STAGE_NAMES:
            close = difflib.get_close_matches(name, STAGE_NAMES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"unknown stage {name!r}{hint}; the stages are {', '.join(STAGE_NAMES)}")
    return [n for n in STAGE_NAMES if (not stages or n in stages) and n not in skip]


def stages_for(options: dict[str, Any]) -> list[Stage]:
    """The run's stages: those ``options["stages"]`` names (``--stages``/``--skip-stage``), else all."""
    only = options.get("stages")
    return build_stages(tuple(only) if only else None)


def build_stages(only: tuple[str, ...] | None = None) -> list[Stage]:
    return [cls() for cls in STAGE_CLASSES if only is None or cls.name in only]


__all__ = ["STAGE_CLASSES", "STAGE_NAMES", "Context", "Stage", "build_stages", "choose_stages", "load_stage_rules", "stage_settings", "stages_for"]
