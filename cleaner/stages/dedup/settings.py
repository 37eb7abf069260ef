"""The dedup stage's settings: one frozen dataclass per detector, a default and a one-line doc per field.

The shipped values are ``rules/dedup/settings.yaml``; ``cleaner rules list --settings`` prints them all."""

from __future__ import annotations

from dataclasses import dataclass

from cleaner.stages.detector import Settings, setting


@dataclass(frozen=True)
class DedupSettings(Settings):
    enabled: bool = setting(True, "run the dedup stage at all")


@dataclass(frozen=True)
class PageCopySettings(DedupSettings):
    consecutive_max_block: int = setting(6, "consecutive copies of a line or of a block of up to this many lines go, any length")
    verse_min_lines: int = setting(3, "a stanza (refrain, table column, list) is at least this many lines ...")
    verse_max_words: int = setting(8, "... of at most this many words: a repeated line inside it is kept")
    cell_max_words: int = setting(3, "a block of lines this short repeated inside a stanza is a table header per column group: kept")
    list_item: str = setting(r"^\s*(?:[*•·▪◦‣∙●○■□–—^-]|\(?\d{1,3}[.)]|\[\d{1,3}\])\s",
                             "a line matching this is a list item: a copy inside a list is kept ('' for none)")
    same_indent: bool = setting(True, "consecutive copies must be indented alike (code repeats a line at another depth)")
    code_opener: str = setting(r"[\[{(]\s*$", "a line matching this opens a block of code or data: its copies are structure ('' for none)")
    keep_paragraph_leads: bool = setting(True, "a sentence that opens its paragraph in both copies is a reused lead: kept")
    repeat_min_words: int = setting(6, "a sentence this long repeated right after itself goes, whatever its size ...")
    repeat_max_lines: int = setting(2, "... on the same line or up to this many lines on")
    recap_partial_ratio: float = setting(85, "a line this much found inside the paragraph it copies (partial ratio) is a recap: kept")
    near_same_names: bool = setting(True, "near copies must name the same capitalised words")
    min_words: int = setting(12, "non-adjacent copies count from this many words ...")
    min_chars: int = setting(60, "... and this many characters up")
    max_copies: int = setting(2, "more copies than this on a page is a structure (a recurring question): all kept")
    max_number_share: float = setting(0.1, "a unit with 2+ numbers making this share of its words is data: kept")
    near_threshold: float = setting(92, "near copies: rapidfuzz ratio (0-100) of the normalised text ...")
    near_min_words: int = setting(10, "... and at least this many words")
    near_max_units: int = setting(1500, "a page with more lines or sentences than this gets exact dedup only")
    quote_prefixes: list[str] = setting([">", "\"", "“", "”", "„", "«", "»", "‘", "'"], "a line starting with one of these is a quotation: never removed")
    quote_open: list[str] = setting(["\"", "“", "„", "«", "‘"], "a quote mark opening before a sentence on its line makes it a quotation ...")
    quote_close: list[str] = setting(["\"", "”", "“", "»", "’"], "... or one closing it")
    quote_introducers: list[str] = setting([r"\b(?:wrote|said|says|schrieb|a écrit|escribió|написал[аи]?)\b\W{0,3}$",
                                            r"^(?:quote|quoting|zitat|citation|cita|цитата)\b"],
                                           "a line matching one of these introduces a quotation: copies in the next lines are quotes")
    quote_zone_lines: int = setting(4, "... within this many lines")
    keep_pull_quotes: bool = setting(True, "a line on its own repeating a sentence of a longer paragraph is a pull quote: kept")
    max_rounds: int = setting(4, "rounds of removal (removing a copy can make two others adjacent)")
    settle_stages: list[str] = setting(["normalize", "chrome", "spam"], "on a page with repetition these run again until the text settles")
    settle_gap_lines: int = setting(3, "spam runs again only while two copies of a line are at most this many lines apart")


@dataclass(frozen=True)
class CorpusCopySettings(DedupSettings):
    corpus_enabled: bool = setting(True, "collect paragraph and page signatures in the scan pass (used with --dedup-corpus)")
    corpus_min_words: int = setting(12, "a paragraph this long counts as content that may be copied")
    page_min_words: int = setting(30, "pages shorter than this are not compared as whole pages")
    corpus_num_perm: int = setting(100, "MinHash functions ...")
    corpus_bands: int = setting(20, "... banded into this many bands of equal rows")
    corpus_shingle_chars: int = setting(5, "character shingles of this length")
    corpus_near_enabled: bool = setting(True, "find near copies too, not only exact ones")
    corpus_near_threshold: float = setting(0.7, "estimated Jaccard of the shingles for paragraph copies ...")
    page_near_threshold: float = setting(0.8, "... and for whole pages")
    corpus_max_bucket: int = setting(200, "at most this many paragraphs compared in one LSH bucket")
    corpus_site_chrome_min_pages: int = setting(3, "a paragraph on this many pages of one site is the site's chrome, not a copy")
