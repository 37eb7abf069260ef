"""Options that several commands share (``run`` and ``clean``): which stages run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

stages_option = click.option("--stages", metavar="A,B", default=None,
                             help="Run only these stages, in the pipeline's order (normalize,chrome,dedup,spam,spelling,tidy).")
skip_stage_option = click.option("--skip-stage", "skip_stage", multiple=True, metavar="STAGE", help="Do not run this stage (repeatable).")

preset_option = click.option("--preset", default=None, metavar="NAME",
                             help="How bold: conservative, default or thorough (rules/presets/NAME.yaml; `cleaner rules list --settings --preset NAME`).")


def stage_options(stages: str | None, skip: tuple[str, ...]) -> dict[str, Any]:
    """``--stages a,b`` / ``--skip-stage c``: the run's ``stages`` option (absent when every stage runs)."""
    from cleaner.stages import STAGE_NAMES, choose_stages

    try:
        chosen = choose_stages([s.strip() for s in stages.split(",") if s.strip()] if stages else None, list(skip))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--stages/--skip-stage") from None
    return {"stages": chosen} if len(chosen) < len(STAGE_NAMES) else {}


rules_option = click.option(
    "--rules", "rules", multiple=True, type=click.Path(path_type=Path),
    help="Rule directory or file (repeatable); replaces the shipped rules.",
)
add_rules_option = click.option(
    "--add-rules", "add_rules", multiple=True, type=click.Path(path_type=Path),
    help="Extra rule directory or file, used with the shipped rules (repeatable).",
)
chrome_model_option = click.option("--chrome-model", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                                   help="Chrome model to use (from `cleaner chrome train`; default: the shipped rules/chrome/model.json).")
keep_comments_option = click.option("--keep-comments", is_flag=True,
                                    help="Keep reader comment threads and forum posts (their furniture still goes).")
