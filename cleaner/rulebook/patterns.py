"""Pattern rule types shared by the stages: line, span, sentence, section, block, substitution.

Modelled on Vale's rule types: each type is a small class that turns one rule
and the current text into proposals.  Stages pick the types they run (chrome
runs all of them, spam runs line/span/sentence, normalize runs substitution).
Every match is made with a timeout, so one catastrophic user regex costs one
warning, never a hung run.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import regex

from cleaner.core.memo import MemoDict
from cleaner.core.page import Page, Proposal
from cleaner.core.text import Span, line_with_newline, removal_span
from cleaner.rulebook.load import RULE_TYPES, Rule, RuleType, register_type
from cleaner.rulebook.prefilter import Views, fold_phrase, rule_literals, views

DEFAULT_TIMEOUT = 1.0

_MATCH_MODES = ("full", "search")


def _check_pattern_or_phrases(data: dict[str, Any]) -> str | None:
    if "regex" not in data and "phrases" not in data:
        return "needs 'regex' or 'phrases'"
    if data.get("match", "full") not in _MATCH_MODES:
        return f"'match' must be one of {', '.join(_MATCH_MODES)}"
    phrases = data.get("phrases", [])
    if not all(isinstance(p, str) for p in phrases):
        return "'phrases' must be a list of strings"
    return None


_POSITION = {"top": int, "bottom": int, "max_words": int, "max_chars": int}
_PATTERN_KEYS: dict[str, Any] = {"regex": str, "phrases": list, "match": str}

register_type(RuleType("line", {}, {**_PATTERN_KEYS, **_POSITION}, ("chrome", "spam", "dedup"), check=_check_pattern_or_phrases))
register_type(RuleType("sentence", {}, {**_PATTERN_KEYS, "max_words": int}, ("chrome", "spam"), check=_check_pattern_or_phrases))
register_type(RuleType("span", {"regex": str}, {"max_chars": int}, ("chrome", "spam")))
register_type(
    RuleType(
        "section",
        {},
        {**_PATTERN_KEYS, "within_last": int, "max_share": float, "max_tail_line_words": int},
        ("chrome",),
        check=_check_pattern_or_phrases,
    )
)
register_type(RuleType("block", {"regex": str}, {"bottom": int, "top": int}, ("chrome",)))
register_type(RuleType("substitution", {"regex": str, "replace": str}, {}, ("normalize", "chrome", "spam")))
register_type(RuleType("settings", {"settings": dict}, {}, (), regex_keys=()))
register_type(RuleType("vocabulary", {"path": str}, {"lang": str}, ("spelling",), regex_keys=()))


class RuleTimeout(Exception):
    def __init__(self, rule: Rule):
        super().__init__(f"rule {rule.id} ({rule.where}) timed out; the text it was matching is kept")
        self.rule = rule


def _phrase_set(rule: Rule) -> set[str]:
    cached = rule.compiled.get("_phrases")
    if cached is None:
        cached = {fold_phrase(p) for p in rule.data.get("phrases", [])}
        rule.compiled["_phrases"] = cached
    return cached  # type: ignore[no-any-return]


# Verdicts of rules on lines and sentences, by text: a page's lines come back when dedup settles the page,
# and the site's chrome lines recur on page after page, while a regex call with a timeout costs ~1.7 us.
# Keyed by a serial kept in the rule's compiled patterns (shared by copies of a rule, which match alike).
_VERDICTS = MemoDict("rule verdicts")
_SERIALS = itertools.count()


def matches(rule: Rule, s: str, timeout: float, key: str = "regex") -> bool:
    """Does the rule match ``s`` (whole string or anywhere, per its ``match``)?"""
    if not _VERDICTS.keeps(s):
        return _matches(rule, s, timeout, key)
    serial = rule.compiled.get("_serial")
    if serial is None:
        serial = rule.compiled["_serial"] = next(_SERIALS)
    verdicts = _VERDICTS.slot(s)
    found = verdicts.get((serial, key))
    if found is None:
        found = verdicts[(serial, key)] = _matches(rule, s, timeout, key)
    return found  # type: ignore[no-any-return]


def _matches(rule: Rule, s: str, timeout: float, key: str) -> bool:
    if "phrases" in rule.data and fold_phrase(s) in _phrase_set(rule):
        return True
    pat = rule.compiled.get(key)
    if pat is None:
        return False
    try:
        if rule.data.get("match", "full") == "full":
            return pat.fullmatch(s, timeout=timeout) is not None
        return pat.search(s, timeout=timeout) is not None
    except TimeoutError as exc:
        raise RuleTimeout(rule) from exc


def _finditer(rule: Rule, text: str, timeout: float, key: str = "regex") -> list[regex.Match[str]]:
    try:
        return list(rule.compiled[key].finditer(text, timeout=timeout))
    except TimeoutError as exc:
        raise RuleTimeout(rule) from exc


def _nonblank(all_lines: list[Span]) -> list[int]:
    return [i for i, ln in enumerate(all_lines) if ln.text.strip()]


def _within_position(rule: Rule, rank: int, total: int) -> bool:
    top, bottom = rule.data.get("top"), rule.data.get("bottom")
    if top is None and bottom is None:
        return True
    return (top is not None and rank < top) or (bottom is not None and total - rank <= bottom)


def _lines_to_try(rule: Rule, text: str) -> tuple[Views, list[int]] | None:
    """The page's views and its non-blank lines that may match the rule (by its literals); None when none may."""
    v = views(text)
    lits = rule_literals(rule)
    if not v.may_match(lits):
        return None
    cand = v.candidate_lines(lits)
    return v, (v.nonblank if cand is None else [i for i in cand if i in v.rank])


