//! Express workflows: five-minute limit, CloudWatch Logs records instead of history,
//! StartSyncExecution's answer, and the integration patterns Express refuses.

use serde_json::{json, Value};
use stepbridge_asl::{
    run, start_sync_execution, ExecutionType, LogLevel, LoggingConfiguration, RunRequest, RunStatus,
};

fn express(def: Value, input: &str, logging: Option<LoggingConfiguration>) -> RunRequest {
    RunRequest {
        definition: def.to_string(),
        input: input.into(),
        execution_type: ExecutionType::Express,
        logging,
        ..RunRequest::default()
    }
}

fn pass_machine() -> Value {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": true}}})
}

fn fail_machine() -> Value {
    json!({"StartAt": "FailState", "States": {"FailState": {"Type": "Fail",
        "Error": "SomeFailure", "Cause": "This state machines raises a 'SomeFailure' failure."}}})
}

fn types(logs: &[Value]) -> Vec<&str> {
    logs.iter().map(|r| r["type"].as_str().unwrap()).collect()
}

// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-standard-vs-express.html
// (Express: "Maximum duration 5 minutes").
#[test]
fn an_express_run_ends_after_five_minutes() {
    let def =
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 301, "End": true}}});
    let o = run(&express(def.clone(), "{}", None));
    assert_eq!(o.status, RunStatus::TimedOut);
    assert_eq!(o.error.as_deref(), Some("States.Timeout"));
    assert!(
        o.cause.as_deref().unwrap().contains("5 minutes"),
        "{:?}",
        o.cause
    );
    assert_eq!(o.stop_time.as_deref(), Some("2024-01-01T00:05:00.000Z"));
    let logs = o.logs.as_ref().unwrap();
    assert_eq!(
        types(logs),
        ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]
    );
    assert_eq!(logs[2]["details"]["error"], "States.Timeout");
    // The same definition as Standard waits the 301 seconds and succeeds.
    let standard = run(&RunRequest {
        definition: def.to_string(),
        ..RunRequest::default()
    });
    assert_eq!(standard.status, RunStatus::Succeeded);
    assert!(standard.logs.is_none());
    // 300 seconds is within the limit; a shorter TimeoutSeconds still wins with its own cause.
    let ok =
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 299, "End": true}}});
    assert_eq!(run(&express(ok, "{}", None)).status, RunStatus::Succeeded);
    let short = json!({"TimeoutSeconds": 10, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}});
    let o = run(&express(short, "{}", None));
    assert_eq!(o.status, RunStatus::TimedOut);
    assert!(o.cause.as_deref().unwrap().contains("TimeoutSeconds"));
}

