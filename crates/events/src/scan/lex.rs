//! JSON's lexical pieces as the scanner validates them: whitespace, literals, strings
//! (UTF-8, control characters, escapes, surrogate pairs) and their decoding.

use super::fault::{expected, fault, R};
use super::MAX_DEPTH;

/// Bytes that end the fast part of a string: quote, backslash, control characters and
/// non-ASCII (which needs UTF-8 validation).
pub(super) static STRING_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = c < 0x20 || c == b'"' as usize || c == b'\\' as usize || c >= 0x80;
        c += 1;
    }
    t
};

pub(super) const ONES: u64 = 0x0101_0101_0101_0101;
pub(super) const HIGHS: u64 = 0x8080_8080_8080_8080;

#[inline(always)]
pub(super) fn load8(b: &[u8], i: usize) -> Option<u64> {
    let chunk = b.get(i..i + 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(chunk);
    Some(u64::from_le_bytes(a))
}

/// High bit set in (at least) the first byte of `x` that is a quote, a backslash, a
/// control character or non-ASCII; zero when none is. Bytes after the first such byte may
/// be flagged spuriously (borrows), which callers ignore by taking the lowest flag.
#[inline(always)]
pub(super) fn string_special_mask(x: u64) -> u64 {
    let below_space = x.wrapping_sub(ONES * 0x20) & !x;
    let q = x ^ (ONES * b'"' as u64);
    let quote = q.wrapping_sub(ONES) & !q;
    let bs = x ^ (ONES * b'\\' as u64);
    let backslash = bs.wrapping_sub(ONES) & !bs;
    (below_space | quote | backslash | x) & HIGHS
}

#[inline(always)]
pub(super) fn ws(b: &[u8], mut i: usize) -> usize {
    while let Some(&c) = b.get(i) {
        if c > b' ' || !(c == b' ' || c == b'\n' || c == b'\r' || c == b'\t') {
            break;
        }
        i += 1;
    }
    i
}

#[inline(always)]
pub(super) fn depth_check(at: usize, depth: usize) -> R<()> {
    if depth > MAX_DEPTH {
        return fault(at, "event nesting is too deep (more than 127 levels)");
    }
    Ok(())
}

#[inline(always)]
pub(super) fn literal(b: &[u8], i: usize, word: &'static [u8]) -> R<usize> {
    if b.get(i..i + word.len()) == Some(word) {
        Ok(i + word.len())
    } else {
        expected(i, "a JSON value")
    }
}

/// At `"`: validates a string; returns (content start, content end, index after the
/// closing quote, whether it had escapes). Short plain strings (keys, codes, names: most
/// of an event's strings) are settled here inline from one or two 8-byte words; the rest
/// go to [`string_general`].
#[inline(always)]
pub(super) fn string(b: &[u8], open: usize) -> R<(usize, usize, usize, bool)> {
    let start = open + 1;
    if let Some(x) = load8(b, start) {
        let special = string_special_mask(x);
        if special != 0 {
            let end = start + (special.trailing_zeros() / 8) as usize;
            if b.get(end) == Some(&b'"') {
                return Ok((start, end, end + 1, false));
            }
        } else if let Some(y) = load8(b, start + 8) {
            let special = string_special_mask(y);
            if special != 0 {
                let end = start + 8 + (special.trailing_zeros() / 8) as usize;
                if b.get(end) == Some(&b'"') {
                    return Ok((start, end, end + 1, false));
                }
            }
        }
    }
    string_general(b, open)
}

#[inline(never)]
pub(super) fn string_general(b: &[u8], open: usize) -> R<(usize, usize, usize, bool)> {
    let start = open + 1;
    let mut i = start;
    let mut escaped = false;
    loop {
        // Short strings (keys, codes) dominate events: eight bytes at a time beats a
        // memchr call for them; long runs go to memchr.
        let mut scanned = 0;
        loop {
            match load8(b, i) {
                Some(x) => {
                    let special = string_special_mask(x);
                    if special != 0 {
                        i += (special.trailing_zeros() / 8) as usize;
                        break;
                    }
                    i += 8;
                    scanned += 8;
                    if scanned >= 32 {
                        match memchr::memchr2(b'"', b'\\', &b[i..]) {
                            Some(k) => {
                                check_run(b, i, i + k)?;
                                i += k;
                            }
                            None => return fault(b.len(), "unterminated string"),
                        }
                        break;
                    }
                }
                None => {
                    while i < b.len() && !STRING_SPECIAL[b[i] as usize] {
                        i += 1;
                    }
                    break;
                }
            }
        }
        match b.get(i) {
            None => return fault(i, "unterminated string"),
            Some(b'"') => return Ok((start, i, i + 1, escaped)),
            Some(b'\\') => {
                escaped = true;
                i = escape(b, i)?;
            }
            Some(&c) if c < 0x20 => {
                return fault(i, "control character in a string (must be escaped)")
            }
            Some(_) => {
                // Non-ASCII: validate up to the next quote or backslash.
                let end = memchr::memchr2(b'"', b'\\', &b[i..])
                    .map(|k| i + k)
                    .unwrap_or(b.len());
                check_run(b, i, end)?;
                i = end;
            }
        }
    }
}

/// Checks `b[from..end]` (no quote or backslash inside) for control characters and
/// invalid UTF-8.
#[inline]
pub(super) fn check_run(b: &[u8], from: usize, end: usize) -> R<()> {
    let run = &b[from..end];
    if run
        .iter()
        .fold(false, |acc, &c| acc | !(0x20..0x80).contains(&c))
    {
        if let Some(k) = run.iter().position(|&c| c < 0x20) {
            return fault(from + k, "control character in a string (must be escaped)");
        }
        if let Err(e) = std::str::from_utf8(run) {
            return fault(from + e.valid_up_to(), "invalid UTF-8 in a string");
        }
    }
    Ok(())
}

pub(super) fn hex4(b: &[u8], mut i: usize) -> R<(u16, usize)> {
    let mut n: u16 = 0;
    for _ in 0..4 {
        let d = match b.get(i) {
            Some(c @ b'0'..=b'9') => c - b'0',
            Some(c @ b'a'..=b'f') => c - b'a' + 10,
            Some(c @ b'A'..=b'F') => c - b'A' + 10,
            _ => return expected(i, "a hex digit in a \\u escape"),
        };
        n = (n << 4) | d as u16;
        i += 1;
    }
    Ok((n, i))
}

/// At `\`: validates one escape (a surrogate pair counts as one), returns the index after.
pub(super) fn escape(b: &[u8], at: usize) -> R<usize> {
    let i = at + 1;
    match b.get(i) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 1),
        Some(b'u') => {
            let (n, i) = hex4(b, i + 1)?;
            if (0xDC00..=0xDFFF).contains(&n) {
                return fault(at, "lone trailing surrogate in a \\u escape");
            }
            if (0xD800..=0xDBFF).contains(&n) {
                if b.get(i..i + 2) != Some(b"\\u") {
                    return fault(at, "unpaired surrogate in a \\u escape");
                }
                let (n2, j) = hex4(b, i + 2)?;
                if !(0xDC00..=0xDFFF).contains(&n2) {
                    return fault(at, "unpaired surrogate in a \\u escape");
                }
                return Ok(j);
            }
            Ok(i)
        }
        _ => expected(
            i,
            "a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
        ),
    }
}

