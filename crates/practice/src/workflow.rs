//! Workflow exercises: the learner's state machine is run on each case (with the exercise's
//! mocks and the case's callbacks) and its end, path, retries and cost are checked.

use crate::verdict::{show, Refusal, Verdict};
use crate::{graded, refused};
use serde_json::{json, Value};
use stepbridge_asl::{Execution, ExecutionType, RunOutcome, RunRequest, Severity};
use stepbridge_inspect::compare::first_value_difference;
use stepbridge_inspect::practice::{Answer, Case, CaseCallback, Exercise, Expect, Grade};
use stepbridge_inspect::trace::Trace;

/// A definition that validates, with what its runs need.
pub(crate) struct Machine {
    definition: String,
    parsed: Value,
    mocks: String,
    execution_type: ExecutionType,
}

/// One case's run: the engine's outcome, its trace, and why the case's callbacks could not all
/// be sent (the execution was not waiting when one was due).
pub(crate) struct Run {
    pub outcome: RunOutcome,
    pub trace: Trace,
    pub stalled: Option<String>,
}

/// The answer's definition (the exercise's when the answer has none), mock file and
/// execution type, refused with placed diagnostics when the definition does not validate.
pub(crate) fn prepare(
    context_definition: &str,
    context_mocks: &str,
    answer: &Answer,
) -> Result<Machine, Refusal> {
    let definition = if answer.definition.trim().is_empty() {
        context_definition
    } else {
        &answer.definition
    };
    if definition.trim().is_empty() {
        return Err(Refusal::new(
            "definition",
            "The state machine definition is empty",
        ));
    }
    let errors: Vec<_> = stepbridge_asl::validate(definition)
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(crate::diag_of)
        .collect();
    if !errors.is_empty() {
        return Err(Refusal {
            field: "definition".into(),
            diagnostics: errors,
        });
    }
    let parsed = stepbridge_asl::parse_source(definition)
        .map_err(|d| Refusal::at("definition", crate::diag_of(&d)))?;
    let mocks = if answer.mocks.trim().is_empty() {
        context_mocks
    } else {
        &answer.mocks
    };
    if !mocks.trim().is_empty() {
        if let Err(e) = serde_json::from_str::<Value>(mocks) {
            return Err(Refusal::json("mocks", "The mock file", &e));
        }
    }
    let execution_type = match answer.execution_type.trim().to_ascii_uppercase().as_str() {
        "" | "STANDARD" => ExecutionType::Standard,
        "EXPRESS" => ExecutionType::Express,
        other => {
            return Err(Refusal::new(
                "executionType",
                format!("The execution type must be STANDARD or EXPRESS, not '{other}'"),
            ))
        }
    };
    Ok(Machine {
        definition: definition.to_string(),
        parsed,
        mocks: mocks.to_string(),
        execution_type,
    })
}

impl Machine {
    /// Runs the case: its input (or the exercise's), its test case of the mock file, then its
    /// callbacks in order, each to the oldest task token the execution waits on.
    pub fn run(&self, context_input: Option<&Value>, case: &Case) -> Run {
        let input = case
            .input
            .as_ref()
            .or(context_input)
            .cloned()
            .unwrap_or_else(|| json!({}));
        let mocked = !self.mocks.trim().is_empty() && !case.test_case.trim().is_empty();
        let request = RunRequest {
            definition: self.definition.clone(),
            input: input.to_string(),
            mock_config: mocked.then(|| self.mocks.clone()),
            test_case: mocked.then(|| case.test_case.trim().to_string()),
            execution_type: self.execution_type,
            ..RunRequest::default()
        };
        let mut execution = Execution::start(request);
        let mut stalled = None;
        for (i, callback) in case.callbacks.iter().enumerate() {
            if let Err(why) = send(&mut execution, callback) {
                stalled = Some(format!("callback {} could not be sent: {why}", i + 1));
                break;
            }
        }
        let outcome = execution.outcome().clone();
        let mut value = serde_json::to_value(&outcome).unwrap_or(Value::Null);
        if let (Some(logs), Some(map)) = (&outcome.logs, value.as_object_mut()) {
            // Express keeps its history in CloudWatch Logs records only.
            map.insert("history".into(), Value::Array(history_from_logs(logs)));
        }
        let trace = stepbridge_inspect::trace::trace(&self.parsed, &value);
        Run {
            outcome,
            trace,
            stalled,
        }
    }
}

fn send(execution: &mut Execution, callback: &CaseCallback) -> Result<(), String> {
    if let CaseCallback::AdvanceTime { seconds } = callback {
        return execution.advance_time(*seconds).map(|_| ());
    }
    let outcome = execution.outcome();
    let Some(token) = outcome.task_tokens.first().map(|t| t.token.clone()) else {
        return Err(format!(
            "the execution is {} and waits on no task token",
            outcome.status
        ));
    };
    match callback {
        CaseCallback::Success { output } => execution.send_task_success(&token, output.clone()),
        CaseCallback::Failure { error, cause } => execution.send_task_failure(&token, error, cause),
        CaseCallback::Heartbeat => execution.send_task_heartbeat(&token),
        CaseCallback::AdvanceTime { .. } => Ok(execution.outcome()),
    }
    .map(|_| ())
}

