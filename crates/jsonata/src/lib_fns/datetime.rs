//! `$fromMillis` / `$toMillis` (and `$now`): XPath F&O `format-dateTime` picture strings as
//! jsonata-js implements them, plus its ISO 8601 default. All arithmetic is JavaScript `Date`
//! arithmetic in UTC on f64 millisecond time values; no clock is read here.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::integer::{
    analyse_integer_picture, format_with, js_parse_int, parse_with, word_keys_in_order, Case,
    IntegerFormat, Primary,
};
use super::numbers::index_of;
use super::{FnError, FnResult};

const MS_PER_DAY: f64 = 86_400_000.0;
const DAYS: [&str; 8] = [
    "",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

// ---------------------------------------------------------------------------------------------
// JavaScript Date arithmetic
// ---------------------------------------------------------------------------------------------

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1..=12).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Proleptic Gregorian (year, month 1..=12, day) of a day number.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// ECMAScript TimeClip.
fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > 8.64e15 {
        f64::NAN
    } else {
        t.trunc() + 0.0
    }
}

/// `Date.UTC(y, m0, d, h, mi, s, ms)`.
#[allow(clippy::too_many_arguments)]
fn date_utc(y: f64, m0: f64, d: f64, h: f64, mi: f64, s: f64, ms: f64) -> f64 {
    let args = [y, m0, d, h, mi, s, ms];
    if args.iter().any(|v| !v.is_finite()) {
        return f64::NAN;
    }
    let mut y = y.trunc();
    if (0.0..=99.0).contains(&y) {
        y += 1900.0;
    }
    let m0 = m0.trunc();
    let ym = y + (m0 / 12.0).floor();
    if ym.abs() > 400_000.0 {
        return f64::NAN;
    }
    let mn = m0.rem_euclid(12.0);
    let day = days_from_civil(ym as i64, mn as i64 + 1, 1) as f64 + d.trunc() - 1.0;
    let time = h.trunc() * 3_600_000.0 + mi.trunc() * 60_000.0 + s.trunc() * 1000.0 + ms.trunc();
    time_clip(day * MS_PER_DAY + time)
}

/// The UTC getters of a JavaScript Date.
#[derive(Debug, Clone, Copy)]
struct DateParts {
    time: f64,
    year: f64,
    month0: f64,
    day: f64,
    weekday: f64,
    hours: f64,
    minutes: f64,
    seconds: f64,
    millis: f64,
}

impl DateParts {
    fn new(t: f64) -> Option<DateParts> {
        let t = time_clip(t);
        if t.is_nan() {
            return None;
        }
        let days = (t / MS_PER_DAY).floor();
        let in_day = t - days * MS_PER_DAY;
        let (y, m, d) = civil_from_days(days as i64);
        Some(DateParts {
            time: t,
            year: y as f64,
            month0: (m - 1) as f64,
            day: d as f64,
            weekday: (days + 4.0).rem_euclid(7.0),
            hours: (in_day / 3_600_000.0).floor(),
            minutes: (in_day / 60_000.0).floor() % 60.0,
            seconds: (in_day / 1000.0).floor() % 60.0,
            millis: in_day % 1000.0,
        })
    }
}

fn weekday_of(t: f64) -> f64 {
    ((t / MS_PER_DAY).floor() + 4.0).rem_euclid(7.0)
}

/// Start of week 1 of a year or month: the week (Monday first) holding its first Thursday.
fn start_of_first_week(year: f64, month0: f64) -> f64 {
    let jan1 = date_utc(year, month0, 1.0, 0.0, 0.0, 0.0, 0.0);
    let mut dow = weekday_of(jan1);
    if dow == 0.0 {
        dow = 7.0;
    }
    if dow > 4.0 {
        jan1 + (8.0 - dow) * MS_PER_DAY
    } else {
        jan1 - (dow - 1.0) * MS_PER_DAY
    }
}

fn next_month(y: f64, m0: f64) -> (f64, f64) {
    if m0 == 11.0 {
        (y + 1.0, 0.0)
    } else {
        (y, m0 + 1.0)
    }
}

