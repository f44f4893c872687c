//! Schedule exercises: the learner's rate, cron or at expression (and time zone) must fire at
//! the described times.

use crate::verdict::{show, Refusal, Verdict};
use chrono::{DateTime, FixedOffset};
use serde_json::{json, Value};
use stepbridge_bus::scenario::next_fire_times;
use stepbridge_inspect::practice::{Answer, Case};

pub(crate) struct Prepared {
    expression: String,
    timezone: Option<String>,
}

impl Prepared {
    fn fire_times(&self, from: &str, count: usize) -> Value {
        next_fire_times(&self.expression, self.timezone.as_deref(), from, count)
    }
}

/// The expression as EventBridge (a rule, in UTC) or EventBridge Scheduler (with a time zone)
/// accepts it, or its fault in the field it is about.
pub(crate) fn prepare(answer: &Answer) -> Result<Prepared, Refusal> {
    let expression = answer.expression.trim();
    if expression.is_empty() {
        return Err(Refusal::new(
            "expression",
            "The schedule expression is empty",
        ));
    }
    let timezone = answer.timezone.trim();
    let prepared = Prepared {
        expression: expression.to_string(),
        timezone: (!timezone.is_empty()).then(|| timezone.to_string()),
    };
    let probe = prepared.fire_times("2024-01-01T00:00:00Z", 1);
    if let Some(message) = probe.get("message").and_then(Value::as_str) {
        let field = match probe.get("field").and_then(Value::as_str) {
            Some("timezone") => "timezone",
            _ => "expression",
        };
        return Err(Refusal::new(field, message));
    }
    Ok(prepared)
}

pub(crate) fn check(p: &Prepared, case: &Case) -> Verdict {
    let want = &case.expect.fire_times;
    if want.is_empty() {
        return Verdict::fail("this case lists no fire times (an authoring fault)");
    }
    let answer = p.fire_times(&case.from, want.len());
    if let Some(message) = answer.get("message").and_then(Value::as_str) {
        return Verdict::fail(format!("the schedule could not be evaluated: {message}"));
    }
    let got: Vec<String> = answer
        .get("times")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    let values = |v: Verdict| v.values(Some(json!(want)), Some(json!(got)));
    for (i, expected) in want.iter().enumerate() {
        let Some(actual) = got.get(i) else {
            return values(Verdict::fail(format!(
                "the schedule fires only {} times after {}, expected {}",
                got.len(),
                case.from,
                want.len()
            )))
            .pointer(format!("/{i}"));
        };
        if instant(expected).is_none() || instant(expected) != instant(actual) {
            return values(Verdict::fail(format!(
                "fire time {} is {}, expected {}",
                i + 1,
                show(&json!(actual)),
                show(&json!(expected))
            )))
            .pointer(format!("/{i}"));
        }
    }
    values(Verdict::pass(format!(
        "the next {} fire times after {} are the described ones",
        want.len(),
        case.from
    )))
}

/// Times are compared as instants: `Z` and `+00:00` name the same one.
fn instant(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text.trim()).ok()
}
