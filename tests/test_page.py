"""The edit model: proposals in current coordinates become raw edits that restore exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.core.page import Page, Proposal, apply_edits, restore_text


def test_deletion_then_insertion_then_overlapping_deletion() -> None:
    page = Page("hello world foo")
    page.commit("a", [Proposal(5, 11, "", "r1", "why")])
    assert page.text == "hello foo"
    page.commit("b", [Proposal(0, 0, ">", "r2", "why"), Proposal(6, 9, "bar", "r3", "why")])
    assert page.text == ">hello bar"
    page.commit("c", [Proposal(4, 8, "", "r4", "why")])
    assert page.text == ">helar"
    outer = page.edits[-1]
    assert (outer.start, outer.end, outer.before, outer.after) == (3, 15, "lo world foo", "ar")
    assert [e.rule for e in outer.absorbed] == ["r1", "r3"]
    assert restore_text(page.text, page.edits) == "hello world foo"


def test_gaps_between_edits_keeps_earlier_removals_separate() -> None:
    page = Page("a\n\nJUNK\n\n\nb\n")
    page.commit("chrome", [Proposal(3, 8, "", "junk", "why")])
    assert page.text == "a\n\n\n\nb\n"
    assert page.gaps_between_edits(3, 5) == [(3, 5)]
    assert page.gaps_between_edits(2, 5) == [(2, 3), (3, 5)]


@st.composite
def batches(draw: st.DrawFn) -> tuple[str, list[list[tuple[int, int, str]]]]:
    raw = draw(st.text(alphabet="ab \n\r\u00e9", max_size=30))
    rounds = draw(st.lists(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 6), st.sampled_from(["", "X", "YZ", " "])),
                                    max_size=4), max_size=4))
    return raw, rounds


@settings(max_examples=400, derandomize=True, deadline=None)
@given(batches())
def test_any_sequence_of_batches_restores_and_applies_as_proposed(case: tuple[str, list[list[tuple[int, int, str]]]]) -> None:
    raw, rounds = case
    page = Page(raw)
    for n, rnd in enumerate(rounds):
        text = page.text
        props, pos = [], 0
        for start, length, after in rnd:  # non-overlapping, in order, inside the text
            a = min(pos + start % 7, len(text))
            b = min(a + length, len(text))
            props.append(Proposal(a, b, after, f"r{n}", "test"))
            pos = b + 1
            if pos > len(text):
                break
        expected = text
        for p in sorted(props, key=lambda p: -p.start):
            expected = expected[: p.start] + p.after + expected[p.end :]
        page.commit(f"s{n}", props)
        assert page.text == expected
        assert apply_edits(raw, page.edits) == page.text
        assert restore_text(page.text, page.edits) == raw
        last = 0
        for e in page.edits:
            assert e.start >= last and raw[e.start : e.end] == e.before
            last = e.end


def test_a_stage_reads_what_an_earlier_stage_removed_through_the_page() -> None:
    """``removed_spans(stage=...)``: the raw spans a stage removed, also those a later edit absorbed, merged."""
    page = Page("one two three four five six")
    page.commit("dedup", [Proposal(4, 8, "", "dedup.x", "copy"), Proposal(14, 19, "", "dedup.x", "copy")])
    assert page.removed_spans(stage="dedup") == [(4, 8), (14, 19)]
    page.commit("chrome", [Proposal(0, len(page.text), "", "chrome.x", "all")])  # absorbs both
    assert page.removed_spans(stage="dedup") == [(4, 8), (14, 19)]
    assert page.removed_spans(stage="chrome") == [(0, 27)]
    assert page.removed_spans(stage="spam") == []
