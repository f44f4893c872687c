#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! "Suggest an input" and "Suggest mocks" on definitions shaped like AWS's samples: the
//! suggestions must let each definition run to its end.

use serde_json::{json, Value};
use stepbridge_asl::{run, RunOutcome, RunRequest};
use stepbridge_inspect::suggest::{suggest_input, suggest_mocks};

fn run_with(definition: &Value, input: &Value, mocks: Option<(&Value, &str)>) -> RunOutcome {
    run(&RunRequest {
        definition: definition.to_string(),
        input: input.to_string(),
        mock_config: mocks.map(|(m, _)| m.to_string()),
        test_case: mocks.map(|_| "HappyPath".to_string()),
        state_machine: mocks.map(|(_, n)| n.to_string()),
        ..Default::default()
    })
}

fn assert_succeeds(definition: &Value, input: &Value) -> RunOutcome {
    let out = run_with(definition, input, None);
    assert_eq!(
        out.status.as_str(),
        "SUCCEEDED",
        "input {input}: {:?} {:?} {:?}",
        out.error,
        out.cause,
        out.diagnostics
    );
    out
}

#[test]
fn s3_event_paths_become_nested_objects_and_map_items_an_array() {
    let def = json!({
      "StartAt": "GetObject",
      "States": {
        "GetObject": {
          "Type": "Task",
          "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
          "Parameters": {"Bucket.$": "$.detail.bucket.name", "Key.$": "$.detail.object.key"},
          "ResultPath": "$.object",
          "Next": "Each"
        },
        "Each": {
          "Type": "Map",
          "ItemsPath": "$.items",
          "MaxConcurrency": 2,
          "ItemProcessor": {
            "StartAt": "Price",
            "States": {"Price": {"Type": "Pass", "Parameters": {"sku.$": "$.sku", "n.$": "$.qty"}, "End": true}}
          },
          "ResultPath": "$.priced",
          "Next": "Done"
        },
        "Done": {"Type": "Pass", "Parameters": {"bucket.$": "$.object.Bucket", "first.$": "$.priced[0].sku"}, "End": true}
      }
    });
    let input = suggest_input(&def);
    // `$.object` and `$.priced` are written by ResultPath: not asked of the input.
    assert_eq!(
        input,
        json!({
            "detail": {"bucket": {"name": "…"}, "object": {"key": "…"}},
            "items": [{"sku": "…", "qty": "…"}]
        })
    );
    let out = assert_succeeds(&def, &input);
    assert_eq!(out.output, Some(json!({"bucket": "…", "first": "…"})));
}

#[test]
fn choice_variables_get_values_that_match_the_first_rule() {
    let def = json!({
      "StartAt": "Route",
      "States": {
        "Route": {
          "Type": "Choice",
          "Choices": [
            {"And": [
              {"Variable": "$.order.tier", "StringEquals": "gold"},
              {"Variable": "$.order.total", "NumericGreaterThan": 100},
              {"Variable": "$.order.express", "BooleanEquals": true},
              {"Variable": "$.order.placedAt", "TimestampLessThan": "2024-06-01T00:00:00Z"},
              {"Variable": "$.order.code", "StringMatches": "ORD-*"},
              {"Variable": "$.order.coupon", "IsNull": true},
              {"Not": {"Variable": "$.order.gift", "IsPresent": true}}
            ], "Next": "Gold"}
          ],
          "Default": "Other"
        },
        "Gold": {"Type": "Succeed"},
        "Other": {"Type": "Fail", "Error": "NotGold"}
      }
    });
    let input = suggest_input(&def);
    assert_eq!(
        input,
        json!({"order": {
            "tier": "gold", "total": 101, "express": true,
            "placedAt": "1970-01-01T00:00:00Z", "code": "ORD-", "coupon": null
        }})
    );
    assert_succeeds(&def, &input);
}

