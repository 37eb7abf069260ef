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
from typing import Any

import click

from cleaner import __version__
from cleaner.corpus import PageError, discover, encode, log_path, read_log, remove_stale_temp_files
from cleaner.page import restore_text
from cleaner.rules import default_rules_dir, load_rules

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def _rule_dirs(rules: tuple[Path, ...], add_rules: tuple[Path, ...]) -> list[Path]:
    return list(rules or (default_rules_dir(),)) + list(add_rules)


def _fail(msg: str) -> None:
    click.echo(f"cleaner: {msg}", err=True)
    sys.exit(EXIT_USAGE)


rules_option = click.option(
    "--rules", "rules", multiple=True, type=click.Path(path_type=Path),
    help="Rule directory or file (repeatable); replaces the shipped rules.",
)
add_rules_option = click.option(
    "--add-rules", "add_rules", multiple=True, type=click.Path(path_type=Path),
    help="Extra rule directory or file, used with the shipped rules (repeatable).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleaner")
def main() -> None:
    """Clean scraped web text, with a change log for every edit."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path), help="Output directory.")
@rules_option
@add_rules_option
@click.option("--site-from", metavar="REGEX", expose_value=False, callback=lambda c, _p, v: c.meta.__setitem__("site_from", v),
              help="Take each page's site from its path (named group 'site', else group 1) instead of its directory.")
@click.option("--vocab", metavar="NAME_OR_FILE", multiple=True, expose_value=False,
              callback=lambda c, _p, v: c.meta.__setitem__("vocab", list(v)),
              help="Spelling: use only these vocabularies (a declared name or a word-list file; repeatable).")
@click.option("-j", "--jobs", type=int, default=0, help="Worker processes (default: all cores).")
@click.option("--force", is_flag=True, help="Clean every page again, even those the manifest says are done.")
@click.option("--text-field", default="text", show_default=True, help="Record shards (.jsonl[.gz|.zst], .parquet): the field holding the page.")
@click.option("--id-field", default=None, help="Record shards: the field naming each page (default: the shard's name).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: this machine's processes; ray: Ray Data (pip install -e .[ray]).")
@click.option("--address", default=None, help="Ray cluster address (default: start a local Ray instance).")
@click.option("--regex-timeout", type=float, default=1.0, show_default=True, help="Seconds one rule may spend matching a page.")
@click.option("--skip-examples", is_flag=True, help="Do not run the rules' examples before cleaning.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("--report", "report", is_flag=False, flag_value="", default=None, metavar="[FILE]",
              help="Also write the HTML report (default: OUTDIR/report.html).")
@click.option("--chrome-model", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path), expose_value=False,
              callback=lambda c, _p, v: c.meta.__setitem__("chrome_model", v),
              help="Chrome model to use (from `cleaner chrome train`; default: the shipped rules/chrome/model.json).")
@click.option("--keep-comments", is_flag=True, expose_value=False, callback=lambda c, _p, v: c.meta.__setitem__("keep_comments", v),
              help="Keep reader comment threads and forum posts (their furniture still goes).")
# cross-page duplicates are reported by default; this option removes them
@click.option("--dedup-corpus", is_flag=True, expose_value=False, callback=lambda c, _p, v: c.meta.__setitem__("dedup_corpus", v),
              help="Remove paragraphs copied from another page (the first page in name order keeps them).")
def run(inputs: tuple[Path, ...], outdir: Path, rules: tuple[Path, ...], add_rules: tuple[Path, ...], jobs: int,
        force: bool, regex_timeout: float, skip_examples: bool, quiet: bool, report: str | None = None,
        text_field: str = "text", id_field: str | None = None, engine: str = "local", address: str | None = None) -> None:
    """Clean INPUTS (.txt pages, record shards, or directories of them) into OUTDIR."""
    from cleaner.engines import local
    from cleaner.formats import FieldSpec, discover_shards, is_shard
    from cleaner.pipeline import STATE_DIR, ManifestWriter, RulesInvalid, load_manifest, make_context, now, summarize, write_summary

    started = now()
    rule_dirs = _rule_dirs(rules, add_rules)
    for d in rule_dirs:
        if not d.exists():
            _fail(f"{d}: rules directory does not exist")
    _check_output(inputs, outdir)
    options: dict[str, Any] = {"regex_timeout": regex_timeout}
    site_from = click.get_current_context().meta.get("site_from")
    if site_from:
        options["site_from"] = site_from
    if click.get_current_context().meta.get("dedup_corpus"):
        options["dedup_corpus"] = True
    if click.get_current_context().meta.get("keep_comments"):
        options["keep_comments"] = True
    options.update(_chrome_model_options(click.get_current_context().meta.get("chrome_model")))
    try:
        ctx = make_context(rule_dirs, options=options)
    except RulesInvalid as exc:
        for err in exc.errors:
            click.echo(err, err=True)
        click.echo(f"cleaner: {len(exc.errors)} rule error(s); nothing was cleaned", err=True)
        sys.exit(EXIT_USAGE)
    if not skip_examples:
        from cleaner.ruletest import run_examples

        failures, _ = run_examples(ctx.rules, options)
        if failures:
            for failure in failures:
                click.echo(failure, err=True)
            click.echo(f"cleaner: {len(failures)} rule example(s) fail; nothing was cleaned (--skip-examples to run anyway)", err=True)
            sys.exit(EXIT_USAGE)
    discover_errors: list[str] = []
    sources = discover(list(inputs), discover_errors, outdir)
    shards = discover_shards(list(inputs), discover_errors, outdir)
    if site_from:
        from cleaner.sites import SitePatternError, with_sites_from

        try:
            sources = with_sites_from(sources, site_from)
            shards = with_sites_from(shards, site_from)  # a shard's fallback site, for records without site/url
        except SitePatternError as exc:
            _fail(str(exc))
    sources = [src for src in sources if not is_shard(src.path)]
    spec = FieldSpec(text_field, id_field)
    for err in discover_errors:
        click.echo(f"cleaner: {err}", err=True)
    if not sources and not shards and discover_errors:
        sys.exit(EXIT_USAGE)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        probe = outdir / ".cleaner-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        _fail(f"{outdir}: cannot write output: {exc.strerror or exc}")
    remove_stale_temp_files(outdir)
    jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    # -- spelling: --vocab selection and the word lists' digest (after the examples, which test the shipped rules) --
    from cleaner.spell_cli import vocab_options
    options.update(vocab_options(rule_dirs, click.get_current_context().meta.get("vocab") or []))
    eng: Any = local
    if engine == "ray":
        from cleaner.engines import ray as eng  # type: ignore[no-redef,attr-defined,unused-ignore]

        try:
            eng.start(address, jobs)
        except ImportError:
            _fail("--engine ray needs Ray Data: pip install -e '.[ray]'")
    from cleaner.review.progress import Progress, wanted
    from cleaner.shards import count_records

    show_bar = not quiet and wanted(sys.stderr)
    # records, not shards, are the bar's unit: a corpus of a few big shards would otherwise sit at 0% for hours
    shard_records = {sh.rel: count_records(sh) for sh in shards} if show_bar else {}
    if show_bar:
        click.echo(f"cleaner: scanning {len(sources) + sum(shard_records.values()):,} pages for corpus statistics", err=True)
    stats = eng.scan(sources, rule_dirs, options, jobs, shards=shards, spec=spec)
    if stats:
        options["corpus_fingerprint"] = stats.get("__fingerprint__", "")
    done = {} if force else load_manifest(outdir)
    if force:  # and no resuming inside a shard either
        for state in ("partial", "parts"):  # the local engine's checkpoints, the Ray workers' parts
            shutil.rmtree(outdir / STATE_DIR / state, ignore_errors=True)
    manifest = ManifestWriter(outdir)
    results = []
    bar = Progress(len(sources) + sum(shard_records.values()), enabled=show_bar)
    reported: dict[str, int] = {}

    def records_written(shard_rel: str, n: int) -> None:
        reported[shard_rel] = reported.get(shard_rel, 0) + n
        bar.update(n)

    try:
        for result in eng.clean(sources, outdir, rule_dirs, stats, options, jobs, done, shards=shards, spec=spec,
                                progress=records_written if show_bar else None):
            manifest.record(result)
            results.append(result)
            if result.status in ("skipped", "failed") or result.warnings:
                bar.clear()
            if result.status in ("skipped", "failed"):
                click.echo(f"cleaner: {result.message}", err=True)
            elif result.resumed_at and not quiet:
                bar.clear()
                click.echo(f"cleaner: {result.rel}: {result.message}", err=True)
            for w in result.warnings:
                click.echo(f"cleaner: warning: {w}", err=True)
            if result.rel in shard_records:  # a resumed or failed shard's records count as done too
                bar.update(max(shard_records[result.rel] - reported.get(result.rel, 0), 0))
            else:
                bar.update()
    except KeyboardInterrupt:
        bar.close()
        manifest.close()
        remove_stale_temp_files(outdir)
        click.echo(f"cleaner: interrupted after {len(results)} pages; run the same command again to resume", err=True)
        sys.exit(130)
    finally:
        bar.close()
        manifest.close()
    summary = summarize(results, outdir, now() - started, ctx.rules, discover_errors)
    if hasattr(stats.get("dedup"), "report"):  # pages and paragraphs found on other pages
        summary["duplicates"] = stats["dedup"].report()
    summary["corpus_stats_bytes"] = len(pickle.dumps(stats))  # the scan pass's statistics, as sent to every worker
    path = write_summary(outdir, summary)
    if not quiet:
        _print_summary(summary, path)
    if report is not None:
        from cleaner.review.cli import make_report
        make_report(outdir, Path(report) if report else None, quiet=quiet)
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


def _print_summary(summary: dict[str, Any], path: Path) -> None:
    click.echo(
        f"{summary['pages']} pages: {summary['pages_cleaned']} cleaned, {summary['pages_resumed']} already done, "
        f"{summary['pages_skipped']} skipped, {summary['pages_failed']} failed in {summary['seconds']:.2f}s"
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
@click.argument("clean_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), help="Where to write the raw page (default: stdout).")
def restore(clean_file: Path, output: Path | None) -> None:
    """Rebuild the raw page from CLEAN_FILE and its change log, byte for byte."""
    from cleaner.corpus import atomic_write, sha256

    log = log_path(clean_file)
    if not log.exists():
        _fail(f"{clean_file}: no change log {log.name} beside it")
    try:
        header, edits = read_log(log)
        clean = clean_file.read_bytes().decode("utf-8")
        raw = restore_text(clean, edits)
        data = encode(raw, header.get("encoding", "utf-8"))
    except (PageError, ValueError, UnicodeError) as exc:
        _fail(f"{clean_file}: cannot restore: {exc}")
        return
    expected = header.get("raw_sha256")
    if expected and sha256(data) != expected:
        _fail(f"{clean_file}: restored bytes do not match the raw page's hash (was the clean text edited?)")
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        atomic_write(output, data)


def _chrome_model_options(path: Path | None) -> dict[str, Any]:
    """The run's chrome model (when given) and the digest of the model used, so a resumed run notices a new one."""
    import hashlib

    from cleaner.rules import default_rules_dir

    used = path or default_rules_dir() / "chrome" / "model.json"
    out: dict[str, Any] = {"chrome_model": str(path.resolve())} if path else {}
    if used.exists():
        out["chrome_model_digest"] = hashlib.sha256(used.read_bytes()).hexdigest()[:16]
    return out


