//! py3langid's feature walk: its byte n-gram automaton run over a text, counting the features it meets.
//!
//! The model's arrays stay Python's (the transition table is 40 MB, memory-mapped from the array cache and
//! shared by every process): the core reads them in place. The counts come back in the order of each
//! feature's first occurrence, the order py3langid's `Counter` holds them in, because the float32 sums of
//! its scoring depend on that order.
//!
//! The scoring (py3langid's `_sparse_score`: `np.log1p(counts) @ ptc[feats] + pc`, float32) is done here too,
//! summed in the order numpy's OpenBLAS sums it on an AVX-512 machine (its `sgemv_n` for SkylakeX: see
//! [`gemv`]), so the scores are numpy's bit for bit there (tests/test_langid.py holds them to py3langid's).

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

/// `acc[r] = row[r] * x + acc[r]` for every output, each rounded once (an FMA), as a BLAS kernel's lanes do.
#[inline(always)]
fn fma_into(acc: &mut [f32], row: &[f32], x: f32) {
    for (a, &v) in acc.iter_mut().zip(row) {
        *a = v.mul_add(x, *a);
    }
}

/// `y[r] += t[r]`, each rounded once.
#[inline(always)]
fn add_into(y: &mut [f32], t: &[f32]) {
    for (a, &v) in y.iter_mut().zip(t) {
        *a += v;
    }
}

/// `y = x @ A` for the rows `A[i]` (each `m` long) in float32, in the order OpenBLAS 0.3 sums it for numpy's
/// `vector @ matrix` (`cblas_sgemv`, column-major no-transpose, `alpha` 1, `beta` 0) with its SkylakeX kernels:
/// - at most 48 rows of A, but not 4: one FMA chain per output over the rows, from 0 (`sgemv_kernel_n_128`);
/// - otherwise the outputs `m & !3` and the 2 or 3 after them apart. Those go through the rows in blocks of 8, then
///   4, then 2 and 1; each block's sum is added to the output. In a block of 8 or 4 the first outputs (4 when
///   `m & 4`, then 8 when the rest has `& 8`) sum the even and the odd rows in two chains and add them, the
///   others one chain (`sgemv_kernel_4x8`, `_4x4` of the Haswell micro-kernels; `sgemv_kernel_n_64` for 2 and 1).
///   The last `m & 3` outputs are one FMA chain over all the rows (the C loop, contracted).
///
/// Returns None for shapes the kernel would block differently (`m` of 4096 outputs or more).
pub fn gemv(x: &[f32], rows: &[&[f32]], m: usize) -> Option<Vec<f32>> {
    if m & !3 >= 4096 || rows.len() != x.len() || rows.iter().any(|r| r.len() != m) {
        return None;
    }
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("fma") && std::arch::is_x86_feature_detected!("avx2")
        {
            // SAFETY: the CPU has the features the function is compiled for.
            return Some(unsafe { gemv_fma(x, rows, m) });
        }
    }
    Some(gemv_in_order(x, rows, m))
}

/// [`gemv_in_order`] compiled with the FMA instructions (the same operations, in hardware and in vectors).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gemv_fma(x: &[f32], rows: &[&[f32]], m: usize) -> Vec<f32> {
    gemv_in_order(x, rows, m)
}

/// The body of [`gemv`]: each output's operations in the kernel's order; the outputs are independent lanes.
#[inline(always)]
fn gemv_in_order(x: &[f32], rows: &[&[f32]], m: usize) -> Vec<f32> {
    let n = x.len();
    let mut y = vec![0f32; m];
    if n == 0 {
        return y;
    }
    let mut acc = vec![0f32; m];
    if m <= 16384 && n <= 48 && n != 4 {
        for (row, &xi) in rows.iter().zip(x) {
            fma_into(&mut acc, row, xi);
        }
        for (out, &a) in y.iter_mut().zip(&acc) {
            *out = a.mul_add(1.0, 0.0);
        }
        return y;
    }
    let m1 = m & !3;
    let split = (m1 & 4) + ((m1 - (m1 & 4)) & 8);
    let mut odd = vec![0f32; split];
    let mut c = 0;
    for width in [8usize, 4] {
        let blocks = if width == 8 { n >> 3 } else { (n & 7) >> 2 };
        for _ in 0..blocks {
            acc.fill(0.0);
            odd.fill(0.0);
            for j in (c..c + width).step_by(2) {
                fma_into(&mut acc[..split], &rows[j][..split], x[j]);
                fma_into(&mut odd, &rows[j + 1][..split], x[j + 1]);
            }
            for j in c..c + width {
                fma_into(&mut acc[split..m1], &rows[j][split..m1], x[j]);
            }
            for (e, &o) in acc[..split].iter_mut().zip(&odd) {
                *e = (o + *e) * 1.0;
            }
            add_into(&mut y[..m1], &acc[..m1]);
            c += width;
        }
    }
    for width in [2usize, 1] {
        if n & width != 0 {
            acc.fill(0.0);
            for j in c..c + width {
                fma_into(&mut acc[..m1], &rows[j][..m1], x[j]);
            }
            for (out, &a) in y[..m1].iter_mut().zip(&acc) {
                *out = a.mul_add(1.0, *out);
            }
            c += width;
        }
    }
    acc.fill(0.0);
    for (row, &xi) in rows.iter().zip(x) {
        fma_into(&mut acc[m1..], &row[m1..], xi);
    }
    for (out, &a) in y[m1..].iter_mut().zip(&acc[m1..]) {
        *out = 1f32.mul_add(a, *out);
    }
    y
}

/// py3langid's scores before normalisation: `log1p(counts) @ ptc[feats] + pc` (`ptc`: features x classes).
/// `log1p[c - 1]` is numpy's float32 `log1p(c)`; None when a count is beyond it (or the shape is not the kernel's).
pub fn raw_scores(
    feats: &[i64],
    counts: &[f32],
    ptc: &[f32],
    pc: &[f32],
    log1p: &[f32],
) -> Option<Vec<f32>> {
    let m = pc.len();
    let mut x = Vec::with_capacity(counts.len());
    for &c in counts {
        x.push(*log1p.get((c as usize).checked_sub(1)?)?);
    }
    let mut rows = Vec::with_capacity(feats.len());
    for &f in feats {
        let start = (f as usize).checked_mul(m)?;
        rows.push(ptc.get(start..start.checked_add(m)?)?);
    }
    let mut y = gemv(&x, &rows, m)?;
    for (v, &p) in y.iter_mut().zip(pc) {
        *v += p;
    }
    Some(y)
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
    fn the_sum_order_follows_the_kernels() {
        // 1 + 2^-24 + 2^-24: one chain rounds each addition away, a block's own sum keeps them
        let tiny = f32::EPSILON / 2.0;
        let col = |v: f32| vec![v; 12];
        let a: Vec<Vec<f32>> = (0..49)
            .map(|i| col(if i == 0 { 1.0 } else { tiny }))
            .collect();
        let rows: Vec<&[f32]> = a.iter().map(|r| r.as_slice()).collect();
        let x = vec![1.0f32; 49];
        let y = gemv(&x, &rows, 12).unwrap();
        // outputs 0..12 are the split ones: each block of 8 adds its sum (7 or 8 tiny) to the output
        assert!(y[0] > 1.0);
        let small = gemv(&x[..48], &rows[..48], 12).unwrap();
        assert_eq!(small[0], 1.0); // one chain from 0: every tiny rounded away
        assert_eq!(gemv(&[], &[], 3).unwrap(), vec![0.0; 3]);
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
