//! The EventBridge workbench's requests: patterns against many events, input transformer
//! previews, schedule fire times, bus scenarios and template imports.
//!
//! Every answer is a JSON value the UI reads as is; an engine's refusal is part of the
//! answer (with where it is, when the engine says), never a worker `Error`, so the view
//! can place it in the editor it is about.

use serde_json::{json, Value};
use stepbridge_bus::template::{self, ScenarioOptions};
use stepbridge_events::locate;
use stepbridge_inspect::protocol::{EbTool, Response};

/// The most events one pattern is tested against in one request.
pub const MAX_EVENTS: usize = 500;
/// The most fire times one request lists.
pub const MAX_FIRE_TIMES: usize = 100;
/// Scheduler's longest flexible window, in minutes.
/// <https://docs.aws.amazon.com/scheduler/latest/APIReference/API_FlexibleTimeWindow.html>
pub const MAX_FLEXIBLE_MINUTES: u32 = 1440;

fn answer(tool: EbTool, answer: Value) -> Response {
    Response::EventBridge { tool, answer }
}

/// `{pattern: null | PatternError, results: [{result, explanation, locations} | error]}`.
/// A pattern fault is reported once, not per event; each event's own fault (not JSON, a
/// missing envelope field) stays with that event.
pub fn test_patterns(pattern: &str, events: &[String]) -> Response {
    if let Err(e) = stepbridge_events::Pattern::parse(pattern) {
        return answer(EbTool::Patterns, json!({"pattern": e, "results": []}));
    }
    let results: Vec<Value> = events
        .iter()
        .take(MAX_EVENTS)
        .map(
            |event| match stepbridge_events::test_pattern(pattern, event) {
                Ok(outcome) => {
                    let locations = field_locations(event, &outcome.explanation);
                    json!({"result": outcome.result, "explanation": outcome.explanation,
                       "locations": locations})
                }
                Err(e) => serde_json::to_value(e).unwrap_or(Value::Null),
            },
        )
        .collect();
    answer(
        EbTool::Patterns,
        json!({"pattern": null, "results": results}),
    )
}

/// Where each field the explanation names sits in the event text: `{path, line, column}`,
/// for the fields that the event holds (an absent field has no place).
fn field_locations(event: &str, explanation: &Value) -> Vec<Value> {
    let Ok(parsed) = serde_json::from_str::<Value>(event) else {
        return Vec::new();
    };
    let fields = explanation
        .get("fields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    fields
        .iter()
        .filter_map(|f| f.get("path").and_then(Value::as_str))
        .filter_map(|path| {
            let pointer: String = path
                .split('.')
                .map(|seg| format!("/{}", seg.replace('~', "~0").replace('/', "~1")))
                .collect();
            parsed.pointer(&pointer)?;
            let (line, column) = locate(event, &pointer);
            Some(json!({"path": path, "line": line, "column": column}))
        })
        .collect()
}

/// `{output, json}` (the text the target receives, and whether it is JSON) or
/// `{error: {editor, message, line, column}}` with `editor` one of `pathsMap`, `template`
/// or `event`.
pub fn transform(paths_map: &str, template: &str, event: &str, rule_name: &str) -> Response {
    answer(
        EbTool::Transform,
        transform_value(paths_map, template, event, rule_name),
    )
}

fn fault(editor: &str, message: String, line: usize, column: usize) -> Value {
    json!({"error": {"editor": editor, "message": message, "line": line, "column": column}})
}

fn transform_value(paths_map: &str, template: &str, event: &str, rule_name: &str) -> Value {
    let event_value: Value = match serde_json::from_str(event) {
        Ok(v) => v,
        Err(e) => {
            return fault(
                "event",
                format!("The event is not valid JSON: {e}"),
                e.line(),
                e.column(),
            )
        }
    };
    match stepbridge_bus::transform::preview(paths_map, template, &event_value, rule_name) {
        Ok((output, rule_arn)) => {
            let is_json = serde_json::from_str::<Value>(&output).is_ok();
            json!({"output": output, "json": is_json, "ruleArn": rule_arn})
        }
        Err(f) => fault(f.editor, f.message, f.line, f.column),
    }
}

/// `{expression, timezone, times, windows?}` or Scheduler's `{error, message, field}`.
/// With a flexible window each fire time comes with the latest time the target may be
/// invoked, since Scheduler picks a moment inside the window.
pub fn fire_times(
    expression: &str,
    timezone: &str,
    from: &str,
    count: usize,
    flexible_minutes: u32,
) -> Response {
    if flexible_minutes > MAX_FLEXIBLE_MINUTES {
        return answer(
            EbTool::Schedule,
            json!({"error": "ValidationException", "field": "flexibleTimeWindow",
                   "message": format!("MaximumWindowInMinutes must be between 1 and {MAX_FLEXIBLE_MINUTES}")}),
        );
    }
    let zone = (!timezone.trim().is_empty()).then_some(timezone.trim());
    let mut value = stepbridge_bus::scenario::next_fire_times(
        expression.trim(),
        zone,
        from.trim(),
        count.clamp(1, MAX_FIRE_TIMES),
    );
    if flexible_minutes > 0 {
        let windows: Vec<Value> = value
            .get("times")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter_map(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| {
                let end = t + chrono::Duration::minutes(i64::from(flexible_minutes));
                json!(end
                    .with_timezone(&chrono::Utc)
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            })
            .collect();
        value["windowEnds"] = Value::Array(windows);
    }
    answer(EbTool::Schedule, value)
}

/// The scenario's result (see `stepbridge_bus::scenario::simulate`) or `{error, message,
/// line, column}` when the document is not JSON.
pub fn simulate_bus(scenario: &str) -> Response {
    let value = match serde_json::from_str::<Value>(scenario) {
        Ok(doc) => with_schemas(slim(stepbridge_bus::scenario::simulate(&doc))),
        Err(e) => json!({"error": "InvalidScenario",
            "message": format!("The scenario is not valid JSON: {e}"),
            "line": e.line(), "column": e.column()}),
    };
    answer(EbTool::Bus, value)
}

/// `{system, scenario, run}`: the imported system, the scenario built from it, and its run
/// when events were given; `{error: TemplateError}` (or the events or mocks fault) otherwise.
pub fn import_template(text: &str, events: &str, mocks: &str, test_case: &str) -> Response {
    answer(
        EbTool::Template,
        import_value(text, events, mocks, test_case),
    )
}

fn import_value(text: &str, events: &str, mocks: &str, test_case: &str) -> Value {
    let system = match template::import(text) {
        Ok(s) => s,
        Err(e) => return json!({"error": e, "editor": "template"}),
    };
    let events: Vec<Value> = match events.trim() {
        "" => Vec::new(),
        text => match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(entries)) => entries,
            Ok(entry @ Value::Object(_)) => vec![entry],
            Ok(_) => {
                return json!({"editor": "events", "error": {"message":
                    "The events must be a PutEvents entry or an array of them", "line": 1, "column": 1}})
            }
            Err(e) => {
                return json!({"editor": "events", "error": {"message":
                    format!("The events are not valid JSON: {e}"), "line": e.line(), "column": e.column()}})
            }
        },
    };
    let mock_config = match mocks.trim() {
        "" => None,
        text => match serde_json::from_str::<Value>(text) {
            Ok(v) => Some(v),
            Err(e) => {
                return json!({"editor": "mocks", "error": {"message":
                    format!("The mock config is not valid JSON: {e}"), "line": e.line(), "column": e.column()}})
            }
        },
    };
    let options = ScenarioOptions {
        events,
        mock_config,
        test_case: (!test_case.trim().is_empty()).then(|| test_case.trim().to_string()),
    };
    let scenario = system.scenario_with(&options);
    let run = (!options.events.is_empty())
        .then(|| with_schemas(slim(stepbridge_bus::scenario::simulate(&scenario))));
    json!({"system": system, "scenario": scenario, "run": run})
}

