//! The messages between the playground's UI thread and its engine worker.
//!
//! Both sides are Rust, so the protocol is a pair of serde enums sent as JSON text over
//! `postMessage`. Keeping them here (a crate with no engine or web dependency) lets the UI
//! share the exact types without linking the engines into the wasm it loads first.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A message with the id that pairs a reply with its request; replies to a request the UI
/// has since superseded are dropped by id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub id: u64,
    #[serde(flatten)]
    pub body: T,
}

/// What makes a run reproducible: the same settings give the same execution history.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RunSettings {
    pub definition: String,
    pub input: String,
    pub mocks: String,
    pub test_case: String,
    pub seed: u64,
    /// RFC 3339 start of the virtual clock; empty means the engine's default.
    pub start_time: String,
    /// "EXPRESS" for an Express workflow; anything else is Standard.
    pub execution_type: String,
}

/// Which history events the events view asks for.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventFilter {
    /// Event types to keep (e.g. `TaskFailed`); empty keeps all.
    pub types: Vec<String>,
    /// Keep only events of this state (entered, exited, and what happened in between).
    pub state: String,
}

/// A callback sent to a paused `.waitForTaskToken` execution, or virtual time passing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "action",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CallbackAction {
    Success {
        token: String,
        output: String,
    },
    Failure {
        token: String,
        error: String,
        cause: String,
    },
    Heartbeat {
        token: String,
    },
    AdvanceTime {
        seconds: f64,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Request {
    /// Diagnostics for the three editors and the definition's graph, as the user types.
    Validate {
        definition: String,
        input: String,
        mocks: String,
    },
    Run(RunSettings),
    /// A window of the last run's history, filtered.
    Events {
        from: usize,
        count: usize,
        filter: EventFilter,
    },
    /// A page of the last run's state visits (the table view), filtered and sorted.
    Visits {
        from: usize,
        count: usize,
        query: crate::visits::VisitQuery,
    },
    /// The data flow of one state visit of the last run.
    Step {
        visit: usize,
    },
    Callback(CallbackAction),
    /// RedriveExecution: run the last failed Standard execution again from where it failed.
    Redrive,
    /// Keep the last run as the one to compare the next runs with.
    Pin,
    Unpin,
    SuggestInput {
        definition: String,
    },
    SuggestMocks {
        definition: String,
    },
    AwsCli {
        definition: String,
        input: String,
        state: Option<String>,
    },
    TestPattern {
        pattern: String,
        event: String,
    },
    /// The workspace as a link fragment (`#w1.…`), for Share.
    Share {
        workspace: Box<crate::share::SharedWorkspace>,
    },
    /// The workspace as a file document (the link's document, as JSON).
    SaveWorkspace {
        workspace: Box<crate::share::SharedWorkspace>,
    },
    /// A link (or fragment) someone opened: decode it, untrusted.
    OpenLink {
        text: String,
    },
    /// A workspace file someone opened: read it, untrusted.
    OpenWorkspaceFile {
        text: String,
    },
    /// One pattern against many events, each explained (the EventBridge workbench).
    TestPatterns {
        pattern: String,
        events: Vec<String>,
    },
    /// What a rule target receives from `event` through an input transformer.
    Transform {
        paths_map: String,
        template: String,
        event: String,
        rule_name: String,
    },
    /// The next fire times of a rate, cron or at expression.
    FireTimes {
        expression: String,
        timezone: String,
        /// RFC 3339 time the times follow.
        from: String,
        count: usize,
        /// Scheduler's FlexibleTimeWindow MaximumWindowInMinutes; 0 is OFF.
        flexible_minutes: u32,
    },
    /// A bus scenario document (see `stepbridge_bus::scenario`) run from start to end.
    SimulateBus {
        scenario: String,
    },
    /// A CloudFormation or SAM template read as a system and, when `events` is not empty,
    /// run with those PutEvents entries and the mock config.
    ImportTemplate {
        template: String,
        events: String,
        mocks: String,
        test_case: String,
    },
    /// An EventBridge Pipes document (see `stepbridge_bus::pipes`) run on its records.
    RunPipe {
        document: String,
    },
    /// Grade a learner's answer to an exercise by running it through the engines.
    Grade {
        exercise: Box<crate::practice::Exercise>,
        answer: crate::practice::Answer,
    },
}

/// The EventBridge workbench's tools, naming which one an answer is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EbTool {
    Patterns,
    Transform,
    Schedule,
    Bus,
    Template,
    Pipes,
}

