//! PutEvents: entry validation, per-entry results and the event envelope.
//! https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
//! https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events.html

use serde_json::{json, Value};
use stepbridge_bus::put::{entry_size, MAX_REQUEST_SIZE};
use stepbridge_bus::{Config, EventBridge, LogEntry, RuleSpec, TargetSpec};

fn bridge() -> EventBridge {
    EventBridge::new(Config::default())
}

fn entry(detail: &str) -> Value {
    json!({"Source": "my.app", "DetailType": "Thing Happened", "Detail": detail})
}

fn accepted_events(b: &EventBridge) -> Vec<Value> {
    b.log()
        .iter()
        .filter_map(|e| match e {
            LogEntry::EventAccepted { event, .. } => Some(event.clone()),
            _ => None,
        })
        .collect()
}

// Source, DetailType and Detail are required; each failure is reported on its own entry with
// InvalidArgument, and FailedEntryCount counts them.
#[test]
fn required_fields_per_entry() {
    let mut b = bridge();
    let result = b
        .put_events(&[
            json!({"DetailType": "t", "Detail": "{}"}),
            json!({"Source": "s", "Detail": "{}"}),
            json!({"Source": "s", "DetailType": "t"}),
            entry("{}"),
        ])
        .unwrap();
    assert_eq!(result.failed_entry_count, 3);
    let e = &result.entries;
    assert_eq!(e[0].error_code.as_deref(), Some("InvalidArgument"));
    assert_eq!(
        e[0].error_message.as_deref(),
        Some("Parameter Source is not valid. Reason: Source is a required argument.")
    );
    assert_eq!(
        e[1].error_message.as_deref(),
        Some("Parameter DetailType is not valid. Reason: DetailType is a required argument.")
    );
    assert_eq!(
        e[2].error_message.as_deref(),
        Some("Parameter Detail is not valid. Reason: Detail is a required argument.")
    );
    assert!(e[3].event_id.is_some() && e[3].error_code.is_none());
    // Only the good entry became an event.
    assert_eq!(accepted_events(&b).len(), 1);
}

// MalformedDetail: "The JSON provided is not valid" — also when it is JSON but not an object.
#[test]
fn malformed_detail() {
    let mut b = bridge();
    let result = b
        .put_events(&[
            entry("{not json"),
            entry("[1,2]"),
            entry("\"text\""),
            entry(r#"{"ok":true}"#),
        ])
        .unwrap();
    assert_eq!(result.failed_entry_count, 3);
    for r in &result.entries[..3] {
        assert_eq!(r.error_code.as_deref(), Some("MalformedDetail"));
        assert_eq!(r.error_message.as_deref(), Some("Detail is malformed."));
    }
}

// Entries: "Array Members: Minimum number of 1 item. Maximum number of 10 items."
#[test]
fn one_to_ten_entries() {
    let mut b = bridge();
    let ten: Vec<Value> = (0..10).map(|_| entry("{}")).collect();
    assert_eq!(b.put_events(&ten).unwrap().failed_entry_count, 0);
    let eleven: Vec<Value> = (0..11).map(|_| entry("{}")).collect();
    let e = b.put_events(&eleven).unwrap_err();
    assert_eq!(e.error, "ValidationException");
    assert!(
        e.message.contains("less than or equal to 10"),
        "{}",
        e.message
    );
    assert_eq!(b.put_events(&[]).unwrap_err().error, "ValidationException");
}

// Entry size: Time counts 14 bytes; Source, DetailType, Detail and each resource count their
// UTF-8 bytes; the total must stay within 256 KB.
#[test]
fn entry_size_as_documented() {
    let e = json!({
        "Time": "2024-01-01T00:00:00Z",
        "Source": "é",            // 2 bytes
        "DetailType": "ab",       // 2 bytes
        "Detail": "{\"k\":1}",    // 7 bytes
        "Resources": ["r1", "ü"], // 2 + 2 bytes
        "EventBusName": "ignored-in-size",
    });
    assert_eq!(entry_size(&e), 14 + 2 + 2 + 7 + 4);
    let without_time = json!({"Source": "s", "DetailType": "t", "Detail": "{}"});
    assert_eq!(entry_size(&without_time), 4);

    let mut b = bridge();
    // An entry just at the limit passes; one byte more fails the request.
    let overhead = "s".len() + "t".len() + "{\"x\":\"\"}".len();
    let fill = "a".repeat(MAX_REQUEST_SIZE - overhead);
    let at_limit =
        json!({"Source": "s", "DetailType": "t", "Detail": format!("{{\"x\":\"{fill}\"}}")});
    assert_eq!(entry_size(&at_limit), MAX_REQUEST_SIZE);
    assert!(b.put_events(&[at_limit]).is_ok());
    let over =
        json!({"Source": "s", "DetailType": "t", "Detail": format!("{{\"x\":\"{fill}a\"}}")});
    let e = b.put_events(&[over]).unwrap_err();
    assert_eq!(e.error, "ValidationException");
    assert!(
        e.message.contains("Total size of the entries"),
        "{}",
        e.message
    );
}

// The envelope (eb-events): version "0", id, detail-type, source, account, time, region,
// resources, detail — with time from the virtual clock unless the entry gives Time.
#[test]
fn envelope_fields() {
    let mut b = EventBridge::new(Config {
        account: "111122223333".into(),
        region: "eu-west-1".into(),
        seed: 42,
        ..Config::default()
    });
    let result = b
        .put_events(&[
            json!({"Source": "my.app", "DetailType": "Order Placed", "Detail": "{\"id\":7}",
                   "Resources": ["arn:aws:s3:::bucket"]}),
            json!({"Source": "my.app", "DetailType": "Order Placed", "Detail": "{}",
                   "Time": "2023-05-06T07:08:09Z"}),
        ])
        .unwrap();
    let events = accepted_events(&b);
    let e = &events[0];
    let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "version",
            "id",
            "detail-type",
            "source",
            "account",
            "time",
            "region",
            "resources",
            "detail"
        ]
    );
    assert_eq!(e["version"], "0");
    assert_eq!(
        e["id"],
        result.entries[0].event_id.clone().unwrap().as_str()
    );
    assert_eq!(e["account"], "111122223333");
    assert_eq!(e["region"], "eu-west-1");
    assert_eq!(e["time"], "2024-01-01T00:00:00Z");
    assert_eq!(e["resources"], json!(["arn:aws:s3:::bucket"]));
    assert_eq!(e["detail"], json!({"id": 7}));
    assert_eq!(events[1]["time"], "2023-05-06T07:08:09Z");
    assert_eq!(events[1]["resources"], json!([]));
    // Ids are UUIDs, distinct, and the same for the same seed.
    let id = e["id"].as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4");
    assert_ne!(events[0]["id"], events[1]["id"]);
    let mut again = EventBridge::new(Config {
        seed: 42,
        ..Config::default()
    });
    let r2 = again.put_events(&[entry("{}")]).unwrap();
    assert_eq!(r2.entries[0].event_id, result.entries[0].event_id);
}

