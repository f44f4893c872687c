//! `$formatNumber` (the XPath `format-number` picture language), `$formatBase`, `$round` and
//! `$number` parsing, as jsonata-js does them.

use crate::error::{FnError, FnResult};
use crate::value::number::*;

/// JavaScript's `Math.round`: nearest integer, ties toward +infinity.
pub(crate) fn js_math_round(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let f = x.floor();
    if x - f >= 0.5 {
        f + 1.0
    } else {
        f
    }
}

/// Shifts the decimal point of `x` by `places` through its string form, as jsonata-js does
/// to avoid the binary noise of multiplying by powers of ten.
pub(crate) fn shift_decimal(x: f64, places: i32) -> f64 {
    let s = number_to_string(x);
    let (mant, exp) = match s.split_once('e') {
        Some((m, e)) => (m.to_string(), e.parse::<i32>().unwrap_or(0)),
        None => (s.clone(), 0),
    };
    format!("{}e{}", mant, exp + places).parse().unwrap_or(x)
}

/// `$round(x, precision)`: round half to even at `precision` decimal places
/// (negative precision rounds to tens, hundreds...). Never returns -0.
pub fn round_half_even(x: f64, precision: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let arg = if precision != 0 {
        shift_decimal(x, precision)
    } else {
        x
    };
    let mut result = js_math_round(arg);
    let diff = result - arg;
    if diff.abs() == 0.5 && (result % 2.0).abs() == 1.0 {
        result -= 1.0;
    }
    if precision != 0 {
        result = shift_decimal(result, -precision);
    }
    if result == 0.0 {
        0.0
    } else {
        result
    }
}

/// `$number` of a string: JSON number syntax (leading zeros allowed, as jsonata-js 2.0 does)
/// plus the 0x / 0o / 0b integer prefixes. `None` means the D3030 error.
pub fn parse_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    // 0x.., 0o.., 0b.. (case-insensitive prefix, no sign)
    if b.len() > 2 && b[0] == b'0' {
        let radix = match b[1] {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => 0,
        };
        if radix != 0 {
            let mut v = 0f64;
            for &c in &b[2..] {
                let d = (c as char).to_digit(radix)?;
                v = v * radix as f64 + d as f64;
            }
            return Some(v);
        }
    }
    // -?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == start {
        return None;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let fs = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == fs {
            return None;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let es = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == es {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    let v: f64 = s.parse().ok()?;
    v.is_finite().then_some(v)
}

/// `$formatBase(value, radix)`: integer in base 2..36 (D3100 otherwise), after rounding
/// both arguments half-to-even like jsonata-js.
pub fn format_base(value: f64, radix: Option<f64>) -> FnResult<String> {
    let value = round_half_even(value, 0);
    let radix = radix.map_or(10.0, |r| round_half_even(r, 0));
    if !(2.0..=36.0).contains(&radix) {
        return Err(FnError::new(
            "D3100",
            format!(
                "The radix of the formatBase function must be between 2 and 36.  It was given {}",
                number_to_string(radix)
            ),
        ));
    }
    let radix = radix as u32;
    if radix == 10 || !value.is_finite() {
        return Ok(number_to_string(value));
    }
    let neg = value < 0.0;
    let digits = integer_digits(value.abs(), radix);
    Ok(if neg && digits != "0" {
        format!("-{}", digits)
    } else {
        digits
    })
}

/// Digits of the non-negative integral `x` in `radix`, exact for every f64.
pub(crate) fn integer_digits(x: f64, radix: u32) -> String {
    if x < 1.0 {
        return "0".into();
    }
    // x = mantissa * 2^exp exactly; build it as little-endian u32 limbs.
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1075;
    let mantissa = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let mut limbs: Vec<u32> = vec![mantissa as u32, (mantissa >> 32) as u32];
    if exp >= 0 {
        let words = (exp / 32) as usize;
        let shift = (exp % 32) as u32;
        let mut shifted = vec![0u32; words];
        let mut carry = 0u32;
        for &l in &limbs {
            let v = ((l as u64) << shift) | carry as u64;
            shifted.push(v as u32);
            carry = (v >> 32) as u32;
        }
        shifted.push(carry);
        limbs = shifted;
    } else {
        // x is integral, so shifting right loses nothing.
        let m = mantissa >> ((-exp) as u32).min(63);
        limbs = vec![m as u32, (m >> 32) as u32];
    }
    let mut out = Vec::new();
    while limbs.iter().any(|&l| l != 0) {
        let mut rem = 0u64;
        for l in limbs.iter_mut().rev() {
            let cur = (rem << 32) | *l as u64;
            *l = (cur / radix as u64) as u32;
            rem = cur % radix as u64;
        }
        out.push(std::char::from_digit(rem as u32, radix).unwrap_or('0'));
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
    }
    out.iter().rev().collect()
}

// ---------------------------------------------------------------------------------------------
// $formatNumber
// ---------------------------------------------------------------------------------------------

/// Index of `needle` in `hay` at or after `from` (JS `indexOf` on strings, in chars).
pub(crate) fn index_of(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    let from = from.min(hay.len());
    if needle.is_empty() {
        return Some(from);
    }
    if needle.len() > hay.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == *needle)
}

