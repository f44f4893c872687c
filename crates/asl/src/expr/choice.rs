//! Choice rules: every comparison, the Is* tests, StringMatches, And/Or/Not.
//! Owner: the "expressions" work. CONTRACT used by the executor:
//!
//! - `ChoiceRule::parse(&Value) -> Result<ChoiceRule, String>` (a top-level rule carries `Next`).
//! - `ChoiceRule::evaluate(&self, input, context) -> Result<bool, StatesError>`
//! - `ChoiceRule::next(&self) -> Option<&str>`
//! - Additions: `ChoiceRule::parse_nested(&Value)` (a rule inside And/Or/Not, no `Next`),
//!   `parse_timestamp(&str) -> Option<i128>` (RFC 3339 → nanoseconds since the epoch, as
//!   AWS accepts them for Timestamp* comparisons and Wait's Timestamp).
//!
//! Semantics from "Choice workflow state"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html): a comparison whose
//! Variable has the wrong type is simply false; a Variable that does not exist is a
//! `States.Runtime` error, except for `IsPresent`.

use crate::error::StatesError;
use crate::expr::jsonpath::Path;
use serde_json::Value;
use std::cmp::Ordering;

/// Deepest And/Or/Not nesting accepted.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceRule {
    cond: Cond,
    next: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Test { var: Path, test: Test },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Numeric,
    Boolean,
    Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    Eq,
    Lt,
    Gt,
    Le,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
enum Test {
    Compare { kind: Kind, rel: Rel, rhs: Rhs },
    Matches(Vec<Glob>),
    IsNull(bool),
    IsPresent(bool),
    IsNumeric(bool),
    IsString(bool),
    IsBoolean(bool),
    IsTimestamp(bool),
}

#[derive(Debug, Clone, PartialEq)]
enum Rhs {
    Literal(Value),
    Path(Path),
}

#[derive(Debug, Clone, PartialEq)]
enum Glob {
    Lit(char),
    Star,
}

/// Every comparison operator name AWS accepts (without and with the `Path` suffix).
pub const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringEqualsPath",
    "StringLessThan",
    "StringLessThanPath",
    "StringGreaterThan",
    "StringGreaterThanPath",
    "StringLessThanEquals",
    "StringLessThanEqualsPath",
    "StringGreaterThanEquals",
    "StringGreaterThanEqualsPath",
    "StringMatches",
    "NumericEquals",
    "NumericEqualsPath",
    "NumericLessThan",
    "NumericLessThanPath",
    "NumericGreaterThan",
    "NumericGreaterThanPath",
    "NumericLessThanEquals",
    "NumericLessThanEqualsPath",
    "NumericGreaterThanEquals",
    "NumericGreaterThanEqualsPath",
    "BooleanEquals",
    "BooleanEqualsPath",
    "TimestampEquals",
    "TimestampEqualsPath",
    "TimestampLessThan",
    "TimestampLessThanPath",
    "TimestampGreaterThan",
    "TimestampGreaterThanPath",
    "TimestampLessThanEquals",
    "TimestampLessThanEqualsPath",
    "TimestampGreaterThanEquals",
    "TimestampGreaterThanEqualsPath",
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
];

impl ChoiceRule {
    /// A top-level rule: a condition plus `Next`.
    pub fn parse(v: &Value) -> Result<ChoiceRule, String> {
        let obj = v.as_object().ok_or("A choice rule must be a JSON object")?;
        let next =
            match obj.get("Next") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => return Err("The field 'Next' of a choice rule must be a string".into()),
                None => return Err(
                    "A choice rule in 'Choices' must have a 'Next' field naming the state to go to"
                        .into(),
                ),
            };
        Ok(ChoiceRule {
            cond: parse_cond(v, true, 0)?,
            next,
        })
    }

    #[cfg_attr(not(test), allow(dead_code))] // used by the unit tests
    /// A rule nested inside And/Or/Not: no `Next`.
    pub fn parse_nested(v: &Value) -> Result<ChoiceRule, String> {
        Ok(ChoiceRule {
            cond: parse_cond(v, false, 0)?,
            next: None,
        })
    }

    #[cfg_attr(not(test), allow(dead_code))] // used by the unit tests
    pub fn next(&self) -> Option<&str> {
        self.next.as_deref()
    }

    pub fn evaluate(&self, input: &Value, context: &Value) -> Result<bool, StatesError> {
        eval(&self.cond, input, context)
    }
}

