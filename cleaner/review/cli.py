"""``cleaner diff``, ``cleaner stats`` and ``cleaner report``: review what a run did.

Exit status as for ``run``: 0 all well, 1 some pages could not be read
(each named on stderr), 2 usage error.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

from cleaner.io.pages import PageError

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def use_color(choice: str, stream: object = None) -> bool:
    """``auto``: colour only on a terminal, and never when NO_COLOR is set (https://no-color.org) or TERM=dumb."""
    if choice != "auto":
        return choice == "always"
    out = stream if stream is not None else sys.stdout
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _fail(msg: str) -> None:
    click.echo(f"cleaner: {msg}", err=True)
    sys.exit(EXIT_USAGE)


@click.command()
@click.argument("pages", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "outdir", type=click.Path(file_okay=False, path_type=Path),
              help="Output directory of the run, to find a raw page's cleaned output (default: cleaned/).")
@click.option("--stage", "stages", multiple=True, help="Show only this stage's edits (repeatable).")
@click.option("--rule", "rules", multiple=True, help="Show only this rule's edits; globs like 'chrome.*' work (repeatable).")
@click.option("-C", "--context", type=click.IntRange(min=0), default=None,
              help="Show only the changed lines and N lines around them.")
@click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour by stage; 'auto' colours only on a terminal without NO_COLOR.")
@click.option("--list", "as_list", is_flag=True, help="One edit per line (line:column, stage, rule, change, reason) instead of the page.")
def diff(pages: tuple[Path, ...], outdir: Path | None, stages: tuple[str, ...], rules: tuple[str, ...], context: int | None,
         color: str, as_list: bool = False) -> None:
    """Show PAGES (raw pages, their cleaned outputs, or cleaned record shards) with every edit marked and tagged with its rule.

    Plain marks: [-removed-], {+inserted+}, [old→new], each followed by «rule.id».
    Whitespace inside an edit is made visible (↵ newline, · space, ⍽ no-break space).
    """
    from cleaner.io.changelog import records_of
    from cleaner.io.formats import is_shard
    from cleaner.review.diff import Style, render_list, render_page
    from cleaner.review.model import EditFilter, find_outputs, load_page

    style = Style(use_color(color))
    flt = EditFilter(stages, rules)
    status = EXIT_OK
    shown = 0
    for path in pages:
        try:
            found = list(records_of(path)) if is_shard(path) else [load_page(find_outputs(path, outdir))]
        except (PageError, OSError) as exc:
            click.echo(f"cleaner: {exc}", err=True)
            status = EXIT_PARTIAL
            continue
        for page in found:
            if shown:
                click.echo("")
            click.echo(render_list(page, flt) if as_list else render_page(page, style, flt, context), nl=False)
            shown += 1
    sys.exit(status)


@click.command()
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True, help="How many of the most changed pages to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--rules", "rules", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Rule set to find rules that never fired (default: the run summary's list, else the shipped rules).")
def stats(outdir: Path, top: int, as_json: bool, rules: tuple[Path, ...]) -> None:
    """Summarise a run from its change logs: edits, characters and pages per stage and rule."""
    from cleaner.review.stats import collect, format_stats

    figures = collect(outdir, list(rules) or None)
    if not figures["pages"] and not figures["problems"]:
        _fail(f"{outdir}: no change logs (*.changes.jsonl) found")
    if as_json:
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        click.echo(format_stats(figures, top), nl=False)
    for p in figures["problems"]:
        click.echo(f"cleaner: {p}", err=True)
    sys.exit(EXIT_PARTIAL if figures["problems"] else EXIT_OK)


@click.command()
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the report (default: OUTDIR/report.html).")
@click.option("--title", help="Title shown at the top of the report.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("--rules", "rules", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Rule set to find rules that never fired (default: the run summary's list, else the shipped rules).")
def report(outdir: Path, output: Path | None, title: str | None, quiet: bool, rules: tuple[Path, ...]) -> None:
    """Write one self-contained HTML file to review every edit of the run in OUTDIR."""
    sys.exit(make_report(outdir, output, title, list(rules) or None, quiet=quiet))


def make_report(outdir: Path, output: Path | None = None, title: str | None = None, rule_dirs: list[Path] | None = None,
                quiet: bool = False) -> int:
    """Build the report (also used by ``run --report``); return an exit status."""
    from cleaner.review.model import iter_pages
    from cleaner.review.report import write_report

    started = time.perf_counter()
    errors: list[str] = []
    pages = list(iter_pages(outdir, errors))
    for err in errors:
        click.echo(f"cleaner: {err}", err=True)
    if not pages and not errors:
        click.echo(f"cleaner: {outdir}: no change logs (*.changes.jsonl) found", err=True)
        return EXIT_USAGE
    target = output or outdir / "report.html"
    size = write_report(pages, outdir, target, title=title, problems=errors, rule_dirs=rule_dirs)
    if not quiet:
        click.echo(f"report: {target} ({len(pages):,} pages, {size / 1e6:.2f} MB, {time.perf_counter() - started:.1f}s)")
    return EXIT_PARTIAL if errors else EXIT_OK
