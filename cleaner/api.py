"""``cleaner`` as a library: clean texts in your own code, with the same rules, statistics and edits as ``cleaner run``.

    from cleaner import Cleaner, restore

    cleaner = Cleaner()                                   # the shipped rules; or rules=[...], add_rules=[...]
    result = cleaner.clean(page_text, site="example.org")
    result.text, result.edits                             # the clean text and every edit (stage, rule, reason)
    assert restore(result.text, result.edits) == page_text

    cleaner.scan(pages)                                   # corpus statistics first (site repetition, corpus
    results = cleaner.clean_many(pages)                   # vocabulary, copies across pages), as `cleaner run`

A page is a text, a ``(text, site)`` pair or a ``(text, site, name)`` triple.  Given the same pages with the names
and sites ``cleaner run`` gives them (a page's path below the input folder; its folder, or the page itself when it
lies loose), ``clean_many`` after ``scan`` gives exactly ``cleaner run``'s text and edits.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.core.page import Edit, Page, restore_text
from cleaner.core.pipeline import RulesInvalid, clean_page, make_context
from cleaner.io.changelog import page_header, serialize_log
from cleaner.io.shards import ScanTotals, collectors_of
from cleaner.rulebook.load import default_rules_dir
from cleaner.stages import STAGE_NAMES, choose_stages, load_stage_rules, stages_for

PageInput = str | tuple[str, str] | tuple[str, str, str]


class CleanerError(ValueError):
    """Rules that do not load, or options that do not fit; ``errors`` lists every problem (``file:line: ...``)."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Result:
    """One cleaned page: the clean text, the edits in raw offsets, and the header its change log would have."""

    text: str
    edits: list[Edit]
    header: dict[str, Any] = field(default_factory=dict)

    def log(self) -> bytes:
        """The change log as ``cleaner run`` writes it beside a ``.txt`` page (header line, then one edit a line)."""
        return serialize_log(self.header, self.edits)

    def edits_json(self) -> list[dict[str, Any]]:
        return [e.to_json() for e in self.edits]


def restore(text: str, edits: Sequence[Edit]) -> str:
    """The raw text back from a clean text and its edits (what ``cleaner restore`` does for a file)."""
    return restore_text(text, list(edits))


def vocab_options(rule_dirs: list[Path], wanted: Sequence[str]) -> dict[str, object]:
    """Run options for the spelling stage: the selected vocabularies and a digest of their words.

    The digest goes into every page's manifest key, so editing a word list re-cleans the pages.  Raises ValueError
    for a vocabulary that is neither declared nor a file.
    """
    from cleaner.stages.spelling import select_vocabularies, vocab_path

    h = hashlib.sha256()
    declared = [r for r in load_stage_rules(rule_dirs).rules if r.type == "vocabulary"]
    select_vocabularies(declared, list(wanted) or None)
    paths = [vocab_path(r) for r in declared] + [Path(w) for w in wanted if Path(w).is_file()]
    for p in sorted(set(paths)):
        if p.is_file():
            h.update(p.read_bytes())
    out: dict[str, object] = {"vocab_digest": h.hexdigest()[:16]} if paths else {}
    if wanted:
        out["vocab"] = [str(Path(w).resolve()) if Path(w).is_file() else w for w in wanted]
    return out


def chrome_model_options(path: Path | None) -> dict[str, Any]:
    """The run's chrome model (when given) and the digest of the model used, so a resumed run notices a new one."""
    used = Path(path) if path else default_rules_dir() / "chrome" / "model.json"
    out: dict[str, Any] = {"chrome_model": str(Path(path).resolve())} if path else {}
    if used.exists():
        out["chrome_model_digest"] = hashlib.sha256(used.read_bytes()).hexdigest()[:16]
    return out


def _as_page(item: PageInput, n: int) -> tuple[str, str, str]:
    """(text, site, name) of a page given as a text, a pair or a triple; a page without a site is its own."""
    if isinstance(item, str):
        name = f"page{n:06d}"
        return item, name, name
    if len(item) == 2:
        text, site = item[0], item[1]
        return text, site, f"page{n:06d}"
    text, site, name = item[0], item[1], item[2]  # type: ignore[misc]
    return text, site, name


