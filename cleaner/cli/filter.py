"""``cleaner clean -``: a Unix filter over the library API (one page, or JSON Lines records, on stdin).

    curl -s https://example.org/page | html2text | cleaner clean - --log page.changes.jsonl > page.txt
    cleaner clean - --jsonl < records.jsonl > clean.jsonl

A page is scanned before it is cleaned, as ``cleaner run`` scans its corpus; JSONL records are read whole first so
that the corpus statistics cover them all (``--no-corpus-stats`` streams them instead).  Exit status as ``run``:
0 all cleaned, 1 some page or record could not be (named on stderr), 2 usage or rules error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from cleaner.cli.options import preset_option, skip_stage_option, stage_options, stages_option

if TYPE_CHECKING:
    from cleaner.api import Cleaner

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2
BATCH = 64


@click.command("clean")
@click.argument("source", type=click.Choice(["-"]), metavar="-")
@click.option("--log", "log", type=click.Path(dir_okay=False, path_type=Path), help="Write the change log here.")
@click.option("--jsonl", is_flag=True, help="Records, one JSON object a line, instead of one page; every other field is kept.")
@click.option("--no-corpus-stats", is_flag=True, help="With --jsonl: clean each record as it comes (no scan pass, no buffering).")
@click.option("--text-field", default="text", show_default=True, help="With --jsonl: the field holding the page.")
@click.option("--id-field", default=None, help="With --jsonl: the field naming each record (default: 'id' where there is one).")
@click.option("--site", default=None, help="The page's site (default: the page is a site of its own); records: their site/url field.")
@click.option("--rules", "rules", multiple=True, type=click.Path(path_type=Path), help="Rule directory or file (repeatable); replaces the shipped rules.")
@click.option("--add-rules", "add_rules", multiple=True, type=click.Path(path_type=Path), help="Extra rule directory or file (repeatable).")
@click.option("--vocab", metavar="NAME_OR_FILE", multiple=True, help="Spelling: use only these vocabularies (repeatable).")
@click.option("--skip-examples", is_flag=True, help="Do not run the rules' examples first.")
@stages_option
@skip_stage_option
@preset_option
def clean_command(source: str, log: Path | None, jsonl: bool, no_corpus_stats: bool, text_field: str, id_field: str | None,
                  site: str | None, rules: tuple[Path, ...], add_rules: tuple[Path, ...], vocab: tuple[str, ...],
                  skip_examples: bool, stages: str | None, skip_stage: tuple[str, ...], preset: str | None) -> None:
    """Clean one page from standard input (-) to standard output; with --jsonl, records to records."""
    from cleaner.api import Cleaner, CleanerError

    try:
        chosen = stage_options(stages, skip_stage).get("stages")
        cleaner = Cleaner(rules=list(rules) or None, add_rules=list(add_rules), vocab=vocab, stages=chosen, preset=preset,
                          check_examples=not skip_examples)
    except CleanerError as exc:
        for err in exc.errors:
            click.echo(err, err=True)
        click.echo(f"cleaner: {len(exc.errors)} rule problem(s); nothing was cleaned", err=True)
        sys.exit(EXIT_USAGE)
    out = sys.stdout.buffer
    if jsonl:
        status = _records(cleaner, sys.stdin.buffer, out, log, text_field, id_field, site, not no_corpus_stats)
    else:
        status = _page(cleaner, sys.stdin.buffer.read(), out, log, site)
    out.flush()
    sys.exit(status)


def _page(cleaner: Cleaner, data: bytes, out: IO[bytes], log: Path | None, site: str | None) -> int:
    from cleaner.io.pages import PageError, atomic_write, decode, sha256

    try:
        raw, encoding = decode(data, "-")
    except PageError as exc:
        click.echo(f"cleaner: {exc}", err=True)
        return EXIT_PARTIAL
    name = "-"
    cleaner.scan([(raw, site or name, name)])
    result = cleaner.clean(raw, site or name, name)
    if any("\udc80" <= ch <= "\udcff" for ch in result.text):
        click.echo("cleaner: -: undecodable bytes left in the clean text", err=True)
        return EXIT_PARTIAL
    result.header.update(source="-", encoding=encoding, raw_sha256=sha256(data))
    if log is not None:
        atomic_write(log, result.log())
    out.write(result.text.encode("utf-8"))
    return EXIT_OK


def _records(cleaner: Cleaner, stream: IO[bytes], out: IO[bytes], log: Path | None, text_field: str, id_field: str | None,
             site: str | None, corpus_stats: bool) -> int:
    """Records in, records out (in order, every field kept); a record that is not JSON or has no text is copied
    unchanged and named on stderr."""
    from cleaner.io.formats import FieldSpec
    from cleaner.io.pages import atomic_write
    from cleaner.io.shards import RecordBatch, ScanTotals, clean_batch, collectors_of, jsonl_bytes, scan_batch

    spec = FieldSpec(text_field, id_field)
    fallback = site or "-"
    if corpus_stats:
        lines = [line.rstrip(b"\n") for line in stream]
        batch = RecordBatch("-", fallback, spec, lines=lines)
        collectors = collectors_of(cleaner.stages, cleaner.ctx)
        totals = ScanTotals()
        totals.add(collectors, scan_batch(batch, collectors))
        cleaner.ctx.stats = totals.finish() if collectors else {}
        chunks: Iterator[list[bytes]] = (lines[i : i + BATCH] for i in range(0, len(lines), BATCH))
    else:
        chunks = _chunked(stream)
    logs: list[bytes] = []
    status = EXIT_OK
    first = 0
    for chunk in chunks:
        outs = clean_batch(RecordBatch("-", fallback, spec, lines=chunk, first=first), cleaner.ctx, cleaner.stages)
        first += len(outs)
        data, log_part = jsonl_bytes(outs)
        out.write(data)
        logs.append(log_part)
        for o in outs:
            if o.problem:
                click.echo(f"cleaner: {o.problem}", err=True)
                status = EXIT_PARTIAL
    if log is not None:
        atomic_write(log, b"".join(logs))
    return status


def _chunked(stream: IO[bytes]) -> Iterator[list[bytes]]:
    chunk: list[bytes] = []
    for line in stream:
        chunk.append(line.rstrip(b"\n"))
        if len(chunk) >= BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
