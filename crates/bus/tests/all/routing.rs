//! Buses, rules and targets.
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rules.html
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html
//! https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-bus-to-bus.html

use serde_json::{json, Value};
use stepbridge_bus::{
    Config, EventBridge, InputTransformerSpec, LogEntry, RuleSpec, RuleState, TargetSpec,
};

const LOG_ARN: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/demo";

fn rule(name: &str, bus: Option<&str>, pattern: Value) -> RuleSpec {
    RuleSpec {
        name: name.into(),
        event_bus_name: bus.map(str::to_string),
        event_pattern: Some(pattern),
        ..RuleSpec::default()
    }
}

fn log_target(id: &str) -> TargetSpec {
    TargetSpec {
        id: id.into(),
        arn: LOG_ARN.into(),
        ..TargetSpec::default()
    }
}

fn order(bus: &str, status: &str) -> Value {
    json!({"Source": "shop", "DetailType": "Order", "EventBusName": bus,
           "Detail": json!({"status": status, "total": 12}).to_string()})
}

/// (rule, target id, input) of every log-target delivery, in order.
fn deliveries(b: &EventBridge) -> Vec<(String, String, String)> {
    b.log()
        .iter()
        .filter_map(|e| match e {
            LogEntry::TargetInvoked {
                rule,
                target_id,
                input,
                ..
            } => Some((rule.clone(), target_id.clone(), input.clone())),
            _ => None,
        })
        .collect()
}

// Rules match events by pattern on their own bus only.
#[test]
fn rule_matches_on_its_bus() {
    let mut b = EventBridge::new(Config::default());
    b.create_event_bus("orders").unwrap();
    b.put_rule(&rule(
        "paid",
        Some("orders"),
        json!({"detail": {"status": ["PAID"]}}),
    ))
    .unwrap();
    b.put_targets(Some("orders"), "paid", &[log_target("t1")])
        .unwrap();
    b.put_events(&[
        order("orders", "PAID"),
        order("orders", "NEW"),
        order("default", "PAID"),
    ])
    .unwrap();
    let d = deliveries(&b);
    assert_eq!(d.len(), 1);
    let event: Value = serde_json::from_str(&d[0].2).unwrap();
    assert_eq!(event["detail"]["status"], "PAID");
    assert_eq!(event["source"], "shop");
}

// "A rule can't have the same name as another rule in the same Region and on the same event
// bus": PutRule on an existing name updates it. Rule ARNs name custom buses.
#[test]
fn put_rule_updates_and_arns() {
    let mut b = EventBridge::new(Config::default());
    b.create_event_bus("orders").unwrap();
    let a1 = b
        .put_rule(&rule("r", None, json!({"source": ["x"]})))
        .unwrap();
    assert_eq!(a1, "arn:aws:events:us-east-1:123456789012:rule/r");
    let a2 = b
        .put_rule(&rule("r", Some("orders"), json!({"source": ["x"]})))
        .unwrap();
    assert_eq!(a2, "arn:aws:events:us-east-1:123456789012:rule/orders/r");
    b.put_targets(None, "r", &[log_target("t")]).unwrap();
    b.put_rule(&rule("r", None, json!({"source": ["shop"]})))
        .unwrap();
    b.put_events(&[order("default", "NEW")]).unwrap();
    assert_eq!(
        deliveries(&b).len(),
        1,
        "targets survive an update, new pattern applies"
    );
}

// Rules are ENABLED by default; a DISABLED rule does not fire.
#[test]
fn disabled_rules_do_not_fire() {
    let mut b = EventBridge::new(Config::default());
    b.put_rule(&RuleSpec {
        state: Some(RuleState::Disabled),
        ..rule("r", None, json!({"source": ["shop"]}))
    })
    .unwrap();
    b.put_targets(None, "r", &[log_target("t")]).unwrap();
    b.put_events(&[order("default", "NEW")]).unwrap();
    assert!(deliveries(&b).is_empty());
    b.set_rule_state(None, "r", RuleState::Enabled).unwrap();
    b.put_events(&[order("default", "NEW")]).unwrap();
    assert_eq!(deliveries(&b).len(), 1);
}

