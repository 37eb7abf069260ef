"""Dedup: copies inside a page, legitimate repetition that must survive, and copies across the corpus."""

from __future__ import annotations

import json
import pickle
import random
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.cli import main
from cleaner.core.page import Edit, restore_text
from cleaner.core.pipeline import clean_text
from cleaner.io.changelog import read_log
from cleaner.stages import STAGE_NAMES, Context
from cleaner.stages.dedup.corpus import CorpusCollector, CorpusDuplicates, MinHasher, norm_key
from cleaner.stages.dedup.settings import CorpusCopySettings

P1 = "The river rose by two metres overnight, and the town council opened the school gym to families."
P2 = "Volunteers brought blankets and soup, and the mayor thanked them on the radio that evening."
P3 = "The school will reopen once the water has gone down, the head teacher said on Tuesday morning."
P4 = "Insurers have sent assessors to the worst streets, and most claims should be settled within a month."


def clean(ctx: Context, text: str) -> tuple[str, list[Edit]]:
    page = clean_text(text, ctx)
    assert restore_text(page.text, page.edits) == text
    return page.text, [e for e in page.edits if e.stage == "dedup"]


def kept_text(raw: str, e: Edit) -> str:
    assert e.detail is not None
    return raw[e.detail["kept_start"] : e.detail["kept_end"]]


def test_dedup_runs_after_chrome_and_before_spam() -> None:
    assert STAGE_NAMES.index("chrome") < STAGE_NAMES.index("dedup") < STAGE_NAMES.index("spam")


# -- copies inside one page ---------------------------------------------------------------------
def test_a_heading_twice_in_a_row_and_a_lower_case_title_copy_go(ctx: Context) -> None:
    raw = f"Flood waters recede\nflood waters recede!\n\n{P1}\n\nWhat happens next\nWhat happens next\n\n{P3}\n"
    out, edits = clean(ctx, raw)
    assert out == f"Flood waters recede\n\n{P1}\n\nWhat happens next\n\n{P3}\n"
    assert [e.rule for e in edits] == ["dedup.consecutive", "dedup.consecutive"]
    assert kept_text(raw, edits[0]) == "Flood waters recede"
    assert edits[0].reason == "copy of the line kept on line 1: “Flood waters recede”"  # quoted, not offsets


def test_a_repeated_block_of_lines_goes_once(ctx: Context) -> None:
    block = "Opening hours\nMonday to Friday, nine to five"
    out, edits = clean(ctx, f"{P1}\n{block}\n{block}\n{P3}\n")
    assert out == f"{P1}\n{block}\n{P3}\n"
    assert {e.rule for e in edits} == {"dedup.consecutive"}


def test_a_summary_paragraph_repeated_further_down_goes(ctx: Context) -> None:
    raw = f"{P1}\n\n{P2}\n\n{P3}\n\n{P1}\n\n{P4}\n"
    out, edits = clean(ctx, raw)
    assert out == f"{P1}\n\n{P2}\n\n{P3}\n\n{P4}\n"
    assert [e.rule for e in edits] == ["dedup.paragraph"]
    assert kept_text(raw, edits[0]) == P1


def test_a_definition_sentence_pasted_into_a_later_paragraph_goes(ctx: Context) -> None:
    raw = f"{P2} {P1}\n\n{P3}\n\n{P1} {P4}\n"
    out, edits = clean(ctx, raw)
    assert out == f"{P2} {P1}\n\n{P3}\n\n{P4}\n"
    assert [e.rule for e in edits] == ["dedup.sentence"]
    assert kept_text(raw, edits[0]) == P1


def test_near_copies_go_with_their_similarity(ctx: Context) -> None:
    near = P1.replace("gym", "hall").replace(",", "")
    out, edits = clean(ctx, f"{P1}\n\n{P2}\n\n{near}\n\n{P3}\n")
    assert out == f"{P1}\n\n{P2}\n\n{P3}\n"
    assert edits[0].rule == "dedup.near-paragraph"
    assert edits[0].detail is not None and 0.92 <= edits[0].detail["similarity"] < 1.0
    assert "near copy (similarity" in edits[0].reason


# -- legitimate repetition ----------------------------------------------------------------------
def test_how_to_steps_faq_labels_and_table_headers_survive(ctx: Context) -> None:
    steps = (f"Step 1\n{P1}\nTip\n{P2}\nStep 2\n{P3}\nTip\n{P4}\n")
    faq = (f"Question:\nHow long does delivery take?\nAnswer:\n{P1}\nQuestion:\nCan I return an item?\nAnswer:\n{P2}\n")
    table = "Name\nPrice\nIn stock\nApples\n2.00\nYes\nPears\n2.00\nYes\nName\nPrice\nIn stock\nPlums\n3.00\nNo\n"
    for raw in (steps, faq, f"{P1}\n{table}{P2}\n"):
        _, edits = clean(ctx, raw)
        assert edits == [], raw