/// CloudWatch Logs records back to history events (GetExecutionHistory's shape), so an
/// Express run is traced like a Standard one. The details key follows the history's naming:
/// `stateEnteredEventDetails` for every `...StateEntered`, `taskFailedEventDetails` for
/// `TaskFailed`.
fn history_from_logs(logs: &[Value]) -> Vec<Value> {
    let number = |record: &Value, key: &str| {
        record
            .get(key)
            .and_then(Value::as_str)
            .and_then(|n| n.parse::<i64>().ok())
            .unwrap_or(0)
    };
    logs.iter()
        .filter_map(|record| {
            let kind = record.get("type")?.as_str()?;
            let details_key = if kind.ends_with("StateEntered") {
                "stateEnteredEventDetails".to_string()
            } else if kind.ends_with("StateExited") {
                "stateExitedEventDetails".to_string()
            } else {
                let mut chars = kind.chars();
                let first = chars.next()?.to_ascii_lowercase();
                format!("{first}{}EventDetails", chars.as_str())
            };
            let timestamp =
                chrono::DateTime::from_timestamp_millis(number(record, "event_timestamp"))?
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let mut event = json!({
                "id": number(record, "id"),
                "previousEventId": number(record, "previous_event_id"),
                "timestamp": timestamp,
                "type": kind,
            });
            if let (Some(map), Some(details)) = (event.as_object_mut(), record.get("details")) {
                map.insert(details_key, details.clone());
            }
            Some(event)
        })
        .collect()
}

/// Grades every case; `transitions` sums the answer's state transitions over them and
/// `modelTransitions` the solution's (the "golf" score: Standard workflows are billed per
/// transition).
pub(crate) fn grade(exercise: &Exercise, answer: &Answer) -> Grade {
    let machine = match prepare(
        &exercise.context.definition,
        &exercise.context.mocks,
        answer,
    ) {
        Ok(m) => m,
        Err(refusal) => return refused(refusal),
    };
    let mut transitions = 0;
    let cases = graded(exercise, |case| {
        let run = machine.run(exercise.context.input.as_ref(), case);
        transitions += run.trace.summary.state_transitions;
        check(&case.expect, &run)
    });
    let model_transitions = prepare(
        &exercise.context.definition,
        &exercise.context.mocks,
        &exercise.solution,
    )
    .ok()
    .map(|model| {
        crate::all_cases(exercise)
            .map(|(case, _)| {
                model
                    .run(exercise.context.input.as_ref(), case)
                    .trace
                    .summary
                    .state_transitions
            })
            .sum()
    });
    Grade {
        passed: !cases.is_empty() && cases.iter().all(|c| c.passed),
        cases,
        transitions: Some(transitions),
        model_transitions,
        ..Grade::default()
    }
}

/// The case's expectations in the order a reader follows a run: where it went, how it ended,
/// what it produced, then what it must avoid, its retries and its cost.
pub(crate) fn check(expect: &Expect, run: &Run) -> Verdict {
    let outcome = &run.outcome;
    let status = outcome.status.as_str();
    if let Some(why) = &run.stalled {
        return Verdict::fail(why.clone()).values(None, Some(json!(status)));
    }
    if status == "INVALID" {
        let why = outcome
            .diagnostics
            .first()
            .map_or("the engine refused the run", |d| d.message.as_str());
        return Verdict::fail(format!("the execution could not start: {why}"));
    }
    let names = visit_names(&run.trace);
    if let Some(v) = check_visits(&expect.visits, &names) {
        return v;
    }
    if let Some(want) = &expect.status {
        if want != status {
            let how = match (&outcome.error, &outcome.cause) {
                (Some(e), Some(c)) if !c.is_empty() => format!(" with {e} ({c})"),
                (Some(e), _) => format!(" with {e}"),
                _ => String::new(),
            };
            let mut v = Verdict::fail(format!(
                "the execution ended {status}{how}, expected {want}"
            ))
            .values(Some(json!(want)), Some(json!(status)));
            v = v.maybe_state(names.last().cloned());
            return v;
        }
    }
    for (what, want, got) in [
        ("error", &expect.error, &outcome.error),
        ("cause", &expect.cause, &outcome.cause),
    ] {
        let Some(want) = want else { continue };
        if got.as_ref() != Some(want) {
            let message = match got {
                Some(got) => format!(
                    "the execution's {what} is {}, expected {}",
                    show(&json!(got)),
                    show(&json!(want))
                ),
                None => format!(
                    "the execution ended {status} without an {what}, expected {}",
                    show(&json!(want))
                ),
            };
            let mut v =
                Verdict::fail(message).values(Some(json!(want)), got.as_ref().map(|g| json!(g)));
            v = v.pointer(format!("/{what}"));
            return v;
        }
    }
    if let Some(want) = &expect.output {
        let got = outcome.output.clone().unwrap_or(Value::Null);
        if outcome.output.is_none() {
            return Verdict::fail(format!(
                "the execution ended {status} without an output, expected {}",
                show(want)
            ))
            .values(Some(want.clone()), None);
        }
        if let Some(d) = first_value_difference(want, &got) {
            return Verdict::differs("the output", d);
        }
    }
    if let Some(avoided) = expect.not_visits.iter().find(|s| names.contains(s)) {
        return Verdict::fail(format!("the run entered {avoided}, which it should not"))
            .state(avoided.clone());
    }
    for (state, want) in &expect.retry_intervals {
        let got = retry_intervals(&run.trace, state);
        if let Some(d) = first_value_difference(want, &got) {
            return retry_difference(state, want, &got, d.pointer);
        }
    }
    let transitions = run.trace.summary.state_transitions;
    if let Some(max) = expect.max_transitions {
        if transitions > max {
            return Verdict::fail(format!(
                "the run made {transitions} state transitions, expected at most {max}"
            ))
            .values(Some(json!(max)), Some(json!(transitions)));
        }
    }
    Verdict::pass(format!(
        "the execution ended {status} as expected ({transitions} state transition{})",
        if transitions == 1 { "" } else { "s" }
    ))
}

