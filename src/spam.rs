//! The spam stage's per-sentence helpers.

use crate::text::is_letter;

/// Replace every match of `op[^\n]*?cl` in `t` (leftmost, shortest, not overlapping, as `regex.sub` finds them)
/// with one space.
fn replace_quoted(t: &[u32], op: &[u32], cl: &[u32]) -> Vec<u32> {
    if op.is_empty() && cl.is_empty() {
        // the pattern is `[^\n]*?`: an empty match at every position, and after each the shortest one that is
        // not empty (one code point, unless a new line)
        let mut out = Vec::with_capacity(2 * t.len() + 1);
        for &c in t {
            out.push(0x20);
            out.push(if c == 0x0A { c } else { 0x20 });
        }
        out.push(0x20);
        return out;
    }
    let mut out = Vec::with_capacity(t.len());
    let n = t.len();
    let mut i = 0;
    while i <= n {
        if let Some(end) = quoted_at(t, i, op, cl) {
            out.push(0x20);
            i = end;
            continue;
        }
        if i < n {
            out.push(t[i]);
        }
        i += 1;
    }
    out
}

/// The end of the match of `op[^\n]*?cl` starting at `i`, if any.
fn quoted_at(t: &[u32], i: usize, op: &[u32], cl: &[u32]) -> Option<usize> {
    if !t[i..].starts_with(op) {
        return None;
    }
    let mut j = i + op.len();
    loop {
        if t[j..].starts_with(cl) {
            return Some(j + cl.len());
        }
        if j >= t.len() || t[j] == 0x0A {
            return None;
        }
        j += 1;
    }
}

/// Are all the sentence's letters inside quote marks (`cleaner.stages.spam.OffLanguage._quoted_only`): each
/// pair's quoted runs (`op[^\n]*?cl`) replaced by a space in turn, did something change and no letter remain?
pub fn quoted_only(sentence: &[u32], pairs: &[(Vec<u32>, Vec<u32>)]) -> bool {
    let mut rest = sentence.to_vec();
    for (op, cl) in pairs {
        rest = replace_quoted(&rest, op, cl);
    }
    rest != sentence && !rest.iter().any(|&c| is_letter(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cps(s: &str) -> Vec<u32> {
        s.chars().map(u32::from).collect()
    }

    fn pairs() -> Vec<(Vec<u32>, Vec<u32>)> {
        vec![(cps("\""), cps("\"")), (cps("«"), cps("»"))]
    }

    #[test]
    fn a_quoted_title_is_quoted_only() {
        assert!(quoted_only(&cps("^ \"僕だけがいない街\" ."), &pairs()));
        assert!(quoted_only(&cps("«Le Monde»"), &pairs()));
    }

    #[test]
    fn letters_outside_the_quotes_count() {
        assert!(!quoted_only(&cps("he said \"hi\""), &pairs()));
        assert!(!quoted_only(&cps("no quotes at all"), &pairs()));
        assert!(!quoted_only(&cps("\"unclosed"), &pairs()));
        assert!(!quoted_only(&cps("\"a\nb\""), &pairs()));
    }
}
