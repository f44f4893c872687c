//! Raw deflate with an output bound and an optional preset dictionary.
//!
//! miniz_oxide's `decompress_to_vec_with_limit` cannot take a dictionary, and its
//! compressor has no dictionary call, so both directions drive the core state machines
//! here. A preset dictionary works as in zlib's `deflateSetDictionary`: the compressor
//! reads the dictionary first and flushes (a sync flush keeps its window), and only the
//! bytes after that flush are kept; the decompressor starts with the dictionary already in
//! its output, so back-references may reach into it.

use miniz_oxide::deflate::core::{
    compress_to_output, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
};
use miniz_oxide::deflate::CompressionLevel;
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// Why a deflate stream could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InflateError {
    /// The stream stopped before its final block ended.
    Truncated,
    /// The stream is not valid deflate (or has bytes after its end).
    Corrupt,
    /// The stream inflates to more than the limit.
    TooLarge,
}

/// Raw deflate (no zlib header: links pay for every byte) at miniz's best level.
pub(crate) fn deflate(data: &[u8], dictionary: &[u8]) -> Vec<u8> {
    // window_bits < 0 asks for raw deflate; strategy 0 is the default.
    let flags = create_comp_flags_from_zip_params(CompressionLevel::UberCompression as i32, -15, 0);
    let mut compressor = Box::new(CompressorOxide::new(flags));
    if !dictionary.is_empty() {
        feed(
            &mut compressor,
            dictionary,
            TDEFLFlush::Sync,
            &mut Vec::new(),
        );
    }
    let mut out = Vec::with_capacity(data.len() / 3 + 64);
    feed(&mut compressor, data, TDEFLFlush::Finish, &mut out);
    out
}

/// Pushes all of `data` through the compressor, appending what it writes to `out`.
fn feed(compressor: &mut CompressorOxide, mut data: &[u8], flush: TDEFLFlush, out: &mut Vec<u8>) {
    loop {
        let (status, consumed) = compress_to_output(compressor, data, flush, |bytes| {
            out.extend_from_slice(bytes);
            true
        });
        data = data.get(consumed..).unwrap_or_default();
        // With an unbounded output callback one call takes everything; the loop only
        // guards against a future miniz returning early.
        let finished = matches!(status, TDEFLStatus::Done)
            || (matches!(status, TDEFLStatus::Okay) && data.is_empty());
        if finished || consumed == 0 && !matches!(status, TDEFLStatus::Okay) {
            return;
        }
    }
}

/// Inflates `input` into at most `limit` bytes, growing the buffer by doubling so that a
/// bomb costs no more memory than `limit` (plus the dictionary) and stops there.
pub(crate) fn inflate(
    input: &[u8],
    dictionary: &[u8],
    limit: usize,
) -> Result<Vec<u8>, InflateError> {
    let start = dictionary.len();
    let mut out = Vec::with_capacity(start + 4096);
    out.extend_from_slice(dictionary);
    let first = input.len().saturating_mul(4).max(4096).min(limit);
    out.resize(start + first, 0);
    let mut decompressor = Box::<DecompressorOxide>::default();
    // The whole buffer is the window: back-references may reach the dictionary.
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut rest = input;
    let mut pos = start;
    loop {
        let (status, consumed, produced) =
            decompress(&mut decompressor, rest, &mut out, pos, flags);
        pos += produced;
        rest = rest.get(consumed..).unwrap_or_default();
        match status {
            TINFLStatus::Done if rest.is_empty() => {
                out.truncate(pos);
                out.drain(..start);
                return Ok(out);
            }
            TINFLStatus::Done => return Err(InflateError::Corrupt),
            TINFLStatus::HasMoreOutput => {
                let written = out.len() - start;
                if written >= limit {
                    return Err(InflateError::TooLarge);
                }
                out.resize(start + written.saturating_mul(2).min(limit), 0);
            }
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                return Err(InflateError::Truncated)
            }
            _ => return Err(InflateError::Corrupt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_and_without_a_dictionary() {
        let data =
            b"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}".repeat(3);
        for dictionary in [&b""[..], b"\"Type\":\"Pass\",\"End\":true"] {
            let packed = deflate(&data, dictionary);
            assert_eq!(inflate(&packed, dictionary, 1 << 20).unwrap(), data);
        }
    }

    #[test]
    fn a_dictionary_shortens_text_it_contains() {
        let dictionary = b"\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\"";
        let data = b"{ \"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\" }";
        assert!(deflate(data, dictionary).len() < deflate(data, b"").len());
    }

    #[test]
    fn stops_at_the_limit_and_reports_each_failure() {
        let zeros = deflate(&vec![0u8; 100_000], b"");
        assert_eq!(inflate(&zeros, b"", 10_000), Err(InflateError::TooLarge));
        assert_eq!(
            inflate(&zeros[..zeros.len() / 2], b"", 1 << 20),
            Err(InflateError::Truncated)
        );
        assert_eq!(
            inflate(&[0xff; 8], b"", 1 << 20),
            Err(InflateError::Corrupt)
        );
        let mut trailing = deflate(b"abc", b"");
        trailing.push(0);
        assert_eq!(inflate(&trailing, b"", 1 << 20), Err(InflateError::Corrupt));
    }
}
