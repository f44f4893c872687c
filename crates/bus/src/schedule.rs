//! Schedule expressions: EventBridge rules' `rate(...)` and six-field `cron(...)`, and
//! EventBridge Scheduler's `at(...)` with a time zone.
//!
//! No crate on crates.io implements AWS's dialect exactly (its six fields with a year, `?`
//! being mandatory in one day field, `L`/`W`/`#`, SUN=1 numbering and wrap-around ranges),
//! so the parser is written here. Calendar arithmetic uses chrono and chrono-tz.
//!
//! Pages reproduced:
//! - <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html>
//!   (cron fields, wildcards, limitations; rate units and singular/plural rule)
//! - <https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html>
//!   (`at(...)`, time zones, daylight saving time)

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Timelike, Utc,
};
use chrono_tz::Tz;
use serde::Serialize;

/// Who evaluates the expression: rules only know `rate` and `cron` in UTC; Scheduler adds
/// `at` and time zones, and starts rate schedules immediately rather than one period later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Rule,
    Scheduler,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleError {
    /// Always `ValidationException`, the exception PutRule/CreateSchedule raise.
    pub error: String,
    pub message: String,
    /// The cron field at fault (`Minutes`, `Day-of-week`, ...), or `value`/`unit` for rates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ScheduleError {
    fn new(field: Option<&str>, reason: impl Into<String>) -> Self {
        ScheduleError {
            error: "ValidationException".into(),
            message: format!(
                "Parameter ScheduleExpression is not valid. Reason: {}",
                reason.into()
            ),
            field: field.map(str::to_string),
        }
    }
}

impl std::fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

impl std::error::Error for ScheduleError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RateUnit {
    Minute,
    Hour,
    Day,
}

impl RateUnit {
    fn seconds(self) -> i64 {
        match self {
            RateUnit::Minute => 60,
            RateUnit::Hour => 3600,
            RateUnit::Day => 86_400,
        }
    }
}

/// A parsed expression together with the zone it is evaluated in.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub kind: ScheduleKind,
    pub zone: Tz,
    pub flavor: Flavor,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScheduleKind {
    Rate { value: u32, unit: RateUnit },
    Cron(Box<Cron>),
    At(NaiveDateTime),
}

/// Day-of-month field after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayOfMonth {
    Any,
    /// Bit `d` set for day `d` (1..=31).
    Days(u32),
    Last,
    LastWeekday,
    NearestWeekday(u32),
}

/// Day-of-week field after parsing; days are numbered as AWS does, 1 = SUN .. 7 = SAT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayOfWeek {
    Any,
    Days(u8),
    /// `5L`: the last Thursday of the month.
    LastOf(u32),
    /// `3#2`: the second Tuesday of the month.
    Nth(u32, u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    pub minutes: u64,
    pub hours: u32,
    pub day_of_month: DayOfMonth,
    pub months: u16,
    pub day_of_week: DayOfWeek,
    /// Bit `y - 1970` for each allowed year; all set for `*`.
    pub years: [u64; 4],
}

const YEAR_MIN: i32 = 1970;
const YEAR_MAX: i32 = 2199;
const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// Parses an expression as PutRule (`Flavor::Rule`, always UTC) or CreateSchedule
/// (`Flavor::Scheduler`, with `ScheduleExpressionTimezone`) would.
pub fn parse(
    expression: &str,
    zone: Option<&str>,
    flavor: Flavor,
) -> Result<Schedule, ScheduleError> {
    let zone = match zone {
        None | Some("") => Tz::UTC,
        Some(name) => {
            if flavor == Flavor::Rule {
                return Err(ScheduleError::new(
                    Some("timezone"),
                    "EventBridge rules evaluate schedules in UTC; a time zone is only accepted by EventBridge Scheduler",
                ));
            }
            name.parse::<Tz>().map_err(|_| ScheduleError::new(
                Some("timezone"),
                format!("unknown time zone '{name}': use an IANA name such as America/New_York or UTC"),
            ))?
        }
    };
    let trimmed = expression.trim();
    let (name, body) = match (trimmed.find('('), trimmed.strip_suffix(')')) {
        (Some(open), Some(without_close)) => (&trimmed[..open], &without_close[open + 1..]),
        _ => {
            return Err(ScheduleError::new(
                None,
                format!(
                    "'{trimmed}' is not rate(value unit), cron(minutes hours day-of-month month day-of-week year){}",
                    if flavor == Flavor::Scheduler { " or at(yyyy-mm-ddThh:mm:ss)" } else { "" }
                ),
            ))
        }
    };
    let kind = match name {
        "rate" => parse_rate(body)?,
        "cron" => ScheduleKind::Cron(Box::new(parse_cron(body)?)),
        "at" if flavor == Flavor::Scheduler => ScheduleKind::At(parse_at(body)?),
        "at" => {
            return Err(ScheduleError::new(
                None,
                "at(...) one-time schedules belong to EventBridge Scheduler; rules accept rate(...) and cron(...)",
            ))
        }
        other => {
            return Err(ScheduleError::new(
                None,
                format!("unknown schedule type '{other}': expected rate, cron{}", if flavor == Flavor::Scheduler { " or at" } else { "" }),
            ))
        }
    };
    Ok(Schedule {
        kind,
        zone,
        flavor,
        source: trimmed.to_string(),
    })
}

