"""Spelling: fix misspelled words against vocabularies, and never touch a correct rare word.

Where candidates come from (each fix's reason names its source):

* **domain vocabularies**: plain word lists in ``rules/vocab/`` declared by ``vocabulary`` rules
  (``rules/spelling/vocabularies.yaml``), optionally scoped to sites, selected per run with ``--vocab``;
* **the corpus**: the scan pass counts words (`CorpusWords`); a word frequent in the corpus is
  vocabulary (never fixed, and a candidate), and a word frequent on the page is never fixed;
* **the general list**: wordfreq's English frequencies, used to know which words are real (a real word
  is not fixed) and as candidates.

Why wordfreq and no symspellpy at runtime: measured on the real misspelling sets (``make
bench-spelling``) the wordfreq-backed corrector is as accurate as symspellpy with its bundled dictionary,
and with the precision gates below it changes far fewer correct words on clean text; wordfreq is already
a dependency.

Precision first: a word is fixed only when it is unknown to every vocabulary, long enough, not a name
(capitalised mid-sentence), not in a URL, e-mail, code or number, on an English line (or a language a
vocabulary is configured for), and its best candidate is a short, explainable edit away (same first
letter, a keyboard slip or a transposition) and clearly better than the runner-up.  Every threshold is a
setting in ``rules/spelling/settings.yaml``.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import regex
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from cleaner import _core
from cleaner.core.page import Page, Proposal
from cleaner.core.text import lines, page_words, word_list, words_by_line
from cleaner.resources import lexicon
from cleaner.resources.keycounts import KeyCounts
from cleaner.resources.langid import detect, ensure_page_language
from cleaner.resources.lexicon import word_key
from cleaner.rulebook.load import Rule
from cleaner.stages.base import Context
from cleaner.stages.detector import Detector, DetectorStage, Settings, setting

# a whitespace-delimited chunk; the word inside it is found after stripping punctuation stuck to it
_CHUNK = regex.compile(r"[^\s—–…]+")  # a dash or an ellipsis between two words ('amendments—wasactually') parts them
#: a footnote or citation mark stuck to a word ('authorities.[126]'): not part of it
_CITATION = regex.compile(r"(?:\[\d{1,4}\])+$")
_CORE = regex.compile(r"^([\p{P}\p{S}]*)(\p{L}+(?:[-'’]\p{L}+)*)([\p{P}\p{S}]*)$")
_HYPHEN_SPLIT = regex.compile(r"([-'’])")
#: chunks that are URLs, e-mail addresses, paths, handles, code or numbers: never touched
_NOT_PROSE = regex.compile(r"://|^www\.|@|[/\\_=<>{}|#~^`]|\p{L}\.\p{L}|\d|\(\)|\w\(")
_CODE_LINE = regex.compile(r"[{};]\s*$|^\s*(?:def|class|import|from|return|var|let|const|function)\b|=>|==|\)\s*\{|\w\((?!s\))|::|^\s*#\d+")
_SENTENCE_END = regex.compile(r"""[.!?…:][\"'’”)\]]*$""")
#: the letter runs of a line: every word part `propose` checks is one of them
_LETTER_RUN = regex.compile(r"\p{L}+")

_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEYBOARD_STAGGER = (0.0, 0.25, 0.75)  # how far each row starts right of the top row's, in keys
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=1)
def _keyboard() -> dict[str, frozenset[str]]:
    """QWERTY neighbours of each letter: beside it in its row, and the keys touching it in the rows above and below
    (the rows are staggered by a quarter and a half key: 'g' touches 't', 'y', 'v' and 'b', not 'r' or 'n')."""
    pos = {c: (r, i + _KEYBOARD_STAGGER[r]) for r, row in enumerate(_KEYBOARD_ROWS) for i, c in enumerate(row)}
    out: dict[str, frozenset[str]] = {}
    for c, (r, x) in pos.items():
        out[c] = frozenset(d for d, (r2, x2) in pos.items()
                           if d != c and ((r2 == r and abs(x2 - x) == 1) or (abs(r2 - r) == 1 and abs(x2 - x) < 1)))
    return out


def adjacent(a: str, b: str) -> bool:
    return b in _keyboard().get(a, frozenset())


#: letters people swap for one another by sound, not by keyboard ('c'/'k'/'s', 'i'/'y'): a substitution between
#: two letters of one group is the `phonetic` edit class
_SOUND_GROUPS = ("cksq", "sz", "iy", "gj", "fv", "mn", "dt", "bp", "xs")

#: the weight of each edit class when `edit_cost` is called without the stage's settings (rules/spelling/settings.yaml
#: `edit_costs`, where they are tuned)
DEFAULT_EDIT_COSTS: dict[str, float] = {
    "transposed": 0.7, "keyboard": 0.6, "vowel": 0.8, "phonetic": 0.8, "other": 1.0, "doubled": 0.5, "vowel_indel": 0.9,
    "indel": 0.9, "first_letter": 0.0,
}


def _same_sound(a: str, b: str) -> bool:
    return any(a in g and b in g for g in _SOUND_GROUPS)


def edit_classes(word: str, cand: str) -> list[tuple[str, str]]:
    """The edits that turn ``cand`` into ``word``, each as (class, explanation): how people mistype (keyboard
    slips, vowels confused, letters doubled or undoubled, transpositions, letters swapped by their sound) are
    classes of their own, so the ranking can weigh them as often as writers make them."""
    if OSA.distance(word, cand) == 1 and Levenshtein.distance(word, cand) == 2:
        i = next(k for k in range(len(word)) if word[k] != cand[k])
        return [("transposed", f"transposed {cand[i:i + 2]}")]
    out: list[tuple[str, str]] = []
    skip = -1
    ops_list = list(Levenshtein.editops(word, cand))
    for k, op in enumerate(ops_list):
        if k == skip:
            continue
        if op.tag == "replace":
            a, b = word[op.src_pos], cand[op.dest_pos]
            nxt = ops_list[k + 1] if k + 1 < len(ops_list) else None
            if (nxt is not None and nxt.tag == "replace" and nxt.src_pos == op.src_pos + 1 and nxt.dest_pos == op.dest_pos + 1
                    and word[op.src_pos] == cand[nxt.dest_pos] and word[nxt.src_pos] == cand[op.dest_pos]):
                out.append(("transposed", f"transposed {cand[op.dest_pos:op.dest_pos + 2]}"))
                skip = k + 1
            elif adjacent(a, b):
                out.append(("keyboard", f"keyboard slip {b}→{a}"))
            elif a in _VOWELS and b in _VOWELS:
                out.append(("vowel", f"vowel {b}→{a}"))
            elif _same_sound(a, b):
                out.append(("phonetic", f"sound-alike {b}→{a}"))
            else:
                out.append(("other", f"{b}→{a}"))
        elif op.tag == "delete":  # the word has an extra letter
            a = word[op.src_pos]
            doubled = (op.src_pos > 0 and word[op.src_pos - 1] == a) or (op.src_pos + 1 < len(word) and word[op.src_pos + 1] == a)
            out.append(("doubled" if doubled else "vowel_indel" if a in _VOWELS else "indel", f"extra {a}"))
        else:  # insert: the word lacks a letter
            b = cand[op.dest_pos]
            doubled = (op.dest_pos > 0 and cand[op.dest_pos - 1] == b) or (op.dest_pos + 1 < len(cand) and cand[op.dest_pos + 1] == b)
            out.append(("doubled" if doubled else "vowel_indel" if b in _VOWELS else "indel", f"missing {b}"))
    return out


def edit_cost(word: str, cand: str, costs: dict[str, float] | None = None) -> tuple[float, str]:
    """Weighted edit cost of typing ``word`` for ``cand``, and a short explanation.

    Keyboard slips, vowel swaps, doubled letters and transpositions are cheaper than arbitrary edits:
    they are how people actually mistype, so they rank candidates better than a plain distance.  A changed
    first letter costs `first_letter` more (writers rarely get the first letter wrong).
    """
    w = costs or DEFAULT_EDIT_COSTS
    edits = edit_classes(word, cand)
    cost = sum(float(w[c]) for c, _ in edits)
    if word[:1] != cand[:1]:
        cost += float(w.get("first_letter", 0.0))
    return cost, ", ".join(e for _, e in edits)


def first_letter_explained(word: str, cand: str, vowels: bool = False) -> bool:
    """Same first letter, a keyboard slip on it (or, with ``vowels``, a vowel for a vowel or a sound-alike letter: c/k/s),
    or the first two letters swapped."""
    w, c = word.casefold(), cand.casefold()
    if not w or not c:
        return False
    if w[0] == c[0]:
        return True
    if (adjacent(w[0], c[0]) or (vowels and ((w[0] in _VOWELS and c[0] in _VOWELS) or _same_sound(w[0], c[0])))) and w[1:2] == c[1:2]:
        return True  # a slip on the first key, or a vowel or a sound confused ('inforcement', 'enyone', 'sertenly')
    return len(w) > 1 and len(c) > 1 and w[0] == c[1] and w[1] == c[0]


