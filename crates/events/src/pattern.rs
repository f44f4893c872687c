//! Event patterns: parsing with AWS's validation messages, and matching one event.
//! Owner: the "patterns" work. CONTRACT used by the fast matcher and the bus:
//!
//! - `Pattern::parse(source: &str) -> Result<Pattern, PatternError>`
//! - `Pattern::matches(&self, event: &serde_json::Value) -> bool`
//! - `Pattern::explain(&self, event: &Value) -> Explanation` (Serialize)
//! - The compiled tree (fields → leaf conditions, `$or`) is public so `matcher.rs` can
//!   compile many patterns into one automaton, with per-condition tests on strings and
//!   numbers exposed as methods (one definition of each operator's semantics).
