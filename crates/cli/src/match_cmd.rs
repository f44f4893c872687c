//! `stepbridge match`: many rules over a JSON-lines file of events.
//!
//! stdout: `{"rule name": matched count, ...}` for every rule, in the rules file's order,
//! zeros included (a harness can then diff it against expected counts directly).
//! Exit codes: 0 counted; 2 the rules or an event line are invalid (stdout carries the
//! error as JSON, naming the rule or the line); 1 a file cannot be read.
//! stderr: `{"bench": {"events": n, "seconds": s, "cpu_seconds": c}}`, the in-process
//! matching time (parsing of the events included, reading the file excluded), for
//! benchmark scripts; `cpu_seconds` (Linux only) is the CPU time of the matching thread,
//! which on a shared machine measures the code rather than the wait for a core.

use crate::input::file_or_inline;
use clap::Args;
use stepbridge_events::matcher::{parse_rules, RuleSet};
use stepbridge_events::{PatternError, INVALID_EVENT};

#[derive(Args)]
pub struct MatchArgs {
    /// {"rule name": pattern, ...}: a file path or inline JSON.
    #[arg(long)]
    pub rules: String,
    /// One event per line (a file path, or `-` for standard input).
    #[arg(long)]
    pub events: String,
    /// Validate every event in full, parts no rule reads included (refuse exactly what a
    /// JSON parser refuses). By default arrays and objects no rule reads are only checked
    /// for their extent, which is faster and never changes the counts of valid events.
    #[arg(long)]
    pub strict_events: bool,
}

fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("cannot serialise the result: {e}"),
    }
}

fn io_error(message: String) -> u8 {
    print_json(&serde_json::json!({"error": "IOError", "message": message}));
    1
}

/// CPU time the current thread has run, in seconds, from the scheduler's own accounting.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

fn read_events(arg: &str) -> Result<Vec<u8>, String> {
    if arg == "-" {
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut data)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(data);
    }
    std::fs::read(arg).map_err(|e| format!("cannot read {arg}: {e}"))
}

pub fn match_events(args: MatchArgs) -> u8 {
    let rules_text = match file_or_inline(&args.rules) {
        Ok(text) => text,
        Err(message) => return io_error(message),
    };
    let rules = match parse_rules(&rules_text) {
        Ok(rules) => rules,
        Err(e) => {
            print_json(&e);
            return 2;
        }
    };
    let mut set = RuleSet::compile(&rules);
    set.set_strict_events(args.strict_events);
    let data = match read_events(&args.events) {
        Ok(data) => data,
        Err(message) => return io_error(message),
    };
    let cpu_before = thread_cpu_seconds();
    let started = std::time::Instant::now();
    let result = set.count_jsonl(&data);
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = match (cpu_before, thread_cpu_seconds()) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    match result {
        Ok(counts) => {
            print_json(&set.counts_json(&counts));
            eprintln!(
                "{}",
                serde_json::json!({"bench": {
                    "events": counts.events,
                    "seconds": seconds,
                    "cpu_seconds": cpu_seconds,
                }})
            );
            0
        }
        Err(e) => {
            let line = u32::try_from(e.line).unwrap_or(u32::MAX);
            print_json(&PatternError {
                error: INVALID_EVENT.to_string(),
                message: format!("Event on line {} is not valid: {}", e.line, e.error.message),
                pointer: String::new(),
                line,
                column: e.error.column,
            });
            2
        }
    }
}
