//! Exam-practice exercises: the document an exercise file holds, the learner's answer and
//! the grade the engines give it.
//!
//! The types live here (serde only) so that the UI can read exercise files and show grades
//! without linking the engines; the grader itself is `stepbridge-practice`, which runs the
//! answer through the engines in the worker, the CLI and the authoring test. The file format
//! is documented for authors in `static/exercises/SCHEMA.md`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::protocol::Diag;

/// How an exercise is graded; every kind is graded by running something, never by comparing
/// the answer's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ExerciseKind {
    /// An event pattern that must match some events and not others.
    Pattern,
    /// A state machine (fixed or completed by the learner) whose runs must end as the cases say.
    Workflow,
    /// The learner writes what a given run will produce; the engine's run is the key.
    Predict,
    /// An input transformer that must turn events into given target inputs.
    Transformer,
    /// A rate, cron or at expression whose next fire times must be the described ones.
    Schedule,
    /// A choice between options, graded against the options' documented facts.
    Choice,
}

/// What `Predict` asks the learner for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PredictTarget {
    /// The execution's output (JSON).
    #[default]
    Output,
    /// The state entered after `context.state` (a state name).
    NextState,
    /// The waits between the attempts of `context.state`, in seconds (a JSON array).
    RetryIntervals,
    /// The execution's status and, when it fails, its error (`{"status": ..., "error": ...}`).
    Outcome,
}

/// One exercise file (`static/exercises/<id>.json`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Exercise {
    /// The file name without `.json`; also the `#practice/<id>` link.
    pub id: String,
    pub title: String,
    /// The group the Practice list shows it under (e.g. "Error handling").
    pub topic: String,
    /// Exams it prepares for: "DVA-C02", "SAA-C03".
    pub exam: Vec<String>,
    /// "easy", "medium" or "hard".
    pub difficulty: String,
    pub kind: Option<ExerciseKind>,
    /// What to do, as plain paragraphs separated by blank lines (never inserted as HTML).
    pub statement: String,
    /// The fixed material the learner does not edit.
    pub context: Context,
    /// What the editors hold when the exercise is first opened (empty, broken or half-done).
    pub starter: Answer,
    /// The model answer, offered after a first attempt.
    pub solution: Answer,
    /// Why the solution is right, shown with it.
    pub explanation: String,
    /// Revealed one at a time.
    pub hints: Vec<String>,
    pub cases: Vec<Case>,
    /// Graded like `cases`, but their data is not shown to the learner.
    pub hidden_cases: Vec<Case>,
    /// AWS documentation pages the exercise's facts come from.
    pub sources: Vec<String>,
}

/// Material an exercise fixes: the machine of a Predict, the mocks a Workflow runs with, the
/// options of a Choice.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Context {
    /// A state machine definition (text) for Predict, or the default definition for others.
    pub definition: String,
    /// A MockConfigFile (text) the runs use; each case picks a test case from it.
    pub mocks: String,
    /// The execution input (JSON value) when a case gives none.
    pub input: Option<Value>,
    /// Predict: what the learner predicts.
    pub predict: PredictTarget,
    /// Predict NextState / RetryIntervals: the state the question is about.
    pub state: String,
    /// Transformer: the rule name `<aws.events.rule-name>` stands for.
    pub rule_name: String,
    /// Choice: the options and their facts.
    pub options: Vec<ChoiceOption>,
}

/// One option of a Choice exercise and what AWS documents about it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ChoiceOption {
    pub id: String,
    pub label: String,
    /// Documented facts, e.g. `{"maxDurationSeconds": 300, "semantics": "at-least-once"}`.
    pub facts: serde_json::Map<String, Value>,
}

/// What the learner writes; each kind uses some of the fields. It is also what a shared link
/// of a solved exercise carries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Answer {
    /// Workflow: the definition (JSON or YAML text).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub definition: String,
    /// Workflow: a mock file of the learner's, when the exercise lets them write one.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mocks: String,
    /// Workflow: "EXPRESS" or "STANDARD" when the exercise asks for the execution type.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub execution_type: String,
    /// Pattern: the event pattern (JSON text).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pattern: String,
    /// Transformer: InputPathsMap (JSON text, may be empty) and InputTemplate.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub input_paths_map: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub input_template: String,
    /// Schedule: `rate(...)`, `cron(...)` or `at(...)`, and its IANA time zone.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub expression: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub timezone: String,
    /// Predict: the prediction (JSON text, or a state name for NextState).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub prediction: String,
    /// Choice: the chosen option's id.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub choice: String,
}

