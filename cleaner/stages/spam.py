"""Spam: junk spliced into a real article, removed so the article's sentences stay whole.

Four detectors, each committed on its own so its edits carry its own rule id:

1. pattern rules (``rules/spam/*.yaml``): casino/pharma/crypto offers, link farms, comment spam;
2. off-language sentences: the page language is detected first (``page.meta["lang"]``);
   a sentence is removed only when py3langid *and* the words themselves (wordfreq) say
   it is in another language, so a quoted foreign phrase inside a sentence stays;
3. keyword stuffing: the page's title (a question-form keyword) pasted mid-sentence;
4. spliced search queries: a query-like run that starts mid-sentence, is made of words
   the page (and its site) never uses elsewhere, and leaves text on both sides.

Every threshold is a setting (``rules/spam/detectors.yaml``); every reason says
which signal fired and how strongly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import regex

from cleaner import _core
from cleaner.core.memo import resource, word_memo
from cleaner.core.page import Page, Proposal
from cleaner.core.text import (
    Span,
    line_memo,
    line_with_newline,
    lines,
    page_words,
    removal_span,
    sentence_bounds,
    sentences,
    word_list,
    words_by_line,
)
from cleaner.resources.keycounts import KeyCounts
from cleaner.resources.langid import detect, ensure_page_language
from cleaner.resources.lexicon import word_key, zipf
from cleaner.rulebook.patterns import run_rules
from cleaner.stages.base import Context
from cleaner.stages.detector import Detector, DetectorStage, Settings, setting

# a token of a sentence: a word, or a run of punctuation (which ends a query window)
_TOKEN = regex.compile(r"\p{L}[\p{L}\p{M}\p{N}]*(?:['’]\p{L}+)*|\p{N}+(?:[.,]\p{N}+)*|[^\s\p{L}\p{N}]+")
_WORDLIKE = regex.compile(r"[\p{L}\p{N}]")
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]")
_LETTERS = regex.compile(r"\p{L}")


@word_memo  # called on every word of every page; a page's words are mostly the corpus's words
def stem(word: str) -> str:
    """A crude English stem, enough to see 'relationships' and 'relationship' as one topic word."""
    w = word.casefold().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: len(w) - len(suffix)] + repl
    return w


@resource
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages())


@resource
def _tokenizes(lang: str) -> bool:
    """Some wordfreq languages (zh, ja, ko) need an optional tokenizer; without it their words give no evidence."""
    try:
        zipf("a", lang)
    except (LookupError, ImportError):
        return False
    return True


#: langid codes whose words wordfreq lists under another code (Croatian, Bosnian, Serbian: Serbo-Croatian)
_WORDLIST_ALIAS = {"hr": "sh", "bs": "sh", "sr": "sh", "no": "nb"}


def safe_zipf(word: str, lang: str) -> float:
    lang = _WORDLIST_ALIAS.get(lang, lang)
    if lang not in _wordfreq_languages():
        return 0.0  # no word list for this language: the words give no evidence either way
    try:
        return zipf(word.casefold(), lang)
    except (LookupError, ImportError):  # a language wordfreq lacks, or one that needs an optional tokenizer
        return 0.0


_TITLE_HEAD_SPLIT = regex.compile(r"\s[-|–—:]\s|:\s|\?")


@word_memo  # the scan asks about every distinct word of every page, most of them the corpus's common words
def _vocab_stem(word: str, max_zipf: float) -> str:
    """A word's stem as `SiteVocabulary` counts it, or "" for a word too common to count (a stem is never empty)."""
    return stem(word) if safe_zipf(word, "en") < max_zipf else ""


class SiteVocabulary:
    """Scan-pass collector: in how many pages of each site a content word occurs.

    A batch counts stems in ``Counter``s; what travels and is merged is a `KeyCounts` per site (a stem's 64-bit
    key, the one `SiteStems` looks up, and its page count).  Only counts a page can read are kept at the end:
    `Topic.elsewhere` asks whether a word is on ``min_site_pages`` pages of the site besides this one, so a word
    on fewer pages than that plus one is never asked about."""

    def __init__(self, max_zipf: float = 5.6, min_site_pages: int = 1):
        self.max_zipf = max_zipf
        self.keep_from = max(1, min_site_pages + 1)
        self.df: dict[str, Counter[str]] = {}  # this batch's, until `_counted`
        self.totals: dict[str, KeyCounts] = {}
        self.pages: Counter[str] = Counter()

    def add(self, text: str, site: str, name: str, key: str | None = None) -> None:
        # each distinct word once: a page repeats most of its words, and the result is a set anyway
        stems = {s for w in set(page_words(text)) if (s := _vocab_stem(w, self.max_zipf))}
        self.df.setdefault(site, Counter()).update(stems)
        self.pages[site] += 1

    def _counted(self) -> dict[str, KeyCounts]:
        for site, counts in self.df.items():
            self.totals.setdefault(site, KeyCounts()).add(map(_stem_key, counts), ((n,) for n in counts.values()))
        self.df = {}
        return self.totals

    def __getstate__(self) -> dict[str, Any]:
        self._counted()
        return self.__dict__

    def merge(self, other: SiteVocabulary) -> None:
        self._counted()
        for site, counts in other._counted().items():
            self.totals.setdefault(site, KeyCounts()).merge(counts)
        self.pages.update(other.pages)

    def finish(self) -> dict[str, Any]:
        return {"df": SiteStems({site: kc.arrays() for site, kc in self._counted().items()}, self.keep_from),
                "pages": dict(self.pages)}


