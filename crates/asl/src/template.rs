//! Payload templates (Parameters, ResultSelector, ItemSelector): `.$` keys, paths, intrinsics.
//! Owner: the "expressions" work. CONTRACT used by the executor:
//!
//! - `Template::compile(&Value) -> Result<Template, String>`
//! - `Template::evaluate(&self, input, context, rng) -> Result<Value, StatesError>`
