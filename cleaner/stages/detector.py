"""Detectors, the unit of a stage: one kind of finding, typed settings, one ``propose`` method.

The model is datatrove's filter blocks: a detector is a small class whose settings are a frozen dataclass (each
field with its default and a one-line doc); a `DetectorStage` is an ordered list of detectors, runs each on the
page, commits what it proposes (so every edit keeps its detector's rule id) and counts, in one place, the
proposals, edits and seconds of each detector.  The settings are read from the stage's ``settings`` rules
(``rules/STAGE/*.yaml``), so ``cleaner rules check`` knows every key a stage takes and its type.

Adding a detector is one class and one YAML settings block: ``docs/architecture.md`` has a worked example that a
test runs.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar

from cleaner.core.page import Page, Proposal
from cleaner.stages.base import Context, Stage


@dataclasses.dataclass(frozen=True)
class Settings:
    """Base of a detector's settings: a frozen dataclass whose fields are the YAML keys it reads."""

    @classmethod
    def declared(cls) -> dict[str, Any]:
        """Each setting's default (what a ``settings`` rule may set, and the kind of value it takes)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.default is not dataclasses.MISSING:
                out[f.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:
                out[f.name] = f.default_factory()
        return out

    @classmethod
    def docs(cls) -> dict[str, str]:
        """Each setting's one-line doc (the generated settings reference prints them)."""
        return {f.name: str(f.metadata.get("doc", "")) for f in dataclasses.fields(cls)}

    @classmethod
    def from_values(cls: type[S], values: dict[str, Any]) -> S:
        """The settings with the stage's merged values for this detector's keys (defaults for the rest)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


S = TypeVar("S", bound=Settings)


def setting(default: Any, doc: str) -> Any:
    """A settings field: its default and a one-line doc (lists are copied for each instance)."""
    if isinstance(default, (list, dict, set)):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata={"doc": doc})
    return dataclasses.field(default=default, metadata={"doc": doc})


class Detector(Generic[S]):
    """One kind of finding: ``propose`` reads the page's current text and returns proposals (current-text
    offsets) with their rule ids and reasons; the stage commits them."""

    #: a short name, unique in its stage (the counters and the settings reference use it)
    name: ClassVar[str] = ""
    settings: ClassVar[type[Settings]] = Settings

    def propose(self, page: Page, settings: S, ctx: Context) -> Iterable[Proposal]:
        raise NotImplementedError

    def rounds(self, settings: S) -> int:
        """How many times the stage proposes and commits while the page still changes (dedup: removing a copy
        can make two others adjacent); once for most detectors."""
        return 1


class DetectorStage(Stage):
    """A stage that is an ordered list of detectors; each detector's proposals are committed on their own."""

    detectors: ClassVar[list[type[Detector[Any]]]] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.detectors = list(cls.detectors)  # each stage its own list (register_detector appends to it)
        _declare(cls)

    def __init__(self) -> None:
        self._instances = [d() for d in self.detectors]

    def apply(self, page: Page, ctx: Context) -> None:
        values = ctx.settings(self.name, self.defaults)
        for det in self.instances():
            self.run_detector(det, page, ctx, values)

    def instances(self) -> list[Detector[Any]]:
        if len(self._instances) != len(self.detectors):  # a detector was registered since
            self._instances = [d() for d in self.detectors]
        return self._instances

    def run_detector(self, det: Detector[Any], page: Page, ctx: Context, values: dict[str, Any]) -> bool:
        """Propose and commit, for as many rounds as the detector asks while edits are made; counts each
        detector's proposals, edits and seconds.  Did it change the page?"""
        settings = det.settings.from_values(values)
        counts = page.meta.setdefault("detector_counts", {})
        c = counts.setdefault(f"{self.name}.{det.name}", [0, 0, 0.0])
        changed = False
        for _ in range(det.rounds(settings)):
            started = time.perf_counter()
            proposals = list(det.propose(page, settings, ctx))
            edits = page.commit(self.name, proposals)
            c[0] += len(proposals)
            c[1] += len(edits)
            c[2] += time.perf_counter() - started
            if not edits:
                break
            changed = True
        return changed


def _declare(stage: type[DetectorStage]) -> None:
    """The stage's settings are its detectors' (one key, one meaning: two detectors may share a key only with the
    same default)."""
    declared: dict[str, Any] = {}
    for det in stage.detectors:
        for key, default in det.settings.declared().items():
            if key in declared and declared[key] != default:
                raise TypeError(f"{stage.__name__}: setting {key!r} declared twice with different defaults")
            declared[key] = default
    stage.defaults = declared


def register_detector(stage: type[DetectorStage], detector: type[Detector[Any]], before: str | None = None) -> None:
    """Add a detector to a stage (a plugin's, or the worked example's): at the end, or before the detector named
    ``before``; its settings join the stage's."""
    if detector in stage.detectors:
        return
    names = [d.name for d in stage.detectors]
    if before is not None and before not in names:
        raise ValueError(f"{stage.__name__} has no detector {before!r} (it has: {', '.join(names)})")
    stage.detectors.insert(names.index(before) if before is not None else len(names), detector)
    _declare(stage)


def unregister_detector(stage: type[DetectorStage], detector: type[Detector[Any]]) -> None:
    """Take a registered detector out of its stage again (its settings go with it)."""
    if detector in stage.detectors:
        stage.detectors.remove(detector)
        _declare(stage)