#[test]
fn waits_intrinsics_and_paths_written_earlier() {
    let def = json!({
      "StartAt": "Validate",
      "States": {
        "Validate": {
          "Type": "Task",
          "Resource": "arn:aws:states:::lambda:invoke",
          "Parameters": {"FunctionName": "validate", "Payload": {"id.$": "$.orderId"}},
          "ResultSelector": {"ok.$": "$.Payload.ok"},
          "ResultPath": "$.validation",
          "Next": "Check"
        },
        "Check": {
          "Type": "Choice",
          "Choices": [{"Variable": "$.validation.ok", "IsPresent": true, "Next": "Pause"}],
          "Default": "Pause"
        },
        "Pause": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "Until"},
        "Until": {"Type": "Wait", "TimestampPath": "$.notBefore", "Next": "Compute"},
        "Compute": {
          "Type": "Pass",
          "Parameters": {
            "count.$": "States.ArrayLength($.lines)",
            "parsed.$": "States.StringToJson($.raw)",
            "next.$": "States.MathAdd($.counter, 1)",
            "label.$": "States.Format('order {}', $.orderId)",
            "at.$": "$$.Execution.StartTime"
          },
          "End": true
        }
      }
    });
    let input = suggest_input(&def);
    assert_eq!(
        input,
        json!({
            "orderId": "…", "delay": 5, "notBefore": "2024-01-01T00:05:00Z",
            "lines": ["…"], "raw": "{}", "counter": 1
        })
    );
    // The Lambda's result comes from the suggested mock, shaped by the ResultSelector.
    let mocks = suggest_mocks(&def, "m");
    assert_eq!(
        mocks["MockedResponses"]["ValidateResponse"]["0"]["Return"]["Payload"],
        json!({"ok": "…"})
    );
    let out = run_with(&def, &input, Some((&mocks, "m")));
    assert_eq!(
        out.status.as_str(),
        "SUCCEEDED",
        "{:?} {:?}",
        out.error,
        out.cause
    );
    let output = out.output.unwrap();
    assert_eq!(output["count"], json!(1));
    assert_eq!(output["next"], json!(2));
}

#[test]
fn jsonata_references_and_comparisons() {
    let def = json!({
      "QueryLanguage": "JSONata",
      "StartAt": "Route",
      "States": {
        "Route": {
          "Type": "Choice",
          "Choices": [{"Condition": "{% $states.input.order.total > 100 and $states.input.order.`customer tier` = 'gold' %}", "Next": "Lines"}],
          "Default": "Reject"
        },
        "Lines": {
          "Type": "Map",
          "Items": "{% $states.input.order.lines %}",
          "ItemProcessor": {
            "StartAt": "Line",
            "States": {"Line": {"Type": "Pass", "Output": {"sku": "{% $uppercase($states.input.sku) %}"}, "End": true}}
          },
          "Output": {"count": "{% $count($states.result) %}", "wait": "{% $states.input.pause %}"},
          "Next": "Pause"
        },
        "Pause": {"Type": "Wait", "Seconds": "{% $states.input.wait %}", "End": true},
        "Reject": {"Type": "Fail", "Error": "Rejected"}
      }
    });
    let input = suggest_input(&def);
    assert_eq!(
        input,
        json!({"order": {"total": 101, "customer tier": "gold", "lines": [{"sku": "…"}]}, "pause": "…"})
    );
    // `pause` feeds Wait's Seconds only through Output, which the walk does not follow
    // into the next state: give it a number as a user would.
    let mut input = input;
    input["pause"] = json!(2);
    let out = assert_succeeds(&def, &input);
    assert_eq!(out.output, Some(json!({"count": 1, "wait": 2})));
}

