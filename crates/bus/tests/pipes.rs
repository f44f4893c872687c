//! EventBridge Pipes: one test per behaviour, each citing the AWS page it reproduces.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use serde_json::{json, Value};
use stepbridge_bus::pipes::{run_pipe, PipeRun};

const SQS: &str = "arn:aws:sqs:us-east-1:123456789012:orders";
const KINESIS: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks";
const DDB: &str =
    "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000";
const LOGS: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/pipes/out";

fn run(doc: Value) -> PipeRun {
    run_pipe(&doc).unwrap_or_else(|e| panic!("{e}"))
}

fn report(doc: Value) -> Value {
    serde_json::to_value(run(doc)).unwrap()
}

// SQS record shape: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html (the
// record EventBridge Pipes receives from SQS, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-sqs.html).
// A pattern on `body` matches the JSON body's fields
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html).
#[test]
fn sqs_records_have_the_documented_envelope_and_filter_on_json_body() {
    let r = report(json!({
        "Name": "orders",
        "Source": SQS,
        "SourceParameters": {"FilterCriteria": {"Filters": [
            {"Pattern": "{\"body\": {\"status\": [\"pending\"]}}"}
        ]}},
        "SourceRecords": [
            {"body": {"orderId": "o-1", "status": "pending"}},
            {"body": {"orderId": "o-2", "status": "shipped"}},
            "not json at all"
        ],
        "Target": LOGS
    }));
    let rec = &r["records"][0]["record"];
    for key in [
        "messageId",
        "receiptHandle",
        "body",
        "attributes",
        "messageAttributes",
        "md5OfBody",
        "eventSource",
        "eventSourceARN",
        "awsRegion",
    ] {
        assert!(rec.get(key).is_some(), "missing {key}");
    }
    assert_eq!(rec["eventSource"], "aws:sqs");
    assert_eq!(rec["eventSourceARN"], SQS);
    assert_eq!(rec["body"], "{\"orderId\":\"o-1\",\"status\":\"pending\"}");
    // md5 of that exact body text.
    assert_eq!(rec["md5OfBody"].as_str().unwrap().len(), 32);
    assert_eq!(rec["attributes"]["ApproximateReceiveCount"], "1");
    assert_eq!(r["records"][0]["status"], "BATCHED");
    assert_eq!(r["records"][1]["status"], "FILTERED_OUT");
    let reason = r["records"][1]["filter"]["reasons"][0].as_str().unwrap();
    assert!(reason.contains("body.status"), "{reason}");
    assert!(reason.contains("shipped"), "{reason}");
    // A plain-text body cannot match a pattern on fields inside the body.
    assert_eq!(r["records"][2]["status"], "FILTERED_OUT");
    let reason = r["records"][2]["filter"]["reasons"][0].as_str().unwrap();
    assert!(reason.contains("not a JSON object"), "{reason}");
    // The log target received the one record that passed.
    assert_eq!(r["batches"].as_array().unwrap().len(), 1);
    assert_eq!(r["batches"][0]["target"]["kind"], "logs");
    assert_eq!(
        r["batches"][0]["target"]["logEvents"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn md5_of_body_is_the_md5_of_the_body_text() {
    // md5("hello") is well known.
    let r = report(json!({"Name": "p", "Source": SQS, "SourceRecords": ["hello"], "Target": LOGS}));
    assert_eq!(
        r["records"][0]["record"]["md5OfBody"],
        "5d41402abc4b2a76b9719d911017c592"
    );
}

// Filters are ORed and a plain-string body matches a plain-string pattern:
// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html
#[test]
fn sqs_plain_body_matches_a_string_pattern_and_filters_are_ored() {
    let r = report(json!({
        "Name": "p", "Source": SQS,
        "SourceParameters": {"FilterCriteria": {"Filters": [
            {"Pattern": {"body": {"kind": ["a"]}}},
            {"Pattern": {"body": [{"prefix": "hello"}]}}
        ]}},
        "SourceRecords": ["hello world", {"body": {"kind": "a"}}, "bye"],
        "Target": LOGS
    }));
    assert_eq!(r["records"][0]["filter"]["matchedFilter"], 1);
    assert_eq!(r["records"][1]["filter"]["matchedFilter"], 0);
    assert_eq!(r["records"][2]["status"], "FILTERED_OUT");
    assert_eq!(
        r["records"][2]["filter"]["reasons"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

// Kinesis: Pipes base64-encodes `data` and filters on its decoded JSON
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html,
// https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis-filtering.html).
#[test]
fn kinesis_data_is_base64_and_filtered_decoded() {
    let r = report(json!({
        "Name": "clicks", "Source": KINESIS,
        "SourceParameters": {"FilterCriteria": {"Filters": [
            {"Pattern": {"data": {"order": {"type": ["buy"]}}}}
        ]}},
        "SourceRecords": [
            {"data": {"record": 1, "order": {"type": "buy", "quantity": 1000}}, "partitionKey": "a"},
            {"data": {"record": 2, "order": {"type": "sell"}}},
            {"data": "plain text"}
        ],
        "Target": LOGS
    }));
    let rec = &r["records"][0]["record"];
    assert_eq!(rec["eventSource"], "aws:kinesis");
    assert_eq!(rec["eventName"], "aws:kinesis:record");
    assert_eq!(rec["partitionKey"], "a");
    assert_eq!(rec["kinesisSchemaVersion"], "1.0");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rec["data"].as_str().unwrap())
        .unwrap();
    let decoded: Value = serde_json::from_slice(&decoded).unwrap();
    assert_eq!(decoded["order"]["type"], "buy");
    assert!(rec["eventID"].as_str().unwrap().starts_with("shardId-"));
    assert_eq!(r["records"][0]["status"], "BATCHED");
    assert_eq!(r["records"][1]["status"], "FILTERED_OUT");
    assert!(r["records"][1]["filter"]["reasons"][0]
        .as_str()
        .unwrap()
        .contains("data.order.type"));
    assert_eq!(r["records"][2]["status"], "FILTERED_OUT");
    assert!(r["records"][2]["filter"]["reasons"][0]
        .as_str()
        .unwrap()
        .contains("not a JSON object"));
}

// DynamoDB stream records: eventName and dynamodb.Keys/NewImage/OldImage in DynamoDB JSON
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-dynamodb.html,
// filtering: https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html).
#[test]
fn dynamodb_records_marshal_images_and_filter_on_them() {
    let r = report(json!({
        "Name": "orders-stream", "Source": DDB, "KeySchema": ["pk"],
        "SourceParameters": {"FilterCriteria": {"Filters": [
            {"Pattern": {"eventName": ["INSERT", "MODIFY"], "dynamodb": {"NewImage": {"status": {"S": ["paid"]}}}}}
        ]}},
        "SourceRecords": [
            {"eventName": "INSERT", "newImage": {"pk": "o-1", "status": "paid", "total": 12.5}},
            {"eventName": "MODIFY", "oldImage": {"pk": {"S": "o-2"}, "status": {"S": "new"}},
             "newImage": {"pk": {"S": "o-2"}, "status": {"S": "cancelled"}}},
            {"eventName": "REMOVE", "oldImage": {"pk": "o-3", "status": "paid"}}
        ],
        "Target": LOGS
    }));
    let rec = &r["records"][0]["record"];
    assert_eq!(rec["eventSource"], "aws:dynamodb");
    assert_eq!(rec["dynamodb"]["Keys"], json!({"pk": {"S": "o-1"}}));
    assert_eq!(rec["dynamodb"]["NewImage"]["total"], json!({"N": "12.5"}));
    assert_eq!(rec["dynamodb"]["StreamViewType"], "NEW_AND_OLD_IMAGES");
    assert!(rec["dynamodb"].get("OldImage").is_none());
    assert_eq!(r["records"][0]["status"], "BATCHED");
    assert_eq!(r["records"][1]["status"], "FILTERED_OUT");
    assert!(r["records"][1]["filter"]["reasons"][0]
        .as_str()
        .unwrap()
        .contains("cancelled"));
    // REMOVE fails on eventName before reaching the image.
    assert_eq!(r["records"][2]["status"], "FILTERED_OUT");
    assert!(r["records"][2]["filter"]["reasons"][0]
        .as_str()
        .unwrap()
        .contains("eventName"));
    assert_eq!(
        r["records"][2]["record"]["dynamodb"]["OldImage"]["pk"],
        json!({"S": "o-3"})
    );
}

#[test]
fn bad_input_names_its_place() {
    let err = run_pipe(&json!({"Name": "p", "Source": DDB, "Target": LOGS,
        "SourceRecords": [{"eventName": "UPSERT"}]}))
    .unwrap_err();
    assert!(err.message.contains("/SourceRecords/0/eventName"), "{err}");
    let err = run_pipe(
        &json!({"Name": "p", "Source": SQS, "Target": LOGS, "SourceRecords": [],
        "SourceParameters": {"FilterCriteria": {"Filters": [{"Pattern": "{\"body\": 5}"}]}}}),
    )
    .unwrap_err();
    assert_eq!(err.error, "InvalidEventPatternException");
    assert!(
        err.message
            .contains("/SourceParameters/FilterCriteria/Filters/0/Pattern"),
        "{err}"
    );
    let err = run_pipe(
        &json!({"Name": "p", "Source": SQS, "Target": LOGS, "SourceRecords": [],
        "SourceParameters": {"SqsQueueParameters": {"BatchSize": 0}}}),
    )
    .unwrap_err();
    assert!(
        err.message
            .contains("/SourceParameters/SqsQueueParameters/BatchSize"),
        "{err}"
    );
    let err = run_pipe(
        &json!({"Name": "p", "Source": "arn:aws:s3:::bucket", "Target": LOGS, "SourceRecords": []}),
    )
    .unwrap_err();
    assert!(err.message.contains("(at /Source)"), "{err}");
}

// BatchSize groups the records that passed the filter; the batching window is a setting
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html).
#[test]
fn batches_group_filtered_records_by_batch_size() {
    let r = report(json!({
        "Name": "p", "Source": SQS,
        "SourceParameters": {
            "FilterCriteria": {"Filters": [{"Pattern": {"body": {"keep": [true]}}}]},
            "SqsQueueParameters": {"BatchSize": 2, "MaximumBatchingWindowInSeconds": 20}
        },
        "SourceRecords": [
            {"body": {"n": 0, "keep": true}}, {"body": {"n": 1, "keep": false}},
            {"body": {"n": 2, "keep": true}}, {"body": {"n": 3, "keep": true}},
            {"body": {"n": 4, "keep": true}}, {"body": {"n": 5, "keep": true}}
        ],
        "Target": LOGS
    }));
    assert_eq!(r["batchSize"], 2);
    assert_eq!(r["maximumBatchingWindowInSeconds"], 20);
    let batches = r["batches"].as_array().unwrap();
    assert_eq!(batches.len(), 3);
    assert_eq!(batches[0]["records"], json!([0, 2]));
    assert_eq!(batches[1]["records"], json!([3, 4]));
    assert_eq!(batches[2]["records"], json!([5]));
    assert_eq!(
        r["summary"],
        json!({"records": 6, "filteredOut": 1, "batches": 3, "deliveredBatches": 3,
               "failedBatches": 0, "targetEvents": 5})
    );
    assert_eq!(r["records"][3]["batch"], 1);
    assert_eq!(r["records"][3]["position"], 0);
    assert!(r["records"][1].get("batch").is_none());
}

#[test]
fn default_batch_sizes_are_10_for_sqs_and_100_for_streams() {
    let sqs = run(json!({"Name": "p", "Source": SQS, "SourceRecords": [], "Target": LOGS}));
    let kin = run(json!({"Name": "p", "Source": KINESIS, "SourceRecords": [], "Target": LOGS}));
    assert_eq!(sqs.batch_size, 10);
    assert_eq!(kin.batch_size, 100);
}

fn machine(name: &str, definition: Value) -> Value {
    json!({"Name": name, "Definition": definition})
}

// Enrichment with a state machine: Pipes calls an Express workflow synchronously with the
// batch (a JSON array) and passes its response to the target; an array response is the
// batch the target gets (https://docs.aws.amazon.com/eventbridge/latest/userguide/pipes-enrichment.html).
// A state machine target receives the batch as an array
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-target.html).
#[test]
fn state_machine_enrichment_replaces_the_batch_and_target_runs() {
    let enrich = json!({
        "StartAt": "Tag",
        "States": {"Tag": {"Type": "Map", "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "Add", "States": {"Add": {"Type": "Pass",
                "Parameters": {"id.$": "$.id", "vip": true}, "End": true}}},
            "End": true}}
    });
    let fulfil = json!({"StartAt": "Count", "States": {"Count": {"Type": "Pass",
        "Parameters": {"n.$": "States.ArrayLength($)", "first.$": "$[0]"}, "End": true}}});
    let r = report(json!({
        "Name": "orders", "Source": SQS, "Seed": 3,
        "SourceRecords": [{"body": {"orderId": "o-1"}}, {"body": {"orderId": "o-2"}}],
        "Enrichment": "arn:aws:states:us-east-1:123456789012:stateMachine:Enrich",
        "EnrichmentParameters": {"InputTemplate": "{\"id\": \"<$.body.orderId>\"}"},
        "Target": "arn:aws:states:us-east-1:123456789012:stateMachine:Fulfil",
        "TargetParameters": {"StepFunctionStateMachineParameters": {"InvocationType": "REQUEST_RESPONSE"}},
        "StateMachines": [machine("Enrich", enrich), machine("Fulfil", fulfil)]
    }));
    let b = &r["batches"][0];
    assert_eq!(b["status"], "DELIVERED");
    assert_eq!(b["enrichment"]["kind"], "stateMachine");
    // The enrichment InputTemplate read the JSON body implicitly.
    assert_eq!(
        b["enrichment"]["input"],
        json!([{"id": "o-1"}, {"id": "o-2"}])
    );
    assert_eq!(b["enrichment"]["execution"]["workflowType"], "EXPRESS");
    assert!(b["enrichment"]["execution"]["executionArn"]
        .as_str()
        .unwrap()
        .contains(":express:Enrich:"));
    assert_eq!(
        b["targetEvents"],
        json!([{"id": "o-1", "vip": true}, {"id": "o-2", "vip": true}])
    );
    let exec = &b["target"]["execution"];
    assert_eq!(b["target"]["kind"], "stateMachine");
    assert_eq!(exec["status"], "SUCCEEDED");
    assert_eq!(
        exec["output"],
        json!({"n": 2, "first": {"id": "o-1", "vip": true}})
    );
    assert!(exec["executionArn"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:states:us-east-1:123456789012:"));
    // Deterministic: the same seed gives the same report.
    let again = report(json!({
        "Name": "orders", "Source": SQS, "Seed": 3,
        "SourceRecords": [{"body": {"orderId": "o-1"}}, {"body": {"orderId": "o-2"}}],
        "Enrichment": "arn:aws:states:us-east-1:123456789012:stateMachine:Enrich",
        "EnrichmentParameters": {"InputTemplate": "{\"id\": \"<$.body.orderId>\"}"},
        "Target": "arn:aws:states:us-east-1:123456789012:stateMachine:Fulfil",
        "TargetParameters": {"StepFunctionStateMachineParameters": {"InvocationType": "REQUEST_RESPONSE"}},
        "StateMachines": [machine("Enrich", json!({"StartAt": "Tag", "States": {"Tag": {"Type": "Map", "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "Add", "States": {"Add": {"Type": "Pass",
                "Parameters": {"id.$": "$.id", "vip": true}, "End": true}}}, "End": true}}})),
            machine("Fulfil", json!({"StartAt": "Count", "States": {"Count": {"Type": "Pass",
        "Parameters": {"n.$": "States.ArrayLength($)", "first.$": "$[0]"}, "End": true}}}))]
    }));
    assert_eq!(r, again);
}

