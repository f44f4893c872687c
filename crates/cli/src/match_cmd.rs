//! `stepbridge match`: many rules over a JSON-lines file of events.

use clap::Args;

#[derive(Args)]
pub struct MatchArgs {
    /// {"rule name": pattern, ...}
    #[arg(long)]
    pub rules: String,
    /// One event per line.
    #[arg(long)]
    pub events: String,
}

pub fn match_events(_args: MatchArgs) -> u8 {
    unimplemented!("being written")
}
