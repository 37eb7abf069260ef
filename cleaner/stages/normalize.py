"""Normalize: bytes that were not UTF-8, line endings, mojibake, odd Unicode, glued words.

Each fix is its own edit with its own rule id, so a reviewer can tell an ftfy
repair from a whitespace tidy.  Order matters: byte-level problems first (so
ftfy sees real characters), then mojibake, then spacing.

The Mac Roman detector exists because ftfy cannot see it: Windows-1252 text
decoded as Mac Roman turns ’ into í and “ ” into ì î.  Those are real letters
in Spanish or Catalan, so we only repair them where the result is plainly
English (a contraction or a possessive) on a page that does not otherwise use
accented Latin letters, and standalone symbol runs (``†∑``) that cannot be
text in any language.
"""

from __future__ import annotations

import dataclasses
import difflib
import html.entities
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import ftfy
import regex

from cleaner.core.layout import CODE_LINE, LEADING_SPACE, prose_indents
from cleaner.core.page import Page, Proposal
from cleaner.core.text import line_memo
from cleaner.resources import lexicon
from cleaner.rulebook.patterns import run_rules
from cleaner.stages.base import Context
from cleaner.stages.detector import Detector, DetectorStage, Settings, setting

_SURROGATES = regex.compile(r"[\udc80-\udcff]+")
_LINE_ENDINGS = regex.compile(r"\r\n?")
_ODD_SPACES = regex.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = regex.compile(r"[\u200b\u2060\u00ad\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # stdlib: 3x faster at a plain class
#: ftfy's fixers that change meaning or layout are off: only encoding, entities, controls and NFC
FTFY_OPTIONS: dict[str, Any] = {"uncurl_quotes": False, "fix_line_breaks": False, "fix_character_width": False,
                                "fix_latin_ligatures": False, "normalization": "NFC", "remove_terminal_escapes": False}
#: Common typographic characters from which none of ftfy's mojibake patterns (``ftfy.badness``) can match, with
#: ASCII around them; tests/test_normalize.py checks that exhaustively against the installed ftfy.  Three lines
#: in four of English web text hold no other non-ASCII character, and skipping ftfy there halves its cost.
FTFY_INERT = "’‘“”–—…•·«»©®™\u00a0"
# what ftfy's fixers need to change a line: any character but printable ASCII (less '&', which starts an HTML
# entity), ASCII white space and FTFY_INERT; the ASCII controls are those of ftfy.chardata.CONTROL_CHARS.
# One stdlib character class: 16x faster than deleting the inert characters and asking isascii().
_FTFY_MAY_CHANGE = re.compile("[^\t\n\x0c\r\x20-\x25\x27-\x7e" + re.escape(FTFY_INERT) + "]")
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
_TABS_SPACES = regex.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_STRAY_BULLET = regex.compile(r"(?m)^[ \t]*[•·▪◦‣∙●○■□–-][ \t]*$")
_TRAILING_SPACE = regex.compile(r"[ \t]+(?=\n|\Z)")

# Windows-1252 punctuation read as Mac Roman: the Mac Roman character -> the intended one
_MAC_ROMAN_PUNCT = {}
for _byte in range(0x80, 0x100):
    try:
        _mac = bytes([_byte]).decode("mac_roman")
        _win = bytes([_byte]).decode("cp1252")
    except UnicodeDecodeError:
        continue
    if _mac != _win and not _win.isalnum():
        _MAC_ROMAN_PUNCT[_mac] = _win
_MAC_APOSTROPHE = "í"  # 0x92 -> ’
# contraction/possessive shapes: therapistís, patientsí, donít, Iím, youíre, weíve, theyíll, heíd
_MAC_CONTRACTION = regex.compile(r"\b([A-Za-z]{1,30})í((?:s|t|m|re|ve|ll|d)\b|(?=\W|$))")
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the and of to is a in for that with you i it my our your their this are was be not on at as by or".split()
)
_MAC_QUOTES = regex.compile(r"ì(?=[A-Za-z][^ìî\n]{0,200}?î)|(?<=ì[^ìî\n]{0,200}?[A-Za-z.,!?])î")
_MAC_SYMBOL_RUN = regex.compile(
    "(?<![^\\s\\d,.;:()])[" + regex.escape("".join(sorted(_MAC_ROMAN_PUNCT))) + "]{2,4}(?![^\\s\\d,.;:()])"
)
_MAC_IMPROBABLE = frozenset("†∑∏∂∆∫Ω√≈≠≤≥∞π◊‡‰ﬁﬂ")
# ìquotedî: ì starting a word and î ending one, on one line
# a quotation opened by ì and closed by î, not inside a word (a Chinese or Japanese quotation follows a letter of
# its script with no space: those letters may stand next to it)
_UNSPACED_LETTER = r"[\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}\p{Thai}]"
_MAC_QUOTE_PAIR = regex.compile(rf"(?<!(?!{_UNSPACED_LETTER})[\p{{L}}\p{{M}}])ì[^ìî\n]{{1,200}}?î(?!(?!{_UNSPACED_LETTER})[\p{{L}}\p{{M}}])")
_MAC_O = regex.compile("ó")
_TOKEN = regex.compile(r"\p{L}+")
_SEPARATORS = frozenset("\u00a0·•–—…’‘“”|")
_ACCENTED = regex.compile(r"[áéóúñàèòùçãõâêôäöüÁÉÓÚÑ¿¡]")  # a page that writes one of these writes accented Latin

