//! "Suggest an input" and "Suggest mocks": documents that let a definition pasted from
//! AWS's samples run at once, built from the paths the definition reads.

use crate::flow::{walk, Reads};
use crate::skeleton::PLACEHOLDER;
use serde_json::{json, Map, Value};

/// A skeleton execution input: every path the definition reads from its input (InputPath,
/// Parameters/ItemSelector `.$` paths and intrinsic arguments, ItemsPath, Choice variables,
/// Wait SecondsPath/TimestampPath, `$states.input` in JSONata), with a value of the type its
/// reader needs: a Choice's compared value so that its first rule matches, arrays for Map
/// items, numbers and timestamps for Wait. Paths an earlier state writes with its ResultPath
/// are left out, as the execution produces them.
pub fn suggest_input(definition: &Value) -> Value {
    walk(definition).input.render()
}

/// A Step Functions Local MockConfigFile with one test case, `HappyPath`, answering every
/// Task state (in Parallel branches and Map processors too) with a response shaped like the
/// service integration's documented response, and every Map with an ItemReader with a few
/// items. Fields that later states read from a result are filled in.
pub fn suggest_mocks(definition: &Value, state_machine_name: &str) -> Value {
    let reads = walk(definition);
    let mut case = Map::new();
    let mut responses = Map::new();
    let mut states = Vec::new();
    collect_states(definition, &mut states);
    for (name, st) in states {
        let answer = match st.get("Type").and_then(Value::as_str) {
            Some("Task") => task_response(&name, st, &reads),
            Some("Map") if st.get("ItemReader").is_some() => reader_items(&name, &reads),
            _ => continue,
        };
        let response = format!("{name}Response");
        case.insert(name, json!(response));
        responses.insert(response, json!({"0": {"Return": answer}}));
    }
    json!({
        "StateMachines": {state_machine_name: {"TestCases": {"HappyPath": case}}},
        "MockedResponses": responses,
    })
}

/// Every state with its name, nested ones (Parallel branches, Map processors) included.
fn collect_states<'a>(machine: &'a Value, out: &mut Vec<(String, &'a Value)>) {
    for (name, st) in machine
        .get("States")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        out.push((name.clone(), st));
        for b in st
            .get("Branches")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect_states(b, out);
        }
        if let Some(p) = st.get("ItemProcessor").or_else(|| st.get("Iterator")) {
            collect_states(p, out);
        }
    }
}

fn reader_items(name: &str, reads: &Reads) -> Value {
    let item = match reads.results.get(name).map(|s| s.render()) {
        Some(Value::Array(mut a)) if !a.is_empty() => a.swap_remove(0),
        _ => json!({"id": PLACEHOLDER}),
    };
    let items: Vec<Value> = (1..=3)
        .map(|i| match &item {
            Value::Object(m) if m.is_empty() => json!({"id": i}),
            other => other.clone(),
        })
        .collect();
    Value::Array(items)
}

/// Merge `extra` into `base`: objects field by field, anything else replaced.
fn merge(base: &mut Value, extra: Value) {
    match (base, extra) {
        (Value::Object(b), Value::Object(e)) => {
            for (k, v) in e {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, e) => *b = e,
    }
}

fn task_response(name: &str, st: &Value, reads: &Reads) -> Value {
    let resource = st.get("Resource").and_then(Value::as_str).unwrap_or("");
    let read = reads.results.get(name).map(|s| s.render());
    let mut response = responses::documented(resource, name);
    if let Some(read) = read {
        // A Lambda ARN used directly: the state's result is the Invoke response's Payload,
        // which is where Step Functions Local mocks carry it.
        match response.get_mut("Payload") {
            Some(payload) if responses::is_lambda_arn(resource) => merge(payload, read),
            _ => merge(&mut response, read),
        }
    }
    response
}

#[path = "responses.rs"]
mod responses;