# a page looks up all its stems, most of them common to every page: their keys (a BLAKE2 digest each) are kept
_stem_key = word_memo(word_key)


class SiteStems:
    """The finished site vocabulary: per site, its stems' 64-bit keys (sorted) and on how many pages each occurs.

    12 bytes a stem, a fraction of a dict of strings (the 200 MB benchmark corpus keeps 571k site-stem pairs,
    held by the main process and every worker).  A page looks up its own stems in one go (`lookup`)."""

    def __init__(self, counted: dict[str, tuple[np.ndarray, np.ndarray]], keep_from: int) -> None:
        """``counted``: per site, the sorted keys of its stems and their page counts (`KeyCounts.arrays`)."""
        self._sites: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for site, (keys, counts) in counted.items():
            kept = counts[:, 0] >= keep_from
            self._sites[site] = (keys[kept], counts[kept, 0].astype(np.int32))

    def lookup(self, site: str, stems: Collection[str]) -> dict[str, int]:
        """On how many of the site's pages each stem occurs (0: none, or fewer than the counts kept)."""
        words = list(stems)
        keys, pages = self._sites.get(site, (None, None))
        if keys is None or pages is None or not len(keys) or not words:
            return dict.fromkeys(words, 0)
        asked = np.fromiter(map(_stem_key, words), dtype=np.int64, count=len(words))
        at = np.minimum(np.searchsorted(keys, asked), len(keys) - 1)
        found = np.where(keys[at] == asked, pages[at], 0)
        return dict(zip(words, found.tolist()))


@dataclass
class Topic:
    """What the page is about: its own word counts, its title words and its site's vocabulary.

    `of` leaves the counting of the page's words to the first question (`elsewhere`): on ~40% of the
    pages no sentence has a query shape, and nothing is asked."""

    counts: Counter[str]
    title: set[str]
    site_df: dict[str, int] = field(default_factory=dict)  # the page's own stems, looked up at once
    site_pages: int = 0
    site: str = ""
    site_stems: SiteStems | None = None  # for stems the page does not have (normalize may have made new words)
    #: (the text whose words are the page's, the title) until they are counted into the fields above
    pending: tuple[str, str] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, page: Page, ctx: Context, title: str) -> Topic:
        # the raw page, not the current text: a word the page used in a box that chrome removed is
        # still the page's vocabulary, and the topic must not depend on which stages ran before
        raw = page.raw
        # ... except the copies dedup removed: their words are on the page once more already, and counting a
        # copied paragraph twice would hide a query spliced into it (until a second cleaning)
        for a, b in reversed(page.removed_spans(stage="dedup")):
            raw = raw[:a] + raw[b:]
        stats = ctx.stats.get("spam") or {}
        stems = stats.get("df")
        pages = stats.get("pages", {}).get(page.site, 0)
        return cls(Counter(), set(), {}, pages, page.site, stems if isinstance(stems, SiteStems) else None, (raw, title))

    def _count(self) -> None:
        """Count the page's and the title's words, and look their stems up in the site's vocabulary."""
        if self.pending is None:
            return
        raw, title = self.pending
        self.pending = None
        self.counts = Counter(map(stem, words_by_line(raw)))
        self.title = set(map(stem, word_list(title)))
        if self.site_stems is not None:
            self.site_df = self.site_stems.lookup(self.site, self.counts.keys() | self.title)

    def elsewhere(self, word: str, inside: Counter[str], min_site_pages: int) -> bool:
        """Is the word used on the page outside this span, in the title, or in other pages of the site?"""
        self._count()
        s = stem(word)
        if s in self.title or self.counts[s] - inside[s] > 0:
            return True
        if self.site_pages <= 1:
            return False
        df = self.site_df.get(s)
        if df is None:
            df = self.site_df[s] = self.site_stems.lookup(self.site, [s])[s] if self.site_stems is not None else 0
        return df - 1 >= min_site_pages  # the page itself was counted by the scan pass: "other pages" is df - 1


def page_title(text: str, max_words: int = 15) -> str:
    """The first line when it is short enough to be a title (the page's target keyword), else ''."""
    for ln in lines(text):
        if ln.text.strip():
            return ln.text.strip() if len(ln.text.split()) <= max_words else ""
    return ""


@dataclass(slots=True)
class Word:
    """A token; ``low`` (its casefold) is computed once up front: nearly every token's is read."""

    start: int
    end: int
    text: str
    low: str


def _tokens(sent: Span) -> list[Word]:
    base = sent.start
    return [Word(base + m.start(), base + m.end(), t, t.casefold()) for m in _TOKEN.finditer(sent.text) for t in (m.group(),)]


