"""The two passes: scan the corpus for statistics, then clean each page.

Cleaning a page is a pure function of (raw page, rules, corpus statistics),
so any engine (in-process, local processes, Ray) gives identical output.
This module holds that function and the per-page bookkeeping; engines only
decide where it runs.
"""

from __future__ import annotations

import hashlib
import json
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner._version import __version__
from cleaner.core.memo import resource
from cleaner.core.page import Edit, Page
from cleaner.io.changelog import page_header, serialize_log
from cleaner.io.pages import (
    PageError,
    Source,
    atomic_write,
    decode,
    log_path,
    sha256,
)
from cleaner.rulebook.keep import protected_spans
from cleaner.rulebook.load import RuleSet
from cleaner.rulebook.presets import PresetError, load_preset
from cleaner.stages import Context, Stage, build_stages, load_stage_rules, stage_settings
from cleaner.stages.base import Settle

MANIFEST = "manifest.jsonl"
SUMMARY = "run-summary.json"
#: what a run cost (seconds, the statistics' size), kept apart from the summary, which depends only on the corpus and the rules
TIMINGS = "run-timings.json"
STATE_DIR = ".cleaner"


@dataclass
class PageResult:
    """What happened to one page; merged into the run summary."""

    rel: str
    status: str  # cleaned | resumed | skipped | failed
    message: str = ""
    raw_chars: int = 0
    clean_chars: int = 0
    rules: dict[str, list[int]] = field(default_factory=dict)  # "stage\trule" -> [edits, removed, added]
    warnings: list[str] = field(default_factory=list)
    key: str = ""
    raw_sha256: str = ""
    resumed_at: int = 0  # a shard taken up again from a checkpoint: the records done before
    detectors: dict[str, list[float]] = field(default_factory=dict)  # "stage.detector" -> [proposals, edits, seconds]


def make_context(rule_dirs: list[Path], stats: dict[str, Any] | None = None, options: dict[str, Any] | None = None) -> Context:
    rules = load_stage_rules(rule_dirs)
    if rules.errors:
        raise RulesInvalid(rules.errors)
    options = options if options is not None else {}
    overrides: dict[str, dict[str, Any]] = {}
    if options.get("preset"):
        try:
            preset = load_preset(str(options["preset"]), rule_dirs, stage_settings())
        except PresetError as exc:
            raise RulesInvalid(exc.errors) from None
        overrides = preset.settings
        options["preset_digest"] = preset.digest  # a changed preset re-cleans the pages (the manifest key)
    return Context(rules=rules, stats=stats or {}, options=options, regex_timeout=float(options.get("regex_timeout", 1.0)),
                   overrides=overrides)


