"""Keep-exceptions: text a reviewer marked "keep this" stays, whichever detector wanted it gone."""

from __future__ import annotations

from pathlib import Path

from cleaner.core.pipeline import clean_text, make_context
from cleaner.rulebook.load import default_rules_dir
from cleaner.stages import build_stages

PAGE = ("Home\nAbout us\nContact\n\n"
        "The river rose by two metres overnight, and the town council opened the school gym to families.\n\n"
        "Volunteers brought blankets and soup, and the mayor thanked them on the radio that evening.\n\n"
        "Share this article\n")


def clean(tmp_path: Path, rules: str) -> tuple[str, dict[str, int]]:
    d = tmp_path / "mine" / "chrome"
    d.mkdir(parents=True, exist_ok=True)
    (d / "keep.yaml").write_text(rules, encoding="utf-8")
    ctx = make_context([default_rules_dir(), tmp_path / "mine"])
    page = clean_text(PAGE, ctx, build_stages(), name="p.txt", site="river.example")
    return page.text, page.meta.get("kept_by_exception", {})


def test_without_an_exception_the_menu_and_share_bar_go(tmp_path: Path) -> None:
    text, _ = clean(tmp_path, "[]\n")
    assert "About us" not in text and "Share this article" not in text


def test_a_keep_exception_overrides_every_rule_of_its_stage(tmp_path: Path) -> None:
    text, kept = clean(tmp_path, "- id: my.keep-about\n  type: keep\n  text: About us\n  reason: our section name\n"
                                 "- id: my.keep-share\n  type: keep\n  regex: '(?m)^Share this article$'\n  reason: a heading here\n")
    assert "About us" in text and "Share this article" in text
    assert kept.keys() == {"my.keep-about", "my.keep-share"}


def test_an_exception_scoped_to_other_rules_or_sites_does_not_apply(tmp_path: Path) -> None:
    text, kept = clean(tmp_path, "- id: my.keep-other-rule\n  type: keep\n  text: About us\n  rules: ['chrome.nothing.*']\n  reason: r\n"
                                 "- id: my.keep-other-site\n  type: keep\n  text: Share this article\n  sites: [other.example]\n  reason: r\n")
    assert "About us" not in text and "Share this article" not in text and not kept