def _line_if_whole(text: str, a: int, b: int, line_start: int, line_end: int) -> tuple[int, int]:
    """The removal ``a:b``, or the whole line with its line break when nothing but blanks is left of it."""
    if text[line_start:a].strip() == "" and text[b:line_end].strip() == "":
        return line_with_newline(text, Span(line_start, line_end, text[line_start:line_end]))
    return a, b


def propose_line(rule: Rule, text: str, timeout: float) -> Iterable[Proposal]:
    tried = _lines_to_try(rule, text)
    if tried is None:
        return
    v, idxs = tried
    total = len(v.nonblank)
    max_words = rule.data.get("max_words")
    max_chars = rule.data.get("max_chars")
    for idx in idxs:
        ln = v.all_lines[idx]
        s = ln.stripped
        if max_words is not None and len(s.split()) > max_words:
            continue
        if max_chars is not None and len(s) > max_chars:
            continue
        if not _within_position(rule, v.rank[idx], total):
            continue
        if matches(rule, s, timeout):
            a, b = line_with_newline(text, ln)
            yield Proposal(a, b, "", rule.id, rule.reason)


def propose_sentence(rule: Rule, text: str, timeout: float) -> Iterable[Proposal]:
    tried = _lines_to_try(rule, text)
    if tried is None:
        return
    v, idxs = tried
    max_words = rule.data.get("max_words")
    for idx in idxs:
        ln = v.all_lines[idx]
        for sent in v.sentences_of(idx):
            s = sent.stripped
            if max_words is not None and len(s.split()) > max_words:
                continue
            if matches(rule, s, timeout):
                a, b = _line_if_whole(text, *removal_span(text, sent.start, sent.end), ln.start, ln.end)
                yield Proposal(a, b, "", rule.id, rule.reason)


def propose_span(rule: Rule, text: str, timeout: float) -> Iterable[Proposal]:
    if not views(text).may_match(rule_literals(rule)):
        return
    max_chars = rule.data.get("max_chars", 400)
    for m in _finditer(rule, text, timeout):
        if m.end() == m.start() or m.end() - m.start() > max_chars:
            continue
        a, b = removal_span(text, m.start(), m.end())
        line_end = text.find("\n", b)
        a, b = _line_if_whole(text, a, b, text.rfind("\n", 0, a) + 1, len(text) if line_end < 0 else line_end)
        yield Proposal(a, b, "", rule.id, rule.reason)


def propose_section(rule: Rule, text: str, timeout: float) -> Iterable[Proposal]:
    tried = _lines_to_try(rule, text)
    if tried is None:
        return
    v, idxs = tried
    nb = v.nonblank
    within_last = rule.data.get("within_last")
    max_share = rule.data.get("max_share", 0.5)
    max_tail_words = rule.data.get("max_tail_line_words")
    for idx in idxs:
        rank = v.rank[idx]
        if within_last is not None and len(nb) - rank > within_last:
            continue
        ln = v.all_lines[idx]
        if matches(rule, ln.stripped, timeout):
            start = ln.start
            if len(text) and (len(text) - start) / len(text) > max_share:
                continue
            if max_tail_words is not None and any(
                    len(s.split()) > max_tail_words for s in text[ln.end:].splitlines()):
                continue  # a line of prose follows: the article goes on, this is not a tail of links
            yield Proposal(start, len(text), "", rule.id, rule.reason)
            return


def propose_block(rule: Rule, text: str, timeout: float) -> Iterable[Proposal]:
    if not views(text).may_match(rule_literals(rule)):
        return
    for m in _finditer(rule, text, timeout):
        if m.end() == m.start():
            continue
        a = text.rfind("\n", 0, m.start()) + 1
        b = text.find("\n", max(m.end() - 1, a))
        b = len(text) if b < 0 else b + 1
        yield Proposal(a, b, "", rule.id, rule.reason)


def propose_substitution(rule: Rule, text: str, timeout: float) -> Iterable[Proposal]:
    if not views(text).may_match(rule_literals(rule)):
        return
    template = rule.data["replace"]
    for m in _finditer(rule, text, timeout):
        after = m.expand(template)
        if after != m.group():
            yield Proposal(m.start(), m.end(), after, rule.id, rule.reason)


PROPOSERS: dict[str, Callable[[Rule, str, float], Iterable[Proposal]]] = {
    "line": propose_line,
    "sentence": propose_sentence,
    "span": propose_span,
    "section": propose_section,
    "block": propose_block,
    "substitution": propose_substitution,
}


def run_rules(page: Page, stage: str, rules: list[Rule], timeout: float = DEFAULT_TIMEOUT) -> int:
    """Run pattern rules on one view of the page and commit their proposals together."""
    text = page.text
    proposals: list[Proposal] = []
    for rule in rules:
        proposer = PROPOSERS.get(rule.type)
        if proposer is None or not rule.applies_to(page.site, page.name):
            continue
        try:
            proposals.extend(proposer(rule, text, timeout))
        except RuleTimeout as exc:
            page.warnings.append(str(exc))
    return len(page.commit(stage, proposals))


def example_result(rule: Rule, text: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """What the rule alone makes of ``text`` (used by ``cleaner rules test``)."""
    page = Page(text)
    run_rules(page, rule.stage, [replace(rule, sites=[], files=[])], timeout)  # examples test the pattern, not the scope
    return page.text


assert set(PROPOSERS) <= set(RULE_TYPES)
