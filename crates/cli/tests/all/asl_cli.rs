//! The `stepbridge run` / `stepbridge validate` contract of issue 3, driven through the
//! built binary as external harnesses drive it: one JSON document on stdout, exit codes
//! 0 (SUCCEEDED / OK), 1 (any other end of a run), 2 (invalid definition, input or mocks).

use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static/examples");

fn stepbridge(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_stepbridge"))
        .args(args)
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is one JSON document ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), doc)
}

fn example(name: &str) -> String {
    format!("{EXAMPLES}/{name}")
}

/// A scratch directory of this test run.
fn scratch(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("stepbridge-asl-cli-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn order_run(test_case: &str, extra: &[&str]) -> (i32, Value) {
    example_run("order-processing.asl.json", test_case, extra)
}

/// An order-processing definition run on the example's input and mock file.
fn example_run(definition: &str, test_case: &str, extra: &[&str]) -> (i32, Value) {
    let def = example(definition);
    let input = example("order-processing.input.json");
    let mocks = example("order-processing.mocks.json");
    let mut args = vec![
        "run",
        &def,
        "--input",
        &input,
        "--mock-config",
        &mocks,
        "--test-case",
        test_case,
    ];
    args.extend_from_slice(extra);
    stepbridge(&args)
}

#[test]
fn succeeded_run_prints_status_and_output_and_exits_0() {
    let (code, doc) = order_run("HappyPath", &[]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["status"], "SUCCEEDED");
    assert_eq!(doc["output"]["status"], "SHIPPED");
    assert!(doc.get("history").is_none(), "history only with --history");
}

#[test]
fn failed_run_prints_error_and_cause_and_exits_1() {
    let (code, doc) = order_run("InvalidOrder", &[]);
    assert_eq!(code, 1);
    assert_eq!(doc["status"], "FAILED");
    assert_eq!(doc["error"], "OrderRejected");
    assert_eq!(doc["cause"], "The order did not pass validation.");
    assert!(doc.get("output").is_none());
}

#[test]
fn history_flag_adds_the_events() {
    let (code, doc) = order_run("Throttled", &["--history"]);
    assert_eq!(code, 0);
    let history = doc["history"].as_array().expect("history array");
    assert_eq!(history[0]["type"], "ExecutionStarted");
    assert_eq!(history[0]["id"], 1);
    assert_eq!(
        history.last().map(|e| e["type"].clone()),
        Some(json!("ExecutionSucceeded"))
    );
    assert!(history.iter().any(|e| e["type"] == "TaskFailed"));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn jsonata_example_prints_its_variables_and_history_carries_assignments() {
    let (code, doc) = example_run(
        "order-processing-jsonata.asl.json",
        "HappyPath",
        &["--history"],
    );
    assert_eq!(code, 0, "{doc}");
    assert_eq!(
        doc["output"],
        json!({"orderId": "A-1001", "status": "SHIPPED", "receipt": "receipt-A-1001", "itemCount": 2})
    );
    assert_eq!(doc["variables"]["total"], json!(31));
    assert_eq!(doc["variables"]["inventory"]["reserved"], json!(2));
    let history = doc["history"].as_array().expect("history array");
    let exited = history
        .iter()
        .find(|e| e["type"] == "ParallelStateExited")
        .expect("ParallelStateExited");
    assert_eq!(
        exited["stateExitedEventDetails"]["assignedVariables"]["payment"],
        json!("{\"charged\":31,\"receipt\":\"receipt-A-1001\"}")
    );
    let task = doc["states"]
        .as_array()
        .and_then(|s| s.iter().find(|t| t["name"] == "ValidateOrder"))
        .expect("ValidateOrder inspection");
    assert_eq!(
        task["afterArguments"]["Payload"]["orderId"],
        json!("A-1001")
    );
    assert_eq!(task["variables"]["valid"], json!(true));
}

#[test]
fn invalid_definition_exits_2_with_diagnostics() {
    let dir = scratch("invalid");
    let def = dir.join("bad.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Missing"}}}"#,
    )
    .expect("write");
    let (code, doc) = stepbridge(&["run", def.to_str().unwrap_or("")]);
    assert_eq!(code, 2);
    assert_eq!(doc["status"], "INVALID");
    let d = &doc["diagnostics"][0];
    assert!(d["code"].is_string() && d["message"].is_string(), "{doc}");
    assert!(d["location"]["line"].as_u64().unwrap_or(0) >= 1);
}

#[test]
fn invalid_input_exits_2() {
    let def = example("order-processing.asl.json");
    let (code, doc) = stepbridge(&["run", &def, "--input", "{not json"]);
    assert_eq!(code, 2);
    assert_eq!(doc["status"], "INVALID");
}

