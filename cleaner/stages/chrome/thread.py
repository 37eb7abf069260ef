"""Reader comment threads after the article: a run of dated post headers, cut from the thread's start.

A comment thread (or a forum's replies under its first post) is a sequence of posts, each opened by a short header
line that carries a date or a time ("Milan on September 12, 2018 at 4:47 pm said:", "2 days ago at 07:52 am" under
the user's name).  The pattern rules cut a thread from its heading ("12 Comments", "Leave a reply") only near the
page's end (a thread of 30+ lines starts too early for them); the chrome model, trained on gold sets that disagree
about comments (one keeps them, the others drop them), scores a post's prose as prose.  This detector finds the
thread by its shape, independent of the language: at least ``thread_min_posts`` post headers, one every
``thread_max_gap`` lines at most, after at least ``thread_min_article_words`` words of the page's own prose.  A
header is a short line with a date or a time that ends with a colon, carries a post number ("#3"), names a relative
time ("3 hours ago"), or stands right after a lone name line (the poster); a live blog's timestamps, each after a
paragraph, are not headers.  The thread goes from its first header (with the user name and the thread's heading
just above it) to the end of its last post (as long as the thread's longest), or to the end of the page when no
more of the article's prose follows (a scrape can put a sidebar's dated list before the article's last
paragraphs).  With ``--keep-comments`` the detector does not run, and the chrome model holds the lines of the thread
`find_thread` finds (with the default settings, no prose needed before it) to its inside bar instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from cleaner.core.page import Page, Proposal
from cleaner.core.text import lines, word_list
from cleaner.stages.base import Context
from cleaner.stages.detector import Detector, Settings, setting

RULE_ID = "chrome.thread"

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
#: a day or a time (not a bare year: "2019 NFL Playoff Picture" is no post header; nor a version, "4.2.3")
_WHEN = regex.compile(rf"(?i)(?<![\d.])(?:\d{{1,2}}[./-]\d{{1,2}}[./-](?:\d{{4}}|\d{{2}})(?![\d.])|\d{{4}}[./-]\d{{1,2}}[./-]\d{{1,2}}|\d{{1,2}}:\d{{2}}|{_MONTH}\s+\d{{1,2}}\b|"
                      rf"\d{{1,2}}\.?\s+{_MONTH}\b)")
#: a relative time: "3 hours ago", "vor 2 Tagen", "il y a 5 jours", "hace 3 días", "2 giorni fa", "há 3 dias"
_AGO = regex.compile(r"(?i)\b(?:\d+|an?|one)\s+\p{L}+\s+ago\b|\bvor\s+\d+\s+\p{L}+|\bil y a\s+\d+|\bhace\s+\d+|"
                     r"\b\d+\s+\p{L}+\s+fa\b|\bhá\s+\d+|\b\d+\s+\p{L}+\s+geleden\b")
#: a forum post's number beside its date ("03-03-2016, 11:45 #1")
_POST_NUMBER = regex.compile(r"(?:^|\s)#\d{1,5}\b")
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？", "\"", "”")
_INITIAL = regex.compile(r"(?<!\p{L})\p{L}{1,2}\.$")


def _ends_sentence(s: str) -> bool:
    """Does the line end a sentence (a name's initial, "Anna B.", does not)?"""
    s = s.rstrip()
    return s.endswith(_SENTENCE_END) and not _INITIAL.search(s)


@dataclass(frozen=True)
class ThreadSettings(Settings):
    thread_enabled: bool = setting(True, "remove a reader comment thread after the article (not with --keep-comments)")
    thread_min_posts: int = setting(3, "the thread has at least this many post headers (a short line with a date or time) ...")
    thread_max_gap: int = setting(20, "... at most this many lines apart ...")
    thread_min_article_words: int = setting(60, "... after at least this many words of the page's own prose (the article)")
    thread_header_words: int = setting(14, "a post header has at most this many words")
    thread_lead_lines: int = setting(4, "short lines just above the first header (the poster's name, the thread's "
                                        "heading) go with it, at most this many")


def _header(s: str, prev: str | None, max_words: int) -> bool:
    """Is the line a post's header: short, dated, and shaped as one (a colon at its end, a post number, a
    relative time, or a lone name line just above it)?"""
    if not s.strip() or len(word_list(s)) > max_words:  # a header may have no word at all: "03-03-2016, 11:45 #1"
        return False
    if _AGO.search(s):
        return True
    if not _WHEN.search(s):
        return False
    if s.rstrip().endswith(":") or _POST_NUMBER.search(s):
        return True
    if prev is None:
        return False
    pw = word_list(prev)
    return 0 < len(pw) <= 3 and not _ends_sentence(prev) and not _WHEN.search(prev)


@dataclass(frozen=True)
class Thread:
    """A thread found on a page: its non-blank lines ``first`` (the lines above its first header included) to
    ``end`` (exclusive), the header that opens it, its posts, and the article's prose words before it."""

    first: int
    end: int
    header: int
    posts: int
    article_words: int


def find_thread(texts: list[str], s: ThreadSettings, min_article_words: int | None = None) -> Thread | None:
    """The page's comment thread among its non-blank stripped lines (``min_article_words``: the prose a thread
    follows, default ``thread_min_article_words``), or None."""
    need = int(s.thread_min_article_words if min_article_words is None else min_article_words)
    heads = [k for k, t in enumerate(texts) if _header(t, texts[k - 1] if k else None, int(s.thread_header_words))]
    if len(heads) < s.thread_min_posts:
        return None
    prose = [len(w) if len(w) >= 8 and _ends_sentence(t) else 0 for t in texts for w in [word_list(t)]]
    before = [0] * (len(texts) + 1)
    for k, n in enumerate(prose):
        before[k + 1] = before[k] + n
    for i, start in enumerate(heads):
        if before[start] < need:
            continue
        run = [start]
        for h in heads[i + 1:]:
            if h - run[-1] > s.thread_max_gap:
                break
            run.append(h)
        if len(run) < s.thread_min_posts:
            continue
        first = start
        while (first > 0 and start - first < s.thread_lead_lines and
               len(word_list(texts[first - 1])) <= 5 and not _ends_sentence(texts[first - 1])):
            first -= 1
        if before[first] < need:
            return None
        # the last post: as long as the thread's longest (a post runs from the lines above its header, the
        # poster's name, to those above the next header)
        h = run[-1]
        lead = int(0 < len(word_list(texts[h - 1])) <= 3 and not _ends_sentence(texts[h - 1]))
        last = min(h + max(max(b - a for a, b in zip(run, run[1:])) - lead, 1), len(texts))
        if before[len(texts)] - before[last] < need:
            last = len(texts)  # nothing of the article after it: the thread runs to the page's end
        return Thread(first, last, start, len(run), before[first])
    return None


class ThreadDetector(Detector[ThreadSettings]):
    """Propose removing a reader comment thread: a run of dated post headers after the article, to the page's end."""

    name = "thread"
    settings = ThreadSettings

    def propose(self, page: Page, settings: ThreadSettings, ctx: Context) -> list[Proposal]:
        s = settings
        if not s.thread_enabled or ctx.options.get("keep_comments"):
            return []
        spans = [ln for ln in lines(page.text) if ln.text.strip()]
        texts = [ln.text.strip() for ln in spans]
        t = find_thread(texts, s)
        if t is None:
            return []
        end = spans[t.end].start if t.end < len(texts) else len(page.text)
        reason = (f"a reader comment thread: {t.posts} dated post headers (\"{texts[t.header][:60]}\" first), "
                  f"at most {s.thread_max_gap} lines apart, after {t.article_words} words of the article")
        return [Proposal(spans[t.first].start, end, "", RULE_ID, reason, {"posts": t.posts})]
