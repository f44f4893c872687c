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
use crate::history::{self, History};
use crate::jsonpath::{
    apply_result_path_owned, field, field_mut, result_path_applies, Path, PathStep,
};
use crate::mock::{Answer, Responses, TestCase};
use crate::model::*;
use crate::query::{self, Query, QueryCx};
use crate::rng::Rng;
pub use crate::size::json_size;
use crate::size::{fits, measure, plus, str_size, Bound, UNKNOWN};
use crate::vars;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use stepbridge_jsonata::Converted;

/// Hasher for addresses: one multiply (addresses are distinct and well spread already).
#[derive(Default)]
struct PtrHasher(u64);

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
}

impl From<StatesError> for Stop {
    fn from(e: StatesError) -> Self {
        Stop::Error(e)
    }
}

type Flow<T> = Result<T, Stop>;

/// Per-state inspection data, like TestState's DEBUG inspection level.
#[derive(Debug, Default)]
struct Trace {
    input: Option<Value>,
    after_input_path: Option<Value>,
    after_parameters: Option<Value>,
    after_arguments: Option<Value>,
    result: Option<Value>,
    after_result_selector: Option<Value>,
    after_result_path: Option<Value>,
    output: Option<Value>,
    error: Option<StatesError>,
    unmocked: bool,
    retries: u64,
    /// Id of the state's StateEntered event (JSONata error messages cite it).
    entered_id: u64,
}

/// How an execution ended.
pub(crate) enum End {
    Succeeded(Value),
    Failed(StatesError),
    TimedOut,
    Paused,
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
    payload_limit: usize,
    context_state: bool,
    mocks: Option<&'a TestCase>,
    /// Invocation counts of mocked states, by state name (see `next_invocation`).
    mock_counters: HashMap<String, usize>,
    counts: Vec<u64>,
    /// Per Task state (by address; states live as long as the machine): its mocked answers
    /// and its slot in `counts`, so a call hashes a pointer, not the state's name, twice.
    mock_slots: HashMap<usize, (Option<&'a Responses>, usize), BuildHasherDefault<PtrHasher>>,
    pub(crate) rng: Rng,
    now: i64,
    deadline: Option<i64>,
    pub(crate) history: History,
    record: bool,
    /// Non-zero while running a Distributed Map's child executions, whose events AWS keeps
    /// out of the parent's history.
    detached: u32,
    pub(crate) traces: Vec<Value>,
    context: Value,
    entered_cache: (i64, String),
    callbacks: &'a [Callback],
    pub(crate) pending: Vec<PendingToken>,
    pub(crate) unmocked: Vec<String>,
    pub(crate) execution_arn: String,
    state_machine_arn: String,
    /// Whether the definition has any Assign; without one no variable can exist and Map
    /// iterations and Parallel branches need no scopes of their own.
    vars_on: bool,
    /// Values the current state's Assign produced, applied once its output is known.
    assigned: Option<Map<String, Value>>,
}

/// The payload quota check. `bound` is an upper bound of the value's size (see
/// [`crate::size`]); the value is walked only when the bound could exceed the limit. Returns
/// the bound to carry on: the exact size when it was measured.
fn check_size(
    limit: usize,
    v: &Value,
    bound: Bound,
    what: &str,
    state: &str,
) -> Result<Bound, StatesError> {
    if fits(bound, limit) {
        return Ok(bound);
    }
    let size = json_size(v, limit);
    if size > limit {
        return Err(StatesError::new(
            "States.DataLimitExceeded",
            format!(
                "The {what}{} has a size exceeding the maximum number of bytes service limit ({limit} bytes).",
                if state.is_empty() { String::new() } else { format!(" of state '{state}'") }
            ),
        ));
    }
    Ok(size)
}

/// Size bound of a selection by InputPath/OutputPath from a value bounded by `b`: a definite
/// `$` path selects a subtree, no larger than the whole.
fn selected_bound(p: &IoPath, b: Bound) -> Bound {
    match p {
        IoPath::Identity => b,
        IoPath::Null => 2,
        IoPath::Path(p) if p.is_definite() && !p.is_context() => b,
        IoPath::Path(_) => UNKNOWN,
    }
}

/// Bytes a ResultPath insertion can add besides the result: per step at most a new object
/// holding the key (`{"key":...}` and a comma).
fn result_path_extra(rp: &ResultPath) -> Bound {
    match rp {
        ResultPath::Replace | ResultPath::Discard => 0,
        ResultPath::Path(p) => match p.definite_steps() {
            Some(steps) => steps
                .iter()
                .map(|s| match s {
                    PathStep::Field(f) => str_size(f) + 4,
                    PathStep::Index(_) => 0,
                })
                .sum(),
            None => UNKNOWN,
        },
    }
}

/// Size bound of [`apply_result`]'s value.
fn merged_bound(rp: &ResultPath, raw: Bound, result: Bound) -> Bound {
    match rp {
        ResultPath::Replace => result,
        ResultPath::Discard => raw,
        ResultPath::Path(_) => plus(plus(raw, result), result_path_extra(rp)),
    }
}

/// Size bound of a JSON array of values with these bounds.
fn array_bound(bounds: impl IntoIterator<Item = Bound>) -> Bound {
    bounds.into_iter().fold(2, |acc, b| plus(acc, plus(b, 1)))
}

fn steps_take(v: &mut Value, steps: &[PathStep]) -> Option<Value> {
    let mut cur = v;
    for s in steps {
        cur = match s {
            PathStep::Field(f) => field_mut(cur.as_object_mut()?, f)?,
            PathStep::Index(i) => cur.as_array_mut()?.get_mut(*i)?,
        };
    }
    Some(std::mem::take(cur))
}

/// Neither is a prefix of the other: the two paths address separate subtrees.
fn disjoint(a: &[PathStep], b: &[PathStep]) -> bool {
    !a.iter().zip(b).all(|(x, y)| x == y)
}

fn is_prefix(a: &[PathStep], b: &[PathStep]) -> bool {
    a.len() <= b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

fn path_error(p: &Path, field: &str) -> StatesError {
    StatesError::runtime(format!(
        "Invalid path '{}' : No results for path: {} (field '{field}')",
        p.as_str(),
        p.normalized()
    ))
}

/// Stands in for the context object where a path cannot read it (a `$` path), so a
/// borrowed selection depends on the input's lifetime only.
static NO_CONTEXT: Value = Value::Null;

/// InputPath (and other selections that may borrow): no clone for definite `$` paths.
fn select_cow<'v>(
    p: &IoPath,
    raw: &'v Value,
    ctx: &Value,
    field: &str,
) -> Result<Cow<'v, Value>, StatesError> {
    match p {
        IoPath::Identity => Ok(Cow::Borrowed(raw)),
        IoPath::Null => Ok(Cow::Owned(Value::Object(Map::new()))),
        IoPath::Path(p) => {
            if p.is_context() {
                p.select(raw, ctx).map(Cow::Owned)
            } else if p.is_definite() {
                p.select_ref(raw, &NO_CONTEXT)
                    .map(Cow::Borrowed)
                    .ok_or_else(|| path_error(p, field))
            } else {
                p.select(raw, ctx).map(Cow::Owned)
            }
        }
    }
}

/// OutputPath on an owned value: moves the selection out instead of cloning it.
fn select_owned(p: &IoPath, mut v: Value, ctx: &Value, field: &str) -> Result<Value, StatesError> {
    match p {
        IoPath::Identity => Ok(v),
        IoPath::Null => Ok(Value::Object(Map::new())),
        IoPath::Path(p) => {
            if let Some(steps) = p.definite_steps() {
                steps_take(&mut v, steps).ok_or_else(|| path_error(p, field))
            } else if p.is_definite() && p.variable().is_none() {
                p.select_ref(&v, ctx)
                    .cloned()
                    .ok_or_else(|| path_error(p, field))
            } else {
                p.select(&v, ctx)
            }
        }
    }
}

fn io_steps(p: &IoPath) -> Option<&[PathStep]> {
    match p {
        IoPath::Identity => Some(&[]),
        IoPath::Null => None,
        IoPath::Path(p) => p.definite_steps(),
    }
}

fn result_path_ref(r: &ResultPath) -> Option<&Path> {
    match r {
        ResultPath::Discard => None,
        ResultPath::Path(p) => Some(p),
        ResultPath::Replace => None,
    }
}

fn apply_result(raw: Value, rp: &ResultPath, result: Value) -> Result<Value, StatesError> {
    match rp {
        ResultPath::Replace => Ok(result),
        ResultPath::Discard => Ok(raw),
        ResultPath::Path(_) => apply_result_path_owned(raw, result_path_ref(rp), result),
    }
}

/// Whether the effective input (InputPath's selection) is no longer read after Parameters,
/// so Parameters may move parts of it instead of cloning them.
fn input_dead_after_parameters(st: &State) -> bool {
    let Some(input) = io_steps(&st.input_path) else {
        return false;
    };
    match &st.result_path {
        ResultPath::Replace => true,
        rp => {
            let Some(output) = io_steps(&st.output_path) else {
                // OutputPath null: nothing of the input survives.
                return matches!(st.output_path, IoPath::Null);
            };
            if disjoint(input, output) {
                return true;
            }
            if let ResultPath::Path(r) = rp {
                if let Some(r) = r.definite_steps() {
                    // The result overwrites the whole region the input came from.
                    return is_prefix(r, input) && !is_prefix(input, r);
                }
            }
            false
        }
    }
}

/// Whether a Pass state's output always contains its whole result, so checking the output
/// size also bounds the result (one walk of a large payload instead of two).
fn output_contains_result(st: &State) -> bool {
    let Some(out) = io_steps(&st.output_path) else {
        return false;
    };
    match &st.result_path {
        ResultPath::Replace => out.is_empty(),
        ResultPath::Discard => false,
        ResultPath::Path(r) => r.definite_steps().is_some_and(|r| is_prefix(out, r)),
    }
}