# a lower-case word glued to a capitalised one, not inside a handle, path, member access or call
_GLUED_CASE = regex.compile(r"(?<![\w@#/.$-])([a-z]{3,})([A-Z][a-z]{2,})\b(?![(\[]|[.@/]\w|[-_$])")
#: any camelCase token ('mapRelay', 'getElementById', 'iPhone' is not: it starts with one lower-case letter)
_CAMEL = regex.compile(r"\b[a-z]{2,}[A-Z][A-Za-z0-9]*\b")
_GLUED_STOP = regex.compile(r"(?<![\w./@:-])([a-z]{2,})([.!?])([A-Z][a-z]+)\b(?![./@]\w)")
# what every match of each contains, found by the stdlib's scanner (3-6x faster than `regex` at this) so that
# most pages, which have no glued words, are not scanned by the patterns themselves
_MAY_GLUE_CASE = re.compile(r"[a-z]{3}[A-Z][a-z]{2}")
_MAY_GLUE_STOP = re.compile(r"[a-z]{2}[.!?][A-Z][a-z]")
_TLDS = frozenset(["com", "org", "net", "edu", "gov", "io", "co", "uk", "de", "fr", "info", "biz", "ly", "me", "tv", "us", "ca", "au", "in", "html", "htm", "php", "asp", "js", "py"])


def ftfy_keeps(line: str) -> bool:
    """Can ftfy (as configured here) not change this line?  Its fixers need mojibake (a character outside
    ASCII and FTFY_INERT), an HTML entity ('&'), a control character, or text that is not NFC."""
    return _FTFY_MAY_CHANGE.search(line) is None


@dataclass(frozen=True)
class NoSettings(Settings):
    pass


class BytesAndLines(Detector[NoSettings]):
    name = "bytes"
    settings = NoSettings

    def propose(self, page: Page, settings: NoSettings, ctx: Context) -> list[Proposal]:
        return bytes_and_lines(page)


@dataclass(frozen=True)
class FtfySettings(Settings):
    ftfy: bool = setting(True, "repair mojibake with ftfy (on the lines it could change)")


class Ftfy(Detector[FtfySettings]):
    name = "ftfy"
    settings = FtfySettings

    def propose(self, page: Page, settings: FtfySettings, ctx: Context) -> list[Proposal]:
        return ftfy_fixes(page) if settings.ftfy else []


@dataclass(frozen=True)
class MacRomanSettings(Settings):
    mac_roman: bool = setting(True, "repair Windows-1252 punctuation read as Mac Roman (English shapes: itís, ìquotedî)")
    mac_roman_tokens: bool = setting(True, "on a page that also writes accented letters, repair lone tokens one by one")
    mac_roman_letter_languages: list[str] = setting(
        ["es", "pt", "it", "ca", "gl", "hu", "pl", "cs", "sk", "is", "ga", "vi", "fr", "ro"],
        "... never on pages in these languages, where í, ó and ì are letters")


class MacRoman(Detector[MacRomanSettings]):
    name = "mac-roman"
    settings = MacRomanSettings

    def propose(self, page: Page, settings: MacRomanSettings, ctx: Context) -> list[Proposal]:
        return mac_roman(page, dataclasses.asdict(settings)) if settings.mac_roman else []


