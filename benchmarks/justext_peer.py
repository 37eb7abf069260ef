"""jusText on naive scraped text, as the peer of `make bench-chrome` (runs in the bench virtualenv).

Each line of a page becomes one ``<p>``; the stoplist is the jusText stoplist
that covers most of the page's words (jusText ships 100; picking the page's
own language is the fairest use of it).  Kept paragraphs are written one a
line to OUTDIR/ID.txt.

Usage: python justext_peer.py OUTDIR RAW_FILE...
"""

from __future__ import annotations

import html
import re
import sys
from collections import Counter
from pathlib import Path

import justext

WORD = re.compile(r"\w+", re.UNICODE)


def best_stoplist(words: Counter[str], lists: dict[str, frozenset[str]]) -> frozenset[str]:
    total = sum(words.values()) or 1
    return max(lists.values(), key=lambda sl: sum(c for w, c in words.items() if w in sl) / total)


def main() -> None:
    outdir = Path(sys.argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    lists = {name: frozenset(justext.get_stoplist(name)) for name in justext.get_stoplists()}
    for raw_path in map(Path, sys.argv[2:]):
        text = raw_path.read_text(encoding="utf-8")
        doc = "<html><body>" + "".join(f"<p>{html.escape(ln)}</p>" for ln in text.splitlines() if ln.strip()) + "</body></html>"
        stoplist = best_stoplist(Counter(w.lower() for w in WORD.findall(text)), lists)
        kept = [p.text for p in justext.justext(doc.encode("utf-8"), stoplist, encoding="utf-8") if not p.is_boilerplate]
        name = raw_path.name.removesuffix(".raw.txt").removesuffix(".txt")
        (outdir / f"{name}.txt").write_text("\n".join(kept) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