// An empty enrichment response means the target is not invoked; a failing enrichment fails
// the batch, and an SQS batch goes back to the queue
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/pipes-enrichment.html,
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-error-troubleshooting.html).
#[test]
fn mock_enrichment_output_empty_response_and_failure() {
    let base = |mock: Value| {
        report(json!({
            "Name": "p", "Source": SQS, "SourceRecords": ["a", "b"],
            "Enrichment": "arn:aws:lambda:us-east-1:123456789012:function:enrich",
            "EnrichmentMock": mock, "Target": LOGS
        }))
    };
    let r = base(json!({"Output": {"single": true}}));
    assert_eq!(r["batches"][0]["enrichment"]["kind"], "mock");
    assert_eq!(r["batches"][0]["targetEvents"], json!([{"single": true}]));
    assert_eq!(
        r["batches"][0]["target"]["logEvents"][0]["message"],
        "{\"single\":true}"
    );

    let r = base(json!({"Output": []}));
    assert_eq!(r["batches"][0]["status"], "DROPPED_BY_ENRICHMENT");
    assert!(r["batches"][0].get("target").is_none());

    let r = base(json!({"Error": "Lambda.Unhandled", "Cause": "boom"}));
    assert_eq!(r["batches"][0]["status"], "ENRICHMENT_FAILED");
    assert_eq!(r["batches"][0]["enrichment"]["error"], "Lambda.Unhandled");
    assert!(r["batches"][0]["disposition"]
        .as_str()
        .unwrap()
        .starts_with("RETURNED_TO_QUEUE"));
    assert!(r["batches"][0].get("target").is_none());
}

