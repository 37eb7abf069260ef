"""Record shards: every field kept, text cleaned, one change-log line per record, same whatever the jobs; resume per shard."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner.core.page import Edit, restore_text

ROOT = Path(__file__).resolve().parent.parent


def records(n: int) -> list[dict[str, object]]:
    samples = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt"))]
    return [{"id": f"doc-{i}", "url": f"https://www.site{i % 3}.example/p/{i}", "text": samples[i % len(samples)] + f"\nPage {i}.\n",
             "meta": {"n": i, "tags": ["a", "b"]}, "note": "café\u2028line sep"} for i in range(n)]


def write_jsonl(path: Path, recs: list[dict[str, object]], bad_line: bool = False, bad_at: int = 1,
                blank_every: int = 0) -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in recs]
    if bad_line:
        lines.insert(bad_at, "{not json")
    if blank_every:  # blank lines are no records: they neither count nor come out
        lines = [x for i, line in enumerate(lines) for x in ([line, "  "] if i % blank_every == 0 else [line])]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(data))
    elif path.name.endswith(".zst"):
        zstandard = pytest.importorskip("zstandard")
        path.write_bytes(zstandard.ZstdCompressor().compress(data))
    else:
        path.write_bytes(data)


def run(inp: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cleaner", "run", str(inp), "-o", str(out), "-q", "--skip-examples", *extra],
                          capture_output=True, text=True)


def raw_lines(path: Path) -> list[str]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return [x for x in data.decode("utf-8").split("\n") if x]


def read_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in raw_lines(path)]


def tree(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*"))
            if p.is_file() and ".cleaner" not in p.parts and p.name not in ("run-summary.json", "run-timings.json")}


@pytest.mark.parametrize("name", ["part.jsonl", "part.jsonl.gz", "part.jsonl.zst"])
def test_jsonl_shard_keeps_fields_and_logs_every_record(tmp_path: Path, name: str) -> None:
    recs = records(6)
    write_jsonl(tmp_path / "in" / name, recs, bad_line=True)
    r = run(tmp_path / "in", tmp_path / "out", "--id-field", "id", "-j", "1")
    assert r.returncode == 0, r.stderr
    if name.endswith(".zst"):
        import zstandard

        with (tmp_path / "out" / name).open("rb") as fh:
            text = zstandard.ZstdDecompressor().stream_reader(fh).read().decode()
        assert len(text.split("\n")) == len(recs) + 2  # the records, the unparsed line, the final newline
        return
    out_lines = raw_lines(tmp_path / "out" / name)
    log = read_lines(tmp_path / "out" / name.replace(".jsonl", ".edits.jsonl"))
    assert len(out_lines) == len(log) == len(recs) + 1
    assert out_lines[1] == "{not json" and "not JSON" in log[1]["page"]["problem"]  # type: ignore[index]
    good = [json.loads(o) for i, o in enumerate(out_lines) if i != 1]
    good_log = [entry for i, entry in enumerate(log) if i != 1]
    for rec, o, entry in zip(recs, good, good_log):
        assert [k for k in o] == [k for k in rec]  # type: ignore[union-attr]
        assert o["meta"] == rec["meta"] and o["note"] == rec["note"]  # type: ignore[index]
        assert len(o["text"]) < len(rec["text"])  # type: ignore[arg-type,index]
        page = entry["page"]  # type: ignore[index]
        assert page["name"] == rec["id"] and page["site"] == f"site{int(str(rec['id'])[4:]) % 3}.example"
        edits = [Edit.from_json(e) for e in entry["edits"]]  # type: ignore[index,union-attr]
        assert restore_text(o["text"], edits) == rec["text"]  # type: ignore[arg-type,index]


def test_a_bad_record_is_named_by_its_place_in_the_shard(tmp_path: Path) -> None:
    """Past the first batch, and with blank lines before it, a bad line is still 'record 101' of its shard."""
    write_jsonl(tmp_path / "in" / "a.jsonl", records(130), bad_line=True, bad_at=100, blank_every=7)
    r = run(tmp_path / "in", tmp_path / "out", "-j", "1")
    assert r.returncode == 0, r.stderr
    warnings = json.loads((tmp_path / "out" / "run-summary.json").read_text())["warnings"]
    assert any(w.startswith("a.jsonl: record 101: not JSON") for w in warnings), warnings
    assert len(raw_lines(tmp_path / "out" / "a.jsonl")) == 131  # the blank lines are dropped, the bad one kept


def test_jsonl_output_is_the_same_whatever_the_jobs(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in" / "a.jsonl.gz", records(40))
    write_jsonl(tmp_path / "in" / "sub" / "b.jsonl", records(15))
    assert run(tmp_path / "in", tmp_path / "one", "-j", "1").returncode == 0
    assert run(tmp_path / "in", tmp_path / "two", "-j", "2").returncode == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert set(tree(tmp_path / "one")) == {"a.jsonl.gz", "a.edits.jsonl.gz", "sub/b.jsonl", "sub/b.edits.jsonl"}


def test_parquet_shard_round_trip(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    recs = records(150)
    table = pa.Table.from_pylist([{k: v for k, v in r.items() if k != "meta"} for r in recs])
    (tmp_path / "in").mkdir()
    pq.write_table(table, tmp_path / "in" / "p.parquet")
    assert run(tmp_path / "in", tmp_path / "one", "-j", "1", "--id-field", "id").returncode == 0
    assert run(tmp_path / "in", tmp_path / "two", "-j", "2", "--id-field", "id").returncode == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    out = pq.read_table(tmp_path / "one" / "p.parquet")
    assert out.schema == table.schema and out.num_rows == 150
    assert out.column("id").to_pylist() == table.column("id").to_pylist()
    log = read_lines(tmp_path / "one" / "p.edits.jsonl")
    for clean, raw, entry in zip(out.column("text").to_pylist(), table.column("text").to_pylist(), log):
        assert restore_text(clean, [Edit.from_json(e) for e in entry["edits"]]) == raw  # type: ignore[index,union-attr]


def test_jsonl_shard_resumes_after_a_kill(tmp_path: Path) -> None:
    for i in range(6):
        write_jsonl(tmp_path / "in" / f"shard{i}.jsonl", records(30))
    ref = tmp_path / "ref"
    assert run(tmp_path / "in", ref, "-j", "1").returncode == 0
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "run", str(tmp_path / "in"), "-o", str(out), "-q", "-j", "1"],
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and not (out / "shard1.jsonl").exists():
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = tree(out)
    assert all(partial[k] == tree(ref)[k] for k in partial if not k.endswith(".tmp")), "a finished shard differs"
    again = subprocess.run([sys.executable, "-m", "cleaner", "run", str(tmp_path / "in"), "-o", str(out), "-j", "1"],
                           capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert tree(out) == tree(ref)
    assert not list(out.rglob("*.tmp"))
    if (out / "shard0.jsonl").exists() and "shard0.jsonl" in partial:
        assert "already done" in again.stdout and not again.stdout.startswith("6 pages: 6 cleaned")




def test_rerun_resumes_a_shard_but_not_under_other_fields(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in" / "a.jsonl", records(5))
    assert run(tmp_path / "in", tmp_path / "out", "--id-field", "id").returncode == 0
    again = subprocess.run([sys.executable, "-m", "cleaner", "run", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                            "--skip-examples", "--id-field", "id"], capture_output=True, text=True)
    assert "0 cleaned, 1 already done" in again.stdout
    other = subprocess.run([sys.executable, "-m", "cleaner", "run", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                            "--skip-examples"], capture_output=True, text=True)
    assert "1 cleaned, 0 already done" in other.stdout


def test_site_from_names_the_site_of_records_without_site_or_url(tmp_path: Path) -> None:
    recs = [{"id": f"doc-{i}", "text": f"Page {i} says hello to its readers, and then it says goodbye again."} for i in range(3)]
    write_jsonl(tmp_path / "in" / "example.org__part1.jsonl", recs)
    write_jsonl(tmp_path / "in" / "other.net__part1.jsonl", recs + [{"id": "u", "url": "https://www.own.example/x", "text": "Hi."}])
    assert run(tmp_path / "in", tmp_path / "out", "--site-from", r"^(?P<site>[^/]+?)__").returncode == 0
    sites = [e["page"]["site"] for e in read_lines(tmp_path / "out" / "example.org__part1.edits.jsonl")]  # type: ignore[index]
    assert sites == ["example.org"] * 3
    sites = [e["page"]["site"] for e in read_lines(tmp_path / "out" / "other.net__part1.edits.jsonl")]  # type: ignore[index]
    assert sites == ["other.net"] * 3 + ["own.example"]  # a record's own url wins


def test_progress_bar_counts_a_shards_records_not_the_shard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal a corpus of one big shard must still move: the bar's unit is the record (BATCH_RECORDS at a
    time), and its total counts the records of every shard before the run starts."""
    from click.testing import CliRunner

    import cleaner.review.progress as progress
    from cleaner.cli import main
    from cleaner.io.shards import BATCH_RECORDS

    n = BATCH_RECORDS + 40
    write_jsonl(tmp_path / "in" / "big.jsonl.gz", records(n))
    write_jsonl(tmp_path / "in" / "small.jsonl", records(3))
    (tmp_path / "in" / "page.txt").write_text("A page of plain prose, long enough to be a page.\n", encoding="utf-8")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(progress, "wanted", lambda stream: True)
    seen: list[int] = []
    real_update = progress.Progress.update

    def update(self: progress.Progress, k: int = 1) -> None:
        real_update(self, k)
        seen.append(self.done)

    monkeypatch.setattr(progress.Progress, "update", update)
    result = CliRunner().invoke(main, ["run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1", "--skip-examples"])
    assert result.exit_code == 0, result.output
    total = n + 3 + 1
    assert f"scanning {total:,} pages" in result.output
    assert f"{total:,}/{total:,} pages" in result.output
    assert 1 + BATCH_RECORDS in seen  # the .txt page, then the big shard's first batch: it moved within the shard
    assert seen[-1] == total
    # a second run resumes every shard: the bar still reaches its total
    seen.clear()
    result = CliRunner().invoke(main, ["run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1", "--skip-examples"])
    assert result.exit_code == 0 and seen[-1] == total