# -- vocabularies ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Vocabulary:
    """A plain word list: one word a line, '#' comments.  Casing matters: a capitalised entry is a name."""

    name: str
    lang: str
    words: dict[str, str]  # casefolded -> as written

    @classmethod
    def load(cls, path: Path, name: str = "", lang: str = "en") -> Vocabulary:
        return _load_vocab(str(path), name or path.stem, lang)


@lru_cache(maxsize=64)
def _load_vocab(path: str, name: str, lang: str) -> Vocabulary:
    words: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        w = line.split("#", 1)[0].strip()
        if not w:
            continue
        if line.lstrip().startswith("# lang:"):
            continue
        words.setdefault(w.casefold(), w)
    return Vocabulary(name, lang, words)


def vocab_path(rule: Rule) -> Path:
    """A vocabulary rule's ``path`` is relative to its YAML file (or the rules root above it)."""
    p = Path(rule.data["path"])
    if p.is_absolute():
        return p
    here = Path(rule.file).parent / p
    return here if here.exists() else Path(rule.file).parent.parent / p


def select_vocabularies(rules: list[Rule], wanted: list[str] | None, lang_default: str = "en") -> list[Vocabulary]:
    """The declared vocabularies (all, or those named in ``wanted``) plus any files named in ``wanted``.

    A name matches a vocabulary rule's id, its last dotted part or its file's stem.
    """
    out: list[Vocabulary] = []
    used: set[str] = set()
    for r in rules:
        path = vocab_path(r)
        names = {r.id, r.id.rsplit(".", 1)[-1], path.stem, str(r.data["path"])}
        if wanted is not None and not names & set(wanted):
            continue
        used |= names & set(wanted or [])
        out.append(Vocabulary.load(path, r.id.rsplit(".", 1)[-1], str(r.data.get("lang", lang_default))))
    for w in wanted or []:
        if w in used:
            continue
        p = Path(w)
        if p.is_file():
            out.append(Vocabulary.load(p, p.stem, lang_default))
        else:
            raise ValueError(f"vocabulary {w!r}: neither a declared vocabulary nor a file")
    return out


# -- the general word list -------------------------------------------------------------------------
class General:
    """wordfreq's list for one language as Zipf values, with first-letter buckets for the 2-edit search."""

    def __init__(self, lang: str, min_zipf: float):
        self.lang = lang
        self.zipf: dict[str, float] = {}
        # built once per process, from 320k words: a bucket's words share one frequency, so its Zipf value is computed
        # once and its words go in at C speed (a word in two buckets keeps the last value and its first place, as with
        # one assignment a word)
        for f, bucket in lexicon.bucket_frequencies(lang, wordlist="large"):
            self.zipf.update(dict.fromkeys(filter(str.isalpha, bucket), round(math.log10(f * 1e9), 2)))
        self.min_zipf = min_zipf
        #: the words frequent enough to be candidates, indexed by the core for the candidate search
        self.index = _core.WordIndex([w for w, z in self.zipf.items() if z >= min_zipf])

    def get(self, word: str) -> float:
        return self.zipf.get(word, 0.0)



#: the general list's two-edit candidates are at most this long (its length windows always stopped there)
_GENERAL_MAX_LENGTH = 38


@lru_cache(maxsize=8)
def general(lang: str, min_zipf: float) -> General | None:
    try:
        return General(lang, min_zipf)
    except (LookupError, ValueError, ImportError):
        return None


# -- the scan pass: words learned from the corpus ----------------------------------------------------
class CorpusWords:
    """Scan-pass collector: how often each lower-case word occurs in the corpus, and on how many pages.

    A batch counts its words in ``Counter``s; what travels and is merged is `KeyCounts` (a word's 64-bit key
    and its two counts), with the word itself kept only once it occurs ``min_count`` times: most of a corpus's
    distinct words occur once and are never vocabulary."""

    def __init__(self, min_count: int = 2, min_pages: int = 1) -> None:
        self.min_count = min_count
        self.min_pages = min_pages
        self.count: Counter[str] = Counter()  # this batch's, until `_counted`
        self.pages: Counter[str] = Counter()
        self.totals = KeyCounts(width=2, keep_strings_from=1)  # a batch keeps every word; a merged run, fewer

    def add(self, text: str, site: str, name: str, key: str | None = None) -> None:
        words = list(map(str.casefold, page_words(text)))  # the words spam's collector just read
        self.count.update(words)  # a list is counted in C; a Counter would be added word by word in Python
        self.pages.update(set(words))

    def _counted(self) -> KeyCounts:
        if self.count:
            words = list(self.count)
            self.totals.add(map(word_key, words), ((self.count[w], self.pages[w]) for w in words), words)
            self.count, self.pages = Counter(), Counter()
        return self.totals

    def __getstate__(self) -> dict[str, Any]:
        self._counted()
        return self.__dict__

    def merge(self, other: CorpusWords) -> None:
        self._counted().keep_strings_from = self.min_count  # the run's counts: words only where they may count
        self.totals.merge(other._counted())

    def finish(self) -> dict[str, Any]:
        # only the words that count as corpus vocabulary travel to the workers: the statistics stay small
        keys, counts = self._counted().arrays()
        kept = np.flatnonzero((counts[:, 0] >= self.min_count) & (counts[:, 1] >= self.min_pages))
        strings = self.totals.strings
        found = sorted((strings[k], n, p) for k, (n, p) in zip(keys[kept].tolist(), counts[kept].tolist()))
        return {"count": {w: n for w, n, _ in found}, "pages": {w: p for w, _, p in found}}


# -- the corrector ---------------------------------------------------------------------------------
@dataclass
class Candidate:
    word: str  # as it should be written (vocabulary casing)
    source: str  # "vocabulary NAME", "corpus", "general en"
    zipf: float
    cost: float
    edits: int
    explain: str
    score: float  # rapidfuzz ratio 0..100
    rank: float = 0.0
    rank_cost: float = 0.0  # the edits' cost in the ranking's weights (how likely writers make them)


@dataclass
class Verdict:
    word: str
    correction: str
    reason: str
    rule: str = "spelling.kept"
    detail: dict[str, Any] = field(default_factory=dict)
    suggestion: str = ""  # the best candidate even when the word is kept (for measuring)

    @property
    def fixed(self) -> bool:
        return self.correction != self.word


