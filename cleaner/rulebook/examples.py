"""Run the examples embedded in rules, LanguageTool style.

A pattern rule's examples run through that rule alone.  A ``settings`` rule
(a detector's thresholds) runs its whole stage, so the examples test the
detector as configured.  ``remove`` examples must change, ``keep`` examples
must come out unchanged, ``{text, expect}`` examples must come out as
``expect``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cleaner.core.page import Page
from cleaner.core.pipeline import clean_page
from cleaner.rulebook.load import Rule, RuleSet
from cleaner.rulebook.patterns import PROPOSERS, example_result
from cleaner.stages import Context, build_stages


def rule_output(rule: Rule, text: str, ctx: Context) -> str:
    return _run(rule, text, ctx)[0]


def _run(rule: Rule, text: str, ctx: Context) -> tuple[str, list[str]]:
    """What the example becomes, and the rule ids of the edits that made it so."""
    if rule.type in PROPOSERS:
        alone = example_result(rule, text, ctx.regex_timeout)
        return alone, ([rule.id] if alone != text else [])
    stages = build_stages((rule.stage,))
    texts = text.split(PAGE_BREAK)
    if len(texts) > 1:  # several pages of one site: give the stage its scan-pass statistics first
        ctx = Context(rules=ctx.rules, stats=_example_stats(stages, texts, ctx), options=ctx.options, regex_timeout=ctx.regex_timeout)
    out: list[str] = []
    rules: list[str] = []
    for i, t in enumerate(texts):
        page = Page(t, name=f"example{i}" if len(texts) > 1 else "example", site="example")
        clean_page(page, ctx, stages)
        out.append(page.text)
        rules.extend(e.rule for e in page.edits if e.before != e.after)
    return PAGE_BREAK.join(out), list(dict.fromkeys(rules))


#: in a settings rule's example, a form feed separates pages of one site (for detectors that count across pages)
PAGE_BREAK = "\f"


def _example_stats(stages: list[Any], texts: list[str], ctx: Context) -> dict[str, Any]:
    stats: dict[str, Any] = {}
    for stage in stages:
        col = stage.collector(ctx)
        if col is not None:
            for i, t in enumerate(texts):
                col.add(t, "example", f"example{i}")
            stats[stage.name] = col.finish()
    return stats


def _norm(s: str) -> str:
    if PAGE_BREAK in s:  # pages of a multi-page example compare one by one
        return PAGE_BREAK.join(_norm(part) for part in s.split(PAGE_BREAK))
    return "\n".join(line.rstrip() for line in s.strip().splitlines())


def check_rule(rule: Rule, ctx: Context) -> list[str]:
    failures: list[str] = []
    for ex in rule.examples_remove:
        text, expect = (ex["text"], ex["expect"]) if isinstance(ex, dict) else (ex, None)
        out = rule_output(rule, text, ctx)
        if expect is not None:
            if _norm(out) != _norm(expect):
                failures.append(f"{rule.where}: {rule.id}: example {text!r} gave {out!r}, expected {expect!r}")
        elif _norm(out) == _norm(text):
            failures.append(f"{rule.where}: {rule.id}: should change {text!r} but left it alone")
    for text in rule.examples_keep:
        out, by = _run(rule, text, ctx)
        if _norm(out) != _norm(text):
            failures.append(f"{rule.where}: {rule.id}: should keep {text!r} but made it {out!r}{_blame(by, rule, ctx)}")
    return failures


def _blame(rule_ids: list[str], rule: Rule, ctx: Context) -> str:
    """Which rules changed a kept example (another rule of the stage, not the example's own, is the usual cause)."""
    where = {r.id: r.where for r in ctx.rules.rules}
    named = [f"{rid} ({where[rid]})" if rid in where else rid for rid in rule_ids if rid != rule.id]
    return f" (changed by {', '.join(named)})" if named else ""


def lint_warnings(rules: list[Rule], samples: Path, most: float = 0.5) -> list[str]:
    """What `rules check` warns of: a pattern rule or settings rule without examples, and a pattern rule that
    changes most of the lines of the sample pages (a pattern that matches everything)."""
    warnings = []
    pages = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(samples.glob("*.txt"))] if samples.is_dir() else []
    lines = [ln for page in pages for ln in page.splitlines() if ln.strip()]
    for rule in rules:
        if rule.type == "vocabulary":
            continue
        if not rule.examples_remove and not rule.examples_keep:
            warnings.append(f"{rule.where}: {rule.id}: no examples (add `examples: {{remove: [...], keep: [...]}}`)")
        if rule.type in PROPOSERS and lines:
            text = "\n".join(lines) + "\n"
            kept = set(example_result(rule, text).splitlines())
            changed = sum(1 for ln in lines if ln not in kept)
            if changed > most * len(lines):
                warnings.append(f"{rule.where}: {rule.id}: changes {changed} of the {len(lines)} lines of the sample pages in "
                                f"{samples}: does it match far more than it should?")
    return warnings


def run_examples(ruleset: RuleSet, options: dict[str, Any] | None = None) -> tuple[list[str], int]:
    """(failures, number of examples checked) for every rule in the set."""
    ctx = Context(rules=ruleset, options=options or {})
    failures: list[str] = []
    checked = 0
    for rule in ruleset.rules:
        checked += len(rule.examples_remove) + len(rule.examples_keep)
        try:
            failures.extend(check_rule(rule, ctx))
        except Exception as exc:  # one broken rule must not hide the others' results
            failures.append(f"{rule.where}: {rule.id}: example run failed: {type(exc).__name__}: {exc}")
    return failures, checked