@line_memo  # sentences recur from page to page (quotes, boilerplate the earlier stages leave)
def _token_lows(sentence: str) -> str:
    """``" ".join(t.low for t in _tokens(sentence))`` without making any `Word`: casefold works letter by
    letter and never makes a space, and no token holds one (so its ``split(" ")`` gives the tokens' casefolds)."""
    return " ".join(_TOKEN.findall(sentence)).casefold()


@line_memo  # two sentences in three recur within the memo's bound on the benchmark corpus
def _has_marker(markers: regex.Pattern[str], lows: str) -> bool:
    return markers.search(lows) is not None


def _is_word(tok: Word) -> bool:
    return bool(_WORDLIKE.match(tok.text))


@dataclass(frozen=True)
class SentenceSettings(Settings):
    max_sentence_chars: int = setting(10_000, "longer 'sentences' are not judged: no prose sentence is this long, and "
                                              "judging one line of words without punctuation costs memory in proportion")


@dataclass(frozen=True)
class OffLanguageSettings(SentenceSettings):
    offlang_min_words: int = setting(4, "a sentence needs this many words to be judged off-language")
    offlang_min_confidence: float = setting(0.2, "langid's confidence below which its verdict is ignored")
    offlang_confident: float = setting(0.97, "langid this sure overrides a low share of foreign words")
    offlang_min_foreign_share: float = setting(0.5, "share of the sentence's words that must be words of the other language")
    offlang_max_page_share: float = setting(0.34, "at most this share of its words may be page-language words")
    offlang_nolist_confidence: float = setting(0.5, "a language without a word list: langid must be this sure")
    offlang_nolist_max_page_share: float = setting(0.1, "... and at most this share of its words page-language words")
    offlang_min_unspaced_chars: int = setting(8, "scripts written without spaces count letters instead of words")
    offlang_max_title_case: float = setting(0.6, "a sentence with this share of capitalised words is a name or heading: kept")
    offlang_keep_quoted: bool = setting(True, "a whole sentence in quotation marks is a quotation, not spam")
    offlang_not_languages: list[str] = setting(["zxx"], "langid codes that are no natural language: never removed")
    offlang_lingua_franca: list[str] = setting(["en"], "languages quoted in any text: removed only when long and sure")
    lingua_franca_min_words: int = setting(8, "... this many words")
    lingua_franca_confidence: float = setting(0.99, "... and langid this sure")
    offlang_varieties: list[list[str]] = setting([], "groups of languages written alike: one on a page in another is kept")
    offlang_quote_pairs: list[list[str]] = setting([], "quote marks (open, close): a sentence whose letters are all inside them is kept")


@dataclass(frozen=True)
class QuerySettings(SentenceSettings):
    """What the query detectors share: the languages they read, a query's starters and the page's topic."""

    splice_languages: list[str] = setting(["en"], "the query and keyword detectors run only on pages in these languages")
    query_starters: list[str] = setting(["how", "what", "where", "which", "why", "when", "who", "best", "cheap", "buy"],
                                        "words a pasted search query starts with")
    query_markers: list[str] = setting([], "regexes over lower-cased words ending a product, price or place query ('near me')")
    min_query_words: int = setting(3, "a query has at least this many words")
    neutral_zipf: float = setting(5.6, "words at least this frequent (wordfreq Zipf) tell nothing about the topic")
    min_site_pages: int = setting(1, "a word on this many other pages of the site is on topic")
    reported_question_words: list[str] = setting([], "a question-like phrase after one of these is a reported question ('asked what')")
    licensor_window: int = setting(3, "how many words back a reporting word may stand")
    licensor_barriers: list[str] = setting(["that"], "... not across these (the clause after a complementizer is checked)")
    question_syntax_next: list[str] = setting(["is", "are", "was", "were", "do", "does", "did", "can", "to", "will", "should",
                                               "much", "many", "long", "old", "far"], "words after a starter that make question syntax")


@dataclass(frozen=True)
class KeywordSettings(QuerySettings):
    keyword_min_words: int = setting(3, "a title keyword has at least this many words")
    keyword_max_words: int = setting(10, "... and at most this many")


