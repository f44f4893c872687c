//! A whole simulation described in one JSON document, for the playground and scripts:
//! set up buses, state machines, rules, targets and archives, then run steps (put events,
//! advance the clock, replay), and get back every step's result and the full log.
//!
//! ```json
//! {
//!   "account": "123456789012", "region": "us-east-1", "seed": 7,
//!   "startTime": "2024-01-01T00:00:00Z",
//!   "buses": ["orders"],
//!   "stateMachines": [{"name": "Fulfil", "definition": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
//!                      "mockConfig": null, "testCase": null}],
//!   "rules": [{"Name": "new-orders", "EventBusName": "orders",
//!              "EventPattern": {"source": ["shop"]},
//!              "Targets": [{"Id": "sfn", "Arn": "arn:aws:states:us-east-1:123456789012:stateMachine:Fulfil"}]}],
//!   "archives": [{"ArchiveName": "all", "EventSourceArn": "orders", "RetentionDays": 7}],
//!   "schedules": [{"Name": "nightly", "ScheduleExpression": "cron(0 2 * * ? *)",
//!                  "ScheduleExpressionTimezone": "Europe/Paris",
//!                  "Target": {"Arn": "arn:aws:states:us-east-1:123456789012:stateMachine:Fulfil", "Input": "{}"}}],
//!   "steps": [
//!     {"putEvents": [{"Source": "shop", "DetailType": "Order", "Detail": "{}", "EventBusName": "orders"}]},
//!     {"advanceSeconds": 300},
//!     {"startReplay": {"ReplayName": "r1", "EventSourceArn": "all", "EventStartTime": "2024-01-01T00:00:00Z",
//!                      "EventEndTime": "2024-01-02T00:00:00Z", "Destination": {"Arn": "orders"}}}
//!   ]
//! }
//! ```

use crate::scheduler::ScheduleSpec;
use crate::{BusError, Config, EventBridge, ReplaySpec, RuleSpec, RuleState, TargetSpec};
use chrono::Duration;
use serde_json::{json, Value};

