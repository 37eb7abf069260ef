"""Tidy: the whitespace that removals leave behind (blank-line runs, leading/trailing blanks)."""

from __future__ import annotations

import functools
from typing import Any, ClassVar

import regex

from cleaner.core.page import Page, Proposal
from cleaner.stages.base import Context, Stage

_TRAILING = regex.compile(r"[ \t]+(?=\n|\Z)")


@functools.lru_cache(maxsize=8)
def _blank_run(most: int) -> regex.Pattern[str]:
    """More than ``most`` blank lines in a row (blank: nothing but spaces and tabs)."""
    return regex.compile(r"\n(?:[ \t]*\n){" + str(most + 1) + ",}")


class TidyStage(Stage):
    name = "tidy"
    defaults: ClassVar[dict[str, Any]] = {"max_blank_lines": 1}

    def apply(self, page: Page, ctx: Context) -> None:
        cfg = ctx.settings(self.name, self.defaults)
        most = max(0, int(cfg["max_blank_lines"]))
        text = page.text
        props: list[Proposal] = []
        for m in _TRAILING.finditer(text):
            props.append(Proposal(m.start(), m.end(), "", "tidy.trailing-space", "trailing whitespace"))
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
        page.commit(self.name, props)
