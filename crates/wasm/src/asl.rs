//! ASL exports.
//!
//! Executions that wait for callbacks (`.waitForTaskToken`) live in a thread-local table
//! keyed by an id, so a page can start one, show the task token, and later answer it with
//! `sendTaskSuccess` / `sendTaskFailure` / `sendTaskHeartbeat` or let time pass with
//! `advanceTime`. Each call returns the execution's new outcome. A Standard execution that
//! failed, timed out or was aborted is kept too, so `redriveExecution` can redrive it.
//!
//! At most [`MAX_EXECUTIONS`] (64, `maxWaitingExecutions()`) waiting executions are kept;
//! starting one more evicts the oldest, and addressing an evicted execution later fails
//! with an error that says so (and which start evicted it) rather than "it finished".

use crate::{from_js, install_panic_hook, to_js, to_js_json};
use serde::Serialize;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use stepbridge_asl::{Execution, RunOutcome, RunRequest, RunStatus};
use wasm_bindgen::prelude::*;

/// Executions kept for callbacks; bounded so an abandoned page cannot grow it forever.
pub const MAX_EXECUTIONS: usize = 64;
/// Evicted execution ids remembered (with the id whose start evicted each) so that a late
/// callback gets a clear error; bounded too, oldest forgotten first.
const MAX_EVICTED: usize = 4096;

thread_local! {
    static EXECUTIONS: RefCell<(u64, BTreeMap<u64, Execution>)> = const { RefCell::new((0, BTreeMap::new())) };
    static EVICTED: RefCell<BTreeMap<u64, u64>> = const { RefCell::new(BTreeMap::new()) };
}

/// How many waiting executions are kept for callbacks (older ones are evicted).
#[wasm_bindgen(js_name = maxWaitingExecutions)]
pub fn max_waiting_executions() -> u32 {
    MAX_EXECUTIONS as u32
}

fn remember_eviction(evicted: u64, by: u64) {
    EVICTED.with(|cell| {
        let mut m = cell.borrow_mut();
        m.insert(evicted, by);
        while m.len() > MAX_EVICTED {
            m.pop_first();
        }
    });
}

/// The error for an id the table does not hold: evicted, finished, or never started.
fn missing(execution_id: &str, id: u64, started: u64) -> String {
    if let Some(by) = EVICTED.with(|cell| cell.borrow().get(&id).copied()) {
        return format!(
            "ExecutionDoesNotExist: '{execution_id}' was evicted while it waited, when execution '{by}' started: only the {MAX_EXECUTIONS} most recent waiting executions are kept (maxWaitingExecutions). Finish or stop executions you no longer need."
        );
    }
    if id == 0 || id > started {
        return format!("ExecutionDoesNotExist: '{execution_id}' was never started");
    }
    format!("ExecutionDoesNotExist: '{execution_id}' (finished executions are not kept)")
}

pub fn run_execution_value(request: &RunRequest) -> RunOutcome {
    stepbridge_asl::run(request)
}

/// StartSyncExecution: the request run as Express, in AWS's response shape.
pub fn start_sync_execution_value(request: &RunRequest) -> Value {
    stepbridge_asl::start_sync_execution(request)
}

/// Whether the table keeps an execution: it waits for callbacks, or it can be redriven.
fn kept(outcome: &RunOutcome) -> bool {
    let express = outcome
        .execution_arn
        .as_deref()
        .is_some_and(|a| a.contains(":express:"));
    match outcome.status {
        RunStatus::WaitingForCallback => true,
        RunStatus::Failed | RunStatus::TimedOut | RunStatus::Aborted => !express,
        _ => false,
    }
}

pub fn validate_value(definition: &str) -> Value {
    let diagnostics = stepbridge_asl::validate(definition);
    let failed = diagnostics
        .iter()
        .any(|d| d.severity == stepbridge_asl::Severity::Error);
    json!({ "result": if failed { "FAIL" } else { "OK" }, "diagnostics": diagnostics })
}

/// A RunOutcome plus the id to resume the execution with.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionOutcome {
    pub execution_id: String,
    #[serde(flatten)]
    pub outcome: RunOutcome,
}

