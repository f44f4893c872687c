//! The five shared workloads (tests/data/asl-bench, see EXPECTED.md there): each run must
//! give the output whose canonical sha256 EXPECTED.md lists, then it is measured.
//!
//! Measured: `StateMachine::execute` with history recording off (the events are still
//! counted), the definition compiled once — the same span as the peer's in-process figure
//! (StateMachine.run to result). map10k's 10,000 inline iterations make ~80,000 history
//! events, which AWS would stop at 25,000; the bench raises the quota as the peer has none.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // benches, examples and tests stop loudly

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

/// The allocator the stepbridge CLI ships with (crates/cli), as in the bench_workloads
/// example. (benches/profile.rs keeps the system allocator.)
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::{Duration, Instant};

#[path = "../tests/common/workloads.rs"]
mod common;
use common::{load, sha256_hex, WORKLOADS};

/// CPU time of this thread in ns (Linux schedstat), None elsewhere.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn workloads(c: &mut Criterion) {
    let mut table = Vec::new();
    for w in &WORKLOADS {
        let (machine, input, options) = load(w);
        let outcome = machine.execute(input.clone(), &options);
        assert_eq!(
            outcome.status,
            stepbridge_asl::RunStatus::Succeeded,
            "{}: {:?} {:?}",
            w.name,
            outcome.error,
            outcome.cause
        );
        let got = sha256_hex(outcome.output.as_ref().expect("output"));
        assert_eq!(got, w.sha256, "{}: wrong output", w.name);
        // The input copy is setup, not run: the peer's figure starts at StateMachine.run(input).
        c.bench_function(w.name, |b| {
            b.iter_batched(
                || input.clone(),
                |i| machine.execute(i, &options),
                BatchSize::LargeInput,
            )
        });
        // Medians for the comparison table: wall time, and this thread's CPU time, which is
        // what to compare on a machine shared with other work.
        let mut wall = Vec::new();
        let mut cpu = Vec::new();
        for _ in 0..9 {
            let i = input.clone();
            let (t, c0) = (Instant::now(), thread_cpu_ns());
            let o = machine.execute(i, &options);
            let (d, c1) = (t.elapsed(), thread_cpu_ns());
            assert_eq!(o.status, stepbridge_asl::RunStatus::Succeeded);
            wall.push(d.as_secs_f64() * 1000.0);
            cpu.push(c0.zip(c1).map(|(a, b)| (b - a) as f64 / 1e6));
        }
        wall.sort_by(f64::total_cmp);
        let mut cpu: Vec<f64> = cpu.into_iter().flatten().collect();
        cpu.sort_by(f64::total_cmp);
        table.push((
            w.name,
            wall[wall.len() / 2],
            cpu.get(cpu.len() / 2).copied(),
            w.peer_ms,
        ));
    }
    println!("\nworkload   wall ms   cpu ms   peer ms   ratio(wall)   ratio(cpu)   [output sha256 verified]");
    for (name, wall, cpu, peer) in table {
        let cpu_ms = cpu.unwrap_or(f64::NAN);
        println!(
            "{name:<10} {wall:>7.2} {cpu_ms:>8.2} {peer:>9.0} {:>12.0}x {:>11.0}x",
            peer / wall,
            peer / cpu_ms
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = workloads
}
criterion_main!(benches);
