//! The Amazon States Language interpreter.
//!
//! CONTRACT (used by `stepbridge-cli`, `stepbridge-wasm` and `stepbridge-bus`; keep these
//! names and shapes):
//! - [`validate`] turns definition text (JSON or YAML) into diagnostics.
//! - [`run`] executes a definition to its end (or to a pause such as WAITING_FOR_CALLBACK);
//!   [`prepare`] + [`StateMachine::execute`] do the same with the definition compiled once,
//!   and [`StateMachine::execute_observed`] reports progress to a long run's observer.
//! - [`RunRequest`] deserialises from camelCase JSON; [`RunOutcome`] and [`Diagnostic`]
//!   serialise to the JSON shapes the CLI prints; [`RunStatus`] serialises to AWS's
//!   execution status names.
//! - [`Execution`] resumes paused runs with task-token callbacks.
//!
//! Layout: `states/` holds one module per state kind (its model, static checks and
//! execution); `engine/` the shared machinery (the loop, data flow, retry and catch, the
//! JSONata glue); `model` the compiled machine; `validate/` the scopes and field tables of
//! the static checks; `expr/` the expression layer (JSONPath, intrinsics, templates, JSONata
//! queries, variables, sizes, Choice rules).

mod clock;
mod engine;
mod error;
mod execution;
mod expr;
mod express;
mod history;
pub mod mock;
mod model;
mod redrive;
mod rng;
mod source;
mod states;
mod validate;

/// The expression layer for the fuzz targets (feature `fuzzing`); not a supported API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::expr::intrinsics::Intrinsic;
    pub use crate::expr::jsonpath::{apply_result_path, Path};
    pub use crate::rng::Rng;
}

pub use engine::{Callback, CallbackKind, PendingToken};
pub use error::StatesError;
pub use execution::Execution;
pub use expr::budget::DEFAULT_MAX_STEPS;
pub use express::{
    check_definition as check_express_definition, log_records, start_sync_execution, sync_response,
    ExecutionType, LogLevel, LoggingConfiguration, EXPRESS_MAX_SECONDS,
};
pub use redrive::REDRIVE_WINDOW_SECONDS;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How bad a [`Diagnostic`] is: an ERROR refuses the definition, a WARNING does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Error,
    Warning,
}

/// Where a diagnostic points: a JSON pointer and the 1-based line and column it starts at
/// in the definition text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// JSON pointer into the definition, e.g. `/States/Check/Next`.
    pub pointer: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// One finding of the static checks, or a problem with the request (input, mock file,
/// options). Codes follow AWS's ValidateStateMachineDefinition where one applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// AWS-style code, e.g. `MISSING_TRANSITION_TARGET`, `INVALID_INPUT`.
    pub code: String,
    pub message: String,
    pub location: Location,
}

/// Everything one run needs, as the CLI and the browser send it (camelCase JSON).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RunRequest {
    pub definition: String,
    /// Execution input as JSON text; empty means `{}`.
    pub input: String,
    /// Step Functions Local MockConfigFile as JSON text.
    pub mock_config: Option<String>,
    pub test_case: Option<String>,
    /// Entry of the mock file's `StateMachines` (default: the only one); also the state
    /// machine name in ARNs and `$$.StateMachine.Name`.
    pub state_machine: Option<String>,
    pub seed: u64,
    /// RFC 3339 start of the virtual clock (default 2024-01-01T00:00:00Z).
    pub start_time: Option<String>,
    /// Record the history events and per-state inspection data (default true). Off, the
    /// events are still counted for the quota but not built, which is much faster.
    pub history: Option<bool>,
    /// History event quota (default AWS's 25,000). Raising it runs workloads AWS would
    /// stop; it always stays finite so an endless loop still ends.
    pub max_history_events: Option<u64>,
    /// Payload quota in bytes (default AWS's 256 KiB, States.DataLimitExceeded past it).
    pub max_payload_bytes: Option<u64>,
    /// Callbacks for `.waitForTaskToken` tasks received so far (see [`Execution`]).
    pub callbacks: Vec<Callback>,
    /// STANDARD (default) or EXPRESS (see [`ExecutionType`]).
    pub execution_type: ExecutionType,
    /// An Express execution's CloudWatch Logs setting (default: level ALL with execution
    /// data); ignored for Standard.
    pub logging: Option<LoggingConfiguration>,
    /// Work budget in evaluation steps (default [`DEFAULT_MAX_STEPS`]): JSONata, JSONPath
    /// and intrinsic functions charge what they spend, and a run that uses it all ends
    /// ABORTED with a cause naming the budget, so no definition keeps the engine busy for
    /// minutes.
    pub max_steps: Option<u64>,
}

