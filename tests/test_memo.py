"""The memo policy: every kept value is in a named memo of one of four kinds, bounded by the kind's size."""

from __future__ import annotations

from cleaner.api import Cleaner
from cleaner.core.memo import LINE_MAX_CHARS, SIZES, MemoDict, clear_memos, line_memo, memo_stats, word_memo


def test_a_run_leaves_every_memo_within_its_bound() -> None:
    Cleaner().clean("Home | About | Contact\n\nA paragraph about the garden, long enough to be prose here.\n")
    stats = memo_stats()
    assert {"cleaner.core.text._line_words", "cleaner.resources.lexicon.zipf", "rule verdicts"} <= set(stats)
    for name, s in stats.items():
        assert s.kind in {"text", "line", "word", "resource"}, name
        assert s.entries <= s.bound == (1 if s.kind == "text" else SIZES[s.kind]), name


def test_a_long_line_is_computed_afresh_and_not_kept() -> None:
    calls: list[str] = []

    @line_memo
    def length(line: str) -> int:
        calls.append(line)
        return len(line)

    short, long = "a line", "x" * (LINE_MAX_CHARS + 1)
    assert [length(short), length(short), length(long), length(long)] == [6, 6, LINE_MAX_CHARS + 1, LINE_MAX_CHARS + 1]
    assert calls == [short, long, long]
    assert memo_stats()[f"{__name__}.{length.__qualname__}"].entries == 1


def test_clear_memos_empties_every_memo() -> None:
    @word_memo
    def upper(word: str) -> str:
        return word.upper()

    verdicts = MemoDict("test verdicts")
    upper("garden")
    verdicts.slot("a line")["rule"] = True
    clear_memos()
    assert memo_stats()[f"{__name__}.{upper.__qualname__}"].entries == 0
    assert memo_stats()["test verdicts"].entries == 0


def test_a_memo_dict_is_emptied_when_full() -> None:
    verdicts = MemoDict("test full verdicts")
    for i in range(SIZES["line"]):
        verdicts.slot(f"line {i}")
    verdicts.slot("one more")
    assert list(verdicts) == ["one more"]
    assert not verdicts.keeps("x" * (LINE_MAX_CHARS + 1))
