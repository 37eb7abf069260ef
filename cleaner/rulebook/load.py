"""Load and validate YAML rules.

A rule file is a YAML list of rules.  Every rule has an ``id``, a ``type`` and
a ``reason``; the keys a type accepts are declared by the module that
implements the type (see `register_type`), so the loader knows the schema of
every type without knowing any particular rule.  Errors are collected as
``file:line: message`` strings, never raised as tracebacks.
"""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
import yaml

#: where the shipped rules live (top-level ``rules/``, also packaged as cleaner/_rules)
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the package (cleaner/), beside the repo's rules/


def default_rules_dir() -> Path:
    """The shipped rules: the repo's ``rules/`` when run from a checkout, else the packaged copy."""
    repo_rules = PACKAGE_DIR.parent / "rules"
    if repo_rules.is_dir():
        return repo_rules
    return PACKAGE_DIR / "_rules"


COMMON_KEYS: dict[str, Any] = {
    "id": str,
    "type": str,
    "stage": str,
    "reason": str,
    "examples": dict,
    "sites": list,
    "files": list,
    "enabled": bool,
    "note": str,
}
REQUIRED_COMMON = ("id", "type", "reason")


@dataclass
class RuleType:
    """Schema of one rule type: which keys it needs and accepts, and which stage runs it."""

    name: str
    required: dict[str, Any]
    optional: dict[str, Any] = field(default_factory=dict)
    stages: tuple[str, ...] = ()
    regex_keys: tuple[str, ...] = ("regex",)
    check: Callable[[dict[str, Any]], str | None] | None = None


RULE_TYPES: dict[str, RuleType] = {}


def register_type(rule_type: RuleType) -> RuleType:
    RULE_TYPES[rule_type.name] = rule_type
    return rule_type


@dataclass
class Rule:
    id: str
    type: str
    stage: str
    reason: str
    data: dict[str, Any]
    file: str
    line: int
    examples_remove: list[Any] = field(default_factory=list)
    examples_keep: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    compiled: dict[str, Any] = field(default_factory=dict)
    setting_lines: dict[str, int] = field(default_factory=dict)  # a ``settings`` rule: the line of each key

    def applies_to(self, site: str, name: str) -> bool:
        if self.sites and not any(fnmatch.fnmatch(site, s) for s in self.sites):
            return False
        return not (self.files and not any(fnmatch.fnmatch(name, f) for f in self.files))

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class RuleSet:
    rules: list[Rule]
    errors: list[str]
    digest: str

    def for_stage(self, stage: str) -> list[Rule]:
        return [r for r in self.rules if r.stage == stage]

    def settings(self, stage: str) -> dict[str, Any]:
        """Merged ``settings`` rules of a stage (later files override earlier ones)."""
        merged: dict[str, Any] = {}
        for r in self.rules:
            if r.stage == stage and r.type == "settings":
                merged.update(r.data.get("settings", {}))
        return merged

    def vocab_files(self) -> list[Path]:
        return [Path(r.data["path"]) for r in self.rules if r.type == "vocabulary"]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records the line of every mapping as ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
    mapping: dict[str, Any] = loader.construct_mapping(node, deep=deep)  # type: ignore[assignment]
    mapping["__line__"] = node.start_mark.line + 1
    key_lines = {}
    for k, _ in node.value:
        key_lines[str(k.value)] = k.start_mark.line + 1
    mapping["__keys__"] = key_lines
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)  # type: ignore[arg-type]


def _strip_meta(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip_meta(v) for k, v in obj.items() if k not in ("__line__", "__keys__")}
    if isinstance(obj, list):
        return [_strip_meta(v) for v in obj]
    return obj


def _type_name(t: Any) -> str:
    if isinstance(t, tuple):
        return " or ".join(x.__name__ for x in t)
    return str(t.__name__)


#: folders of a rules directory that hold other data than rules (presets: `cleaner.rulebook.presets`)
NOT_RULES = ("presets",)


