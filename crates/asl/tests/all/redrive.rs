//! RedriveExecution: a failed, timed-out Standard execution restarts from the states that
//! did not succeed.
//! https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html
//! https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html

use serde_json::{json, Value};
use stepbridge_asl::{Execution, ExecutionType, RunRequest, RunStatus};

fn start(def: Value, mocks: Value) -> Execution {
    Execution::start(RunRequest {
        definition: def.to_string(),
        input: r#"{"order": 7}"#.into(),
        mock_config: Some(
            json!({"StateMachines": {"M": {"TestCases": {"T": mocks["case"].clone()}}},
                   "MockedResponses": mocks["responses"].clone()})
            .to_string(),
        ),
        test_case: Some("T".into()),
        state_machine: Some("M".into()),
        ..RunRequest::default()
    })
}

fn types(history: &[Value]) -> Vec<String> {
    history
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

/// Events after the last ExecutionRedriven.
fn after_redrive(history: &[Value]) -> Vec<Value> {
    let at = history
        .iter()
        .rposition(|e| e["type"] == "ExecutionRedriven")
        .expect("an ExecutionRedriven event");
    history[at + 1..].to_vec()
}

fn entered(history: &[Value], name: &str) -> usize {
    history
        .iter()
        .filter(|e| e["stateEnteredEventDetails"]["name"] == name)
        .count()
}

// "If your workflow execution fails at the Task state, and you redrive the execution, the
// execution reschedules and then reruns the Task state" (the Pass before it is not rerun).
#[test]
fn a_redrive_reruns_the_failed_task_only() {
    let def = json!({"StartAt": "Prepare", "States": {
        "Prepare": {"Type": "Pass", "Result": "ready", "ResultPath": "$.prep", "Next": "Charge"},
        "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "ResultPath": "$.charge", "Next": "Done"},
        "Done": {"Type": "Pass", "Parameters": {"prep.$": "$.prep", "charge.$": "$.charge",
                 "redrives.$": "$$.Execution.RedriveCount"}, "End": true}}});
    let mocks = json!({"case": {"Charge": "Flaky"}, "responses": {"Flaky": {
        "0": {"Throw": {"Error": "Payment.Declined", "Cause": "card expired"}},
        "1": {"Return": {"ok": true}}}}});
    let mut e = start(def, mocks);
    let first = e.outcome().clone();
    assert_eq!(first.status, RunStatus::Failed);
    assert_eq!(first.error.as_deref(), Some("Payment.Declined"));
    assert_eq!(first.redrive_count, 0);
    let failed_events = first.history.len();
    let out = e.redrive().unwrap().clone();
    assert_eq!(out.status, RunStatus::Succeeded, "{:?}", out.cause);
    assert_eq!(out.redrive_count, 1);
    assert_eq!(out.execution_arn, first.execution_arn, "same execution ARN");
    assert_eq!(
        out.output,
        Some(json!({"prep": "ready", "charge": {"ok": true}, "redrives": 1}))
    );
    // The history goes on: the failed attempt's events, then ExecutionRedriven.
    assert_eq!(out.history[..failed_events], first.history[..]);
    let redriven = &out.history[failed_events];
    assert_eq!(redriven["type"], "ExecutionRedriven");
    assert_eq!(redriven["id"], json!(failed_events + 1));
    assert_eq!(
        redriven["executionRedrivenEventDetails"],
        json!({"redriveCount": 1})
    );
    let t = types(&after_redrive(&out.history));
    assert_eq!(t[0], "TaskStateEntered");
    assert_eq!(t.last().map(String::as_str), Some("ExecutionSucceeded"));
    assert_eq!(entered(&out.history, "Prepare"), 1, "Prepare is not rerun");
    assert_eq!(entered(&out.history, "Charge"), 2);
    assert_eq!(out.redrive_date.as_deref(), first.stop_time.as_deref());
    // A succeeded execution cannot be redriven.
    let err = e.redrive().unwrap_err();
    assert!(err.starts_with("ExecutionNotRedrivable"), "{err}");
}

// "For workflows that include an Inline Map or Parallel state, RedriveExecution ...
// reschedules and redrives only the iterations and branches that failed or aborted."
#[test]
fn parallel_and_map_rerun_only_what_failed() {
    let def = json!({"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true,
    "Branches": [
        {"StartAt": "Steady", "States": {"Steady": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
        {"StartAt": "Items", "States": {"Items": {"Type": "Map", "ItemsPath": "$.items",
            "End": true, "ItemProcessor": {"StartAt": "Which", "States": {
                "Which": {"Type": "Choice", "Default": "Plain",
                    "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Flaky"}]},
                "Plain": {"Type": "Pass", "End": true},
                "Flaky": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                          "End": true}}}}}}
    ]}}});
    let mocks = json!({"case": {"Steady": "Steady", "Flaky": "Flaky"}, "responses": {
        "Steady": {"0": {"Return": "steady-0"}, "1": {"Return": "steady-1"}},
        "Flaky": {"0": {"Throw": {"Error": "Boom", "Cause": "first try"}},
                  "1": {"Return": "fixed"}}}});
    let mut e = Execution::start(RunRequest {
        definition: def.to_string(),
        input: r#"{"items": [1, 2, 3]}"#.into(),
        mock_config: Some(
            json!({"StateMachines": {"M": {"TestCases": {"T": mocks["case"]}}},
                   "MockedResponses": mocks["responses"]})
            .to_string(),
        ),
        test_case: Some("T".into()),
        state_machine: Some("M".into()),
        ..RunRequest::default()
    });
    assert_eq!(e.outcome().status, RunStatus::Failed);
    assert_eq!(e.outcome().error.as_deref(), Some("Boom"));
    let before = e.outcome().history.clone();
    let out = e.redrive().unwrap().clone();
    assert_eq!(out.status, RunStatus::Succeeded, "{:?}", out.cause);
    // Branch 0 kept its first answer: it was not rerun (a rerun would give "steady-1").
    assert_eq!(out.output, Some(json!(["steady-0", [1, "fixed", 3]])));
    let again = after_redrive(&out.history);
    assert_eq!(entered(&again, "Steady"), 0);
    assert_eq!(entered(&again, "Flaky"), 1);
    // Iterations that succeeded are not rerun either.
    assert_eq!(
        entered(&again, "Plain"),
        entered(&before, "Plain").abs_diff(2)
    );
    assert_eq!(
        entered(&again, "Which"),
        entered(&before, "Which").abs_diff(3)
    );
    // The failed Parallel and Map are entered again to run what failed.
    assert_eq!(entered(&again, "Both"), 1);
    assert_eq!(entered(&again, "Items"), 1);
}

