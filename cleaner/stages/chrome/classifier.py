"""Line classifier: site chrome on a single page, told apart by shape and place, not by words.

In the spirit of jusText's paragraph classes, but with the whole page as
context.  A line is *prose* when it is long enough, rich in the page
language's stopwords and ends like a sentence; prose is never removed here.
Every other line gets a score from signals (menu-like runs of short lines,
no stopwords, every word capitalised, dates/bylines/counters, link-list
separators, sitting before the first or after the last prose, a heading
followed by another heading or by nothing) minus signals of belonging to the
article (it introduces prose, it sits between prose, it ends like a heading).
A line scoring at least ``classify_threshold`` is removed, and its reason
lists the signals that fired.  The weights are YAML settings.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from typing import Any

import regex

from cleaner.core.page import Page, Proposal
from cleaner.core.text import Span, line_with_newline, lines, sentence_texts, word_list
from cleaner.resources import lexicon
from cleaner.stages.base import Context

RULE_ID = "chrome.classifier.line"
DENSE_RULE_ID = "chrome.classifier.dense-paragraph"

DEFAULTS: dict[str, Any] = {
    "classify_enabled": True,
    "classify_threshold": 3,
    # what prose is: enough words, enough stopwords, a sentence ending (or simply long)
    "prose_min_words": 8,
    "prose_long_words": 25,
    "prose_always_words": 50,
    "prose_min_stopwords": 0.2,
    "prose_min_chars_no_stoplist": 50,
    # a one-sentence question shorter than this is a heading ("What is X?"), not prose
    "prose_question_words": 15,
    # a menu item: at most this many words and no sentence or heading punctuation
    "menu_item_words": 4,
    "menu_run_lines": 3,
    # the page needs this much prose before anything is called chrome around it
    "min_prose_lines": 1,
    # the chrome-dense last paragraph: enough sentences, most of them menu fragments or short questions
    "dense_enabled": True,
    "dense_min_sentences": 4,
    "dense_min_questions": 2,
    "dense_min_share": 0.6,
    "dense_max_words": 10,
    "dense_fragment_capitalised": 0.5,
    "weight_menu_run": 3,
    "weight_menu_run_between_content": 1,
    "weight_no_stopwords": 1,
    "weight_all_capitalised": 1,
    "weight_date_byline_counter": 2,
    "weight_date_byline_counter_in_list": 1,
    "weight_link_list": 2,
    "weight_before_content": 2,
    "weight_page_title": -2,
    "weight_after_content": 2,
    "weight_no_content_follows": 1,
    "weight_introduces_content": -2,
    "weight_inside_content": -3,
    "weight_list_between_content": -2,
    # a run of non-prose lines between prose is a list in the article when it has this many lines
    "list_min_lines": 3,
    "list_max_lines": 30,
    "weight_heading_punctuation": -1,
    "weight_stopword_rich": -1,
    # a numbered list (1), 2), 3) ...) or the rows of a data table (several numbers a line, the same number
    # of them line after line) is the article's, wherever it sits: menus and footers are neither
    "numbered_list_min_lines": 3,
    "weight_numbered_list": -3,
    "table_min_rows": 4,
    "table_min_numbers": 3,
    "weight_table_row": -3,
    # consecutive lines punctuated alike ("Spain (Group F): 11th appearance") are records of one list
    "uniform_min_lines": 5,
    "weight_uniform_list": -3,
    # a line this long is rarely a menu item or a footer link
    "long_line_words": 15,
    "weight_long_line": -1,
}

#: languages whose wordfreq top words serve as a stoplist (tried in this order, loaded lazily)
_STOPLIST_LANGS = {
    "Latin": ("en", "de", "fr", "es", "pt", "it", "nl", "id", "sv", "da", "nb", "pl", "cs", "ro", "tr", "fi", "hu", "sh",
              "sk", "sl", "ca", "ms", "lt", "lv", "fil", "vi", "is"),
    "Cyrillic": ("ru", "uk", "bg", "mk"),
    "Greek": ("el",),
    "Arabic": ("ar", "fa", "ur"),
    "Hebrew": ("he",),
}
_SCRIPT = {name: regex.compile(rf"\p{{Script={name}}}") for name in _STOPLIST_LANGS}
_SENTENCE_END = regex.compile(r"[.!?…。！？](?:[\"'’”)\]]*)$")
_SENTENCE_INSIDE = regex.compile(r"\p{Ll}[.!?]\s+\p{Lu}")
_HEADING_END = regex.compile(r"[:?](?:[\"'’”)\]]*)$")
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
_DATE_BYLINE_COUNTER = regex.compile(
    r"(?i)^[\s\W]*(?:"
    rf"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?)"
    r"|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
    r"|\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?"
    r"|by\s+\p{Lu}[\p{L}.'-]*(?:\s+\p{Lu}[\p{L}.'-]*){0,3}"
    r"|@\w{2,}"
    r")(?:[\s\W]+.{0,40})?$"
    r"|^\W*\d[\d.,]*\s*[kKmM]?(?:\s+\p{L}+)?\W*$"  # a counter: a number and at most one word ("12 views")
)
_ENUMERATOR = regex.compile(r"^[\s\W]{0,2}?[(\[]?(\d{1,3})[.)\]]\s+\S")
_NUMBER = regex.compile(r"(?<![\p{L}\d])\d[\d.,:%]*(?![\p{L}\d])")
_PUNCT = regex.compile(r"[\p{L}\p{N}\s]+")
_LINK_LIST = regex.compile(r"(?:[^|•·»/\n]{1,30}\s[|•·»/]\s){2,}[^|•·»/\n]{1,30}")
# _LINK_LIST backtracks heavily (~100 µs on a line of prose); it needs two separators with space on both sides,
# disjoint, which these find in a µs or two (a line with fewer cannot match)
_SEPARATORS = "|•·»/"
_SPACED_SEPARATOR = regex.compile(r"\s[|•·»/]\s")
# the closing quotes and brackets _SENTENCE_END and _HEADING_END allow after the final punctuation
_CLOSERS = "\"'’”)]"
_SENTENCE_FINAL = (".", "!", "?", "…", "。", "！", "？")


def _ends_sentence(s: str) -> bool:
    """``_SENTENCE_END.search(s)`` for a stripped line, without the regex (called on every line)."""
    return s.rstrip(_CLOSERS).endswith(_SENTENCE_FINAL)


def _ends_heading(s: str) -> bool:
    """``_HEADING_END.search(s)`` for a stripped line, without the regex."""
    return s.rstrip(_CLOSERS).endswith((":", "?"))


def _link_list(s: str) -> bool:
    """``_LINK_LIST.search(s)``, skipping the regex on the lines that cannot match (nearly all)."""
    return (sum(map(s.count, _SEPARATORS)) >= 2 and len(_SPACED_SEPARATOR.findall(s)) >= 2
            and _LINK_LIST.search(s) is not None)


@cache
def stoplist(lang: str) -> frozenset[str]:
    """The language's 150 most frequent words (wordfreq), as a jusText-style stoplist."""
    return frozenset(w for w in lexicon.top_words(lang, 150) if w.isalpha() or "'" in w)


