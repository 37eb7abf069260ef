"""Do no harm: clean text goes through the whole pipeline unchanged.

The pages under tests/pages/clean were written for these tests (a recipe, an FAQ, a forum answer, a code
tutorial, a software page full of camelCase identifiers); each is its own site, as in
`make bench-false-positives`, which counts the same thing over the bench's gold texts with harm.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.core.pipeline import clean_text
from cleaner.stages import Context

CLEAN = Path(__file__).parent / "pages" / "clean"


@pytest.mark.parametrize("name", sorted(p.stem for p in CLEAN.glob("*.txt")))
def test_clean_page_comes_out_byte_identical(name: str, ctx: Context) -> None:
    raw = (CLEAN / f"{name}.txt").read_text(encoding="utf-8")
    page = clean_text(raw, ctx, name=name, site=name)
    assert [(e.stage, e.rule, e.before) for e in page.edits] == []
    assert page.text == raw


NEWS = """Chat bots that learn from their users

Years ago the company launched a chat bot called Tay which was quickly disabled after it started repeating insults.
The engineers said later that they had not expected users to coordinate their attacks so quickly.

The budget vote was delayed twice in the summer. Even then, members who were worried about the national debt remained unconvinced, and the leaders had to promise a second review in the autumn.
"""


def test_relative_clauses_in_news_sentences_are_not_spliced_queries(ctx: Context) -> None:
    page = clean_text(NEWS, ctx, name="news", site="news")
    assert "a chat bot called Tay which was quickly disabled after it started" in page.text
    assert "members who were worried about the national debt remained unconvinced" in page.text
    assert not [e for e in page.edits if e.stage == "spam"]


def test_camelcase_identifiers_and_handles_are_not_split(ctx: Context) -> None:
    page = clean_text((CLEAN / "camelcase.txt").read_text(encoding="utf-8"), ctx, name="code", site="code")
    assert "mapRelay" in page.text and "map Relay" not in page.text
    assert "nodeRunner" in page.text


def test_block_boundary_glue_is_still_split(ctx: Context) -> None:
    page = clean_text("Our services\n\nWhat we do in gardeningPruning roses is our favourite job of the year.\n", ctx)
    assert "gardening Pruning roses" in page.text


def test_a_real_word_as_close_as_the_fix_keeps_the_typo(ctx: Context) -> None:
    """'interated' is one edit from 'integrated' and from 'iterated': which one was meant is a guess."""
    text = "Notes on the solver\n\nThe loop interated over every entry of the table until the counter reached zero.\n"
    page = clean_text(text, ctx)
    assert "interated" in page.text and "integrated" not in page.text


def test_real_typo_without_a_rival_is_still_fixed(ctx: Context) -> None:
    text = "Notes on the garden\n\nThe weather was beutiful and the staff gave us a warm welcome at the hotel.\n"
    assert "beautiful" in clean_text(text, ctx).text


TABLE = """The five largest towns of the region, with the census figures of last year, are listed below for reference.
Rank
Name
Pop.
Rank
Name
Pop.
1
Northby
41,200
4
Eastwick
12,900
The figures are rounded to the nearest hundred, and the next census will be taken in the spring of next year.
"""


def test_table_header_printed_per_column_group_is_kept(ctx: Context) -> None:
    page = clean_text(TABLE, ctx, name="t", site="t")
    assert not [e for e in page.edits if e.stage == "dedup"]


def test_heading_printed_twice_is_still_removed(ctx: Context) -> None:
    text = ("Why it works\n\nWhy it works\n\nThe cold tells each clove to split, and by July every clove has become "
            "a bulb of its own.\n")
    page = clean_text(text, ctx)
    assert page.text.count("Why it works") == 1


KNITTING = """Knitting a rib border

