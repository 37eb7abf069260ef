"""Labels from gold, training, and the model as data: deterministic, readable, usable by a run."""

from __future__ import annotations

import json
from pathlib import Path

import regex
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.rulebook.load import default_rules_dir
from cleaner.stages.chrome.labels import LabelledPage, label_lines
from cleaner.stages.chrome.model import FEATURES, ChromeModel, compile_lexicon, line_features
from cleaner.stages.chrome.train import INSIDE_BARS, OUTSIDE_BARS, dumps, site_alone, train

PAGES = Path(__file__).resolve().parent / "pages" / "chrome"


def test_labels_follow_the_gold_in_order_with_partial_repeated_and_headline_lines() -> None:
    raw = "\n".join([
        "Home", "A day at the lake", "We walked to the lake at dawn and swam before breakfast.",
        "Share", "We walked to the lake at dawn and swam before breakfast.",
        "Later we ate bread and cheese under the trees. Photo: Anna", "Comments"])
    gold = "We walked to the lake at dawn and swam before breakfast.\n\nLater we ate bread and cheese under the trees."
    got = {raw.splitlines()[x.line]: (x.content, x.kind) for x in label_lines(raw, gold, headline="A day at the lake")}
    assert got["Home"] == (False, "none") and got["Share"] == (False, "none") and got["Comments"] == (False, "none")
    assert got["A day at the lake"] == (True, "headline")  # the product keeps the headline some gold drops
    assert got["Later we ate bread and cheese under the trees. Photo: Anna"] == (True, "partial")
    kinds = [x.kind for x in label_lines(raw, gold)]
    assert kinds.count("exact") == 1 and kinds.count("repeat") == 1  # the copy of a gold line is chrome


def test_training_is_deterministic_and_the_model_file_is_readable(tmp_path: Path) -> None:
    first = dumps(train([PAGES]))
    assert dumps(train([PAGES])) == first  # the same pages give the same bytes
    model = json.loads(first)
    assert model["features"] == list(FEATURES) and model["trees"] and set(model["gate"]["weights"])
    assert model["trained_on"]["pages"] == 2
    ChromeModel(model)  # loads without any training dependency


def test_the_shipped_model_is_in_its_canonical_form() -> None:
    """`make train-chrome` writes the model with `dumps`: the shipped file is exactly that serialization."""
    path = default_rules_dir() / "chrome" / "model.json"
    text = path.read_text(encoding="utf-8")
    assert dumps(json.loads(text)) == text
    model = json.loads(text)
    assert set(model["trained_on"]["folders"]) == {"boilerplate", "boilerplate_htmltotext", "readability", "seeds"}


def _model_edits(tmp_path: Path, tag: str, *options: str) -> int:
    inp, out = tmp_path / f"in-{tag}", tmp_path / f"out-{tag}"
    inp.mkdir()
    (inp / "page.txt").write_text((PAGES / "fr-tarte.raw.txt").read_text(encoding="utf-8"), encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(inp), "-o", str(out), "-j", "1", "-q", "--skip-examples", *options])
    assert res.exit_code == 0, res.output
    log = [json.loads(x) for x in (out / "page.changes.jsonl").read_text(encoding="utf-8").splitlines()[1:]]
    return sum(e["rule"] == "chrome.model.line" for e in log)


def test_cli_trains_a_model_and_a_run_uses_the_model_it_is_given(tmp_path: Path) -> None:
    model = tmp_path / "model.json"
    res = CliRunner().invoke(main, ["chrome", "train", str(PAGES), "-o", str(model)])
    assert res.exit_code == 0, res.output
    assert "trained on 2 pages" in res.output and json.loads(model.read_text(encoding="utf-8"))["trees"]
    assert _model_edits(tmp_path, "shipped") > 0
    # a model that calls nothing chrome: the run removes no line by the model
    data = json.loads((default_rules_dir() / "chrome" / "model.json").read_text(encoding="utf-8"))
    data.update(base=-10.0, trees=[])
    model.write_text(dumps(data), encoding="utf-8")
    assert _model_edits(tmp_path, "given", "--chrome-model", str(model)) == 0


