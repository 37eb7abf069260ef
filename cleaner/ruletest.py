"""Run the examples embedded in rules, LanguageTool style.

A pattern rule's examples run through that rule alone.  A ``settings`` rule
(a detector's thresholds) runs its whole stage, so the examples test the
detector as configured.  ``remove`` examples must change, ``keep`` examples
must come out unchanged, ``{text, expect}`` examples must come out as
``expect``.
"""

from __future__ import annotations

from typing import Any

from cleaner.matchers import PROPOSERS, example_result
from cleaner.page import Page
from cleaner.rules import Rule, RuleSet
from cleaner.stages import Context, build_stages


def rule_output(rule: Rule, text: str, ctx: Context) -> str:
    if rule.type in PROPOSERS:
        return example_result(rule, text, ctx.regex_timeout)
    page = Page(text, name="example", site="example")
    for stage in build_stages((rule.stage,)):
        stage.apply(page, ctx)
    return page.text


def _norm(s: str) -> str:
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
        out = rule_output(rule, text, ctx)
        if _norm(out) != _norm(text):
            failures.append(f"{rule.where}: {rule.id}: should keep {text!r} but made it {out!r}")
    return failures


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