/// Runs a scenario. Setup and step errors are reported in place (the run goes on), so the
/// UI can show every problem at once; only a document that is not an object is refused.
pub fn simulate(scenario: &Value) -> Value {
    let Some(doc) = scenario.as_object() else {
        return json!({"error": "InvalidScenario", "message": "The scenario must be a JSON object."});
    };
    let mut config = Config::default();
    if let Some(a) = doc.get("account").and_then(Value::as_str) {
        config.account = a.to_string();
    }
    if let Some(r) = doc.get("region").and_then(Value::as_str) {
        config.region = r.to_string();
    }
    if let Some(s) = doc.get("seed").and_then(Value::as_u64) {
        config.seed = s;
    }
    let mut setup = Vec::new();
    if let Some(t) = doc.get("startTime") {
        match crate::put::parse_time(t) {
            Some(t) => config.start_time = t,
            None => setup.push(json!({"at": "/startTime", "error": "ValidationException",
                "message": "startTime must be an RFC 3339 time or epoch seconds"})),
        }
    }
    let mut bridge = EventBridge::new(config);
    let mut record = |at: String, result: Result<Value, BusError>| {
        setup.push(match result {
            Ok(v) => json!({"at": at, "result": v}),
            Err(e) => json!({"at": at, "error": e.error, "message": e.message}),
        });
    };
    for (i, bus) in array(doc.get("buses")).iter().enumerate() {
        let name = bus
            .as_str()
            .or_else(|| bus.get("Name").and_then(Value::as_str))
            .unwrap_or_default();
        record(
            format!("/buses/{i}"),
            bridge.create_event_bus(name).map(Value::String),
        );
    }
    for (i, machine) in array(doc.get("stateMachines")).iter().enumerate() {
        let name = machine
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let definition = match machine.get("definition") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        let mut result = bridge.create_state_machine(name, &definition);
        // Optional `mockConfig` (object or JSON text) and `testCase` answer the tasks.
        if let (Ok(_), Some(mocks)) = (&result, machine.get("mockConfig")) {
            let text = match mocks {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let case = machine
                .get("testCase")
                .and_then(Value::as_str)
                .map(str::to_string);
            if let Err(e) = bridge.set_state_machine_mocks(name, text, case) {
                result = Err(e);
            }
        }
        record(format!("/stateMachines/{i}"), result.map(Value::String));
    }
    for (i, rule) in array(doc.get("rules")).iter().enumerate() {
        let result = put_rule_with_targets(&mut bridge, rule);
        record(format!("/rules/{i}"), result);
    }
    for (i, archive) in array(doc.get("archives")).iter().enumerate() {
        let name = archive
            .get("ArchiveName")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let source = archive
            .get("EventSourceArn")
            .and_then(Value::as_str)
            .unwrap_or("default");
        let mut result = bridge.create_archive(name, source, archive.get("EventPattern"));
        if let (Ok(_), Some(days)) = (&result, archive.get("RetentionDays")) {
            match days.as_u64().and_then(|d| u32::try_from(d).ok()) {
                Some(days) => {
                    if let Err(e) = bridge.set_archive_retention(name, days) {
                        result = Err(e);
                    }
                }
                None => result = Err(BusError::new(
                    "ValidationException",
                    "RetentionDays must be a whole number of days (0 keeps events indefinitely).",
                )),
            }
        }
        record(format!("/archives/{i}"), result.map(Value::String));
    }
    for (i, schedule) in array(doc.get("schedules")).iter().enumerate() {
        let result = parse_spec::<ScheduleSpec>(schedule, "Schedule")
            .and_then(|spec| bridge.create_schedule(&spec))
            .map(Value::String);
        record(format!("/schedules/{i}"), result);
    }
    let mut steps = Vec::new();
    for (i, step) in array(doc.get("steps")).iter().enumerate() {
        let result = run_step(&mut bridge, step);
        steps.push(match result {
            Ok(v) => json!({"at": format!("/steps/{i}"), "result": v}),
            Err(e) => json!({"at": format!("/steps/{i}"), "error": e.error, "message": e.message}),
        });
    }
    json!({
        "setup": setup,
        "steps": steps,
        "log": serde_json::to_value(bridge.log()).unwrap_or(Value::Null),
        "executions": serde_json::to_value(bridge.executions()).unwrap_or(Value::Null),
        "clock": crate::schedule::format_time(bridge.now()),
        "state": bridge.describe(),
    })
}

fn array(value: Option<&Value>) -> Vec<Value> {
    match value {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}

fn parse_spec<T: serde::de::DeserializeOwned>(value: &Value, what: &str) -> Result<T, BusError> {
    serde_json::from_value(value.clone())
        .map_err(|e| BusError::new("ValidationException", format!("{what} is not valid: {e}")))
}

fn put_rule_with_targets(bridge: &mut EventBridge, rule: &Value) -> Result<Value, BusError> {
    let mut spec_value = rule.clone();
    let targets = spec_value
        .as_object_mut()
        .and_then(|m| m.shift_remove("Targets"));
    let spec: RuleSpec = parse_spec(&spec_value, "Rule")?;
    let arn = bridge.put_rule(&spec)?;
    let mut out = json!({"RuleArn": arn});
    if let Some(targets) = targets {
        let targets: Vec<TargetSpec> = parse_spec(&targets, "Targets")?;
        let result = bridge.put_targets(spec.event_bus_name.as_deref(), &spec.name, &targets)?;
        out["PutTargets"] = result;
    }
    Ok(out)
}

fn run_step(bridge: &mut EventBridge, step: &Value) -> Result<Value, BusError> {
    let Some((kind, arg)) = step.as_object().and_then(|m| m.iter().next()) else {
        return Err(BusError::new(
            "ValidationException",
            "A step must be an object with one key.",
        ));
    };
    match kind.as_str() {
        "putEvents" => {
            let entries = arg.as_array().cloned().unwrap_or_default();
            let result = bridge.put_events(&entries)?;
            Ok(serde_json::to_value(result).unwrap_or(Value::Null))
        }
        "advanceSeconds" => {
            let seconds = arg.as_i64().filter(|s| *s >= 0).ok_or_else(|| {
                BusError::new("ValidationException", "advanceSeconds takes a non-negative whole number")
            })?;
            let by = Duration::try_seconds(seconds)
                .ok_or_else(|| BusError::new("ValidationException", "advanceSeconds is too large"))?;
            let fired = bridge.advance(by);
            Ok(json!({"fired": fired, "clock": crate::schedule::format_time(bridge.now())}))
        }
        "advanceTo" => {
            let until = crate::put::parse_time(arg).ok_or_else(|| {
                BusError::new("ValidationException", "advanceTo takes an RFC 3339 time")
            })?;
            let fired = bridge.advance_to(until);
            Ok(json!({"fired": fired, "clock": crate::schedule::format_time(bridge.now())}))
        }
        "startReplay" => {
            let spec: ReplaySpec = parse_spec(arg, "StartReplay")?;
            let count = bridge.start_replay(&spec)?;
            Ok(json!({"eventsReplayed": count}))
        }
        "putRule" => put_rule_with_targets(bridge, arg),
        "createSchedule" => {
            let spec: ScheduleSpec = parse_spec(arg, "Schedule")?;
            Ok(Value::String(bridge.create_schedule(&spec)?))
        }
        "deleteRule" => {
            let name = arg.get("Name").and_then(Value::as_str).unwrap_or_default();
            let bus = arg.get("EventBusName").and_then(Value::as_str);
            bridge.delete_rule(bus, name)?;
            Ok(Value::Null)
        }
        "removeTargets" => {
            let name = arg.get("Rule").and_then(Value::as_str).unwrap_or_default();
            let bus = arg.get("EventBusName").and_then(Value::as_str);
            let ids: Vec<String> = arg
                .get("Ids")
                .and_then(Value::as_array)
                .map(|ids| ids.iter().filter_map(|i| i.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            bridge.remove_targets(bus, name, &ids)?;
            Ok(Value::Null)
        }
        "enableRule" | "disableRule" => {
            let name = arg.get("Name").and_then(Value::as_str).unwrap_or_default();
            let bus = arg.get("EventBusName").and_then(Value::as_str);
            let state = if kind == "enableRule" { RuleState::Enabled } else { RuleState::Disabled };
            bridge.set_rule_state(bus, name, state)?;
            Ok(Value::Null)
        }
        other => Err(BusError::new(
            "ValidationException",
            format!("Unknown step '{other}': use putEvents, advanceSeconds, advanceTo, startReplay, putRule, deleteRule, removeTargets, createSchedule, enableRule or disableRule"),
        )),
    }
}

/// The next `count` fire times of `expression` strictly after `from`, for the CLI and the
/// playground. With a time zone or an `at(...)` expression it is read as EventBridge
/// Scheduler does (rates start at `from`); otherwise as a rule (rates first fire one period
/// after `from`, the rule's creation).
pub fn next_fire_times(
    expression: &str,
    timezone: Option<&str>,
    from: &str,
    count: usize,
) -> Value {
    use crate::schedule::{format_time, parse, Flavor};
    let Some(from_time) = crate::put::parse_time(&Value::String(from.to_string())) else {
        return json!({"error": "ValidationException",
            "message": format!("'{from}' is not an RFC 3339 time such as 2024-01-01T00:00:00Z"),
            "field": "from"});
    };
    let flavor = if timezone.is_some() || expression.trim_start().starts_with("at(") {
        Flavor::Scheduler
    } else {
        Flavor::Rule
    };
    match parse(expression, timezone, flavor) {
        Ok(schedule) => {
            let times: Vec<String> = schedule
                .next_fire_times(from_time, from_time, count.min(10_000))
                .into_iter()
                .map(format_time)
                .collect();
            json!({"expression": schedule.source, "timezone": schedule.zone.name(), "times": times})
        }
        Err(e) => serde_json::to_value(e).unwrap_or(Value::Null),
    }
}
