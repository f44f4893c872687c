//! The executor: walks a compiled [`Machine`] on the virtual clock.
//!
//! Parallel branches and Map iterations run one after another in this thread, but each
//! starts at the virtual time it would start at in AWS (branches together; iterations as
//! MaxConcurrency slots free up), so timestamps and timeouts match a concurrent run while the
//! result stays deterministic. A `.waitForTaskToken` task without a mock pauses the run; the
//! [`crate::execution::Execution`] API resumes it by replaying the run with the callbacks
//! received so far, which is exact because the run is deterministic.
//!
//! Data flow per state follows "Processing input and output in Step Functions"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html):
//! InputPath → Parameters → task → ResultSelector → ResultPath → OutputPath.

use crate::clock;
use crate::error::StatesError;
use crate::expr::size::{Bound, UNKNOWN};
use crate::expr::vars;
use crate::history::{self, History};
use crate::mock::{Responses, TestCase};
use crate::model::*;
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

pub(crate) mod dataflow;
pub(crate) mod jsonata;
pub(crate) mod retry;

use crate::engine::dataflow::*;

/// Hasher for addresses: one multiply (addresses are distinct and well spread already).
#[derive(Default)]
pub(crate) struct PtrHasher(u64);

impl Hasher for PtrHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(5) ^ n as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// AWS's payload quota: 256 KiB of UTF-8 JSON per state input/output.
pub const PAYLOAD_LIMIT: usize = 256 * 1024;
/// AWS's history quota for one execution.
pub const DEFAULT_MAX_EVENTS: u64 = 25_000;
/// AWS's longest Standard execution, one year: "If an execution runs for more than the
/// 1-year maximum, it will fail with a States.Timeout error"
/// (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). A year of
/// 365 days, in seconds.
pub const MAX_EXECUTION_SECONDS: f64 = 365.0 * 24.0 * 3600.0;
/// The cause of a run that met the one-year limit rather than its own TimeoutSeconds.
pub const YEAR_TIMEOUT_CAUSE: &str =
    "The execution ran longer than the maximum execution time of a Standard workflow (1 year)";
/// The cause of a run that met its state machine's TimeoutSeconds.
pub const TIMEOUT_CAUSE: &str = "The execution ran longer than the state machine's TimeoutSeconds";

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";

/// A callback received for a task token (SendTaskSuccess/Failure/Heartbeat), or time passing
/// while the execution waits. `at` is seconds since the token was issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Callback {
    pub token: String,
    #[serde(flatten)]
    pub kind: CallbackKind,
    #[serde(default)]
    pub at: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum CallbackKind {
    Success {
        output: Value,
    },
    Failure {
        error: String,
        cause: String,
    },
    Heartbeat,
    /// Time passes without an answer (lets TimeoutSeconds/HeartbeatSeconds fire).
    Tick,
}

/// A token the execution waits on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingToken {
    pub token: String,
    pub state: String,
    /// Seconds since the token was issued, as far as the callbacks so far tell.
    pub waited: f64,
}

/// Why a state could not complete normally.
#[derive(Debug)]
pub(crate) enum Stop {
    /// A States error: goes through Retry and Catch.
    Error(StatesError),
    /// Ends the whole execution, bypassing Retry/Catch.
    Halt(Halt),
}

#[derive(Debug)]
pub(crate) enum Halt {
    Failed(StatesError),
    TimedOut,
    Paused,
    /// The run's observer asked to stop, at this many history events.
    Aborted(u64),
    /// The run used its work budget (see [`crate::expr::budget`]); the cause names it.
    BudgetMet(String),
}

impl From<StatesError> for Stop {
    fn from(e: StatesError) -> Self {
        Stop::Error(e)
    }
}

pub(crate) type Flow<T> = Result<T, Stop>;

/// Per-state inspection data, like TestState's DEBUG inspection level.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    pub(crate) input: Option<Value>,
    pub(crate) after_input_path: Option<Value>,
    pub(crate) after_parameters: Option<Value>,
    pub(crate) after_arguments: Option<Value>,
    pub(crate) result: Option<Value>,
    pub(crate) after_result_selector: Option<Value>,
    pub(crate) after_result_path: Option<Value>,
    pub(crate) output: Option<Value>,
    pub(crate) error: Option<StatesError>,
    pub(crate) unmocked: bool,
    pub(crate) retries: u64,
    /// Id of the state's StateEntered event (JSONata error messages cite it).
    pub(crate) entered_id: u64,
}

