#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
//! Real runs of the engine for the view-model tests.

use serde_json::Value;
use stepbridge_asl::RunRequest;
use stepbridge_inspect::trace::{trace, Trace, Visit};

pub fn example(name: &str) -> String {
    std::fs::read_to_string(format!("../../static/examples/{name}")).unwrap()
}

/// Run a definition and return (definition, outcome) as JSON values.
pub fn run(
    definition: &str,
    input: &str,
    mocks: Option<&Value>,
    test_case: Option<&str>,
) -> (Value, Value) {
    let request = RunRequest {
        definition: definition.to_string(),
        input: input.to_string(),
        mock_config: mocks.map(Value::to_string),
        test_case: test_case.map(str::to_string),
        ..RunRequest::default()
    };
    let outcome: Value = serde_json::from_str(&stepbridge_asl::run(&request).to_json()).unwrap();
    assert_ne!(outcome["status"], "INVALID", "{outcome}");
    (serde_json::from_str(definition).unwrap(), outcome)
}

pub fn run_trace(
    definition: &str,
    input: &str,
    mocks: Option<&Value>,
    test_case: Option<&str>,
) -> Trace {
    let (d, o) = run(definition, input, mocks, test_case);
    trace(&d, &o)
}

/// The order example with one of its mock test cases.
pub fn order(test_case: &str) -> Trace {
    let mocks: Value = serde_json::from_str(&example("order-processing.mocks.json")).unwrap();
    run_trace(
        &example("order-processing.asl.json"),
        &example("order-processing.input.json"),
        Some(&mocks),
        Some(test_case),
    )
}

pub fn nodes(t: &Trace) -> Vec<&str> {
    t.visits.iter().map(|v| v.node.as_str()).collect()
}

pub fn visit<'a>(t: &'a Trace, node: &str) -> &'a Visit {
    t.visits
        .iter()
        .find(|v| v.node == node)
        .unwrap_or_else(|| panic!("no visit of {node}"))
}
