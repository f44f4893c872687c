//! Input transformation, reproducing the examples of
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
//! and the rules of
//! https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html

use serde_json::{json, Value};
use stepbridge_bus::transform::{InputTransformer, JsonPath, ReservedValues};

/// The example Amazon EC2 event of the input transformation page.
fn ec2_event() -> Value {
    json!({
        "version": "0",
        "id": "7bf73129-1428-4cd3-a780-95db273d1602",
        "detail-type": "EC2 Instance State-change Notification",
        "source": "aws.ec2",
        "account": "123456789012",
        "time": "2015-11-11T21:29:54Z",
        "region": "us-east-1",
        "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
        "detail": {"instance-id": "i-0123456789", "state": "RUNNING"}
    })
}

/// The page's Input Path: timestamp, instance and state.
fn paths() -> Value {
    json!({
        "timestamp": "$.time",
        "instance": "$.detail.instance-id",
        "state": "$.detail.state"
    })
}

fn apply(template: &str) -> String {
    let event = ec2_event();
    let t = InputTransformer::new(&paths(), template).unwrap_or_else(|e| panic!("{template}: {e}"));
    t.apply(
        &event,
        &ReservedValues {
            rule_arn: "arn:aws:events:us-east-2:123456789012:rule/example",
            rule_name: "example",
            ingestion_time: "2015-11-11T21:29:55Z",
            event: &event,
        },
    )
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON: {text}: {e}"))
}

