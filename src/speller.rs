//! The speller's candidate search: the words of a list within `k` edits of a word (optimal string
//! alignment distance: insertions, deletions, substitutions and adjacent transpositions, on code points).
//!
//! Words are bucketed by their first code point and sorted by (length, word) within a bucket, so the words of a
//! bucket whose length is within `k` of the word's are one slice; a set of the words answers "which of the
//! word's one-edit variants are listed" (the general list's one-edit candidates).

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// A multiply-rotate hash of code points (the Fx hash of rustc): the one-edit variants of a word are looked up by
/// the hundred, and the standard SipHash costs more than the rest of the search. No untrusted party chooses the
/// keys of this table (it holds the word lists), so a hash without flooding resistance is fine.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FxBuild = BuildHasherDefault<FxHasher>;

/// A word in its bucket: its length and letter signature beside it, so most words are passed over without
/// reading them.
#[derive(Clone, Copy)]
struct Entry {
    len: usize,
    sig: u64,
    word: usize,
}

/// Which code points occur in a word, folded onto 64 bits. An edit changes at most two of a word's distinct code
/// points (a substitution: one goes, one comes), and folding can only hide differences, so two words whose
/// signatures differ in more than 2k bits are more than k edits apart.
fn signature(word: &[u32]) -> u64 {
    word.iter().fold(0, |s, &c| s | 1u64 << (c % 64))
}

/// Word lists as code points, indexed for the candidate search; `T` is what a caller gets back for a word.
pub struct WordIndex<T> {
    buckets: HashMap<u32, Vec<Entry>>,
    words: Vec<Box<[u32]>>,
    values: Vec<T>,
    by_word: HashMap<Box<[u32]>, usize, FxBuild>,
}

impl<T> WordIndex<T> {
    /// The index of `words` (duplicates and empty words are dropped).
    pub fn new(items: impl IntoIterator<Item = (Vec<u32>, T)>) -> Self {
        let mut words: Vec<Box<[u32]>> = Vec::new();
        let mut values = Vec::new();
        let mut by_word: HashMap<Box<[u32]>, usize, FxBuild> = HashMap::default();
        for (w, v) in items {
            if w.is_empty() || by_word.contains_key(w.as_slice()) {
                continue;
            }
            let w: Box<[u32]> = w.into_boxed_slice();
            by_word.insert(w.clone(), words.len());
            words.push(w);
            values.push(v);
        }
        let mut buckets: HashMap<u32, Vec<Entry>> = HashMap::new();
        for (i, w) in words.iter().enumerate() {
            buckets.entry(w[0]).or_default().push(Entry {
                len: w.len(),
                sig: signature(w),
                word: i,
            });
        }
        for bucket in buckets.values_mut() {
            bucket.sort_by(|a, b| (a.len, &words[a.word]).cmp(&(b.len, &words[b.word])));
        }
        WordIndex {
            buckets,
            words,
            values,
            by_word,
        }
    }

    pub fn value(&self, i: usize) -> &T {
        &self.values[i]
    }

    /// The words starting with one of `letters`, at most `max_len` long, within `k` edits of `word`: (word, edits).
    pub fn within(
        &self,
        word: &[u32],
        k: usize,
        letters: &[u32],
        max_len: usize,
    ) -> Vec<(usize, usize)> {
        let n = word.len();
        let (lo, hi) = (n.saturating_sub(k), (n + k).min(max_len));
        let pattern = Pattern::new(word);
        let sig = signature(word);
        let mut out = Vec::new();
        let mut seen_letters = BTreeSet::new();
        for &letter in letters {
            if !seen_letters.insert(letter) {
                continue;
            }
            let Some(bucket) = self.buckets.get(&letter) else {
                continue;
            };
            let start = bucket.partition_point(|e| e.len < lo);
            for e in &bucket[start..] {
                if e.len > hi {
                    break;
                }
                if (e.sig ^ sig).count_ones() as usize > 2 * k {
                    continue;
                }
                if let Some(d) = pattern.distance_within(&self.words[e.word], k) {
                    out.push((e.word, d));
                }
            }
        }
        out
    }

