//! The payload quota check skips measuring values whose size bound fits the quota (see
//! `crate::expr::size`). These runs sweep the quota across the sizes the data passes
//! through and require the same outcome (status, error, cause, output) as measuring every
//! value exactly.

use crate::expr::size;
use crate::{ExecOptions, StateMachine};
use serde_json::{json, Value};

fn outcome(machine: &StateMachine, input: &Value, limit: usize, exact: bool) -> Value {
    size::set_exact_checks(exact);
    let options = ExecOptions {
        history: false,
        max_payload_bytes: limit,
        ..Default::default()
    };
    let o = machine.execute(input.clone(), &options);
    size::set_exact_checks(false);
    json!({"status": o.status, "error": o.error, "cause": o.cause, "output": o.output})
}

fn sweep(definition: Value, input: Value) {
    let machine = StateMachine::compile(&definition.to_string()).expect("valid definition");
    let big = outcome(&machine, &input, usize::MAX, false);
    assert_eq!(big["status"], "SUCCEEDED", "{big}");
    let mut failures = 0;
    for limit in (2..1600).step_by(7) {
        let fast = outcome(&machine, &input, limit, false);
        let exact = outcome(&machine, &input, limit, true);
        assert_eq!(fast, exact, "limit {limit}");
        failures += usize::from(fast["status"] != "SUCCEEDED");
    }
    assert!(failures > 0, "some quota in the sweep must be exceeded");
}

#[test]
fn moving_pass_loop() {
    sweep(
        json!({"StartAt": "Carry", "States": {
            "Carry": {"Type": "Pass", "InputPath": "$.state",
                "Parameters": {"counter.$": "States.MathAdd($.counter, 1)", "doc.$": "$.doc",
                               "label.$": "States.Format('n{}', $.counter)"},
                "ResultPath": "$.state", "Next": "More"},
            "More": {"Type": "Choice", "Choices": [
                {"Variable": "$.state.counter", "NumericLessThan": 5, "Next": "Carry"}],
                "Default": "Done"},
            "Done": {"Type": "Succeed", "OutputPath": "$.state"}}}),
        json!({"state": {"counter": 0, "doc": {"a": [1, 2, 3], "s": "x".repeat(300)}}}),
    );
}

#[test]
fn growing_copies() {
    sweep(
        json!({"StartAt": "Twice", "States": {
            "Twice": {"Type": "Pass", "Parameters": {"a.$": "$", "b.$": "$.v", "c": [1, {"k": "v"}]},
                "ResultPath": "$.v", "Next": "Keep"},
            "Keep": {"Type": "Pass", "InputPath": "$.v", "Parameters": {"x.$": "$.a", "y.$": "$.a.v"},
                "ResultPath": "$.w", "Next": "Again"},
            "Again": {"Type": "Pass", "Parameters": {"all.$": "$", "n.$": "States.ArrayLength($.v.c)"},
                "End": true}}}),
        json!({"v": {"s": "y".repeat(60)}}),
    );
}

#[test]
fn map_parallel_and_selectors() {
    sweep(
        json!({"StartAt": "Fan", "States": {
            "Fan": {"Type": "Parallel", "ResultPath": "$.fan", "Next": "Each", "Branches": [
                {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
                    "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "t.$": "$.tag"},
                    "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task",
                        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:echo", "End": true}}},
                    "ResultSelector": {"n.$": "States.ArrayLength($)", "all.$": "$"},
                    "ResultPath": "$.mapped", "End": true}}},
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"fixed": "r"}, "End": true}}}]},
            "Each": {"Type": "Map", "ItemsPath": "$.items",
                "ItemProcessor": {"StartAt": "Q", "States": {"Q": {"Type": "Pass",
                    "Parameters": {"id.$": "$.id", "name.$": "States.Format('item-{}', $.id)"}, "End": true}}},
                "End": true}}}),
        json!({"tag": "t", "items": (0..12).map(|i| json!({"id": i, "pad": "p".repeat(i * 3)})).collect::<Vec<_>>()}),
    );
}

#[test]
fn catch_output_and_result_selector() {
    sweep(
        json!({"StartAt": "Fail", "States": {
            "Fail": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "f", "Payload.$": "$"},
                "ResultSelector": {"body.$": "$.Payload", "k": "v"},
                "ResultPath": "$.r", "Next": "Done"},
            "Done": {"Type": "Pass", "OutputPath": "$.r", "End": true}}}),
        json!({"doc": "z".repeat(200), "list": [1, 2, 3]}),
    );
}
