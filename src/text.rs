//! Text views on a string's code points: sentence bounds and words.
//!
//! The views work on the code points of a Python `str` as CPython stores them (1, 2 or 4 bytes each), so every
//! offset is a Python string index with no conversion, and a lone surrogate (a byte read with
//! `surrogateescape`) is one code point like any other: it is in none of the classes, as in Python.

use crate::unicode_tables::{PY_ALPHA, PY_SPACE, RE_LETTER, RE_MARK, RE_NUMBER, RE_SPACE};

/// A code point of a string, whatever its storage width.
pub trait CodePoint: Copy {
    fn cp(self) -> u32;
}

impl CodePoint for u8 {
    #[inline]
    fn cp(self) -> u32 {
        u32::from(self)
    }
}

impl CodePoint for u16 {
    #[inline]
    fn cp(self) -> u32 {
        u32::from(self)
    }
}

impl CodePoint for u32 {
    #[inline]
    fn cp(self) -> u32 {
        self
    }
}

#[inline]
pub(crate) fn in_table(table: &[(u32, u32)], c: u32) -> bool {
    // the tables are sorted, disjoint, inclusive ranges
    match table.binary_search_by(|&(a, _)| a.cmp(&c)) {
        Ok(_) => true,
        Err(0) => false,
        Err(i) => c <= table[i - 1].1,
    }
}

/// `\p{L}` of the `regex` module.
#[inline]
pub fn is_letter(c: u32) -> bool {
    if c < 0x80 {
        return (c | 0x20).wrapping_sub(u32::from(b'a')) < 26;
    }
    in_table(&RE_LETTER, c)
}

/// `[\p{L}\p{M}\p{N}]` of the `regex` module.
#[inline]
fn is_word_char(c: u32) -> bool {
    if c < 0x80 {
        return (c | 0x20).wrapping_sub(u32::from(b'a')) < 26
            || c.wrapping_sub(u32::from(b'0')) < 10;
    }
    in_table(&RE_LETTER, c) || in_table(&RE_MARK, c) || in_table(&RE_NUMBER, c)
}

/// `[\p{L}\p{N}]` of the `regex` module.
#[inline]
fn is_letter_or_number(c: u32) -> bool {
    if c < 0x80 {
        return (c | 0x20).wrapping_sub(u32::from(b'a')) < 26
            || c.wrapping_sub(u32::from(b'0')) < 10;
    }
    in_table(&RE_LETTER, c) || in_table(&RE_NUMBER, c)
}

