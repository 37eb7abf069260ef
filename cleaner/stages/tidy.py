"""Tidy: the whitespace that removals leave behind (blank-line runs, leading/trailing blanks)."""

from __future__ import annotations

from typing import Any, ClassVar

import regex

from cleaner.page import Page, Proposal
from cleaner.stages.base import Context, Stage

_BLANK_RUN = regex.compile(r"\n(?:[ \t]*\n){2,}")
_TRAILING = regex.compile(r"[ \t]+(?=\n|\Z)")


class TidyStage(Stage):
    name = "tidy"
    defaults: ClassVar[dict[str, Any]] = {"max_blank_lines": 1}

    def apply(self, page: Page, ctx: Context) -> None:
        text = page.text
        props: list[Proposal] = []
        for m in _TRAILING.finditer(text):
            props.append(Proposal(m.start(), m.end(), "", "tidy.trailing-space", "trailing whitespace"))
        for m in _BLANK_RUN.finditer(text):
            for a, b in page.gaps_between_edits(m.start() + 2, m.end()):
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
        page.commit(self.name, props)
