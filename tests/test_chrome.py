"""Chrome rules on pages written for the test: widgets go, the article and its near-misses stay."""

from __future__ import annotations

from cleaner.core.pipeline import clean_text
from cleaner.stages import Context

WORDPRESS_PAGE = """Skip to content
How to Prune Roses in Winter
Posted on January 5, 2024 by: Margaret Hill
Categories: Gardening, Roses
Pruning roses in winter keeps them healthy. Cut above an outward-facing bud, at an angle.
Share your results with a friend who grows roses too; they will thank you.
Follow us
Share on Facebook Tweet Pin it
We use cookies to improve your experience. By using our site, you agree to our use of cookies.
Sign up for our newsletter to get the latest posts.
« Previous Posts
Leave a Reply
Your email address will not be published. Required fields are marked *
Comment *
Post Comment
"""

EXPECTED = """How to Prune Roses in Winter
Pruning roses in winter keeps them healthy. Cut above an outward-facing bud, at an angle.
Share your results with a friend who grows roses too; they will thank you.
"""


def test_wordpress_page_loses_its_chrome_and_keeps_the_article(ctx: Context) -> None:
    page = clean_text(WORDPRESS_PAGE, ctx)
    assert page.text == EXPECTED
    fired = {e.rule for e in page.edits}
    assert {"chrome.builder.page-markers", "chrome.comments.taxonomy", "chrome.nav.share-buttons",
            "chrome.notice.cookies", "chrome.notice.newsletter", "chrome.comments.section"} <= fired
    for e in page.edits:
        assert e.stage and e.reason and WORDPRESS_PAGE[e.start : e.end] == e.before


def test_near_misses_in_article_text_survive(ctx: Context) -> None:
    article = (
        "The hotel was rated 4 out of 5 stars by our readers.\n"
        "Share your feelings with someone you trust.\n"
        "Page 2 of the report lists every clinic we visited.\n"
        "On Jan 19, 2021 the clinic opened, and the queue went round the block.\n"
        "Cookies are small files that a browser keeps, as chapter two explains.\n"
        "Comments from readers shaped the second edition of this guide, which we rewrote twice.\n"
    )
    assert clean_text(article, ctx).text == article


def test_dictionary_attribution_is_cut_out_of_the_sentence(ctx: Context) -> None:
    text = "A bond of trust. Legal Dictionary, © Farlex and Partners. The bond matters.\n"
    assert clean_text(text, ctx).text == "A bond of trust. The bond matters.\n"


def test_what_a_widget_leaves_behind_goes_with_it(ctx: Context) -> None:
    first = "The first session is about getting to know each other, and nothing has to be decided on the day."
    last = "Most clients come once a week for the first months, and then less often."
    page = clean_text(f"{first}\nShe is based in Leeds. View profile. Message me. Share this article with a friend.\n{last}\n", ctx)
    assert page.text == f"{first}\n{last}\n"
    leftover = [e for e in page.edits if e.rule == "chrome.leftover"]
    assert len(leftover) == 1 and "5 words stay" in leftover[0].reason
    # the line's own pieces stay on record inside the leftover edit that covers them
    assert {a.rule for a in leftover[0].absorbed} == {"chrome.nav.share-sentence"}


def test_an_article_paragraph_that_lost_a_cookie_notice_keeps_its_sentences(ctx: Context) -> None:
    para = ("We use cookies to improve our services. Pruning roses in winter keeps them healthy and strong. "
            "By using our site, you consent to cookies.")
    assert clean_text(para, ctx).text.strip() == "Pruning roses in winter keeps them healthy and strong."