// "When you redrive an execution, the state machine level timeout, if defined, is reset to
// 0": a TIMED_OUT execution gets a fresh TimeoutSeconds.
#[test]
fn a_timed_out_execution_redrives_with_a_fresh_timeout() {
    let def = json!({"TimeoutSeconds": 10, "StartAt": "Settle", "States": {
        "Settle": {"Type": "Wait", "Seconds": 5, "Next": "Slow"},
        "Slow": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}});
    let mocks = json!({"case": {"Slow": "Slow"}, "responses": {"Slow": {
        "0-1": {"Return": {"done": 1}, "DurationSeconds": 8}}}});
    let mut e = start(def, mocks);
    assert_eq!(e.outcome().status, RunStatus::TimedOut);
    assert_eq!(
        e.outcome().stop_time.as_deref(),
        Some("2024-01-01T00:00:10.000Z")
    );
    let out = e.redrive_after(60.0).unwrap().clone();
    assert_eq!(out.status, RunStatus::Succeeded, "{:?}", out.cause);
    assert_eq!(
        out.redrive_date.as_deref(),
        Some("2024-01-01T00:01:10.000Z")
    );
    // The Wait is not waited again: 8 seconds of task after the redrive.
    assert_eq!(out.stop_time.as_deref(), Some("2024-01-01T00:01:18.000Z"));
    assert_eq!(entered(&out.history, "Settle"), 1);
}

#[test]
fn redrives_count_up_and_the_window_and_type_are_checked() {
    let def = json!({"StartAt": "Try", "States": {
        "Try": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "ResultSelector": {"n.$": "$$.Execution.RedriveCount"}, "End": true}}});
    let mocks = json!({"case": {"Try": "Try"}, "responses": {"Try": {
        "0-1": {"Throw": {"Error": "Again", "Cause": "not yet"}},
        "2": {"Return": {}}}}});
    let mut e = start(def.clone(), mocks.clone());
    let second = e.redrive().unwrap().clone();
    assert_eq!(second.status, RunStatus::Failed);
    assert_eq!(second.redrive_count, 1);
    // Outside the 14-day window the redrive is refused and nothing changes.
    let err = e.redrive_after(15.0 * 24.0 * 3600.0).unwrap_err();
    assert!(err.contains("14 days"), "{err}");
    assert_eq!(e.outcome().redrive_count, 1);
    let third = e.redrive_after(13.0 * 24.0 * 3600.0).unwrap().clone();
    assert_eq!(third.status, RunStatus::Succeeded);
    assert_eq!(third.redrive_count, 2);
    assert_eq!(third.output, Some(json!({"n": 2})));
    let redriven: Vec<&Value> = third
        .history
        .iter()
        .filter(|e| e["type"] == "ExecutionRedriven")
        .collect();
    assert_eq!(redriven.len(), 2);
    assert_eq!(
        redriven[1]["executionRedrivenEventDetails"]["redriveCount"],
        2
    );
    // Ids run on without a gap.
    for (i, ev) in third.history.iter().enumerate() {
        assert_eq!(ev["id"], json!(i + 1));
    }
    // "This API action is not supported by EXPRESS state machines."
    let mut x = Execution::start(RunRequest {
        definition: json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}})
            .to_string(),
        execution_type: ExecutionType::Express,
        ..RunRequest::default()
    });
    assert_eq!(x.outcome().status, RunStatus::Failed);
    let err = x.redrive().unwrap_err();
    assert!(
        err.starts_with("ExecutionNotRedrivable") && err.contains("EXPRESS"),
        "{err}"
    );
}

// Redrive eligibility: the history must have room left (AWS: fewer than 24,999 of the
// 25,000 events; here relative to the run's maxHistoryEvents).
#[test]
fn a_run_stopped_by_the_history_quota_is_not_redrivable() {
    let def = json!({"StartAt": "Loop", "States": {
        "Loop": {"Type": "Pass", "Next": "Check"},
        "Check": {"Type": "Choice", "Default": "Loop",
                  "Choices": [{"Variable": "$.never", "IsPresent": true, "Next": "Done"}]},
        "Done": {"Type": "Succeed"}}});
    let mut e = Execution::start(RunRequest {
        definition: def.to_string(),
        max_history_events: Some(20),
        ..RunRequest::default()
    });
    assert_eq!(e.outcome().status, RunStatus::Failed);
    assert_eq!(e.outcome().error.as_deref(), Some("States.Runtime"));
    let err = e.redrive().unwrap_err();
    assert!(err.starts_with("ExecutionNotRedrivable"), "{err}");
    assert_eq!(e.outcome().redrive_count, 0);
}
