//! Each shared benchmark workload gives the output whose sha256 EXPECTED.md lists
//! (correctness only; benches/workloads.rs measures speed).

use crate::workloads_common as common;
use common::{load, sha256_hex, WORKLOADS};

#[test]
fn every_workload_gives_the_expected_output() {
    for w in &WORKLOADS {
        let (machine, input, options) = load(w);
        let outcome = machine.execute(input, &options);
        assert_eq!(
            outcome.status,
            stepbridge_asl::RunStatus::Succeeded,
            "{}: {:?} {:?}",
            w.name,
            outcome.error,
            outcome.cause
        );
        let output = outcome.output.as_ref().expect("output");
        assert_eq!(sha256_hex(output), w.sha256, "{}: wrong output", w.name);
    }
}

#[test]
fn map10k_inline_hits_the_aws_history_quota_by_default() {
    // 10,000 inline iterations make ~80,000 events; AWS stops an execution at 25,000
    // (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
    let (machine, input, mut options) = load(&WORKLOADS[0]);
    options.max_history_events = 25_000;
    let outcome = machine.execute(input, &options);
    assert_eq!(outcome.status, stepbridge_asl::RunStatus::Failed);
    assert_eq!(outcome.error.as_deref(), Some("States.Runtime"));
    assert!(
        outcome.cause.as_deref().unwrap_or("").contains("25000"),
        "{:?}",
        outcome.cause
    );
}
