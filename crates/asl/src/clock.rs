//! The virtual clock: milliseconds since the Unix epoch, advanced by Wait states, retry
//! back-off and simulated task durations, never by the machine's own clock. That makes
//! a run with an hour-long Wait finish instantly and the trace reproducible.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

/// The default start of every execution: a fixed instant, so traces are stable.
pub const DEFAULT_START_MS: i64 = 1_704_067_200_000; // 2024-01-01T00:00:00Z

/// Latest instant the clock represents (year 9999); Wait targets beyond are clamped so
/// arithmetic can never overflow.
const MAX_MS: i64 = 253_402_300_799_000;

/// RFC 3339 text to epoch milliseconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let t = DateTime::parse_from_rfc3339(text).ok()?;
    Some(t.timestamp_millis())
}

/// Epoch milliseconds to `2024-01-01T00:00:00.000Z`, the form AWS consoles show.
pub fn format_ms(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms.clamp(0, MAX_MS)).single() {
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => String::from("1970-01-01T00:00:00.000Z"),
    }
}

/// `now + seconds`, saturating at the end of the representable range.
pub fn add_seconds(now: i64, seconds: f64) -> i64 {
    if !seconds.is_finite() || seconds <= 0.0 {
        return now;
    }
    let delta = (seconds * 1000.0).min(MAX_MS as f64) as i64;
    now.saturating_add(delta).min(MAX_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(
            parse_rfc3339("2024-01-01T00:00:00Z"),
            Some(DEFAULT_START_MS)
        );
        assert_eq!(
            format_ms(DEFAULT_START_MS + 1500),
            "2024-01-01T00:00:01.500Z"
        );
        assert_eq!(
            parse_rfc3339("2024-01-01T01:00:00+01:00"),
            Some(DEFAULT_START_MS)
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(add_seconds(0, f64::INFINITY), 0);
        assert_eq!(add_seconds(MAX_MS, 1e300), MAX_MS);
    }
}
