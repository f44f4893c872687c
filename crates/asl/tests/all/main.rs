//! The crate's integration tests in one binary (one link instead of nine), each former test
//! file a module. They use the public API only; tests of internals live next to the code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // benches, examples and tests stop loudly

#[path = "../common/run.rs"]
mod run_common;
#[path = "../common/workloads.rs"]
mod workloads_common;

mod callbacks;
mod conformance;
mod definitions;
mod examples;
mod expr_validate;
mod express;
mod history;
mod hostile;
mod jsonata;
mod progress;
mod redrive;
mod variables;
mod workloads;