// Invalid patterns are refused with the pattern engine's exception.
#[test]
fn invalid_pattern_refused() {
    let mut b = EventBridge::new(Config::default());
    let e = b
        .put_rule(&rule("r", None, json!({"source": "not-an-array"})))
        .unwrap_err();
    assert_eq!(e.error, "InvalidEventPatternException");
    let e = b
        .put_rule(&RuleSpec {
            name: "r".into(),
            ..RuleSpec::default()
        })
        .unwrap_err();
    assert_eq!(e.error, "ValidationException");
    let e = b
        .put_rule(&rule("bad name!", None, json!({"source": ["x"]})))
        .unwrap_err();
    assert!(e.message.contains("Rule name"), "{}", e.message);
    let e = b
        .put_rule(&rule("r", Some("ghost"), json!({"source": ["x"]})))
        .unwrap_err();
    assert_eq!(e.error, "ResourceNotFoundException");
}

// PutTargets: "You can configure up to five targets for each rule"; more is
// LimitExceededException.
#[test]
fn five_targets_per_rule() {
    let mut b = EventBridge::new(Config::default());
    b.put_rule(&rule("r", None, json!({"source": ["shop"]})))
        .unwrap();
    let five: Vec<TargetSpec> = (0..5).map(|i| log_target(&format!("t{i}"))).collect();
    let r = b.put_targets(None, "r", &five).unwrap();
    assert_eq!(r["FailedEntryCount"], 0);
    // Re-putting an existing Id replaces it and stays within the limit.
    b.put_targets(None, "r", &[log_target("t0")]).unwrap();
    let e = b.put_targets(None, "r", &[log_target("t5")]).unwrap_err();
    assert_eq!(e.error, "LimitExceededException");
    b.put_events(&[order("default", "NEW")]).unwrap();
    assert_eq!(deliveries(&b).len(), 5);
}