/// Does an ErrorEquals list match this error? States.ALL matches everything but
/// States.Runtime and States.DataLimitExceeded, and States.Runtime is never retried or
/// caught ("Error names", https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
/// States.TaskFailed matches any error but States.Timeout; States.Timeout also matches a
/// heartbeat timeout.
pub fn error_matches(list: &[String], error: &str) -> bool {
    if error == "States.Runtime" {
        return false;
    }
    list.iter().any(|n| {
        n == error
            || (n == "States.ALL" && error != "States.DataLimitExceeded")
            || (n == "States.TaskFailed"
                && !matches!(
                    error,
                    "States.Timeout" | "States.HeartbeatTimeout" | "States.DataLimitExceeded"
                ))
            || (n == "States.Timeout" && error == "States.HeartbeatTimeout")
    })
}

fn amount(
    a: &Option<Amount>,
    input: &Value,
    ctx: &Value,
    field: &str,
) -> Result<Option<f64>, StatesError> {
    match a {
        None => Ok(None),
        Some(Amount::Fixed(n)) => Ok(Some(*n)),
        Some(Amount::Query(_)) => Err(StatesError::runtime(format!(
            "{field} is a JSONata expression in a JSONPath state"
        ))),
        Some(Amount::Path(p)) => {
            let v = p.select(input, ctx)?;
            match v.as_f64() {
                Some(n) if n >= 0.0 => Ok(Some(n)),
                _ => Err(StatesError::runtime(format!(
                    "The value of {field} at '{}' must be a non-negative number, but it is {v}",
                    p.as_str()
                ))),
            }
        }
    }
}

fn hex_id(rng: &mut Rng) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    // A version-4 layout, so ids look like the UUIDs AWS generates.
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

impl<'a> Engine<'a> {
    pub(crate) fn new(settings: &Settings<'a>, machine: &Machine, input: &Value) -> Engine<'a> {
        let mut rng = Rng::new(settings.seed);
        let exec_name = hex_id(&mut rng);
        let sm = &settings.state_machine_name;
        let state_machine_arn = format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{sm}");
        let execution_arn = format!("arn:aws:states:{REGION}:{ACCOUNT}:execution:{sm}:{exec_name}");
        let start = clock::format_ms(settings.start_ms);
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
            deadline: machine
                .timeout_seconds
                .map(|t| clock::add_seconds(settings.start_ms, t as f64)),
            history: History::new(settings.record, settings.max_events),
            record: settings.record,
            detached: 0,
            traces: Vec::new(),
            context,
            entered_cache: (settings.start_ms, start),
            callbacks: settings.callbacks,
            pending: Vec::new(),
            unmocked: Vec::new(),
            execution_arn,
            state_machine_arn,
            vars_on: machine.assigns,
            assigned: None,
        }
    }

    /// The 0-based invocation number of a mocked state, counting every call (retries too).
    fn next_invocation(&mut self, state: &str) -> u64 {
        let slot = self.count_slot(state);
        self.next_in_slot(slot)
    }

