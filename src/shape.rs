//! The chrome model's per-line shape features (`cleaner/stages/chrome/model.py`, `line_features`): character
//! counts by Python's `str` predicates and the answers of the model's few patterns (dates, counters, bullets,
//! URLs, spaced separators, numbers), as the `regex` module gives them.
//!
//! The patterns are regular, with word boundaries and anchors as their only assertions, and the features only
//! ask whether they match somewhere (or count `findall`'s matches of two simple ones), so each is run here as
//! the set of positions it can have reached after each of its parts: a match exists when the last set is not
//! empty. That is exact for any backtracking order, and linear in the line. tests/test_core_shape.py holds each
//! answer to the pattern it replaces.

use std::sync::OnceLock;

use crate::lexicon::{case_partners, is_word};
use crate::text::{in_table, is_letter};
use crate::unicode_tables::{PY_ALNUM, PY_DIGIT, PY_SPACE, RE_DIGIT, RE_SPACE, RE_UNSPACED_SCRIPT};

/// A character class: its table, and its ASCII members as a bit mask (most characters are ASCII: no search).
struct Class {
    table: &'static [(u32, u32)],
    ascii: u128,
}

impl Class {
    fn new(table: &'static [(u32, u32)]) -> Self {
        let ascii = (0..128u32)
            .filter(|&c| in_table(table, c))
            .fold(0u128, |m, c| m | (1u128 << c));
        Class { table, ascii }
    }

    #[inline]
    fn has(&self, c: u32) -> bool {
        if c < 128 {
            self.ascii >> c & 1 == 1
        } else {
            in_table(self.table, c)
        }
    }
}

/// The classes the shapes test, made once.
struct Classes {
    re_digit: Class,
    re_space: Class,
    unspaced: Class,
    py_space: Class,
    py_digit: Class,
    py_alnum: Class,
}

fn classes() -> &'static Classes {
    static CLASSES: OnceLock<Classes> = OnceLock::new();
    CLASSES.get_or_init(|| Classes {
        re_digit: Class::new(&RE_DIGIT),
        re_space: Class::new(&RE_SPACE),
        unspaced: Class::new(&RE_UNSPACED_SCRIPT),
        py_space: Class::new(&PY_SPACE),
        py_digit: Class::new(&PY_DIGIT),
        py_alnum: Class::new(&PY_ALNUM),
    })
}

/// `\d` of the `regex` module.
#[inline]
fn is_digit(c: u32) -> bool {
    classes().re_digit.has(c)
}

/// `\s` of the `regex` module.
#[inline]
fn is_space(c: u32) -> bool {
    classes().re_space.has(c)
}

/// Does text char `c` match pattern char `p` under IGNORECASE?
#[inline]
fn ci_eq(c: u32, p: u32) -> bool {
    if c == p {
        return true;
    }
    if c < 0x80 {
        // an ASCII character's only partner is its other case (the table agrees; this is the common case)
        let lower = c | 0x20;
        return lower.wrapping_sub(u32::from(b'a')) < 26 && lower == p | 0x20;
    }
    case_partners(c).iter().any(|&(_, q)| q == p)
}

/// The positions (0..=n) a pattern can have reached in a line.
type Reach = Vec<bool>;

struct Line<'a> {
    t: &'a [u32],
}