#[test]
fn failing_state_machine_enrichment_fails_the_batch() {
    let r = report(json!({
        "Name": "p", "Source": KINESIS, "SourceRecords": [{"data": {"x": 1}}],
        "Enrichment": "arn:aws:states:us-east-1:123456789012:stateMachine:Bad",
        "StateMachines": [machine("Bad", json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Nope", "Cause": "no"}}}))],
        "Target": LOGS
    }));
    let b = &r["batches"][0];
    assert_eq!(b["status"], "ENRICHMENT_FAILED");
    assert_eq!(b["enrichment"]["error"], "Nope");
    assert_eq!(b["enrichment"]["execution"]["status"], "FAILED");
    assert!(b["disposition"].as_str().unwrap().starts_with("RETRIED"));
}

// Target InputTemplate: inline JSON paths, implicit body parsing, reserved variables, text
// templates (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html).
#[test]
fn target_input_template_applies_to_each_event() {
    let r = report(json!({
        "Name": "tpl", "Source": SQS,
        "SourceRecords": [{"body": {"key": "k1", "items": [1, 2]}, "attributes": {"SenderId": "S1"}}],
        "Target": "arn:aws:lambda:us-east-1:123456789012:function:f",
        "TargetParameters": {"InputTemplate":
            "{\"key\": \"<$.body.key>\", \"items\": <$.body.items>, \"second\": <$.body.items[1]>, \"sender\": \"Hello, <$.attributes.SenderId>\", \"pipe\": \"<aws.pipes.pipe-name>\", \"t\": \"<aws.pipes.event.ingestion-time>\", \"raw\": <aws.pipes.event.json>}"}
    }));
    let input = &r["batches"][0]["targetInput"][0];
    assert_eq!(input["key"], "k1");
    assert_eq!(input["items"], json!([1, 2]));
    assert_eq!(input["second"], 2);
    assert_eq!(input["sender"], "Hello, S1");
    assert_eq!(input["pipe"], "tpl");
    assert_eq!(input["t"], "2024-01-01T00:00:00.000Z");
    // aws.pipes.event.json has the body decoded.
    assert_eq!(input["raw"]["body"]["key"], "k1");
    assert_eq!(r["batches"][0]["target"]["kind"], "recorded");
    assert_eq!(r["batches"][0]["target"]["service"], "lambda");

    // A text template and a single-path template.
    let r = report(
        json!({"Name": "tpl", "Source": SQS, "SourceRecords": [{"body": {"key": "k"}}],
        "Target": LOGS, "TargetParameters": {"InputTemplate": "Key is <$.body.key>"}}),
    );
    assert_eq!(r["batches"][0]["targetInput"], json!(["Key is k"]));
    let r = report(
        json!({"Name": "tpl", "Source": SQS, "SourceRecords": [{"body": {"key": "k"}}],
        "Target": LOGS, "TargetParameters": {"InputTemplate": "<$.body>"}}),
    );
    assert_eq!(r["batches"][0]["targetInput"], json!(["{\"key\":\"k\"}"]));
    let err = run_pipe(
        &json!({"Name": "tpl", "Source": SQS, "SourceRecords": [], "Target": LOGS,
        "TargetParameters": {"InputTemplate": "<aws.pipes.nope>"}}),
    )
    .unwrap_err();
    assert!(
        err.message.contains("/TargetParameters/InputTemplate"),
        "{err}"
    );
}

// An event bus target gets one PutEvents entry per event, source "Pipe <name>" and
// detail-type "Event from aws:sqs" unless EventBridgeEventBusParameters override them
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-target.html).
#[test]
fn event_bus_target_puts_events_on_a_simulated_bus() {
    let r = report(json!({
        "Name": "to-bus", "Source": SQS,
        "SourceRecords": [{"body": {"a": 1}}, {"body": {"a": 2}}],
        "Target": "arn:aws:events:us-east-1:123456789012:event-bus/orders",
        "TargetParameters": {"InputTemplate": "{\"a\": <$.body.a>}"}
    }));
    let t = &r["batches"][0]["target"];
    assert_eq!(t["kind"], "eventBus");
    assert_eq!(t["putEvents"]["FailedEntryCount"], 0);
    let events = t["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["source"], "Pipe to-bus");
    assert_eq!(events[0]["detail-type"], "Event from aws:sqs");
    assert_eq!(events[1]["detail"], json!({"a": 2}));

    let r = report(json!({
        "Name": "to-bus", "Source": SQS, "SourceRecords": [{"body": {"a": 1}}],
        "Target": "arn:aws:events:us-east-1:123456789012:event-bus/default",
        "TargetParameters": {"EventBridgeEventBusParameters": {"Source": "shop", "DetailType": "Order"}}
    }));
    let ev = &r["batches"][0]["target"]["events"][0];
    assert_eq!(ev["source"], "shop");
    assert_eq!(ev["detail-type"], "Order");
    // Without a template the whole SQS record is the detail.
    assert_eq!(ev["detail"]["eventSource"], "aws:sqs");
}

// A state machine target run with FIRE_AND_FORGET is a Standard execution; a failed
// REQUEST_RESPONSE execution fails the batch.
#[test]
fn state_machine_target_invocation_types() {
    let doc = |invocation: &str, definition: Value| {
        json!({
            "Name": "p", "Source": KINESIS, "SourceRecords": [{"data": {"n": 1}}],
            "Target": "arn:aws:states:us-east-1:123456789012:stateMachine:T",
            "TargetParameters": {"InputTemplate": "<aws.pipes.event.json>",
                "StepFunctionStateMachineParameters": {"InvocationType": invocation}},
            "StateMachines": [machine("T", definition)]
        })
    };
    let pass = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let r = report(doc("FIRE_AND_FORGET", pass));
    let exec = &r["batches"][0]["target"]["execution"];
    assert_eq!(exec["workflowType"], "STANDARD");
    assert!(exec["executionArn"]
        .as_str()
        .unwrap()
        .contains(":execution:T:"));
    assert_eq!(exec["output"][0]["data"]["n"], 1);
    let fail = json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}});
    let r = report(doc("REQUEST_RESPONSE", fail));
    assert_eq!(r["batches"][0]["status"], "TARGET_FAILED");
    assert_eq!(r["batches"][0]["target"]["execution"]["error"], "E");
}

