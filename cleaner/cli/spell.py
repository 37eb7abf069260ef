"""``cleaner spell``: the spelling stage's speller, apart from pages.

How users debug a surprising fix (the same vocabularies and settings as the stage print why a word is
fixed or kept), and how the stage is measured on misspelling lists (``--file TSV``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from cleaner.rulebook.load import default_rules_dir


def vocab_options(rule_dirs: list[Path], wanted: list[str]) -> dict[str, object]:
    """`cleaner.api.vocab_options`, with a vocabulary that is neither declared nor a file as a usage error."""
    from cleaner.api import vocab_options as options

    try:
        return options(rule_dirs, wanted)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--vocab") from exc


def build_speller(rules: tuple[Path, ...], vocab: tuple[str, ...], general_only: bool, lang: str = "en") -> object:
    """A `Speller` configured like the stage (or with the general list only)."""
    from cleaner.core.page import Page
    from cleaner.core.pipeline import RulesInvalid, make_context
    from cleaner.stages.spelling import Speller, SpellingStage, select_vocabularies

    try:
        ctx = make_context(list(rules) or [default_rules_dir()], options={"vocab": list(vocab)} if vocab else None)
    except RulesInvalid as exc:
        for err in exc.errors:
            click.echo(err, err=True)
        sys.exit(2)
    stage = SpellingStage()
    cfg = stage.settings(ctx)
    if general_only:
        return Speller(cfg, [], lang)
    page = Page("", name="", site="")
    try:
        vocabs = select_vocabularies(ctx.rules_for(stage.name, page, ("vocabulary",)), list(vocab) or None)
    except ValueError as exc:
        click.echo(f"cleaner: {exc}", err=True)
        sys.exit(2)
    return Speller(cfg, vocabs, lang)


@click.command("spell")
@click.argument("words", nargs=-1)
@click.option("--rules", "rules", multiple=True, type=click.Path(path_type=Path), help="Rule directory (default: the shipped rules).")
@click.option("--vocab", "vocab", multiple=True, metavar="NAME_OR_FILE", help="Use only these vocabularies (repeatable).")
@click.option("--general-only", is_flag=True, help="Only the general word list (wordfreq), no domain vocabularies.")
@click.option("--lang", default="en", show_default=True, help="Language of the words.")
@click.option("--file", "tsv", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Score a list of misspelling<TAB>correction pairs instead (accuracy, words per second).")
@click.option("--context", "context", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A page whose vocabulary the decisions use, as the spelling stage does on that page.")
def spell_command(words: tuple[str, ...], rules: tuple[Path, ...], vocab: tuple[str, ...], general_only: bool, lang: str,
                  tsv: Path | None, context: Path | None = None) -> None:
    """Print WORD<TAB>CORRECTION<TAB>REASON for each word (or each line of standard input).

    The correction equals the word when it is left alone; the reason says why either way.  Without
    ``--context`` each word is decided alone (its likeliest correction, unless it is a real word); with it, as
    the spelling stage decides on that page (names, jargon and short words kept by the prose gates).
    """
    from cleaner.stages.spelling import Speller

    speller = build_speller(rules, vocab, general_only, lang)
    assert isinstance(speller, Speller)
    if context is not None:  # the stage's decision on that page
        speller.for_page(context.read_text(encoding="utf-8", errors="replace"))
    else:  # a word alone: no page says whether it is a name or jargon (`Speller._check_isolated`)
        speller.isolated = True
    if tsv is not None:
        score_file(speller, tsv)
        return
    items = list(words) or [ln.strip() for ln in sys.stdin if ln.strip()]
    for w in items:
        v = speller.check(w)
        click.echo(f"{w}\t{v.correction}\t{v.reason}")


def score_file(speller: object, tsv: Path) -> None:
    """Fixes right / kept / wrong over a misspelling list, and how many words a second."""
    from cleaner.stages.spelling import Speller

    assert isinstance(speller, Speller)
    pairs: dict[str, set[str]] = {}
    for line in tsv.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and " " not in parts[0] and parts[0] != parts[1]:
            pairs.setdefault(parts[0], set()).add(parts[1])
    right = kept = wrong = sugg_right = 0
    t0 = time.perf_counter()
    for w, targets in pairs.items():
        v = speller.check(w)
        if v.fixed:
            right += v.correction in targets
            wrong += v.correction not in targets
        else:
            kept += 1
        sugg_right += speller.suggest(w) in targets
    secs = time.perf_counter() - t0
    n = len(pairs) or 1
    click.echo(f"{tsv.name}: {len(pairs)} misspellings: fixed right {right} ({right / n:.1%}), wrong {wrong} ({wrong / n:.1%}), "
               f"kept {kept} ({kept / n:.1%}); best suggestion right {sugg_right} ({sugg_right / n:.1%}); "
               f"{len(pairs) / secs if secs else 0:,.0f} words/s")
