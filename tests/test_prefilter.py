"""The literal pre-check may only ever say "cannot match": every match contains one of the rule's literals."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.prefilter import _AUTOMATON, Views, required_literals
from cleaner.rules import default_rules_dir, load_rules


def test_literals_of_simple_patterns() -> None:
    assert required_literals(r"(?i)^rated \d out of 5$") == frozenset({" out of 5"})  # the longest required run
    assert required_literals(r"(?i)(?:cookie policy|privacy notice)") == frozenset({"cookie policy", "privacy notice"})
    assert required_literals(r"(?:ab)?c") is None  # nothing of length >= 3 is required
    assert required_literals(r"\p{L}+ foo") is None  # a `regex`-only construct: no pre-check
    assert required_literals(r"(?=.*\bbuy now\b)") == frozenset({"buy now"})
    # a separator symbol outside ASCII is rarer than a short word: "Jan 19, 2021 · " is looked for by its dot
    assert required_literals(r"(?i)\b(?:jan|may)\s+\d{1,2},?\s+[·•]") == frozenset({"·", "•"})
    assert required_literals(r"[ab]xyz") == frozenset({"xyz"})  # ASCII letters alone tell nothing


def test_every_shipped_example_that_matches_contains_a_literal() -> None:
    rules = load_rules([default_rules_dir()])
    checked = 0
    for rule in rules.rules:
        lits = required_literals(rule.data["regex"]) if isinstance(rule.data.get("regex"), str) else None
        if lits is None:
            continue
        pat = rule.compiled["regex"]
        for text in [*rule.examples_remove, *rule.examples_keep]:
            if isinstance(text, str) and pat.search(text):
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