// Table row "Simple string".
#[test]
fn simple_string() {
    assert_eq!(
        apply(r#""instance <instance> is in <state>""#),
        r#""instance i-0123456789 is in RUNNING""#
    );
}

// Table row "String with escaped quotes".
#[test]
fn string_with_escaped_quotes() {
    assert_eq!(
        apply(r#""instance \"<instance>\" is in <state>""#),
        r#""instance \"i-0123456789\" is in RUNNING""#
    );
}

// Table row "Simple JSON": variables outside quotes become JSON strings.
#[test]
fn simple_json() {
    let out = apply(r#"{"instance" : <instance>, "state": <state>}"#);
    assert_eq!(
        json_of(&out),
        json!({"instance": "i-0123456789", "state": "RUNNING"})
    );
}

// Table row "JSON with strings and variables".
#[test]
fn json_with_strings_and_variables() {
    let out = apply(
        r#"{"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \"<instance>\" is in <state>"}"#,
    );
    assert_eq!(
        json_of(&out),
        json!({
            "instance": "i-0123456789",
            "state": "RUNNING",
            "instanceStatus": "instance \"i-0123456789\" is in RUNNING"
        })
    );
}

// Table row "JSON with a mix of variables and static information".
#[test]
fn json_with_static_information() {
    let out =
        apply(r#"{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}"#);
    assert_eq!(
        json_of(&out),
        json!({"instance": "i-0123456789", "state": [9, "RUNNING", true], "Transformed": "Yes"})
    );
}

// Table row "Including reserved variables in JSON"; aws.events.event is the original event
// without its detail field, aws.events.event.json the full event.
#[test]
fn reserved_variables_in_json() {
    let out = apply(
        r#"{"instance": <instance>, "state": <state>, "ruleArn": <aws.events.rule-arn>, "ruleName": <aws.events.rule-name>, "originalEvent": <aws.events.event>, "full": <aws.events.event.json>, "at": <aws.events.event.ingestion-time>}"#,
    );
    let v = json_of(&out);
    assert_eq!(
        v["ruleArn"],
        "arn:aws:events:us-east-2:123456789012:rule/example"
    );
    assert_eq!(v["ruleName"], "example");
    assert_eq!(
        v["originalEvent"]["id"],
        "7bf73129-1428-4cd3-a780-95db273d1602"
    );
    assert!(v["originalEvent"].get("detail").is_none());
    assert_eq!(v["full"], ec2_event());
    assert_eq!(v["at"], "2015-11-11T21:29:55Z");
}

// Table row "Including reserved variables in a string".
#[test]
fn reserved_variable_in_string() {
    assert_eq!(
        apply(r#""<aws.events.rule-name> triggered""#),
        r#""example triggered""#
    );
}

// InputTransformer API page: a plain-text template takes values bare.
#[test]
fn plain_text_template() {
    let event = ec2_event();
    let t = InputTransformer::new(
        &json!({"instance": "$.detail.instance-id", "status": "$.detail.state"}),
        "<instance> is in state <status>",
    )
    .unwrap();
    let reserved = ReservedValues {
        rule_arn: "a",
        rule_name: "r",
        ingestion_time: "t",
        event: &event,
    };
    assert_eq!(
        t.apply(&event, &reserved),
        "i-0123456789 is in state RUNNING"
    );
    // With escaped quotes inside the text.
    let t = InputTransformer::new(
        &json!({"instance": "$.detail.instance-id", "status": "$.detail.state"}),
        r#"<instance> is in state "<status>""#,
    )
    .unwrap();
    assert_eq!(
        t.apply(&event, &reserved),
        r#"i-0123456789 is in state "RUNNING""#
    );
}

// InputTransformer API page: '{"myInstance": <instance>,"myStatus": "<instance> is in state \"<status>\""}'
#[test]
fn api_page_json_example() {
    let event = ec2_event();
    let t = InputTransformer::new(
        &json!({"instance": "$.detail.instance-id", "status": "$.detail.state"}),
        r#"{"myInstance": <instance>,"myStatus": "<instance> is in state \"<status>\""}"#,
    )
    .unwrap();
    let reserved = ReservedValues {
        rule_arn: "a",
        rule_name: "r",
        ingestion_time: "t",
        event: &event,
    };
    assert_eq!(
        json_of(&t.apply(&event, &reserved)),
        json!({"myInstance": "i-0123456789", "myStatus": "i-0123456789 is in state \"RUNNING\""})
    );
}

// Values inside quotes are escaped so a JSON template stays valid JSON ("EventBridge replaces
// input transformers at runtime to ensure a valid JSON output").
#[test]
fn string_values_escaped_inside_quotes() {
    let event = json!({"detail": {"note": "say \"hi\"\n", "n": 5, "obj": {"a": [1]}}});
    let t = InputTransformer::new(
        &json!({"note": "$.detail.note", "n": "$.detail.n", "obj": "$.detail.obj"}),
        r#"{"text": "<note>", "count": <n>, "countText": "n=<n>", "o": <obj>}"#,
    )
    .unwrap();
    let reserved = ReservedValues {
        rule_arn: "a",
        rule_name: "r",
        ingestion_time: "t",
        event: &event,
    };
    assert_eq!(
        json_of(&t.apply(&event, &reserved)),
        json!({"text": "say \"hi\"\n", "count": 5, "countText": "n=5", "o": {"a": [1]}})
    );
}

// Common issues: a path that does not exist yields no value: null as a JSON value, nothing
// inside a string.
#[test]
fn missing_path() {
    let event = ec2_event();
    let t = InputTransformer::new(
        &json!({"x": "$.detail.nope"}),
        r#"{"a": <x>, "b": "[<x>]"}"#,
    )
    .unwrap();
    let reserved = ReservedValues {
        rule_arn: "a",
        rule_name: "r",
        ingestion_time: "t",
        event: &event,
    };
    assert_eq!(
        json_of(&t.apply(&event, &reserved)),
        json!({"a": null, "b": "[]"})
    );
}

// API page: "If InputTemplate is a JSON object ... The placeholder cannot be used as an object key."
#[test]
fn placeholder_as_key_rejected() {
    let e = InputTransformer::new(&paths(), r#"{<instance>: 1}"#).unwrap_err();
    assert!(e.contains("object key"), "{e}");
    let e = InputTransformer::new(&paths(), r#"{"<instance>": 1}"#).unwrap_err();
    assert!(e.contains("object key"), "{e}");
}

// API page: up to 100 InputPathsMap entries; reserved names can't be redefined; dot notation.
#[test]
fn paths_map_limits() {
    let mut map = serde_json::Map::new();
    for i in 0..101 {
        map.insert(format!("v{i}"), json!("$.detail"));
    }
    let e = InputTransformer::new(&Value::Object(map.clone()), "x").unwrap_err();
    assert!(e.contains("100"), "{e}");
    map.shift_remove("v100");
    assert!(InputTransformer::new(&Value::Object(map), "x").is_ok());
    let e = InputTransformer::new(&json!({"aws.events.rule-name": "$.id"}), "x").unwrap_err();
    assert!(e.contains("reserved"), "{e}");
    let e = InputTransformer::new(&json!({"a": "$['detail']"}), "x").unwrap_err();
    assert!(e.contains("bracket"), "{e}");
    let e = InputTransformer::new(&json!({"a": "detail"}), "x").unwrap_err();
    assert!(e.contains("'$'"), "{e}");
    assert!(InputTransformer::new(&json!({}), "").is_err());
    assert!(InputTransformer::new(&json!({}), &"x".repeat(8193)).is_err());
    let e = InputTransformer::new(&json!({}), r#"{"a": "#).unwrap_err();
    assert!(e.contains("not valid JSON"), "{e}");
}

// The JSON path subset: dot notation, dashes, array indices and wildcards.
#[test]
fn json_path_subset() {
    let event = ec2_event();
    assert_eq!(
        JsonPath::parse("$.resources[0]").unwrap().select(&event),
        Some(json!(
            "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"
        ))
    );
    assert_eq!(
        JsonPath::parse("$.detail.instance-id")
            .unwrap()
            .select(&event),
        Some(json!("i-0123456789"))
    );
    let doc = json!({"items": [{"id": 1}, {"id": 2}]});
    assert_eq!(
        JsonPath::parse("$.items[*].id").unwrap().select(&doc),
        Some(json!([1, 2]))
    );
    assert_eq!(
        JsonPath::parse("$").unwrap().select(&doc),
        Some(doc.clone())
    );
    assert_eq!(JsonPath::parse("$.items[5]").unwrap().select(&doc), None);
    for bad in ["$.", "$..a", "$[", "$.a[x]", "x"] {
        assert!(JsonPath::parse(bad).is_err(), "{bad}");
    }
}

// Only templates written as JSON objects carry the JSON restrictions (API_InputTransformer:
// "If InputTemplate is a JSON object (surrounded by curly braces)..."); quoted text is fine.
#[test]
fn quoted_text_template_is_not_forced_to_be_json() {
    let event = ec2_event();
    let t = InputTransformer::new(&paths(), r#""<instance>" and "<state>""#).unwrap();
    let reserved = ReservedValues {
        rule_arn: "a",
        rule_name: "r",
        ingestion_time: "t",
        event: &event,
    };
    assert_eq!(
        t.apply(&event, &reserved),
        r#""i-0123456789" and "RUNNING""#
    );
}

// Table row "Amazon CloudWatch log group": the page shows the log's rendering of the message;
// the JSON handed to the target carries the timestamp and the quoted instance.
#[test]
fn cloudwatch_log_group_row() {
    let out =
        apply(r#"{"timestamp" : <timestamp>, "message": "instance \"<instance>\" is in <state>"}"#);
    assert_eq!(
        json_of(&out),
        json!({"timestamp": "2015-11-11T21:29:54Z", "message": "instance \"i-0123456789\" is in RUNNING"})
    );
}