Cast on the stitches loosely, so that the border can stretch. Count your stitches after the first row: the
pattern needs an even number of stitches, and a missing stitch shows at once in a rib. Work the stiches in knit
one, purl one until the border measures five centimetres, then change to the larger needles.
"""


def test_a_typo_of_a_word_the_page_writes_again_and_again_is_fixed(ctx: Context) -> None:
    page = clean_text(KNITTING, ctx, name="knit", site="knit")
    assert "Work the stitches in knit" in page.text
    fix = next(e for e in page.edits if e.before == "stiches")
    assert "page" in fix.reason  # the evidence is the page's own vocabulary


def test_spell_command_with_the_page_as_context_decides_as_the_stage(ctx: Context, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cleaner.cli import main

    page_file = tmp_path / "knit.txt"
    page_file.write_text(KNITTING, encoding="utf-8")
    res = CliRunner().invoke(main, ["spell", "--context", str(page_file), "stiches"])
    assert res.exit_code == 0, res.output
    word, correction, _ = res.output.strip().split("\t")
    stage_fix = next(e for e in clean_text(KNITTING, ctx, name="knit", site="knit").edits if e.before == word)
    assert correction == stage_fix.after == "stitches"
    # alone, no page tells whether the word is a name or jargon: its likeliest correction, said to be decided alone
    alone = CliRunner().invoke(main, ["spell", "stiches"]).output.split("\t")
    assert alone[1] == "stitches" and "alone" in alone[2]
    # on a page that writes it as a name, the stage and the command keep it
    name_page = tmp_path / "name.txt"
    name_page.write_text("We met Mr Stiches at the market, and he sold us some wool for the rib border.\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["spell", "--context", str(name_page), "Stiches"]).output.split("\t")[1] == "Stiches"


def test_standalone_query_and_scam_lines_go_and_an_faq_heading_stays(ctx: Context) -> None:
    text = ("Growing tomatoes in pots\n\nTomatoes need a sunny spot and a big pot of good compost.\n"
            "personal loans for bad credit near me\n"
            "How often should I water tomatoes in pots?\nEvery day in summer, and twice on hot days.\n"
            "I made $4,000 in two weeks with this method, contact Mr Adams on WhatsApp +1 555 010 2000 today.\n"
            "Feed them with a tomato fertiliser once the first flowers open.\n")
    page = clean_text(text, ctx, name="t", site="t")
    assert "near me" not in page.text and "WhatsApp" not in page.text
    assert "How often should I water tomatoes in pots?" in page.text
    assert "spam.query-line" in {e.rule for e in page.edits if e.stage == "spam"}


def test_a_query_line_between_headings_goes_and_the_middle_of_a_wrapped_sentence_stays(ctx: Context) -> None:
    """A query line next to a heading, a name or a line of code is spam; a lower-case line in the middle of a
    hard-wrapped sentence (the line before it broken mid-sentence) is prose, however query-like."""
    spam = ("Growing tomatoes in pots\n\nTomatoes need a sunny spot and a big pot of good compost.\n\nWatering\n"
            "how much does laser hair removal cost\nEvery day in summer, and twice on hot days.\n")
    page = clean_text(spam, ctx, name="t", site="t")
    assert "laser" not in page.text and "Watering\n" in page.text
    wrapped = ("Growing tomatoes in pots\n\nAt the allotment meeting the members of the committee asked\n"
               "how much the new municipal tramway extension would cost\n"
               "the gardeners in the long run, and nobody on the council had an answer for them.\n")
    assert clean_text(wrapped, ctx, name="w", site="w").text == wrapped


def test_a_general_knowledge_question_line_goes_and_short_or_topical_lowercase_headings_stay(ctx: Context) -> None:
    """'how many days are in a year' on a line of its own, lower case and without a question mark, has no word
    that could make it the page's heading; 'how to prune roses in spring' (topic words) and 'what we do' (short)
    do."""
    text = ("Pruning roses\n\nRoses flower on new wood, so cut them back hard in early spring.\n"
            "how many days are in a year\nUse sharp secateurs and cut just above an outward-facing bud.\n")
    page = clean_text(text, ctx, name="t", site="t")
    assert "how many days" not in page.text
    assert "general-knowledge search question" in next(e.reason for e in page.edits if e.rule == "spam.query-line")
    for heading in ("how to prune roses in spring", "what we do"):
        kept = text.replace("how many days are in a year", heading)
        assert clean_text(kept, ctx, name="k", site="k").text == kept