fn example(name: &str) -> Value {
    let path = format!(
        "{}/../../static/examples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn order_examples_run_on_suggested_mocks_and_input() {
    for file in [
        "order-processing.asl.json",
        "order-processing-jsonata.asl.json",
    ] {
        let def = example(file);
        let mocks = suggest_mocks(&def, "order-processing");
        // The Lambda response carries the fields later states read, with neutral values
        // (the happy path is not steered into the rejecting rule).
        let ret = &mocks["MockedResponses"]["ValidateOrderResponse"]["0"]["Return"];
        assert_eq!(ret["StatusCode"], json!(200), "{file}: {mocks}");
        assert_eq!(
            ret["Payload"],
            json!({"valid": true, "total": 0}),
            "{file}: {mocks}"
        );
        assert_eq!(
            mocks["StateMachines"]["order-processing"]["TestCases"]["HappyPath"],
            json!({"ValidateOrder": "ValidateOrderResponse"})
        );
        let input = example("order-processing.input.json");
        let out = run_with(&def, &input, Some((&mocks, "order-processing")));
        assert_eq!(
            out.status.as_str(),
            "SUCCEEDED",
            "{file}: {:?} {:?}",
            out.error,
            out.cause
        );
        assert!(out.unmocked.is_empty(), "{file}: {:?}", out.unmocked);
        // And on the suggested input as well.
        let input = suggest_input(&def);
        let out = run_with(&def, &input, Some((&mocks, "order-processing")));
        assert_eq!(
            out.status.as_str(),
            "SUCCEEDED",
            "{file} on {input}: {:?} {:?}",
            out.error,
            out.cause
        );
    }
}

#[test]
fn every_service_integration_gets_its_documented_response() {
    let task = |resource: &str, next: &str| json!({"Type": "Task", "Resource": resource, "Parameters": {}, "ResultPath": null, "Next": next});
    let mut states = serde_json::Map::new();
    let chain = [
        ("Invoke", "arn:aws:states:::lambda:invoke"),
        (
            "Legacy",
            "arn:aws:lambda:us-east-1:123456789012:function:legacy",
        ),
        ("GetItem", "arn:aws:states:::dynamodb:getItem"),
        ("PutItem", "arn:aws:states:::dynamodb:putItem"),
        ("Publish", "arn:aws:states:::sns:publish"),
        ("Send", "arn:aws:states:::sqs:sendMessage"),
        ("Child", "arn:aws:states:::states:startExecution.sync:2"),
        ("Container", "arn:aws:states:::ecs:runTask.sync"),
        ("Etl", "arn:aws:states:::glue:startJobRun.sync"),
        ("Batch", "arn:aws:states:::batch:submitJob.sync"),
        ("Events", "arn:aws:states:::events:putEvents"),
        ("Http", "arn:aws:states:::http:invoke"),
        ("Sdk", "arn:aws:states:::aws-sdk:s3:listBuckets"),
        (
            "Approve",
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        ),
    ];
    for (i, (name, resource)) in chain.iter().enumerate() {
        let next = chain.get(i + 1).map_or("Fan", |(n, _)| n);
        states.insert(name.to_string(), task(resource, next));
    }
    states.insert(
        "Fan".into(),
        json!({"Type": "Parallel", "Branches": [
            {"StartAt": "InBranch", "States": {"InBranch": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {}, "End": true}}}
        ], "ResultPath": null, "Next": "Read"}),
    );
    states.insert(
        "Read".into(),
        json!({"Type": "Map",
               "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "b", "Key": "k"}},
               "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "PerItem",
                 "States": {"PerItem": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"Payload.$": "$.orderId"}, "End": true}}},
               "ResultPath": "$.results", "Next": "Done"}),
    );
    states.insert("Done".into(), json!({"Type": "Succeed"}));
    let def = json!({"StartAt": "Invoke", "States": states});
    let mocks = suggest_mocks(&def, "services");
    let r = |name: &str| mocks["MockedResponses"][format!("{name}Response")]["0"]["Return"].clone();
    // Shapes from the pages cited in src/responses.rs.
    assert_eq!(r("Invoke")["StatusCode"], json!(200));
    assert!(r("Invoke")["Payload"].is_object());
    assert!(r("Legacy")["Payload"].is_object());
    assert!(r("GetItem")["Item"].is_object());
    assert!(r("Publish")["MessageId"].is_string());
    assert!(r("Send")["MessageId"].is_string());
    assert_eq!(r("Send")["MD5OfMessageBody"].as_str().unwrap().len(), 32);
    assert_eq!(r("Child")["Status"], json!("SUCCEEDED"));
    assert!(
        r("Child")["Output"].is_object(),
        ".sync:2 gives Output as JSON"
    );
    assert_eq!(r("Container")["Tasks"][0]["LastStatus"], json!("STOPPED"));
    assert_eq!(r("Etl")["JobRunState"], json!("SUCCEEDED"));
    assert_eq!(r("Batch")["Status"], json!("SUCCEEDED"));
    assert_eq!(r("Events")["FailedEntryCount"], json!(0));
    assert!(r("Events")["Entries"][0]["EventId"].is_string());
    assert_eq!(r("Http")["StatusCode"], json!(200));
    assert_eq!(r("Sdk"), json!({}));
    assert_eq!(r("Approve"), json!({}));
    assert!(r("InBranch")["MessageId"].is_string());
    assert!(r("PerItem")["Payload"].is_object());
    // The ItemReader's items carry what the processor reads.
    assert_eq!(r("Read").as_array().unwrap().len(), 3);
    assert_eq!(r("Read")[0], json!({"orderId": "…"}));

    let out = run_with(&def, &json!({}), Some((&mocks, "services")));
    assert_eq!(
        out.status.as_str(),
        "SUCCEEDED",
        "{:?} {:?}",
        out.error,
        out.cause
    );
    assert!(out.unmocked.is_empty(), "{:?}", out.unmocked);
}

