//! Static checks of a definition, each fault a Diagnostic with pointer and line/column.
//! Owner: the "expressions" work. CONTRACT: `pub fn validate(source: &str) -> Vec<Diagnostic>`
//! (JSON or YAML source), re-exported by lib.rs.