/// The pipe's run (`PipeRun`: summary, each record's path, each batch) or `{error, message}`
/// (with `line` and `column` when the document is not JSON).
pub fn run_pipe(document: &str) -> Response {
    let value = match serde_json::from_str::<Value>(document) {
        Ok(doc) => match stepbridge_bus::pipes::run_pipe(&doc) {
            Ok(run) => serde_json::to_value(run).unwrap_or(Value::Null),
            Err(e) => json!({"error": e.error, "message": e.message}),
        },
        Err(e) => json!({"error": "ValidationException",
            "message": format!("The pipe document is not valid JSON: {e}"),
            "line": e.line(), "column": e.column()}),
    };
    answer(EbTool::Pipes, value)
}

/// Adds `schemas`: what the schema registry would discover from the events the buses
/// accepted (latest version of each), with TypeScript bindings to copy.
fn with_schemas(mut run: Value) -> Value {
    let seen: Vec<Value> = run
        .get("log")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|e| e.get("type").and_then(Value::as_str) == Some("eventAccepted"))
        .filter_map(|e| e.get("event").cloned())
        .collect();
    if seen.is_empty() {
        return run;
    }
    let registry = stepbridge_bus::schema::discover(&seen);
    let schemas: Vec<Value> = registry
        .schemas()
        .into_iter()
        .map(|s| {
            json!({"name": s.name, "version": s.version, "eventCount": s.event_count,
                   "openapi": s.openapi,
                   "typescript": stepbridge_bus::schema::typescript_bindings(s)})
        })
        .collect();
    if let Some(map) = run.as_object_mut() {
        map.insert("schemas".into(), Value::Array(schemas));
    }
    run
}

/// Each execution's history and per-state data stay out of the answer: the system view shows
/// status, input and output, and a whole history per execution would make every run's
/// message megabytes long.
fn slim(mut run: Value) -> Value {
    if let Some(executions) = run.get_mut("executions").and_then(Value::as_array_mut) {
        for execution in executions {
            if let Some(outcome) = execution.get_mut("outcome").and_then(Value::as_object_mut) {
                let events = outcome
                    .shift_remove("history")
                    .and_then(|h| h.as_array().map(Vec::len));
                outcome.shift_remove("states");
                outcome.insert("historyEvents".into(), json!(events.unwrap_or(0)));
            }
        }
    }
    run
}

#[cfg(test)]
mod tests;
