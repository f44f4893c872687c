//! The Amazon States Language interpreter.
//!
//! CONTRACT (used by `stepbridge-cli` and `stepbridge-wasm`; keep these names and shapes):
//! - [`validate`] turns definition text (JSON or YAML) into diagnostics.
//! - [`run`] executes a definition to its end (or to a pause such as WAITING_FOR_CALLBACK).
//! - [`RunRequest`] deserialises from camelCase JSON; [`RunOutcome`] and [`Diagnostic`]
//!   serialise to the JSON shapes the CLI prints.

pub mod choice;
pub mod error;
pub mod intrinsics;
pub mod jsonpath;
pub mod rng;
pub mod template;
pub mod validate;

pub use error::StatesError;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// JSON pointer into the definition, e.g. `/States/Check/Next`.
    pub pointer: String,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: String,
    pub message: String,
    pub location: Location,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RunRequest {
    pub definition: String,
    /// Execution input as JSON text; empty means `{}`.
    pub input: String,
    /// Step Functions Local MockConfigFile as JSON text.
    pub mock_config: Option<String>,
    pub test_case: Option<String>,
    pub state_machine: Option<String>,
    pub seed: u64,
    /// RFC 3339 start of the virtual clock.
    pub start_time: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunOutcome {
    /// SUCCEEDED, FAILED, TIMED_OUT, ABORTED, WAITING_FOR_CALLBACK, or INVALID.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
    pub history: Vec<Value>,
}

pub fn validate(_source: &str) -> Vec<Diagnostic> {
    unimplemented!("being written")
}

pub fn run(_request: &RunRequest) -> RunOutcome {
    unimplemented!("being written")
}