class Speller:
    """Decides for one word: keep it (and why) or fix it (to what, from where, how sure)."""

    def __init__(self, cfg: SpellingSettings, vocabs: list[Vocabulary], lang: str = "en", corpus: dict[str, Any] | None = None,
                 use_general: bool = True):
        self.cfg = cfg
        self.lang = lang
        #: the weight of each edit class in the ranking (`edit_classes`)
        self.costs: dict[str, float] = {**DEFAULT_EDIT_COSTS, **(cfg.edit_costs or {})}
        #: ... and in the ranking of candidates (noisy channel: edit_weight x these - Zipf of the candidate)
        self.rank_costs: dict[str, float] = {**DEFAULT_EDIT_COSTS, "per_extra_edit": 0.0, "stray_letter": 0.0,
                                             **(cfg.rank_costs or {})}
        self.vocabs = [v for v in vocabs if v.lang == lang]
        self.vocab_words: dict[str, tuple[str, str]] = {}
        for v in self.vocabs:
            for k, w in v.words.items():
                self.vocab_words.setdefault(k, (w, v.name))
        self.general = general(lang, float(cfg.general_min_zipf)) if use_general and lang in cfg.general_languages else None
        corpus = corpus or {}
        self.corpus_count: dict[str, int] = corpus.get("count", {})
        self.corpus_pages: dict[str, int] = corpus.get("pages", {})
        self.page_count: Counter[str] = Counter()
        #: the page's own vocabulary: words it writes `page_vocab.min_count` times or more (lower case -> as written)
        self.page_vocab: dict[str, str] = {}
        pv = cfg.page_vocab or {}
        self._min_len = (min(int(cfg.min_length), int(pv.get("min_typo_length", cfg.min_length))) if pv.get("enabled")
                         else int(cfg.min_length))
        self._cache: dict[tuple[str, bool], Verdict] = {}
        self._kept_any_page: dict[str, bool] = {}
        #: the words `surely_kept` keeps on every page (its memo's yes answers, and the short words): a line made of
        #: them only is skipped by one set operation
        self.kept_words: set[str] = set()
        self._stable: dict[tuple[str, bool], Verdict] = {}
        #: deciding for words given alone, not on a page (`cleaner spell` without `--context`): `_check_isolated`
        self.isolated = False
        #: the glue settings' function words (also no base of a derivation, and how bound each is: `_bound`)
        self.function_words = frozenset(cfg.glued["function_words"])
        learned = [w for w, n in self.corpus_count.items()
                   if n >= cfg.corpus_min_count and self.corpus_pages.get(w, 0) >= cfg.corpus_min_pages and w.isalpha()]
        self.learned = set(learned)
        #: the vocabularies' and the corpus's words, indexed by the core for the candidate search
        self._vocab_index = _core.WordIndex([*self.vocab_words, *learned])

    @property
    def active(self) -> bool:
        # corpus words alone never switch the speller on: a language needs its general list or a vocabulary
        return self.general is not None or bool(self.vocab_words)

    # -- what is known ---------------------------------------------------------------------------
    def zipf(self, low: str) -> float:
        if self.general is not None:
            return self.general.get(low)
        from cleaner.stages.spam import safe_zipf

        return safe_zipf(low, self.lang)  # no candidates from this language's list, but it still says what is real

    def known(self, low: str) -> str | None:
        """Why a word is known for sure (never fixed, no candidates looked for), or None."""
        if low in self.vocab_words:
            return f"in vocabulary '{self.vocab_words[low][1]}'"
        if low in self.learned:
            return f"frequent in the corpus ({self.corpus_count[low]}×)"
        if self.page_count[low] >= self.cfg.page_min_count:
            return f"used {self.page_count[low]}× on the page"
        z = self.zipf(low)
        if z >= self.cfg.common_zipf:
            return f"a real {self.lang} word (Zipf {z:.2f})"
        return None

    # -- candidates ------------------------------------------------------------------------------
    def max_edits(self, n: int, key: str = "max_edits") -> int:
        table = self.cfg.page_vocab["max_edits"] if key == "page_vocab_max_edits" else getattr(self.cfg, key)
        return int(_step(table, n, below=0))

    def candidates(self, low: str, edits_key: str = "max_edits") -> list[Candidate]:
        n = len(low)
        k = self.max_edits(n, edits_key)
        if k <= 0:
            return []
        # the words starting with the word's first or second letter or a keyboard neighbour of the first, within k
        # edits (optimal string alignment) and k letters of its length: the core's search (src/speller.rs)
        letters = sorted({low[0], low[1] if n > 1 else low[0], *_keyboard().get(low[0], frozenset())})
        found: dict[str, Candidate] = {}
        for cand, dist in self._vocab_index.within(low, k, letters):
            self._add(found, low, cand, dist)
        for cand in self.page_candidates(low):
            self._add(found, low, cand, int(OSA.distance(low, cand)))
        if self.general is not None:
            # one edit: every word of the list at distance 1 (Norvig's edits); two edits only when nothing is that close
            for cand in self.general.index.edits1(low):
                self._add(found, low, cand, 1)
            # the stage never takes a general-list candidate beyond `general_max_edits`: do not look for one
            kg = k if edits_key != "max_edits" else min(k, int(self.cfg.general_max_edits))
            # (the suggestion looks two edits away always: a nearer word is not always the likelier one)
            if kg >= 2 and (not found or edits_key != "max_edits"):
                for cand, dist in self.general.index.within(low, kg, letters, _GENERAL_MAX_LENGTH):
                    self._add(found, low, cand, dist)
        out = sorted(found.values(), key=lambda c: (c.rank, c.word))
        return out

    def page_candidates(self, low: str) -> list[str]:
        """Words of the page's own vocabulary within `page_vocab.max_edits` of ``low`` (the domain of the page:
        a knitting page writes 'stitches' a dozen times, and 'stiches' once)."""
        if not self.page_vocab:
            return []
        k = self.max_edits(len(low), "page_vocab_max_edits")
        if k <= 0:
            return []
        pool = [w for w in self.page_vocab if abs(len(w) - len(low)) <= k and w != low]
        return [c for c, _, _ in process.extract(low, pool, scorer=OSA.distance, score_cutoff=k, limit=None)]

    def _add(self, found: dict[str, Candidate], low: str, cand: str, dist: int) -> None:
        # a vowel for the first vowel only for a word the page writes ('inforcement' on a page writing 'enforcement'),
        # or for a word alone: the general list has real words so near ('apposite', 'occident')
        if cand == low or cand in found or not first_letter_explained(low, cand, self.isolated or cand in self.page_vocab):
            return
        cfg = self.cfg
        if cand in self.vocab_words:
            written, name = self.vocab_words[cand]
            source = f"vocabulary '{name}'"
            z = max(self.zipf(cand), float(cfg.vocab_zipf))
            bonus = float(cfg.vocab_bonus)
        elif cand in self.page_vocab:  # the page's own word: the most specific evidence after a vocabulary
            written, source = self.page_vocab[cand], f"page ({self.page_count[cand]}× on this page)"
            z = max(self.zipf(cand), float(cfg.vocab_zipf))
            bonus = float(cfg.page_vocab["bonus"])
        elif cand in self.learned:
            written, source = cand, f"corpus ({self.corpus_count[cand]}× in {self.corpus_pages.get(cand, 0)} pages)"
            z = max(self.zipf(cand), float(cfg.vocab_zipf))
            bonus = float(cfg.corpus_bonus)
        else:
            written, source = cand, f"general {self.lang} (wordfreq)"
            z = self.zipf(cand)
            bonus = 0.0
            if z < cfg.general_min_zipf:
                return
        edits = edit_classes(low, cand)
        cost = sum(self.costs[c] for c, _ in edits) + (self.costs["first_letter"] if low[:1] != cand[:1] else 0.0)
        explain = ", ".join(e for _, e in edits)
        # the ranking weighs the same edits with the weights tuned on the misspelling lists (`rank_costs`)
        rc = self.rank_costs
        rank_cost = (sum(rc[c] for c, _ in edits) + (rc["first_letter"] if low[:1] != cand[:1] else 0.0)
                     + rc["per_extra_edit"] * (dist - 1)
                     # 'drugc': 'drug' with a stray c typed away from the g, or 'drugs' with c for its neighbour s?
                     + (rc["stray_letter"] if _stray_letter(low, cand) else 0.0))
        rank = rank_cost * float(cfg.edit_weight) - z - bonus
        found[cand] = Candidate(written, source, z, cost, dist, explain, float(fuzz.ratio(low, cand)), rank, rank_cost)

    # -- the decision ----------------------------------------------------------------------------
    def suggest(self, word: str) -> str:
        """The best correction when told the word is wrong (no precision gates): what the misspelling
        benchmarks compare with symspellpy and pyspellchecker, which always answer from their dictionary."""
        low = word.casefold()
        if not low.isalpha() or low in self.vocab_words or self.zipf(low) >= self.cfg.common_zipf:
            return word
        cands = self.candidates(low, "suggest_max_edits")
        glued = self.split_glued(low, self.zipf(low))
        if glued is not None and (not cands or cands[0].edits > 1 or cands[0].cost >= self.cfg.glue_over_cost):
            return _recase(word, glued[0]) + " " + glued[1]
        return _recase(word, cands[0].word) if cands else word

    def for_page(self, text: str, raw: str | None = None) -> Speller:
        """Ready for one page: its word counts (a word frequent on the page is never fixed) and its vocabulary,
        counted in ``raw`` when given (a word the page wrote in a box chrome removed is still its word)."""
        written = Counter(words_by_line(text))
        self.page_count = Counter()
        for w, n in written.items():
            self.page_count[w.casefold()] += n
        self.page_vocab = {}
        pv = self.cfg.page_vocab
        if pv["enabled"]:
            if raw is not None and raw != text:
                written = Counter(words_by_line(raw))
            counts: Counter[str] = Counter()
            for w, n in written.items():
                counts[w.casefold()] += n
            forms: dict[str, Counter[str]] = {}
            for w, n in written.items():
                low = w.casefold()
                if len(low) >= int(pv["min_length"]) and low.isalpha() and counts[low] >= int(pv["min_count"]):
                    forms.setdefault(low, Counter())[w] += n
            for low, fs in forms.items():
                # a word the page only ever capitalises is a name, no typo target, unless it is one of the language's
                # commonest words, capitalised at the start of sentences and headings ('Where', 'After')
                if any(f.islower() for f in fs) or self.zipf(low) >= float(pv["capitalised_min_zipf"]):
                    self.page_vocab[low] = low
        self._cache_clear()
        return self

    def _cache_clear(self) -> None:
        self._cache = {}

    def check(self, word: str, capitalised_ok: bool = True) -> Verdict:
        """Fix or keep one bare word (letters only); ``capitalised_ok``: it starts a sentence."""
        key = (word, capitalised_ok)
        hit = self._cache.get(key)
        if hit is None:
            if self.page_count[word.casefold()] >= self.cfg.page_min_count or self.page_candidates(word.casefold()):
                hit = self._check(word, capitalised_ok)  # the verdict depends on this page
            else:
                # the page only matters through its word counts (`known`): below the page threshold the verdict
                # is the same on every page, so it is kept across pages (unknown words cost a candidate search)
                hit = self._stable.get(key)
                if hit is None:
                    if len(self._stable) > 1 << 15:
                        self._stable.clear()
                    hit = self._stable[key] = self._check(word, capitalised_ok)
            self._cache[key] = hit
        return hit

    def surely_kept(self, word: str) -> bool:
        """True when `check` keeps the word whatever its position (the early returns of `_check`): lets
        `propose` skip a line whose every letter run is such a word without the per-chunk loop."""
        cfg = self.cfg
        kept = self._kept_any_page.get(word)
        if kept is None:
            if len(self._kept_any_page) > 1 << 16:
                self._kept_any_page.clear()
                self.kept_words.clear()  # a subset of the memo's words: bounded with it
            low = word.casefold()
            kept = self._kept_any_page[word] = (
                len(word) < self._min_len
                or not word.isalpha() or (self.lang in cfg.ascii_languages and not word.isascii())
                or _shape(word) in ("upper", "mixed") or low in self.vocab_words or low in self.learned
                or self.zipf(low) >= cfg.common_zipf)
            if kept:
                self.kept_words.add(word)
        return kept or self.page_count[word.casefold()] >= cfg.page_min_count

    def _check(self, word: str, capitalised_ok: bool) -> Verdict:
        cfg = self.cfg
        low = word.casefold()
        if self.isolated:
            return self._check_isolated(word, low)
        if len(word) < self._min_len or (len(word) < cfg.min_length and not self.page_candidates(low)):
            return Verdict(word, word, f"shorter than {cfg.min_length} letters")
        short = len(word) < cfg.min_length  # fixed only from the page's own vocabulary
        shape = _shape(word)
        unfit = self._unfit(word, low, shape)
        if unfit is not None:
            return unfit
        if shape == "title" and not capitalised_ok:
            # a capitalised word mid-sentence is a name, unless a vocabulary writes it capitalised
            cands = [c for c in self.candidates(low) if c.word[:1].isupper()]
            if not cands:
                return Verdict(word, word, "capitalised mid-sentence: a name")
        else:
            cands = self.candidates(low)
        if short:
            cands = [c for c in cands if c.source.startswith("page")]
            if not cands or self.zipf(low) >= cfg.real_zipf:
                return Verdict(word, word, f"shorter than {cfg.min_length} letters, and no word of the page one slip away")
        z = self.zipf(low)
        split = self.split_glued(low, z) if shape == "lower" or not cfg.glued["lowercase_only"] else None
        glued = self._glued(word, split, cands)
        if glued is not None:
            return glued
        if not cands:
            what = f"a real {self.lang} word (Zipf {z:.2f})" if z >= cfg.real_zipf else "unknown"
            return Verdict(word, word, f"{what}, and no vocabulary word within {self.max_edits(len(low))} edits")
        best = cands[0]
        sugg = _recase(word, best.word)
        kept = self._gate(low, best, cands[1] if len(cands) > 1 else None, z, shape == "title") or self._rival(best, cands[1:])
        if kept is not None:
            if split is not None and self.derived(low) is None:
                # the near word the split gave way to is refused: the split stands ('eyesare'), unless the run is a
                # word derived from another ('assorting', 'bemuses')
                return self._glued(word, split, []) or Verdict(word, word, kept)
            return Verdict(word, word, kept, detail={"candidate": best.word, "score": round(best.score, 1)}, suggestion=sugg)
        reason = (f"'{word}' is {f'rare (Zipf {z:.2f})' if z else 'unknown'}; '{best.word}' from {best.source}, "
                  f"score {best.score:.0f}, {best.edits} edit{'s' if best.edits > 1 else ''} ({best.explain})")
        detail = _typo_detail(best)
        if z >= cfg.real_zipf:
            detail["word_zipf"] = z  # a word wordfreq lists, overruled: only in running prose (see propose)
        return Verdict(word, sugg, reason, "spelling.typo", detail, sugg)

    def _check_isolated(self, word: str, low: str) -> Verdict:
        """A word given alone (`cleaner spell` without a page): the gates that guard running prose (short words,
        names, jargon coined by derivation, two-edit fixes) stand for what a page's other words tell; alone, the
        word is fixed to its best candidate unless it is a known word, or a listed one no candidate outweighs."""
        cfg, iso = self.cfg, self.cfg.isolated
        unfit = self._unfit(word, low, _shape(word))
        if unfit is not None:
            return unfit
        z = self.zipf(low)
        cands = self.candidates(low, "suggest_max_edits")
        glued = self._glued(word, self.split_glued(low, z), cands)
        if glued is not None:
            return glued
        if not cands:
            what = f"a real {self.lang} word (Zipf {z:.2f})" if z >= cfg.real_zipf else "unknown"
            return Verdict(word, word, f"{what}, and no word within {self.max_edits(len(low), 'suggest_max_edits')} edits")
        best = cands[0]
        sugg = _recase(word, best.word)
        if z >= cfg.real_zipf and best.zipf - z < float(iso["min_margin"]):
            return Verdict(word, word, f"a real {self.lang} word (Zipf {z:.2f}); '{best.word}' (Zipf {best.zipf:.2f}) is less than "
                           f"{iso['min_margin']} commoner", detail={"candidate": best.word}, suggestion=sugg)
        reason = (f"'{word}' is {f'rare (Zipf {z:.2f})' if z else 'unknown'}; alone, its likeliest word is '{best.word}' from "
                  f"{best.source}, {best.edits} edit{'s' if best.edits > 1 else ''} ({best.explain})")
        detail = _typo_detail(best)
        return Verdict(word, sugg, reason, "spelling.typo", detail, sugg)

    def _unfit(self, word: str, low: str, shape: str) -> Verdict | None:
        """Why the word is kept whatever its context (not plain letters, another alphabet, an acronym or a brand, a
        known word), or None."""
        if not word.isalpha():
            return Verdict(word, word, "not a plain word")
        if self.lang in self.cfg.ascii_languages and not word.isascii():
            return Verdict(word, word, f"has letters outside the {self.lang} alphabet (a foreign word, or mojibake for normalize)")
        if shape in ("upper", "mixed"):
            return Verdict(word, word, "all capitals or mixed case (an acronym or a brand)")
        why = self.known(low)
        return Verdict(word, word, why) if why is not None else None

    def _glued(self, word: str, glued: tuple[str, str, str] | None, cands: list[Candidate]) -> Verdict | None:
        """The split of glued words, unless a near candidate explains the word better (one edit and cheap, or a word
        of the page: 'constructon' is the page's 'construction')."""
        if glued is None or (cands and cands[0].edits <= 1 and (cands[0].cost < self.cfg.glue_over_cost
                                                                 or cands[0].source.startswith("page"))):
            return None
        left, right, why_split = glued
        fixed = _recase(word, left) + " " + right
        return Verdict(word, fixed, f"glued words '{left}' + '{right}' ({why_split})", "spelling.glued",
                       {"split": [left, right]}, fixed)

    def _gate(self, low: str, best: Candidate, runner: Candidate | None, z: float, title: bool = False) -> str | None:
        """Why the best candidate is not good enough to fix with, or None."""
        cfg = self.cfg
        if best.score < (cfg.page_vocab["min_score"] if best.source.startswith("page") else cfg.min_score):
            return f"best candidate '{best.word}' scores {best.score:.0f} < {cfg.min_score}"
        on_page = best.source.startswith("page")
        if best.edits > self.max_edits(len(low), "page_vocab_max_edits" if on_page else "max_edits"):
            return f"best candidate '{best.word}' is {best.edits} edits away"
        if best.edits > 1 and best.cost > cfg.max_cost and not on_page:
            return f"best candidate '{best.word}' needs {best.edits} unrelated edits (cost {best.cost:.1f} > {cfg.max_cost})"
        general = best.source.startswith("general")
        if general and best.edits > cfg.general_max_edits:
            return f"best candidate '{best.word}' is {best.edits} edits away; the general list fixes at most {cfg.general_max_edits}"
        # two edits from a common word the page writes often may cost more ('abought' on a page writing 'about' six
        # times): writers misspell common words in more ways; a rarer word's near neighbour is often a word ('simulable')
        page_max = (_step(cfg.page_vocab["max_cost"], self.page_count[best.word.casefold()])
                    if on_page and self.zipf(best.word.casefold()) >= float(cfg.page_vocab["costly_min_zipf"]) else float(cfg.page_vocab["max_cost"][0][1]))
        if on_page and best.edits > 1 and best.cost > page_max:
            return f"'{best.word}' (a word of the page) needs {best.edits} edits costing {best.cost:.1f}"
        if len(low) < cfg.short_length and best.cost > cfg.short_max_cost and not on_page:
            return f"short word: '{best.word}' needs a keyboard slip, transposition or doubled letter (cost {best.cost:.1f})"
        if low[0] != best.word[0].casefold() and len(low) < (cfg.page_vocab["first_letter_min_length"] if on_page else cfg.first_letter_min_length):
            return f"'{best.word}' changes the first letter of a word shorter than {cfg.first_letter_min_length}"
        if title and general:
            return f"capitalised: '{best.word}' would come from the general list only (names start sentences too)"
        cw = best.word.casefold()
        if _inflection_sibling(low, cw) or _inflected(low, cw):
            return f"'{best.word}' is another inflection of the same stem, not a typo"
        if on_page and self.zipf(best.word.casefold()) < z:
            # the page may write a word wrong twice ('delimeters'): the right spelling of it is never "fixed" to that
            return f"'{best.word}' (a word of the page) is rarer than '{low}' in {self.lang}"
        derived = self.derived(low)
        prefixed = derived is not None and derived.split(" ")[0].endswith("-")
        stem = (derived.split("+ ")[1] if prefixed else derived).split(" ")[0].rstrip("-") if derived else ""
        # 'recompress' / 'decompress': the same stem with another of the prefixes
        sibling = prefixed and cw.endswith(stem) and cw[: len(cw) - len(stem)] in cfg.derivation["prefixes"]
        # ... or another word with the same prefix ('underpays' / 'underpaid')
        pre = derived.split("-")[0] if derived and prefixed else ""
        sibling = sibling or (bool(pre) and cw.startswith(pre) and self.zipf(cw[len(pre):]) >= cfg.derivation["sibling_min_zipf"])
        if derived is not None and (sibling or not (on_page and self.page_count[stem] == 0)):
            # (the page writes the candidate again and again and never the derivation's base: 'stiches' on a
            # knitting page is 'stitches', not 'stich' + -es)
            return f"a derived word ({derived})"
        if (runner is not None and runner.rank - best.rank < cfg.ambiguity_margin and runner.word.casefold() != best.word.casefold()
                and not (on_page and not runner.source.startswith("page"))):
            return f"ambiguous: '{best.word}' or '{runner.word}'"
        if (runner is not None and runner.rank - best.rank < float(cfg.rival["page_margin"])
                and _inflected(best.word.casefold(), runner.word.casefold()) and not _stray_letter(low, runner.word.casefold())):
            # 'artworkw': 'artwork' with a stray w, or 'artworks' with w for s? Only the sentence knows the number
            return f"ambiguous: '{best.word}' or '{runner.word}' (singular or plural, tense: only the sentence tells)"
        if z >= cfg.real_zipf:  # listed by wordfreq, though rarely: only overwhelming evidence fixes it
            ow = (cfg.overwhelming_page if on_page else cfg.overwhelming if not best.source.startswith("general")
                  else cfg.overwhelming_general)
            if title:
                return f"a real {self.lang} word (Zipf {z:.2f}), capitalised: a name as often as not"
            margin = _step(ow.get("margins", []), z, below=float(ow["min_margin"]))
            if not (z < ow["max_zipf"] and best.edits <= ow["max_edits"] and best.zipf - z >= margin):
                return (f"a real {self.lang} word (Zipf {z:.2f}); '{best.word}' (Zipf {best.zipf:.2f}) is not overwhelming evidence "
                        f"(needs Zipf < {ow['max_zipf']}, {ow['max_edits']} edit, {margin} commoner)")
            extra = _stray_letter(low, best.word.casefold())
            if extra:
                return (f"a real {self.lang} word (Zipf {z:.2f}); '{best.word}' would mean a stray '{extra}' typed, neither doubled "
                        f"nor beside a neighbouring key")
        return None

    def _rival(self, best: Candidate, others: list[Candidate]) -> str | None:
        """A real word as close as the best candidate ('interated': 'integrated' or 'iterated', one edit
        each) leaves only frequency to choose between them: a guess, so the word is kept.  A rival one edit from
        the best is that word spelt another way (wordfreq lists frequent misspellings: 'beatiful'), no rival."""
        cfg = self.cfg.rival
        if not cfg["enabled"]:
            return None
        on_page = best.source.startswith("page")
        for c in others:
            if on_page and not c.source.startswith("page"):
                # nearer: fewer edits, or edits writers make more often (the ranking's weights: a keyboard
                # neighbour is no likelier than a dropped letter)
                if (c.zipf >= float(cfg["min_zipf"]) and (c.edits < best.edits or c.rank_cost < best.rank_cost - 0.05)
                        and c.rank - best.rank < float(cfg["page_margin"])):
                    return (f"ambiguous: '{best.word}' is a word of the page, but '{c.word}' is nearer "
                            f"({c.edits} edit{'s' if c.edits > 1 else ''}, cost {c.rank_cost:.2f} against {best.rank_cost:.2f})")
                continue  # as near, and the page writes the best candidate again and again, never the rival
            if (c.edits <= best.edits and c.cost <= best.cost + float(cfg["max_extra_cost"])
                    and c.zipf >= max(float(cfg["min_zipf"]), best.zipf - float(cfg["max_zipf_below"]))
                    and c.word[:1].casefold() == best.word[:1].casefold() and c.word.casefold() != best.word.casefold()
                    and not _inflection_sibling(c.word.casefold(), best.word.casefold())
                    and OSA.distance(c.word.casefold(), best.word.casefold()) > 1):  # 'beatiful': best's own variant
                return (f"ambiguous: '{best.word}' or '{c.word}', both real words {c.edits} edit{'s' if c.edits > 1 else ''} "
                        f"away (only their frequency tells them apart)")
        return None

    def split_glued(self, low: str, z: float = 0.0) -> tuple[str, str, str] | None:
        """'psychotherapyand' -> ('psychotherapy', 'and'): both halves real, the best such split.  ``z``: the run's
        Zipf; wordfreq lists the commonest glue of the web ('thereis', 'theworld', 'youneed'), and below
        `listed_max_zipf` such a listed run is split too when it is two function words, or one of `listed_openers`
        (`listed_closers`) and a word at least as common as it asks (no rare word reads so)."""
        cfg = self.cfg.glued
        if not cfg["enabled"] or len(low) < cfg["min_length"] or z >= float(cfg["listed_max_zipf"]):
            return None
        listed = z >= float(self.cfg.real_zipf)
        best: tuple[float, str, str] | None = None
        joiners = self.function_words
        prefixes, suffixes = set(self.cfg.derivation["prefixes"]), {*self.cfg.derivation["suffixes"], *cfg["suffix_words"]}
        openers, closers = cfg["listed_openers"], cfg["listed_closers"]
        pronominal = cfg["pronominal_adverbs"]
        readings: list[float] = []
        for i in range(1, len(low)):
            left, right = low[:i], low[i:]
            if (left in prefixes and right not in joiners) or (right in suffixes and left not in joiners):
                continue  # 'overdrew', 'interact', 'mettlesome': a prefix or a suffix and a word make a word of their own
            # one half a function word, the other a real word: 'psychotherapyand', 'aneffort'; compounds and
            # prefixes ('hyperoperation', 'keypool', 'superpattern') are words of their own, not glue
            if left in joiners and right in joiners:  # 'thereis', 'overthe': two function words
                if left in pronominal["firsts"] and right in pronominal["prepositions"]:
                    continue  # 'whereat', 'thereof', 'therebetween': English writes these as one word
                zc = min(self.zipf(left), self.zipf(right))
                readings.append(zc)
                if best is None or zc > best[0]:
                    best = (zc, left, right)
                continue
            content = right if left in joiners else left if right in joiners else None
            if content is None:
                continue
            fw, first = (left, True) if content is right else (right, False)
            zc = 7.0 if content in self.vocab_words else self.zipf(content)
            # a short rare half is too easily a piece of another word ('thegirl' yes); beside a function word that
            # is no piece of words on that side ('the', 'of'; not 'be', 'over', -'on') a rarer long half, or a very
            # common short one, is glue too ('thebubonic', 'yourown')
            bound = self._bound(fw, first)
            if zc < _step(cfg["unbound_content_min_zipf" if bound <= int(cfg["bound_max_words"]) else "content_min_zipf"], len(content)):
                continue
            # a run wordfreq lists: after 'the', a pronoun or a demonstrative, or before 'the' or 'that', a common word
            # (not 'was', 'we', 'her', 'ever', which open names and brands: 'wescott', 'herford', 'everbank')
            if listed and not ((first and fw in openers and zc >= float(openers[fw]))
                               or (not first and fw in closers and zc >= float(closers[fw]))):
                continue
            readings.append(zc)
            if best is None or zc > best[0]:
                best = (zc, left, right)
        if best is None:
            return None if listed else self._content_glue(low, prefixes)
        if len(readings) > 1 and best[0] - sorted(readings)[-2] < float(cfg["readings_margin"]):
            # 'wereplace': 'were place' or 'we replace' (Zipf 5.71 and 4.58)? Only the sentence tells; 'couplethis' is
            # 'couple this' (5.19), hardly 'couplet his' (2.51)
            return None
        return best[1], best[2], f"a function word glued to a word at Zipf {min(best[0], 7.0):.2f}"

    def _bound(self, function_word: str, first: bool) -> int:
        """How many words of the general list (Zipf 2.5 or more) are ``function_word`` and another such word
        ('in' + 'side', 'be' + 'hind' as first half; 'pers' + 'on' as second): how often it is a piece of words."""
        if self.general is None:
            return 0
        return _bound_counts(self.general, self.function_words).get((function_word, first), 0)

    def _content_glue(self, low: str, prefixes: set[str]) -> tuple[str, str, str] | None:
        """'workerslunch' -> ('workers', 'lunch'): two common content words glued, in a language that does not
        build compounds by gluing (English writes 'lunch break', German 'Mittagspause'), written once on the page
        (a term the page repeats is its vocabulary), the one such split, no prefix as its first half, and a first
        half with an inflection ('systemsusing', 'completelyshut': compounds start with a bare word, 'titlebars')
        unless the run is very long."""
        cfg = self.cfg.glued["content"]
        if not cfg["enabled"] or self.lang not in cfg["languages"] or self.page_count[low] > 1:
            return None
        m = int(cfg["min_half"])
        suffixes = {*self.cfg.derivation["suffixes"], *self.cfg.glued["suffix_words"]}
        splits = [(low[:i], low[i:]) for i in range(m, len(low) - m + 1)
                  if self.zipf(low[:i]) >= _step(cfg["min_zipf"], i) and self.zipf(low[i:]) >= _step(cfg["min_zipf"], len(low) - i)]
        if (len(splits) != 1 or splits[0][0] in prefixes or splits[0][0] in cfg["combining_forms"] or splits[0][1] in suffixes
                or self.derived(low) is not None):
            # none, or several readings ('notable' -> 'not able'? 'no table'?): a guess; a prefix or a combining form
            # and a word ('photoengraver'), a word and a suffix ('cashierless', 'librarianships'), a derivation of a
            # word ('lipsticking', 'backhandedly') make a word
            return None
        left, right = splits[0]
        ending = next((x for x in cfg["left_endings"] if left.endswith(x)), "")
        inflected = bool(ending) and not left.endswith("ss")
        if not inflected and len(low) < int(cfg["long_length"]):
            return None  # 'titlebars', 'handwave', 'sideloaded': English compounds start with a bare word
        if min(self.zipf(left), self.zipf(right)) < float(cfg["min_zipf"][0][1]) and not (inflected and self._inflects(left, ending)):
            # a rarer half only after an inflected common word ('clinicians', 'powers'): a long compound of a bare word
            # and a rare one ('backhandedly', 'photoengraver'), or of a look-alike ('trans', 'poly'), is a word of its own
            return None
        return left, right, f"two common words glued (Zipf {self.zipf(left):.2f} and {self.zipf(right):.2f})"

    def _inflects(self, word: str, ending: str) -> bool:
        """``word`` is a common word with ``ending`` added ('clinicians', 'vaccinating', 'structural'), the base's e
        dropped, its y turned i or its last consonant doubled as English spells it (not 'trans', 'poly')."""
        base = word[: -len(ending)]
        floor = float(self.cfg.glued["content"]["min_zipf"][-1][1])
        pre = next((p for p in self.cfg.derivation["prefixes"] if base.startswith(p) and len(base) - len(p) >= 4), "")
        forms = {base, base + "e", base[:-1] + "y" if base.endswith("i") else base, base[:-1] if len(base) > 2 and base[-1] == base[-2] else base}
        forms |= {f[len(pre):] for f in forms}  # 'unsweetened': un- + sweeten + -ed
        return len(base) >= 3 and any(self.zipf(f) >= floor for f in forms)

    def derived(self, low: str) -> str | None:
        """'nestings', 'computably', 'hyperoperation', 'unexploitable': a known word with a productive prefix
        or suffix is a word of its own (jargon coins them freely), not a typo of a neighbour."""
        cfg = self.cfg.derivation
        function_words = self.function_words

        def real(w: str) -> bool:
            return len(w) >= cfg["min_base"] and (w in self.vocab_words or self.zipf(w) >= cfg["min_zipf"])

        def by_suffix(w: str) -> str | None:
            for suf in cfg["suffixes"]:
                if w.endswith(suf) and len(w) > len(suf):
                    base = w[: -len(suf)]
                    # English spelling of a suffix: -s never follows an s ('mirrorss'), -es follows a hissing sound,
                    # an o or a y turned i ('proces' is no proc + -es); only a suffix starting with a vowel drops a
                    # base's e ('making') or doubles its last consonant ('running'): 'chargs' is no charge + -s,
                    # 'taskks' no task + -s
                    if (suf == "s" and base.endswith("s")) or (suf == "es" and not base.endswith(("s", "x", "z", "ch", "sh", "o", "i"))):
                        continue
                    # ... a consonant's y takes -ies ('companys' is no company + -s), a silent e goes before -ing and -ed
                    # ('closeing', 'becomeing'; but 'ageing', 'hoeing'), and a function word takes no suffix ('withing')
                    if suf == "s" and len(base) > 2 and base[-1] == "y" and base[-2] not in _VOWELS:
                        continue
                    if (suf in ("ing", "ings", "ed", "er", "ers") and len(base) > 2 and base[-1] == "e" and base[-2] not in "aeiouycg"
                            or base in function_words):
                        continue
                    vowel = suf[0] in _VOWELS
                    forms = [base, base + "e" if vowel else base, base[:-1] if vowel and len(base) > 2 and base[-1] == base[-2] else base]
                    if suf != "y":  # 'happily': happy + -ly; but 'simpliy' is no simply + -y
                        forms += [base + "y", base[:-1] + "y" if base.endswith("i") else base]
                    for cand in forms:
                        if cand != w and cand not in function_words and real(cand):
                            return f"{cand} + -{suf}"
            return None

        def sibling(w: str) -> str | None:
            # 'assorting': 'assort' is rare, but 'assorted' is common: an inflection of a real verb
            for suf in cfg["inflections"]:
                base = w[: -len(suf)]
                if w.endswith(suf) and len(base) >= cfg["sibling_min_base"]:
                    for other in cfg["inflections"]:
                        if other != suf and self.zipf(base + other) >= cfg["sibling_min_zipf"]:
                            return f"{base}- + -{suf}, as in '{base + other}'"
            return None

        why = by_suffix(low) or sibling(low)
        if why:
            return why
        for pre in cfg["prefixes"]:
            if low.startswith(pre) and len(low) - len(pre) >= cfg["min_base"]:
                rest = low[len(pre):].lstrip("-")
                if (pre == "im") != rest.startswith(("b", "m", "p")) and pre in ("im", "in"):
                    continue  # English writes im- before b, m, p and in- elsewhere: 'imformation' is no derivation
                if real(rest):
                    return f"{pre}- + {rest}"
                sub = by_suffix(rest)
                if sub:
                    return f"{pre}- + {sub}"
        return None