fn parse_cond(v: &Value, top: bool, depth: usize) -> Result<Cond, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "Choice rules are nested deeper than {MAX_DEPTH} levels"
        ));
    }
    let obj = v.as_object().ok_or("A choice rule must be a JSON object")?;
    let mut found: Option<Cond> = None;
    let mut variable: Option<&Value> = None;
    let mut ops: Vec<(&str, &Value)> = Vec::new();
    for (k, val) in obj {
        match k.as_str() {
            "Next" if top => {}
            "Comment" | "Assign" => {}
            "Variable" => variable = Some(val),
            "And" | "Or" => {
                let arr = val
                    .as_array()
                    .ok_or_else(|| format!("The field '{k}' must be an array of choice rules"))?;
                if arr.is_empty() {
                    return Err(format!(
                        "The field '{k}' must hold at least one choice rule"
                    ));
                }
                let mut subs = Vec::with_capacity(arr.len());
                for (i, s) in arr.iter().enumerate() {
                    subs.push(
                        parse_cond(s, false, depth + 1).map_err(|e| format!("{k}[{i}]: {e}"))?,
                    );
                }
                ops.push((k.as_str(), val));
                found = Some(if k == "And" {
                    Cond::And(subs)
                } else {
                    Cond::Or(subs)
                });
            }
            "Not" => {
                let sub = parse_cond(val, false, depth + 1).map_err(|e| format!("Not: {e}"))?;
                ops.push((k.as_str(), val));
                found = Some(Cond::Not(Box::new(sub)));
            }
            name if OPERATORS.contains(&name) => ops.push((name, val)),
            "Next" => {
                return Err("A choice rule nested in And, Or or Not cannot have 'Next'".into())
            }
            other => {
                return Err(format!(
                    "The field '{other}' is not supported in a choice rule"
                ))
            }
        }
    }
    match ops.len() {
        0 => return Err(
            "A choice rule must have a comparison (e.g. StringEquals with Variable) or And/Or/Not"
                .into(),
        ),
        1 => {}
        _ => {
            let names: Vec<&str> = ops.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "A choice rule must have exactly one comparison or And/Or/Not, found {}",
                names.join(", ")
            ));
        }
    }
    if let Some(c) = found {
        if variable.is_some() {
            return Err("'Variable' cannot be used with And, Or or Not".into());
        }
        return Ok(c);
    }
    let (op, val) = ops[0];
    let var = match variable {
        Some(Value::String(s)) => Path::parse(s).map_err(|e| format!("Variable: {e}"))?,
        Some(_) => return Err("The field 'Variable' must be a string holding a JSONPath".into()),
        None => return Err(format!("The comparison '{op}' needs a 'Variable' field")),
    };
    Ok(Cond::Test {
        var,
        test: parse_test(op, val)?,
    })
}

