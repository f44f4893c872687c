//! XPath `format-integer` pictures: decimal digit patterns with grouping, letters, roman
//! numerals and English words, as jsonata-js implements `$formatInteger` / `$parseInteger`
//! (also the integer components of date/time pictures).

use crate::error::{FnError, FnResult};

use super::format::regular_interval;
use crate::value::number::number_to_string;

pub(crate) const FEW: [&str; 20] = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
];
pub(crate) const ORDINALS: [&str; 20] = [
    "Zeroth",
    "First",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Seventh",
    "Eighth",
    "Ninth",
    "Tenth",
    "Eleventh",
    "Twelfth",
    "Thirteenth",
    "Fourteenth",
    "Fifteenth",
    "Sixteenth",
    "Seventeenth",
    "Eighteenth",
    "Nineteenth",
];
pub(crate) const DECADES: [&str; 9] = [
    "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred",
];
pub(crate) const MAGNITUDES: [&str; 4] = ["Thousand", "Million", "Billion", "Trillion"];

/// English words for a non-negative integer, in jsonata-js's Title Case with "and".
pub(crate) fn number_to_words(value: f64, ordinal: bool) -> String {
    pub(crate) fn lookup(num: f64, prev: bool, ord: bool, depth: usize) -> String {
        if depth > 64 || !num.is_finite() {
            return String::new();
        }
        let num = num.floor();
        let mut words;
        if num <= 19.0 {
            let i = num.max(0.0) as usize;
            words = String::from(if prev { " and " } else { "" });
            words.push_str(if ord { ORDINALS[i] } else { FEW[i] });
        } else if num < 100.0 {
            let tens = ((num / 10.0).floor() as usize).clamp(2, 9);
            let remainder = num % 10.0;
            words = String::from(if prev { " and " } else { "" });
            words.push_str(DECADES[tens - 2]);
            if remainder > 0.0 {
                words.push('-');
                words.push_str(&lookup(remainder, false, ord, depth + 1));
            } else if ord {
                words.pop();
                words.push_str("ieth");
            }
        } else if num < 1000.0 {
            let hundreds = ((num / 100.0).floor() as usize).min(9);
            let remainder = num % 100.0;
            words = String::from(if prev { ", " } else { "" });
            words.push_str(FEW[hundreds]);
            words.push_str(" Hundred");
            if remainder > 0.0 {
                words.push_str(&lookup(remainder, true, ord, depth + 1));
            } else if ord {
                words.push_str("th");
            }
        } else {
            let mut mag = ((num.log10() / 3.0).floor() as usize).max(1);
            if mag > MAGNITUDES.len() {
                mag = MAGNITUDES.len();
            }
            let factor = 10f64.powi(mag as i32 * 3);
            let mant = (num / factor).floor();
            let remainder = num - mant * factor;
            words = String::from(if prev { ", " } else { "" });
            words.push_str(&lookup(mant, false, false, depth + 1));
            words.push(' ');
            words.push_str(MAGNITUDES[mag - 1]);
            if remainder > 0.0 {
                words.push_str(&lookup(remainder, true, ord, depth + 1));
            } else if ord {
                words.push_str("th");
            }
        }
        words
    }
    lookup(value, false, ordinal, 0)
}

/// Word -> value table used when parsing words back, in jsonata-js's insertion order
/// (the order matters for the date/time parsing regex alternation).
pub(crate) fn word_values() -> Vec<(String, f64)> {
    let mut v: Vec<(String, f64)> = Vec::new();
    let mut set = |k: String, val: f64| {
        if let Some(e) = v.iter_mut().find(|(key, _)| *key == k) {
            e.1 = val;
        } else {
            v.push((k, val));
        }
    };
    for (i, w) in FEW.iter().enumerate() {
        set(w.to_lowercase(), i as f64);
    }
    for (i, w) in ORDINALS.iter().enumerate() {
        set(w.to_lowercase(), i as f64);
    }
    for (i, w) in DECADES.iter().enumerate() {
        let lw = w.to_lowercase();
        let val = ((i + 2) * 10) as f64;
        set(format!("{}ieth", &lw[..lw.len() - 1]), val);
        set(lw, val);
    }
    set("hundredth".into(), 100.0);
    for (i, w) in MAGNITUDES.iter().enumerate() {
        let lw = w.to_lowercase();
        let val = 10f64.powi((i as i32 + 1) * 3);
        set(format!("{}th", lw), val);
        set(lw, val);
    }
    v
}