/// Decodes the content of a validated JSON string into `out`; `None` if it is not valid
/// (callers validate first, so that is only a guard).
pub fn decode_into(content: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let mut i = 0;
    while i < content.len() {
        let k = memchr::memchr(b'\\', &content[i..]).unwrap_or(content.len() - i);
        out.extend_from_slice(&content[i..i + k]);
        i += k;
        if i >= content.len() {
            break;
        }
        let c = *content.get(i + 1)?;
        i += 2;
        let byte = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let n = hex(content.get(i..i + 4)?)?;
                i += 4;
                let cp = if (0xD800..0xDC00).contains(&n) {
                    if content.get(i..i + 2)? != b"\\u" {
                        return None;
                    }
                    let n2 = hex(content.get(i + 2..i + 6)?)?;
                    i += 6;
                    if !(0xDC00..0xE000).contains(&n2) {
                        return None;
                    }
                    0x10000 + ((n - 0xD800) << 10) + (n2 - 0xDC00)
                } else {
                    n
                };
                let ch = char::from_u32(cp)?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                continue;
            }
            _ => return None,
        };
        out.push(byte);
    }
    Some(())
}

pub(super) fn hex(digits: &[u8]) -> Option<u32> {
    let mut n = 0u32;
    for &c in digits {
        n = (n << 4) | (c as char).to_digit(16)?;
    }
    Some(n)
}
