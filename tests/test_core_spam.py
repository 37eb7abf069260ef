"""The spam stage's compiled helpers (cleaner._core) against their definitions in Python, on arbitrary text
(lone surrogates, NUL, new lines, quote marks of every kind, huge lines) and on the shipped settings.

The references below are the pure-Python implementations the core replaced, kept here as the definitions."""

from __future__ import annotations

import os

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import _core
from cleaner.stages.spam import OffLanguageJudge, OffLanguageSettings

_LETTERS = regex.compile(r"\p{L}")
SHIPPED_PAIRS = [['"', '"'], ["“", "”"], ["„", "“"], ["«", "»"], ["「", "」"], ["『", "』"], ["《", "》"]]


def reference_quoted_only(sentence: str, pairs: list[list[str]]) -> bool:
    rest = sentence
    for pair in pairs:
        op, cl = pair[0], pair[1]
        rest = regex.sub(regex.escape(op) + r"[^\n]*?" + regex.escape(cl), " ", rest)
    return rest != sentence and not _LETTERS.search(rest)


_MARKS = list("\"“”„«»「」『』《》'‘’") + ["<<", ">>", "--"]
_PIECES = st.one_of(st.sampled_from(_MARKS + list(" .\n\x00\udc80\udcffaé中😀2")), st.characters(codec=None))
_TEXTS = st.lists(_PIECES, max_size=60).map("".join)
_PAIRS = st.lists(st.tuples(st.sampled_from(_MARKS + ["", "a", "\n"]), st.sampled_from(_MARKS + ["", " ", "\udc80"])), max_size=5)


def test_quoted_titles_and_sentences_with_shipped_pairs() -> None:
    for s in ['^ "僕だけがいない街" .', "«Le Monde»", 'he said "hi"', '"a\nb"', "„Ja“ „Nein“", "", '""', "『』 .",
              '"unclosed', "“x” y", "«" * 5000 + "»", '"' + "a" * 100_000 + '"']:
        assert _core.quoted_only(s, SHIPPED_PAIRS) == reference_quoted_only(s, SHIPPED_PAIRS), s


@settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", 800)), deadline=None)
@given(_TEXTS, _PAIRS)
def test_quoted_only_matches_the_definition_on_arbitrary_text(s: str, pairs: list[tuple[str, str]]) -> None:
    assert _core.quoted_only(s, pairs) == reference_quoted_only(s, [list(p) for p in pairs])
    assert _core.quoted_only(s, SHIPPED_PAIRS) == reference_quoted_only(s, SHIPPED_PAIRS)


def test_the_stage_asks_the_core() -> None:
    judge = OffLanguageJudge(OffLanguageSettings(offlang_quote_pairs=SHIPPED_PAIRS))
    assert judge._quoted_only('^ "僕だけがいない街" .')
    assert not judge._quoted_only('he said "hi"')