/// Keys of the word table in jsonata-js order: decade names precede their "-ieth" forms.
pub(crate) fn word_keys_in_order() -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut push = |k: String| {
        if !keys.contains(&k) {
            keys.push(k);
        }
    };
    for w in FEW.iter().chain(ORDINALS.iter()) {
        push(w.to_lowercase());
    }
    for w in DECADES.iter() {
        let lw = w.to_lowercase();
        push(lw.clone());
        push(format!("{}ieth", &lw[..lw.len() - 1]));
    }
    push("hundredth".into());
    for w in MAGNITUDES.iter() {
        let lw = w.to_lowercase();
        push(lw.clone());
        push(format!("{}th", lw));
    }
    keys
}

pub(crate) fn words_to_number(text: &str) -> f64 {
    let table = word_values();
    // split on ", " | " and " | whitespace | '\' | '-'
    let chars: Vec<char> = text.chars().collect();
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ',' && chars.get(i + 1).is_some_and(|n| n.is_whitespace()) {
            parts.push(std::mem::take(&mut cur));
            i += 2;
            continue;
        }
        if c.is_whitespace()
            && chars.get(i + 1) == Some(&'a')
            && chars.get(i + 2) == Some(&'n')
            && chars.get(i + 3) == Some(&'d')
            && chars.get(i + 4).is_some_and(|n| n.is_whitespace())
        {
            parts.push(std::mem::take(&mut cur));
            i += 5;
            continue;
        }
        if c.is_whitespace() || c == '\\' || c == '-' {
            parts.push(std::mem::take(&mut cur));
            i += 1;
            continue;
        }
        cur.push(c);
        i += 1;
    }
    parts.push(cur);
    let mut segs: Vec<f64> = vec![0.0];
    for part in parts {
        let value = table
            .iter()
            .find(|(k, _)| *k == part)
            .map_or(f64::NAN, |(_, v)| *v);
        if value < 100.0 {
            let mut top = segs.pop().unwrap_or(0.0);
            if top >= 1000.0 {
                segs.push(top);
                top = 0.0;
            }
            segs.push(top + value);
        } else {
            // also the NaN case: `undefined < 100` is false in JavaScript
            let top = segs.pop().unwrap_or(0.0);
            segs.push(top * value);
        }
    }
    segs.iter().sum()
}

pub(crate) const ROMAN: [(f64, &str); 13] = [
    (1000.0, "m"),
    (900.0, "cm"),
    (500.0, "d"),
    (400.0, "cd"),
    (100.0, "c"),
    (90.0, "xc"),
    (50.0, "l"),
    (40.0, "xl"),
    (10.0, "x"),
    (9.0, "ix"),
    (5.0, "v"),
    (4.0, "iv"),
    (1.0, "i"),
];

/// Roman numerals beyond this would be megabytes of 'm'; jsonata-js overflows its stack.
pub(crate) const ROMAN_LIMIT: f64 = 1e7;

pub(crate) fn decimal_to_roman(mut value: f64) -> FnResult<String> {
    if value > ROMAN_LIMIT {
        return Err(FnError::new(
            "D3130",
            format!(
                "The number {} is too large to format as roman numerals",
                number_to_string(value)
            ),
        ));
    }
    let mut out = String::new();
    for (n, s) in ROMAN {
        while value >= n {
            out.push_str(s);
            value -= n;
        }
    }
    Ok(out)
}

pub(crate) fn roman_to_decimal(roman: &str) -> f64 {
    let value_of = |c: char| -> f64 {
        match c {
            'M' => 1000.0,
            'D' => 500.0,
            'C' => 100.0,
            'L' => 50.0,
            'X' => 10.0,
            'V' => 5.0,
            'I' => 1.0,
            _ => f64::NAN,
        }
    };
    let mut decimal = 0.0;
    let mut max = 1.0;
    for c in roman.chars().rev() {
        let v = value_of(c);
        if v < max {
            decimal -= v;
        } else if v.is_nan() {
            decimal = f64::NAN;
        } else {
            max = v;
            decimal += v;
        }
    }
    decimal
}

pub(crate) fn decimal_to_letters(mut value: f64, a: char) -> String {
    let mut letters = Vec::new();
    while value > 0.0 && letters.len() < 1000 {
        let idx = ((value - 1.0) % 26.0) as u32;
        letters.push(char::from_u32(a as u32 + idx).unwrap_or(a));
        value = ((value - 1.0) / 26.0).floor();
    }
    letters.iter().rev().collect()
}

