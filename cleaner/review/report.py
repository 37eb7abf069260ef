"""``cleaner report OUTDIR -o report.html``: one self-contained HTML file to review a run.

The file carries everything (no network, no CDN): an overview drawn from the
run's totals and, for every page, its raw text and edits.  Pages are packed
in gzip-compressed chunks that the browser unpacks only when a page is
opened (``DecompressionStream``), so a 10,000-page run stays a file of a few
megabytes that opens at once.  Offsets are written in UTF-16 code units,
the unit JavaScript strings count in.
"""

from __future__ import annotations

import base64
import datetime as _dt
import gzip
import html
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cleaner._version import __version__
from cleaner.core.page import Edit
from cleaner.core.pipeline import read_timings
from cleaner.review import _assets
from cleaner.review.model import ReviewPage, Totals, all_edits, page_counts, read_summary, removed_chars, stage_rank
from cleaner.review.stats import never_fired

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
STAGE_COLORS = {
    "normalize": "#0072B2",
    "chrome": "#E69F00",
    "dedup": "#CC79A7",
    "spam": "#D55E00",
    "spelling": "#009E73",
    "tidy": "#8C8C8C",
}
_EXTRA_COLORS = ("#56B4E9", "#F0E442", "#4D4D4D", "#A6761D")
_SURROGATE = re.compile("[\ud800-\udfff]")

CHUNK_PAGES = 64
CHUNK_CHARS = 256_000


def stage_color(stage: str, i: int) -> str:
    return STAGE_COLORS.get(stage) or _EXTRA_COLORS[i % len(_EXTRA_COLORS)]


class _Tables:
    """Stage and rule ids -> small integers, so edits are compact in the file."""

    def __init__(self, stages: Iterable[str], rules: Iterable[str]):
        self.stages = sorted(set(stages), key=lambda s: (stage_rank(s), s))
        self.rules = sorted(set(rules))
        self.stage_ix = {s: i for i, s in enumerate(self.stages)}
        self.rule_ix = {r: i for i, r in enumerate(self.rules)}


def _units(raw: str) -> list[int] | None:
    """Code point offset -> UTF-16 offset, or None when they are the same (no astral characters)."""
    if all(ord(c) <= 0xFFFF for c in raw):
        return None
    out = [0]
    for c in raw:
        out.append(out[-1] + (2 if ord(c) > 0xFFFF else 1))
    return out


def _js_text(s: str) -> str:
    # a lone surrogate (an undecodable raw byte) becomes U+FFFD: still one code unit
    return _SURROGATE.sub("\ufffd", s)


def _encode_edit(e: Edit, t: _Tables, units: list[int] | None) -> list[Any]:
    start, end = (units[e.start], units[e.end]) if units else (e.start, e.end)
    out: list[Any] = [start, end, _js_text(e.after), t.stage_ix[e.stage], t.rule_ix[e.rule], e.reason,
                      [_encode_edit(a, t, units) for a in e.absorbed]]
    if e.detail:
        out.append(e.detail)
    return out


def _pack(obj: Any) -> str:
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")


def _script_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")


def build_report(pages: list[ReviewPage], outdir: Path, title: str | None = None, problems: list[str] | None = None,
                 rule_dirs: list[Path] | None = None) -> str:
    """The report as one HTML string."""
    counts = [page_counts(p) for p in pages]
    flat = [all_edits(p.edits) for p in pages]
    t = _Tables((e.stage for es in flat for e in es), (e.rule for es in flat for e in es))
    totals = Totals()
    for c in counts:
        totals.add_page(c)
    index: list[list[Any]] = []
    chunks: list[list[Any]] = [[]]
    chunk_chars = 0
    for p, c, es in zip(pages, counts, flat):
        if chunks[-1] and (len(chunks[-1]) >= CHUNK_PAGES or chunk_chars + len(p.raw) > CHUNK_CHARS):
            chunks.append([])
            chunk_chars = 0
        units = _units(p.raw)
        chunks[-1].append({"r": _js_text(p.raw), "e": [_encode_edit(e, t, units) for e in p.edits],
                           "s": str(p.header.get("site", ""))})
        chunk_chars += len(p.raw)
        per_rule = sorted(([t.rule_ix[k.split("\t", 1)[1]], *v] for k, v in c.items()), key=lambda r: r[0])
        index.append([p.name, len(p.raw), len(p.clean), len(es), len(chunks) - 1, len(chunks[-1]) - 1, per_rule])
    summary = read_summary(outdir)
    digests = {str(p.header.get("rules_digest", "")) for p in pages}
    meta: dict[str, Any] = {
        "title": title or f"cleaner report: {outdir}",
        "outdir": str(outdir),
        "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
        "stages": [{"id": s, "color": stage_color(s, i), **totals.stages.get(s, {})} for i, s in enumerate(t.stages)],
        "rules": [{"id": r, "stage_ix": t.stage_ix[totals.rules[r]["stage"]], **{k: v for k, v in totals.rules[r].items() if k != "stage"}}
                  for r in t.rules],
        "never_fired": never_fired(outdir, set(t.rules), digests, rule_dirs),
        "raw_chars": sum(len(p.raw) for p in pages),
        "clean_chars": sum(len(p.clean) for p in pages),
        "edits": sum(len(es) for es in flat),
        "removed": sum(removed_chars(c) for c in counts),
        "seconds": read_timings(outdir).get("seconds"),
        "problems": list(problems or []) + list(summary.get("problems", [])),
        "chunks": len(chunks) if pages else 0,
    }
    parts = [
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        f"<title>{html.escape(meta['title'])}</title>\n<style>\n{_assets.CSS}\n{_stage_css(meta['stages'])}</style>\n</head>\n",
        f"<body>\n{_assets.BODY}\n",
        f"<script type=\"application/json\" id=\"meta\">{_script_json(meta)}</script>\n",
        f"<script type=\"text/plain\" id=\"index\">{_pack(index)}</script>\n",
    ]
    if pages:
        parts.extend(f"<script type=\"text/plain\" id=\"chunk-{i}\">{_pack(ch)}</script>\n" for i, ch in enumerate(chunks))
    parts.append(f"<script>\n{_assets.JS}\n</script>\n</body>\n</html>\n")
    return "".join(parts)


def _stage_css(stages: list[dict[str, Any]]) -> str:
    rules = []
    for i, s in enumerate(stages):
        c = s["color"]
        r, g, b = (int(c[k : k + 2], 16) for k in (1, 3, 5))
        rules.append(f".st-{i}{{--c:{c};--t:rgba({r},{g},{b},.20);--t2:rgba({r},{g},{b},.38)}}")
    return "\n".join(rules) + "\n"


def write_report(pages: list[ReviewPage], outdir: Path, output: Path, **kwargs: Any) -> int:
    """Write the report atomically; return its size in bytes."""
    from cleaner.io.pages import atomic_write

    data = build_report(pages, outdir, **kwargs).encode("utf-8")
    atomic_write(output, data)
    return len(data)
