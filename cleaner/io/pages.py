"""Reading pages, writing results atomically, and the change-log format.

Decoding is reversible: UTF-8 is read with ``surrogateescape`` so a stray
byte becomes a lone surrogate that normalize repairs as a logged edit, and
the change log's header names the encoding so ``restore`` can give back the
raw bytes exactly.  Outputs are written to a temporary file in the same
directory and renamed into place, so a crash never leaves half a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LOG_SUFFIX = ".changes.jsonl"
LOG_VERSION = 1
PAGE_SUFFIXES = (".txt",)


class PageError(Exception):
    """A page that cannot be cleaned; the message is one line naming the reason."""


@dataclass
class Source:
    """One input page: where it is read from and where its outputs go (relative)."""

    path: Path
    rel: str  # output path relative to OUTDIR, without suffix change (NAME.txt)
    site: str


def discover(inputs: list[Path], errors: list[str], outdir: Path | None = None,
             accept: Callable[[Path], bool] | None = None) -> list[Source]:
    """Files and directories (recursively, ``*.txt``) -> sources, in a stable order.

    A page's site is the folder it sits in below the input folder; a page directly in the input folder (or named
    as an input) is its own site.

    ``accept`` picks other files instead (record shards): then it also filters the files named as inputs.
    """
    sources: list[Source] = []
    seen: set[Path] = set()
    out_resolved = outdir.resolve() if outdir is not None else None
    for inp in inputs:
        if not inp.exists():
            errors.append(f"{inp}: no such file or directory")
            continue
        if inp.is_file():
            real = inp.resolve()
            if real not in seen and (accept is None or accept(inp)):
                seen.add(real)
                sources.append(Source(inp, inp.name, inp.name))  # a page named alone: a site of its own
            continue
        visited_dirs: set[tuple[int, int]] = set()
        for root, dirs, files in os.walk(inp, followlinks=True, onerror=lambda e: errors.append(f"{e.filename}: {e.strerror}")):
            root_path = Path(root)
            try:
                st = root_path.stat()
            except OSError as exc:
                errors.append(f"{root_path}: {exc.strerror}")
                dirs[:] = []
                continue
            key = (st.st_dev, st.st_ino)
            if key in visited_dirs:
                errors.append(f"{root_path}: directory loop (symlink) skipped")
                dirs[:] = []
                continue
            visited_dirs.add(key)
            if out_resolved is not None and root_path.resolve() == out_resolved:
                dirs[:] = []
                continue
            dirs.sort()
            for fname in sorted(files):
                p = root_path / fname
                if not (accept(p) if accept is not None else fname.endswith(PAGE_SUFFIXES) and not fname.endswith(LOG_SUFFIX)):
                    continue
                try:
                    real = p.resolve()
                except (OSError, RuntimeError):
                    errors.append(f"{p}: cannot resolve path (symlink loop?)")
                    continue
                if real in seen:
                    continue
                seen.add(real)
                rel = p.relative_to(inp).as_posix()
                # a page in a folder of its own site's pages belongs to that site; one lying loose in the input
                # folder is of an unknown site, its own (unrelated pages beside it must not change how it is cleaned)
                site = p.parent.relative_to(inp).as_posix() if p.parent != inp else rel
                sources.append(Source(p, rel, site))
    return sources


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Bytes -> (text, encoding).  Raises PageError for what is not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        if len(data) % 2:
            raise PageError(f"{name}: UTF-16 byte-order mark but an odd number of bytes; skipped")
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            raise PageError(f"{name}: invalid UTF-16 at byte {exc.start}; skipped") from None
    if b"\x00" in data[:65536] or b"\x00" in data:
        raise PageError(f"{name}: binary file (NUL bytes); skipped")
    return data.decode("utf-8", errors="surrogateescape"), "utf-8"


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-8":
        return text.encode("utf-8", errors="surrogateescape")
    return text.encode(encoding, errors="surrogatepass")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: outputs get the mode a plain ``open()`` would give them (0644 under umask 022), not mkstemp's private 0600
OUTPUT_MODE = 0o666 & ~_current_umask()


def temp_file_beside(path: Path) -> tuple[int, str]:
    """A temporary file in ``path``'s folder (renamed into place when complete), with the outputs' mode."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, OUTPUT_MODE)
    return fd, tmp


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temp file beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temp_file_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


_TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def remove_stale_temp_files(outdir: Path) -> int:
    """Temp files a killed run left behind (atomic_write's, never a finished output)."""
    removed = 0
    if outdir.is_dir():
        for p in outdir.rglob(".*.tmp"):
            if _TEMP_NAME.match(p.name) and p.is_file():
                with contextlib.suppress(OSError):
                    p.unlink()
                    removed += 1
    return removed


def log_path(clean_path: Path) -> Path:
    name = clean_path.name
    stem = name[: -len(".txt")] if name.endswith(".txt") else name
    return clean_path.with_name(stem + LOG_SUFFIX)