/// How an execution ended.
pub(crate) enum End {
    Succeeded(Value),
    Failed(StatesError),
    TimedOut,
    Paused,
    /// Stopped by the run's observer, at this many history events.
    Aborted(u64),
    /// Stopped by the work budget, with the cause naming it.
    BudgetMet(String),
}

/// The cause of a run its observer stopped.
pub(crate) fn aborted_cause(events: u64) -> String {
    format!("The run was stopped by its observer after {events} history events")
}

pub(crate) struct Settings<'a> {
    pub mocks: Option<&'a TestCase>,
    pub seed: u64,
    pub start_ms: i64,
    pub record: bool,
    pub max_events: u64,
    pub callbacks: &'a [Callback],
    pub state_machine_name: String,
    pub payload_limit: usize,
    /// Put the execution input into `$$.Execution.Input` (skipped when nothing reads it).
    pub context_input: bool,
    /// Keep `$$.State` up to date (skipped when nothing reads the context).
    pub context_state: bool,
}

pub(crate) struct Engine<'a> {
    pub(crate) payload_limit: usize,
    pub(crate) context_state: bool,
    pub(crate) mocks: Option<&'a TestCase>,
    /// Invocation counts of mocked states, by state name (see `next_invocation`).
    pub(crate) mock_counters: HashMap<String, usize>,
    pub(crate) counts: Vec<u64>,
    /// Per Task state (by address; states live as long as the machine): its mocked answers
    /// and its slot in `counts`, so a call hashes a pointer, not the state's name, twice.
    pub(crate) mock_slots:
        HashMap<usize, (Option<&'a Responses>, usize), BuildHasherDefault<PtrHasher>>,
    pub(crate) rng: Rng,
    pub(crate) now: i64,
    pub(crate) deadline: Option<i64>,
    /// Whether `deadline` is the one-year quota rather than the machine's TimeoutSeconds.
    pub(crate) deadline_is_quota: bool,
    pub(crate) history: History,
    pub(crate) record: bool,
    /// Non-zero while running a Distributed Map's child executions, whose events AWS keeps
    /// out of the parent's history.
    pub(crate) detached: u32,
    pub(crate) traces: Vec<Value>,
    /// Payload bytes kept in `traces` (bounded like the history's, see
    /// [`crate::history::MAX_HISTORY_DATA`]).
    pub(crate) trace_data: usize,
    pub(crate) context: Value,
    pub(crate) entered_cache: (i64, String),
    pub(crate) callbacks: &'a [Callback],
    pub(crate) pending: Vec<PendingToken>,
    pub(crate) unmocked: Vec<String>,
    pub(crate) execution_arn: String,
    pub(crate) state_machine_arn: String,
    /// Whether the definition has any Assign; without one no variable can exist and Map
    /// iterations and Parallel branches need no scopes of their own.
    pub(crate) vars_on: bool,
    /// Values the current state's Assign produced, applied once its output is known.
    pub(crate) assigned: Option<Map<String, Value>>,
    /// The history event count at which the observer is called next (`u64::MAX`: none, so
    /// the hot path pays one comparison per state).
    pub(crate) next_progress: u64,
    pub(crate) observer: Option<&'a mut dyn FnMut(crate::Progress<'_>) -> bool>,
    /// An Express execution whose deadline is the five-minute limit (see [`crate::express`]).
    pub(crate) express_limit: bool,
    /// Checkpoints for redrive (see [`crate::redrive`]); None in an ordinary run.
    pub(crate) redrive: Option<crate::redrive::Tracker>,
    /// Redrives so far: non-zero in a redriven attempt.
    pub(crate) redrive_count: u32,
}