class RulesInvalid(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def clean_page(page: Page, ctx: Context, stages: list[Stage]) -> Page:
    """Run the stages in order; where a stage asks for it, let others look again until the text settles.  The
    keep-exceptions' spans are found first: `Page.commit` refuses any proposal that would touch them."""
    page.protected = protected_spans(page, ctx.rules)
    for stage in stages:
        stage.apply(page, ctx)
        plan = stage.settling(page, ctx)
        if plan is not None:
            settle(page, ctx, plan)
    return page


@resource
def _settlers(names: tuple[str, ...]) -> dict[str, Stage]:
    """The stages that look again while a page settles, one set per list of names (built once per process)."""
    return {s.name: s for s in build_stages(names)}


def settle(page: Page, ctx: Context, plan: Settle) -> None:
    """The fixed point after a stage that asks for one (dedup): each round the neighbours it names look again
    when it says they can matter, then the stage makes its own pass; the loop ends when a round changes nothing
    (so cleaning the clean text again finds nothing more) or after ``plan.max_rounds``."""
    settlers = _settlers(plan.neighbours)
    chosen = ctx.options.get("stages")  # a stage switched off for the run does not settle either
    neighbours = [n for n in plan.neighbours if not chosen or n in chosen]
    for _ in range(plan.max_rounds):
        before = page.text
        for name in neighbours:
            if plan.wants(name, page):
                settlers[name].apply(page, ctx)
                plan.ran(name, page)
        plan.again(page)
        changed = page.text != before
        plan.round_done(changed)
        if not changed:
            break


def clean_text(raw: str, ctx: Context, stages: list[Stage] | None = None, name: str = "", site: str = "") -> Page:
    """Convenience for tests and the API: clean one string."""
    return clean_page(Page(raw, name=name, site=site), ctx, stages if stages is not None else build_stages())


def page_key(raw_sha: str, ctx: Context) -> str:
    """What an output depends on: the raw page, the rules, the corpus statistics, the options."""
    h = hashlib.sha256()
    h.update(raw_sha.encode())
    h.update(ctx.rules.digest.encode())
    h.update(str(ctx.options.get("corpus_fingerprint", "")).encode())
    h.update(json.dumps({k: v for k, v in sorted(ctx.options.items()) if k != "corpus_fingerprint"}, default=str).encode())
    h.update(__version__.encode())
    return h.hexdigest()[:32]


def process_source(src: Source, outdir: Path, ctx: Context, stages: list[Stage], done: dict[str, str]) -> PageResult:
    """Read, clean and write one page; every failure becomes a one-line message."""
    try:
        data = src.path.read_bytes()
    except OSError as exc:
        return PageResult(src.rel, "failed", f"{src.path}: cannot read: {exc.strerror or exc}")
    raw_sha = sha256(data)
    key = page_key(raw_sha, ctx)
    out_path = outdir / src.rel
    if done.get(src.rel) == key and out_path.exists() and log_path(out_path).exists():
        return PageResult(src.rel, "resumed", key=key, raw_sha256=raw_sha)
    try:
        raw, encoding = decode(data, str(src.path))
    except PageError as exc:
        return PageResult(src.rel, "skipped", str(exc), raw_sha256=raw_sha)
    try:
        page = clean_page(Page(raw, name=src.rel, site=src.site), ctx, stages)
        clean = page.text
        if any("\udc80" <= ch <= "\udcff" for ch in clean if ch >= "\udc80"):
            raise PageError("undecodable bytes left in the clean text")
        header = page_header(page, ctx.rules, source=str(src.path), encoding=encoding, raw_sha256=raw_sha)
        atomic_write(log_path(out_path), serialize_log(header, page.edits))
        atomic_write(out_path, clean.encode("utf-8"))
    except PageError as exc:
        return PageResult(src.rel, "failed", f"{src.path}: {exc}")
    except Exception as exc:  # a bug must not stop the corpus: report it on one line
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return PageResult(src.rel, "failed",
                          f"{src.path}: internal error {type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})")
    result = PageResult(src.rel, "cleaned", raw_chars=len(raw), clean_chars=len(clean), key=key, raw_sha256=raw_sha,
                        warnings=[f"{src.path}: {w}" for w in page.warnings])
    count_edits(page.edits, result.rules)
    add_detector_counts(result.detectors, page.meta.get("detector_counts", {}))
    return result


def add_detector_counts(into: dict[str, list[float]], counts: dict[str, list[float]]) -> None:
    """Sum the detectors' proposals, edits and seconds (what `run-timings.json` reports per detector)."""
    for name, values in counts.items():
        c = into.setdefault(name, [0, 0, 0.0])
        for i, v in enumerate(values):
            c[i] += v


def detector_table(results: list[PageResult]) -> dict[str, dict[str, float]]:
    total: dict[str, list[float]] = {}
    for r in results:
        add_detector_counts(total, r.detectors)
    return {name: {"proposals": int(p), "edits": int(e), "seconds": round(t, 3)} for name, (p, e, t) in sorted(total.items())}


def count_edits(edits: list[Edit], into: dict[str, list[int]]) -> None:
    """Edits, characters removed and added per rule; an absorbing edit is charged only its own share."""
    for e in edits:
        count_edits(e.absorbed, into)
        net = len(e.before) - len(e.after) - sum(len(a.before) - len(a.after) for a in e.absorbed)
        c = into.setdefault(f"{e.stage}\t{e.rule}", [0, 0, 0])
        c[0] += 1
        c[1] += max(0, net)
        c[2] += max(0, -net)


# -- manifest & summary -------------------------------------------------------------
def load_manifest(outdir: Path) -> dict[str, str]:
    path = outdir / STATE_DIR / MANIFEST
    done: dict[str, str] = {}
    if not path.exists():
        return done
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            obj = json.loads(line)
            done[obj["rel"]] = obj["key"]
        except (json.JSONDecodeError, KeyError, TypeError):
            continue  # a line cut short by a crash
    return done


class ManifestWriter:
    """Append-only record of finished pages, so an interrupted run resumes."""

    def __init__(self, outdir: Path):
        path = outdir / STATE_DIR / MANIFEST
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = path.open("a", encoding="utf-8")

    def record(self, result: PageResult) -> None:
        if result.status in ("cleaned", "resumed"):
            self._fh.write(json.dumps({"rel": result.rel, "key": result.key, "raw_sha256": result.raw_sha256,
                                       "rules": result.rules, "raw_chars": result.raw_chars,
                                       "clean_chars": result.clean_chars}) + "\n")
            self._fh.flush()

    def close(self) -> None:
        self._fh.close()


def previous_results(outdir: Path) -> dict[str, dict[str, Any]]:
    """Latest manifest entry of each page (for the summary of resumed pages)."""
    path = outdir / STATE_DIR / MANIFEST
    out: dict[str, dict[str, Any]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                obj = json.loads(line)
                out[obj["rel"]] = obj
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
    return out


def summarize(results: list[PageResult], outdir: Path, rules: RuleSet, discover_errors: list[str]) -> dict[str, Any]:
    prev = previous_results(outdir)
    per_rule: dict[str, dict[str, Any]] = {}
    per_stage: dict[str, dict[str, int]] = {}
    raw_chars = clean_chars = 0
    pages_by_removed: list[tuple[int, str]] = []
    for r in results:
        counts = r.rules
        rc, cc = r.raw_chars, r.clean_chars
        if r.status == "resumed" and r.rel in prev:
            counts, rc, cc = prev[r.rel].get("rules", {}), prev[r.rel].get("raw_chars", 0), prev[r.rel].get("clean_chars", 0)
        raw_chars += rc
        clean_chars += cc
        removed = 0
        for k, (n, rem, add) in counts.items():
            stage, rule = k.split("\t", 1)
            pr = per_rule.setdefault(rule, {"stage": stage, "edits": 0, "chars_removed": 0, "chars_added": 0, "pages": 0})
            pr["edits"] += n
            pr["chars_removed"] += rem
            pr["chars_added"] += add
            pr["pages"] += 1
            ps = per_stage.setdefault(stage, {"edits": 0, "chars_removed": 0, "chars_added": 0})
            ps["edits"] += n
            ps["chars_removed"] += rem
            ps["chars_added"] += add
            removed += rem
        if r.status in ("cleaned", "resumed"):
            pages_by_removed.append((removed, r.rel))
    statuses = {s: sum(1 for r in results if r.status == s) for s in ("cleaned", "resumed", "skipped", "failed")}
    fired = set(per_rule)
    return {
        "version": __version__,
        "pages": len(results),
        **{f"pages_{k}": v for k, v in statuses.items()},
        "raw_chars": raw_chars,
        "clean_chars": clean_chars,
        "rules_digest": rules.digest,
        "stages": per_stage,
        "rules": dict(sorted(per_rule.items(), key=lambda kv: (-kv[1]["chars_removed"], kv[0]))),
        "rules_never_fired": sorted(r.id for r in rules.rules if r.id not in fired and r.type not in ("settings", "vocabulary")),
        "most_changed": [rel for _, rel in sorted(pages_by_removed, key=lambda t: (-t[0], t[1]))[:20]],
        "problems": discover_errors + [r.message for r in results if r.status in ("skipped", "failed")],
        "warnings": [w for r in results for w in r.warnings],
    }


def write_summary(outdir: Path, summary: dict[str, Any], timings: dict[str, Any]) -> Path:
    """The deterministic summary (``run-summary.json``) and the run's costs (``run-timings.json``)."""
    path = outdir / SUMMARY
    atomic_write(path, (json.dumps(summary, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    costs = {k: round(v, 3) if isinstance(v, float) else v for k, v in timings.items()}
    atomic_write(outdir / TIMINGS, (json.dumps(costs, indent=2) + "\n").encode("utf-8"))
    return path


def read_timings(outdir: Path) -> dict[str, float]:
    try:
        data = json.loads((outdir / TIMINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def now() -> float:
    return time.perf_counter()
