//! Many-rule matching exports (owner: the fast matcher work).
//!
//! `matchEvents(rulesJson, eventsJsonl)` counts, per rule, the events of a JSON-lines text
//! it matches, as `stepbridge match` does, and says how long the matching took inside
//! wasm (parsing of the events included), so a page or a Node script can measure the
//! engine without the cost of handing a large string across the JS boundary.
//! `Matcher` keeps a compiled rule set for repeated use (benchmarks, the playground):
//! `countBytes` / `countText` take a whole JSON-lines buffer in one call, and `feed` +
//! `finish` take a stream in chunks of any size (cut anywhere, a line split between
//! chunks is joined), so JS crosses into wasm once per chunk, never once per event.

use crate::to_js;
use serde_json::{json, Value};
use stepbridge_events::matcher::{
    parse_rules, Counts, JsonlCounter, LineError, RuleSet, RulesError,
};
use stepbridge_events::INVALID_EVENT;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_MATCH_TYPES: &'static str = r#"
export interface MatchOutcome {
  counts: Record<string, number>; events: number; seconds: number
}
"#;

/// Milliseconds from a monotonic clock: `performance.now()` where the host has it (browsers,
/// Node), `Date.now()` otherwise; the native twin uses the process clock.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
extern "C" {
    /// `catch`: a host without `performance` throws a ReferenceError, which becomes `Err`.
    #[wasm_bindgen(js_namespace = performance, js_name = now, catch)]
    fn performance_now() -> Result<f64, JsValue>;
}

#[cfg(target_arch = "wasm32")]
fn now_ms() -> f64 {
    performance_now().unwrap_or_else(|_| js_sys::Date::now())
}

#[cfg(not(target_arch = "wasm32"))]
fn now_ms() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
        * 1000.0
}

fn rules_error_value(e: &RulesError) -> Value {
    serde_json::to_value(e).unwrap_or(Value::Null)
}

fn line_error_value(e: &LineError) -> Value {
    json!({
        "error": INVALID_EVENT,
        "message": format!("Event on line {} is not valid: {}", e.line, e.error.message),
        "pointer": "",
        "line": e.line,
        "column": e.error.column,
    })
}

fn outcome_value(set: &RuleSet, counts: &Counts, seconds: f64) -> Value {
    json!({
        "counts": set.counts_json(counts),
        "events": counts.events,
        "seconds": seconds,
    })
}

fn timed_count(set: &RuleSet, events: &[u8]) -> Value {
    let started = now_ms();
    let result = set.count_jsonl(events);
    let seconds = (now_ms() - started) / 1000.0;
    match result {
        Ok(counts) => outcome_value(set, &counts, seconds),
        Err(e) => line_error_value(&e),
    }
}

/// The plain-Rust twin of `matchEvents`: the outcome, or the error object (a rules error
/// names the rule; an event error names the line).
pub fn match_events_value(rules_json: &str, events_jsonl: &[u8]) -> Value {
    match parse_rules(rules_json) {
        Ok(rules) => timed_count(&RuleSet::compile(&rules), events_jsonl),
        Err(e) => rules_error_value(&e),
    }
}

/// Counts, per rule, the events of a JSON-lines text each rule matches.
#[wasm_bindgen(js_name = matchEvents, unchecked_return_type = "MatchOutcome | PatternError")]
pub fn match_events(rules_json: &str, events_jsonl: &str) -> Result<JsValue, JsValue> {
    to_js(&match_events_value(rules_json, events_jsonl.as_bytes()))
}

/// Like `matchEvents`, taking the events as UTF-8 bytes (a file read in Node or a fetched
/// `ArrayBuffer`), which avoids re-encoding a large string.
#[wasm_bindgen(js_name = matchEventsBytes, unchecked_return_type = "MatchOutcome | PatternError")]
pub fn match_events_bytes(rules_json: &str, events_jsonl: &[u8]) -> Result<JsValue, JsValue> {
    to_js(&match_events_value(rules_json, events_jsonl))
}

/// A compiled rule set, for matching many batches or single events without recompiling.
#[wasm_bindgen]
pub struct Matcher {
    set: RuleSet,
    /// The stream fed so far (`feed` / `finish`), and the time spent counting it.
    counter: JsonlCounter,
    fed_seconds: f64,
}

