//! Rough throughput figures for the simulator (run with `--release`):
//! events routed per second through a bus with ten rules, and cron fire times per second.

// A measurement whose fixed inputs fail should stop loudly, as a test does.
#![allow(clippy::expect_used)]

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::time::Instant;
use stepbridge_bus::schedule::{parse, Flavor};
use stepbridge_bus::{Config, EventBridge, InputTransformerSpec, RuleSpec, TargetSpec};

fn main() {
    pattern_only();
    let mut bridge = EventBridge::new(Config::default());
    for i in 0..10 {
        bridge
            .put_rule(&RuleSpec {
                name: format!("r{i}"),
                event_pattern: Some(
                    json!({"source": ["shop"], "detail": {"kind": [format!("k{i}")]}}),
                ),
                ..RuleSpec::default()
            })
            .expect("rule");
        bridge
            .put_targets(
                None,
                &format!("r{i}"),
                &[TargetSpec {
                    id: "log".into(),
                    arn: "arn:aws:logs:us-east-1:123456789012:log-group:bench".into(),
                    input_transformer: Some(InputTransformerSpec {
                        input_paths_map: json!({"k": "$.detail.kind", "n": "$.detail.n"}),
                        input_template:
                            r#"{"kind": <k>, "n": <n>, "rule": <aws.events.rule-name>}"#.into(),
                    }),
                    ..TargetSpec::default()
                }],
            )
            .expect("targets");
    }
    let batches = 20_000;
    let mut logged = 0;
    let start = Instant::now();
    for b in 0..batches {
        let entries: Vec<Value> = (0..10)
            .map(|i| {
                json!({"Source": "shop", "DetailType": "Order",
                       "Detail": json!({"kind": format!("k{}", (b + i) % 20), "n": i}).to_string()})
            })
            .collect();
        bridge.put_events(&entries).expect("put");
        if b % 100 == 99 {
            logged += bridge.take_log().len();
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let events = batches * 10;
    println!(
        "put_events: {events} events, 10 rules, {} log entries: {:.0} events/s",
        logged + bridge.log().len(),
        events as f64 / elapsed
    );

    let from: DateTime<Utc> = DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
        .expect("time")
        .into();
    for expr in [
        "cron(0/5 8-17 ? * MON-FRI *)",
        "cron(15 10 ? * 6L *)",
        "cron(0 9 3W * ? *)",
    ] {
        let schedule = parse(expr, None, Flavor::Rule).expect("cron");
        let start = Instant::now();
        let times = schedule.next_fire_times(from, from, 10_000);
        let elapsed = start.elapsed().as_secs_f64();
        println!(
            "{expr}: {} fire times in {:.1} ms ({:.0}/s)",
            times.len(),
            elapsed * 1e3,
            times.len() as f64 / elapsed
        );
    }
}

fn pattern_only() {
    let p = stepbridge_events::pattern::Pattern::parse(
        r#"{"source": ["shop"], "detail": {"kind": ["k3"]}}"#,
    )
    .expect("p");
    let e = json!({"version":"0","id":"x","detail-type":"Order","source":"shop","account":"1","time":"t","region":"r","resources":[],"detail":{"kind":"k3","n":1}});
    let start = Instant::now();
    let mut n = 0;
    for _ in 0..100_000 {
        if p.matches(&e) {
            n += 1;
        }
    }
    println!(
        "pattern.matches: {n} in {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
}
