//! py3langid's feature walk: its byte n-gram automaton run over a text, counting the features it meets.
//!
//! The model's arrays stay Python's (the transition table is 40 MB, memory-mapped from the array cache and
//! shared by every process): the core reads them in place. The counts come back in the order of each
//! feature's first occurrence, the order py3langid's `Counter` holds them in, because the float32 sums of
//! its scoring (which stays numpy's) depend on that order.

/// The automaton: `next[row_base[state] + byte]` is the state after `byte`; `output[state]` the feature it
/// completes (or a negative number).
pub struct Automaton<'a> {
    pub next: &'a [u32],
    pub row_base: &'a [u64],
    pub output: &'a [i64],
}

impl Automaton<'_> {
    /// Check that no walk can index outside the arrays, whatever the bytes (done once, when loaded).
    pub fn check(&self) -> Result<(), String> {
        let states = self.row_base.len();
        if self.output.len() != states {
            return Err(format!(
                "{} outputs for {} states",
                self.output.len(),
                states
            ));
        }
        for (s, &base) in self.row_base.iter().enumerate() {
            if base % 256 != 0 || base.saturating_add(256) > self.next.len() as u64 {
                return Err(format!(
                    "state {s}: row {base} outside the transition table"
                ));
            }
        }
        if let Some(bad) = self.next.iter().find(|&&t| t as usize >= states) {
            return Err(format!("transition to state {bad} of {states}"));
        }
        Ok(())
    }

    /// The number of distinct features (one more than the largest output).
    pub fn features(&self) -> usize {
        self.output
            .iter()
            .copied()
            .max()
            .map_or(0, |m| (m.max(-1) + 1) as usize)
    }

    /// The features met in `data` and how often, in the order of their first occurrence. `slots` has one entry
    /// per feature, all 0 (it is left so): where a feature met before is in the lists, plus one.
    pub fn visits(&self, data: &[u8], slots: &mut [u32]) -> (Vec<i64>, Vec<f32>) {
        let mut feats: Vec<i64> = Vec::new();
        let mut counts: Vec<u32> = Vec::new();
        let mut state = 0usize;
        for &byte in data {
            state = self.next[self.row_base[state] as usize + byte as usize] as usize;
            let f = self.output[state];
            if f >= 0 {
                let slot = &mut slots[f as usize];
                if *slot == 0 {
                    feats.push(f);
                    counts.push(1);
                    *slot = feats.len() as u32;
                } else {
                    counts[*slot as usize - 1] += 1;
                }
            }
        }
        for &f in &feats {
            slots[f as usize] = 0;
        }
        (feats, counts.into_iter().map(|c| c as f32).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two states over bytes: 'a' leads to state 1 (feature 7), anything else to state 0 (none).
    fn tiny() -> (Vec<u32>, Vec<u64>, Vec<i64>) {
        let mut next = vec![0u32; 512];
        next[b'a' as usize] = 1;
        next[256 + b'a' as usize] = 1;
        (next, vec![0, 256], vec![-1, 7])
    }

    #[test]
    fn counts_in_first_occurrence_order() {
        let (next, rows, out) = tiny();
        let a = Automaton {
            next: &next,
            row_base: &rows,
            output: &out,
        };
        assert!(a.check().is_ok());
        let mut slots = vec![0; a.features()];
        assert_eq!(a.visits(b"xaxa\xff\x00a", &mut slots), (vec![7], vec![3.0]));
        assert_eq!(a.visits(b"", &mut slots), (vec![], vec![]));
        assert!(slots.iter().all(|&s| s == 0));
    }

    #[test]
    fn a_table_that_points_outside_is_refused() {
        let (mut next, rows, out) = tiny();
        next[3] = 9;
        assert!(Automaton {
            next: &next,
            row_base: &rows,
            output: &out
        }
        .check()
        .is_err());
        let (next, _, out) = tiny();
        assert!(Automaton {
            next: &next,
            row_base: &[0, 512],
            output: &out
        }
        .check()
        .is_err());
    }
}
