//! Many rules at once: a compiled matcher over raw event bytes, the job a bus does.
//! Owner: the "fast matcher" work. CONTRACT:
//!
//! - `RuleSet::compile(rules: &[(String, Pattern)]) -> RuleSet`
//! - `RuleSet::matching(&self, event_json: &[u8]) -> Result<Vec<usize>, EventError>` (indices)
//! - Must agree with `Pattern::matches` on every event.
