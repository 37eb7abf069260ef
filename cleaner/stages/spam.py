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
from functools import cache, lru_cache
from typing import Any, ClassVar

import numpy as np
import regex

from cleaner import _core
from cleaner.core.page import Edit, Page, Proposal
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
from cleaner.stages.base import Context, Stage

# a token of a sentence: a word, or a run of punctuation (which ends a query window)
_TOKEN = regex.compile(r"\p{L}[\p{L}\p{M}\p{N}]*(?:['’]\p{L}+)*|\p{N}+(?:[.,]\p{N}+)*|[^\s\p{L}\p{N}]+")
_WORDLIKE = regex.compile(r"[\p{L}\p{N}]")
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]")
_LETTERS = regex.compile(r"\p{L}")


@lru_cache(maxsize=1 << 16)  # called on every word of every page; a page's words are mostly the corpus's words
def stem(word: str) -> str:
    """A crude English stem, enough to see 'relationships' and 'relationship' as one topic word."""
    w = word.casefold().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: len(w) - len(suffix)] + repl
    return w


@lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages())


@cache
def _tokenizes(lang: str) -> bool:
    """Some wordfreq languages (zh, ja, ko) need an optional tokenizer; without it their words give no evidence."""
    try:
        zipf("a", lang)
    except (LookupError, ImportError):
        return False
    return True


#: langid codes whose words wordfreq lists under another code (Croatian, Bosnian, Serbian: Serbo-Croatian)
_WORDLIST_ALIAS = {"hr": "sh", "bs": "sh", "sr": "sh", "no": "nb"}


@lru_cache(maxsize=1 << 15)  # over `zipf`'s own cache: the casefold and the language checks
def safe_zipf(word: str, lang: str) -> float:
    lang = _WORDLIST_ALIAS.get(lang, lang)
    if lang not in _wordfreq_languages():
        return 0.0  # no word list for this language: the words give no evidence either way
    try:
        return zipf(word.casefold(), lang)
    except (LookupError, ImportError):  # a language wordfreq lacks, or one that needs an optional tokenizer
        return 0.0


_TITLE_HEAD_SPLIT = regex.compile(r"\s[-|–—:]\s|:\s|\?")


# per ``max_zipf``, a word's stem as `SiteVocabulary` counts it, or "" for a word too common to count (a stem is
# never empty): the scan asks about every distinct word of every page, most of them the corpus's common words,
# and a collector lasts one batch of pages, so this outlives it (bounded: cleared when full)
_VOCAB_STEMS: dict[float, dict[str, str]] = {}


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
        memo = _VOCAB_STEMS.setdefault(self.max_zipf, {})
        if len(memo) > 1 << 16:
            memo.clear()
        stems = set()
        for w in set(page_words(text)):
            s = memo.get(w)
            if s is None:
                s = memo[w] = stem(w) if safe_zipf(w, "en") < self.max_zipf else ""
            if s:
                stems.add(s)
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
_stem_key = lru_cache(maxsize=1 << 16)(word_key)


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
        for a, b in reversed(_copies_removed(page.edits)):
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


def _copies_removed(edits: list[Edit]) -> list[tuple[int, int]]:
    """Raw spans of the copies dedup removed, also those a later edit absorbed (merged, in order)."""
    spans: list[tuple[int, int]] = []

    def walk(es: list[Edit]) -> None:
        for e in es:
            if e.stage == "dedup":
                spans.append((e.start, e.end))
            else:
                walk(e.absorbed)

    walk(edits)
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


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


def _has_marker(markers: regex.Pattern[str], lows: str) -> bool:
    """``markers.search(lows)``, memoized for sentences of up to 2000 characters (as `line_memo` keeps lines)."""
    return markers.search(lows) is not None if len(lows) > 2000 else _has_marker_memo(markers, lows)


@lru_cache(maxsize=4096)  # two sentences in three recur within that many on the benchmark corpus
def _has_marker_memo(markers: regex.Pattern[str], lows: str) -> bool:
    return markers.search(lows) is not None


