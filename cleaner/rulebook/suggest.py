"""``cleaner rules suggest OUTDIR``: the chrome a run learned, as ordinary YAML rules to review and keep.

Site repetition finds each site's menus, footers and sidebars anew in every
run, and only where the site has enough pages in that run.  This command reads
a run's change logs, takes the lines removed as site chrome, and writes them
as ``line`` rules with ``phrases`` (literal, case-insensitive whole lines, so
nothing needs escaping), scoped with ``sites: [SITE]``, one rule per site and
page count, with the lines as ``examples.remove``.  Kept in a rules
directory (``--add-rules``), they remove the same lines from that site's
pages in later runs, also from a page that arrives alone.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import yaml

from cleaner.core.page import Edit
from cleaner.io.changelog import iter_outputs
from cleaner.io.pages import atomic_write
from cleaner.stages.chrome.site import RULE_ID as SITE_RULE


@dataclass
class LearnedLine:
    text: str
    pages: set[str] = field(default_factory=set)
    seen_on: int = 0  # pages of the site it recurred on, as the run counted them
    site_pages: int = 0


def _site_edits(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    for e in edits:
        if e.rule == SITE_RULE and e.stage == "chrome":
            out.append(e)
        out.extend(_site_edits(e.absorbed))
    return out


def collect(outdir: Path) -> tuple[dict[str, dict[str, LearnedLine]], int]:
    """site -> folded line -> what was learned about it; and the number of logs read."""
    learned: dict[str, dict[str, LearnedLine]] = defaultdict(dict)
    n_logs = 0
    errors: list[str] = []
    for page in iter_outputs(outdir, errors):
        n_logs += 1
        header, edits = page.header, page.edits
        name = page.name
        for e in _site_edits(edits):
            detail = e.detail or {}
            site = str(detail.get("site", header.get("site", "")))
            line = e.before.strip()
            if not line:
                continue
            key = " ".join(line.casefold().split())
            item = learned[site].setdefault(key, LearnedLine(line))
            item.pages.add(name)
            item.seen_on = max(item.seen_on, int(detail.get("pages", 0)))
            item.site_pages = max(item.site_pages, int(detail.get("site_pages", 0)))
    for err in errors:
        click.echo(f"cleaner: {err}", err=True)
    return learned, n_logs


def _glob_literal(site: str) -> str:
    """``sites:`` are fnmatch globs: a site name with glob characters must match only itself."""
    return "".join(f"[{ch}]" if ch in "[]*?" else ch for ch in site)


def _slug(site: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", site.lower()).strip("-") or "site"


def suggest_rules(learned: dict[str, dict[str, LearnedLine]], min_pages: int = 2) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for site in sorted(learned):
        site_pages = max((x.site_pages for x in learned[site].values()), default=0)
        by_count: dict[int, list[LearnedLine]] = defaultdict(list)
        for item in learned[site].values():
            if item.seen_on >= min_pages:
                by_count[item.seen_on].append(item)
        for count in sorted(by_count, reverse=True):
            phrases = sorted((x.text for x in by_count[count]), key=str.casefold)
            rules.append({
                "id": f"chrome.learned.{_slug(site)}.seen-{count}-of-{site_pages}",
                "type": "line",
                "stage": "chrome",
                "phrases": phrases,
                "sites": [_glob_literal(site)],
                "reason": f"site chrome learned from the corpus: each line recurred on {count} of {site_pages} pages of {site}",
                "examples": {"remove": list(phrases)},
            })
    return rules


def render(rules: list[dict[str, Any]], outdir: Path, n_logs: int) -> str:
    head = (f"# Suggested by `cleaner rules suggest {outdir}` from {n_logs} cleaned pages: lines that site\n"
            "# repetition removed as chrome, one rule per site and page count. Review them, delete what is\n"
            "# not chrome, and keep the file in a rules directory (--add-rules) to apply them by name.\n")
    if not rules:
        return head + "[]\n"
    body = yaml.safe_dump(rules, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)
    return head + body.replace("\n- id:", "\n\n- id:")


@click.command("suggest")
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the YAML (default: stdout), e.g. rules/suggested.yaml.")
@click.option("--min-pages", type=int, default=2, show_default=True, help="Suggest lines that recurred on at least this many pages.")
def suggest_command(outdir: Path, output: Path | None, min_pages: int) -> None:
    """Turn the site chrome a run in OUTDIR learned into YAML rules to review and keep."""
    learned, n_logs = collect(outdir)
    if not n_logs:
        click.echo(f"cleaner: {outdir}: no change logs (*.changes.jsonl) found", err=True)
        sys.exit(2)
    rules = suggest_rules(learned, min_pages)
    text = render(rules, outdir, n_logs)
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write(output, text.encode("utf-8"))
        n_lines = sum(len(r["phrases"]) for r in rules)
        click.echo(f"{len(rules)} rules ({n_lines} lines, {len(learned)} sites) written to {output}", err=True)