// Express keeps no history; its logs carry the events in the CloudWatch Logs record shape:
// https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
// (records as Step Functions writes them, as captured against AWS by LocalStack's snapshot
// tests: string ids, `previous_event_id`, `event_timestamp`, `execution_arn`, `redrive_count`).
#[test]
fn logs_at_level_all_with_execution_data() {
    let o = run(&express(pass_machine(), r#"{"x": 1}"#, None));
    assert_eq!(o.status, RunStatus::Succeeded);
    assert!(o.history.is_empty(), "Express keeps no execution history");
    let arn = o.execution_arn.clone().unwrap();
    assert!(
        arn.starts_with("arn:aws:states:us-east-1:123456789012:express:StateMachine:"),
        "{arn}"
    );
    let logs = o.logs.unwrap();
    assert_eq!(
        types(&logs),
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    let started = &logs[0];
    assert_eq!(started["id"], "1");
    assert_eq!(started["previous_event_id"], "0");
    assert_eq!(started["event_timestamp"], "1704067200000");
    assert_eq!(started["execution_arn"], json!(arn));
    assert_eq!(started["redrive_count"], "0");
    assert_eq!(started["details"]["input"], r#"{"x":1}"#);
    assert_eq!(
        started["details"]["inputDetails"],
        json!({"truncated": false})
    );
    assert_eq!(logs[2]["details"]["name"], "P");
    assert_eq!(logs[2]["details"]["output"], r#"{"Arg1":"argument1"}"#);
    assert_eq!(logs[3]["previous_event_id"], "3");
}

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_LoggingConfiguration.html
// includeExecutionData false: no input or output, the rest stays.
#[test]
fn without_execution_data_details_keep_names_and_errors() {
    let no_data = LoggingConfiguration {
        level: LogLevel::All,
        include_execution_data: false,
    };
    let logs = run(&express(pass_machine(), "{}", Some(no_data)))
        .logs
        .unwrap();
    assert!(logs[0]["details"].get("input").is_none());
    assert!(logs[0]["details"]["roleArn"].is_string());
    assert_eq!(logs[1]["details"], json!({"name": "P"}));
    assert_eq!(logs[3]["details"], json!({}));
    let logs = run(&express(fail_machine(), "{}", Some(no_data)))
        .logs
        .unwrap();
    assert_eq!(
        logs[2]["details"],
        json!({"error": "SomeFailure", "cause": "This state machines raises a 'SomeFailure' failure."})
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/cloudwatch-log-level.html
// ERROR: FailStateEntered and the execution's failure; FATAL: the failure only; OFF: none.
#[test]
fn log_levels_filter_event_types() {
    let at = |level| {
        let o = run(&express(
            fail_machine(),
            "{}",
            Some(LoggingConfiguration {
                level,
                include_execution_data: true,
            }),
        ));
        assert_eq!(o.status, RunStatus::Failed);
        assert_eq!(o.error.as_deref(), Some("SomeFailure"));
        o.logs.unwrap()
    };
    let all = at(LogLevel::All);
    assert_eq!(
        types(&all),
        ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
    );
    let error = at(LogLevel::Error);
    assert_eq!(types(&error), ["FailStateEntered", "ExecutionFailed"]);
    assert_eq!(error[0]["id"], "2");
    assert_eq!(types(&at(LogLevel::Fatal)), ["ExecutionFailed"]);
    assert!(at(LogLevel::Off).is_empty());
    // A succeeding run logs nothing at ERROR.
    let ok = run(&express(
        pass_machine(),
        "{}",
        Some(LoggingConfiguration {
            level: LogLevel::Error,
            include_execution_data: true,
        }),
    ));
    assert_eq!(ok.logs, Some(vec![]));
}

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartSyncExecution.html
#[test]
fn start_sync_execution_answers_in_aws_shape() {
    let def = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 2, "Next": "P"},
        "P": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, 1)"}, "End": true}}});
    let r = start_sync_execution(&RunRequest {
        definition: def.to_string(),
        input: r#"{"a": 41}"#.into(),
        state_machine: Some("Orders".into()),
        ..RunRequest::default()
    });
    assert_eq!(r["status"], "SUCCEEDED");
    assert_eq!(r["output"], r#"{"sum":42}"#);
    assert_eq!(r["outputDetails"], json!({"included": true}));
    assert_eq!(r["input"], r#"{"a":41}"#);
    assert_eq!(r["inputDetails"], json!({"included": true}));
    assert_eq!(
        r["stateMachineArn"],
        "arn:aws:states:us-east-1:123456789012:stateMachine:Orders"
    );
    let arn = r["executionArn"].as_str().unwrap();
    assert!(arn.starts_with("arn:aws:states:us-east-1:123456789012:express:Orders:"));
    assert!(arn.contains(r["name"].as_str().unwrap()));
    assert_eq!(r["startDate"], json!(1704067200.0));
    assert_eq!(r["stopDate"], json!(1704067202.0));
    assert_eq!(
        r["billingDetails"],
        json!({"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": 2000})
    );
    assert!(r.get("error").is_none());

    let failed = start_sync_execution(&RunRequest {
        definition: fail_machine().to_string(),
        ..RunRequest::default()
    });
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["error"], "SomeFailure");
    assert!(failed.get("output").is_none());
    let slow =
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": true}}});
    let timed_out = start_sync_execution(&RunRequest {
        definition: slow.to_string(),
        ..RunRequest::default()
    });
    assert_eq!(timed_out["status"], "TIMED_OUT");
    assert_eq!(timed_out["error"], "States.Timeout");
    assert_eq!(
        timed_out["billingDetails"]["billedDurationInMilliseconds"],
        300_000
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-standard-vs-express.html
// "Express Workflows do not support Job-run (.sync) or Callback (.waitForTaskToken) service
// integration patterns" and "Does not support Step Functions activities": CreateStateMachine
// refuses them (SCHEMA_VALIDATION_FAILED), so the run never starts.
#[test]
fn express_refuses_sync_callbacks_and_activities() {
    let def = json!({"StartAt": "Par", "States": {"Par": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "Job", "States": {"Job": {"Type": "Task",
            "Resource": "arn:aws:states:::batch:submitJob.sync", "End": true}}},
        {"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "End": true}}},
        {"StartAt": "Act", "States": {"Act": {"Type": "Task",
            "Resource": "arn:aws:states:us-east-1:123456789012:activity:review", "End": true}}}
    ]}}});
    let o = run(&express(def.clone(), "{}", None));
    assert_eq!(o.status, RunStatus::Invalid);
    let found: Vec<(String, String, &str)> = o
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.clone(),
                d.location.pointer.clone(),
                d.message.split('.').next().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0].0, "SCHEMA_VALIDATION_FAILED");
    assert_eq!(found[0].1, "/States/Par/Branches/0/States/Job/Resource");
    assert!(o.diagnostics[0]
        .message
        .starts_with("Express state machine does not support '.sync' service integration"));
    assert!(o.diagnostics[1]
        .message
        .starts_with("Express state machine does not support '.waitForTaskToken'"));
    assert!(o.diagnostics[2]
        .message
        .starts_with("Express state machine does not support Activity ARN"));
    assert!(o.diagnostics[0].location.column > 1);
    let sync = start_sync_execution(&RunRequest {
        definition: def.to_string(),
        ..RunRequest::default()
    });
    assert_eq!(sync["status"], "INVALID");
    // Standard runs the same definition (it pauses on the task token).
    let standard = run(&RunRequest {
        definition: def.to_string(),
        ..RunRequest::default()
    });
    assert_eq!(standard.status, RunStatus::WaitingForCallback);
}

#[test]
fn the_request_json_names_the_type_and_logging() {
    let req: RunRequest = serde_json::from_value(json!({
        "definition": pass_machine().to_string(),
        "executionType": "EXPRESS",
        "logging": {"level": "FATAL", "includeExecutionData": false}
    }))
    .unwrap();
    assert_eq!(req.execution_type, ExecutionType::Express);
    let o = run(&req);
    assert_eq!(o.logs, Some(vec![]));
    let doc: Value = serde_json::from_str(&o.to_json()).unwrap();
    assert_eq!(doc["logs"], json!([]));
    let standard: RunRequest =
        serde_json::from_value(json!({"definition": pass_machine().to_string()})).unwrap();
    assert_eq!(standard.execution_type, ExecutionType::Standard);
    let doc: Value = serde_json::from_str(&run(&standard).to_json()).unwrap();
    assert!(doc.get("logs").is_none());
    assert_eq!(doc["history"].as_array().unwrap().len(), 4);
}