fn previous_month(y: f64, m0: f64) -> (f64, f64) {
    if m0 == 0.0 {
        (y - 1.0, 11.0)
    } else {
        (y, m0 - 1.0)
    }
}

fn delta_weeks(start: f64, end: f64) -> f64 {
    (end - start) / (MS_PER_DAY * 7.0) + 1.0
}

/// A component's value: a number, or the am/pm marker.
#[derive(Debug, Clone, PartialEq)]
enum Fragment {
    Num(f64),
    Text(&'static str),
    /// A component jsonata-js does not know: it prints as "undefined".
    Undefined,
}

fn fragment(d: &DateParts, component: char) -> Fragment {
    use Fragment::*;
    match component {
        'Y' => Num(d.year),
        'M' => Num(d.month0 + 1.0),
        'D' => Num(d.day),
        'd' => {
            let today = date_utc(d.year, d.month0, d.day, 0.0, 0.0, 0.0, 0.0);
            let first = date_utc(d.year, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0);
            Num((today - first) / MS_PER_DAY + 1.0)
        }
        'F' => Num(if d.weekday == 0.0 { 7.0 } else { d.weekday }),
        'W' => {
            let start = start_of_first_week(d.year, 0.0);
            let today = date_utc(d.year, d.month0, d.day, 0.0, 0.0, 0.0, 0.0);
            let mut week = delta_weeks(start, today);
            if week > 52.0 {
                if today >= start_of_first_week(d.year + 1.0, 0.0) {
                    week = 1.0;
                }
            } else if week < 1.0 {
                week = delta_weeks(start_of_first_week(d.year - 1.0, 0.0), today);
            }
            Num(week.floor())
        }
        'w' => {
            let start = start_of_first_week(d.year, d.month0);
            let today = date_utc(d.year, d.month0, d.day, 0.0, 0.0, 0.0, 0.0);
            let mut week = delta_weeks(start, today);
            if week > 4.0 {
                let (ny, nm) = next_month(d.year, d.month0);
                if today >= start_of_first_week(ny, nm) {
                    week = 1.0;
                }
            } else if week < 1.0 {
                let (py, pm) = previous_month(d.year, d.month0);
                week = delta_weeks(start_of_first_week(py, pm), today);
            }
            Num(week.floor())
        }
        'X' => {
            let start = start_of_first_week(d.year, 0.0);
            let end = start_of_first_week(d.year + 1.0, 0.0);
            Num(if d.time < start {
                d.year - 1.0
            } else if d.time >= end {
                d.year + 1.0
            } else {
                d.year
            })
        }
        'x' => {
            let start = start_of_first_week(d.year, d.month0);
            let (ny, nm) = next_month(d.year, d.month0);
            let end = start_of_first_week(ny, nm);
            Num(if d.time < start {
                previous_month(d.year, d.month0).1 + 1.0
            } else if d.time >= end {
                nm + 1.0
            } else {
                d.month0 + 1.0
            })
        }
        'H' => Num(d.hours),
        'h' => {
            let h = d.hours % 12.0;
            Num(if h == 0.0 { 12.0 } else { h })
        }
        'P' => Text(if d.hours >= 12.0 { "pm" } else { "am" }),
        'm' => Num(d.minutes),
        's' => Num(d.seconds),
        'f' => Num(d.millis),
        'C' | 'E' => Text("ISO"),
        _ => Undefined,
    }
}

// ---------------------------------------------------------------------------------------------
// Picture analysis
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
struct Width {
    min: Option<f64>,
    max: Option<f64>,
}

#[derive(Debug, Clone)]
struct Marker {
    component: Option<char>,
    width: Option<Width>,
    presentation1: String,
    presentation2: Option<char>,
    names: Option<Case>,
    integer_format: Option<IntegerFormat>,
    /// Digits kept of the year (-1: all).
    n: f64,
}

#[derive(Debug, Clone)]
enum Part {
    Literal(String),
    Marker(Box<Marker>),
}

fn default_presentation(c: char) -> Option<&'static str> {
    Some(match c {
        'Y' | 'M' | 'D' | 'd' | 'W' | 'w' | 'X' | 'x' | 'H' | 'h' | 'f' => "1",
        'F' | 'P' | 'C' | 'E' => "n",
        'm' | 's' => "01",
        'Z' | 'z' => "01:01",
        _ => return None,
    })
}

