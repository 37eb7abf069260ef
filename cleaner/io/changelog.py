"""The change log: one header builder, one writer per output kind, one reader for every output.

A cleaned ``.txt`` page has ``NAME.changes.jsonl`` beside it: a header line ``{"page": {...}}``, then one
edit a line.  A record shard has ``SHARD.edits.jsonl[.gz|.zst]`` beside its output: one line a record, in
record order, ``{"page": {...}, "edits": [...]}``.  Both headers come from `page_header`, so whatever a stage
notes for the log (dedup's ``duplicate_of``) reaches both; both are read back by `iter_outputs` as
`LoggedPage`s, which is all that ``restore``, ``diff``, ``stats``, ``report`` and ``rules suggest`` see.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaner._version import __version__
from cleaner.core.page import Edit, Page, restore_text
from cleaner.io.formats import EDITS_MARK, SHARD_SUFFIXES, ShardError, _open_read, _pyarrow_parquet, iter_jsonl_lines
from cleaner.io.pages import LOG_SUFFIX, PageError, log_path

if TYPE_CHECKING:
    from cleaner.rulebook.load import RuleSet

#: a record is named ``SHARD#ID`` in reviews (``SHARD#N``, its number from 1, when it has no id)
RECORD_SEP = "#"


def page_header(page: Page, rules: RuleSet, **fields: Any) -> dict[str, Any]:
    """The log header of a cleaned page or record: who it is, what cleaned it, and the stages' notes."""
    header: dict[str, Any] = {
        "name": page.name,
        "site": page.site,
        "raw_chars": len(page.raw),
        "rules_digest": rules.digest,
        "version": __version__,
        "warnings": page.warnings,
        **fields,
    }
    header.update(page.meta.get("log_header", {}))  # notes a stage adds (dedup: duplicate_of)
    if page.meta.get("kept_by_exception"):  # proposals that keep-exceptions refused, per keep rule
        header["kept_by_exception"] = dict(sorted(page.meta["kept_by_exception"].items()))
    return header


def text_sha256(text: str) -> str:
    """A record's raw text hash (its UTF-8 bytes, lone surrogates kept), as its header names it."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def serialize_log(header: dict[str, Any], edits: list[Edit]) -> bytes:
    """A ``.txt`` page's change log: the header line, then one edit a line."""
    lines = [json.dumps({"page": header}, ensure_ascii=True, sort_keys=True)]
    lines.extend(json.dumps(e.to_json(), ensure_ascii=True) for e in edits)
    return ("\n".join(lines) + "\n").encode("ascii")


def record_log(header: dict[str, Any], edits: list[Edit]) -> bytes:
    """A record's line in its shard's change log (no newline)."""
    return json.dumps({"page": header, "edits": [e.to_json() for e in edits]}, ensure_ascii=True, sort_keys=True).encode("ascii")


def read_log(path: Path) -> tuple[dict[str, Any], list[Edit]]:
    header: dict[str, Any] = {}
    edits: list[Edit] = []
    with path.open(encoding="ascii") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PageError(f"{path}:{lineno}: not JSON: {exc.msg}") from None
            if "page" in obj and "stage" not in obj:
                header = obj["page"]
            else:
                edits.append(Edit.from_json(obj))
    return header, edits


@dataclass
class LoggedPage:
    """One cleaned page as its outputs hold it: the clean text, the log header and the edits."""

    name: str  # the .txt page's path in the output directory, or SHARD#ID for a record
    header: dict[str, Any]
    edits: list[Edit]
    clean: str
    output: Path  # the clean .txt file, or the output shard holding the record
    record: int = 0  # a record's number in its shard, counted from 1 (0: a .txt page)

    @cached_property
    def raw(self) -> str:
        """The raw text, rebuilt from the clean text and the edits (what ``restore`` gives back)."""
        try:
            return restore_text(self.clean, self.edits)
        except ValueError as exc:
            raise PageError(f"{self.name}: clean text and change log do not fit: {exc}") from None


def read_txt_output(clean_path: Path, name: str | None = None) -> LoggedPage:
    """A cleaned ``.txt`` page and the log beside it; raises PageError when they do not fit together."""
    log = log_path(clean_path)
    if not log.exists():
        raise PageError(f"{clean_path}: no change log {log.name} beside it")
    header, edits = read_log(log)
    try:
        clean = clean_path.read_bytes().decode("utf-8")
    except (OSError, UnicodeError) as exc:
        raise PageError(f"{clean_path}: cannot read the clean text: {exc}") from None
    page = LoggedPage(name or header.get("name") or clean_path.name, header, edits, clean, clean_path)
    page.raw  # noqa: B018 - fail here, naming the file, when the two do not fit
    return page


