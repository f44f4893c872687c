//! The byte classifier with 32-byte AVX2 vectors: half the compares and mask moves of SSE2.

use std::arch::x86_64::{
    __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_loadu_si256,
    _mm256_movemask_epi8, _mm256_set1_epi8,
};

/// See [`super::Classifier::classes`]. Calling it is `unsafe` outside AVX2 code: the machine
/// must have AVX2, which [`super::Classifier`] checks before it calls this.
#[target_feature(enable = "avx2")]
pub(super) fn classes(block: &[u8; 64]) -> [u64; 8] {
    let mut out = [0u64; 8];
    let splat = |c: u8| _mm256_set1_epi8(c as i8);
    let (below, above) = (splat(b'0' - 1), splat(b'9' + 1));
    let singles = [b'0', b'.', b'-', b',', b' ', b'[', b']'].map(splat);
    for part in 0..2 {
        // SAFETY: an unaligned 32-byte load at offset 0 or 32 of the 64-byte array, so it
        // stays inside it; AVX2 is enabled for this function.
        let x = unsafe { _mm256_loadu_si256(block.as_ptr().add(32 * part) as *const __m256i) };
        let digit = _mm256_and_si256(_mm256_cmpgt_epi8(x, below), _mm256_cmpgt_epi8(above, x));
        out[0] |= (_mm256_movemask_epi8(digit) as u32 as u64) << (32 * part);
        for (k, c) in singles.iter().enumerate() {
            let m = _mm256_movemask_epi8(_mm256_cmpeq_epi8(x, *c)) as u32 as u64;
            out[k + 1] |= m << (32 * part);
        }
    }
    out
}
