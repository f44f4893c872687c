//! Date/time parsing (`$toMillis`): the picture becomes a regex whose groups are read back
//! as components, as jsonata-js does.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::error::{FnError, FnResult};
use crate::functions::numbers::*;
use crate::regex::{Budget, Pattern};

use super::format::*;
use super::*;

pub(crate) enum PartParser {
    Integer(IntegerFormat),
    Fraction,
    Timezone { gmt: bool, separator: Option<char> },
    Names(Vec<(String, f64)>),
}

pub(crate) struct MatchPart {
    pub(crate) regex: String,
    pub(crate) component: Option<char>,
    pub(crate) parser: Option<PartParser>,
}

pub(crate) fn escape_literal(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if ".*+?^${}()|[]\\".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(crate) fn integer_regex(f: &IntegerFormat) -> FnResult<String> {
    let upper = f.case == Case::Upper;
    Ok(match f.primary {
        Primary::Letters => if upper { "[A-Z]+" } else { "[a-z]+" }.into(),
        Primary::Roman => if upper { "[MDCLXVI]+" } else { "[mdclxvi]+" }.into(),
        Primary::Words => {
            let mut alts = word_keys_in_order();
            alts.push("and".into());
            alts.push("[\\-, ]".into());
            format!("(?:{})+", alts.join("|"))
        }
        Primary::Decimal => {
            let mut r = String::from("[0-9]");
            match f.parse_width {
                Some(w) => r.push_str(&format!("{{{}}}", w)),
                None => r.push('+'),
            }
            if f.ordinal {
                r.push_str("(?:th|st|nd|rd)");
            }
            r
        }
        Primary::Sequence => {
            return Err(FnError::new(
                "D3130",
                format!(
                    "Formatting or parsing an integer as a sequence starting with {} is not supported by this implementation",
                    f.token
                ),
            ))
        }
    })
}

pub(crate) fn match_part(part: &Part) -> FnResult<MatchPart> {
    let m = match part {
        Part::Literal(l) => {
            return Ok(MatchPart {
                regex: escape_literal(l),
                component: None,
                parser: None,
            })
        }
        Part::Marker(m) => m,
    };
    let comp = m.component.unwrap_or('\0');
    if comp == 'Z' || comp == 'z' {
        let separator = m
            .integer_format
            .as_ref()
            .and_then(|f| f.regular.map(|(_, c)| c));
        let mut regex = String::new();
        if comp == 'z' {
            regex.push_str("GMT");
        }
        regex.push_str("[-+][0-9]+");
        if let Some(sep) = separator {
            regex.push(sep);
            regex.push_str("[0-9]+");
        }
        return Ok(MatchPart {
            regex,
            component: m.component,
            parser: Some(PartParser::Timezone {
                gmt: comp == 'z',
                separator,
            }),
        });
    }
    if let Some(f) = &m.integer_format {
        let parser = if comp == 'f' && f.primary == Primary::Decimal {
            PartParser::Fraction
        } else {
            PartParser::Integer(f.clone())
        };
        return Ok(MatchPart {
            regex: integer_regex(f)?,
            component: m.component,
            parser: Some(parser),
        });
    }
    let max = m.width.and_then(|w| w.max);
    let cut = |name: &str| -> String {
        match max {
            Some(mx) if mx > 0.0 => name.chars().take(mx as usize).collect(),
            _ => name.to_string(),
        }
    };
    let lookup: Vec<(String, f64)> = match comp {
        'M' | 'x' => MONTHS
            .iter()
            .enumerate()
            .map(|(i, n)| (cut(n), (i + 1) as f64))
            .collect(),
        'F' => DAYS
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, n)| (cut(n), i as f64))
            .collect(),
        'P' => vec![
            ("am".into(), 0.0),
            ("AM".into(), 0.0),
            ("pm".into(), 1.0),
            ("PM".into(), 1.0),
        ],
        _ => {
            return Err(FnError::new(
                "D3133",
                format!(
                    "The 'name' modifier can only be applied to months and days in the date/time picture string, not {}",
                    comp
                ),
            ))
        }
    };
    Ok(MatchPart {
        regex: "[a-zA-Z]+".into(),
        component: m.component,
        parser: Some(PartParser::Names(lookup)),
    })
}

