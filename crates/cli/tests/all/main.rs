//! The CLI's integration tests (they run the built binary), one test binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod asl_cli;
mod events_cli;
mod match_cli;
mod practice_cli;
