"""Time each concern the compiled core took over, in one process, on the bench pages: the text views (words,
sentence bounds of every line), language ID (every line with 20+ letters, and each page), the speller's
candidate search (the pages' words no list knows), spam's quoted-only test (every sentence), dedup's scan of
each page (keys and MinHash signatures) and its line keys, and the chrome model's lexicon (every line), line
features (each page's matrix) and tree scores (with and without the contributions).  Run it with each checkout's code (``PYTHONPATH=TREE``) to
compare the Python implementations with the core's: the same inputs, the best of ``--repeat`` timings, CPU time
of this process (``time.process_time``), memos cleared before each timing.

    PYTHONPATH=/tmp/base python benchmarks/core_components.py ../shared/bench
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from cleaner.cli.spell import build_speller
from cleaner.core import text
from cleaner.core.memo import clear_memos
from cleaner.core.pipeline import make_context
from cleaner.resources import langid
from cleaner.rulebook.load import default_rules_dir
from cleaner.stages.chrome import model as chrome_model
from cleaner.stages.dedup import DedupStage
from cleaner.stages.dedup import corpus as dedup_corpus
from cleaner.stages.dedup.settings import CorpusCopySettings
from cleaner.stages.spam import OffLanguageJudge, OffLanguageSettings, SpamStage


def _best(fn: Callable[[], object], repeat: int, clear: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        clear()
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def _clear_values() -> None:
    """A cold start for the per-line and per-word work: the memos of texts, lines and words emptied (tables kept)."""
    clear_memos(("text", "line", "word"))


def _dedup_scan(cfg: CorpusCopySettings, pages: list[str]) -> None:
    collector = dedup_corpus.CorpusCollector(cfg)
    for k, page in enumerate(pages):
        collector.add(page, "", str(k))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bench", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    pages = [p.read_text(encoding="utf-8", errors="surrogateescape") for p in sorted(args.bench.glob("*/*.raw.txt"))]
    lines = [ln.strip() for page in pages for ln in page.split("\n") if ln.strip()]
    long_lines = [ln for ln in lines if sum(c.isalpha() for c in ln) >= 20]
    speller = build_speller((default_rules_dir(),), (), False)
    unknown = sorted({w.casefold() for w in text.page_words("\n".join(pages)) if w.isalpha() and 5 <= len(w) <= 20
                      and speller.known(w.casefold()) is None})  # type: ignore[attr-defined]
    detect = getattr(langid.detect, "__wrapped__", langid.detect)
    langid._identifier()
    mb = sum(len(p.encode("utf-8", "surrogatepass")) for p in pages) / 1e6
    sentences = [s for ln in lines for s in text.sentence_texts(ln)]
    ctx = make_context([default_rules_dir()])  # the shipped settings, as `cleaner run` loads them
    quoted = OffLanguageJudge(OffLanguageSettings.from_values(ctx.settings("spam", SpamStage.defaults)))
    dedup_cfg = CorpusCopySettings.from_values(ctx.settings("dedup", DedupStage.defaults))
    lex = chrome_model.chrome_lexicon()
    spans = getattr(lex, "spans", None) or (lambda s: [m.span() for m in lex.finditer(s)])  # type: ignore[union-attr]
    model = chrome_model.ChromeModel.load(default_rules_dir() / "chrome" / "model.json")
    page_lines = [t for t in ([ln.strip() for ln in p.split("\n") if ln.strip()] for p in pages) if t]
    matrices = [chrome_model.line_features(t, "", None, lex) for t in page_lines]
    removed = [x[: max(1, len(x) // 4)] for x in matrices]  # the explained rows: those a page removes
    rows = [
        (f"words of {len(lines)} lines", lambda: [text.word_list(ln) for ln in lines], _clear_values),
        (f"sentence bounds of {len(lines)} lines", lambda: [text.sentence_bounds(ln) for ln in lines], _clear_values),
        (f"words of {len(pages)} pages", lambda: [text.page_words(p + " ") for p in pages], lambda: None),
        (f"langid of {len(long_lines)} lines", lambda: [detect(ln) for ln in long_lines], lambda: None),
        (f"langid of {len(pages)} pages", lambda: [langid.page_language(p) for p in pages], lambda: None),
        (f"candidates of {len(unknown)} unknown words", lambda: [speller.candidates(w) for w in unknown], lambda: None),  # type: ignore[attr-defined]
        (f"quoted-only test of {len(sentences)} sentences", lambda: [quoted._quoted_only(s) for s in sentences], lambda: None),
        (f"dedup scan of {len(pages)} pages (keys, MinHash)", lambda: _dedup_scan(dedup_cfg, pages), _clear_values),
        (f"dedup keys of {len(lines)} lines (norm_key)", lambda: [dedup_corpus.norm_key(ln) for ln in lines], _clear_values),
        (f"chrome lexicon of {len(lines)} lines", lambda: [spans(ln) for ln in lines], lambda: None),
        (f"chrome line features of {len(page_lines)} pages", lambda: [chrome_model.line_features(t, "", None, lex) for t in page_lines],
         _clear_values),
        (f"chrome tree scores of {sum(map(len, matrices))} lines", lambda: [model.scores(x) for x in matrices], lambda: None),
        (f"... with contributions, {sum(map(len, removed))} lines", lambda: [model.scores(x, explain=True) for x in removed], lambda: None),
    ]
    print(f"{len(pages)} pages, {mb:.2f} MB; CPU seconds, best of {args.repeat}")
    for name, fn, clear in rows:
        print(f"  {name:42s} {_best(fn, args.repeat, clear):7.3f} s")


if __name__ == "__main__":
    main()