pub(crate) fn last_index_of(hay: &[char], needle: &[char]) -> Option<usize> {
    if needle.is_empty() {
        return Some(hay.len());
    }
    if needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()] == *needle)
}

/// JS `substring(a, b)`: clamps both ends and swaps them if reversed.
pub(crate) fn js_sub(v: &[char], a: isize, b: isize) -> Vec<char> {
    let len = v.len() as isize;
    let a = a.clamp(0, len) as usize;
    let b = b.clamp(0, len) as usize;
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    v[a..b].to_vec()
}

/// JS `slice(a, b)`: negative indexes count from the end.
pub(crate) fn js_slice(v: &[char], a: isize, b: Option<isize>) -> Vec<char> {
    let len = v.len() as isize;
    let norm = |i: isize| {
        if i < 0 {
            (len + i).max(0)
        } else {
            i.min(len)
        }
    };
    let a = norm(a);
    let b = b.map_or(len, norm);
    if a >= b {
        Vec::new()
    } else {
        v[a as usize..b as usize].to_vec()
    }
}

pub(crate) fn insert_at(v: &[char], pos: isize, what: &[char]) -> Vec<char> {
    let mut out = js_slice(v, 0, Some(pos));
    out.extend_from_slice(what);
    out.extend(js_slice(v, pos, None));
    out
}

/// `charAt(i) === prop` where prop is a (possibly multi-char) string.
pub(crate) fn char_is(v: &[char], i: isize, prop: &[char]) -> bool {
    if i < 0 || i as usize >= v.len() {
        return prop.is_empty();
    }
    prop.len() == 1 && v[i as usize] == prop[0]
}

pub(crate) struct Symbols {
    pub(crate) decimal: Vec<char>,
    pub(crate) grouping: Vec<char>,
    pub(crate) exponent: Vec<char>,
    pub(crate) infinity: String,
    pub(crate) minus: Vec<char>,
    pub(crate) nan: String,
    pub(crate) percent: Vec<char>,
    pub(crate) per_mille: Vec<char>,
    pub(crate) zero: Vec<char>,
    pub(crate) digit: Vec<char>,
    pub(crate) pattern: Vec<char>,
    pub(crate) family: Vec<char>,
}

impl Symbols {
    pub(crate) fn new(options: &[(String, String)]) -> Self {
        let c = |s: &str| s.chars().collect::<Vec<char>>();
        let mut s = Symbols {
            decimal: c("."),
            grouping: c(","),
            exponent: c("e"),
            infinity: "Infinity".into(),
            minus: c("-"),
            nan: "NaN".into(),
            percent: c("%"),
            per_mille: c("\u{2030}"),
            zero: c("0"),
            digit: c("#"),
            pattern: c(";"),
            family: Vec::new(),
        };
        for (k, v) in options {
            match k.as_str() {
                "decimal-separator" => s.decimal = c(v),
                "grouping-separator" => s.grouping = c(v),
                "exponent-separator" => s.exponent = c(v),
                "infinity" => s.infinity = v.clone(),
                "minus-sign" => s.minus = c(v),
                "NaN" => s.nan = v.clone(),
                "percent" => s.percent = c(v),
                "per-mille" => s.per_mille = c(v),
                "zero-digit" => s.zero = c(v),
                "digit" => s.digit = c(v),
                "pattern-separator" => s.pattern = c(v),
                _ => {}
            }
        }
        // charCodeAt(0): a UTF-16 unit; astral zero digits are not supported by jsonata-js either.
        let zero = s.zero.first().map_or(0x30, |&ch| {
            let mut buf = [0u16; 2];
            ch.encode_utf16(&mut buf)[0] as u32
        });
        s.family = (zero..zero + 10).filter_map(char::from_u32).collect();
        s
    }