@main.group()
def chrome() -> None:
    """The chrome model: train it on your own pages with gold."""


@chrome.command("train")
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the model (JSON).")
@rules_option
@add_rules_option
def chrome_train(folders: tuple[Path, ...], output: Path, rules: tuple[Path, ...], add_rules: tuple[Path, ...]) -> None:
    """Train a chrome model on FOLDERS of NAME.raw.txt + NAME.gold.txt pairs (each folder one corpus; an optional
    manifest.tsv with `id` and `site` columns groups pages by site).  Use it with `cleaner run --chrome-model`."""
    from cleaner.chrome_train import dumps, train
    from cleaner.pipeline import RulesInvalid, make_context

    try:
        ctx = make_context(_rule_dirs(rules, add_rules))
    except RulesInvalid as exc:
        _fail("\n".join(exc.errors))
    try:
        model = train(list(folders), ctx)
    except ValueError as exc:
        _fail(str(exc))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(dumps(model), encoding="utf-8")
    t = model["trained_on"]
    click.echo(f"{output}: trained on {t['pages']} pages, {t['lines']} labelled lines ({t['chrome_lines']} chrome)")


@main.group()
def rules() -> None:
    """List, check and test rules."""


def _load_or_exit(dirs: tuple[Path, ...]) -> Any:
    from cleaner.stages import STAGE_NAMES

    rule_dirs = list(dirs) or [default_rules_dir()]
    for d in rule_dirs:
        if not d.exists():
            _fail(f"{d}: no such rules directory")
    ruleset = load_rules(rule_dirs, known_stages=STAGE_NAMES + ("__disabled__",))
    return ruleset