// Input options: Input (constant JSON), InputPath, InputTransformer; only one at a time, and
// invalid targets are reported in FailedEntries.
#[test]
fn target_input_options() {
    let mut b = EventBridge::new(Config::default());
    b.put_rule(&rule("r", None, json!({"source": ["shop"]})))
        .unwrap();
    let r = b
        .put_targets(
            None,
            "r",
            &[
                TargetSpec {
                    input: Some(r#"{"fixed": true}"#.into()),
                    ..log_target("constant")
                },
                TargetSpec {
                    input_path: Some("$.detail".into()),
                    ..log_target("path")
                },
                TargetSpec {
                    input_transformer: Some(InputTransformerSpec {
                        input_paths_map: json!({"s": "$.detail.status"}),
                        input_template: r#""status is <s> (rule <aws.events.rule-name>)""#.into(),
                    }),
                    ..log_target("transformer")
                },
                TargetSpec {
                    input: Some("{}".into()),
                    input_path: Some("$".into()),
                    ..log_target("both")
                },
                TargetSpec {
                    input: Some("not json".into()),
                    ..log_target("badjson")
                },
            ],
        )
        .unwrap();
    assert_eq!(r["FailedEntryCount"], 2);
    assert_eq!(r["FailedEntries"][0]["TargetId"], "both");
    assert_eq!(r["FailedEntries"][1]["TargetId"], "badjson");
    b.put_events(&[order("default", "PAID")]).unwrap();
    let d = deliveries(&b);
    assert_eq!(d.len(), 3);
    assert_eq!(d[0].2, r#"{"fixed": true}"#);
    assert_eq!(
        serde_json::from_str::<Value>(&d[1].2).unwrap(),
        json!({"status": "PAID", "total": 12})
    );
    assert_eq!(d[2].2, r#""status is PAID (rule r)""#);
}

// Bus to bus: a rule's target can be another bus in the same account and Region; the
// receiving bus's rules then see the event. "EventBridge can't route events received from a
// sender event bus to a third event bus."
#[test]
fn bus_to_bus_one_hop() {
    let mut b = EventBridge::new(Config::default());
    let orders = b.create_event_bus("orders").unwrap();
    let audit = b.create_event_bus("audit").unwrap();
    b.put_rule(&rule("to-orders", None, json!({"source": ["shop"]})))
        .unwrap();
    b.put_targets(
        None,
        "to-orders",
        &[TargetSpec {
            id: "bus".into(),
            arn: orders,
            ..TargetSpec::default()
        }],
    )
    .unwrap();
    b.put_rule(&rule(
        "on-orders",
        Some("orders"),
        json!({"source": ["shop"]}),
    ))
    .unwrap();
    b.put_targets(
        Some("orders"),
        "on-orders",
        &[
            log_target("log"),
            TargetSpec {
                id: "third".into(),
                arn: audit,
                ..TargetSpec::default()
            },
        ],
    )
    .unwrap();
    b.put_rule(&rule(
        "on-audit",
        Some("audit"),
        json!({"source": ["shop"]}),
    ))
    .unwrap();
    b.put_targets(Some("audit"), "on-audit", &[log_target("audit-log")])
        .unwrap();
    let r = b.put_events(&[order("default", "NEW")]).unwrap();
    let d = deliveries(&b);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].0, "on-orders");
    // The forwarded event is the same event.
    let forwarded: Value = serde_json::from_str(&d[0].2).unwrap();
    assert_eq!(
        forwarded["id"],
        r.entries[0].event_id.clone().unwrap().as_str()
    );
    assert!(b
        .log()
        .iter()
        .any(|e| matches!(e, LogEntry::EventForwarded { to_bus, .. } if to_bus == "orders")));
    assert!(b.log().iter().any(
        |e| matches!(e, LogEntry::DeliveryFailed { error, target_id, .. } if error == "ThirdBusNotAllowed" && target_id == "third")
    ));
}

// Custom bus names: create, duplicates, and the default bus exists already.
#[test]
fn custom_buses() {
    let mut b = EventBridge::new(Config::default());
    assert_eq!(
        b.create_event_bus("orders").unwrap(),
        "arn:aws:events:us-east-1:123456789012:event-bus/orders"
    );
    assert_eq!(
        b.create_event_bus("orders").unwrap_err().error,
        "ResourceAlreadyExistsException"
    );
    assert_eq!(
        b.create_event_bus("default").unwrap_err().error,
        "ResourceAlreadyExistsException"
    );
    assert_eq!(
        b.create_event_bus("").unwrap_err().error,
        "ValidationException"
    );
    assert_eq!(
        b.create_event_bus("a b").unwrap_err().error,
        "ValidationException"
    );
}

// A state machine target starts an execution with the event (or transformed input) as input.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html
#[test]
fn state_machine_target_starts_execution() {
    let mut b = EventBridge::new(Config::default());
    let sm = b
        .create_state_machine(
            "Echo",
            r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#,
        )
        .unwrap();
    assert_eq!(
        sm,
        "arn:aws:states:us-east-1:123456789012:stateMachine:Echo"
    );
    b.put_rule(&rule("r", None, json!({"source": ["shop"]})))
        .unwrap();
    b.put_targets(
        None,
        "r",
        &[
            TargetSpec {
                id: "whole".into(),
                arn: sm.clone(),
                ..TargetSpec::default()
            },
            TargetSpec {
                id: "part".into(),
                arn: sm.clone(),
                input_path: Some("$.detail".into()),
                ..TargetSpec::default()
            },
            TargetSpec {
                id: "missing".into(),
                arn: "arn:aws:states:us-east-1:123456789012:stateMachine:Nope".into(),
                ..TargetSpec::default()
            },
            TargetSpec {
                id: "text".into(),
                arn: sm,
                input_transformer: Some(InputTransformerSpec {
                    input_paths_map: json!({"s": "$.detail.status"}),
                    input_template: "plain <s>".into(),
                }),
                ..TargetSpec::default()
            },
        ],
    )
    .unwrap();
    b.put_events(&[order("default", "PAID")]).unwrap();
    let runs = b.executions();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].input["detail"]["status"], "PAID");
    assert_eq!(runs[1].input, json!({"status": "PAID", "total": 12}));
    // A Pass state passes its input through.
    assert_eq!(runs[0].outcome.status, stepbridge_asl::RunStatus::Succeeded);
    assert_eq!(runs[0].outcome.output.as_ref(), Some(&runs[0].input));
    assert!(runs[0]
        .execution_arn
        .starts_with("arn:aws:states:us-east-1:123456789012:execution:Echo:"));
    let failures: Vec<&str> = b
        .log()
        .iter()
        .filter_map(|e| match e {
            LogEntry::DeliveryFailed { error, .. } => Some(error.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        failures,
        ["StateMachineDoesNotExist", "InvalidExecutionInput"]
    );
}

// DeleteRule: "Before you can delete the rule, you must remove all targets, using
// RemoveTargets." https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DeleteRule.html
#[test]
fn delete_rule_needs_targets_removed() {
    let mut b = EventBridge::new(Config::default());
    b.put_rule(&rule("r", None, json!({"source": ["shop"]})))
        .unwrap();
    b.put_targets(None, "r", &[log_target("t")]).unwrap();
    let e = b.delete_rule(None, "r").unwrap_err();
    assert_eq!(e.error, "ValidationException");
    b.remove_targets(None, "r", &["t".to_string()]).unwrap();
    b.delete_rule(None, "r").unwrap();
    assert_eq!(
        b.delete_rule(None, "r").unwrap_err().error,
        "ResourceNotFoundException"
    );
    b.put_events(&[order("default", "NEW")]).unwrap();
    assert!(deliveries(&b).is_empty());
}
