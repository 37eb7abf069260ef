"""Tidy: the whitespace that removals leave behind (blank-line runs, leading/trailing blanks)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import regex

from cleaner.core.layout import prose_indents
from cleaner.core.memo import resource
from cleaner.core.page import Page, Proposal
from cleaner.stages.base import Context
from cleaner.stages.detector import Detector, DetectorStage, Settings, setting

_TRAILING = regex.compile(r"[ \t]+(?=\n|\Z)")


@resource
def _blank_run(most: int) -> regex.Pattern[str]:
    """More than ``most`` blank lines in a row (blank: nothing but spaces and tabs)."""
    return regex.compile(r"\n(?:[ \t]*\n){" + str(most + 1) + ",}")


@dataclass(frozen=True)
class WhitespaceSettings(Settings):
    max_blank_lines: int = setting(1, "blank lines kept in a row (between paragraphs); longer runs are cut to this")


class Whitespace(Detector[WhitespaceSettings]):
    """Trailing spaces, runs of blank lines, blank space at the start and the end; the page ends with one newline.
    One detector, committed at once: a cut run of blank lines and the spaces on those lines are one change."""

    name = "whitespace"
    settings = WhitespaceSettings

    def propose(self, page: Page, settings: WhitespaceSettings, ctx: Context) -> Iterable[Proposal]:
        most = max(0, settings.max_blank_lines)
        text = page.text
        props: list[Proposal] = []
        for m in _TRAILING.finditer(text):
            props.append(Proposal(m.start(), m.end(), "", "tidy.trailing-space", "trailing whitespace"))
        if "\n " in text or "\n\t" in text or text.startswith((" ", "\t")):
            for a, b in prose_indents(text):  # normalize kept it inside code that a later stage removed around it
                props.append(Proposal(a, b, "", "tidy.indent", "leading whitespace left outside a code block"))
        for m in _blank_run(most).finditer(text):
            keep = m.start() + 1 + most  # the line break ending the text's line, then `most` blank lines
            for a, b in page.gaps_between_edits(keep, m.end()):
                props.append(Proposal(a, b, "", "tidy.blank-lines", "run of blank lines"))
        lead = len(text) - len(text.lstrip())
        for a, b in page.gaps_between_edits(0, lead):
            props.append(Proposal(a, b, "", "tidy.leading-blank", "blank space at the start of the page"))
        stripped = text.rstrip()
        if stripped:
            keep_newline = text[len(stripped) : len(stripped) + 1] == "\n"
            tail_start = len(stripped) + (1 if keep_newline else 0)
            for a, b in page.gaps_between_edits(tail_start, len(text)):
                props.append(Proposal(a, b, "", "tidy.final-newline", "blank space at the end of the page"))
            if not keep_newline:
                props.append(Proposal(len(text), len(text), "\n", "tidy.final-newline", "page ends with one newline"))
        elif text:
            props.append(Proposal(0, len(text), "", "tidy.empty", "page holds only whitespace"))
        return props


class TidyStage(DetectorStage):
    name = "tidy"
    detectors = [Whitespace]
