"""The optional integrations, tested for real with their libraries (`make test-integrations` installs them): a
corpus of two sites cleaned through ``datasets.map`` and a datatrove pipeline gives `cleaner run`'s text and edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_api import corpus, run_outputs

from cleaner import Cleaner

datasets = pytest.importorskip("datasets", reason="the datasets extra: make test-integrations")
datatrove = pytest.importorskip("datatrove", reason="the datatrove extra: make test-integrations")


def scanned_stats(pages: list[tuple[str, str, str]], path: Path) -> str:
    cleaner = Cleaner(dedup_corpus=True)
    cleaner.scan(pages)
    cleaner.save_stats(path)
    return str(path)


def test_datasets_map_gives_what_cleaner_run_gives(tmp_path: Path) -> None:
    from cleaner.integrations.datasets import CleanBatch

    pages = corpus(tmp_path / "in")
    expected = run_outputs(tmp_path / "in", tmp_path / "out", "--dedup-corpus")
    ds = datasets.Dataset.from_dict({"text": [p[0] for p in pages], "site": [p[1] for p in pages], "id": [p[2] for p in pages]})
    fn = CleanBatch(stats=scanned_stats(pages, tmp_path / "stats.pkl"), dedup_corpus=True)
    out = ds.map(fn, batched=True, batch_size=2, num_proc=2, load_from_cache_file=False)
    for row in out:
        clean, edits, _ = expected[row["id"]]
        assert row["text"] == clean and json.loads(row["cleaner_edits"]) == edits, row["id"]


def test_a_datatrove_pipeline_gives_what_cleaner_run_gives(tmp_path: Path) -> None:
    from datatrove.data import Document
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.writers import JsonlWriter

    from cleaner.integrations.datatrove import CleanerStep

    pages = corpus(tmp_path / "in")
    expected = run_outputs(tmp_path / "in", tmp_path / "out", "--dedup-corpus")
    docs = [Document(text=t, id=name, metadata={"site": site}) for t, site, name in pages]
    pipeline = [docs, CleanerStep(stats=scanned_stats(pages, tmp_path / "stats.pkl"), dedup_corpus=True),
                JsonlWriter(str(tmp_path / "dt"), compression=None)]
    LocalPipelineExecutor(pipeline=pipeline, tasks=1, logging_dir=str(tmp_path / "logs")).run()
    rows = [json.loads(line) for f in sorted((tmp_path / "dt").glob("*.jsonl")) for line in f.read_text().splitlines()]
    assert len(rows) == len(pages)
    for row in rows:
        clean, edits, _ = expected[row["id"]]
        assert row["text"] == clean and row["metadata"]["cleaner_edits"] == edits, row["id"]
