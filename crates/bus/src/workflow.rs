//! Events a workflow publishes: the `arn:aws:states:::events:putEvents` tasks of an execution
//! that a rule started, read back from its history so that their entries go onto the bus.
//!
//! What Step Functions does with such a task
//! (<https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html>): the
//! task's `Entries` are a PutEvents request (`Detail` may be an object or JSON text, an absent
//! `EventBusName` means the default bus), and the execution ARN and the state machine ARN are
//! appended to every entry's `Resources`. A non-zero `FailedEntryCount` fails the task with
//! `EventBridge.FailedEntry`.
//!
//! A workflow whose events start the workflow again never ends on AWS (each turn costs
//! money); the simulator follows at most [`MAX_WORKFLOW_HOPS`] such turns and
//! [`MAX_WORKFLOW_EVENTS`] published events per simulation, and says where it stopped.

use crate::{EventBridge, LogEntry, Origin};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// How many times an event published by a workflow may lead to another workflow publishing.
pub const MAX_WORKFLOW_HOPS: usize = 10;
/// The most events workflows may publish in one simulation.
pub const MAX_WORKFLOW_EVENTS: usize = 1_000;

/// One PutEvents call a workflow made: its state, its virtual time, and its entries (or why
/// its parameters are not a PutEvents request).
#[derive(Debug, Clone, PartialEq)]
pub struct PutEventsCall {
    pub state: String,
    pub time: Option<String>,
    pub entries: Result<Vec<Value>, String>,
}

fn is_put_events(details: &Value) -> bool {
    details.get("resourceType").and_then(Value::as_str) == Some("events")
        && details
            .get("resource")
            .and_then(Value::as_str)
            .is_some_and(|r| r == "putEvents" || r.starts_with("putEvents."))
}

/// The PutEvents calls of an execution, in history order. A call whose task failed (a
/// mocked error) put nothing; a call that was made and then timed out or is still waiting
/// for its task token did put its entries.
pub fn put_events_calls(history: &[Value]) -> Vec<PutEventsCall> {
    let id_of = |e: &Value| e.get("id").and_then(Value::as_u64);
    let previous_of = |e: &Value| e.get("previousEventId").and_then(Value::as_u64);
    // Each event's state: TaskStateEntered names it, later events inherit it through
    // previousEventId (retries and callbacks included).
    let mut state_of: HashMap<u64, String> = HashMap::new();
    let mut parent: HashMap<u64, u64> = HashMap::new();
    for event in history {
        let Some(id) = id_of(event) else { continue };
        if let Some(prev) = previous_of(event) {
            parent.insert(id, prev);
        }
        let name = event
            .get("stateEnteredEventDetails")
            .and_then(|d| d.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| previous_of(event).and_then(|p| state_of.get(&p).cloned()));
        if let Some(name) = name {
            state_of.insert(id, name);
        }
    }
    // A TaskFailed's chain goes back through TaskStarted (and TaskSubmitted) to its call.
    let mut failed: HashSet<u64> = HashSet::new();
    for event in history {
        if event.get("type").and_then(Value::as_str) != Some("TaskFailed") {
            continue;
        }
        let mut at = id_of(event);
        for _ in 0..4 {
            let Some(prev) = at.and_then(|a| parent.get(&a).copied()) else {
                break;
            };
            failed.insert(prev);
            at = Some(prev);
        }
    }
    history
        .iter()
        .filter(|e| e.get("type").and_then(Value::as_str) == Some("TaskScheduled"))
        .filter_map(|e| {
            let details = e.get("taskScheduledEventDetails")?;
            if !is_put_events(details) {
                return None;
            }
            let id = id_of(e)?;
            if failed.contains(&id) {
                return None;
            }
            Some(PutEventsCall {
                state: state_of.get(&id).cloned().unwrap_or_default(),
                time: e
                    .get("timestamp")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                entries: entries_of(details.get("parameters")),
            })
        })
        .collect()
}

/// The `Entries` of the task's parameters (JSON text in the history).
fn entries_of(parameters: Option<&Value>) -> Result<Vec<Value>, String> {
    let parsed = match parameters {
        Some(Value::String(text)) => serde_json::from_str::<Value>(text)
            .map_err(|e| format!("the task's parameters are not JSON: {e}"))?,
        Some(other) => other.clone(),
        None => Value::Null,
    };
    match parsed.get("Entries") {
        Some(Value::Array(entries)) => Ok(entries.clone()),
        _ => Err(
            "the task's Parameters (or Arguments) have no Entries array, as PutEvents requires"
                .into(),
        ),
    }
}