/// One graded case. Which fields matter depends on the exercise's kind (see SCHEMA.md).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Case {
    pub name: String,
    /// Workflow / Predict: the execution input; Context.input when absent.
    pub input: Option<Value>,
    /// Workflow / Predict: the mock file's test case to run with.
    pub test_case: String,
    /// Workflow: callbacks sent, in order, to the task tokens the execution waits on.
    pub callbacks: Vec<CaseCallback>,
    /// Pattern / Transformer: the event.
    pub event: Option<Value>,
    /// Pattern: whether the event must match.
    pub matches: Option<bool>,
    /// Schedule: the fire times follow this RFC 3339 time.
    pub from: String,
    /// Choice: what the scenario needs of the chosen option.
    pub requirement: Option<Requirement>,
    pub expect: Expect,
}

/// A callback a Workflow case sends to the paused execution's oldest waiting token, or
/// virtual time passing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum CaseCallback {
    Success {
        #[serde(default)]
        output: Value,
    },
    Failure {
        #[serde(default)]
        error: String,
        #[serde(default)]
        cause: String,
    },
    Heartbeat,
    #[serde(rename_all = "camelCase")]
    AdvanceTime {
        seconds: f64,
    },
}

/// What a case expects; only the fields given are checked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Expect {
    /// Workflow: SUCCEEDED, FAILED, TIMED_OUT, ...
    pub status: Option<String>,
    /// Workflow: the execution's output, compared as JSON.
    pub output: Option<Value>,
    /// Workflow: the error and cause of a failed execution.
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Workflow: these states are entered, in this order (others may come between).
    pub visits: Vec<String>,
    /// Workflow: these states are never entered.
    pub not_visits: Vec<String>,
    /// Workflow: the waits, in seconds, between the attempts of a state: `{"Charge": [2, 4]}`.
    pub retry_intervals: serde_json::Map<String, Value>,
    /// Workflow: at most this many state transitions.
    pub max_transitions: Option<u64>,
    /// Transformer: what the target receives (a JSON value, or a string when the template
    /// makes text).
    pub target_input: Option<Value>,
    /// Schedule: the next fire times after `from`, RFC 3339 in UTC.
    pub fire_times: Vec<String>,
}

/// A Choice case: a fact the chosen option must have.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Requirement {
    /// The fact's name in `ChoiceOption.facts`.
    pub fact: String,
    /// The scenario's need, in words (shown when it is not met).
    pub need: String,
    pub equals: Option<Value>,
    pub at_least: Option<f64>,
    pub at_most: Option<f64>,
    /// The fact (an array) contains this value.
    pub includes: Option<Value>,
}

/// The Practice list's line for one exercise (`exercises/index.json` holds one per file).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExerciseSummary {
    pub id: String,
    pub title: String,
    pub topic: String,
    pub exam: Vec<String>,
    pub difficulty: String,
    pub kind: Option<ExerciseKind>,
}

impl From<&Exercise> for ExerciseSummary {
    fn from(e: &Exercise) -> Self {
        ExerciseSummary {
            id: e.id.clone(),
            title: e.title.clone(),
            topic: e.topic.clone(),
            exam: e.exam.clone(),
            difficulty: e.difficulty.clone(),
            kind: e.kind,
        }
    }
}

/// The engines' verdict on an answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Grade {
    /// Every case, visible and hidden, passed.
    pub passed: bool,
    /// Faults in the answer itself (a definition that does not validate, a pattern AWS
    /// refuses), placed in the answer's text; cases are not run when there are any.
    pub diagnostics: Vec<Diag>,
    /// The answer field the diagnostics are placed in (`definition`, `pattern`,
    /// `inputPathsMap`, `inputTemplate`, `expression`, `timezone`, `prediction`, `choice`,
    /// `mocks`, `executionType`: Answer's names), so the page marks the right editor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub cases: Vec<CaseGrade>,
    /// Workflow: the state transitions of the learner's runs over all cases, and of the model
    /// solution's (Standard workflows are billed per transition: the "golf" score).
    pub transitions: Option<u64>,
    pub model_transitions: Option<u64>,
}

/// One case's verdict.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CaseGrade {
    pub name: String,
    pub hidden: bool,
    pub passed: bool,
    /// One sentence: what differed first ("the output's /total is 12, expected 10"), or what
    /// passed.
    pub message: String,
    /// The first differing state (Workflow) or JSON pointer (values), when there is one.
    pub state: Option<String>,
    pub pointer: Option<String>,
    /// What was expected and what the engine produced; left out for hidden cases.
    pub expected: Option<Value>,
    pub actual: Option<Value>,
}
