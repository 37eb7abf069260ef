"""Presets: how bold the cleaner is, as data (``rules/presets/NAME.yaml``: stage -> settings).

A preset's settings go over the rules' own (``--preset conservative|default|thorough``); its keys are checked
against the stages' declared settings like a ``settings`` rule's, with ``file:line`` errors.  A preset file in a
folder given later (``--add-rules``) replaces the shipped one of the same name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cleaner.rulebook.load import Rule, _LineLoader, _strip_meta, check_settings, default_rules_dir


class PresetError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Preset:
    name: str
    reason: str
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    digest: str = ""
    path: str = ""


def preset_files(rule_dirs: list[Path]) -> dict[str, Path]:
    """name -> file; later folders replace earlier ones."""
    found: dict[str, Path] = {}
    for d in [default_rules_dir(), *rule_dirs]:
        folder = d / "presets" if d.is_dir() else None
        if folder is not None and folder.is_dir():
            for p in sorted(folder.glob("*.yaml")):
                found[p.stem] = p
    return found


def load_preset(name: str, rule_dirs: list[Path], declared: dict[str, dict[str, Any]]) -> Preset:
    files = preset_files(rule_dirs)
    if name not in files:
        raise PresetError([f"unknown preset {name!r} (presets: {', '.join(sorted(files)) or 'none'})"])
    path = files[name]
    text = path.read_text(encoding="utf-8")
    try:
        doc = yaml.load(text, Loader=_LineLoader) or {}  # noqa: S506 - SafeLoader subclass, records key lines
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PresetError([f"{path}:{mark.line + 1 if mark else 1}: invalid YAML: {exc}"]) from None
    raw = doc.get("settings") if isinstance(doc, dict) else None
    settings = _strip_meta(raw) if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or not isinstance(settings, dict) or not all(isinstance(v, dict) for v in settings.values()):
        raise PresetError([f"{path}:1: a preset is a mapping with `reason` and `settings: {{STAGE: {{key: value}}}}`"])
    errors = []
    for stage, values in settings.items():
        line = raw["__keys__"].get(stage, 1)
        if stage not in declared:
            errors.append(f"{path}:{line}: unknown stage {stage!r} (stages: {', '.join(declared)})")
            continue
        probe = Rule(id=f"preset.{name}", type="settings", stage=stage, reason="", data={"settings": values}, file=str(path),
                     line=line, setting_lines=dict(raw[stage]["__keys__"]))
        errors.extend(check_settings(probe, declared[stage]))
    if errors:
        raise PresetError(errors)
    return Preset(name, str(_strip_meta(doc).get("reason", "")), settings, hashlib.sha256(text.encode()).hexdigest()[:16], str(path))
