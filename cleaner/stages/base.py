"""What every stage is: a name, an ``apply`` that adds edits, and optionally a scan-pass collector.

Stages are small (datatrove's filter blocks are the model): the pipeline calls
``apply(page, ctx)`` in order; a stage that needs corpus statistics declares a
``collector()`` whose results the scan pass merges into ``ctx.stats[name]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from cleaner.core.page import Page
from cleaner.rulebook.load import Rule, RuleSet


class Collector(Protocol):
    """Scan-pass accumulator: fed pages, merged across workers, then frozen."""

    def add(self, text: str, site: str, name: str, key: str | None = None) -> None:
        """``name`` is the page's name (what rules scoped to files match); ``key`` (default: the name) is unique in
        the run: the records of a shard without an id field share the shard's name, not their key."""

    def merge(self, other: Any) -> None: ...

    def finish(self) -> Any: ...


@dataclass
class Context:
    """Everything a stage may look at besides the page: rules, settings, corpus statistics."""

    rules: RuleSet
    stats: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    regex_timeout: float = 1.0
    #: a preset's settings (``--preset``), over the rules' own: stage -> key -> value
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)

    def settings(self, stage: str, defaults: dict[str, Any]) -> dict[str, Any]:
        """A stage's settings: its defaults, then its ``settings`` rules, then the run's preset."""
        merged = dict(defaults)
        merged.update(self.rules.settings(stage))
        merged.update(self.overrides.get(stage, {}))
        return merged

    def rules_for(self, stage: str, page: Page, types: tuple[str, ...] | None = None) -> list[Rule]:
        return [
            r
            for r in self.rules.for_stage(stage)
            if (types is None or r.type in types) and r.applies_to(page.site, page.name)
        ]


class Settle(Protocol):
    """A stage's request, after ``apply``, that the pipeline let other stages look at the page again until the
    text settles (the stage knows when each neighbour can matter; the pipeline owns the loop)."""

    #: the stages to run again, in this order, each round
    neighbours: tuple[str, ...]
    max_rounds: int

    def wants(self, stage: str, page: Page) -> bool:
        """Should ``stage`` look at the page again now?"""

    def ran(self, stage: str, page: Page) -> None:
        """``stage`` has just looked again."""

    def again(self, page: Page) -> None:
        """The requesting stage's own pass, at the end of each round."""

    def round_done(self, changed: bool) -> None:
        """A round ended; ``changed``: did it change the text (the loop stops when a round changes nothing)."""


class Stage:
    """Base class: subclasses set ``name`` and implement ``apply``."""

    name: ClassVar[str] = ""
    #: rule types this stage runs through the shared matchers
    rule_types: ClassVar[tuple[str, ...]] = ()
    #: defaults of the stage's YAML ``settings``
    defaults: ClassVar[dict[str, Any]] = {}

    def apply(self, page: Page, ctx: Context) -> None:
        raise NotImplementedError

    def collector(self, ctx: Context) -> Collector | None:
        return None

    def settling(self, page: Page, ctx: Context) -> Settle | None:
        """After ``apply``: a `Settle` when other stages must look again (dedup), else None."""
        return None
