//! Invoking a pipe's enrichment and target with one batch.
//!
//! - Enrichment: <https://docs.aws.amazon.com/eventbridge/latest/userguide/pipes-enrichment.html>:
//!   invoked synchronously (REQUEST_RESPONSE), Step Functions only as Express workflows; the
//!   response goes to the target as it is, an array being a batch, and an empty response
//!   (`""`, `{}`, `[]`) means the target is not invoked.
//! - Targets: <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-target.html>:
//!   a state machine receives the batch as a JSON array; an event bus gets one PutEvents entry
//!   per event, with source `Pipe <name>` and detail-type `Event from <source>` unless
//!   EventBridgeEventBusParameters say otherwise.

use serde::Serialize;
use serde_json::{json, Value};
use stepbridge_asl::{RunOutcome, RunRequest};

use crate::ids::IdGenerator;
use crate::EventBridge;

/// A state machine named in the document.
#[derive(Debug, Clone)]
pub struct StateMachineDef {
    pub name: String,
    pub definition: String,
    pub mock_config: Option<String>,
    pub test_case: Option<String>,
}

/// One state machine execution started by the pipe.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionResult {
    pub execution_arn: String,
    /// `EXPRESS` for enrichments and REQUEST_RESPONSE targets, `STANDARD` otherwise.
    pub workflow_type: String,
    pub status: String,
    pub input: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

impl ExecutionResult {
    pub fn succeeded(&self) -> bool {
        self.status == "SUCCEEDED"
    }
}

pub struct Invoker<'a> {
    pub account: &'a str,
    pub region: &'a str,
    pub start_time: &'a str,
    pub ids: &'a mut IdGenerator,
}

impl Invoker<'_> {
    /// Runs `machine` with `input`, as an Express (`express = true`) or Standard workflow.
    pub fn run_state_machine(
        &mut self,
        machine: &StateMachineDef,
        input: &Value,
        express: bool,
    ) -> ExecutionResult {
        let request = RunRequest {
            definition: machine.definition.clone(),
            input: input.to_string(),
            mock_config: machine.mock_config.clone(),
            test_case: machine.test_case.clone(),
            state_machine: Some(machine.name.clone()),
            seed: self.ids.next_u64(),
            start_time: Some(self.start_time.to_string()),
            history: Some(false),
            ..RunRequest::default()
        };
        let outcome: RunOutcome = stepbridge_asl::run(&request);
        let run_id = self.ids.uuid();
        let execution_arn = if express {
            format!(
                "arn:aws:states:{}:{}:express:{}:{run_id}:{}",
                self.region,
                self.account,
                machine.name,
                self.ids.uuid()
            )
        } else {
            format!(
                "arn:aws:states:{}:{}:execution:{}:{run_id}",
                self.region, self.account, machine.name
            )
        };
        let mut cause = outcome.cause.clone();
        if outcome.status.as_str() == "INVALID" && cause.is_none() {
            cause = serde_json::to_value(&outcome.diagnostics)
                .ok()
                .map(|d| d.to_string());
        }
        ExecutionResult {
            execution_arn,
            workflow_type: if express { "EXPRESS" } else { "STANDARD" }.into(),
            status: outcome.status.as_str().to_string(),
            input: input.clone(),
            output: outcome.output.clone(),
            error: outcome.error.clone(),
            cause,
        }
    }
}

/// What the target did with one batch.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum TargetResult {
    /// A state machine ran with the batch as its input.
    #[serde(rename_all = "camelCase")]
    StateMachine {
        invocation_type: String,
        execution: ExecutionResult,
    },
    /// Events were put on a simulated bus.
    #[serde(rename_all = "camelCase")]
    EventBus {
        put_events: Value,
        /// The events as the bus accepted them (with ids and times).
        events: Vec<Value>,
    },
    /// A CloudWatch Logs group received one log event per pipe event.
    #[serde(rename_all = "camelCase")]
    Logs {
        log_group: String,
        log_events: Vec<Value>,
    },
    /// Any other target (Lambda, SQS, ...): the delivery is recorded, not simulated.
    #[serde(rename_all = "camelCase")]
    Recorded { service: String, input: Value },
}

impl TargetResult {
    pub fn failed(&self) -> bool {
        match self {
            TargetResult::StateMachine {
                invocation_type,
                execution,
            } => invocation_type == "REQUEST_RESPONSE" && !execution.succeeded(),
            TargetResult::EventBus { put_events, .. } => put_events
                .get("FailedEntryCount")
                .and_then(Value::as_u64)
                .is_some_and(|n| n > 0),
            _ => false,
        }
    }
}

/// Puts `events` on the bus `bus_arn` of `bridge`, 10 entries per PutEvents call.
pub fn put_on_bus(
    bridge: &mut EventBridge,
    bus_arn: &str,
    events: &[Value],
    source: &str,
    detail_type: &str,
    resources: &Value,
) -> TargetResult {
    let entries: Vec<Value> = events
        .iter()
        .map(|event| {
            let detail = match event {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            json!({
                "Source": source,
                "DetailType": detail_type,
                "Detail": detail,
                "Resources": resources,
                "EventBusName": bus_arn,
            })
        })
        .collect();
    let before = bridge.log().len();
    let mut failed = 0;
    let mut results = Vec::new();
    for chunk in entries.chunks(crate::put::MAX_ENTRIES) {
        match bridge.put_events(chunk) {
            Ok(r) => {
                failed += r.failed_entry_count;
                results.extend(
                    r.entries
                        .iter()
                        .map(|e| serde_json::to_value(e).unwrap_or(Value::Null)),
                );
            }
            Err(e) => {
                failed += chunk.len();
                results.extend(
                    chunk
                        .iter()
                        .map(|_| json!({"ErrorCode": e.error, "ErrorMessage": e.message})),
                );
            }
        }
    }
    let accepted = bridge.log()[before..]
        .iter()
        .filter_map(|entry| match entry {
            crate::LogEntry::EventAccepted { event, .. } => Some(event.clone()),
            _ => None,
        })
        .collect();
    TargetResult::EventBus {
        put_events: json!({"FailedEntryCount": failed, "Entries": results}),
        events: accepted,
    }
}
