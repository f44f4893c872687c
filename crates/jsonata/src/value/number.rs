//! Numbers printed as JavaScript prints them: every number that reaches a string (values'
//! JSON text, `$string`, messages, the parser's token text) goes through here.

use crate::error::{FnError, FnResult};

/// Shortest round-trip digits and decimal exponent of a finite, positive `x`:
/// `x = 0.d1d2d3... * 10^point`.
pub(crate) fn shortest_digits(x: f64) -> (Vec<u8>, i32) {
    // Rust's `{:e}` prints the shortest digit string that reads back to the same f64,
    // which is exactly the digit string ECMAScript's Number::toString requires.
    let s = format!("{:e}", x);
    let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    (digits, exp + 1)
}

/// JavaScript's `Number.prototype.toString()` (radix 10).
///
/// JSONata prints numbers the way JavaScript does (`1e+21`, `1e-7`, `0.000001`), so every
/// number that reaches a string must go through this.
pub fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n == 0.0 {
        return "0".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let mut out = String::new();
    if n < 0.0 {
        out.push('-');
    }
    let (digits, point) = shortest_digits(n.abs());
    let k = digits.len() as i32;
    let ds = |r: std::ops::Range<usize>| -> String {
        digits[r].iter().map(|&b| b as char).collect::<String>()
    };
    if k <= point && point <= 21 {
        out.push_str(&ds(0..digits.len()));
        out.extend(std::iter::repeat_n('0', (point - k) as usize));
    } else if 0 < point && point <= 21 {
        out.push_str(&ds(0..point as usize));
        out.push('.');
        out.push_str(&ds(point as usize..digits.len()));
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&ds(0..digits.len()));
    } else {
        let e = point - 1;
        out.push(digits[0] as char);
        if k > 1 {
            out.push('.');
            out.push_str(&ds(1..digits.len()));
        }
        out.push('e');
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(&e.abs().to_string());
    }
    out
}

/// Rounds the decimal digit string `digits` (no point) to `keep` digits, half away from zero,
/// which is what JavaScript's toFixed/toPrecision do on exact ties ("pick the larger n").
/// Returns the rounded digits and whether a carry added a leading digit.
pub(crate) fn round_digits_half_up(digits: &[u8], keep: usize) -> (Vec<u8>, bool) {
    let mut kept: Vec<u8> = digits.iter().take(keep).copied().collect();
    while kept.len() < keep {
        kept.push(b'0');
    }
    let round_up = digits.get(keep).is_some_and(|&d| d >= b'5');
    if !round_up {
        return (kept, false);
    }
    let mut i = kept.len();
    while i > 0 {
        i -= 1;
        if kept[i] == b'9' {
            kept[i] = b'0';
        } else {
            kept[i] += 1;
            return (kept, false);
        }
    }
    kept.insert(0, b'1');
    (kept, true)
}

/// Decimal digits of finite positive `x` with `frac` digits after the point, and the length
/// of the integer part. Rust rounds these from the exact binary value.
pub(crate) fn exact_fixed(x: f64, frac: usize) -> (Vec<u8>, usize) {
    let s = format!("{:.*}", frac, x);
    let (int, fr) = s.split_once('.').unwrap_or((s.as_str(), ""));
    let mut digits: Vec<u8> = int.bytes().collect();
    digits.extend(fr.bytes());
    (digits, int.len())
}

/// `x` (finite, positive) rounded half-up at `dp` fractional digits, as digits and the
/// length of the integer part. One extra digit decides the rounding unless it reads 5,
/// where only the (slower) long expansion can tell a true tie from a near one.
pub(crate) fn fixed_half_up(x: f64, dp: usize) -> (Vec<u8>, usize) {
    let (digits, int_len) = exact_fixed(x, dp + 1);
    let (digits, int_len) = if digits.last() == Some(&b'5') {
        // 1100 fractional digits cover the whole expansion of any f64 below 1e21.
        exact_fixed(x, (dp + 30).min(1100))
    } else {
        (digits, int_len)
    };
    let (rounded, carried) = round_digits_half_up(&digits, int_len + dp);
    (rounded, int_len + usize::from(carried))
}

/// JavaScript's `Number.prototype.toFixed(dp)`.
pub fn to_fixed(x: f64, dp: usize) -> String {
    if !x.is_finite() || x.abs() >= 1e21 {
        return number_to_string(x);
    }
    let dp = dp.min(100);
    let neg = x < 0.0;
    let ax = x.abs();
    // 1100 fractional digits cover the full expansion of any f64 below 1e21.
    let (rounded, int_len) = fixed_half_up(ax, dp);
    let mut s = String::new();
    // (-0.001).toFixed(2) is "-0.00" in JavaScript: the sign survives rounding to zero.
    if neg {
        s.push('-');
    }
    let int_part: String = rounded[..int_len].iter().map(|&b| b as char).collect();
    let int_part = int_part.trim_start_matches('0');
    s.push_str(if int_part.is_empty() { "0" } else { int_part });
    if dp > 0 {
        s.push('.');
        s.extend(rounded[int_len..].iter().map(|&b| b as char));
    }
    s
}

/// JavaScript's `Number(x.toPrecision(p))`: `x` rounded to `p` significant digits.
pub fn to_precision(x: f64, p: usize) -> f64 {
    if !x.is_finite() || x == 0.0 || p == 0 {
        return x;
    }
    let p = p.min(100);
    let ax = x.abs();
    // Most numbers print in fewer digits than asked for: nothing to round.
    let (short, _) = shortest_digits(ax);
    if short.len() <= p {
        return x;
    }
    let sci = |digits: usize| {
        let s = format!("{:.*e}", digits, ax);
        let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
        (digits, exp)
    };
    // One extra digit decides the rounding unless it reads 5 (possible tie).
    let (mut digits, mut exp) = sci(p);
    if digits.last() == Some(&b'5') {
        (digits, exp) = sci(p + 40);
    }
    let (rounded, carried) = round_digits_half_up(&digits, p);
    let exp = exp + i32::from(carried);
    let text: String = rounded.iter().map(|&b| b as char).collect();
    let v: f64 = format!("0.{}e{}", text, exp + 1).parse().unwrap_or(ax);
    if x < 0.0 {
        -v
    } else {
        v
    }
}

/// `Number(x.toPrecision(15))`: how jsonata-js's `$string` (and JSON serialisation inside
/// `$string`) tames floating-point noise such as `0.1 + 0.2`.
pub fn round_precision15(x: f64) -> f64 {
    to_precision(x, 15)
}

/// `$string` of a number, and the number-to-string step of `&`.
///
/// Errors with D3001 for infinities and NaN, which JSON cannot carry.
pub fn string_of_number(n: f64) -> FnResult<String> {
    if !n.is_finite() {
        return Err(FnError::new(
            "D3001",
            "Attempting to invoke string function on Infinity or NaN",
        ));
    }
    Ok(number_to_string(round_precision15(n)))
}
