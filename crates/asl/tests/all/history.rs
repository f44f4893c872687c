//! History events in GetExecutionHistory's shape, per-state inspection data, and
//! determinism (same request and seed → the same bytes).
//! https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
//! https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html

use serde_json::{json, Value};
use stepbridge_asl::{run, RunRequest};

fn req(def: Value, input: Value) -> RunRequest {
    RunRequest {
        definition: def.to_string(),
        input: input.to_string(),
        ..Default::default()
    }
}

#[test]
fn events_have_ids_previous_ids_timestamps_and_aws_detail_objects() {
    let def = json!({"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Result": {"r": 1}, "ResultPath": "$.x", "Next": "W"},
        "W": {"Type": "Wait", "Seconds": 5, "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"a.$": "$.a"}, "TimeoutSeconds": 30, "End": true}
    }});
    let o = run(&req(def, json!({"a": 1})));
    assert_eq!(o.status, stepbridge_asl::RunStatus::Succeeded);
    let h = &o.history;
    for (i, e) in h.iter().enumerate() {
        assert_eq!(e["id"], json!(i + 1));
        assert_eq!(e["previousEventId"], json!(i));
        assert!(e["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));
    }
    let types: Vec<&str> = h.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "WaitStateEntered",
            "WaitStateExited",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(
        h[0]["executionStartedEventDetails"]["input"],
        json!("{\"a\":1}")
    );
    assert!(h[0]["executionStartedEventDetails"]["roleArn"].is_string());
    assert_eq!(
        h[1]["stateEnteredEventDetails"],
        json!({"name": "P", "input": "{\"a\":1}", "inputDetails": {"truncated": false}})
    );
    assert_eq!(
        h[2]["stateExitedEventDetails"]["output"],
        json!("{\"a\":1,\"x\":{\"r\":1}}")
    );
    // The Wait moved the clock: the task starts 5 s in.
    assert_eq!(h[5]["timestamp"], json!("2024-01-01T00:00:05.000Z"));
    let sched = &h[6]["taskScheduledEventDetails"];
    assert_eq!(sched["resourceType"], "lambda");
    assert_eq!(sched["resource"], "invoke");
    assert_eq!(sched["region"], "us-east-1");
    assert_eq!(sched["parameters"], json!("{\"a\":1}"));
    assert_eq!(sched["timeoutInSeconds"], json!(30));
    assert!(
        sched.get("heartbeatInSeconds").is_none(),
        "absent values are omitted, not null"
    );
    assert_eq!(
        h[8]["taskSucceededEventDetails"]["output"],
        json!("{\"a\":1}")
    );
    assert_eq!(
        h[10]["executionSucceededEventDetails"]["output"],
        json!("{\"a\":1}")
    );
}

#[test]
fn failed_task_events_carry_error_and_cause() {
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}}});
    let mocks = json!({"StateMachines": {"M": {"TestCases": {"T": {"T": "R"}}}},
                       "MockedResponses": {"R": {"0": {"Throw": {"Error": "Lambda.Boom", "Cause": "bad"}}}}});
    let o = run(&RunRequest {
        mock_config: Some(mocks.to_string()),
        test_case: Some("T".into()),
        ..req(def, json!({}))
    });
    assert_eq!(o.status, stepbridge_asl::RunStatus::Failed);
    let failed = o
        .history
        .iter()
        .find(|e| e["type"] == "LambdaFunctionFailed")
        .expect("event");
    assert_eq!(
        failed["lambdaFunctionFailedEventDetails"],
        json!({"error": "Lambda.Boom", "cause": "bad"})
    );
    let last = o.history.last().expect("events");
    assert_eq!(last["type"], "ExecutionFailed");
    assert_eq!(
        last["executionFailedEventDetails"],
        json!({"error": "Lambda.Boom", "cause": "bad"})
    );
}

