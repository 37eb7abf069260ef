"""``cleaner stats OUTDIR``: what a run did, per stage and per rule, read from its change logs.

Counting is `cleaner.core.pipeline.count_edits` (the run summary's own counter), so
the numbers agree with ``run-summary.json``; the logs add what the summary
lacks (pages per stage, absorbed edits included everywhere).  Rules that never
fired need the rule set: the run summary's list is used when it describes the
same rules as the logs, else the rules given with ``--rules`` (default: shipped).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cleaner.review.model import ReviewPage, Totals, iter_pages, page_counts, read_summary, removed_chars
from cleaner.rulebook.load import default_rules_dir
from cleaner.stages import load_stage_rules


def collect(outdir: Path, rule_dirs: list[Path] | None = None, pages: list[ReviewPage] | None = None) -> dict[str, Any]:
    errors: list[str] = []
    if pages is None:
        pages = list(iter_pages(outdir, errors))
    totals = Totals()
    ranked: list[dict[str, Any]] = []
    raw_chars = clean_chars = edits = 0
    digests: set[str] = set()
    for p in pages:
        counts = page_counts(p)
        totals.add_page(counts)
        raw_chars += len(p.raw)
        clean_chars += len(p.clean)
        n = sum(c[0] for c in counts.values())
        edits += n
        digests.add(str(p.header.get("rules_digest", "")))
        ranked.append({"page": p.name, "edits": n, "chars_removed": removed_chars(counts), "raw_chars": len(p.raw)})
    ranked.sort(key=lambda r: (-r["chars_removed"], -r["edits"], r["page"]))
    return {
        "outdir": str(outdir),
        "pages": len(pages),
        "pages_changed": sum(1 for r in ranked if r["edits"]),
        "raw_chars": raw_chars,
        "clean_chars": clean_chars,
        "edits": edits,
        "stages": dict(totals.sorted_stages()),
        "rules": dict(totals.sorted_rules()),
        "most_changed": ranked,
        "rules_never_fired": never_fired(outdir, set(totals.rules), digests, rule_dirs),
        "problems": errors,
    }


def never_fired(outdir: Path, fired: set[str], digests: set[str], rule_dirs: list[Path] | None) -> list[str]:
    summary = read_summary(outdir)
    if rule_dirs is None and summary.get("rules_digest") and digests <= {summary["rules_digest"]} and "rules_never_fired" in summary:
        return sorted(r for r in summary["rules_never_fired"] if r not in fired)
    rules = load_stage_rules(rule_dirs or [default_rules_dir()])
    return sorted(r.id for r in rules.rules if r.id not in fired and r.type not in ("settings", "vocabulary"))


def format_stats(stats: dict[str, Any], top: int = 10) -> str:
    lines: list[str] = []
    raw, clean = stats["raw_chars"], stats["clean_chars"]
    removed = sum(s["chars_removed"] for s in stats["stages"].values())
    added = sum(s["chars_added"] for s in stats["stages"].values())
    share = f" ({100 * removed / raw:.1f}%)" if raw else ""
    lines.append(f"{stats['pages']:,} pages, {stats['pages_changed']:,} changed; {stats['edits']:,} edits; "
                 f"{raw:,} characters in, {clean:,} out: {removed:,} removed{share}, {added:,} added")
    lines.append("")
    lines.append(f"{'stage':<12} {'edits':>8} {'removed':>10} {'added':>8} {'pages':>7}")
    for stage, s in stats["stages"].items():
        lines.append(f"{stage:<12} {s['edits']:>8,} {s['chars_removed']:>10,} {s['chars_added']:>8,} {s['pages']:>7,}")
    lines.append("")
    width = max([len("rule")] + [len(r) for r in stats["rules"]])
    lines.append(f"{'rule':<{width}} {'stage':<10} {'edits':>7} {'removed':>9} {'added':>7} {'pages':>6}")
    for rule, r in stats["rules"].items():
        lines.append(f"{rule:<{width}} {r['stage']:<10} {r['edits']:>7,} {r['chars_removed']:>9,} {r['chars_added']:>7,} {r['pages']:>6,}")
    lines.append("")
    ranked = [r for r in stats["most_changed"] if r["edits"]][:top]
    lines.append(f"pages most changed (top {len(ranked)}, by characters removed):")
    for r in ranked:
        pct = 100 * r["chars_removed"] / r["raw_chars"] if r["raw_chars"] else 0.0
        lines.append(f"  {r['chars_removed']:>8,} chars ({pct:4.1f}%) {r['edits']:>5} edits  {r['page']}")
    lines.append("")
    never = stats["rules_never_fired"]
    lines.append(f"rules that never fired ({len(never)}):")
    lines.extend(f"  {r}" for r in never)
    for p in stats["problems"]:
        lines.append(f"problem: {p}")
    return "\n".join(lines) + "\n"