fn parse_rate(body: &str) -> Result<ScheduleKind, ScheduleError> {
    let parts: Vec<&str> = body.split_whitespace().collect();
    if parts.len() != 2 {
        return Err(ScheduleError::new(
            None,
            format!(
                "rate({body}) needs exactly two fields, a value and a unit, e.g. rate(5 minutes)"
            ),
        ));
    }
    let value: u32 = match parts[0].parse() {
        Ok(v) if v > 0 && parts[0].bytes().all(|b| b.is_ascii_digit()) => v,
        _ => {
            return Err(ScheduleError::new(
                Some("value"),
                format!("rate value '{}' must be a positive whole number", parts[0]),
            ))
        }
    };
    let (unit, plural) = match parts[1] {
        "minute" => (RateUnit::Minute, false),
        "minutes" => (RateUnit::Minute, true),
        "hour" => (RateUnit::Hour, false),
        "hours" => (RateUnit::Hour, true),
        "day" => (RateUnit::Day, false),
        "days" => (RateUnit::Day, true),
        other => {
            return Err(ScheduleError::new(
                Some("unit"),
                format!(
                    "rate unit '{other}' must be one of minute, minutes, hour, hours, day, days"
                ),
            ))
        }
    };
    if value == 1 && plural {
        return Err(ScheduleError::new(
            Some("unit"),
            format!(
                "a rate of 1 takes the singular unit: rate(1 {})",
                parts[1].trim_end_matches('s')
            ),
        ));
    }
    if value > 1 && !plural {
        return Err(ScheduleError::new(
            Some("unit"),
            format!(
                "a rate greater than 1 takes the plural unit: rate({value} {}s)",
                parts[1]
            ),
        ));
    }
    Ok(ScheduleKind::Rate { value, unit })
}

fn parse_at(body: &str) -> Result<NaiveDateTime, ScheduleError> {
    let shape_ok = body.len() == 19
        && body.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(ScheduleError::new(
            Some("at"),
            format!("at({body}) must be at(yyyy-mm-ddThh:mm:ss), e.g. at(2024-03-01T09:30:00)"),
        ));
    }
    NaiveDateTime::parse_from_str(body, "%Y-%m-%dT%H:%M:%S").map_err(|_| {
        ScheduleError::new(
            Some("at"),
            format!("at({body}) is not a real calendar date and time"),
        )
    })
}

const FIELD_NAMES: [&str; 6] = [
    "Minutes",
    "Hours",
    "Day-of-month",
    "Month",
    "Day-of-week",
    "Year",
];
const FIELD_HELP: [&str; 6] = [
    "0-59 with , - * /",
    "0-23 with , - * /",
    "1-31 with , - * ? / L W",
    "1-12 or JAN-DEC with , - * /",
    "1-7 or SUN-SAT with , - * ? L #",
    "1970-2199 with , - * /",
];

fn field_error(index: usize, reason: String) -> ScheduleError {
    ScheduleError::new(
        Some(FIELD_NAMES[index]),
        format!(
            "field {} ({}): {}; allowed: {}",
            index + 1,
            FIELD_NAMES[index],
            reason,
            FIELD_HELP[index]
        ),
    )
}