/// How a run ended. Serialises to the execution status names AWS uses (plus
/// WAITING_FOR_CALLBACK for a run paused on task tokens and INVALID for one that could not
/// start), which the CLI prints and the browser shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunStatus {
    /// Reached a Succeed state or an End; `output` holds the result.
    Succeeded,
    /// A States error nothing caught; `error` and `cause` say which.
    Failed,
    /// Ran past the machine's TimeoutSeconds (States.Timeout).
    TimedOut,
    /// Stopped from outside: the observer of [`StateMachine::execute_observed`] said so.
    Aborted,
    /// Paused on `.waitForTaskToken` tasks; `task_tokens` lists them (see [`Execution`]).
    WaitingForCallback,
    /// The definition or request was refused; `diagnostics` say why.
    Invalid,
}

impl RunStatus {
    /// The serialised name, e.g. `"WAITING_FOR_CALLBACK"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Succeeded => "SUCCEEDED",
            RunStatus::Failed => "FAILED",
            RunStatus::TimedOut => "TIMED_OUT",
            RunStatus::Aborted => "ABORTED",
            RunStatus::WaitingForCallback => "WAITING_FOR_CALLBACK",
            RunStatus::Invalid => "INVALID",
        }
    }
}

impl std::fmt::Display for RunStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of a run: status, output or error, history and per-state inspection data.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunOutcome {
    pub status: RunStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
    pub history: Vec<Value>,
    /// Per state, in execution order: TestState-like inspection data (input,
    /// afterInputPath, afterParameters, result, afterResultSelector, afterResultPath, output;
    /// in JSONata states input, afterArguments, result, output), and `variables`: the
    /// variables visible after the state's Assign, when there are any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub states: Vec<Value>,
    /// The task tokens the execution waits on (status WAITING_FOR_CALLBACK).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub task_tokens: Vec<PendingToken>,
    /// Task states that ran without a mock (their result was their input).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmocked: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_arn: Option<String>,
    /// Virtual time at the end of the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_time: Option<String>,
    /// The top-level workflow variables at the end of the run (absent when there are none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<serde_json::Map<String, Value>>,
    /// An Express execution's CloudWatch Logs records (absent for Standard, which keeps
    /// `history` instead); see [`log_records`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logs: Option<Vec<Value>>,
    /// How many times the execution was redriven (see [`Execution::redrive`]).
    #[serde(skip_serializing_if = "is_zero")]
    pub redrive_count: u32,
    /// Virtual time of the last redrive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redrive_date: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl RunOutcome {
    /// The outcome as JSON text. Serialising here compiles the serialiser with this crate's
    /// optimisation level, which the size-optimised wasm facade benefits from.
    ///
    /// Measured first, then written into a buffer of exactly that size: a run with its
    /// history can be tens of megabytes of text, and a buffer that doubles as it grows holds
    /// the old and the new copy at once (in wasm, whose memory never shrinks, that peak
    /// stays for good).
    pub fn to_json(&self) -> String {
        /// Counts the bytes serde_json would write.
        struct Count(usize);
        impl std::io::Write for Count {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0 += buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut count = Count(0);
        if serde_json::to_writer(&mut count, self).is_err() {
            return String::new();
        }
        let mut out = Vec::with_capacity(count.0);
        if serde_json::to_writer(&mut out, self).is_err() {
            return String::new();
        }
        // serde_json writes UTF-8 only.
        String::from_utf8(out).unwrap_or_default()
    }

    /// An outcome for a definition or request that cannot run.
    pub fn invalid(diagnostics: Vec<Diagnostic>) -> RunOutcome {
        RunOutcome {
            status: RunStatus::Invalid,
            output: None,
            error: None,
            cause: None,
            diagnostics,
            history: Vec::new(),
            states: Vec::new(),
            task_tokens: Vec::new(),
            unmocked: Vec::new(),
            execution_arn: None,
            stop_time: None,
            variables: None,
            logs: None,
            redrive_count: 0,
            redrive_date: None,
        }
    }
}

/// Static checks of a definition (JSON or YAML text), each fault with its pointer, line and
/// column. An empty list means the definition is valid; WARNINGs do not refuse it.
pub fn validate(source: &str) -> Vec<Diagnostic> {
    validate::validate(source)
}

/// Definition text (JSON or YAML, as [`validate`] accepts it) to a JSON value; an error is
/// the INVALID_JSON_DESCRIPTION diagnostic [`validate`] would give.
pub fn parse_source(text: &str) -> Result<Value, Diagnostic> {
    source::parse_source(text)
}

/// The 1-based line and column where a JSON pointer's node starts in definition text
/// ((1, 1) when the text does not parse or the pointer names nothing), so an editor can
/// show diagnostics next to the source.
pub fn locate(text: &str, pointer: &str) -> (u32, u32) {
    source::locate(text, pointer)
}

/// What an observer of a long run is told (see [`StateMachine::execute_observed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress<'a> {
    /// History events so far (counted even when history is not recorded).
    pub events: u64,
    /// The state being entered.
    pub state: &'a str,
}

