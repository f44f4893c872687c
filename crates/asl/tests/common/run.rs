//! What the tests that run whole definitions (jsonata.rs, variables.rs) check an outcome with.

// Each test crate uses a part.
#![allow(dead_code)]

use serde_json::{json, Value};
use stepbridge_asl::{run, RunOutcome, RunRequest};

/// `mocks` (see [`mocks`]) are test case "T".
pub fn exec(definition: Value, input: Value, mocks: Option<Value>) -> RunOutcome {
    run(&RunRequest {
        definition: definition.to_string(),
        input: input.to_string(),
        test_case: mocks.as_ref().map(|_| "T".to_string()),
        mock_config: mocks.map(|m| m.to_string()),
        ..RunRequest::default()
    })
}

pub fn ok(o: &RunOutcome) -> &Value {
    assert_eq!(
        o.status,
        stepbridge_asl::RunStatus::Succeeded,
        "{:?}: {:?} {:?}",
        o.diagnostics,
        o.error,
        o.cause
    );
    o.output.as_ref().expect("output")
}

pub fn trace<'a>(o: &'a RunOutcome, name: &str) -> &'a Value {
    o.states
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no trace for {name}"))
}

/// The run ended with `error`, its cause mentioning `part`.
pub fn failed_with(o: &RunOutcome, error: &str, part: &str) {
    assert_eq!(o.error.as_deref(), Some(error), "{:?}", o.cause);
    assert!(o.cause.as_deref().unwrap().contains(part), "{:?}", o.cause);
}

/// Mocks for a state machine named "StateMachine" with one test case "T".
pub fn mocks(responses: Value) -> Value {
    json!({"StateMachines": {"StateMachine": {"TestCases": {"T": responses}}},
           "MockedResponses": {}})
}

/// A definition that does not validate: its diagnostics as `pointer message`.
pub fn invalid(definition: Value) -> Vec<String> {
    let o = exec(definition, json!({}), None);
    assert_eq!(o.status, stepbridge_asl::RunStatus::Invalid, "{o:?}");
    o.diagnostics
        .iter()
        .map(|d| format!("{} {}", d.location.pointer, d.message))
        .collect()
}