fn parse_cron(body: &str) -> Result<Cron, ScheduleError> {
    let fields: Vec<&str> = body.split_whitespace().collect();
    if fields.len() != 6 {
        return Err(ScheduleError::new(
            None,
            format!(
                "cron({body}) has {} field(s); AWS cron takes six: minutes hours day-of-month month day-of-week year",
                fields.len()
            ),
        ));
    }
    let minutes = parse_numeric(fields[0], 0, 0, 59, None)?;
    let hours = parse_numeric(fields[1], 1, 0, 23, None)? as u32;
    let months = parse_numeric(fields[3], 3, 1, 12, Some(&MONTHS))? as u16;
    let years = parse_years(fields[5])?;
    let dom_any = fields[2] == "?";
    let dow_any = fields[4] == "?";
    if dom_any == dow_any {
        return Err(ScheduleError::new(
            Some(if dom_any {
                "Day-of-week"
            } else {
                "Day-of-month"
            }),
            if dom_any {
                "Day-of-month and Day-of-week are both '?': give a value or * in exactly one of them".to_string()
            } else {
                format!(
                    "Day-of-month '{}' and Day-of-week '{}' are both specified: one of them must be '?'",
                    fields[2], fields[4]
                )
            },
        ));
    }
    let day_of_month = if dom_any {
        DayOfMonth::Any
    } else {
        parse_dom(fields[2])?
    };
    let day_of_week = if dow_any {
        DayOfWeek::Any
    } else {
        parse_dow(fields[4])?
    };
    Ok(Cron {
        minutes,
        hours,
        day_of_month,
        months,
        day_of_week,
        years,
    })
}

/// One number or name; `names[i]` stands for `min + i`.
fn parse_value(
    text: &str,
    index: usize,
    min: u32,
    max: u32,
    names: Option<&[&str]>,
) -> Result<u32, ScheduleError> {
    if let Some(names) = names {
        let upper = text.to_ascii_uppercase();
        if let Some(pos) = names.iter().position(|n| *n == upper) {
            return Ok(min + pos as u32);
        }
    }
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(field_error(
            index,
            format!(
                "'{text}' is not a number{}",
                if names.is_some() { " or a name" } else { "" }
            ),
        ));
    }
    match text.parse::<u32>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(field_error(
            index,
            format!("value {text} is out of range {min}-{max}"),
        )),
    }
}

/// Comma-separated elements of `*`, `n`, `a-b` (wrapping when a > b), each with optional `/step`.
/// Returns a bitmask with bit `v` for each selected value.
fn parse_numeric(
    text: &str,
    index: usize,
    min: u32,
    max: u32,
    names: Option<&[&str]>,
) -> Result<u64, ScheduleError> {
    let mut mask = 0u64;
    for element in text.split(',') {
        mask |= parse_element(element, index, min, max, names)?;
    }
    Ok(mask)
}

fn parse_element(
    element: &str,
    index: usize,
    min: u32,
    max: u32,
    names: Option<&[&str]>,
) -> Result<u64, ScheduleError> {
    if element.is_empty() {
        return Err(field_error(
            index,
            "empty list element (check the commas)".into(),
        ));
    }
    let (range, step) = match element.split_once('/') {
        Some((r, s)) => {
            let step = match s.parse::<u32>() {
                Ok(v) if v > 0 && s.bytes().all(|b| b.is_ascii_digit()) => v,
                _ => {
                    return Err(field_error(
                        index,
                        format!("increment '{s}' in '{element}' must be a positive number"),
                    ))
                }
            };
            (r, Some(step))
        }
        None => (element, None),
    };
    let (start, end) = if range == "*" {
        (min, max)
    } else if let Some((a, b)) = range.split_once('-') {
        (
            parse_value(a, index, min, max, names)?,
            parse_value(b, index, min, max, names)?,
        )
    } else {
        let v = parse_value(range, index, min, max, names)?;
        // `5/15` runs from 5 to the end of the field; a bare value is just itself.
        (v, if step.is_some() { max } else { v })
    };
    let step = step.unwrap_or(1);
    let span = max - min + 1;
    let length = if end >= start {
        end - start
    } else {
        end + span - start
    };
    let mut mask = 0u64;
    let mut offset = 0;
    while offset <= length {
        let v = min + (start - min + offset) % span;
        mask |= 1u64 << v;
        offset += step;
    }
    Ok(mask)
}

fn parse_years(text: &str) -> Result<[u64; 4], ScheduleError> {
    let mut years = [0u64; 4];
    for element in text.split(',') {
        if element.is_empty() {
            return Err(field_error(
                5,
                "empty list element (check the commas)".into(),
            ));
        }
        let (range, step) = match element.split_once('/') {
            Some((r, s)) => match s.parse::<u32>() {
                Ok(v) if v > 0 && s.bytes().all(|b| b.is_ascii_digit()) => (r, v),
                _ => {
                    return Err(field_error(
                        5,
                        format!("increment '{s}' in '{element}' must be a positive number"),
                    ))
                }
            },
            None => (element, 1),
        };
        let min = YEAR_MIN as u32;
        let max = YEAR_MAX as u32;
        let (start, end) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            let a = parse_value(a, 5, min, max, None)?;
            let b = parse_value(b, 5, min, max, None)?;
            if b < a {
                return Err(field_error(
                    5,
                    format!("range {range} ends before it starts"),
                ));
            }
            (a, b)
        } else {
            let v = parse_value(range, 5, min, max, None)?;
            (v, if element.contains('/') { max } else { v })
        };
        let mut y = start;
        while y <= end {
            let bit = (y - min) as usize;
            years[bit / 64] |= 1u64 << (bit % 64);
            y += step;
        }
    }
    Ok(years)
}

