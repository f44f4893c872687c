//! All UI state lives in one reducer, so every change is an `Action` and easy to follow.

use serde_json::Value;
use std::rc::Rc;
use stepbridge_asl::{RunOutcome, RunRequest, RunStatus};
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
        let example = &examples::STATE_MACHINES[0];
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
        status: RunStatus,
        output: Option<String>,
        error: Option<String>,
        cause: Option<String>,
        diagnostics: Vec<String>,
        events: usize,
        /// The workflow variables at the end of the run, pretty JSON; None when none exist.
        variables: Option<String>,
        /// The states after which the variables changed, in execution order.
        assignments: Vec<Assignment>,
    },
    /// A text box does not hold JSON: the message names the box and the place.
    BadJson(String),
}

/// One state's effect on the workflow variables, as its inspection data records it.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub state: String,
    /// The variables in the state's scope after its `Assign`, pretty JSON.
    pub variables: String,
}

/// The steps whose `variables` differ from those of the step before: a run of many states
/// shows only where something was assigned.
fn assignments(states: &[Value]) -> Vec<Assignment> {
    let mut last: Option<&Value> = None;
    let mut out = Vec::new();
    for step in states {
        let Some(vars) = step.get("variables") else {
            continue;
        };
        if last != Some(vars) {
            out.push(Assignment {
                state: step
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                variables: serde_json::to_string_pretty(vars).unwrap_or_default(),
            });
        }
        last = Some(vars);
    }
    out
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
    /// Replace the state machine, input, mocks and test case with a built-in example.
    LoadExample(usize),
    Run,
    Test,
}

impl AppState {
    /// The built-in example the state machine text is, if it is one unchanged.
    pub fn current_example(&self) -> Option<usize> {
        let ws = &self.workspace;
        examples::STATE_MACHINES.iter().position(|ex| {
            ex.definition == ws.definition && ex.input == ws.input && ex.mocks == ws.mocks
        })
    }

    /// Whether loading an example would throw away text the user wrote.
    pub fn has_own_edits(&self) -> bool {
        self.current_example().is_none()
    }

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
        let variables = outcome
            .variables
            .as_ref()
            .filter(|v| !v.is_empty())
            .map(|v| serde_json::to_string_pretty(v).unwrap_or_default());
        let assignments = assignments(&outcome.states);
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
            variables,
            assignments,
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
            Action::LoadExample(index) => {
                if let Some(example) = examples::STATE_MACHINES.get(index) {
                    let ws = &mut next.workspace;
                    ws.definition = example.definition.to_string();
                    ws.input = example.input.to_string();
                    ws.mocks = example.mocks.to_string();
                    ws.test_case = example.test_case.to_string();
                    next.run = None;
                }
            }
            Action::Run => next.run = Some(next.run()),
            Action::Test => next.test = Some(next.test()),
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_steps_that_change_the_variables_are_listed() {
        let states = vec![
            json!({"name": "A"}),
            json!({"name": "B", "variables": {"x": 1}}),
            json!({"name": "C", "variables": {"x": 1}}),
            json!({"name": "D", "variables": {"x": 2, "y": "z"}}),
        ];
        let got = assignments(&states);
        assert_eq!(
            got.iter().map(|a| a.state.as_str()).collect::<Vec<_>>(),
            ["B", "D"]
        );
        assert_eq!(
            serde_json::from_str::<Value>(&got[1].variables).unwrap(),
            json!({"x": 2, "y": "z"})
        );
    }

    #[test]
    fn loading_an_example_replaces_the_state_machine_and_keeps_the_pattern() {
        let mut state = AppState::default();
        state.workspace.pattern = "{\"source\": [\"mine\"]}".into();
        state.workspace.input = "{}".into();
        assert!(state.has_own_edits());
        let next = Rc::new(state).reduce(Action::LoadExample(1));
        assert_eq!(next.current_example(), Some(1));
        assert_eq!(
            next.workspace.definition,
            examples::STATE_MACHINES[1].definition
        );
        assert_eq!(next.workspace.test_case, "HappyPath");
        assert_eq!(next.workspace.pattern, "{\"source\": [\"mine\"]}");
        assert!(!next.has_own_edits());
    }

    #[test]
    fn every_example_runs_to_success_with_its_test_case() {
        for (i, example) in examples::STATE_MACHINES.iter().enumerate() {
            let state = Rc::new(AppState::default()).reduce(Action::LoadExample(i));
            let state = state.reduce(Action::Run);
            match &state.run {
                Some(RunView::Finished { status, .. }) => {
                    assert_eq!(*status, RunStatus::Succeeded, "{}", example.title)
                }
                other => panic!("{}: {other:?}", example.title),
            }
        }
    }
}
