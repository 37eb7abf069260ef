"""One path for a cleaned page, whatever the input: `.txt` pages and record shards get the same log header, and
every review command (restore, diff, stats, report, rules suggest) reads record shards as it reads pages."""

from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path

from click.testing import CliRunner
from test_dedup import ARTICLE

from cleaner.cli import main
from cleaner.io.changelog import iter_outputs

MENU = ["Home", "Recipes", "About us", "Contact"]
FOOTER = "Copyright 2026 Greenfield Kitchen. All rights reserved."


def run_cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def records() -> list[dict[str, object]]:
    """Pages of one site (so its menu and footer repeat), one a copy of another, each with an ``id`` field."""
    story = "\n\n".join(ARTICLE)
    recs: list[dict[str, object]] = []
    for i in range(4):
        body = story if i in (0, 3) else f"Note {i}: the market opens at {i + 7} am on Saturdays, with bread, cheese and fruit."
        recs.append({"id": f"page-{i}", "site": "greenfield.example", "lang": "en",
                     "text": "\n".join(MENU) + "\n\n" + body + "\n\n" + FOOTER + "\n"})
    recs.append({"id": "page-4", "site": "greenfield.example", "text": "Caf\udcff menu\n\n" + ARTICLE[1] + "\n"})
    return recs


def write_shard(path: Path) -> list[dict[str, object]]:
    recs = records()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return recs


def test_a_duplicate_record_names_its_original_in_its_log_header_as_a_page_does(tmp_path: Path) -> None:
    write_shard(tmp_path / "in" / "pages.jsonl")
    code, out = run_cli("run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1", "-q")
    assert code == 0, out
    logs = [json.loads(line) for line in (tmp_path / "out" / "pages.edits.jsonl").read_text().splitlines()]
    assert [log["page"]["name"] for log in logs] == [f"page-{i}" for i in range(5)]  # named by `id` without --id-field
    assert logs[3]["page"]["duplicate_of"]["page"] == "pages.jsonl#1"  # SHARD#N: `restore --id 1` rebuilds it
    assert "duplicate_of" not in logs[0]["page"]


def test_restore_rebuilds_a_record_of_a_cleaned_shard_byte_for_byte(tmp_path: Path) -> None:
    recs = write_shard(tmp_path / "in" / "pages.jsonl")
    run_cli("run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1", "-q")
    shard = tmp_path / "out" / "pages.jsonl"
    for n, rec in enumerate(recs, 1):
        for ident in (str(rec["id"]), str(n)):
            res = CliRunner().invoke(main, ["restore", str(shard), "--id", ident])
            assert res.exit_code == 0, res.output
            assert res.stdout_bytes == str(rec["text"]).encode("utf-8", "surrogatepass")
    code, out = run_cli("restore", str(shard))
    assert code == 2 and "--id" in out
    code, out = run_cli("restore", str(shard), "--id", "nope")
    assert code == 2 and "no record with id 'nope'" in out


def test_review_commands_read_record_shards(tmp_path: Path) -> None:
    recs = write_shard(tmp_path / "in" / "pages.jsonl")
    out = tmp_path / "out"
    run_cli("run", str(tmp_path / "in"), "-o", str(out), "-j", "1", "-q")
    pages = list(iter_outputs(out))
    assert [p.name for p in pages] == [f"pages.jsonl#page-{i}" for i in range(5)]
    assert [p.raw for p in pages] == [r["text"] for r in recs]

    code, text = run_cli("stats", str(out))
    assert code == 0 and "5 pages" in text, text
    code, text = run_cli("report", str(out), "-o", str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    packed = [gzip.decompress(base64.b64decode(b)).decode("utf-8") for b in re.findall(r"[A-Za-z0-9+/]{60,}={0,2}", html)]
    assert code == 0 and any("pages.jsonl#page-1" in p for p in packed)
    code, text = run_cli("diff", str(out / "pages.jsonl"))
    assert code == 0 and "«chrome." in text and "pages.jsonl#page-2" in text, text
    code, text = run_cli("rules", "suggest", str(out), "-o", str(tmp_path / "suggested.yaml"))
    assert code == 0, text
    suggested = (tmp_path / "suggested.yaml").read_text(encoding="utf-8")
    assert "from 5 cleaned pages" in suggested and "About us" in suggested and "greenfield.example" in suggested
