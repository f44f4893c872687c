//! Date/time pictures: analysis and formatting (`$fromMillis`, `$now`).

use std::sync::OnceLock;

use crate::error::{FnError, FnResult};
use crate::functions::numbers::*;

use super::*;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Width {
    pub(crate) min: Option<f64>,
    pub(crate) max: Option<f64>,
}

#[derive(Debug, Clone)]
pub(crate) struct Marker {
    pub(crate) component: Option<char>,
    pub(crate) width: Option<Width>,
    pub(crate) presentation1: String,
    pub(crate) presentation2: Option<char>,
    pub(crate) names: Option<Case>,
    pub(crate) integer_format: Option<IntegerFormat>,
    /// Digits kept of the year (-1: all).
    pub(crate) n: f64,
}

#[derive(Debug, Clone)]
pub(crate) enum Part {
    Literal(String),
    Marker(Box<Marker>),
}

pub(crate) fn default_presentation(c: char) -> Option<&'static str> {
    Some(match c {
        'Y' | 'M' | 'D' | 'd' | 'W' | 'w' | 'X' | 'x' | 'H' | 'h' | 'f' => "1",
        'F' | 'P' | 'C' | 'E' => "n",
        'm' | 's' => "01",
        'Z' | 'z' => "01:01",
        _ => return None,
    })
}

pub(crate) fn parse_width(w: Option<&str>) -> Option<f64> {
    match w {
        None | Some("*") => None,
        Some(w) => Some(js_parse_int(w)),
    }
}

pub(crate) fn analyse_picture(picture: &str) -> FnResult<Vec<Part>> {
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

pub(crate) fn format_component(
    d: &DateParts,
    m: &Marker,
    off_h: f64,
    off_m: f64,
) -> FnResult<String> {
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
                        s.push_str(&format_integer(off_m, "00")?);
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
            Fragment::Num(v) => crate::value::number_to_string(v),
            Fragment::Undefined => "undefined".into(),
        }),
    }
}

pub(crate) fn iso_spec() -> &'static Vec<Part> {
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
                crate::value::number_to_string(ms)
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
