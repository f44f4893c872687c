//! The playground's engine worker: answers the UI thread's [`Request`]s.
//!
//! The session keeps the last run (its history and per-state data) so the UI asks for a
//! window of events or one step at a time instead of receiving megabytes at once: the UI
//! thread never parses more than a view needs, which keeps every main-thread task short.
//! Plain Rust, so the whole protocol is tested natively; the `stepbridge-worker` binary
//! only moves JSON text between `postMessage` and [`Session::handle_text`].

mod eventbridge;
mod practice;
mod share;

use serde_json::{json, Value};
use stepbridge_asl::{Diagnostic, Execution, RunOutcome, RunRequest};
use stepbridge_inspect::protocol::{
    CallbackAction, Diag, Envelope, EventFilter, Request, Response, RunReport, RunSettings,
};
use stepbridge_inspect::trace::Trace;

/// Past this many characters the output is cut in the report (the full value stays here).
const OUTPUT_DISPLAY_LIMIT: usize = 200_000;
/// The most events one page may hold, whatever the UI asks.
const MAX_PAGE: usize = 2_000;

/// The last run, kept for the views that page through it.
struct LastRun {
    outcome: RunOutcome,
    trace: Trace,
    /// For each history event, the name of the state it belongs to ("" for execution events).
    event_states: Vec<String>,
}

#[derive(Default)]
pub struct Session {
    last: Option<LastRun>,
    /// A paused execution that callbacks resume.
    paused: Option<Execution>,
    settings: Option<RunSettings>,
    /// The run the next runs are compared with.
    pinned: Option<Trace>,
}

impl Session {
    /// One request as JSON text in, the replies as JSON text out (progress first, if any).
    pub fn handle_text(&mut self, text: &str, emit: &mut dyn FnMut(String)) {
        let (id, reply) = match serde_json::from_str::<Envelope<Request>>(text) {
            Ok(request) => {
                let id = request.id;
                let mut progress = |body: Response| {
                    emit(serde_json::to_string(&Envelope { id, body }).unwrap_or_default());
                };
                (id, self.handle_with_progress(request.body, &mut progress))
            }
            Err(e) => (
                0,
                Response::Error {
                    message: format!("the worker could not read a request: {e}"),
                },
            ),
        };
        let envelope = Envelope { id, body: reply };
        emit(serde_json::to_string(&envelope).unwrap_or_default());
    }

    pub fn handle(&mut self, request: Request) -> Response {
        self.handle_with_progress(request, &mut |_| {})
    }

