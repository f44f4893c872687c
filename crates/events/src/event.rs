//! The event side of TestEventPattern: it must be a JSON object with the envelope fields
//! AWS insists on, or AWS answers `ValidationException: Parameter Event is not valid.`

use crate::locate::{line_col, locate, pointer_escape};
use crate::PatternError;
use serde_json::Value;

/// The error code AWS returns for an event TestEventPattern refuses.
pub const INVALID_EVENT: &str = "ValidationException";

/// Envelope fields TestEventPattern requires. The API reference also lists `resources`,
/// but the service accepts events without it (LocalStack's parity tests against AWS
/// found the same), so it is not required here.
pub const REQUIRED_FIELDS: &[&str] = &["id", "account", "source", "time", "region", "detail-type"];

const PREFIX: &str = "Parameter Event is not valid.";

fn invalid_event(reason: &str, pointer: String, (line, column): (u32, u32)) -> PatternError {
    PatternError {
        error: INVALID_EVENT.to_string(),
        message: format!("{PREFIX} Reason: {reason}"),
        pointer,
        line,
        column,
    }
}

/// Parses and checks an event the way TestEventPattern does, naming what is wrong.
pub fn validate_event(source: &str) -> Result<Value, PatternError> {
    let value: Value = serde_json::from_str(source).map_err(|e| {
        let reason = crate::pattern::json_syntax_reason(&e);
        invalid_event(
            &format!("Event is not valid JSON: {reason}"),
            String::new(),
            (e.line() as u32, e.column() as u32),
        )
    })?;
    let Value::Object(map) = &value else {
        return Err(invalid_event(
            "Event must be a JSON object",
            String::new(),
            line_col(source, source.len() - source.trim_start().len()),
        ));
    };
    if let Some(missing) = REQUIRED_FIELDS.iter().find(|f| !map.contains_key(**f)) {
        return Err(invalid_event(
            &format!("Provided Event is missing required field {missing}."),
            String::new(),
            line_col(source, source.len() - source.trim_start().len()),
        ));
    }
    match map.get("time") {
        Some(Value::String(t)) if is_timestamp(t) => {}
        _ => {
            let pointer = format!("/{}", pointer_escape("time"));
            return Err(invalid_event(
                "Invalid time: expected an ISO 8601 timestamp such as 2017-12-22T18:43:48Z.",
                pointer.clone(),
                locate(source, &pointer),
            ));
        }
    }
    Ok(value)
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, the form EventBridge writes in `time`.
fn is_timestamp(t: &str) -> bool {
    let b = t.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let num = |r: std::ops::Range<usize>| t[r].parse::<u32>().unwrap_or(99);
    let (month, day, hour, minute, second) =
        (num(5..7), num(8..10), num(11..13), num(14..16), num(17..19));
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return false;
    }
    let mut rest = &t[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert!(is_timestamp("2017-12-22T18:43:48Z"));
        assert!(is_timestamp("2017-12-22T18:43:48.123+02:00"));
        assert!(!is_timestamp("yesterday"));
        assert!(!is_timestamp("2017-13-22T18:43:48Z"));
        assert!(!is_timestamp("2017-12-22T18:43:48"));
    }
}