def rule_files(dirs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for d in dirs:
        if d.is_file():
            files.append(d)
        elif d.is_dir():
            files.extend(sorted(p for p in d.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
                                and p.relative_to(d).parts[0] not in NOT_RULES))
    return files


def _default_stage(path: Path, roots: list[Path], known_stages: tuple[str, ...] | None = None) -> str | None:
    """The stage a rule file's place names: the first folder below its rules folder; a file given on its own
    (``--add-rules my/chrome/menus.yaml``) takes the stage from the folder it sits in, when that names one."""
    for root in roots:
        if root.is_file() and path == root and known_stages is not None and path.parent.name in known_stages:
            return path.parent.name
        try:
            rel = path.relative_to(root)
        except ValueError:
            continue
        if len(rel.parts) > 1:
            return rel.parts[0]
    return None


def load_rules(dirs: list[Path], known_stages: tuple[str, ...] | None = None,
               settings: dict[str, dict[str, Any]] | None = None) -> RuleSet:
    """Load every ``*.yaml`` under ``dirs``; collect ``file:line: message`` errors.

    The rule types are those registered so far (`register_type`: the modules that implement them register them
    when imported, so callers load rules through `cleaner.stages.load_stage_rules`).  ``settings`` declares each
    stage's settings with their defaults: a ``settings`` rule naming another key, or a value of another type, is
    an error."""
    errors: list[str] = []
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    hasher = hashlib.sha256()
    for path in rule_files(dirs):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(f"{path}:1: cannot read rule file: {exc}")
            continue
        hasher.update(str(path.name).encode() + b"\0" + text.encode() + b"\0")
        try:
            docs = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            context = getattr(exc, "context_mark", None)
            line = mark.line + 1 if mark is not None else 1
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            if context is not None and context.line + 1 < line:
                # an unclosed bracket or quote: point at where it opened
                problem = f"{getattr(exc, 'context', '')}: {problem} at line {line}".strip(": ")
                line = context.line + 1
            errors.append(f"{path}:{line}: invalid YAML: {problem}")
            continue
        if docs is None:
            continue
        if not isinstance(docs, list):
            errors.append(f"{path}:1: a rule file must be a YAML list of rules (- id: ...)")
            continue
        stage_default = _default_stage(path, dirs, known_stages)
        for item in docs:
            rule, errs = _build_rule(item, path, stage_default, known_stages)
            errors.extend(errs)
            if rule is None:
                continue
            if rule.id in seen:
                errors.append(f"{rule.where}: duplicate rule id {rule.id!r} (first defined at {seen[rule.id]})")
                continue
            seen[rule.id] = rule.where
            rules.append(rule)
            if settings is not None and rule.type == "settings" and rule.stage in settings:
                errors.extend(check_settings(rule, settings[rule.stage]))
    return RuleSet(rules, errors, hasher.hexdigest()[:16])


def _build_rule(
    item: Any, path: Path, stage_default: str | None, known_stages: tuple[str, ...] | None
) -> tuple[Rule | None, list[str]]:
    if not isinstance(item, dict):
        return None, [f"{path}:1: each rule must be a mapping with id, type and reason, got {type(item).__name__}"]
    line = item.get("__line__", 1)
    key_lines: dict[str, int] = item.get("__keys__", {})
    errors: list[str] = []
    where = f"{path}:{line}"
    rid = item.get("id")
    label = f"rule {rid!r}" if isinstance(rid, str) else "rule"
    for key in REQUIRED_COMMON:
        if key not in item:
            errors.append(f"{where}: {label}: missing required key {key!r}")
    if "type" not in item:  # every other problem of the rule is still reported below
        return None, errors
    rtype = RULE_TYPES.get(str(item["type"]))
    if rtype is None:
        errors.append(f"{key_where(path, key_lines, 'type', line)}: {label}: unknown type {item['type']!r}"
                      f"{did_you_mean(str(item['type']), RULE_TYPES)} (known: {', '.join(sorted(RULE_TYPES))})")
        close = difflib.get_close_matches(str(item["type"]), list(RULE_TYPES), n=1, cutoff=0.6)
        if not close:
            return None, errors
        rtype = RULE_TYPES[close[0]]  # the keys are checked as for the type it was probably meant to be
    allowed = {**COMMON_KEYS, **rtype.required, **rtype.optional}
    for key, value in item.items():
        if key in ("__line__", "__keys__"):
            continue
        kline = key_lines.get(key, line)
        if key not in allowed:
            errors.append(f"{path}:{kline}: {label}: unknown key {key!r} for type {rtype.name!r}{did_you_mean(str(key), allowed)}")
            continue
        expected = allowed[key]
        if expected is not Any and not isinstance(value, expected):
            errors.append(f"{path}:{kline}: {label}: {key!r} must be {_type_name(expected)}, got {type(value).__name__}")
    for key in rtype.required:
        if key not in item:
            errors.append(f"{where}: {label}: type {rtype.name!r} needs key {key!r}")
    stage = item.get("stage", stage_default)
    if stage is None:
        errors.append(f"{where}: {label}: no stage (put the file under rules/STAGE/ or add 'stage:')")
    elif rtype.stages and stage not in rtype.stages:
        errors.append(f"{where}: {label}: type {rtype.name!r} does not run in stage {stage!r} (runs in: {', '.join(rtype.stages)})")
    elif known_stages is not None and stage not in known_stages:
        errors.append(f"{where}: {label}: unknown stage {stage!r}")
    data = _strip_meta(item)
    compiled: dict[str, Any] = {}
    for key in rtype.regex_keys:
        pattern = data.get(key)
        if isinstance(pattern, str):
            try:
                compiled[key] = regex.compile(pattern, regex.V0)
            except regex.error as exc:
                errors.append(f"{path}:{key_lines.get(key, line)}: {label}: bad regex in {key!r}: {exc}")
        elif isinstance(pattern, list):
            errors.append(f"{path}:{key_lines.get(key, line)}: {label}: {key!r} must be one regex string")
    examples = data.get("examples") or {}
    ex_remove: list[Any] = []
    ex_keep: list[str] = []
    if isinstance(examples, dict):
        for key in examples:
            if key not in ("remove", "keep", "fix"):
                errors.append(f"{path}:{key_lines.get('examples', line)}: {label}: examples may have remove, keep and fix, not {key!r}")
        ex_remove = list(examples.get("remove") or []) + list(examples.get("fix") or [])
        ex_keep = list(examples.get("keep") or [])
        for ex in ex_remove:
            if not (isinstance(ex, str) or (isinstance(ex, dict) and "text" in ex and "expect" in ex)):
                errors.append(f"{path}:{key_lines.get('examples', line)}: {label}: an example must be a string or {{text, expect}}")
    if rtype.check is not None and not errors:
        msg = rtype.check(data)
        if msg:
            errors.append(f"{where}: {label}: {msg}")
    if errors:
        return None, errors
    rule = Rule(
        id=str(rid),
        type=rtype.name,
        stage=str(stage),
        reason=str(item["reason"]),
        data=data,
        file=str(path),
        line=int(line),
        examples_remove=ex_remove,
        examples_keep=[str(x) for x in ex_keep],
        sites=[str(s) for s in data.get("sites", [])],
        files=[str(s) for s in data.get("files", [])],
        compiled=compiled,
        setting_lines=dict(item["settings"].get("__keys__", {})) if isinstance(item.get("settings"), dict) else {},
    )
    if data.get("enabled") is False:
        rule.stage = "__disabled__"
    return rule, []


def key_where(path: Path, key_lines: dict[str, int], key: str, line: int) -> str:
    return f"{path}:{key_lines.get(key, line)}"


def did_you_mean(word: str, choices: Any) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or nothing."""
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _fits(value: Any, default: Any) -> bool:
    """Is ``value`` of the kind the setting's default is (an int serves for a float; a bool is no number)?"""
    if default is None or value is None:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    return isinstance(value, type(default))


def check_settings(rule: Rule, declared: dict[str, Any]) -> list[str]:
    """A ``settings`` rule's keys against its stage's declared settings: unknown keys and wrong kinds of value."""
    errors = []
    for key, value in (rule.data.get("settings") or {}).items():
        where = f"{rule.file}:{rule.setting_lines.get(key, rule.line)}: rule {rule.id!r}"
        if key not in declared:
            errors.append(f"{where}: unknown setting {key!r} for stage {rule.stage!r}{did_you_mean(str(key), declared)}")
        elif not _fits(value, declared[key]):
            want = "a list" if isinstance(declared[key], (list, tuple)) else type(declared[key]).__name__
            errors.append(f"{where}: setting {key!r} must be {want} (like its default {declared[key]!r}), got {value!r}")
    return errors
