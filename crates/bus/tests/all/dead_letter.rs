//! A target's dead-letter queue and retry policy.
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html: an error that
//! retrying cannot fix (the target resource does not exist, ...) is not retried; the event
//! goes straight to the target's dead-letter queue (an SQS queue) when it has one, with the
//! attributes RULE_ARN, TARGET_ARN, ERROR_CODE and ERROR_MESSAGE.
//! https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html:
//! MaximumRetryAttempts 0-185, MaximumEventAgeInSeconds 60-86400 (defaults 185 and 24 hours).

use serde_json::{json, Value};
use stepbridge_bus::scenario::simulate;

const DLQ: &str = "arn:aws:sqs:us-east-1:123456789012:orders-dlq";

fn scenario(target: Value) -> Value {
    json!({
        "rules": [{"Name": "r", "EventPattern": {"source": ["shop"]}, "Targets": [target]}],
        "steps": [{"putEvents": [{"Source": "shop", "DetailType": "Order", "Detail": "{\"id\": 1}"}]}]
    })
}

fn of_type<'a>(run: &'a Value, kind: &str) -> Vec<&'a Value> {
    run["log"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == kind)
        .collect()
}

#[test]
fn a_failed_delivery_goes_to_the_dead_letter_queue_with_its_attributes() {
    let run = simulate(&scenario(json!({
        "Id": "gone", "Arn": "arn:aws:states:us-east-1:123456789012:stateMachine:Missing",
        "DeadLetterConfig": {"Arn": DLQ},
        "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 600}
    })));
    assert_eq!(
        run["setup"][0]["result"]["PutTargets"]["FailedEntryCount"], 0,
        "{}",
        run["setup"]
    );
    assert_eq!(of_type(&run, "deliveryFailed").len(), 1);
    let sent = of_type(&run, "sentToDeadLetterQueue");
    assert_eq!(sent.len(), 1, "{}", run["log"]);
    let sent = sent[0];
    assert_eq!(sent["queueArn"], DLQ);
    assert_eq!(sent["targetId"], "gone");
    let attributes = &sent["attributes"];
    assert_eq!(
        attributes["RULE_ARN"],
        "arn:aws:events:us-east-1:123456789012:rule/r"
    );
    assert_eq!(
        attributes["TARGET_ARN"],
        "arn:aws:states:us-east-1:123456789012:stateMachine:Missing"
    );
    assert_eq!(attributes["ERROR_CODE"], "NO_RESOURCE");
    assert!(attributes["ERROR_MESSAGE"]
        .as_str()
        .unwrap()
        .contains("State Machine Does Not Exist"));
    // Not retried: the resource is missing, retrying cannot help.
    assert_eq!(attributes["RETRY_ATTEMPTS"], "0");
    // The message body is the event itself.
    assert_eq!(sent["event"]["detail"], json!({"id": 1}));
    // Described with the rule's targets.
    let target = &run["state"]["rules"][0]["Targets"][0];
    assert_eq!(target["DeadLetterConfig"]["Arn"], DLQ);
    assert_eq!(target["RetryPolicy"]["MaximumRetryAttempts"], 3);
}

#[test]
fn without_a_queue_the_failed_event_is_dropped() {
    let run = simulate(&scenario(json!({
        "Id": "gone", "Arn": "arn:aws:states:us-east-1:123456789012:stateMachine:Missing"})));
    assert_eq!(of_type(&run, "deliveryFailed").len(), 1);
    assert!(of_type(&run, "sentToDeadLetterQueue").is_empty());
    // An input that is not JSON for a state machine is INVALID_JSON.
    let run = simulate(&json!({
        "stateMachines": [{"name": "M", "definition": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}],
        "rules": [{"Name": "r", "EventPattern": {"source": ["shop"]}, "Targets": [{
            "Id": "t", "Arn": "arn:aws:states:us-east-1:123456789012:stateMachine:M",
            "InputTransformer": {"InputPathsMap": {"id": "$.detail.id"}, "InputTemplate": "id is <id>"},
            "DeadLetterConfig": {"Arn": DLQ}}]}],
        "steps": [{"putEvents": [{"Source": "shop", "DetailType": "Order", "Detail": "{\"id\": 1}"}]}]
    }));
    assert_eq!(
        of_type(&run, "sentToDeadLetterQueue")[0]["attributes"]["ERROR_CODE"],
        "INVALID_JSON"
    );
}

#[test]
fn retry_policy_and_queue_are_validated_as_put_targets_does() {
    for (target, needle) in [
        (
            json!({"RetryPolicy": {"MaximumRetryAttempts": 186}}),
            "maximumRetryAttempts",
        ),
        (
            json!({"RetryPolicy": {"MaximumEventAgeInSeconds": 59}}),
            "maximumEventAgeInSeconds",
        ),
        (
            json!({"RetryPolicy": {"MaximumEventAgeInSeconds": 86_401}}),
            "maximumEventAgeInSeconds",
        ),
        (
            json!({"DeadLetterConfig": {"Arn": "arn:aws:sns:us-east-1:123456789012:topic"}}),
            "DeadLetterConfig",
        ),
    ] {
        let mut spec =
            json!({"Id": "t", "Arn": "arn:aws:logs:us-east-1:123456789012:log-group:/x"});
        for (k, v) in target.as_object().unwrap() {
            spec[k] = v.clone();
        }
        let run = simulate(&scenario(spec));
        let failed = &run["setup"][0]["result"]["PutTargets"];
        assert_eq!(failed["FailedEntryCount"], 1, "{target}: {}", run["setup"]);
        let message = failed["FailedEntries"][0]["ErrorMessage"].as_str().unwrap();
        assert!(message.contains(needle), "{message}");
    }
    let ok = simulate(&scenario(
        json!({"Id": "t", "Arn": "arn:aws:logs:us-east-1:123456789012:log-group:/x",
        "RetryPolicy": {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60}}),
    ));
    assert_eq!(
        ok["setup"][0]["result"]["PutTargets"]["FailedEntryCount"],
        0
    );
    assert_eq!(of_type(&ok, "targetInvoked").len(), 1);
}