_CONTRACTION_TAILS = frozenset(["t", "ll", "re", "ve", "d", "m"])


_INFLECTIONS = frozenset(["s", "es", "d", "ed", "ing", "er", "ers", "ly"])


def _inflection_sibling(low: str, cand: str) -> bool:
    """'hardcodes' / 'hardcoded': the same stem with another inflection ending (s/es and d/ed are spelling slips,
    'calld' / 'called', not this)."""
    p = 0
    while p < min(len(low), len(cand)) and low[p] == cand[p]:
        p += 1
    a, b = low[p:], cand[p:]
    return p >= 5 and a != b and a in _INFLECTIONS and b in _INFLECTIONS and {a, b} not in ({"s", "es"}, {"d", "ed"})


def _inflected(low: str, cand: str) -> bool:
    """'pessimizations' / 'pessimization', 'axiomatize' / 'axiomatized': one is the other plus an inflection
    ending, a word of its own (but 'mirrorss' is 'mirrors' with a letter doubled); 'severer' / 'severe' (an
    ending's e merged with the base's), 'strawmen' / 'strawman' (man's plural)."""
    short, long_ = (low, cand) if len(low) < len(cand) else (cand, low)
    suf = long_[len(short):]
    if long_.startswith(short) and short.endswith("e") and "e" + suf in _INFLECTIONS:
        return True
    if low[:-3] == cand[:-3] and len(low) >= 7 and {low[-3:], cand[-3:]} == {"man", "men"}:  # not 'humen' / 'human'
        return True
    if suf == "s" and len(short) > 1 and short[-1] == "y" and short[-2] not in _VOWELS:
        return False  # 'companys' is no plural of 'company'
    return bool(suf) and long_.startswith(short) and suf in _INFLECTIONS and not short.endswith(suf[0])


