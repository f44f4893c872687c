//! The explanation that comes with every answer: which value satisfied each field on a
//! match, and the first failing field with what the event held there otherwise.

use serde_json::{json, Value};
use stepbridge_events::test_pattern;

const EVENT: &str = r#"{"version":"0","id":"1","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012","time":"2017-12-22T18:43:48Z","region":"us-west-1","resources":["arn:aws:ec2:us-west-1:123456789012:instance/i-1"],"detail":{"state":"terminated","count":7,"items":[{"name":"a","size":1},{"name":"b","size":2}]}}"#;

fn explain(pattern: Value) -> (bool, Value) {
    let outcome = test_pattern(&pattern.to_string(), EVENT).expect("valid inputs");
    (outcome.result, outcome.explanation)
}

#[test]
fn match_names_the_value_that_satisfied_each_field() {
    let (result, e) = explain(json!({
        "source": ["aws.s3", "aws.ec2"],
        "detail": {"count": [{"numeric": [">", 5]}], "state": [{"prefix": "term"}]}
    }));
    assert!(result);
    assert_eq!(e["matched"], true);
    let fields = e["fields"].as_array().expect("fields");
    assert_eq!(fields.len(), 3);
    assert_eq!(fields[0]["path"], "source");
    assert_eq!(fields[0]["value"], "aws.ec2");
    assert_eq!(fields[0]["satisfied_by"], "aws.ec2");
    assert_eq!(fields[1]["path"], "detail.count");
    assert_eq!(fields[1]["value"], 7);
    assert_eq!(fields[2]["satisfied_by"], json!({"prefix": "term"}));
    assert_eq!(fields[1]["satisfied_by"], json!({"numeric": [">", 5]}));
    assert!(e.get("failed").is_none());
}

#[test]
fn no_match_names_the_first_failing_field_and_what_the_event_held() {
    let (result, e) = explain(json!({
        "source": ["aws.ec2"],
        "detail": {"state": ["running", "pending"], "count": [7]}
    }));
    assert!(!result);
    let failed = &e["failed"];
    assert_eq!(failed["path"], "detail.state");
    assert_eq!(failed["matched"], false);
    assert_eq!(failed["event_values"], json!(["terminated"]));
    assert_eq!(failed["conditions"], json!(["running", "pending"]));
    // Checking stops at the first failure: `count` is not reported.
    assert_eq!(e["fields"].as_array().map(Vec::len), Some(2));
}

#[test]
fn absent_field_is_reported_as_absent() {
    let (result, e) = explain(json!({"detail": {"zone": ["a"]}}));
    assert!(!result);
    assert_eq!(e["failed"]["path"], "detail.zone");
    assert_eq!(e["failed"]["event_values"], json!([]));
    assert_eq!(
        e["failed"]["reason"],
        "the event has no value at this field"
    );
}

#[test]
fn exists_false_success_is_explained() {
    let (result, e) = explain(json!({"detail": {"error": [{"exists": false}]}}));
    assert!(result);
    assert_eq!(e["fields"][0]["satisfied_by"], json!({"exists": false}));
}

#[test]
fn or_reports_the_alternative_that_matched() {
    let (result, e) = explain(json!({"$or": [{"source": ["aws.s3"]}, {"region": ["us-west-1"]}]}));
    assert!(result);
    assert_eq!(e["fields"][0]["path"], "region");
}

#[test]
fn array_elements_report_the_element_that_matched() {
    let (result, e) = explain(json!({"detail": {"items": {"name": ["b"], "size": [2]}}}));
    assert!(result);
    assert_eq!(e["fields"][0]["path"], "detail.items.name");
    assert_eq!(e["fields"][1]["value"], 2);
}

#[test]
fn explanation_agrees_with_matches() {
    let patterns = [
        json!({"source": ["aws.ec2"]}),
        json!({"detail": {"items": {"name": ["a"], "size": [2]}}}),
        json!({"detail": {"state": [{"anything-but": ["terminated"]}]}}),
        json!({"resources": [{"wildcard": "arn:aws:ec2:*:instance/*"}]}),
    ];
    let event: Value = serde_json::from_str(EVENT).expect("event");
    for p in patterns {
        let compiled = stepbridge_events::Pattern::parse(&p.to_string()).expect("valid");
        assert_eq!(
            compiled.explain(&event).matched,
            compiled.matches(&event),
            "{p}"
        );
    }
}

#[test]
fn structure_mismatch_is_explained() {
    let (result, e) = explain(json!({"detail": {"state": {"name": ["terminated"]}}}));
    assert!(!result);
    assert_eq!(e["failed"]["path"], "detail.state");
    assert_eq!(e["failed"]["event_values"], json!(["terminated"]));
    assert!(e["failed"]["reason"]
        .as_str()
        .unwrap_or("")
        .contains("expects an object"));
    let (result, e) = explain(json!({"detail": ["x"]}));
    assert!(!result);
    assert!(e["failed"]["reason"]
        .as_str()
        .unwrap_or("")
        .contains("holds an object"));
}

#[test]
fn conditions_are_shown_in_pattern_syntax() {
    let pattern = json!({"detail": {
        "count": [{"numeric": [">=", 0, "<", 5]}, {"numeric": ["=", 7]}],
        "state": [{"anything-but": {"prefix": ["a", "b"]}}, {"suffix": {"equals-ignore-case": "ED"}}]
    }});
    let (result, e) = explain(pattern);
    assert!(result);
    assert_eq!(
        e["fields"][0]["conditions"],
        json!([{"numeric": [">=", 0, "<", 5]}, {"numeric": ["=", 7]}])
    );
    assert_eq!(
        e["fields"][1]["conditions"],
        json!([{"anything-but": {"prefix": ["a", "b"]}}, {"suffix": {"equals-ignore-case": "ED"}}])
    );
}

#[test]
fn failing_operator_is_named() {
    let cases = [
        (
            json!({"detail": {"state": [{"anything-but": ["terminated"]}]}}),
            "anything-but excludes",
        ),
        (
            json!({"detail": {"state": [{"prefix": "run"}]}}),
            "does not start with \"run\"",
        ),
        (
            json!({"detail": {"count": [{"numeric": [">", 10]}]}}),
            "outside the range {\"numeric\":[\">\",10]}",
        ),
        (
            json!({"detail": {"count": [{"prefix": "7"}]}}),
            "not a string",
        ),
        (
            json!({"detail": {"state": [{"numeric": [">", 0]}]}}),
            "not a number",
        ),
        (
            json!({"detail": {"state": ["running"]}}),
            "\"terminated\" is not equal to \"running\"",
        ),
        (
            json!({"detail": {"state": [{"exists": false}]}}),
            "requires it to be absent",
        ),
    ];
    for (pattern, expected) in cases {
        let (result, e) = explain(pattern.clone());
        assert!(!result, "{pattern}");
        let reason = e["failed"]["reason"].as_str().unwrap_or("").to_string();
        assert!(reason.contains(expected), "{pattern}: {reason}");
    }
}