class OddSpaces(Detector[NoSettings]):
    name = "odd-spaces"
    settings = NoSettings

    def propose(self, page: Page, settings: NoSettings, ctx: Context) -> list[Proposal]:
        return odd_spaces(page)


@dataclass(frozen=True)
class LayoutSettings(Settings):
    collapse_spaces: bool = setting(True, "a run of spaces or tabs inside a line becomes one space")
    keep_code_indent: bool = setting(True, "a block of lines at several depths with code punctuation keeps its indentation")


class Layout(Detector[LayoutSettings]):
    name = "layout"
    settings = LayoutSettings

    def propose(self, page: Page, settings: LayoutSettings, ctx: Context) -> list[Proposal]:
        return layout(page, dataclasses.asdict(settings))


@dataclass(frozen=True)
class GluedSettings(Settings):
    glued_words: bool = setting(True, "split words glued where two blocks met and sentences glued at a full stop")
    glued_min_zipf: float = setting(3.0, "both halves of a camelCase or sentence glue must be words this common")
    glued_max_repeats: int = setting(1, "a camelCase token written more often than this is an identifier or a handle")
    glued_max_camel_tokens: int = setting(1, "a page with more distinct camelCase tokens than this is about code: none split")


class Glued(Detector[GluedSettings]):
    name = "glued"
    settings = GluedSettings

    def propose(self, page: Page, settings: GluedSettings, ctx: Context) -> list[Proposal]:
        return glued(page, float(settings.glued_min_zipf), dataclasses.asdict(settings)) if settings.glued_words else []


class NormalizeStage(DetectorStage):
    """The detectors in order, each committed on its own, then the stage's substitution rules."""

    name = "normalize"
    rule_types = ("substitution",)
    detectors = [BytesAndLines, Ftfy, MacRoman, OddSpaces, Layout, Glued]

    def apply(self, page: Page, ctx: Context) -> None:
        super().apply(page, ctx)
        run_rules(page, self.name, ctx.rules_for(self.name, page, self.rule_types), ctx.regex_timeout)


# -- bytes, BOM, line endings, control characters -----------------------------
def bytes_and_lines(page: Page) -> list[Proposal]:
    """Undecodable bytes, a byte-order mark, CR line endings, control characters."""
    text = page.text
    props: list[Proposal] = []
    if not text.isascii():
        for m in _SURROGATES.finditer(text):
            raw_bytes = m.group().encode("utf-8", "surrogateescape")
            fixed = raw_bytes.decode("cp1252", errors="replace").replace("\ufffd", "")
            props.append(
                Proposal(m.start(), m.end(), fixed, "normalize.undecodable-bytes",
                         f"bytes {raw_bytes.hex(' ')} are not UTF-8; read as Windows-1252")
            )
    if text.startswith("\ufeff"):
        props.append(Proposal(0, 1, "", "normalize.bom", "byte-order mark"))
    if "\r" in text:
        for m in _LINE_ENDINGS.finditer(text):
            props.append(Proposal(m.start(), m.end(), "\n", "normalize.line-endings", "CR/CRLF line ending"))
    for m in _CONTROL.finditer(text):
        props.append(Proposal(m.start(), m.end(), "", "normalize.control-char", f"control character U+{ord(m.group()):04X}"))
    return props

# -- ftfy ----------------------------------------------------------------------
def ftfy_fixes(page: Page) -> list[Proposal]:
    """What ftfy repairs, line by line (only lines it could change)."""
    text = page.text
    if text.isascii():
        return []
    props: list[Proposal] = []
    pos = 0
    for line in text.split("\n"):
        if not line.isascii() and not ftfy_keeps(line):
            changes, steps = _ftfy_changes(line)
            props.extend(Proposal(pos + a, pos + b, after, "normalize.ftfy", f"ftfy: {steps}") for a, b, after in changes)
        pos += len(line) + 1
    return props

