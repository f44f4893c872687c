//! Throughput of the many-rules matcher on the shared benchmark (no criterion: this one
//! reports events per second per rule group, the figure issue 4 sets a target for).
//!
//! `EVENTS=/tmp/events_200k.jsonl RULES=.../events_rules.json cargo bench --bench groups`
//! Each group's best pass of `PASSES` (default 3) is reported, which filters out time the
//! process spent waiting for a shared CPU.

use std::time::Instant;
use stepbridge_events::matcher::{parse_rules, RuleSet};

fn main() {
    let events_path = std::env::var("EVENTS").unwrap_or_else(|_| "/tmp/events_200k.jsonl".into());
    let rules_path = std::env::var("RULES")
        .unwrap_or_else(|_| "/work/shared/bench/events/events_rules.json".into());
    let passes: usize = std::env::var("PASSES").ok().and_then(|p| p.parse().ok()).unwrap_or(3);
    let only = std::env::var("GROUPS").ok();
    let (Ok(data), Ok(rules_text)) = (std::fs::read(&events_path), std::fs::read_to_string(&rules_path)) else {
        eprintln!("groups bench: needs EVENTS ({events_path}) and RULES ({rules_path}); skipped");
        return;
    };
    let groups: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&rules_text).expect("rules file is a JSON object of groups");
    println!("{:<28} {:>12} {:>10}", "group", "events/s", "events");
    // Calibration: the same machine's speed at merely validating the events with serde_json.
    let mut best = f64::MAX;
    for _ in 0..passes {
        let t = Instant::now();
        for line in data.split(|&c| c == b'\n').filter(|l| !l.is_empty()) {
            let _: serde::de::IgnoredAny = serde_json::from_slice(line).expect("valid JSON");
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    let lines = data.split(|&c| c == b'\n').filter(|l| !l.is_empty()).count();
    println!("{:<28} {:>12.0} {:>10}", "(serde_json validate only)", lines as f64 / best, lines);
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
        let mut best = f64::MAX;
        let mut events = 0;
        for _ in 0..passes {
            let t = Instant::now();
            let counts = set.count_jsonl(&data).expect("valid events");
            best = best.min(t.elapsed().as_secs_f64());
            events = counts.events;
        }
        println!("{name:<28} {:>12.0} {:>10}", events as f64 / best, events);
    }
}