fn parse_width(w: Option<&str>) -> Option<f64> {
    match w {
        None | Some("*") => None,
        Some(w) => Some(js_parse_int(w)),
    }
}

fn analyse_picture(picture: &str) -> FnResult<Vec<Part>> {
    let pic: Vec<char> = picture.chars().collect();
    let mut spec: Vec<Part> = Vec::new();
    let add_literal = |spec: &mut Vec<Part>, start: usize, end: usize| {
        if end > start {
            let lit: String = pic[start..end].iter().collect();
            spec.push(Part::Literal(lit.replace("]]", "]")));
        }
    };
    let mut start = 0;
    let mut pos = 0;
    while pos < pic.len() {
        if pic[pos] == '[' {
            if pic.get(pos + 1) == Some(&'[') {
                add_literal(&mut spec, start, pos);
                spec.push(Part::Literal("[".into()));
                pos += 2;
                start = pos;
                continue;
            }
            add_literal(&mut spec, start, pos);
            start = pos;
            let Some(close) = index_of(&pic, &[']'], start) else {
                return Err(FnError::new(
                    "D3135",
                    "No matching closing bracket ']' in date/time picture string",
                ));
            };
            pos = close;
            let marker: Vec<char> = pic[start + 1..pos]
                .iter()
                .copied()
                .filter(|c| !c.is_whitespace())
                .collect();
            let component = marker.first().copied();
            let comma = marker.iter().rposition(|&c| c == ',');
            let (pres_mod, width): (Vec<char>, Option<Width>) = match comma {
                Some(c) => {
                    let wm: String = marker[c + 1..].iter().collect();
                    let (min, max) = match wm.find('-') {
                        None => (Some(wm.as_str()), None),
                        Some(d) => (Some(&wm[..d]), Some(&wm[d + 1..])),
                    };
                    (
                        marker[1.min(c)..c].to_vec(),
                        Some(Width {
                            min: parse_width(min),
                            max: parse_width(max),
                        }),
                    )
                }
                None => (marker.get(1..).unwrap_or_default().to_vec(), None),
            };
            let mut presentation2 = None;
            let presentation1: Option<String> = if pres_mod.len() == 1 {
                Some(pres_mod.iter().collect())
            } else if pres_mod.len() > 1 {
                let last = pres_mod[pres_mod.len() - 1];
                if "atco".contains(last) {
                    presentation2 = Some(last);
                    Some(pres_mod[..pres_mod.len() - 1].iter().collect())
                } else {
                    Some(pres_mod.iter().collect())
                }
            } else {
                component.and_then(default_presentation).map(str::to_string)
            };
            let Some(presentation1) = presentation1 else {
                return Err(FnError::new(
                    "D3132",
                    format!(
                        "Unknown component specifier {} in date/time picture string",
                        component.map(String::from).unwrap_or_default()
                    ),
                ));
            };
            let p1: Vec<char> = presentation1.chars().collect();
            let mut m = Marker {
                component,
                width,
                presentation1: presentation1.clone(),
                presentation2,
                names: None,
                integer_format: None,
                n: -1.0,
            };
            let comp = component.unwrap_or('\0');
            if p1.first() == Some(&'n') {
                m.names = Some(Case::Lower);
            } else if p1.first() == Some(&'N') {
                m.names = Some(if p1.get(1) == Some(&'n') {
                    Case::Title
                } else {
                    Case::Upper
                });
            } else if "YMDdFWwXxHhmsf".contains(comp) && component.is_some() {
                let mut pattern = presentation1.clone();
                if let Some(p2) = presentation2 {
                    pattern.push(';');
                    pattern.push(p2);
                }
                let mut fmt = analyse_integer_picture(&pattern)?;
                if let Some(min) = width.and_then(|w| w.min) {
                    if (fmt.mandatory_digits as f64) < min {
                        fmt.mandatory_digits = min.min(1e4) as usize;
                    }
                }
                if comp == 'Y' {
                    if let Some(max) = width.and_then(|w| w.max) {
                        m.n = max;
                        fmt.mandatory_digits = if max.is_finite() {
                            max.clamp(0.0, 1e4) as usize
                        } else {
                            0
                        };
                    } else {
                        let w = fmt.mandatory_digits + fmt.optional_digits;
                        if w >= 2 {
                            m.n = w as f64;
                        }
                    }
                }
                if let Some(Part::Marker(prev)) = spec.last_mut() {
                    if let Some(pf) = prev.integer_format.as_mut() {
                        pf.parse_width = Some(pf.mandatory_digits);
                    }
                }
                m.integer_format = Some(fmt);
            }
            if comp == 'Z' || comp == 'z' {
                m.integer_format = Some(analyse_integer_picture(&m.presentation1)?);
            }
            spec.push(Part::Marker(Box::new(m)));
            start = pos + 1;
        }
        pos += 1;
    }
    add_literal(&mut spec, start, pos.min(pic.len()));
    Ok(spec)
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

fn format_component(d: &DateParts, m: &Marker, off_h: f64, off_m: f64) -> FnResult<String> {
    let comp = m.component.unwrap_or('\0');
    let value = fragment(d, comp);
    if "YMDdFWwXxHhms".contains(comp) && m.component.is_some() {
        let mut v = match value {
            Fragment::Num(v) => v,
            _ => f64::NAN,
        };
        if comp == 'Y' && m.n != -1.0 {
            v %= 10f64.powf(m.n);
        }
        if let Some(case) = m.names {
            let name = if comp == 'M' || comp == 'x' {
                MONTHS.get((v - 1.0) as usize).copied().unwrap_or("")
            } else if comp == 'F' {
                DAYS.get(v as usize).copied().unwrap_or("")
            } else {
                return Err(FnError::new(
                    "D3133",
                    format!(
                        "The 'name' modifier can only be applied to months and days in the date/time picture string, not {}",
                        comp
                    ),
                ));
            };
            let mut name = match case {
                Case::Upper => name.to_uppercase(),
                Case::Lower => name.to_lowercase(),
                Case::Title => name.to_string(),
            };
            if let Some(max) = m.width.and_then(|w| w.max) {
                if (name.len() as f64) > max {
                    name = name.chars().take(max.max(0.0) as usize).collect();
                }
            }
            return Ok(name);
        }
        return match &m.integer_format {
            Some(f) => format_with(v, f),
            None => Ok("undefined".into()),
        };
    }
    match comp {
        'f' => {
            let v = match value {
                Fragment::Num(v) => v,
                _ => f64::NAN,
            };
            match &m.integer_format {
                Some(f) => format_with(v, f),
                None => Ok("undefined".into()),
            }
        }
        'Z' | 'z' => {
            let Some(f) = &m.integer_format else {
                return Ok(String::new());
            };
            let offset = off_h * 100.0 + off_m;
            let mut s = if f.regular.is_some() {
                format_with(offset, f)?
            } else {
                let digits = f.mandatory_digits;
                if digits == 1 || digits == 2 {
                    let mut s = format_with(off_h, f)?;
                    if off_m != 0.0 {
                        s.push(':');
                        s.push_str(&super::integer::format_integer(off_m, "00")?);
                    }
                    s
                } else if digits == 3 || digits == 4 {
                    format_with(offset, f)?
                } else {
                    return Err(FnError::new(
                        "D3134",
                        format!(
                            "The timezone integer format specifier cannot have more than four digits: {}",
                            digits
                        ),
                    ));
                }
            };
            if offset >= 0.0 {
                s.insert(0, '+');
            }
            if comp == 'z' {
                s.insert_str(0, "GMT");
            }
            if offset == 0.0 && m.presentation2 == Some('t') {
                s = "Z".into();
            }
            Ok(s)
        }
        _ => Ok(match value {
            Fragment::Text(t) => {
                if comp == 'P' && m.names == Some(Case::Upper) {
                    t.to_uppercase()
                } else {
                    t.to_string()
                }
            }
            Fragment::Num(v) => super::numbers::number_to_string(v),
            Fragment::Undefined => "undefined".into(),
        }),
    }
}

fn iso_spec() -> &'static Vec<Part> {
    static SPEC: OnceLock<Vec<Part>> = OnceLock::new();
    SPEC.get_or_init(|| {
        analyse_picture("[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]").unwrap_or_default()
    })
}