/// History events between two calls of a run's observer: often enough for a progress bar
/// and a Stop button, rare enough that the calls cost nothing measurable.
pub const PROGRESS_EVERY: u64 = 500;

/// A diagnostic for something outside the definition (input, mock file, options).
fn request_error(code: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code: code.into(),
        message: message.into(),
        location: Location {
            pointer: String::new(),
            line: 1,
            column: 1,
        },
    }
}

/// A definition compiled once and runnable many times.
pub struct StateMachine {
    machine: model::Machine,
    /// Whether anything can read `$$.Execution.Input`; if not, the context object does not
    /// carry a copy of the input (a deep copy of a large input is the costliest step of a
    /// short run).
    reads_execution_input: bool,
    /// Whether any path can read `$$.State`; if not, the per-state `$$.State` bookkeeping
    /// is skipped.
    reads_state_context: bool,
}

/// Conservative: every `$$` except those followed by `.Execution`, `.StateMachine`, `.Task`
/// or `.Map` (as a whole name) may read `$$.State`.
fn may_read_state_context(definition: &str) -> bool {
    definition.match_indices("$$").any(|(i, _)| {
        let Some(rest) = definition[i + 2..].strip_prefix('.') else {
            return true;
        };
        !["Execution", "StateMachine", "Task", "Map"]
            .iter()
            .any(|name| {
                rest.strip_prefix(name).is_some_and(|after| {
                    !after
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            })
    })
}

/// Conservative: any mention of `Execution`, `$$` used whole (`"$$"`,
/// `States.JsonToString($$)`), or in JSONata `$states` / `$states.context` used whole
/// (`{% $states.context %}`, `{% $keys($states) %}`).
fn may_read_execution_input(definition: &str) -> bool {
    if definition.contains("Execution") {
        return true;
    }
    definition
        .match_indices("$$")
        .any(|(i, _)| !matches!(definition.as_bytes().get(i + 2), Some(b'.') | Some(b'[')))
        || definition.match_indices("$states").any(|(i, _)| {
            let rest = &definition[i + "$states".len()..];
            let member = |r: &str, name: &str| {
                r.strip_prefix(name).is_some_and(|after| {
                    !after
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            };
            match rest.strip_prefix('.') {
                None => true,
                Some(r)
                    if ["input", "result", "errorOutput"]
                        .iter()
                        .any(|n| member(r, n)) =>
                {
                    false
                }
                // `$states.context.X` reads X only; `Execution` was ruled out above.
                Some(r) => !r
                    .strip_prefix("context.")
                    .is_some_and(|x| x.starts_with(|c: char| c.is_alphabetic())),
            }
        })
}

/// Everything about one execution except the definition.
#[derive(Debug, Clone)]
pub struct ExecOptions {
    /// The mock file's test case: Task answers by state name.
    pub mocks: Option<mock::TestCase>,
    /// Seeds execution names, task tokens, UUIDs and `States.MathRandom`.
    pub seed: u64,
    /// Start of the virtual clock, in ms since the Unix epoch.
    pub start_ms: i64,
    /// Record the history events and per-state inspection data.
    pub history: bool,
    /// History event quota (AWS: 25,000).
    pub max_history_events: u64,
    /// Callbacks for `.waitForTaskToken` tasks received so far.
    pub callbacks: Vec<Callback>,
    /// The state machine's name in ARNs and `$$.StateMachine.Name`.
    pub state_machine_name: String,
    /// Payload quota per state input/output (default AWS's 256 KiB).
    pub max_payload_bytes: usize,
    /// STANDARD or EXPRESS.
    pub execution_type: ExecutionType,
    /// An Express execution's logging (see [`RunRequest::logging`]).
    pub logging: LoggingConfiguration,
    /// Work budget in evaluation steps (see [`RunRequest::max_steps`]).
    pub max_steps: u64,
}

impl Default for ExecOptions {
    fn default() -> Self {
        ExecOptions {
            mocks: None,
            seed: 0,
            start_ms: clock::DEFAULT_START_MS,
            history: true,
            max_history_events: engine::DEFAULT_MAX_EVENTS,
            callbacks: Vec::new(),
            state_machine_name: "StateMachine".into(),
            max_payload_bytes: engine::PAYLOAD_LIMIT,
            execution_type: ExecutionType::Standard,
            logging: LoggingConfiguration::default(),
            max_steps: DEFAULT_MAX_STEPS,
        }
    }
}

impl StateMachine {
    /// Validate and compile a definition (JSON or YAML). Any ERROR diagnostic refuses it.
    pub fn compile(definition: &str) -> Result<StateMachine, Vec<Diagnostic>> {
        let diagnostics = validate(definition);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return Err(diagnostics);
        }
        let src = source::Source::parse(definition).map_err(|d| vec![d])?;
        let reads_execution_input = may_read_execution_input(definition);
        model::build(&src.value)
            .map(|machine| StateMachine {
                machine,
                reads_execution_input,
                // JSONata reads the context object through `$states.context`.
                reads_state_context: may_read_state_context(definition)
                    || definition.contains("$states"),
            })
            .map_err(|errs| {
                errs.into_iter()
                    .map(|e| {
                        let (line, column) = src.map.locate(&e.pointer);
                        Diagnostic {
                            severity: Severity::Error,
                            code: "INVALID_DEFINITION".into(),
                            message: e.message,
                            location: Location {
                                pointer: e.pointer,
                                line,
                                column,
                            },
                        }
                    })
                    .collect()
            })
    }

    /// Run one execution to its end or to a pause.
    pub fn execute(&self, input: Value, options: &ExecOptions) -> RunOutcome {
        self.execute_inner(input, options, None)
    }

    /// [`StateMachine::execute`], calling `observer` as a state is entered once every
    /// [`PROGRESS_EVERY`] history events, so a browser worker can show progress of a long run
    /// and stop it: when the observer returns false the run ends with status ABORTED.
    pub fn execute_observed(
        &self,
        input: Value,
        options: &ExecOptions,
        observer: &mut dyn FnMut(Progress<'_>) -> bool,
    ) -> RunOutcome {
        self.execute_inner(input, options, Some(observer))
    }

    fn execute_inner(
        &self,
        input: Value,
        options: &ExecOptions,
        observer: Option<&mut dyn FnMut(Progress<'_>) -> bool>,
    ) -> RunOutcome {
        self.execute_attempt(input, options, observer, None)
    }

    /// One attempt of an execution; `attempt` carries a redrive's state in and out (see
    /// [`redrive`]).
    pub(crate) fn execute_attempt(
        &self,
        input: Value,
        options: &ExecOptions,
        observer: Option<&mut dyn FnMut(Progress<'_>) -> bool>,
        mut attempt: Option<&mut redrive::Attempt>,
    ) -> RunOutcome {
        let express = options.execution_type == ExecutionType::Express;
        // Express logs are made from the history events, so they need recording.
        let record = options.history || (express && options.logging.level != LogLevel::Off);
        let settings = engine::Settings {
            mocks: options.mocks.as_ref(),
            seed: options.seed,
            start_ms: options.start_ms,
            record,
            max_events: options.max_history_events.max(1),
            callbacks: &options.callbacks,
            state_machine_name: options.state_machine_name.clone(),
            payload_limit: options.max_payload_bytes,
            context_input: self.reads_execution_input,
            context_state: self.reads_state_context,
        };
        expr::vars::reset();
        expr::budget::reset(options.max_steps);
        let mut engine = engine::Engine::new(&settings, &self.machine, &input);
        if let Some(observer) = observer {
            engine.observe(observer);
        }
        if express {
            express::prepare_engine(&mut engine, &options.state_machine_name, options.start_ms);
        }
        if let Some(a) = attempt.as_deref_mut() {
            a.prepare(&mut engine);
        }
        let end = engine::execute(&mut engine, &self.machine, input);
        let variables = expr::vars::finish();
        let stop_time = Some(clock::format_ms(engine.now()));
        let mut out = RunOutcome::invalid(Vec::new());
        match end {
            engine::End::Succeeded(v) => {
                out.status = RunStatus::Succeeded;
                out.output = Some(v);
            }
            engine::End::Failed(e) => {
                out.status = RunStatus::Failed;
                // A failure without an error name (a mocked Throw with no Error) has none.
                out.error = Some(e.error).filter(|e| !e.is_empty());
                out.cause = Some(e.cause);
            }
            engine::End::TimedOut => {
                out.status = RunStatus::TimedOut;
                out.error = Some("States.Timeout".into());
                out.cause = Some(engine::timeout_cause(&engine).into());
            }
            engine::End::Paused => out.status = RunStatus::WaitingForCallback,
            engine::End::Aborted(events) => {
                out.status = RunStatus::Aborted;
                out.cause = Some(engine::aborted_cause(events));
            }
            engine::End::BudgetMet(cause) => {
                out.status = RunStatus::Aborted;
                out.cause = Some(cause);
            }
        }
        out.task_tokens = std::mem::take(&mut engine.pending);
        out.unmocked = std::mem::take(&mut engine.unmocked);
        out.states = std::mem::take(&mut engine.traces);
        out.execution_arn = Some(engine.execution_arn.clone());
        out.stop_time = stop_time;
        out.variables = (!variables.is_empty()).then_some(variables);
        if let Some(a) = attempt {
            a.finish(&mut engine, &mut out);
        }
        out.history =
            std::mem::replace(&mut engine.history, history::History::new(false, 0)).into_events();
        if express {
            out.logs = Some(log_records(
                &out.history,
                options.logging,
                &engine.execution_arn,
                0,
            ));
            // Express keeps no execution history.
            out.history = Vec::new();
        } else if !options.history {
            out.history = Vec::new();
        }
        if !options.history {
            out.states = Vec::new();
        }
        out
    }
}

/// Execution input text to a value (empty means `{}`); an error is an INVALID_INPUT
/// diagnostic.
pub fn parse_input(text: &str) -> Result<Value, Vec<Diagnostic>> {
    if text.trim().is_empty() {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    serde_json::from_str(text).map_err(|e| {
        vec![Diagnostic {
            severity: Severity::Error,
            code: "INVALID_INPUT".into(),
            message: format!("The execution input is not valid JSON: {e}"),
            location: Location {
                pointer: String::new(),
                line: e.line() as u32,
                column: e.column() as u32,
            },
        }]
    })
}

/// Parse the request's input, mocks and clock into options; errors are diagnostics.
pub fn prepare(
    request: &RunRequest,
) -> Result<(StateMachine, Value, ExecOptions), Vec<Diagnostic>> {
    let machine = StateMachine::compile(&request.definition)?;
    if request.execution_type == ExecutionType::Express {
        if let Ok(src) = source::Source::parse(&request.definition) {
            let refused = express::check_definition(&src.value);
            if !refused.is_empty() {
                return Err(refused
                    .into_iter()
                    .map(|mut d| {
                        let (line, column) = src.map.locate(&d.location.pointer);
                        d.location.line = line;
                        d.location.column = column;
                        d
                    })
                    .collect());
            }
        }
    }
    let input = parse_input(&request.input)?;
    let mocks = match &request.mock_config {
        Some(text) => Some(
            mock::load(
                text,
                request.state_machine.as_deref(),
                request.test_case.as_deref(),
            )
            .map_err(|e| vec![request_error("INVALID_MOCK_CONFIG", e)])?,
        ),
        None => None,
    };
    let start_ms = match &request.start_time {
        Some(t) => clock::parse_rfc3339(t).ok_or_else(|| {
            vec![request_error(
                "INVALID_START_TIME",
                format!(
                    "startTime '{t}' is not an RFC 3339 timestamp such as 2024-01-01T00:00:00Z"
                ),
            )]
        })?,
        None => clock::DEFAULT_START_MS,
    };
    let options = ExecOptions {
        mocks,
        seed: request.seed,
        start_ms,
        history: request.history.unwrap_or(true),
        max_history_events: request
            .max_history_events
            .unwrap_or(engine::DEFAULT_MAX_EVENTS),
        callbacks: request.callbacks.clone(),
        state_machine_name: request
            .state_machine
            .clone()
            .unwrap_or_else(|| "StateMachine".into()),
        max_payload_bytes: request
            .max_payload_bytes
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
            .unwrap_or(engine::PAYLOAD_LIMIT),
        execution_type: request.execution_type,
        logging: request.logging.unwrap_or_default(),
        max_steps: request.max_steps.unwrap_or(DEFAULT_MAX_STEPS),
    };
    Ok((machine, input, options))
}

/// Validate, compile and run. An invalid definition or request gives status INVALID.
pub fn run(request: &RunRequest) -> RunOutcome {
    match prepare(request) {
        Ok((machine, input, options)) => {
            let mut outcome = machine.execute(input, &options);
            if let Some(mocks) = &options.mocks {
                outcome.diagnostics.extend(machine.mock_warnings(mocks));
            }
            outcome
        }
        Err(diagnostics) => RunOutcome::invalid(diagnostics),
    }
}

impl StateMachine {
    /// A WARNING (code UNKNOWN_MOCKED_STATE) per mocked state name the definition does not
    /// have: such a mock never answers, which is almost always a typo.
    pub fn mock_warnings(&self, mocks: &mock::TestCase) -> Vec<Diagnostic> {
        fn names<'m>(m: &'m model::Machine, out: &mut std::collections::HashSet<&'m str>) {
            for st in &m.states {
                out.insert(st.name.as_str());
                match &st.kind {
                    model::Kind::Parallel { branches } => {
                        branches.iter().for_each(|b| names(b, out))
                    }
                    model::Kind::Map(spec) => names(&spec.processor, out),
                    _ => {}
                }
            }
        }
        let mut known = std::collections::HashSet::new();
        names(&self.machine, &mut known);
        mocks
            .unknown_states(&known)
            .into_iter()
            .map(|name| Diagnostic {
                severity: Severity::Warning,
                code: "UNKNOWN_MOCKED_STATE".into(),
                message: format!("The mock config's test case mocks the state '{name}', which this definition does not have; that mock never answers. Check the state name."),
                location: Location {
                    pointer: String::new(),
                    line: 1,
                    column: 1,
                },
            })
            .collect()
    }
}
