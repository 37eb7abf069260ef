"""The HTML report in a real browser: Debian's Chromium, headless, driven by Playwright.

Skipped with a reason when Chromium or Playwright is missing on a developer's
machine; on CI (``CI`` set) a missing browser is a failure, since `make test`
installs it there.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from review_helpers import ROOT, rule_counts, sample_run

from cleaner.review.model import ReviewPage, iter_pages

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _missing(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{why}: `make test` installs it on CI, so the browser tests must run there")
    pytest.skip(f"{why} (run `make test` as root to install Debian's chromium, or `apt-get install chromium`)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ReviewPage]]:
    out = sample_run(tmp_path_factory.mktemp("browser") / "out", "--report")
    return out, list(iter_pages(out))


@pytest.fixture()
def page(browser: Any, run: tuple[Path, list[ReviewPage]]) -> Iterator[Any]:
    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: errors.append(f"network request {r.url}") if not r.url.startswith(("file:", "data:", "blob:")) else None)
    pg.goto((run[0] / "report.html").as_uri())
    pg.wait_for_selector("body[data-ready='1']")
    yield pg
    pg.close()
    assert errors == []


def _open(pg: Any, name: str) -> None:
    pg.click(f"#pagetable tr[data-page='{name}'] a")
    pg.wait_for_selector(f"#text[data-page='{name}']")


def _shown_rules(pg: Any) -> Counter[str]:
    return Counter(pg.eval_on_selector_all("#text .e", "els => els.map(e => e.dataset.rule)"))


def test_every_edit_of_every_sample_page_is_highlighted(page: Any, run: tuple[Path, list[ReviewPage]]) -> None:
    for rp in run[1]:
        page.goto((run[0] / "report.html").as_uri())
        page.wait_for_selector("#pagetable tbody tr")
        _open(page, rp.name)
        assert _shown_rules(page) == rule_counts(rp.edits), rp.name
        # the edit list under the text (built when opened) names the same edits
        if not page.evaluate("document.getElementById('edit-list').open"):
            page.click("#edit-list summary")
        n = sum(rule_counts(rp.edits).values())
        page.wait_for_function(f"() => document.querySelectorAll('#edittable tr[data-rule]').length === {n}")
        # without marks the view is the raw page (whitespace signs aside)
        assert _unmarked(page) == _signs(rp.raw)


def _signs(text: str) -> str:
    return text.replace("↵", "").replace("·", " ")


def _unmarked(pg: Any) -> str:
    """The text view without inserted text and arrows, whitespace signs turned back: the raw page."""
    text = pg.eval_on_selector("#text", "e => { const c = e.cloneNode(true); c.querySelectorAll('ins, .arr').forEach(n => n.remove()); return c.textContent; }")
    return _signs(text).replace("⍽", "\u00a0").replace("⇥", "\t").replace("␍", "\r")


def test_overview_ranks_pages_by_characters_removed(page: Any, run: tuple[Path, list[ReviewPage]]) -> None:
    names = page.eval_on_selector_all("#pagetable tbody tr", "rows => rows.map(r => r.dataset.page)")
    expected = sorted(run[1], key=lambda p: (-(len(p.raw) - len(p.clean)), p.name))
    assert names[0] == expected[0].name and set(names) == {p.name for p in run[1]}
    assert page.locator("#rulechart button.rl").count() >= 5
    assert "chrome" in page.inner_text("#stagetable")


def test_clicking_a_stage_filter_hides_that_stage(page: Any, run: tuple[Path, list[ReviewPage]]) -> None:
    rp = max(run[1], key=lambda p: sum(rule_counts(p.edits).values()))
    _open(page, rp.name)
    before = _shown_rules(page)
    assert any(r.startswith("chrome.") for r in before)
    page.click("#stage-chips .chip[data-stage='chrome']")
    page.wait_for_function("() => ![...document.querySelectorAll('#text .e')].some(e => e.dataset.stage === 'chrome')")
    after = _shown_rules(page)
    assert after == Counter({r: n for r, n in before.items() if not r.startswith("chrome.")})
    assert page.get_attribute("#stage-chips .chip[data-stage='chrome']", "aria-pressed") == "false"


def test_choosing_a_rule_shows_only_its_edits_and_pages(page: Any, run: tuple[Path, list[ReviewPage]]) -> None:
    counts = Counter[str]()
    pages_with: dict[str, set[str]] = {}
    for rp in run[1]:
        for r, n in rule_counts(rp.edits).items():
            counts[r] += n
            pages_with.setdefault(r, set()).add(rp.name)
    rule = next(r for r, _ in counts.most_common() if len(pages_with[r]) < len(run[1]))
    page.select_option("#rule-select", label=f"{rule} ({counts[rule]})")
    page.wait_for_function(f"() => document.querySelectorAll('#pagetable tbody tr').length === {len(pages_with[rule])}")
    shown = set(page.eval_on_selector_all("#pagetable tbody tr", "rows => rows.map(r => r.dataset.page)"))
    assert shown == pages_with[rule]
    name = sorted(pages_with[rule])[0]
    _open(page, name)
    assert set(_shown_rules(page)) == {rule}


def test_hover_and_focus_show_rule_and_reason(page: Any, run: tuple[Path, list[ReviewPage]]) -> None:
    rp = run[1][1]
    _open(page, rp.name)
    first = rp.edits[0]
    page.hover(f"#text .e[data-rule='{first.rule}']")
    tip = page.locator("#tip")
    assert tip.is_visible() and first.rule in tip.inner_text() and first.reason[:30] in tip.inner_text()
    for _ in range(3):  # stepping through edits scrolls; the focused edit keeps its tooltip
        page.click("#next-edit")
    page.wait_for_timeout(100)
    assert page.evaluate("document.activeElement.classList.contains('e')")
    assert tip.is_visible() and page.evaluate("document.activeElement.dataset.rule") in tip.inner_text()


def test_navigation_between_pages(page: Any, run: tuple[Path, list[ReviewPage]]) -> None:
    order = page.eval_on_selector_all("#pagetable tbody tr", "rows => rows.map(r => r.dataset.page)")
    _open(page, order[0])
    page.click("#next")
    page.wait_for_selector(f"#text[data-page='{order[1]}']")
    page.keyboard.press("j")
    page.wait_for_selector(f"#text[data-page='{order[2]}']")
    page.click("#prev")
    page.wait_for_selector(f"#text[data-page='{order[1]}']")
    page.click("#back")
    page.wait_for_selector("#overview:not([hidden])")


def test_hide_removed_text_shows_the_clean_page(page: Any, run: tuple[Path, list[ReviewPage]]) -> None:
    rp = max(run[1], key=lambda p: len(p.raw) - len(p.clean))
    _open(page, rp.name)
    page.check("#hide-removed")
    shown = page.inner_text("#text")
    removed_line = next(e.before.strip() for e in rp.edits if e.after == "" and len(e.before.strip()) > 20)
    assert removed_line not in shown


def test_astral_characters_and_undecodable_bytes_keep_edits_in_place(browser: Any, tmp_path: Path) -> None:
    """JavaScript counts UTF-16 units: an emoji before an edit must not shift it."""
    from cleaner.core.page import Page, Proposal
    from cleaner.io.changelog import serialize_log
    from cleaner.io.pages import atomic_write, log_path

    raw = "Intro 😀😀 text\nShare this 🎉 page\ncafé \udcff byte 漢字 end\n"
    page = Page(raw, name="tricky.txt")
    share = raw.index("Share")
    page.commit("chrome", [Proposal(share, raw.index("\n", share) + 1, "", "chrome.share", "share line")])
    cur = page.text
    page.commit("normalize", [Proposal(cur.index("\udcff"), cur.index("\udcff") + 1, "ÿ", "normalize.bad-byte", "undecodable byte")])
    cur = page.text
    page.commit("spelling", [Proposal(cur.index("text"), cur.index("text") + 4, "texts", "spelling.x", "plural")])
    out = tmp_path / "out"
    atomic_write(log_path(out / "tricky.txt"), serialize_log({"name": "tricky.txt"}, page.edits))
    atomic_write(out / "tricky.txt", page.text.encode("utf-8"))
    from click.testing import CliRunner

    from cleaner.cli import main
    assert CliRunner().invoke(main, ["report", str(out), "-q"]).exit_code == 0
    pg = browser.new_page()
    pg.goto((out / "report.html").as_uri() + "#page=0")
    pg.wait_for_selector("#text[data-page='tricky.txt']")
    assert pg.inner_text(".e[data-rule='chrome.share'] del") == "Share this 🎉 page↵\n"
    assert pg.inner_text(".e[data-rule='spelling.x'] del") == "text"
    assert pg.inner_text(".e[data-rule='normalize.bad-byte'] ins") == "ÿ"
    assert _unmarked(pg) == raw.replace("\udcff", "\ufffd")
    pg.close()


def test_a_reviewer_marks_a_wrong_edit_and_a_missed_line_and_the_exported_rules_apply(
        page: Any, run: tuple[Path, list[ReviewPage]], tmp_path: Path) -> None:
    """The review-to-rule loop: "keep this" on a removed line, "remove this" on a kept one, the decisions exported as
    YAML, `cleaner rules test` passes it, and a re-run with it cleans the page as marked."""
    from click.testing import CliRunner

    from cleaner.cli import main

    def removed_line(e: Any) -> bool:  # a whole line a chrome detector removed on its own
        return e.stage == "chrome" and not e.after and not e.absorbed and "\n" not in e.before.strip() and len(e.before.split()) >= 2

    rp = next(p for p in run[1] if any(removed_line(e) for e in p.edits))
    wrong = next(e for e in rp.edits if removed_line(e))
    missed = next(ln for ln in rp.clean.splitlines() if ln.endswith("?") and len(ln.split()) >= 4)  # a kept heading
    _open(page, rp.name)
    # keep this: focus the wrongly removed line's edit, press the button
    page.evaluate("""([rule, text]) => { const e = [...document.querySelectorAll('#text .e')].find(
        (x) => x.dataset.rule === rule && x.textContent.includes(text)); e.focus(); }""", [wrong.rule, wrong.before.strip()])
    page.click("#mark-keep")
    assert page.eval_on_selector_all("#text .e.marked-keep", "els => els.length") == 1
    # remove this: select the kept line in the text, press the button
    page.evaluate("""(text) => { const walker = document.createTreeWalker(document.getElementById('text'), NodeFilter.SHOW_TEXT);
        let n; while ((n = walker.nextNode())) { const at = n.data.indexOf(text); if (at >= 0) {
          const r = document.createRange(); r.setStart(n, at); r.setEnd(n, at + text.length);
          const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); return; } } throw new Error('not found'); }""", missed)
    page.click("#mark-remove")
    assert page.text_content("#decisions") == "1 edit to keep · 1 line to remove"
    page.click("#export")
    yaml_text = page.input_value("#export-yaml")
    assert page.get_attribute("#export-link", "href").startswith("blob:")
    rules = tmp_path / "review-decisions.yaml"
    rules.write_text(yaml_text, encoding="utf-8")

    runner = CliRunner()
    res = runner.invoke(main, ["rules", "test", str(rules)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "again"
    res = runner.invoke(main, ["run", str(ROOT / "raw"), "-o", str(out), "-q", "-j", "1", "--add-rules", str(rules)])
    assert res.exit_code == 0, res.output
    clean = (out / rp.name).read_text(encoding="utf-8")
    assert wrong.before.strip() in clean and missed not in clean
    others = [p for p in run[1] if p.name != rp.name]  # the decisions are scoped to the page's site: others unchanged
    assert all((out / p.name).read_text(encoding="utf-8") == p.clean for p in others)
