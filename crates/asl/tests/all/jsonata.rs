//! QueryLanguage JSONata in the interpreter: `{% %}` templates in Arguments, Output and the
//! other JSONata fields, the `$states` variable, and States.QueryEvaluationError.

use crate::run_common as common;
use common::{exec, failed_with, invalid, mocks, ok, trace};
use serde_json::{json, Value};
use stepbridge_asl::{run, RunRequest};

// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
#[test]
fn pass_output_template_with_nested_expressions() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {
            "Type": "Pass",
            "Output": {"total": "{% $sum($states.input.items.price) %}",
                       "names": ["{% $states.input.items[0].name %}", "literal", 3],
                       "plain": "$.not.a.path"},
            "End": true}}}),
        json!({"items": [{"name": "a", "price": 2}, {"name": "b", "price": 5}]}),
        None,
    );
    assert_eq!(
        ok(&o),
        &json!({"total": 7, "names": ["a", "literal", 3], "plain": "$.not.a.path"})
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
#[test]
fn task_arguments_result_and_output_with_inspection_data() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "f", "Payload": {"id": "{% $states.input.id %}"}},
            "Output": {"got": "{% $states.result.Payload.n * 2 %}", "id": "{% $states.input.id %}"},
            "End": true}}}),
        json!({"id": "x-1"}),
        Some(mocks(json!({"T": "R"}))).map(|mut m| {
            m["MockedResponses"] = json!({"R": {"0": {"Return": {"Payload": {"n": 21}}}}});
            m
        }),
    );
    assert_eq!(ok(&o), &json!({"got": 42, "id": "x-1"}));
    let t = trace(&o, "T");
    assert_eq!(t["input"], json!({"id": "x-1"}));
    assert_eq!(
        t["afterArguments"],
        json!({"FunctionName": "f", "Payload": {"id": "x-1"}})
    );
    assert_eq!(t["result"], json!({"Payload": {"n": 21}}));
    assert_eq!(t["output"], json!({"got": 42, "id": "x-1"}));
    assert!(t.get("afterInputPath").is_none());
    // The task was scheduled with the evaluated Arguments.
    let sched = o
        .history
        .iter()
        .find(|e| e["type"] == "TaskScheduled")
        .unwrap();
    let params: Value = serde_json::from_str(
        sched["taskScheduledEventDetails"]["parameters"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(params["Payload"], json!({"id": "x-1"}));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
#[test]
fn task_output_defaults_to_the_result_and_pass_output_to_the_input() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
            "P": {"Type": "Pass", "Next": "T"},
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"x": "{% $states.input.a + 1 %}"}, "End": true}}}),
        json!({"a": 1}),
        None,
    );
    // Unmocked, the task returns its arguments, which become the output.
    assert_eq!(ok(&o), &json!({"x": 2}));
    assert_eq!(trace(&o, "P")["output"], json!({"a": 1}));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
#[test]
fn choice_condition_picks_the_rule_and_rule_output_applies() {
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [
                {"Condition": "{% $states.input.n > 10 %}", "Next": "Big",
                 "Output": {"size": "big", "n": "{% $states.input.n %}"}}],
              "Default": "Small", "Output": {"size": "small"}},
        "Big": {"Type": "Succeed"},
        "Small": {"Type": "Succeed"}}});
    assert_eq!(
        ok(&exec(def.clone(), json!({"n": 11}), None)),
        &json!({"size": "big", "n": 11})
    );
    assert_eq!(
        ok(&exec(def, json!({"n": 1}), None)),
        &json!({"size": "small"})
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
#[test]
fn a_condition_that_is_not_boolean_is_a_query_evaluation_error() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n %}", "Next": "D"}],
                  "Default": "D"},
            "D": {"Type": "Succeed"}}}),
        json!({"n": 3}),
        None,
    );
    assert_eq!(o.status, stepbridge_asl::RunStatus::Failed);
    failed_with(&o, "States.QueryEvaluationError", "Expected 'boolean'");
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html
#[test]
fn wait_seconds_and_timestamp_expressions_move_the_virtual_clock() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "W", "States": {
            "W": {"Type": "Wait", "Seconds": "{% $states.input.delay * 60 %}", "Next": "U"},
            "U": {"Type": "Wait", "Timestamp": "{% $states.input.until %}",
                  "Output": {"now": "{% $now() %}", "millis": "{% $millis() %}"}, "End": true}}}),
        json!({"delay": 2, "until": "2024-01-01T01:00:00Z"}),
        None,
    );
    // $now() and $millis() read the virtual clock, after the wait.
    assert_eq!(
        ok(&o),
        &json!({"now": "2024-01-01T01:00:00.000Z", "millis": 1_704_070_800_000u64})
    );
    assert_eq!(o.stop_time.as_deref(), Some("2024-01-01T01:00:00.000Z"));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html
