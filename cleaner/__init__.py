"""cleaner: clean scraped web text, with a change log for every edit.

The library API (`Cleaner`, `Result`, `restore`) lives in `cleaner.api`; it is imported on first use, so that
``import cleaner`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cleaner._version import __version__

__all__ = ["Cleaner", "CleanerError", "Result", "__version__", "restore"]

if TYPE_CHECKING:
    from cleaner.api import Cleaner, CleanerError, Result, restore


def __getattr__(name: str) -> Any:
    if name in ("Cleaner", "CleanerError", "Result", "restore"):
        from cleaner import api

        return getattr(api, name)
    raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
