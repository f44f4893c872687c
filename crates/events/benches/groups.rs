//! Throughput of the many-rules matcher on the shared benchmark (no criterion: this one
//! reports events per second per rule group, the figure issue 4 sets a target for).
//!
//! `EVENTS=target/events_200k.jsonl BENCH_GROUPS=exact,numeric cargo bench --bench groups`
//! The rules default to the repository's `tests/data/events-bench/events_rules.json`; the
//! events (about 180 MB, so not committed) to `target/events_200k.jsonl`, made with
//! `python3 tests/data/events-bench/events_gen.py 200000 42 target/events_200k.jsonl`
//! (the seed its expected counts were recorded with).
//! Each group's best pass of `PASSES` (default 3) is reported, which filters out time the
//! process spent waiting for a shared CPU.

// A benchmark with inputs it cannot use should stop loudly, as a test does.
#![allow(clippy::expect_used)]

use std::path::PathBuf;
use std::time::Instant;
use stepbridge_events::matcher::{parse_rules, RuleSet};

/// CPU time this thread has run, in seconds (Linux); on a machine shared with other jobs
/// this measures the code rather than the queue for a core.
fn thread_cpu() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// Best wall and best CPU seconds of `passes` runs of `f`.
fn measure(passes: usize, mut f: impl FnMut()) -> (f64, f64) {
    let (mut wall, mut cpu) = (f64::MAX, f64::MAX);
    for _ in 0..passes {
        let c = thread_cpu();
        let t = Instant::now();
        f();
        wall = wall.min(t.elapsed().as_secs_f64());
        if let (Some(c0), Some(c1)) = (c, thread_cpu()) {
            cpu = cpu.min(c1 - c0);
        }
    }
    (wall, cpu)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let events_path = std::env::var("EVENTS")
        .map_or_else(|_| root.join("target/events_200k.jsonl"), PathBuf::from);
    let rules_path = std::env::var("RULES").map_or_else(
        |_| root.join("tests/data/events-bench/events_rules.json"),
        PathBuf::from,
    );
    let passes: usize = std::env::var("PASSES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3);
    let only = std::env::var("BENCH_GROUPS").ok();
    let (Ok(data), Ok(rules_text)) = (
        std::fs::read(&events_path),
        std::fs::read_to_string(&rules_path),
    ) else {
        eprintln!(
            "groups bench: needs EVENTS ({}) and RULES ({}); skipped",
            events_path.display(),
            rules_path.display()
        );
        return;
    };
    let groups: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&rules_text).expect("rules file is a JSON object of groups");
    println!(
        "{:<28} {:>12} {:>12} {:>8}",
        "group", "wall ev/s", "cpu ev/s", "events"
    );
    // Calibration: the same machine's speed at merely validating the events with serde_json.
    let lines = data
        .split(|&c| c == b'\n')
        .filter(|l| !l.is_empty())
        .count() as f64;
    let calibrate = std::env::var("CALIBRATE").map_or(true, |v| v != "0");
    let (wall, cpu) = measure(if calibrate { passes } else { 0 }, || {
        for line in data.split(|&c| c == b'\n').filter(|l| !l.is_empty()) {
            let _: serde::de::IgnoredAny = serde_json::from_slice(line).expect("valid JSON");
        }
    });
    println!(
        "{:<28} {:>12.0} {:>12.0} {:>8}",
        "(serde_json validate only)",
        lines / wall,
        lines / cpu,
        lines
    );
    for (name, rules) in &groups {
        if let Some(only) = &only {
            if !only.split(',').any(|g| g == name) {
                continue;
            }
        }
        let rules = match parse_rules(&rules.to_string()) {
            Ok(r) => r,
            Err(e) => {
                println!("{name:<28} invalid rules: {e}");
                continue;
            }
        };
        let set = RuleSet::compile(&rules);
        let mut events = 0;
        let (wall, cpu) = measure(passes, || {
            events = set.count_jsonl(&data).expect("valid events").events;
        });
        let events = events as f64;
        println!(
            "{name:<28} {:>12.0} {:>12.0} {:>8}",
            events / wall,
            events / cpu,
            events
        );
    }
}
