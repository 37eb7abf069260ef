"""Record shards: JSON Lines (plain, gzip, zstd) and Parquet files of pages, one record per page.

A corpus of millions of pages is not a directory of millions of ``.txt``
files; it is a few hundred shards of records.  This module finds shards,
streams their records in bounded batches (never a whole shard in memory) and
writes the cleaned shard plus its change log with the same compression.

Choices (see README, "Corpus formats"):
- ``.jsonl`` and ``.jsonl.gz`` need nothing beyond the standard library;
- ``.jsonl.zst`` needs ``zstandard`` (a small, well-kept wheel), imported only when such a shard is seen;
- ``.parquet`` needs ``pyarrow``, an optional extra (``pip install -e .[parquet]``), imported lazily too.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from cleaner.io.pages import atomic_write, temp_file_beside

SHARD_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".parquet")
EDITS_MARK = ".edits"


class ShardError(Exception):
    """A shard that cannot be read or written; the message names it."""


@dataclass(frozen=True)
class FieldSpec:
    """Which record fields hold the text, the page id and the site."""

    text_field: str = "text"
    id_field: str | None = None  # None: ``id`` where a record has one

    @property
    def id_name(self) -> str:
        """The field that names a record (the shard's name stands in where a record lacks it)."""
        return self.id_field or "id"


@dataclass
class Shard:
    """One input shard and where its outputs go (``rel`` keeps the input's name and suffix)."""

    path: Path
    rel: str
    site: str  # the fallback site: the shard's directory, as for .txt pages

    @property
    def suffix(self) -> str:
        return shard_suffix(self.path.name) or ""


def shard_suffix(name: str) -> str | None:
    for suf in sorted(SHARD_SUFFIXES, key=len, reverse=True):
        if name.endswith(suf):
            return suf
    return None


def is_shard(path: Path) -> bool:
    name = path.name
    suf = shard_suffix(name)
    return suf is not None and not name[: -len(suf)].endswith(EDITS_MARK)


def edits_rel(rel: str) -> str:
    """``dir/NAME.jsonl.gz`` -> ``dir/NAME.edits.jsonl.gz``; Parquet's change log is plain JSONL."""
    suf = shard_suffix(rel) or ""
    stem = rel[: -len(suf)] if suf else rel
    return stem + EDITS_MARK + (".jsonl" if suf == ".parquet" else suf)


def discover_shards(inputs: list[Path], errors: list[str], outdir: Path | None = None) -> list[Shard]:
    """Record shards among the inputs (files, or directories searched recursively), in a stable order.

    The same walk as for pages (`cleaner.io.pages.discover`); its problems are reported by the pages' walk, so
    they are not repeated here.
    """
    from cleaner.io.pages import discover

    return [Shard(src.path, src.rel, src.site) for src in discover(inputs, [], outdir, accept=is_shard)]


def record_site(rec: dict[str, Any], fallback: str) -> str:
    """A record's site: its ``site`` field, else the host of its ``url`` field, else the shard's directory."""
    site = rec.get("site")
    if isinstance(site, str) and site:
        return site
    url = rec.get("url")
    if isinstance(url, str) and url:
        with contextlib.suppress(ValueError):
            host = urlsplit(url).hostname
            if host:
                return host[4:] if host.startswith("www.") else host
    return fallback


# -- reading --------------------------------------------------------------------------
def _open_read(path: Path) -> Any:
    name = path.name
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    if name.endswith(".zst"):
        try:
            import zstandard
        except ImportError:
            raise ShardError(f"{path}: reading .zst needs the zstandard package (pip install zstandard)") from None
        return zstandard.ZstdDecompressor().stream_reader(path.open("rb"), read_across_frames=True)  # type: ignore[no-any-return]
    return path.open("rb")


def iter_jsonl_lines(path: Path, batch_lines: int = 256) -> Iterator[list[bytes]]:
    """Raw lines (without newline) of a JSONL shard in batches; workers parse them, not the reader."""
    with _open_read(path) as raw:
        fh = io.BufferedReader(raw) if path.name.endswith(".zst") else raw
        batch: list[bytes] = []
        for line in fh:
            if line.endswith(b"\n"):
                line = line[:-1]
                if line.endswith(b"\r"):
                    line = line[:-1]
            if not line.strip():
                continue
            batch.append(line)
            if len(batch) >= batch_lines:
                yield batch
                batch = []
        if batch:
            yield batch


def iter_parquet(path: Path, spec: FieldSpec, batch_rows: int = 256) -> Iterator[Any]:
    """Record batches (pyarrow) of a Parquet shard."""
    pq = _pyarrow_parquet(path)
    pf = pq.ParquetFile(path)
    if spec.text_field not in pf.schema_arrow.names:
        raise ShardError(f"{path}: no column {spec.text_field!r} (--text-field)")
    yield from pf.iter_batches(batch_size=batch_rows)


def _pyarrow_parquet(path: Path) -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ShardError(f"{path}: Parquet needs pyarrow (pip install -e .[parquet])") from None
    return pq


# -- writing --------------------------------------------------------------------------
class PartialShard:
    """A JSONL shard's output so far, kept in the run's state directory so that an interrupted run resumes
    inside the shard instead of at its first record.

    The cleaned lines, the log lines and the shard's warnings are appended uncompressed, batch by batch, and
    after each batch a small JSON file (written atomically) says how many records, and how many bytes of each
    file, are complete; bytes past that (a kill between a batch and its checkpoint) are cut off on resume.  Compression happens once, when
    the shard is complete, so the finished files' bytes never depend on where, or whether, a run was interrupted.
    """

    def __init__(self, state_dir: Path, rel: str) -> None:
        base = state_dir / "partial" / rel
        self.out = base.with_name(base.name + ".out")
        self.log = base.with_name(base.name + ".log")
        self.warnings = base.with_name(base.name + ".warnings")
        self.meta = base.with_name(base.name + ".json")

    def resume(self, key: str) -> dict[str, Any] | None:
        """The last checkpoint of a run with the same key, its files cut back to it; None to start afresh."""
        try:
            meta = json.loads(self.meta.read_bytes())
            if meta.get("key") != key:
                raise ValueError("another key")
            for path, size in ((self.out, int(meta["out_bytes"])), (self.log, int(meta["log_bytes"])),
                               (self.warnings, int(meta["warnings_bytes"]))):
                with path.open("r+b") as fh:
                    if fh.seek(0, os.SEEK_END) < size:
                        raise ValueError("shorter than its checkpoint")
                    fh.truncate(size)
            meta["warnings"] = [json.loads(line) for line in self.warnings.read_bytes().splitlines()]
        except (OSError, ValueError, KeyError, TypeError):
            self.discard()
            return None
        return meta  # type: ignore[no-any-return]

    def start(self) -> None:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        for path in (self.out, self.log, self.warnings):
            path.write_bytes(b"")
        with contextlib.suppress(OSError):
            self.meta.unlink()

    def save(self, state: dict[str, Any], sizes: dict[str, int]) -> None:
        atomic_write(self.meta, json.dumps({**state, **sizes}).encode())

    def finish(self, out_path: Path, log_path: Path) -> None:
        """Compress (or move) the complete files into place: the log first, the shard last."""
        for src, dst in ((self.log, log_path), (self.out, out_path)):
            if dst.name.endswith((".gz", ".zst")):
                tmp = _tempname(dst)
                try:
                    with src.open("rb") as fh, _open_write(tmp) as sink:
                        shutil.copyfileobj(fh, sink, 1 << 20)
                    os.replace(tmp, dst)
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.unlink(tmp)
                    raise
            else:
                os.replace(src, dst)
        self.discard()

    def discard(self) -> None:
        for path in (self.meta, self.out, self.log, self.warnings):
            with contextlib.suppress(OSError):
                path.unlink()


class ShardWriter:
    """Write a cleaned shard and its change log to temp files, renamed into place on ``commit``.

    Compression matches the input; gzip headers carry no time stamp so that
    outputs are byte-identical from run to run and engine to engine.  A JSONL
    shard goes through a :class:`PartialShard` (resumable, compressed at the end).
    """

    def __init__(self, out_path: Path, log_path: Path, parquet_schema: Any = None,
                 partial: PartialShard | None = None) -> None:
        self.out_path, self.log_path = out_path, log_path
        out_path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = partial
        self._parquet = None
        self._out: IO[bytes] | None = None
        self._tmp_out = self._tmp_log = ""
        self._warnings: IO[bytes] | None = None
        if partial is not None:
            self._out = partial.out.open("ab")
            self._log = partial.log.open("ab")
            self._warnings = partial.warnings.open("ab")
            return
        self._tmp_out = _tempname(out_path)
        self._tmp_log = _tempname(log_path)
        self._log = _open_write(self._tmp_log)
        if out_path.name.endswith(".parquet"):
            pq = _pyarrow_parquet(out_path)
            self._parquet = pq.ParquetWriter(str(self._tmp_out), parquet_schema)
        else:
            self._out = _open_write(self._tmp_out)

    def write_bytes(self, out: bytes, log: bytes) -> None:
        """Whole lines, each ending in a newline, of the shard and of its log."""
        assert self._out is not None
        self._out.write(out)
        self._log.write(log)

    def write_table(self, table: Any, log_lines: list[bytes]) -> None:
        assert self._parquet is not None
        self._parquet.write_table(table)
        self._write_log(log_lines)

    def _write_log(self, log_lines: list[bytes]) -> None:
        for line in log_lines:
            self._log.write(line + b"\n")

    def checkpoint(self, state: dict[str, Any], warnings: list[str]) -> None:
        """Record that everything written so far, and this batch's warnings, are complete (resumable shards only):
        warnings are appended, not rewritten, so a shard with many of them costs no more per batch."""
        if self.partial is None or self._out is None or self._warnings is None:
            return
        for w in warnings:
            self._warnings.write(json.dumps(w).encode() + b"\n")
        for fh in (self._out, self._log, self._warnings):
            fh.flush()
        self.partial.save(state, {"out_bytes": self._out.tell(), "log_bytes": self._log.tell(),
                                  "warnings_bytes": self._warnings.tell()})

    def commit(self) -> None:
        self._close()
        if self.partial is not None:
            self.partial.finish(self.out_path, self.log_path)
            return
        os.replace(self._tmp_log, self.log_path)
        os.replace(self._tmp_out, self.out_path)  # the shard last: its presence means both are complete

    def abort(self) -> None:
        """Give the shard up (it failed): nothing of it is kept."""
        with contextlib.suppress(Exception):
            self._close()
        if self.partial is not None:
            self.partial.discard()
        for p in (self._tmp_out, self._tmp_log):
            if p:
                with contextlib.suppress(OSError):
                    os.unlink(p)

    def suspend(self) -> None:
        """The run is being stopped: keep a resumable shard's checkpoint for the next run, drop the rest."""
        if self.partial is None:
            self.abort()
            return
        with contextlib.suppress(Exception):
            self._close()

    def _close(self) -> None:
        if self._warnings is not None:
            self._warnings.close()
        if self._out is not None:
            self._out.close()
        if self._parquet is not None:
            self._parquet.close()
        self._log.close()


def _tempname(path: Path) -> str:
    # the same temp files as atomic_write's, so remove_stale_temp_files cleans them after a crash
    fd, tmp = temp_file_beside(path)
    os.close(fd)
    return tmp


def _open_write(tmp: str) -> Any:
    inner = _inner(tmp)
    if inner.endswith(".gz"):
        return _GzipOut(tmp)
    if inner.endswith(".zst"):
        import zstandard

        return zstandard.ZstdCompressor(level=3).stream_writer(open(tmp, "wb"), closefd=True)  # type: ignore[no-any-return]  # noqa: SIM115
    return open(tmp, "wb")  # noqa: SIM115


class _GzipOut(gzip.GzipFile):
    """gzip without a time stamp or file name in its header (byte-identical reruns); closes its file too."""

    def __init__(self, path: str) -> None:
        self._raw = open(path, "wb")  # noqa: SIM115
        super().__init__(filename="", mode="wb", fileobj=self._raw, mtime=0)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


def _inner(tmp: str) -> str:
    """The final file name inside a temp name ``.NAME.XXXXXXXX.tmp``."""
    name = Path(tmp).name
    return name[1:].rsplit(".", 2)[0]
