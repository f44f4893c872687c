//! ASL exports.

use crate::{from_js, to_js};
use serde_json::{json, Value};
use stepbridge_asl::{RunOutcome, RunRequest};
use wasm_bindgen::prelude::*;

pub fn run_execution_value(request: &RunRequest) -> RunOutcome {
    stepbridge_asl::run(request)
}

pub fn validate_value(definition: &str) -> Value {
    let diagnostics = stepbridge_asl::validate(definition);
    let failed = diagnostics
        .iter()
        .any(|d| d.severity == stepbridge_asl::Severity::Error);
    json!({ "result": if failed { "FAIL" } else { "OK" }, "diagnostics": diagnostics })
}

/// Runs an execution: `RunRequest` in, `RunOutcome` out.
#[wasm_bindgen(js_name = runExecution, unchecked_return_type = "RunOutcome")]
pub fn run_execution(
    #[wasm_bindgen(unchecked_param_type = "RunRequest")] request: JsValue,
) -> Result<JsValue, JsValue> {
    let request: RunRequest = from_js(request)?;
    to_js(&run_execution_value(&request))
}

/// Validates a definition: `{result: "OK"|"FAIL", diagnostics}`.
#[wasm_bindgen(js_name = validateDefinition, unchecked_return_type = "ValidateOutcome")]
pub fn validate_definition(definition: &str) -> Result<JsValue, JsValue> {
    to_js(&validate_value(definition))
}
