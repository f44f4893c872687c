//! The bus crate's integration tests, one binary (one link instead of seven).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod archive_schedule;
mod dead_letter;
mod no_panic;
mod put_events;
mod routing;
mod schedule;
mod scheduler;
mod transform;
mod workflow_events;
