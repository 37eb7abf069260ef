"""Chrome: site furniture (navigation, bylines, widgets, footers, comment sections).

The patterns are data (``rules/chrome/*.yaml``); this stage runs them first.
Line, span, sentence, block and section rules are evaluated on the same view
and committed together, so a section rule that swallows the page's tail
absorbs the line rules that matched inside it.

Then detectors find the chrome no rule names, each committed on its own so
every edit keeps its own rule id and reason: site repetition (lines that recur
across the site's pages, counted in the scan pass), the learned chrome model
(``chrome_model``: a line score and the article's extent, weights in
``rules/chrome/model.json``; ``docs/chrome.md``), chrome-dense paragraphs and
brand lines (``chrome_dense``).  They run inside this stage, not as stages of
their own, so that they share the stage's name, settings and scan-pass
statistics (``ctx.stats["chrome"]``) and always run after the pattern rules, on
the text those left.  The few words a widget leaves behind when rules cut it out
of a line piece by piece go too (``chrome_leftover``).  The detectors after site
repetition run in rounds until none removes anything more, so that cleaning the
output again removes nothing.
"""

from __future__ import annotations

from cleaner.core.page import Page
from cleaner.rulebook.patterns import run_rules
from cleaner.stages.base import Collector, Context, Stage
from cleaner.stages.chrome.dense import DEFAULTS as DENSE_DEFAULTS
from cleaner.stages.chrome.dense import brand_proposals, dense_proposals
from cleaner.stages.chrome.leftover import DEFAULTS as LEFTOVER_DEFAULTS
from cleaner.stages.chrome.leftover import Leftovers
from cleaner.stages.chrome.model import DEFAULTS as MODEL_DEFAULTS
from cleaner.stages.chrome.model import ModelDetector, page_stoplist
from cleaner.stages.chrome.site import DEFAULTS as SITE_DEFAULTS
from cleaner.stages.chrome.site import SiteLineCollector, SiteLineStats, SiteRepetition

#: how many times the detectors after the rules run at most (until they remove nothing more)
DETECTOR_ROUNDS = 4
#: the rules that cut a comment thread (kept with ``--keep-comments``)
COMMENT_RULES = "chrome.comments."


class ChromeStage(Stage):
    name = "chrome"
    rule_types = ("line", "sentence", "span", "block", "section", "substitution")
    defaults = {**SITE_DEFAULTS, **MODEL_DEFAULTS, **DENSE_DEFAULTS, **LEFTOVER_DEFAULTS}

    def __init__(self) -> None:
        self.site = SiteRepetition()
        self.model = ModelDetector()
        self.leftovers = Leftovers()

    def prepare(self, page: Page, ctx: Context, stats: SiteLineStats | None) -> None:
        """What runs before the learned detector (and what the model is trained after): rules, site repetition.
        With ``--keep-comments`` the comment-section rules (which cut from a thread's start to the page's end) stay
        out; the comment form and other furniture rules still run."""
        rules = ctx.rules_for(self.name, page, self.rule_types)
        if ctx.options.get("keep_comments"):
            rules = [r for r in rules if not (r.id.startswith(COMMENT_RULES) and r.type == "section")]
        run_rules(page, self.name, rules, ctx.regex_timeout)
        page.commit(self.name, self.site.proposals(page, ctx, stats))

    def apply(self, page: Page, ctx: Context) -> None:
        stats = ctx.stats.get(self.name)
        site_stats = stats if isinstance(stats, SiteLineStats) else None
        self.prepare(page, ctx, site_stats)
        cfg = ctx.settings(self.name, DENSE_DEFAULTS)
        # the detectors read the page around each line (the model: its neighbours, the article's extent), so what
        # one removes can change what they see: they run again on what they left until none removes anything
        # (cleaning the output again then removes nothing more), at most `DETECTOR_ROUNDS` times
        for _ in range(DETECTOR_ROUNDS):
            made = len(page.commit(self.name, self.leftovers.proposals(page, ctx)))
            made += len(page.commit(self.name, self.model.proposals(page, ctx, site_stats)))
            made += len(page.commit(self.name, dense_proposals(page, cfg)))
            made += len(page.commit(self.name, brand_proposals(page, cfg, page_stoplist)))
            if not made:
                break

    def collector(self, ctx: Context) -> Collector | None:
        cfg = ctx.settings(self.name, SITE_DEFAULTS)
        return SiteLineCollector(int(cfg["site_max_keys"])) if cfg["site_enabled"] else None
