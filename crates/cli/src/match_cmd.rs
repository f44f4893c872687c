//! `stepbridge match`: many rules over a JSON-lines file of events.
//!
//! stdout: `{"rule name": matched count, ...}` for every rule, in the rules file's order,
//! zeros included (a harness can then diff it against expected counts directly).
//! Exit codes: 0 counted; 2 the rules or an event line are invalid (stdout carries the
//! error as JSON, naming the rule or the line); 1 a file cannot be read.
//! stderr: `{"bench": {"events": n, "seconds": s, "cpu_seconds": c, "eps": [..],
//! "cpu_eps": [..]}}`, the in-process counting time (reading the file in chunks and
//! parsing every event included), for benchmark scripts; `cpu_seconds` (Linux only) is
//! the CPU time of the counting thread, which on a shared machine measures the code
//! rather than the wait for a core. With `STEPBRIDGE_BENCH_PASSES=k` the file is counted
//! k times and `eps` / `cpu_eps` list each pass's events per second (wall / CPU), so a
//! benchmark can take the best pass; the counts printed are the first pass's.

use crate::input::file_or_inline;
use clap::Args;
use stepbridge_events::matcher::{parse_rules, Counts, RuleSet, StreamError};
use stepbridge_events::{PatternError, INVALID_EVENT};

#[derive(Args)]
pub struct MatchArgs {
    /// {"rule name": pattern, ...}: a file path or inline JSON.
    #[arg(long)]
    pub rules: String,
    /// One event per line (a file path, or `-` for standard input).
    #[arg(long)]
    pub events: String,
    /// Accepted for compatibility: every event is now validated in full (exactly what a
    /// JSON parser refuses is refused), which this flag used to ask for.
    #[arg(long, hide = true)]
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

/// Bytes read at a time: big enough that a read is rare, small enough that the buffer
/// stays in cache-friendly, already-mapped memory instead of a copy of the whole file.
const CHUNK: usize = 8 << 20;

fn count(set: &RuleSet, arg: &str) -> Result<Counts, StreamError> {
    if arg == "-" {
        return set.count_jsonl_reader(std::io::stdin().lock(), CHUNK);
    }
    let file =
        std::fs::File::open(arg).map_err(|e| StreamError::Io(format!("cannot read {arg}: {e}")))?;
    set.count_jsonl_reader(file, CHUNK)
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
    let set = RuleSet::compile(&rules);
    let passes: usize = std::env::var("STEPBRIDGE_BENCH_PASSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(1);
    let (mut eps, mut cpu_eps) = (Vec::new(), Vec::new());
    let (mut seconds, mut cpu_seconds) = (0.0, None);
    let mut result = None;
    for pass in 0..passes {
        // Standard input can be read once only.
        if pass > 0 && args.events == "-" {
            break;
        }
        let cpu_before = thread_cpu_seconds();
        let started = std::time::Instant::now();
        let outcome = count(&set, &args.events);
        let wall = started.elapsed().as_secs_f64();
        let cpu = match (cpu_before, thread_cpu_seconds()) {
            (Some(a), Some(b)) => Some(b - a),
            _ => None,
        };
        if let Ok(counts) = &outcome {
            let events = counts.events as f64;
            eps.push(events / wall.max(1e-9));
            if let Some(c) = cpu {
                cpu_eps.push(events / c.max(1e-9));
            }
        }
        let failed = outcome.is_err();
        if pass == 0 {
            seconds = wall;
            cpu_seconds = cpu;
            result = Some(outcome);
        }
        if failed {
            break;
        }
    }
    let Some(result) = result else {
        return io_error("no pass was run".into());
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
                    "eps": eps,
                    "cpu_eps": cpu_eps,
                }})
            );
            0
        }
        Err(StreamError::Io(message)) => io_error(message),
        Err(StreamError::Line(e)) => {
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
