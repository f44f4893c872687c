//! The Retry and Catch timeline of a visit: each attempt with its error, the retrier that
//! matched it and the back-off interval (observed on the virtual clock and the nominal
//! one from the definition), then the catcher that took the last error.
//!
//! Matching follows "Error handling in Step Functions"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html):
//! retriers and catchers are tried in order and the first whose ErrorEquals names the
//! error wins; `States.ALL` matches any error except `States.Runtime` (never retried or
//! caught); it also matches `States.DataLimitExceeded`, which that page calls uncatchable but
//! AWS catches (a task result over the payload quota, issue 14, recorded from AWS; as the
//! engine's `error_matches`); `States.TaskFailed` matches any error except
//! the time-outs; a retrier retries at most MaxAttempts (default 3) times, waiting
//! IntervalSeconds (default 1) × BackoffRate (default 2.0) to the power of the retries it
//! already made, capped by MaxDelaySeconds.

use super::walk::{Attempt, WalkVisit};
use super::Visit;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptRow {
    /// 1 for the first try.
    pub attempt: usize,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub start_ms: i64,
    /// The retrier (index in Retry) that sent this attempt's error to another attempt.
    pub retrier_index: Option<usize>,
    /// Seconds between this attempt's failure and the next attempt, on the virtual clock.
    pub interval_seconds: Option<f64>,
    /// What the retrier's IntervalSeconds × BackoffRate^n (capped) gives; with full jitter
    /// the observed interval is a random part of it.
    pub nominal_interval_seconds: Option<f64>,
    pub max_delay_seconds: Option<f64>,
    /// The retrier's JitterStrategy (FULL or NONE) when it sets one.
    pub jitter: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Catcher {
    pub index: usize,
    pub error_equals: Vec<String>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryTimeline {
    pub visit: usize,
    pub node: String,
    pub attempts: Vec<AttemptRow>,
    pub catcher: Option<Catcher>,
}

/// Does an ErrorEquals list name this error?
pub fn error_matches(list: &[String], error: &str) -> bool {
    if error == "States.Runtime" {
        return false;
    }
    list.iter().any(|n| {
        n == error
            || n == "States.ALL"
            || (n == "States.TaskFailed"
                && !matches!(
                    error,
                    "States.Timeout" | "States.HeartbeatTimeout" | "States.DataLimitExceeded"
                ))
            || (n == "States.Timeout" && error == "States.HeartbeatTimeout")
    })
}

fn error_equals(v: &Value) -> Vec<String> {
    v.get("ErrorEquals")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

fn list<'a>(def: Option<&'a Value>, key: &str) -> &'a [Value] {
    def.and_then(|d| d.get(key))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

pub(crate) fn timelines(walked: &[WalkVisit], visits: &[Visit]) -> Vec<RetryTimeline> {
    let mut out = Vec::new();
    for (w, v) in walked.iter().zip(visits) {
        if v.attempts < 2 && v.status != "Caught" {
            continue;
        }
        let retry = list(w.def.as_ref(), "Retry");
        let catch = list(w.def.as_ref(), "Catch");
        let mut used = vec![0u64; retry.len()];
        let mut rows = Vec::new();
        // Failures that wrote no event (before the task was scheduled) left no attempts in
        // the history: each attempt then failed with the visit's error, at unknown times.
        let observed = w.attempts.len() >= v.attempts;
        let synthesized: Vec<Attempt>;
        let attempts: &[Attempt] = if observed {
            &w.attempts
        } else {
            let error = v
                .error
                .clone()
                .map(|e| (e, v.cause.clone().unwrap_or_default()));
            synthesized = (0..v.attempts)
                .map(|_| Attempt {
                    start_ms: w.start_ms,
                    error: error.clone(),
                    ..Attempt::default()
                })
                .collect();
            &synthesized
        };
        for (i, a) in attempts.iter().enumerate() {
            let mut row = AttemptRow {
                attempt: i + 1,
                error: a.error.as_ref().map(|e| e.0.clone()),
                cause: a.error.as_ref().map(|e| e.1.clone()),
                start_ms: a.start_ms - (w.start_ms - v.start_ms),
                retrier_index: None,
                interval_seconds: None,
                nominal_interval_seconds: None,
                max_delay_seconds: None,
                jitter: None,
            };
            let next = attempts.get(i + 1);
            if let (Some(e), Some(next)) = (&a.error, next) {
                let r = retry
                    .iter()
                    .position(|r| error_matches(&error_equals(r), &e.0));
                if let Some(r) = r {
                    let spec = &retry[r];
                    let interval = spec
                        .get("IntervalSeconds")
                        .and_then(Value::as_f64)
                        .unwrap_or(1.0);
                    let backoff = spec
                        .get("BackoffRate")
                        .and_then(Value::as_f64)
                        .unwrap_or(2.0);
                    let max_delay = spec.get("MaxDelaySeconds").and_then(Value::as_f64);
                    let mut nominal = interval * backoff.powf(used[r] as f64);
                    if let Some(m) = max_delay {
                        nominal = nominal.min(m);
                    }
                    used[r] += 1;
                    row.retrier_index = Some(r);
                    row.nominal_interval_seconds = Some(nominal);
                    row.max_delay_seconds = max_delay;
                    row.jitter = spec
                        .get("JitterStrategy")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                }
                if observed {
                    let failed = a.failed_ms.unwrap_or(a.start_ms);
                    row.interval_seconds = Some((next.start_ms - failed) as f64 / 1000.0);
                }
            }
            rows.push(row);
        }
        let catcher = if v.status == "Caught" {
            v.error.as_deref().and_then(|e| {
                catch
                    .iter()
                    .enumerate()
                    .find(|(_, c)| error_matches(&error_equals(c), e))
                    .map(|(index, c)| Catcher {
                        index,
                        error_equals: error_equals(c),
                        next: c.get("Next").and_then(Value::as_str).map(str::to_string),
                    })
            })
        } else {
            None
        };
        out.push(RetryTimeline {
            visit: v.index,
            node: v.node.clone(),
            attempts: rows,
            catcher,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_names_match_as_aws_documents() {
        let l = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(error_matches(&l(&["States.ALL"]), "Anything"));
        assert!(!error_matches(&l(&["States.ALL"]), "States.Runtime"));
        assert!(error_matches(
            &l(&["States.ALL"]),
            "States.DataLimitExceeded"
        ));
        assert!(error_matches(&l(&["States.TaskFailed"]), "Lambda.Unknown"));
        assert!(!error_matches(&l(&["States.TaskFailed"]), "States.Timeout"));
        assert!(error_matches(
            &l(&["States.Timeout"]),
            "States.HeartbeatTimeout"
        ));
        assert!(!error_matches(&l(&["A", "B"]), "C"));
    }
}