/// The worker's path: a YAML definition (as AWS SAM templates hold them) parsed with
/// `parse_source`, JSONata throughout, the input suggested and the run clean.
#[test]
fn yaml_jsonata_s3_sample_runs_on_the_suggestions() {
    let yaml = r#"
QueryLanguage: JSONata
Comment: Resize images dropped in a bucket (EventBridge S3 event)
StartAt: CheckSize
States:
  CheckSize:
    Type: Choice
    Choices:
      - Condition: "{% $states.input.detail.object.size > 1048576 %}"
        Next: Resize
    Default: Skip
  Resize:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Arguments:
      FunctionName: resize
      Payload:
        bucket: "{% $states.input.detail.bucket.name %}"
        key: "{% $states.input.detail.object.key %}"
    Assign:
      thumbnail: "{% $states.result.Payload.thumbnailKey %}"
    Next: Notify
  Notify:
    Type: Task
    Resource: arn:aws:states:::sns:publish
    Arguments:
      TopicArn: arn:aws:sns:us-east-1:123456789012:thumbnails
      Message: "{% 'Thumbnail ' & $thumbnail & ' ready' %}"
    Output:
      thumbnail: "{% $thumbnail %}"
      messageId: "{% $states.result.MessageId %}"
    End: true
  Skip:
    Type: Succeed
"#;
    let def = stepbridge_asl::parse_source(yaml).unwrap();
    let input = suggest_input(&def);
    assert_eq!(
        input,
        json!({"detail": {"object": {"size": 1048577, "key": "…"}, "bucket": {"name": "…"}}})
    );
    let mocks = suggest_mocks(&def, "resize");
    let r = |n: &str| mocks["MockedResponses"][format!("{n}Response")]["0"]["Return"].clone();
    assert_eq!(r("Resize")["Payload"], json!({"thumbnailKey": "…"}));
    assert!(r("Notify")["MessageId"].is_string());
    let out = run(&RunRequest {
        definition: yaml.to_string(),
        input: input.to_string(),
        mock_config: Some(mocks.to_string()),
        test_case: Some("HappyPath".into()),
        ..Default::default()
    });
    assert_eq!(
        out.status.as_str(),
        "SUCCEEDED",
        "{:?} {:?}",
        out.error,
        out.cause
    );
    let output = out.output.unwrap();
    assert_eq!(output["thumbnail"], json!("…"));
    assert_eq!(output["messageId"], r("Notify")["MessageId"]);
}