    /// Like [`Session::handle`]; a run reports its progress through `progress` as it goes.
    pub fn handle_with_progress(
        &mut self,
        request: Request,
        progress: &mut dyn FnMut(Response),
    ) -> Response {
        match request {
            Request::Validate {
                definition,
                input,
                mocks,
            } => validate(&definition, &input, &mocks),
            Request::Run(settings) => self.run(settings, progress),
            Request::Events {
                from,
                count,
                filter,
            } => self.events(from, count, &filter),
            Request::Step { visit } => self.step(visit),
            Request::Callback(action) => self.callback(action),
            Request::Redrive => self.redrive(),
            Request::Pin => {
                self.pinned = self.last.as_ref().map(|l| l.trace.clone());
                Response::Pinned {
                    ok: self.pinned.is_some(),
                }
            }
            Request::Unpin => {
                self.pinned = None;
                Response::Pinned { ok: false }
            }
            Request::SuggestInput { definition } => with_definition(&definition, |def| {
                text("input", &stepbridge_inspect::suggest::suggest_input(def))
            }),
            Request::SuggestMocks { definition } => with_definition(&definition, |def| {
                text(
                    "mocks",
                    &stepbridge_inspect::suggest::suggest_mocks(def, "StateMachine"),
                )
            }),
            Request::AwsCli {
                definition,
                input,
                state,
            } => with_definition(&definition, |def| {
                // AWS takes JSON only: a YAML definition is sent as its JSON equivalent.
                let json = serde_json::to_string_pretty(def).unwrap_or_default();
                let cli = stepbridge_inspect::cli::aws_cli(
                    &json,
                    &input,
                    state.as_deref(),
                    "StateMachine",
                );
                Response::Text {
                    purpose: "cli".into(),
                    text: serde_json::to_string(&cli).unwrap_or_default(),
                }
            }),
            Request::Share { workspace } => share::share(*workspace),
            Request::SaveWorkspace { workspace } => share::save(*workspace),
            Request::OpenLink { text } => share::open_link(&text),
            Request::OpenWorkspaceFile { text } => share::open_file(&text),
            Request::TestPattern { pattern, event } => Response::Pattern {
                answer: crate::events::test_pattern_value(&pattern, &event),
            },
            Request::TestPatterns { pattern, events } => {
                eventbridge::test_patterns(&pattern, &events)
            }
            Request::Transform {
                paths_map,
                template,
                event,
                rule_name,
            } => eventbridge::transform(&paths_map, &template, &event, &rule_name),
            Request::FireTimes {
                expression,
                timezone,
                from,
                count,
                flexible_minutes,
            } => eventbridge::fire_times(&expression, &timezone, &from, count, flexible_minutes),
            Request::SimulateBus { scenario } => eventbridge::simulate_bus(&scenario),
            Request::ImportTemplate {
                template,
                events,
                mocks,
                test_case,
            } => eventbridge::import_template(&template, &events, &mocks, &test_case),
            Request::RunPipe { document } => eventbridge::run_pipe(&document),
            Request::Grade { exercise, answer } => practice::grade(&exercise, &answer),
        }
    }

    fn run(&mut self, settings: RunSettings, progress: &mut dyn FnMut(Response)) -> Response {
        let mocks = settings.mocks.trim();
        let request = RunRequest {
            definition: settings.definition.clone(),
            input: settings.input.clone(),
            // "(no mocks)" in the test-case picker runs without the mock file.
            mock_config: (!mocks.is_empty() && !settings.test_case.is_empty())
                .then(|| mocks.to_string()),
            test_case: (!mocks.is_empty() && !settings.test_case.is_empty())
                .then(|| settings.test_case.clone()),
            seed: settings.seed,
            execution_type: if settings.execution_type.eq_ignore_ascii_case("EXPRESS") {
                stepbridge_asl::ExecutionType::Express
            } else {
                stepbridge_asl::ExecutionType::Standard
            },
            start_time: (!settings.start_time.trim().is_empty())
                .then(|| settings.start_time.trim().to_string()),
            ..RunRequest::default()
        };
        let outcome = match stepbridge_asl::prepare(&request) {
            Ok((machine, input, options)) => machine.execute_observed(input, &options, &mut |p| {
                progress(Response::Progress {
                    events: p.events,
                    state: p.state.to_string(),
                });
                true
            }),
            Err(diagnostics) => RunOutcome::invalid(diagnostics),
        };
        // Kept while it waits for a callback, or while it can be redriven.
        self.paused = matches!(
            outcome.status.as_str(),
            "WAITING_FOR_CALLBACK" | "FAILED" | "TIMED_OUT" | "ABORTED"
        )
        .then(|| Execution::resume_from(request, outcome.clone()));
        self.settings = Some(settings);
        self.finish(outcome)
    }

    fn redrive(&mut self) -> Response {
        let Some(execution) = self.paused.as_mut() else {
            return Response::Error {
                message: "there is no failed execution to redrive: run one first".into(),
            };
        };
        match execution.redrive().cloned() {
            Ok(outcome) => {
                if outcome.status.as_str() == "SUCCEEDED" {
                    self.paused = None;
                }
                self.finish(outcome)
            }
            Err(message) => Response::Error { message },
        }
    }

