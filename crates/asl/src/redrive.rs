//! Redrive (RedriveExecution): restart a Standard execution that failed, timed out or was
//! aborted, from where it stopped, keeping what succeeded.
//! https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html
//! https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html
//!
//! What AWS documents, and how it is done here:
//! - States that succeeded are not run again; the unsuccessful state is rescheduled. In an
//!   Inline Map or a Parallel only the iterations and branches that failed run again.
//!   Every state run of an attempt that exits successfully is kept as a checkpoint keyed by
//!   where it ran (its state and visit within its branch or iteration, and that branch's or
//!   iteration's own place); the next attempt starts from the beginning but passes every
//!   checkpointed state without running it (no events, no time, no mock call), applying its
//!   output, its transition and its Assign. So a succeeded branch or iteration is passed
//!   whole, and a failed one continues at the state that failed.
//! - The execution keeps its ARN, input and history; the new attempt appends an
//!   `ExecutionRedriven` event (`executionRedrivenEventDetails.redriveCount`) and its own
//!   events, numbered on from the previous ones. `$$.Execution.RedriveCount` counts redrives.
//! - The state machine's TimeoutSeconds starts again at the redrive.
//! - Only executions that did not succeed, within 14 days of their end, and never Express.
//!
//! Mocks: Step Functions Local has no RedriveExecution, so there is no reference behaviour.
//! A redriven attempt goes on through each mocked state's response sequence: its first call
//! gets the answer after the last one the previous attempts used, so a mock whose `"0"`
//! throws and `"1"` returns models a failure that a redrive gets past.

use crate::engine::Engine;
use crate::model::State;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// AWS: executions can be redriven for 14 days after they end.
pub const REDRIVE_WINDOW_SECONDS: f64 = 14.0 * 24.0 * 3600.0;

/// AWS: an execution can be redriven at most 1,000 times.
pub const MAX_REDRIVES: usize = 1000;

/// A state that exited successfully: what passing it again reproduces.
#[derive(Debug, Clone)]
pub(crate) struct Checkpoint {
    next: Option<usize>,
    output: Value,
    assigned: Option<Map<String, Value>>,
}

/// What one attempt leaves to the next.
#[derive(Debug, Clone, Default)]
pub(crate) struct Carry {
    /// Checkpoints by place (see [`Tracker::state_key`]).
    pub(crate) checkpoints: HashMap<String, Checkpoint>,
    /// Mock invocations used so far, by state name.
    pub(crate) mock_calls: HashMap<String, u64>,
}

/// One branch, iteration or the top level: its place and the visits of its states.
struct Frame {
    prefix: String,
    visits: HashMap<String, u32>,
}

/// Tracks where the engine is, so each state run has a stable key, and collects this
/// attempt's checkpoints.
pub(crate) struct Tracker {
    previous: HashMap<String, Checkpoint>,
    pub(crate) captured: HashMap<String, Checkpoint>,
    frames: Vec<Frame>,
    /// The states being run (outermost first), each with the number of branches or
    /// iterations it has started.
    running: Vec<(String, u32)>,
}

impl Tracker {
    pub(crate) fn new(previous: HashMap<String, Checkpoint>) -> Tracker {
        Tracker {
            previous,
            captured: HashMap::new(),
            frames: Vec::new(),
            running: Vec::new(),
        }
    }

    /// A branch, iteration or the top level starts.
    pub(crate) fn enter_frame(&mut self) {
        let prefix = match self.running.last_mut() {
            Some((key, children)) => {
                let p = format!("{key}[{children}]/");
                *children += 1;
                p
            }
            None => String::new(),
        };
        self.frames.push(Frame {
            prefix,
            visits: HashMap::new(),
        });
    }

    pub(crate) fn exit_frame(&mut self) {
        self.frames.pop();
    }

    /// A state starts: its key is its frame's place, its name and its visit number.
    fn state_key(&mut self, name: &str) -> String {
        let Some(frame) = self.frames.last_mut() else {
            return name.to_string();
        };
        let visit = frame.visits.entry(name.to_string()).or_insert(0);
        let key = format!("{}{name}#{visit}", frame.prefix);
        *visit += 1;
        key
    }
}