def _is_word(tok: Word) -> bool:
    return bool(_WORDLIKE.match(tok.text))


class SpamStage(Stage):
    name = "spam"
    rule_types = ("line", "sentence", "span", "substitution")
    defaults: ClassVar[dict[str, Any]] = {
        "splice_languages": ["en"],
        # longer "sentences" are not judged (off-language, splice): no prose sentence is this long, and a page
        # that is one line of words without punctuation cost memory in proportion (5.9 GB for 50 MB)
        "max_sentence_chars": 10_000,
        "query_starters": ["how", "what", "where", "which", "why", "when", "who", "best", "cheap", "buy"],
        "reported_question_words": [],
        "licensor_window": 3,
        "licensor_barriers": ["that"],
        "splice_extra_licensors": [],
        "relative_pronouns": ["who", "which", "whose", "whom"],
        "lowercase_queries": True,
        "noun_phrase_openers": [],
        "adjective_starters": [],
        "adjective_query_words": [],
        "weak_starters": ["when", "where", "why", "who", "which"],
        "min_strength": 2.5,
        "question_syntax_next": ["is", "are", "was", "were", "do", "does", "did", "can", "to", "will", "should", "much", "many", "long", "old", "far"],
        "question_syntax_bonus": 1.0,
        "query_markers": [],
        "query_tails": [],
        "window_stop_words": ["this", "these", "those", "that", "which", "whose", "but", "because", "although", "however", "therefore", "whereas"],
        "be_ok_after": ["to", "can", "will", "would", "should", "may", "might", "must", "could", "not", "i", "you", "it", "we", "they"],
        "neutral_zipf": 5.6,
        "max_query_words": 10,
        "min_query_words": 3,
        "min_offtopic_words": 2,
        "min_words_after": 2,
        "min_site_pages": 1,
        "keyword_min_words": 3,
        "keyword_max_words": 10,
        "offlang_min_words": 4,
        "offlang_min_confidence": 0.2,
        "offlang_confident": 0.97,
        "offlang_min_foreign_share": 0.5,
        "offlang_max_page_share": 0.34,
        "offlang_nolist_confidence": 0.5,
        "offlang_min_unspaced_chars": 8,
        "offlang_max_title_case": 0.6,
        # a whole sentence in quotation marks is a quotation (a saying, a source quoted in its language), not spam
        "offlang_keep_quoted": True,
        "offlang_not_languages": ["zxx"],
        "offlang_lingua_franca": ["en"],
        "lingua_franca_min_words": 8,
        "lingua_franca_confidence": 0.99,
        "offlang_nolist_max_page_share": 0.1,
        "offlang_varieties": [],
        "query_lines": True,
        "query_line_starters": [],
        "query_line_max_words": 12,
        "query_line_min_offtopic_share": 0.5,
        "query_line_min_offtopic": 1,
        "query_line_min_strength": 1.5,
        "offlang_quote_pairs": [],
    }

    def collector(self, ctx: Context) -> SiteVocabulary:
        cfg = ctx.settings(self.name, self.defaults)
        return SiteVocabulary(float(cfg["neutral_zipf"]), int(cfg["min_site_pages"]))

    def apply(self, page: Page, ctx: Context) -> None:
        cfg = ctx.settings(self.name, self.defaults)
        lang = ensure_page_language(page)
        run_rules(page, self.name, ctx.rules_for(self.name, page, self.rule_types), ctx.regex_timeout)
        page.commit(self.name, OffLanguage(cfg).propose(page.text, lang))
        if lang not in cfg["splice_languages"]:
            return
        title = page_title(page.text)
        page.commit(self.name, KeywordStuffing(cfg).propose(page.text, title))
        topic = Topic.of(page, ctx, title)
        page.commit(self.name, SpliceDetector(cfg, lang).propose(page.text, topic))
        if cfg["query_lines"]:
            page.commit(self.name, QueryLines(cfg, lang).propose(page.text, topic))