@rules.command("list")
@click.argument("dirs", nargs=-1, type=click.Path(path_type=Path))
def rules_list(dirs: tuple[Path, ...]) -> None:
    """List rules: id, type, stage, file:line."""
    ruleset = _load_or_exit(dirs)
    for r in ruleset.rules:
        click.echo(f"{r.id}\t{r.type}\t{r.stage}\t{r.where}")
    for err in ruleset.errors:
        click.echo(err, err=True)
    sys.exit(EXIT_USAGE if ruleset.errors else EXIT_OK)


@rules.command("check")
@click.argument("dirs", nargs=-1, type=click.Path(path_type=Path))
def rules_check(dirs: tuple[Path, ...]) -> None:
    """Validate rules; print file:line: message for each problem."""
    ruleset = _load_or_exit(dirs)
    for err in ruleset.errors:
        click.echo(err)
    if ruleset.errors:
        click.echo(f"{len(ruleset.errors)} error(s)", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{len(ruleset.rules)} rules OK")


@rules.command("test")
@click.argument("dirs", nargs=-1, type=click.Path(path_type=Path))
def rules_test(dirs: tuple[Path, ...]) -> None:
    """Run every rule's embedded examples (text it must remove, text it must keep)."""
    from cleaner.ruletest import run_examples

    ruleset = _load_or_exit(dirs)
    if ruleset.errors:
        for err in ruleset.errors:
            click.echo(err)
        sys.exit(EXIT_USAGE)
    failures, checked = run_examples(ruleset)
    for f in failures:
        click.echo(f)
    click.echo(f"{checked - len(failures)} passed, {len(failures)} failed")
    sys.exit(EXIT_PARTIAL if failures else EXIT_OK)


from cleaner.suggest import suggest_command  # noqa: E402

rules.add_command(suggest_command)

if __name__ == "__main__":  # pragma: no cover
    main()


from cleaner.review.cli import diff, report, stats  # noqa: E402

main.add_command(diff)
main.add_command(stats)
main.add_command(report)

from cleaner.spell_cli import spell_command  # noqa: E402

main.add_command(spell_command)
