"""Keep-exceptions: text a reviewer said must stay, honoured by every detector of the stages they name.

A ``keep`` rule names the text (``text``, exact, or ``regex``), its scope (``sites``/``files``), the stages it
overrides (``stages``, default: the stage folder it is filed in) and, optionally, only some of their rules
(``rules``: ids or globs such as ``chrome.classifier.*``).  Before the stages run, the pipeline finds the protected
spans in the raw page; `Page.commit` then drops any proposal of a named stage and rule that would touch one.  So a
pattern rule, a statistic and a learned model are overridden alike, without knowing of the exception.  The report
exports these rules from a reviewer's "keep this" marks (docs/rules.md has the schema).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import regex

from cleaner.rulebook.load import RuleType, register_type

if TYPE_CHECKING:
    from cleaner.core.page import Page
    from cleaner.rulebook.load import RuleSet


def _check(data: dict[str, Any]) -> str | None:
    if ("text" in data) == ("regex" in data):
        return "a keep rule needs one of 'text' (exact) or 'regex'"
    if isinstance(data.get("text"), str) and not data["text"].strip():
        return "'text' must not be blank"
    return None


register_type(RuleType("keep", {}, {"text": str, "regex": str, "stages": list, "rules": list}, (), check=_check))


@dataclass(frozen=True)
class Protected:
    """A raw span a keep rule protects from the named stages (and rules, when given)."""

    start: int
    end: int
    stages: tuple[str, ...]
    rules: tuple[str, ...]
    rule_id: str

    def covers(self, stage: str, rule: str) -> bool:
        return stage in self.stages and (not self.rules or any(fnmatch.fnmatchcase(rule, g) for g in self.rules))


def protected_spans(page: Page, rules: RuleSet) -> list[Protected]:
    """Where the keep rules that apply to this page find their text in its raw text."""
    out: list[Protected] = []
    for rule in rules.rules:
        if rule.type != "keep" or not rule.applies_to(page.site, page.name):
            continue
        stages = tuple(str(s) for s in rule.data.get("stages") or [rule.stage])
        globs = tuple(str(g) for g in rule.data.get("rules") or [])
        if "text" in rule.data:
            needle = str(rule.data["text"]).strip()
            at = page.raw.find(needle)
            while at >= 0:
                out.append(Protected(at, at + len(needle), stages, globs, rule.id))
                at = page.raw.find(needle, at + 1)
        else:
            pattern: regex.Pattern[str] = rule.compiled["regex"]
            for m in pattern.finditer(page.raw, timeout=1.0):
                if m.end() > m.start():
                    out.append(Protected(m.start(), m.end(), stages, globs, rule.id))
    return out