def test_refrains_short_list_items_and_quoted_lines_survive(ctx: Context) -> None:
    song = "Row, row, row your boat\nGently down the stream\nMerrily, merrily\nMerrily, merrily\nLife is but a dream\n"
    chorus = "And we sing along tonight\nUnder the silver moon\nAnd we sing along tonight\nTill the morning comes too soon\n"
    refrain = f"{chorus}\nThe first verse tells of the road.\nIt winds through hills.\n\n{chorus}"
    items = f"{P1}\n- two eggs\n- a cup of milk\n{P2}\n- two eggs\n- a cup of milk\n{P3}\n"
    quoted = f"> {P1}\n{P2}\n> {P1}\n{P3}\n"
    forum = f"{P1}\n{P2}\n\nmaria wrote:\n\n{P2}\n\n{P3}\n"
    for raw in (song, refrain, items, quoted, forum):
        _, edits = clean(ctx, raw)
        assert edits == [], raw


def test_a_pull_quote_and_the_sentence_it_repeats_both_survive(ctx: Context) -> None:
    quote = "We will rebuild every house that the water has taken from us, whatever it costs."
    for raw in (f"{P1} {quote} {P2}\n\n{quote}\n\n{P3}\n", f"{quote}\n\n{P1} {quote} {P2}\n\n{P3}\n"):
        out, edits = clean(ctx, raw)
        assert edits == [] and out == raw


def test_structures_that_repeat_a_question_or_data_survive(ctx: Context) -> None:
    question = "What is your favourite dish to cook at home when friends come round for dinner?"
    interview = "".join(f"{name} answers.\n\n{question}\n\n{ans}\n\n" for name, ans in (("Anna", P1), ("Ben", P2), ("Cleo", P3)))
    meal = "Asparagus and Eggs [1 cup asparagus, 2 eggs, 1 slice whole-grain toast, 1 tsp. olive oil]"
    plan = f"Day 1\n\n{meal}\n\n{P1}\n\nDay 2\n\n{meal}\n\n{P2}\n"
    thrice = f"{P4}\n\n{P1}\n\n{P4}\n\n{P2}\n\n{P4}\n"  # three copies: a structure, not a template slip
    for raw in (interview, plan, thrice):
        _, edits = clean(ctx, raw)
        assert edits == [], raw


def test_instructions_that_differ_only_in_a_number_survive(ctx: Context) -> None:
    raw = ("Take 2 tablets in the morning with a glass of water before breakfast.\n\nDuring the second week:\n\n"
           "Take 3 tablets in the morning with a glass of water before breakfast.\n")
    assert clean(ctx, raw)[1] == []


def test_cleaning_twice_changes_nothing(ctx: Context) -> None:
    raw = f"Title\ntitle\n\n{P1}\n\nby the editors\n\n{P1}\n\n{P2} {P3}\n\n{P3} {P4}\n"
    once = clean_text(raw, ctx).text
    assert clean_text(once, ctx).text == once


# -- across the corpus ----------------------------------------------------------------------------
ARTICLE = [P1, P2, P3, P4, "The council will publish a full report on the flood and its causes in the spring."]


def collect(pages: dict[str, str], site: str = "s") -> CorpusDuplicates:
    col = CorpusCollector(CorpusCopySettings())
    for name, text in pages.items():
        col.add(text, site, name)
    out = col.finish()
    assert isinstance(out, CorpusDuplicates)
    return out


def test_minhash_is_deterministic_and_estimates_jaccard() -> None:
    """(The signatures themselves are held to their numpy definition in tests/test_core_minhash.py.)"""
    h = MinHasher(100, 5)
    a = norm_key(" ".join(ARTICLE))
    b = a.replace("blankets", "quilts")
    sa, sb = h.signatures([a])[0], MinHasher(100, 5).signatures([b])[0]
    assert np.array_equal(sa, h.signatures(["x", a])[1])
    assert 0.8 <= float(np.mean(sa == sb)) < 1.0
    assert float(np.mean(sa == h.signatures([norm_key(P1 + P2)])[0])) < 0.5
    assert len(pickle.dumps(h)) < 10_000


