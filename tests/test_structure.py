"""The shape of the package and of a run: no import cycle, settings checked as declared, a summary that depends only
on the corpus and the rules, and a page's site decided once (loose pages are their own sites)."""

from __future__ import annotations

import ast
import json
import re
import shutil
import sys
import types
from pathlib import Path

from click.testing import CliRunner

from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cleaner"
SAMPLES = ROOT / "raw"


def run_cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return res.exit_code, res.output


# -- imports ----------------------------------------------------------------------------------------
def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, anywhere in it (inside functions too; not under TYPE_CHECKING)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for mod, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                for n in ast.walk(node)}
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                parts = name.removeprefix("cleaner.").split(".")  # cleaner._core, or a name imported from it
                compiled = any(any(PACKAGE.glob("/".join(parts[:k]) + ext)) for k in range(1, len(parts) + 1)
                               for ext in (".pyi", "*.so"))
                if name.startswith("cleaner") and not compiled and (target := resolve(name)) and target != mod:
                    targets.add(target)  # (the compiled core, cleaner._core, imports nothing of the package)
        graph[mod] = targets
    return graph


def test_no_import_cycle_among_the_package_modules() -> None:
    graph = import_graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(mod: str) -> None:
        state[mod] = 1
        stack.append(mod)
        for nxt in sorted(graph[mod]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[mod] = 2

    for mod in sorted(graph):
        if mod not in state:
            visit(mod)


def test_the_cycle_check_sees_imports_inside_functions() -> None:
    graph = import_graph()
    assert "cleaner.review.cli" in graph["cleaner.cli"]  # imported inside `run`, after the module's top


# -- settings -----------------------------------------------------------------------------------------
def write_rules(root: Path, stage: str, text: str) -> Path:
    (root / stage).mkdir(parents=True, exist_ok=True)
    (root / stage / "settings.yaml").write_text(text, encoding="utf-8")
    return root


def test_rules_check_names_a_misspelt_setting_and_a_wrong_kind_of_value(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "mine", "spam", "- id: my.spam\n  type: settings\n  reason: bolder\n  settings:\n"
                                                   "    min_strenght: 9\n    min_strength: high\n")
    code, out = run_cli("rules", "check", str(rules))
    assert code == 2
    assert f"{rules / 'spam' / 'settings.yaml'}:5: rule 'my.spam': unknown setting 'min_strenght' for stage 'spam' " \
           "(did you mean 'min_strength'?)" in out
    assert f"{rules / 'spam' / 'settings.yaml'}:6: rule 'my.spam': setting 'min_strength' must be float (like its default 2.5), got 'high'" in out
    code, out = run_cli("run", str(SAMPLES), "-o", str(tmp_path / "out"), "--add-rules", str(rules))
    assert code == 2 and "min_strenght" in out and not (tmp_path / "out").exists()


def test_an_unknown_rule_key_gets_a_did_you_mean(tmp_path: Path) -> None:
    (tmp_path / "chrome").mkdir()
    (tmp_path / "chrome" / "x.yaml").write_text("- id: x.menu\n  type: line\n  regexp: '^Menu$'\n  reason: menu\n", encoding="utf-8")
    code, out = run_cli("rules", "check", str(tmp_path))
    assert code == 2 and ":3: rule 'x.menu': unknown key 'regexp' for type 'line' (did you mean 'regex'?)" in out


def test_tidy_keeps_as_many_blank_lines_as_its_setting_says(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "page.txt").write_text("First paragraph of the page.\n\n\n\n\nSecond paragraph of the page.\n", encoding="utf-8")
    outs = {}
    for most in (0, 1, 2):
        rules = write_rules(tmp_path / f"rules{most}", "tidy", f"- id: my.tidy\n  type: settings\n  reason: r\n  settings:\n"
                                                               f"    max_blank_lines: {most}\n")
        code, out = run_cli("run", str(inp), "-o", str(tmp_path / f"out{most}"), "-q", "--add-rules", str(rules))
        assert code == 0, out
        outs[most] = (tmp_path / f"out{most}" / "page.txt").read_text(encoding="utf-8")
    assert outs == {m: "First paragraph of the page." + "\n" * (m + 1) + "Second paragraph of the page.\n" for m in (0, 1, 2)}


# -- a run's outputs ------------------------------------------------------------------------------------
def test_the_run_summary_depends_only_on_the_corpus_and_the_rules(tmp_path: Path) -> None:
    summaries = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        code, text = run_cli("run", str(SAMPLES), "-o", str(out), "-q", "-j", jobs)
        assert code == 0, text
        summaries.append((out / "run-summary.json").read_bytes())
        costs = json.loads((out / "run-timings.json").read_text())
        assert costs["seconds"] > 0 and costs["corpus_stats_bytes"] > 0
    assert summaries[0] == summaries[1]
    assert b"seconds" not in summaries[0]


def edits_of(log: Path) -> set[tuple[object, ...]]:
    """A log's edits as (start, end, before, after, stage, rule, reason with its details)."""
    edits = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()[1:]]
    return {(e["start"], e["end"], e["before"], e["after"], e["stage"], e["rule"], e["reason"] + json.dumps(e.get("detail")))
            for e in edits}