    /// The listed words one edit from `word`, an edit inserting or substituting only a-z (Norvig's edits1), in
    /// code point order.
    pub fn edits1(&self, word: &[u32]) -> Vec<usize> {
        let n = word.len();
        let mut found: Vec<usize> = Vec::new();
        let mut buf: Vec<u32> = Vec::with_capacity(n + 1);
        let look = |buf: &Vec<u32>, found: &mut Vec<usize>| {
            if buf.as_slice() != word {
                if let Some(&i) = self.by_word.get(buf.as_slice()) {
                    found.push(i);
                }
            }
        };
        for i in 0..=n {
            if i < n {
                buf.clear();
                buf.extend_from_slice(&word[..i]);
                buf.extend_from_slice(&word[i + 1..]);
                look(&buf, &mut found);
            }
            if i + 1 < n {
                buf.clear();
                buf.extend_from_slice(word);
                buf.swap(i, i + 1);
                look(&buf, &mut found);
            }
            for c in u32::from(b'a')..=u32::from(b'z') {
                if i < n {
                    buf.clear();
                    buf.extend_from_slice(word);
                    buf[i] = c;
                    look(&buf, &mut found);
                }
                buf.clear();
                buf.extend_from_slice(&word[..i]);
                buf.push(c);
                buf.extend_from_slice(&word[i..]);
                look(&buf, &mut found);
            }
        }
        found.sort_unstable_by(|&a, &b| self.words[a].cmp(&self.words[b]));
        found.dedup();
        found
    }
}

/// A word ready to be compared with many: Hyyrö's bit-parallel optimal string alignment distance (2003; the
/// algorithm rapidfuzz uses), one machine word per column for words of up to 64 code points.
struct Pattern<'a> {
    word: &'a [u32],
    ascii: [u64; 128],
    other: Vec<(u32, u64)>,
}

impl<'a> Pattern<'a> {
    fn new(word: &'a [u32]) -> Self {
        let mut ascii = [0u64; 128];
        let mut other: Vec<(u32, u64)> = Vec::new();
        if word.len() <= 64 {
            for (i, &c) in word.iter().enumerate() {
                let bit = 1u64 << i;
                if c < 128 {
                    ascii[c as usize] |= bit;
                } else if let Some(slot) = other.iter_mut().find(|(o, _)| *o == c) {
                    slot.1 |= bit;
                } else {
                    other.push((c, bit));
                }
            }
        }
        Pattern { word, ascii, other }
    }

    #[inline]
    fn positions(&self, c: u32) -> u64 {
        if c < 128 {
            self.ascii[c as usize]
        } else {
            self.other
                .iter()
                .find(|(o, _)| *o == c)
                .map_or(0, |&(_, m)| m)
        }
    }

    /// The distance to `cand` if it is at most `k`.
    fn distance_within(&self, cand: &[u32], k: usize) -> Option<usize> {
        let n = self.word.len();
        if n.abs_diff(cand.len()) > k {
            return None;
        }
        if n == 0 || n > 64 {
            return osa_within(self.word, cand, k);
        }
        let mask = 1u64 << (n - 1);
        let (mut vp, mut vn, mut d0, mut pm_old) = (!0u64, 0u64, 0u64, 0u64);
        let mut dist = n;
        for &c in cand {
            let pm = self.positions(c);
            let tr = (((!d0) & pm) << 1) & pm_old;
            d0 = ((((pm & vp).wrapping_add(vp)) ^ vp) | pm | vn) | tr;
            let mut hp = vn | !(d0 | vp);
            let mut hn = d0 & vp;
            if hp & mask != 0 {
                dist += 1;
            }
            if hn & mask != 0 {
                dist -= 1;
            }
            hp = (hp << 1) | 1;
            hn <<= 1;
            vp = hn | !(d0 | hp);
            vn = hp & d0;
            pm_old = pm;
        }
        (dist <= k).then_some(dist)
    }
}

