//! MinHash signatures of texts over their byte n-gram shingles (dedup's `MinHasher`).
//!
//! A text is its UTF-8 bytes (a lone surrogate as its three bytes, as Python's `surrogatepass` writes it);
//! every window of `n` bytes (the whole text when shorter) is a shingle, hashed by a rolling 32-bit polynomial
//! hash; the signature holds, per hash function (`a * x + b` mod 2^64, odd `a`), the high 32 bits of the least
//! value over the text's shingles (all ones for an empty text).

/// Append the UTF-8 bytes of code point `c` (surrogates included) to `out`.
fn push_utf8(out: &mut Vec<u8>, c: u32) {
    if c < 0x80 {
        out.push(c as u8);
    } else if c < 0x800 {
        out.extend([0xC0 | (c >> 6) as u8, 0x80 | (c & 0x3F) as u8]);
    } else if c < 0x10000 {
        out.extend([
            0xE0 | (c >> 12) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]);
    } else {
        out.extend([
            0xF0 | (c >> 18) as u8,
            0x80 | ((c >> 12) & 0x3F) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]);
    }
}

/// The bytes of a string's code points, as `str.encode("utf-8", "surrogatepass")` gives them.
pub fn utf8_surrogatepass(cps: impl Iterator<Item = u32>) -> Vec<u8> {
    let mut out = Vec::new();
    for c in cps {
        push_utf8(&mut out, c);
    }
    out
}

const MASK32: u64 = 0xFFFF_FFFF;

/// The distinct shingle hashes of `raw` (windows of `n` >= 1 bytes; the whole text when shorter), sorted.
pub fn shingles(raw: &[u8], n: usize) -> Vec<u64> {
    if raw.is_empty() {
        return Vec::new();
    }
    let n = n.clamp(1, raw.len());
    let mut out: Vec<u64> = raw
        .windows(n)
        .map(|w| {
            let s = w
                .iter()
                .fold(0u64, |s, &b| (s * 0x0100_0193 + u64::from(b)) & MASK32);
            (s * 2_654_435_761) & MASK32
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The signature (one u32 per hash function) of a shingle set.
pub fn signature(shingles: &[u64], a: &[u64], b: &[u64], out: &mut [u32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512dq")
        {
            // SAFETY: the CPU has the features the function is compiled for.
            return unsafe { signature_avx512(shingles, a, b, out) };
        }
    }
    signature_of(shingles, a, b, out)
}

/// [`signature_of`] compiled for AVX-512 (64-bit multiplies and minima eight lanes at a time: the same integers).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn signature_avx512(shingles: &[u64], a: &[u64], b: &[u64], out: &mut [u32]) {
    signature_of(shingles, a, b, out)
}

#[inline(always)]
fn signature_of(shingles: &[u64], a: &[u64], b: &[u64], out: &mut [u32]) {
    let mut least = vec![u64::MAX; a.len()];
    for &x in shingles {
        for ((l, &ai), &bi) in least.iter_mut().zip(a).zip(b) {
            *l = (*l).min(ai.wrapping_mul(x).wrapping_add(bi));
        }
    }
    for (o, l) in out.iter_mut().zip(least) {
        *o = (l >> 32) as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrogates_are_encoded_as_surrogatepass_does() {
        assert_eq!(
            utf8_surrogatepass([0xDC80u32].into_iter()),
            vec![0xED, 0xB2, 0x80]
        );
        assert_eq!(
            utf8_surrogatepass("aé中😀".chars().map(u32::from)),
            "aé中😀".as_bytes()
        );
    }

    #[test]
    fn a_short_text_is_one_shingle_and_an_empty_one_none() {
        assert_eq!(shingles(b"ab", 5).len(), 1);
        assert_eq!(shingles(b"abababab", 2).len(), 2);
        assert!(shingles(b"", 5).is_empty());
        let mut sig = [0u32; 2];
        signature(&[], &[1, 3], &[0, 0], &mut sig);
        assert_eq!(sig, [u32::MAX, u32::MAX]);
    }
}