#[test]
fn wait_seconds_must_be_a_non_negative_integer() {
    for bad in [json!(-1), json!(1.5), json!("soon")] {
        let o = exec(
            json!({"QueryLanguage": "JSONata", "StartAt": "W", "States": {
                "W": {"Type": "Wait", "Seconds": "{% $states.input.d %}", "End": true}}}),
            json!({"d": bad}),
            None,
        );
        assert_eq!(
            o.error.as_deref(),
            Some("States.QueryEvaluationError"),
            "{bad}"
        );
    }
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "W", "States": {
            "W": {"Type": "Wait", "Timestamp": "{% 'tomorrow' %}", "End": true}}}),
        json!({}),
        None,
    );
    assert_eq!(o.error.as_deref(), Some("States.QueryEvaluationError"));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html
#[test]
fn fail_error_and_cause_expressions() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "F", "States": {
            "F": {"Type": "Fail", "Error": "{% 'Order.' & $states.input.code %}",
                  "Cause": "{% 'order ' & $states.input.id & ' rejected' %}"}}}),
        json!({"code": "Rejected", "id": 7}),
        None,
    );
    assert_eq!(o.status, stepbridge_asl::RunStatus::Failed);
    assert_eq!(o.error.as_deref(), Some("Order.Rejected"));
    assert_eq!(o.cause.as_deref(), Some("order 7 rejected"));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
#[test]
fn undefined_field_value_is_a_query_evaluation_error_with_aws_cause() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
            "P": {"Type": "Pass", "Output": {"a": {"b": "{% $states.input.missing %}"}}, "End": true}}}),
        json!({}),
        None,
    );
    assert_eq!(o.status, stepbridge_asl::RunStatus::Failed);
    assert_eq!(o.error.as_deref(), Some("States.QueryEvaluationError"));
    assert_eq!(
        o.cause.as_deref(),
        Some("An error occurred while executing the state 'P' (entered at the event id #2). The JSONata expression '$states.input.missing' specified for the field 'Output/a/b' returned nothing (undefined).")
    );
    // A type error inside an expression is one too.
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
            "P": {"Type": "Pass", "Output": "{% $states.input.s + 1 %}", "End": true}}}),
        json!({"s": "text"}),
        None,
    );
    failed_with(&o, "States.QueryEvaluationError", "T2001");
}

// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
#[test]
fn query_evaluation_errors_are_retried_and_caught_with_error_output() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"v": "{% $states.input.nope %}"},
                  "Retry": [{"ErrorEquals": ["States.QueryEvaluationError"], "IntervalSeconds": 1, "MaxAttempts": 2}],
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H",
                             "Output": {"err": "{% $states.errorOutput.Error %}", "in": "{% $states.input %}"}}],
                  "End": true},
            "H": {"Type": "Pass", "End": true}}}),
        json!({"k": 1}),
        None,
    );
    assert_eq!(
        ok(&o),
        &json!({"err": "States.QueryEvaluationError", "in": {"k": 1}})
    );
    // Two retries: 1 s then 2 s.
    assert_eq!(o.stop_time.as_deref(), Some("2024-01-01T00:00:03.000Z"));
    assert_eq!(trace(&o, "T")["retryCount"], json!(2));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
#[test]
fn catch_without_output_passes_the_error_output() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}]},
            "H": {"Type": "Pass", "End": true}}}),
        json!({}),
        Some(mocks(json!({"T": "E"}))).map(|mut m| {
            m["MockedResponses"] =
                json!({"E": {"0": {"Throw": {"Error": "Boom", "Cause": "why"}}}});
            m
        }),
    );
    assert_eq!(ok(&o), &json!({"Error": "Boom", "Cause": "why"}));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html