#[test]
fn map_events_name_the_state_and_index() {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}});
    let o = run(&req(def, json!([10, 20])));
    let started = o
        .history
        .iter()
        .find(|e| e["type"] == "MapStateStarted")
        .expect("event");
    assert_eq!(started["mapStateStartedEventDetails"], json!({"length": 2}));
    let iters: Vec<&Value> = o
        .history
        .iter()
        .filter(|e| e["type"] == "MapIterationStarted")
        .collect();
    assert_eq!(
        iters[1]["mapIterationStartedEventDetails"],
        json!({"name": "M", "index": 1})
    );
}

#[test]
fn states_carry_testsate_like_inspection_data() {
    let def = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "InputPath": "$.in", "Parameters": {"v.$": "$.v"}, "ResultSelector": {"w.$": "$.v"},
        "ResultPath": "$.res", "OutputPath": "$.res", "End": true}}});
    let o = run(&req(def, json!({"in": {"v": 3}})));
    assert_eq!(o.status, stepbridge_asl::RunStatus::Succeeded);
    let s = &o.states[0];
    assert_eq!(s["name"], "T");
    assert_eq!(s["type"], "Task");
    assert_eq!(s["input"], json!({"in": {"v": 3}}));
    assert_eq!(s["afterInputPath"], json!({"v": 3}));
    assert_eq!(s["afterParameters"], json!({"v": 3}));
    assert_eq!(s["result"], json!({"v": 3}));
    assert_eq!(s["afterResultSelector"], json!({"w": 3}));
    assert_eq!(
        s["afterResultPath"],
        json!({"in": {"v": 3}, "res": {"w": 3}})
    );
    assert_eq!(s["output"], json!({"w": 3}));
    assert_eq!(s["unmocked"], json!(true));
}

fn with_ids(seed: u64) -> RunRequest {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
        "Parameters": {"id.$": "States.UUID()", "r.$": "States.MathRandom(1, 1000000)", "name.$": "$$.Execution.Name"},
        "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 10, "MaxAttempts": 3, "JitterStrategy": "FULL"}], "End": true}}});
    let mocks = json!({"StateMachines": {"M": {"TestCases": {"T": {"T": "R"}}}},
                       "MockedResponses": {"R": {"0-2": {"Throw": {"Error": "E", "Cause": "c"}}, "3": {"Return": "ok"}}}});
    RunRequest {
        seed,
        mock_config: Some(mocks.to_string()),
        test_case: Some("T".into()),
        ..req(def, json!({}))
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_ids() {
    let a = serde_json::to_string(&run(&with_ids(7))).expect("json");
    let b = serde_json::to_string(&run(&with_ids(7))).expect("json");
    assert_eq!(a, b);
    let c = run(&with_ids(8));
    let a = run(&with_ids(7));
    assert_eq!(a.status, stepbridge_asl::RunStatus::Succeeded);
    assert_ne!(a.execution_arn, c.execution_arn);
    assert_ne!(a.states[0]["output"]["id"], c.states[0]["output"]["id"]);
}

#[test]
fn full_jitter_shortens_back_off_deterministically() {
    // Without jitter the three retries wait 10 + 20 + 40 = 70 s; FULL jitter waits a random
    // fraction of each, drawn from the seeded generator.
    // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error
    let stop = |seed| run(&with_ids(seed)).stop_time.expect("stop time");
    let t7 = stop(7);
    assert_eq!(t7, stop(7));
    assert!(t7.as_str() < "2024-01-01T00:01:10.000Z", "{t7}");
    let distinct: std::collections::BTreeSet<String> = (0..5).map(stop).collect();
    assert!(
        distinct.len() > 1,
        "jitter depends on the seed: {distinct:?}"
    );
}

#[test]
fn history_off_still_counts_and_runs_the_same() {
    let mut r = with_ids(3);
    let with = run(&r);
    r.history = Some(false);
    let without = run(&r);
    assert!(without.history.is_empty() && without.states.is_empty());
    assert_eq!(with.output, without.output);
    assert_eq!(with.stop_time, without.stop_time);
}
