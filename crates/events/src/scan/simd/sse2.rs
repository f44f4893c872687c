//! The byte classifier with 16-byte SSE2 vectors, which every x86_64 machine has.

use std::arch::x86_64::{
    __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_loadu_si128,
    _mm_movemask_epi8, _mm_set1_epi8,
};

/// See [`super::Classifier::classes`].
#[inline(always)]
pub(super) fn classes(block: &[u8; 64]) -> [u64; 8] {
    let mut out = [0u64; 8];
    // SAFETY: SSE2 is part of the x86_64 baseline, so its intrinsics run on every machine
    // this module is compiled for; each load reads 16 bytes at offset 0, 16, 32 or 48 of
    // the 64-byte array (unaligned loads, so no alignment is required).
    unsafe {
        let splat = |c: u8| _mm_set1_epi8(c as i8);
        let (below, above) = (splat(b'0' - 1), splat(b'9' + 1));
        let singles = [b'0', b'.', b'-', b',', b' ', b'[', b']'].map(splat);
        for part in 0..4 {
            let x = _mm_loadu_si128(block.as_ptr().add(16 * part) as *const __m128i);
            let digit = _mm_and_si128(_mm_cmpgt_epi8(x, below), _mm_cmplt_epi8(x, above));
            out[0] |= (_mm_movemask_epi8(digit) as u16 as u64) << (16 * part);
            for (k, c) in singles.iter().enumerate() {
                let m = _mm_movemask_epi8(_mm_cmpeq_epi8(x, *c)) as u16 as u64;
                out[k + 1] |= m << (16 * part);
            }
        }
    }
    out
}