def _sentence_removal(text: str, line: Span, sent: Span) -> tuple[int, int]:
    a, b = removal_span(text, sent.start, sent.end)
    if text[line.start : a].strip() == "" and text[b : line.end].strip() == "":
        return line_with_newline(text, line)
    return a, b


_QUOTED = regex.compile(r"[\"“„«»‚‘'].+[\"”“»«‘’'][.!?…]?")


class OffLanguage:
    """Sentences in another language than the page's: langid and the words must both agree."""

    def __init__(self, cfg: dict[str, Any]):
        self.cfg = cfg

    def propose(self, text: str, page_lang: str) -> Iterable[Proposal]:
        for ln in lines(text):
            if not ln.text.strip():
                continue
            for sent in sentences(ln.text, ln.start):
                if len(sent.text) > self.cfg["max_sentence_chars"]:
                    continue
                verdict = self.judge(sent.text, page_lang)
                if verdict is not None:
                    a, b = _sentence_removal(text, ln, sent)
                    yield Proposal(a, b, "", "spam.off-language", verdict[0], verdict[1])

    def _quoted_only(self, sentence: str) -> bool:
        """Are all the sentence's letters inside quote marks?  (Each pair's quoted runs, ``open[^\n]*?close``, are
        blanked in turn: src/spam.rs, where a regex compiled per sentence and pair cost 5% of the pipeline.)"""
        return _core.quoted_only(sentence, self.cfg["offlang_quote_pairs"])

    def judge(self, sentence: str, page_lang: str) -> tuple[str, dict[str, Any]] | None:
        cfg = self.cfg
        if cfg["offlang_keep_quoted"] and _QUOTED.fullmatch(sentence.strip()):
            return None
        ws = word_list(sentence)
        unspaced = _UNSPACED.search(sentence) is not None  # Chinese, Japanese: a 'word' is a whole phrase
        if len(ws) < cfg["offlang_min_words"] and not (unspaced and len(_LETTERS.findall(sentence)) >= cfg["offlang_min_unspaced_chars"]):
            return None
        caps = sum(1 for w in ws if w[0].isupper()) / len(ws)
        if caps >= cfg["offlang_max_title_case"] and not unspaced:
            return None  # 'Picture Archiving and Communication Systems', 'Wladimir J. van der Laan': names and titles
        if self._quoted_only(sentence):
            return None  # '^ "僕だけがいない街" .': a title quoted in its own language (a reference, a citation)
        lang, conf = detect(sentence)
        if any(lang in group and page_lang in group for group in cfg["offlang_varieties"]):
            return None  # Cantonese on a Chinese page: varieties langid tells apart, written alike
        if not lang or lang == page_lang or lang in cfg["offlang_not_languages"] or conf < cfg["offlang_min_confidence"]:
            return None
        if lang in cfg["offlang_lingua_franca"] and (len(ws) < cfg["lingua_franca_min_words"] or conf < cfg["lingua_franca_confidence"]):
            return None  # short English quotes, terms and lyrics are normal on pages in any language
        pairs = [(safe_zipf(w, lang), safe_zipf(w, page_lang)) for w in ws]
        foreign = sum(1 for there, here in pairs if there > here + 0.5) / len(ws)
        native = sum(1 for there, here in pairs if here >= 3.0 and here >= there) / len(ws)
        if native > cfg["offlang_max_page_share"]:
            return None
        listed = _WORDLIST_ALIAS.get(lang, lang)
        has_list = listed in _wordfreq_languages() and _tokenizes(listed)
        if has_list and foreign < cfg["offlang_min_foreign_share"] and conf < cfg["offlang_confident"]:
            return None
        if not has_list and (native > cfg["offlang_nolist_max_page_share"] or conf < cfg["offlang_nolist_confidence"]):
            return None  # no word list for the detected language: only langid and the absence of page-language words
        reason = (f"sentence in {lang} (langid p={conf:.2f}) on a {page_lang} page; {foreign:.0%} of its words are "
                  f"commoner in {lang}, {native:.0%} are {page_lang} words")
        return reason, {"lang": lang, "confidence": round(conf, 3), "foreign_share": round(foreign, 2), "native_share": round(native, 2)}