impl<'a> Engine<'a> {
    pub(crate) fn new(settings: &Settings<'a>, machine: &Machine, input: &Value) -> Engine<'a> {
        let mut rng = Rng::new(settings.seed);
        let exec_name = hex_id(&mut rng);
        let sm = &settings.state_machine_name;
        let state_machine_arn = format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{sm}");
        let execution_arn = format!("arn:aws:states:{REGION}:{ACCOUNT}:execution:{sm}:{exec_name}");
        let start = clock::format_ms(settings.start_ms);
        let year = clock::add_seconds(settings.start_ms, MAX_EXECUTION_SECONDS);
        let own = machine
            .timeout_seconds
            .map(|t| clock::add_seconds(settings.start_ms, t as f64));
        let (deadline, deadline_is_quota) = match own {
            Some(d) if d <= year => (d, false),
            _ => (year, true),
        };
        let context = json!({
            "Execution": {
                "Id": execution_arn,
                "Input": if settings.context_input { input.clone() } else { Value::Null },
                "Name": exec_name,
                "RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/StepFunctions-{sm}-role"),
                "StartTime": start,
                "RedriveCount": 0
            },
            "State": {"EnteredTime": start, "Name": "", "RetryCount": 0},
            "StateMachine": {"Id": state_machine_arn, "Name": sm}
        });
        Engine {
            payload_limit: settings.payload_limit,
            context_state: settings.context_state,
            mocks: settings.mocks,
            mock_counters: HashMap::new(),
            counts: Vec::new(),
            mock_slots: HashMap::default(),
            rng,
            now: settings.start_ms,
            deadline: Some(deadline),
            deadline_is_quota,
            history: History::new(settings.record, settings.max_events),
            record: settings.record,
            detached: 0,
            traces: Vec::new(),
            trace_data: 0,
            context,
            entered_cache: (settings.start_ms, start),
            callbacks: settings.callbacks,
            pending: Vec::new(),
            unmocked: Vec::new(),
            execution_arn,
            state_machine_arn,
            vars_on: machine.assigns,
            assigned: None,
            next_progress: u64::MAX,
            observer: None,
            express_limit: false,
            redrive: None,
            redrive_count: 0,
        }
    }

    /// The 0-based invocation number of a mocked state, counting every call (retries too).
    pub(crate) fn next_invocation(&mut self, state: &str) -> u64 {
        let slot = self.count_slot(state);
        self.next_in_slot(slot)
    }

    pub(crate) fn count_slot(&mut self, state: &str) -> usize {
        match self.mock_counters.get(state) {
            Some(slot) => *slot,
            None => {
                self.counts.push(0);
                self.mock_counters
                    .insert(state.to_string(), self.counts.len() - 1);
                self.counts.len() - 1
            }
        }
    }

    pub(crate) fn next_in_slot(&mut self, slot: usize) -> u64 {
        let n = &mut self.counts[slot];
        *n += 1;
        *n - 1
    }

    /// A state's mocked answers and invocation-count slot.
    pub(crate) fn mock_slot(&mut self, st: &State) -> (Option<&'a Responses>, usize) {
        let key = st as *const State as usize;
        if let Some(found) = self.mock_slots.get(&key) {
            return *found;
        }
        let responses = self.mocks.and_then(|m| m.states.get(&st.name));
        let slot = self.count_slot(&st.name);
        self.mock_slots.insert(key, (responses, slot));
        (responses, slot)
    }

    /// Whether per-state inspection data (payload copies) are still kept: recording is on and
    /// they are within the history's payload budget ([`crate::history::MAX_HISTORY_DATA`]).
    pub(crate) fn inspecting(&self) -> bool {
        self.record && self.trace_data < crate::history::MAX_HISTORY_DATA
    }

