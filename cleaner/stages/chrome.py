"""Chrome: site furniture (navigation, bylines, widgets, footers, comment sections).

The patterns are data (``rules/chrome/*.yaml``); this stage only runs them.
Line, span, sentence, block and section rules are evaluated on the same view
and committed together, so a section rule that swallows the page's tail
absorbs the line rules that matched inside it.
"""

from __future__ import annotations

from cleaner.matchers import run_rules
from cleaner.page import Page
from cleaner.stages.base import Context, Stage


class ChromeStage(Stage):
    name = "chrome"
    rule_types = ("line", "sentence", "span", "block", "section", "substitution")

    def apply(self, page: Page, ctx: Context) -> None:
        run_rules(page, self.name, ctx.rules_for(self.name, page, self.rule_types), ctx.regex_timeout)
