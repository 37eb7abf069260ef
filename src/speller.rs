//! The speller's candidate search: the words of a list within `k` edits of a word (optimal string
//! alignment distance: insertions, deletions, substitutions and adjacent transpositions, on code points).
//!
//! Words are bucketed by their first code point and sorted by (length, word) within a bucket, so the words of a
//! bucket whose length is within `k` of the word's are one slice; a set of the words answers "which of the
//! word's one-edit variants are listed" (the general list's one-edit candidates).

use std::collections::{BTreeSet, HashMap};

/// Word lists as code points, indexed for the candidate search; `T` is what a caller gets back for a word.
pub struct WordIndex<T> {
    buckets: HashMap<u32, Vec<usize>>,
    words: Vec<Box<[u32]>>,
    values: Vec<T>,
    by_word: HashMap<Box<[u32]>, usize>,
}

impl<T> WordIndex<T> {
    /// The index of `words` (duplicates and empty words are dropped).
    pub fn new(items: impl IntoIterator<Item = (Vec<u32>, T)>) -> Self {
        let mut words: Vec<Box<[u32]>> = Vec::new();
        let mut values = Vec::new();
        let mut by_word = HashMap::new();
        for (w, v) in items {
            if w.is_empty() || by_word.contains_key(w.as_slice()) {
                continue;
            }
            let w: Box<[u32]> = w.into_boxed_slice();
            by_word.insert(w.clone(), words.len());
            words.push(w);
            values.push(v);
        }
        let mut buckets: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, w) in words.iter().enumerate() {
            buckets.entry(w[0]).or_default().push(i);
        }
        for bucket in buckets.values_mut() {
            bucket.sort_by(|&a, &b| (words[a].len(), &words[a]).cmp(&(words[b].len(), &words[b])));
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
        let mut out = Vec::new();
        let mut seen_letters = BTreeSet::new();
        for &letter in letters {
            if !seen_letters.insert(letter) {
                continue;
            }
            let Some(bucket) = self.buckets.get(&letter) else {
                continue;
            };
            let start = bucket.partition_point(|&i| self.words[i].len() < lo);
            for &i in &bucket[start..] {
                let cand = &self.words[i];
                if cand.len() > hi {
                    break;
                }
                if let Some(d) = osa_within(word, cand, k) {
                    out.push((i, d));
                }
            }
        }
        out
    }

    /// The listed words one edit from `word`, an edit inserting or substituting only a-z (Norvig's edits1), in
    /// code point order.
    pub fn edits1(&self, word: &[u32]) -> Vec<usize> {
        let n = word.len();
        let mut found = BTreeSet::new();
        let mut buf: Vec<u32> = Vec::with_capacity(n + 1);
        let look = |buf: &Vec<u32>, found: &mut BTreeSet<(Box<[u32]>, usize)>| {
            if buf.as_slice() != word {
                if let Some(&i) = self.by_word.get(buf.as_slice()) {
                    found.insert((self.words[i].clone(), i));
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
        found.into_iter().map(|(_, i)| i).collect()
    }
}

/// The optimal string alignment distance of `a` and `b` if it is at most `k`.
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
