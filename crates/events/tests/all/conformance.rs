//! The conformance suite: every documented behaviour of EventBridge event patterns, one
//! case each, read from `tests/conformance/events/*.json` at the workspace root.
//!
//! A case is `{name, doc, pattern | pattern_text, event | event_text, result | error}`.
//! `event` gets the envelope fields TestEventPattern requires filled in when it lacks
//! them (unless `"raw_event": true`), so cases stay about the behaviour they prove.
//! `error` is `{"error": code, "message": exact}` or `{"error": code, "message_prefix": p}`,
//! optionally with the `pointer` of the fault.

use serde_json::{json, Map, Value};
use std::path::PathBuf;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance/events")
}

fn envelope() -> Map<String, Value> {
    let v = json!({
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "Conformance Test",
        "source": "com.example.conformance",
        "account": "111122223333",
        "time": "2017-12-22T18:43:48Z",
        "region": "us-west-1",
        "resources": []
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn event_text(case: &Value) -> Result<String, String> {
    if let Some(Value::String(text)) = case.get("event_text") {
        return Ok(text.clone());
    }
    let event = case
        .get("event")
        .ok_or("case has neither event nor event_text")?;
    if case.get("raw_event") == Some(&Value::Bool(true)) {
        return Ok(event.to_string());
    }
    let Value::Object(fields) = event else {
        return Ok(event.to_string());
    };
    let mut full = envelope();
    for (k, v) in fields {
        full.insert(k.clone(), v.clone());
    }
    Ok(Value::Object(full).to_string())
}

fn pattern_text(case: &Value) -> Result<String, String> {
    match (case.get("pattern_text"), case.get("pattern")) {
        (Some(Value::String(text)), _) => Ok(text.clone()),
        (_, Some(p)) => Ok(p.to_string()),
        _ => Err("case has neither pattern nor pattern_text".to_string()),
    }
}

/// `Ok(())` when the engine gives the case's expected answer, else what went wrong.
fn check(case: &Value) -> Result<(), String> {
    let doc = case.get("doc").and_then(Value::as_str).unwrap_or("");
    if !doc.starts_with("https://") {
        return Err("case does not cite the documentation page proving it".to_string());
    }
    let pattern = pattern_text(case)?;
    let event = event_text(case)?;
    let outcome = stepbridge_events::test_pattern(&pattern, &event);
    match (case.get("result"), case.get("error")) {
        (Some(Value::Bool(expected)), None) => match outcome {
            Ok(o) if o.result == *expected => {
                // The matcher used by the bus must agree with the explained answer.
                let compiled =
                    stepbridge_events::Pattern::parse(&pattern).map_err(|e| e.message)?;
                let event: Value = serde_json::from_str(&event).map_err(|e| e.to_string())?;
                if compiled.matches(&event) != *expected {
                    return Err("Pattern::matches disagrees with test_pattern".to_string());
                }
                Ok(())
            }
            Ok(o) => Err(format!(
                "expected {expected}, got {} ({})",
                o.result, o.explanation
            )),
            Err(e) => Err(format!("expected {expected}, got error {e}")),
        },
        (None, Some(expected)) => {
            let err = match outcome {
                Ok(o) => return Err(format!("expected an error, got result {}", o.result)),
                Err(e) => e,
            };
            if let Some(code) = expected.get("error").and_then(Value::as_str) {
                if err.error != code {
                    return Err(format!(
                        "expected error {code}, got {}: {}",
                        err.error, err.message
                    ));
                }
            }
            if let Some(message) = expected.get("message").and_then(Value::as_str) {
                if err.message != message {
                    return Err(format!(
                        "expected message {message:?}, got {:?}",
                        err.message
                    ));
                }
            }
            if let Some(prefix) = expected.get("message_prefix").and_then(Value::as_str) {
                if !err.message.starts_with(prefix) {
                    return Err(format!(
                        "expected message starting {prefix:?}, got {:?}",
                        err.message
                    ));
                }
            }
            if let Some(pointer) = expected.get("pointer").and_then(Value::as_str) {
                if err.pointer != pointer {
                    return Err(format!(
                        "expected pointer {pointer:?}, got {:?}",
                        err.pointer
                    ));
                }
            }
            if err.line == 0 || err.column == 0 {
                return Err("error carries no line/column".to_string());
            }
            Ok(())
        }
        _ => Err("case must have exactly one of result or error".to_string()),
    }
}

#[test]
fn conformance() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/conformance/events exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let (mut passed, mut failed) = (0usize, Vec::new());
    let mut names = std::collections::HashSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("case file is readable");
        let cases: Vec<Value> = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not a JSON array of cases: {e}", file.display()));
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?")
            .to_string();
        for case in &cases {
            let name = case
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("(unnamed)");
            let id = format!("{stem}/{name}");
            let result = if names.insert(id.clone()) {
                check(case)
            } else {
                Err("duplicate case name".to_string())
            };
            match result {
                Ok(()) => passed += 1,
                Err(why) => failed.push(format!("{id}: {why}")),
            }
        }
    }
    println!(
        "event pattern conformance: {passed} passed, {} failed",
        failed.len()
    );
    for f in &failed {
        println!("  FAILED {f}");
    }
    assert!(
        passed >= 150,
        "the suite should hold at least 150 cases, found {passed}"
    );
    assert!(
        failed.is_empty(),
        "{} conformance case(s) failed",
        failed.len()
    );
}