fn parse_test(op: &str, val: &Value) -> Result<Test, String> {
    let want_bool = || {
        val.as_bool()
            .ok_or_else(|| format!("The value of '{op}' must be true or false"))
    };
    match op {
        "IsNull" => return want_bool().map(Test::IsNull),
        "IsPresent" => return want_bool().map(Test::IsPresent),
        "IsNumeric" => return want_bool().map(Test::IsNumeric),
        "IsString" => return want_bool().map(Test::IsString),
        "IsBoolean" => return want_bool().map(Test::IsBoolean),
        "IsTimestamp" => return want_bool().map(Test::IsTimestamp),
        "StringMatches" => {
            let s = val
                .as_str()
                .ok_or("The value of 'StringMatches' must be a string pattern")?;
            return Ok(Test::Matches(compile_glob(s)));
        }
        _ => {}
    }
    let (base, is_path) = match op.strip_suffix("Path") {
        Some(b) => (b, true),
        None => (op, false),
    };
    let (kind, rest) = if let Some(r) = base.strip_prefix("String") {
        (Kind::String, r)
    } else if let Some(r) = base.strip_prefix("Numeric") {
        (Kind::Numeric, r)
    } else if let Some(r) = base.strip_prefix("Boolean") {
        (Kind::Boolean, r)
    } else if let Some(r) = base.strip_prefix("Timestamp") {
        (Kind::Timestamp, r)
    } else {
        return Err(format!("'{op}' is not a comparison operator"));
    };
    let rel = match rest {
        "Equals" => Rel::Eq,
        "LessThan" => Rel::Lt,
        "GreaterThan" => Rel::Gt,
        "LessThanEquals" => Rel::Le,
        "GreaterThanEquals" => Rel::Ge,
        _ => return Err(format!("'{op}' is not a comparison operator")),
    };
    let rhs = if is_path {
        let s = val
            .as_str()
            .ok_or_else(|| format!("The value of '{op}' must be a string holding a JSONPath"))?;
        Rhs::Path(Path::parse(s).map_err(|e| format!("{op}: {e}"))?)
    } else {
        let ok = match kind {
            Kind::String => val.is_string(),
            Kind::Numeric => val.is_number(),
            Kind::Boolean => val.is_boolean(),
            Kind::Timestamp => val.as_str().and_then(parse_timestamp).is_some(),
        };
        if !ok {
            let want = match kind {
                Kind::String => "a string",
                Kind::Numeric => "a number",
                Kind::Boolean => "true or false",
                Kind::Timestamp => "an RFC 3339 timestamp string such as 2016-08-18T17:33:00Z",
            };
            return Err(format!("The value of '{op}' must be {want}"));
        }
        Rhs::Literal(val.clone())
    };
    Ok(Test::Compare { kind, rel, rhs })
}

fn compile_glob(s: &str) -> Vec<Glob> {
    let mut out = Vec::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some(n) => out.push(Glob::Lit(n)),
                None => out.push(Glob::Lit('\\')),
            },
            '*' => {
                if out.last() != Some(&Glob::Star) {
                    out.push(Glob::Star)
                }
            }
            other => out.push(Glob::Lit(other)),
        }
    }
    out
}

/// Wildcard match with backtracking to the last star only: linear in practice, never
/// exponential.
fn glob_match(pat: &[Glob], text: &str) -> bool {
    // Positions are byte offsets on char boundaries (no per-call Vec<char>).
    let char_at = |i: usize| text[i..].chars().next().unwrap_or('\0');
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < text.len() {
        let c = char_at(i);
        match pat.get(p) {
            Some(Glob::Lit(l)) if *l == c => {
                p += 1;
                i += c.len_utf8();
            }
            Some(Glob::Star) => {
                star = Some((p, i));
                p += 1;
            }
            _ => match star {
                Some((sp, si)) => {
                    let next = si + char_at(si).len_utf8();
                    p = sp + 1;
                    i = next;
                    star = Some((sp, next));
                }
                None => return false,
            },
        }
    }
    pat[p.min(pat.len())..].iter().all(|g| *g == Glob::Star)
}

fn missing(path: &Path) -> StatesError {
    StatesError::runtime(format!(
        "Invalid path '{}': The choice state's condition path references an invalid value.",
        path.as_str()
    ))
}

