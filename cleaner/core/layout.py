"""Layout of a text that two stages judge alike: indentation, and the code blocks where it is syntax.

Normalize strips the indentation of prose and keeps that of code; tidy looks again at the end, because a stage in
between may have removed the lines that made a block code (cleaning the clean text must change nothing).
"""

from __future__ import annotations

import regex

#: the indentation of a line (spaces and tabs before its first character)
LEADING_SPACE = regex.compile(r"(?m)^[ \t]+(?=\S)")
_BLOCK = regex.compile(r"(?:^[^\S\n]*\S[^\n]*(?:\n|$))+", regex.M)
#: a line with code punctuation ('reader = csv.DictReader(f)', '{', '<div>', 'a | b', 'x_y;')
CODE_LINE = regex.compile(r"[{}<>=|_;]|\*\}|\w\(")


def code_blocks(text: str) -> list[tuple[int, int]]:
    """Blocks (runs of non-blank lines) of code, where indentation is syntax: lines at more than one depth,
    one of them with code punctuation."""
    out: list[tuple[int, int]] = []
    for m in _BLOCK.finditer(text):
        block = m.group()
        depths = {len(ln) - len(ln.lstrip(" \t")) for ln in block.split("\n") if ln.strip()}
        if len(depths) > 1 and CODE_LINE.search(block):
            out.append((m.start(), m.end()))
    return out


def prose_indents(text: str) -> list[tuple[int, int]]:
    """The indentation of every line outside a code block (what neither stage keeps)."""
    code = code_blocks(text)
    return [(m.start(), m.end()) for m in LEADING_SPACE.finditer(text) if not any(a <= m.start() < b for a, b in code)]
