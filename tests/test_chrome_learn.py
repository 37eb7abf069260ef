"""Chrome no rule names: learned from a site's pages, classified on a single page, suggested as rules."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.core.pipeline import clean_text
from cleaner.io.pages import Source
from cleaner.io.sites import compile_site_pattern, site_from_path, site_from_url, with_sites_from
from cleaner.stages import Context, build_stages
from cleaner.stages.chrome.site import SiteLineCollector, line_key

HEADER = ["Greenfield Garden Club", "Home", "Events", "Join Us", "Contact"]
SIDEBAR = ["Popular posts", "Pruning roses in winter", "The best compost bins"]
FOOTER = ["Privacy policy", "© 2024 Greenfield Garden Club. All rights reserved."]
ARTICLES = [
    ["Planting garlic in autumn",
     "Garlic likes to spend the winter in the ground, so we plant the cloves in October.",
     "Why it works",
     "The cold tells each clove to split, and by July every clove has become a bulb of its own.",
     "Water them well in spring and stop watering when the leaves turn yellow."],
    ["A hedge for the birds",
     "A mixed hedge of hawthorn, hazel and holly gives birds food and shelter all year.",
     "Why it works",
     "Each shrub fruits at a different time, so there is always something for them to eat.",
     "Cut it in late winter, after the berries are gone and before the birds start nesting."],
    ["Saving tomato seed",
     "Tomato seed is easy to save if you pick the ripest fruit from your healthiest plant.",
     "Why it works",
     "The gel around each seed stops it from sprouting, and a few days of fermenting removes it.",
     "Dry the seed on a plate, then keep it in a paper envelope somewhere cool and dark."],
    ["Leaf mould in a year",
     "Autumn leaves rot down into the finest soil improver there is, and it costs nothing.",
     "Why it works",
     "Fungi, not bacteria, break leaves down, which is why a leaf heap needs air and water.",
     "Pack the leaves into bags, poke a few holes in them and leave them behind the shed."],
]


def page(article: list[str]) -> str:
    return "\n".join(HEADER + article + SIDEBAR + FOOTER) + "\n"


def run_cli(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write_site(root: Path, articles: list[list[str]]) -> None:
    site = root / "greenfield.example"
    site.mkdir(parents=True)
    for i, art in enumerate(articles, 1):
        (site / f"page{i}.txt").write_text(page(art), encoding="utf-8")


def edits_of(out: Path, rel: str) -> list[dict]:
    log = out / rel.replace(".txt", ".changes.jsonl")
    return [json.loads(x) for x in log.read_text().splitlines()[1:]]


# -- the acceptance test --------------------------------------------------------------
def test_three_pages_lose_exactly_the_shared_chrome_and_suggested_rules_clean_a_fourth(tmp_path: Path) -> None:
    chrome = set(HEADER + SIDEBAR + FOOTER)
    write_site(tmp_path / "corpus", ARTICLES[:3])
    out = tmp_path / "out"
    res = run_cli("run", str(tmp_path / "corpus"), "-o", str(out), "-j", "1", "-q")
    assert res.exit_code == 0, res.output  # type: ignore[attr-defined]
    learned: set[str] = set()
    for i, art in enumerate(ARTICLES[:3], 1):
        rel = f"greenfield.example/page{i}.txt"
        assert (out / rel).read_text().splitlines() == art
        edits = edits_of(out, rel)
        assert {e["before"].strip() for e in edits if e["after"] == "" and e["before"].strip()} == chrome
        site_edits = [e for e in edits if e["rule"] == "chrome.site.repeated-line"]
        assert len(site_edits) >= len(HEADER) + len(SIDEBAR) - 2  # a shipped rule may name one or two of them
        assert all("recurs on 3 of 3 pages of site greenfield.example" in e["reason"] for e in site_edits)
        learned |= {e["before"].strip() for e in site_edits}

    suggested = tmp_path / "rules" / "suggested.yaml"
    res = run_cli("rules", "suggest", str(out), "-o", str(suggested))
    assert res.exit_code == 0
    rules = yaml.safe_load(suggested.read_text())
    assert [r["sites"] for r in rules] == [["greenfield.example"]]
    assert set(rules[0]["phrases"]) == learned
    assert "3 of 3 pages" in rules[0]["reason"]
    assert run_cli("rules", "test", str(suggested)).exit_code == 0  # type: ignore[attr-defined]

    # a fourth page of the site, alone in a later run: the kept rules remove the same lines, by name
    write_site(tmp_path / "later", [ARTICLES[3]])
    out2 = tmp_path / "out2"
    res = run_cli("run", str(tmp_path / "later"), "-o", str(out2), "-j", "1", "-q", "--add-rules", str(suggested))
    assert res.exit_code == 0
    rel = "greenfield.example/page1.txt"
    assert (out2 / rel).read_text().splitlines() == ARTICLES[3]
    removed = {e["before"].strip(): e["rule"] for e in edits_of(out2, rel)}
    assert set(removed) == chrome
    assert {line for line, rule in removed.items() if rule == rules[0]["id"]} == learned


def test_suggested_rules_do_not_touch_other_sites(tmp_path: Path) -> None:
    write_site(tmp_path / "corpus", ARTICLES[:3])
    run_cli("run", str(tmp_path / "corpus"), "-o", str(tmp_path / "out"), "-j", "1", "-q")
    suggested = tmp_path / "suggested.yaml"
    run_cli("rules", "suggest", str(tmp_path / "out"), "-o", str(suggested))
    other = tmp_path / "other" / "elsewhere.example"
    other.mkdir(parents=True)
    (other / "p.txt").write_text("Contact\nWrite to us at the address below, and we answer within a week.\n")
    run_cli("run", str(tmp_path / "other"), "-o", str(tmp_path / "out3"), "-j", "1", "-q", "--add-rules", str(suggested))
    assert (tmp_path / "out3" / "elsewhere.example" / "p.txt").read_text().startswith("Contact\n")


def test_site_from_groups_a_flat_directory_by_file_name(tmp_path: Path) -> None:
    flat = tmp_path / "flat"
    flat.mkdir()
    for i, art in enumerate(ARTICLES[:3], 1):
        (flat / f"greenfield.example__{i}.txt").write_text(page(art))
    (flat / "other.example__1.txt").write_text(page(ARTICLES[3]))
    out = tmp_path / "out"
    res = run_cli("run", str(flat), "-o", str(out), "-j", "1", "-q", "--site-from", r"^(?P<site>[^/]+?)__")
    assert res.exit_code == 0
    assert (out / "greenfield.example__1.txt").read_text().splitlines() == ARTICLES[0]
    # the lone page of another site learns nothing from the greenfield pages
    other_rules = {e["rule"] for e in edits_of(out, "other.example__1.txt")}
    assert "chrome.site.repeated-line" not in other_rules
    assert json.loads((out / "other.example__1.changes.jsonl").read_text().splitlines()[0])["page"]["site"] == "other.example"


def test_bad_site_from_regex_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x\n")
    res = run_cli("run", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o"), "--site-from", "(")
    assert res.exit_code == 2  # type: ignore[attr-defined]


# -- site repetition: traps and units ---------------------------------------------------------
def _site_run(ctx: Context, texts: list[str]) -> list[str]:
    stages = build_stages()
    col = SiteLineCollector()
    for i, t in enumerate(texts):
        col.add(t, "s", f"p{i}")
    sub = Context(rules=ctx.rules, stats={"chrome": col.finish()}, options={}, regex_timeout=1.0)
    return [clean_text(t, sub, stages, name=f"p{i}", site="s").text for i, t in enumerate(texts)]


def test_shared_heading_and_disclaimer_inside_articles_survive_on_a_small_site(ctx: Context) -> None:
    texts = []
    for art in ARTICLES[:3]:
        body = art[:2] + ["Our standard advice, as always, is to ask a local grower what works where you live."] + art[2:]
        texts.append("\n".join(HEADER + body + FOOTER) + "\n")
    outs = _site_run(ctx, texts)
    for out in outs:
        assert "Why it works" in out.splitlines()
        assert "Our standard advice, as always, is to ask a local grower what works where you live." in out
        assert "Contact" not in out.splitlines()


def test_collector_counts_a_line_once_per_page_and_prunes_singletons() -> None:
    a, b = SiteLineCollector(), SiteLineCollector()
    a.add("Menu\nMenu\nunique one\n", "s", "1")
    b.add("menu\nunique two\n", "s", "2")
    a.merge(b)
    stats = a.finish()
    assert stats.pages == {"s": 2}
    assert stats.count("s", "MENU ") == 2
    assert stats.lines["s"] == {line_key("Menu"): 2}


def test_site_from_path_and_url() -> None:
    pat = compile_site_pattern(r"^(?P<site>[^/]+?)__")
    assert site_from_path("example.org__17.txt", pat) == "example.org"
    assert site_from_path("no-separator.txt", pat) is None
    srcs = with_sites_from([Source(Path("x/a__1.txt"), "a__1.txt", "x"), Source(Path("x/b.txt"), "b.txt", "x")], r"^([^_]+)__")
    assert [s.site for s in srcs] == ["a", "x"]
    assert site_from_url("https://www.Example.org/a/b?c") == "example.org"


# -- rule suggestion and multi-page examples ---------------------------------------------------
def test_suggestions_group_lines_by_site_and_page_count() -> None:
    from cleaner.rulebook.suggest import LearnedLine, render, suggest_rules

    learned = {
        "a.example": {"home": LearnedLine("Home", {"p1", "p2", "p3"}, 3, 4), "menu": LearnedLine("Menu", {"p1", "p2"}, 2, 4)},
        "b.example": {"x": LearnedLine("© B Corp", {"q1"}, 1, 2)},
    }
    rules = suggest_rules(learned)
    assert [(r["id"], r["phrases"]) for r in rules] == [
        ("chrome.learned.a-example.seen-3-of-4", ["Home"]),
        ("chrome.learned.a-example.seen-2-of-4", ["Menu"]),
    ]
    assert rules[0]["reason"].endswith("recurred on 3 of 4 pages of a.example")
    text = render(rules, Path("out"), 5)
    assert "&id" not in text and yaml.safe_load(text)[0]["examples"] == {"remove": ["Home"]}


def test_suggest_without_logs_is_a_usage_error(tmp_path: Path) -> None:
    assert run_cli("rules", "suggest", str(tmp_path)).exit_code == 2  # type: ignore[attr-defined]


def test_settings_examples_with_form_feeds_run_as_pages_of_one_site(ctx: Context) -> None:
    from cleaner.rulebook.examples import rule_output

    rule = next(r for r in ctx.rules.rules if r.id == "chrome.site-repetition")
    pages = "\f".join("Menu\nAbout\n" + art[1] + "\n" + art[3] for art in ARTICLES[:3])
    out = rule_output(rule, pages, ctx).split("\f")
    assert out == [art[1] + "\n" + art[3] for art in ARTICLES[:3]]


def test_a_shared_title_over_each_page_own_article_survives(ctx: Context) -> None:
    """Pages of different sites in one directory, three on the same topic with the same title."""
    texts = ["The Therapeutic Relationship\n" + art[1] + "\n" + art[3] + "\n" for art in ARTICLES[:3]]
    texts += ["Another topic\n" + ARTICLES[3][1] + "\n", "Yet another\n" + ARTICLES[3][3] + "\n"]
    assert _site_run(ctx, texts) == texts


def test_collector_memory_bound_drops_one_page_lines_but_keeps_chrome() -> None:
    total = SiteLineCollector(max_keys=50)
    for i in range(40):
        part = SiteLineCollector(max_keys=50)
        part.add(f"Menu\nAbout\nunique line {i}\nanother unique {i}\n", "s", str(i))
        total.merge(part)
    stats = total.finish()
    assert stats.count("s", "Menu") == 40 and stats.count("s", "About") == 40
    assert sum(len(c) for c in total.lines.values()) <= 50 + 2