/// Start an execution that can be resumed later (it is kept only while it waits).
pub fn start_execution_value(request: RunRequest) -> ExecutionOutcome {
    let execution = Execution::start(request);
    let outcome = execution.outcome().clone();
    let id = EXECUTIONS.with(|cell| {
        let mut table = cell.borrow_mut();
        table.0 += 1;
        let id = table.0;
        if kept(&outcome) {
            while table.1.len() >= MAX_EXECUTIONS {
                let oldest = table.1.keys().next().copied();
                match oldest {
                    Some(k) => {
                        table.1.remove(&k);
                        remember_eviction(k, id);
                    }
                    None => break,
                };
            }
            table.1.insert(id, execution);
        }
        id
    });
    ExecutionOutcome {
        execution_id: id.to_string(),
        outcome,
    }
}

/// Apply `f` to a kept execution; finished executions are dropped from the table.
pub fn with_execution<F>(execution_id: &str, f: F) -> Result<ExecutionOutcome, String>
where
    F: FnOnce(&mut Execution) -> Result<RunOutcome, String>,
{
    let id: u64 = execution_id
        .parse()
        .map_err(|_| format!("ExecutionDoesNotExist: '{execution_id}'"))?;
    EXECUTIONS.with(|cell| {
        let mut table = cell.borrow_mut();
        let started = table.0;
        let execution = table
            .1
            .get_mut(&id)
            .ok_or_else(|| missing(execution_id, id, started))?;
        let outcome = f(execution)?;
        if !kept(&outcome) {
            table.1.remove(&id);
        }
        Ok(ExecutionOutcome {
            execution_id: execution_id.to_string(),
            outcome,
        })
    })
}

fn parse_output(output: &str) -> Result<Value, String> {
    serde_json::from_str(output)
        .map_err(|e| format!("InvalidOutput: the task output is not JSON: {e}"))
}

/// Runs an execution: `RunRequest` in, `RunOutcome` out.
#[wasm_bindgen(js_name = runExecution, unchecked_return_type = "RunOutcome")]
pub fn run_execution(
    #[wasm_bindgen(unchecked_param_type = "RunRequest")] request: JsValue,
) -> Result<JsValue, JsValue> {
    let request: RunRequest = from_js(request)?;
    js_sys::JSON::parse(&run_execution_value(&request).to_json())
}

/// A definition (with its mock file and options) compiled once and run many times, like
/// the peer's `new StateMachine(definition)` and `stateMachine.run(input)`:
/// `new StateMachine(request)` takes a RunRequest (its `input` is not used) and throws the
/// INVALID RunOutcome of a definition or mock file that cannot run; `run(input)` takes the
/// execution input as JSON text and returns the RunOutcome `runExecution` would.
#[wasm_bindgen(js_name = StateMachine)]
pub struct CompiledStateMachine {
    machine: stepbridge_asl::StateMachine,
    options: stepbridge_asl::ExecOptions,
}

#[wasm_bindgen(js_class = StateMachine)]
impl CompiledStateMachine {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "RunRequest")] request: JsValue,
    ) -> Result<CompiledStateMachine, JsValue> {
        let request: RunRequest = from_js(request)?;
        match stepbridge_asl::prepare(&request) {
            Ok((machine, _, options)) => Ok(CompiledStateMachine { machine, options }),
            Err(diagnostics) => Err(to_js_json(&RunOutcome::invalid(diagnostics))?),
        }
    }

    /// Runs one execution on `input` (JSON text; empty means `{}`).
    #[wasm_bindgen(unchecked_return_type = "RunOutcome")]
    pub fn run(&self, input: &str) -> Result<JsValue, JsValue> {
        let outcome = match stepbridge_asl::parse_input(input) {
            Ok(value) => self.machine.execute(value, &self.options),
            Err(diagnostics) => RunOutcome::invalid(diagnostics),
        };
        install_panic_hook();
        js_sys::JSON::parse(&outcome.to_json())
    }
}

/// Validates a definition: `{result: "OK"|"FAIL", diagnostics}`.
#[wasm_bindgen(js_name = validateDefinition, unchecked_return_type = "ValidateOutcome")]
pub fn validate_definition(definition: &str) -> Result<JsValue, JsValue> {
    to_js(&validate_value(definition))
}

/// Starts an execution that may wait for callbacks: `RunOutcome & {executionId}`.
#[wasm_bindgen(js_name = startExecution, unchecked_return_type = "ExecutionOutcome")]
pub fn start_execution(
    #[wasm_bindgen(unchecked_param_type = "RunRequest")] request: JsValue,
) -> Result<JsValue, JsValue> {
    let request: RunRequest = from_js(request)?;
    to_js_json(&start_execution_value(request))
}

