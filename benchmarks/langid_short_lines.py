#!/usr/bin/env python3
"""Language ID on short lines: accuracy and speed of py3langid (and lingua, when installed) on ~200 lines.

Lines come from ../shared/bench (never copied into the repo): English sentences from the Zyte boilerplate
gold texts, German, Croatian, Chinese and English sentences from the htmltotext gold texts.  Besides raw
language accuracy it measures the decision the spam stage takes on an English page ("is this line in
another language?"), for langid alone and for the stage's OffLanguage check (langid + wordfreq).

    .venv/bin/python benchmarks/langid_short_lines.py [BENCH_DIR]
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from pathlib import Path

import regex

BENCH = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "bench"
SPLIT = regex.compile(r"(?<=[.!?。！？])\s*")
WANT = {"en": 100, "de": 40, "hr": 40, "zh": 20}


def short_lines(text: str, lang: str) -> list[str]:
    out = []
    for para in text.splitlines():
        for s in SPLIT.split(para):
            s = s.strip()
            n = len(s) if lang == "zh" else len(s.split())
            lo, hi = (8, 40) if lang == "zh" else (4, 12)
            if lo <= n <= hi and regex.search(r"\p{L}{3}", s):
                out.append(s)
    return out


def gather() -> list[tuple[str, str]]:
    pools: dict[str, list[str]] = {k: [] for k in WANT}
    zyte = BENCH / "boilerplate"
    with open(zyte / "manifest.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if float(row["non_ascii_ratio_gold"] or 0) < 0.01:
                pools["en"] += short_lines((zyte / f"{row['id']}.gold.txt").read_text(encoding="utf-8"), "en")[:3]
    h2t = BENCH / "boilerplate_htmltotext"
    for p in sorted(h2t.glob("*.gold.txt")):
        lang = p.name.split("-", 1)[0]
        if lang in pools and lang != "en":
            pools[lang] += short_lines(p.read_text(encoding="utf-8"), lang)
    # a few Zyte pages are Indonesian or Italian: an English line must be mostly English dictionary words
    # (wordfreq, independent of the language identifiers measured here)
    from wordfreq import zipf_frequency

    def english(s: str) -> bool:
        ws = regex.findall(r"\p{L}+", s.lower())
        return sum(zipf_frequency(w, "en") >= 3.0 for w in ws) >= 0.8 * len(ws)

    pools["en"] = [s for s in pools["en"] if english(s)]
    lines = []
    for lang, n in WANT.items():
        pool = pools[lang]
        step = max(1, len(pool) // n)
        lines += [(lang, s) for s in pool[::step][:n]]
    return lines


def run(name: str, fn, lines: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    fn(lines[0][1])  # load the model outside the timing
    t = time.perf_counter()
    got = [fn(s) for _, s in lines]
    dt = time.perf_counter() - t
    ok = Counter(lang for (lang, _), g in zip(lines, got) if g == lang)
    tot = Counter(lang for lang, _ in lines)
    flag_ok = sum((g != "en") == (lang != "en") for (lang, _), g in zip(lines, got))
    en_fp = sum(1 for (lang, _), g in zip(lines, got) if lang == "en" and g != "en")
    per = ", ".join(f"{k} {ok[k]}/{tot[k]}" for k in WANT)
    print(f"{name:<28} accuracy {sum(ok.values()) / len(lines):.3f} ({per}); off-language decision {flag_ok / len(lines):.3f}, "
          f"English lines flagged {en_fp}/{tot['en']}; {len(lines) / dt:,.0f} lines/s")


def main() -> None:
    lines = gather()
    print(f"{len(lines)} short lines ({dict(Counter(lang for lang, _ in lines))}) from {BENCH}")
    try:
        from cleaner.resources.langid import detect

        run("py3langid", lambda s: detect(s)[0], lines)
        from cleaner.stages.spam import OffLanguageJudge, OffLanguageSettings, SpamStage

        judge = OffLanguageJudge(OffLanguageSettings.from_values(SpamStage.defaults))

        def stage_decision(s: str) -> str:
            verdict = judge.judge(s, "en")
            return verdict[1]["lang"] if verdict else "en"

        run("spam OffLanguage (en page)", stage_decision, lines)
    except ImportError as exc:
        print(f"cleaner not importable ({exc}); run from the repo's .venv")
    try:
        from lingua import LanguageDetectorBuilder

        det = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

        def lingua_code(s: str) -> str:
            lang = det.detect_language_of(s)
            return lang.iso_code_639_1.name.lower() if lang is not None else ""

        run("lingua (all languages)", lingua_code, lines)
    except ImportError:
        print("lingua not installed (bench-only peer: pip install lingua-language-detector in a separate venv)")


if __name__ == "__main__":
    main()
