//! Values no rule reads: validated and skipped without recording anything.

use super::fault::{expected, R};
use super::lex::{depth_check, literal, string, ws};
use super::number::number;
#[cfg(target_arch = "x86_64")]
use super::simd::Classifier;
#[cfg(target_arch = "x86_64")]
use super::MAX_DEPTH;

/// Skips (and validates) a value no rule reads; `depth` counts the containers around it.
pub(super) fn skip_value(b: &[u8], i: usize, depth: usize) -> R<usize> {
    match b.get(i) {
        Some(b'"') => string(b, i).map(|r| r.2),
        Some(b'-' | b'0'..=b'9') => number(b, i),
        Some(b'{') => skip_object(b, i, depth + 1),
        Some(b'[') => skip_array(b, i, depth + 1),
        Some(b't') => literal(b, i, b"true"),
        Some(b'f') => literal(b, i, b"false"),
        Some(b'n') => literal(b, i, b"null"),
        _ => expected(i, "a JSON value"),
    }
}

pub(super) fn skip_object(b: &[u8], open: usize, depth: usize) -> R<usize> {
    depth_check(open, depth)?;
    let mut i = ws(b, open + 1);
    if b.get(i) == Some(&b'}') {
        return Ok(i + 1);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return expected(i, "a string key");
        }
        i = ws(b, string(b, i)?.2);
        if b.get(i) != Some(&b':') {
            return expected(i, "':' after an object key");
        }
        i = ws(b, i + 1);
        i = ws(b, skip_value(b, i, depth)?);
        match b.get(i) {
            Some(b',') => i = ws(b, i + 1),
            Some(b'}') => return Ok(i + 1),
            _ => return expected(i, "',' or '}' in an object"),
        }
    }
}

/// Skips an array, iteratively for nested arrays (coordinate lists are arrays of arrays
/// of numbers), recursing only for objects. After a value the common separators (`,`,
/// `, `, `]`) are taken without a general whitespace scan, and a run of numbers stays in
/// the inner loop.
pub(super) fn skip_array(b: &[u8], open: usize, depth: usize) -> R<usize> {
    depth_check(open, depth)?;
    #[cfg(target_arch = "x86_64")]
    if matches!(b.get(open + 1), Some(b'[' | b'-' | b'0'..=b'9')) {
        if let Some(end) = number_array_fast(b, open, depth) {
            return Ok(end);
        }
    }
    let mut d = depth;
    let mut i = ws(b, open + 1);
    if b.get(i) == Some(&b']') {
        return Ok(i + 1);
    }
    'value: loop {
        // At an element.
        i = ws(b, i);
        match b.get(i) {
            Some(b'-' | b'0'..=b'9') => i = number(b, i)?,
            Some(b'[') => {
                d += 1;
                depth_check(i, d)?;
                i = ws(b, i + 1);
                if b.get(i) != Some(&b']') {
                    continue 'value;
                }
                // An empty array: an element of the enclosing one.
                i += 1;
                d -= 1;
            }
            _ => i = skip_value(b, i, d)?,
        }
        // After an element.
        loop {
            match b.get(i) {
                Some(b',') => {
                    i += 1;
                    if b.get(i) == Some(&b' ') {
                        i += 1;
                    }
                    match b.get(i) {
                        Some(b'-' | b'0'..=b'9') => i = number(b, i)?,
                        _ => continue 'value,
                    }
                }
                Some(b']') => {
                    i += 1;
                    if d == depth {
                        return Ok(i);
                    }
                    d -= 1;
                }
                Some(b' ' | b'\n' | b'\r' | b'\t') => i = ws(b, i),
                _ => return expected(i, "',' or ']' in an array"),
            }
        }
    }
}

/// Validates an array of numbers and arrays of numbers (coordinates, series: the bulk of
/// many events' bytes) 64 bytes at a time, with bitmasks instead of a parse per number.
/// Only the compact shapes are taken (`,` or `, ` between elements, no exponent, nothing
/// but numbers and arrays): every byte's class must be one its predecessor's class allows,
/// which with the leading-zero and one-point-per-number checks is exactly JSON's grammar
/// for them. `None` means "not shown valid here" (another shape, or a fault): the caller
/// then parses the array in full, which also reports the fault where it lies.
#[cfg(target_arch = "x86_64")]
pub(super) fn number_array_fast(b: &[u8], open: usize, depth: usize) -> Option<usize> {
    // Nesting relative to the enclosing containers: the array itself is level 1.
    let (mut level, mut deepest) = (1usize, 1usize);
    let mut i = open + 1;
    // The previous byte's classes (bit 0), as if it were `[`; the leading-zero flag and
    // the carry of the fraction-run sum likewise.
    let (mut cd, mut cp, mut cc, mut cs, mut cl, mut cr) = (0, 0, 0, 0, 1u64, 0);
    let (mut cz, mut carry) = (0u64, false);
    let mut tail = [0u8; 64];
    let classifier = Classifier::detect();
    loop {
        let block: &[u8; 64] = match b.get(i..i + 64) {
            Some(s) => s.try_into().ok()?,
            None => {
                // The text's end: pad with a byte no class has.
                let rest = b.get(i..)?;
                tail[..rest.len()].copy_from_slice(rest);
                tail[rest.len()..].fill(0);
                &tail
            }
        };
        let [d, zero, p, m, c, s, l, r] = classifier.classes(block);
        // A run of digits as long as a block may be too large for an f64: parsed in full.
        if d == !0 {
            return None;
        }
        let other = !(d | p | m | c | s | l | r);
        let stop = other.trailing_zeros();
        let mut valid = if stop == 64 { !0 } else { (1u64 << stop) - 1 };
        // Where the array closes, if it does within the valid prefix (brackets taken
        // one by one: a few per block; `count_ones` would be a software popcount on the
        // x86_64 baseline).
        let mut brackets = (l | r) & valid;
        let mut closed = None;
        while brackets != 0 {
            let k = brackets.trailing_zeros();
            level = level + 2 * (l >> k & 1) as usize - 1;
            if level == 0 {
                closed = Some(k);
                valid = if k == 63 { !0 } else { (1u64 << (k + 1)) - 1 };
                break;
            }
            deepest = deepest.max(level);
            brackets &= brackets - 1;
        }
        if closed.is_none() && stop < 64 || depth - 1 + deepest > MAX_DEPTH {
            return None;
        }
        let (pd, pp) = (d << 1 | cd, p << 1 | cp);
        let (pc, ps, pl, pr) = (c << 1 | cc, s << 1 | cs, l << 1 | cl, r << 1 | cr);
        let mut bad = (d & pr)
            | (p & !pd)
            | (m & !(pc | ps | pl))
            | (c & !(pd | pr))
            | (s & !pc)
            | (l & !(pl | pc | ps))
            | (r & !(pd | pr | pl));
        // A number's first digit `0` must not be followed by a digit.
        let z = zero & !(pd | pp);
        bad |= d & (z << 1 | cz);
        // The digits after a point end at a byte that is not another point.
        let (sum, over) = (p << 1 | cp).overflowing_add(d);
        let (sum, over2) = sum.overflowing_add(u64::from(carry));
        bad |= sum & !d & p;
        if bad & valid != 0 {
            return None;
        }
        if let Some(k) = closed {
            return Some(i + k as usize + 1);
        }
        (cd, cp, cc) = (d >> 63, p >> 63, c >> 63);
        (cs, cl, cr, cz) = (s >> 63, l >> 63, r >> 63, z >> 63);
        carry = over | over2;
        i += 64;
    }
}
