"""Memos: the one policy for keeping computed values (few, named, bounded).

A value is kept only where the profile showed the same question asked again and again, and only by one of four
kinds of memo, each bounded by its size here.  Every memo registers under its function's name, so `memo_stats`
shows what each one holds and saves, and `clear_memos` empties them all (benchmarks and tests).

| kind       | keyed by                                   | entries | why                                                  |
| ---------- | ------------------------------------------ | ------- | ---------------------------------------------------- |
| `text_memo` | the last page text (by identity)          | 1       | the stages and detectors ask about one page's text between two commits |
| `line_memo` | a line or sentence (the last argument)    | 4,096   | a page's lines over its stages' passes, and chrome lines that recur page after page |
| `word_memo` | a word (and a language or setting)        | 65,536  | a page's words are mostly the corpus's words         |
| `resource`  | the settings a table, regex or model is built from | 64 | built once for each distinct setting (a handful a run) |

Lines longer than `LINE_MAX_CHARS` are computed afresh rather than pinned in memory: a line's words are separate
string objects (~3.7 kB for a line of 370 characters), so a memo of lines stays small by count and by length.
`MemoDict` is the same policy for a memo a caller fills itself (a rule's verdicts on one line, by rule).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, NamedTuple, TypeVar

LINE_MAX_CHARS = 2000
SIZES = {"line": 4096, "word": 1 << 16, "resource": 64}

_F = TypeVar("_F", bound=Callable[..., Any])
_T = TypeVar("_T")


class MemoStats(NamedTuple):
    kind: str
    entries: int
    bound: int
    hits: int | None  # None: not counted (the text memo, a `MemoDict`)
    misses: int | None


_REGISTRY: dict[str, tuple[str, Callable[[], MemoStats], Callable[[], None]]] = {}


def _register(name: str, kind: str, stats: Callable[[], MemoStats], clear: Callable[[], None]) -> None:
    _REGISTRY[name] = (kind, stats, clear)


def _name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def _bounded(fn: _F, kind: str) -> Any:
    cached = lru_cache(maxsize=SIZES[kind])(fn)

    def stats() -> MemoStats:
        info = cached.cache_info()
        return MemoStats(kind, info.currsize, SIZES[kind], info.hits, info.misses)

    _register(_name(fn), kind, stats, cached.cache_clear)
    return cached


def word_memo(fn: _F) -> _F:
    """``fn`` of a word (its arguments hashable), kept for the `SIZES` ``word`` most recently asked about."""
    return _bounded(fn, "word")  # type: ignore[no-any-return]


def resource(fn: _F) -> _F:
    """``fn`` builds a table, regex or model from a few settings: built once for each (at most `SIZES` ``resource``
    at a time)."""
    return _bounded(fn, "resource")  # type: ignore[no-any-return]


def line_memo(fn: _F) -> _F:
    """``fn`` of a line (its last argument; the others hashable), computed once per distinct line of at most
    `LINE_MAX_CHARS` characters; longer lines are computed afresh."""
    cached = _bounded(fn, "line")

    @wraps(fn)
    def of_line(*args: Any) -> Any:
        return fn(*args) if len(args[-1]) > LINE_MAX_CHARS else cached(*args)

    return of_line  # type: ignore[return-value]


def text_memo(fn: Callable[[str], _T]) -> Callable[[str], _T]:
    """``fn`` of a page's text, kept for the last text asked about.  The text is compared by identity (held here,
    it cannot have been replaced by another string at its address), so a check costs nothing whatever the page's
    size."""
    last: list[tuple[str, _T]] = []

    @wraps(fn)
    def of_text(text: str) -> _T:
        if not last or last[0][0] is not text:
            last[:] = [(text, fn(text))]
        return last[0][1]

    _register(_name(fn), "text", lambda: MemoStats("text", len(last), 1, None, None), last.clear)
    return of_text


class MemoDict(dict[str, Any]):
    """A memo keyed by a line that its owner fills itself (a line's verdicts, rule by rule): emptied when it holds
    `SIZES` ``line`` lines; lines longer than `LINE_MAX_CHARS` are not kept (`keeps` says so)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        _register(name, "line", lambda: MemoStats("line", len(self), SIZES["line"], None, None), self.clear)

    @staticmethod
    def keeps(line: str) -> bool:
        return len(line) <= LINE_MAX_CHARS

    def slot(self, line: str) -> dict[Any, Any]:
        """The line's own dict of memoized values (made, and the memo emptied when full, as needed)."""
        got = self.get(line)
        if got is None:
            if len(self) >= SIZES["line"]:
                self.clear()
            got = self[line] = {}
        return got  # type: ignore[no-any-return]


def memo_stats() -> dict[str, MemoStats]:
    """Every memo by name: its kind, entries held, bound, and hits and misses where counted."""
    return {name: stats() for name, (_, stats, _) in sorted(_REGISTRY.items())}


def clear_memos(kinds: tuple[str, ...] = ("text", "line", "word", "resource")) -> None:
    """Empty every memo of these kinds (a benchmark's cold start keeps the resources; a test that must not see an
    earlier one's values empties them all)."""
    for kind, _, clear in _REGISTRY.values():
        if kind in kinds:
            clear()
