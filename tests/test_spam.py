"""Spam stage: spliced queries, keyword stuffing, offers and off-language lines go; legitimate text stays.

The pages under tests/pages/spam_*.txt were written for these tests (gardening, travel, Korean cooking),
not taken from the sample pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.core.page import Page, restore_text
from cleaner.resources.langid import detect, page_language
from cleaner.stages import Context
from cleaner.stages.spam import SpamStage, stem

PAGES = Path(__file__).resolve().parent / "pages"


def run_spam(text: str, ctx: Context) -> Page:
    page = Page(text, name="t", site="t")
    SpamStage().apply(page, ctx)
    return page


def spam_edits(page: Page) -> list[tuple[str, str]]:
    return [(e.rule, e.before.strip()) for e in page.edits if e.stage == "spam"]


def test_gardening_page_loses_exactly_the_junk(ctx: Context) -> None:
    raw = (PAGES / "spam_garden.txt").read_text(encoding="utf-8")
    page = run_spam(raw, ctx)
    assert sorted(spam_edits(page)) == sorted([
        ("spam.keyword-title-repeat", "how to grow tomatoes in pots"),
        ("spam.spliced-query", "iphone 13 pro max price in india"),
        ("spam.keyword-stuffing", "how to grow tomatoes in pots"),
        ("spam.spliced-query", "where is the nearest passport office open on saturday"),
        ("spam.offer.casino", "Claim 200 free spins at the best online casino today!"),
        ("spam.off-language", "Me encanta este blog, mi abuela cultivaba tomates en el patio de su casa."),
    ])
    text = page.text
    assert "because dry compost leads to split fruit" in text
    assert "on cordon plants so the plant puts its energy" in text
    # traps: FAQ heading, reported question, a foreign word quoted in an English sentence, 'when' as a conjunction
    assert "What is the best compost for tomatoes?" in text
    assert "She asked the nursery owner what variety grew best in shade, and he suggested a cherry tomato." in text
    assert "Gardeners in Germany call this kind of patience Geduld, and tomatoes reward it." in text
    assert "Stop the plant when it reaches the top of the cane." in text
    assert restore_text(page.text, page.edits) == raw


def test_travel_page_keeps_its_questions_and_quoted_word(ctx: Context) -> None:
    raw = (PAGES / "spam_travel.txt").read_text(encoding="utf-8")
    page = run_spam(raw, ctx)
    assert spam_edits(page) == [("spam.spliced-query", "best cordless vacuum for pet hair 2024")]
    assert "rattles through the old town but it is crowded all day" in page.text
    assert "I asked the hotel receptionist how late the trams run at night" in page.text
    assert "What should you pack for Lisbon?" in page.text
    assert "The Portuguese call this feeling of longing saudade" in page.text


def test_korean_page_stays_korean_and_only_the_english_line_goes(ctx: Context) -> None:
    raw = (PAGES / "spam_korean.txt").read_text(encoding="utf-8")
    page = run_spam(raw, ctx)
    assert page.meta["lang"] == "ko"
    assert spam_edits(page) == [("spam.off-language", "This recipe is also available in English on our website.")]
    assert page.text.count("\n") == raw.count("\n")


def test_every_removal_says_which_signal_fired_and_how_strongly(ctx: Context) -> None:
    page = run_spam((PAGES / "spam_garden.txt").read_text(encoding="utf-8"), ctx)
    reasons = {e.rule: e.reason for e in page.edits}
    assert "off-topic words" in reasons["spam.spliced-query"] and "strength" in reasons["spam.spliced-query"]
    assert "langid p=" in reasons["spam.off-language"]
    assert "between 'that' and 'is'" in reasons["spam.keyword-stuffing"]


@pytest.mark.parametrize("sentence", [
    "She asked the driver what time the last train left, and he pointed at the board.",
    "Nobody knows how the recipe reached Portugal, but every bakery in Lisbon sells it.",
    "The tart is what the French call a galette, rustic and quick to make.",
    "Prune the roses when the buds begin to swell in early spring.",
    "Wilson, who was at Kew Gardens at the time, says the roses never recovered.",
])
def test_legitimate_sentences_survive_on_a_short_page(sentence: str, ctx: Context) -> None:
    text = "Pruning roses in spring\n\n" + sentence + "\n"
    assert run_spam(text, ctx).text == text


def test_page_that_discusses_its_own_keyword_keeps_it(ctx: Context) -> None:
    text = ("What is compound interest\n\nMany savers ask what is compound interest, and the answer is simple: "
            "interest earned on interest. This guide explains what is compound interest in plain words.\n")
    assert run_spam(text, ctx).text == text


def test_plain_keyword_title_is_never_treated_as_stuffing(ctx: Context) -> None:
    text = "Compound interest calculator\n\nUse our compound interest calculator to see how savings grow over ten years.\n"
    assert run_spam(text, ctx).text == text


def test_site_vocabulary_from_the_scan_pass_marks_words_on_topic(ctx: Context) -> None:
    stage = SpamStage()
    col = stage.collector(ctx)
    text = "Compost and tomatoes\n\nWater the tomatoes, how to fix squeaky hinges fast the compost stays moist all summer.\n"
    col.add(text, "garden.example", "a")
    col.add("Squeaky hinges on the shed door annoy every gardener; oil them and fix the latch.", "garden.example", "b")
    stats = col.finish()
    site_ctx = Context(rules=ctx.rules, stats={"spam": stats})
    page = Page(text, name="a", site="garden.example")
    stage.apply(page, site_ctx)
    assert page.text == text  # 'squeaky' and 'hinges' are the site's words, so this is not a spliced query
    assert "how to fix squeaky hinges fast" not in run_spam(text, ctx).text


def test_detect_and_page_language() -> None:
    assert detect("The tomatoes need sun and water every day.")[0] == "en"
    assert detect("Los tomates necesitan sol y agua todos los días.")[0] == "es"
    assert detect("12345 !!!") == ("", 0.0)
    assert page_language("Menu\nHome\n" + "Die Tomaten brauchen jeden Tag viel Sonne und Wasser im Sommer.\n" * 3)[0] == "de"


def test_held_out_pages_lose_their_queries_and_keep_their_traps(ctx: Context) -> None:
    """Pages written after the detector was built; the known boundary misses are listed in the README."""
    out = {name: run_spam((PAGES / f"spam_{name}.txt").read_text(encoding="utf-8"), ctx).text
           for name in ("heldout_finance", "heldout_cooking", "heldout2_running", "heldout2_pets")}
    assert "before you can spend it, and treat it like any other bill." in out["heldout_finance"]
    assert "When you do dip into it, rebuild it before you start investing again." in out["heldout_finance"]
    assert "petit à petit, l'oiseau fait son nid" in out["heldout_finance"]
    assert "onto a rack where it can cool completely." in out["heldout_cooking"]
    assert "People often wonder what makes this bread different from banana cake." in out["heldout_cooking"]
    assert "the muscles and the bone do not have time to adapt" in out["heldout2_running"]
    assert "Many coaches say that is mostly a question" in out["heldout2_running"]
    assert "My physio asked me which shoes I had been running in" in out["heldout2_running"]
    assert "What is the difference between shin splints and a stress fracture?" in out["heldout2_running"]
    assert "Bonjour" not in out["heldout2_running"] and "claim your free bonus" not in out["heldout2_running"]
    assert "some become real friends who sleep curled up together on the sofa." in out["heldout2_pets"]
    assert "Our vet once told us how long it had taken her own collie to accept a kitten" in out["heldout2_pets"]
    assert "Ask your vet or a behaviourist whether your dog's breed" in out["heldout2_pets"]


def test_spam_runs_after_chrome_and_before_tidy() -> None:
    from cleaner.stages import STAGE_NAMES

    assert STAGE_NAMES.index("chrome") < STAGE_NAMES.index("spam") < STAGE_NAMES.index("tidy")


def test_site_vocabulary_keeps_the_counts_pages_ask_about_under_hashed_keys() -> None:
    from cleaner.stages.spam import SiteVocabulary

    col = SiteVocabulary(min_site_pages=1)
    for name, text in {"a": "Hinges squeak. Compost.", "b": "Hinges again, and tomatoes.", "c": "Hinges, compost."}.items():
        col.add(text, "garden.example", name)
    col.add("Hinges elsewhere.", "other.example", "d")
    stems = col.finish()["df"]
    asked = ["hing", "compost", "tomato", "never"]
    found = stems.lookup("garden.example", [stem(w) for w in ["hinges", "compost", "tomatoes", "never"]])
    assert [found[stem(w)] for w in ["hinges", "compost", "tomatoes", "never"]] == [3, 2, 0, 0]  # one page: left out
    assert stems.lookup("other.example", [stem("hinges")]) == {stem("hinges"): 0}  # on one page of that site
    assert stems.lookup("unknown.example", asked) == dict.fromkeys(asked, 0)


def test_a_sentence_longer_than_any_prose_is_not_judged(ctx: Context) -> None:
    """A "sentence" of 12k characters (a page that is one line of words without punctuation) is left alone by
    the sentence detectors, which cost memory in proportion to it (5.9 GB for a 50 MB line); the same words as a
    sentence of their own are judged."""
    spanish = "Me encanta este blog, mi abuela cultivaba tomates en el patio de su casa"
    english = "The tomatoes need sun and water every day, and the plants grow well in pots on a sunny balcony."
    long_line = " ".join([spanish] * 170)
    assert len(long_line) > 10_000
    page = run_spam("\n".join([english] * 250 + [long_line, spanish + "."]) + "\n", ctx)
    assert page.meta["lang"] == "en"
    assert spam_edits(page) == [("spam.off-language", spanish + ".")]
