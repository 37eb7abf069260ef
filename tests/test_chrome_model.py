"""The chrome model: chrome by what a line is and where it sits; headings, lists and quotations in the article stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.core.pipeline import clean_text
from cleaner.stages import Context

P1 = "The river rose by two metres overnight, and the town council opened the school gym to families."
P2 = "Volunteers brought blankets and soup, and the mayor thanked them on the radio the next morning."
P3 = "The school will reopen once the water has gone down, the head teacher said on Friday."


def kept(ctx: Context, text: str) -> list[str]:
    return clean_text(text, ctx).text.splitlines()


PAGES = Path(__file__).resolve().parent / "pages" / "chrome"


def test_menu_before_and_related_comments_footer_after_go_article_stays(ctx: Context) -> None:
    text = "\n".join([
        "Home", "World", "Business", "Sport", "Culture", "Search", "Flood waters recede in the valley",
        "The river rose by two metres overnight, and the town council opened the school gym to families who had to "
        "leave their homes.", P2, "What happens next?", P3,
        "Insurers have sent assessors to the worst hit streets, where cellars are still full of mud.",
        "Share this article", "Related articles", "Leave a comment", "About us", "Contact", "Privacy policy",
        "© 2024 Riverside Gazette. All rights reserved."])
    lines = text.splitlines()
    assert kept(ctx, text) == lines[6:12]


def test_a_removal_names_its_score_and_evidence(ctx: Context) -> None:
    page = clean_text((PAGES / "de-apfelkuchen.raw.txt").read_text(encoding="utf-8"), ctx)
    edits = [e for e in page.edits if e.rule == "chrome.model.line"]
    assert edits
    for e in edits:
        assert e.reason.startswith("chrome model: P(chrome) ") and "evidence:" in e.reason
        assert e.detail and e.detail["score"] >= 0.6 and e.detail["evidence"]


@pytest.mark.parametrize("name", ["de-apfelkuchen", "fr-tarte"])
def test_comment_form_share_bar_and_cookie_notice_go_ingredients_and_quotation_stay(ctx: Context, name: str) -> None:
    """Pages written for this test: a German and a French recipe, each quoting a line in another language."""
    raw = (PAGES / f"{name}.raw.txt").read_text(encoding="utf-8")
    out = kept(ctx, raw)
    lines = raw.splitlines()
    start = lines.index("Zutaten" if name.startswith("de") else "Ingrédients")
    quote = next(s for s in lines if s.startswith('"'))
    article = lines[start: lines.index(quote) + 2]  # the ingredients, the steps, the quotation, the last step
    assert [s for s in out if s in article] == article
    chrome = lines[lines.index(quote) + 2:]  # share bar, comment form, cookie notice, footer links
    assert not [s for s in out if s in chrome and s != "E-Mail"]


def test_brand_line_between_paragraph_and_question_heading_goes(ctx: Context) -> None:
    text = f"{P1}\n\n{P2}\n\nHarbourside Wellbeing\n\nHow does the school reopen?\n\n{P3}\n"
    assert "Harbourside Wellbeing" not in kept(ctx, text)
    assert "How does the school reopen?" in kept(ctx, text)


def test_headings_and_short_lines_inside_the_article_survive(ctx: Context) -> None:
    text = "\n".join([
        "The Plan", P1, "Here's a closer look:", "Key Parts of the Plan:", "Goals and Deadlines:", P2,
        "Owners", P3, "Why Does It Matter?", "The Short Answer:", P1.replace("river", "lake"), "In short", P2.replace("soup", "tea"),
    ])
    assert kept(ctx, text) == text.splitlines()


def test_page_without_prose_is_left_alone(ctx: Context) -> None:
    text = "Home\nAbout\nContact\nShop\n"
    assert clean_text(text, ctx).text == text


def test_text_without_a_stoplist_language_keeps_its_paragraphs(ctx: Context) -> None:
    ko = "정동극장의 궁 장녹수는 외국인 관광객에게 큰 인기를 얻고 있으며 많은 관람객이 공연을 보고 만족했다고 말했다."
    text = "\n".join(["홈", "공연", "예매", ko, ko.replace("정동극장의", "극장의"), "공유"])
    out = kept(ctx, text)
    assert ko in out and ko.replace("정동극장의", "극장의") in out


MENU_PARAGRAPH = ("All Regions Therapists Events Search. Looking for a local counsellor? Try our search. What is grief? "
                  "How long does grief last? When should I ask for help?")


def test_chrome_dense_paragraph_after_removed_chrome_goes(ctx: Context) -> None:
    text = f"{P1}\n\n{P2}\n\nWe use cookies to provide and improve our services.\n\n{MENU_PARAGRAPH}\n\n{P3}\n"
    page = clean_text(text, ctx)
    assert MENU_PARAGRAPH not in page.text and P3 in page.text
    dense = [e for e in page.edits if e.rule == "chrome.classifier.dense-paragraph"]
    assert dense and "sentences are menu fragments (1) or short question headings (4)" in dense[0].reason


def test_questions_inside_the_article_survive(ctx: Context) -> None:
    interview = "Who? Mr. Smith, Our Neighbour. When? Last Tuesday. Where? At the Old Mill Pond. Why? Nobody knows."
    text = f"{P1}\n\n{interview}\n\n{P2}\n\nWill it pass? Who will pay? Can the town wait? Nobody at City Hall would say.\n"
    assert clean_text(text, ctx).text == text


def test_hard_wrapped_paragraphs_survive(ctx: Context) -> None:
    import textwrap

    paras = [
        "The history of the Tokyo, Osaka, Kyoto and Nagoya railway lines is long. In 1872 the first line opened between "
        "Shimbashi and Yokohama, built with British engineers and Indian finance, and within thirty years the main islands "
        "were linked from Aomori to Shimonoseki.",
        "Private companies built most of the lines that followed, Hankyu, Hanshin, Keihan and Kintetsu among them, and "
        "department stores at their terminals. The government bought the trunk lines in 1906 and 1907.",
    ]
    text = "Railways of Japan\n\n" + "\n\n".join(textwrap.fill(p, 60) for p in paras) + "\n"
    assert clean_text(text, ctx).text == text


def test_a_long_line_is_prose_even_when_no_stoplist_knows_its_words(ctx: Context) -> None:
    long_line = " ".join(f"Zorblat{i} krinvex" for i in range(30))  # 60 words no stoplist covers
    text = "\n".join(["Home", "News", "Sport", long_line, P1, P2])
    assert long_line in kept(ctx, text)


def test_numbered_list_items_are_not_counters(ctx: Context) -> None:
    items = ["1. Water the seedlings every morning", "2. Turn the trays once a week", "3. Plant them out in May"]
    text = "\n".join([P1, *items, P2])
    assert kept(ctx, text) == [P1, *items, P2]


def test_an_ingredient_list_inside_the_recipe_survives(ctx: Context) -> None:
    text = "\n".join([
        "Home", "Recipes", "Contact", "Spiced pear jam",
        "This pear jam keeps for a year in a cool cupboard, and it needs no special equipment at all.",
        "Ingredients", "1 kg pears", "2 cups sugar", "1 lemon", "6 tbsp pectin powder",
        "Peel and chop the pears, then cook them with the sugar and lemon juice for twenty minutes.",
        "Stir in the pectin, boil for one more minute and pour the jam into warm, clean jars.",
    ])
    recipe = text.splitlines()[4:]  # the introduction, the ingredients, the method
    assert kept(ctx, text)[-len(recipe):] == recipe


def test_a_numbered_list_ending_the_article_survives_footer_links_after_it_go(ctx: Context) -> None:
    items = ["1) Garden hose with brass fittings", "https://example.com/a", "2) Rain barrel, 200 litres",
             "https://example.com/b", "3) Compost bin (wooden)", "4) Pruning shears"]
    text = "\n".join([P1, P2, "Our picks for the season:", *items, "About Us", "Careers", "Privacy"])
    out = kept(ctx, text)
    assert out[: 3 + len(items)] == [P1, P2, "Our picks for the season:", *items]
    assert "Careers" not in out


def test_a_data_table_ending_the_article_survives(ctx: Context) -> None:
    rows = ["1 Kevin Harvick 5033 4 6 15", "2 Martin Truex Jr. 5035 7 0 15", "3 Denny Hamlin 5027 6 3 19",
            "4 Joey Logano 2380 2 3 12", "5 Ryan Blaney 2339 1 1 11"]
    text = "\n".join([P1, P2, P3, *rows])
    assert kept(ctx, text) == [P1, P2, P3, *rows]


def test_records_punctuated_alike_ending_the_article_survive(ctx: Context) -> None:
    rows = ["England (Group A): 10th appearance", "Ukraine (Group B): Third appearance",
            "Spain (Group F): 11th appearance", "Sweden (Group F): Seventh appearance", "Poland (Group G): Fourth appearance"]
    text = "\n".join([P1, P2, P3, *rows])
    assert kept(ctx, text) == [P1, P2, P3, *rows]


THREAD = [
    "How to grow garlic in a small garden",
    "Garlic is one of the easiest crops for a small garden, because it needs little space and almost no care once it "
    "is in the ground.",
    "Plant the cloves in autumn, pointed end up, about ten centimetres apart and five centimetres deep in well drained "
    "soil.",
    "Over the winter the cold tells each clove to split, and by the middle of summer every clove has become a full bulb.",
    "Harvest when the lower leaves turn brown, and let the bulbs dry in a shady, airy place for two or three weeks.",
    "12 Comments", "Mary Jones", "March 3, 2021 at 9:14 am",
    "I planted mine in November last year and they came up beautifully, thank you for the clear instructions.",
    "Reply", "Tom Baker", "March 4, 2021 at 7:02 pm",
    "Does this work in clay soil as well, or do I need to dig in a lot of sand before I plant the cloves?",
    "Reply", "Leave a Reply", "Your email address will not be published. Required fields are marked *",
    "Privacy Policy", "© 2021 Garden Notes",
]


def test_comments_go_by_default_and_keep_comments_keeps_the_posts_not_their_furniture() -> None:
    from cleaner.core.pipeline import make_context
    from cleaner.rulebook.load import default_rules_dir

    text = "\n".join(["Home", "News", "Gardening", "Contact", *THREAD])
    posts = [THREAD[8], THREAD[12]]
    furniture = ["Reply", "Leave a Reply", THREAD[15], "Privacy Policy"]
    plain = kept(make_context([default_rules_dir()]), text)
    assert THREAD[1] in plain and not [s for s in plain if s in posts or s in furniture]
    with_comments = kept(make_context([default_rules_dir()], options={"keep_comments": True}), text)
    assert THREAD[1] in with_comments and all(p in with_comments for p in posts)
    assert not [s for s in with_comments if s in furniture]