/// SendTaskSuccess: `output` is JSON text.
#[wasm_bindgen(js_name = sendTaskSuccess, unchecked_return_type = "ExecutionOutcome")]
pub fn send_task_success(
    execution_id: &str,
    task_token: &str,
    output: &str,
) -> Result<JsValue, JsValue> {
    let out = with_execution(execution_id, |e| {
        let value = parse_output(output)?;
        e.send_task_success(task_token, value).cloned()
    })
    .map_err(|e| JsValue::from_str(&e))?;
    to_js_json(&out)
}

/// SendTaskFailure.
#[wasm_bindgen(js_name = sendTaskFailure, unchecked_return_type = "ExecutionOutcome")]
pub fn send_task_failure(
    execution_id: &str,
    task_token: &str,
    error: &str,
    cause: &str,
) -> Result<JsValue, JsValue> {
    let out = with_execution(execution_id, |e| {
        e.send_task_failure(task_token, error, cause).cloned()
    })
    .map_err(|e| JsValue::from_str(&e))?;
    to_js_json(&out)
}

/// SendTaskHeartbeat.
#[wasm_bindgen(js_name = sendTaskHeartbeat, unchecked_return_type = "ExecutionOutcome")]
pub fn send_task_heartbeat(execution_id: &str, task_token: &str) -> Result<JsValue, JsValue> {
    let out = with_execution(execution_id, |e| e.send_task_heartbeat(task_token).cloned())
        .map_err(|e| JsValue::from_str(&e))?;
    to_js_json(&out)
}

/// Let `seconds` of virtual time pass while the execution waits (timeouts may fire).
#[wasm_bindgen(js_name = advanceTime, unchecked_return_type = "ExecutionOutcome")]
pub fn advance_time(execution_id: &str, seconds: f64) -> Result<JsValue, JsValue> {
    let out = with_execution(execution_id, |e| e.advance_time(seconds).cloned())
        .map_err(|e| JsValue::from_str(&e))?;
    to_js_json(&out)
}

/// StartSyncExecution: runs the request as an Express execution and returns AWS's response
/// (`executionArn`, `status`, `output` as JSON text, `billingDetails`, ...).
#[wasm_bindgen(js_name = startSyncExecution, unchecked_return_type = "StartSyncExecutionOutput")]
pub fn start_sync_execution(
    #[wasm_bindgen(unchecked_param_type = "RunRequest")] request: JsValue,
) -> Result<JsValue, JsValue> {
    let request: RunRequest = from_js(request)?;
    to_js_json(&start_sync_execution_value(&request))
}

/// RedriveExecution: restarts a failed, timed-out or aborted Standard execution (started
/// with `startExecution`) from the states that did not succeed.
#[wasm_bindgen(js_name = redriveExecution, unchecked_return_type = "ExecutionOutcome")]
pub fn redrive_execution(execution_id: &str) -> Result<JsValue, JsValue> {
    let out = with_execution(execution_id, |e| e.redrive().cloned())
        .map_err(|e| JsValue::from_str(&e))?;
    to_js_json(&out)
}