# -- Windows-1252 read as Mac Roman ---------------------------------------------
def mac_roman(page: Page, cfg: dict[str, Any]) -> list[Proposal]:
    """Windows-1252 punctuation read as Mac Roman, in English shapes and lone tokens."""
    text = page.text
    if text.isascii() or not any(ch in text for ch in _MAC_ROMAN_PUNCT):
        return []
    props: list[Proposal] = []
    accented = _ACCENTED.search(text) is not None  # (the words around the letter were collected, then only counted)
    if accented and cfg["mac_roman_tokens"]:
        props.extend(mac_roman_tokens(page, text, cfg))
    if not accented:  # a page that writes accented Latin letters is not English mojibake
        props.extend(mac_quote_pairs(text))
        paired = {p.start for p in props}
        for m in _MAC_CONTRACTION.finditer(text):
            english = _plausible_apostrophe(m.group(1), m.group(2), text, m.start()) or (
                _english_line(text, m.start()) and _name_possessive(m.group(1), m.group(2), text, m.end()))
            # asked last: it reads the word lists of every language where í is a letter
            if english and not _word_where_i_is_a_letter(m.group(), cfg["mac_roman_letter_languages"]):
                pos = m.start() + len(m.group(1))
                props.append(Proposal(pos, pos + 1, "’", "normalize.mac-roman",
                                      f"Windows-1252 ’ read as Mac Roman í: {m.group(1)}’{m.group(2)} is English"))
        for m in _MAC_QUOTES.finditer(text):
            if m.start() in paired:
                continue
            fixed = _MAC_ROMAN_PUNCT[m.group()]
            props.append(Proposal(m.start(), m.end(), fixed, "normalize.mac-roman",
                                  f"Windows-1252 {fixed} read as Mac Roman {m.group()}"))
    for m in _MAC_SYMBOL_RUN.finditer(text):
        fixed = "".join(_MAC_ROMAN_PUNCT[c] for c in m.group())
        # only symbol runs no writer types (†∑, ∏…) that decode to separators (NBSP, ·, –)
        if not (_MAC_IMPROBABLE & set(m.group())) or not set(fixed) <= _SEPARATORS:
            continue
        props.append(Proposal(m.start(), m.end(), fixed, "normalize.mac-roman",
                              f"symbol run {m.group()!r} is Windows-1252 {fixed!r} read as Mac Roman"))
    return props

def mac_quote_pairs(text: str) -> list[Proposal]:
    """ìquotedî: no language starts a word with ì and ends one with î, so the pair is Windows-1252 “ and ”
    read as Mac Roman, whatever the quotation's script."""
    out: list[Proposal] = []
    for m in _MAC_QUOTE_PAIR.finditer(text) if "ì" in text else ():
        for pos, ch in ((m.start(), "ì"), (m.end() - 1, "î")):
            fixed = _MAC_ROMAN_PUNCT[ch]
            out.append(Proposal(pos, pos + 1, fixed, "normalize.mac-roman",
                                f"Windows-1252 {fixed} read as Mac Roman {ch} (a quotation opened by ì and closed by î)"))
    return out


def _word_where_i_is_a_letter(token: str, letter_languages: list[str]) -> bool:
    """Is the token a word of a language whose letters include í ('Luís', 'País', 'Anaís')?  Then it is no
    Mac Roman apostrophe, whatever English makes of its stem.  (wordfreq lists no 'itís' or 'donít' there.)"""
    low = token.lower()
    return any(lexicon.zipf(low, lang) > 0 for lang in letter_languages if lexicon.has_list(lang))


_POSSESSED = regex.compile(r"\s+\p{Ll}")


def _name_possessive(stem: str, suffix: str, text: str, end: int) -> bool:
    """'Mnangagwaís removal' -> 'Mnangagwa’s removal': a capitalised name's possessive that is no English word
    either, followed by the lower-case noun it possesses (a name followed by another name, 'Iván Fornís
    Espinosa', is a name with its own í)."""
    return (suffix == "s" and len(stem) >= 3 and stem[0].isupper() and _POSSESSED.match(text, end) is not None
            and lexicon.zipf(f"{stem}ís".lower(), "en") == 0)


