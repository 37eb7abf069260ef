"""Views of the current text: lines, paragraphs, sentences, words, each with offsets.

Stages never split text themselves; they use these views so every span they
propose is in current-text coordinates that `Page.commit` can map back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from cleaner import _core
from cleaner.core.memo import line_memo, text_memo

# Words and sentences are found by the compiled core (src/text.rs), on the string's code points in place:
# a word is `\p{L}[\p{L}\p{M}\p{N}]*(?:['’]\p{L}+)*` (the `regex` module's classes); a sentence ends at . ! ? …
# (and any closing quotes or brackets) before white space, except after an abbreviation (Mr., e.g., Jan.) or a
# single letter (an initial).  tests/test_core_text.py holds both to their definition in Python.


class Span(NamedTuple):
    """A piece of the current text and its offsets (a named tuple: the views make millions of them, and a
    tuple is made in half the time of a frozen dataclass)."""

    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


def lines(text: str) -> list[Span]:
    """Lines without their newline; ``end`` is the offset of the newline (or end of text)."""
    return list(_split_lines(text))  # a list of its own: a caller may change it


@text_memo  # two calls in three were for the text of the call before, on the benchmark corpus
def _split_lines(text: str) -> list[Span]:
    """Split at each ``\n`` (the rest after the last one is a line when not empty): the core makes the spans."""
    return _core.lines(text, Span)  # type: ignore[no-any-return]


def line_with_newline(text: str, span: Span) -> tuple[int, int]:
    """The span of a whole line including its newline, for removing it."""
    end = span.end + 1 if span.end < len(text) else span.end
    start = span.start
    if end == span.end and start > 0 and text[start - 1] == "\n":
        start -= 1  # last line without newline: take the newline before it
    return start, end


def paragraphs(text: str) -> list[Span]:
    """Blocks of consecutive non-blank lines."""
    out: list[Span] = []
    start = None
    end = 0
    for ln in lines(text):
        if ln.text.strip():
            if start is None:
                start = ln.start
            end = ln.end
        elif start is not None:
            out.append(Span(start, end, text[start:end]))
            start = None
    if start is not None:
        out.append(Span(start, end, text[start:end]))
    return out


# Tokenize once: every stage looks at the same lines again (chrome, spam and dedup each split them, and dedup's
# settling runs them a second time), so what a stage computes from a line alone (a dedup key, a site key, a
# normalized line) is kept by the line's text (`line_memo`, the policy in `cleaner.core.memo`), and so are a line's
# words (a tuple: the core finds them in about a microsecond a line, but nine lines in ten were asked about
# before).  Sentence bounds are not.


@line_memo  # nine calls in ten were for a line asked about before (each detector and round reads the page's words)
def _line_words(text: str) -> tuple[str, ...]:
    return _core.words(text)  # type: ignore[no-any-return]


def sentences(text: str, base: int = 0) -> list[Span]:
    """Sentences of one line or paragraph (``base`` is its offset in the page); the core makes the spans."""
    return _core.sentences(text, base, Span)  # type: ignore[no-any-return]


def sentence_texts(text: str) -> list[str]:
    """The stripped texts of `sentences` (without making their spans)."""
    return [text[a:b].strip() for a, b in _core.sentence_bounds(text)]


def sentence_bounds(text: str) -> tuple[tuple[int, int], ...]:
    """Where `sentences` are in ``text`` (offsets in it), for a caller that makes spans of only a few."""
    return _core.sentence_bounds(text)


def word_list(text: str) -> tuple[str, ...]:
    """The words of a line or any text, in order."""
    return _line_words(text)


@text_memo  # spam's and the spelling's collectors read the same page's words in turn, and so do their stages
def page_words(text: str) -> tuple[str, ...]:
    """The words of a whole page (as `word_list`)."""
    return _core.words(text)  # type: ignore[no-any-return]


def words_by_line(text: str) -> list[str]:
    """The words of a page as a list (a word never spans a newline, so they are its lines' words)."""
    return list(page_words(text))


def words(text: str, base: int = 0) -> Iterator[Span]:
    """The words with their spans (``base`` is the text's offset in the page); the core makes the spans."""
    return iter(_core.word_spans(text, base, Span))


def removal_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a removal over the spaces after it (or before it, at the end of a line) so no double space is left."""
    while end < len(text) and text[end] in " \t":
        end += 1
    if (end >= len(text) or text[end] == "\n") and start > 0:
        while start > 0 and text[start - 1] in " \t":
            start -= 1
    return start, end