impl Line<'_> {
    fn n(&self) -> usize {
        self.t.len()
    }

    fn none(&self) -> Reach {
        vec![false; self.n() + 1]
    }

    /// Every position (a search).
    fn anywhere(&self) -> Reach {
        vec![true; self.n() + 1]
    }

    /// Position 0 (`match`, `^`).
    fn start(&self) -> Reach {
        let mut r = self.none();
        r[0] = true;
        r
    }

    /// `\b`.
    fn boundary(&self, q: usize) -> bool {
        let before = q > 0 && is_word(self.t[q - 1]);
        let after = q < self.n() && is_word(self.t[q]);
        before != after
    }

    /// Keep the positions where `cond` holds (an assertion).
    fn assert(&self, r: &Reach, cond: impl Fn(usize) -> bool) -> Reach {
        r.iter().enumerate().map(|(q, &on)| on && cond(q)).collect()
    }

    /// One character in the class.
    fn one(&self, r: &Reach, class: impl Fn(u32) -> bool) -> Reach {
        let mut out = self.none();
        for (q, &c) in self.t.iter().enumerate() {
            if r[q] && class(c) {
                out[q + 1] = true;
            }
        }
        out
    }

    /// `class{min,max}` (`usize::MAX`: no bound).
    fn repeat(&self, r: &Reach, class: impl Fn(u32) -> bool, min: usize, max: usize) -> Reach {
        let n = self.n();
        // reached[i]: how many positions before i are in r
        let mut reached = vec![0usize; n + 2];
        for q in 0..=n {
            reached[q + 1] = reached[q] + usize::from(r[q]);
        }
        let mut out = self.none();
        let mut run = 0usize; // the class's characters just before q
        for (q, slot) in out.iter_mut().enumerate() {
            if q > 0 {
                run = if class(self.t[q - 1]) { run + 1 } else { 0 };
            }
            let most = run.min(max);
            if most >= min {
                // some k in [min, most] with r[q - k]
                let (lo, hi) = (q - most, q - min);
                *slot = reached[hi + 1] > reached[lo];
            }
        }
        out
    }

    /// A literal under IGNORECASE (`ci`) or as it is.
    fn literal(&self, r: &Reach, word: &str, ci: bool) -> Reach {
        self.literals(r, &[word], ci)
    }

    /// Any of the literals.
    fn literals(&self, r: &Reach, words: &[&str], ci: bool) -> Reach {
        let words: Vec<Vec<u32>> = words
            .iter()
            .map(|w| w.chars().map(u32::from).collect())
            .collect();
        let same = |c: u32, p: u32| if ci { ci_eq(c, p) } else { c == p };
        let mut out = self.none();
        let t = self.t;
        for (q, &c) in t.iter().enumerate() {
            if !r[q] {
                continue;
            }
            for w in &words {
                if same(c, w[0])
                    && q + w.len() <= t.len()
                    && t[q + 1..q + w.len()]
                        .iter()
                        .zip(&w[1..])
                        .all(|(&c, &p)| same(c, p))
                {
                    out[q + w.len()] = true;
                }
            }
        }
        out
    }
}

fn or_into(a: &mut Reach, b: &Reach) {
    for (x, &y) in a.iter_mut().zip(b) {
        *x |= y;
    }
}

fn any(r: &Reach) -> bool {
    r.iter().any(|&x| x)
}

/// One of the characters, under IGNORECASE (`ci`) or as they are.
fn one_of(chars: &'static str, ci: bool) -> impl Fn(u32) -> bool {
    move |c| {
        chars.chars().any(|p| {
            if ci {
                ci_eq(c, u32::from(p))
            } else {
                c == u32::from(p)
            }
        })
    }
}

/// The month names of `_MONTH`, every form its optional parts allow.
const MONTHS: [&str; 24] = [
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
];

/// `_MONTH` (under IGNORECASE): `(?:jan(?:uary)?|...|dec(?:ember)?)\b\.?`
fn month(l: &Line<'_>, r: &Reach) -> Reach {
    let names = l.literals(r, &MONTHS, true);
    let named = l.assert(&names, |q| l.boundary(q));
    let mut out = named.clone();
    or_into(&mut out, &l.one(&named, one_of(".", true)));
    out
}

/// `_DATE.search`: `(?i)\b(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}|MONTH\s+\d{1,2}\b|\d{1,2}\.?\s+MONTH|(?:19|20)\d\d\b)`
pub fn has_date(t: &[u32]) -> bool {
    if !t.iter().any(|&c| is_digit(c)) {
        return false; // every alternative has a digit
    }
    let l = Line { t };
    let s0 = l.assert(&l.anywhere(), |q| l.boundary(q));
    let sep = || one_of("./-", true);
    let a = l.repeat(&s0, is_digit, 1, 4);
    let a = l.one(&a, sep());
    let a = l.repeat(&a, is_digit, 1, 2);
    let a = l.one(&a, sep());
    if any(&l.repeat(&a, is_digit, 1, 4)) {
        return true;
    }
    let b = l.repeat(&s0, is_digit, 1, 2);
    let b = l.literal(&b, ":", true);
    if any(&l.repeat(&b, is_digit, 2, 2)) {
        return true;
    }
    let c = month(&l, &s0);
    let c = l.repeat(&c, is_space, 1, usize::MAX);
    let c = l.repeat(&c, is_digit, 1, 2);
    if any(&l.assert(&c, |q| l.boundary(q))) {
        return true;
    }
    let d = l.repeat(&s0, is_digit, 1, 2);
    let mut d2 = d.clone();
    or_into(&mut d2, &l.one(&d, one_of(".", true)));
    let d = l.repeat(&d2, is_space, 1, usize::MAX);
    if any(&month(&l, &d)) {
        return true;
    }
    let e = l.literals(&s0, &["19", "20"], true);
    let e = l.repeat(&e, is_digit, 2, 2);
    any(&l.assert(&e, |q| l.boundary(q)))
}