def _licensed(toks: list[Word], j: int, cfg: dict[str, Any]) -> bool:
    """Is the question-like phrase at ``toks[j]`` a reported question?  A reporting word within the few
    words before it, with no punctuation between, licenses it ('told us how long', 'ask your vet whether')."""
    words = set(cfg["reported_question_words"])
    for k in range(j - 1, max(-1, j - 1 - cfg["licensor_window"]), -1):
        if not _is_word(toks[k]) or toks[k].low in cfg["licensor_barriers"]:
            return False
        if toks[k].low in words:
            return True
    return False


class KeywordStuffing:
    """The page's question-form title keyword pasted into the middle of a sentence."""

    def __init__(self, cfg: dict[str, Any]):
        self.cfg = cfg

    def keyword(self, title: str) -> list[str] | None:
        head = _TITLE_HEAD_SPLIT.split(title)[0]
        ws = [w.casefold() for w in word_list(head)]
        if not (self.cfg["keyword_min_words"] <= len(ws) <= self.cfg["keyword_max_words"]):
            return None
        if ws[0] not in set(self.cfg["query_starters"]):
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
                    if not (_is_word(prev) and _is_word(nxt)) or _licensed(toks, j, self.cfg):
                        continue
                    a, b = removal_span(text, toks[j].start, toks[j + n - 1].end)
                    yield Proposal(a, b, "", "spam.keyword-stuffing",
                                   f"title keyword '{' '.join(kw)}' pasted mid-sentence between '{prev.text}' and '{nxt.text}' "
                                   f"(no punctuation or reporting verb around it)", {"keyword": " ".join(kw)})


