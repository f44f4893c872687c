//! Archives and replays, and scheduled rules on the virtual clock.
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive-event.html
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-rule-schedule.html
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events.html (Scheduled Event)

use chrono::Duration;
use serde_json::{json, Value};
use stepbridge_bus::scenario::simulate;
use stepbridge_bus::{
    Config, EventBridge, LogEntry, ReplayDestination, ReplaySpec, RuleSpec, RuleState, TargetSpec,
};

const LOG_ARN: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/demo";

fn log_target(id: &str) -> TargetSpec {
    TargetSpec {
        id: id.into(),
        arn: LOG_ARN.into(),
        ..TargetSpec::default()
    }
}

fn delivered(b: &EventBridge) -> Vec<Value> {
    b.log()
        .iter()
        .filter_map(|e| match e {
            LogEntry::TargetInvoked { input, .. } => serde_json::from_str(input).ok(),
            _ => None,
        })
        .collect()
}

fn put_at(b: &mut EventBridge, time: &str, kind: &str) {
    let r = b
        .put_events(
            &[json!({"Source": "shop", "DetailType": kind, "Detail": "{}",
                             "EventBusName": "orders", "Time": time})],
        )
        .unwrap();
    assert_eq!(r.failed_entry_count, 0);
}

fn setup() -> EventBridge {
    let mut b = EventBridge::new(Config::default());
    b.create_event_bus("orders").unwrap();
    b.create_event_bus("other").unwrap();
    b.create_archive(
        "orders-archive",
        "orders",
        Some(&json!({"detail-type": ["Order"]})),
    )
    .unwrap();
    b
}

fn replay(name: &str, start: &str, end: &str, dest: &str, filters: Vec<String>) -> ReplaySpec {
    ReplaySpec {
        replay_name: name.into(),
        event_source_arn: "arn:aws:events:us-east-1:123456789012:archive/orders-archive".into(),
        event_start_time: json!(start),
        event_end_time: json!(end),
        destination: ReplayDestination {
            arn: dest.into(),
            filter_arns: filters,
        },
    }
}

// An archive keeps the events of its bus that match its pattern; a replay sends the events
// whose time lies in the window back, with replay-name set, ordered by event time.
#[test]
fn archive_and_replay_window() {
    let mut b = setup();
    put_at(&mut b, "2024-01-01T10:00:00Z", "Order");
    put_at(&mut b, "2024-01-01T09:00:00Z", "Order");
    put_at(&mut b, "2024-01-01T11:00:00Z", "Order");
    put_at(&mut b, "2024-01-01T10:30:00Z", "Refund"); // not archived: pattern
    b.put_rule(&RuleSpec {
        name: "all".into(),
        event_bus_name: Some("orders".into()),
        event_pattern: Some(json!({"source": ["shop"]})),
        ..RuleSpec::default()
    })
    .unwrap();
    b.put_targets(Some("orders"), "all", &[log_target("t")])
        .unwrap();
    let n = b
        .start_replay(&replay(
            "r1",
            "2024-01-01T09:00:00Z",
            "2024-01-01T11:00:00Z",
            "arn:aws:events:us-east-1:123456789012:event-bus/orders",
            vec![],
        ))
        .unwrap();
    assert_eq!(n, 2, "the window is [start, end)");
    let d = delivered(&b);
    assert_eq!(d.len(), 2);
    assert_eq!(d[0]["time"], "2024-01-01T09:00:00Z");
    assert_eq!(d[1]["time"], "2024-01-01T10:00:00Z");
    assert!(d.iter().all(|e| e["replay-name"] == "r1"));
}