def mac_roman_tokens(page: Page, text: str, cfg: dict[str, Any]) -> list[Proposal]:
    """Lone Mac Roman tokens on a page that also writes accented letters (a name, a café): each token is
    repaired on its own evidence, only on a page whose language has no such letters, only when the token
    is no word of that language and its repair is: 'itís' -> 'it’s', 'Delhiís' -> 'Delhi’s' (the page
    writes 'Delhi'), 'dayóand' -> 'day—and', ' ó ' -> ' — '.  Quotes: see `_MAC_QUOTE_PAIR`."""
    from cleaner.resources.langid import ensure_page_language

    lang = ensure_page_language(page)
    out = mac_quote_pairs(text)
    if lang in cfg["mac_roman_letter_languages"] or lang != "en":
        return out  # í and ó are letters of this page's language (or no English contraction to check)
    tokens = Counter(t.casefold() for t in _TOKEN.findall(text))
    for m in _MAC_CONTRACTION.finditer(text):
        stem, suffix = m.group(1), m.group(2)
        if lexicon.zipf(m.group().lower(), lang) >= 3.0:  # wordfreq lists common mojibake too ("itís")
            continue
        known = _plausible_apostrophe(stem, suffix, text, m.start()) or (
            suffix == "s" and len(stem) >= 3 and tokens[stem.casefold()] > 0) or (  # a name the page writes too
            _name_possessive(stem, suffix, text, m.end()))
        if known and not _word_where_i_is_a_letter(m.group(), cfg["mac_roman_letter_languages"]):  # asked last: costly
            pos = m.start() + len(stem)
            out.append(Proposal(pos, pos + 1, "’", "normalize.mac-roman",
                                f"Windows-1252 ’ read as Mac Roman í: {stem}’{suffix} (a lone token on an {lang} page)"))
    n = len(text)
    for m in _MAC_O.finditer(text):
        i = m.start()
        lo, hi = i, i + 1
        while lo > 0 and text[lo - 1].isalnum():
            lo -= 1
        while hi < n and text[hi].isalnum():
            hi += 1
        left, right = text[lo:i], text[i + 1 : hi]
        if not left and not right:
            ok = 0 < i < n - 1 and text[i - 1].isspace() and text[i + 1].isspace()  # ' ó ': no word is this
        elif left and right:
            ok = (left.isdigit() and right.isdigit()) or (
                lexicon.zipf(text[lo:hi].lower(), lang) == 0
                and lexicon.is_word(left.lower(), lang, 3.0) and lexicon.is_word(right.lower(), lang, 3.0))
        else:
            ok = False  # ó ending or starting a word: a letter of it
        if ok:
            out.append(Proposal(i, i + 1, "—", "normalize.mac-roman",
                                f"Windows-1252 — read as Mac Roman ó (between {left or 'spaces'!r} and {right or 'spaces'!r} "
                                f"on an {lang} page)"))
    return out

# -- spaces ----------------------------------------------------------------------
def odd_spaces(page: Page) -> list[Proposal]:
    """Unicode spaces that are not a plain space, and invisible characters."""
    text = page.text
    props: list[Proposal] = []
    # each pattern is tried only on a text holding what every match of it needs (most texts hold none)
    if not text.isascii():
        for m in _ODD_SPACES.finditer(text):
            props.append(Proposal(m.start(), m.end(), " ", "normalize.unicode-space", f"U+{ord(m.group()):04X} space"))
        for m in _INVISIBLE.finditer(text):
            props.append(Proposal(m.start(), m.end(), "", "normalize.invisible-char", f"invisible U+{ord(m.group()):04X}"))
    return props


def layout(page: Page, cfg: dict[str, Any]) -> list[Proposal]:
    """Stray bullets, the indentation of prose (code keeps its own), trailing spaces, runs of spaces."""
    text = page.text
    props: list[Proposal] = []
    for m in _STRAY_BULLET.finditer(text):
        props.append(Proposal(m.start(), m.end(), "", "normalize.stray-bullet", "bullet with no text"))
    if text.startswith((" ", "\t")) or "\n " in text or "\n\t" in text:
        indents = prose_indents(text) if cfg["keep_code_indent"] else [m.span() for m in LEADING_SPACE.finditer(text)]
        for a, b in indents:
            props.append(Proposal(a, b, "", "normalize.indent", "leading whitespace"))
    if text.endswith((" ", "\t")) or " \n" in text or "\t\n" in text:
        for m in _TRAILING_SPACE.finditer(text):
            props.append(Proposal(m.start(), m.end(), "", "normalize.trailing-space", "trailing whitespace"))
    if cfg["collapse_spaces"] and ("  " in text or "\t" in text):
        for m in _TABS_SPACES.finditer(text):
            props.append(Proposal(m.start(), m.end(), " ", "normalize.space-run", "run of spaces"))
    return props