def _stray_letter(low: str, cand: str) -> str:
    """The letter ``low`` has beyond ``cand`` when it is neither doubled nor a keyboard neighbour of a letter
    beside it ('doxing' for 'doing': an x is not typed by accident there), else ''."""
    if len(low) != len(cand) + 1:
        return ""
    i = next((k for k in range(len(cand)) if low[k] != cand[k]), len(cand))
    if low[:i] + low[i + 1:] != cand:
        return ""
    a = low[i]
    if (a == "e" and i > 0 and low[i - 1] not in _VOWELS) or (a == "k" and i > 0 and low[i - 1] == "c"):
        return ""  # a speller's letter, not a typist's: a silent e ('thinke', 'plateform'), ck for c ('publick')
    beside = {low[i - 1] if i > 0 else "", low[i + 1] if i + 1 < len(low) else ""} - {""}
    return "" if a in beside or any(adjacent(a, b) for b in beside) else a


@lru_cache(maxsize=4)
def _bound_counts(general: General, function_words: frozenset[str], min_zipf: float = 2.5) -> dict[tuple[str, bool], int]:
    """For each function word and side (True: first half), how many words of ``general`` at ``min_zipf`` or more are
    it and another such word that is no function word: learnt from the list, so no list of affixes is kept by hand."""
    fws = function_words
    common = {w: z for w, z in general.zipf.items() if z >= min_zipf}
    out: Counter[tuple[str, bool]] = Counter()
    for w in common:
        for i in range(2, len(w) - 1):
            left, right = w[:i], w[i:]
            if left in fws and len(right) >= 3 and right in common and right not in fws:
                out[(left, True)] += 1
            if right in fws and len(left) >= 3 and left in common and left not in fws:
                out[(right, False)] += 1
    return dict(out)


