//! EventBridge exports.

use crate::to_js;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// `{result, explanation}` on success, the `PatternError` object otherwise.
pub fn test_pattern_value(pattern: &str, event: &str) -> Value {
    match stepbridge_events::test_pattern(pattern, event) {
        Ok(outcome) => serde_json::to_value(outcome),
        Err(error) => serde_json::to_value(error),
    }
    .unwrap_or(Value::Null)
}

/// Tests one event against one pattern, as TestEventPattern does.
#[wasm_bindgen(js_name = testPattern, unchecked_return_type = "TestPatternOutcome | PatternError")]
pub fn test_pattern(pattern: &str, event: &str) -> Result<JsValue, JsValue> {
    to_js(&test_pattern_value(pattern, event))
}