def shard_of_log(log: Path) -> Path | None:
    """``NAME.edits.jsonl[.gz|.zst]`` -> the output shard it belongs to, when it exists."""
    name = log.name
    for suf in (".jsonl.gz", ".jsonl.zst", ".jsonl"):
        if name.endswith(EDITS_MARK + suf):
            stem = name[: -len(EDITS_MARK + suf)]
            for cand in ([stem + suf] + ([stem + ".parquet"] if suf == ".jsonl" else [])):
                if (log.parent / cand).exists():
                    return log.parent / cand
    return None


def is_shard_log(path: Path) -> bool:
    return any(path.name.endswith(EDITS_MARK + suf) for suf in SHARD_SUFFIXES if suf != ".parquet")


def _record_texts(shard: Path) -> Iterator[Any]:
    """Each output record of a shard, in order: its JSON object (JSONL) or its row as a dict (Parquet)."""
    if shard.name.endswith(".parquet"):
        pq = _pyarrow_parquet(shard)
        for rb in pq.ParquetFile(shard).iter_batches(batch_size=256):
            yield from rb.to_pylist()
        return
    for lines in iter_jsonl_lines(shard):
        for line in lines:
            try:
                yield json.loads(line)
            except ValueError:
                yield None


def iter_records(shard: Path, log: Path, outdir: Path | None = None) -> Iterator[LoggedPage]:
    """The cleaned records of an output shard with their log lines; a record copied unchanged (not JSON, no
    text) has a ``problem`` in its header and is passed over."""
    shard_name = shard.relative_to(outdir).as_posix() if outdir is not None else shard.name
    try:
        with _open_read(log) as fh:
            log_lines = [ln for ln in fh.read().decode("ascii").splitlines() if ln.strip()]
        records = list(_record_texts(shard))
    except (OSError, UnicodeError, ShardError) as exc:
        raise PageError(f"{shard}: cannot read: {exc}") from None
    if len(records) != len(log_lines):
        raise PageError(f"{shard}: {len(records)} records but {len(log_lines)} change-log lines in {log.name}")
    for n, (rec, line) in enumerate(zip(records, log_lines), 1):
        try:
            obj = json.loads(line)
            header, edits = obj["page"], [Edit.from_json(e) for e in obj["edits"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise PageError(f"{log}:{n}: not a change-log line: {exc}") from None
        if header.get("problem") or not isinstance(rec, dict):
            continue
        text = rec.get(header.get("text_field", "text"))
        if not isinstance(text, str):
            raise PageError(f"{shard}: record {n}: no clean text in field {header.get('text_field', 'text')!r}")
        ident = str(header.get("name", "")) if header.get("name") not in (None, "", shard.name, shard_name) else str(n)
        yield LoggedPage(f"{shard_name}{RECORD_SEP}{ident}", header, edits, text, shard, n)


def iter_outputs(outdir: Path, errors: list[str] | None = None) -> Iterator[LoggedPage]:
    """Every cleaned page and record of a run, in path order; one that cannot be read is reported, not fatal."""
    logs = sorted(p for p in outdir.rglob("*") if (p.name.endswith(LOG_SUFFIX) or is_shard_log(p)) and p.is_file())
    for log in logs:
        if ".cleaner" in log.relative_to(outdir).parts:
            continue
        try:
            if log.name.endswith(LOG_SUFFIX):
                clean = log.with_name(log.name[: -len(LOG_SUFFIX)] + ".txt")
                if not clean.exists():
                    raise PageError(f"{log}: no clean text {clean.name} beside it")
                yield read_txt_output(clean, clean.relative_to(outdir).as_posix())
                continue
            shard = shard_of_log(log)
            if shard is None:
                raise PageError(f"{log}: no output shard beside it")
            yield from iter_records(shard, log, outdir)
        except PageError as exc:
            if errors is not None:
                errors.append(str(exc))


def records_of(shard: Path) -> Iterator[LoggedPage]:
    """The cleaned records of an output shard, read with the change log beside it."""
    from cleaner.io.formats import edits_rel

    log = shard.with_name(Path(edits_rel(shard.name)).name)
    if not log.exists():
        raise PageError(f"{shard}: no change log {log.name} beside it (is it a cleaned shard?)")
    return iter_records(shard, log)


def find_record(shard: Path, ident: str) -> LoggedPage:
    """The record of an output shard named ``ident`` (its id, or its number counted from 1)."""
    for page in records_of(shard):
        if ident in (str(page.record), str(page.header.get("name"))):
            return page
    raise PageError(f"{shard}: no record with id {ident!r}")
