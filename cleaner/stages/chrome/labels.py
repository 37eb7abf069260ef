"""Content/chrome labels for a page's raw lines, from its gold text (what the chrome model learns from).

A page with gold is ``NAME.raw.txt`` (the scraped text, one block a line) and ``NAME.gold.txt`` (the main text a
person kept).  Each non-blank raw line gets a label:

- **exact**: the line (whitespace collapsed, case folded) is one of the gold lines, matched in order (a longest
  common subsequence of the two line lists, so a line the raw repeats matches once, at its place in the article);
- **partial**: the line is not a gold line, but most of its words (``PARTIAL_SHARE``) are found in the gold lines
  left unmatched between the same two matched lines (gold that joins, splits or trims raw lines);
- **repeat**: the line is a gold line but was not matched where it stands (a second copy: chrome);
- **none**: nothing of it is in gold there (chrome);
- **headline**: the page's headline, which some gold sets drop (Zyte, Readability) but the product keeps: a line
  naming the page's ``<h1>`` (given by the caller) before the first content line is content.

Content is *exact*, *partial* and *headline*; chrome is *repeat* and *none*.
"""

from __future__ import annotations

import gzip
import html as html_lib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

#: a raw line is partial content when at least this share of its words is in the gold around its place
PARTIAL_SHARE = 0.5
_WORD = re.compile(r"\w+")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def norm(s: str) -> str:
    """A line as compared: NFKC, case folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", s).casefold().split())


@dataclass(frozen=True)
class LineLabel:
    """One non-blank raw line: its index among ``raw.splitlines()``, content or not, and why."""

    line: int
    content: bool
    kind: str


def label_lines(raw: str, gold: str, headline: str | None = None) -> list[LineLabel]:
    """Label each non-blank raw line content or chrome by aligning it with the gold text."""
    raw_lines = raw.splitlines()
    idx = [i for i, s in enumerate(raw_lines) if s.strip()]
    r = [norm(raw_lines[i]) for i in idx]
    g = [norm(s) for s in gold.splitlines() if s.strip()]
    kinds: list[str | None] = [None] * len(r)
    sm = SequenceMatcher(None, r, g, autojunk=False)
    blocks = sm.get_matching_blocks()
    ra = ga = 0
    gold_set = set(g)
    for blk in blocks:
        # the gap before this block: raw r[ra:blk.a], gold g[ga:blk.b]
        left = Counter(w for s in g[ga:blk.b] for w in _WORD.findall(s))
        for k in range(ra, blk.a):
            ws = _WORD.findall(r[k])
            found = Counter(ws) & left
            if ws and sum(found.values()) >= PARTIAL_SHARE * len(ws):
                kinds[k] = "partial"
                left -= found
            else:
                kinds[k] = "repeat" if r[k] in gold_set else "none"
        for k in range(blk.a, blk.a + blk.size):
            kinds[k] = "exact"
        ra, ga = blk.a + blk.size, blk.b + blk.size
    if headline:
        h = norm(headline)
        first = next((k for k, x in enumerate(kinds) if x in ("exact", "partial")), len(r))
        for k in range(first - 1, -1, -1):
            if r[k] == h:
                kinds[k] = "headline"
                break
    return [LineLabel(i, kd in ("exact", "partial", "headline"), kd or "none") for i, kd in zip(idx, kinds)]


def html_headline(path: Path) -> str | None:
    """The text of the page's first ``<h1>`` (from ``html/NAME.html.gz`` beside a bench page), if any."""
    if not path.exists():
        return None
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
        m = _H1.search(fh.read())
    if not m:
        return None
    text = " ".join(html_lib.unescape(_TAG.sub(" ", m.group(1))).split())
    return text or None


@dataclass
class LabelledPage:
    """A page with gold: raw text, labels of its non-blank raw lines, its site and language (when known)."""

    name: str
    raw: str
    gold: str
    site: str
    lang: str
    labels: list[LineLabel]


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """``manifest.tsv`` rows by id (empty when the folder has none)."""
    path = folder / "manifest.tsv"
    if not path.exists():
        return {}
    rows = [ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    head = rows[0]
    return {row[0]: dict(zip(head, row)) for row in rows[1:]}


def load_folder(folder: Path) -> list[LabelledPage]:
    """Every ``NAME.raw.txt`` + ``NAME.gold.txt`` pair of a folder, labelled.  The site is the manifest's
    ``site`` column, else the page is its own site; the headline comes from ``html/NAME.html.gz`` if present."""
    manifest = read_manifest(folder)
    out = []
    for raw_path in sorted(folder.glob("*.raw.txt")):
        name = raw_path.name[: -len(".raw.txt")]
        gold_path = folder / f"{name}.gold.txt"
        if not gold_path.exists():
            continue
        raw = raw_path.read_text(encoding="utf-8", errors="replace")
        gold = gold_path.read_text(encoding="utf-8", errors="replace")
        row = manifest.get(name, {})
        site = row.get("site") or f"{folder.name}/{name}"
        lang = row.get("lang") or ""
        headline = html_headline(folder / "html" / f"{name}.html.gz")
        out.append(LabelledPage(name, raw, gold, site, lang, label_lines(raw, gold, headline)))
    return out