_CHAR_SCRIPTS: dict[str, tuple[str, ...]] = {}


def _scripts_of(ch: str) -> tuple[str, ...]:
    """The names of the `_SCRIPT` patterns that match the character (memoized: a corpus has few first letters)."""
    hit = _CHAR_SCRIPTS.get(ch)
    if hit is None:
        if len(_CHAR_SCRIPTS) >= 1 << 16:  # bounded: an unspaced script's 'words' start with thousands of letters
            _CHAR_SCRIPTS.clear()
        hit = _CHAR_SCRIPTS[ch] = tuple(name for name, rx in _SCRIPT.items() if rx.fullmatch(ch))
    return hit


def page_stoplist(words: list[str]) -> frozenset[str]:
    """The stoplist of the page's language: the first of its script's languages that covers a fair share
    of its words (empty for scripts written without spaces or without a list: judged by shape alone)."""
    total = len(words)
    if not total:
        return frozenset()
    sample = "".join([w[:1] for w in words[:400]])
    # how many of the sample's letters each script's regex finds (``len(_SCRIPT[name].findall(sample))``),
    # counted from the sample's distinct letters: five regex scans of the sample cost more than the rest
    found = dict.fromkeys(_SCRIPT, 0)
    for ch, n in Counter(sample).items():
        for name in _scripts_of(ch):
            found[name] += n
    script = max(found, key=found.__getitem__)
    if found[script] < 0.5 * len(sample):
        return frozenset()
    counts = Counter(map(str.casefold, words))
    best, best_cov = frozenset[str](), 0.0
    for lang in _STOPLIST_LANGS[script]:
        sl = stoplist(lang)
        # the stopwords the page has, looked up from the stoplist's side in C (the sum of counts is exact either way)
        cov = sum(map(counts.__getitem__, sl.intersection(counts))) / total
        if cov >= 0.3:
            return sl
        if cov > best_cov:
            best, best_cov = sl, cov
    return best if best_cov >= 0.15 else frozenset()


