//! Profiling harness: runs one shared workload repeatedly so `perf record` sees the hot
//! paths, and prints the median CPU time. `cargo bench --bench profile -- NAME [RUNS]`.
//!
//! Instruction counts of the runs alone (repeatable on a shared machine):
//! `valgrind --tool=callgrind --toggle-collect='*StateMachine::execute*' target/release/deps/profile-* NAME 3`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // benches, examples and tests stop loudly

#[path = "../tests/common/workloads.rs"]
mod common;
use common::{load, sha256_hex, WORKLOADS};

fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let name = args.first().map(String::as_str).unwrap_or("payload");
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(20);
    let Some(w) = WORKLOADS.iter().find(|w| w.name == name) else {
        eprintln!("unknown workload {name}");
        std::process::exit(2);
    };
    let (machine, input, options) = load(w);
    let mut cpu = Vec::new();
    for run in 0..runs {
        let i = input.clone();
        let c0 = thread_cpu_ns();
        let o = machine.execute(i, &options);
        let c1 = thread_cpu_ns();
        // Checked once: hashing the output would otherwise dominate an instruction profile.
        if run == 0 {
            assert_eq!(sha256_hex(o.output.as_ref().expect("output")), w.sha256);
        }
        if let (Some(a), Some(b)) = (c0, c1) {
            cpu.push((b - a) as f64 / 1e6);
        }
    }
    cpu.sort_by(f64::total_cmp);
    if let Some(m) = cpu.get(cpu.len() / 2) {
        println!(
            "{name}: median cpu {m:.2} ms over {runs} runs (peer {} ms)",
            w.peer_ms
        );
    }
}
