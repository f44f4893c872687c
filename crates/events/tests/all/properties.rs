//! Property tests: pattern parsing, matching and explaining never panic, whatever the
//! input, and the three answers (matches, explain, test_pattern) always agree.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use stepbridge_events::{test_pattern, Pattern};

/// Any JSON value, with the strings and numbers patterns care about over-represented.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e10f64..1e10).prop_map(|f| json!(f)),
        "[a-c*\\\\./:0-9 ]{0,8}".prop_map(Value::String),
        prop_oneof![
            Just("prefix"),
            Just("suffix"),
            Just("anything-but"),
            Just("numeric"),
            Just("exists"),
            Just("cidr"),
            Just("wildcard"),
            Just("equals-ignore-case"),
            Just("$or"),
            Just(">"),
            Just("<="),
            Just("="),
            Just("10.0.0.0/24"),
            Just("::1"),
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("source".to_string()),
        Just("detail".to_string()),
        Just("state".to_string()),
        Just("$or".to_string()),
        Just("prefix".to_string()),
        Just("suffix".to_string()),
        Just("anything-but".to_string()),
        Just("numeric".to_string()),
        Just("exists".to_string()),
        Just("wildcard".to_string()),
        Just("cidr".to_string()),
        Just("equals-ignore-case".to_string()),
        "[a-z]{1,3}",
    ]
}

/// Valid leaf conditions, so matching gets exercised on patterns that compile.
fn condition() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[a-c]{0,3}".prop_map(Value::String),
        (-20i64..20).prop_map(|n| json!(n)),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        "[a-c]{0,3}".prop_map(|s| json!({"prefix": s})),
        "[a-c]{0,3}".prop_map(|s| json!({"suffix": {"equals-ignore-case": s}})),
        "[a-c*]{0,4}"
            .prop_filter("no double star", |s| !s.contains("**"))
            .prop_map(|s| json!({"wildcard": s})),
        (-20i64..0, 0i64..20).prop_map(|(a, b)| json!({"numeric": [">=", a, "<", b]})),
        any::<bool>().prop_map(|b| json!({"exists": b})),
        prop::collection::vec("[a-c]{1,3}", 1..3).prop_map(|v| json!({"anything-but": v})),
        "[a-c]{1,3}".prop_map(|s| json!({"anything-but": {"prefix": s}})),
        Just(json!({"cidr": "10.0.0.0/24"})),
    ]
}

fn valid_pattern() -> impl Strategy<Value = Value> {
    let field = prop::collection::vec(condition(), 1..4).prop_map(Value::Array);
    let level =
        prop::collection::btree_map(prop_oneof![Just("a"), Just("b"), Just("c")], field, 1..3)
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()));
    level.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::btree_map(prop_oneof![Just("a"), Just("d")], inner.clone(), 1..3)
                .prop_map(|m| Value::Object(
                    m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
                )),
            prop::collection::vec(inner, 2..4).prop_map(|alts| json!({"$or": alts})),
        ]
    })
}

fn event_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-20i64..20).prop_map(|n| json!(n)),
        (-20.0f64..20.0).prop_map(|f| json!(f)),
        "[a-cA-C]{0,4}".prop_map(Value::String),
        Just(json!("10.0.0.7")),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![Just("a"), Just("b"), Just("c"), Just("d")],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

fn with_envelope(detail: Value) -> Value {
    let mut event = json!({
        "version": "0", "id": "1", "detail-type": "t", "source": "s", "account": "1",
        "time": "2017-12-22T18:43:48Z", "region": "r", "resources": []
    });
    if let Value::Object(fields) = detail {
        for (k, v) in fields {
            event[k] = v;
        }
    }
    event
}

proptest! {
    // 500 cases keeps `cargo test` quick on a shared machine; set PROPTEST_CASES for a
    // longer fuzzing run.
    #![proptest_config(ProptestConfig {
        // The suite lives outside src/, where proptest cannot store regressions.
        failure_persistence: None,
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(500),
        ..ProptestConfig::default()
    })]

    #[test]
    fn parse_never_panics_on_any_text(text in "\\PC{0,64}") {
        let _ = Pattern::parse(&text);
    }

    #[test]
    fn parse_never_panics_on_json_like_text(text in "[\\[\\]{}\":,0-9a-z*\\\\ .-]{0,80}") {
        let _ = Pattern::parse(&text);
    }

    #[test]
    fn parse_never_panics_on_any_json(value in json_value()) {
        if let Err(e) = Pattern::parse(&value.to_string()) {
            prop_assert_eq!(e.error, "InvalidEventPatternException");
            prop_assert!(e.message.starts_with("Event pattern is not valid. Reason: "));
            prop_assert!(e.line >= 1 && e.column >= 1);
        }
    }

    #[test]
    fn matching_never_panics_and_answers_agree(pattern in json_value(), event in json_value()) {
        if let Ok(p) = Pattern::parse(&pattern.to_string()) {
            let m = p.matches(&event);
            prop_assert_eq!(p.explain(&event).matched, m);
        }
    }

    #[test]
    fn valid_patterns_compile_and_agree(pattern in valid_pattern(), detail in event_value()) {
        let text = pattern.to_string();
        let compiled = Pattern::parse(&text);
        prop_assert!(compiled.is_ok(), "{} refused: {:?}", text, compiled.err());
        let compiled = compiled.unwrap();
        let event = with_envelope(detail);
        let m = compiled.matches(&event);
        prop_assert_eq!(compiled.explain(&event).matched, m);
        let outcome = test_pattern(&text, &event.to_string());
        prop_assert!(outcome.is_ok());
        prop_assert_eq!(outcome.unwrap().result, m);
    }

    #[test]
    fn test_pattern_never_panics(pattern in "\\PC{0,40}", event in "\\PC{0,40}") {
        let _ = test_pattern(&pattern, &event);
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let depth = 5000;
    let text = format!("{}[\"x\"]{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    let e = Pattern::parse(&text).expect_err("too deep");
    assert_eq!(e.error, "InvalidEventPatternException");
    let event = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    assert!(test_pattern("{\"a\":[1]}", &event).is_err());
}

#[test]
fn deep_events_built_in_memory_do_not_overflow() {
    let pattern = Pattern::parse(r#"{"a":[1]}"#).expect("valid");
    let mut v = json!(1);
    for _ in 0..2000 {
        v = Value::Array(vec![v]);
    }
    let mut fields = Map::new();
    fields.insert("a".to_string(), v);
    let event = Value::Object(fields);
    assert!(!pattern.matches(&event));
    // Dropping a deep Value recurses in serde_json itself; unwind it iteratively.
    let mut stack = vec![event];
    while let Some(mut v) = stack.pop() {
        match &mut v {
            Value::Array(items) => stack.append(items),
            Value::Object(map) => stack.extend(std::mem::take(map).into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

#[test]
fn nested_or_cannot_blow_up_parsing() {
    // Every level shares the object "a" with its `$or`, so each level would be distributed.
    let mut pattern = json!({"a": {"z": ["end"]}});
    for level in 0..12 {
        let alts: Vec<Value> = (0..4)
            .map(|i| json!({"a": {format!("k{level}_{i}"): [i]}}))
            .collect();
        pattern = json!({"a": {"x": [level]}, "$or": alts, "n": pattern});
    }
    let started = std::time::Instant::now();
    let compiled = Pattern::parse(&pattern.to_string()).expect("valid");
    assert!(
        started.elapsed().as_secs() < 5,
        "parsing took {:?}",
        started.elapsed()
    );
    let _ = compiled.matches(&json!({"a": [{"x": 0}]}));
}
