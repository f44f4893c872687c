//! `stepbridge test-pattern` and `stepbridge match`.

use clap::Args;

#[derive(Args)]
pub struct TestPatternArgs {
    /// Event pattern: a file path or inline JSON.
    #[arg(long)]
    pub pattern: String,
    /// Event: a file path or inline JSON.
    #[arg(long)]
    pub event: String,
}

#[derive(Args)]
pub struct MatchArgs {
    /// {"rule name": pattern, ...}
    #[arg(long)]
    pub rules: String,
    /// One event per line.
    #[arg(long)]
    pub events: String,
}

pub fn test_pattern(_args: TestPatternArgs) -> u8 {
    unimplemented!("being written")
}

pub fn match_events(_args: MatchArgs) -> u8 {
    unimplemented!("being written")
}