pub(crate) fn letters_to_decimal(letters: &str, a: char) -> f64 {
    // charCodeAt: UTF-16 units
    let units: Vec<u16> = letters.encode_utf16().collect();
    let mut decimal = 0.0;
    for (i, &u) in units.iter().rev().enumerate() {
        decimal += (u as f64 - a as u32 as f64 + 1.0) * 26f64.powi(i as i32);
    }
    decimal
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Primary {
    Decimal,
    Letters,
    Roman,
    Words,
    Sequence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    Upper,
    Lower,
    Title,
}

#[derive(Debug, Clone)]
pub(crate) struct Separator {
    pub position: usize,
    pub character: char,
}

/// A pre-analysed integer picture.
#[derive(Debug, Clone)]
pub(crate) struct IntegerFormat {
    pub primary: Primary,
    pub case: Case,
    pub ordinal: bool,
    pub zero_code: u32,
    pub mandatory_digits: usize,
    pub optional_digits: usize,
    /// Regular grouping: (interval, character).
    pub regular: Option<(usize, char)>,
    /// Irregular grouping separators, counted from the right.
    pub separators: Vec<Separator>,
    /// Exact digit count when parsing back-to-back integer components.
    pub parse_width: Option<usize>,
    pub token: String,
}

pub(crate) const DECIMAL_GROUPS: [u32; 37] = [
    0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10,
];

pub(crate) fn analyse_integer_picture(picture: &str) -> FnResult<IntegerFormat> {
    let mut format = IntegerFormat {
        primary: Primary::Decimal,
        case: Case::Lower,
        ordinal: false,
        zero_code: 0x30,
        mandatory_digits: 0,
        optional_digits: 0,
        regular: None,
        separators: Vec::new(),
        parse_width: None,
        token: String::new(),
    };
    let primary = match picture.rfind(';') {
        None => picture,
        Some(p) => {
            if picture[p + 1..].starts_with('o') {
                format.ordinal = true;
            }
            &picture[..p]
        }
    };
    match primary {
        "A" => {
            format.case = Case::Upper;
            format.primary = Primary::Letters;
        }
        "a" => format.primary = Primary::Letters,
        "I" => {
            format.case = Case::Upper;
            format.primary = Primary::Roman;
        }
        "i" => format.primary = Primary::Roman,
        "W" => {
            format.case = Case::Upper;
            format.primary = Primary::Words;
        }
        "Ww" => {
            format.case = Case::Title;
            format.primary = Primary::Words;
        }
        "w" => format.primary = Primary::Words,
        _ => {
            let mut zero_code: Option<u32> = None;
            let mut mandatory = 0;
            let mut optional = 0;
            let mut separators: Vec<Separator> = Vec::new();
            let mut position = 0;
            for c in primary.chars().rev() {
                let cp = c as u32;
                if let Some(&group) = DECIMAL_GROUPS.iter().find(|&&g| cp >= g && cp <= g + 9) {
                    mandatory += 1;
                    position += 1;
                    match zero_code {
                        None => zero_code = Some(group),
                        Some(z) if z != group => {
                            return Err(FnError::new(
                                "D3131",
                                "In a decimal digit pattern, all digits must be from the same decimal group",
                            ))
                        }
                        _ => {}
                    }
                } else if c == '#' {
                    position += 1;
                    optional += 1;
                } else {
                    separators.push(Separator {
                        position,
                        character: c,
                    });
                }
            }
            if mandatory > 0 {
                format.zero_code = zero_code.unwrap_or(0x30);
                format.mandatory_digits = mandatory;
                format.optional_digits = optional;
                let same_char = separators
                    .first()
                    .is_some_and(|f| separators.iter().all(|s| s.character == f.character));
                let interval = if same_char {
                    regular_interval(&separators.iter().map(|s| s.position).collect::<Vec<_>>())
                } else {
                    0
                };
                if interval > 0 {
                    format.regular = Some((interval, separators[0].character));
                } else {
                    format.separators = separators;
                }
            } else {
                format.primary = Primary::Sequence;
                format.token = primary.to_string();
            }
        }
    }
    Ok(format)
}

pub(crate) fn sequence_error(token: &str) -> FnError {
    FnError::new(
        "D3130",
        format!(
            "Formatting or parsing an integer as a sequence starting with {} is not supported by this implementation",
            token
        ),
    )
}

/// Formats an integral value with an analysed picture (jsonata-js `_formatInteger`).
pub(crate) fn format_with(value: f64, format: &IntegerFormat) -> FnResult<String> {
    let negative = value < 0.0;
    let value = value.abs();
    let mut out = match format.primary {
        Primary::Letters => {
            decimal_to_letters(value, if format.case == Case::Upper { 'A' } else { 'a' })
        }
        Primary::Roman => {
            let r = decimal_to_roman(value)?;
            if format.case == Case::Upper {
                r.to_uppercase()
            } else {
                r
            }
        }
        Primary::Words => {
            let w = number_to_words(value, format.ordinal);
            match format.case {
                Case::Upper => w.to_uppercase(),
                Case::Lower => w.to_lowercase(),
                Case::Title => w,
            }
        }
        Primary::Decimal => {
            let mut s: Vec<char> = number_to_string(value).chars().collect();
            if format.mandatory_digits > s.len() {
                let mut p = vec!['0'; format.mandatory_digits - s.len()];
                p.extend(s);
                s = p;
            }
            if format.zero_code != 0x30 {
                s = s
                    .into_iter()
                    .map(|c| {
                        char::from_u32((c as u32 + format.zero_code).wrapping_sub(0x30))
                            .unwrap_or(c)
                    })
                    .collect();
            }
            if let Some((interval, ch)) = format.regular {
                let n = (s.len().saturating_sub(1)) / interval;
                for ii in (1..=n).rev() {
                    let pos = s.len() - ii * interval;
                    s.insert(pos, ch);
                }
            } else {
                for sep in format.separators.iter().rev() {
                    let pos = s.len().saturating_sub(sep.position);
                    s.insert(pos, sep.character);
                }
            }
            let mut out: String = s.iter().collect();
            if format.ordinal {
                let last = s.last().copied();
                let before = if s.len() > 1 {
                    s.get(s.len() - 2)
                } else {
                    None
                };
                let mut suffix = match last {
                    Some('1') => "st",
                    Some('2') => "nd",
                    Some('3') => "rd",
                    _ => "th",
                };
                if before == Some(&'1') {
                    suffix = "th";
                }
                out.push_str(suffix);
            }
            out
        }
        Primary::Sequence => return Err(sequence_error(&format.token)),
    };
    if negative {
        out.insert(0, '-');
    }
    Ok(out)
}

/// `$formatInteger(value, picture)`.
pub fn format_integer(value: f64, picture: &str) -> FnResult<String> {
    let format = analyse_integer_picture(picture)?;
    format_with(value.floor(), &format)
}

/// JavaScript `parseInt(s, 10)`: leading integer, NaN when there is none.
pub(crate) fn js_parse_int(s: &str) -> f64 {
    let t = s.trim_start();
    let (neg, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        return f64::NAN;
    }
    let v: f64 = digits.parse().unwrap_or(f64::NAN);
    if neg {
        -v
    } else {
        v
    }
}

/// Parses `value` with an analysed picture (the `parse` half of jsonata-js `generateRegex`).
/// Like jsonata-js, the text is not validated against the picture first, so garbage in gives
/// NaN out rather than an error.
pub(crate) fn parse_with(value: &str, format: &IntegerFormat) -> FnResult<f64> {
    let upper = format.case == Case::Upper;
    Ok(match format.primary {
        Primary::Letters => letters_to_decimal(value, if upper { 'A' } else { 'a' }),
        Primary::Roman => {
            if upper {
                roman_to_decimal(value)
            } else {
                roman_to_decimal(&value.to_uppercase())
            }
        }
        Primary::Words => words_to_number(&value.to_lowercase()),
        Primary::Decimal => {
            let mut digits: String = value.to_string();
            if format.ordinal {
                let units: Vec<char> = digits.chars().collect();
                digits = units[..units.len().saturating_sub(2)].iter().collect();
            }
            if format.regular.is_some() {
                // jsonata-js strips ',' here whatever the separator character was
                digits = digits.replace(',', "");
            } else {
                for sep in &format.separators {
                    digits = digits.replace(sep.character, "");
                }
            }
            if format.zero_code != 0x30 {
                digits = digits
                    .chars()
                    .map(|c| {
                        char::from_u32((c as u32).wrapping_sub(format.zero_code) + 0x30)
                            .unwrap_or(c)
                    })
                    .collect();
            }
            js_parse_int(&digits)
        }
        Primary::Sequence => return Err(sequence_error(&format.token)),
    })
}

/// `$parseInteger(string, picture)`. May return NaN for text that does not fit the picture,
/// as jsonata-js does.
pub fn parse_integer(value: &str, picture: &str) -> FnResult<f64> {
    let format = analyse_integer_picture(picture)?;
    parse_with(value, &format)
}
