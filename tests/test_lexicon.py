"""The compact word lists give wordfreq's own answers, and do not keep wordfreq's 50 MB per language."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from wordfreq import top_n_list, zipf_frequency

from cleaner.resources import lexicon

_ODD = ["", "  ", "xqzt", "hello world", "3.14", "1999", "route 66", "co-operate", "l'homme", "Straße", "İstanbul",
        "don't", "e-mail", "C++", "ＡＢＣ", "naïve", "ǅemal", "👍", "über-cool"]


@pytest.mark.parametrize("lang", ["en", "fr", "de", "ru", "ar", "tr", "sh", "nb", "hi"])
def test_zipf_is_wordfreqs_zipf_frequency(lang: str) -> None:
    words = [w for bucket in lexicon.buckets(lang) for w in bucket]
    rng = random.Random(lang)
    sample = rng.sample(words, 1500) + _ODD
    sample += [w.upper() for w in sample[:200]] + [w + "zq" for w in sample[:200]]
    sample += [f"{a} {b}" for a, b in zip(sample[:100], sample[100:200])]  # two tokens: frequencies combined
    assert [lexicon.zipf(w, lang) for w in sample] == [zipf_frequency(w, lang) for w in sample]


def test_top_words_are_wordfreqs_top_n_list() -> None:
    for lang in ["en", "es", "pl", "sh", "fi", "el", "he"]:
        assert lexicon.top_words(lang, 150) == top_n_list(lang, 150)


def test_twelve_word_lists_stay_small() -> None:
    """wordfreq's own lookup would hold ~50 MB per list opened; the compact tables hold a few MB each."""
    langs = ["en", "fr", "de", "es", "it", "pt", "nl", "pl", "sv", "fi", "tr", "ru"]
    # VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's (pytest's) high-water mark
    code = ("import re; from cleaner.resources import lexicon\n"
            f"for lang in {langs!r}: lexicon.zipf('house', lang); lexicon.top_words(lang, 150)\n"
            "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1])")
    peak_kb = int(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
    assert peak_kb < 350 * 1024, f"peak RSS {peak_kb // 1024} MB with 12 word lists open (wordfreq's own: ~580 MB)"
