//! Malformed input of every kind must come back as an error, never a panic: schedule
//! expressions, JSON paths, input templates, PutEvents entries and whole scenarios, generated
//! from a fixed seed so failures reproduce.

use serde_json::{json, Value};
use stepbridge_bus::ids::IdGenerator;
use stepbridge_bus::scenario::{next_fire_times, simulate};
use stepbridge_bus::schedule::{parse, Flavor};
use stepbridge_bus::transform::{InputTransformer, JsonPath, ReservedValues};
use stepbridge_bus::{Config, EventBridge};

const PIECES: [&str; 40] = [
    "0", "1", "5", "7", "12", "31", "59", "60", "99", "1970", "2199", "*", "?", "/", ",", "-", "L",
    "W", "#", "LW", "MON", "fri", "JAN", "dec", " ", "(", ")", "cron(", "rate(", "at(", "minutes",
    "hour", "T", ":", "é", "\"", "<", ">", "$", ".",
];

const VALID: [&str; 6] = [
    "0 10 * * ? *",
    "0/15 * ? * MON-FRI *",
    "15 10 ? * 6L 2019-2030",
    "0 0 LW * ? *",
    "5,35 20-2 3W JAN-MAR ? 2024/2",
    "0 12 ? * 3#2 *",
];

fn random_text(rng: &mut IdGenerator, max_len: usize) -> String {
    let n = (rng.next_u64() % max_len as u64) as usize;
    (0..n)
        .map(|_| PIECES[(rng.next_u64() % PIECES.len() as u64) as usize])
        .collect()
}

#[test]
fn schedules_never_panic() {
    let mut rng = IdGenerator::new(1);
    let from = chrono::DateTime::parse_from_rfc3339("2024-02-29T23:59:30Z")
        .unwrap()
        .into();
    let mut parsed = 0;
    for i in 0..20_000 {
        // Start from a valid expression and break one or two fields, so both the validator
        // and the evaluator get exercised.
        let mut fields: Vec<String> = VALID[(rng.next_u64() % VALID.len() as u64) as usize]
            .split(' ')
            .map(str::to_string)
            .collect();
        for _ in 0..rng.next_u64() % 3 {
            let at = (rng.next_u64() % 6) as usize;
            fields[at] = random_text(&mut rng, 4);
        }
        let body = fields.join(" ");
        let expr = match i % 4 {
            0 => format!("cron({body})"),
            1 => format!("rate({})", random_text(&mut rng, 4)),
            2 => format!("at({})", random_text(&mut rng, 8)),
            _ => random_text(&mut rng, 10),
        };
        for flavor in [Flavor::Rule, Flavor::Scheduler] {
            if let Ok(s) = parse(&expr, None, flavor) {
                parsed += 1;
                let _ = s.next_fire_times(from, from, 3);
            }
        }
    }
    // The generator does reach valid expressions, so evaluation is exercised too.
    assert!(parsed > 10, "only {parsed} expressions parsed");
    let out = next_fire_times("cron(0 0 ? * 1#5 2199)", None, "2199-12-30T00:00:00Z", 5);
    assert_eq!(out["times"], json!([]));
    assert_eq!(
        next_fire_times("rate(1 day)", None, "not a time", 1)["field"],
        "from"
    );
}

#[test]
fn transforms_never_panic() {
    let mut rng = IdGenerator::new(2);
    let event = json!({"id": "x", "detail": {"a": [1, {"b": "c"}], "s": "q\"uote"}});
    let reserved = ReservedValues {
        rule_arn: "arn",
        rule_name: "r",
        ingestion_time: "t",
        event: &event,
    };
    for _ in 0..20_000 {
        let path = format!("${}", random_text(&mut rng, 6));
        if let Ok(p) = JsonPath::parse(&path) {
            let _ = p.select(&event);
        }
        let template = random_text(&mut rng, 12).replace('$', "<a>");
        if let Ok(t) =
            InputTransformer::new(&json!({"a": "$.detail.a", "s": "$.detail.s"}), &template)
        {
            let _ = t.apply(&event, &reserved);
        }
    }
}

#[test]
fn bus_never_panics() {
    let mut rng = IdGenerator::new(3);
    let mut b = EventBridge::new(Config::default());
    let values = [
        json!(null),
        json!(1),
        json!("s"),
        json!([]),
        json!({}),
        json!({"k": [1]}),
        json!("{\"a\":1}"),
        json!("arn:aws:events:us-east-1:123456789012:event-bus/default"),
    ];
    let keys = [
        "Source",
        "DetailType",
        "Detail",
        "Resources",
        "Time",
        "EventBusName",
        "TraceHeader",
    ];
    for _ in 0..5_000 {
        let mut entry = serde_json::Map::new();
        for key in keys {
            if !rng.next_u64().is_multiple_of(3) {
                entry.insert(
                    key.into(),
                    values[(rng.next_u64() % values.len() as u64) as usize].clone(),
                );
            }
        }
        let _ = b.put_events(&[Value::Object(entry)]);
    }
    for scenario in [
        json!(null),
        json!({"buses": [1, null, {"Name": 5}], "rules": [1, {"Targets": 5}], "steps": [1, {}, {"advanceSeconds": -1}]}),
        json!({"rules": [{"Name": "r", "EventPattern": "{", "Targets": [{"Id": "x"}]}],
               "archives": [{"ArchiveName": 1}], "schedules": [{"Name": "s"}],
               "steps": [{"advanceTo": "never"}, {"startReplay": 1}, {"putEvents": 1}, {"advanceSeconds": 1e300}]}),
    ] {
        let _ = simulate(&scenario);
    }
}

// Instants at the edge of what chrono represents come back empty, not as a panic.
#[test]
fn extreme_instants() {
    for from in [
        "8210266876799",
        "-8210266876799",
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
    ] {
        for expr in ["cron(0 0 * * ? *)", "rate(1 day)", "cron(0 0 L * ? 2199)"] {
            let out = next_fire_times(expr, None, from, 3);
            assert!(
                out.get("times").is_some() || out.get("error").is_some(),
                "{expr} {from}: {out}"
            );
        }
    }
    let mut b = EventBridge::new(Config::default());
    let r = b.create_schedule(
        &serde_json::from_value(json!({
            "Name": "s", "ScheduleExpression": "rate(1 day)", "StartDate": -8210266876799i64,
            "Target": {"Arn": "arn:aws:logs:us-east-1:1:log-group:x"}
        }))
        .unwrap(),
    );
    assert!(r.is_ok());
    b.advance(chrono::Duration::days(1));
}

#[test]
fn chrono_range_limits() {
    use chrono::{DateTime, Utc};
    for expr in [
        "cron(0 0 * * ? *)",
        "rate(1 minute)",
        "rate(4294967295 days)",
    ] {
        for flavor in [Flavor::Rule, Flavor::Scheduler] {
            let s = parse(expr, None, flavor).unwrap();
            for (after, anchor) in [
                (DateTime::<Utc>::MAX_UTC, DateTime::<Utc>::MIN_UTC),
                (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC),
                (DateTime::<Utc>::MAX_UTC, DateTime::<Utc>::MAX_UTC),
            ] {
                let _ = s.next_fire_times(after, anchor, 2);
            }
        }
    }
    let s = parse(
        "at(2024-01-01T00:00:00)",
        Some("Pacific/Kiritimati"),
        Flavor::Scheduler,
    )
    .unwrap();
    assert!(
        s.next_fire_times(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MIN_UTC, 2)
            .len()
            == 1
    );
}