def test_a_loose_page_is_cleaned_the_same_alone_and_beside_unrelated_pages(tmp_path: Path) -> None:
    """Pages lying loose in a folder are of unknown sites, each its own: the per-site statistics of one page do not
    depend on the pages beside it.  Corpus-wide statistics may still inform an edit (the corpus vocabulary
    confirming a fix): such an edit says so in its reason."""
    together = tmp_path / "together"
    shutil.copytree(SAMPLES, together)
    code, text = run_cli("run", str(together), "-o", str(tmp_path / "out-all"), "-q")
    assert code == 0, text
    for page in sorted(SAMPLES.glob("*.txt")):
        alone = tmp_path / "alone" / page.stem
        alone.mkdir(parents=True)
        shutil.copy(page, alone / page.name)
        code, text = run_cli("run", str(alone / page.name), "-o", str(tmp_path / "out-alone" / page.stem), "-q")
        assert code == 0, text
        a_out, b_out = tmp_path / "out-alone" / page.stem, tmp_path / "out-all"
        assert (a_out / page.name).read_bytes() == (b_out / page.name).read_bytes(), page.name
        alone_edits, all_edits = (edits_of(d / (page.stem + ".changes.jsonl")) for d in (a_out, b_out))
        differ: dict[tuple[object, ...], list[str]] = {}
        for e in alone_edits.symmetric_difference(all_edits):
            differ.setdefault(e[:-1], []).append(str(e[-1]))
        assert all(any("corpus" in r for r in reasons) for reasons in differ.values()), (page.name, differ)
        header = json.loads((tmp_path / "out-all" / (page.stem + ".changes.jsonl")).read_text().split("\n", 1)[0])
        assert header["page"]["site"] == page.name


# -- the worked example of docs/architecture.md -----------------------------------------------------------
def doc_blocks(lang: str) -> list[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Adding a detector", 1)[1]
    return re.findall(rf"```{lang}\n(.*?)```", section, flags=re.S)


def test_the_documented_detector_runs_as_documented(tmp_path: Path) -> None:
    from cleaner.core.pipeline import clean_text, make_context
    from cleaner.rulebook.examples import run_examples
    from cleaner.stages import build_stages
    from cleaner.stages.detector import unregister_detector
    from cleaner.stages.tidy import TidyStage

    (code,), (settings,) = doc_blocks("python"), doc_blocks("yaml")
    before = list(TidyStage.detectors)
    try:
        module = types.ModuleType("worked_example")
        sys.modules[module.__name__] = module  # dataclasses look their module up
        exec(compile(code, "docs/architecture.md", "exec"), module.__dict__)
        rules = tmp_path / "rules"
        (rules / "tidy").mkdir(parents=True)
        (rules / "tidy" / "dividers.yaml").write_text(settings, encoding="utf-8")
        code_, out = run_cli("rules", "check", str(ROOT / "rules"), str(rules))
        assert code_ == 0, out
        ctx = make_context([ROOT / "rules", rules])
        failures, checked = run_examples(ctx.rules)
        assert not failures and checked > 0, failures
        page = clean_text("Intro\n\n*****\n\nBody text.\n\nRated ***, fine.\n", ctx, build_stages())
        assert page.text == "Intro\n\nBody text.\n\nRated ***, fine.\n"
        assert [(e.rule, e.reason) for e in page.edits if e.rule == "tidy.divider"] == [("tidy.divider", "a divider line of 5 '*'")]
        assert page.meta["detector_counts"]["tidy.dividers"][:2] == [1, 1]
        (rules / "tidy" / "dividers.yaml").write_text(settings.replace("divider_min_chars", "divider_min_char"), encoding="utf-8")
        code_, out = run_cli("rules", "check", str(ROOT / "rules"), str(rules))
        assert code_ == 2 and "did you mean 'divider_min_chars'?" in out
    finally:
        sys.modules.pop("worked_example", None)
        for det in [d for d in TidyStage.detectors if d not in before]:
            unregister_detector(TidyStage, det)
        assert TidyStage.detectors == before and set(TidyStage.defaults) == {"max_blank_lines"}


def test_the_settings_reference_is_current() -> None:
    """docs/settings.md is what `cleaner rules list --settings --markdown` prints (`make docs-settings`)."""
    code, out = run_cli("rules", "list", "--settings", "--markdown")
    assert code == 0
    assert (ROOT / "docs" / "settings.md").read_text(encoding="utf-8") == out, "run `make docs-settings`"
    assert "| `max_blank_lines` | `1` |  | (whitespace) blank lines kept in a row" in out