#[test]
fn map_items_and_item_selector_with_map_item_context() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {
            "M": {"Type": "Map",
                  "Items": "{% $states.input.orders[price > 1] %}",
                  "ItemSelector": {"i": "{% $states.context.Map.Item.Index %}",
                                   "sku": "{% $states.context.Map.Item.Value.sku %}",
                                   "cur": "{% $states.input.currency %}"},
                  "MaxConcurrency": "{% $states.input.width %}",
                  "ItemProcessor": {"StartAt": "I", "States": {
                      "I": {"Type": "Pass", "Output": "{% $states.input.sku & '/' & $states.input.i & $states.input.cur %}", "End": true}}},
                  "Output": {"all": "{% $states.result %}", "n": "{% $count($states.result) %}"},
                  "End": true}}}),
        json!({"currency": "EUR", "width": 1,
               "orders": [{"sku": "a", "price": 2}, {"sku": "b", "price": 1}, {"sku": "c", "price": 5}]}),
        None,
    );
    assert_eq!(ok(&o), &json!({"all": ["a/0EUR", "c/1EUR"], "n": 2}));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html
#[test]
fn map_items_must_be_an_array() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {
            "M": {"Type": "Map", "Items": "{% $states.input.one %}",
                  "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
                  "End": true}}}),
        json!({"one": {"a": 1}}),
        None,
    );
    failed_with(&o, "States.QueryEvaluationError", "'Items'");
    // Literal Items are iterated as given.
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {
            "M": {"Type": "Map", "Items": [1, 2, "{% $states.input.x %}"],
                  "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
                  "End": true}}}),
        json!({"x": 3}),
        None,
    );
    assert_eq!(ok(&o), &json!([1, 2, 3]));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html
#[test]
fn parallel_arguments_feed_every_branch() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
            "P": {"Type": "Parallel", "Arguments": {"v": "{% $states.input.v * 10 %}"},
                  "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $states.input.v + 1 %}", "End": true}}},
                    {"StartAt": "B", "States": {"B": {"Type": "Pass", "Output": "{% $states.input.v + 2 %}", "End": true}}}],
                  "Output": "{% $sum($states.result) %}",
                  "End": true}}}),
        json!({"v": 1}),
        None,
    );
    assert_eq!(ok(&o), &json!(23));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
#[test]
fn task_timeout_expression_applies() {
    let m = {
        let mut m = mocks(json!({"T": "Slow"}));
        m["MockedResponses"] = json!({"Slow": {"0": {"Return": {"ok": true}, "Delay": 0}}});
        m
    };
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "TimeoutSeconds": "{% $states.input.t %}", "End": true}}}),
        json!({"t": 30}),
        Some(m),
    );
    assert_eq!(ok(&o), &json!({"ok": true}));
    let sched = o
        .history
        .iter()
        .find(|e| e["type"] == "TaskScheduled")
        .unwrap();
    assert_eq!(
        sched["taskScheduledEventDetails"]["timeoutInSeconds"],
        json!(30)
    );
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "TimeoutSeconds": "{% 'long' %}", "End": true}}}),
        json!({}),
        None,
    );
    assert_eq!(o.error.as_deref(), Some("States.QueryEvaluationError"));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
#[test]
fn random_and_uuid_are_reproducible_per_seed() {
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Output": {"r": "{% $random() %}", "u": "{% $uuid() %}"}, "End": true}}});
    let with_seed = |seed| {
        run(&RunRequest {
            definition: def.to_string(),
            input: "{}".into(),
            seed,
            ..RunRequest::default()
        })
        .output
    };
    assert_eq!(with_seed(1), with_seed(1));
    assert_ne!(with_seed(1), with_seed(2));
    let out = with_seed(1).unwrap();
    assert!((0.0..1.0).contains(&out["r"].as_f64().unwrap()));
    assert_eq!(out["u"].as_str().unwrap().len(), 36);
}

// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
#[test]
fn states_context_is_the_context_object() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
            "P": {"Type": "Pass", "Output": {"state": "{% $states.context.State.Name %}",
                                             "in": "{% $states.context.Execution.Input.a %}",
                                             "sm": "{% $states.context.StateMachine.Name %}"}, "End": true}}}),
        json!({"a": 5}),
        None,
    );
    assert_eq!(
        ok(&o),
        &json!({"state": "P", "in": 5, "sm": "StateMachine"})
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html
#[test]
fn a_jsonata_state_inside_a_jsonpath_machine() {
    let o = exec(
        json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Parameters": {"x.$": "$.v"}, "Next": "B"},
            "B": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.x * 3 %}", "End": true}}}),
        json!({"v": 4}),
        None,
    );
    assert_eq!(ok(&o), &json!(12));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
#[test]
fn invalid_expressions_are_refused_before_running() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
            "P": {"Type": "Pass", "Output": "{% $states.input. %}", "End": true}}}),
        json!({}),
        None,
    );
    assert_eq!(o.status, stepbridge_asl::RunStatus::Invalid);
    assert!(
        o.diagnostics
            .iter()
            .any(|d| d.location.pointer == "/States/P/Output"),
        "{:?}",
        o.diagnostics
    );
}

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_EvaluationFailedEventDetails.html
#[test]
fn evaluation_failures_are_recorded_as_evaluation_failed_events() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
            "P": {"Type": "Pass", "Output": {"a": {"b": "{% $states.input.missing %}"}}, "End": true}}}),
        json!({}),
        None,
    );
    let types: Vec<&str> = o
        .history
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "EvaluationFailed",
            "ExecutionFailed"
        ]
    );
    let d = &o.history[2]["evaluationFailedEventDetails"];
    assert_eq!(d["error"], json!("States.QueryEvaluationError"));
    assert_eq!(d["location"], json!("Output/a/b"));
    assert_eq!(d["state"], json!("P"));
    assert_eq!(d["cause"].as_str(), o.cause.as_deref());
    // A task's Arguments failing under Retry: one event per attempt, none for the error a
    // Map iteration passes up to its Map state.
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {
            "M": {"Type": "Map", "Items": [1],
                  "ItemProcessor": {"StartAt": "T", "States": {
                      "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                            "Arguments": {"x": "{% $states.input.nope %}"},
                            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}],
                            "End": true}}},
                  "End": true}}}),
        json!({}),
        None,
    );
    assert_eq!(o.error.as_deref(), Some("States.QueryEvaluationError"));
    let failed: Vec<&Value> = o
        .history
        .iter()
        .filter(|e| e["type"] == "EvaluationFailed")
        .collect();
    assert_eq!(failed.len(), 2);
    assert!(failed
        .iter()
        .all(|e| e["evaluationFailedEventDetails"]["state"] == "T"));
    assert_eq!(
        failed[0]["evaluationFailedEventDetails"]["location"],
        json!("Arguments/x")
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
#[test]
fn validate_reports_each_bad_expression_with_its_pointer() {
    let d = stepbridge_asl::validate(
        &json!({"QueryLanguage": "JSONata", "StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.a = %}", "Next": "T"}],
                  "Default": "T"},
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"ok": "{% 1 %}", "bad": ["{% ( %}"]},
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% } %}", "Next": "E"}],
                  "End": true},
            "E": {"Type": "Succeed"}}})
        .to_string(),
    );
    let pointers: Vec<&str> = d.iter().map(|d| d.location.pointer.as_str()).collect();
    assert!(pointers.contains(&"/States/C/Choices/0/Condition"), "{d:?}");
    assert!(pointers.contains(&"/States/T/Arguments"), "{d:?}");
    assert!(pointers.contains(&"/States/T/Catch/0/Output"), "{d:?}");
    let args = d
        .iter()
        .find(|d| d.location.pointer == "/States/T/Arguments")
        .unwrap();
    assert_eq!(args.code, "SCHEMA_VALIDATION_FAILED");
    assert!(
        args.message.contains("Arguments/bad[0]"),
        "{}",
        args.message
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html
#[test]
fn task_token_is_in_states_context_while_arguments_are_evaluated() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                  "Arguments": {"MessageBody": {"token": "{% $states.context.Task.Token %}"}},
                  "End": true}}}),
        json!({}),
        None,
    );
    assert_eq!(o.status, stepbridge_asl::RunStatus::WaitingForCallback);
    let token = &o.task_tokens[0].token;
    assert_eq!(
        trace(&o, "T")["afterArguments"]["MessageBody"]["token"],
        json!(token)
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html
#[test]
fn item_selector_over_many_items() {
    let items: Vec<Value> = (0..2000).map(|i| json!({"n": i})).collect();
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {
            "M": {"Type": "Map", "Items": "{% $states.input.items %}",
                  "ItemSelector": "{% $states.context.Map.Item.Value.n + $states.context.Map.Item.Index %}",
                  "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
                  "Output": "{% $sum($states.result) %}",
                  "End": true}}}),
        json!({"items": items}),
        None,
    );
    // Σ 2i for i < 2000
    assert_eq!(ok(&o), &json!(1999 * 2000));
}

