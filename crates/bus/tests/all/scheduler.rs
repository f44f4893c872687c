//! EventBridge Scheduler schedules on the virtual clock.
//! https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
//! https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html

use chrono::Duration;
use serde_json::{json, Value};
use stepbridge_bus::scheduler::{EventBridgeParameters, ScheduleSpec, ScheduleTargetSpec};
use stepbridge_bus::{Config, EventBridge, LogEntry, RuleSpec, TargetSpec};

const LOG_ARN: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/scheduler/demo";

fn spec(name: &str, expr: &str, tz: Option<&str>) -> ScheduleSpec {
    ScheduleSpec {
        name: name.into(),
        schedule_expression: expr.into(),
        schedule_expression_timezone: tz.map(str::to_string),
        target: ScheduleTargetSpec {
            arn: LOG_ARN.into(),
            input: Some(r#"{"job": "report"}"#.into()),
            ..ScheduleTargetSpec::default()
        },
        ..ScheduleSpec::default()
    }
}

fn fired(b: &EventBridge) -> Vec<String> {
    b.log()
        .iter()
        .filter_map(|e| match e {
            LogEntry::SchedulerFired { time, schedule, .. } => Some(format!("{time} {schedule}")),
            _ => None,
        })
        .collect()
}

// One-time schedule: at(...) in its time zone fires once, with the target's Input.
#[test]
fn one_time_schedule_in_zone() {
    let mut b = EventBridge::new(Config::default());
    let arn = b
        .create_schedule(&spec("once", "at(2024-01-01T09:00:00)", Some("Asia/Tokyo")))
        .unwrap();
    assert_eq!(
        arn,
        "arn:aws:scheduler:us-east-1:123456789012:schedule/default/once"
    );
    b.advance(Duration::days(2));
    assert_eq!(fired(&b), ["2024-01-01T00:00:00Z once"]);
    let inputs: Vec<&str> = b
        .log()
        .iter()
        .filter_map(|e| match e {
            LogEntry::TargetInvoked { input, .. } => Some(input.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(inputs, [r#"{"job": "report"}"#]);
}

// "If you do not provide StartDate for a rate-based schedule, your schedule starts invoking
// the target immediately"; EndDate stops it.
#[test]
fn rate_schedule_starts_now_and_ends() {
    let mut b = EventBridge::new(Config::default());
    b.create_schedule(&ScheduleSpec {
        end_date: Some(json!("2024-01-01T00:25:00Z")),
        ..spec("r", "rate(10 minutes)", None)
    })
    .unwrap();
    b.advance(Duration::hours(1));
    assert_eq!(
        fired(&b),
        [
            "2024-01-01T00:00:00Z r",
            "2024-01-01T00:10:00Z r",
            "2024-01-01T00:20:00Z r"
        ]
    );
}

// Cron schedules follow the zone's wall clock across daylight saving time.
#[test]
fn cron_schedule_follows_wall_clock() {
    let mut b = EventBridge::new(Config {
        start_time: chrono::DateTime::parse_from_rfc3339("2024-03-29T00:00:00Z")
            .unwrap()
            .into(),
        ..Config::default()
    });
    b.create_schedule(&spec("daily", "cron(0 9 * * ? *)", Some("Europe/London")))
        .unwrap();
    b.advance(Duration::days(4));
    // London moves from GMT to BST on 2024-03-31.
    assert_eq!(
        fired(&b),
        [
            "2024-03-29T09:00:00Z daily",
            "2024-03-30T09:00:00Z daily",
            "2024-03-31T08:00:00Z daily",
            "2024-04-01T08:00:00Z daily"
        ]
    );
}

// An event bus target gets an event built from EventBridgeParameters with Input as detail,
// which the bus's rules then route.
#[test]
fn schedule_to_event_bus() {
    let mut b = EventBridge::new(Config::default());
    b.put_rule(&RuleSpec {
        name: "jobs".into(),
        event_pattern: Some(json!({"source": ["my.scheduler"]})),
        ..RuleSpec::default()
    })
    .unwrap();
    b.put_targets(
        None,
        "jobs",
        &[TargetSpec {
            id: "log".into(),
            arn: LOG_ARN.into(),
            ..TargetSpec::default()
        }],
    )
    .unwrap();
    b.create_schedule(&ScheduleSpec {
        target: ScheduleTargetSpec {
            arn: "arn:aws:events:us-east-1:123456789012:event-bus/default".into(),
            input: Some(r#"{"job": "nightly"}"#.into()),
            event_bridge_parameters: Some(EventBridgeParameters {
                detail_type: "Job Due".into(),
                source: "my.scheduler".into(),
            }),
        },
        ..spec("to-bus", "rate(1 hour)", None)
    })
    .unwrap();
    b.advance(Duration::minutes(30));
    let delivered: Vec<Value> = b
        .log()
        .iter()
        .filter_map(|e| match e {
            LogEntry::TargetInvoked { input, .. } => serde_json::from_str(input).ok(),
            _ => None,
        })
        .collect();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0]["detail-type"], "Job Due");
    assert_eq!(delivered[0]["detail"], json!({"job": "nightly"}));
}

#[test]
fn create_schedule_validation() {
    let mut b = EventBridge::new(Config::default());
    let e = b
        .create_schedule(&spec("x", "cron(0 9 * * MON *)", None))
        .unwrap_err();
    assert_eq!(e.error, "ValidationException");
    let e = b
        .create_schedule(&spec("x", "at(2024-01-01T09:00:00)", Some("Nowhere/City")))
        .unwrap_err();
    assert!(e.message.contains("time zone"), "{}", e.message);
    b.create_schedule(&spec("dup", "rate(1 day)", None))
        .unwrap();
    assert_eq!(
        b.create_schedule(&spec("dup", "rate(1 day)", None))
            .unwrap_err()
            .error,
        "ConflictException"
    );
    let e = b
        .create_schedule(&ScheduleSpec {
            start_date: Some(json!("2024-02-01T00:00:00Z")),
            end_date: Some(json!("2024-01-01T00:00:00Z")),
            ..spec("y", "rate(1 day)", None)
        })
        .unwrap_err();
    assert_eq!(e.error, "ValidationException");
}
