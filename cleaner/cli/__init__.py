"""The ``cleaner`` command line.

Exit status: 0 every page cleaned, 1 some pages skipped or failed,
2 usage or rules error (nothing was cleaned).
"""

from __future__ import annotations

import os
import pickle
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from cleaner._version import __version__
from cleaner.cli.options import (
    add_rules_option,
    chrome_model_option,
    keep_comments_option,
    preset_option,
    rules_option,
    skip_stage_option,
    stage_options,
    stages_option,
)
from cleaner.io.pages import PageError, discover, encode, remove_stale_temp_files
from cleaner.rulebook.load import default_rules_dir

if TYPE_CHECKING:
    from cleaner.engines.driver import Engine

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def _fail(msg: str) -> NoReturn:
    click.echo(f"cleaner: {msg}", err=True)
    sys.exit(EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleaner")
def main() -> None:
    """Clean scraped web text, with a change log for every edit."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path), help="Output directory.")
@rules_option
@add_rules_option
@click.option("--site-from", metavar="REGEX",
              help="Take each page's site from its path (named group 'site', else group 1) instead of its directory.")
@click.option("--vocab", metavar="NAME_OR_FILE", multiple=True,
              help="Spelling: use only these vocabularies (a declared name or a word-list file; repeatable).")
@click.option("-j", "--jobs", type=int, default=0, help="Worker processes (default: all cores).")
@click.option("--force", is_flag=True, help="Clean every page again, even those the manifest says are done.")
@click.option("--text-field", default="text", show_default=True, help="Record shards (.jsonl[.gz|.zst], .parquet): the field holding the page.")
@click.option("--id-field", default=None, help="Record shards: the field naming each page (default: 'id' where a record has one, else the shard's name).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: this machine's processes; ray: Ray Data (pip install -e .[ray]).")
@click.option("--address", default=None, help="Ray cluster address (default: start a local Ray instance).")
@click.option("--regex-timeout", type=float, default=1.0, show_default=True, help="Seconds one rule may spend matching a page.")
@click.option("--skip-examples", is_flag=True, help="Do not run the rules' examples before cleaning.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("--report", "report", is_flag=False, flag_value="", default=None, metavar="[FILE]",
              help="Also write the HTML report (default: OUTDIR/report.html).")
@click.option("--dedup-corpus", is_flag=True,  # cross-page duplicates are reported by default; this removes them
              help="Remove paragraphs copied from another page (the first page in name order keeps them).")
@stages_option
@skip_stage_option
@preset_option
@chrome_model_option
@keep_comments_option
def run(inputs: tuple[Path, ...], outdir: Path, rules: tuple[Path, ...], add_rules: tuple[Path, ...], site_from: str | None,
        vocab: tuple[str, ...], jobs: int, force: bool, text_field: str, id_field: str | None, engine: str, address: str | None,
        regex_timeout: float, skip_examples: bool, quiet: bool, report: str | None, dedup_corpus: bool,
        stages: str | None, skip_stage: tuple[str, ...], preset: str | None, chrome_model: Path | None,
        keep_comments: bool) -> None:
    """Clean INPUTS (.txt pages, record shards, or directories of them) into OUTDIR."""
    from cleaner.api import chrome_model_options
    from cleaner.core.pipeline import now
    from cleaner.io.formats import FieldSpec

    started = now()
    rule_dirs = _rule_dirs(rules, add_rules)
    _check_output(inputs, outdir)
    options: dict[str, Any] = {"regex_timeout": regex_timeout}
    if site_from:
        options["site_from"] = site_from
    if dedup_corpus:
        options["dedup_corpus"] = True
    options.update(stage_options(stages, skip_stage))
    if preset:
        options["preset"] = preset
    if keep_comments:
        options["keep_comments"] = True
    options.update(chrome_model_options(chrome_model))
    ctx = checked_context(rule_dirs, options, skip_examples)
    spec = FieldSpec(text_field, id_field)
    sources, shards, problems = _discover_inputs(inputs, outdir, site_from)
    _prepare_output(outdir)
    jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    from cleaner.cli.spell import vocab_options  # after the examples, which test the shipped rules

    options.update(vocab_options(rule_dirs, list(vocab)))
    eng = _engine(engine, address, jobs)
    passes = _Passes(eng, sources, shards, spec, outdir, rule_dirs, options, jobs, quiet)
    stats = passes.scan()
    results = passes.clean(stats, force)
    passes.finish(ctx, stats, results, problems, now() - started, report)


def _rule_dirs(rules: tuple[Path, ...], add_rules: tuple[Path, ...]) -> list[Path]:
    dirs = list(rules or (default_rules_dir(),)) + list(add_rules)
    for d in dirs:
        if not d.exists():
            _fail(f"{d}: rules directory does not exist")
    return dirs


def checked_context(rule_dirs: list[Path], options: dict[str, Any], skip_examples: bool = False) -> Any:
    """The run's context from valid rules whose examples pass; else every problem on stderr and exit 2."""
    from cleaner.core.pipeline import RulesInvalid, make_context

    try:
        ctx = make_context(rule_dirs, options=options)
    except RulesInvalid as exc:
        for err in exc.errors:
            click.echo(err, err=True)
        click.echo(f"cleaner: {len(exc.errors)} rule error(s); nothing was cleaned", err=True)
        sys.exit(EXIT_USAGE)
    if not skip_examples:
        from cleaner.rulebook.examples import run_examples

        failures, _ = run_examples(ctx.rules, options)
        if failures:
            for failure in failures:
                click.echo(failure, err=True)
            click.echo(f"cleaner: {len(failures)} rule example(s) fail; nothing was cleaned (--skip-examples to run anyway)", err=True)
            sys.exit(EXIT_USAGE)
    return ctx


def _discover_inputs(inputs: tuple[Path, ...], outdir: Path, site_from: str | None) -> tuple[list[Any], list[Any], list[str]]:
    """The .txt pages and record shards among the inputs, with their sites; problems reported (exit 2 if nothing)."""
    from cleaner.io.formats import discover_shards, is_shard

    problems: list[str] = []
    sources = discover(list(inputs), problems, outdir)
    shards = discover_shards(list(inputs), problems, outdir)
    if site_from:
        from cleaner.io.sites import SitePatternError, with_sites_from

        try:
            sources = with_sites_from(sources, site_from)
            shards = with_sites_from(shards, site_from)  # a shard's fallback site, for records without site/url
        except SitePatternError as exc:
            _fail(str(exc))
    sources = [src for src in sources if not is_shard(src.path)]
    for err in problems:
        click.echo(f"cleaner: {err}", err=True)
    if not sources and not shards and problems:
        sys.exit(EXIT_USAGE)
    return sources, shards, problems


def _prepare_output(outdir: Path) -> None:
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        probe = outdir / ".cleaner-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        _fail(f"{outdir}: cannot write output: {exc.strerror or exc}")
    remove_stale_temp_files(outdir)


def _engine(name: str, address: str | None, jobs: int) -> Engine:
    from cleaner.engines.local import LocalEngine

    if name != "ray":
        return LocalEngine(jobs)
    try:
        from cleaner.engines.ray import RayEngine

        return RayEngine(address, jobs)
    except ImportError:
        _fail("--engine ray needs Ray: pip install -e '.[ray]'")


class _Passes:
    """The scan and clean passes of one run on an engine, with the progress bar, the manifest and the summary."""

    def __init__(self, eng: Engine, sources: list[Any], shards: list[Any], spec: Any, outdir: Path, rule_dirs: list[Path],
                 options: dict[str, Any], jobs: int, quiet: bool) -> None:
        from cleaner.io.shards import count_records
        from cleaner.review.progress import wanted

        self.eng, self.sources, self.shards, self.spec, self.outdir = eng, sources, shards, spec, outdir
        self.rule_dirs, self.options, self.jobs, self.quiet = rule_dirs, options, jobs, quiet
        self.show_bar = not quiet and wanted(sys.stderr)
        # records, not shards, are the bar's unit: a corpus of a few big shards would otherwise sit at 0% for hours
        self.shard_records = {sh.rel: count_records(sh) for sh in shards} if self.show_bar else {}
        self.timings: dict[str, Any] = {}

    def scan(self) -> dict[str, Any]:
        from cleaner.core.pipeline import now

        if self.show_bar:
            click.echo(f"cleaner: scanning {len(self.sources) + sum(self.shard_records.values()):,} pages for corpus statistics", err=True)
        started = now()
        from cleaner.engines import driver

        stats = driver.scan(self.eng, self.sources, self.rule_dirs, self.options, shards=self.shards, spec=self.spec)
        self.timings["scan_seconds"] = now() - started
        if stats:
            self.options["corpus_fingerprint"] = stats.get("__fingerprint__", "")
        return stats

    def clean(self, stats: dict[str, Any], force: bool) -> list[Any]:
        from cleaner.core.pipeline import STATE_DIR, ManifestWriter, load_manifest, now
        from cleaner.engines import driver
        from cleaner.review.progress import Progress

        started = now()
        done = {} if force else load_manifest(self.outdir)
        if force:  # and no resuming inside a shard either
            shutil.rmtree(self.outdir / STATE_DIR / "partial", ignore_errors=True)  # the shards' checkpoints
        manifest = ManifestWriter(self.outdir)
        results: list[Any] = []
        bar = Progress(len(self.sources) + sum(self.shard_records.values()), enabled=self.show_bar)
        reported: dict[str, int] = {}

        def records_written(shard_rel: str, n: int) -> None:
            reported[shard_rel] = reported.get(shard_rel, 0) + n
            bar.update(n)

        try:
            for result in driver.clean(self.eng, self.sources, self.outdir, self.rule_dirs, stats, self.options, done,
                                       shards=self.shards, spec=self.spec, progress=records_written if self.show_bar else None):
                manifest.record(result)
                results.append(result)
                self._tell(result, bar)
                if result.rel in self.shard_records:  # a resumed or failed shard's records count as done too
                    bar.update(max(self.shard_records[result.rel] - reported.get(result.rel, 0), 0))
                else:
                    bar.update()
        except KeyboardInterrupt:
            bar.close()
            manifest.close()
            remove_stale_temp_files(self.outdir)
            click.echo(f"cleaner: interrupted after {len(results)} pages; run the same command again to resume", err=True)
            sys.exit(130)
        finally:
            bar.close()
            manifest.close()
        self.timings["clean_seconds"] = now() - started
        return results

    def _tell(self, result: Any, bar: Any) -> None:
        if result.status in ("skipped", "failed") or result.warnings:
            bar.clear()
        if result.status in ("skipped", "failed"):
            click.echo(f"cleaner: {result.message}", err=True)
        elif result.resumed_at and not self.quiet:
            bar.clear()
            click.echo(f"cleaner: {result.rel}: {result.message}", err=True)
        for w in result.warnings:
            click.echo(f"cleaner: warning: {w}", err=True)

    def finish(self, ctx: Any, stats: dict[str, Any], results: list[Any], problems: list[str], seconds: float,
               report: str | None) -> None:
        """The summary and the costs, the report if asked, and the exit status."""
        from cleaner.core.pipeline import detector_table, summarize, write_summary

        summary = summarize(results, self.outdir, ctx.rules, problems)
        if hasattr(stats.get("dedup"), "report"):  # pages and paragraphs found on other pages
            summary["duplicates"] = stats["dedup"].report()
        self.timings["seconds"] = seconds
        self.timings["corpus_stats_bytes"] = len(pickle.dumps(stats))  # the scan pass's statistics, as sent to every worker
        self.timings["detectors"] = detector_table(results)  # proposals, edits and seconds of each detector
        path = write_summary(self.outdir, summary, self.timings)
        if not self.quiet:
            _print_summary(summary, path, seconds)
        if report is not None:
            from cleaner.review.cli import make_report

            make_report(self.outdir, Path(report) if report else None, quiet=self.quiet)
        sys.exit(EXIT_OK if not summary["problems"] else EXIT_PARTIAL)


def _check_output(inputs: tuple[Path, ...], outdir: Path) -> None:
    out = outdir.resolve()
    for inp in inputs:
        if not inp.exists():
            continue
        real = inp.resolve()
        if real == out:
            _fail(f"{outdir}: output directory is the input; choose another -o")
        if inp.is_file() and real.parent == out and not real.name.endswith(".raw.txt"):
            _fail(f"{inp}: input file is inside the output directory and would be overwritten")


def _print_summary(summary: dict[str, Any], path: Path, seconds: float) -> None:
    click.echo(
        f"{summary['pages']} pages: {summary['pages_cleaned']} cleaned, {summary['pages_resumed']} already done, "
        f"{summary['pages_skipped']} skipped, {summary['pages_failed']} failed in {seconds:.2f}s"
    )
    raw, clean = summary["raw_chars"], summary["clean_chars"]
    if raw:
        click.echo(f"{raw:,} characters in, {clean:,} out ({100 * (raw - clean) / raw:.1f}% removed)")
    if summary["stages"]:
        click.echo(f"{'stage':<10} {'edits':>7} {'removed':>9}")
        for stage, s in summary["stages"].items():
            click.echo(f"{stage:<10} {s['edits']:>7} {s['chars_removed']:>9}")
        click.echo("top rules:")
        for rule, r in list(summary["rules"].items())[:12]:
            click.echo(f"  {rule:<36} {r['edits']:>5} edits {r['chars_removed']:>7} chars removed")
    dup = summary.get("duplicates") or {}
    if dup.get("duplicate_pages") or dup.get("duplicate_paragraphs"):
        click.echo(f"duplicates across pages: {len(dup['duplicate_pages'])} pages, {dup['duplicate_paragraphs']} paragraphs "
                   "(listed in the summary; --dedup-corpus removes the paragraphs)")
    click.echo(f"summary: {path}")


@main.command()
@click.argument("output", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "record_id", default=None, metavar="ID",
              help="OUTPUT is a record shard: rebuild this record (its id, or its number counted from 1).")
@click.option("-o", "--output", "dest", type=click.Path(path_type=Path), help="Where to write the raw page (default: stdout).")
def restore(output: Path, record_id: str | None, dest: Path | None) -> None:
    """Rebuild the raw page from OUTPUT (a cleaned page, or a record of a cleaned shard) and its change log, byte for byte."""
    from cleaner.io.changelog import find_record, read_txt_output, text_sha256
    from cleaner.io.formats import is_shard
    from cleaner.io.pages import atomic_write, sha256

    try:
        if record_id is not None or is_shard(output):
            if record_id is None:
                _fail(f"{output}: a record shard: name the record with --id ID")
            record = find_record(output, str(record_id))
            data = record.raw.encode("utf-8", "surrogatepass")
            ok = text_sha256(record.raw) == record.header.get("raw_sha256", text_sha256(record.raw))
        else:
            page = read_txt_output(output)
            data = encode(page.raw, page.header.get("encoding", "utf-8"))
            ok = sha256(data) == page.header.get("raw_sha256", sha256(data))
    except (PageError, UnicodeError) as exc:
        _fail(f"{output}: cannot restore: {exc}")
        return
    if not ok:
        _fail(f"{output}: restored bytes do not match the raw page's hash (was the clean text edited?)")
    if dest is None:
        sys.stdout.buffer.write(data)
    else:
        atomic_write(dest, data)


@main.group()
def rules() -> None:
    """List, check and test rules."""


def _load_or_exit(dirs: tuple[Path, ...], builtin: bool = False) -> Any:
    """The rules of DIRS (the shipped rules when none is given; with ``builtin``, the shipped rules and DIRS
    together, as ``run --add-rules DIRS`` loads them)."""
    from cleaner.stages import load_stage_rules

    rule_dirs = list(dirs) or [default_rules_dir()]
    if builtin and dirs:
        shipped = default_rules_dir()
        rule_dirs = [shipped] + [d for d in rule_dirs if d.resolve() != shipped.resolve()]
    for d in rule_dirs:
        if not d.exists():
            _fail(f"{d}: no such rules directory")
    return load_stage_rules(rule_dirs)


no_builtin_option = click.option("--no-builtin", is_flag=True,
                                  help="Check DIRS alone, not together with the shipped rules (as `run --rules DIRS`).")


@rules.command("list")
@click.argument("dirs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--settings", "show_settings", is_flag=True, help="List every stage's settings instead: value, default, what it does.")
@click.option("--markdown", is_flag=True, help="With --settings: as the Markdown of docs/settings.md.")
@click.option("--preset", default=None, metavar="NAME", help="With --settings: the values under this preset.")
def rules_list(dirs: tuple[Path, ...], show_settings: bool, markdown: bool, preset: str | None) -> None:
    """List rules: id, type, stage, file:line (or, with --settings, every stage's settings)."""
    ruleset = _load_or_exit(dirs)
    if show_settings:
        from cleaner.rulebook.presets import PresetError, load_preset
        from cleaner.rulebook.reference import render_markdown, render_presets, render_text, settings_reference
        from cleaner.stages import stage_settings

        rule_dirs = list(dirs) or [default_rules_dir()]
        try:
            overrides = load_preset(preset, rule_dirs, stage_settings()).settings if preset else {}
        except PresetError as exc:
            _fail("; ".join(exc.errors))
        docs = settings_reference(ruleset, rule_dirs, overrides)
        click.echo(render_markdown(docs) + render_presets(rule_dirs, docs) if markdown else render_text(docs), nl=False)
        sys.exit(EXIT_USAGE if ruleset.errors else EXIT_OK)
    for r in ruleset.rules:
        click.echo(f"{r.id}\t{r.type}\t{r.stage}\t{r.where}")
    for err in ruleset.errors:
        click.echo(err, err=True)
    sys.exit(EXIT_USAGE if ruleset.errors else EXIT_OK)


@rules.command("check")
@click.argument("dirs", nargs=-1, type=click.Path(path_type=Path))
@no_builtin_option
def rules_check(dirs: tuple[Path, ...], no_builtin: bool) -> None:
    """Validate rules (DIRS together with the shipped rules); print file:line: message for each problem, then
    warnings: a rule without examples, a rule that changes most lines of the sample pages.  With DIRS, every
    example is run too: a user's rule that contradicts an example (its own or a shipped one) is named."""
    from cleaner.rulebook.examples import lint_warnings, run_examples

    ruleset = _load_or_exit(dirs, builtin=not no_builtin)
    for err in ruleset.errors:
        click.echo(err)
    if ruleset.errors:
        click.echo(f"{len(ruleset.errors)} error(s)", err=True)
        sys.exit(EXIT_USAGE)
    shipped = default_rules_dir().resolve()
    mine = [r for r in ruleset.rules if shipped not in Path(r.file).resolve().parents] if dirs else ruleset.rules
    warnings = lint_warnings(mine, default_rules_dir().parent / "raw")
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
    failures = run_examples(ruleset)[0] if dirs else []
    for f in failures:
        click.echo(f)
    if failures:
        click.echo(f"{len(failures)} example(s) fail with these rules", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{len(ruleset.rules)} rules OK" + (f", {len(warnings)} warning(s)" if warnings else ""))


@rules.command("test")
@click.argument("dirs", nargs=-1, type=click.Path(path_type=Path))
@no_builtin_option
def rules_test(dirs: tuple[Path, ...], no_builtin: bool) -> None:
    """Run every rule's embedded examples (text it must remove, text it must keep), DIRS with the shipped rules."""
    from cleaner.rulebook.examples import run_examples

    ruleset = _load_or_exit(dirs, builtin=not no_builtin)
    if ruleset.errors:
        for err in ruleset.errors:
            click.echo(err)
        sys.exit(EXIT_USAGE)
    failures, checked = run_examples(ruleset)
    for f in failures:
        click.echo(f)
    click.echo(f"{checked - len(failures)} passed, {len(failures)} failed")
    sys.exit(EXIT_PARTIAL if failures else EXIT_OK)


# The commands that live in their own modules, registered before anything can run `main`
# (``python -m cleaner.cli`` runs this module as __main__: a guard above these lines hid them).
from cleaner.cli.chrome import chrome_group  # noqa: E402
from cleaner.cli.filter import clean_command  # noqa: E402
from cleaner.cli.spell import spell_command  # noqa: E402
from cleaner.review.cli import diff, report, stats  # noqa: E402
from cleaner.rulebook.suggest import suggest_command  # noqa: E402

rules.add_command(suggest_command)
main.add_command(diff)
main.add_command(stats)
main.add_command(report)
main.add_command(spell_command)
main.add_command(clean_command)
main.add_command(chrome_group)

if __name__ == "__main__":  # pragma: no cover
    main()
