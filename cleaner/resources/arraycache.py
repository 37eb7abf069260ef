"""A disk cache of the numpy arrays that models and word lists are unpacked into.

Every worker process used to unpack the language-identification model (an
LZMA-compressed archive, ~0.7 s) and each word list it touched (~0.2-0.4 s a
language) afresh: on a multilingual corpus that was seconds per worker before
the first page, every run.  The unpacked arrays are kept here as ``.npy``
files and opened memory-mapped, so a process starts in milliseconds and the
workers of a run share one copy of the pages in the OS page cache instead of
holding one each.

An entry is a directory of arrays named by what it was built from (package
versions, source file name and size), written to a temporary directory and
renamed into place, so a reader sees a whole entry or none; storing a new
version prunes the older ones but the last used.  When the cache
cannot be written (read-only home, full disk) or an entry cannot be read, the
arrays are built in memory, as before: the cache only ever saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

#: bump when the layout of any entry changes
_FORMAT = "1"


def cache_dir() -> Path:
    """``$CLEANER_CACHE_DIR``, else ``$XDG_CACHE_HOME/cleaner``, else ``~/.cache/cleaner``."""
    explicit = os.environ.get("CLEANER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory at all (some containers): a per-user temporary one
            base = str(Path(tempfile.gettempdir()) / f"cleaner-cache-{os.getuid()}")
    return Path(base) / "cleaner"


def source_stamp(path: str | Path) -> str:
    """What identifies a packaged source file's version cheaply, wherever it is installed: its name and size
    (callers add the package's version).  Not its path or time: every virtualenv, and every fresh checkout
    that CI installs, has its own copy, and keyed by those each one stored a 93 MB model of its own."""
    return f"{Path(path).name}:{os.stat(path).st_size}"


def cached_arrays(kind: str, name: str, stamp: str, keys: tuple[str, ...],
                  build: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The arrays ``build()`` returns (named ``keys``), from the cache when an entry for (``kind``, ``name``,
    ``stamp``) is there.

    Arrays read from the cache are read-only views of memory maps; ``build`` must return arrays of plain dtypes
    (no objects), which is what makes them mappable."""
    digest = hashlib.blake2b(f"{_FORMAT}|{kind}|{name}|{stamp}".encode(), digest_size=8).hexdigest()
    entry = cache_dir() / kind / f"{name}-{digest}"
    if entry.is_dir():
        try:
            # plain views of the maps: indexing a np.memmap goes through Python code, a view's does not
            found = {key: np.load(entry / f"{key}.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray) for key in keys}
            with contextlib.suppress(OSError):
                os.utime(entry)  # used: what pruning goes by
            return found
        except (OSError, ValueError):
            pass  # a damaged entry: rebuild it below
    arrays = build()
    if set(arrays) != set(keys):
        raise ValueError(f"{kind}/{name}: built {sorted(arrays)}, expected {sorted(keys)}")
    with contextlib.suppress(OSError):  # no cache this time; the arrays are good
        _store(entry, arrays)
        _prune(entry)
    return arrays


#: entries kept per model or word list: the one just stored and the one used last before it (another
#: installation, of another version, may still be using it; one pruned is rebuilt, it only costs time)
KEEP_VERSIONS = 2


def _prune(entry: Path) -> None:
    """Remove the entry's older versions (the same kind and name, other stamps) beyond `KEEP_VERSIONS`, least
    recently used first, so that upgrades do not pile up entries of 93 MB."""
    name = entry.name.rsplit("-", 1)[0]
    siblings = [p for p in entry.parent.iterdir() if p.is_dir() and p.name.rsplit("-", 1)[0] == name and p != entry]
    siblings.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in siblings[KEEP_VERSIONS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)  # a process reading it keeps its maps; one opening it rebuilds


def _store(entry: Path, arrays: dict[str, np.ndarray]) -> None:
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{entry.name}.", dir=entry.parent))
    try:
        for key, arr in arrays.items():
            np.save(tmp / f"{key}.npy", np.ascontiguousarray(arr), allow_pickle=False)
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)  # a damaged entry
        os.replace(tmp, entry)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not entry.is_dir():  # another process may have stored the same entry meanwhile
            raise
