//! Simulated bus exports (owner: the bus work).

use crate::{from_js, to_js};
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const BUS_TS_TYPES: &'static str = r#"
export interface BusScenario {
  account?: string; region?: string; seed?: number; startTime?: string;
  buses?: string[];
  stateMachines?: { name: string; definition: string | object }[];
  rules?: object[]; archives?: object[]; schedules?: object[];
  steps?: object[];
}
export interface BusLogEntry { type: string; time: string; [key: string]: unknown }
export interface BusSimulation {
  setup: object[]; steps: object[]; log: BusLogEntry[]; executions: object[]; clock: string;
  state: { buses: object[]; rules: object[]; archives: object[]; schedules: object[]; stateMachines: object[]; replays: string[] }
}
export interface FireTimes { expression: string; timezone: string; times: string[] }
export interface ScheduleError { error: string; message: string; field?: string }
"#;

/// Runs a bus scenario (buses, rules, targets, state machines, archives, then steps such as
/// `putEvents`, `advanceSeconds`, `startReplay`) and returns `{setup, steps, log,
/// executions, clock}`; see `stepbridge_bus::scenario` for the document's shape.
pub fn simulate_bus_value(scenario: &Value) -> Value {
    stepbridge_bus::scenario::simulate(scenario)
}

/// The next `count` fire times of a schedule expression after `from` (RFC 3339), as
/// `{times: [...]}` or a `{error, message, field}` validation error.
pub fn next_fire_times_value(
    expression: &str,
    timezone: Option<&str>,
    from: &str,
    count: usize,
) -> Value {
    stepbridge_bus::scenario::next_fire_times(expression, timezone, from, count)
}

#[wasm_bindgen(js_name = simulateBus, unchecked_return_type = "BusSimulation | {error: string, message: string}")]
pub fn simulate_bus(
    #[wasm_bindgen(unchecked_param_type = "BusScenario")] scenario: JsValue,
) -> Result<JsValue, JsValue> {
    let scenario: Value = from_js(scenario)?;
    to_js(&simulate_bus_value(&scenario))
}

#[wasm_bindgen(js_name = nextFireTimes, unchecked_return_type = "FireTimes | ScheduleError")]
pub fn next_fire_times(
    expression: &str,
    timezone: Option<String>,
    from: &str,
    count: usize,
) -> Result<JsValue, JsValue> {
    to_js(&next_fire_times_value(
        expression,
        timezone.as_deref(),
        from,
        count,
    ))
}