#[test]
fn inline_input_and_no_mocks() {
    let dir = scratch("inline");
    let def = dir.join("echo.asl.json");
    std::fs::write(&def, r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"v.$": "$.v"}, "End": true}}}"#).expect("write");
    let (code, doc) = stepbridge(&["run", def.to_str().unwrap_or(""), "--input", r#"{"v": 5}"#]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["output"], json!({"v": 5}));
    assert_eq!(doc["unmocked"], json!(["T"]));
}

#[test]
fn several_state_machines_default_to_the_definition_file_name() {
    let dir = scratch("several");
    let def = dir.join("billing.asl.json");
    std::fs::write(&def, r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}"#).expect("write");
    let mocks = dir.join("mocks.json");
    std::fs::write(
        &mocks,
        json!({
            "StateMachines": {
                "shipping": {"TestCases": {"T": {"T": "Ship"}}},
                "billing": {"TestCases": {"T": {"T": "Bill"}}}
            },
            "MockedResponses": {"Ship": {"0": {"Return": "ship"}}, "Bill": {"0": {"Return": "bill"}}}
        })
        .to_string(),
    )
    .expect("write");
    let (d, m) = (def.to_str().unwrap_or(""), mocks.to_str().unwrap_or(""));
    let (code, doc) = stepbridge(&["run", d, "--mock-config", m, "--test-case", "T"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["output"], "bill");
    let (code, doc) = stepbridge(&[
        "run",
        d,
        "--mock-config",
        m,
        "--test-case",
        "T",
        "--state-machine",
        "shipping",
    ]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["output"], "ship");
    let (code, doc) = stepbridge(&["run", d, "--mock-config", m, "--test-case", "Nope"]);
    assert_eq!(code, 2);
    assert_eq!(doc["status"], "INVALID");
}

#[test]
fn waiting_for_callback_exits_1_with_the_token() {
    let dir = scratch("callback");
    let def = dir.join("approve.asl.json");
    std::fs::write(&def, r#"{"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"t.$": "$$.Task.Token"}, "End": true}}}"#).expect("write");
    let (code, doc) = stepbridge(&["run", def.to_str().unwrap_or("")]);
    assert_eq!(code, 1);
    assert_eq!(doc["status"], "WAITING_FOR_CALLBACK");
    assert!(doc["taskTokens"][0]["token"].is_string(), "{doc}");
}

#[test]
fn timed_out_exits_1() {
    let dir = scratch("timeout");
    let def = dir.join("slow.asl.json");
    std::fs::write(&def, r#"{"TimeoutSeconds": 5, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}}"#).expect("write");
    let (code, doc) = stepbridge(&["run", def.to_str().unwrap_or("")]);
    assert_eq!(code, 1);
    assert_eq!(doc["status"], "TIMED_OUT");
}

#[test]
fn validate_ok_and_fail() {
    let (code, doc) = stepbridge(&["validate", &example("order-processing.asl.json")]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["result"], "OK");
    assert!(doc["diagnostics"].is_array());
    let dir = scratch("validate");
    let def = dir.join("bad.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Next": "A"}}}"#,
    )
    .expect("write");
    let (code, doc) = stepbridge(&["validate", def.to_str().unwrap_or("")]);
    assert_eq!(code, 2);
    assert_eq!(doc["result"], "FAIL");
    let d = &doc["diagnostics"][0];
    for key in ["severity", "code", "message", "location"] {
        assert!(d.get(key).is_some(), "diagnostic has {key}: {doc}");
    }
}

// StartSyncExecution's response shape:
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartSyncExecution.html
#[test]
fn sync_express_run_prints_the_start_sync_execution_response() {
    let dir = scratch("sync");
    let def = dir.join("quick.asl.json");
    std::fs::write(&def, r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "P"}, "P": {"Type": "Pass", "End": true}}}"#).expect("write");
    let path = def.to_str().unwrap_or("");
    let (code, doc) = stepbridge(&["run", path, "--sync", "--input", r#"{"a": 1}"#]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["status"], "SUCCEEDED");
    assert_eq!(doc["output"], r#"{"a":1}"#);
    assert_eq!(
        doc["billingDetails"]["billedDurationInMilliseconds"],
        json!(1000)
    );
    assert!(doc["executionArn"]
        .as_str()
        .unwrap_or("")
        .contains(":express:quick:"));
    // --type express prints the CloudWatch Logs records; --log-level filters them.
    let (code, doc) = stepbridge(&["run", path, "--type", "express", "--log-level", "fatal"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["logs"], json!([]));
    let (_, doc) = stepbridge(&["run", path, "--type", "express", "--no-execution-data"]);
    assert_eq!(doc["logs"].as_array().map(Vec::len), Some(6), "{doc}");
    assert!(doc["logs"][0]["details"].get("input").is_none());
}

// Express refuses callbacks at creation (SCHEMA_VALIDATION_FAILED): exit 2.
#[test]
fn express_refuses_a_callback_task() {
    let dir = scratch("express-refuse");
    let def = dir.join("approve.asl.json");
    std::fs::write(&def, r#"{"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"t.$": "$$.Task.Token"}, "End": true}}}"#).expect("write");
    let (code, doc) = stepbridge(&["run", def.to_str().unwrap_or(""), "--sync"]);
    assert_eq!(code, 2, "{doc}");
    assert_eq!(doc["diagnostics"][0]["code"], "SCHEMA_VALIDATION_FAILED");
}

// RedriveExecution: https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html
#[test]
fn redrive_flag_restarts_a_failed_run() {
    let dir = scratch("redrive");
    let def = dir.join("flaky.asl.json");
    std::fs::write(&def, r#"{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}"#).expect("write");
    let mocks = dir.join("mocks.json");
    std::fs::write(&mocks, r#"{"StateMachines": {"flaky": {"TestCases": {"T": {"Call": "R"}}}}, "MockedResponses": {"R": {"0": {"Throw": {"Error": "Oops", "Cause": "first"}}, "1": {"Return": {"ok": 1}}}}}"#).expect("write");
    let args = [
        "run",
        def.to_str().unwrap_or(""),
        "--mock-config",
        mocks.to_str().unwrap_or(""),
        "--test-case",
        "T",
    ];
    let (code, doc) = stepbridge(&args);
    assert_eq!((code, &doc["status"]), (1, &json!("FAILED")), "{doc}");
    let mut with_redrive = args.to_vec();
    with_redrive.extend_from_slice(&["--redrive", "2"]);
    let (code, doc) = stepbridge(&with_redrive);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["output"], json!({"ok": 1}));
    assert_eq!(doc["redriveCount"], 1);
}
