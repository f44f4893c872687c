//! Byte classifiers for the number-array fast path ([`super::skip`]), with SSE2 (the x86_64
//! baseline) or AVX2 (where the machine has it).
//!
//! This is the crate's only `unsafe`: the intrinsics are `unsafe` to call, and an AVX2
//! function may only run on a machine that has AVX2. [`Classifier`] holds the outcome of the
//! runtime check, and its field is private to this module, so a classifier that takes the
//! AVX2 path can only be made by [`Classifier::detect`] having seen the feature.

mod avx2;
mod sse2;

/// Which instruction set classifies the bytes; chosen once per array.
#[derive(Debug, Clone, Copy)]
pub(super) struct Classifier {
    avx2: bool,
}

impl Classifier {
    /// The widest classifier this machine runs.
    #[inline]
    pub(super) fn detect() -> Self {
        Classifier {
            avx2: std::arch::is_x86_feature_detected!("avx2"),
        }
    }

    /// Byte classes of 64 bytes as bitmasks (bit k for byte k): digits, `0`, `.`, `-`, `,`,
    /// space, `[`, `]`.
    #[inline(always)]
    pub(super) fn classes(self, block: &[u8; 64]) -> [u64; 8] {
        if self.avx2 {
            // SAFETY: `avx2` is true only when `detect` found AVX2 on this machine, and no
            // code outside this module can set it.
            unsafe { avx2::classes(block) }
        } else {
            sse2::classes(block)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{avx2, sse2};

    /// Both classifiers agree, so the one this machine does not take is tested too.
    #[test]
    fn number_array_classifiers_agree() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let alphabet = b"0123456789.-, []e\"\n\x7f\x80\xff/:ZA\\";
        let mut seed = 99u64;
        for _ in 0..2000 {
            let mut block = [0u8; 64];
            for byte in &mut block {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                *byte = alphabet[(seed >> 33) as usize % alphabet.len()];
            }
            // SAFETY: AVX2 was detected above.
            let wide = unsafe { avx2::classes(&block) };
            assert_eq!(sse2::classes(&block), wide);
        }
    }
}