/// `$` without MULTILINE: the end, or before a new line that ends the text.
fn at_end(t: &[u32], r: &Reach) -> bool {
    let n = t.len();
    r[n] || (n > 0 && t[n - 1] == 0x0A && r[n - 1])
}

/// `_COUNTER.match`: `^\W*\d[\d.,]*\s*[kKmM]?(?:\s+\p{L}+)?\W*$`
pub fn is_counter(t: &[u32]) -> bool {
    if !t
        .iter()
        .find(|&&c| is_word(c))
        .is_some_and(|&c| is_digit(c))
    {
        return false; // `\W*\d`: the first word character is a digit
    }
    let l = Line { t };
    let not_word = |c| !is_word(c);
    let r = l.repeat(&l.start(), not_word, 0, usize::MAX);
    let r = l.one(&r, is_digit);
    let r = l.repeat(&r, |c| is_digit(c) || c == 0x2E || c == 0x2C, 0, usize::MAX);
    let r = l.repeat(&r, is_space, 0, usize::MAX);
    let mut k = r.clone();
    or_into(&mut k, &l.one(&r, one_of("kKmM", false)));
    let w = l.repeat(&k, is_space, 1, usize::MAX);
    let w = l.repeat(&w, is_letter, 1, usize::MAX);
    or_into(&mut k, &w);
    let end = l.repeat(&k, not_word, 0, usize::MAX);
    at_end(t, &end)
}

/// `_BULLET.match`: `^(?:[-–—•*·▪►✓✔]|\(?\d{1,3}[.)]|\p{L}[.)])\s` (each alternative can only match one way)
pub fn is_bullet(t: &[u32]) -> bool {
    let at = |i: usize| t.get(i).copied();
    let closes = |i: usize| at(i).is_some_and(one_of(".)", false));
    let spaced = |i: usize| at(i).is_some_and(is_space);
    let Some(first) = at(0) else {
        return false;
    };
    if one_of("-–—•*·▪►✓✔", false)(first) && spaced(1) {
        return true;
    }
    let open = usize::from(first == u32::from('('));
    let digits = t[open..].iter().take_while(|&&c| is_digit(c)).count();
    if (1..=3).contains(&digits) && closes(open + digits) && spaced(open + digits + 1) {
        return true;
    }
    is_letter(first) && closes(1) && spaced(2)
}

/// `_URLISH.search`: `(?i)https?://|www\.|\S@\S|\.(?:com|org|net|de|fr|uk)\b`, looked for around each `:`, `.`
/// and `@` (every alternative has one).
pub fn is_urlish(t: &[u32]) -> bool {
    let l = Line { t };
    let n = t.len();
    let ci_at = |start: usize, word: &str| {
        let len = word.chars().count();
        start + len <= n
            && t[start..start + len]
                .iter()
                .zip(word.chars())
                .all(|(&c, p)| ci_eq(c, u32::from(p)))
    };
    for (q, &c) in t.iter().enumerate() {
        let found = if ci_eq(c, u32::from(':')) {
            ci_at(q + 1, "//")
                && ((q >= 4 && ci_at(q - 4, "http")) || (q >= 5 && ci_at(q - 5, "https")))
        } else if ci_eq(c, u32::from('.')) {
            (q >= 3 && ci_at(q - 3, "www"))
                || ["com", "org", "net", "de", "fr", "uk"]
                    .iter()
                    .any(|tld| ci_at(q + 1, tld) && l.boundary(q + 1 + tld.len()))
        } else if ci_eq(c, u32::from('@')) {
            q > 0 && q + 1 < n && !is_space(t[q - 1]) && !is_space(t[q + 1])
        } else {
            false
        };
        if found {
            return true;
        }
    }
    false
}

/// `len(_SPACED_SEPARATOR.findall(s))`: `\s[|•·»/]\s`, leftmost and not overlapping.
pub fn spaced_separators(t: &[u32]) -> usize {
    let sep = one_of("|•·»/", false);
    let (mut i, mut count) = (0, 0);
    while i + 3 <= t.len() {
        if is_space(t[i]) && sep(t[i + 1]) && is_space(t[i + 2]) {
            count += 1;
            i += 3;
        } else {
            i += 1;
        }
    }
    count
}