@dataclass
class LineInfo:
    span: Span
    words: int
    stop_share: float
    prose: bool
    menu_item: bool
    signals: dict[str, int] = field(default_factory=dict)
    text: str = ""  # the stripped line, and its words: computed once, read by every signal
    ws: tuple[str, ...] = ()

    @property
    def score(self) -> int:
        return sum(self.signals.values())


class LineClassifier:
    """Propose removing the non-prose lines whose signals add up to chrome."""

    def proposals(self, page: Page, ctx: Context) -> list[Proposal]:
        cfg = ctx.settings("chrome", DEFAULTS)
        if not cfg["classify_enabled"]:
            return []
        text = page.text
        spans: list[Span] = []
        texts: list[str] = []
        for ln in lines(text):
            s = ln.text.strip()
            if s:
                spans.append(ln)
                texts.append(s)
        line_words = [word_list(s) for s in texts]  # the stripped line's words, as the other stages memoize them
        stops = page_stoplist(list(chain.from_iterable(line_words)))
        infos = [self._describe(ln, s, ws, stops, cfg) for ln, s, ws in zip(spans, texts, line_words)]
        prose_idx = [i for i, info in enumerate(infos) if info.prose]
        if len(prose_idx) < cfg["min_prose_lines"]:
            return []
        self._score(infos, prose_idx, bool(stops), cfg)
        out = []
        for info in infos:
            if not info.prose and info.score >= cfg["classify_threshold"]:
                a, b = line_with_newline(text, info.span)
                fired = ", ".join(f"{k} {v:+d}" for k, v in info.signals.items())
                out.append(Proposal(a, b, "", RULE_ID, f"line classified as chrome (score {info.score}: {fired})",
                                    {"score": info.score, "signals": dict(info.signals)}))
        dense = DenseParagraph()
        for k, i in enumerate(prose_idx):
            p = dense.proposal(text, infos[i].span, stops, cfg)
            if p is not None and (k == len(prose_idx) - 1 or dense.follows_chrome(page, infos[i].span)):
                out.append(p)
        return out

    @staticmethod
    def _describe(ln: Span, s: str, ws: tuple[str, ...], stops: frozenset[str], cfg: dict[str, Any]) -> LineInfo:
        """``s`` is the stripped line, ``ws`` its words."""
        n = len(ws)
        stop_share = sum(map(stops.__contains__, map(str.casefold, ws))) / n if n and stops else 0.0
        ends_sentence = _ends_sentence(s)
        if s.endswith("?") and n < cfg["prose_question_words"] and not _SENTENCE_INSIDE.search(s[:-1]):
            ends_sentence = False  # a question heading
        if n >= cfg["prose_always_words"] or (n >= cfg["prose_long_words"] and ends_sentence):
            prose = True  # a long line is the article's whatever its stopwords (a language the lists miss)
        elif stops:
            prose = (n >= cfg["prose_min_words"] and stop_share >= cfg["prose_min_stopwords"] and ends_sentence) or (
                n >= cfg["prose_long_words"] and stop_share >= cfg["prose_min_stopwords"])
        else:  # no stoplist for this language: length and punctuation only
            prose = len(s) >= cfg["prose_min_chars_no_stoplist"] and ends_sentence
        menu_item = n <= cfg["menu_item_words"] and not ends_sentence and not _ends_heading(s)
        return LineInfo(ln, n, stop_share, prose, menu_item, text=s, ws=ws)

    @staticmethod
    def _score(infos: list[LineInfo], prose_idx: list[int], has_stops: bool, cfg: dict[str, Any]) -> None:
        first, last = prose_idx[0], prose_idx[-1]
        run_len = _menu_runs(infos)
        run_bounds = _runs(infos, lambda x: not x.prose)
        numbered = _numbered_lists(infos, cfg["numbered_list_min_lines"])
        table = _table_rows(infos, cfg["table_min_rows"], cfg["table_min_numbers"])
        uniform = _uniform_runs(infos, cfg["uniform_min_lines"])
        for i, info in enumerate(infos):
            if info.prose:
                continue
            s = info.text
            add = _Adder(info.signals, cfg)
            nxt = infos[i + 1] if i + 1 < len(infos) else None
            prv = infos[i - 1] if i > 0 else None
            if info.menu_item and run_len[i] >= cfg["menu_run_lines"] and not (nxt is not None and nxt.prose) and not (
                    numbered[i] or table[i] or uniform[i]):  # a list, a table or records: not a menu
                # not the headline right before the article; between prose a run is as likely a list of the article's
                add(f"menu-run({run_len[i]} lines)", "weight_menu_run" if not first < i < last else "weight_menu_run_between_content")
            if has_stops and info.words and info.stop_share == 0:
                add("no-stopwords", "weight_no_stopwords")
            if info.words >= 2 and all(w[:1].isupper() or w[:1].isdigit() for w in info.ws) and _has_case(s):
                add("all-capitalised", "weight_all_capitalised")
            if info.words <= 8 and _DATE_BYLINE_COUNTER.match(s):
                in_list = first < i < last and cfg["list_min_lines"] <= run_bounds[i] <= cfg["list_max_lines"]
                add("date/byline/counter", "weight_date_byline_counter_in_list" if in_list else "weight_date_byline_counter")
            if _link_list(s) and not _ends_sentence(s):
                add("link-list", "weight_link_list")
            if i < first:
                add("before-content", "weight_before_content")
            if i == 0 and run_len[i] < cfg["menu_run_lines"]:
                add("page-title-position", "weight_page_title")
            if i > last:
                add("after-content", "weight_after_content")
            if nxt is None or not nxt.prose:
                add("no-content-follows", "weight_no_content_follows")
            else:
                add("introduces-content", "weight_introduces_content")
            if prv is not None and prv.prose and nxt is not None and nxt.prose:
                add("inside-content", "weight_inside_content")
            elif first < i < last and cfg["list_min_lines"] <= run_bounds[i] <= cfg["list_max_lines"]:
                add(f"in-list-between-content({run_bounds[i]} lines)", "weight_list_between_content")
            if _ends_heading(s):
                add("heading-punctuation", "weight_heading_punctuation")
            if has_stops and info.words >= 3 and info.stop_share >= cfg["prose_min_stopwords"]:
                add("stopword-rich", "weight_stopword_rich")
            if info.words >= cfg["long_line_words"]:
                add(f"long-line({info.words} words)", "weight_long_line")
            if numbered[i]:
                add(f"numbered-list({numbered[i]} items)", "weight_numbered_list")
            if table[i]:
                add(f"table-row({table[i]} rows)", "weight_table_row")
            if uniform[i]:
                add(f"uniform-list({uniform[i]} lines)", "weight_uniform_list")


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

    def proposal(self, text: str, span: Span, stops: frozenset[str], cfg: dict[str, Any]) -> Proposal | None:
        if not cfg["dense_enabled"]:
            return None
        sents = sentence_texts(span.text)  # called on every prose line: no spans needed, only their text
        if len(sents) < cfg["dense_min_sentences"]:
            return None
        questions = [x for x in sents if x.endswith("?") and len(word_list(x)) <= cfg["dense_max_words"]]
        if len(questions) < cfg["dense_min_questions"]:
            return None  # decided without the fragments (the test below): most paragraphs ask no questions
        fragments = [x for x in sents if x not in questions and self._fragment(x, stops, cfg)]
        share = (len(questions) + len(fragments)) / len(sents)
        if not fragments or len(questions) < cfg["dense_min_questions"] or share < cfg["dense_min_share"]:
            return None
        a, b = line_with_newline(text, span)
        reason = (f"chrome-dense paragraph: {len(questions) + len(fragments)} of {len(sents)} "
                  f"sentences are menu fragments ({len(fragments)}) or short question headings ({len(questions)})")
        return Proposal(a, b, "", DENSE_RULE_ID, reason, {"fragments": fragments[:5], "questions": questions[:5]})

    @staticmethod
    def _fragment(sent: str, stops: frozenset[str], cfg: dict[str, Any]) -> bool:
        """A menu fragment: short, mostly capitalised words, the last one too (``All site Events Search``)."""
        ws = word_list(sent)
        if not ws or len(ws) > cfg["dense_max_words"] or not ws[-1][:1].isupper():
            return False
        caps = sum(1 for w in ws if w[:1].isupper())
        return caps / len(ws) >= cfg["dense_fragment_capitalised"] and caps >= 2


