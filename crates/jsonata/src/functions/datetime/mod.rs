//! `$fromMillis` / `$toMillis` (and `$now`): XPath F&O `format-dateTime` picture strings as
//! jsonata-js implements them, plus its ISO 8601 default. All arithmetic is JavaScript `Date`
//! arithmetic in UTC on f64 millisecond time values; no clock is read here.
//!
//! `format` holds the picture analysis and formatting, `parse` the parsing half.

mod format;
mod parse;

pub(crate) use format::*;
pub(crate) use parse::*;

use crate::error::{lib_err, Result};
use crate::eval::{Env, Evaluator};
use crate::value::Value;

use super::*;

pub(crate) fn fn_from_millis(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(ms) = num_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let pic = str_arg(args, 1);
    let tz = str_arg(args, 2);
    Ok(Value::string(
        from_millis(ms, pic.as_deref(), tz.as_deref()).map_err(lib_err)?,
    ))
}

pub(crate) fn fn_to_millis(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let pic = str_arg(args, 1);
    // Parsing searches with regexes (the picture's, the ISO 8601 check): on the budget.
    let ms =
        ev.with_regex_budget(|b| to_millis(b, &s, pic.as_deref(), ev.timestamp).map_err(lib_err))?;
    Ok(match ms {
        Some(n) => Value::Number(n),
        None => Value::Undefined,
    })
}

pub(crate) fn fn_now(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let pic = str_arg(args, 0);
    let tz = str_arg(args, 1);
    Ok(Value::string(
        from_millis(ev.timestamp, pic.as_deref(), tz.as_deref()).map_err(lib_err)?,
    ))
}

pub(crate) fn fn_millis(ev: &Evaluator, _: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(Value::Number(ev.timestamp))
}

pub(crate) const MS_PER_DAY: f64 = 86_400_000.0;
pub(crate) const DAYS: [&str; 8] = [
    "",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
pub(crate) const MONTHS: [&str; 12] = [
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
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Proleptic Gregorian (year, month 1..=12, day) of a day number.
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
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
pub(crate) fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > 8.64e15 {
        f64::NAN
    } else {
        t.trunc() + 0.0
    }
}

/// `Date.UTC(y, m0, d, h, mi, s, ms)`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn date_utc(y: f64, m0: f64, d: f64, h: f64, mi: f64, s: f64, ms: f64) -> f64 {
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
pub(crate) struct DateParts {
    pub(crate) time: f64,
    pub(crate) year: f64,
    pub(crate) month0: f64,
    pub(crate) day: f64,
    pub(crate) weekday: f64,
    pub(crate) hours: f64,
    pub(crate) minutes: f64,
    pub(crate) seconds: f64,
    pub(crate) millis: f64,
}

impl DateParts {
    pub(crate) fn new(t: f64) -> Option<DateParts> {
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

pub(crate) fn weekday_of(t: f64) -> f64 {
    ((t / MS_PER_DAY).floor() + 4.0).rem_euclid(7.0)
}

/// Start of week 1 of a year or month: the week (Monday first) holding its first Thursday.
pub(crate) fn start_of_first_week(year: f64, month0: f64) -> f64 {
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

pub(crate) fn next_month(y: f64, m0: f64) -> (f64, f64) {
    if m0 == 11.0 {
        (y + 1.0, 0.0)
    } else {
        (y, m0 + 1.0)
    }
}

pub(crate) fn previous_month(y: f64, m0: f64) -> (f64, f64) {
    if m0 == 0.0 {
        (y - 1.0, 11.0)
    } else {
        (y, m0 - 1.0)
    }
}

pub(crate) fn delta_weeks(start: f64, end: f64) -> f64 {
    (end - start) / (MS_PER_DAY * 7.0) + 1.0
}

/// A component's value: a number, or the am/pm marker.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fragment {
    Num(f64),
    Text(&'static str),
    /// A component jsonata-js does not know: it prints as "undefined".
    Undefined,
}

pub(crate) fn fragment(d: &DateParts, component: char) -> Fragment {
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