@dataclass(frozen=True)
class SpliceSettings(QuerySettings):
    splice_extra_licensors: list[str] = setting([], "a query right after one of these is missed on purpose ('and what ...')")
    relative_pronouns: list[str] = setting(["who", "which", "whose", "whom"], "never start a spliced query (a relative clause)")
    lowercase_queries: bool = setting(True, "pasted queries come in lower case: a capitalised word means prose")
    noun_phrase_openers: list[str] = setting([], "a starter after one of these (or a possessive) is inside a noun phrase")
    adjective_starters: list[str] = setting([], "starters that are also adjectives start a query only with a query word in it")
    adjective_query_words: list[str] = setting([], "... one of these ('best vacuum for pet hair')")
    weak_starters: list[str] = setting(["when", "where", "why", "who", "which"], "starters that are also conjunctions count only "
                                                                                  "with question syntax after them")
    question_syntax_bonus: float = setting(1.0, "question syntax adds this to a query's rarity strength")
    min_strength: float = setting(2.5, "rarity strength a spliced query needs: sum of (6 - Zipf) over its off-topic words")
    query_tails: list[str] = setting([], "words that may close a product query after its marker ('... best price uk')")
    window_stop_words: list[str] = setting(["this", "these", "those", "that", "which", "whose", "but", "because", "although",
                                            "however", "therefore", "whereas"], "a query window never runs past these")
    be_ok_after: list[str] = setting(["to", "can", "will", "would", "should", "may", "might", "must", "could", "not", "i", "you",
                                      "it", "we", "they"], "'be' inside a query only after these")
    max_query_words: int = setting(10, "a query has at most this many words")
    min_offtopic_words: int = setting(2, "off-topic words (used nowhere else on the page or its site) a spliced query needs")
    min_words_after: int = setting(2, "the sentence must go on for this many words after the query")


@dataclass(frozen=True)
class QueryLineSettings(QuerySettings):
    query_lines: bool = setting(True, "remove search queries standing on a line of their own")
    query_line_starters: list[str] = setting([], "more starters of a query line ('is', 'can', 'does')")
    query_line_max_words: int = setting(12, "a query line has at most this many words")
    query_line_min_offtopic_share: float = setting(0.5, "share of its content words that must be off-topic")
    query_line_min_offtopic: int = setting(1, "... and at least this many")
    query_line_min_strength: float = setting(1.5, "rarity strength a query line needs")
    query_line_question_words: list[str] = setting(["how", "what", "where", "which", "why", "when", "who", "is", "are", "can",
                                                    "does", "do"], "a general-knowledge question line starts with one of these ...")
    query_line_question_min_words: int = setting(5, "... has at least this many words ...")
    query_line_common_zipf: float = setting(5.0, "... and only words at least this common (wordfreq Zipf): no topic word")
    query_line_wrap_min_words: int = setting(6, "a neighbour line this long, broken mid-sentence, makes the line part of "
                                                "a hard-wrapped sentence: kept")


def _in_splice_language(page: Page, settings: QuerySettings) -> str | None:
    """The page's language when the query detectors read it (they read English grammar), else None."""
    lang = ensure_page_language(page)
    return lang if lang in settings.splice_languages else None


class OffLanguage(Detector[OffLanguageSettings]):
    """Sentences in another language than the page's: langid and the words must both agree."""

    name = "off-language"
    settings = OffLanguageSettings

    def propose(self, page: Page, settings: OffLanguageSettings, ctx: Context) -> Iterable[Proposal]:
        return OffLanguageJudge(settings).propose(page.text, ensure_page_language(page))


class KeywordStuffing(Detector[KeywordSettings]):
    """The page's question-form title keyword pasted into the middle of a sentence."""

    name = "keyword-stuffing"
    settings = KeywordSettings

    def propose(self, page: Page, settings: KeywordSettings, ctx: Context) -> Iterable[Proposal]:
        if _in_splice_language(page, settings) is None:
            return []
        return _KeywordJudge(settings).propose(page.text, page_title(page.text))


class SplicedQueries(Detector[SpliceSettings]):
    """Search queries spliced into a sentence: off-topic words in a query shape, text on both sides."""

    name = "spliced-query"
    settings = SpliceSettings

    def propose(self, page: Page, settings: SpliceSettings, ctx: Context) -> Iterable[Proposal]:
        lang = _in_splice_language(page, settings)
        if lang is None:
            return []
        return _SpliceJudge(settings, lang).propose(page.text, Topic.of(page, ctx, page_title(page.text)))


class QueryLines(Detector[QueryLineSettings]):
    """Search queries on a line of their own, off the page's topic."""

    name = "query-line"
    settings = QueryLineSettings

    def propose(self, page: Page, settings: QueryLineSettings, ctx: Context) -> Iterable[Proposal]:
        lang = _in_splice_language(page, settings)
        if lang is None or not settings.query_lines:
            return []
        return _QueryLineJudge(settings, lang).propose(page.text, Topic.of(page, ctx, page_title(page.text)))


class SpamStage(DetectorStage):
    """The spam pattern rules first, then the detectors in order, each committed on its own."""

    name = "spam"
    rule_types = ("line", "sentence", "span", "substitution")
    detectors = [OffLanguage, KeywordStuffing, SplicedQueries, QueryLines]

    def collector(self, ctx: Context) -> SiteVocabulary:
        topic = QuerySettings.from_values(ctx.settings(self.name, self.defaults))
        return SiteVocabulary(float(topic.neutral_zipf), int(topic.min_site_pages))

    def apply(self, page: Page, ctx: Context) -> None:
        ensure_page_language(page)
        run_rules(page, self.name, ctx.rules_for(self.name, page, self.rule_types), ctx.regex_timeout)
        super().apply(page, ctx)


