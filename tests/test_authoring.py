"""Writing rules: every error of a file at once with a "did you mean", a user's rules checked together with the
shipped ones (a duplicate id, a rule that breaks a shipped example, named), warnings for rules without examples or
that match everything, and a single file taking its stage from its folder."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_broken_rule_file_gets_all_its_errors_in_one_run(tmp_path: Path) -> None:
    f = write(tmp_path / "chrome" / "bad.yaml", "- id: my.menu\n  type: lien\n  regexp: '^Menu$'\n  resaon: menu\n")
    code, out = cli("rules", "check", str(tmp_path))
    assert code == 2
    assert f"{f}:1: rule 'my.menu': missing required key 'reason'" in out
    assert f"{f}:2: rule 'my.menu': unknown type 'lien' (did you mean 'line'?)" in out
    assert f"{f}:3: rule 'my.menu': unknown key 'regexp' for type 'line' (did you mean 'regex'?)" in out
    assert f"{f}:4: rule 'my.menu': unknown key 'resaon' for type 'line' (did you mean 'reason'?)" in out


def test_a_users_rules_are_checked_together_with_the_shipped_ones(tmp_path: Path) -> None:
    dup = write(tmp_path / "chrome" / "dup.yaml", "- id: chrome.footer.copyright\n  type: line\n  regex: '^x$'\n  reason: mine\n"
                                                   "  examples: {remove: [x]}\n")
    code, out = cli("rules", "check", str(tmp_path))
    assert code == 2 and f"{dup}:1: duplicate rule id 'chrome.footer.copyright'" in out
    code, out = cli("rules", "check", str(tmp_path), "--no-builtin")
    assert code == 0, out


def test_a_rule_that_breaks_a_shipped_example_is_named(tmp_path: Path) -> None:
    mine = write(tmp_path / "chrome" / "broad.yaml", "- id: my.headings\n  type: line\n  regex: '.*:$'\n  reason: label lines\n"
                                                     "  examples: {remove: ['Menu:'], keep: ['A sentence.']}\n")
    for command, status in (("test", 1), ("check", 2)):  # rules check of a user's folder runs the examples too
        code, out = cli("rules", command, str(tmp_path))
        assert code == status
        blamed = [line for line in out.splitlines() if "should keep" in line]
        assert blamed and all(f"(changed by my.headings ({mine}:1))" in line for line in blamed)


def test_rules_check_warns_of_a_rule_without_examples_and_of_one_that_matches_everything(tmp_path: Path) -> None:
    f = write(tmp_path / "chrome" / "w.yaml", "- id: my.all\n  type: line\n  regex: '.+'\n  reason: oops\n")
    code, out = cli("rules", "check", str(tmp_path))
    assert code == 2 and "(changed by my.all (" in out  # and it breaks the shipped examples, named
    assert f"warning: {f}:1: my.all: no examples" in out
    assert f"warning: {f}:1: my.all: changes" in out and "of the sample pages" in out
    assert "spelling.vocab" not in out  # the shipped rules are not linted when a user's folder is checked


def test_a_single_rule_file_takes_its_stage_from_its_folder(tmp_path: Path) -> None:
    f = write(tmp_path / "chrome" / "fold.yaml", "- id: my.fold\n  type: line\n  regex: '^Fold here$'\n  reason: print mark\n"
                                                 "  examples: {remove: [Fold here]}\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "p.txt").write_text("Fold here\nA sentence of real text, long enough to stay on the page.\n", encoding="utf-8")
    code, out = cli("run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q", "--add-rules", str(f))
    assert code == 0, out
    assert (tmp_path / "out" / "p.txt").read_text() == "A sentence of real text, long enough to stay on the page.\n"
