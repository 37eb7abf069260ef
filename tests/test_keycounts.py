"""The scan's compact counts: the same totals as counting strings, and the strings the statistics need."""

from __future__ import annotations

import pickle
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.resources import keycounts
from cleaner.resources.keycounts import KeyCounts
from cleaner.resources.lexicon import word_key
from cleaner.stages.spam import SiteVocabulary, stem
from cleaner.stages.spelling import CorpusWords

WORDS = st.sampled_from(["hinge", "compost", "tomato", "zorbanite", "relatoonship", "a", "über", "日本語", "x" * 40])
BATCHES = st.lists(st.lists(st.tuples(WORDS, st.integers(1, 3)), max_size=12), min_size=1, max_size=12)


@pytest.fixture(autouse=True)
def small_folds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keycounts, "_MIN_FOLD", 4)  # fold every few additions: the path a big corpus takes


@settings(max_examples=150, deadline=None)
@given(BATCHES, st.integers(1, 4))
def test_merged_batches_count_as_one_counter_and_keep_the_strings_that_reach_the_threshold(
        batches: list[list[tuple[str, int]]], threshold: int) -> None:
    expected: Counter[str] = Counter()
    run: KeyCounts | None = None
    for batch in batches:
        kc = KeyCounts(width=2, keep_strings_from=1)  # a worker's batch keeps every string
        for w, n in batch:
            kc.add([word_key(w)], [(n, 1)], [w])
            expected[w] += n
        kc = pickle.loads(pickle.dumps(kc))
        if run is None:
            run, kc = kc, None
            run.keep_strings_from = threshold
        if kc is not None:
            run.merge(kc)
    assert run is not None
    keys, counts = run.arrays()
    by_key = {word_key(w): w for w in expected}
    assert {by_key[k]: n for k, n in zip(keys.tolist(), counts[:, 0].tolist())} == dict(expected)
    assert list(keys) == sorted(keys)
    for w, n in expected.items():
        if n >= threshold:
            assert run.strings[word_key(w)] == w


def test_corpus_words_through_workers_equal_one_collector() -> None:
    pages = ["Our zorbanite filters are tested.", "Every zorbanite panel ships.", "A relatoonship, once.",
             "Tested filters, tested panels."] * 3
    one = CorpusWords(min_count=2, min_pages=2)
    for i, text in enumerate(pages):
        one.add(text, "s", f"p{i}")
    merged: CorpusWords | None = None
    for i, text in enumerate(pages):
        batch = CorpusWords(min_count=2, min_pages=2)
        batch.add(text, "s", f"p{i}")
        batch = pickle.loads(pickle.dumps(batch))
        if merged is None:
            merged = batch
        else:
            merged.merge(batch)
    assert merged is not None
    found = merged.finish()
    assert found == one.finish()
    assert found["count"]["zorbanite"] == 6 and found["pages"]["zorbanite"] == 6
    assert "relatoonship" in found["count"]  # three pages
    assert "once" in found["count"]


def test_merged_corpus_words_keep_no_string_for_a_word_seen_once() -> None:
    merged = CorpusWords()
    merged.add("common words here", "s", "a")
    for text in ["common words there", "common words everywhere"]:
        batch = CorpusWords()
        batch.add(text, "s", "b")
        merged.merge(pickle.loads(pickle.dumps(batch)))
    merged.totals.arrays()
    assert set(merged.totals.strings.values()) >= {"common", "words"}
    assert "everywhere" not in merged.totals.strings.values()  # counted, by key only
    assert set(merged.finish()["count"]) == {"common", "words"}


def test_site_vocabulary_through_workers_equals_one_collector() -> None:
    pages = [("garden.example", "Hinges squeak. Compost."), ("garden.example", "Hinges again, and tomatoes."),
             ("garden.example", "Hinges, compost."), ("other.example", "Hinges elsewhere."),
             ("other.example", "Squeaky hinges, squeak elsewhere.")]
    one = SiteVocabulary(min_site_pages=1)
    merged: SiteVocabulary | None = None
    for i, (site, text) in enumerate(pages):
        one.add(text, site, f"p{i}")
        batch = SiteVocabulary(min_site_pages=1)
        batch.add(text, site, f"p{i}")
        batch = pickle.loads(pickle.dumps(batch))
        merged = batch if merged is None else (merged.merge(batch) or merged)
    assert merged is not None
    a, b = one.finish(), merged.finish()
    asked = [stem(w) for w in ["hinges", "compost", "tomatoes", "elsewhere", "never"]]
    for site in ("garden.example", "other.example"):
        assert a["df"].lookup(site, asked) == b["df"].lookup(site, asked)
    assert b["df"].lookup("garden.example", asked)[stem("hinges")] == 3
    assert b["df"].lookup("other.example", asked)[stem("elsewhere")] == 2
    assert a["pages"] == b["pages"] == {"garden.example": 3, "other.example": 2}
