//! `stepbridge`: the engines on the command line, for CI and scripting.
//!
//! stdout always carries one JSON document so harnesses can parse it; human-oriented
//! messages go to stderr. Exit codes are part of the contract (see each command).

mod asl_cmd;
mod bus_cmd;
mod events_cmd;
mod input;
mod match_cmd;
mod practice_cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "stepbridge",
    version,
    about = "Run AWS Step Functions state machines and EventBridge patterns locally"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Execute a state machine definition and print the execution result as JSON.
    Run(asl_cmd::RunArgs),
    /// Check a state machine definition and print its diagnostics as JSON.
    Validate(asl_cmd::ValidateArgs),
    /// Test one event against one event pattern, as EventBridge's TestEventPattern does.
    TestPattern(events_cmd::TestPatternArgs),
    /// Count, per rule, how many events of a JSON-lines file each rule matches.
    Match(match_cmd::MatchArgs),
    /// Print the next fire times of a rate/cron/at schedule expression as JSON.
    Schedule(bus_cmd::ScheduleArgs),
    /// Run a simulated EventBridge scenario (buses, rules, targets, steps) and print its log.
    SimulateBus(bus_cmd::SimulateBusArgs),
    /// Exam practice: check an exercise file, or grade an answer to it.
    Practice(practice_cmd::PracticeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Run(args) => asl_cmd::run(args),
        Command::Validate(args) => asl_cmd::validate(args),
        Command::TestPattern(args) => events_cmd::test_pattern(args),
        Command::Match(args) => match_cmd::match_events(args),
        Command::Schedule(args) => bus_cmd::schedule(args),
        Command::SimulateBus(args) => bus_cmd::simulate_bus(args),
        Command::Practice(args) => practice_cmd::practice(args),
    };
    ExitCode::from(code)
}