class SpliceDetector:
    """Search queries spliced into a sentence: off-topic words in a query shape, text on both sides."""

    def __init__(self, cfg: dict[str, Any], lang: str):
        self.cfg = cfg
        self.lang = lang
        self.starters = set(cfg["query_starters"])
        self.stops = set(cfg["window_stop_words"])
        self.be_ok = set(cfg["be_ok_after"])
        self.tails = set(cfg["query_tails"])
        self.markers = regex.compile("(?:" + "|".join(cfg["query_markers"]) + r")\b") if cfg["query_markers"] else regex.compile(r"(?!)")

    def neutral(self, w: Word) -> bool:
        return len(w.text) == 1 or safe_zipf(w.text, self.lang) >= self.cfg["neutral_zipf"]

    def propose(self, text: str, topic: Topic) -> Iterable[Proposal]:
        starters = self.starters
        for ln in lines(text):
            if len(ln.text.split()) < 6:
                continue
            for a, b in sentence_bounds(ln.text):  # `sentences`, with a span made only for the few that need one
                if b - a > self.cfg["max_sentence_chars"]:
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
        cfg = self.cfg
        prev = toks[j - 1]
        if (not _is_word(prev) and prev.text != ",") or self.neutral(toks[j]) or toks[j].text[0].isdigit():
            return None
        if _is_word(prev) and not self.neutral(prev) and not topic.elsewhere(prev.text, Counter(), cfg["min_site_pages"]):
            return None  # the run starts earlier: let that start claim it
        inside: Counter[str] = Counter()
        off: list[int] = []
        k = j
        while k < len(toks) and k - j < cfg["max_query_words"]:
            t = toks[k]
            if not _is_word(t):
                break
            rest = " ".join(x.low for x in toks[k : k + 4])
            m = self.markers.match(rest)
            if m is not None and len(off) >= cfg["min_offtopic_words"]:
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
                if words_after < cfg["min_words_after"] or strength < cfg["min_strength"]:
                    return None
                offw = [toks[i].text for i in off]
                reason = (f"spliced product/price query '{' '.join(t.text for t in toks[j : end + 1])}': {len(off)} off-topic "
                          f"words ({', '.join(offw)}; rarity strength {strength:.1f}) used nowhere else on the page or its site, "
                          f"ending in the query marker '{m.group()}', between '{prev.text}' and '{toks[end + 1].text}'")
                return end, reason, {"offtopic": offw, "strength": round(strength, 2), "marker": m.group()}
            if t.text[0].isdigit():
                k += 1
                continue
            if self.neutral(t) or (cfg["lowercase_queries"] and any(c.isupper() for c in t.text)):
                return None
            inside[stem(t.text)] += 1
            if topic.elsewhere(t.text, inside, cfg["min_site_pages"]):
                return None
            off.append(k)
            k += 1
        return None

    def candidate(self, toks: list[Word], j: int, topic: Topic) -> tuple[int, str, dict[str, Any]] | None:
        cfg = self.cfg
        start = toks[j]
        if start.low not in self.starters or not _is_word(start):
            return None
        prev = toks[j - 1]
        if _licensed(toks, j, cfg) or prev.low in set(cfg["splice_extra_licensors"]):
            return None
        if start.low in set(cfg["relative_pronouns"]):
            return None  # 'members who were worried', ', who was at ...': a relative clause, not a query
        if cfg["lowercase_queries"] and not start.text.islower():
            return None  # 'Best Buy', a quoted 'How dare you': pasted queries come in lower case
        if prev.low in set(cfg["noun_phrase_openers"]) or prev.low.endswith(("'s", "’s")):
            return None  # 'the best balance sheet', "the system's best bets", 'how best to': inside a noun phrase
        window: list[int] = []
        k = j + 1
        while k < len(toks) and len(window) < cfg["max_query_words"]:
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
            if topic.elsewhere(t.text, inside, cfg["min_site_pages"]):
                break  # an on-topic word: the article has resumed
            if cfg["lowercase_queries"] and any(c.isupper() for c in t.text):
                return None  # capitalised names mid-sentence are prose; pasted queries come lowercase
            off.append(i)
        if not off:
            return None
        # question syntax right after the starter ('what is', 'how to', 'where can', 'how much') is grammar evidence
        nxt_word = toks[j + 1].low if j + 1 < len(toks) else ""
        question_syntax = nxt_word in set(cfg["question_syntax_next"])
        if start.low in set(cfg["weak_starters"]) and not question_syntax:
            return None  # 'when it reaches', 'where the path ends': a conjunction, not a query
        # the longest query that leaves the sentence going on afterwards; shorter ones when the window ran to its end
        for n in range(len(off), cfg["min_offtopic_words"] - 1, -1):
            end = off[n - 1]
            while end + 1 < len(toks) and toks[end + 1].text[0].isdigit() and end + 1 - j < cfg["max_query_words"]:
                end += 1  # a trailing year or model number belongs to the query ('... for pet hair 2024')
            words_after = 0
            for t in toks[end + 1 :]:
                if not _is_word(t):
                    break
                words_after += 1
            if words_after >= cfg["min_words_after"]:
                off = off[:n]
                break
        else:
            return None
        if start.low in set(cfg["adjective_starters"]) and not any(
                toks[i].low in set(cfg["adjective_query_words"]) for i in range(j + 1, end + 1)):
            return None  # 'farmers using cheap electricity overdrew': an adjective, not a 'best X for Y' query
        strength = sum(max(0.0, 6.0 - safe_zipf(toks[i].text, self.lang)) for i in off)
        score = strength + (cfg["question_syntax_bonus"] if question_syntax else 0.0)
        if score < cfg["min_strength"] or end - j + 1 < cfg["min_query_words"]:
            return None
        offw = [toks[i].text for i in off]
        nxt = toks[end + 1].text
        reason = (f"spliced query '{' '.join(t.text for t in toks[j : end + 1])}': {len(off)} off-topic words "
                  f"({', '.join(offw)}; rarity strength {strength:.1f}"
                  f"{' + question syntax ' + repr(start.text + ' ' + nxt_word) if question_syntax else ''}) used nowhere else on "
                  f"the page or its site, starts after '{prev.text}' mid-sentence, sentence resumes with '{nxt}'")
        return end, reason, {"offtopic": offw, "strength": round(strength, 2), "question_syntax": question_syntax, "words_after": words_after}