def _sentence_removal(text: str, line: Span, sent: Span) -> tuple[int, int]:
    a, b = removal_span(text, sent.start, sent.end)
    if text[line.start : a].strip() == "" and text[b : line.end].strip() == "":
        return line_with_newline(text, line)
    return a, b


_QUOTED = regex.compile(r"[\"“„«»‚‘'].+[\"”“»«‘’'][.!?…]?")


class OffLanguageJudge:
    def __init__(self, s: OffLanguageSettings):
        self.s = s

    def propose(self, text: str, page_lang: str) -> Iterable[Proposal]:
        for ln in lines(text):
            if not ln.text.strip():
                continue
            for sent in sentences(ln.text, ln.start):
                if len(sent.text) > self.s.max_sentence_chars:
                    continue
                verdict = self.judge(sent.text, page_lang)
                if verdict is not None:
                    a, b = _sentence_removal(text, ln, sent)
                    yield Proposal(a, b, "", "spam.off-language", verdict[0], verdict[1])

    def _quoted_only(self, sentence: str) -> bool:
        """Are all the sentence's letters inside quote marks?  (Each pair's quoted runs, ``open[^\n]*?close``, are
        blanked in turn: src/spam.rs, where a regex compiled per sentence and pair cost 5% of the pipeline.)"""
        return _core.quoted_only(sentence, self.s.offlang_quote_pairs)

    def judge(self, sentence: str, page_lang: str) -> tuple[str, dict[str, Any]] | None:
        s = self.s
        if s.offlang_keep_quoted and _QUOTED.fullmatch(sentence.strip()):
            return None
        ws = word_list(sentence)
        unspaced = _UNSPACED.search(sentence) is not None  # Chinese, Japanese: a 'word' is a whole phrase
        if len(ws) < s.offlang_min_words and not (unspaced and len(_LETTERS.findall(sentence)) >= s.offlang_min_unspaced_chars):
            return None
        caps = sum(1 for w in ws if w[0].isupper()) / len(ws)
        if caps >= s.offlang_max_title_case and not unspaced:
            return None  # 'Picture Archiving and Communication Systems', 'Wladimir J. van der Laan': names and titles
        if self._quoted_only(sentence):
            return None  # '^ "僕だけがいない街" .': a title quoted in its own language (a reference, a citation)
        lang, conf = detect(sentence)
        if any(lang in group and page_lang in group for group in s.offlang_varieties):
            return None  # Cantonese on a Chinese page: varieties langid tells apart, written alike
        if not lang or lang == page_lang or lang in s.offlang_not_languages or conf < s.offlang_min_confidence:
            return None
        if lang in s.offlang_lingua_franca and (len(ws) < s.lingua_franca_min_words or conf < s.lingua_franca_confidence):
            return None  # short English quotes, terms and lyrics are normal on pages in any language
        pairs = [(safe_zipf(w, lang), safe_zipf(w, page_lang)) for w in ws]
        foreign = sum(1 for there, here in pairs if there > here + 0.5) / len(ws)
        native = sum(1 for there, here in pairs if here >= 3.0 and here >= there) / len(ws)
        if native > s.offlang_max_page_share:
            return None
        listed = _WORDLIST_ALIAS.get(lang, lang)
        has_list = listed in _wordfreq_languages() and _tokenizes(listed)
        if has_list and foreign < s.offlang_min_foreign_share and conf < s.offlang_confident:
            return None
        if not has_list and (native > s.offlang_nolist_max_page_share or conf < s.offlang_nolist_confidence):
            return None  # no word list for the detected language: only langid and the absence of page-language words
        reason = (f"sentence in {lang} (langid p={conf:.2f}) on a {page_lang} page; {foreign:.0%} of its words are "
                  f"commoner in {lang}, {native:.0%} are {page_lang} words")
        return reason, {"lang": lang, "confidence": round(conf, 3), "foreign_share": round(foreign, 2), "native_share": round(native, 2)}


def _licensed(toks: list[Word], j: int, s: QuerySettings) -> bool:
    """Is the question-like phrase at ``toks[j]`` a reported question?  A reporting word within the few
    words before it, with no punctuation between, licenses it ('told us how long', 'ask your vet whether')."""
    words = set(s.reported_question_words)
    for k in range(j - 1, max(-1, j - 1 - s.licensor_window), -1):
        if not _is_word(toks[k]) or toks[k].low in s.licensor_barriers:
            return False
        if toks[k].low in words:
            return True
    return False