// NotAuthorizedForSourceException: sources starting with "aws." belong to AWS services.
#[test]
fn aws_sources_are_reserved() {
    let mut b = bridge();
    let r = b
        .put_events(&[json!({"Source": "aws.ec2", "DetailType": "x", "Detail": "{}"})])
        .unwrap();
    assert_eq!(
        r.entries[0].error_code.as_deref(),
        Some("NotAuthorizedForSourceException")
    );
}

// EventBusName takes a name or an ARN; an unknown bus fails that entry only.
#[test]
fn event_bus_name_or_arn() {
    let mut b = bridge();
    let arn = b.create_event_bus("orders").unwrap();
    b.put_rule(&RuleSpec {
        name: "all".into(),
        event_bus_name: Some("orders".into()),
        event_pattern: Some(json!({"source": ["my.app"]})),
        ..RuleSpec::default()
    })
    .unwrap();
    b.put_targets(
        Some("orders"),
        "all",
        &[TargetSpec {
            id: "log".into(),
            arn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/orders".into(),
            ..TargetSpec::default()
        }],
    )
    .unwrap();
    let r = b
        .put_events(&[
            json!({"Source": "my.app", "DetailType": "x", "Detail": "{}", "EventBusName": "orders"}),
            json!({"Source": "my.app", "DetailType": "x", "Detail": "{}", "EventBusName": arn}),
            json!({"Source": "my.app", "DetailType": "x", "Detail": "{}", "EventBusName": "nope"}),
        ])
        .unwrap();
    assert_eq!(r.failed_entry_count, 1);
    assert_eq!(
        r.entries[2].error_code.as_deref(),
        Some("ResourceNotFoundException")
    );
    assert_eq!(
        r.entries[2].error_message.as_deref(),
        Some("Event bus nope does not exist.")
    );
    let delivered = b
        .log()
        .iter()
        .filter(|e| matches!(e, LogEntry::TargetInvoked { .. }))
        .count();
    assert_eq!(delivered, 2);
}

// The result serialises with AWS's field names.
#[test]
fn result_shape() {
    let mut b = bridge();
    let r = b
        .put_events(&[entry("{}"), json!({"Source": "s"})])
        .unwrap();
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["FailedEntryCount"], 1);
    assert!(v["Entries"][0]["EventId"].is_string());
    assert_eq!(v["Entries"][1]["ErrorCode"], "InvalidArgument");
    assert!(v["Entries"][1].get("EventId").is_none());
}

#[test]
fn hostile_entries_do_not_panic() {
    let mut b = bridge();
    for e in [
        json!(null),
        json!(5),
        json!([]),
        json!({"Source": 1, "DetailType": [], "Detail": {}}),
        json!({"Source": "s", "DetailType": "t", "Detail": {"as": "object"}, "Time": "yesterday"}),
        json!({"Source": "s", "DetailType": "t", "Detail": "{}", "Time": 1e300}),
        json!({"Source": "s", "DetailType": "t", "Detail": "{}", "Resources": [1]}),
        json!({"Source": "s", "DetailType": "t", "Detail": "{}", "EventBusName": 3}),
        json!({"Source": "s", "DetailType": "t", "Detail": "{}", "TraceHeader": "x".repeat(600)}),
    ] {
        let r = b.put_events(&[e]).unwrap();
        assert_eq!(r.entries.len(), 1);
    }
    // A Detail given as an object (scenario convenience) is accepted.
    let r = b
        .put_events(&[
            json!({"Source": "s", "DetailType": "t", "Detail": {"a": 1}, "Time": 1700000000}),
        ])
        .unwrap();
    assert_eq!(r.failed_entry_count, 0);
}
