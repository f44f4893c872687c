//! The EventBridge engine.
//!
//! CONTRACT (used by `stepbridge-cli` and `stepbridge-wasm`; keep these names and shapes):
//! - [`test_pattern`] answers what EventBridge's TestEventPattern would, with an explanation.
//! - [`PatternError`] serialises to `{"error": "InvalidEventPatternException", "message": ...}`
//!   plus the location of the fault.

pub mod matcher;
pub mod pattern;

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternError {
    /// `InvalidEventPatternException`, or `InvalidEvent` for a bad event.
    pub error: String,
    pub message: String,
    pub pointer: String,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestOutcome {
    pub result: bool,
    /// Why the event matched or not, field by field.
    pub explanation: Value,
}

pub fn test_pattern(_pattern: &str, _event: &str) -> Result<TestOutcome, PatternError> {
    unimplemented!("being written")
}
