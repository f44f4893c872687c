//! `.waitForTaskToken`: the execution pauses with its token and resumes on SendTaskSuccess,
//! SendTaskFailure and SendTaskHeartbeat; TimeoutSeconds/HeartbeatSeconds and the execution
//! timeout fire as virtual time passes.
//! https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token

use serde_json::{json, Value};
use stepbridge_asl::{Execution, RunRequest};

fn definition(task_extra: Value, top_extra: Value) -> String {
    let mut task = json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
        "ResultPath": "$.answer",
        "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.err", "Next": "TimedOut"}],
        "End": true
    });
    for (k, v) in task_extra.as_object().into_iter().flatten() {
        task[k] = v.clone();
    }
    let mut def = json!({"StartAt": "Ask", "States": {"Ask": task, "TimedOut": {"Type": "Pass", "End": true}}});
    for (k, v) in top_extra.as_object().into_iter().flatten() {
        def[k] = v.clone();
    }
    def.to_string()
}

fn start(def: String) -> Execution {
    Execution::start(RunRequest {
        definition: def,
        input: r#"{"order": 7}"#.into(),
        ..Default::default()
    })
}

fn only_token(e: &Execution) -> String {
    assert_eq!(
        e.outcome().status,
        stepbridge_asl::RunStatus::WaitingForCallback,
        "{:?}",
        e.outcome()
    );
    assert_eq!(e.outcome().task_tokens.len(), 1);
    e.outcome().task_tokens[0].token.clone()
}

#[test]
fn success_resumes_with_the_callback_output() {
    let mut e = start(definition(json!({}), json!({})));
    let token = only_token(&e);
    // The token was given to the task's Parameters through $$.Task.Token.
    let scheduled = e
        .outcome()
        .history
        .iter()
        .find(|h| h["type"] == "TaskScheduled")
        .expect("scheduled");
    let params: Value = serde_json::from_str(
        scheduled["taskScheduledEventDetails"]["parameters"]
            .as_str()
            .unwrap_or("{}"),
    )
    .expect("json");
    assert_eq!(params["MessageBody"]["token"], json!(token));
    let o = e
        .send_task_success(&token, json!({"approved": true}))
        .expect("resumes");
    assert_eq!(o.status, stepbridge_asl::RunStatus::Succeeded);
    assert_eq!(
        o.output,
        Some(json!({"order": 7, "answer": {"approved": true}}))
    );
}

#[test]
fn failure_fails_the_task_with_the_given_error() {
    let mut e = start(definition(json!({}), json!({})));
    let token = only_token(&e);
    let o = e
        .send_task_failure(&token, "Rejected", "no")
        .expect("resumes");
    assert_eq!(o.status, stepbridge_asl::RunStatus::Failed);
    assert_eq!(o.error.as_deref(), Some("Rejected"));
    assert_eq!(o.cause.as_deref(), Some("no"));
}

#[test]
fn unknown_tokens_are_refused() {
    let mut e = start(definition(json!({}), json!({})));
    assert!(e.send_task_success("not-a-token", json!(1)).is_err());
    let token = only_token(&e);
    e.send_task_success(&token, json!(1)).expect("resumes");
    // Once answered, the token is no longer valid.
    assert!(e.send_task_success(&token, json!(2)).is_err());
}

#[test]
fn timeout_fires_when_time_passes_without_an_answer() {
    let mut e = start(definition(json!({"TimeoutSeconds": 300}), json!({})));
    only_token(&e);
    let o = e.advance_time(100.0).expect("still waiting");
    assert_eq!(o.status, stepbridge_asl::RunStatus::WaitingForCallback);
    let o = e.advance_time(250.0).expect("times out");
    assert_eq!(o.status, stepbridge_asl::RunStatus::Succeeded, "{o:?}");
    assert_eq!(
        o.output.as_ref().map(|v| v["err"]["Error"].clone()),
        Some(json!("States.Timeout"))
    );
    assert_eq!(o.stop_time.as_deref(), Some("2024-01-01T00:05:00.000Z"));
}

