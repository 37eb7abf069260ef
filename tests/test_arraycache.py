"""Unpacked models and word lists are cached on disk: the same answers, a fast start, and never a failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cleaner.resources import arraycache


def _build() -> dict[str, np.ndarray]:
    return {"a": np.arange(10, dtype=np.int64), "b": np.array(["x", "yz"])}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_second_read_comes_from_the_cache_memory_mapped(cache: Path) -> None:
    calls: list[int] = []

    def build() -> dict[str, np.ndarray]:
        calls.append(1)
        return _build()

    first = arraycache.cached_arrays("k", "n", "v1", ("a", "b"), build)
    second = arraycache.cached_arrays("k", "n", "v1", ("a", "b"), build)
    assert calls == [1]
    assert isinstance(second["a"].base, np.memmap) and not second["a"].flags.writeable
    assert all(np.array_equal(first[k], second[k]) for k in ("a", "b"))
    arraycache.cached_arrays("k", "n", "v2", ("a", "b"), build)  # a new version of the source: built again
    assert calls == [1, 1]


def test_a_damaged_entry_is_rebuilt(cache: Path) -> None:
    arraycache.cached_arrays("k", "n", "v1", ("a", "b"), _build)
    (entry,) = (cache / "k").iterdir()
    (entry / "a.npy").write_bytes((entry / "a.npy").read_bytes()[:40])
    again = arraycache.cached_arrays("k", "n", "v1", ("a", "b"), _build)
    assert np.array_equal(again["a"], np.arange(10))
    assert np.array_equal(np.load(entry / "a.npy"), np.arange(10))  # and stored whole again


def test_older_versions_are_pruned_and_the_last_used_kept(cache: Path) -> None:
    """Upgrades do not pile up entries: storing a new version keeps it and the version used last before it."""
    import os

    def entries() -> set[str]:
        return {p.name for p in (cache / "k").iterdir()}

    arraycache.cached_arrays("k", "n", "v1", ("a", "b"), _build)
    (v1,) = entries()
    arraycache.cached_arrays("k", "n", "v2", ("a", "b"), _build)
    (v2,) = entries() - {v1}
    arraycache.cached_arrays("k", "other", "v1", ("a", "b"), _build)  # another name: never pruned for "n"
    os.utime(cache / "k" / v1, (1000, 1000))
    os.utime(cache / "k" / v2, (2000, 2000))
    arraycache.cached_arrays("k", "n", "v3", ("a", "b"), _build)
    assert v2 in entries() and v1 not in entries() and len(entries()) == 3
    arraycache.cached_arrays("k", "n", "v2", ("a", "b"), _build)  # reading marks it used
    assert (cache / "k" / v2).stat().st_mtime > 2000


def test_a_package_file_is_known_by_its_name_and_size_wherever_installed(tmp_path: Path) -> None:
    """Every virtualenv has its own copy of the model: one cache entry serves them all."""
    for where in ("venv-a", "venv-b"):
        (tmp_path / where).mkdir()
        (tmp_path / where / "model.tar.lzma").write_bytes(b"x" * 100)
    assert arraycache.source_stamp(tmp_path / "venv-a" / "model.tar.lzma") == arraycache.source_stamp(
        tmp_path / "venv-b" / "model.tar.lzma")


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(blocker / "cache"))  # root ignores permissions; this fails for all
    got = arraycache.cached_arrays("k", "n", "v1", ("a", "b"), _build)
    assert np.array_equal(got["a"], np.arange(10))


def test_cached_language_model_and_word_lists_give_the_packages_answers(cache: Path) -> None:
    """A fresh process builds the cache, a second reads it; both agree with py3langid and wordfreq themselves."""
    code = (
        "from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier\n"
        "from wordfreq import zipf_frequency\n"
        "from cleaner.resources import langid, lexicon\n"
        "ref = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)\n"
        "texts = ['Das ist ein kleiner Test.', 'Ceci est un petit test.', 'A small test, in English.', '東京は日本の首都です', '12 34']\n"
        "assert [langid._identifier().classify(t) for t in texts] == [ref.classify(t) for t in texts]\n"
        "words = [('house', 'en'), ('Haus', 'de'), ('maison', 'fr'), ('xqzt', 'en'), ('route 66', 'en')]\n"
        "assert [lexicon.zipf(w, l) for w, l in words] == [zipf_frequency(w, l) for w, l in words]\n"
    )
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], check=True)
    assert {p.name for p in cache.iterdir()} == {"langid", "wordlists"}