/// The result of passing a checkpointed state: its next state and output.
pub(crate) type Passed = (Option<usize>, Value);

/// A state's successful exit: its next state, output and assigned variables.
pub(crate) type Exit<'v> = (Option<usize>, &'v Value, Option<&'v Map<String, Value>>);

impl Engine<'_> {
    /// Before a state runs in a redrive-aware run: a checkpoint of the previous attempt
    /// passes it (Some), otherwise it is marked running (None) and must be closed with
    /// [`Engine::redrive_state_done`].
    pub(crate) fn redrive_state_start(&mut self, st: &State) -> Option<Passed> {
        let tracker = self.redrive.as_mut()?;
        let key = tracker.state_key(&st.name);
        if let Some(cp) = tracker.previous.get(&key).cloned() {
            tracker.captured.insert(key, cp.clone());
            if let Some(a) = &cp.assigned {
                // The values were accepted when the state first ran.
                let _ = crate::expr::vars::assign(a, &st.name);
            }
            return Some((cp.next, cp.output));
        }
        tracker.running.push((key, 0));
        None
    }

    /// After a state ran: a successful exit becomes a checkpoint.
    pub(crate) fn redrive_state_done(&mut self, succeeded: Option<Exit<'_>>) {
        let Some(tracker) = self.redrive.as_mut() else {
            return;
        };
        let Some((key, _)) = tracker.running.pop() else {
            return;
        };
        if let Some((next, output, assigned)) = succeeded {
            tracker.captured.insert(
                key,
                Checkpoint {
                    next,
                    output: output.clone(),
                    assigned: assigned.cloned(),
                },
            );
        }
    }

    /// Seed the mock invocation counters from the previous attempts.
    pub(crate) fn seed_mock_calls(&mut self, calls: &HashMap<String, u64>) {
        for (name, n) in calls {
            let slot = self.count_slot(name);
            self.counts[slot] = *n;
        }
    }

    /// Mock invocations used so far, by state name.
    pub(crate) fn mock_calls(&self) -> HashMap<String, u64> {
        self.mock_counters
            .iter()
            .map(|(name, slot)| (name.clone(), self.counts[*slot]))
            .collect()
    }
}

/// The `ExecutionRedriven` event's details.
pub(crate) fn redriven_details(redrive_count: u32) -> (&'static str, Value) {
    (
        "executionRedrivenEventDetails",
        json!({ "redriveCount": redrive_count }),
    )
}

/// Whether an outcome can be redriven, as RedriveExecution decides; the error otherwise
/// (`ExecutionNotRedrivable`, AWS's exception name).
pub(crate) fn check_redrivable(
    outcome: &crate::RunOutcome,
    express: bool,
    after_seconds: f64,
) -> Result<(), String> {
    let arn = outcome.execution_arn.clone().unwrap_or_default();
    if express {
        return Err(format!("ExecutionNotRedrivable: Execution '{arn}' is an EXPRESS execution; RedriveExecution is not supported by EXPRESS state machines"));
    }
    use crate::RunStatus::*;
    match outcome.status {
        Failed | TimedOut | Aborted => {}
        Invalid => {
            return Err("ExecutionDoesNotExist: the execution never started".into());
        }
        other => {
            return Err(format!(
                "ExecutionNotRedrivable: Execution '{arn}' is {other}; only a FAILED, TIMED_OUT or ABORTED execution can be redriven"
            ))
        }
    }
    if !(after_seconds.is_finite() && after_seconds >= 0.0) {
        return Err("seconds must be a non-negative number".into());
    }
    if after_seconds > REDRIVE_WINDOW_SECONDS {
        return Err(format!(
            "ExecutionNotRedrivable: Execution '{arn}' ended more than 14 days before the redrive"
        ));
    }
    Ok(())
}

