//! The EventBridge engine.
//!
//! CONTRACT (used by `stepbridge-cli` and `stepbridge-wasm`; keep these names and shapes):
//! - [`test_pattern`] answers what EventBridge's TestEventPattern would, with an explanation.
//! - [`PatternError`] serialises to `{"error": "InvalidEventPatternException", "message": ...}`
//!   plus the location of the fault (`pointer`, 1-based `line` and `column`).

mod locate;
pub mod matcher;
pub mod pattern;
pub mod scan;

pub use locate::{line_col, locate};
pub use pattern::{Explanation, Pattern};

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternError {
    /// `InvalidEventPatternException` for a refused pattern, `ValidationException` for an
    /// event TestEventPattern would refuse (AWS's codes).
    pub error: String,
    pub message: String,
    pub pointer: String,
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)?;
        if self.line > 0 {
            write!(f, " (line {}, column {})", self.line, self.column)?;
        }
        Ok(())
    }
}

impl std::error::Error for PatternError {}

#[derive(Debug, Clone, Serialize)]
pub struct TestOutcome {
    pub result: bool,
    /// Why the event matched or not, field by field.
    pub explanation: Value,
}

mod event;
pub use event::{validate_event, INVALID_EVENT, REQUIRED_FIELDS};

/// What EventBridge's TestEventPattern answers for `pattern` and `event`, with the reason.
pub fn test_pattern(pattern: &str, event: &str) -> Result<TestOutcome, PatternError> {
    let compiled = Pattern::parse(pattern)?;
    let event = validate_event(event)?;
    let explanation = compiled.explain(&event);
    Ok(TestOutcome {
        result: explanation.matched,
        explanation: serde_json::to_value(&explanation).unwrap_or(Value::Null),
    })
}
