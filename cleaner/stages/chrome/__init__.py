"""Chrome: site furniture (navigation, bylines, widgets, footers, comment sections).

The patterns are data (``rules/chrome/*.yaml``); this stage runs them first.
Line, span, sentence, block and section rules are evaluated on the same view
and committed together, so a section rule that swallows the page's tail
absorbs the line rules that matched inside it.

Then two detectors find the chrome no rule names, each committed on its own
so every edit keeps its own rule id and reason: site repetition (lines that
recur across the site's pages, counted in the scan pass) and the line
classifier (shape and place on the page).  They run inside this stage, not as
stages of their own, so that they share the stage's name, settings and
scan-pass statistics (``ctx.stats["chrome"]``) and always run after the
pattern rules, on the text those left.  Last, the few words a widget leaves
behind when rules cut it out of a line piece by piece go too (``chrome_leftover``).
"""

from __future__ import annotations

from cleaner.core.page import Page
from cleaner.rulebook.patterns import run_rules
from cleaner.stages.base import Collector, Context, Stage
from cleaner.stages.chrome.classifier import DEFAULTS as CLASSIFIER_DEFAULTS
from cleaner.stages.chrome.classifier import LineClassifier
from cleaner.stages.chrome.leftover import DEFAULTS as LEFTOVER_DEFAULTS
from cleaner.stages.chrome.leftover import Leftovers
from cleaner.stages.chrome.site import DEFAULTS as SITE_DEFAULTS
from cleaner.stages.chrome.site import SiteLineCollector, SiteLineStats, SiteRepetition


class ChromeStage(Stage):
    name = "chrome"
    rule_types = ("line", "sentence", "span", "block", "section", "substitution")
    defaults = {**SITE_DEFAULTS, **CLASSIFIER_DEFAULTS, **LEFTOVER_DEFAULTS}

    def __init__(self) -> None:
        self.site = SiteRepetition()
        self.classifier = LineClassifier()
        self.leftovers = Leftovers()

    def apply(self, page: Page, ctx: Context) -> None:
        run_rules(page, self.name, ctx.rules_for(self.name, page, self.rule_types), ctx.regex_timeout)
        stats = ctx.stats.get(self.name)
        page.commit(self.name, self.site.proposals(page, ctx, stats if isinstance(stats, SiteLineStats) else None))
        page.commit(self.name, self.classifier.proposals(page, ctx))
        page.commit(self.name, self.leftovers.proposals(page, ctx))

    def collector(self, ctx: Context) -> Collector | None:
        cfg = ctx.settings(self.name, SITE_DEFAULTS)
        return SiteLineCollector(int(cfg["site_max_keys"])) if cfg["site_enabled"] else None
