"""``cleaner chrome train``: the chrome model, trained on a user's own pages with gold."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cleaner.cli.options import add_rules_option, rules_option


@click.group("chrome")
def chrome_group() -> None:
    """The chrome model: train it on your own pages with gold."""


@chrome_group.command("train")
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the model (JSON).")
@click.option("--keeps-comments", "keeps_comments", multiple=True, metavar="NAME",
              help="A folder (by its name) whose gold keeps reader comments, as a run with --keep-comments does "
                   "(repeatable).")
@rules_option
@add_rules_option
def chrome_train(folders: tuple[Path, ...], output: Path, keeps_comments: tuple[str, ...], rules: tuple[Path, ...],
                 add_rules: tuple[Path, ...]) -> None:
    """Train a chrome model on FOLDERS of NAME.raw.txt + NAME.gold.txt pairs (each folder one corpus; an optional
    manifest.tsv with `id` and `site` columns groups pages by site).  Use it with `cleaner run --chrome-model`."""
    from cleaner.core.pipeline import RulesInvalid, make_context
    from cleaner.io.pages import atomic_write
    from cleaner.rulebook.load import default_rules_dir
    from cleaner.stages.chrome.train import dumps, train

    try:
        ctx = make_context(list(rules or (default_rules_dir(),)) + list(add_rules))
    except RulesInvalid as exc:
        click.echo("\n".join(exc.errors), err=True)
        sys.exit(2)
    try:
        model = train(list(folders), ctx, frozenset(keeps_comments))
    except ValueError as exc:
        click.echo(f"cleaner: {exc}", err=True)
        sys.exit(2)
    atomic_write(output, dumps(model).encode("utf-8"))
    t = model["trained_on"]
    click.echo(f"{output}: trained on {t['pages']} pages, {t['lines']} labelled lines ({t['chrome_lines']} chrome)")