#[test]
fn heartbeats_keep_a_task_alive_until_they_stop() {
    let mut e = start(definition(
        json!({"HeartbeatSeconds": 60, "TimeoutSeconds": 3600}),
        json!({}),
    ));
    let token = only_token(&e);
    e.advance_time(50.0).expect("waiting");
    let o = e.send_task_heartbeat(&token).expect("heartbeat");
    assert_eq!(o.status, stepbridge_asl::RunStatus::WaitingForCallback);
    let o = e.advance_time(50.0).expect("waiting");
    assert_eq!(
        o.status,
        stepbridge_asl::RunStatus::WaitingForCallback,
        "the heartbeat at 50 s moved the deadline to 110 s"
    );
    let o = e.advance_time(20.0).expect("heartbeat timeout");
    assert_eq!(o.status, stepbridge_asl::RunStatus::Succeeded, "{o:?}");
    // States.Timeout in Catch also matches the heartbeat timeout.
    assert_eq!(
        o.output.as_ref().map(|v| v["err"]["Error"].clone()),
        Some(json!("States.HeartbeatTimeout"))
    );
    assert_eq!(o.stop_time.as_deref(), Some("2024-01-01T00:01:50.000Z"));
}

#[test]
fn the_execution_timeout_applies_while_waiting() {
    let mut e = start(definition(json!({}), json!({"TimeoutSeconds": 100})));
    only_token(&e);
    let o = e.advance_time(200.0).expect("times out");
    assert_eq!(o.status, stepbridge_asl::RunStatus::TimedOut);
    assert_eq!(
        o.history.last().map(|h| h["type"].clone()),
        Some(json!("ExecutionTimedOut"))
    );
}

#[test]
fn parallel_callbacks_wait_together() {
    let branch = |name: &str| {
        json!({"StartAt": name, "States": {name: {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"t.$": "$$.Task.Token"}, "End": true}}})
    };
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [branch("A"), branch("B")], "End": true}}});
    let mut e = start(def.to_string());
    assert_eq!(
        e.outcome().status,
        stepbridge_asl::RunStatus::WaitingForCallback
    );
    let tokens: Vec<String> = e
        .outcome()
        .task_tokens
        .iter()
        .map(|t| t.token.clone())
        .collect();
    assert_eq!(tokens.len(), 2);
    assert_ne!(tokens[0], tokens[1]);
    let o = e
        .send_task_success(&tokens[1], json!("b"))
        .expect("resumes");
    assert_eq!(o.status, stepbridge_asl::RunStatus::WaitingForCallback);
    assert_eq!(o.task_tokens.len(), 1);
    let o = e
        .send_task_success(&tokens[0], json!("a"))
        .expect("resumes");
    assert_eq!(o.status, stepbridge_asl::RunStatus::Succeeded);
    assert_eq!(o.output, Some(json!(["a", "b"])));
}

/// A `.sync` integration has a task token in its context too, so a definition may hand it on
/// (AWS's nested `StartExecution.sync:2` samples do), but the run does not wait for it; the
/// token is gone again once the parameters are built (issue 14, recorded from AWS).
/// https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html
#[test]
fn sync_task_passes_its_token_on_without_waiting() {
    let def = json!({"StartAt": "Run", "States": {
        "Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Child",
                "Input": {"TaskToken.$": "$$.Task.Token"}},
            "ResultPath": "$.run", "Next": "After"},
        "After": {"Type": "Pass", "Parameters": {"ctx.$": "$$"}, "ResultPath": "$.after", "End": true}}});
    let o = stepbridge_asl::run(&RunRequest {
        definition: def.to_string(),
        input: "{}".into(),
        ..Default::default()
    });
    assert_eq!(
        o.status,
        stepbridge_asl::RunStatus::Succeeded,
        "{:?}",
        o.cause
    );
    assert!(o.task_tokens.is_empty());
    let out = o.output.expect("output");
    let token = out["run"]["Input"]["TaskToken"].as_str().unwrap_or("");
    assert!(token.len() >= 32, "a token was passed on: {out}");
    assert!(out["after"]["ctx"].get("Task").is_none(), "{out}");
}