/// `len(_NUMBER.findall(s))`: `(?<![\p{L}\d])\d[\d.,:%]*(?![\p{L}\d])`, leftmost, the longest run the lookahead
/// allows, not overlapping.
pub fn numbers(t: &[u32]) -> usize {
    let n = t.len();
    let letter_or_digit = |c: u32| is_letter(c) || is_digit(c);
    let in_number = |c: u32| is_digit(c) || matches!(c, 0x2E | 0x2C | 0x3A | 0x25);
    let (mut i, mut count) = (0, 0);
    while i < n {
        if is_digit(t[i]) && !(i > 0 && letter_or_digit(t[i - 1])) {
            let mut e = i + 1;
            while e < n && in_number(t[e]) {
                e += 1;
            }
            // the greedy run backs off until what follows it is no letter or digit
            let end = (i + 1..=e)
                .rev()
                .find(|&q| q == n || !letter_or_digit(t[q]));
            if let Some(end) = end {
                count += 1;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    count
}

/// The shape of one line (see `cleaner/stages/chrome/model.py`'s `line_features`).
#[derive(Debug, PartialEq, Eq)]
pub struct Shape {
    /// `_UNSPACED.search(s)`: a character of a script written without spaces
    pub unspaced: bool,
    /// `s.rstrip(_CLOSERS).endswith(_SENTENCE_FINAL)`
    pub ends_sentence: bool,
    /// `sum(map(str.isspace, s))`, `str.isdigit`, `str.isalnum`
    pub spaces: usize,
    pub digits: usize,
    pub alnum: usize,
    /// `s.count(":") + s.count(".") + s.count("|")`
    pub marks: usize,
    pub spaced_separators: usize,
    pub date: bool,
    pub counter: bool,
    pub bullet: bool,
    pub urlish: bool,
    pub numbers: usize,
}

/// Closing quotes and brackets a sentence's end may hide behind (`_CLOSERS`).
const CLOSERS: &str = "\"'\u{2019}\u{201d})]\u{bb}";
/// `_SENTENCE_FINAL`
const SENTENCE_FINAL: &str = ".!?\u{2026}\u{3002}\u{ff01}\u{ff1f}";

pub fn shape(t: &[u32]) -> Shape {
    let closer = |c: u32| CLOSERS.chars().any(|p| u32::from(p) == c);
    let kept = t.iter().rposition(|&c| !closer(c)).map_or(0, |i| i + 1);
    let ends_sentence = kept > 0 && SENTENCE_FINAL.chars().any(|p| u32::from(p) == t[kept - 1]);
    let k = classes();
    Shape {
        unspaced: t.iter().any(|&c| k.unspaced.has(c)),
        ends_sentence,
        spaces: t.iter().filter(|&&c| k.py_space.has(c)).count(),
        digits: t.iter().filter(|&&c| k.py_digit.has(c)).count(),
        alnum: t.iter().filter(|&&c| k.py_alnum.has(c)).count(),
        marks: t
            .iter()
            .filter(|&&c| matches!(c, 0x3A | 0x2E | 0x7C))
            .count(),
        spaced_separators: spaced_separators(t),
        date: has_date(t),
        counter: is_counter(t),
        bullet: is_bullet(t),
        urlish: is_urlish(t),
        numbers: numbers(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cps(s: &str) -> Vec<u32> {
        s.chars().map(u32::from).collect()
    }

    #[test]
    fn dates() {
        for yes in [
            "12.3.2024",
            "at 10:30",
            "March 5, 2020",
            "5 mar",
            "Sept. 12",
            "in 1999",
            "3. JUNE",
        ] {
            assert!(has_date(&cps(yes)), "{yes}");
        }
        for no in ["12345.3.1", "marché 5", "x1999", "19999", "10:3", "may5"] {
            assert!(!has_date(&cps(no)), "{no}");
        }
    }

    #[test]
    fn counters_bullets_urls_numbers() {
        assert!(is_counter(&cps("(1,234 views)")));
        assert!(is_counter(&cps("5 kilo")));
        assert!(is_counter(&cps("12k\n")));
        assert!(!is_counter(&cps("5 kilo 3")));
        assert!(
            is_bullet(&cps("• item")) && is_bullet(&cps("(12) item")) && is_bullet(&cps("a) item"))
        );
        assert!(!is_bullet(&cps("1234. item")) && !is_bullet(&cps("-item")));
        assert!(
            is_urlish(&cps("see HTTPS://x"))
                && is_urlish(&cps("a@b"))
                && is_urlish(&cps("site.COM"))
        );
        assert!(!is_urlish(&cps("site.community")) && !is_urlish(&cps("a @b")));
        assert_eq!(numbers(&cps("1.5, 2a 3% x4 5:00.")), 3);
        assert_eq!(numbers(&cps("12ab")), 0);
        assert_eq!(spaced_separators(&cps("a | b | c / d")), 3);
    }

    #[test]
    fn shape_of_a_line() {
        let s = shape(&cps("Home | News: 2 items.\u{201d}"));
        assert!(s.ends_sentence && !s.unspaced && !s.date);
        assert_eq!((s.spaces, s.digits, s.marks), (4, 1, 3));
    }
}
