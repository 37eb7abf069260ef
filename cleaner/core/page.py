"""A page is its raw text plus a sorted list of non-overlapping edits.

Every stage looks at the *current* text (raw text with the edits applied) and
proposes changes in current-text coordinates.  `Page.commit` maps them back to
raw offsets, so the edit list stays the single, complete record of what
happened: the change log, `restore`, `diff` and the report all read it.

An edit that touches an earlier edit absorbs it (the earlier edit is kept
inside the new one under ``absorbed`` for review, but only the outer edit's
``before`` matters for restoring the raw text).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Edit:
    """One change: raw[start:end] (== before) became ``after``."""

    start: int
    end: int
    before: str
    after: str
    stage: str
    rule: str
    reason: str
    detail: dict[str, Any] | None = None
    absorbed: list[Edit] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "stage": self.stage,
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
        }
        if self.detail:
            out["detail"] = self.detail
        if self.absorbed:
            out["absorbed"] = [e.to_json() for e in self.absorbed]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Edit:
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            before=data["before"],
            after=data["after"],
            stage=data["stage"],
            rule=data["rule"],
            reason=data.get("reason", ""),
            detail=data.get("detail"),
            absorbed=[cls.from_json(a) for a in data.get("absorbed", [])],
        )


@dataclass
class Proposal:
    """A change a stage wants, in current-text coordinates."""

    start: int
    end: int
    after: str
    rule: str
    reason: str
    detail: dict[str, Any] | None = None


class Page:
    """Raw text, its edits, and the mapping between raw and current offsets."""

    def __init__(self, raw: str, name: str = "", site: str = "", meta: dict[str, Any] | None = None, key: str | None = None):
        self.raw = raw
        self.name = name
        #: the page's identity in the corpus statistics: unique in a run, where ``name`` may not be (a shard's
        #: records without an id field all carry the shard's name); ``shard#record`` for a record
        self.key = name if key is None else key
        self.site = site
        self.meta: dict[str, Any] = meta or {}
        self.edits: list[Edit] = []
        self.warnings: list[str] = []
        #: spans of the raw text that keep-exceptions protect (`cleaner.rulebook.keep`): set by the pipeline
        self.protected: list[Any] = []
        self._text: str | None = raw
        self._seg_cache: tuple[list[Edit], int, list[_Segment], list[int]] | None = None

    # -- views -------------------------------------------------------------
    @property
    def text(self) -> str:
        if self._text is None:
            self._text = apply_edits(self.raw, self.edits)
        return self._text

    def _segments(self) -> list[_Segment]:
        """The current text as pieces: unchanged raw runs and edits, in order (cached until the edits change:
        detectors map many positions back to raw offsets between two commits)."""
        cached = self._seg_cache
        if cached is not None and cached[0] is self.edits and cached[1] == len(self.edits):
            return cached[2]
        segs = self._build_segments()
        self._seg_cache = (self.edits, len(self.edits), segs, [s.cur_start for s in segs])
        return segs

    def _segment_starts(self) -> list[int]:
        self._segments()
        assert self._seg_cache is not None
        return self._seg_cache[3]

    def _build_segments(self) -> list[_Segment]:
        segs: list[_Segment] = []
        raw_pos = cur = 0
        for e in self.edits:
            if e.start > raw_pos:
                segs.append(_Segment(raw_pos, e.start, cur, e.start - raw_pos, None))
                cur += e.start - raw_pos
            segs.append(_Segment(e.start, e.end, cur, len(e.after), e))
            cur += len(e.after)
            raw_pos = e.end
        if raw_pos < len(self.raw):
            segs.append(_Segment(raw_pos, len(self.raw), cur, len(self.raw) - raw_pos, None))
        return segs

    def raw_offset(self, pos: int) -> int:
        """Raw offset of a current-text position (start of an edit when inside one)."""
        segs = self._segments()
        starts = self._segment_starts()
        i = bisect.bisect_right(starts, pos) - 1
        if i < 0 or pos >= len(self.text):
            return len(self.raw)
        s = segs[i]
        return s.raw_start if s.edit is not None else s.raw_start + (pos - s.cur_start)

    def gaps_between_edits(self, start: int, end: int) -> list[tuple[int, int]]:
        """Split a current span at the places where earlier deletions sit.

        Tidying whitespace around a removed line should not swallow that
        removal into a whitespace edit; proposing the pieces keeps each
        removal under its own rule.
        """
        pieces: list[tuple[int, int]] = []
        cur = start
        for seg in self._segments():
            seg_end = seg.cur_start + seg.cur_len
            if seg_end <= start and seg.cur_len:
                continue
            if seg.cur_start >= end:
                break
            if seg.cur_len == 0 and start < seg.cur_start < end:
                if seg.cur_start > cur:
                    pieces.append((cur, seg.cur_start))
                cur = seg.cur_start
        if end > cur:
            pieces.append((cur, end))
        return pieces

    def removals(self, stage: str) -> list[Edit]:
        """The stage's removals still standing (not absorbed by a later edit), in raw order."""
        return [e for e in self.edits if e.stage == stage and e.after == ""]

    def removed_spans(self, stage: str) -> list[tuple[int, int]]:
        """Raw spans a stage removed, also those a later edit absorbed, merged and in order: how a stage reads
        what an earlier one did (spam leaves dedup's copies out of the page's vocabulary)."""
        spans: list[tuple[int, int]] = []

        def walk(edits: list[Edit]) -> None:
            for e in edits:
                if e.stage == stage and e.after == "":
                    spans.append((e.start, e.end))
                else:
                    walk(e.absorbed)

        walk(self.edits)
        merged: list[tuple[int, int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged

    def _overrides_a_keep(self, stage: str, p: Proposal) -> bool:
        """Would the proposal touch raw text a keep-exception protects from this stage and rule?  (Counted, so a
        reviewer sees that the exception worked.)"""
        a = self.raw_offset(p.start)
        b = self.raw_offset(p.end - 1) + 1 if p.end > p.start else a
        for k in self.protected:
            if (a < k.end and b > k.start or (a == b and k.start < a < k.end)) and k.covers(stage, p.rule):
                kept = self.meta.setdefault("kept_by_exception", {})
                kept[k.rule_id] = kept.get(k.rule_id, 0) + 1
                return True
        return False

    # -- changing ----------------------------------------------------------
    def commit(self, stage: str, proposals: Iterable[Proposal]) -> list[Edit]:
        """Turn a stage's proposals (current coordinates) into edits; return the new edits."""
        text = self.text
        props = _resolve_overlaps(sorted(proposals, key=lambda p: (p.start, -p.end)))
        props = [p for p in props if 0 <= p.start <= p.end <= len(text) and text[p.start : p.end] != p.after]
        if self.protected:
            props = [p for p in props if not self._overrides_a_keep(stage, p)]
        if not props:
            return []
        segs = self._segments()
        starts = self._segment_starts()
        edited = [k for k, s in enumerate(segs) if s.edit is not None]  # once, not per proposal (a page's removals
        # each scanned the segments they span: quadratic on a page with thousands of edits)

        def seg_of_char(pos: int) -> int:
            return bisect.bisect_right(starts, pos) - 1

        groups: list[_Group] = []
        for p in props:
            a, b = p.start, p.end
            if a < b:
                i, j = seg_of_char(a), seg_of_char(b - 1)
                si, sj = segs[i], segs[j]
                if si.edit is None:
                    raw_start, cur_start = si.raw_start + (a - si.cur_start), a
                else:
                    raw_start, cur_start = si.raw_start, si.cur_start
                if sj.edit is None:
                    raw_end, cur_end = sj.raw_start + (b - sj.cur_start), b
                else:
                    raw_end, cur_end = sj.raw_end, sj.cur_start + sj.cur_len
                k = bisect.bisect_right(edited, j) - 1  # the last edit among segments i..j, or -1
                last = edited[k] if k >= 0 and edited[k] >= i else -1
                slot = i
            elif a < len(text):
                i = seg_of_char(a)
                si = segs[i]
                if si.edit is not None and si.cur_start < a:
                    raw_start, raw_end = si.raw_start, si.raw_end
                    cur_start, cur_end, last = si.cur_start, si.cur_start + si.cur_len, i
                else:
                    raw_start = raw_end = si.raw_start + (a - si.cur_start) if si.edit is None else si.raw_start
                    cur_start = cur_end = a
                    last = -1
                slot = i
            else:
                raw_start = raw_end = len(self.raw)
                cur_start = cur_end = a
                last, slot = -1, len(segs)
            prev = groups[-1] if groups else None
            if prev is not None and prev.last >= 0 and slot <= prev.last:
                # cuts into an old edit that the previous proposal already absorbs: one edit for both
                prev.raw_end = max(prev.raw_end, raw_end)
                prev.cur_end = max(prev.cur_end, cur_end)
                prev.last = max(prev.last, last)
                prev.props.append(p)
                continue
            groups.append(_Group(slot, last, raw_start, raw_end, cur_start, cur_end, [p]))
        placed: dict[int, list[tuple[Edit, int]]] = {}
        for g in groups:
            pieces, pos = [], g.cur_start
            for p in g.props:
                pieces.append(text[pos : p.start])
                pieces.append(p.after)
                pos = p.end
            pieces.append(text[pos : g.cur_end])
            first = g.props[0]
            edit = Edit(g.raw_start, g.raw_end, self.raw[g.raw_start : g.raw_end], "".join(pieces), stage,
                        first.rule, first.reason, dict(first.detail) if first.detail else None)
            if g.last >= 0:
                edit.absorbed = [s.edit for s in segs[g.slot : g.last + 1] if s.edit is not None]
            placed.setdefault(g.slot, []).append((edit, max(g.last, g.slot - 1)))
        if not placed:
            return []
        new_list: list[Edit] = []
        skip_to = -1
        created: list[Edit] = []
        for k in range(len(segs) + 1):
            for edit, last in placed.get(k, []):
                new_list.append(edit)
                created.append(edit)
                skip_to = max(skip_to, last)
            if k < len(segs) and k > skip_to and segs[k].edit is not None:
                new_list.append(segs[k].edit)  # type: ignore[arg-type]
        self.edits = new_list
        self._text = None
        return created


@dataclass
class _Group:
    """Proposals that become one edit (they cut into the same old edit)."""

    slot: int
    last: int
    raw_start: int
    raw_end: int
    cur_start: int
    cur_end: int
    props: list[Proposal]


@dataclass
class _Segment:
    raw_start: int
    raw_end: int
    cur_start: int
    cur_len: int
    edit: Edit | None


def _resolve_overlaps(props: list[Proposal]) -> list[Proposal]:
    """Within one stage's batch: a proposal inside an earlier one is dropped; a deletion that
    overlaps an earlier deletion keeps only its own tail (so both rules stay on record); any other
    overlap keeps the first."""
    kept: list[Proposal] = []
    for p in props:
        if kept:
            last = kept[-1]
            if p.start < last.end or (p.start == p.end == last.start == last.end):
                if p.end <= last.end:
                    continue
                if last.after == "" and p.after == "":
                    kept.append(Proposal(last.end, p.end, "", p.rule, p.reason, p.detail))
                continue
        kept.append(p)
    return kept


def apply_edits(raw: str, edits: list[Edit]) -> str:
    parts: list[str] = []
    pos = 0
    for e in edits:
        parts.append(raw[pos : e.start])
        parts.append(e.after)
        pos = e.end
    parts.append(raw[pos:])
    return "".join(parts)


def restore_text(clean: str, edits: list[Edit]) -> str:
    """Invert the edits: clean text + change log -> raw text."""
    parts: list[str] = []
    cur = 0  # position in clean text
    raw_pos = 0
    for e in edits:
        gap = e.start - raw_pos
        parts.append(clean[cur : cur + gap])
        cur += gap
        if clean[cur : cur + len(e.after)] != e.after:
            raise ValueError(f"change log does not match the clean text at raw offset {e.start} (rule {e.rule})")
        parts.append(e.before)
        cur += len(e.after)
        raw_pos = e.end
    parts.append(clean[cur:])
    return "".join(parts)