/// The states the run entered, in order (nested Parallel and Map states included).
pub(crate) fn visit_names(trace: &Trace) -> Vec<String> {
    trace.visits.iter().map(|v| v.name.clone()).collect()
}

/// Expected states must be entered in this order, others may come between: the first one
/// missing is reported with where the run went instead.
fn check_visits(expected: &[String], names: &[String]) -> Option<Verdict> {
    let mut at = 0;
    let mut previous: Option<&String> = None;
    for want in expected {
        match names.iter().skip(at).position(|n| n == want) {
            Some(i) => {
                at += i + 1;
                previous = Some(want);
            }
            None => {
                let went = names.get(at);
                let message = match (previous, went) {
                    (None, Some(first)) => {
                        format!("the run never entered {want} (it started with {first})")
                    }
                    (None, None) => format!("the run never entered {want} (it entered no state)"),
                    (Some(p), Some(next)) => {
                        format!("after {p} the run went to {next} and never entered {want}")
                    }
                    (Some(p), None) => format!("the run ended after {p} without entering {want}"),
                };
                let mut v = Verdict::fail(message).values(
                    Some(json!(expected)),
                    Some(json!(names.iter().take(200).collect::<Vec<_>>())),
                );
                v = v.state(went.cloned().unwrap_or_else(|| want.clone()));
                return Some(v);
            }
        }
    }
    None
}

/// The waits in seconds between the attempts of the first visit of `state` that was retried
/// (`[]` when it never was); whole seconds are written as integers.
pub(crate) fn retry_intervals(trace: &Trace, state: &str) -> Value {
    let timeline = trace.retries.iter().find(|t| {
        trace
            .visits
            .iter()
            .find(|v| v.index == t.visit)
            .is_some_and(|v| v.name == state)
    });
    let waits = timeline.map_or_else(Vec::new, |t| {
        t.attempts
            .iter()
            .filter_map(|a| a.interval_seconds)
            .map(seconds)
            .collect()
    });
    Value::Array(waits)
}

fn seconds(s: f64) -> Value {
    if s.fract() == 0.0 && s.abs() < 9.0e15 {
        json!(s as i64)
    } else {
        json!(s)
    }
}

fn retry_difference(state: &str, want: &Value, got: &Value, pointer: String) -> Verdict {
    let (w, g) = (
        want.as_array().map_or(0, Vec::len),
        got.as_array().map_or(0, Vec::len),
    );
    let message = if want.is_array() && w != g {
        format!(
            "{state} was retried {g} time{} (waits {}), expected {w} retr{} (waits {})",
            if g == 1 { "" } else { "s" },
            show(got),
            if w == 1 { "y" } else { "ies" },
            show(want)
        )
    } else {
        let i: usize = pointer.trim_start_matches('/').parse().unwrap_or(0);
        let at = |v: &Value| v.get(i).map_or_else(|| "none".to_string(), show);
        format!(
            "the wait before retry {} of {state} is {} s, expected {} s",
            i + 1,
            at(got),
            at(want)
        )
    };
    let mut v = Verdict::fail(message)
        .state(state)
        .values(Some(want.clone()), Some(got.clone()));
    v = v.pointer(pointer);
    v
}