def _step(table: list[list[float]], x: float, below: float = math.inf) -> float:
    """The value of a [[from, value], ...] table at ``x`` (a word's length, a count, a Zipf): the last row whose
    ``from`` is at most ``x``; ``below`` under its first row."""
    out = below
    for start, value in table:
        if x >= start:
            out = float(value)
    return out


def _shape(word: str) -> str:
    if word.islower():
        return "lower"
    if word.isupper():
        return "upper"
    if word[0].isupper() and word[1:].islower():
        return "title"
    return "mixed"


def _typo_detail(best: Candidate) -> dict[str, Any]:
    """What a typo fix's log detail says of the candidate it chose."""
    return {"candidate": best.word, "score": round(best.score, 1), "vocabulary": best.source, "edits": best.edits,
            "cost": round(best.cost, 2)}


def _recase(original: str, cand: str) -> str:
    """Keep the original's casing: 'Gherapeutic' -> 'Therapeutic'; a vocabulary name keeps its own capitals."""
    if cand[:1].isupper():
        return cand
    if original[:1].isupper():
        return cand[:1].upper() + cand[1:]
    return cand


# -- the stage -------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class SpellingSettings(Settings):
    """The spelling stage's settings; ``rules/spelling/settings.yaml`` sets them and says why each value is what it is."""

    general_languages: list[str] = setting(["en"],
        "languages whose wordfreq list gives candidates; others are fixed only from a vocabulary of theirs")
    ascii_languages: list[str] = setting(["en"], "in these languages a word with a letter outside a-z is left alone (a foreign word, or mojibake)")
    min_length: int = setting(5, "words shorter than this are never fixed (a typo of the page's own words: page_vocab.min_typo_length)")
    max_edits: list[list[int]] = setting([[4, 1], [9, 2]], "[from length, at most N edits] for vocabulary and corpus candidates")
    min_score: int = setting(75, "rapidfuzz ratio (0-100) the best candidate needs")
    real_zipf: float = setting(1.0, "a word wordfreq lists at this Zipf or more is real: fixed only on overwhelming evidence")
    common_zipf: float = setting(3.0, "a word this common is never looked at")
    general_min_zipf: float = setting(2.0, "general-list candidates must be at least this common")
    vocab_zipf: float = setting(4.0, "vocabulary, page and corpus words count as at least this common in the ranking")
    vocab_bonus: float = setting(2.0, "ranking bonus of a vocabulary word")
    corpus_bonus: float = setting(1.0, "ranking bonus of a word frequent in the corpus")
    edit_weight: float = setting(2.5, "ranking: edit_weight x edit cost (rank_costs) - Zipf(candidate) - source bonus; lowest wins")
    edit_costs: dict[str, float] = setting(dict(DEFAULT_EDIT_COSTS),
        "what each class of edit costs in the precision gates (slips, doubled letters, transpositions are cheap)")
    rank_costs: dict[str, float] = setting({"transposed": 0.9, "keyboard": 1.29, "vowel": 0.78, "phonetic": 1.23, "other": 1.34, "doubled": 0.45,
        "vowel_indel": 0.78, "indel": 1.12, "first_letter": 0.78, "per_extra_edit": 0.0, "stray_letter": 0.22},
        "each class of edit's weight in the ranking, tuned on the tuning lists (benchmarks/spelling_tune.py)")
    ambiguity_margin: float = setting(0.3, "the runner-up must rank at least this much worse, else the word is ambiguous and kept")
    page_min_count: int = setting(3, "a word used this often on the page is the page's vocabulary (a name, a term), never a typo")
    corpus_min_count: int = setting(5, "a word this frequent in the corpus (scan pass) ...")
    corpus_min_pages: int = setting(2, "... on this many pages is vocabulary and a candidate")
    overwhelming: dict[str, Any] = setting({"max_zipf": 1.5, "max_edits": 1, "min_margin": 3.0},
        "a listed word is fixed from a vocabulary or the corpus only below max_zipf, max_edits away, min_margin commoner")
    overwhelming_general: dict[str, Any] = setting({"max_zipf": 2.5, "max_edits": 1, "min_margin": 2.5, "margins": [[1.7, 3.1]]},
        "... from the general list (margins: [from Zipf, margin] raise the margin)")
    overwhelming_page: dict[str, Any] = setting({"max_zipf": 3.0, "max_edits": 1, "min_margin": 2.0, "margins": [[2.0, 3.0]]},
        "... from the page's words (margins: [from Zipf, margin] raise the margin)")
    overwhelming_min_line_words: int = setting(8, "... and only on a line of running prose this long")
    rival: dict[str, Any] = setting({"enabled": True, "max_extra_cost": 0.0, "min_zipf": 2.0, "max_zipf_below": 1.5, "page_margin": 1.0},
        "a real word as close as the best candidate makes the word ambiguous (page_margin: against a page word)")
    page_vocab: dict[str, Any] = setting(
        {"enabled": True, "min_count": 2, "min_length": 5, "min_typo_length": 4, "bonus": 2.0, "max_edits": [[4, 1], [5, 2]],
         "max_cost": [[0, 1.5], [3, 1.9]], "costly_min_zipf": 4.5, "capitalised_min_zipf": 5.5, "first_letter_min_length": 5, "min_score": 75},
        "the page's own words (written min_count times) as candidates with a bonus")
    glued: dict[str, Any] = setting({"enabled": True, "lowercase_only": True, "min_length": 7, "listed_max_zipf": 2.0,
        "listed_openers": {"the": 0.0, "you": 5.0, "your": 5.0, "their": 5.0, "our": 5.0, "this": 5.0, "these": 5.0, "those": 5.0},
        "listed_closers": {"the": 5.0, "that": 5.0}, "readings_margin": 1.5,
        "pronominal_adverbs": {"firsts": ["there", "where", "here"], "prepositions": ["at", "to", "on", "of", "in", "by", "from", "with",
        "about", "after", "through", "into", "upon", "between", "under", "over", "for"]},
        "content_min_zipf": [[4, 4.0], [5, 3.0]], "unbound_content_min_zipf": [[3, 5.0], [4, 4.0], [5, 3.0], [6, 2.5]], "bound_max_words": 20,
        "suffix_words": ["man", "men", "woman", "women", "ship", "ships", "hood", "hoods", "wise", "like", "ward", "wards", "some", "most"],
        "content": {"enabled": True, "languages": ["en"], "min_half": 4,
        "min_zipf": [[4, 3.5], [7, 3.0], [8, 2.5]], "combining_forms": ["trans", "poly", "mono", "photo", "psycho", "electro", "hydro",
        "socio", "radio", "magneto", "para", "extra", "bio", "geo", "thermo", "aero", "astro", "chrono", "eco", "homo", "hetero", "macro", "neo",
        "ortho", "paleo", "petro", "pyro", "retro", "techno", "video", "audio", "tele", "turbo"], "left_endings": ["ly", "ing", "ed", "s", "al", "ous", "ive", "ful", "less", "ary"],
        "long_length": 12},
        "function_words": ["and", "the", "of", "to", "in", "is", "for", "on", "with", "as", "at", "by", "an", "or", "but", "from", "that", "this",
        "are", "was", "be", "it", "not", "when", "you", "we", "they", "our", "your", "their", "its", "has", "have", "can", "will", "which"]},
        "lower-case glued words split: a function word and a word; two content words (content) in English")
    general_max_edits: int = setting(1, "the general list fixes at most this many edits on a page")
    isolated: dict[str, Any] = setting({"min_margin": 1.0},
        "a word given alone (cleaner spell without --context): fixed unless a listed word min_margin Zipf units close")
    suggest_max_edits: list[list[int]] = setting([[2, 1], [5, 2]], "[from length, edits] a suggestion (and a word alone) looks this far")
    max_cost: float = setting(1.5, "two edits only when they are cheap ones: weighted cost at most this")
    glue_over_cost: float = setting(0.9, "a glued split wins over a one-edit candidate that costs this much")
    short_length: int = setting(8, "words shorter than this are fixed only by a keyboard slip, transposition or doubled letter ...")
    short_max_cost: float = setting(0.7, "... a cost at most this (but from the page's own words)")
    first_letter_min_length: int = setting(7, "a fix that changes the first letter needs a word at least this long")
    derivation: dict[str, Any] = setting({"min_base": 4, "min_zipf": 2.0, "inflections": ["ed", "ing"], "sibling_min_base": 5,
        "sibling_min_zipf": 3.0, "suffixes": ["s", "es", "ed", "ing", "ings", "ly", "ally", "ably", "ibly", "able", "ible", "y", "er", "ers",
        "ize", "izes", "ized", "ise", "ises", "ised", "ness", "less", "ful", "ist", "ists", "ism", "ity", "ment", "ments", "ation", "ations",
        "ative", "ic", "ics", "ical", "ally", "ery", "ry"], "prefixes": ["un", "in", "im", "non", "re", "pre", "post", "over", "under", "super",
        "hyper", "sub", "micro", "nano", "multi", "anti", "de", "dis", "mis", "co", "inter", "intra", "meta", "semi", "counter", "cyber", "ultra",
        "tele", "neuro", "auto", "self", "mega", "mini", "proto", "pseudo", "quasi", "well"]},
        "a known word plus a productive prefix or suffix is a word of its own")
    min_line_words: int = setting(3, "lines with fewer words are buttons, menu items and names: left alone")
    line_min_lang_share: float = setting(0.5, "a line is fixed only when this share of its words are the speller's language ...")
    line_other_language_p: float = setting(0.9, "... and py3langid is not this sure of another language")