fn parse_dom(text: &str) -> Result<DayOfMonth, ScheduleError> {
    match text {
        "L" => return Ok(DayOfMonth::Last),
        "LW" => return Ok(DayOfMonth::LastWeekday),
        _ => {}
    }
    if let Some(day) = text.strip_suffix('W') {
        let d = parse_value(day, 2, 1, 31, None)?;
        return Ok(DayOfMonth::NearestWeekday(d));
    }
    if text.contains('L') || text.contains('W') {
        return Err(field_error(
            2,
            format!("'{text}': L, LW and nW stand alone, not inside lists or ranges"),
        ));
    }
    Ok(DayOfMonth::Days(parse_numeric(text, 2, 1, 31, None)? as u32))
}

fn parse_dow(text: &str) -> Result<DayOfWeek, ScheduleError> {
    if text == "L" {
        // The last day of the week is Saturday (7).
        return Ok(DayOfWeek::Days(1 << 7));
    }
    if let Some((day, nth)) = text.split_once('#') {
        if day.contains(',') || nth.contains(',') {
            return Err(field_error(4, format!("'{text}': with '#' the field holds a single expression (\"3#1,6#3\" is not valid)")));
        }
        let d = parse_value(day, 4, 1, 7, Some(&WEEKDAYS))?;
        let n = match nth.parse::<u32>() {
            Ok(n) if (1..=5).contains(&n) && nth.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => {
                return Err(field_error(
                    4,
                    format!("'{text}': the occurrence after '#' must be 1-5"),
                ))
            }
        };
        return Ok(DayOfWeek::Nth(d, n));
    }
    if let Some(day) = text.strip_suffix('L') {
        if !day.contains(',') && !day.contains('-') {
            return Ok(DayOfWeek::LastOf(parse_value(
                day,
                4,
                1,
                7,
                Some(&WEEKDAYS),
            )?));
        }
    }
    Ok(DayOfWeek::Days(
        parse_numeric(text, 4, 1, 7, Some(&WEEKDAYS))? as u8,
    ))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    match (
        NaiveDate::from_ymd_opt(ny, nm, 1),
        NaiveDate::from_ymd_opt(year, month, 1),
    ) {
        (Some(next), Some(this)) => (next - this).num_days() as u32,
        _ => 30,
    }
}

/// AWS numbering: 1 = Sunday.
fn aws_weekday(date: NaiveDate) -> u32 {
    date.weekday().num_days_from_sunday() + 1
}

impl Cron {
    fn year_allowed(&self, year: i32) -> bool {
        if !(YEAR_MIN..=YEAR_MAX).contains(&year) {
            return false;
        }
        let bit = (year - YEAR_MIN) as usize;
        self.years[bit / 64] & (1u64 << (bit % 64)) != 0
    }

    fn day_matches(&self, date: NaiveDate) -> bool {
        let day = date.day();
        let last = days_in_month(date.year(), date.month());
        let dom = match &self.day_of_month {
            DayOfMonth::Any => true,
            DayOfMonth::Days(mask) => mask & (1 << day) != 0,
            DayOfMonth::Last => day == last,
            DayOfMonth::LastWeekday => {
                let mut d = last;
                while d > 1 {
                    match date.with_day(d) {
                        Some(candidate)
                            if aws_weekday(candidate) != 1 && aws_weekday(candidate) != 7 =>
                        {
                            break
                        }
                        _ => d -= 1,
                    }
                }
                day == d
            }
            DayOfMonth::NearestWeekday(target) => {
                // The weekday nearest the target day, without leaving the month.
                let target = (*target).min(last);
                match date.with_day(target) {
                    Some(t) => {
                        let wd = aws_weekday(t);
                        let chosen = match wd {
                            7 if target == 1 => target + 2,
                            7 => target - 1,
                            1 if target == last => target - 2,
                            1 => target + 1,
                            _ => target,
                        };
                        day == chosen
                    }
                    None => false,
                }
            }
        };
        let wd = aws_weekday(date);
        let dow = match &self.day_of_week {
            DayOfWeek::Any => true,
            DayOfWeek::Days(mask) => mask & (1 << wd) != 0,
            DayOfWeek::LastOf(d) => wd == *d && day + 7 > last,
            DayOfWeek::Nth(d, n) => wd == *d && (day - 1) / 7 + 1 == *n,
        };
        dom && dow
    }