fn distributed(states: Value) -> Value {
    json!({"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
           "StartAt": "D", "States": states})
}

fn reader_mocks(items: Value) -> Value {
    let mut m = mocks(json!({"M": "MR"}));
    m["MockedResponses"] = json!({"MR": {"0": {"Return": items}}});
    m
}

// ItemReader: in JSONata, Arguments replaces Parameters and ReaderConfig.MaxItems may be an
// expression; ItemBatcher: MaxItemsPerBatch / MaxInputBytesPerBatch may be expressions giving
// positive integers and BatchInput may hold expressions.
// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html
#[test]
fn distributed_map_reader_and_batcher_take_expressions() {
    let items: Vec<Value> = (1..=7).map(|i| json!({"id": i})).collect();
    let def = |batcher: Value| {
        json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {
            "Type": "Map",
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                           "ReaderConfig": {"InputType": "JSON", "MaxItems": "{% $states.input.max %}"},
                           "Arguments": {"Bucket": "{% $states.input.bucket %}", "Key": "k.json"}},
            "ItemBatcher": batcher,
            "ItemProcessor": distributed(json!({"D": {"Type": "Pass", "End": true}})),
            "End": true}}})
    };
    let input = json!({"max": 5, "bucket": "b", "per": 2, "bytes": 20, "tag": "t"});
    let batches = json!([
        {"BatchInput": {"tag": "t", "n": 2}, "Items": [{"id": 1}, {"id": 2}]},
        {"BatchInput": {"tag": "t", "n": 2}, "Items": [{"id": 3}, {"id": 4}]},
        {"BatchInput": {"tag": "t", "n": 2}, "Items": [{"id": 5}]}
    ]);
    let o = exec(
        def(json!({"MaxItemsPerBatch": "{% $states.input.per %}",
                   "BatchInput": {"tag": "{% $states.input.tag %}", "n": "{% $states.input.per %}"}})),
        input.clone(),
        Some(reader_mocks(json!(items))),
    );
    assert_eq!(ok(&o), &batches);
    // {"id":n} is 8 bytes: two items fit in 20 bytes, a third does not.
    let o = exec(
        def(json!({"MaxInputBytesPerBatch": "{% $states.input.bytes %}",
                   "BatchInput": "{% {'tag': $states.input.tag, 'n': 2} %}"})),
        input.clone(),
        Some(reader_mocks(json!(items))),
    );
    assert_eq!(ok(&o), &batches);
    // An amount that is not an integer, and Arguments that evaluate to nothing, are
    // States.QueryEvaluationError naming the field.
    let o = exec(
        def(json!({"MaxItemsPerBatch": "{% $states.input.tag %}"})),
        input.clone(),
        Some(reader_mocks(json!(items))),
    );
    failed_with(&o, "States.QueryEvaluationError", "'MaxItemsPerBatch'");
    let o = exec(
        def(json!({"MaxItemsPerBatch": 2})),
        json!({"max": 5}),
        Some(reader_mocks(json!(items))),
    );
    assert_eq!(o.error.as_deref(), Some("States.QueryEvaluationError"));
    assert!(
        o.cause
            .as_deref()
            .unwrap()
            .contains("ItemReader/Arguments/Bucket"),
        "{:?}",
        o.cause
    );
}

