"""A datatrove pipeline step (``pip install 'cleaner[datatrove]'``).

    from cleaner.integrations.datatrove import CleanerStep

    pipeline = [JsonlReader("in/"), CleanerStep(stats="stats.pkl"), JsonlWriter("out/")]

Each document's text is cleaned and its edits go in ``metadata["cleaner_edits"]`` (the change log's JSON); its site
is ``metadata["site"]`` (else the document is its own site).  Corpus statistics: run `Cleaner.scan` over the
documents first and `Cleaner.save_stats`, then give the file as ``stats`` (or none: each page on its own evidence).
"""

from __future__ import annotations

from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from cleaner.integrations import CleanerSpec


class CleanerStep(PipelineStep):  # type: ignore[misc]
    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, stats: str | None = None, site_key: str = "site", edits_key: str = "cleaner_edits", **options: Any) -> None:
        super().__init__()
        self.spec = CleanerSpec(options, stats)
        self.site_key, self.edits_key = site_key, edits_key

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        cleaner = self.spec.build()  # in the worker: the rules are loaded where they are used
        for doc in data:
            with self.track_time():
                name = str(doc.id)
                result = cleaner.clean(doc.text, doc.metadata.get(self.site_key) or name, name)
                doc.text = result.text
                doc.metadata[self.edits_key] = result.edits_json()
            self.stat_update("edits", value=len(result.edits))
            yield doc