def test_the_lexicon_finds_what_one_alternation_of_its_phrases_finds() -> None:
    """The compiled matcher gives the matches of the plain longest-first alternation."""
    phrases = {"kommentar", "kommentar schreiben", "teilen", "share this*", "e-mail", "© 20", "abonnieren", "ab"}
    lex = compile_lexicon(phrases)
    alts = []
    for p in sorted(phrases, key=lambda x: (-len(x), x)):
        body = regex.escape(p.rstrip("*")) + (r"\w*" if p.endswith("*") else "")
        alts.append(body + (r"(?!\w)" if p[-1:].isalnum() or p.endswith("*") else ""))
    plain = regex.compile(r"(?<!\w)(?:" + "|".join(alts) + ")", regex.IGNORECASE)
    for line in ["Kommentar schreiben | Teilen | Share this article", "Kommentare (3): Abonnieren per E-Mail",
                 "© 2024 Beispiel Verlag – teilenswert, abteilen, Ab jetzt", "Sharethis kommentar", ""]:
        assert lex.spans(line) == [(m.start(), m.end()) for m in plain.finditer(line)], line
    assert lex.spans("Kommentar schreiben") == [(0, 19)]  # the longest phrase wins


def test_training_chooses_the_bars_by_cross_validation_and_a_run_uses_them(tmp_path: Path) -> None:
    """Three folders of pages: each held out in turn scores the pairs of bars; the pair chosen is stored in the
    model, and a run uses the model's bars (here forced to remove nothing) unless told to use its settings."""
    folders = []
    for k in range(3):
        folder = tmp_path / f"set{k}"
        folder.mkdir()
        for page in sorted(PAGES.glob("*.raw.txt")):
            name = page.name.removesuffix(".raw.txt")
            for copy in range(5):  # each folder: ten pages, on their own sites
                (folder / f"{name}-{copy}.raw.txt").write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
                (folder / f"{name}-{copy}.gold.txt").write_text(
                    (PAGES / f"{name}.gold.txt").read_text(encoding="utf-8"), encoding="utf-8")
        folders.append(folder)
    model = train(folders, keeps_comments=frozenset({"set2"}))
    bars = model["decision"]
    assert bars["threshold_inside"] in INSIDE_BARS and bars["threshold_outside"] in OUTSIDE_BARS
    assert "cross-validated over 3 held-out groups" in bars["how"]
    assert model["trained_on"]["keeping_comments"] == ["set2"]
    model["decision"] = {"threshold_inside": 1.01, "threshold_outside": 1.01}
    path = tmp_path / "model.json"
    path.write_text(dumps(model), encoding="utf-8")
    assert _model_edits(tmp_path, "never", "--chrome-model", str(path)) == 0
    settings = tmp_path / "rules" / "chrome"
    settings.mkdir(parents=True)
    (settings / "bars.yaml").write_text(
        "- id: test.chrome.bars\n  type: settings\n  reason: the settings' bars, not the model's\n"
        "  settings:\n    model_learned_thresholds: false\n", encoding="utf-8")
    assert _model_edits(tmp_path, "settings", "--chrome-model", str(path), "--add-rules", str(settings / "bars.yaml")) > 0


def test_keep_comments_is_an_input_of_the_model() -> None:
    texts = ["Home", "A long sentence of the article that says something about the river and the town.", "Reply"]
    off = line_features(texts, "s", None, None)
    on = line_features(texts, "s", None, None, keep_comments=True)
    col = FEATURES.index("keep_comments")
    assert off[:, col].tolist() == [0, 0, 0] and on[:, col].tolist() == [1, 1, 1]


def test_a_folder_of_sites_with_several_pages_is_also_seen_one_page_a_site() -> None:
    """Site repetition takes a site's menus when its other pages are there; a run over pages of different sites
    sees them, so training also sees the first page of each site alone (and nothing more when sites have one page)."""
    pages = [LabelledPage(f"p{k}", "Home\nText of the page.", "Text of the page.", site, "en", [])
             for k, site in enumerate(["a.example", "a.example", "b.example"])]
    alone = site_alone(pages)
    assert [(p.name, p.site) for p in alone] == [("p0", "alone/a.example"), ("p2", "alone/b.example")]
    assert site_alone([pages[0], pages[2]]) == []