    /// The first local minute strictly after `after` that the expression selects.
    pub fn next_local(&self, after: NaiveDateTime) -> Option<NaiveDateTime> {
        let start = after
            .with_second(0)?
            .with_nanosecond(0)?
            .checked_add_signed(Duration::minutes(1))?;
        let mut date = start.date();
        let mut first_day = true;
        loop {
            let year = date.year();
            if year > YEAR_MAX {
                return None;
            }
            if !self.year_allowed(year) {
                date = NaiveDate::from_ymd_opt(year + 1, 1, 1)?;
                first_day = false;
                continue;
            }
            if self.months & (1 << date.month()) == 0 {
                date = if date.month() == 12 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(year, date.month() + 1, 1)?
                };
                first_day = false;
                continue;
            }
            if self.day_matches(date) {
                let (from_hour, from_minute) = if first_day {
                    (start.hour(), start.minute())
                } else {
                    (0, 0)
                };
                for hour in from_hour..24 {
                    if self.hours & (1 << hour) == 0 {
                        continue;
                    }
                    let min_start = if hour == from_hour { from_minute } else { 0 };
                    for minute in min_start..60 {
                        if self.minutes & (1u64 << minute) != 0 {
                            return Some(date.and_time(NaiveTime::from_hms_opt(hour, minute, 0)?));
                        }
                    }
                }
            }
            date = date.succ_opt()?;
            first_day = false;
        }
    }
}

/// Renders an instant the way EventBridge writes event times: `2015-11-11T21:29:54Z`.
pub fn format_time(t: DateTime<Utc>) -> String {
    // Written out by hand: chrono's strftime re-parses its format string on every call, and
    // every log entry carries a time.
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl Schedule {
    /// The rate period, if this is a rate schedule.
    pub fn period(&self) -> Option<Duration> {
        match &self.kind {
            ScheduleKind::Rate { value, unit } => {
                Duration::try_seconds(i64::from(*value) * unit.seconds())
            }
            _ => None,
        }
    }

    /// The first fire time strictly after `after`. Rate schedules count from `anchor` (a
    /// rule's creation, a schedule's start): a rule first fires one period after it is
    /// created, a Scheduler schedule immediately.
    pub fn next_after(&self, after: DateTime<Utc>, anchor: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match &self.kind {
            ScheduleKind::Rate { .. } => {
                let period = self.period()?.num_seconds();
                let first_k: i64 = if self.flavor == Flavor::Rule { 1 } else { 0 };
                let elapsed = (after - anchor).num_seconds();
                let k = if elapsed < first_k * period {
                    first_k
                } else {
                    elapsed.div_euclid(period) + 1
                };
                let k = k.max(first_k);
                let candidate =
                    anchor.checked_add_signed(Duration::try_seconds(k.checked_mul(period)?)?)?;
                if candidate > after {
                    Some(candidate)
                } else {
                    anchor.checked_add_signed(Duration::try_seconds((k + 1).checked_mul(period)?)?)
                }
            }
            ScheduleKind::At(local) => {
                let instant = resolve_local(self.zone, *local)?;
                (instant > after).then_some(instant)
            }
            ScheduleKind::Cron(cron) => {
                let mut local = after.with_timezone(&self.zone).naive_local();
                // Each pass moves at least one minute forward; the bound keeps a pathological
                // zone from looping (cron itself stops at year 2199).
                for _ in 0..10_000 {
                    let candidate = cron.next_local(local)?;
                    // Spring forward: a local time that does not exist is skipped. Fall back:
                    // an ambiguous time runs once, at its first occurrence.
                    if let Some(instant) = resolve_local(self.zone, candidate) {
                        if instant > after {
                            return Some(instant);
                        }
                    }
                    local = candidate;
                }
                None
            }
        }
    }

    /// The next `count` fire times strictly after `after`.
    pub fn next_fire_times(
        &self,
        after: DateTime<Utc>,
        anchor: DateTime<Utc>,
        count: usize,
    ) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        let mut cursor = after;
        while out.len() < count {
            match self.next_after(cursor, anchor) {
                Some(t) => {
                    out.push(t);
                    cursor = t;
                }
                None => break,
            }
        }
        out
    }
}

fn resolve_local(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}
