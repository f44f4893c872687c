//! Execution history in the shape of GetExecutionHistory
//! (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html):
//! `id`, `previousEventId`, `timestamp`, `type` and one `...EventDetails` object whose
//! `input`/`output` fields are JSON *text*, as AWS returns them.
//!
//! Events are always counted (the 25,000-event quota applies whether or not anyone looks)
//! but only built when recording is on, because building them means serialising every
//! state's input and output.

use crate::clock;
use crate::error::StatesError;
use serde_json::{Map, Value};

/// Payload text kept in one run's recorded history. Each payload is at most the 256 KiB
/// quota, but 25,000 events of them would be 6 GB; past this budget an event's payload
/// fields are emptied and their `...Details` say `"truncated": true`, the flag AWS's
/// history events carry for data they do not return in full
/// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEventExecutionDataDetails.html).
/// 8 MiB (32 full-size payloads): with as much again of kept state payloads and the run's
/// JSON text, a 25,000-event loop over a 200 KB payload stays under 256 MB in wasm, where
/// 16 MiB reached 290 MB.
pub const MAX_HISTORY_DATA: usize = 8 * 1024 * 1024;

pub struct History {
    record: bool,
    max: u64,
    count: u64,
    final_allowed: bool,
    events: Vec<Value>,
    /// Payload text bytes kept so far (see [`MAX_HISTORY_DATA`]).
    data: usize,
    /// Set once a payload was truncated: later ones are not built at all.
    full: bool,
}

impl History {
    pub fn new(record: bool, max: u64) -> History {
        History {
            record,
            max,
            count: 0,
            final_allowed: false,
            events: Vec::new(),
            data: 0,
            full: false,
        }
    }

    /// Append an event; past the quota the execution must fail (AWS fails it with
    /// States.Runtime, naming the limit).
    pub fn push(
        &mut self,
        ty: &str,
        at_ms: i64,
        details: Option<(&'static str, Value)>,
    ) -> Result<(), StatesError> {
        if self.count >= self.max && !self.final_allowed {
            return Err(StatesError::runtime(format!(
                "The execution reached the maximum number of history events ({}).",
                self.max
            )));
        }
        self.count += 1;
        if self.record {
            let mut e = Map::new();
            e.insert("id".into(), Value::from(self.count));
            e.insert("previousEventId".into(), Value::from(self.count - 1));
            e.insert("timestamp".into(), Value::String(clock::format_ms(at_ms)));
            e.insert("type".into(), Value::String(ty.to_string()));
            if let Some((key, d)) = details {
                if !key.is_empty() {
                    let d = self.bounded(drop_nulls(d));
                    e.insert(key.into(), d);
                }
            }
            self.events.push(Value::Object(e));
        }
        Ok(())
    }

    /// Go on from a previous attempt's events (a redrive): ids continue after them.
    pub fn resume(&mut self, events: Vec<Value>, count: u64) {
        self.count = count;
        if self.record {
            self.events = events;
        }
    }

    /// Count the payload texts of one event's details against [`MAX_HISTORY_DATA`],
    /// emptying those past it.
    fn bounded(&mut self, mut d: Value) -> Value {
        let Value::Object(m) = &mut d else { return d };
        for field in ["input", "output", "parameters", "result"] {
            let Some(Value::String(text)) = m.get_mut(field) else {
                continue;
            };
            if self.data.saturating_add(text.len()) <= MAX_HISTORY_DATA {
                self.data += text.len();
                continue;
            }
            text.clear();
            self.full = true;
            m.insert(
                format!("{field}Details"),
                serde_json::json!({"truncated": true}),
            );
        }
        d
    }

    /// Whether payload texts are past the budget (callers may skip building them).
    pub fn payloads_full(&self) -> bool {
        self.full
    }

    /// Lets the closing Execution* event through even when the quota is used up.
    pub fn allow_final(&mut self) {
        self.final_allowed = true;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn into_events(self) -> Vec<Value> {
        self.events
    }
}

/// Optional detail fields AWS omits rather than sending null (e.g. timeoutInSeconds).
fn drop_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        other => other,
    }
}

/// Failure details (`error`, `cause`, then `extra`): an empty error name is a failure
/// without one (a mocked `Throw` with no `Error`), which AWS records with no `error` field.
pub fn failure_details(error: &str, cause: &str, extra: &[(&str, &str)]) -> Value {
    let mut m = serde_json::Map::new();
    for (k, v) in extra {
        m.insert((*k).to_string(), Value::String((*v).to_string()));
    }
    if !error.is_empty() {
        m.insert("error".into(), Value::String(error.to_string()));
    }
    m.insert("cause".into(), Value::String(cause.to_string()));
    Value::Object(m)
}

/// JSON text of a value, as history details carry it.
pub fn text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

pub fn entered(ty: &str) -> &'static str {
    match ty {
        "Pass" => "PassStateEntered",
        "Task" => "TaskStateEntered",
        "Choice" => "ChoiceStateEntered",
        "Wait" => "WaitStateEntered",
        "Succeed" => "SucceedStateEntered",
        "Fail" => "FailStateEntered",
        "Parallel" => "ParallelStateEntered",
        _ => "MapStateEntered",
    }
}

pub fn exited(ty: &str) -> &'static str {
    match ty {
        "Pass" => "PassStateExited",
        "Task" => "TaskStateExited",
        "Choice" => "ChoiceStateExited",
        "Wait" => "WaitStateExited",
        "Succeed" => "SucceedStateExited",
        "Fail" => "FailStateExited",
        "Parallel" => "ParallelStateExited",
        _ => "MapStateExited",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quota_stops_then_allows_the_final_event() {
        let mut h = History::new(true, 2);
        assert!(h.push("A", 0, None).is_ok());
        assert!(h
            .push("B", 0, Some(("bDetails", json!({"x": null, "y": 1}))))
            .is_ok());
        let err = h.push("C", 0, None).unwrap_err();
        assert_eq!(err.error, "States.Runtime");
        h.allow_final();
        assert!(h.push("ExecutionFailed", 0, None).is_ok());
        let ev = h.into_events();
        assert_eq!(ev.len(), 3);
        assert_eq!(ev[1]["bDetails"], json!({"y": 1}));
        assert_eq!(ev[2]["previousEventId"], json!(2));
    }

    #[test]
    fn payloads_past_the_budget_are_truncated() {
        let mut h = History::new(true, 1000);
        let big = "x".repeat(MAX_HISTORY_DATA / 3 + 1);
        for _ in 0..4 {
            let d = json!({"input": big.clone(), "inputDetails": {"truncated": false}});
            h.push("PassStateEntered", 0, Some(("stateEnteredEventDetails", d)))
                .unwrap();
        }
        let ev = h.into_events();
        let kept: Vec<bool> = ev
            .iter()
            .map(|e| e["stateEnteredEventDetails"]["inputDetails"]["truncated"] == json!(false))
            .collect();
        assert_eq!(kept, vec![true, true, false, false]);
        assert_eq!(ev[3]["stateEnteredEventDetails"]["input"], json!(""));
    }
}
