//! The chrome lexicons' phrases found in a line, as one `regex` alternation finds them.
//!
//! The definition (`cleaner.stages.chrome.model`): `(?<!\w)(?:p1|p2|...)` under IGNORECASE, the phrases
//! longest first, each its literal text, then `\w*` when it ended in `*`, then `(?!\w)` when it ended in a
//! letter, digit or `*`; scanned with `finditer` (leftmost, the first alternative that matches there, not
//! overlapping).  Here the phrases sit in a trie of their code points; at each place a word may start, the
//! trie is walked with the text's code points and their case partners (the `regex` module's simple case
//! folding, from src/unicode_tables.py), and of the phrases that match there the first in order wins.

use std::collections::HashMap;

use crate::text::in_table;
use crate::unicode_tables::{RE_CASE_PAIRS, RE_WORD};

/// `\w` of the `regex` module.
#[inline]
pub fn is_word(c: u32) -> bool {
    if c < 0x80 {
        let b = c as u8;
        return b.is_ascii_alphanumeric() || b == b'_';
    }
    in_table(&RE_WORD, c)
}

/// The pattern code points a text code point matches under IGNORECASE besides itself.
#[inline]
pub fn case_partners(c: u32) -> &'static [(u32, u32)] {
    let lo = RE_CASE_PAIRS.partition_point(|&(t, _)| t < c);
    let hi = lo + RE_CASE_PAIRS[lo..].partition_point(|&(t, _)| t == c);
    &RE_CASE_PAIRS[lo..hi]
}

/// One phrase: its text (without the `*`), whether a `*` let it run on over word characters, whether it must
/// not be followed by one.
pub struct Phrase {
    pub body: Vec<u32>,
    pub star: bool,
    pub word_end: bool,
}

pub struct Lexicon {
    children: Vec<HashMap<u32, usize>>,
    /// the phrases (their order) whose text ends at each node
    ends: Vec<Vec<usize>>,
    phrases: Vec<Phrase>,
}

impl Lexicon {
    /// The phrases in the order the alternation tries them (longest first).
    pub fn new(phrases: Vec<Phrase>) -> Result<Self, String> {
        let mut lex = Lexicon {
            children: vec![HashMap::new()],
            ends: vec![Vec::new()],
            phrases: Vec::new(),
        };
        for (k, p) in phrases.iter().enumerate() {
            if p.body.is_empty() {
                return Err(format!("lexicon phrase {k} has no text besides a '*'"));
            }
            let mut node = 0;
            for &c in &p.body {
                node = match lex.children[node].get(&c) {
                    Some(&next) => next,
                    None => {
                        let next = lex.children.len();
                        lex.children.push(HashMap::new());
                        lex.ends.push(Vec::new());
                        lex.children[node].insert(c, next);
                        next
                    }
                };
            }
            lex.ends[node].push(k);
        }
        lex.phrases = phrases;
        Ok(lex)
    }

    /// Where the phrase `k`, its text matched up to `pos`, ends (None: it does not match there).
    fn end_of(&self, k: usize, pos: usize, t: &[u32]) -> Option<usize> {
        let p = &self.phrases[k];
        if p.star {
            let mut e = pos;
            while e < t.len() && is_word(t[e]) {
                e += 1;
            }
            Some(e)
        } else if p.word_end && pos < t.len() && is_word(t[pos]) {
            None
        } else {
            Some(pos)
        }
    }

    /// The match starting at `i`, if any: (its end, the phrase's order).
    fn match_at(&self, t: &[u32], i: usize) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        let mut stack = vec![(0usize, i)];
        while let Some((node, pos)) = stack.pop() {
            for &k in &self.ends[node] {
                if best.is_some_and(|(_, b)| b < k) {
                    continue;
                }
                if let Some(e) = self.end_of(k, pos, t) {
                    best = Some((e, k));
                }
            }
            if pos < t.len() {
                let c = t[pos];
                let here = &self.children[node];
                if let Some(&next) = here.get(&c) {
                    stack.push((next, pos + 1));
                }
                for &(_, p) in case_partners(c) {
                    if let Some(&next) = here.get(&p) {
                        stack.push((next, pos + 1));
                    }
                }
            }
        }
        best
    }

    /// The (start, end) of every phrase found in `t`, left to right, not overlapping.
    pub fn spans(&self, t: &[u32]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < t.len() {
            if i > 0 && is_word(t[i - 1]) {
                i += 1;
                continue;
            }
            match self.match_at(t, i) {
                Some((end, _)) => {
                    out.push((i, end));
                    i = end;
                }
                None => i += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cps(s: &str) -> Vec<u32> {
        s.chars().map(u32::from).collect()
    }

    fn lex(items: &[(&str, bool, bool)]) -> Lexicon {
        Lexicon::new(
            items
                .iter()
                .map(|&(b, star, word_end)| Phrase {
                    body: cps(b),
                    star,
                    word_end,
                })
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn phrases_match_on_word_bounds_ignoring_case() {
        let l = lex(&[
            ("sign in", false, true),
            ("share", true, true),
            ("©", false, false),
        ]);
        assert_eq!(
            l.spans(&cps("SIGN IN · Shared · resign in ©2024")),
            vec![(0, 7), (10, 16), (29, 30)]
        );
        assert_eq!(l.spans(&cps("signin")), vec![]);
    }

    #[test]
    fn the_first_phrase_in_order_wins_and_case_partners_match() {
        let l = lex(&[("kelvin", false, true), ("kel", true, true)]);
        assert_eq!(
            l.spans(&cps("\u{212A}ELVIN kelvins")),
            vec![(0, 6), (7, 14)]
        );
        assert!(Lexicon::new(vec![Phrase {
            body: vec![],
            star: true,
            word_end: true
        }])
        .is_err());
    }
}