    fn callback(&mut self, action: CallbackAction) -> Response {
        let Some(execution) = self.paused.as_mut() else {
            return Response::Error {
                message: "no execution is waiting for a callback: run one first".into(),
            };
        };
        let result = match action {
            CallbackAction::Success { token, output } => match serde_json::from_str(&output) {
                Ok(value) => execution.send_task_success(&token, value).cloned(),
                Err(e) => Err(format!("the task output is not valid JSON: {e}")),
            },
            CallbackAction::Failure {
                token,
                error,
                cause,
            } => execution.send_task_failure(&token, &error, &cause).cloned(),
            CallbackAction::Heartbeat { token } => execution.send_task_heartbeat(&token).cloned(),
            CallbackAction::AdvanceTime { seconds } => execution.advance_time(seconds).cloned(),
        };
        match result {
            Ok(outcome) => {
                if outcome.status.as_str() == "SUCCEEDED" {
                    self.paused = None;
                }
                self.finish(outcome)
            }
            Err(message) => Response::Error { message },
        }
    }

    fn finish(&mut self, outcome: RunOutcome) -> Response {
        let waiting = outcome.status.as_str() == "WAITING_FOR_CALLBACK";
        let mut report = report(&outcome, waiting && self.paused.is_some());
        let express = self
            .settings
            .as_ref()
            .is_some_and(|s| s.execution_type.eq_ignore_ascii_case("EXPRESS"));
        report.redrivable = !express
            && self.paused.is_some()
            && matches!(outcome.status.as_str(), "FAILED" | "TIMED_OUT" | "ABORTED");
        let definition = self
            .settings
            .as_ref()
            .and_then(|s| stepbridge_asl::parse_source(&s.definition).ok())
            .unwrap_or(Value::Null);
        let outcome_value = serde_json::to_value(&outcome).unwrap_or(Value::Null);
        let trace = stepbridge_inspect::trace::trace(&definition, &outcome_value);
        report.state_visits = trace.steps.len();
        report.trace = light_trace(&trace);
        if !definition.is_null() {
            report.graph = serde_json::to_value(stepbridge_inspect::graph::layout(&definition))
                .unwrap_or_default();
        }
        report.comparison = self.pinned.as_ref().map(|pinned| {
            serde_json::to_value(stepbridge_inspect::compare::compare(pinned, &trace))
                .unwrap_or_default()
        });
        let event_states = event_states(&outcome.history);
        self.last = Some(LastRun {
            outcome,
            trace,
            event_states,
        });
        Response::RunFinished(Box::new(report))
    }

    fn events(&self, from: usize, count: usize, filter: &EventFilter) -> Response {
        let Some(last) = &self.last else {
            return Response::EventsPage {
                from,
                total: 0,
                events: Vec::new(),
            };
        };
        let keep = |i: usize, event: &Value| {
            (filter.types.is_empty()
                || event
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| filter.types.iter().any(|k| k == t)))
                && (filter.state.is_empty() || last.event_states[i] == filter.state)
        };
        let mut total = 0;
        let mut events = Vec::new();
        let count = count.min(MAX_PAGE);
        for (i, event) in last.outcome.history.iter().enumerate() {
            if !keep(i, event) {
                continue;
            }
            if total >= from && events.len() < count {
                events.push(event.clone());
            }
            total += 1;
        }
        Response::EventsPage {
            from,
            total,
            events,
        }
    }

    fn step(&self, visit: usize) -> Response {
        let Some(last) = &self.last else {
            return Response::Error {
                message: "there is no run to inspect yet".into(),
            };
        };
        let trace = &last.trace;
        let Some(step) = trace.steps.get(visit) else {
            return Response::Error {
                message: format!(
                    "the run has {} steps; there is no step {}",
                    trace.steps.len(),
                    visit + 1
                ),
            };
        };
        let detail = json!({
            "step": step,
            "visit": trace.visits.get(step.visit),
            "retry": trace.retries.iter().find(|r| r.visit == step.visit),
            "mapRun": trace.map_runs.iter().find(|m| m.visit == step.visit),
        });
        Response::StepDetail { visit, detail }
    }
}