class _Adder:
    """Record a signal under its name with its configured weight (a zero weight switches it off)."""

    def __init__(self, signals: dict[str, int], cfg: dict[str, Any]):
        self.signals, self.cfg = signals, cfg

    def __call__(self, name: str, key: str) -> None:
        w = int(self.cfg[key])
        if w:
            self.signals[name] = w


def _has_case(s: str) -> bool:
    return any(ch.isupper() for ch in s) and any(ch.islower() for ch in s) or s.isupper()


def _menu_runs(infos: list[LineInfo]) -> list[int]:
    """For each line, the length of the run of consecutive menu items it belongs to (0 if none)."""
    return _runs(infos, lambda x: x.menu_item)


def _numbered_lists(infos: list[LineInfo], min_lines: int) -> list[int]:
    """For each line, the number of items of the numbered list (non-prose lines counting 1, 2, 3 ..., at most
    two other lines, such as a link, between two items) it is in; 0 outside lists."""
    nums = [None if x.prose else _enumerator(x.text) for x in infos]
    out = [0] * len(infos)
    i = 0
    while i < len(infos):
        if nums[i] is None:
            i += 1
            continue
        items, last, j = 1, i, i + 1
        while j < len(infos) and j - last <= 3 and not infos[j].prose:
            if nums[j] is not None:
                if nums[j] != nums[last] + 1:  # type: ignore[operator]
                    break
                items, last = items + 1, j
            j += 1
        if items >= min_lines:
            out[i:last + 1] = [items] * (last + 1 - i)
        i = last + 1
    return out


