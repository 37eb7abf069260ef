"""Normalize: mojibake, odd Unicode, whitespace and glued words, each a logged edit."""

from __future__ import annotations

from cleaner.core.page import Page
from cleaner.stages import Context
from cleaner.stages.normalize import NormalizeStage


def normalize(text: str, ctx: Context) -> Page:
    page = Page(text)
    NormalizeStage().apply(page, ctx)
    return page


def rules_fired(page: Page) -> set[str]:
    return {e.rule for e in page.edits}


def test_utf8_read_as_cp1252_is_repaired_by_ftfy(ctx: Context) -> None:
    page = normalize("The clientâ€™s â€œsafe spaceâ€\x9d matters.", ctx)
    assert page.text == "The client’s “safe space” matters."
    assert rules_fired(page) == {"normalize.ftfy"}
    assert all(e.reason.startswith("ftfy:") for e in page.edits)


def test_windows_1252_read_as_mac_roman_is_repaired_in_english_shapes(ctx: Context) -> None:
    page = normalize("The doctorís notes and the nursesí rota. I donít know, youíre right. 2021 †∑ Later.", ctx)
    assert page.text == "The doctor’s notes and the nurses’ rota. I don’t know, you’re right. 2021 · Later."
    assert rules_fired(page) >= {"normalize.mac-roman"}


def test_a_lone_mac_roman_possessive_of_a_name_and_quotations_in_any_script_are_repaired(ctx: Context) -> None:
    """One token of evidence is enough where no language reads it otherwise: a name's possessive the page writes
    nowhere else ('Mnangagwaís' is a word of no language), and a quotation opened by ì and closed by î, also
    in Chinese, where the quotation touches the letters around it."""
    page = normalize("The army backed the plan, culminating in Mnangagwaís removal a week ago.", ctx)
    assert page.text == "The army backed the plan, culminating in Mnangagwa’s removal a week ago."
    page = normalize("它还可以回答比如ì张三的大舅是谁？î这样的复杂问题。", ctx)
    assert page.text == "它还可以回答比如“张三的大舅是谁？”这样的复杂问题。"
    for name in ("Luís", "Anaís", "País", "Iván Fornís Espinosa"):  # words where í is a letter, a name's own í: kept
        text = f"The story of {name} and the team is told in the film."
        assert normalize(text, ctx).text == text


def test_real_accented_letters_are_left_alone(ctx: Context) -> None:
    for text in ("María vive en el país de Martí.", "Está en Perú, señor.", "The café serves crème brûlée.",
                 "Footnote† and sum ∑ of values.", "Vote\n•••\nTV Listings", "Price: ¥ 300 ∑ total"):
        assert normalize(text, ctx).text == text


def test_glued_words_split_only_when_both_halves_are_words(ctx: Context) -> None:
    page = normalize("What we do in gardeningPruning roses\nIt rained.Then it stopped.\n", ctx)
    assert page.text == "What we do in gardening Pruning roses\nIt rained. Then it stopped.\n"
    for keep in ("Use PowerPoint and JavaScript on iPhone.", "See example.com and www.site.org.Next", "e.g.The",
                 "Visit index.html today.", "He wrote in McDonald style.", "{* backButton *} {* postalCode *}",
                 "pageType: stories | section: news", "el.addEventListener(clickHandler)"):
        assert normalize(keep, ctx).text == keep, keep


def test_whitespace_is_tidied_and_logged(ctx: Context) -> None:
    page = normalize("\ufeffFirst\u00a0line  \r\n   indented\r\n•\r\nzero\u200bwidth\r\n", ctx)
    assert page.text == "First line\nindented\n\nzerowidth\n"
    assert {"normalize.bom", "normalize.line-endings", "normalize.unicode-space", "normalize.indent",
            "normalize.stray-bullet", "normalize.invisible-char", "normalize.trailing-space"} <= rules_fired(page)


def test_undecodable_bytes_become_characters_with_a_logged_reason(ctx: Context) -> None:
    raw = b"Caf\xe9 menu \x93quoted\x94".decode("utf-8", "surrogateescape")
    page = normalize(raw, ctx)
    assert page.text == "Café menu “quoted”"
    assert all(e.rule == "normalize.undecodable-bytes" and "not UTF-8" in e.reason for e in page.edits)


# -- the cheap check that lets a line skip ftfy must never skip a line ftfy would change --------------------------
def test_ftfy_gate_skips_only_lines_ftfy_cannot_change() -> None:
    """Exhaustive over every string of up to three characters drawn from printable ASCII and the inert
    characters (with at least one inert one): ftfy's mojibake heuristic never fires.  Its patterns longer than
    three characters all start from Cyrillic, Greek or Ø/Ù, which the gate lets through to ftfy."""
    import itertools

    from ftfy.badness import is_bad

    from cleaner.stages.normalize import FTFY_INERT, ftfy_keeps

    ascii_ = [chr(i) for i in range(32, 127)] + ["\t"]
    alphabet = ascii_ + list(FTFY_INERT)
    assert not any("\u0370" <= ch <= "\u04ff" or ch in "ØÙ" for ch in FTFY_INERT)
    flagged = [
        "".join(t)
        for n in (1, 2, 3)
        for t in itertools.product(alphabet, repeat=n)
        if any(ch in FTFY_INERT for ch in t) and is_bad("".join(t))
    ]
    assert flagged == []
    assert ftfy_keeps("It’s “quoted” — fine…") and not ftfy_keeps("Itâ€™s")
    assert not ftfy_keeps("Tom &amp; Jerry’s") and not ftfy_keeps("a\x08b’")


def test_the_gate_lets_through_only_printable_ascii_white_space_and_the_inert_characters() -> None:
    from cleaner.stages.normalize import FTFY_INERT, ftfy_keeps

    allowed = ({chr(i) for i in range(32, 127)} - {"&"}) | set("\t\n\r\x0c") | set(FTFY_INERT)
    assert {chr(c) for c in range(0x110000) if ftfy_keeps(f"a{chr(c)}b")} == allowed


def test_ftfy_really_keeps_what_the_gate_skips() -> None:
    """The same claim through ftfy's whole fixer chain, on longer random lines built from gated characters."""
    import random

    import ftfy

    from cleaner.stages.normalize import FTFY_INERT, FTFY_OPTIONS, ftfy_keeps

    rng = random.Random(7)
    alphabet = [chr(i) for i in range(32, 127) if chr(i) != "&"] + list(FTFY_INERT) * 6
    for _ in range(3000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
        if ftfy_keeps(line):
            assert ftfy.fix_and_explain(line, **FTFY_OPTIONS)[0] == line, repr(line)