class _KeywordJudge:
    def __init__(self, s: KeywordSettings):
        self.s = s

    def keyword(self, title: str) -> list[str] | None:
        head = _TITLE_HEAD_SPLIT.split(title)[0]
        ws = [w.casefold() for w in word_list(head)]
        if not (self.s.keyword_min_words <= len(ws) <= self.s.keyword_max_words):
            return None
        if ws[0] not in set(self.s.query_starters):
            return None  # only question-form keywords: a plain noun phrase may be used legitimately anywhere
        return ws

    def propose(self, text: str, title: str) -> Iterable[Proposal]:
        kw = self.keyword(title)
        if kw is None:
            return
        n = len(kw)
        all_lines = lines(text)
        first = next((i for i, ln in enumerate(all_lines) if ln.text.strip()), None)
        for i, ln in enumerate(all_lines):
            if i == first or not ln.text.strip():
                continue
            line_words = [w.casefold() for w in word_list(ln.text)]
            if line_words == kw and i - (first or 0) <= 4:
                a, b = line_with_newline(text, ln)
                yield Proposal(a, b, "", "spam.keyword-title-repeat", f"the title keyword '{' '.join(kw)}' repeated as a line under the title",
                               {"keyword": " ".join(kw)})
                continue
            for sent in sentences(ln.text, ln.start):
                toks = _tokens(sent)
                for j in range(1, len(toks) - n):
                    if [t.low for t in toks[j : j + n]] != kw:
                        continue
                    prev, nxt = toks[j - 1], toks[j + n]
                    if not (_is_word(prev) and _is_word(nxt)) or _licensed(toks, j, self.s):
                        continue
                    a, b = removal_span(text, toks[j].start, toks[j + n - 1].end)
                    yield Proposal(a, b, "", "spam.keyword-stuffing",
                                   f"title keyword '{' '.join(kw)}' pasted mid-sentence between '{prev.text}' and '{nxt.text}' "
                                   f"(no punctuation or reporting verb around it)", {"keyword": " ".join(kw)})


def _markers(s: QuerySettings) -> regex.Pattern[str]:
    return regex.compile("(?:" + "|".join(s.query_markers) + r")\b") if s.query_markers else regex.compile(r"(?!)")


