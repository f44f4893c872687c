//! Runtime errors as Step Functions names them (`States.Runtime`, `States.IntrinsicFailure`...).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An error as it travels through Retry/Catch: a name matched by `ErrorEquals` and a cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatesError {
    pub error: String,
    pub cause: String,
}

impl StatesError {
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        StatesError {
            error: error.into(),
            cause: cause.into(),
        }
    }

    pub fn runtime(cause: impl Into<String>) -> Self {
        Self::new("States.Runtime", cause)
    }

    pub fn intrinsic(cause: impl Into<String>) -> Self {
        Self::new("States.IntrinsicFailure", cause)
    }
}

impl std::fmt::Display for StatesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for StatesError {}

/// JSON's type names as JSONata spells them; AWS's QueryEvaluationError causes and this
/// interpreter's intrinsic failures both use them.
pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
