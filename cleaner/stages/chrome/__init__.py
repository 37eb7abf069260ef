"""Chrome: site furniture (navigation, bylines, widgets, footers, comment sections).

The patterns are data (``rules/chrome/*.yaml``); this stage runs them first.
Line, span, sentence, block and section rules are evaluated on the same view
and committed together, so a section rule that swallows the page's tail
absorbs the line rules that matched inside it.

Then detectors find the chrome no rule names, each committed on its own so
every edit keeps its own rule id and reason: site repetition (``site.py``: lines
that recur across the site's pages, counted in the scan pass), a reader comment
thread by its dated post headers (``thread.py``), what rules left of
a widget they cut piece by piece (``leftover.py``), the learned chrome model
(``model.py``: a line score and the article's extent, weights in
``rules/chrome/model.json``; ``docs/stages/chrome-model.md``), chrome-dense
paragraphs and brand lines (``dense.py``).  They are this stage's detectors, not
stages of their own, so that they share the stage's settings and scan-pass
statistics (``ctx.stats["chrome"]``) and always run after the pattern rules, on
the text those left.  The detectors after site repetition run in rounds until
none removes anything more, so that cleaning the output again removes nothing.
"""

from __future__ import annotations

from cleaner.core.page import Page
from cleaner.rulebook.patterns import run_rules
from cleaner.stages.base import Collector, Context
from cleaner.stages.chrome.dense import BrandLines, DenseParagraphs
from cleaner.stages.chrome.leftover import Leftovers
from cleaner.stages.chrome.model import ModelDetector
from cleaner.stages.chrome.site import SiteLineCollector, SiteRepetition, SiteSettings
from cleaner.stages.chrome.thread import ThreadDetector
from cleaner.stages.detector import DetectorStage

#: how many times the detectors after the rules run at most (until they remove nothing more)
DETECTOR_ROUNDS = 4
#: the rules that cut a comment thread (kept with ``--keep-comments``)
COMMENT_RULES = "chrome.comments."


class ChromeStage(DetectorStage):
    """The pattern rules, site repetition, then the detectors that read the page around each line, in rounds."""

    name = "chrome"
    rule_types = ("line", "sentence", "span", "block", "section", "substitution")
    detectors = [SiteRepetition, ThreadDetector, Leftovers, ModelDetector, DenseParagraphs, BrandLines]

    def prepare(self, page: Page, ctx: Context) -> None:
        """What runs before the learned detector (and what the model is trained after): rules, site repetition.
        With ``--keep-comments`` the comment-section rules (which cut from a thread's start to the page's end) stay
        out; the comment form and other furniture rules still run."""
        rules = ctx.rules_for(self.name, page, self.rule_types)
        if ctx.options.get("keep_comments"):
            rules = [r for r in rules if not (r.id.startswith(COMMENT_RULES) and r.type == "section")]
        run_rules(page, self.name, rules, ctx.regex_timeout)
        site = self.instances()[0]
        self.run_detector(site, page, ctx, ctx.settings(self.name, self.defaults))

    def apply(self, page: Page, ctx: Context) -> None:
        self.prepare(page, ctx)
        values = ctx.settings(self.name, self.defaults)
        # the detectors read the page around each line (the model: its neighbours, the article's extent), so what
        # one removes can change what they see: they run again on what they left until none removes anything
        # (cleaning the output again then removes nothing more), at most `DETECTOR_ROUNDS` times
        after = self.instances()[1:]
        for _ in range(DETECTOR_ROUNDS):
            if not any([self.run_detector(det, page, ctx, values) for det in after]):
                break

    def collector(self, ctx: Context) -> Collector | None:
        s = SiteSettings.from_values(ctx.settings(self.name, self.defaults))
        return SiteLineCollector(int(s.site_max_keys)) if s.site_enabled else None