// ResultWriter: in JSONata, Arguments (with expressions) replaces Parameters.
// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
#[test]
fn distributed_map_result_writer_arguments_take_expressions() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {
            "Type": "Map", "Items": [1, 2],
            "ItemProcessor": distributed(json!({"D": {"Type": "Pass", "End": true}})),
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                             "Arguments": {"Bucket": "{% $states.input.bucket %}",
                                           "Prefix": "{% 'runs/' & $states.input.job %}"}},
            "Output": "{% $states.result.ResultWriterDetails %}",
            "End": true}}}),
        json!({"bucket": "out", "job": "j7"}),
        None,
    );
    let details = ok(&o);
    assert_eq!(details["Bucket"], json!("out"));
    let key = details["Key"].as_str().unwrap();
    assert!(
        key.starts_with("runs/j7/") && key.ends_with("/manifest.json"),
        "{key}"
    );
}

// AWS's field table for JSONata states gives Arguments to Task and Parallel only; a JSONata
// ItemReader/ItemBatcher takes no JSONPath sub-fields.
// https://states-language.net/spec.html#state-type-table-jsonata
// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html
#[test]
fn map_arguments_and_jsonpath_sub_fields_are_refused_in_jsonata() {
    let d = invalid(
        json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {
        "Type": "Map", "Arguments": {"x": 1},
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                       "ReaderConfig": {"InputType": "JSON", "MaxItemsPath": "$.n"},
                       "Parameters": {"Bucket": "b", "Key": "k"}},
        "ItemBatcher": {"MaxItemsPerBatchPath": "$.n"},
        "ItemProcessor": distributed(json!({"D": {"Type": "Pass", "End": true}})),
        "End": true}}}),
    );
    for at in [
        "/States/M/Arguments ",
        "/States/M/ItemReader/Parameters ",
        "/States/M/ItemReader/ReaderConfig/MaxItemsPath ",
        "/States/M/ItemBatcher/MaxItemsPerBatchPath ",
    ] {
        assert!(d.iter().any(|m| m.starts_with(at)), "{at}: {d:?}");
    }
    // And the other way round: Arguments in a JSONPath ItemReader.
    let d = invalid(json!({"StartAt": "M", "States": {"M": {
        "Type": "Map",
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Arguments": {"Bucket": "b"}},
        "ItemProcessor": distributed(json!({"D": {"Type": "Pass", "End": true}})),
        "End": true}}}));
    assert!(
        d.iter()
            .any(|m| m.starts_with("/States/M/ItemReader/Arguments ")),
        "{d:?}"
    );
}

// "Attempting to access $states.result or $states.errorOutput in fields and states where they
// are not accessible will be caught at creation, update, or validation of the state machine."
// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
#[test]
fn states_result_and_error_output_are_checked_where_they_are_read() {
    let d = invalid(
        json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Output": "{% $states.result %}", "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Arguments": {"x": "{% $states.result.a %}"},
              "Output": "{% $states.errorOutput %}",
              "Catch": [{"ErrorEquals": ["States.ALL"],
                         "Output": "{% $states . result %}", "Next": "F"}],
              "Next": "F"},
        "F": {"Type": "Fail", "Cause": "{% $string($states.errorOutput) %}"}}}),
    );
    for (at, what) in [
        ("/States/P/Output ", "$states.result"),
        ("/States/T/Arguments ", "$states.result"),
        ("/States/T/Output ", "$states.errorOutput"),
        ("/States/T/Catch/0/Output ", "$states.result"),
        ("/States/F/Cause ", "$states.errorOutput"),
    ] {
        assert!(
            d.iter().any(|m| m.starts_with(at) && m.contains(what)),
            "{at}: {d:?}"
        );
    }
    assert_eq!(d.len(), 5, "{d:?}");
    // Where they exist, and inside string literals, they are fine.
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"note": "{% '$states.result is not read here' %}"},
                  "Output": "{% $states.result.Payload %}",
                  "Assign": {"r": "{% $states.result.Payload %}"},
                  "Catch": [{"ErrorEquals": ["States.ALL"],
                             "Assign": {"e": "{% $states.errorOutput.Error %}"},
                             "Output": "{% $states.errorOutput %}", "Next": "E"}],
                  "End": true},
            "E": {"Type": "Succeed"}}}),
        json!({}),
        Some({
            let mut m = mocks(json!({"T": "R"}));
            m["MockedResponses"] = json!({"R": {"0": {"Return": {"Payload": 1}}}});
            m
        }),
    );
    assert_eq!(ok(&o), &json!(1));
}

