"""Properties of the whole pipeline (fixed seed, bounded budget, so CI stays fast and repeatable)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.core.page import Edit, apply_edits, restore_text
from cleaner.core.pipeline import clean_text
from cleaner.io.changelog import read_log, serialize_log
from cleaner.io.pages import PageError, decode, encode
from cleaner.stages import Context

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_LINES = sorted({ln for p in (ROOT / "raw").glob("*.txt") for ln in p.read_text(encoding="utf-8").splitlines()})
CHROME_LINES = ["top of page", "0 Comments", "Rated 0 out of 5 stars.", "Next", "Share on Facebook", "by | Nov 17, 2023",
                "We use cookies to provide and improve our services.", "  • May 2", "Jan 19, †∑ In short, yes.",
                "patientsí needs", "therapyPracticing", "needs.They", "\u00a0", "\r", "\ufeff", "caf\u00c3\u00a9"]
line = st.one_of(st.sampled_from(SAMPLE_LINES + CHROME_LINES), st.text(max_size=40))
pages = st.lists(line, max_size=25).map("\n".join)
SETTINGS = settings(max_examples=150, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@SETTINGS
@given(st.binary(max_size=400))
def test_restore_gives_back_arbitrary_bytes(ctx: Context, data: bytes) -> None:
    try:
        raw, encoding = decode(data, "page")
    except PageError:
        return  # binary pages are skipped with a message, never cleaned
    page = clean_text(raw, ctx)
    clean = page.text
    clean.encode("utf-8")  # the clean text is always valid UTF-8 (no lone surrogates left)
    assert encode(restore_text(clean, page.edits), encoding) == data


@SETTINGS
@given(pages)
def test_restore_through_the_change_log_file(ctx: Context, raw: str) -> None:
    page = clean_text(raw, ctx)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "page.changes.jsonl"
        log.write_bytes(serialize_log({"encoding": "utf-8"}, page.edits))
        _, edits = read_log(log)
    assert restore_text(page.text, edits) == raw


@SETTINGS
@given(pages)
def test_cleaning_is_idempotent(ctx: Context, raw: str) -> None:
    once = clean_text(raw, ctx).text
    assert clean_text(once, ctx).text == once


@SETTINGS
@given(pages)
def test_only_normalize_spelling_and_whitespace_insert_text(ctx: Context, raw: str) -> None:
    page = clean_text(raw, ctx)

    def check(edits: list[Edit]) -> None:
        for e in edits:
            check(e.absorbed)
            if e.stage in ("normalize", "spelling") or not e.after.strip():
                continue
            # any other stage only removes: what it leaves must come from the text it covered
            shifted = [Edit(a.start - e.start, a.end - e.start, a.before, a.after, a.stage, a.rule, a.reason) for a in e.absorbed]
            covered = apply_edits(e.before, shifted)
            assert e.after in covered, (e.stage, e.rule, e.before, e.after)

    check(page.edits)