/// The trace without per-step data, retries and Map runs (fetched one step at a time), and with each visit's
/// step number, so the views can go from a row or a node to its step.
fn light_trace(trace: &Trace) -> Value {
    let mut step_of = vec![Value::Null; trace.visits.len()];
    for (i, step) in trace.steps.iter().enumerate() {
        if let Some(slot) = step_of.get_mut(step.visit) {
            if slot.is_null() {
                *slot = json!(i);
            }
        }
    }
    let mut value = serde_json::to_value(trace).unwrap_or_default();
    if let Some(visits) = value.get_mut("visits").and_then(Value::as_array_mut) {
        for (visit, step) in visits.iter_mut().zip(step_of) {
            if let Some(v) = visit.as_object_mut() {
                v.insert("step".into(), step);
            }
        }
    }
    // Each step's data, the retry timelines and the Map runs come with the step they
    // belong to (`Request::Step`); a 3,000-item Map's report stays small to parse.
    if let Some(t) = value.as_object_mut() {
        for key in ["steps", "retries", "mapRuns"] {
            t.remove(key);
        }
    }
    value
}

/// Runs `f` on the parsed definition, or says where it does not parse.
fn with_definition(definition: &str, f: impl FnOnce(&Value) -> Response) -> Response {
    match stepbridge_asl::parse_source(definition) {
        Ok(def) => f(&def),
        Err(d) => Response::Error {
            message: format!(
                "The definition does not parse (line {}, column {}): {}",
                d.location.line, d.location.column, d.message
            ),
        },
    }
}

fn text(purpose: &str, value: &Value) -> Response {
    Response::Text {
        purpose: purpose.into(),
        text: serde_json::to_string_pretty(value).unwrap_or_default(),
    }
}

/// The state each event belongs to: events that name a state give it; the others (task
/// scheduled, started, failed...) belong to the state their previous event belongs to.
fn event_states(history: &[Value]) -> Vec<String> {
    let mut by_id = std::collections::HashMap::with_capacity(history.len());
    let mut out = Vec::with_capacity(history.len());
    for event in history {
        let named = ["stateEnteredEventDetails", "stateExitedEventDetails"]
            .iter()
            .find_map(|k| event.get(*k)?.get("name")?.as_str());
        let exited_before = event
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.ends_with("StateEntered"));
        let state = match named {
            Some(name) => name.to_string(),
            None if exited_before => String::new(),
            None => event
                .get("previousEventId")
                .and_then(Value::as_u64)
                .and_then(|p| by_id.get(&p))
                .map(|i: &usize| out.get(*i).cloned().unwrap_or_default())
                .unwrap_or_default(),
        };
        // An exited state's events end with its exit: what follows belongs to the next.
        let is_exit = event.get("stateExitedEventDetails").is_some();
        if let Some(id) = event.get("id").and_then(Value::as_u64) {
            by_id.insert(id, out.len());
        }
        out.push(if is_exit { state.clone() } else { state });
    }
    // The events after an exit point back to it; they belong to no state until the next
    // state is entered, which names itself.
    for i in 0..history.len() {
        let prev_is_exit = history[i]
            .get("previousEventId")
            .and_then(Value::as_u64)
            .and_then(|p| by_id.get(&p))
            .is_some_and(|j| history[*j].get("stateExitedEventDetails").is_some());
        let names_itself = ["stateEnteredEventDetails", "stateExitedEventDetails"]
            .iter()
            .any(|k| history[i].get(*k).is_some());
        if prev_is_exit && !names_itself {
            out[i] = String::new();
        }
    }
    out
}

