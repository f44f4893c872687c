//! `stepbridge test-pattern`.

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

pub fn test_pattern(_args: TestPatternArgs) -> u8 {
    unimplemented!("being written")
}