/// One diagnostic placed in an editor (1-based line and column).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Diag {
    /// "error" or "warning".
    pub severity: String,
    pub code: String,
    pub message: String,
    pub line: u32,
    pub column: u32,
    /// JSON pointer into the document, when the fault has one.
    #[serde(default)]
    pub pointer: String,
}

/// Where a run ended and what the views need to show it; large parts (the history, each
/// state's data) stay in the worker and are fetched a window at a time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RunReport {
    pub status: String,
    /// The execution's output, pretty-printed; cut short past a display limit.
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Why the run could not start (definition, input or mock file faults).
    pub diagnostics: Vec<Diag>,
    pub history_events: usize,
    /// How many state visits carry inspection data (the steps to walk through).
    pub state_visits: usize,
    /// The top-level variables at the end, pretty JSON; None when there are none.
    pub variables: Option<String>,
    /// Tokens a paused execution waits on: `{token, state, waited}`.
    pub task_tokens: Vec<Value>,
    /// Task states that ran without a mock.
    pub unmocked: Vec<String>,
    pub stop_time: Option<String>,
    /// The part of the run's trace every view needs at once: `{summary, nodeStats,
    /// firstSteps}` (see `crate::trace`); visits come with `Request::Visits`, steps with
    /// `Request::Step`.
    pub trace: Value,
    /// The state machine's laid-out graph (see `crate::graph`).
    pub graph: Value,
    /// Whether a paused execution can be resumed with a callback.
    pub resumable: bool,
    /// Whether the execution can be redriven (a Standard execution that did not succeed).
    pub redrivable: bool,
    pub redrive_count: u64,
    /// An Express run's CloudWatch Logs records (Express keeps no execution history).
    pub logs: Vec<Value>,
    /// Against the pinned run, when one is pinned.
    pub comparison: Option<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Response {
    /// The engines are loaded.
    Ready {
        version: String,
        /// What the editors offer to complete, less the state names (see `Validated`):
        /// `{fieldsByType, commonFields, intrinsics}`.
        completions: Value,
    },
    Validated {
        definition: Vec<Diag>,
        input: Vec<Diag>,
        mocks: Vec<Diag>,
        /// The laid-out graph of the definition when it parses.
        graph: Option<Value>,
        state_names: Vec<String>,
    },
    /// A long run is under way: history events so far.
    Progress {
        events: u64,
        state: String,
    },
    RunFinished(Box<RunReport>),
    EventsPage {
        from: usize,
        total: usize,
        events: Vec<Value>,
    },
    VisitsPage(Box<crate::visits::VisitPage>),
    StepDetail {
        visit: usize,
        detail: Value,
    },
    Pinned {
        ok: bool,
    },
    Text {
        purpose: String,
        text: String,
    },
    Pattern {
        answer: Value,
    },
    Shared {
        fragment: String,
    },
    WorkspaceOpened {
        workspace: Box<crate::share::SharedWorkspace>,
    },
    /// A link or file that cannot be opened: `reason` is `notOurs`, `newerVersion`,
    /// `truncated`, `damaged` or `tooLarge`.
    WorkspaceRefused {
        reason: String,
        message: String,
    },
    /// The answer of one EventBridge workbench tool; its shape is the tool's (see
    /// `stepbridge_wasm::worker::eventbridge`).
    EventBridge {
        tool: EbTool,
        answer: Value,
    },
    /// The verdict on a `Grade` request.
    Graded {
        exercise: String,
        grade: Box<crate::practice::Grade>,
    },
    /// A request the worker could not answer; the message says why.
    Error {
        message: String,
    },
}
