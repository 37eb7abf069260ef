"""A Hugging Face ``datasets.map`` recipe (``pip install 'cleaner[datasets]'``).

    from cleaner.integrations.datasets import CleanBatch

    cleaner = Cleaner()
    cleaner.scan(zip(ds["text"], ds["site"], ds["id"]))      # optional: corpus statistics, as `cleaner run`
    cleaner.save_stats("stats.pkl")
    ds = ds.map(CleanBatch(stats="stats.pkl"), batched=True, num_proc=4)

Each row gets the clean text in its text column and the edits (as the change log's JSON) in ``cleaner_edits``.
The callable holds only options and a path, so it pickles to every process; each process builds its cleaner once.
"""

from __future__ import annotations

import json
from typing import Any

from cleaner.api import Cleaner
from cleaner.integrations import CleanerSpec


class CleanBatch:
    """``datasets.map(..., batched=True)`` function: clean the text column, add the edits column."""

    def __init__(self, stats: str | None = None, text_column: str = "text", site_column: str = "site", id_column: str = "id",
                 edits_column: str = "cleaner_edits", **options: Any) -> None:
        self.spec = CleanerSpec(options, stats)
        self.text_column, self.site_column, self.id_column, self.edits_column = text_column, site_column, id_column, edits_column
        self._cleaner: Cleaner | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_cleaner": None}  # the options travel, not the loaded rules

    def __call__(self, batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        if self._cleaner is None:
            self._cleaner = self.spec.build()
        texts = batch[self.text_column]
        sites = batch.get(self.site_column) or [None] * len(texts)
        ids = batch.get(self.id_column) or [None] * len(texts)
        clean, edits = [], []
        for text, site, ident in zip(texts, sites, ids):
            name = str(ident) if ident is not None else "page"
            result = self._cleaner.clean(text, site if site else name, name)
            clean.append(result.text)
            edits.append(json.dumps(result.edits_json(), ensure_ascii=False))
        return {**batch, self.text_column: clean, self.edits_column: edits}