pub(crate) fn run_parser(p: &PartParser, value: &str) -> FnResult<Option<f64>> {
    Ok(match p {
        PartParser::Integer(f) => Some(parse_with(value, f)?),
        PartParser::Fraction => {
            // fractional seconds: the digits are a decimal fraction of a second
            let digits: String = value.chars().filter(|c| c.is_ascii_digit()).collect();
            let n = js_parse_int(&digits);
            let len = digits.len() as i32;
            Some(if len <= 3 {
                n * 10f64.powi(3 - len)
            } else {
                (n / 10f64.powi(len - 3)).trunc()
            })
        }
        PartParser::Timezone { gmt, separator } => {
            let v = if *gmt {
                value.get(3..).unwrap_or("")
            } else {
                value
            };
            let (h, m) = match separator.and_then(|s| v.find(s).map(|i| (s, i))) {
                Some((s, i)) => (js_parse_int(&v[..i]), js_parse_int(&v[i + s.len_utf8()..])),
                None => {
                    if v.len() <= 3 {
                        (js_parse_int(v), 0.0)
                    } else {
                        (js_parse_int(&v[..3]), js_parse_int(&v[3..]))
                    }
                }
            };
            Some(h * 60.0 + m)
        }
        PartParser::Names(lookup) => lookup.iter().find(|(k, _)| k == value).map(|(_, v)| *v),
    })
}

thread_local! {
    /// Compiled parsing regexes by source: `$toMillis` is typically mapped over many values
    /// with one picture, and compiling (the word-number pattern above all) dominates.
    static PARSE_REGEXES: std::cell::RefCell<HashMap<String, std::rc::Rc<Pattern>>> =
        std::cell::RefCell::new(HashMap::new());
}

pub(crate) fn cached_regex(source: &str) -> FnResult<std::rc::Rc<Pattern>> {
    if let Some(re) = PARSE_REGEXES.with(|c| c.borrow().get(source).cloned()) {
        return Ok(re);
    }
    let re = Pattern::new(source, "i").map_err(|e| {
        FnError::new(
            "D3136",
            format!(
                "The date/time picture string cannot be used for parsing: {}",
                e
            ),
        )
    })?;
    let re = std::rc::Rc::new(re);
    PARSE_REGEXES.with(|c| {
        let mut c = c.borrow_mut();
        // a small bound keeps memory flat when pictures are generated dynamically
        if c.len() >= 32 {
            c.clear();
        }
        c.insert(source.to_string(), re.clone());
    });
    Ok(re)
}

pub(crate) fn truthy(v: Option<&Option<f64>>) -> bool {
    matches!(v, Some(Some(x)) if *x != 0.0 && !x.is_nan())
}

