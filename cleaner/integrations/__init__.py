"""Integrations with other data tools, each an optional extra: `datasets` (Hugging Face), `datatrove` and `ray`
(Ray Data's ``map_batches``).

Each builds a `cleaner.Cleaner` in each worker from picklable options, so they work with ``num_proc``, with
datatrove's executors and with Ray's actors; corpus statistics come from a scan the user runs first (`Cleaner.scan` then
`Cleaner.save_stats`), or are left out (each page cleaned on its own evidence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.api import Cleaner


@dataclass
class CleanerSpec:
    """What it takes to build the same `Cleaner` in another process: its options and, if any, a statistics file."""

    options: dict[str, Any] = field(default_factory=dict)
    stats: str | None = None  # a file written by Cleaner.save_stats

    def build(self) -> Cleaner:
        cleaner = Cleaner(**self.options)
        if self.stats is not None:
            cleaner.load_stats(Path(self.stats))
        return cleaner