    pub(crate) fn in_family(&self, ch: char) -> bool {
        self.family.contains(&ch)
    }

    pub(crate) fn is_active(&self, ch: char) -> bool {
        self.in_family(ch)
            || [
                &self.decimal,
                &self.exponent,
                &self.grouping,
                &self.digit,
                &self.pattern,
            ]
            .iter()
            .any(|p| p.len() == 1 && p[0] == ch)
    }

    pub(crate) fn is_exponent(&self, ch: char) -> bool {
        self.exponent.len() == 1 && self.exponent[0] == ch
    }

    pub(crate) fn is_digit_sign(&self, ch: char) -> bool {
        self.digit.len() == 1 && self.digit[0] == ch
    }
}

#[derive(Clone)]
pub(crate) struct PictureParts {
    pub(crate) prefix: Vec<char>,
    pub(crate) suffix: Vec<char>,
    pub(crate) active: Vec<char>,
    pub(crate) mantissa: Vec<char>,
    pub(crate) exponent: Option<Vec<char>>,
    pub(crate) integer: Vec<char>,
    pub(crate) fractional: Vec<char>,
    pub(crate) picture: Vec<char>,
}

pub(crate) fn split_parts(sub: &[char], sym: &Symbols) -> FnResult<PictureParts> {
    let first = sub
        .iter()
        .position(|&ch| sym.is_active(ch) && !sym.is_exponent(ch));
    let last = sub
        .iter()
        .rposition(|&ch| sym.is_active(ch) && !sym.is_exponent(ch));
    let (Some(first), Some(last)) = (first, last) else {
        return Err(FnError::new(
            "D3086",
            "The picture string must contain at least one active character",
        ));
    };
    let prefix = sub[..first].to_vec();
    let suffix = sub[last + 1..].to_vec();
    let active = sub[first..=last].to_vec();
    let exp_pos = index_of(sub, &sym.exponent, prefix.len());
    let (mantissa, exponent) = match exp_pos {
        Some(p) if p <= sub.len() - suffix.len() => {
            // jsonata-js indexes the active part with a position found in the whole
            // sub-picture; keep that so prefixes behave as they do there.
            (
                js_sub(&active, 0, p as isize),
                Some(js_sub(&active, p as isize + 1, active.len() as isize)),
            )
        }
        _ => (active.clone(), None),
    };
    let (integer, fractional) = match index_of(&mantissa, &sym.decimal, 0) {
        None => (mantissa.clone(), suffix.clone()),
        Some(d) => (
            mantissa[..d].to_vec(),
            js_sub(
                &mantissa,
                (d + sym.decimal.len().max(1)) as isize,
                mantissa.len() as isize,
            ),
        ),
    };
    Ok(PictureParts {
        prefix,
        suffix,
        active,
        mantissa,
        exponent,
        integer,
        fractional,
        picture: sub.to_vec(),
    })
}