# -- glued words -------------------------------------------------------------------
def glued(page: Page, min_zipf: float, cfg: dict[str, Any]) -> list[Proposal]:
    """Words glued where two blocks met ('therapyPracticing'), and sentences glued at a full stop.

    camelCase is glue only on a page that does not write identifiers: glue at a block boundary happens
    once per pair of blocks, so a token the page writes twice is an identifier or a user name, and a page
    with several distinct camelCase tokens is about code ('mapRelay', 'onClick' stay)."""
    text = page.text
    props: list[Proposal] = []
    camel: Counter[str] = Counter(_CAMEL.findall(text)) if _MAY_GLUE_CASE.search(text) else Counter()
    if len(camel) > int(cfg["glued_max_camel_tokens"]):
        camel = Counter()  # a page about code: its camelCase is its vocabulary
        scan = False
    else:
        scan = bool(camel)
    for m in _GLUED_CASE.finditer(text) if scan else ():
        left, right = m.group(1), m.group(2)
        if _in_code(text, m.start()) or camel[m.group()] > int(cfg["glued_max_repeats"]):
            continue
        whole = (left + right).lower()
        both_words = lexicon.is_word(left, min_zipf=min_zipf) and lexicon.is_word(right, min_zipf=min_zipf)
        if lexicon.zipf(whole) > 0 or not both_words:
            continue
        props.append(Proposal(m.end(1), m.end(1), " ", "normalize.glued-words",
                              f"{left}|{right}: two words glued at a block boundary"))
    for m in _GLUED_STOP.finditer(text) if _MAY_GLUE_STOP.search(text) else ():
        left, right = m.group(1), m.group(3)
        if right.lower() in _TLDS or left.lower() in _TLDS:
            continue
        if not (lexicon.is_word(left, min_zipf=min_zipf) and lexicon.is_word(right, min_zipf=min_zipf)):
            continue
        props.append(Proposal(m.end(2), m.end(2), " ", "normalize.glued-sentences",
                              f"no space after '{m.group(2)}' between {left!r} and {right!r}"))
    return props


def _in_code(text: str, pos: int) -> bool:
    """camelCase on a line with code punctuation is an identifier, not two glued words."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return bool(CODE_LINE.search(text, start, end if end >= 0 else len(text)))


_LOWER_WORD = regex.compile(r"[a-z]+")


def _english_line(text: str, pos: int) -> bool:
    """Does the line around ``pos`` use English function words?"""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return any(w in _ENGLISH_FUNCTION_WORDS for w in _LOWER_WORD.findall(line.lower()))


def _plausible_apostrophe(stem: str, suffix: str, text: str, pos: int) -> bool:
    """Is ``stem’suffix`` an English contraction or possessive, on an English line?"""
    if not _english_line(text, pos):
        return False
    low = stem.lower()
    if suffix == "":  # plural possessive: patientsí -> patients’
        return low.endswith("s") and len(low) >= 4 and lexicon.is_word(low, min_zipf=3.0)
    if lexicon.zipf(f"{low}'{suffix}") >= 3.0:  # don't, you're, I'm
        return True
    return suffix == "s" and len(low) >= 3 and lexicon.is_word(low, min_zipf=3.0)


@line_memo  # dedup's settling shows normalize the page's lines again, and site chrome recurs page after page
def _ftfy_changes(line: str) -> tuple[tuple[tuple[int, int, str], ...], str]:
    """ftfy's fix of one line as (start, end, replacement) edits, and the fixers it applied."""
    options = FTFY_OPTIONS
    if "&" in line and any(m.group(1) not in html.entities.entitydefs for m in _NAMED_ENTITY.finditer(line)):
        # '&sc;', '&pr;': names only HTML5 added (2,000 of them, mostly mathematics) are, in text, more often
        # written about than escaped; the 252 of HTML 4 ('&amp;', '&eacute;') are what double escaping leaves
        options = {**FTFY_OPTIONS, "unescape_html": False}
    fixed, explanation = ftfy.fix_and_explain(line, **options)
    if fixed == line:
        return (), ""
    steps = ", ".join(dict.fromkeys(step[1] for step in (explanation or []))) or "ftfy"
    return tuple((p.start, p.end, p.after) for p in _diff_proposals(line, fixed, 0, "", "")), steps


def _diff_proposals(old: str, new: str, base: int, rule: str, reason: str) -> list[Proposal]:
    """Smallest edits that turn ``old`` into ``new`` (character diff, nearby changes grouped)."""
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    props: list[Proposal] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if props and base + i1 - props[-1].end <= 1:  # merge changes a character apart
            last = props[-1]
            gap = old[last.end - base : i1]
            props[-1] = Proposal(last.start, base + i2, last.after + gap + new[j1:j2], rule, reason)
        else:
            props.append(Proposal(base + i1, base + i2, new[j1:j2], rule, reason))
    return props
