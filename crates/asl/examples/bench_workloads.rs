//! In-process timings of the five shared workloads (tests/data/asl-bench), for
//! scripts/bench-asl.py: `StateMachine::execute` with the definition compiled once (the span
//! of the peer's `StateMachine.run`), each output checked against EXPECTED.md's sha256, the
//! median of `--runs` (default 5) after a warm-up of at least one run and 0.5 s (as
//! scripts/bench-asl-node.mjs does for the peer and the wasm facade). One JSON line per workload:
//! `{"bench": {"name": "map10k", "ms": 12.3, "min_ms": 11.9, "cpu_ms": 12.1, "ok": true}}`
//! (cpu_ms: this thread's CPU time, Linux only, for comparisons on a busy machine).
//!
//! `cargo run --release -p stepbridge-asl --example bench_workloads -- [--runs N] [NAME...]`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // benches, examples and tests stop loudly

#[path = "../tests/common/workloads.rs"]
mod common;
use common::{load, sha256_hex, WORKLOADS};
use std::time::Instant;

/// The allocator the stepbridge CLI ships with (crates/cli), so in-process and whole-process
/// figures describe the same build.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of this thread in ms (a per-thread CPU clock: under load, wall-clock time
/// measures the other processes too). `cpu-time` keeps the FFI call out of this crate.
fn thread_cpu_ms() -> Option<f64> {
    cpu_time::ThreadTime::try_now()
        .ok()
        .map(|t| t.as_duration().as_secs_f64() * 1e3)
}

fn main() {
    let mut runs = 5usize;
    let mut names = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(runs),
            "--bench" => {}
            other => names.push(other.to_string()),
        }
    }
    let mut failed = false;
    for w in &WORKLOADS {
        if !names.is_empty() && !names.iter().any(|n| n == w.name) {
            continue;
        }
        let (machine, input, options) = load(w);
        // Warm-up as on the Node side: at least one run and at least 0.5 s.
        let started = Instant::now();
        let warm = machine.execute(input.clone(), &options);
        while started.elapsed().as_secs_f64() < 0.5 {
            drop(machine.execute(input.clone(), &options));
        }
        let ok = warm.status == stepbridge_asl::RunStatus::Succeeded
            && warm.output.as_ref().map(sha256_hex).as_deref() == Some(w.sha256);
        failed |= !ok;
        let mut ms = Vec::with_capacity(runs);
        let mut cpu = Vec::with_capacity(runs);
        for _ in 0..runs.max(1) {
            // The input copy is setup: the peer's figure starts at StateMachine.run(input).
            let i = input.clone();
            let (t, c) = (Instant::now(), thread_cpu_ms());
            let o = machine.execute(i, &options);
            let (d, c1) = (t.elapsed(), thread_cpu_ms());
            ms.push(d.as_secs_f64() * 1000.0);
            if let (Some(a), Some(b)) = (c, c1) {
                cpu.push(b - a);
            }
            drop(o);
        }
        ms.sort_by(f64::total_cmp);
        cpu.sort_by(f64::total_cmp);
        println!(
            "{}",
            serde_json::json!({"bench": {"name": w.name, "ms": ms[ms.len() / 2], "min_ms": ms[0],
                "cpu_ms": cpu.get(cpu.len() / 2), "ok": ok}})
        );
    }
    std::process::exit(i32::from(failed));
}
