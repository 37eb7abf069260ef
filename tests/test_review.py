"""The review tools a user runs in a terminal: diff, stats, the progress bar, and the report file."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from review_helpers import SAMPLE, rule_counts, sample_run

from cleaner.cli import main
from cleaner.core.page import Page, Proposal
from cleaner.io.changelog import read_log
from cleaner.review.cli import use_color
from cleaner.review.diff import Style, render_page
from cleaner.review.model import EditFilter, ReviewPage, all_edits, iter_pages, load_page
from cleaner.review.progress import Progress

TAG = re.compile(r"«([^»]+)»")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_run(tmp_path_factory.mktemp("review") / "out", "--report")


def _page() -> ReviewPage:
    """A page with a deletion, a replacement inside a later deletion (absorbed), and an insertion."""
    page = Page("Menu\nHello  wor\u00a0ld.\nBye\n", name="p.txt")
    page.commit("normalize", [Proposal(15, 16, " ", "normalize.unicode-space", "U+00A0 space")])
    page.commit("chrome", [Proposal(0, 5, "", "chrome.menu", "menu line")])
    page.commit("spelling", [Proposal(7, 13, "world", "spelling.fix", "typo")])
    page.commit("tidy", [Proposal(len(page.text), len(page.text), "\n", "tidy.final-newline", "one newline")])
    return ReviewPage("p.txt", {}, page.edits, page.text, Path("p.txt"))


def test_plain_diff_marks_every_edit_with_its_rule() -> None:
    page = _page()
    out = render_page(page, Style(color=False))
    assert "[-Menu↵-]«chrome.menu»\nHello" in out  # the tag stays on the removed line
    # the replacement shows old→new, and the absorbed U+00A0 fix stays visible inside it
    assert "[wor[⍽→·]«normalize.unicode-space»ld→world]«spelling.fix»" in out
    assert "{+↵+}«tidy.final-newline»\n" in out
    assert sorted(TAG.findall(out)) == sorted(e.rule for e in all_edits(page.edits))
    assert "\x1b[" not in out


def test_colour_output_uses_stage_colours_and_strikes_removals() -> None:
    out = render_page(_page(), Style(color=True))
    assert "\x1b[9;33m[-Menu↵-]" in out  # chrome: struck, yellow, and marked (a pager may drop the strike)
    assert "«spelling.fix»" in out and "\x1b[0m" in out


def test_filters_show_only_the_chosen_stage_or_rule_and_leave_the_rest_as_raw_text() -> None:
    page = _page()
    only_norm = render_page(page, Style(False), EditFilter(stages=("normalize",)))
    assert TAG.findall(only_norm) == ["normalize.unicode-space"]
    assert "Menu\nHello  wor[⍽→·]«normalize.unicode-space»ld." in only_norm
    globbed = render_page(page, Style(False), EditFilter(rules=("chrome.*", "tidy.*")))
    assert TAG.findall(globbed) == ["chrome.menu", "tidy.final-newline"]


def test_context_shows_only_changed_lines() -> None:
    raw = "".join(f"line {i}\n" for i in range(40))
    page = Page(raw)
    start = raw.index("line 20")
    page.commit("chrome", [Proposal(start, start + len("line 20\n"), "", "chrome.x", "x")])
    rp = ReviewPage("p", {}, page.edits, page.text, Path("p"))
    out = render_page(rp, Style(False), context=1)
    assert "@@ lines 20-22 @@" in out
    assert "line 19\n[-line 20↵-]«chrome.x»\nline 21\n" in out
    assert "line 18" not in out and "line 22" not in out


def test_diff_of_every_sample_page_shows_every_logged_edit(run_dir: Path) -> None:
    runner = CliRunner()
    for log in sorted(run_dir.glob("*.changes.jsonl")):
        _, edits = read_log(log)
        clean = log.with_name(log.name.replace(".changes.jsonl", ".txt"))
        for target, args in ((clean, []), (SAMPLE / clean.name, ["--out", str(run_dir)])):
            result = runner.invoke(main, ["diff", str(target), *args])
            assert result.exit_code == 0, result.output
            assert sorted(TAG.findall(result.output)) == sorted(rule_counts(edits).elements()), target


def test_diff_context_and_filters_from_the_command_line(run_dir: Path) -> None:
    page = max(iter_pages(run_dir), key=lambda p: len(all_edits(p.edits)))
    full = CliRunner().invoke(main, ["diff", str(page.output)]).output
    short = CliRunner().invoke(main, ["diff", str(page.output), "--context", "0"]).output
    assert len(short) < len(full) and sorted(TAG.findall(short)) == sorted(TAG.findall(full))
    chrome = CliRunner().invoke(main, ["diff", str(page.output), "--stage", "chrome"]).output
    assert TAG.findall(chrome) and all(t.startswith("chrome.") for t in TAG.findall(chrome))


def test_diff_of_a_raw_page_without_outputs_says_where_it_looked(tmp_path: Path) -> None:
    raw = tmp_path / "lonely.txt"
    raw.write_text("nothing cleaned here\n")
    result = CliRunner().invoke(main, ["diff", str(raw), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "no cleaned output" in result.output


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color("auto", _Tty())
    assert not use_color("auto", io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color("auto", _Tty())
    assert use_color("always", io.StringIO())


def test_stats_agree_with_the_run_summary(run_dir: Path) -> None:
    result = CliRunner().invoke(main, ["stats", str(run_dir), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    summary = json.loads((run_dir / "run-summary.json").read_text())
    assert figures["pages"] == summary["pages"]
    assert figures["raw_chars"] == summary["raw_chars"] and figures["clean_chars"] == summary["clean_chars"]
    for stage, s in summary["stages"].items():
        assert (figures["stages"][stage]["edits"], figures["stages"][stage]["chars_removed"]) == (s["edits"], s["chars_removed"])
        assert figures["stages"][stage]["pages"] >= 1
    assert {r: v["edits"] for r, v in figures["rules"].items()} == {r: v["edits"] for r, v in summary["rules"].items()}
    assert figures["rules_never_fired"] == summary["rules_never_fired"]
    assert figures["most_changed"][0]["page"] == summary["most_changed"][0]
    text = CliRunner().invoke(main, ["stats", str(run_dir)]).output
    assert "rules that never fired" in text and "pages most changed" in text


def test_progress_bar_is_silent_in_pipes_and_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    pipe = io.StringIO()
    bar = Progress(10, stream=pipe)
    for _ in range(10):
        bar.update()
    bar.close()
    assert pipe.getvalue() == ""
    monkeypatch.setenv("CI", "true")
    assert not Progress(10, stream=_Tty()).enabled


def test_progress_bar_on_a_terminal_shows_rate_and_eta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    tty = _Tty()
    bar = Progress(200, stream=tty, interval=0)
    bar.update(50)
    assert "50/200 pages" in tty.getvalue() and "pages/s" in tty.getvalue() and "ETA" in tty.getvalue()
    bar.close()
    assert tty.getvalue().endswith("\r\x1b[K")


def test_run_in_a_pipe_prints_no_progress_bar(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(SAMPLE), "-o", str(tmp_path / "o"), "-j", "1"])
    assert result.exit_code == 0
    assert "\r" not in result.output and "ETA" not in result.output


def test_report_is_one_self_contained_file(run_dir: Path) -> None:
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html and "fetch(" not in html
    assert len(list(iter_pages(run_dir))) == 5 and all(load_page(p.output).raw == p.raw for p in iter_pages(run_dir))


def test_colour_of_a_removal_continues_after_an_absorbed_edit_inside_it() -> None:
    out = render_page(_page(), Style(color=True))
    # "ld" after the nested U+00A0 fix is still struck in spelling's colour
    assert "\x1b[0m\x1b[9;32mld" in out


def test_a_renamed_raw_page_is_found_by_its_bytes(run_dir: Path, tmp_path: Path) -> None:
    src = sorted(SAMPLE.glob("*.txt"))[0]
    copy = tmp_path / "renamed.txt"
    copy.write_bytes(src.read_bytes())
    result = CliRunner().invoke(main, ["diff", str(copy), "--out", str(run_dir)])
    assert result.exit_code == 0 and result.output.startswith(f"== {src.name}:")


def test_marks_survive_colour_through_a_pipe_and_invisible_characters_are_named(tmp_path: Path) -> None:
    """``--color always | less -R`` keeps every mark even where the pager drops strike-through; a removed
    zero-width space or soft hyphen is shown by name, not as nothing."""
    page = Page("Menu\nA wo\u200brd and a soft\u00adhyphen.\n", name="p.txt")
    zw = page.text.index("\u200b")
    page.commit("normalize", [Proposal(zw, zw + 1, "", "normalize.invisible", "zero-width space"),
                              Proposal(page.text.index("\u00ad"), page.text.index("\u00ad") + 1, "", "normalize.invisible", "soft hyphen")])
    page.commit("chrome", [Proposal(0, 5, "", "chrome.menu", "menu line")])
    rp = ReviewPage("p.txt", {}, page.edits, page.text, Path("p.txt"))
    plain = render_page(rp, Style(False))
    coloured = render_page(rp, Style(True))
    stripped = re.sub(r"\x1b\[[0-9;]*m", "", coloured)  # what a pager that ignores the codes shows
    assert stripped == plain
    assert "[-⟨ZERO WIDTH SPACE⟩-]«normalize.invisible»" in plain and "[-⟨SOFT HYPHEN⟩-]" in plain
    assert TAG.findall(plain) == ["chrome.menu", "normalize.invisible", "normalize.invisible"]