pub(crate) fn parse_date_time(
    budget: &Budget,
    timestamp: &str,
    picture: &str,
    now_ms: f64,
) -> FnResult<Option<f64>> {
    let spec = analyse_picture(picture)?;
    let parts = spec.iter().map(match_part).collect::<FnResult<Vec<_>>>()?;
    let full: String = format!(
        "^{}$",
        parts
            .iter()
            .map(|p| format!("({})", p.regex))
            .collect::<String>()
    );
    let re = cached_regex(&full)?;
    let Some(found) = re.find(budget, timestamp) else {
        return Ok(None);
    };
    let mut comps: HashMap<char, Option<f64>> = HashMap::new();
    for (i, part) in parts.iter().enumerate() {
        let (Some(parser), Some(comp)) = (&part.parser, part.component) else {
            continue;
        };
        let text = found
            .group(i + 1)
            .and_then(|r| timestamp.get(r))
            .unwrap_or("");
        comps.insert(comp, run_parser(parser, text)?);
    }
    if comps.is_empty() {
        return Ok(None);
    }
    let mask_of = |letters: &str, comps: &HashMap<char, Option<f64>>| -> u32 {
        letters
            .chars()
            .fold(0u32, |m, c| (m << 1) | u32::from(truthy(comps.get(&c))))
    };
    let is_type = |ty: u32, mask: u32| (!ty & mask) == 0 && (ty & mask) != 0;
    let dmask = mask_of("YXMxWwdD", &comps);
    let date_a = is_type(161, dmask);
    let date_b = !date_a && is_type(130, dmask);
    let date_c = is_type(84, dmask);
    let date_d = !date_c && is_type(72, dmask);
    let tmask = mask_of("PHhmsf", &comps);
    let time_a = is_type(23, tmask);
    let time_b = !time_a && is_type(47, tmask);
    let date_comps = if date_b {
        "YD"
    } else if date_c {
        "XxwF"
    } else if date_d {
        "XWF"
    } else {
        "YMD"
    };
    let time_comps = if time_b { "Phmsf" } else { "Hmsf" };
    let now = DateParts::new(now_ms);
    let mut start_specified = false;
    let mut end_specified = false;
    for part in date_comps.chars().chain(time_comps.chars()) {
        let present = matches!(comps.get(&part), Some(Some(_)));
        if !present {
            if start_specified {
                comps.insert(part, Some(if "MDd".contains(part) { 1.0 } else { 0.0 }));
                end_specified = true;
            } else {
                let v = match now.as_ref().map(|n| fragment(n, part)) {
                    Some(Fragment::Num(v)) => v,
                    // the am/pm marker of "now" is a string in jsonata-js: never equal to 1
                    _ => f64::NAN,
                };
                comps.insert(part, Some(v));
            }
        } else {
            start_specified = true;
            if end_specified {
                return Err(FnError::new(
                    "D3136",
                    "The date/time picture string is missing specifiers required to parse the timestamp",
                ));
            }
        }
    }
    let get = |c: char, comps: &HashMap<char, Option<f64>>| -> f64 {
        comps.get(&c).copied().flatten().unwrap_or(f64::NAN)
    };
    let mut month0 = get('M', &comps);
    month0 = if month0 > 0.0 { month0 - 1.0 } else { 0.0 };
    let mut day = get('D', &comps);
    if date_b {
        let first = date_utc(get('Y', &comps), 0.0, 1.0, 0.0, 0.0, 0.0, 0.0);
        let derived = first + (get('d', &comps) - 1.0) * MS_PER_DAY;
        match DateParts::new(derived) {
            Some(dp) => {
                month0 = dp.month0;
                day = dp.day;
            }
            None => {
                month0 = f64::NAN;
                day = f64::NAN;
            }
        }
    }
    if date_c || date_d {
        return Err(FnError::new(
            "D3136",
            "Parsing dates given as week numbers is not supported",
        ));
    }
    let mut hours = get('H', &comps);
    if time_b {
        let h = get('h', &comps);
        hours = if h == 12.0 { 0.0 } else { h };
        if get('P', &comps) == 1.0 {
            hours += 12.0;
        }
    }
    let mut millis = date_utc(
        get('Y', &comps),
        month0,
        day,
        hours,
        get('m', &comps),
        get('s', &comps),
        get('f', &comps),
    );
    let tz = if truthy(comps.get(&'Z')) {
        get('Z', &comps)
    } else if truthy(comps.get(&'z')) {
        get('z', &comps)
    } else {
        0.0
    };
    if tz != 0.0 {
        millis -= tz * 60.0 * 1000.0;
    }
    Ok(Some(millis))
}

pub(crate) fn iso_regex() -> Option<&'static Pattern> {
    static RE: OnceLock<Option<Pattern>> = OnceLock::new();
    RE.get_or_init(|| {
        Pattern::new(
            r"^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$",
            "",
        )
        .ok()
    })
    .as_ref()
}