class Typos(Detector[SpellingSettings]):
    """Misspelled and glued words, fixed from the vocabularies, the corpus, the page's own words and the general list
    (the `Speller` decides each word; `propose` finds the words worth asking about)."""

    name = "typos"
    settings = SpellingSettings

    def __init__(self) -> None:
        self._spellers: dict[tuple[Any, ...], tuple[Any, Speller]] = {}

    def speller(self, ctx: Context, page: Page, lang: str, settings: SpellingSettings) -> Speller:
        """The speller for this page's language and vocabularies (built once per combination: the corpus
        vocabulary can be large)."""
        rules = ctx.rules_for(SpellingStage.name, page, ("vocabulary",))
        wanted = ctx.options.get("vocab")
        key = (ctx.rules.digest, lang, tuple(r.id for r in rules), tuple(wanted or ()))
        stats = ctx.stats.get(SpellingStage.name)
        hit = self._spellers.get(key)
        if hit is not None and hit[0] is stats:
            return hit[1]
        if len(self._spellers) > 32:
            self._spellers.clear()
        vocabs = select_vocabularies(rules, list(wanted) if wanted else None)
        sp = Speller(settings, vocabs, lang, stats)
        self._spellers[key] = (stats, sp)
        return sp

    def propose(self, page: Page, settings: SpellingSettings, ctx: Context) -> Iterable[Proposal]:
        lang = ensure_page_language(page)
        text = page.text
        if not text.strip():
            return []
        speller = self.speller(ctx, page, lang, settings)
        if not speller.active:
            return []
        speller.for_page(text, page.raw)
        return propose(text, speller)


