"""`cleaner` as a library and a Unix filter: the same text and edits as `cleaner run` on the same pages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_dedup import ARTICLE

from cleaner import Cleaner, restore
from cleaner.api import CleanerError
from cleaner.cli import main
from cleaner.core.page import Edit

ROOT = Path(__file__).resolve().parent.parent
MENU = ["Home", "Recipes", "About us", "Contact"]


def corpus(root: Path) -> list[tuple[str, str, str]]:
    """Pages of two sites, each site's menu and footer repeated, one page copying another site's paragraph, and a
    typo the corpus vocabulary confirms: corpus statistics change the output."""
    pages = []
    for site, footer in (("greenfield.example", "Copyright 2026 Greenfield Kitchen."), ("river.example", "River Times, all rights reserved.")):
        for i in range(3):
            body = ARTICLE[i:i + 3] if site == "river.example" else [f"Our bakery opens at {7 + i} on Saturdays, with rye bread.",
                                                                     "The whhat of it: sourdough takes two days."]
            text = "\n".join(MENU) + "\n\n" + "\n\n".join(body) + "\n\n" + footer + "\n"
            (root / site).mkdir(parents=True, exist_ok=True)
            (root / site / f"p{i}.txt").write_text(text, encoding="utf-8")
            pages.append((text, site, f"{site}/p{i}.txt"))
    return pages


def run_outputs(inp: Path, out: Path, *extra: str) -> dict[str, tuple[str, list[dict[str, object]], dict[str, object]]]:
    res = CliRunner().invoke(main, ["run", str(inp), "-o", str(out), "-q", "-j", "1", *extra], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    outputs = {}
    for log in sorted(out.rglob("*.changes.jsonl")):
        if ".cleaner" in log.parts:
            continue
        lines = log.read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0])["page"]
        name = header["name"]
        outputs[name] = ((out / name).read_text(encoding="utf-8"), [json.loads(x) for x in lines[1:]], header)
    return outputs


def test_the_api_gives_what_cleaner_run_gives(tmp_path: Path) -> None:
    pages = corpus(tmp_path / "in")
    expected = run_outputs(tmp_path / "in", tmp_path / "out", "--dedup-corpus")
    cleaner = Cleaner(dedup_corpus=True)
    cleaner.scan(pages)
    results = list(cleaner.clean_many(pages))
    assert [r.header["name"] for r in results] == list(expected)
    for (text, _, name), result in zip(pages, results):
        clean, edits, header = expected[name]
        assert result.text == clean and result.edits_json() == edits, name
        assert {k: v for k, v in header.items() if k not in ("source", "encoding", "raw_sha256")} == result.header
        assert restore(result.text, result.edits) == text
    assert any(e["rule"] == "chrome.site.repeated-line" for _, edits, _ in expected.values() for e in edits)
    # without the scan, the site's repetition is unknown: the statistics did matter (other evidence, other rules)
    alone = Cleaner(dedup_corpus=True).clean(pages[0][0], pages[0][1], pages[0][2])
    assert alone.edits_json() != expected[pages[0][2]][1]
    assert not any(e.rule == "chrome.site.repeated-line" for e in alone.edits)


def test_the_api_refuses_bad_rules_with_every_error(tmp_path: Path) -> None:
    (tmp_path / "spam").mkdir()
    (tmp_path / "spam" / "s.yaml").write_text("- id: s\n  type: settings\n  reason: r\n  settings:\n    min_strenght: 1\n",
                                              encoding="utf-8")
    with pytest.raises(CleanerError) as err:
        Cleaner(add_rules=[tmp_path], stages=["spam", "nope"])
    assert any("unknown stage 'nope'" in e for e in err.value.errors)
    with pytest.raises(CleanerError) as err:
        Cleaner(add_rules=[tmp_path])
    assert any("did you mean 'min_strength'" in e for e in err.value.errors)


def test_clean_dash_filters_a_page_as_run_cleans_it(tmp_path: Path) -> None:
    page = sorted((ROOT / "raw").glob("*.txt"))[1]
    expected = run_outputs(page, tmp_path / "out")[page.name]
    proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", "-", "--log", str(tmp_path / "page.log")],
                          input=page.read_bytes(), capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode("utf-8") == expected[0]
    logged = [json.loads(x) for x in (tmp_path / "page.log").read_text().splitlines()[1:]]
    assert logged == expected[1]


def test_clean_dash_jsonl_round_trips_records_with_every_field(tmp_path: Path) -> None:
    recs = [{"id": f"r{i}", "site": "greenfield.example", "meta": {"n": i, "tags": ["a", "ü"]},
             "text": "\n".join(MENU) + f"\n\nNote {i}: the market opens at {i + 7} am on Saturdays, with bread and cheese.\n"}
            for i in range(4)]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs) + "not json\n"
    for extra in ([], ["--no-corpus-stats"]):
        proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", "-", "--jsonl", "--log", str(tmp_path / "r.log"), *extra],
                              input=data.encode("utf-8"), capture_output=True, check=False)
        assert proc.returncode == 1 and b"record 5: not JSON" in proc.stderr  # copied unchanged and named
        lines = proc.stdout.decode("utf-8").splitlines()
        out = [json.loads(x) for x in lines[:4]]
        assert lines[4] == "not json"
        assert [{k: v for k, v in o.items() if k != "text"} for o in out] == [{k: v for k, v in r.items() if k != "text"} for r in recs]
        logs = [json.loads(x) for x in (tmp_path / "r.log").read_text().splitlines()]
        assert len(logs) == 5 and [lg["page"]["name"] for lg in logs[:4]] == ["r0", "r1", "r2", "r3"]
        for o, r, lg in zip(out, recs, logs):
            edits = [Edit.from_json(e) for e in lg["edits"]]
            assert restore(o["text"], edits) == r["text"]
        site_rule = any(e["rule"] == "chrome.site.repeated-line" for lg in logs for e in lg["edits"])
        assert site_rule == (not extra)  # the menu repeats across the records: known as such only with the scan