fn report(outcome: &RunOutcome, resumable: bool) -> RunReport {
    let output = outcome.output.as_ref().map(|v| {
        let mut text = serde_json::to_string_pretty(v).unwrap_or_default();
        if text.len() > OUTPUT_DISPLAY_LIMIT {
            let mut cut = OUTPUT_DISPLAY_LIMIT;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push_str("\n… (cut for display)");
        }
        text
    });
    RunReport {
        status: outcome.status.as_str().to_string(),
        output,
        error: outcome.error.clone(),
        cause: outcome.cause.clone(),
        diagnostics: outcome.diagnostics.iter().map(diag).collect(),
        history_events: outcome.history.len(),
        variables: outcome
            .variables
            .as_ref()
            .filter(|v| !v.is_empty())
            .map(|v| serde_json::to_string_pretty(v).unwrap_or_default()),
        task_tokens: outcome
            .task_tokens
            .iter()
            .filter_map(|t| serde_json::to_value(t).ok())
            .collect(),
        unmocked: outcome.unmocked.clone(),
        stop_time: outcome.stop_time.clone(),
        resumable,
        redrive_count: u64::from(outcome.redrive_count),
        logs: outcome.logs.clone().unwrap_or_default(),
        // The trace, graph, step count, comparison and redrivability need the session.
        ..RunReport::default()
    }
}

/// The page's diagnostic shape, shared with the grader so both place faults alike.
fn diag(d: &Diagnostic) -> Diag {
    stepbridge_practice::diag_of(d)
}

/// A JSON document's syntax error as a diagnostic at its place; empty text is allowed.
fn json_diags(text: &str, what: &str) -> Vec<Diag> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    match serde_json::from_str::<Value>(text) {
        Ok(_) => Vec::new(),
        Err(e) => vec![Diag {
            severity: "error".into(),
            code: "INVALID_JSON".into(),
            message: format!("{what} is not valid JSON: {e}"),
            line: (e.line() as u32).max(1),
            column: (e.column() as u32).max(1),
            pointer: String::new(),
        }],
    }
}

fn validate(definition: &str, input: &str, mocks: &str) -> Response {
    let definition_diags: Vec<Diag> = stepbridge_asl::validate(definition)
        .iter()
        .map(diag)
        .collect();
    let parsed = stepbridge_asl::parse_source(definition).ok();
    let state_names = parsed
        .as_ref()
        .map(stepbridge_inspect::vocab::state_names)
        .unwrap_or_default();
    let graph = parsed
        .as_ref()
        .and_then(|d| serde_json::to_value(stepbridge_inspect::graph::layout(d)).ok());
    Response::Validated {
        definition: definition_diags,
        input: json_diags(input, "The input"),
        mocks: json_diags(mocks, "The mock file"),
        graph,
        state_names,
    }
}

/// The version the page shows and links carry.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The first message of a worker: the engines are loaded, with what the editors complete.
pub fn ready_message() -> String {
    let envelope = Envelope {
        id: 0,
        body: Response::Ready {
            version: version().into(),
            completions: completions(),
        },
    };
    serde_json::to_string(&envelope).unwrap_or_default()
}