/// JavaScript `Date.parse` for the ISO 8601 forms the jsonata-js pre-check lets through:
/// `YYYY[-MM[-DD]][THH:mm:ss[.fff]][Z|±HH:mm|±HHmm]`. Other strings give NaN, as V8 does.
/// A date-time without an offset is read as UTC (Step Functions runs in UTC).
pub(crate) fn date_parse_iso(s: &str) -> f64 {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<f64> {
        let t = s.get(from..from + len)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse::<f64>().ok())
            .flatten()
    };
    let Some(year) = num(0, 4) else {
        return f64::NAN;
    };
    let mut i = 4;
    let (mut month, mut day) = (1.0, 1.0);
    if b.get(i) == Some(&b'-') {
        let Some(m) = num(i + 1, 2) else {
            return f64::NAN;
        };
        month = m;
        i += 3;
        if b.get(i) == Some(&b'-') {
            let Some(d) = num(i + 1, 2) else {
                return f64::NAN;
            };
            day = d;
            i += 3;
        }
    }
    let (mut h, mut mi, mut sec, mut ms) = (0.0, 0.0, 0.0, 0.0);
    let mut offset_min = 0.0;
    if b.get(i) == Some(&b'T') {
        let (Some(hh), Some(mm), Some(ss)) = (num(i + 1, 2), num(i + 4, 2), num(i + 7, 2)) else {
            return f64::NAN;
        };
        if b.get(i + 3) != Some(&b':') || b.get(i + 6) != Some(&b':') {
            return f64::NAN;
        }
        h = hh;
        mi = mm;
        sec = ss;
        i += 9;
        if b.get(i) == Some(&b'.') {
            let digits: String = s[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if digits.is_empty() {
                return f64::NAN;
            }
            let first3: String = digits.chars().chain("000".chars()).take(3).collect();
            ms = first3.parse().unwrap_or(0.0);
            i += 1 + digits.len();
        }
        match b.get(i) {
            None => {}
            Some(b'Z') => i += 1,
            Some(&sign) if sign == b'+' || sign == b'-' => {
                let Some(oh) = num(i + 1, 2) else {
                    return f64::NAN;
                };
                let (om, used) = if b.get(i + 3) == Some(&b':') {
                    (num(i + 4, 2), 6)
                } else {
                    (num(i + 3, 2), 5)
                };
                let Some(om) = om else {
                    return f64::NAN;
                };
                if oh > 23.0 || om > 59.0 {
                    return f64::NAN;
                }
                offset_min = (oh * 60.0 + om) * if sign == b'-' { -1.0 } else { 1.0 };
                i += used;
            }
            _ => return f64::NAN,
        }
    }
    if i != b.len() {
        return f64::NAN;
    }
    if !(1.0..=12.0).contains(&month)
        || !(1.0..=31.0).contains(&day)
        || h > 24.0
        || mi > 59.0
        || sec > 59.0
        || (h == 24.0 && (mi > 0.0 || sec > 0.0 || ms > 0.0))
    {
        return f64::NAN;
    }
    // Date.UTC's two-digit-year rule does not apply to parsed strings.
    let days = days_from_civil(year as i64, month as i64, 1) as f64 + day - 1.0;
    let t = days * MS_PER_DAY + h * 3_600_000.0 + mi * 60_000.0 + sec * 1000.0 + ms;
    time_clip(t - offset_min * 60_000.0)
}

/// `$toMillis(timestamp[, picture])`. Without a picture the string must be ISO 8601
/// (D3110 otherwise); with one, components the picture leaves out are taken from `now_ms`
/// (the evaluation's fixed `$now`) or zeroed, as jsonata-js does. `Ok(None)` is JSONata's
/// undefined (the picture did not match); a NaN result mirrors jsonata-js returning NaN
/// for values that fit the syntax but not the calendar.
pub fn to_millis(
    budget: &Budget,
    timestamp: &str,
    picture: Option<&str>,
    now_ms: f64,
) -> FnResult<Option<f64>> {
    match picture {
        None => {
            let ok = iso_regex().is_some_and(|re| re.find(budget, timestamp).is_some());
            if !ok {
                return Err(FnError::new(
                    "D3110",
                    format!(
                        "The timestamp {:?} is not in ISO 8601 format; give a picture string",
                        timestamp
                    ),
                ));
            }
            Ok(Some(date_parse_iso(timestamp)))
        }
        Some(p) => parse_date_time(budget, timestamp, p, now_ms),
    }
}
