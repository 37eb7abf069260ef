"""The documentation: a short README that starts with the two commands, links that lead somewhere, rules that work.

The README is for users and stays small (issue 19: at most 12 KB); everything else lives under docs/. A moved or
renamed page must not leave a dead link behind, and the YAML rules shown as examples must pass the same checks as
shipped rules, so a user who copies one gets a rule that loads and does what its examples say.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cleaner.rulebook.examples import run_examples
from cleaner.rulebook.load import load_rules
from cleaner.stages import STAGE_NAMES

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
README_MAX_BYTES = 12 * 1024

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)


def doc_files() -> list[Path]:
    return [README, ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _prose(text: str) -> str:
    """The text outside fenced code blocks (a link shown as code is not a link)."""
    return _FENCE.sub("", text)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {_slug(h) for h in _HEADING.findall(_prose(path.read_text(encoding="utf-8")))}


def relative_links(path: Path) -> list[str]:
    links = _LINK.findall(_prose(path.read_text(encoding="utf-8")))
    return [t for t in links if not re.match(r"[a-z][a-z0-9+.-]*:", t, re.I)]  # http:, https:, mailto: ...


def test_readme_is_at_most_12_kb() -> None:
    size = README.stat().st_size
    assert size <= README_MAX_BYTES, f"README.md is {size:,} bytes; keep it at most {README_MAX_BYTES:,} (details go to docs/)"


def test_readme_starts_with_the_two_commands() -> None:
    head = "\n".join(README.read_text(encoding="utf-8").splitlines()[:40])
    for command in ("make run", "make test"):
        assert command in head, f"{command!r} is not in the first 40 lines of README.md"


@pytest.mark.parametrize("doc", doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_to_an_existing_file(doc: Path) -> None:
    broken = []
    for target in relative_links(doc):
        file_part, _, anchor = target.partition("#")
        dest = (doc.parent / file_part).resolve() if file_part else doc
        if not dest.exists():
            broken.append(f"{target} (no file {dest.relative_to(ROOT) if dest.is_relative_to(ROOT) else dest})")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{target} (no heading #{anchor} in {dest.relative_to(ROOT)})")
    assert not broken, f"{doc.relative_to(ROOT)}: broken links: " + "; ".join(broken)


def test_docs_link_checker_finds_a_dead_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("See [there](missing.md) and [the web](https://example.org).\n```\n[not a link](nowhere.md)\n```\n",
                    encoding="utf-8")
    assert relative_links(page) == ["missing.md"]
    assert _slug("Cross-corpus dedup (`make bench-dedup`)") == "cross-corpus-dedup-make-bench-dedup"


def _example_rules(doc: Path) -> list[tuple[str, str]]:
    """YAML blocks in a document that are rules with examples: (stage, YAML)."""
    out = []
    for block in re.findall(r"^```yaml\n(.*?)^```", doc.read_text(encoding="utf-8"), re.M | re.S):
        if "examples:" not in block or "- id:" not in block:
            continue
        stage = re.search(r"^- id: (\w+)\.", block, re.M)
        assert stage is not None and stage.group(1) in STAGE_NAMES, f"{doc.name}: example rule without a stage id"
        out.append((stage.group(1), block))
    return out


@pytest.mark.parametrize("doc", [README, ROOT / "docs" / "rules.md"], ids=lambda p: p.name)
def test_rules_shown_as_examples_load_and_pass_their_examples(doc: Path, tmp_path: Path) -> None:
    blocks = _example_rules(doc)
    assert blocks, f"{doc.name} shows no rule with examples"
    for i, (stage, block) in enumerate(blocks):
        (tmp_path / stage).mkdir(exist_ok=True)
        (tmp_path / stage / f"doc{i}.yaml").write_text(block, encoding="utf-8")
    rules = load_rules([tmp_path], known_stages=STAGE_NAMES)
    assert not rules.errors, rules.errors
    failures, checked = run_examples(rules)
    assert checked > 0 and not failures, failures


@pytest.mark.parametrize("block", re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "api.md").read_text(encoding="utf-8"), re.S))
def test_the_api_examples_run_as_written(block: str) -> None:
    exec(compile(block, "docs/api.md", "exec"), {"__name__": "api_example"})
