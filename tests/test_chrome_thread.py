"""Reader comment threads found by their dated post headers (`cleaner.stages.chrome.thread`), on pages written for
the test: the thread goes by default, stays with --keep-comments, and a live blog's timestamps are no thread."""

from __future__ import annotations

from cleaner.core.pipeline import clean_text, make_context
from cleaner.rulebook.load import default_rules_dir
from cleaner.stages import Context

ARTICLE = [
    "Die Stadt hat am Dienstag beschlossen, die alte Brücke für Reparaturen zu sperren, was fast ein Jahr dauern wird.",
    "Autofahrer müssen die Umgehungsstraße nehmen, und die Busse fahren alle zehn statt alle zwanzig Minuten.",
    "Der Bürgermeister sagte, die Arbeiten könnten nach der letzten Prüfung nicht länger warten, weil sich Risse zeigten.",
    "Die Händler in der Altstadt fürchten, dass ihre Kunden in dieser Zeit lieber in die Einkaufszentren am Rand fahren.",
]
THREAD = [
    "Anna B.",
    "03.03.2021 um 09:14",
    "Endlich, die Brücke wackelt seit Jahren bei jedem Lastwagen, der darüber fährt, und niemand hat etwas getan.",
    "Tom K.",
    "03.03.2021 um 11:02",
    "Und was ist mit den Radfahrern? Die sollen wohl schwimmen.",
    "Anna B.",
    "04.03.2021 um 08:40",
    "Es gibt doch die Fähre, Tom, die fährt jede halbe Stunde.",
    "Mara",
    "05.03.2021 um 17:55",
    "Die Fähre ist im Winter aber zu, das weiß hier jeder.",
]


def test_a_comment_thread_after_the_article_goes_with_its_posters(ctx: Context) -> None:
    text = "\n".join(ARTICLE + THREAD) + "\n"
    page = clean_text(text, ctx)
    assert page.text.split() == "\n".join(ARTICLE).split()
    thread = [e for e in page.edits if e.rule == "chrome.thread"]
    assert len(thread) == 1 and "4 dated post headers" in thread[0].reason
    assert thread[0].before.startswith("Anna B.\n03.03.2021")


def test_keep_comments_keeps_the_thread() -> None:
    text = "\n".join(ARTICLE + THREAD) + "\n"
    kept = make_context([default_rules_dir()], options={"keep_comments": True})
    page = clean_text(text, kept)
    assert not [e for e in page.edits if e.rule == "chrome.thread"]
    assert "Die Fähre ist im Winter aber zu, das weiß hier jeder." in page.text
    for line in THREAD:  # the posters, the headers and the short posts: the chrome model holds them to its inside bar
        assert line in page.text


def test_a_live_blog_keeps_its_timestamped_entries(ctx: Context) -> None:
    entries = []
    for t, s in [("20:05", "Die ersten Ergebnisse aus dem Norden zeigen ein knappes Rennen zwischen den beiden Bewerbern."),
                 ("20:20", "Die Wahlbeteiligung scheint höher zu sein als bei der letzten Wahl, sagten die Wahlhelfer."),
                 ("20:41", "Der Herausforderer hat den ersten Bezirk verloren, sagt aber, die Nacht sei noch jung.")]:
        entries += [t, s]
    text = "\n".join(ARTICLE + entries) + "\n"
    page = clean_text(text, ctx)
    assert not [e for e in page.edits if e.rule == "chrome.thread"]
    assert "Der Herausforderer hat den ersten Bezirk verloren, sagt aber, die Nacht sei noch jung." in page.text


def test_a_thread_before_more_of_the_article_is_cut_to_its_last_post_only(ctx: Context) -> None:
    tail = ["Die Arbeiten beginnen im April, und die Stadt rechnet mit Kosten von rund zwölf Millionen Euro für alles.",
            "Ein Teil des Geldes kommt vom Land, das die Brücke als wichtige Verbindung für die ganze Region einstuft.",
            "Die Opposition im Stadtrat will die Kosten noch einmal prüfen lassen, bevor die ersten Aufträge vergeben werden.",
            "Eine Entscheidung darüber wird für die Sitzung im Februar erwartet, sagte eine Sprecherin der Stadt am Abend."]
    text = "\n".join(ARTICLE + THREAD + tail) + "\n"
    page = clean_text(text, ctx)
    for s in tail:
        assert s in page.text
    assert "Es gibt doch die Fähre, Tom, die fährt jede halbe Stunde." not in page.text


def test_a_forum_thread_of_dated_numbered_posts_is_kept_whole_with_keep_comments() -> None:
    """A forum's post headers may carry no word at all ("03-03-2016, 11:45 #1"): they still open posts, and with
    --keep-comments the short posts under them stay; a version table ("4.2.3" over "April 2014") is no thread."""
    from cleaner.stages.chrome.thread import ThreadSettings, find_thread

    posts = []
    for k, (who, said) in enumerate([("Zaadi", "Ein Brocken fliegt am Dienstag an der Erde vorbei."),
                                     ("Little_Ally", "Danke!"), ("Zaadi", "Gern."), ("bughunter", "Toll, ich schaue zu.")]):
        posts += [f"0{k + 3}-03-2016, 11:4{k} #{k + 1}", who, said, "Zitieren"]
    found = find_thread(posts, ThreadSettings(), min_article_words=0)
    assert found is not None and found.posts == 4 and found.first == 0
    versions = ["Release", "Date", "4.2.3", "April 2014", "4.2.4", "May 2014", "4.3", "July 2014", "4.3.1", "August 2014"]
    assert find_thread(versions, ThreadSettings(), min_article_words=0) is None