/// Malformed documents are refused with an error, never a panic.
#[test]
fn malformed_documents_are_errors() {
    let docs = [
        json!(null),
        json!([]),
        json!({}),
        json!({"Name": "p"}),
        json!({"Name": "bad name!", "Source": SQS, "Target": LOGS, "SourceRecords": []}),
        json!({"Name": "p", "Source": SQS, "Target": LOGS}),
        json!({"Name": "p", "Source": SQS, "Target": LOGS, "SourceRecords": [5]}),
        json!({"Name": "p", "Source": KINESIS, "Target": LOGS, "SourceRecords": [{"dataBase64": "%%"}]}),
        json!({"Name": "p", "Source": KINESIS, "Target": LOGS, "SourceRecords": [{}]}),
        json!({"Name": "p", "Source": DDB, "Target": LOGS, "SourceRecords": [{"eventName": "INSERT", "newImage": {"a": 1}}]}),
        json!({"Name": "p", "Source": DDB, "Target": LOGS, "SourceRecords": [{"eventName": "MODIFY", "newImage": {"a": 1}}]}),
        json!({"Name": "p", "Source": SQS, "Target": "arn:aws:states:us-east-1:123456789012:stateMachine:Missing", "SourceRecords": []}),
        json!({"Name": "p", "Source": SQS, "Target": LOGS, "SourceRecords": [], "Enrichment": "arn:aws:lambda:us-east-1:1:function:f"}),
        json!({"Name": "p", "Source": SQS, "Target": LOGS, "SourceRecords": [], "EnrichmentMock": {}}),
        json!({"Name": "p", "Source": SQS, "Target": LOGS, "SourceRecords": [],
               "SourceParameters": {"FilterCriteria": {"Filters": [{}, {}, {}, {}, {}, {}]}}}),
        json!({"Name": "p", "Source": SQS, "Target": LOGS, "SourceRecords": [],
               "SourceParameters": {"SqsQueueParameters": {"MaximumBatchingWindowInSeconds": 301}}}),
        json!({"Name": "p", "Source": SQS, "Target": LOGS, "SourceRecords": [], "StartTime": "yesterday"}),
        json!({"Name": "p", "Source": SQS, "Target": LOGS, "SourceRecords": [],
               "TargetParameters": {"InputTemplate": "{\"a\": <$..x>}"}}),
    ];
    for doc in docs {
        let err = run_pipe(&doc).expect_err(&doc.to_string());
        assert!(
            err.error == "ValidationException" || err.error == "InvalidEventPatternException",
            "{err}"
        );
        assert!(err.message.contains("(at "), "{err}");
    }
}