fn eval(c: &Cond, input: &Value, context: &Value) -> Result<bool, StatesError> {
    match c {
        Cond::And(subs) => {
            for s in subs {
                if !eval(s, input, context)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Cond::Or(subs) => {
            for s in subs {
                if eval(s, input, context)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Cond::Not(s) => Ok(!eval(s, input, context)?),
        Cond::Test { var, test } => {
            let owned;
            let value: Option<&Value> = if var.is_definite() && var.variable().is_none() {
                var.select_ref(input, context)
            } else {
                owned = var.select_checked(input, context)?;
                owned.as_ref()
            };
            if let Test::IsPresent(want) = test {
                return Ok(value.is_some() == *want);
            }
            let value = value.ok_or_else(|| missing(var))?;
            Ok(match test {
                Test::IsPresent(w) => *w,
                Test::IsNull(w) => value.is_null() == *w,
                Test::IsNumeric(w) => value.is_number() == *w,
                Test::IsString(w) => value.is_string() == *w,
                Test::IsBoolean(w) => value.is_boolean() == *w,
                Test::IsTimestamp(w) => value.as_str().and_then(parse_timestamp).is_some() == *w,
                Test::Matches(g) => value.as_str().is_some_and(|s| glob_match(g, s)),
                Test::Compare { kind, rel, rhs } => {
                    let owned_rhs;
                    let r: &Value = match rhs {
                        Rhs::Literal(v) => v,
                        Rhs::Path(p) => {
                            owned_rhs = p
                                .select_checked(input, context)?
                                .ok_or_else(|| missing(p))?;
                            &owned_rhs
                        }
                    };
                    compare(*kind, *rel, value, r)
                }
            })
        }
    }
}

fn compare(kind: Kind, rel: Rel, l: &Value, r: &Value) -> bool {
    let ord = match kind {
        Kind::String => match (l, r) {
            // Java's String.compareTo orders by UTF-16 code units; so does AWS.
            (Value::String(a), Value::String(b)) => Some(a.encode_utf16().cmp(b.encode_utf16())),
            _ => None,
        },
        Kind::Numeric => match (l, r) {
            (Value::Number(a), Value::Number(b)) => num_cmp(a, b),
            _ => None,
        },
        Kind::Boolean => match (l, r) {
            (Value::Bool(a), Value::Bool(b)) if rel == Rel::Eq => Some(a.cmp(b)),
            _ => None,
        },
        Kind::Timestamp => match (
            l.as_str().and_then(parse_timestamp),
            r.as_str().and_then(parse_timestamp),
        ) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => None,
        },
    };
    let Some(o) = ord else { return false };
    match rel {
        Rel::Eq => o == Ordering::Equal,
        Rel::Lt => o == Ordering::Less,
        Rel::Gt => o == Ordering::Greater,
        Rel::Le => o != Ordering::Greater,
        Rel::Ge => o != Ordering::Less,
    }
}

fn num_cmp(a: &serde_json::Number, b: &serde_json::Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return Some(x.cmp(&y));
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

/// RFC 3339 timestamp → nanoseconds since 1970-01-01T00:00:00Z. AWS requires an uppercase
/// `T` between date and time and an uppercase `Z` (or a numeric offset); fractional seconds
/// are optional.
pub fn parse_timestamp(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let year = num(0..4)?;
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let month = num(5..7)?;
    let day = num(8..10)?;
    let hour = num(11..13)?;
    let min = num(14..16)?;
    let sec = num(17..19)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos: i128 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let digits = &s[start..i];
        if digits.is_empty() {
            return None;
        }
        let mut scale: i128 = 100_000_000;
        for d in digits.bytes().take(9) {
            nanos += (d - b'0') as i128 * scale;
            scale /= 10;
        }
    }
    let offset_secs: i64 = match b.get(i) {
        Some(b'Z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && b[i + 3] == b':' => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + min * 60 + sec - offset_secs;
    Some(secs as i128 * 1_000_000_000 + nanos)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if is_leap(y) {
                29
            } else {
                28
            }
        }
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::{glob_match, Glob};

    /// The straightforward form over a Vec<char>, as a reference.
    fn reference(pat: &[Glob], text: &str) -> bool {
        let t: Vec<char> = text.chars().collect();
        let (mut p, mut i) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while i < t.len() {
            match pat.get(p) {
                Some(Glob::Lit(c)) if *c == t[i] => {
                    p += 1;
                    i += 1;
                }
                Some(Glob::Star) => {
                    star = Some((p, i));
                    p += 1;
                }
                _ => match star {
                    Some((sp, si)) => {
                        p = sp + 1;
                        i = si + 1;
                        star = Some((sp, si + 1));
                    }
                    None => return false,
                },
            }
        }
        pat[p.min(pat.len())..].iter().all(|g| *g == Glob::Star)
    }

    fn glob(s: &str) -> Vec<Glob> {
        s.chars()
            .map(|c| if c == '*' { Glob::Star } else { Glob::Lit(c) })
            .collect()
    }

    #[test]
    fn glob_matches_the_reference_on_multibyte_text() {
        let pats = [
            "", "*", "a*", "*é", "a*é*z", "**", "é*é", "*ab*", "a?b", "日*本*",
        ];
        let texts = [
            "", "a", "é", "aé", "abéz", "aéxéz", "日本", "日x本y", "abab", "éé", "a?b",
        ];
        for p in pats {
            for t in texts {
                assert_eq!(
                    glob_match(&glob(p), t),
                    reference(&glob(p), t),
                    "{p} on {t}"
                );
            }
        }
    }
}