@pytest.mark.parametrize(("name", "sig"), [("big.jsonl.gz", signal.SIGKILL), ("big.jsonl", signal.SIGINT)])
def test_a_killed_run_resumes_inside_a_shard(tmp_path: Path, name: str, sig: signal.Signals) -> None:
    """A shard of hours of work must not start over after Ctrl-C or a kill: the next run goes on from the last
    checkpointed batch, and the finished files are byte for byte those of an uninterrupted run."""
    from cleaner.io.shards import BATCH_RECORDS

    write_jsonl(tmp_path / "in" / name, records(3 * BATCH_RECORDS - 1), bad_line=True)  # a warning to carry over
    ref = tmp_path / "ref"
    assert run(tmp_path / "in", ref, "-j", "1").returncode == 0
    out = tmp_path / "out"
    checkpoint = out / ".cleaner" / "partial" / f"{name}.json"
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "run", str(tmp_path / "in"), "-o", str(out), "-q", "-j", "1",
                             "--skip-examples"], start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not checkpoint.exists():
        time.sleep(0.005)
    os.killpg(proc.pid, sig)
    assert proc.wait() in (-signal.SIGKILL, 130)
    assert checkpoint.exists() and not (out / name).exists(), "killed before the first checkpoint, or after the end"
    done = json.loads(checkpoint.read_text())["records"]
    assert 0 < done < 3 * BATCH_RECORDS and done % BATCH_RECORDS == 0
    with (out / ".cleaner" / "partial" / f"{name}.out").open("ab") as fh:
        fh.write(b'{"half a record written after the checkpoint')  # the kill can land mid-write
    again = subprocess.run([sys.executable, "-m", "cleaner", "run", str(tmp_path / "in"), "-o", str(out), "-j", "1",
                            "--skip-examples"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert f"{name}: {3 * BATCH_RECORDS} records (resumed after record {done})" in again.stderr
    assert tree(out) == tree(ref)
    assert not (out / ".cleaner" / "partial" / f"{name}.json").exists()
    summary = json.loads((out / "run-summary.json").read_text())
    ref_summary = json.loads((ref / "run-summary.json").read_text())
    for key in ("raw_chars", "clean_chars", "rules", "warnings"):
        assert summary[key] == ref_summary[key], key
    assert any("not JSON" in w for w in summary["warnings"])
