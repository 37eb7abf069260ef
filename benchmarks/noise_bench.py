"""Planted noise on real pages: plant noise with known answers into the bench's clean gold texts, clean, score.

Every bench set's gold text (each page in a directory of its own, so that it is its own site; htmltotext's, whose
gold keeps reader comments, cleaned with ``--keep-comments`` as bench-false-positives does) gets, with a seeded
generator:

- ``typo``: one occurrence of a word the page uses at least three times, misspelt as a writer really misspelt
  it (Birkbeck and Holbrook lists, the speller's tuning sets) where one exists, else a keyboard slip
  (neighbouring key, transposition, doubled or dropped letter); English pages. A misspelling that is itself a
  common word (Zipf >= 3: 'farmer' for 'former') is reported apart as ``typo-realword``, and one the lists give
  for several words ('thier': their, there, they're) as ``typo-ambiguous``: only context tells;
- ``glue-function`` / ``glue-content``: the space between two words removed (one of them a function word /
  both content words); English pages;
- ``macroman``: Windows-1252 punctuation read as Mac Roman on one token (``it’s`` -> ``itís``, ``—`` -> ``ó``,
  ``“…”`` -> ``ì…î``); any page with such punctuation or an apostrophe;
- ``mojibake``: one word with a non-ASCII letter or mark, its UTF-8 bytes read as Windows-1252 (``café`` ->
  ``cafÃ©``); any page with one;
- ``query-line`` / ``scam-line``: a stand-alone search query or scam comment (made from the templates below,
  benchmark data only) on a line of its own between two lines; English pages;
- ``repeat``: a sentence of 6 to 11 words repeated right after itself in its paragraph; any page.

Then the whole pipeline runs over the noisy pages and each plant is scored from the change logs: **right**
(fixed to the answer / removed), **missed** (untouched), **wrong** (changed otherwise, or removed with more
than the plant); a plant inside text chrome removed is counted apart (``in chrome``) for the fix kinds (its
fix cannot be seen).  Harm is harm.py's count over the edits, less the planted text: the words of the gold
text changed per 10,000, by stage.

    python benchmarks/noise_bench.py [--seed 21] [--bench DIR] [--out DIR] [--list KIND]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from benchmarks.false_positive_bench import BENCH, KEEPS_COMMENTS, SETS, clean, harm_module
from cleaner.resources.langid import page_language
from cleaner.resources.lexicon import zipf

WORD = re.compile(r"[A-Za-z]+")
FUNCTION = ("and the of to in is for on with as at by an or but from that this are was be it not when you we they "
            "our your their its has have can will which").split()
KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")

# -- spam made for the benchmark (never shipped as rules) ---------------------------------------------
THINGS = ["dental implants", "car insurance", "cheap flights", "used cars", "personal loans", "hair transplant",
          "solar panels", "roof repair", "wedding dresses", "payday loans", "kitchen cabinets", "laser hair removal",
          "divorce lawyer", "pest control", "auto repair", "water heater", "gold price", "iphone 15 pro max",
          "air conditioner", "tax accountant"]
PLACES = ["india", "dubai", "london", "pakistan", "texas", "sydney", "toronto", "manila"]
WHO = ["seniors", "beginners", "students", "small business", "bad credit", "women", "dogs", "kids"]
QUERY_TEMPLATES = ["{thing} near me", "how much does {thing} cost", "best {thing} for {who} {year}",
                   "{thing} price in {place}", "cheap {thing} online free shipping", "what is the capital of {country}",
                   "how many {unit} are in a {big}", "{thing} {place} {year} reviews", "where to buy {thing} in {place}",
                   "is {thing} worth it {year}"]
COUNTRIES = ["australia", "canada", "brazil", "turkey", "nigeria", "peru", "vietnam"]
UNITS = [("ounces", "pound"), ("teaspoons", "tablespoon"), ("feet", "mile"), ("grams", "kilogram"), ("days", "year")]
NAMES = ["James Walker", "Maria Gonzalez", "Kelvin Brown", "Linda Morgan", "Patrick Ade", "Susan Clarke"]
SCAM_TEMPLATES = [
    "I made ${n},000 in one week working from home with this simple method, contact Mr {name} on WhatsApp +1 {phone} for details.",
    "My bitcoin investment grew {p}% in a month thanks to {name} and her trading platform, email {handle}@gmail.com to join today!",
    "Is your ex ignoring you? Dr {name} cast a love spell that brought my husband back in 48 hours, call +234 {phone} now.",
    "Thanks to {name} I recovered my lost crypto in 3 days, contact her on Telegram @{handle} and she will help you too.",
    "Earn ${n}00 daily from your phone, no experience needed, message {name} at {handle}@outlook.com to get started today.",
]


_ABBREVIATION_END = re.compile(r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Sen|Rep|Gov|No|Vol|Fig|vs)\.$")


@dataclass
class Plant:
    kind: str
    start: int  # in the noisy text
    end: int
    answer: str  # what the span should become ('' for removals)
    noisy: str
    # for repeats: the span of the original the copy repeats (either copy may go)
    other: tuple[int, int] | None = None


# -- loading ----------------------------------------------------------------------------------------
def misspellings(bench: Path) -> dict[str, list[str]]:
    """correction -> real misspellings of it (one token, letters only): Birkbeck and Holbrook."""
    out: dict[str, list[str]] = defaultdict(list)
    for path in (bench / "spelling" / "birkbeck" / "birkbeck.tsv", bench / "spelling" / "holbrook" / "holbrook.tsv"):
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 2 and parts[0].isalpha() and parts[1].isalpha() and parts[0].lower() != parts[1].lower():
                out[parts[1].lower()].append(parts[0].lower())
    return out


_TARGETS: dict[int, Counter[str]] = {}


def _targets(spellings: dict[str, list[str]]) -> Counter[str]:
    """For how many words the lists give each misspelling (counted once per list of misspellings)."""
    key = id(spellings)
    if key not in _TARGETS:
        _TARGETS[key] = Counter(m for ms in spellings.values() for m in set(ms))
    return _TARGETS[key]


def _slip(word: str, rng: random.Random) -> str:
    """A keyboard slip: a neighbouring key, two letters swapped, a letter doubled or dropped (never the first)."""
    near: dict[str, str] = {}
    for r, row in enumerate(KEYBOARD):
        for i, c in enumerate(row):
            near[c] = "".join(KEYBOARD[r2][i2] for r2 in (r - 1, r, r + 1) if 0 <= r2 < 3
                              for i2 in (i - 1, i, i + 1) if 0 <= i2 < len(KEYBOARD[r2]) and (r2, i2) != (r, i))
    for _ in range(20):
        i = rng.randrange(1, len(word))
        op = rng.choice("sstdx")
        if op == "s" and word[i] in near:
            w = word[:i] + rng.choice(near[word[i]]) + word[i + 1:]
        elif op == "t" and i + 1 < len(word) and word[i] != word[i + 1]:
            w = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        elif op == "d":
            w = word[:i] + word[i] + word[i:]
        elif op == "x" and len(word) > 5:
            w = word[:i] + word[i + 1:]
        else:
            continue
        if w != word:
            return w
    return word[:1] + word[2] + word[1] + word[3:]


# -- planting ---------------------------------------------------------------------------------------
class Planter:
    def __init__(self, text: str, rng: random.Random, lang: str, spellings: dict[str, list[str]]):
        self.text = text
        self.rng = rng
        self.lang = lang
        self.spellings = spellings
        self.targets = _targets(spellings)
        self.edits: list[tuple[int, int, str, str, str, tuple[int, int] | None]] = []  # gold offsets

    def free(self, a: int, b: int, margin: int = 12) -> bool:
        return all(b + margin <= s or a >= e + margin for s, e, *_ in self.edits)

    def add(self, kind: str, a: int, b: int, new: str, answer: str, other: tuple[int, int] | None = None) -> bool:
        if not self.free(a, b):
            return False
        self.edits.append((a, b, new, answer, kind, other))
        return True

    def prose_lines(self, min_words: int = 8) -> list[tuple[int, int]]:
        out, pos = [], 0
        for ln in self.text.split("\n"):
            if len(ln.split()) >= min_words:
                out.append((pos, pos + len(ln)))
            pos += len(ln) + 1
        return out

    def typo(self) -> bool:
        low_counts = Counter(m.group().lower() for m in WORD.finditer(self.text))
        cands = sorted(w for w, n in low_counts.items() if n >= 3 and len(w) >= 5)
        self.rng.shuffle(cands)
        for w in cands:
            occ = [m for m in re.finditer(rf"(?<![\w'’-]){w}(?![\w'’-])", self.text)]
            if len(occ) < 2:
                continue
            m = self.rng.choice(occ[1:])
            real = [x for x in self.spellings.get(w, []) if len(x) >= 4 and low_counts[x] == 0]
            bad = self.rng.choice(real) if real else _slip(w, self.rng)
            # 'farmer' for 'former', 'thier' for 'their', 'there' and 'they're' in the lists: only context tells
            kind = "typo-realword" if zipf(bad, "en") >= 3.0 else "typo-ambiguous" if self.targets[bad] > 1 else "typo"
            if low_counts[bad] == 0 and self.add(kind, m.start(), m.end(), bad, w):
                return True
        return False

    def glue(self, function: bool) -> bool:
        lines = self.prose_lines()
        self.rng.shuffle(lines)
        for a, b in lines:
            pairs = [m for m in re.finditer(r"(?<![\w'’.-])([a-z]{2,}) ([a-z]{2,})(?![\w'’-])", self.text[a:b])]
            self.rng.shuffle(pairs)
            for m in pairs:
                x, y = m.group(1), m.group(2)
                fw = (x in FUNCTION) != (y in FUNCTION)
                ok = fw and len(x + y) >= 7 if function else (x not in FUNCTION and y not in FUNCTION and min(len(x), len(y)) >= 4)
                if ok and self.add("glue-function" if function else "glue-content", a + m.start(), a + m.end(), x + y, m.group()):
                    return True
        return False

    def macroman(self) -> bool:
        pats = [(re.compile(r"\b([A-Za-z]{1,20})['’](s|t|re|ve|ll|d|m)\b"), lambda m: (m.group(1) + "í" + m.group(2), m.group(1) + "’" + m.group(2))),
                (re.compile(r"(?<=\w )—(?= \w)|(?<=\w)—(?=\w)"), lambda m: ("ó", "—")),
                (re.compile(r"“([^”\n]{3,60})”"), lambda m: ("ì" + m.group(1) + "î", "“" + m.group(1) + "”"))]
        self.rng.shuffle(pats)
        for pat, make in pats:
            ms = list(pat.finditer(self.text))
            self.rng.shuffle(ms)
            for m in ms[:10]:
                new, answer = make(m)
                if self.add("macroman", m.start(), m.end(), new, answer):
                    return True
        return False

    def mojibake(self) -> bool:
        ms = [m for m in re.finditer(r"\S*[^\x00-\x7f]\S*", self.text) if len(m.group()) <= 30]
        self.rng.shuffle(ms)
        for m in ms[:20]:
            try:
                bad = m.group().encode("utf-8").decode("cp1252")
            except UnicodeDecodeError:
                continue
            if bad != m.group() and self.add("mojibake", m.start(), m.end(), bad, m.group()):
                return True
        return False

    def spam_line(self, kind: str) -> bool:
        rng = self.rng
        low = self.text.lower()
        if kind == "query-line":
            things = [t for t in THINGS if not any(w in low for w in t.split() if len(w) > 3)]
            if not things:
                return False
            unit, big = rng.choice(UNITS)
            line = rng.choice(QUERY_TEMPLATES).format(thing=rng.choice(things), who=rng.choice(WHO), place=rng.choice(PLACES),
                                                      year=rng.choice([2023, 2024, 2025]), country=rng.choice(COUNTRIES),
                                                      unit=unit, big=big)
        else:
            name = rng.choice(NAMES)
            line = rng.choice(SCAM_TEMPLATES).format(n=rng.randint(2, 9), name=name, phone=f"{rng.randint(200, 999)} {rng.randint(1000, 9999)}",
                                                     p=rng.choice([150, 200, 300, 400]), handle=name.split()[0].lower() + str(rng.randint(10, 99)))
        breaks = [m.end() for m in re.finditer(r"\n", self.text)][1:-1]
        rng.shuffle(breaks)
        return any(self.add(kind, pos, pos, line + "\n", "") for pos in breaks[:20])

    def repeat(self) -> bool:
        sents = [m for m in re.finditer(r"(?:(?<=^)|(?<=[.!?] ))([A-Z][^.!?\n]{10,200}[.!?])(?= [A-Z])", self.text, re.M)
                 if 6 <= len(m.group(1).split()) <= 11]
        self.rng.shuffle(sents)
        # a "sentence" cut at an initial or a title ('... by the W.', '... offers Mr.') is not one: passed over
        return any(self.add("repeat", m.end(), m.end(), " " + m.group(1), "", (m.start(1), m.end(1)))
                   for m in sents[:10] if not _ABBREVIATION_END.search(m.group(1)))

    def build(self) -> tuple[str, list[Plant]]:
        """The noisy text and its plants in noisy offsets."""
        out: list[str] = []
        plants: list[Plant] = []
        pos = shift = 0
        for a, b, new, answer, kind, other in sorted(self.edits, key=lambda e: (e[0], e[1])):
            out.append(self.text[pos:a])
            na = a + shift
            o = (other[0] + shift, other[1] + shift) if other else None  # the original sits right before the copy
            plants.append(Plant(kind, na, na + len(new), answer, new, o))
            out.append(new)
            shift += len(new) - (b - a)
            pos = b
        out.append(self.text[pos:])
        return "".join(out), plants


def plant_page(text: str, rng: random.Random, spellings: dict[str, list[str]]) -> tuple[str, list[Plant], str]:
    lang = page_language(text)[0] or "?"
    p = Planter(text, rng, lang, spellings)
    words = len(text.split())
    english = lang == "en"
    if english:
        for _ in range(min(3, max(1, words // 400))):
            p.typo()
        p.glue(True)
        p.glue(False)
        p.spam_line("query-line")
        if rng.random() < 0.5:
            p.spam_line("scam-line")
    p.macroman()
    p.mojibake()
    p.repeat()
    noisy, plants = p.build()
    return noisy, plants, lang


# -- scoring ----------------------------------------------------------------------------------------
def load_edits(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()[1:]]


def covered(edits: list[dict], a: int, b: int) -> list[dict]:
    return [e for e in edits if e["start"] < b and e["end"] > a or (a == b and e["start"] <= a < e["end"])]


def removed(edits: list[dict], a: int, b: int, noisy: str) -> bool:
    """Is every letter of noisy[a:b] inside an edit that drops it?"""
    hits = covered(edits, a, b)
    if not hits:
        return False
    span = noisy[a:b]
    letters = [i for i in range(a, b) if noisy[i].isalnum()]
    return all(any(e["start"] <= i < e["end"] and span.strip() not in e["after"] for e in hits) for i in letters)


def score_plant(pl: Plant, edits: list[dict], noisy: str) -> str:
    if pl.kind in ("query-line", "scam-line"):
        if removed(edits, pl.start, pl.end, noisy):
            return "right"
        return "wrong" if covered(edits, pl.start, pl.end) else "missed"
    if pl.kind == "repeat":
        assert pl.other is not None
        copy_gone = removed(edits, pl.start, pl.end, noisy)
        orig_gone = removed(edits, *pl.other, noisy)
        if copy_gone != orig_gone:
            return "right"
        return "missed" if not covered(edits, pl.start, pl.end) and not covered(edits, *pl.other) else "wrong"
    hits = covered(edits, pl.start, pl.end)
    if not hits:
        return "missed"
    if any(e["stage"] == "chrome" for e in hits):
        return "in chrome"
    a = min(pl.start, *(e["start"] for e in hits))
    b = max(pl.end, *(e["end"] for e in hits))
    out, pos = [], a
    for e in sorted(hits, key=lambda e: e["start"]):
        out.append(noisy[pos:e["start"]])
        out.append(e["after"])
        pos = e["end"]
    out.append(noisy[pos:b])
    expect = noisy[a:pl.start] + pl.answer + noisy[pl.end:b]
    return "right" if "".join(out) == expect else "wrong"


def unplanted_harm(e: dict, plants: list[Plant], noisy: str, harm) -> int:  # type: ignore[no-untyped-def]
    """harm.py's count of the edit, with the planted text taken out of its ``before``."""
    inside = [p for p in plants if p.start < e["end"] and p.end > e["start"]]
    if not inside:
        return int(harm.harmed(e))
    before, pos = [], e["start"]
    for p in sorted(inside, key=lambda p: p.start):
        before.append(noisy[pos:max(pos, p.start)])
        if p.kind == "repeat":
            pass  # the copy is planted; its words are not the gold's
        pos = max(pos, p.end)
    before.append(noisy[pos:e["end"]])
    after = e["after"]
    for p in inside:
        after = after.replace(p.answer, " ", 1) if p.answer else after
    return int(harm.harmed({"before": "".join(before), "after": after}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--bench", type=Path, default=BENCH)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", default="", help="print the plants of these kinds (comma list) that were not right")
    args = ap.parse_args()
    _, harm = harm_module(args.bench)
    rng = random.Random(args.seed)
    spellings = misspellings(args.bench)
    with tempfile.TemporaryDirectory() as tmp:
        base = args.out or Path(tmp)
        inp, out = base / "in", base / "out"
        pages: dict[str, tuple[str, list[Plant], int]] = {}
        langs: Counter[str] = Counter()
        for s in args.sets.split(","):
            for g in sorted((args.bench / s).glob("*.gold.txt")):
                page_id = g.name[: -len(".gold.txt")]
                text = g.read_text(encoding="utf-8")
                noisy, plants, lang = plant_page(text, rng, spellings)
                langs[lang] += 1
                mode = "keep-comments" if s in KEEPS_COMMENTS else "default"  # as bench-false-positives runs them
                d = inp / mode / f"{s}-{page_id}"
                d.mkdir(parents=True, exist_ok=True)
                (d / f"{page_id}.txt").write_text(noisy, encoding="utf-8")
                pages[f"{mode}/{s}-{page_id}/{page_id}"] = (noisy, plants, len(re.findall(r"\w+", text)))
        for mode in ("default", "keep-comments"):
            if (inp / mode).is_dir():
                clean(inp / mode, out / mode, args.jobs, keep_comments=mode == "keep-comments")
        results: dict[str, Counter[str]] = defaultdict(Counter)
        bad: list[str] = []
        by_stage: Counter[str] = Counter()
        fixed_by: dict[str, Counter[str]] = defaultdict(Counter)
        words = 0
        for key, (noisy, plants, n_words) in pages.items():
            words += n_words
            log = out / f"{key}.changes.jsonl"
            edits = load_edits(log) if log.exists() else []
            for pl in plants:
                verdict = score_plant(pl, edits, noisy)
                results[pl.kind][verdict] += 1
                if verdict == "right":
                    for e in covered(edits, pl.start, pl.end):
                        fixed_by[pl.kind][e["stage"]] += 1
                if verdict in ("missed", "wrong") and pl.kind in args.list.split(","):
                    hits = covered(edits, pl.start, pl.end)
                    got = "; ".join(f"{e['rule']}: {e['before'][:40]!r}->{e['after'][:40]!r}" for e in hits)
                    ctx = noisy[max(0, pl.start - 40): pl.end + 40].replace("\n", "⏎")
                    bad.append(f"{pl.kind:<13} {verdict:<6} {pl.noisy[:50]!r} -> {pl.answer[:40]!r} | {ctx!r} | {got}")
            for e in edits:
                by_stage[e["stage"]] += unplanted_harm(e, plants, noisy, harm)
    print(f"planted noise, seed {args.seed}: {len(pages)} gold pages ({args.sets}), {words:,} gold words; "
          f"page languages {dict(langs.most_common(6))}")
    print(f"{'kind':<14}{'planted':>8}{'right':>7}{'missed':>8}{'wrong':>7}{'chrome':>8}{'recall':>8}{'precision':>10}")
    tot: Counter[str] = Counter()
    for kind in ("typo", "typo-realword", "typo-ambiguous", "glue-function", "glue-content", "macroman", "mojibake", "query-line", "scam-line", "repeat"):
        r = results.get(kind, Counter())
        n = sum(r.values())
        tot.update(r)
        scored = n - r["in chrome"]
        rec = r["right"] / scored if scored else 0.0
        prec = r["right"] / (r["right"] + r["wrong"]) if r["right"] + r["wrong"] else 1.0
        print(f"{kind:<14}{n:>8}{r['right']:>7}{r['missed']:>8}{r['wrong']:>7}{r['in chrome']:>8}{rec:>8.3f}{prec:>10.3f}"
              f"   by {dict(fixed_by[kind])}")
    rate = {k: round(v * 1e4 / max(words, 1), 2) for k, v in sorted(by_stage.items())}
    other = round(sum(v for k, v in rate.items() if k != "chrome"), 2)
    print(f"unplanted words changed per 10,000 (harm.py's count, planted text left out): {rate}; "
          f"other stages than chrome {other}")
    for line in bad:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