// "For destination, you can replay events only to the same event bus that emitted the
// events", and only the rules named in FilterArns fire when given.
#[test]
fn replay_destination_and_rule_filter() {
    let mut b = setup();
    put_at(&mut b, "2024-01-01T10:00:00Z", "Order");
    let a = b
        .put_rule(&RuleSpec {
            name: "a".into(),
            event_bus_name: Some("orders".into()),
            event_pattern: Some(json!({"source": ["shop"]})),
            ..RuleSpec::default()
        })
        .unwrap();
    b.put_targets(Some("orders"), "a", &[log_target("ta")])
        .unwrap();
    b.put_rule(&RuleSpec {
        name: "b".into(),
        event_bus_name: Some("orders".into()),
        event_pattern: Some(json!({"source": ["shop"]})),
        ..RuleSpec::default()
    })
    .unwrap();
    b.put_targets(Some("orders"), "b", &[log_target("tb")])
        .unwrap();
    let e = b
        .start_replay(&replay(
            "x",
            "2024-01-01T00:00:00Z",
            "2024-01-02T00:00:00Z",
            "other",
            vec![],
        ))
        .unwrap_err();
    assert_eq!(e.error, "ValidationException");
    assert!(
        e.message.contains("Cross event bus replay"),
        "{}",
        e.message
    );
    b.start_replay(&replay(
        "y",
        "2024-01-01T00:00:00Z",
        "2024-01-02T00:00:00Z",
        "orders",
        vec![a],
    ))
    .unwrap();
    let targets: Vec<String> = b
        .log()
        .iter()
        .filter_map(|e| match e {
            LogEntry::TargetInvoked { target_id, .. } => Some(target_id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(targets, ["ta"]);
    // Same name twice, reversed window, unknown archive.
    let again = replay(
        "y",
        "2024-01-01T00:00:00Z",
        "2024-01-02T00:00:00Z",
        "orders",
        vec![],
    );
    assert_eq!(
        b.start_replay(&again).unwrap_err().error,
        "ResourceAlreadyExistsException"
    );
    let reversed = replay(
        "z",
        "2024-01-02T00:00:00Z",
        "2024-01-01T00:00:00Z",
        "orders",
        vec![],
    );
    assert_eq!(
        b.start_replay(&reversed).unwrap_err().error,
        "ValidationException"
    );
    let mut ghost = replay(
        "w",
        "2024-01-01T00:00:00Z",
        "2024-01-02T00:00:00Z",
        "orders",
        vec![],
    );
    ghost.event_source_arn = "nope".into();
    assert_eq!(
        b.start_replay(&ghost).unwrap_err().error,
        "ResourceNotFoundException"
    );
}

// Replayed events are not archived a second time.
#[test]
fn replayed_events_are_not_rearchived() {
    let mut b = setup();
    put_at(&mut b, "2024-01-01T10:00:00Z", "Order");
    b.start_replay(&replay(
        "r",
        "2024-01-01T00:00:00Z",
        "2024-01-02T00:00:00Z",
        "orders",
        vec![],
    ))
    .unwrap();
    b.start_replay(&replay(
        "s",
        "2024-01-01T00:00:00Z",
        "2024-01-02T00:00:00Z",
        "orders",
        vec![],
    ))
    .unwrap();
    let archived = b
        .log()
        .iter()
        .filter(|e| matches!(e, LogEntry::EventArchived { .. }))
        .count();
    assert_eq!(archived, 1);
    let replayed: Vec<usize> = b
        .log()
        .iter()
        .filter_map(|e| match e {
            LogEntry::ReplayCompleted {
                events_replayed, ..
            } => Some(*events_replayed),
            _ => None,
        })
        .collect();
    assert_eq!(replayed, [1, 1]);
}

// A scheduled rule emits "Scheduled Event" events (source aws.events, resources [rule ARN],
// detail {}) on the clock; rate schedules start when the rule is created.
#[test]
fn scheduled_rule_emits_events() {
    let mut b = EventBridge::new(Config::default());
    let arn = b
        .put_rule(&RuleSpec {
            name: "every-5".into(),
            schedule_expression: Some("rate(5 minutes)".into()),
            ..RuleSpec::default()
        })
        .unwrap();
    b.put_targets(None, "every-5", &[log_target("t")]).unwrap();
    assert_eq!(
        b.next_fire_times(None, "every-5", 2).unwrap(),
        ["2024-01-01T00:05:00Z", "2024-01-01T00:10:00Z"]
    );
    let fired = b.advance(Duration::minutes(12));
    assert_eq!(fired, 2);
    let d = delivered(&b);
    assert_eq!(d.len(), 2);
    assert_eq!(d[0]["detail-type"], "Scheduled Event");
    assert_eq!(d[0]["source"], "aws.events");
    assert_eq!(d[0]["resources"], json!([arn]));
    assert_eq!(d[0]["detail"], json!({}));
    assert_eq!(d[0]["time"], "2024-01-01T00:05:00Z");
    assert_eq!(d[1]["time"], "2024-01-01T00:10:00Z");
    assert_eq!(b.now().to_rfc3339(), "2024-01-01T00:12:00+00:00");
}

// Cron rules fire at their minutes; several rules interleave in time order; a disabled rule
// stays silent and resumes from the present when re-enabled.
#[test]
fn cron_rules_in_time_order_and_disable() {
    let mut b = EventBridge::new(Config::default());
    for (name, expr) in [
        ("hourly", "cron(0 * * * ? *)"),
        ("half", "cron(30 * * * ? *)"),
    ] {
        b.put_rule(&RuleSpec {
            name: name.into(),
            schedule_expression: Some(expr.into()),
            ..RuleSpec::default()
        })
        .unwrap();
        b.put_targets(None, name, &[log_target(name)]).unwrap();
    }
    b.advance(Duration::hours(2));
    let order: Vec<String> = b
        .log()
        .iter()
        .filter_map(|e| match e {
            LogEntry::ScheduleFired { rule, time, .. } => Some(format!("{time} {rule}")),
            _ => None,
        })
        .collect();
    assert_eq!(
        order,
        [
            "2024-01-01T00:30:00Z half",
            "2024-01-01T01:00:00Z hourly",
            "2024-01-01T01:30:00Z half",
            "2024-01-01T02:00:00Z hourly"
        ]
    );
    b.set_rule_state(None, "hourly", RuleState::Disabled)
        .unwrap();
    assert_eq!(b.advance(Duration::hours(2)), 2);
    b.set_rule_state(None, "hourly", RuleState::Enabled)
        .unwrap();
    assert_eq!(b.advance(Duration::hours(1)), 2);
}

// "You can only create scheduled rules using the default event bus."
#[test]
fn schedules_only_on_default_bus() {
    let mut b = EventBridge::new(Config::default());
    b.create_event_bus("orders").unwrap();
    let e = b
        .put_rule(&RuleSpec {
            name: "s".into(),
            event_bus_name: Some("orders".into()),
            schedule_expression: Some("rate(1 hour)".into()),
            ..RuleSpec::default()
        })
        .unwrap_err();
    assert_eq!(e.error, "ValidationException");
    let e = b
        .put_rule(&RuleSpec {
            name: "s".into(),
            schedule_expression: Some("rate(1 hours)".into()),
            ..RuleSpec::default()
        })
        .unwrap_err();
    assert!(e.message.contains("singular"), "{}", e.message);
}

// The scenario runner wires everything from one JSON document and reports errors in place.
#[test]
fn scenario_end_to_end() {
    let out = simulate(&json!({
        "seed": 7,
        "buses": ["orders"],
        "rules": [
            {"Name": "paid", "EventBusName": "orders", "EventPattern": {"detail": {"status": ["PAID"]}},
             "Targets": [{"Id": "log", "Arn": LOG_ARN,
                          "InputTransformer": {"InputPathsMap": {"s": "$.detail.status"},
                                               "InputTemplate": "{\"state\": <s>}"}}]},
            {"Name": "tick", "ScheduleExpression": "rate(1 hour)", "Targets": [{"Id": "log", "Arn": LOG_ARN}]},
            {"Name": "broken", "EventPattern": {"source": "x"}}
        ],
        "archives": [{"ArchiveName": "a", "EventSourceArn": "orders"}],
        "steps": [
            {"putEvents": [{"Source": "shop", "DetailType": "Order", "Detail": "{\"status\":\"PAID\"}", "EventBusName": "orders"}]},
            {"advanceSeconds": 7200},
            {"startReplay": {"ReplayName": "again", "EventSourceArn": "a",
                             "EventStartTime": "2024-01-01T00:00:00Z", "EventEndTime": "2024-01-02T00:00:00Z",
                             "Destination": {"Arn": "orders"}}},
            {"bogus": 1}
        ]
    }));
    assert_eq!(out["setup"][3]["error"], "InvalidEventPatternException");
    assert_eq!(out["steps"][0]["result"]["FailedEntryCount"], 0);
    assert_eq!(out["steps"][1]["result"]["fired"], 2);
    assert_eq!(out["steps"][2]["result"]["eventsReplayed"], 1);
    assert_eq!(out["steps"][3]["error"], "ValidationException");
    let inputs: Vec<&str> = out["log"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "targetInvoked")
        .map(|e| e["input"].as_str().unwrap())
        .collect();
    assert_eq!(inputs.len(), 4);
    assert_eq!(inputs[0], r#"{"state": "PAID"}"#);
    assert_eq!(out["clock"], "2024-01-01T02:00:00Z");
    // Same seed, same log.
    let again = simulate(
        &json!({"seed": 7, "steps": [{"putEvents": [{"Source": "s", "DetailType": "t", "Detail": "{}"}]}]}),
    );
    let again2 = simulate(
        &json!({"seed": 7, "steps": [{"putEvents": [{"Source": "s", "DetailType": "t", "Detail": "{}"}]}]}),
    );
    assert_eq!(again, again2);
    assert_eq!(simulate(&json!([1]))["error"], "InvalidScenario");
}

// PutRule API: "A rule can have both an EventPattern and a ScheduleExpression, in which case
// the rule triggers on matching events as well as on a schedule."
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
#[test]
fn rule_with_pattern_and_schedule() {
    let mut b = EventBridge::new(Config::default());
    b.put_rule(&RuleSpec {
        name: "both".into(),
        event_pattern: Some(json!({"source": ["shop"]})),
        schedule_expression: Some("rate(1 hour)".into()),
        ..RuleSpec::default()
    })
    .unwrap();
    b.put_targets(None, "both", &[log_target("t")]).unwrap();
    b.put_events(&[json!({"Source": "shop", "DetailType": "x", "Detail": "{}"})])
        .unwrap();
    b.advance(Duration::hours(1));
    let kinds: Vec<Value> = delivered(&b)
        .iter()
        .map(|e| e["detail-type"].clone())
        .collect();
    assert_eq!(kinds, [json!("x"), json!("Scheduled Event")]);
}

// A long advance over a busy schedule stops after MAX_FIRES_PER_ADVANCE fires, at the last
// fire, and the next advance carries on without losing any.
#[test]
fn runaway_advance_is_bounded() {
    let mut b = EventBridge::new(Config::default());
    b.put_rule(&RuleSpec {
        name: "tick".into(),
        schedule_expression: Some("rate(1 minute)".into()),
        ..RuleSpec::default()
    })
    .unwrap();
    let limit = stepbridge_bus::MAX_FIRES_PER_ADVANCE;
    assert_eq!(b.advance(Duration::days(30)), limit);
    assert_eq!(b.now().timestamp() - 1_704_067_200, 60 * limit as i64);
    assert!(b
        .log()
        .iter()
        .any(|e| matches!(e, LogEntry::FiresTruncated { .. })));
    assert_eq!(b.advance(Duration::minutes(0)), 0);
    assert_eq!(b.advance(Duration::minutes(5)), 5);
}

// PutRule replaces a rule's settings: a scheduled rule re-enabled through PutRule resumes from
// the present and never fires with a time in the past.
#[test]
fn reenabled_through_put_rule_does_not_fire_in_the_past() {
    let mut b = EventBridge::new(Config::default());
    let spec = RuleSpec {
        name: "tick".into(),
        schedule_expression: Some("rate(10 minutes)".into()),
        ..RuleSpec::default()
    };
    b.put_rule(&spec).unwrap();
    b.put_rule(&RuleSpec {
        state: Some(RuleState::Disabled),
        ..spec.clone()
    })
    .unwrap();
    b.advance(Duration::minutes(35));
    b.put_rule(&spec).unwrap();
    b.advance(Duration::minutes(10));
    let times: Vec<String> = b
        .log()
        .iter()
        .filter_map(|e| match e {
            LogEntry::ScheduleFired { time, .. } => Some(time.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(times, ["2024-01-01T00:40:00Z"]);
}

// The scenario result describes what is configured, with the next fire time of each schedule.
#[test]
fn scenario_state_description() {
    let out = simulate(&json!({
        "rules": [{"Name": "tick", "ScheduleExpression": "cron(0 12 * * ? *)",
                   "Targets": [{"Id": "t", "Arn": LOG_ARN}]},
                  {"Name": "p", "EventPattern": {"source": ["a"]}, "State": "DISABLED"}],
        "archives": [{"ArchiveName": "arch", "EventSourceArn": "default"}],
        "schedules": [{"Name": "s", "ScheduleExpression": "at(2024-06-01T08:00:00)",
                       "ScheduleExpressionTimezone": "Europe/Berlin", "Target": {"Arn": LOG_ARN}}],
        "steps": [{"putEvents": [{"Source": "a", "DetailType": "b", "Detail": "{}"}]}]
    }));
    let state = &out["state"];
    assert_eq!(state["rules"][0]["NextFire"], "2024-01-01T12:00:00Z");
    assert_eq!(state["rules"][0]["Targets"][0]["Id"], "t");
    assert_eq!(state["rules"][1]["State"], "DISABLED");
    assert_eq!(state["rules"][1]["EventPattern"], r#"{"source":["a"]}"#);
    assert_eq!(state["archives"][0]["EventCount"], 1);
    assert_eq!(state["schedules"][0]["NextFire"], "2024-06-01T06:00:00Z");
    assert_eq!(state["buses"][0]["Name"], "default");
}