/// XPath F&O 4.7.3 checks; like jsonata-js, the last failing rule decides the code.
pub(crate) fn validate(p: &PictureParts, sym: &Symbols) -> FnResult<()> {
    let sub = &p.picture;
    let mut error: Option<&'static str> = None;
    let decimal_pos = index_of(sub, &sym.decimal, 0);
    if decimal_pos != last_index_of(sub, &sym.decimal) {
        error = Some("D3081");
    }
    if index_of(sub, &sym.percent, 0) != last_index_of(sub, &sym.percent) {
        error = Some("D3082");
    }
    if index_of(sub, &sym.per_mille, 0) != last_index_of(sub, &sym.per_mille) {
        error = Some("D3083");
    }
    if index_of(sub, &sym.percent, 0).is_some() && index_of(sub, &sym.per_mille, 0).is_some() {
        error = Some("D3084");
    }
    if !p
        .mantissa
        .iter()
        .any(|&c| sym.in_family(c) || sym.is_digit_sign(c))
    {
        error = Some("D3085");
    }
    if p.active.iter().any(|&c| !sym.is_active(c)) {
        error = Some("D3086");
    }
    match decimal_pos {
        Some(d) => {
            if char_is(sub, d as isize - 1, &sym.grouping)
                || char_is(sub, d as isize + 1, &sym.grouping)
            {
                error = Some("D3087");
            }
        }
        None => {
            if !p.integer.is_empty()
                && char_is(&p.integer, p.integer.len() as isize - 1, &sym.grouping)
            {
                error = Some("D3088");
            }
        }
    }
    let mut double = sym.grouping.clone();
    double.extend_from_slice(&sym.grouping);
    if index_of(sub, &double, 0).is_some() {
        error = Some("D3089");
    }
    if let Some(opt) = index_of(&p.integer, &sym.digit, 0) {
        if p.integer[..opt].iter().any(|&c| sym.in_family(c)) {
            error = Some("D3090");
        }
    }
    if let Some(opt) = last_index_of(&p.fractional, &sym.digit) {
        if p.fractional[opt.min(p.fractional.len())..]
            .iter()
            .any(|&c| sym.in_family(c))
        {
            error = Some("D3091");
        }
    }
    if let Some(exp) = &p.exponent {
        if !exp.is_empty()
            && (index_of(sub, &sym.percent, 0).is_some()
                || index_of(sub, &sym.per_mille, 0).is_some())
        {
            error = Some("D3092");
        }
        if exp.is_empty() || exp.iter().any(|&c| !sym.in_family(c)) {
            error = Some("D3093");
        }
    }
    match error {
        None => Ok(()),
        Some(code) => Err(FnError::new(code, picture_error_message(code))),
    }
}

pub(crate) fn picture_error_message(code: &str) -> &'static str {
    match code {
        "D3081" => "A sub-picture must not contain more than one instance of the 'decimal-separator' character",
        "D3082" => "A sub-picture must not contain more than one instance of the 'percent' character",
        "D3083" => "A sub-picture must not contain more than one instance of the 'per-mille' character",
        "D3084" => "A sub-picture must not contain both a 'percent' and a 'per-mille' character",
        "D3085" => "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'",
        "D3086" => "A sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character",
        "D3087" => "A sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character",
        "D3088" => "A sub-picture must not contain a 'grouping-separator' at the end of the integer part",
        "D3089" => "A sub-picture must not contain two adjacent instances of the 'grouping-separator' character",
        "D3090" => "The integer part of a sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'",
        "D3091" => "The fractional part of a sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'",
        "D3092" => "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'",
        _ => "The exponent part of a sub-picture must contain only decimal digit characters",
    }
}

#[derive(Clone)]
pub(crate) struct Analysed {
    pub(crate) integer_grouping: Vec<usize>,
    pub(crate) regular_grouping: usize,
    pub(crate) min_integer: usize,
    pub(crate) scaling_factor: usize,
    pub(crate) prefix: Vec<char>,
    pub(crate) fractional_grouping: Vec<usize>,
    pub(crate) min_fraction: usize,
    pub(crate) max_fraction: usize,
    pub(crate) min_exponent: usize,
    pub(crate) suffix: Vec<char>,
    pub(crate) picture: Vec<char>,
}

pub(crate) fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The repeat interval when grouping separators are evenly spaced, else 0.
pub(crate) fn regular_interval(positions: &[usize]) -> usize {
    if positions.is_empty() {
        return 0;
    }
    let factor = positions.iter().copied().reduce(gcd).unwrap_or(0);
    if factor == 0 {
        return 0;
    }
    for i in 1..=positions.len() {
        if !positions.contains(&(i * factor)) {
            return 0;
        }
    }
    factor
}