class _SpliceJudge:
    def __init__(self, s: SpliceSettings, lang: str):
        self.s = s
        self.lang = lang
        self.starters = set(s.query_starters)
        self.stops = set(s.window_stop_words)
        self.be_ok = set(s.be_ok_after)
        self.tails = set(s.query_tails)
        self.markers = _markers(s)

    def neutral(self, w: Word) -> bool:
        return len(w.text) == 1 or safe_zipf(w.text, self.lang) >= self.s.neutral_zipf

    def propose(self, text: str, topic: Topic) -> Iterable[Proposal]:
        starters = self.starters
        for ln in lines(text):
            if len(ln.text.split()) < 6:
                continue
            for a, b in sentence_bounds(ln.text):  # `sentences`, with a span made only for the few that need one
                if b - a > self.s.max_sentence_chars:
                    continue
                lows = _token_lows(ln.text[a:b])
                # a query marker must occur somewhere in the sentence for ``marked`` to find anything (cheap pre-check)
                has_marker = _has_marker(self.markers, lows)
                if not has_marker and starters.isdisjoint(lows.split(" ")[1:]):
                    continue  # `candidate` needs a query starter after the first token: most sentences have none
                toks = _tokens(Span(ln.start + a, ln.start + b, ln.text[a:b]))
                j = 1
                while j < len(toks):
                    if not has_marker and toks[j].low not in starters:
                        j += 1  # what `candidate` returns at once, without the call
                        continue
                    found = self.candidate(toks, j, topic) or (self.marked(toks, j, topic) if has_marker else None)
                    if found is None:
                        j += 1
                        continue
                    end, reason, detail = found
                    a, b = removal_span(text, toks[j].start, toks[end].end)
                    yield Proposal(a, b, "", "spam.spliced-query", reason, detail)
                    j = end + 1

    def marked(self, toks: list[Word], j: int, topic: Topic) -> tuple[int, str, dict[str, Any]] | None:
        """A product/price/location query ('iphone 13 pro max price in india'): a run of off-topic nouns
        ending in a query marker.  ``j`` is the run's first word; the marker fixes where it ends."""
        s = self.s
        prev = toks[j - 1]
        if (not _is_word(prev) and prev.text != ",") or self.neutral(toks[j]) or toks[j].text[0].isdigit():
            return None
        if _is_word(prev) and not self.neutral(prev) and not topic.elsewhere(prev.text, Counter(), s.min_site_pages):
            return None  # the run starts earlier: let that start claim it
        inside: Counter[str] = Counter()
        off: list[int] = []
        k = j
        while k < len(toks) and k - j < s.max_query_words:
            t = toks[k]
            if not _is_word(t):
                break
            rest = " ".join(x.low for x in toks[k : k + 4])
            m = self.markers.match(rest)
            if m is not None and len(off) >= s.min_offtopic_words:
                n_marker = len(m.group().split())
                end = k + n_marker - 1
                while end + 1 < len(toks) and (toks[end + 1].low in self.tails or toks[end + 1].text[0].isdigit()):
                    end += 1  # '... best price uk', '... price list 2024'
                words_after = 0
                for x in toks[end + 1 :]:
                    if not _is_word(x):
                        break
                    words_after += 1
                strength = sum(max(0.0, 6.0 - safe_zipf(toks[i].text, self.lang)) for i in off)
                if words_after < s.min_words_after or strength < s.min_strength:
                    return None
                offw = [toks[i].text for i in off]
                reason = (f"spliced product/price query '{' '.join(t.text for t in toks[j : end + 1])}': {len(off)} off-topic "
                          f"words ({', '.join(offw)}; rarity strength {strength:.1f}) used nowhere else on the page or its site, "
                          f"ending in the query marker '{m.group()}', between '{prev.text}' and '{toks[end + 1].text}'")
                return end, reason, {"offtopic": offw, "strength": round(strength, 2), "marker": m.group()}
            if t.text[0].isdigit():
                k += 1
                continue
            if self.neutral(t) or (s.lowercase_queries and any(c.isupper() for c in t.text)):
                return None
            inside[stem(t.text)] += 1
            if topic.elsewhere(t.text, inside, s.min_site_pages):
                return None
            off.append(k)
            k += 1
        return None

    def candidate(self, toks: list[Word], j: int, topic: Topic) -> tuple[int, str, dict[str, Any]] | None:
        s = self.s
        start = toks[j]
        if start.low not in self.starters or not _is_word(start):
            return None
        prev = toks[j - 1]
        if _licensed(toks, j, s) or prev.low in set(s.splice_extra_licensors):
            return None
        if start.low in set(s.relative_pronouns):
            return None  # 'members who were worried', ', who was at ...': a relative clause, not a query
        if s.lowercase_queries and not start.text.islower():
            return None  # 'Best Buy', a quoted 'How dare you': pasted queries come in lower case
        if prev.low in set(s.noun_phrase_openers) or prev.low.endswith(("'s", "’s")):
            return None  # 'the best balance sheet', "the system's best bets", 'how best to': inside a noun phrase
        window: list[int] = []
        k = j + 1
        while k < len(toks) and len(window) < s.max_query_words:
            t = toks[k]
            if not _is_word(t) or t.low in self.stops:
                break
            if t.low == "be" and toks[k - 1].low not in self.be_ok:
                break  # a bare 'be' is where the sentence resumes ('there [may] be a sense of ...')
            window.append(k)
            k += 1
        inside = Counter(stem(toks[i].text) for i in [j, *window])
        off: list[int] = []
        for i in window:
            t = toks[i]
            if self.neutral(t) or t.text[0].isdigit():
                continue
            if topic.elsewhere(t.text, inside, s.min_site_pages):
                break  # an on-topic word: the article has resumed
            if s.lowercase_queries and any(c.isupper() for c in t.text):
                return None  # capitalised names mid-sentence are prose; pasted queries come lowercase
            off.append(i)
        if not off:
            return None
        # question syntax right after the starter ('what is', 'how to', 'where can', 'how much') is grammar evidence
        nxt_word = toks[j + 1].low if j + 1 < len(toks) else ""
        question_syntax = nxt_word in set(s.question_syntax_next)
        if start.low in set(s.weak_starters) and not question_syntax:
            return None  # 'when it reaches', 'where the path ends': a conjunction, not a query
        # the longest query that leaves the sentence going on afterwards; shorter ones when the window ran to its end
        for n in range(len(off), s.min_offtopic_words - 1, -1):
            end = off[n - 1]
            while end + 1 < len(toks) and toks[end + 1].text[0].isdigit() and end + 1 - j < s.max_query_words:
                end += 1  # a trailing year or model number belongs to the query ('... for pet hair 2024')
            words_after = 0
            for t in toks[end + 1 :]:
                if not _is_word(t):
                    break
                words_after += 1
            if words_after >= s.min_words_after:
                off = off[:n]
                break
        else:
            return None
        if start.low in set(s.adjective_starters) and not any(
                toks[i].low in set(s.adjective_query_words) for i in range(j + 1, end + 1)):
            return None  # 'farmers using cheap electricity overdrew': an adjective, not a 'best X for Y' query
        strength = sum(max(0.0, 6.0 - safe_zipf(toks[i].text, self.lang)) for i in off)
        score = strength + (s.question_syntax_bonus if question_syntax else 0.0)
        if score < s.min_strength or end - j + 1 < s.min_query_words:
            return None
        offw = [toks[i].text for i in off]
        nxt = toks[end + 1].text
        reason = (f"spliced query '{' '.join(t.text for t in toks[j : end + 1])}': {len(off)} off-topic words "
                  f"({', '.join(offw)}; rarity strength {strength:.1f}"
                  f"{' + question syntax ' + repr(start.text + ' ' + nxt_word) if question_syntax else ''}) used nowhere else on "
                  f"the page or its site, starts after '{prev.text}' mid-sentence, sentence resumes with '{nxt}'")
        return end, reason, {"offtopic": offw, "strength": round(strength, 2), "question_syntax": question_syntax, "words_after": words_after}


# a line of prose broken mid-sentence ends in a lower-case word or a comma; the next line goes on with one
_WRAPPED_END = regex.compile(r"(?:\p{Ll}[\p{L}\p{M}'’-]*|,)$")
_WRAPPED_START = regex.compile(r"\p{Ll}[\p{L}\p{M}'’-]*,?\s")
_QUERY_LINE = regex.compile(r"^[\p{Ll}\p{N}][\p{Ll}\p{N}'’ &$%-]*$")


