"""The literal pre-check may only ever say "cannot match": every match contains one of the rule's literals."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.core.text import sentences
from cleaner.rulebook.load import Rule, default_rules_dir
from cleaner.rulebook.prefilter import _AUTOMATON, Views, fold_phrase, phrase_literals, required_literals, rule_literals
from cleaner.stages import load_stage_rules as load_rules


def test_literals_of_simple_patterns() -> None:
    assert required_literals(r"(?i)^rated \d out of 5$") == frozenset({" out of 5"})  # the longest required run
    assert required_literals(r"(?i)(?:cookie policy|privacy notice)") == frozenset({"cookie policy", "privacy notice"})
    assert required_literals(r"(?:ab)?c") is None  # nothing of length >= 3 is required
    assert required_literals(r"\p{L}+ foo") is None  # a `regex`-only construct: no pre-check
    assert required_literals(r"(?=.*\bbuy now\b)") == frozenset({"buy now"})
    # a separator symbol outside ASCII is rarer than a short word: "Jan 19, 2021 · " is looked for by its dot
    assert required_literals(r"(?i)\b(?:jan|may)\s+\d{1,2},?\s+[·•]") == frozenset({"·", "•"})
    assert required_literals(r"[ab]xyz") == frozenset({"xyz"})  # ASCII letters alone tell nothing


def test_literals_of_phrases_are_their_longest_words() -> None:
    assert phrase_literals(["Back to top", "skip to  Content."]) == frozenset({"back", "content"})
    assert phrase_literals(["top of page", "ok"]) is None  # "ok" has no word worth looking for: no pre-check


def _matches_somewhere(rule: Rule, text: str) -> bool:
    """Does the rule's pattern match in ``text``, or one of its phrases equal a line or sentence of it?
    (Found without the pre-check, which is what is under test.)"""
    pat = rule.compiled.get("regex")
    if pat is not None and pat.search(text):
        return True
    phrases = {fold_phrase(p) for p in rule.data.get("phrases", [])}
    pieces = [*text.splitlines(), *(s.text for ln in text.splitlines() for s in sentences(ln))]
    return any(fold_phrase(piece) in phrases for piece in pieces)


def test_every_shipped_example_that_matches_contains_a_literal() -> None:
    rules = load_rules([default_rules_dir()])
    checked = 0
    for rule in rules.rules:
        lits = rule_literals(rule)
        if lits is None:
            continue
        for text in [*rule.examples_remove, *rule.examples_keep]:
            if isinstance(text, str) and _matches_somewhere(rule, text):
                assert any(s in text.casefold() for s in lits), (rule.id, text)
                checked += 1
    assert checked > 20


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcRATEDSsß ſKK\n.", max_size=40))
def test_candidate_lines_cover_every_matching_line(text: str) -> None:
    pattern = r"(?i)rated|ss|kk"
    lits = required_literals(pattern)
    v = Views.of(text)
    cand = v.candidate_lines(lits)
    for i, ln in enumerate(v.all_lines):
        if regex.search(pattern, ln.text):
            assert v.may_match(lits)
            assert cand is None or i in cand


_LITERALS = ["aba", "bab", "abab", "a b", "rated", "rate", "ss"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["ab", "a", "b", "RATE", "d", "s", "S", "ß", " ", "\n"]), max_size=30),
       st.sets(st.sampled_from(_LITERALS), min_size=1))
def test_one_scan_for_all_rules_finds_the_lines_each_literal_is_on(pieces: list[str], chosen: set[str]) -> None:
    """The automaton over every registered literal (overlapping ones included) agrees with searching each one."""
    text = "".join(pieces)
    _AUTOMATON.add(frozenset(_LITERALS))
    lits = frozenset(chosen)
    v = Views.of(text)
    on = [i for i, ln in enumerate(v.all_lines) if any(s in ln.text.casefold() for s in lits)]
    assert v.may_match(lits) == any(s in text.casefold() for s in lits)
    if v.aligned:
        assert v.candidate_lines(lits) == on
    late = "zzq" + text[:2]  # a literal registered after the scan is searched for directly
    assert v.may_match(frozenset({late})) == (late in v.folded)


def test_a_remembered_verdict_belongs_to_its_rule() -> None:
    """Verdicts are kept by text for every rule: two rules asked about the same line keep their own answers,
    and a copy of a rule (same patterns) answers as it does."""
    from dataclasses import replace

    from cleaner.rulebook.patterns import matches

    rules = {r.id: r for r in load_rules([default_rules_dir()]).rules}
    page_markers, copyright_ = rules["chrome.builder.page-markers"], rules["chrome.footer.copyright"]
    for _ in range(2):
        assert matches(page_markers, "Back to top", 1.0) and not matches(copyright_, "Back to top", 1.0)
        assert matches(copyright_, "© 2024 Acme Ltd. All rights reserved.", 1.0)
        assert not matches(page_markers, "© 2024 Acme Ltd. All rights reserved.", 1.0)
    assert matches(replace(copyright_, sites=["x.example"]), "© 2024 Acme Ltd. All rights reserved.", 1.0)