pub(crate) fn analyse(p: &PictureParts, sym: &Symbols) -> Analysed {
    let counts = |v: &[char]| {
        v.iter()
            .filter(|&&c| sym.in_family(c) || sym.is_digit_sign(c))
            .count()
    };
    let grouping_positions = |part: &[char], to_left: bool| -> Vec<usize> {
        let mut positions = Vec::new();
        if sym.grouping.is_empty() {
            return positions;
        }
        let mut pos = index_of(part, &sym.grouping, 0);
        while let Some(g) = pos {
            // g may come from the integer part (see below); clamp like JS substring does
            let g = g.min(part.len());
            let n = if to_left {
                counts(&part[..g])
            } else {
                counts(&part[g..])
            };
            positions.push(n);
            // jsonata-js continues the search in the integer part, whichever part it started in.
            pos = index_of(&p.integer, &sym.grouping, g + 1);
            if positions.len() > p.integer.len() + part.len() {
                break;
            }
        }
        positions
    };
    let integer_grouping = grouping_positions(&p.integer, false);
    let regular_grouping = regular_interval(&integer_grouping);
    let fractional_grouping = grouping_positions(&p.fractional, true);
    let mut min_integer = p.integer.iter().filter(|&&c| sym.in_family(c)).count();
    let scaling_factor = min_integer;
    let mut min_fraction = p.fractional.iter().filter(|&&c| sym.in_family(c)).count();
    let mut max_fraction = counts(&p.fractional);
    let exponent_present = p.exponent.is_some();
    if min_integer == 0 && max_fraction == 0 {
        if exponent_present {
            min_fraction = 1;
            max_fraction = 1;
        } else {
            min_integer = 1;
        }
    }
    if exponent_present && min_integer == 0 && index_of(&p.integer, &sym.digit, 0).is_some() {
        min_integer = 1;
    }
    if min_integer == 0 && min_fraction == 0 {
        min_fraction = 1;
    }
    let min_exponent = p
        .exponent
        .as_ref()
        .map_or(0, |e| e.iter().filter(|&&c| sym.in_family(c)).count());
    Analysed {
        integer_grouping,
        regular_grouping,
        min_integer,
        scaling_factor,
        prefix: p.prefix.clone(),
        fractional_grouping,
        min_fraction,
        max_fraction,
        min_exponent,
        suffix: p.suffix.clone(),
        picture: p.picture.clone(),
    }
}

pub(crate) fn split_on(v: &[char], sep: &[char]) -> Vec<Vec<char>> {
    if sep.is_empty() {
        return v.iter().map(|&c| vec![c]).collect();
    }
    let mut out = Vec::new();
    let mut start = 0;
    while let Some(p) = index_of(v, sep, start) {
        out.push(v[start..p].to_vec());
        start = p + sep.len();
    }
    out.push(v[start..].to_vec());
    out
}

