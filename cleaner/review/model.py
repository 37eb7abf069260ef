"""What the review tools see of a run: pages rebuilt from the change logs.

Every page comes from `cleaner.io.changelog` (the one reader of ``.txt`` outputs and record shards alike); the
raw text is rebuilt from the clean text and its log (the same inverse ``restore`` uses), so a review needs
only OUTDIR, never the original inputs.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.core.page import Edit
from cleaner.core.pipeline import SUMMARY, count_edits
from cleaner.io.changelog import LoggedPage, iter_outputs, read_txt_output
from cleaner.io.pages import LOG_SUFFIX, PageError, log_path, sha256

# Stage order of the pipeline, so tables and legends read in run order.
STAGE_ORDER = ("normalize", "chrome", "dedup", "spam", "spelling", "tidy")

#: one cleaned page or record, as every review command sees it
ReviewPage = LoggedPage


def page_counts(page: LoggedPage) -> dict[str, list[int]]:
    """``"stage\trule" -> [edits, removed, added]``, as the run summary counts them."""
    into: dict[str, list[int]] = {}
    count_edits(page.edits, into)
    return into


def load_page(clean_path: Path, name: str | None = None) -> ReviewPage:
    """Clean text + change log -> the page; raises PageError when they do not fit together."""
    return read_txt_output(clean_path, name)


def iter_pages(outdir: Path, errors: list[str] | None = None) -> Iterator[ReviewPage]:
    """Every page and record of a run, in path order; one that cannot be read is reported, not fatal."""
    return iter_outputs(outdir, errors)


def read_summary(outdir: Path) -> dict[str, Any]:
    path = outdir / SUMMARY
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def find_outputs(page: Path, outdir: Path | None) -> Path:
    """The cleaned file for PAGE: PAGE itself when its log sits beside it, else
    the output in OUTDIR (default ``cleaned/``) with the same name or the same raw bytes."""
    if log_path(page).exists():
        return page
    roots = [outdir] if outdir is not None else [Path("cleaned")]
    data = page.read_bytes()
    want = sha256(data)
    for root in roots:
        if not root.is_dir():
            raise PageError(f"{root}: no such output directory (give --out OUTDIR)")
        direct = root / page.name
        if log_path(direct).exists() and direct.exists() and _raw_sha(direct) == want:
            return direct
        for log in root.rglob("*" + LOG_SUFFIX):
            if _header(log).get("raw_sha256") == want:
                return log.with_name(log.name[: -len(LOG_SUFFIX)] + ".txt")
    where = ", ".join(str(r) for r in roots)
    raise PageError(f"{page}: no cleaned output of this page in {where} (give --out OUTDIR)")


def _raw_sha(clean: Path) -> str:
    return str(_header(log_path(clean)).get("raw_sha256", ""))


def _header(log: Path) -> dict[str, Any]:
    """A log's header line alone (the first line), without parsing its edits."""
    try:
        with log.open(encoding="ascii") as fh:
            obj = json.loads(fh.readline())
    except (OSError, UnicodeError, json.JSONDecodeError):
        return {}
    page = obj.get("page") if isinstance(obj, dict) else None
    return page if isinstance(page, dict) else {}


# -- edits as a tree -----------------------------------------------------------------
def walk(edits: Iterable[Edit], depth: int = 0) -> Iterator[tuple[Edit, int]]:
    """Every edit, absorbed ones included (depth 1+ under the edit that covers them)."""
    for e in edits:
        yield e, depth
        yield from walk(e.absorbed, depth + 1)


def all_edits(edits: Iterable[Edit]) -> list[Edit]:
    return [e for e, _ in walk(edits)]


@dataclass
class EditFilter:
    """Which edits to show: by stage name and by rule id (shell-style globs, e.g. ``chrome.*``)."""

    stages: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    def matches(self, e: Edit) -> bool:
        if self.stages and e.stage not in self.stages:
            return False
        return not self.rules or any(fnmatch.fnmatchcase(e.rule, pat) for pat in self.rules)

    def touches(self, e: Edit) -> bool:
        """The edit or one it absorbed is shown."""
        return self.matches(e) or any(self.touches(a) for a in e.absorbed)

    @property
    def active(self) -> bool:
        return bool(self.stages or self.rules)


@dataclass
class Totals:
    """Edits and characters per stage and per rule over a set of pages (absorbed edits included)."""

    stages: dict[str, dict[str, int]] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add_page(self, counts: dict[str, list[int]]) -> None:
        seen_stages: set[str] = set()
        for key, (n, removed, added) in counts.items():
            stage, rule = key.split("\t", 1)
            r = self.rules.setdefault(rule, {"stage": stage, "edits": 0, "chars_removed": 0, "chars_added": 0, "pages": 0})
            r["edits"] += n
            r["chars_removed"] += removed
            r["chars_added"] += added
            r["pages"] += 1
            s = self.stages.setdefault(stage, {"edits": 0, "chars_removed": 0, "chars_added": 0, "pages": 0})
            s["edits"] += n
            s["chars_removed"] += removed
            s["chars_added"] += added
            if stage not in seen_stages:
                s["pages"] += 1
                seen_stages.add(stage)

    def sorted_stages(self) -> list[tuple[str, dict[str, int]]]:
        return sorted(self.stages.items(), key=lambda kv: (stage_rank(kv[0]), kv[0]))

    def sorted_rules(self) -> list[tuple[str, dict[str, Any]]]:
        return sorted(self.rules.items(), key=lambda kv: (-kv[1]["chars_removed"], -kv[1]["edits"], kv[0]))


def stage_rank(stage: str) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)


def removed_chars(counts: dict[str, list[int]]) -> int:
    return sum(c[1] for c in counts.values())