class Cleaner:
    """The pipeline with its rules loaded once; ``clean`` a page, or ``scan`` a corpus then ``clean_many`` it.

    ``rules`` replaces the shipped rules (folders or files), ``add_rules`` adds to them; ``vocab`` selects the
    spelling vocabularies (declared names or word-list files); ``stages`` runs only these stages (in the pipeline's
    order), ``skip_stages`` all but these; ``preset`` how bold (conservative, default, thorough); ``keep_comments``
    keeps reader comments and forum posts; ``chrome_model`` is a model from ``cleaner chrome train``; ``dedup_corpus`` removes paragraphs copied from an earlier page instead of only reporting them;
    ``check_examples`` runs every rule's examples first (``cleaner run`` does, unless ``--skip-examples``).
    """

    def __init__(self, rules: Sequence[Path | str] | None = None, add_rules: Sequence[Path | str] = (),
                 vocab: Sequence[str] = (), stages: Sequence[str] | None = None, skip_stages: Sequence[str] = (),
                 dedup_corpus: bool = False, preset: str | None = None, keep_comments: bool = False,
                 chrome_model: Path | str | None = None,
                 regex_timeout: float = 1.0, check_examples: bool = False) -> None:
        self.rule_dirs = [Path(p) for p in (rules or [default_rules_dir()])] + [Path(p) for p in add_rules]
        missing = [f"{d}: rules directory does not exist" for d in self.rule_dirs if not d.exists()]
        chosen = list(STAGE_NAMES)
        try:
            chosen = choose_stages(list(stages or ()), list(skip_stages))
        except ValueError as exc:
            missing.append(str(exc))
        if missing:
            raise CleanerError(missing)
        self.options: dict[str, Any] = {"regex_timeout": regex_timeout}
        if len(chosen) < len(STAGE_NAMES):
            self.options["stages"] = chosen
        if dedup_corpus:
            self.options["dedup_corpus"] = True
        if preset:
            self.options["preset"] = preset
        if keep_comments:
            self.options["keep_comments"] = True
        self.options.update(chrome_model_options(Path(chrome_model) if chrome_model else None))
        try:
            self.ctx = make_context(self.rule_dirs, options=self.options)
        except RulesInvalid as exc:
            raise CleanerError(exc.errors) from None
        if check_examples:
            from cleaner.rulebook.examples import run_examples

            failures, _ = run_examples(self.ctx.rules, self.options)
            if failures:
                raise CleanerError(failures)
        try:
            self.options.update(vocab_options(self.rule_dirs, vocab))
        except ValueError as exc:
            raise CleanerError([f"vocab: {exc}"]) from None
        self.stages = stages_for(self.options)

    def scan(self, pages: Iterable[PageInput]) -> None:
        """Gather the corpus statistics the stages use (site repetition, corpus vocabulary, copies across pages)
        from these pages; the next ``clean`` and ``clean_many`` use them."""
        collectors = collectors_of(self.stages, self.ctx)
        totals = ScanTotals()
        shas = []
        for n, item in enumerate(pages):
            text, site, name = _as_page(item, n)
            shas.append(hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest())
            for col in collectors.values():
                col.add(text, site, name)
        totals.add(collectors, shas)
        self.ctx.stats = totals.finish() if collectors else {}

    def save_stats(self, path: Path) -> None:
        """Keep the statistics of the last ``scan`` in a file (a pickle: for this and other processes, trusted)."""
        from cleaner.io.pages import atomic_write

        atomic_write(Path(path), pickle.dumps(self.ctx.stats, protocol=pickle.HIGHEST_PROTOCOL))

    def load_stats(self, path: Path) -> None:
        """Use statistics a ``scan`` saved with ``save_stats`` (only load files you wrote: they are pickles)."""
        self.ctx.stats = pickle.loads(Path(path).read_bytes())

    def clean(self, text: str, site: str | None = None, name: str = "page") -> Result:
        """Clean one page (with the statistics of the last ``scan``, if any)."""
        page = clean_page(Page(text, name=name, site=site if site is not None else name), self.ctx, self.stages)
        return Result(page.text, page.edits, page_header(page, self.ctx.rules))

    def clean_many(self, pages: Iterable[PageInput]) -> Iterator[Result]:
        """Clean pages in order; after ``scan`` over the same pages, exactly what ``cleaner run`` gives."""
        for n, item in enumerate(pages):
            text, site, name = _as_page(item, n)
            yield self.clean(text, site, name)