/// `" ".join(regex.sub(r"[^\p{L}\p{N}\s]+", " ", t).split())`: the runs of letters and numbers, one space between
/// them. (Every `\s` of the `regex` module is white space to `str.split` and no letter or number is, so what the
/// substitution keeps besides letters and numbers only separates them.)
pub fn alnum_runs<C: CodePoint>(t: &[C]) -> Vec<u32> {
    let mut out = Vec::with_capacity(t.len());
    let mut gap = false;
    for c in t {
        let c = c.cp();
        if is_letter_or_number(c) {
            if gap && !out.is_empty() {
                out.push(0x20);
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

/// `\s` of the `regex` module.
#[inline]
fn is_re_space(c: u32) -> bool {
    in_table(&RE_SPACE, c)
}

/// `str.isspace` (what `str.split()` and `str.strip()` split and strip at).
#[inline]
fn is_py_space(c: u32) -> bool {
    in_table(&PY_SPACE, c)
}

/// `str.isalpha` of one code point.
#[inline]
fn is_py_alpha(c: u32) -> bool {
    in_table(&PY_ALPHA, c)
}

/// The lines of a text, without their new line (`\n` only): (start, end) of each, the end being the new line's
/// offset; after the last new line, the rest is a line only when it is not empty.
pub fn line_bounds<C: CodePoint>(t: &[C]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in t.iter().enumerate() {
        if c.cp() == 0x0A {
            out.push((start, i));
            start = i + 1;
        }
    }
    if start < t.len() {
        out.push((start, t.len()));
    }
    out
}

/// `WORD_RE = \p{L}[\p{L}\p{M}\p{N}]*(?:['’]\p{L}+)*`: where its matches are (`finditer`).
pub fn word_bounds<C: CodePoint>(t: &[C]) -> Vec<(usize, usize)> {
    let n = t.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if !is_letter(t[i].cp()) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < n && is_word_char(t[i].cp()) {
            i += 1;
        }
        // an apostrophe joins the letters after it (don't, l’homme)
        while i + 1 < n && matches!(t[i].cp(), 0x27 | 0x2019) && is_letter(t[i + 1].cp()) {
            i += 2;
            while i < n && is_letter(t[i].cp()) {
                i += 1;
            }
        }
        out.push((start, i));
    }
    out
}

const SENTENCE_END: [u32; 4] = [0x2E, 0x21, 0x3F, 0x2026]; // . ! ? …
const CLOSERS: [u32; 6] = [0x22, 0x27, 0x2019, 0x201D, 0x29, 0x5D]; // " ' ’ ” ) ]

/// The regex `(?<=[.!?…](?:["'’”)\]]*))\s+(?=\S)`: the white space runs between two sentences (`finditer`).
fn sentence_breaks<C: CodePoint>(t: &[C]) -> Vec<(usize, usize)> {
    let n = t.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if !is_re_space(t[i].cp()) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j > 0 && CLOSERS.contains(&t[j - 1].cp()) {
            j -= 1;
        }
        let after_end = j > 0 && SENTENCE_END.contains(&t[j - 1].cp());
        let mut k = i;
        while k < n && is_re_space(t[k].cp()) {
            k += 1;
        }
        if after_end && k < n {
            out.push((i, k));
        }
        i = k; // no break starts inside a run: its lookbehind sees white space
    }
    out
}

/// The abbreviations after which a full stop does not end a sentence (lower case).
const ABBREVIATIONS: [&str; 34] = [
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "fig", "no",
    "vol", "pp", "approx", "inc", "ltd", "co", "dept", "est", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// Whether `word.lower()` (Python's) is an abbreviation or a single letter, for a word with no space in it.
fn ends_abbreviation<C: CodePoint>(word: &[C]) -> bool {
    if let [c] = word {
        // 'İ'.lower() is two code points; any other letter's lower case is one letter
        let c = c.cp();
        return c != 0x130 && is_py_alpha(c);
    }
    if word.len() > 6 {
        return false;
    }
    let mut low = [0u8; 6];
    for (slot, c) in low.iter_mut().zip(word) {
        *slot = match c.cp() {
            c @ 0..=0x7F => (c as u8).to_ascii_lowercase(),
            0x212A => b'k', // KELVIN SIGN: the one code point past ASCII whose lower case is ASCII alone
            _ => return false,
        };
    }
    let low = &low[..word.len()];
    ABBREVIATIONS.iter().any(|a| a.as_bytes() == low)
}

/// Where the sentences of a line or paragraph are (start, end), as `cleaner.text.sentences` defines them.
pub fn sentence_bounds<C: CodePoint>(t: &[C]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    let has_text = |a: usize, b: usize| t[a..b].iter().any(|c| !is_py_space(c.cp()));
    for (start, end) in sentence_breaks(t) {
        let head = &t[pos..start];
        if has_text(pos, start) {
            // head.rsplit(None, 1)[-1].rstrip(".")
            let mut b = head.len();
            while b > 0 && is_py_space(head[b - 1].cp()) {
                b -= 1;
            }
            let mut a = b;
            while a > 0 && !is_py_space(head[a - 1].cp()) {
                a -= 1;
            }
            while b > a && head[b - 1].cp() == 0x2E {
                b -= 1;
            }
            if b > a && ends_abbreviation(&head[a..b]) {
                continue;
            }
            out.push((pos, start));
        }
        pos = end;
    }
    if pos < t.len() {
        let mut end = t.len();
        while end > pos && is_py_space(t[end - 1].cp()) {
            end -= 1;
        }
        if end > pos {
            out.push((pos, end));
        }
    }
    out
}

#[cfg(test)]
mod alnum_tests {
    use super::*;

    #[test]
    fn runs_of_letters_and_numbers() {
        let t: Vec<u32> = "  don't -- stop 42x\u{00e9}! "
            .chars()
            .map(u32::from)
            .collect();
        let want: Vec<u32> = "don t stop 42x\u{00e9}".chars().map(u32::from).collect();
        assert_eq!(alnum_runs(&t), want);
        assert!(alnum_runs(&[0xD800u32, 0x20, 0x0]).is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cps(s: &str) -> Vec<u32> {
        s.chars().map(u32::from).collect()
    }

    fn texts(s: &str, bounds: &[(usize, usize)]) -> Vec<String> {
        let c: Vec<char> = s.chars().collect();
        bounds
            .iter()
            .map(|&(a, b)| c[a..b].iter().collect())
            .collect()
    }

    #[test]
    fn words_keep_apostrophes_and_marks() {
        let s = "Don’t stop: l'homme, x2 café 3rd";
        assert_eq!(
            texts(s, &word_bounds(&cps(s))),
            ["Don’t", "stop", "l'homme", "x2", "café", "rd"]
        );
    }

    #[test]
    fn sentences_skip_abbreviations_and_initials() {
        let s = "Mr. Smith met J. Doe. Then (he left.) Fine! ";
        assert_eq!(
            texts(s, &sentence_bounds(&cps(s))),
            ["Mr. Smith met J. Doe.", "Then (he left.)", "Fine!"]
        );
    }

    #[test]
    fn surrogates_are_no_letters_and_no_spaces() {
        let s: Vec<u32> = vec![0x61, 0xDC80, 0x62, 0x2E, 0x20, 0xDCFF];
        assert_eq!(word_bounds(&s), [(0, 1), (2, 3)]);
        assert_eq!(sentence_bounds(&s), [(0, 4), (5, 6)]);
    }

    #[test]
    fn widths_agree() {
        let s = "Ça va. Très bien!  Oui";
        let wide = cps(s);
        let narrow: Vec<u16> = wide.iter().map(|&c| c as u16).collect();
        assert_eq!(sentence_bounds(&wide), sentence_bounds(&narrow));
        assert_eq!(word_bounds(&wide), word_bounds(&narrow));
    }
}