_SENTENCE_END_MARK = regex.compile(r"[.!?:;…\"”’')\]]$")
_QUERY_LINE = regex.compile(r"^[\p{Ll}\p{N}][\p{Ll}\p{N}'’ &$%-]*$")


class QueryLines:
    """A search query on a line of its own ('dental implants near me', 'how much does a roof repair cost'):
    lower case and unpunctuated like a search box's text, shaped like a query (a question or shopping word
    first, or a query marker), and made of words the page and its site never use elsewhere.  A real question
    on the page's topic (an FAQ heading) is capitalised, punctuated, and on topic: kept."""

    def __init__(self, cfg: dict[str, Any], lang: str):
        self.cfg = cfg
        self.lang = lang
        self.starters = set(cfg["query_starters"]) | set(cfg["query_line_starters"])
        self.markers = regex.compile("(?:" + "|".join(cfg["query_markers"]) + r")\b") if cfg["query_markers"] else regex.compile(r"(?!)")

    @staticmethod
    def _continues(text: str, all_lines: list[Span], i: int) -> bool:
        """Is the line part of a sentence wrapped over lines: the line right before it (no blank line between)
        ends without a sentence's end, or the line right after it starts in lower case?"""
        ln = all_lines[i]
        if (i > 0 and "\n\n" not in text[all_lines[i - 1].end : ln.start + 1]
                and not _SENTENCE_END_MARK.search(all_lines[i - 1].text.rstrip())):
            return True
        if i + 1 < len(all_lines) and "\n\n" not in text[ln.end : all_lines[i + 1].start + 1]:
            nxt = all_lines[i + 1].text.lstrip()
            if nxt[:1].islower():
                return True
        return False

    def propose(self, text: str, topic: Topic) -> Iterable[Proposal]:
        cfg = self.cfg
        all_lines = [ln for ln in lines(text) if ln.text.strip()]
        for i, ln in enumerate(all_lines):
            t = ln.text.strip()
            ws = t.split()
            if not (cfg["min_query_words"] <= len(ws) <= cfg["query_line_max_words"]) or not _QUERY_LINE.match(t):
                continue
            # a run of such lines is a list of tags, a table column or a stanza: the page's structure
            near = [all_lines[j].text.strip() for j in (i - 1, i + 1) if 0 <= j < len(all_lines)]
            if near and all(_QUERY_LINE.match(x) and len(x.split()) <= cfg["query_line_max_words"] for x in near):
                continue
            if self._continues(text, all_lines, i):
                continue  # a hard-wrapped sentence's middle ('should not be interpreted as permitting ...')
            lows = " ".join(w.casefold() for w in ws)
            marker = self.markers.search(lows)
            if ws[0].casefold() not in self.starters and marker is None:
                continue
            toks = _tokens(Span(ln.start, ln.end, ln.text))
            inside = Counter(stem(x.text) for x in toks if _is_word(x))
            content = [x for x in toks if _is_word(x) and not x.text[0].isdigit() and len(x.text) > 1
                       and safe_zipf(x.text, self.lang) < cfg["neutral_zipf"]]
            if not content:
                continue
            off = [x for x in content if not topic.elsewhere(x.text, inside, cfg["min_site_pages"])]
            strength = sum(max(0.0, 6.0 - safe_zipf(x.text, self.lang)) for x in off)
            if (len(off) < cfg["query_line_min_offtopic"] or len(off) / len(content) < cfg["query_line_min_offtopic_share"]
                    or strength < cfg["query_line_min_strength"]):
                continue
            a, b = line_with_newline(text, ln)
            shape = f"query marker '{marker.group()}'" if marker else f"starts with '{ws[0]}'"
            yield Proposal(a, b, "", "spam.query-line",
                           f"search query on a line of its own: lower case, no punctuation, {shape}; {len(off)} of its "
                           f"{len(content)} content words ({', '.join(x.text for x in off)}; rarity strength {strength:.1f}) "
                           f"used nowhere else on the page or its site",
                           {"offtopic": [x.text for x in off], "strength": round(strength, 2)})