def test_collector_finds_copied_pages_and_paragraphs_first_page_in_name_order_keeps() -> None:
    other = ["A new bakery opened on Mill Street, selling rye bread and cinnamon buns every morning of the week.",
             P2.replace("blankets", "quilts")]  # a near copy of P2
    edited = "\n".join(ARTICLE).replace("report", "summary")  # the last paragraph edited, the page a near copy
    dups = collect({"b.txt": edited, "a.txt": "\n".join(ARTICLE), "c.txt": "\n".join(other)})
    assert dups.pages == {"b.txt": ("a.txt", dups.pages["b.txt"][1])}
    assert dups.pages["b.txt"][1] >= 0.8
    assert {of for of, _ in dups.paragraphs["b.txt"].values()} == {"a.txt"}
    assert sorted(sim for _, sim in dups.paragraphs["b.txt"].values())[0] < 1.0 and len(dups.paragraphs["b.txt"]) == 5
    [(of, sim)] = dups.paragraphs["c.txt"].values()
    assert of == "a.txt" and 0.7 <= sim < 1.0
    assert dups.report()["duplicate_pages"] == {"b.txt": {"of": "a.txt", "similarity": dups.pages["b.txt"][1]}}


def test_candidates_checked_in_small_rounds_find_the_same_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index bounds its memory by checking candidate pairs a round of paragraphs at a time: however small
    the rounds, the copies found are the same."""
    import cleaner.stages.dedup.corpus as dedup_corpus

    rng = random.Random(7)
    words = "river flood council bridge bakery rye bread morning street report spring blankets shelter".split()
    base = [" ".join(rng.choice(words) for _ in range(18)) for _ in range(12)]
    pages = {}
    for n in range(30):  # pages sharing exact and edited paragraphs
        paras = rng.sample(base, 4)
        paras[0] = paras[0].replace("river", "lake") if n % 3 == 0 else paras[0]
        pages[f"p{n:02d}.txt"] = "\n".join(paras)
    def find() -> CorpusDuplicates:
        col = CorpusCollector(CorpusCopySettings())
        for n, (name, text) in enumerate(pages.items()):
            col.add(text, f"site{n}", name)  # a site each: recurring paragraphs are copies, not site chrome
        return col.finish()

    whole = find()
    monkeypatch.setattr(dedup_corpus, "_PAIRS_PER_ROUND", 3)
    rounds = find()
    assert rounds.candidate_pairs == whole.candidate_pairs > 0
    assert rounds.paragraphs == whole.paragraphs and rounds.pages == whole.pages
    assert any(sim < 1.0 for found in whole.paragraphs.values() for _, sim in found.values())


@pytest.mark.parametrize(("num_perm", "bands"), [(100, 20), (10, 3), (4, 9)])
def test_signatures_stored_by_band_give_back_every_band_and_the_full_similarity(num_perm: int, bands: int) -> None:
    """The index stores signatures a band to a file: the bands read back are the signatures' columns, and the
    similarity of two rows counts every MinHash value, also the columns no band holds."""
    from cleaner.stages.dedup.corpus import _Signatures

    rng = np.random.default_rng(3)
    sigs = rng.integers(0, 4, size=(50, num_perm), dtype=np.uint32)  # few values: many equal ones
    store = _Signatures(num_perm, bands)
    try:
        store.append(sigs[:20])
        store.append(sigs[20:])
        per_band = num_perm // store.bands
        rows = np.array([7, 3, 49, 0])
        for b in range(store.bands):
            assert np.array_equal(store.band(b, rows), sigs[rows, b * per_band : (b + 1) * per_band])
        i, j = rng.integers(0, 50, size=200), rng.integers(0, 50, size=200)
        expected = [float(np.mean(sigs[a] == sigs[b])) for a, b in zip(i, j)]
        assert store.agreement(i, j).tolist() == expected
    finally:
        store.close()


def test_duplicate_maps_frozen_into_arrays_answer_as_the_dicts_did() -> None:
    from cleaner.stages.dedup.corpus import PageCopies

    maps = {"b.txt": {2**64 - 1: ("a.txt", 1.0), 7: ("c.txt", 0.733)}, "a b.txt": {5: ("a.txt", 0.8)}, "z": {}}
    frozen = PageCopies(maps)
    assert frozen == maps and len(frozen) == 3 and sorted(frozen) == sorted(maps)
    assert frozen["b.txt"] == maps["b.txt"] and frozen.get("b") is None and "a.txt" not in frozen
    assert pickle.loads(pickle.dumps(frozen)) == maps


def test_paragraphs_on_many_pages_of_a_site_are_chrome_not_copies() -> None:
    notice = "This article reflects the facts known at the time it was written, and we correct errors promptly."
    pages = {f"p{i}.txt": f"{story}\n{notice}" for i, story in enumerate(ARTICLE[:4])}
    dups = collect(pages)
    assert dups.paragraphs == {}
    assert dups.site_recurrence("s", notice) == (4, 4)


def run_cli(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write_corpus(root: Path) -> Path:
    inp = root / "in"
    (inp / "one.example").mkdir(parents=True)
    (inp / "two.example").mkdir(parents=True)
    (inp / "one.example" / "flood.txt").write_text("Flood report\n\n" + "\n\n".join(ARTICLE) + "\n", encoding="utf-8")
    copy = ["Flood report (syndicated)", ARTICLE[0], ARTICLE[1].replace("soup", "tea"),
            "Our own reporter adds that the bridge on the ring road is closed until further notice from the police."]
    (inp / "two.example" / "copy.txt").write_text("\n\n".join(copy) + "\n", encoding="utf-8")
    (inp / "two.example" / "whole.txt").write_text("Flood report\n\n" + "\n\n".join(ARTICLE) + "\n", encoding="utf-8")
    return inp


def test_cross_page_copies_are_reported_by_default_and_removed_with_dedup_corpus(tmp_path: Path) -> None:
    inp = write_corpus(tmp_path)
    out = tmp_path / "out"
    res = run_cli("run", str(inp), "-o", str(out), "-j", "1", "-q")
    assert res.exit_code == 0  # type: ignore[attr-defined]
    summary = json.loads((out / "run-summary.json").read_text())
    assert summary["duplicates"]["duplicate_pages"]["two.example/whole.txt"]["of"] == "one.example/flood.txt"
    assert summary["duplicates"]["duplicate_paragraphs"] >= 2
    header, _ = read_log(out / "two.example" / "whole.changes.jsonl")
    assert header["duplicate_of"]["page"] == "one.example/flood.txt"
    assert ARTICLE[0] in (out / "two.example" / "copy.txt").read_text()  # reported, not removed

    out2 = tmp_path / "out2"
    res = run_cli("run", str(inp), "-o", str(out2), "-j", "1", "-q", "--dedup-corpus")
    assert res.exit_code == 0  # type: ignore[attr-defined]
    copy = (out2 / "two.example" / "copy.txt").read_text()
    assert ARTICLE[0] not in copy and "blankets and" not in copy
    assert "bridge on the ring road" in copy
    assert ARTICLE[0] in (out2 / "one.example" / "flood.txt").read_text()  # the first page keeps its text
    header, edits = read_log(out2 / "two.example" / "copy.changes.jsonl")
    reasons = [e.reason for e in edits if e.rule == "dedup.corpus-paragraph"]
    assert len(reasons) == 2 and all("one.example/flood.txt" in r for r in reasons)
    raw = (inp / "two.example" / "copy.txt").read_text()
    assert restore_text(copy, edits) == raw


def test_output_is_the_same_whatever_jobs_is(tmp_path: Path) -> None:
    inp = write_corpus(tmp_path)
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        run_cli("run", str(inp), "-o", str(out), "-j", jobs, "-q", "--dedup-corpus")
        files = sorted(p for p in out.rglob("*") if p.is_file() and ".cleaner" not in p.parts and p.name != "run-timings.json")
        outs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in files})
        summary = json.loads((out / "run-summary.json").read_text())
        outs[-1]["duplicates"] = json.dumps(summary["duplicates"], sort_keys=True).encode()
    assert outs[0] == outs[1]


def test_records_of_one_shard_are_told_apart_without_an_id_field(tmp_path: Path) -> None:
    """Records without an id field share their shard's name; the copy found across them is removed from the later
    record only, and the first keeps its paragraph."""
    inp = tmp_path / "in"
    inp.mkdir()
    first = "Flood report\n" + "\n".join(ARTICLE)
    later = "\n".join([ARTICLE[0], "Our own reporter adds that the ring road bridge is closed until further notice."])
    other = "A new bakery opened on Mill Street, selling rye bread and cinnamon buns every morning of the week."
    with (inp / "news.jsonl").open("w", encoding="utf-8") as fh:
        for rec in ({"text": first}, {"text": other}, {"text": later}):
            fh.write(json.dumps(rec) + "\n")
    out = tmp_path / "out"
    res = run_cli("run", str(inp), "-o", str(out), "-j", "1", "-q", "--dedup-corpus")
    assert res.exit_code == 0  # type: ignore[attr-defined]
    texts = [json.loads(ln)["text"] for ln in (out / "news.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ARTICLE[0] in texts[0] and texts[1].strip() == other
    assert ARTICLE[0] not in texts[2] and "ring road bridge" in texts[2]
    logs = [json.loads(ln) for ln in (out / "news.edits.jsonl").read_text(encoding="utf-8").splitlines()]
    removed = [e for log in logs for e in log["edits"] if e["rule"] == "dedup.corpus-paragraph"]
    assert len(removed) == 1 and "news.jsonl#1" in removed[0]["reason"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 6)), max_size=20))
def test_ranges_are_the_concatenated_aranges(spans: list[tuple[int, int]]) -> None:
    from cleaner.stages.dedup.corpus import _ranges

    starts = np.array([a for a, _ in spans], dtype=np.uint64)
    ends = np.array([a + n for a, n in spans], dtype=np.uint64)
    expected = [i for a, n in spans for i in range(a, a + n)]
    assert _ranges(starts, ends).tolist() == expected
