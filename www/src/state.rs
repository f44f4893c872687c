//! All UI state lives in one reducer, so every change is an `Action` and easy to follow.

use serde_json::Value;
use std::rc::Rc;
use stepbridge_asl::{RunOutcome, RunRequest};
use yew::Reducible;

use crate::examples;

/// Which text the user is editing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Field {
    Definition,
    Input,
    Mocks,
    TestCase,
    Pattern,
    Event,
}

/// What the user typed: never rewritten by the app, so nothing they write is lost.
#[derive(Clone, Debug, PartialEq)]
pub struct Workspace {
    pub definition: String,
    pub input: String,
    pub mocks: String,
    pub test_case: String,
    pub pattern: String,
    pub event: String,
}

impl Default for Workspace {
    fn default() -> Self {
        let example = &examples::ORDER_PROCESSING;
        Workspace {
            definition: example.definition.to_string(),
            input: example.input.to_string(),
            mocks: example.mocks.to_string(),
            test_case: example.test_case.to_string(),
            pattern: examples::ORDER_PATTERN.to_string(),
            event: examples::ORDER_EVENT.to_string(),
        }
    }
}

/// The result of the last Run, or why it could not start.
#[derive(Clone, Debug, PartialEq)]
pub enum RunView {
    Finished {
        status: String,
        output: Option<String>,
        error: Option<String>,
        cause: Option<String>,
        diagnostics: Vec<String>,
        events: usize,
    },
    /// A text box does not hold JSON: the message names the box and the place.
    BadJson(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum TestView {
    Matched(bool, String),
    Invalid(String),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppState {
    pub workspace: Workspace,
    pub run: Option<RunView>,
    pub test: Option<TestView>,
}

pub enum Action {
    Edit(Field, String),
    Run,
    Test,
}

impl AppState {
    /// Test case names of the mock file, for the picker; empty when it is not usable yet.
    pub fn test_cases(&self) -> Vec<String> {
        let Ok(mocks) = serde_json::from_str::<Value>(&self.workspace.mocks) else {
            return Vec::new();
        };
        let Some(machines) = mocks.get("StateMachines").and_then(Value::as_object) else {
            return Vec::new();
        };
        machines
            .values()
            .filter_map(|m| m.get("TestCases").and_then(Value::as_object))
            .flat_map(|cases| cases.keys().cloned())
            .collect()
    }

    fn run(&self) -> RunView {
        let ws = &self.workspace;
        if let Err(e) = serde_json::from_str::<Value>(&ws.input) {
            return RunView::BadJson(format!("Input is not valid JSON: {e}"));
        }
        let mocks = ws.mocks.trim();
        if !mocks.is_empty() {
            if let Err(e) = serde_json::from_str::<Value>(mocks) {
                return RunView::BadJson(format!("Mocks are not valid JSON: {e}"));
            }
        }
        let request = RunRequest {
            definition: ws.definition.clone(),
            input: ws.input.clone(),
            mock_config: (!mocks.is_empty()).then(|| mocks.to_string()),
            test_case: (!mocks.is_empty() && !ws.test_case.is_empty())
                .then(|| ws.test_case.clone()),
            ..RunRequest::default()
        };
        let outcome: RunOutcome = stepbridge_wasm::asl::run_execution_value(&request);
        RunView::Finished {
            status: outcome.status,
            output: outcome
                .output
                .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default()),
            error: outcome.error,
            cause: outcome.cause,
            diagnostics: outcome
                .diagnostics
                .iter()
                .map(|d| {
                    format!(
                        "{} at line {}, column {} ({}): {}",
                        d.code, d.location.line, d.location.column, d.location.pointer, d.message
                    )
                })
                .collect(),
            events: outcome.history.len(),
        }
    }

    fn test(&self) -> TestView {
        let ws = &self.workspace;
        let answer = stepbridge_wasm::events::test_pattern_value(&ws.pattern, &ws.event);
        match answer.get("result").and_then(Value::as_bool) {
            Some(matched) => {
                let explanation = answer
                    .get("explanation")
                    .map(|e| serde_json::to_string_pretty(e).unwrap_or_default())
                    .unwrap_or_default();
                TestView::Matched(matched, explanation)
            }
            None => {
                let message = answer
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("the engine gave no answer");
                let place = match (answer.get("line"), answer.get("column")) {
                    (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
                    _ => String::new(),
                };
                let error = answer
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("Error");
                TestView::Invalid(format!("{error}: {message}{place}"))
            }
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Edit(field, text) => {
                let ws = &mut next.workspace;
                match field {
                    Field::Definition => ws.definition = text,
                    Field::Input => ws.input = text,
                    Field::Mocks => ws.mocks = text,
                    Field::TestCase => ws.test_case = text,
                    Field::Pattern => ws.pattern = text,
                    Field::Event => ws.event = text,
                }
            }
            Action::Run => next.run = Some(next.run()),
            Action::Test => next.test = Some(next.test()),
        }
        Rc::new(next)
    }
}
