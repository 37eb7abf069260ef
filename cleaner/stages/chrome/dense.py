"""Two shapes the chrome model does not see, as small detectors with their settings in YAML.

Chrome-dense paragraphs: a menu flattened into one paragraph (menu fragments, search prompts, short questions).
The chrome model judges whole lines; a paragraph of prose length whose sentences are mostly menu fragments and
short question headings looks like prose to it.  Only the page's last paragraph and paragraphs right after text
the chrome stage removed are looked at (``dense_*`` settings).

Brand lines: a short line of capitalised words without a single stopword, standing between a paragraph of the
article and a question heading ("Harbourside Wellbeing" between two sections): a heading introduces its own
text, this line introduces another heading; it is a site's name or a widget's title (``brand_*`` settings).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

from cleaner.core.page import Page, Proposal
from cleaner.core.text import Span, line_with_newline, lines, sentence_texts, word_list
from cleaner.stages.base import Context
from cleaner.stages.detector import Detector, Settings, setting

DENSE_RULE_ID = "chrome.classifier.dense-paragraph"
BRAND_RULE_ID = "chrome.brand-line"

@dataclass(frozen=True)
class ProseSettings(Settings):
    dense_prose_words: int = setting(8, "what prose is (a paragraph worth looking at): this many words and a sentence ending")


@dataclass(frozen=True)
class DenseSettings(ProseSettings):
    dense_enabled: bool = setting(True, "remove a menu flattened into a paragraph (menu fragments and short questions)")
    dense_min_sentences: int = setting(4, "the paragraph has at least this many sentences ...")
    dense_min_questions: int = setting(2, "... at least this many of them short questions ...")
    dense_min_share: float = setting(0.6, "... and menu fragments and short questions make this share of them")
    dense_max_words: int = setting(10, "a fragment or a short question has at most this many words")
    dense_fragment_capitalised: float = setting(0.5, "a menu fragment has this share of capitalised words (and 2+)")


@dataclass(frozen=True)
class BrandSettings(ProseSettings):
    brand_enabled: bool = setting(True, "remove a site's name or a widget's title between a paragraph and a question heading")
    brand_max_words: int = setting(4, "such a line has 2 to this many capitalised words and no stopword")
    brand_question_words: int = setting(15, "the question heading after it has fewer words than this")


class BrandLines(Detector[BrandSettings]):
    """A capitalised stopword-free line between a paragraph and a question heading: a site's name or a widget's
    title, not a heading of its own."""

    name = "brand-line"
    settings = BrandSettings

    def propose(self, page: Page, settings: BrandSettings, ctx: Context) -> list[Proposal]:
        from cleaner.stages.chrome.model import page_stoplist

        return brand_proposals(page, settings, page_stoplist)


class DenseParagraphs(Detector[DenseSettings]):
    """The last prose paragraph, and any right after removed chrome, when chrome-dense."""

    name = "dense-paragraph"
    settings = DenseSettings

    def propose(self, page: Page, settings: DenseSettings, ctx: Context) -> list[Proposal]:
        return dense_proposals(page, settings)


def brand_proposals(page: Page, opts: BrandSettings, stoplist_of: Callable[[list[str]], frozenset[str]]) -> list[Proposal]:
    """Capitalised stopword-free short lines between a paragraph of prose and a question heading
    (``stoplist_of`` gives the page language's stoplist from its words: asked only when a line qualifies)."""
    if not opts.brand_enabled:
        return []
    text = page.text
    stops: frozenset[str] | None = None
    spans = [ln for ln in lines(text) if ln.stripped]
    out = []
    for i in range(1, len(spans) - 1):
        s = spans[i].stripped
        ws = word_list(s)
        if not ws or len(ws) > opts.brand_max_words or len(ws) < 2 or not s[-1:].isalnum():
            continue
        if not all(w[:1].isupper() for w in ws):
            continue
        before, after = spans[i - 1].stripped, spans[i + 1].stripped
        if not (len(word_list(before)) >= opts.dense_prose_words and before.endswith((".", "!", "…"))):
            continue
        if not (after.endswith("?") and len(word_list(after)) < opts.brand_question_words):
            continue
        if stops is None:
            stops = stoplist_of([w for ln in spans for w in word_list(ln.stripped)])
        if not stops or any(w.casefold() in stops for w in ws):
            continue
        a, b = line_with_newline(text, spans[i])
        out.append(Proposal(a, b, "", BRAND_RULE_ID, "a capitalised line without stopwords between a paragraph and "
                            "a question heading: a site's name or a widget's title, not a heading of its own"))
    return out


def dense_proposals(page: Page, opts: DenseSettings) -> list[Proposal]:
    """The last prose paragraph, and any right after removed chrome, when chrome-dense."""
    if not opts.dense_enabled:
        return []
    text = page.text
    prose = [ln for ln in lines(text) if len(word_list(ln.stripped)) >= opts.dense_prose_words
             and ln.stripped.rstrip("\"'’”)]").endswith((".", "!", "?", "…"))]
    dense = DenseParagraph()
    out = []
    for k, span in enumerate(prose):
        p = dense.proposal(text, span, opts)
        if p is not None and (k == len(prose) - 1 or dense.follows_chrome(page, span)):
            out.append(p)
    return out


class DenseParagraph:
    """A paragraph most of whose sentences are chrome: a menu flattened into a paragraph (menu fragments,
    search-box prompts, a table of contents of short question headings).

    Only the page's last paragraph and paragraphs right after text already removed as chrome are looked
    at, and they need menu fragments *and* short questions, so an article's paragraph of rhetorical
    questions, or an interview's "Who? Mr. Smith." keeps its place.
    """

    @staticmethod
    def follows_chrome(page: Page, span: Span) -> bool:
        """Does the paragraph come right after a line the chrome stage removed?"""
        raw_start = page.raw_offset(span.start)
        k = bisect.bisect_right([e.end for e in page.edits], raw_start) - 1  # edits are sorted and disjoint
        if k < 0:
            return False
        e = page.edits[k]
        return e.stage == "chrome" and e.after == "" and not page.raw[e.end:raw_start].strip()

    def proposal(self, text: str, span: Span, opts: DenseSettings) -> Proposal | None:
        if not opts.dense_enabled:
            return None
        sents = sentence_texts(span.text)  # called on every prose line: no spans needed, only their text
        if len(sents) < opts.dense_min_sentences:
            return None
        questions = [x for x in sents if x.endswith("?") and len(word_list(x)) <= opts.dense_max_words]
        if len(questions) < opts.dense_min_questions:
            return None  # decided without the fragments (the test below): most paragraphs ask no questions
        fragments = [x for x in sents if x not in questions and self._fragment(x, opts)]
        share = (len(questions) + len(fragments)) / len(sents)
        if not fragments or len(questions) < opts.dense_min_questions or share < opts.dense_min_share:
            return None
        a, b = line_with_newline(text, span)
        reason = (f"chrome-dense paragraph: {len(questions) + len(fragments)} of {len(sents)} "
                  f"sentences are menu fragments ({len(fragments)}) or short question headings ({len(questions)})")
        return Proposal(a, b, "", DENSE_RULE_ID, reason, {"fragments": fragments[:5], "questions": questions[:5]})

    @staticmethod
    def _fragment(sent: str, opts: DenseSettings) -> bool:
        """A menu fragment: short, mostly capitalised words, the last one too (``All site Events Search``)."""
        ws = word_list(sent)
        if not ws or len(ws) > opts.dense_max_words or not ws[-1][:1].isupper():
            return False
        caps = sum(1 for w in ws if w[:1].isupper())
        return caps / len(ws) >= opts.dense_fragment_capitalised and caps >= 2