    /// Why a run that timed out did: its TimeoutSeconds or AWS's one-year limit.
    pub(crate) fn timeout_cause(&self) -> &'static str {
        if self.deadline_is_quota {
            YEAR_TIMEOUT_CAUSE
        } else {
            TIMEOUT_CAUSE
        }
    }

    pub(crate) fn now(&self) -> i64 {
        self.now
    }

    pub(crate) fn event(
        &mut self,
        ty: &str,
        details: Option<(&'static str, Value)>,
    ) -> Result<(), Stop> {
        if self.detached > 0 {
            return Ok(());
        }
        self.history
            .push(ty, self.now, details)
            .map_err(|e| Stop::Halt(Halt::Failed(e)))
    }

    /// Cheap event recording: the details are only built when history is recorded.
    pub(crate) fn event_with(
        &mut self,
        ty: &str,
        details: impl FnOnce() -> (&'static str, Value),
    ) -> Result<(), Stop> {
        if self.detached > 0 {
            return Ok(());
        }
        let d = if self.record { Some(details()) } else { None };
        self.history
            .push(ty, self.now, d)
            .map_err(|e| Stop::Halt(Halt::Failed(e)))
    }

    pub(crate) fn check_deadline(&mut self) -> Result<(), Stop> {
        if let Some(d) = self.deadline {
            if self.now > d {
                self.now = d;
                return Err(Stop::Halt(Halt::TimedOut));
            }
        }
        Ok(())
    }

    /// Move the clock forward, stopping at the execution deadline.
    pub(crate) fn advance(&mut self, seconds: f64) -> Result<(), Stop> {
        self.now = clock::add_seconds(self.now, seconds);
        self.check_deadline()
    }

    pub(crate) fn set_state_context(&mut self, name: &str, retry_count: u64) {
        if !self.context_state {
            return;
        }
        if self.entered_cache.0 != self.now {
            self.entered_cache = (self.now, clock::format_ms(self.now));
        }
        if let Some(Value::Object(st)) = self.context.get_mut("State") {
            if let Some(v) = st.get_mut("EnteredTime") {
                if v.as_str() != Some(self.entered_cache.1.as_str()) {
                    *v = Value::String(self.entered_cache.1.clone());
                }
            }
            if let Some(v) = st.get_mut("Name") {
                if v.as_str() != Some(name) {
                    *v = Value::String(name.to_string());
                }
            }
            if let Some(v) = st.get_mut("RetryCount") {
                *v = Value::from(retry_count);
            }
        }
    }

    /// Run a machine (root, branch or iteration) from StartAt to its end.
    pub(crate) fn run_machine(
        &mut self,
        m: &Machine,
        input: Value,
        bound: Bound,
        depth: usize,
    ) -> Flow<(Value, Bound)> {
        if let Some(t) = self.redrive.as_mut() {
            t.enter_frame();
        }
        let r = self.run_machine_inner(m, input, bound, depth);
        if let Some(t) = self.redrive.as_mut() {
            t.exit_frame();
        }
        r
    }

    fn run_machine_inner(
        &mut self,
        m: &Machine,
        mut input: Value,
        mut bound: Bound,
        depth: usize,
    ) -> Flow<(Value, Bound)> {
        if depth > MAX_NESTING {
            return Err(Stop::Error(StatesError::runtime(format!(
                "Parallel/Map states are nested deeper than {MAX_NESTING} levels"
            ))));
        }
        let mut cur = m.start_at;
        loop {
            let Some(st) = m.states.get(cur) else {
                return Err(Stop::Error(StatesError::runtime(
                    "Transition to a missing state",
                )));
            };
            self.check_deadline()?;
            let (next, output, out_bound) = self.run_state(st, input, bound, depth)?;
            match next {
                Some(n) => {
                    cur = n;
                    input = output;
                    bound = out_bound;
                }
                None => return Ok((output, out_bound)),
            }
        }
    }

    pub(crate) fn entered(&mut self, st: &State, input: &Value) -> Result<(), Stop> {
        let ty = st.type_name();
        let name = &st.name;
        let record = self.record;
        // Past the history's payload budget the text is not even built (see `History`).
        let full = self.history.payloads_full();
        self.event_with(history::entered(ty), || {
            (
                "stateEnteredEventDetails",
                if record && full {
                    json!({"name": name, "input": "", "inputDetails": {"truncated": true}})
                } else if record {
                    json!({"name": name, "input": history::text(input), "inputDetails": {"truncated": false}})
                } else {
                    Value::Null
                },
            )
        })?;
        if self.history.count() >= self.next_progress {
            return self.progress(&st.name);
        }
        Ok(())
    }

    /// Report progress to the run's observer (see [`crate::StateMachine::execute_observed`]).
    /// Out of line: with no observer `next_progress` is `u64::MAX` and this never runs.
    #[cold]
    #[inline(never)]
    fn progress(&mut self, state: &str) -> Result<(), Stop> {
        let events = self.history.count();
        self.next_progress = events.saturating_add(crate::PROGRESS_EVERY);
        let go_on = match self.observer.as_mut() {
            Some(observer) => observer(crate::Progress { events, state }),
            None => true,
        };
        if go_on {
            Ok(())
        } else {
            Err(Stop::Halt(Halt::Aborted(events)))
        }
    }

    /// Attach an observer that is told the progress of the run every
    /// [`crate::PROGRESS_EVERY`] history events.
    pub(crate) fn observe(&mut self, observer: &'a mut dyn FnMut(crate::Progress<'_>) -> bool) {
        self.observer = Some(observer);
        self.next_progress = crate::PROGRESS_EVERY;
    }

    /// StateExited, with the variables the state assigned as JSON text (AWS's
    /// `assignedVariables`).
    pub(crate) fn exited(
        &mut self,
        st: &State,
        output: &Value,
        assigned: Option<&Map<String, Value>>,
    ) -> Result<(), Stop> {
        let name = &st.name;
        let full = self.history.payloads_full();
        self.event_with(history::exited(st.type_name()), || {
            let mut d = if full {
                json!({"name": name, "output": "", "outputDetails": {"truncated": true}})
            } else {
                json!({"name": name, "output": history::text(output), "outputDetails": {"truncated": false}})
            };
            if let (Some(a), Value::Object(m)) = (assigned, &mut d) {
                let texts: Map<String, Value> = a
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(history::text(v))))
                    .collect();
                m.insert("assignedVariables".into(), Value::Object(texts));
                m.insert(
                    "assignedVariablesDetails".into(),
                    json!({"truncated": false}),
                );
            }
            ("stateExitedEventDetails", d)
        })
    }

    /// Taken by reference: moving the (large) trace for a run that records nothing would
    /// cost a copy per state.
    pub(crate) fn push_trace(&mut self, st: &State, entered_at: i64, t: &mut Trace) {
        if !self.record || self.detached > 0 {
            return;
        }
        let t = std::mem::take(t);
        let mut o = Map::new();
        o.insert("name".into(), json!(st.name));
        o.insert("type".into(), json!(st.type_name()));
        o.insert("enteredTime".into(), json!(clock::format_ms(entered_at)));
        let fields = [
            ("input", t.input),
            ("afterInputPath", t.after_input_path),
            ("afterParameters", t.after_parameters),
            ("afterArguments", t.after_arguments),
            ("result", t.result),
            ("afterResultSelector", t.after_result_selector),
            ("afterResultPath", t.after_result_path),
            ("output", t.output),
        ];
        let mut truncated = false;
        for (k, v) in fields {
            if let Some(v) = v {
                // The inspection data have a budget as large as the history's payload text,
                // counted in the memory the copies take.
                let left = crate::history::MAX_HISTORY_DATA.saturating_sub(self.trace_data);
                let size = crate::expr::size::copy_size(&v, left);
                if size > left {
                    truncated = true;
                    continue;
                }
                self.trace_data += size;
                o.insert(k.into(), v);
            }
        }
        if truncated {
            // Full: later states keep no payloads (and skip copying them, see `inspecting`).
            self.trace_data = crate::history::MAX_HISTORY_DATA;
        }
        if truncated || !self.inspecting() {
            o.insert("truncated".into(), json!(true));
        }
        if let Some(e) = t.error {
            if !e.error.is_empty() {
                o.insert("error".into(), json!(e.error));
            }
            o.insert("cause".into(), json!(e.cause));
        }
        if t.unmocked {
            o.insert("unmocked".into(), json!(true));
        }
        if t.retries > 0 {
            o.insert("retryCount".into(), json!(t.retries));
        }
        // The variables visible after the state's Assign (applied before the trace is kept).
        if self.vars_on && vars::any_visible() {
            o.insert("variables".into(), Value::Object(vars::visible()));
        }
        self.traces.push(Value::Object(o));
    }

    /// One state: returns the next state's index (None at an end) and the output.
    pub(crate) fn run_state(
        &mut self,
        st: &State,
        raw: Value,
        rb: Bound,
        depth: usize,
    ) -> Flow<(Option<usize>, Value, Bound)> {
        if self.redrive.is_none() {
            return self.run_state_inner(st, raw, rb, depth, &mut None);
        }
        if let Some((next, output)) = self.redrive_state_start(st) {
            return Ok((next, output, UNKNOWN));
        }
        let mut assigned = None;
        let r = self.run_state_inner(st, raw, rb, depth, &mut assigned);
        match &r {
            Ok((next, output, _)) => {
                self.redrive_state_done(Some((*next, output, assigned.as_ref())))
            }
            Err(_) => self.redrive_state_done(None),
        }
        r
    }

    /// `kept_assign`: in a redrive-aware run, receives what the state assigned.
    fn run_state_inner(
        &mut self,
        st: &State,
        raw: Value,
        rb: Bound,
        depth: usize,
        kept_assign: &mut Option<Map<String, Value>>,
    ) -> Flow<(Option<usize>, Value, Bound)> {
        let entered_at = self.now;
        crate::expr::budget::charge(1);
        self.set_state_context(&st.name, 0);
        self.entered(st, &raw)?;
        let mut trace = Trace {
            entered_id: self.history.count(),
            ..Trace::default()
        };
        if self.inspecting() {
            trace.input = Some(raw.clone());
        }
        let mut outcome = if st.jsonata {
            self.run_jsonata(st, raw, rb, depth, &mut trace)
        } else {
            match &st.kind {
                Kind::Pass { result } => self.run_pass(st, result.as_ref(), raw, rb, &mut trace),
                Kind::Choice { choices, default } => {
                    self.run_choice(st, choices, *default, raw, rb, &mut trace)
                }
                Kind::Wait(spec) => self.run_wait(st, spec, raw, rb, &mut trace),
                Kind::Succeed => self
                    .run_succeed(st, raw, rb, &mut trace)
                    .map(|(v, b)| (None, v, b)),
                Kind::Fail(spec) => {
                    Err(Stop::Error(self.run_fail(spec, &raw, trace.entered_id, st)))
                }
                Kind::Task(_) | Kind::Parallel { .. } | Kind::Map(_) => {
                    self.run_with_retry(st, raw, rb, depth, &mut trace)
                }
            }
        };
        // The work budget ends the whole run (no Retry or Catch applies), naming the state.
        if crate::expr::budget::exhausted() && !matches!(outcome, Err(Stop::Halt(_))) {
            outcome = Err(Stop::Halt(Halt::BudgetMet(
                crate::expr::budget::exhausted_cause(&st.name),
            )));
        }
        // Variables: what the state assigned takes effect now that its output is known.
        // (Without any Assign in the definition nothing is ever pending.)
        let mut assigned = None;
        if self.vars_on {
            if let Some(a) = self.assigned.take() {
                if outcome.is_ok() {
                    match vars::assign(&a, &st.name) {
                        Ok(()) => assigned = Some(a),
                        Err(e) => outcome = Err(Stop::Error(e)),
                    }
                }
            }
        }
        match outcome {
            Ok((next, output, out_bound)) => {
                let next = match (next, &st.transition) {
                    (Some(n), _) => Some(n),
                    (None, Transition::Next(n)) if !matches!(st.kind, Kind::Succeed) => Some(*n),
                    _ => None,
                };
                self.exited(st, &output, assigned.as_ref())?;
                if self.redrive.is_some() {
                    *kept_assign = assigned;
                }
                if self.inspecting() {
                    trace.output = Some(output.clone());
                }
                self.push_trace(st, entered_at, &mut trace);
                Ok((next, output, out_bound))
            }
            Err(Stop::Error(e)) => {
                let e = state_error(st, trace.entered_id, e);
                if !matches!(
                    st.kind,
                    Kind::Task(_) | Kind::Parallel { .. } | Kind::Map(_)
                ) {
                    // (Task, Parallel and Map report theirs as they happen, before Retry.)
                    self.eval_failed(st, trace.entered_id, &e)?;
                }
                trace.error = Some(e.clone());
                self.push_trace(st, entered_at, &mut trace);
                Err(Stop::Error(e))
            }
            Err(other) => {
                self.push_trace(st, entered_at, &mut trace);
                Err(other)
            }
        }
    }
}

