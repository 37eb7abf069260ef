"""The Ray engine gives byte-identical outputs and change logs to the local engine (run by `make test-ray`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

if not os.environ.get("CLEANER_TEST_RAY"):
    pytest.skip("Ray tests run with `make test-ray` (CLEANER_TEST_RAY=1)", allow_module_level=True)
pytest.importorskip("ray.data")

from test_formats import records, tree, write_jsonl  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def run(inp: Path, out: Path, *extra: str) -> None:
    r = subprocess.run([sys.executable, "-m", "cleaner", "run", str(inp), "-o", str(out), "-q", "--skip-examples", "-j", "2", *extra],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]


def test_sample_corpus_same_on_ray(tmp_path: Path) -> None:
    run(ROOT / "raw", tmp_path / "local")
    run(ROOT / "raw", tmp_path / "ray", "--engine", "ray")
    assert tree(tmp_path / "local") == tree(tmp_path / "ray")
    texts = {k: v for k, v in tree(tmp_path / "ray").items() if k.endswith(".txt")}
    assert texts == {k: v for k, v in tree(ROOT / "cleaned").items() if k.endswith(".txt")}


def test_generated_shards_same_on_ray(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    write_jsonl(inp / "a.jsonl", records(150), bad_line=True, bad_at=100, blank_every=9)
    write_jsonl(inp / "b" / "c.jsonl.gz", records(70), bad_line=True)
    shutil.copytree(ROOT / "raw", inp / "txt")
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist([{k: v for k, v in r.items() if k != "meta"} for r in records(100)]), inp / "d.parquet")
    run(inp, tmp_path / "local", "--id-field", "id")
    run(inp, tmp_path / "ray", "--id-field", "id", "--engine", "ray")
    local, ray = tree(tmp_path / "local"), tree(tmp_path / "ray")
    assert set(local) == set(ray)
    for name in local:
        assert local[name] == ray[name], name


def test_interrupted_ray_run_resumes_inside_the_shard(tmp_path: Path) -> None:
    """Ctrl-C during a Ray run keeps the shard's checkpoint (the driver writes record shards on every engine):
    the next run goes on from it, and the finished shard is byte for byte the local engine's."""
    import signal
    import time

    from cleaner.io.shards import BATCH_RECORDS

    inp, out = tmp_path / "in", tmp_path / "ray"
    recs = records(8 * BATCH_RECORDS)
    write_jsonl(inp / "big.jsonl", recs, bad_line=True, bad_at=150)
    run(inp, tmp_path / "local")
    checkpoint = out / ".cleaner" / "partial" / "big.jsonl.json"
    cmd = [sys.executable, "-m", "cleaner", "run", str(inp), "-o", str(out), "-j", "2", "--skip-examples", "--engine", "ray"]
    proc = subprocess.Popen([*cmd, "-q"], start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None and not checkpoint.exists():
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=120) == 130
    assert checkpoint.exists() and not (out / "big.jsonl").exists(), "interrupted before the first checkpoint, or after the end"
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "(resumed after record " in again.stderr
    assert tree(out) == tree(tmp_path / "local")


def test_a_ray_data_pipeline_gives_what_cleaner_run_gives(tmp_path: Path) -> None:
    """Inside a user's Ray Data pipeline, ``map_batches(CleanBatch)`` gives each row `cleaner run`'s text and edits."""
    import json

    import ray
    import ray.data
    from test_api import corpus, run_outputs

    from cleaner import Cleaner
    from cleaner.integrations.ray import CleanBatch

    pages = corpus(tmp_path / "in")
    expected = run_outputs(tmp_path / "in", tmp_path / "out", "--dedup-corpus")
    scanned = Cleaner(dedup_corpus=True)
    scanned.scan(pages)
    scanned.save_stats(tmp_path / "stats.pkl")
    stats = str(tmp_path / "stats.pkl")
    ray.init(num_cpus=2, include_dashboard=False, ignore_reinit_error=True, log_to_driver=False)
    try:
        ds = ray.data.from_items([{"text": t, "site": site, "id": name} for t, site, name in pages])
        rows = ds.map_batches(CleanBatch, fn_constructor_kwargs={"stats": stats, "dedup_corpus": True},
                              batch_size=2, concurrency=2).take_all()
    finally:
        ray.shutdown()
    assert len(rows) == len(pages)
    for row in rows:
        clean, edits, _ = expected[row["id"]]
        assert row["text"] == clean and json.loads(row["cleaner_edits"]) == edits, row["id"]


def test_copies_across_records_without_ids_removed_alike_on_ray(tmp_path: Path) -> None:
    """Records without an id field are told apart by their record numbers on both engines: the same copies
    are removed, and the first record holding a paragraph keeps it."""
    import json
    import random

    rng = random.Random(5)
    words = "river bridge bakery council market garden harbour orchard lantern pepper violin quarry meadow tunnel".split()
    pool = [" ".join(random.Random(i).sample(words, 12)) + "." for i in range(8)]  # paragraphs unlike each other
    # a site each: a paragraph on many pages of one site would be that site's chrome, not a copy
    recs = [{"url": f"https://site{n}.example/post", "text": "\n".join([*rng.sample(pool, 3), f"Record {n} alone says this."])}
            for n in range(60)]
    inp = tmp_path / "in"
    write_jsonl(inp / "a.jsonl", recs)
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(recs[:25]), inp / "b.parquet")
    run(inp, tmp_path / "local", "--dedup-corpus")
    run(inp, tmp_path / "ray", "--dedup-corpus", "--engine", "ray")
    local, ray = tree(tmp_path / "local"), tree(tmp_path / "ray")
    assert local == ray
    texts = [json.loads(line)["text"] for line in (tmp_path / "local" / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(p in texts[0] for p in recs[0]["text"].splitlines()[:3])  # the first record keeps its paragraphs
    assert [sum(p in t for t in texts) for p in pool] == [1] * len(pool)  # and every paragraph stays once
    assert "a.jsonl#1," in (tmp_path / "local" / "a.edits.jsonl").read_text(encoding="utf-8")
