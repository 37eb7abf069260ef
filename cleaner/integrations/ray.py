"""A Ray Data ``map_batches`` recipe (``pip install 'cleaner[ray]'``).

    from cleaner.integrations.ray import CleanBatch

    ds = ray.data.read_parquet("corpus/")
    ds = ds.map_batches(CleanBatch, fn_constructor_kwargs={"stats": "stats.pkl"}, concurrency=8)

Ray builds one `CleanBatch` per actor (so the rules load once per actor) and hands it batches of columns as
NumPy arrays; each row gets the clean text in its text column and the edits (the change log's JSON) in
``cleaner_edits``.  Corpus statistics come from `Cleaner.scan` + `Cleaner.save_stats`, as for ``datasets``.
"""

from __future__ import annotations

from typing import Any

from cleaner.integrations.datasets import CleanBatch as _ListBatch


class CleanBatch(_ListBatch):
    """``map_batches`` callable class: the ``datasets`` recipe on Ray's column arrays."""

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        columns = {k: list(v) for k, v in batch.items()}
        out = super().__call__(columns)
        return {k: np.asarray(v, dtype=object) if k in (self.text_column, self.edits_column) else batch[k] for k, v in out.items()}