class _QueryLineJudge:
    """A search query on a line of its own ('dental implants near me', 'how much does a roof repair cost'):
    lower case and unpunctuated like a search box's text, shaped like a query (a question or shopping word
    first, or a query marker), and made of words the page and its site never use elsewhere.  A real question
    on the page's topic (an FAQ heading) is capitalised, punctuated, and on topic: kept."""

    def __init__(self, s: QueryLineSettings, lang: str):
        self.s = s
        self.lang = lang
        self.starters = set(s.query_starters) | set(s.query_line_starters)
        self.markers = _markers(s)

    def _continues(self, text: str, all_lines: list[Span], i: int) -> bool:
        """Is the line the middle of a sentence hard-wrapped over lines?  The line right before it (no blank line
        between) is prose broken mid-sentence (``query_line_wrap_min_words`` words or more, ending in a lower-case
        word or a comma), or the line right after it goes on in such prose.  A heading, a name, a list item or a
        line of code next to it is not a sentence it could be the middle of."""
        ln = all_lines[i]
        least = self.s.query_line_wrap_min_words
        if i > 0 and "\n\n" not in text[all_lines[i - 1].end : ln.start + 1]:
            prev = all_lines[i - 1].text.strip()
            if _WRAPPED_END.search(prev) and len(prev.split()) >= least:
                return True
        if i + 1 < len(all_lines) and "\n\n" not in text[ln.end : all_lines[i + 1].start + 1]:
            nxt = all_lines[i + 1].text.strip()
            if _WRAPPED_START.match(nxt) and len(nxt.split()) >= least:
                return True
        return False

    def _general_question(self, ws: list[str]) -> list[str] | None:
        """A search box's general-knowledge question ('how many days are in a year'): a question word, question
        syntax after it, enough words, and every word common, so that no topic word could make it the page's
        own heading (a heading 'how to prune roses' has 'prune' and 'roses': the topic test judges it)."""
        s = self.s
        low = [w.casefold() for w in ws]
        if (len(low) < s.query_line_question_min_words or low[0] not in s.query_line_question_words
                or low[1] not in s.question_syntax_next):
            return None
        if any(not w.isalpha() or safe_zipf(w, self.lang) < s.query_line_common_zipf for w in low):
            return None
        return low

    def propose(self, text: str, topic: Topic) -> Iterable[Proposal]:
        s = self.s
        all_lines = [ln for ln in lines(text) if ln.text.strip()]
        for i, ln in enumerate(all_lines):
            t = ln.text.strip()
            ws = t.split()
            if not (s.min_query_words <= len(ws) <= s.query_line_max_words) or not _QUERY_LINE.match(t):
                continue
            # a run of such lines is a list of tags, a table column or a stanza: the page's structure
            near = [all_lines[j].text.strip() for j in (i - 1, i + 1) if 0 <= j < len(all_lines)]
            if near and all(_QUERY_LINE.match(x) and len(x.split()) <= s.query_line_max_words for x in near):
                continue
            if self._continues(text, all_lines, i):
                continue  # a hard-wrapped sentence's middle ('should not be interpreted as permitting ...')
            lows = " ".join(w.casefold() for w in ws)
            marker = self.markers.search(lows)
            if ws[0].casefold() not in self.starters and marker is None:
                continue
            toks = _tokens(Span(ln.start, ln.end, ln.text))
            general = self._general_question(ws)
            if general is not None:
                a, b = line_with_newline(text, ln)
                yield Proposal(a, b, "", "spam.query-line",
                               f"general-knowledge search question on a line of its own: lower case, no question mark, "
                               f"'{ws[0]} {ws[1]} …', and only common words (each Zipf >= {s.query_line_common_zipf:g}: "
                               f"none ties it to the page's topic)", {"common_words": general})
                continue
            inside = Counter(stem(x.text) for x in toks if _is_word(x))
            content = [x for x in toks if _is_word(x) and not x.text[0].isdigit() and len(x.text) > 1
                       and safe_zipf(x.text, self.lang) < s.neutral_zipf]
            if not content:
                continue
            off = [x for x in content if not topic.elsewhere(x.text, inside, s.min_site_pages)]
            strength = sum(max(0.0, 6.0 - safe_zipf(x.text, self.lang)) for x in off)
            if (len(off) < s.query_line_min_offtopic or len(off) / len(content) < s.query_line_min_offtopic_share
                    or strength < s.query_line_min_strength):
                continue
            a, b = line_with_newline(text, ln)
            shape = f"query marker '{marker.group()}'" if marker else f"starts with '{ws[0]}'"
            yield Proposal(a, b, "", "spam.query-line",
                           f"search query on a line of its own: lower case, no punctuation, {shape}; {len(off)} of its "
                           f"{len(content)} content words ({', '.join(x.text for x in off)}; rarity strength {strength:.1f}) "
                           f"used nowhere else on the page or its site",
                           {"offtopic": [x.text for x in off], "strength": round(strength, 2)})