/// An entry as Step Functions sends it: the execution's and state machine's ARNs appended to
/// `Resources`, and the call's time when the entry gives none.
pub fn as_sent(entry: &Value, execution_arn: &str, machine_arn: &str, time: Option<&str>) -> Value {
    let Some(object) = entry.as_object() else {
        return entry.clone();
    };
    let mut object: Map<String, Value> = object.clone();
    let mut resources = match object.get("Resources") {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    resources.push(Value::String(execution_arn.to_string()));
    resources.push(Value::String(machine_arn.to_string()));
    object.insert("Resources".into(), Value::Array(resources));
    if let Some(time) = time {
        if object.get("Time").is_none_or(Value::is_null) {
            object.insert("Time".into(), Value::String(time.to_string()));
        }
    }
    Value::Object(object)
}

impl EventBridge {
    /// Puts on the bus what the execution's `events:putEvents` tasks sent.
    pub(crate) fn publish_from_workflow(
        &mut self,
        execution_arn: &str,
        machine_arn: &str,
        calls: Vec<PutEventsCall>,
        origin: &Origin,
    ) {
        for call in calls {
            let time = self.clock_text();
            let stop = |message: String| LogEntry::WorkflowEventsStopped {
                time: time.clone(),
                execution_arn: execution_arn.to_string(),
                state: call.state.clone(),
                message,
            };
            if origin.workflow_hops >= MAX_WORKFLOW_HOPS {
                self.log.push(stop(format!(
                    "Events published by workflows led to workflows publishing again {} times in a row; the simulation stops following them here (on AWS this loop would go on, and each turn is billed).",
                    MAX_WORKFLOW_HOPS
                )));
                return;
            }
            let entries = match call.entries {
                Ok(entries) => entries,
                Err(message) => {
                    self.log.push(LogEntry::WorkflowPutEvents {
                        time: time.clone(),
                        execution_arn: execution_arn.to_string(),
                        state: call.state.clone(),
                        entries: 0,
                        failed_entry_count: 0,
                        error: Some("States.Runtime".into()),
                        message: Some(message),
                    });
                    continue;
                }
            };
            if self.workflow_events + entries.len() > MAX_WORKFLOW_EVENTS {
                self.log.push(stop(format!(
                    "Workflows have published {} events in this simulation, the most it follows is {}; these {} entries are not put on the bus.",
                    self.workflow_events,
                    MAX_WORKFLOW_EVENTS,
                    entries.len()
                )));
                return;
            }
            self.workflow_events += entries.len();
            let sent: Vec<Value> = entries
                .iter()
                .map(|e| as_sent(e, execution_arn, machine_arn, call.time.as_deref()))
                .collect();
            let next = Origin {
                forwarded_from: None,
                replay: None,
                workflow_hops: origin.workflow_hops + 1,
            };
            match self.accept_entries(&sent) {
                Ok((result, accepted)) => {
                    let failed = result.failed_entry_count;
                    let message = result
                        .entries
                        .iter()
                        .filter_map(|r| {
                            Some(format!(
                                "{}: {}",
                                r.error_code.as_ref()?,
                                r.error_message.as_deref().unwrap_or_default()
                            ))
                        })
                        .collect::<Vec<_>>()
                        .join("; ");
                    self.log.push(LogEntry::WorkflowPutEvents {
                        time: time.clone(),
                        execution_arn: execution_arn.to_string(),
                        state: call.state.clone(),
                        entries: sent.len(),
                        failed_entry_count: failed,
                        error: (failed > 0).then(|| "EventBridge.FailedEntry".to_string()),
                        message: (failed > 0).then_some(message),
                    });
                    self.route_accepted(accepted, &next, Some(execution_arn));
                }
                Err(e) => self.log.push(LogEntry::WorkflowPutEvents {
                    time: time.clone(),
                    execution_arn: execution_arn.to_string(),
                    state: call.state.clone(),
                    entries: sent.len(),
                    failed_entry_count: sent.len(),
                    error: Some(e.error),
                    message: Some(e.message),
                }),
            }
        }
    }
}