#[wasm_bindgen]
impl Matcher {
    /// Compiles `{"rule name": pattern, ...}`; throws the error object when a rule is
    /// invalid.
    #[wasm_bindgen(constructor)]
    pub fn new(rules_json: &str) -> Result<Matcher, JsValue> {
        match parse_rules(rules_json) {
            Ok(rules) => {
                let set = RuleSet::compile(&rules);
                Ok(Matcher {
                    counter: JsonlCounter::new(&set),
                    set,
                    fed_seconds: 0.0,
                })
            }
            Err(e) => Err(to_js(&rules_error_value(&e))?),
        }
    }

    /// Rule names in order.
    #[wasm_bindgen(js_name = ruleNames)]
    pub fn rule_names(&self) -> Vec<String> {
        self.set.names().to_vec()
    }

    /// Counts over JSON-lines bytes: `{counts, events, seconds}` or the line's error.
    #[wasm_bindgen(js_name = countBytes, unchecked_return_type = "MatchOutcome | PatternError")]
    pub fn count_bytes(&self, events_jsonl: &[u8]) -> Result<JsValue, JsValue> {
        to_js(&timed_count(&self.set, events_jsonl))
    }

    /// Counts the complete lines of one chunk of a JSON-lines stream (the start of a line
    /// cut at the chunk's end waits for the next chunk); throws the error object of the
    /// first invalid line. Call `finish` after the last chunk.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        let started = now_ms();
        let outcome = self.counter.feed(&self.set, chunk);
        self.fed_seconds += (now_ms() - started) / 1000.0;
        outcome.map_err(|e| to_js(&line_error_value(&e)).unwrap_or_else(|err| err))
    }

    /// The counts of the stream fed so far (its last line included):
    /// `{counts, events, seconds}`, `seconds` being the time spent counting inside wasm.
    /// The matcher is then ready for another stream.
    #[wasm_bindgen(unchecked_return_type = "MatchOutcome | PatternError")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let started = now_ms();
        let outcome = self.counter.finish(&self.set);
        let seconds = self.fed_seconds + (now_ms() - started) / 1000.0;
        self.fed_seconds = 0.0;
        match outcome {
            Ok(counts) => to_js(&outcome_value(&self.set, &counts, seconds)),
            Err(e) => {
                self.counter = JsonlCounter::new(&self.set);
                to_js(&line_error_value(&e))
            }
        }
    }

    /// Counts over a JSON-lines string.
    #[wasm_bindgen(js_name = countText, unchecked_return_type = "MatchOutcome | PatternError")]
    pub fn count_text(&self, events_jsonl: &str) -> Result<JsValue, JsValue> {
        to_js(&timed_count(&self.set, events_jsonl.as_bytes()))
    }

    /// The names of the rules one event matches; throws on an invalid event.
    #[wasm_bindgen(js_name = matchingRules)]
    pub fn matching_rules(&self, event_json: &str) -> Result<Vec<String>, JsValue> {
        match self.set.matching(event_json.as_bytes()) {
            Ok(hits) => Ok(hits
                .into_iter()
                .map(|i| self.set.names()[i].clone())
                .collect()),
            Err(e) => Err(to_js(&json!({
                "error": INVALID_EVENT,
                "message": format!("Event is not valid: {}", e.message),
                "pointer": "",
                "line": e.line,
                "column": e.column,
            }))?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_errors_as_values() {
        let rules = r#"{"a1": {"a": [1]}, "none": {"a": [3]}}"#;
        let out = match_events_value(rules, b"{\"a\": 1}\n{\"a\": [2, 1]}\n{\"a\": 2}\n");
        assert_eq!(out["counts"], json!({"a1": 2, "none": 0}));
        assert_eq!(out["events"], 3);
        assert!(out["seconds"].as_f64().is_some_and(|s| s >= 0.0));

        let bad_rules = match_events_value(r#"{"r": {"a": "not an array"}}"#, b"");
        assert_eq!(bad_rules["rule"], "r");
        assert_eq!(bad_rules["error"], "InvalidEventPatternException");

        let bad_event = match_events_value(rules, b"{\"a\": 1}\n{\"a\": }\n");
        assert_eq!(bad_event["line"], 2);
        assert_eq!(bad_event["error"], INVALID_EVENT);
    }

    #[test]
    fn a_stream_fed_in_pieces_counts_like_the_whole() {
        let rules = parse_rules(r#"{"a1": {"a": [1]}}"#).unwrap();
        let set = RuleSet::compile(&rules);
        let data = b"{\"a\": 1}\n{\"a\": [2, 1]}\n{\"a\": 2}";
        let whole = set.count_jsonl(data).unwrap();
        let mut counter = JsonlCounter::new(&set);
        for piece in data.chunks(3) {
            counter.feed(&set, piece).unwrap();
        }
        assert_eq!(counter.finish(&set).unwrap(), whole);
    }
}