/// The editor's completion tables from the ASL vocabulary: per state type the fields of
/// both query languages (a state may switch with `QueryLanguage`), and the intrinsics.
fn completions() -> Value {
    let vocab = stepbridge_inspect::vocab::vocabulary();
    let hint =
        |f: &stepbridge_inspect::vocab::Field| json!({"name": f.name, "detail": f.description});
    let mut by_type = serde_json::Map::new();
    for state in &vocab.state_types {
        let mut seen = std::collections::HashSet::new();
        let fields: Vec<Value> = state
            .jsonpath
            .iter()
            .chain(&state.jsonata)
            .filter(|f| seen.insert(f.name.clone()))
            .map(hint)
            .collect();
        by_type.insert(state.state_type.to_string(), Value::Array(fields));
    }
    let common: Vec<Value> = ["Type", "Comment", "Next", "End", "QueryLanguage"]
        .iter()
        .map(|name| json!({"name": name, "detail": ""}))
        .collect();
    let intrinsics: Vec<Value> = vocab
        .intrinsics
        .iter()
        .map(|i| json!({"name": i.name, "signature": i.signature}))
        .collect();
    json!({"fieldsByType": by_type, "commonFields": common, "intrinsics": intrinsics})
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER: &str = include_str!("../../../../static/examples/order-processing.asl.json");
    const INPUT: &str = include_str!("../../../../static/examples/order-processing.input.json");
    const MOCKS: &str = include_str!("../../../../static/examples/order-processing.mocks.json");

    fn ask(session: &mut Session, request: Request) -> Value {
        let text = serde_json::to_string(&Envelope {
            id: 7,
            body: request,
        })
        .unwrap();
        let mut replies = Vec::new();
        session.handle_text(&text, &mut |r| replies.push(r));
        assert_eq!(replies.len(), 1);
        let reply: Value = serde_json::from_str(&replies[0]).unwrap();
        assert_eq!(reply["id"], 7);
        reply
    }

    fn order_run() -> Request {
        Request::Run(RunSettings {
            definition: ORDER.into(),
            input: INPUT.into(),
            mocks: MOCKS.into(),
            test_case: "HappyPath".into(),
            ..RunSettings::default()
        })
    }

    #[test]
    fn a_run_reports_its_end_and_keeps_the_history_for_paging() {
        let mut session = Session::default();
        let reply = ask(&mut session, order_run());
        assert_eq!(reply["kind"], "runFinished");
        assert_eq!(reply["status"], "SUCCEEDED");
        let total = reply["historyEvents"].as_u64().unwrap() as usize;
        assert!(total > 10);
        let page = ask(
            &mut session,
            Request::Events {
                from: 2,
                count: 3,
                filter: EventFilter::default(),
            },
        );
        assert_eq!(page["total"], total);
        assert_eq!(page["events"].as_array().unwrap().len(), 3);
        assert_eq!(page["events"][0]["id"], 3);
        let failed = ask(
            &mut session,
            Request::Events {
                from: 0,
                count: 100,
                filter: EventFilter {
                    types: vec!["TaskStateEntered".into()],
                    state: String::new(),
                },
            },
        );
        let types: Vec<&str> = failed["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap())
            .collect();
        assert!(!types.is_empty());
        assert!(types.iter().all(|t| *t == "TaskStateEntered"));
    }

    #[test]
    fn a_run_carries_its_graph_trace_and_a_comparison_with_the_pinned_run() {
        let mut session = Session::default();
        let first = ask(&mut session, order_run());
        assert!(first["graph"]["nodes"].as_array().unwrap().len() > 3);
        let visits = first["trace"]["visits"].as_array().unwrap();
        assert_eq!(visits[0]["name"], "ValidateOrder");
        assert_eq!(visits[0]["step"], 0);
        assert!(
            first["trace"].get("steps").is_none(),
            "steps come one at a time"
        );
        assert!(first["stateVisits"].as_u64().unwrap() >= 4);
        assert!(first["comparison"].is_null());
        ask(&mut session, Request::Pin);
        let Request::Run(mut settings) = order_run() else {
            unreachable!()
        };
        settings.test_case = "InvalidOrder".into();
        let second = ask(&mut session, Request::Run(settings));
        assert_eq!(second["status"], "FAILED");
        let comparison = &second["comparison"];
        assert_eq!(comparison["identical"], false);
        assert!(!comparison["firstDifference"].is_null());
    }

    #[test]
    fn events_are_filtered_by_state() {
        let mut session = Session::default();
        ask(&mut session, order_run());
        let page = ask(
            &mut session,
            Request::Events {
                from: 0,
                count: 100,
                filter: EventFilter {
                    types: Vec::new(),
                    state: "ValidateOrder".into(),
                },
            },
        );
        let events = page["events"].as_array().unwrap();
        let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(types.first(), Some(&"TaskStateEntered"), "{types:?}");
        assert_eq!(types.last(), Some(&"TaskStateExited"), "{types:?}");
        assert!(types.contains(&"TaskSucceeded"), "{types:?}");
        assert!(!types.contains(&"ExecutionStarted"));
    }

    #[test]
    fn a_step_gives_the_data_flow_of_one_visit() {
        let mut session = Session::default();
        ask(&mut session, order_run());
        let step = ask(&mut session, Request::Step { visit: 0 });
        assert_eq!(step["kind"], "stepDetail");
        assert_eq!(step["detail"]["step"]["name"], "ValidateOrder");
        assert_eq!(step["detail"]["step"]["stages"][0]["name"], "input");
        assert_eq!(step["detail"]["visit"]["type"], "Task");
        let missing = ask(&mut session, Request::Step { visit: 10_000 });
        assert_eq!(missing["kind"], "error");
    }

    #[test]
    fn validation_places_faults_in_each_editor() {
        let mut session = Session::default();
        let reply = ask(
            &mut session,
            Request::Validate {
                definition: r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}"#
                    .into(),
                input: "{\n  \"a\": 1,\n}".into(),
                mocks: String::new(),
            },
        );
        assert_eq!(reply["kind"], "validated");
        let def = reply["definition"].as_array().unwrap();
        assert!(def
            .iter()
            .any(|d| d["severity"] == "error" && d["line"] == 1));
        assert_eq!(reply["input"][0]["line"], 3);
        assert_eq!(reply["mocks"], json!([]));
        assert_eq!(reply["stateNames"], json!(["A"]));
        let nodes = reply["graph"]["nodes"].as_array().unwrap();
        assert!(nodes.iter().any(|n| n["id"] == "A"));
    }

    #[test]
    fn a_paused_execution_resumes_with_a_callback() {
        let mut session = Session::default();
        let def = json!({"StartAt": "Approve", "States": {"Approve": {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"token.$": "$$.Task.Token"}, "End": true}}});
        let started = ask(
            &mut session,
            Request::Run(RunSettings {
                definition: def.to_string(),
                ..RunSettings::default()
            }),
        );
        assert_eq!(started["status"], "WAITING_FOR_CALLBACK");
        assert_eq!(started["resumable"], true);
        let token = started["taskTokens"][0]["token"]
            .as_str()
            .unwrap()
            .to_string();
        let bad = ask(
            &mut session,
            Request::Callback(CallbackAction::Success {
                token: token.clone(),
                output: "{oops".into(),
            }),
        );
        assert_eq!(bad["kind"], "error");
        let done = ask(
            &mut session,
            Request::Callback(CallbackAction::Success {
                token,
                output: r#"{"approved": true}"#.into(),
            }),
        );
        assert_eq!(done["status"], "SUCCEEDED");
        assert_eq!(done["resumable"], false);
        assert!(done["output"].as_str().unwrap().contains("approved"));
    }

    #[test]
    fn suggestions_and_cli_commands_come_back_as_text() {
        let mut session = Session::default();
        let input = ask(
            &mut session,
            Request::SuggestInput {
                definition: ORDER.into(),
            },
        );
        assert_eq!(input["purpose"], "input");
        let value: Value = serde_json::from_str(input["text"].as_str().unwrap()).unwrap();
        assert!(value.is_object());
        let mocks = ask(
            &mut session,
            Request::SuggestMocks {
                definition: ORDER.into(),
            },
        );
        assert!(mocks["text"].as_str().unwrap().contains("StateMachines"));
        let cli = ask(
            &mut session,
            Request::AwsCli {
                definition: ORDER.into(),
                input: INPUT.into(),
                state: Some("ValidateOrder".into()),
            },
        );
        let commands: Value = serde_json::from_str(cli["text"].as_str().unwrap()).unwrap();
        assert!(commands["createStateMachine"]
            .as_str()
            .unwrap()
            .contains("aws stepfunctions create-state-machine"));
        assert!(commands["testState"]
            .as_str()
            .unwrap()
            .contains("test-state"));
        let bad = ask(
            &mut session,
            Request::SuggestInput {
                definition: "{\n  \"StartAt\": ".into(),
            },
        );
        assert_eq!(bad["kind"], "error");
        assert!(bad["message"].as_str().unwrap().contains("line"));
    }

    #[test]
    fn the_ready_message_carries_completion_tables() {
        let ready: Value = serde_json::from_str(&ready_message()).unwrap();
        assert_eq!(ready["kind"], "ready");
        let task = ready["completions"]["fieldsByType"]["Task"]
            .as_array()
            .unwrap();
        assert!(task.iter().any(|f| f["name"] == "Resource"));
        assert!(task.iter().any(|f| f["name"] == "Arguments"));
        let intrinsics = ready["completions"]["intrinsics"].as_array().unwrap();
        assert!(intrinsics.iter().any(|i| i["name"] == "States.Format"));
    }

    #[test]
    fn a_long_run_reports_its_progress_before_its_end() {
        let mut session = Session::default();
        let def = json!({"StartAt": "Init", "States": {
            "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Loop"},
            "Loop": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
            "Check": {"Type": "Choice", "Choices": [
                {"Variable": "$.i", "NumericGreaterThanEquals": 2000, "Next": "Done"}],
                "Default": "Loop"},
            "Done": {"Type": "Succeed"}}});
        let text = serde_json::to_string(&Envelope {
            id: 3,
            body: Request::Run(RunSettings {
                definition: def.to_string(),
                ..RunSettings::default()
            }),
        })
        .unwrap();
        let mut replies = Vec::new();
        session.handle_text(&text, &mut |r| replies.push(r));
        let replies: Vec<Value> = replies
            .iter()
            .map(|r| serde_json::from_str(r).unwrap())
            .collect();
        let last = replies.last().unwrap();
        assert_eq!(last["kind"], "runFinished");
        let progress: Vec<&Value> = replies.iter().filter(|r| r["kind"] == "progress").collect();
        assert!(progress.len() >= 10, "{} progress reports", progress.len());
        assert!(progress
            .iter()
            .all(|p| p["id"] == 3 && (p["state"] == "Loop" || p["state"] == "Check")));
        assert_eq!(last["status"], "SUCCEEDED");
        let counts: Vec<u64> = progress
            .iter()
            .map(|p| p["events"].as_u64().unwrap())
            .collect();
        assert!(counts.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_failed_run_is_redriven_and_an_express_run_keeps_logs() {
        let mut session = Session::default();
        let def = json!({"StartAt": "Charge", "States": {"Charge": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}});
        let mocks = json!({"StateMachines": {"StateMachine": {"TestCases": {"Flaky": {
            "Charge": "FailsOnce"}}}},
            "MockedResponses": {"FailsOnce": {
                "0": {"Throw": {"Error": "Boom", "Cause": "first attempt"}},
                "1": {"Return": {"ok": true}}}}});
        let failed = ask(
            &mut session,
            Request::Run(RunSettings {
                definition: def.to_string(),
                mocks: mocks.to_string(),
                test_case: "Flaky".into(),
                ..RunSettings::default()
            }),
        );
        assert_eq!(failed["status"], "FAILED");
        assert_eq!(failed["redrivable"], true);
        assert_eq!(failed["resumable"], false);
        let redriven = ask(&mut session, Request::Redrive);
        assert_eq!(redriven["status"], "SUCCEEDED", "{redriven}");
        assert_eq!(redriven["redriveCount"], 1);
        let express = ask(
            &mut session,
            Request::Run(RunSettings {
                definition: def.to_string(),
                execution_type: "EXPRESS".into(),
                ..RunSettings::default()
            }),
        );
        assert_eq!(express["status"], "SUCCEEDED");
        assert!(!express["logs"].as_array().unwrap().is_empty());
        assert_eq!(express["redrivable"], false);
    }

    #[test]
    fn a_garbled_request_is_answered_with_an_error() {
        let mut session = Session::default();
        let mut replies = Vec::new();
        session.handle_text("{not json", &mut |r| replies.push(r));
        let reply: Value = serde_json::from_str(&replies[0]).unwrap();
        assert_eq!(reply["kind"], "error");
    }
}