class SpellingStage(DetectorStage):
    name = "spelling"
    detectors = [Typos]

    def collector(self, ctx: Context) -> CorpusWords:
        settings = SpellingSettings.from_values(ctx.settings(self.name, self.defaults))
        return CorpusWords(int(settings.corpus_min_count), int(settings.corpus_min_pages))

    def settings(self, ctx: Context) -> SpellingSettings:
        """The stage's settings in this run (the shipped rules, then the run's preset)."""
        return SpellingSettings.from_values(ctx.settings(self.name, self.defaults))

    def speller(self, ctx: Context, page: Page, lang: str) -> Speller:
        """The speller the stage uses on this page."""
        det = self._instances[0]
        assert isinstance(det, Typos)
        return det.speller(ctx, page, lang, self.settings(ctx))


def propose(text: str, speller: Speller) -> list[Proposal]:
    """Proposals for every word of the text the speller fixes (lines in another language are skipped)."""
    cfg = speller.cfg
    out: list[Proposal] = []
    kept_words = speller.kept_words
    for ln in lines(text):
        # where the words are that the speller might fix: a line without one (most lines) is skipped, and so is
        # every chunk without one (the words `check` looks at are letter runs, so each sits inside one chunk).
        # The tests that skip a line are independent, so the cheapest go first: a line of words known to be kept
        # on any page, then every word looked at, then the code-line regex.  The line's words (memoized) settle
        # most lines: a word in `kept_words` is a letter run, and so its word's only one
        if kept_words.issuperset(word_list(ln.text.strip())) or kept_words.issuperset(_LETTER_RUN.findall(ln.text)):
            continue
        todo = [r.start() for r in _LETTER_RUN.finditer(ln.text)
                if (w := r.group()) not in kept_words and not speller.surely_kept(w)]
        if not todo:
            continue
        if not ln.text.strip() or _CODE_LINE.search(ln.text):
            continue
        if len(ln.text.split()) < cfg.min_line_words:
            continue  # a button, menu item or name ('Show more.'): too little context to call a word a typo
        line_props: list[Proposal] = []
        n_words = len(ln.text.split())
        prev = ""
        t = prev_end = 0
        for m in _CHUNK.finditer(ln.text):
            chunk = m.group()
            if prev and any(d in ln.text[prev_end:m.start()] for d in "—–…"):
                prev = "—"  # after a dash or an ellipsis, as after a dash written apart
            prev_end = m.end()
            while t < len(todo) and todo[t] < m.start():
                t += 1
            if t == len(todo):
                break
            if todo[t] >= m.end():
                prev = chunk
                continue
            at_start = prev == "" or bool(_SENTENCE_END.search(prev)) or prev in ("-", "–", "—", "•", "*")
            prev = chunk
            chunk = _CITATION.sub("", chunk)
            if _NOT_PROSE.search(chunk):
                continue
            core = _CORE.match(chunk)
            if core is None:
                continue
            lead = core.group(1)
            at_start = at_start or any(c in lead for c in "\"“‘'([")
            word = core.group(2)
            offset = ln.start + m.start() + len(lead)
            parts = _HYPHEN_SPLIT.split(word) if ("-" in word or "'" in word or "’" in word) else [word]
            pos = 0
            for k, part in enumerate(parts):
                if k + 2 < len(parts) and parts[k + 1] in ("'", "’") and parts[k + 2].casefold() in _CONTRACTION_TAILS:
                    pos += len(part)
                    continue  # 'shouldn' of shouldn't, 'they' of they're: a contraction's stem, not a word to fix
                if part and part not in "-'’" and (len(parts) == 1 or part == parts[0] or part.islower()):
                    v = speller.check(part, capitalised_ok=at_start and pos == 0)
                    if v.fixed and v.detail.get("word_zipf") is not None and n_words < cfg.overwhelming_min_line_words:
                        pass  # overruling wordfreq needs running prose around the word, not a heading or a label
                    elif v.fixed:
                        line_props.append(Proposal(offset + pos, offset + pos + len(part), v.correction, v.rule, v.reason, v.detail))
                pos += len(part)
        if line_props and _line_in_language(ln.text, speller, cfg):
            out.extend(line_props)
    return out


def _line_in_language(line: str, speller: Speller, cfg: SpellingSettings) -> bool:
    """Only fix lines written in the speller's language: most words known, and langid not sure of another."""
    ws = [w.casefold() for w in word_list(line)]
    if len(ws) >= 3:
        share = sum(1 for w in ws if speller.zipf(w) >= 3.0 or w in speller.vocab_words) / len(ws)
        if share < cfg.line_min_lang_share:
            return False
    if len(ws) >= 4:
        lang, p = detect(line)
        if lang and lang != speller.lang and p >= cfg.line_other_language_p:
            return False
    return True
