//! JSON numbers: validated and, for fields a rule reads, converted exactly as
//! `serde_json` converts them, reading eight bytes at a time in the common shapes.

use super::fault::{expected, fault, R};
use super::lex::{load8, HIGHS, ONES};

/// Skips a run of ASCII digits, eight at a time where possible: numbers dominate the
/// bytes of many events (coordinates, measurements), so this loop is the hot one.
#[inline(always)]
pub(super) fn digits(b: &[u8], mut i: usize) -> usize {
    while let Some(x) = load8(b, i) {
        let t = x ^ (ONES * 0x30);
        // High bit of a byte set iff that byte is not '0'..='9'. Carries only move toward
        // later bytes and only start at non-digits, so the first flag is exact.
        let non_digit = (t.wrapping_add(ONES * 0x76) | t) & HIGHS;
        if non_digit != 0 {
            return i + (non_digit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// High bit of every byte of `x` that is not an ASCII digit (exact for the lowest such
/// byte; bytes above it may be flagged spuriously, which callers ignore).
#[inline(always)]
pub(super) fn non_digits(x: u64) -> u64 {
    let t = x ^ (ONES * 0x30);
    (t.wrapping_add(ONES * 0x76) | t) & HIGHS
}

/// A number in the common shapes (`-12`, `37.7225375`) inline, reading the integer part
/// and the fraction eight bytes at a time; anything else (exponents, long integers,
/// errors) goes to [`number_general`].
#[inline(always)]
pub(super) fn number(b: &[u8], start: usize) -> R<usize> {
    if let Some(shape) = number_shape(b, start) {
        return Ok(shape.0);
    }
    number_general(b, start)
}

#[inline(never)]
pub(super) fn number_general(b: &[u8], start: usize) -> R<usize> {
    let mut i = start;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            let j = digits(b, i + 1);
            if j - i > 300 {
                return number_slow(b, start);
            }
            i = j;
        }
        _ => return expected(i, "a digit"),
    }
    if b.get(i) == Some(&b'.') {
        let j = digits(b, i + 1);
        if j == i + 1 {
            return expected(j, "a digit after the decimal point");
        }
        i = j;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        return number_slow(b, start);
    }
    Ok(i)
}

/// Bytes the fast number paths read at once: a window checked once, inside which every
/// load needs no further bounds check.
pub(super) const WINDOW: usize = 32;

/// Eight bytes of `w` from `at` (clamped so the load stays inside the window).
#[inline(always)]
pub(super) fn word(w: &[u8; WINDOW], at: usize) -> u64 {
    let at = at.min(WINDOW - 8);
    let mut a = [0u8; 8];
    a.copy_from_slice(&w[at..at + 8]);
    u64::from_le_bytes(a)
}

/// The first `k` (1..=7) bytes of `x` as the low digits of an 8-digit word padded with
/// leading zeros, for [`eight_digits`].
#[inline(always)]
pub(super) fn low_digits(x: u64, k: usize) -> u64 {
    let shift = 8 * (8 - k as u32);
    (x << shift) | ((ONES * 0x30) >> (64 - shift))
}

/// Where a number of the common shape ends: at most seven integer digits, at most fifteen
/// fraction digits, no exponent, not within a window of the end of the text. `None`
/// means "not that shape" (which includes every malformed number): the caller then takes
/// the general path, which also reports faults.
#[inline(always)]
pub(super) fn number_shape(b: &[u8], start: usize) -> Option<(usize, usize, usize, u64, u64, u64)> {
    let w: &[u8; WINDOW] = b.get(start..start + WINDOW)?.try_into().ok()?;
    let neg = usize::from(w[0] == b'-');
    let x = word(w, neg);
    let n = (non_digits(x).trailing_zeros() / 8) as usize;
    if n == 0 || n == 8 || (x as u8 == b'0' && n > 1) {
        return None;
    }
    let mut end = neg + n;
    let (mut f, mut y, mut z) = (0usize, 0u64, 0u64);
    if w[end.min(WINDOW - 1)] == b'.' {
        y = word(w, end + 1);
        f = (non_digits(y).trailing_zeros() / 8) as usize;
        if f == 0 {
            return None;
        }
        if f == 8 {
            z = word(w, end + 9);
            let g = (non_digits(z).trailing_zeros() / 8) as usize;
            if g == 8 {
                return None;
            }
            f += g;
        }
        end += 1 + f;
    }
    if w[end.min(WINDOW - 1)] | 0x20 == b'e' {
        return None;
    }
    Some((start + end, n, f, x, y, z))
}

/// [`number_shape`] with the value: exact (one rounding) when the digits fit 2^53.
#[inline(always)]
pub(super) fn number_shape_value(b: &[u8], start: usize) -> Option<(usize, f64)> {
    let (end, n, f, x, y, z) = number_shape(b, start)?;
    if n + f > 19 {
        return None;
    }
    let mut m = eight_digits(low_digits(x, n));
    if f >= 8 {
        m = m * 100_000_000 + eight_digits(y);
        if f > 8 {
            m = m * POW10_U64[f - 8] + eight_digits(low_digits(z, f - 8));
        }
    } else if f > 0 {
        m = m * POW10_U64[f] + eight_digits(low_digits(y, f));
    }
    if m > (1u64 << 53) {
        return None;
    }
    let v = m as f64 / POW10[f];
    Some((end, if b[start] == b'-' { -v } else { v }))
}

/// Eight ASCII digits (first digit in the lowest byte) as their decimal value.
#[inline(always)]
pub(super) fn eight_digits(x: u64) -> u64 {
    let x = x.wrapping_sub(ONES * 0x30);
    let x = (x.wrapping_mul(10) + (x >> 8)) & 0x00FF_00FF_00FF_00FF;
    let x = (x.wrapping_mul(100) + (x >> 16)) & 0x0000_FFFF_0000_FFFF;
    (x.wrapping_mul(10000) + (x >> 32)) & 0xFFFF_FFFF
}

/// A run of digits accumulated into `m` (times ten per digit), eight at a time.
/// Returns the index after the run and the number of digits; `m` may wrap when the run
/// is long, which the caller detects from the digit count.
#[inline(always)]
pub(super) fn digits_value(b: &[u8], mut i: usize, m: &mut u64) -> (usize, usize) {
    let from = i;
    while let Some(x) = load8(b, i) {
        let t = x ^ (ONES * 0x30);
        let non_digit = (t.wrapping_add(ONES * 0x76) | t) & HIGHS;
        if non_digit == 0 {
            *m = m.wrapping_mul(100_000_000).wrapping_add(eight_digits(x));
            i += 8;
            continue;
        }
        let n = (non_digit.trailing_zeros() / 8) as usize;
        if n > 0 {
            // Keep the n digits (low bytes), put them at the top, pad below with '0'.
            let shift = 8 * (8 - n as u32);
            let padded = (x << shift) | ((ONES * 0x30) >> (64 - shift));
            *m = m
                .wrapping_mul(POW10_U64[n])
                .wrapping_add(eight_digits(padded));
        }
        i += n;
        return (i, i - from);
    }
    while let Some(&c) = b.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        *m = m.wrapping_mul(10).wrapping_add((c - b'0') as u64);
        i += 1;
    }
    (i, i - from)
}

pub(super) const POW10_U64: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// A number and its value in one pass. The value is exact when the digits fit 2^53 and
/// the power of ten is one an f64 holds exactly (one rounding, so every correct
/// conversion agrees); anything else is converted by serde_json, so the value is always
/// bit-for-bit the one `Pattern::matches` sees.
///
/// The common shape (one to seven integer digits, an optional fraction, no exponent) is
/// read inline: the integer digits from one 8-byte word, the fraction eight at a time.
#[inline(always)]
pub(super) fn number_value(b: &[u8], start: usize) -> R<(usize, f64)> {
    // A lone digit (a `0` height, a flag, a count) is common enough for its own test.
    if let Some(&[d, next]) = b.get(start..start + 2) {
        if d.is_ascii_digit() && !matches!(next, b'0'..=b'9' | b'.' | b'e' | b'E') {
            return Ok((start + 1, f64::from(d - b'0')));
        }
    }
    if let Some(found) = number_shape_value(b, start) {
        return Ok(found);
    }
    number_value_general(b, start)
}

#[inline(never)]
pub(super) fn number_value_general(b: &[u8], start: usize) -> R<(usize, f64)> {
    let mut i = start;
    let neg = b.get(i) == Some(&b'-');
    if neg {
        i += 1;
    }
    let mut m = 0u64;
    let mut count;
    match b.get(i) {
        Some(b'0') => {
            i += 1;
            count = 1;
        }
        Some(b'1'..=b'9') => {
            let (j, n) = digits_value(b, i, &mut m);
            i = j;
            count = n;
        }
        _ => return expected(i, "a digit"),
    }
    let mut frac = 0usize;
    if b.get(i) == Some(&b'.') {
        let (j, n) = digits_value(b, i + 1, &mut m);
        if n == 0 {
            return expected(j, "a digit after the decimal point");
        }
        i = j;
        frac = n;
        count += n;
    }
    let exact = !matches!(b.get(i), Some(b'e' | b'E')) && count <= 19 && m <= (1u64 << 53);
    if exact && frac <= 22 {
        let v = m as f64 / POW10[frac];
        return Ok((i, if neg { -v } else { v }));
    }
    let end = number(b, start)?;
    match serde_json::from_slice::<f64>(&b[start..end]) {
        Ok(v) => Ok((end, v)),
        Err(_) => fault(start, "number out of range"),
    }
}

/// JSON's number grammar in full, refusing (like `serde_json`) numbers too large for f64.
#[cold]
#[inline(never)]
pub(super) fn number_slow(b: &[u8], start: usize) -> R<usize> {
    let mut i = start;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let int_digits = match b.get(i) {
        Some(b'0') => {
            i += 1;
            1
        }
        Some(b'1'..=b'9') => {
            let j = digits(b, i);
            let n = j - i;
            i = j;
            n
        }
        _ => return expected(i, "a digit"),
    };
    if b.get(i) == Some(&b'.') {
        let j = digits(b, i + 1);
        if j == i + 1 {
            return expected(j, "a digit after the decimal point");
        }
        i = j;
    }
    let mut check_range = int_digits > 300;
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        let j = digits(b, i);
        if j == i {
            return expected(j, "a digit in the exponent");
        }
        i = j;
        check_range = true;
    }
    if check_range && serde_json::from_slice::<f64>(&b[start..i]).is_err() {
        return fault(start, "number out of range");
    }
    Ok(i)
}

/// Powers of ten that are exact in an f64.
pub(super) const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];
