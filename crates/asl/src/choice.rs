//! Choice rules: every comparison, the Is* tests, StringMatches, And/Or/Not.
//! Owner: the "expressions" work. CONTRACT used by the executor:
//!
//! - `ChoiceRule::parse(&Value) -> Result<ChoiceRule, String>` (a top-level rule carries `Next`).
//! - `ChoiceRule::evaluate(&self, input, context) -> Result<bool, StatesError>`
//! - `ChoiceRule::next(&self) -> Option<&str>`