/// Forget a waiting execution (StopExecution without history).
#[wasm_bindgen(js_name = stopExecution)]
pub fn stop_execution(execution_id: &str) -> bool {
    let Ok(id) = execution_id.parse::<u64>() else {
        return false;
    };
    EXECUTIONS.with(|cell| cell.borrow_mut().1.remove(&id).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    // https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
    #[test]
    fn outcomes_carry_variables_and_jsonata_inspection_data() {
        let def = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"n": "{% $states.input.n + 1 %}"},
                  "Assign": {"seen": "{% $states.result.n %}"}, "End": true}}});
        let out = run_execution_value(&RunRequest {
            definition: def.to_string(),
            input: r#"{"n": 1}"#.into(),
            ..Default::default()
        });
        let doc: Value = serde_json::from_str(&out.to_json()).expect("JSON");
        assert_eq!(doc["status"], "SUCCEEDED");
        assert_eq!(doc["variables"], json!({"seen": 2}));
        assert_eq!(doc["states"][0]["afterArguments"], json!({"n": 2}));
        assert_eq!(doc["states"][0]["variables"], json!({"seen": 2}));
        let exited = &doc["history"][doc["history"].as_array().unwrap().len() - 2];
        assert_eq!(
            exited["stateExitedEventDetails"]["assignedVariables"],
            json!({"seen": "2"})
        );
    }

    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartSyncExecution.html
    #[test]
    fn start_sync_execution_answers_for_an_express_run() {
        let def =
            json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": true}}});
        let r = start_sync_execution_value(&RunRequest {
            definition: def.to_string(),
            ..Default::default()
        });
        assert_eq!(r["status"], "SUCCEEDED");
        assert_eq!(r["output"], "1");
        assert_eq!(r["billingDetails"]["billedMemoryUsedInMB"], 64);
    }

    // https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html
    #[test]
    fn a_failed_execution_is_kept_for_redrive() {
        let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke", "End": true}}});
        let mocks = json!({"StateMachines": {"M": {"TestCases": {"C": {"T": "R"}}}},
            "MockedResponses": {"R": {"0": {"Throw": {"Error": "E", "Cause": "c"}},
                                      "1": {"Return": {"ok": true}}}}});
        let started = start_execution_value(RunRequest {
            definition: def.to_string(),
            mock_config: Some(mocks.to_string()),
            test_case: Some("C".into()),
            ..Default::default()
        });
        assert_eq!(started.outcome.status, RunStatus::Failed);
        let done =
            with_execution(&started.execution_id, |e| e.redrive().cloned()).expect("redrives");
        assert_eq!(done.outcome.status, RunStatus::Succeeded);
        assert_eq!(done.outcome.redrive_count, 1);
        // Succeeded: no longer kept.
        assert!(with_execution(&started.execution_id, |e| e.redrive().cloned()).is_err());
    }

    #[test]
    fn a_waiting_execution_is_kept_and_resumed() {
        let def = json!({"StartAt": "A", "States": {"A": {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"t.$": "$$.Task.Token"}, "End": true}}});
        let started = start_execution_value(RunRequest {
            definition: def.to_string(),
            ..Default::default()
        });
        assert_eq!(started.outcome.status, RunStatus::WaitingForCallback);
        let token = started.outcome.task_tokens[0].token.clone();
        let done = with_execution(&started.execution_id, |e| {
            e.send_task_success(&token, json!({"ok": 1})).cloned()
        })
        .expect("resumes");
        assert_eq!(done.outcome.status, RunStatus::Succeeded);
        assert_eq!(done.outcome.output, Some(json!({"ok": 1})));
        // Finished: no longer kept.
        assert!(with_execution(&started.execution_id, |e| e
            .send_task_heartbeat(&token)
            .cloned())
        .is_err());
    }

    // Reproducer 11 of issue 14: the 65th waiting execution evicted the first silently,
    // and answering the first then said it had finished.
    #[test]
    fn an_evicted_execution_says_so() {
        let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"Token.$": "$$.Task.Token"}, "End": true}}});
        let started: Vec<ExecutionOutcome> = (0..=MAX_EXECUTIONS)
            .map(|_| {
                start_execution_value(RunRequest {
                    definition: def.to_string(),
                    ..Default::default()
                })
            })
            .collect();
        let answer = |s: &ExecutionOutcome| {
            let token = s.outcome.task_tokens[0].token.clone();
            with_execution(&s.execution_id, |e| {
                e.send_task_success(&token, json!({"ok": true})).cloned()
            })
        };
        let first = &started[0];
        let last = &started[MAX_EXECUTIONS];
        let err = answer(first).err().expect("evicted");
        assert!(err.contains("was evicted"), "{err}");
        assert!(
            err.contains(&format!("when execution '{}' started", last.execution_id)),
            "{err}"
        );
        assert!(err.contains("64 most recent"), "{err}");
        assert_eq!(
            answer(&started[1]).expect("kept").outcome.status,
            RunStatus::Succeeded
        );
        assert_eq!(
            answer(last).expect("kept").outcome.status,
            RunStatus::Succeeded
        );
        let err = answer(last).err().expect("finished");
        assert!(err.contains("finished executions are not kept"), "{err}");
        assert!(with_execution("999999", |e| Ok(e.outcome().clone()))
            .err()
            .expect("unknown")
            .contains("never started"));
        assert_eq!(max_waiting_executions(), 64);
    }
}