/// `$fromMillis(ms[, picture[, timezone]])` (and `$now(picture, timezone)` with the
/// evaluation's fixed timestamp). `timezone` is `±HHMM`; the default picture is ISO 8601
/// with milliseconds.
pub fn from_millis(ms: f64, picture: Option<&str>, timezone: Option<&str>) -> FnResult<String> {
    let (mut off_h, mut off_m) = (0.0, 0.0);
    if let Some(tz) = timezone {
        let offset = js_parse_int(tz);
        if offset.is_nan() {
            return Err(FnError::new(
                "D3110",
                format!(
                    "The timezone argument must be of the form ±HHMM, not {:?}",
                    tz
                ),
            ));
        }
        off_h = (offset / 100.0).floor();
        off_m = offset % 100.0;
    }
    let owned;
    let spec: &Vec<Part> = match picture {
        None => iso_spec(),
        Some(p) => {
            owned = analyse_picture(p)?;
            &owned
        }
    };
    let offset_ms = (60.0 * off_h + off_m) * 60.0 * 1000.0;
    let Some(d) = DateParts::new(ms + offset_ms) else {
        return Err(FnError::new(
            "D3110",
            format!(
                "The timestamp {} is outside the range a date can represent",
                super::numbers::number_to_string(ms)
            ),
        ));
    };
    let mut out = String::new();
    for part in spec {
        match part {
            Part::Literal(l) => out.push_str(l),
            Part::Marker(m) => out.push_str(&format_component(&d, m, off_h, off_m)?),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

enum PartParser {
    Integer(IntegerFormat),
    Fraction,
    Timezone { gmt: bool, separator: Option<char> },
    Names(Vec<(String, f64)>),
}

struct MatchPart {
    regex: String,
    component: Option<char>,
    parser: Option<PartParser>,
}

fn escape_literal(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if ".*+?^${}()|[]\\".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn integer_regex(f: &IntegerFormat) -> FnResult<String> {
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

fn match_part(part: &Part) -> FnResult<MatchPart> {
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

fn run_parser(p: &PartParser, value: &str) -> FnResult<Option<f64>> {
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
    static PARSE_REGEXES: std::cell::RefCell<HashMap<String, std::rc::Rc<regress::Regex>>> =
        std::cell::RefCell::new(HashMap::new());
}

fn cached_regex(source: &str) -> FnResult<std::rc::Rc<regress::Regex>> {
    if let Some(re) = PARSE_REGEXES.with(|c| c.borrow().get(source).cloned()) {
        return Ok(re);
    }
    let re = regress::Regex::with_flags(source, "i").map_err(|e| {
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

fn truthy(v: Option<&Option<f64>>) -> bool {
    matches!(v, Some(Some(x)) if *x != 0.0 && !x.is_nan())
}

fn parse_date_time(timestamp: &str, picture: &str, now_ms: f64) -> FnResult<Option<f64>> {
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
    let Some(found) = re.find(timestamp) else {
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

fn iso_regex() -> Option<&'static regress::Regex> {
    static RE: OnceLock<Option<regress::Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        regress::Regex::new(
            r"^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$",
        )
        .ok()
    })
    .as_ref()
}

/// JavaScript `Date.parse` for the ISO 8601 forms the jsonata-js pre-check lets through:
/// `YYYY[-MM[-DD]][THH:mm:ss[.fff]][Z|±HH:mm|±HHmm]`. Other strings give NaN, as V8 does.
/// A date-time without an offset is read as UTC (Step Functions runs in UTC).
fn date_parse_iso(s: &str) -> f64 {
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
pub fn to_millis(timestamp: &str, picture: Option<&str>, now_ms: f64) -> FnResult<Option<f64>> {
    match picture {
        None => {
            let ok = iso_regex().is_some_and(|re| re.find(timestamp).is_some());
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
        Some(p) => parse_date_time(timestamp, p, now_ms),
    }
}
