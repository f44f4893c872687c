//! The events crate's integration tests, one binary (one link instead of six).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod conformance;
mod dotted;
mod explain;
mod jsonl;
mod matcher_differential;
mod matcher_rules;
mod properties;
mod validation;