/// One attempt's state going in (from the attempts before) and coming out.
#[derive(Default)]
pub(crate) struct Attempt {
    redrive_count: u32,
    carry: Carry,
    prior_history: Vec<Value>,
    prior_events: u64,
    /// The execution's ARN and `$$.Execution` object, kept across attempts.
    identity: Option<(String, Value)>,
}

impl Attempt {
    /// Before the engine runs: checkpoints, mock counters and, for a redrive, the
    /// execution's identity and history so far.
    pub(crate) fn prepare(&mut self, engine: &mut Engine) {
        engine.redrive = Some(Tracker::new(std::mem::take(&mut self.carry.checkpoints)));
        engine.seed_mock_calls(&self.carry.mock_calls);
        if self.redrive_count == 0 {
            return;
        }
        engine.redrive_count = self.redrive_count;
        engine
            .history
            .resume(std::mem::take(&mut self.prior_history), self.prior_events);
        if let Some((arn, mut execution)) = self.identity.clone() {
            engine.execution_arn = arn;
            if let Value::Object(e) = &mut execution {
                e.insert("RedriveCount".into(), json!(self.redrive_count));
            }
            if let Value::Object(c) = &mut engine.context {
                c.insert("Execution".into(), execution);
            }
        }
    }

    /// After the engine ran: what the next attempt needs.
    pub(crate) fn finish(&mut self, engine: &mut Engine, out: &mut crate::RunOutcome) {
        if let Some(t) = engine.redrive.take() {
            self.carry.checkpoints = t.captured;
        }
        self.carry.mock_calls = engine.mock_calls();
        self.prior_events = engine.history.count();
        if self.identity.is_none() {
            let execution = engine
                .context
                .get("Execution")
                .cloned()
                .unwrap_or(Value::Null);
            self.identity = Some((engine.execution_arn.clone(), execution));
        }
        out.redrive_count = self.redrive_count;
    }
}

/// Run a request, then redrive it once per entry of `redrives` (seconds after the previous
/// attempt ended). Deterministic, so [`crate::Execution`] replays it whole after every
/// callback or redrive. An attempt that cannot be redriven is an error.
pub(crate) fn run_with_redrives(
    request: &crate::RunRequest,
    redrives: &[f64],
) -> Result<crate::RunOutcome, String> {
    let (machine, input, options) = match crate::prepare(request) {
        Ok(x) => x,
        Err(d) => return Ok(crate::RunOutcome::invalid(d)),
    };
    if redrives.is_empty() {
        return Ok(machine.execute(input, &options));
    }
    let express = options.execution_type == crate::ExecutionType::Express;
    let mut attempt = Attempt::default();
    let mut out = machine.execute_attempt(input.clone(), &options, None, Some(&mut attempt));
    for (k, after) in redrives.iter().enumerate() {
        check_redrivable(&out, express, *after)?;
        if k >= MAX_REDRIVES {
            return Err(format!(
                "ExecutionNotRedrivable: the execution was already redriven {MAX_REDRIVES} times"
            ));
        }
        // AWS redrives only an execution whose history has room left (fewer than 24,999
        // events of the 25,000 quota).
        if attempt.prior_events + 1 >= options.max_history_events {
            return Err(format!(
                "ExecutionNotRedrivable: the execution's history has {} events, too close to the limit of {} to go on",
                attempt.prior_events, options.max_history_events
            ));
        }
        let stop = out
            .stop_time
            .as_deref()
            .and_then(crate::clock::parse_rfc3339)
            .unwrap_or(options.start_ms);
        let mut opts = options.clone();
        opts.start_ms = crate::clock::add_seconds(stop, *after);
        // Fresh task tokens and ids per attempt, so callbacks of one attempt never answer
        // another's tokens (the execution's own name and ARN are kept, see `prepare`).
        opts.seed = options
            .seed
            .wrapping_add((k as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        attempt.redrive_count = k as u32 + 1;
        attempt.prior_history = std::mem::take(&mut out.history);
        out = machine.execute_attempt(input.clone(), &opts, None, Some(&mut attempt));
        out.redrive_date = Some(crate::clock::format_ms(opts.start_ms));
    }
    Ok(out)
}
