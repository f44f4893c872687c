//! Keys with dots name nested fields, both ways, as in EventBridge (event-ruler flattens
//! pattern and event into dotted paths before comparing them):
//! https://github.com/aws/event-ruler/blob/main/README.md

use serde_json::{json, Value};
use stepbridge_events::matcher::RuleSet;
use stepbridge_events::{test_pattern, Pattern};

fn envelope(detail: Value) -> Value {
    json!({
        "version": "0", "id": "1", "detail-type": "t", "source": "s", "account": "1",
        "time": "2024-01-01T00:00:00Z", "region": "us-east-1", "resources": [],
        "detail": detail
    })
}

/// The single-event answer, the explanation's answer and the many-rule matcher's answer,
/// which must all agree.
fn answers(pattern: &str, event: &Value) -> bool {
    let p = Pattern::parse(pattern).unwrap();
    let single = p.matches(event);
    assert_eq!(
        p.explain(event).matched,
        single,
        "explain vs matches: {pattern} {event}"
    );
    let set = RuleSet::compile(&[("r".to_string(), p)]);
    let many = !set
        .matching(event.to_string().as_bytes())
        .unwrap()
        .is_empty();
    assert_eq!(many, single, "matcher vs matches: {pattern} {event}");
    single
}

#[test]
fn a_nested_pattern_matches_a_dotted_event_key() {
    let pattern = r#"{"detail": {"state": {"status": ["running"]}}}"#;
    assert!(answers(
        pattern,
        &envelope(json!({"state.status": "running"}))
    ));
    assert!(!answers(
        pattern,
        &envelope(json!({"state.status": "stopped"}))
    ));
    assert!(answers(
        pattern,
        &envelope(json!({"state": {"status": "running"}}))
    ));
    // Every split of the path names the same field.
    let deep = r#"{"detail": {"a": {"b": {"c": [1]}}}}"#;
    for detail in [
        json!({"a.b.c": 1}),
        json!({"a.b": {"c": 1}}),
        json!({"a": {"b.c": 1}}),
    ] {
        assert!(answers(deep, &envelope(detail.clone())), "{detail}");
    }
    let outcome = test_pattern(
        pattern,
        &envelope(json!({"state.status": "running"})).to_string(),
    )
    .unwrap();
    assert!(outcome.result);
}

#[test]
fn a_dotted_pattern_key_matches_the_nested_event() {
    let pattern = r#"{"detail": {"state.status": ["running"]}}"#;
    assert!(answers(
        pattern,
        &envelope(json!({"state": {"status": "running"}}))
    ));
    assert!(answers(
        pattern,
        &envelope(json!({"state.status": "running"}))
    ));
    assert!(!answers(
        pattern,
        &envelope(json!({"state": {"status": "stopped"}}))
    ));
    let top = r#"{"detail.state.status": ["running"], "source": ["s"]}"#;
    assert!(answers(
        top,
        &envelope(json!({"state": {"status": "running"}}))
    ));
    // A dotted key beside a nested object of the same first name: both must hold.
    let both = r#"{"detail": {"state.status": ["running"], "state": {"code": [16]}}}"#;
    assert!(answers(
        both,
        &envelope(json!({"state": {"status": "running", "code": 16}}))
    ));
    assert!(!answers(
        both,
        &envelope(json!({"state": {"status": "running", "code": 1}}))
    ));
    // exists: false sees the field under either spelling.
    let absent = r#"{"detail": {"state.status": [{"exists": false}]}}"#;
    assert!(!answers(
        absent,
        &envelope(json!({"state": {"status": "x"}}))
    ));
    assert!(!answers(absent, &envelope(json!({"state.status": "x"}))));
    assert!(answers(absent, &envelope(json!({"state": {"other": "x"}}))));
}

#[test]
fn a_dotted_key_beside_the_nested_object_merges_with_it() {
    let pattern = r#"{"detail": {"state": {"status": ["running"], "code": [16]}}}"#;
    let merged = envelope(json!({"state": {"code": 16}, "state.status": "running"}));
    assert!(answers(pattern, &merged));
    let reversed = envelope(json!({"state.status": "running", "state": {"code": 16}}));
    assert!(answers(pattern, &reversed));
    // Two values at one flattened path: either may match.
    let two = envelope(json!({"state": {"status": "stopped"}, "state.status": "running"}));
    assert!(answers(
        r#"{"detail": {"state": {"status": ["running"]}}}"#,
        &two
    ));
    assert!(answers(
        r#"{"detail": {"state": {"status": ["stopped"]}}}"#,
        &two
    ));
}

/// Deep in a large event, under arrays and beside long unread payloads.
#[test]
fn dotted_keys_deep_in_a_large_event() {
    let mut inner = json!({"x.y": {"status": "running"}, "pad": "z".repeat(1000)});
    for k in 0..40 {
        inner = json!({
            format!("k{k}"): inner,
            "series": (0..200).map(|i| i as f64 * 0.5).collect::<Vec<_>>(),
        });
    }
    let mut path = String::from(r#"{"x": {"y.status": ["running"]}}"#);
    for k in 0..40 {
        path = format!(r#"{{"k{k}": {path}}}"#);
    }
    let pattern = format!(r#"{{"detail": {{"items": {path}}}}}"#);
    let event = envelope(json!({"items": [inner.clone(), {"other": 1}]}));
    assert!(event.to_string().len() > 40_000);
    assert!(answers(&pattern, &event));
    let miss = pattern.replace("running", "stopped");
    assert!(!answers(&miss, &event));
}
