//! AWS's JSONPath: compiled once when the definition loads, evaluated per state.
//! Owner: the "expressions" work (see ARCHITECTURE.md). CONTRACT used by the executor:
//!
//! - `Path::parse(text) -> Result<Path, String>`; text starts with `$` (input) or `$$` (context).
//! - `Path::select(&self, input, context) -> Result<Value, StatesError>`: the value a Path
//!   selects (AWS semantics: a definite path gives the value, an indefinite one an array);
//!   no match is `States.Runtime` with AWS's wording.
//! - `Path::is_reference_path(&self) -> bool` (ResultPath accepts only reference paths).
//! - `apply_result_path(input, Option<&Path>, result) -> Result<Value, StatesError>`.
