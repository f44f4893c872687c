//! What the state-machine workbench needs to open an execution a rule target started: the
//! machine's definition and mocks (once per machine, not per execution: a fan-out may start
//! hundreds), next to each execution's own input, seed and start time already in the run.

use serde_json::{Map, Value};

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// A definition or mock file as the scenario holds it (an object, or text): objects are
/// pretty-printed for the editor, text that parses as JSON too, other text (YAML) kept.
fn as_editor_text(value: &Value) -> String {
    match value {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(parsed @ Value::Object(_)) => pretty(&parsed),
            _ => text.clone(),
        },
        Value::Null => String::new(),
        other => pretty(other),
    }
}

/// The mock file narrowed to the machine's own entry, so that the workbench (which runs
/// "the only state machine" of a mock file) answers this machine's tasks.
fn mocks_for(mocks: &Value, machine: &str) -> String {
    let parsed = match mocks {
        Value::String(text) => serde_json::from_str::<Value>(text).unwrap_or(Value::Null),
        other => other.clone(),
    };
    let Some(object) = parsed.as_object() else {
        return as_editor_text(mocks);
    };
    let own = object
        .get("StateMachines")
        .and_then(Value::as_object)
        .and_then(|m| m.get(machine).map(|entry| (m.len(), entry)));
    match own {
        Some((count, entry)) if count > 1 => {
            let mut narrowed = object.clone();
            let mut only = Map::new();
            only.insert(machine.to_string(), entry.clone());
            narrowed.insert("StateMachines".into(), Value::Object(only));
            pretty(&Value::Object(narrowed))
        }
        _ => pretty(&parsed),
    }
}

/// `{<machine name>: {definition, mocks, testCase}}` for the scenario's state machines.
pub fn machines(scenario: &Value) -> Value {
    let mut out = Map::new();
    for machine in scenario
        .get("stateMachines")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = machine.get("name").and_then(Value::as_str) else {
            continue;
        };
        let mocks = machine
            .get("mockConfig")
            .map(|m| mocks_for(m, name))
            .unwrap_or_default();
        out.insert(
            name.to_string(),
            serde_json::json!({
                "definition": as_editor_text(machine.get("definition").unwrap_or(&Value::Null)),
                "mocks": mocks,
                "testCase": machine.get("testCase").and_then(Value::as_str).unwrap_or_default(),
            }),
        );
    }
    Value::Object(out)
}

/// Adds `machines` (see [`machines`]) to a run that started executions.
pub fn with_machines(mut run: Value, scenario: &Value) -> Value {
    let started = run
        .get("executions")
        .and_then(Value::as_array)
        .is_some_and(|e| !e.is_empty());
    if started {
        if let Some(map) = run.as_object_mut() {
            map.insert("machines".into(), machines(scenario));
        }
    }
    run
}