/// AWS starts the cause of a runtime error a state raises while it runs with the state's
/// name and the id of its StateEntered event:
/// `An error occurred while executing the state 'S' (entered at the event id #2). ` and then
/// the detail (issue 14, recorded from AWS; "Error names",
/// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
/// A Fail state's error is the definition's own, and an error passing up from a Parallel
/// branch or Map iteration already names the state that raised it.
pub(crate) fn state_error(st: &State, entered_id: u64, mut e: StatesError) -> StatesError {
    if e.error == "States.Runtime"
        && !matches!(st.kind, Kind::Fail(_))
        && !e
            .cause
            .starts_with("An error occurred while executing the state '")
    {
        e.cause = format!(
            "{} {}",
            crate::expr::query::cause_prefix(&st.name, entered_id),
            e.cause
        );
    }
    e
}

/// The cause of an execution's time-out: the definition's TimeoutSeconds, or for Express
/// the five-minute limit when that came first.
pub(crate) fn timeout_cause(engine: &Engine) -> &'static str {
    if engine.express_limit {
        crate::express::EXPRESS_TIMEOUT_CAUSE
    } else {
        engine.timeout_cause()
    }
}

/// Run a whole execution.
pub(crate) fn execute(engine: &mut Engine, machine: &Machine, input: Value) -> End {
    let record = engine.record;
    let input_text = if record {
        history::text(&input)
    } else {
        String::new()
    };
    let role = engine
        .context
        .pointer("/Execution/RoleArn")
        .cloned()
        .unwrap_or(Value::Null);
    let started = if engine.redrive_count > 0 {
        let count = engine.redrive_count;
        engine.event_with("ExecutionRedriven", || {
            crate::redrive::redriven_details(count)
        })
    } else {
        engine.event_with("ExecutionStarted", || {
            (
                "executionStartedEventDetails",
                json!({"input": input_text, "inputDetails": {"truncated": false}, "roleArn": role}),
            )
        })
    };
    let result = match started {
        Err(e) => Err(e),
        Ok(()) => match check_size(engine.payload_limit, &input, UNKNOWN, "execution input", "") {
            Err(e) => Err(Stop::Error(e)),
            Ok(bound) => engine.run_machine(machine, input, bound, 0).map(|(v, _)| v),
        },
    };
    // The closing event is always recorded, even past the history limit, so a failed run
    // still says why it ended.
    engine.history.allow_final();
    match result {
        Ok(out) => {
            let _ = engine.event_with("ExecutionSucceeded", || {
                (
                    "executionSucceededEventDetails",
                    json!({"output": history::text(&out), "outputDetails": {"truncated": false}}),
                )
            });
            End::Succeeded(out)
        }
        Err(Stop::Error(e)) | Err(Stop::Halt(Halt::Failed(e))) => {
            let (err, cause) = (e.error.clone(), e.cause.clone());
            let _ = engine.event_with("ExecutionFailed", || {
                (
                    "executionFailedEventDetails",
                    history::failure_details(&err, &cause, &[]),
                )
            });
            End::Failed(e)
        }
        Err(Stop::Halt(Halt::TimedOut)) => {
            let cause = timeout_cause(engine);
            let _ = engine.event_with("ExecutionTimedOut", || {
                (
                    "executionTimedOutEventDetails",
                    json!({"error": "States.Timeout", "cause": cause}),
                )
            });
            End::TimedOut
        }
        Err(Stop::Halt(Halt::Paused)) => End::Paused,
        Err(Stop::Halt(Halt::Aborted(events))) => {
            let cause = aborted_cause(events);
            let _ = engine.event_with("ExecutionAborted", || {
                ("executionAbortedEventDetails", json!({"cause": cause}))
            });
            End::Aborted(events)
        }
        Err(Stop::Halt(Halt::BudgetMet(cause))) => {
            let text = cause.clone();
            let _ = engine.event_with("ExecutionAborted", || {
                ("executionAbortedEventDetails", json!({"cause": text}))
            });
            End::BudgetMet(cause)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::retry::error_matches;
    use crate::expr::size::json_size;

    #[test]
    fn sizes_match_serde() {
        let v = json!({"a": [1, -20, 3.5, null, true, false], "b\"": "x\ny\u{1}é", "c": {}});
        assert_eq!(
            json_size(&v, usize::MAX),
            serde_json::to_string(&v).unwrap_or_default().len()
        );
    }

    #[test]
    fn error_matching_rules() {
        let all = vec!["States.ALL".to_string()];
        assert!(error_matches(&all, "MyError"));
        assert!(!error_matches(&all, "States.Runtime"));
        assert!(error_matches(&all, "States.DataLimitExceeded"));
        assert!(error_matches(
            &["States.DataLimitExceeded".to_string()],
            "States.DataLimitExceeded"
        ));
        let tf = vec!["States.TaskFailed".to_string()];
        assert!(error_matches(&tf, "Lambda.Unknown"));
        assert!(!error_matches(&tf, "States.Timeout"));
        assert!(error_matches(
            &["States.Timeout".to_string()],
            "States.HeartbeatTimeout"
        ));
    }
}
