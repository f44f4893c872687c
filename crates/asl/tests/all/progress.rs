//! Progress of a long run for the browser worker: `StateMachine::execute_observed` calls its
//! observer every `PROGRESS_EVERY` history events, and stops the run (ABORTED, with an
//! ExecutionAborted event as StopExecution records one) when the observer says so.

use stepbridge_asl::{prepare, RunRequest, RunStatus, PROGRESS_EVERY};

/// A counter loop: Check and Inc alternate 1,000 times (about 4,000 history events).
const LOOP: &str = r#"{
  "StartAt": "Init",
  "States": {
    "Init": {"Type": "Pass", "Result": {"i": 0}, "Next": "Check"},
    "Check": {"Type": "Choice",
      "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": 1000, "Next": "Done"}],
      "Default": "Inc"},
    "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}
  }
}"#;

fn request() -> RunRequest {
    RunRequest {
        definition: LOOP.into(),
        ..RunRequest::default()
    }
}

#[test]
fn observer_sees_the_run_every_few_hundred_events_and_changes_nothing() {
    let (machine, input, options) = prepare(&request()).unwrap();
    let plain = machine.execute(input.clone(), &options);
    let mut seen: Vec<(u64, String)> = Vec::new();
    let observed = machine.execute_observed(input, &options, &mut |p| {
        seen.push((p.events, p.state.to_string()));
        true
    });
    assert_eq!(observed.status, RunStatus::Succeeded);
    assert_eq!(observed.output, plain.output);
    assert_eq!(observed.history, plain.history);
    let total = plain.history.len() as u64;
    assert!(total > 3_000, "{total}");
    // One call per PROGRESS_EVERY events, each as a state is entered, at most one state's
    // events past the threshold.
    assert_eq!(seen.len() as u64, total / PROGRESS_EVERY, "{seen:?}");
    for (k, (events, state)) in seen.iter().enumerate() {
        let threshold = (k as u64 + 1) * PROGRESS_EVERY;
        assert!((threshold..threshold + 4).contains(events), "{seen:?}");
        assert!(
            ["Check", "Inc", "Done"].contains(&state.as_str()),
            "{state}"
        );
    }
}

#[test]
fn observer_returning_false_aborts_the_run() {
    let (machine, input, options) = prepare(&request()).unwrap();
    let mut calls = 0;
    let o = machine.execute_observed(input, &options, &mut |_| {
        calls += 1;
        calls < 2
    });
    assert_eq!(calls, 2);
    assert_eq!(o.status, RunStatus::Aborted);
    assert_eq!(o.status.as_str(), "ABORTED");
    assert!(o.output.is_none());
    let cause = o.cause.clone().unwrap();
    assert!(cause.contains("stopped by its observer"), "{cause}");
    let last = o.history.last().unwrap();
    assert_eq!(last["type"], "ExecutionAborted");
    assert_eq!(
        last["executionAbortedEventDetails"]["cause"],
        cause.as_str()
    );
    // Stopped at the second report: about 2 * PROGRESS_EVERY events, not the whole loop.
    let n = o.history.len() as u64;
    assert!(
        (2 * PROGRESS_EVERY..2 * PROGRESS_EVERY + 6).contains(&n),
        "{n}"
    );
    assert_eq!(
        serde_json::to_value(&o).unwrap()["status"],
        serde_json::json!("ABORTED")
    );
}

#[test]
fn status_names_are_the_serialised_ones() {
    use RunStatus::*;
    for (s, name) in [
        (Succeeded, "SUCCEEDED"),
        (Failed, "FAILED"),
        (TimedOut, "TIMED_OUT"),
        (Aborted, "ABORTED"),
        (WaitingForCallback, "WAITING_FOR_CALLBACK"),
        (Invalid, "INVALID"),
    ] {
        assert_eq!(s.as_str(), name);
        assert_eq!(s.to_string(), name);
        assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(name));
        assert_eq!(
            serde_json::from_value::<RunStatus>(serde_json::json!(name)).unwrap(),
            s
        );
    }
}