def _enumerator(s: str) -> int | None:
    m = _ENUMERATOR.match(s)
    return int(m.group(1)) if m else None


def _uniform_runs(infos: list[LineInfo], min_lines: int) -> list[int]:
    """For each line, the length of the run of consecutive non-prose lines sharing one non-empty
    punctuation skeleton (the line's punctuation in order) it is in; bare menus have no skeleton."""
    skel = [None if x.prose else (_PUNCT.sub("", x.text) or None) for x in infos]
    out = [0] * len(infos)
    i = 0
    while i < len(infos):
        j = i + 1
        while skel[i] is not None and j < len(infos) and skel[j] == skel[i]:
            j += 1
        if j - i >= min_lines:
            out[i:j] = [j - i] * (j - i)
        i = j
    return out


def _table_rows(infos: list[LineInfo], min_rows: int, min_numbers: int) -> list[int]:
    """For each line, the number of rows of the data table it is in: consecutive lines with at least
    ``min_numbers`` numbers each, every row with the same count give or take one."""
    counts = [len(_NUMBER.findall(x.text)) for x in infos]
    out = [0] * len(infos)
    i = 0
    while i < len(infos):
        if counts[i] < min_numbers:
            i += 1
            continue
        j = i + 1
        lo = hi = counts[i]
        while j < len(infos) and counts[j] >= min_numbers and max(hi, counts[j]) - min(lo, counts[j]) <= 1:
            lo, hi = min(lo, counts[j]), max(hi, counts[j])
            j += 1
        if j - i >= min_rows:
            out[i:j] = [j - i] * (j - i)
        i = j
    return out


def _runs(infos: list[LineInfo], pred: Callable[[LineInfo], bool]) -> list[int]:
    """For each line, the length of the run of consecutive lines meeting ``pred`` it belongs to (0 if none)."""
    out = [0] * len(infos)
    i = 0
    while i < len(infos):
        if not pred(infos[i]):
            i += 1
            continue
        j = i
        while j < len(infos) and pred(infos[j]):
            j += 1
        for k in range(i, j):
            out[k] = j - i
        i = j
    return out