/// `$formatNumber(value, picture, options)`: XPath F&O 3.1 `format-number` as jsonata-js
/// implements it. `options` are the entries of the optional third argument (property name,
/// string value) overriding the decimal-format symbols.
pub fn format_number(value: f64, picture: &str, options: &[(String, String)]) -> FnResult<String> {
    let sym = Symbols::new(options);
    let pic: Vec<char> = picture.chars().collect();
    let subs = split_on(&pic, &sym.pattern);
    if subs.len() > 2 {
        return Err(FnError::new(
            "D3080",
            "The picture string must not contain more than one instance of the 'pattern-separator' character",
        ));
    }
    let parts = subs
        .iter()
        .map(|s| split_parts(s, &sym))
        .collect::<FnResult<Vec<_>>>()?;
    for p in &parts {
        validate(p, &sym)?;
    }
    let mut vars: Vec<Analysed> = parts.iter().map(|p| analyse(p, &sym)).collect();
    if vars.len() == 1 {
        let mut neg = vars[0].clone();
        let mut prefix = sym.minus.clone();
        prefix.extend_from_slice(&neg.prefix);
        neg.prefix = prefix;
        vars.push(neg);
    }
    if value.is_nan() {
        return Ok(sym.nan.clone());
    }
    let pic = if value >= 0.0 { &vars[0] } else { &vars[1] };
    if value.is_infinite() {
        let mut out: String = pic.prefix.iter().collect();
        out.push_str(&sym.infinity);
        out.extend(pic.suffix.iter());
        return Ok(out);
    }
    let adjusted = if index_of(&pic.picture, &sym.percent, 0).is_some() {
        value * 100.0
    } else if index_of(&pic.picture, &sym.per_mille, 0).is_some() {
        value * 1000.0
    } else {
        value
    };
    let (mantissa, exponent) = if pic.min_exponent == 0 {
        (adjusted, None)
    } else {
        let max_m = 10f64.powi(pic.scaling_factor as i32);
        let min_m = 10f64.powi(pic.scaling_factor as i32 - 1);
        let mut m = adjusted.abs();
        let mut e = 0i32;
        if m != 0.0 && m.is_finite() {
            while m < min_m {
                m *= 10.0;
                e -= 1;
            }
            while m > max_m {
                m /= 10.0;
                e += 1;
            }
        }
        (m, Some(e))
    };
    let rounded = round_half_even(mantissa, pic.max_fraction as i32);
    let make_string = |v: f64, dp: usize| -> Vec<char> {
        to_fixed(v.abs(), dp)
            .chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    sym.family
                        .get((c as u8 - b'0') as usize)
                        .copied()
                        .unwrap_or(c)
                } else {
                    c
                }
            })
            .collect()
    };
    let mut s = make_string(rounded, pic.max_fraction);
    match s.iter().position(|&c| c == '.') {
        None => s.extend_from_slice(&sym.decimal),
        Some(p) => {
            let mut t = s[..p].to_vec();
            t.extend_from_slice(&sym.decimal);
            t.extend_from_slice(&s[p + 1..]);
            s = t;
        }
    }
    if sym.zero.len() == 1 {
        let z = sym.zero[0];
        let start = s.iter().position(|&c| c != z).unwrap_or(s.len());
        s.drain(..start);
        let end = s.iter().rposition(|&c| c != z).map_or(0, |p| p + 1);
        s.truncate(end);
    }
    let zero_str: Vec<char> = sym.zero.clone();
    let repeat = |n: isize| -> Vec<char> {
        let mut v = Vec::new();
        for _ in 0..n.max(0) {
            v.extend_from_slice(&zero_str);
        }
        v
    };
    let dpos = index_of(&s, &sym.decimal, 0).map_or(-1, |p| p as isize);
    let pad_left = pic.min_integer as isize - dpos;
    let pad_right = pic.min_fraction as isize - (s.len() as isize - dpos - 1);
    let mut t = repeat(pad_left);
    t.extend_from_slice(&s);
    t.extend(repeat(pad_right));
    s = t;
    let mut dpos = index_of(&s, &sym.decimal, 0).map_or(-1, |p| p as isize);
    if pic.regular_grouping > 0 {
        let reg = pic.regular_grouping as isize;
        let count = if dpos >= 1 { (dpos - 1) / reg } else { 0 };
        for g in 1..=count {
            s = insert_at(&s, dpos - g * reg, &sym.grouping);
        }
    } else {
        for &pos in &pic.integer_grouping {
            s = insert_at(&s, dpos - pos as isize, &sym.grouping);
            dpos += 1;
        }
    }
    let dpos = index_of(&s, &sym.decimal, 0).map_or(-1, |p| p as isize);
    for &pos in &pic.fractional_grouping {
        s = insert_at(&s, pos as isize + dpos + 1, &sym.grouping);
    }
    let dpos = index_of(&s, &sym.decimal, 0).map_or(-1, |p| p as isize);
    if index_of(&pic.picture, &sym.decimal, 0).is_none() || dpos == s.len() as isize - 1 {
        s.pop();
    }
    if let Some(e) = exponent {
        let mut es = make_string(e as f64, 0);
        let pad = pic.min_exponent as isize - es.len() as isize;
        if pad > 0 {
            let mut t = repeat(pad);
            t.extend_from_slice(&es);
            es = t;
        }
        s.extend_from_slice(&sym.exponent);
        if e < 0 {
            s.extend_from_slice(&sym.minus);
        }
        s.extend_from_slice(&es);
    }
    let mut out: String = pic.prefix.iter().collect();
    out.extend(s.iter());
    out.extend(pic.suffix.iter());
    Ok(out)
}