/// The optimal string alignment distance of `a` and `b` if it is at most `k` (the dynamic programme).
pub fn osa_within(a: &[u32], b: &[u32], k: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > k {
        return None;
    }
    let width = m + 1;
    let mut rows = vec![0usize; 3 * width];
    let (mut prev2, mut prev, mut cur) = (0usize, width, 2 * width);
    for (j, cell) in rows[prev..prev + width].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        rows[cur] = i;
        let mut best = i;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[prev + j] + 1)
                .min(rows[cur + j - 1] + 1)
                .min(rows[prev + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[prev2 + j - 2] + 1);
            }
            rows[cur + j] = d;
            best = best.min(d);
        }
        if best > k && i < n {
            // every later row is at least its row's minimum, except through a transposition from this row's
            // predecessor: check one more row before giving up
            let prev_best = rows[prev..prev + width].iter().copied().min().unwrap_or(0);
            if prev_best > k {
                return None;
            }
        }
        (prev2, prev, cur) = (prev, cur, prev2);
    }
    let d = rows[prev + m];
    (d <= k).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cps(s: &str) -> Vec<u32> {
        s.chars().map(u32::from).collect()
    }

    fn index(words: &[&str]) -> WordIndex<String> {
        WordIndex::new(words.iter().map(|w| (cps(w), w.to_string())))
    }

    #[test]
    fn osa_counts_a_transposition_as_one_edit() {
        assert_eq!(osa_within(&cps("teh"), &cps("the"), 2), Some(1));
        assert_eq!(osa_within(&cps("ca"), &cps("abc"), 3), Some(3)); // OSA, not Damerau-Levenshtein (2)
        assert_eq!(osa_within(&cps("kitten"), &cps("sitting"), 2), None);
        assert_eq!(osa_within(&cps("kitten"), &cps("sitting"), 3), Some(3));
        assert_eq!(osa_within(&cps(""), &cps("ab"), 2), Some(2));
    }

    #[test]
    fn the_bit_parallel_distance_is_the_dynamic_programmes() {
        let words = [
            "", "a", "ab", "ba", "abc", "acb", "teh", "the", "thé", "kitten", "sitting", "ca",
            "abc", "aaaa", "aa",
        ];
        for a in words {
            for b in words {
                let (a, b) = (cps(a), cps(b));
                for k in 0..5 {
                    assert_eq!(
                        Pattern::new(&a).distance_within(&b, k),
                        osa_within(&a, &b, k),
                        "{a:?} {b:?} {k}"
                    );
                }
            }
        }
    }

    #[test]
    fn within_takes_the_letters_buckets_and_the_length_window() {
        let ix = index(&[
            "therapy",
            "therapist",
            "thereby",
            "xherapy",
            "therapy",
            "therap",
        ]);
        let found: Vec<(&str, usize)> = ix
            .within(&cps("theraphy"), 2, &cps("t"), usize::MAX)
            .into_iter()
            .map(|(i, d)| (ix.value(i).as_str(), d))
            .collect();
        assert_eq!(found, [("therap", 2), ("therapy", 1)]);
        assert_eq!(ix.within(&cps("theraphy"), 2, &cps("t"), 6).len(), 1);
        assert!(ix.within(&cps("theraphy"), 2, &cps("x"), usize::MAX).len() == 1);
        assert!(ix
            .within(&cps("theraphy"), 1, &cps("x"), usize::MAX)
            .is_empty());
    }

    #[test]
    fn edits1_finds_listed_words_in_order() {
        let ix = index(&["cat", "act", "cart", "at", "bat", "dog", "cát"]);
        let found: Vec<&str> = ix
            .edits1(&cps("cat"))
            .into_iter()
            .map(|i| ix.value(i).as_str())
            .collect();
        assert_eq!(found, ["act", "at", "bat", "cart"]); // not "cát": only a-z is inserted or substituted
    }
}