    fn count_slot(&mut self, state: &str) -> usize {
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

    fn next_in_slot(&mut self, slot: usize) -> u64 {
        let n = &mut self.counts[slot];
        *n += 1;
        *n - 1
    }

    /// A state's mocked answers and invocation-count slot.
    fn mock_slot(&mut self, st: &State) -> (Option<&'a Responses>, usize) {
        let key = st as *const State as usize;
        if let Some(found) = self.mock_slots.get(&key) {
            return *found;
        }
        let responses = self.mocks.and_then(|m| m.states.get(&st.name));
        let slot = self.count_slot(&st.name);
        self.mock_slots.insert(key, (responses, slot));
        (responses, slot)
    }

    pub(crate) fn now(&self) -> i64 {
        self.now
    }

    fn event(&mut self, ty: &str, details: Option<(&'static str, Value)>) -> Result<(), Stop> {
        if self.detached > 0 {
            return Ok(());
        }
        self.history
            .push(ty, self.now, details)
            .map_err(|e| Stop::Halt(Halt::Failed(e)))
    }

    /// Cheap event recording: the details are only built when history is recorded.
    fn event_with(
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

    fn check_deadline(&mut self) -> Result<(), Stop> {
        if let Some(d) = self.deadline {
            if self.now > d {
                self.now = d;
                return Err(Stop::Halt(Halt::TimedOut));
            }
        }
        Ok(())
    }

    /// Move the clock forward, stopping at the execution deadline.
    fn advance(&mut self, seconds: f64) -> Result<(), Stop> {
        self.now = clock::add_seconds(self.now, seconds);
        self.check_deadline()
    }

    fn set_state_context(&mut self, name: &str, retry_count: u64) {
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

    fn entered(&mut self, st: &State, input: &Value) -> Result<(), Stop> {
        let ty = st.type_name();
        let name = &st.name;
        let record = self.record;
        self.event_with(history::entered(ty), || {
            (
                "stateEnteredEventDetails",
                if record {
                    json!({"name": name, "input": history::text(input), "inputDetails": {"truncated": false}})
                } else {
                    Value::Null
                },
            )
        })
    }

    /// StateExited, with the variables the state assigned as JSON text (AWS's
    /// `assignedVariables`).
    fn exited(
        &mut self,
        st: &State,
        output: &Value,
        assigned: Option<&Map<String, Value>>,
    ) -> Result<(), Stop> {
        let name = &st.name;
        self.event_with(history::exited(st.type_name()), || {
            let mut d = json!({"name": name, "output": history::text(output), "outputDetails": {"truncated": false}});
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
    fn push_trace(&mut self, st: &State, entered_at: i64, t: &mut Trace) {
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
        for (k, v) in fields {
            if let Some(v) = v {
                o.insert(k.into(), v);
            }
        }
        if let Some(e) = t.error {
            o.insert("error".into(), json!(e.error));
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
    fn run_state(
        &mut self,
        st: &State,
        raw: Value,
        rb: Bound,
        depth: usize,
    ) -> Flow<(Option<usize>, Value, Bound)> {
        let entered_at = self.now;
        self.set_state_context(&st.name, 0);
        self.entered(st, &raw)?;
        let mut trace = Trace {
            entered_id: self.history.count(),
            ..Trace::default()
        };
        if self.record {
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
                if self.record {
                    trace.output = Some(output.clone());
                }
                self.push_trace(st, entered_at, &mut trace);
                Ok((next, output, out_bound))
            }
            Err(Stop::Error(e)) => {
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

    fn run_pass(
        &mut self,
        st: &State,
        result: Option<&Value>,
        mut raw: Value,
        rb: Bound,
        trace: &mut Trace,
    ) -> Flow<(Option<usize>, Value, Bound)> {
        let record = self.record;
        let limit = self.payload_limit;
        // Move the effective input out of the raw input when nothing reads it afterwards.
        let movable = !record
            && st.parameters.is_some()
            && result.is_none()
            && input_dead_after_parameters(st);
        // For a moving evaluation: the bound of the merged output. The raw input and the
        // parts moved out of it stay within the raw input's bound (plus the null left in
        // place of the effective input), so only what the template adds counts on top.
        let mut moved_out_bound = None;
        let (value, mut value_bound) = if movable {
            let steps = io_steps(&st.input_path).unwrap_or(&[]);
            let eff = match steps_take(&mut raw, steps) {
                Some(v) => v,
                None => {
                    let IoPath::Path(p) = &st.input_path else {
                        return Err(StatesError::runtime("InputPath selected nothing").into());
                    };
                    return Err(path_error(p, "InputPath").into());
                }
            };
            if record {
                trace.after_input_path = Some(eff.clone());
            }
            let params = st
                .parameters
                .as_ref()
                .map(|t| t.evaluate_owned_sized(eff, rb, &self.context, &mut self.rng, limit));
            let sv = match params {
                Some(v) => v?,
                None => return Err(StatesError::runtime("Parameters missing").into()),
            };
            moved_out_bound = Some(plus(
                plus(rb, 4),
                plus(sv.extra, result_path_extra(&st.result_path)),
            ));
            let b = sv.bound(rb);
            (sv.value, b)
        } else {
            let eff = select_cow(&st.input_path, &raw, &self.context, "InputPath")?;
            let eff_bound = selected_bound(&st.input_path, rb);
            if record {
                trace.after_input_path = Some(eff.as_ref().clone());
            }
            match (&st.parameters, result) {
                (_, Some(r)) => {
                    if let Some(t) = &st.parameters {
                        // Evaluated for its errors and trace only: Result wins.
                        let p = t.evaluate(&eff, &self.context, &mut self.rng)?;
                        if record {
                            trace.after_parameters = Some(p);
                        }
                    }
                    (r.clone(), measure(r, limit))
                }
                (Some(t), None) => {
                    t.evaluate_sized(&eff, eff_bound, &self.context, &mut self.rng, limit)?
                }
                (None, None) => (eff.into_owned(), eff_bound),
            }
        };
        if st.parameters.is_some() {
            if !output_contains_result(st) {
                value_bound = check_size(
                    limit,
                    &value,
                    value_bound,
                    "input after Parameters",
                    &st.name,
                )?;
            }
            if record && result.is_none() {
                trace.after_parameters = Some(value.clone());
            }
        }
        if record {
            trace.result = Some(value.clone());
        }
        if let Some(a) = &st.assign {
            // JSONPath Assign reads the state's result (here: after Parameters or Result).
            self.assigned = Some(self.path_assign(a, &value)?);
        }
        let merged_bound = match (&st.result_path, moved_out_bound) {
            (ResultPath::Replace, _) => value_bound,
            (ResultPath::Discard, Some(_)) => plus(rb, 4),
            (rp, Some(b)) => b.min(plus(plus(plus(rb, 4), value_bound), result_path_extra(rp))),
            (rp, None) => merged_bound(rp, rb, value_bound),
        };
        let out = apply_result(raw, &st.result_path, value)?;
        if record {
            trace.after_result_path = Some(out.clone());
        }
        let out = select_owned(&st.output_path, out, &self.context, "OutputPath")?;
        let out_bound = selected_bound(&st.output_path, merged_bound);
        let out_bound = check_size(limit, &out, out_bound, "output", &st.name)?;
        Ok((None, out, out_bound))
    }

    fn run_choice(
        &mut self,
        st: &State,
        choices: &[Choice],
        default: Option<usize>,
        raw: Value,
        rb: Bound,
        trace: &mut Trace,
    ) -> Flow<(Option<usize>, Value, Bound)> {
        let next = {
            let eff = select_cow(&st.input_path, &raw, &self.context, "InputPath")?;
            if self.record {
                trace.after_input_path = Some(eff.as_ref().clone());
            }
            let mut next = None;
            for c in choices {
                let Cond::Path(rule) = &c.cond else { continue };
                if rule.evaluate(&eff, &self.context)? {
                    next = Some(c);
                    break;
                }
            }
            // The matched rule's Assign, or the state's when Default is taken; both read the
            // effective input.
            let assign = match next {
                Some(c) => c.assign.as_deref(),
                None => st.assign.as_deref(),
            };
            if let Some(a) = assign {
                self.assigned = Some(self.path_assign(a, &eff)?);
            }
            next.map(|c| c.next)
        };
        let next = match next.or(default) {
            Some(n) => n,
            None => return Err(no_choice_matched(st).into()),
        };
        // Choice has no ResultPath: the output is the (filtered) input.
        let eff = match &st.input_path {
            IoPath::Identity => raw,
            p => select_cow(p, &raw, &self.context, "InputPath")?.into_owned(),
        };
        let out = select_owned(&st.output_path, eff, &self.context, "OutputPath")?;
        let mut out_bound = selected_bound(&st.output_path, selected_bound(&st.input_path, rb));
        if !matches!(
            (&st.input_path, &st.output_path),
            (IoPath::Identity, IoPath::Identity)
        ) {
            out_bound = check_size(self.payload_limit, &out, out_bound, "output", &st.name)?;
        }
        Ok((Some(next), out, out_bound))
    }

    fn run_wait(
        &mut self,
        st: &State,
        spec: &WaitSpec,
        raw: Value,
        rb: Bound,
        trace: &mut Trace,
    ) -> Flow<(Option<usize>, Value, Bound)> {
        let eff = match &st.input_path {
            IoPath::Identity => raw,
            p => select_cow(p, &raw, &self.context, "InputPath")?.into_owned(),
        };
        if self.record {
            trace.after_input_path = Some(eff.clone());
        }
        if let Some(a) = &st.assign {
            self.assigned = Some(self.path_assign(a, &eff)?);
        }
        let until = match spec {
            WaitSpec::Seconds(s) => clock::add_seconds(self.now, *s),
            WaitSpec::SecondsPath(p) => {
                let v = p.select(&eff, &self.context)?;
                match v.as_f64() {
                    Some(s) if s >= 0.0 => clock::add_seconds(self.now, s),
                    _ => {
                        return Err(StatesError::runtime(format!(
                            "The SecondsPath parameter does not reference a valid non-negative number: '{}' gives {v}",
                            p.as_str()
                        ))
                        .into())
                    }
                }
            }
            WaitSpec::Timestamp(t) => clock::parse_rfc3339(t).unwrap_or(self.now),
            WaitSpec::SecondsQuery(_) | WaitSpec::TimestampQuery(_) => {
                return Err(StatesError::runtime("A JSONata Wait field in a JSONPath state").into())
            }
            WaitSpec::TimestampPath(p) => {
                let v = p.select(&eff, &self.context)?;
                match v.as_str().and_then(|s| crate::choice::parse_timestamp(s).map(|ns| (ns / 1_000_000) as i64)) {
                    Some(ms) => ms,
                    None => {
                        return Err(StatesError::runtime(format!(
                            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: '{}' gives {v}",
                            p.as_str()
                        ))
                        .into())
                    }
                }
            }
        };
        if until > self.now {
            self.now = until;
            self.check_deadline()?;
        }
        let out = select_owned(&st.output_path, eff, &self.context, "OutputPath")?;
        let out_bound = selected_bound(&st.output_path, selected_bound(&st.input_path, rb));
        Ok((None, out, out_bound))
    }

    fn run_succeed(
        &mut self,
        st: &State,
        raw: Value,
        rb: Bound,
        trace: &mut Trace,
    ) -> Flow<(Value, Bound)> {
        let eff = match &st.input_path {
            IoPath::Identity => raw,
            p => select_cow(p, &raw, &self.context, "InputPath")?.into_owned(),
        };
        if self.record {
            trace.after_input_path = Some(eff.clone());
        }
        let out = select_owned(&st.output_path, eff, &self.context, "OutputPath")?;
        let out_bound = selected_bound(&st.output_path, selected_bound(&st.input_path, rb));
        Ok((out, out_bound))
    }

    fn run_fail(
        &mut self,
        spec: &FailSpec,
        raw: &Value,
        entered_id: u64,
        st: &State,
    ) -> StatesError {
        let states = if st.jsonata {
            self.states_value(raw, None)
        } else {
            Value::Null
        };
        let mut get = |d: &Option<Dyn>, field: &str| -> Result<Option<String>, StatesError> {
            Ok(match d {
                None => None,
                Some(Dyn::Query(q)) => {
                    let what = if field == "ErrorPath" {
                        "Error"
                    } else {
                        "Cause"
                    };
                    let mut cx = self.query_cx(st, &states, entered_id);
                    Some(q.evaluate_as(&mut cx, what, "'string'", |v| match v {
                        Value::String(s) => Ok(s),
                        other => Err(other),
                    })?)
                }
                Some(Dyn::Literal(s)) => Some(s.clone()),
                Some(Dyn::Path(p)) => {
                    let v = p.select(raw, &self.context)?;
                    match v {
                        Value::String(s) => Some(s),
                        other => {
                            return Err(StatesError::runtime(format!(
                                "The {field} '{}' must resolve to a string, but it gives {other}",
                                p.as_str()
                            )))
                        }
                    }
                }
                Some(Dyn::Call(c)) => match c.evaluate(raw, &self.context, &mut self.rng)? {
                    Value::String(s) => Some(s),
                    other => Some(other.to_string()),
                },
            })
        };
        let error = match get(&spec.error, "ErrorPath") {
            Ok(e) => e,
            Err(e) => return e,
        };
        let cause = match get(&spec.cause, "CausePath") {
            Ok(c) => c,
            Err(e) => return e,
        };
        StatesError::new(error.unwrap_or_default(), cause.unwrap_or_default())
    }

    /// Task, Parallel and Map: attempts under Retry, then Catch.
    fn run_with_retry(
        &mut self,
        st: &State,
        mut raw: Value,
        rb: Bound,
        depth: usize,
        trace: &mut Trace,
    ) -> Flow<(Option<usize>, Value, Bound)> {
        // Attempts per retrier; most states have a few, kept off the heap.
        let mut few = [0u64; 4];
        let mut many = Vec::new();
        let attempts: &mut [u64] = if st.retry.len() <= few.len() {
            &mut few[..st.retry.len()]
        } else {
            many.resize(st.retry.len(), 0);
            &mut many
        };
        let mut retry_count = 0u64;
        let outcome = loop {
            self.set_state_context(&st.name, retry_count);
            // A task whose input nothing reads afterwards (no Retry/Catch, result replaces the
            // input, no InputPath, no timeout paths) takes the input by move: an echoing
            // task then costs no copy.
            let owned =
                (retry_count == 0 && takes_input_by_move(st)).then(|| std::mem::take(&mut raw));
            match self.attempt(st, &raw, rb, owned, depth, trace) {
                Ok(result) => break Ok(result),
                Err(Stop::Error(e)) => {
                    self.eval_failed(st, trace.entered_id, &e)?;
                    let retrier = st
                        .retry
                        .iter()
                        .position(|r| error_matches(&r.error_equals, &e.error));
                    if let Some(i) = retrier {
                        let r = &st.retry[i];
                        if attempts[i] < r.max_attempts {
                            let mut delay =
                                r.interval_seconds * r.backoff_rate.powf(attempts[i] as f64);
                            if let Some(max) = r.max_delay_seconds {
                                delay = delay.min(max);
                            }
                            if r.jitter_full {
                                delay *= self.rng.next_f64();
                            }
                            attempts[i] += 1;
                            retry_count += 1;
                            self.advance(delay)?;
                            continue;
                        }
                    }
                    break Err(e);
                }
                Err(other) => return Err(other),
            }
        };
        trace.retries = retry_count;
        let failure = match outcome {
            Ok((result, _)) if st.jsonata => {
                match self.jsonata_output(
                    st,
                    &raw,
                    Some(("result", &result)),
                    result.clone(),
                    trace,
                ) {
                    Ok(done) => return Ok(done),
                    Err(e) => {
                        self.eval_failed(st, trace.entered_id, &e)?;
                        e
                    }
                }
            }
            Ok((result, result_bound)) => match match &st.assign {
                // JSONPath Assign reads the result after ResultSelector.
                Some(a) => self.path_assign(a, &result).map(Some),
                None => Ok(None),
            } {
                Err(e) => e,
                Ok(assigned) => {
                    // ResultPath can fail (States.ResultPathMatchFailure, catchable): keep the
                    // input for the catcher only when that can happen and a catcher exists.
                    let keep = match &st.result_path {
                        ResultPath::Path(p)
                            if !st.catch.is_empty() && !result_path_applies(&raw, p) =>
                        {
                            Some(raw.clone())
                        }
                        _ => None,
                    };
                    let merged = apply_result(raw, &st.result_path, result).and_then(|out| {
                        if self.record {
                            trace.after_result_path = Some(out.clone());
                        }
                        select_owned(&st.output_path, out, &self.context, "OutputPath")
                    });
                    match merged {
                        Ok(out) => {
                            let out_bound = selected_bound(
                                &st.output_path,
                                merged_bound(&st.result_path, rb, result_bound),
                            );
                            let out_bound = check_size(
                                self.payload_limit,
                                &out,
                                out_bound,
                                "output",
                                &st.name,
                            )?;
                            self.assigned = assigned;
                            return Ok((None, out, out_bound));
                        }
                        Err(e) => match keep {
                            Some(k) => {
                                raw = k;
                                e
                            }
                            None => return Err(Stop::Error(e)),
                        },
                    }
                }
            },
            Err(e) => e,
        };
        self.assigned = None;
        if let Some(c) = st
            .catch
            .iter()
            .find(|c| error_matches(&c.error_equals, &failure.error))
        {
            let err = json!({"Error": failure.error, "Cause": failure.cause});
            if st.jsonata {
                // The catcher's Output (default: the error output) and Assign read
                // `$states.errorOutput`.
                let states = self.states_value(&raw, Some(("errorOutput", &err)));
                let mut cx = self.query_cx(st, &states, trace.entered_id);
                let evaluated =
                    output_and_assign(&mut cx, c.output.as_ref(), c.assign.as_deref(), err);
                let (out, assigned) = match evaluated {
                    Ok(v) => v,
                    Err(e) => {
                        self.eval_failed(st, trace.entered_id, &e)?;
                        return Err(e.into());
                    }
                };
                self.assigned = assigned;
                let out_bound = check_size(self.payload_limit, &out, UNKNOWN, "output", &st.name)?;
                trace.error = Some(failure);
                return Ok((Some(c.next), out, out_bound));
            }
            if let Some(a) = &c.assign {
                // JSONPath: the catcher's Assign reads the error output.
                self.assigned = Some(self.path_assign(a, &err)?);
            }
            let err_bound = measure(&err, self.payload_limit);
            let out = apply_result(raw, &c.result_path, err)?;
            let out_bound = merged_bound(&c.result_path, rb, err_bound);
            let out_bound = check_size(self.payload_limit, &out, out_bound, "output", &st.name)?;
            trace.error = Some(failure);
            return Ok((Some(c.next), out, out_bound));
        }
        Err(Stop::Error(failure))
    }

    /// One attempt of a Task/Parallel/Map: the result after ResultSelector.
    fn attempt(
        &mut self,
        st: &State,
        raw: &Value,
        rb: Bound,
        owned: Option<Value>,
        depth: usize,
        trace: &mut Trace,
    ) -> Flow<(Value, Bound)> {
        if st.jsonata {
            return self.attempt_jsonata(st, raw, rb, depth, trace);
        }
        let record = self.record;
        let limit = self.payload_limit;
        let token = self.issue_token(st);
        let (eff, eff_bound) = match owned {
            Some(v) => (Cow::Owned(v), rb),
            None => (
                select_cow(&st.input_path, raw, &self.context, "InputPath")?,
                selected_bound(&st.input_path, rb),
            ),
        };
        if record {
            trace.after_input_path = Some(eff.as_ref().clone());
        }
        let (params, mut params_bound): (Cow<Value>, Bound) = match (&st.parameters, &st.kind) {
            (Some(t), Kind::Task(_) | Kind::Parallel { .. }) => {
                let (v, b) =
                    t.evaluate_sized(&eff, eff_bound, &self.context, &mut self.rng, limit)?;
                (Cow::Owned(v), b)
            }
            _ => (eff, eff_bound),
        };
        self.withdraw_token(&token);
        if st.parameters.is_some() && !matches!(st.kind, Kind::Map(_)) {
            params_bound = check_size(
                limit,
                &params,
                params_bound,
                "input after Parameters",
                &st.name,
            )?;
            if record {
                trace.after_parameters = Some(params.as_ref().clone());
            }
        }
        // The same dispatch as attempt_jsonata's, written out here: through a shared
        // function the JSONPath retry workload ran ~5% slower.
        let (result, result_bound) = match &st.kind {
            Kind::Task(spec) => self.invoke(st, spec, params, params_bound, raw, token, trace)?,
            Kind::Parallel { branches } => {
                self.run_parallel(branches, params, params_bound, depth)?
            }
            Kind::Map(spec) => {
                self.run_map(st, spec, params, params_bound, raw, depth, trace.entered_id)?
            }
            _ => (params.into_owned(), params_bound),
        };
        if record {
            trace.result = Some(result.clone());
        }
        let result = match &st.result_selector {
            Some(t) => {
                // The raw result is not needed afterwards: parts of it may move.
                let sv = t.evaluate_owned_sized(
                    result,
                    result_bound,
                    &self.context,
                    &mut self.rng,
                    limit,
                )?;
                if record {
                    trace.after_result_selector = Some(sv.value.clone());
                }
                let b = sv.bound(result_bound);
                (sv.value, b)
            }
            None => (result, result_bound),
        };
        Ok(result)
    }

    /// A Task that waits for a token gets a fresh one, which its Parameters or Arguments
    /// read from the context object (`$$.Task.Token`, `$states.context.Task.Token`).
    #[inline(always)]
    fn issue_token(&mut self, st: &State) -> Option<String> {
        let token = match &st.kind {
            Kind::Task(t) if needs_token(t) => {
                Some(format!("{}{}", hex_id(&mut self.rng), hex_id(&mut self.rng)).replace('-', ""))
            }
            _ => None,
        };
        if let (Some(tok), Value::Object(c)) = (&token, &mut self.context) {
            c.insert("Task".into(), json!({"Token": tok}));
        }
        token
    }

    /// The token is in the context object only while the parameters are evaluated.
    #[inline(always)]
    fn withdraw_token(&mut self, token: &Option<String>) {
        if token.is_some() {
            if let Value::Object(c) = &mut self.context {
                c.shift_remove("Task");
            }
        }
    }

    fn task_event_prefix(spec: &TaskSpec) -> &'static str {
        match spec.kind {
            ResourceKind::LambdaFunction => "LambdaFunction",
            ResourceKind::Activity => "Activity",
            _ => "Task",
        }
    }

    /// Call the task: a mock answer, a callback, or (unmocked) the effective input back.
    #[allow(clippy::too_many_arguments)]
    fn invoke(
        &mut self,
        st: &State,
        spec: &TaskSpec,
        params: Cow<Value>,
        params_bound: Bound,
        raw: &Value,
        token: Option<String>,
        trace: &mut Trace,
    ) -> Flow<(Value, Bound)> {
        let prefix = Self::task_event_prefix(spec);
        let names = event_names(prefix);
        let (rtype, rname) = if self.record {
            resource_parts(&spec.resource)
        } else {
            (String::new(), String::new())
        };
        let timeout = self.amount_of(
            st,
            &spec.timeout,
            raw,
            ("TimeoutSeconds", "TimeoutSecondsPath"),
            trace.entered_id,
        )?;
        let heartbeat = self.amount_of(
            st,
            &spec.heartbeat,
            raw,
            ("HeartbeatSeconds", "HeartbeatSecondsPath"),
            trace.entered_id,
        )?;
        let resource = &spec.resource;
        let (rtype2, rname2) = (&rtype, &rname);
        self.event_with(names.scheduled, || match prefix {
            "LambdaFunction" => (
                "lambdaFunctionScheduledEventDetails",
                json!({"resource": resource, "input": history::text(&params), "inputDetails": {"truncated": false},
                       "timeoutInSeconds": timeout.map(|t| t as u64)}),
            ),
            "Activity" => (
                "activityScheduledEventDetails",
                json!({"resource": resource, "input": history::text(&params), "inputDetails": {"truncated": false},
                       "timeoutInSeconds": timeout.map(|t| t as u64), "heartbeatInSeconds": heartbeat.map(|t| t as u64)}),
            ),
            _ => (
                "taskScheduledEventDetails",
                json!({"resourceType": rtype2, "resource": rname2, "region": REGION,
                       "parameters": history::text(&params), "timeoutInSeconds": timeout.map(|t| t as u64),
                       "heartbeatInSeconds": heartbeat.map(|t| t as u64)}),
            ),
        })?;
        let (rt, rn) = (&rtype, &rname);
        self.event_with(names.started, || match prefix {
            "LambdaFunction" => ("", Value::Null),
            "Activity" => (
                "activityStartedEventDetails",
                json!({"workerName": "stepbridge"}),
            ),
            _ => (
                "taskStartedEventDetails",
                json!({"resourceType": rt, "resource": rn}),
            ),
        })?;

        let (mock, slot) = self.mock_slot(st);
        // The result's size bound: an echoed input keeps the input's; answers are measured.
        let mut result_bound = UNKNOWN;
        let outcome: Result<Value, StatesError> = if let Some(responses) = mock {
            let index = self.next_in_slot(slot);
            match responses.get(index) {
                None => Err(StatesError::new(
                    "States.TaskFailed",
                    "The mocked response list is empty",
                )),
                Some(resp) => {
                    let limit = min_opt(timeout, heartbeat);
                    if let Some(limit) = limit.filter(|l| resp.duration_seconds > *l) {
                        self.advance(limit)?;
                        let hb = heartbeat.is_some_and(|h| h <= timeout.unwrap_or(f64::INFINITY));
                        Err(timeout_error(hb))
                    } else {
                        self.advance(resp.duration_seconds)?;
                        // Copy only the part of the answer that becomes the result.
                        match &resp.answer {
                            Answer::Return(v) => Ok(
                                match (&spec.kind, v.as_object().and_then(|m| field(m, "Payload")))
                                {
                                    // A Lambda ARN used directly: the mocked Invoke response's Payload.
                                    (ResourceKind::LambdaFunction, Some(p)) if v.is_object() => {
                                        p.clone()
                                    }
                                    _ => v.clone(),
                                },
                            ),
                            Answer::Throw { error, cause } => {
                                Err(StatesError::new(error.clone(), cause.clone()))
                            }
                        }
                    }
                }
            }
        } else if let Some(tok) = token {
            let (rt, rn) = (&rtype, &rname);
            self.event_with("TaskSubmitted", || {
                (
                    "taskSubmittedEventDetails",
                    json!({"resourceType": rt, "resource": rn, "output": "{}", "outputDetails": {"truncated": false}}),
                )
            })?;
            match self.await_callback(&st.name, &tok, timeout, heartbeat)? {
                Some(r) => r,
                None => return Err(Stop::Halt(Halt::Paused)),
            }
        } else {
            trace.unmocked = true;
            if self.detached == 0 && !self.unmocked.contains(&st.name) {
                self.unmocked.push(st.name.clone());
            }
            result_bound = params_bound;
            Ok(params.into_owned())
        };
        match outcome {
            Ok(v) => {
                let result_bound =
                    check_size(self.payload_limit, &v, result_bound, "result", &st.name)?;
                let (rt, rn) = (&rtype, &rname);
                self.event_with(names.succeeded, || match prefix {
                    "LambdaFunction" => (
                        "lambdaFunctionSucceededEventDetails",
                        json!({"output": history::text(&v), "outputDetails": {"truncated": false}}),
                    ),
                    "Activity" => (
                        "activitySucceededEventDetails",
                        json!({"output": history::text(&v), "outputDetails": {"truncated": false}}),
                    ),
                    _ => (
                        "taskSucceededEventDetails",
                        json!({"resourceType": rt, "resource": rn, "output": history::text(&v), "outputDetails": {"truncated": false}}),
                    ),
                })?;
                Ok((v, result_bound))
            }
            Err(e) => {
                let timed_out = matches!(
                    e.error.as_str(),
                    "States.Timeout" | "States.HeartbeatTimeout"
                );
                let ty = if timed_out {
                    names.timed_out
                } else {
                    names.failed
                };
                let (rt, rn) = (&rtype, &rname);
                let (err, cause) = (&e.error, &e.cause);
                self.event_with(ty, || {
                    let key = match (prefix, timed_out) {
                        ("LambdaFunction", true) => "lambdaFunctionTimedOutEventDetails",
                        ("LambdaFunction", false) => "lambdaFunctionFailedEventDetails",
                        ("Activity", true) => "activityTimedOutEventDetails",
                        ("Activity", false) => "activityFailedEventDetails",
                        (_, true) => "taskTimedOutEventDetails",
                        _ => "taskFailedEventDetails",
                    };
                    let d = if prefix == "Task" {
                        json!({"resourceType": rt, "resource": rn, "error": err, "cause": cause})
                    } else {
                        json!({"error": err, "cause": cause})
                    };
                    (key, d)
                })?;
                Err(Stop::Error(e))
            }
        }
    }

    /// Replay the callbacks received for a token. None: still waiting.
    fn await_callback(
        &mut self,
        state: &str,
        token: &str,
        timeout: Option<f64>,
        heartbeat: Option<f64>,
    ) -> Flow<Option<Result<Value, StatesError>>> {
        let mut last_beat = 0.0f64;
        let mut waited = 0.0f64;
        let callbacks = self.callbacks;
        for cb in callbacks.iter().filter(|c| c.token == token) {
            let at = cb.at.max(waited);
            // Did a timeout fire before this callback arrived?
            let hb_deadline = heartbeat.map(|h| last_beat + h);
            let fired = [(timeout, false), (hb_deadline, true)]
                .into_iter()
                .filter_map(|(d, hb)| d.map(|d| (d, hb)))
                .filter(|(d, _)| at > *d)
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((d, hb)) = fired {
                self.advance(d)?;
                return Ok(Some(Err(timeout_error(hb))));
            }
            waited = at;
            match &cb.kind {
                CallbackKind::Heartbeat => last_beat = at,
                CallbackKind::Tick => {}
                CallbackKind::Success { output } => {
                    self.advance(at)?;
                    return Ok(Some(Ok(output.clone())));
                }
                CallbackKind::Failure { error, cause } => {
                    self.advance(at)?;
                    return Ok(Some(Err(StatesError::new(error.clone(), cause.clone()))));
                }
            }
        }
        if let Some(d) = self.deadline {
            // The execution's own timeout fires while waiting.
            if clock::add_seconds(self.now, waited) > d {
                self.now = d;
                return Err(Stop::Halt(Halt::TimedOut));
            }
        }
        self.pending.push(PendingToken {
            token: token.to_string(),
            state: state.to_string(),
            waited,
        });
        Ok(None)
    }

    fn run_parallel(
        &mut self,
        branches: &[Machine],
        input: Cow<Value>,
        input_bound: Bound,
        depth: usize,
    ) -> Flow<(Value, Bound)> {
        self.event("ParallelStateStarted", None)?;
        let start = self.now;
        let mut end = start;
        let mut results = Vec::with_capacity(branches.len());
        let mut bounds = Vec::with_capacity(branches.len());
        let mut paused = false;
        // Every branch gets a copy of the input; an owned input goes to the last one.
        let mut input = Some(input);
        for (i, b) in branches.iter().enumerate() {
            self.now = start;
            let branch_input = if i + 1 == branches.len() {
                input.take().map(Cow::into_owned).unwrap_or_default()
            } else {
                input.as_deref().cloned().unwrap_or_default()
            };
            if self.vars_on {
                vars::push(false);
            }
            let r = self.run_machine(b, branch_input, input_bound, depth + 1);
            if self.vars_on {
                vars::pop();
            }
            match r {
                Ok((v, vb)) => {
                    results.push(v);
                    bounds.push(vb);
                }
                Err(Stop::Halt(Halt::Paused)) => {
                    paused = true;
                    results.push(Value::Null);
                }
                Err(Stop::Error(e)) => {
                    self.event("ParallelStateFailed", None)?;
                    return Err(Stop::Error(e));
                }
                Err(other) => return Err(other),
            }
            end = end.max(self.now);
        }
        self.now = end;
        if paused {
            return Err(Stop::Halt(Halt::Paused));
        }
        self.event("ParallelStateSucceeded", None)?;
        Ok((Value::Array(results), array_bound(bounds)))
    }

    fn map_items<'v>(
        &mut self,
        st: &State,
        spec: &MapSpec,
        input: &'v Value,
        raw: &Value,
        entered_id: u64,
    ) -> Flow<Cow<'v, [Value]>> {
        if let Some(reader) = &spec.item_reader {
            // JSONata: the reader's Arguments are evaluated (their failures fail the state)
            // before the items are read.
            if let Some(q) = &reader.arguments {
                self.map_object(st, q, raw, entered_id, "ItemReader/Arguments")?;
            }
            let mock = self.mocks.and_then(|m| m.states.get(&st.name));
            let Some(responses) = mock else {
                return Err(StatesError::new(
                    "States.ItemReaderFailed",
                    format!(
                        "No mocked response for the ItemReader ({}) of state '{}': map the state name to a response returning the items",
                        reader.resource, st.name
                    ),
                )
                .into());
            };
            let index = self.next_invocation(&st.name);
            let items = match responses.get(index).map(|r| r.answer.clone()) {
                Some(Answer::Return(Value::Array(a))) => a,
                Some(Answer::Return(other)) => {
                    return Err(StatesError::new(
                        "States.ItemReaderFailed",
                        format!(
                            "The mocked ItemReader response must be an array of items, not {other}"
                        ),
                    )
                    .into())
                }
                Some(Answer::Throw { error, cause }) => {
                    return Err(StatesError::new(error, cause).into())
                }
                None => Vec::new(),
            };
            let max = self.amount_of(
                st,
                &reader.max_items,
                raw,
                ("MaxItems", "MaxItemsPath"),
                entered_id,
            )?;
            let mut items = items;
            if let Some(max) = max.filter(|m| *m > 0.0) {
                items.truncate(max as usize);
            }
            return Ok(Cow::Owned(items));
        }
        let selected = match &spec.items_path {
            None => Cow::Borrowed(input),
            Some(p) => {
                if p.is_definite() && !p.is_context() {
                    Cow::Borrowed(
                        p.select_ref(input, &NO_CONTEXT)
                            .ok_or_else(|| path_error(p, "ItemsPath"))?,
                    )
                } else {
                    Cow::Owned(p.select(input, &self.context)?)
                }
            }
        };
        match selected {
            Cow::Borrowed(Value::Array(a)) => Ok(Cow::Borrowed(a.as_slice())),
            Cow::Owned(Value::Array(a)) => Ok(Cow::Owned(a)),
            other => Err(StatesError::runtime(format!(
                "Map state '{}': the items to iterate over must be a JSON array, but ItemsPath gives {}",
                st.name,
                type_name(&other)
            ))
            .into()),
        }
    }

    /// The items of a Map whose effective input is owned and read by nothing else: taken
    /// out of it instead of copied. None when they cannot be (the caller borrows them).
    fn take_map_items(
        st: &State,
        spec: &MapSpec,
        input: &mut Value,
    ) -> Option<Result<Vec<Value>, StatesError>> {
        if spec.item_reader.is_some() {
            return None;
        }
        let steps: &[PathStep] = match &spec.items_path {
            None => &[],
            Some(p) => p.definite_steps()?,
        };
        if let Some(sel) = &spec.item_selector {
            if !sel.reads_disjoint_from(steps) {
                return None;
            }
        }
        Some(match steps_take(input, steps) {
            Some(Value::Array(a)) => Ok(a),
            Some(other) => Err(StatesError::runtime(format!(
                "Map state '{}': the items to iterate over must be a JSON array, but ItemsPath gives {}",
                st.name,
                type_name(&other)
            ))),
            None => Err(match &spec.items_path {
                Some(p) => path_error(p, "ItemsPath"),
                None => StatesError::runtime("ItemsPath selected nothing"),
            }),
        })
    }

    /// One iteration's input: the item, or what ItemSelector makes of it.
    fn map_item_input(
        &mut self,
        spec: &MapSpec,
        input: &Value,
        input_bound: Bound,
        index: usize,
        item: Cow<'_, Value>,
        item_bound: Bound,
    ) -> Result<(Value, Bound), StatesError> {
        let Some(sel) = &spec.item_selector else {
            return Ok((item.into_owned(), item_bound));
        };
        let limit = self.payload_limit;
        if sel.can_evaluate_item(index, &item) {
            return sel.evaluate_item(
                input,
                input_bound,
                &self.context,
                index,
                item,
                &mut self.rng,
                limit,
            );
        }
        // $$.Map.Item exists only while ItemSelector is evaluated.
        if let Value::Object(c) = &mut self.context {
            c.insert(
                "Map".into(),
                json!({"Item": {"Index": index, "Value": item.into_owned()}}),
            );
        }
        let v = sel.evaluate_sized(input, input_bound, &self.context, &mut self.rng, limit);
        if let Value::Object(c) = &mut self.context {
            c.shift_remove("Map");
        }
        v
    }

    #[allow(clippy::too_many_arguments)]
    fn run_map(
        &mut self,
        st: &State,
        spec: &MapSpec,
        input: Cow<Value>,
        input_bound: Bound,
        raw: &Value,
        depth: usize,
        entered_id: u64,
    ) -> Flow<(Value, Bound)> {
        let mut input = input;
        let mut taken = None;
        if st.jsonata && spec.item_reader.is_none() {
            taken = Some(self.jsonata_items(st, spec, raw, entered_id));
        } else if let Cow::Owned(v) = &mut input {
            taken = Self::take_map_items(st, spec, v);
        }
        // Each item is a subtree of the input (from a definite ItemsPath).
        let item_bound = match (&spec.item_reader, &spec.items_path) {
            _ if st.jsonata && spec.items.is_some() => UNKNOWN,
            (Some(_), _) => UNKNOWN,
            (None, None) => input_bound,
            (None, Some(p)) if p.is_definite() && !p.is_context() => input_bound,
            _ => UNKNOWN,
        };
        // What is left of the input once the items were taken: a null in their place.
        let input_bound = plus(input_bound, 4);
        let items: Cow<[Value]> = match taken {
            Some(r) => Cow::Owned(r?),
            None => self.map_items(st, spec, &input, raw, entered_id)?,
        };
        let mut inputs: Vec<(Value, Bound)> = Vec::with_capacity(items.len());
        match items {
            Cow::Owned(items) if st.jsonata => {
                let parts = spec.item_query.as_ref().map(|_| self.item_parts(raw));
                for (i, item) in items.into_iter().enumerate() {
                    let v = match (&spec.item_query, &parts) {
                        (Some(q), Some(parts)) => {
                            let v = self.jsonata_item(st, q, parts, i, item, entered_id)?;
                            let b = check_size(self.payload_limit, &v, UNKNOWN, "input", &st.name)?;
                            (v, b)
                        }
                        _ => (item, item_bound),
                    };
                    inputs.push(v);
                }
            }
            Cow::Owned(items) => {
                for (i, item) in items.into_iter().enumerate() {
                    inputs.push(self.map_item_input(
                        spec,
                        &input,
                        input_bound,
                        i,
                        Cow::Owned(item),
                        item_bound,
                    )?);
                }
            }
            Cow::Borrowed(items) => {
                for (i, item) in items.iter().enumerate() {
                    inputs.push(self.map_item_input(
                        spec,
                        &input,
                        input_bound,
                        i,
                        Cow::Borrowed(item),
                        item_bound,
                    )?);
                }
            }
        }
        if let Some(b) = &spec.batcher {
            let plain = inputs.into_iter().map(|(v, _)| v).collect();
            inputs = self
                .batch(st, b, plain, &input, raw, entered_id)?
                .into_iter()
                .map(|v| (v, UNKNOWN))
                .collect();
        }
        let input: &Value = &input;
        let total = inputs.len();
        let length = total;
        self.event_with("MapStateStarted", || {
            ("mapStateStartedEventDetails", json!({"length": length}))
        })?;
        let map_run_arn = format!(
            "arn:aws:states:{REGION}:{ACCOUNT}:mapRun:{}/{}:{}",
            self.state_machine_arn.rsplit(':').next().unwrap_or(""),
            spec.label.as_deref().unwrap_or(&st.name),
            hex_id(&mut self.rng)
        );
        if spec.distributed {
            let arn = map_run_arn.clone();
            self.event_with("MapRunStarted", || {
                ("mapRunStartedEventDetails", json!({"mapRunArn": arn}))
            })?;
        }
        let concurrency = self
            .amount_of(
                st,
                &spec.max_concurrency,
                raw,
                ("MaxConcurrency", "MaxConcurrencyPath"),
                entered_id,
            )?
            .map(|c| c as usize)
            .filter(|c| *c > 0)
            .unwrap_or(usize::MAX)
            .min(total.max(1));
        let tolerated_count = self.amount_of(
            st,
            &spec.tolerated_count,
            raw,
            ("ToleratedFailureCount", "ToleratedFailureCountPath"),
            entered_id,
        )?;
        let tolerated_pct = self.amount_of(
            st,
            &spec.tolerated_percentage,
            raw,
            (
                "ToleratedFailurePercentage",
                "ToleratedFailurePercentagePath",
            ),
            entered_id,
        )?;
        let start = self.now;
        // Free-at times of the concurrency slots, earliest first (only as many as items;
        // unlimited concurrency means every iteration starts at the Map's start).
        let limited = concurrency < total;
        let mut slots: BinaryHeap<Reverse<i64>> = BinaryHeap::new();
        if limited {
            slots.extend(std::iter::repeat_n(Reverse(start), concurrency));
        }
        let mut end = start;
        let mut results = Vec::with_capacity(total);
        let mut failures = 0usize;
        let mut paused = false;
        let name = st.name.as_str();
        let mut bounds = Vec::with_capacity(total);
        for (index, (item_input, item_input_bound)) in inputs.into_iter().enumerate() {
            let free_at = if limited {
                slots.pop().map(|r| r.0).unwrap_or(start)
            } else {
                start
            };
            self.now = free_at;
            self.event_with("MapIterationStarted", || {
                (
                    "mapIterationStartedEventDetails",
                    json!({"name": name, "index": index}),
                )
            })?;
            if spec.distributed {
                self.detached += 1;
            }
            if self.vars_on {
                // A Distributed Map's child executions cannot read the parent's variables.
                vars::push(spec.distributed);
            }
            let r = self.run_machine(&spec.processor, item_input, item_input_bound, depth + 1);
            if self.vars_on {
                vars::pop();
            }
            if spec.distributed {
                self.detached -= 1;
            }
            if limited {
                slots.push(Reverse(self.now));
            }
            end = end.max(self.now);
            let n2 = name;
            match r {
                Ok((v, vb)) => {
                    bounds.push(vb);
                    self.event_with("MapIterationSucceeded", || {
                        (
                            "mapIterationSucceededEventDetails",
                            json!({"name": n2, "index": index}),
                        )
                    })?;
                    results.push(v);
                }
                Err(Stop::Halt(Halt::Paused)) => {
                    paused = true;
                    results.push(Value::Null);
                }
                Err(Stop::Error(e)) => {
                    self.event_with("MapIterationFailed", || {
                        (
                            "mapIterationFailedEventDetails",
                            json!({"name": n2, "index": index}),
                        )
                    })?;
                    if !spec.distributed {
                        self.now = end;
                        self.event("MapStateFailed", None)?;
                        return Err(Stop::Error(e));
                    }
                    failures += 1;
                    let over_count = failures as f64 > tolerated_count.unwrap_or(0.0);
                    let over_pct = tolerated_pct
                        .is_none_or(|p| (failures as f64) * 100.0 / (total as f64) > p);
                    // With both set, exceeding either fails the run; with one, that one decides.
                    let exceeded = match (tolerated_count, tolerated_pct) {
                        (None, None) => true,
                        (Some(_), None) => over_count,
                        (None, Some(_)) => over_pct,
                        (Some(_), Some(_)) => over_count || over_pct,
                    };
                    if exceeded {
                        self.now = end;
                        let arn = map_run_arn.clone();
                        self.event_with("MapRunFailed", || {
                            ("mapRunFailedEventDetails", json!({"error": "States.ExceedToleratedFailureThreshold", "cause": format!("The tolerated failure threshold was exceeded ({arn})")}))
                        })?;
                        self.event("MapStateFailed", None)?;
                        return Err(StatesError::new(
                            "States.ExceedToleratedFailureThreshold",
                            format!(
                                "The Map state '{}' failed because {failures} of {total} items failed, more than the tolerated failure threshold",
                                st.name
                            ),
                        )
                        .into());
                    }
                    let failed = json!({"Error": e.error, "Cause": e.cause});
                    bounds.push(measure(&failed, self.payload_limit));
                    results.push(failed);
                }
                Err(other) => return Err(other),
            }
        }
        self.now = end;
        if paused {
            return Err(Stop::Halt(Halt::Paused));
        }
        if spec.distributed {
            self.event("MapRunSucceeded", None)?;
        }
        self.event("MapStateSucceeded", None)?;
        if let Some(w) = &spec.result_writer {
            let params = match (&w.parameters, &w.arguments) {
                (Some(t), _) => t.evaluate(input, &self.context, &mut self.rng)?,
                (None, Some(q)) => {
                    self.map_object(st, q, raw, entered_id, "ResultWriter/Arguments")?
                }
                (None, None) => json!({}),
            };
            let bucket = params.get("Bucket").cloned().unwrap_or(Value::Null);
            let prefix = params.get("Prefix").and_then(Value::as_str).unwrap_or("");
            let id = hex_id(&mut self.rng);
            let key = if prefix.is_empty() {
                format!("{id}/manifest.json")
            } else {
                format!("{}/{id}/manifest.json", prefix.trim_end_matches('/'))
            };
            return Ok((
                json!({"MapRunArn": map_run_arn, "ResultWriterDetails": {"Bucket": bucket, "Key": key}}),
                UNKNOWN,
            ));
        }
        // A paused iteration left a null (and no bound): the bound then counts 4 for it.
        let bound = if bounds.len() == results.len() {
            array_bound(bounds)
        } else {
            UNKNOWN
        };
        Ok((Value::Array(results), bound))
    }

    fn batch(
        &mut self,
        st: &State,
        b: &Batcher,
        items: Vec<Value>,
        input: &Value,
        raw: &Value,
        entered_id: u64,
    ) -> Flow<Vec<Value>> {
        // A limit of 0 is no limit.
        let mut limit = |a: &Option<Amount>, fields| {
            let n = self.amount_of(st, a, raw, fields, entered_id)?;
            Ok::<_, StatesError>(n.map(|n| n as usize).filter(|n| *n > 0))
        };
        let max_items = limit(&b.max_items, ("MaxItemsPerBatch", "MaxItemsPerBatchPath"))?;
        let max_bytes = limit(
            &b.max_bytes,
            ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"),
        )?;
        let batch_input = match (&b.batch_input, &b.batch_query) {
            (Some(t), _) => Some(t.evaluate(input, &self.context, &mut self.rng)?),
            (None, Some(q)) => Some(self.eval_query(st, q, raw, entered_id)?),
            (None, None) => None,
        };
        let mut batches = Vec::new();
        let mut cur: Vec<Value> = Vec::new();
        let mut cur_bytes = 0usize;
        for item in items {
            let size = json_size(&item, usize::MAX);
            let full_items = max_items.is_some_and(|m| cur.len() >= m);
            let full_bytes = max_bytes.is_some_and(|m| !cur.is_empty() && cur_bytes + size > m);
            if full_items || full_bytes {
                batches.push(std::mem::take(&mut cur));
                cur_bytes = 0;
            }
            cur_bytes += size + 1;
            cur.push(item);
        }
        if !cur.is_empty() {
            batches.push(cur);
        }
        Ok(batches
            .into_iter()
            .map(|items| {
                let mut o = Map::new();
                if let Some(bi) = &batch_input {
                    o.insert("BatchInput".into(), bi.clone());
                }
                o.insert("Items".into(), Value::Array(items));
                Value::Object(o)
            })
            .collect())
    }
}

/// JSONata states and workflow variables.
impl Engine<'_> {
    /// The reserved `$states` variable: the state's input, the context object and, where
    /// they exist, `result` or `errorOutput`.
    fn states_value(&self, input: &Value, extra: Option<(&str, &Value)>) -> Value {
        let mut m = Map::new();
        m.insert("input".into(), input.clone());
        m.insert("context".into(), self.context.clone());
        if let Some((k, v)) = extra {
            m.insert(k.into(), v.clone());
        }
        Value::Object(m)
    }

    /// Evaluation of `st`'s JSONata fields on the run's clock and random source; causes
    /// name the state and its StateEntered event.
    fn query_cx<'s>(&'s mut self, st: &'s State, states: &Value, entered_id: u64) -> QueryCx<'s> {
        let mut cx = QueryCx::new(self.now as f64, &mut self.rng, &st.name, entered_id);
        cx.set_states(states);
        cx
    }

    /// AWS's EvaluationFailed event for a JSONata evaluation failure of this state's own
    /// fields (an error passing up from a Map iteration or Parallel branch was reported
    /// there). The field named in the cause is the event's `location`.
    /// <https://docs.aws.amazon.com/step-functions/latest/apireference/API_EvaluationFailedEventDetails.html>
    fn eval_failed(&mut self, st: &State, entered_id: u64, e: &StatesError) -> Result<(), Stop> {
        if !st.jsonata || e.error != crate::query::QUERY_ERROR {
            return Ok(());
        }
        let own = query::cause_prefix(&st.name, entered_id);
        if !e.cause.starts_with(&own) {
            return Ok(());
        }
        let location = e
            .cause
            .split_once("for the field '")
            .and_then(|(_, rest)| rest.split_once('\''))
            .map(|(field, _)| field)
            .unwrap_or("");
        let name = &st.name;
        self.event_with("EvaluationFailed", || {
            (
                "evaluationFailedEventDetails",
                json!({"error": e.error, "cause": e.cause, "location": location, "state": name}),
            )
        })
    }

    /// A JSONPath Assign evaluated against `value` (keys ending in `.$` read it, or a
    /// variable, or call an intrinsic).
    fn path_assign(
        &mut self,
        a: &Assign,
        value: &Value,
    ) -> Result<Map<String, Value>, StatesError> {
        match a {
            Assign::Path(t) => match t.evaluate(value, &self.context, &mut self.rng)? {
                Value::Object(m) => Ok(m),
                other => Err(StatesError::runtime(format!(
                    "Assign must give an object of variables, not {}",
                    type_name(&other)
                ))),
            },
            Assign::Query(_) => Err(StatesError::runtime("A JSONata Assign in a JSONPath state")),
        }
    }

    /// A number field given literally, by a `...Path` (JSONPath) or by an expression
    /// (JSONata), read against the state's raw input.
    #[inline]
    fn amount_of(
        &mut self,
        st: &State,
        a: &Option<Amount>,
        raw: &Value,
        (field, path_field): (&str, &str),
        entered_id: u64,
    ) -> Result<Option<f64>, StatesError> {
        match a {
            None => Ok(None),
            Some(Amount::Fixed(n)) => Ok(Some(*n)),
            Some(Amount::Query(q)) => self.query_amount(st, q, raw, field, entered_id),
            Some(Amount::Path(_)) => amount(a, raw, &self.context, path_field),
        }
    }

    #[inline(never)]
    fn query_amount(
        &mut self,
        st: &State,
        q: &Query,
        raw: &Value,
        field: &str,
        entered_id: u64,
    ) -> Result<Option<f64>, StatesError> {
        let states = self.states_value(raw, None);
        let mut cx = self.query_cx(st, &states, entered_id);
        q.evaluate_as(&mut cx, field, NON_NEGATIVE_INTEGER, non_negative_integer)
            .map(Some)
    }

    /// A JSONata state's output (Output, or `default`) and Assign, both evaluated against
    /// the variables as they were when the state was entered.
    fn jsonata_output(
        &mut self,
        st: &State,
        raw: &Value,
        extra: Option<(&str, &Value)>,
        default: Value,
        trace: &Trace,
    ) -> Result<(Option<usize>, Value, Bound), StatesError> {
        let states = self.states_value(raw, extra);
        let mut cx = self.query_cx(st, &states, trace.entered_id);
        let (out, assigned) =
            output_and_assign(&mut cx, st.output.as_ref(), st.assign.as_deref(), default)?;
        let bound = check_size(self.payload_limit, &out, UNKNOWN, "output", &st.name)?;
        self.assigned = assigned;
        Ok((None, out, bound))
    }

    /// Pass, Succeed, Wait, Choice and Fail in JSONata; Task, Parallel and Map go through
    /// Retry/Catch as in JSONPath.
    fn run_jsonata(
        &mut self,
        st: &State,
        raw: Value,
        rb: Bound,
        depth: usize,
        trace: &mut Trace,
    ) -> Flow<(Option<usize>, Value, Bound)> {
        match &st.kind {
            Kind::Task(_) | Kind::Parallel { .. } | Kind::Map(_) => {
                self.run_with_retry(st, raw, rb, depth, trace)
            }
            Kind::Fail(spec) => Err(Stop::Error(self.run_fail(spec, &raw, trace.entered_id, st))),
            Kind::Pass { result } => {
                let default = result.clone().unwrap_or_else(|| raw.clone());
                Ok(self.jsonata_output(st, &raw, None, default, trace)?)
            }
            Kind::Succeed => Ok(self.jsonata_output(st, &raw, None, raw.clone(), trace)?),
            Kind::Wait(spec) => {
                let until = self.jsonata_wait_until(st, spec, &raw, trace)?;
                if until > self.now {
                    self.now = until;
                    self.check_deadline()?;
                }
                Ok(self.jsonata_output(st, &raw, None, raw.clone(), trace)?)
            }
            Kind::Choice { choices, default } => {
                let states = self.states_value(&raw, None);
                let mut cx = self.query_cx(st, &states, trace.entered_id);
                let mut matched = None;
                for c in choices {
                    let Cond::Query(q) = &c.cond else { continue };
                    let holds = q.evaluate_as(&mut cx, "Condition", "'boolean'", |v| match v {
                        Value::Bool(b) => Ok(b),
                        other => Err(other),
                    })?;
                    if holds {
                        matched = Some(c);
                        break;
                    }
                }
                // The matched rule's Output/Assign, or the state's when Default is taken.
                let (next, output, assign) = match (matched, default) {
                    (Some(c), _) => (c.next, c.output.as_ref(), c.assign.as_deref()),
                    (None, Some(d)) => (*d, st.output.as_ref(), st.assign.as_deref()),
                    (None, None) => return Err(no_choice_matched(st).into()),
                };
                let (out, assigned) = output_and_assign(&mut cx, output, assign, raw)?;
                if assigned.is_some() {
                    self.assigned = assigned;
                }
                let bound = check_size(self.payload_limit, &out, UNKNOWN, "output", &st.name)?;
                Ok((Some(next), out, bound))
            }
        }
    }

    fn jsonata_wait_until(
        &mut self,
        st: &State,
        spec: &WaitSpec,
        raw: &Value,
        trace: &Trace,
    ) -> Result<i64, StatesError> {
        let query = match spec {
            WaitSpec::Seconds(s) => return Ok(clock::add_seconds(self.now, *s)),
            WaitSpec::Timestamp(t) => return Ok(clock::parse_rfc3339(t).unwrap_or(self.now)),
            WaitSpec::SecondsQuery(q) | WaitSpec::TimestampQuery(q) => q,
            WaitSpec::SecondsPath(_) | WaitSpec::TimestampPath(_) => {
                return Err(StatesError::runtime(
                    "A JSONPath Wait field in a JSONata state",
                ))
            }
        };
        let states = self.states_value(raw, None);
        let mut cx = self.query_cx(st, &states, trace.entered_id);
        if let WaitSpec::SecondsQuery(_) = spec {
            let n = query.evaluate_as(
                &mut cx,
                "Seconds",
                NON_NEGATIVE_INTEGER,
                non_negative_integer,
            )?;
            return Ok(clock::add_seconds(cx_now(&cx), n));
        }
        let v = query.evaluate(&mut cx)?;
        match v
            .as_str()
            .and_then(crate::choice::parse_timestamp)
            .map(|ns| (ns / 1_000_000) as i64)
        {
            Some(ms) => Ok(ms),
            None => Err(cx.error(format!(
                "The JSONata expression specified for the field 'Timestamp' must give an ISO-8601 extended offset date-time string such as 2016-03-14T01:59:00Z, but gave {v}"
            ))),
        }
    }

    /// One attempt of a JSONata Task/Parallel/Map: Arguments, then the work; the raw
    /// result is `$states.result`.
    fn attempt_jsonata(
        &mut self,
        st: &State,
        raw: &Value,
        rb: Bound,
        depth: usize,
        trace: &mut Trace,
    ) -> Flow<(Value, Bound)> {
        let token = self.issue_token(st);
        let args = match (&st.arguments, &st.kind) {
            (Some(q), Kind::Task(_) | Kind::Parallel { .. }) => {
                Some(self.eval_query(st, q, raw, trace.entered_id))
            }
            _ => None,
        };
        self.withdraw_token(&token);
        let (params, params_bound) = match args {
            Some(v) => {
                let v = v?;
                let b = check_size(
                    self.payload_limit,
                    &v,
                    UNKNOWN,
                    "input after Arguments",
                    &st.name,
                )?;
                if self.record {
                    trace.after_arguments = Some(v.clone());
                }
                (Cow::Owned(v), b)
            }
            None => (Cow::Borrowed(raw), rb),
        };
        let result = match &st.kind {
            Kind::Task(spec) => self.invoke(st, spec, params, params_bound, raw, token, trace)?,
            Kind::Parallel { branches } => {
                self.run_parallel(branches, params, params_bound, depth)?
            }
            Kind::Map(spec) => {
                self.run_map(st, spec, params, params_bound, raw, depth, trace.entered_id)?
            }
            _ => (params.into_owned(), params_bound),
        };
        if self.record {
            trace.result = Some(result.0.clone());
        }
        Ok(result)
    }

    /// A JSONata field whose `$states` is the state's input and context (Task and Parallel
    /// Arguments; ItemReader and ResultWriter Arguments and ItemBatcher BatchInput, below
    /// a Map's top level). A literal skips building `$states`.
    #[inline(never)]
    fn eval_query(
        &mut self,
        st: &State,
        q: &Query,
        raw: &Value,
        entered_id: u64,
    ) -> Result<Value, StatesError> {
        if let Some(v) = q.literal() {
            return Ok(v.clone());
        }
        let states = self.states_value(raw, None);
        let mut cx = self.query_cx(st, &states, entered_id);
        q.evaluate(&mut cx)
    }

    /// [`Engine::eval_query`] for the Map fields that must give an object.
    fn map_object(
        &mut self,
        st: &State,
        q: &Query,
        raw: &Value,
        entered_id: u64,
        field: &str,
    ) -> Result<Value, StatesError> {
        match self.eval_query(st, q, raw, entered_id)? {
            v @ Value::Object(_) => Ok(v),
            other => Err(query::type_error(
                &st.name, entered_id, field, "'object'", &other,
            )),
        }
    }

    /// A JSONata Map's items: `Items` (an array or an expression giving one), or the input.
    fn jsonata_items(
        &mut self,
        st: &State,
        spec: &MapSpec,
        raw: &Value,
        entered_id: u64,
    ) -> Result<Vec<Value>, StatesError> {
        let Some(q) = &spec.items else {
            return match raw {
                Value::Array(a) => Ok(a.clone()),
                other => Err(StatesError::runtime(format!(
                    "Map state '{}': the items to iterate over must be a JSON array, but the state input is {}",
                    st.name,
                    type_name(other)
                ))),
            };
        };
        let states = self.states_value(raw, None);
        let mut cx = self.query_cx(st, &states, entered_id);
        q.evaluate_as(&mut cx, "Items", "'array'", |v| match v {
            Value::Array(a) => Ok(a),
            other => Err(other),
        })
    }

    /// The Map's input and the context object's members, converted for JSONata once per
    /// Map rather than once per item (the input holds every item).
    fn item_parts(&self, raw: &Value) -> ItemParts {
        let context = match &self.context {
            Value::Object(m) => m
                .iter()
                .map(|(k, v)| (k.clone(), Converted::new(v)))
                .collect(),
            _ => Vec::new(),
        };
        ItemParts {
            input: Converted::new(raw),
            context,
        }
    }

    /// A JSONata ItemSelector for one item: `$states.context.Map.Item.Index/Value` exist
    /// while it is evaluated.
    fn jsonata_item(
        &mut self,
        st: &State,
        q: &Query,
        parts: &ItemParts,
        index: usize,
        item: Value,
        entered_id: u64,
    ) -> Result<Value, StatesError> {
        let map = Converted::new(&json!({"Item": {"Index": index, "Value": item}}));
        let context = Converted::object(
            parts
                .context
                .iter()
                .cloned()
                .chain(std::iter::once(("Map".to_string(), map))),
        );
        let states = Converted::object([
            ("input".to_string(), parts.input.clone()),
            ("context".to_string(), context),
        ]);
        let mut cx = QueryCx::new(self.now as f64, &mut self.rng, &st.name, entered_id);
        cx.set_converted_states(&states);
        q.evaluate(&mut cx)
    }
}

/// See [`Engine::item_parts`].
struct ItemParts {
    input: Converted,
    context: Vec<(String, Converted)>,
}

/// A JSONata state's Output (else `default`) and Assign, or those of the Choice rule or
/// catcher that replaces them: both read the same `$states` and the variables as they were
/// when the state was entered.
fn output_and_assign(
    cx: &mut QueryCx,
    output: Option<&Query>,
    assign: Option<&Assign>,
    default: Value,
) -> Result<(Value, Option<Map<String, Value>>), StatesError> {
    let out = match output {
        Some(q) => q.evaluate(cx)?,
        None => default,
    };
    let assigned = match assign {
        Some(Assign::Query(q)) => Some(q.evaluate_object(cx)?),
        _ => None,
    };
    Ok((out, assigned))
}

fn cx_now(cx: &QueryCx) -> i64 {
    cx.now_ms as i64
}

struct TaskEvents {
    scheduled: &'static str,
    started: &'static str,
    succeeded: &'static str,
    failed: &'static str,
    timed_out: &'static str,
}

fn event_names(prefix: &str) -> TaskEvents {
    match prefix {
        "LambdaFunction" => TaskEvents {
            scheduled: "LambdaFunctionScheduled",
            started: "LambdaFunctionStarted",
            succeeded: "LambdaFunctionSucceeded",
            failed: "LambdaFunctionFailed",
            timed_out: "LambdaFunctionTimedOut",
        },
        "Activity" => TaskEvents {
            scheduled: "ActivityScheduled",
            started: "ActivityStarted",
            succeeded: "ActivitySucceeded",
            failed: "ActivityFailed",
            timed_out: "ActivityTimedOut",
        },
        _ => TaskEvents {
            scheduled: "TaskScheduled",
            started: "TaskStarted",
            succeeded: "TaskSucceeded",
            failed: "TaskFailed",
            timed_out: "TaskTimedOut",
        },
    }
}

fn takes_input_by_move(st: &State) -> bool {
    let dead_after = !st.jsonata
        && st.retry.is_empty()
        && st.catch.is_empty()
        && matches!(st.result_path, ResultPath::Replace)
        && matches!(st.input_path, IoPath::Identity);
    if !dead_after {
        return false;
    }
    let fixed = |a: &Option<Amount>| matches!(a, None | Some(Amount::Fixed(_)));
    match &st.kind {
        Kind::Task(spec) => fixed(&spec.timeout) && fixed(&spec.heartbeat),
        Kind::Parallel { .. } => true,
        // A Map reads its raw input for `...Path` amounts, ItemReader, ItemBatcher and
        // ResultWriter; without them its items can be taken out of the input.
        Kind::Map(spec) => {
            fixed(&spec.max_concurrency)
                && fixed(&spec.tolerated_count)
                && fixed(&spec.tolerated_percentage)
                && spec.item_reader.is_none()
                && spec.batcher.is_none()
                && spec.result_writer.is_none()
        }
        _ => false,
    }
}

fn needs_token(t: &TaskSpec) -> bool {
    matches!(
        t.kind,
        ResourceKind::Service {
            pattern: Pattern::WaitForTaskToken,
            ..
        } | ResourceKind::Activity
    )
}

fn min_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn no_choice_matched(st: &State) -> StatesError {
    StatesError::new(
        "States.NoChoiceMatched",
        format!(
            "No Choice Rules matched and no Default in state '{}'",
            st.name
        ),
    )
}

fn timeout_error(heartbeat: bool) -> StatesError {
    if heartbeat {
        StatesError::new(
            "States.HeartbeatTimeout",
            "The task did not send a heartbeat within HeartbeatSeconds",
        )
    } else {
        StatesError::new("States.Timeout", "The task ran longer than TimeoutSeconds")
    }
}

/// History's `resourceType`/`resource` split: `arn:aws:states:::lambda:invoke` → ("lambda", "invoke").
fn resource_parts(resource: &str) -> (String, String) {
    if let Some(rest) = resource.strip_prefix("arn:aws:states:::") {
        let (a, b) = rest.split_once(':').unwrap_or((rest, ""));
        return (a.to_string(), b.to_string());
    }
    let parts: Vec<&str> = resource.split(':').collect();
    if parts.len() >= 3 {
        return (parts[2].to_string(), parts[parts.len() - 1].to_string());
    }
    (String::new(), resource.to_string())
}

/// How AWS words the type of Wait Seconds and of the Task, Map and ItemBatcher amounts.
const NON_NEGATIVE_INTEGER: &str = "a non-negative integer";

fn non_negative_integer(v: Value) -> Result<f64, Value> {
    match v.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(n),
        _ => Err(v),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
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
    let started = engine.event_with("ExecutionStarted", || {
        (
            "executionStartedEventDetails",
            json!({"input": input_text, "inputDetails": {"truncated": false}, "roleArn": role}),
        )
    });
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
                    json!({"error": err, "cause": cause}),
                )
            });
            End::Failed(e)
        }
        Err(Stop::Halt(Halt::TimedOut)) => {
            let _ = engine.event_with("ExecutionTimedOut", || {
                (
                    "executionTimedOutEventDetails",
                    json!({"error": "States.Timeout", "cause": "The execution ran longer than the state machine's TimeoutSeconds"}),
                )
            });
            End::TimedOut
        }
        Err(Stop::Halt(Halt::Paused)) => End::Paused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(!error_matches(&all, "States.DataLimitExceeded"));
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
