//! A JSONata expression, a NUL byte, then the execution input: a small JSONata state machine
//! evaluating the expression in Assign, Output, a Choice Condition, Map Items and a Fail
//! Cause must run to an outcome without panicking, within a small history quota.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use stepbridge_asl::{run, RunRequest};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (expr, input) = text.split_once('\0').unwrap_or((text, ""));
    let q = format!("{{% {expr} %}}");
    let definition = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Assign": {"v": q}, "Output": {"o": q, "in": "{% $states.input %}"},
              "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Condition": q, "Next": "M"}], "Default": "F"},
        "M": {"Type": "Map", "Items": q, "MaxConcurrency": 2,
              "ItemProcessor": {"StartAt": "I", "States": {
                  "I": {"Type": "Pass", "Output": q, "End": true}}},
              "Output": {"m": "{% $states.result %}", "v": "{% $v %}"}, "End": true},
        "F": {"Type": "Fail", "Error": "E", "Cause": q}}});
    let input = if serde_json::from_str::<Value>(input).is_ok() {
        input.to_string()
    } else {
        String::new()
    };
    let outcome = run(&RunRequest {
        definition: definition.to_string(),
        input,
        seed: 3,
        max_history_events: Some(200),
        ..RunRequest::default()
    });
    assert!(!outcome.status.is_empty());
});