// The States Language provides no input document: `$` and unqualified names at the top level
// of an expression refer to nothing (use $states.input), while nested inside an expression
// `$` is the context value at that point.
// https://states-language.net/spec.html#jsonata-restrictions
// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
#[test]
fn dollar_is_not_the_state_input() {
    let input = json!({"total": 3, "products": [{"name": "a", "calories": 0},
                                                {"name": "b", "calories": 9}]});
    for expr in ["{% $ %}", "{% total %}", "{% $.total %}"] {
        let o = exec(
            json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
                "P": {"Type": "Pass", "Output": {"v": expr}, "End": true}}}),
            input.clone(),
            None,
        );
        assert_eq!(
            o.error.as_deref(),
            Some("States.QueryEvaluationError"),
            "{expr}"
        );
        assert!(
            o.cause
                .as_deref()
                .unwrap()
                .contains("returned nothing (undefined)"),
            "{expr}: {:?}",
            o.cause
        );
    }
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
            "P": {"Type": "Pass",
                  "Output": {"zero": "{% $states.input.products[$.calories = 0].name %}",
                             "nine": "{% $states.input.products[calories > 0].name %}"},
                  "End": true}}}),
        input,
        None,
    );
    assert_eq!(ok(&o), &json!({"zero": "a", "nine": "b"}));
}

// A catcher's Output replaces the state output; $states.errorOutput is the Error Output,
// an object with the Error name and the Cause.
// https://states-language.net/spec.html#jsonata-catchers
// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html#reserved-variable-states
#[test]
fn catch_output_reads_the_error_output() {
    let def = |catcher: Value| {
        json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"FunctionName": "f"},
                  "Catch": [catcher], "End": true},
            "After": {"Type": "Pass", "End": true}}})
    };
    let m = {
        let mut m = mocks(json!({"T": "R"}));
        m["MockedResponses"] =
            json!({"R": {"0": {"Throw": {"Error": "Order.Invalid", "Cause": "no items"}}}});
        m
    };
    let o = exec(
        def(json!({"ErrorEquals": ["States.ALL"], "Next": "After",
                   "Output": {"err": "{% $states.errorOutput %}",
                              "id": "{% $states.input.id %}"}})),
        json!({"id": 7}),
        Some(m.clone()),
    );
    assert_eq!(
        ok(&o),
        &json!({"err": {"Error": "Order.Invalid", "Cause": "no items"}, "id": 7})
    );
    // Without Output, the state output is the Error Output itself.
    let o = exec(
        def(json!({"ErrorEquals": ["States.ALL"], "Next": "After"})),
        json!({"id": 7}),
        Some(m),
    );
    assert_eq!(
        ok(&o),
        &json!({"Error": "Order.Invalid", "Cause": "no items"})
    );
}

// $states.context is the Context object: Execution (Id, Input, Name, RoleArn, StartTime,
// RedriveCount), State (EnteredTime, Name, RetryCount) and StateMachine (Id, Name); Task only
// for a task that waits for a token, RedriveTime only after a redrive.
// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
#[test]
fn states_context_holds_the_context_object() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "Here", "States": {
            "Here": {"Type": "Pass", "Output": "{% $states.context %}", "End": true}}}),
        json!({"order": 1}),
        None,
    );
    let c = ok(&o);
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(c), ["Execution", "State", "StateMachine"]);
    assert_eq!(
        keys(&c["Execution"]),
        [
            "Id",
            "Input",
            "Name",
            "RedriveCount",
            "RoleArn",
            "StartTime"
        ]
    );
    assert_eq!(keys(&c["State"]), ["EnteredTime", "Name", "RetryCount"]);
    assert_eq!(keys(&c["StateMachine"]), ["Id", "Name"]);
    assert_eq!(c["Execution"]["Input"], json!({"order": 1}));
    assert_eq!(c["State"]["Name"], json!("Here"));
    assert_eq!(c["State"]["RetryCount"], json!(0));
    assert_eq!(c["Execution"]["RedriveCount"], json!(0));
    let id = c["Execution"]["Id"].as_str().unwrap();
    assert!(
        id.starts_with("arn:aws:states:") && id.contains(":execution:"),
        "{id}"
    );
    assert!(
        id.ends_with(&format!(":{}", c["Execution"]["Name"].as_str().unwrap())),
        "{id}"
    );
}
