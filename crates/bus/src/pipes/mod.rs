//! EventBridge Pipes: source → filter → optional enrichment → target, run on records the
//! user writes, with a report of each record's path.
//!
//! Pages reproduced (tests in `tests/pipes.rs` cite each):
//! - <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes.html> (the stages)
//! - <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html>
//! - <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html>
//! - <https://docs.aws.amazon.com/eventbridge/latest/userguide/pipes-enrichment.html>
//! - <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html>
//! - <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-error-troubleshooting.html>
//! - <https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreatePipe.html> (names)
//!
//! # Document
//!
//! CreatePipe's members, plus the records the source holds and the state machines the
//! pipe may run:
//!
//! ```json
//! {
//!   "Name": "orders-pipe",
//!   "Account": "123456789012", "Region": "us-east-1", "Seed": 7,
//!   "StartTime": "2024-01-01T00:00:00Z",
//!   "Source": "arn:aws:sqs:us-east-1:123456789012:orders",
//!   "SourceParameters": {
//!     "FilterCriteria": {"Filters": [{"Pattern": "{\"body\": {\"status\": [\"pending\"]}}"}]},
//!     "SqsQueueParameters": {"BatchSize": 2, "MaximumBatchingWindowInSeconds": 5}
//!   },
//!   "SourceRecords": [{"body": {"orderId": "o-1", "status": "pending"}}, "plain text body"],
//!   "KeySchema": ["pk"],
//!   "Enrichment": "arn:aws:states:us-east-1:123456789012:stateMachine:Enrich",
//!   "EnrichmentParameters": {"InputTemplate": "{\"id\": \"<$.body.orderId>\"}"},
//!   "EnrichmentMock": {"Output": [{"id": "o-1", "vip": true}]},
//!   "Target": "arn:aws:states:us-east-1:123456789012:stateMachine:Fulfil",
//!   "TargetParameters": {
//!     "InputTemplate": "{\"order\": <$.id>}",
//!     "StepFunctionStateMachineParameters": {"InvocationType": "FIRE_AND_FORGET"},
//!     "EventBridgeEventBusParameters": {"Source": "shop", "DetailType": "Order"}
//!   },
//!   "StateMachines": [{"Name": "Fulfil", "Definition": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
//!                      "MockConfig": null, "TestCase": null}]
//! }
//! ```
//!
//! - `Source` is an SQS queue, Kinesis stream or DynamoDB stream ARN; its service picks the
//!   record shape. `SourceRecords` items: SQS — a body string, or `{"body": text|JSON,
//!   "attributes"?, "messageAttributes"?}`; Kinesis — `{"data": text|JSON}` or
//!   `{"dataBase64": "..."}`, with optional `partitionKey`; DynamoDB — `{"eventName":
//!   "INSERT"|"MODIFY"|"REMOVE", "newImage"?, "oldImage"?, "keys"?}`, images in DynamoDB JSON
//!   or plain JSON (marshalled), `Keys` taken from the image by `KeySchema` when not given.
//! - `Enrichment` and `Target` ARNs: a state machine listed in `StateMachines` is run;
//!   `EnrichmentMock` (`{"Output": v}` or `{"Error": "...", "Cause": "..."}`) stands in for any
//!   enrichment and wins over a state machine. Targets: `states` state machines run,
//!   `events` buses receive PutEvents on a simulated bus, `logs` groups record log events,
//!   any other service is recorded.
//!
//! Errors are `ValidationException`s whose message ends with the JSON pointer of the bad
//! input, e.g. `(at /SourceRecords/2/body)`.

pub mod filter;
pub mod source;
pub mod target;
pub mod template;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};

use crate::ids::IdGenerator;
use crate::{BusError, Config, EventBridge};
use filter::{FilterOutcome, Filters};
use source::{EnvelopeContext, SourceKind};
use target::{ExecutionResult, Invoker, StateMachineDef, TargetResult};
use template::{InputTemplate, PipeVariables};

/// The largest BatchSize CreatePipe accepts for these sources.
pub const MAX_BATCH_SIZE: usize = 10_000;
/// The longest MaximumBatchingWindowInSeconds.
pub const MAX_BATCHING_WINDOW: u64 = 300;

/// The report of one pipe run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PipeRun {
    pub pipe_name: String,
    pub pipe_arn: String,
    pub source_kind: SourceKind,
    pub source_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrichment_arn: Option<String>,
    pub target_arn: String,
    pub batch_size: usize,
    /// A setting only: the simulation has every record at once, so batches are full.
    pub maximum_batching_window_in_seconds: u64,
    pub summary: Summary,
    pub records: Vec<RecordTrace>,
    pub batches: Vec<BatchTrace>,
}

/// Counts for the pipe view's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub records: usize,
    pub filtered_out: usize,
    pub batches: usize,
    pub delivered_batches: usize,
    pub failed_batches: usize,
    /// Events the target received, over all batches.
    pub target_events: usize,
}

/// One source record's path through the pipe.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordTrace {
    pub index: usize,
    /// The record as the source delivers it.
    pub record: Value,
    /// `FILTERED_OUT` or `BATCHED`.
    pub status: String,
    pub filter: FilterOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<usize>,
    /// Position within the batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
}

/// What happened to one batch.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchTrace {
    pub index: usize,
    /// Indices into `records`.
    pub records: Vec<usize>,
    /// `DELIVERED`, `DROPPED_BY_ENRICHMENT`, `ENRICHMENT_FAILED` or `TARGET_FAILED`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrichment: Option<EnrichmentTrace>,
    /// The events handed to the target, before its InputTemplate.
    pub target_events: Vec<Value>,
    /// What the target received after its InputTemplate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_input: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetResult>,
    /// For a failed batch: what the source does with its records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disposition: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrichmentTrace {
    /// The batch after the enrichment InputTemplate: a JSON array.
    pub input: Value,
    /// `stateMachine` or `mock`.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution: Option<ExecutionResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

fn invalid(message: impl Into<String>, pointer: &str) -> BusError {
    BusError::new(
        "ValidationException",
        format!("{} (at {pointer})", message.into()),
    )
}

fn string_at<'a>(doc: &'a Value, key: &str) -> Result<Option<&'a str>, BusError> {
    match doc.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(
            format!("{key} must be a string"),
            &format!("/{key}"),
        )),
    }
}

fn template_at(doc: &Value, parent: &str) -> Result<Option<InputTemplate>, BusError> {
    let Some(text) = doc.get(parent).and_then(|p| p.get("InputTemplate")) else {
        return Ok(None);
    };
    let pointer = format!("/{parent}/InputTemplate");
    let text = text
        .as_str()
        .ok_or_else(|| invalid("InputTemplate must be a string", &pointer))?;
    InputTemplate::parse(text)
        .map(Some)
        .map_err(|e| invalid(e, &pointer))
}

fn state_machines(doc: &Value) -> Result<Vec<StateMachineDef>, BusError> {
    let Some(list) = doc.get("StateMachines") else {
        return Ok(Vec::new());
    };
    let items = list
        .as_array()
        .ok_or_else(|| invalid("StateMachines must be an array", "/StateMachines"))?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("/StateMachines/{i}");
        let name = item
            .get("Name")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("a state machine needs a Name", &at))?;
        let definition = match item.get("Definition") {
            Some(Value::String(s)) => s.clone(),
            Some(v @ Value::Object(_)) => v.to_string(),
            _ => {
                return Err(invalid(
                    "Definition must be an object or JSON text",
                    &format!("{at}/Definition"),
                ))
            }
        };
        let text = |key: &str| match item.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(v @ Value::Object(_)) => Some(v.to_string()),
            _ => None,
        };
        out.push(StateMachineDef {
            name: name.to_string(),
            definition,
            mock_config: text("MockConfig"),
            test_case: text("TestCase"),
        });
    }
    Ok(out)
}

/// The state machine an ARN names, when the document defines it.
fn find_machine<'a>(machines: &'a [StateMachineDef], arn: &str) -> Option<&'a StateMachineDef> {
    let name = arn.strip_prefix("arn:")?.split(':').collect::<Vec<_>>();
    if name.get(1) != Some(&"states") || name.get(4) != Some(&"stateMachine") {
        return None;
    }
    let wanted = name.get(5)?;
    machines.iter().find(|m| m.name == *wanted)
}

fn service_of(arn: &str) -> &str {
    arn.split(':').nth(2).unwrap_or("")
}

/// Runs the pipe the document describes over its `SourceRecords`.
pub fn run_pipe(document: &Value) -> Result<PipeRun, BusError> {
    if !document.is_object() {
        return Err(invalid("the pipe document must be a JSON object", ""));
    }
    let defaults = Config::default();
    let account = string_at(document, "Account")?
        .unwrap_or(&defaults.account)
        .to_string();
    let region = string_at(document, "Region")?
        .unwrap_or(&defaults.region)
        .to_string();
    let seed = match document.get("Seed") {
        None => 0,
        Some(v) => v
            .as_u64()
            .ok_or_else(|| invalid("Seed must be a non-negative integer", "/Seed"))?,
    };
    let start: DateTime<Utc> = match document.get("StartTime") {
        None => defaults.start_time,
        Some(v) => crate::put::parse_time(v)
            .ok_or_else(|| invalid("StartTime must be an RFC 3339 time", "/StartTime"))?,
    };
    let start_text = start.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let name = string_at(document, "Name")?
        .ok_or_else(|| invalid("a pipe needs a Name", "/Name"))?
        .to_string();
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(invalid(
            "Name must be 1 to 64 letters, digits, '.', '-' or '_'",
            "/Name",
        ));
    }
    let pipe_arn = format!("arn:aws:pipes:{region}:{account}:pipe/{name}");
    let source_arn = string_at(document, "Source")?
        .ok_or_else(|| invalid("a pipe needs a Source ARN", "/Source"))?
        .to_string();
    let kind = SourceKind::from_arn(&source_arn).ok_or_else(|| {
        invalid(
            "Source must be an SQS queue, Kinesis stream or DynamoDB stream ARN",
            "/Source",
        )
    })?;
    let target_arn = string_at(document, "Target")?
        .ok_or_else(|| invalid("a pipe needs a Target ARN", "/Target"))?
        .to_string();
    let enrichment_arn = string_at(document, "Enrichment")?.map(str::to_string);

    let source_params = document.get("SourceParameters");
    let filters = Filters::parse(
        source_params.and_then(|p| p.get("FilterCriteria")),
        "/SourceParameters/FilterCriteria",
    )?;
    let kind_params = source_params.and_then(|p| p.get(kind.parameters_key()));
    let params_at = format!("/SourceParameters/{}", kind.parameters_key());
    let batch_size = match kind_params.and_then(|p| p.get("BatchSize")) {
        None => kind.default_batch_size(),
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=MAX_BATCH_SIZE as u64).contains(n))
            .map(|n| n as usize)
            .ok_or_else(|| {
                invalid(
                    format!("BatchSize must be an integer from 1 to {MAX_BATCH_SIZE}"),
                    &format!("{params_at}/BatchSize"),
                )
            })?,
    };
    let window = match kind_params.and_then(|p| p.get("MaximumBatchingWindowInSeconds")) {
        None => 0,
        Some(v) => v
            .as_u64()
            .filter(|n| *n <= MAX_BATCHING_WINDOW)
            .ok_or_else(|| {
                invalid(
                    format!(
                        "MaximumBatchingWindowInSeconds must be an integer from 0 to {MAX_BATCHING_WINDOW}"
                    ),
                    &format!("{params_at}/MaximumBatchingWindowInSeconds"),
                )
            })?,
    };
    let key_schema: Vec<String> = match document.get("KeySchema") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid("a key attribute name", &format!("/KeySchema/{i}")))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(invalid("KeySchema must be an array of names", "/KeySchema")),
    };
    let machines = state_machines(document)?;
    let enrichment_template = template_at(document, "EnrichmentParameters")?;
    let target_template = template_at(document, "TargetParameters")?;
    let mock = document.get("EnrichmentMock");
    if let Some(m) = mock {
        if m.get("Output").is_none() && m.get("Error").is_none() {
            return Err(invalid(
                "EnrichmentMock needs Output, or Error and Cause",
                "/EnrichmentMock",
            ));
        }
    }
    if let Some(arn) = &enrichment_arn {
        if mock.is_none() && find_machine(&machines, arn).is_none() {
            return Err(invalid(
                "the Enrichment is neither a state machine listed in StateMachines nor mocked by EnrichmentMock",
                "/Enrichment",
            ));
        }
    }
    if service_of(&target_arn) == "states" && find_machine(&machines, &target_arn).is_none() {
        return Err(invalid(
            "the Target state machine is not listed in StateMachines",
            "/Target",
        ));
    }
    let target_params = document.get("TargetParameters");
    let invocation_type = target_params
        .and_then(|p| p.get("StepFunctionStateMachineParameters"))
        .and_then(|p| p.get("InvocationType"))
        .map(|v| match v.as_str() {
            Some(t @ ("FIRE_AND_FORGET" | "REQUEST_RESPONSE")) => Ok(t.to_string()),
            _ => Err(invalid(
                "InvocationType must be FIRE_AND_FORGET or REQUEST_RESPONSE",
                "/TargetParameters/StepFunctionStateMachineParameters/InvocationType",
            )),
        })
        .transpose()?
        .unwrap_or_else(|| "FIRE_AND_FORGET".to_string());

    let records = match document.get("SourceRecords") {
        Some(Value::Array(items)) => items,
        None => {
            return Err(invalid(
                "SourceRecords must list the source's records",
                "/SourceRecords",
            ))
        }
        Some(_) => return Err(invalid("SourceRecords must be an array", "/SourceRecords")),
    };
    let mut ids = IdGenerator::new(seed);
    let ctx = EnvelopeContext {
        kind,
        source_arn: &source_arn,
        region: &region,
        account: &account,
        time: start,
        key_schema: &key_schema,
    };
    let mut traces = Vec::new();
    let mut passed = Vec::new();
    for (i, spec) in records.iter().enumerate() {
        let record = source::envelope(&ctx, i, spec, &format!("/SourceRecords/{i}"), &mut ids)?;
        let outcome = filters.evaluate(kind, &record);
        if outcome.passed {
            passed.push(i);
        }
        traces.push(RecordTrace {
            index: i,
            record,
            status: if outcome.passed {
                "BATCHED"
            } else {
                "FILTERED_OUT"
            }
            .into(),
            filter: outcome,
            batch: None,
            position: None,
        });
    }

    let vars = PipeVariables {
        pipe_arn: &pipe_arn,
        pipe_name: &name,
        source_arn: &source_arn,
        enrichment_arn: enrichment_arn.as_deref().unwrap_or(""),
        target_arn: &target_arn,
        ingestion_time: &start_text,
    };
    let mut bridge = EventBridge::new(Config {
        account: account.clone(),
        region: region.clone(),
        seed,
        start_time: start,
    });
    if service_of(&target_arn) == "events" {
        if let Some(bus) = target_arn.split(":event-bus/").nth(1) {
            if bus != "default" {
                bridge
                    .create_event_bus(bus)
                    .map_err(|e| invalid(e.message, "/Target"))?;
            }
        }
    }
    let mut batches = Vec::new();
    for (b, chunk) in passed.chunks(batch_size).enumerate() {
        for (pos, &i) in chunk.iter().enumerate() {
            traces[i].batch = Some(b);
            traces[i].position = Some(pos);
        }
        let events: Vec<Value> = chunk.iter().map(|&i| traces[i].record.clone()).collect();
        let mut invoker = Invoker {
            account: &account,
            region: &region,
            start_time: &start_text,
            ids: &mut ids,
        };
        let mut batch = BatchTrace {
            index: b,
            records: chunk.to_vec(),
            status: "DELIVERED".into(),
            enrichment: None,
            target_events: Vec::new(),
            target_input: None,
            target: None,
            disposition: None,
        };
        let target_events = match &enrichment_arn {
            None => events,
            Some(arn) => {
                let input = Value::Array(
                    events
                        .iter()
                        .map(|e| match &enrichment_template {
                            Some(t) => t.apply(kind, e, &vars),
                            None => e.clone(),
                        })
                        .collect(),
                );
                let trace = enrich(&mut invoker, &machines, arn, mock, input);
                let outcome = match (&trace.error, &trace.output) {
                    (Some(_), _) | (_, None) => None,
                    (None, Some(out)) => Some(split_response(out)),
                };
                batch.enrichment = Some(trace);
                match outcome {
                    None => {
                        batch.status = "ENRICHMENT_FAILED".into();
                        batch.disposition = Some(failure_disposition(kind));
                        batches.push(batch);
                        continue;
                    }
                    Some(list) if list.is_empty() => {
                        batch.status = "DROPPED_BY_ENRICHMENT".into();
                        batches.push(batch);
                        continue;
                    }
                    Some(list) => list,
                }
            }
        };
        let transformed: Vec<Value> = target_events
            .iter()
            .map(|e| match &target_template {
                Some(t) => t.apply(kind, e, &vars),
                None => e.clone(),
            })
            .collect();
        batch.target_events = target_events;
        let result = deliver(
            &mut invoker,
            &mut bridge,
            &machines,
            &name,
            kind,
            &target_arn,
            target_params,
            &invocation_type,
            &transformed,
        );
        batch.target_input = Some(match &result {
            TargetResult::StateMachine { execution, .. } => execution.input.clone(),
            _ => Value::Array(transformed),
        });
        if result.failed() {
            batch.status = "TARGET_FAILED".into();
            batch.disposition = Some(failure_disposition(kind));
        }
        batch.target = Some(result);
        batches.push(batch);
    }
    let summary = Summary {
        records: traces.len(),
        filtered_out: traces.iter().filter(|t| !t.filter.passed).count(),
        batches: batches.len(),
        delivered_batches: batches.iter().filter(|b| b.status == "DELIVERED").count(),
        failed_batches: batches
            .iter()
            .filter(|b| b.status.ends_with("_FAILED"))
            .count(),
        target_events: batches
            .iter()
            .filter(|b| b.target.is_some())
            .map(|b| b.target_events.len())
            .sum(),
    };
    Ok(PipeRun {
        summary,
        pipe_name: name,
        pipe_arn,
        source_kind: kind,
        source_arn,
        enrichment_arn,
        target_arn,
        batch_size,
        maximum_batching_window_in_seconds: window,
        records: traces,
        batches,
    })
}

/// Runs or mocks the enrichment with the batch.
fn enrich(
    invoker: &mut Invoker<'_>,
    machines: &[StateMachineDef],
    arn: &str,
    mock: Option<&Value>,
    input: Value,
) -> EnrichmentTrace {
    if let Some(mock) = mock {
        let text = |k: &str| {
            mock.get(k).map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            })
        };
        return EnrichmentTrace {
            input,
            kind: "mock".into(),
            execution: None,
            output: mock.get("Output").cloned(),
            error: text("Error"),
            cause: text("Cause"),
        };
    }
    match find_machine(machines, arn) {
        Some(machine) => {
            // Pipes only takes Express workflows as enrichment, called synchronously.
            let execution = invoker.run_state_machine(machine, &input, true);
            let (output, error, cause) = if execution.succeeded() {
                (execution.output.clone(), None, None)
            } else {
                (
                    None,
                    Some(
                        execution
                            .error
                            .clone()
                            .unwrap_or_else(|| execution.status.clone()),
                    ),
                    execution.cause.clone(),
                )
            };
            EnrichmentTrace {
                input,
                kind: "stateMachine".into(),
                execution: Some(execution),
                output,
                error,
                cause,
            }
        }
        None => EnrichmentTrace {
            input,
            kind: "stateMachine".into(),
            execution: None,
            output: None,
            error: Some("ResourceNotFoundException".into()),
            cause: Some(format!("State machine {arn} is not defined")),
        },
    }
}

/// The events an enrichment response stands for: an array is the batch, an empty
/// response (`""`, `{}`, `[]`, null) means none.
fn split_response(output: &Value) -> Vec<Value> {
    match output {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        Value::String(s) if s.is_empty() => Vec::new(),
        Value::Object(m) if m.is_empty() => Vec::new(),
        other => vec![other.clone()],
    }
}

/// What the source does with a batch whose enrichment or target failed (error-handling page):
/// an SQS message becomes visible again and is retried until the queue's redrive policy moves
/// it to its dead-letter queue; a stream batch is retried until the record expires or
/// MaximumRetryAttempts is reached, then goes to the pipe's DeadLetterConfig if it has one.
fn failure_disposition(kind: SourceKind) -> String {
    match kind {
        SourceKind::Sqs => "RETURNED_TO_QUEUE: the messages become visible again after the visibility timeout and are retried until the queue's redrive policy sends them to its dead-letter queue".into(),
        _ => "RETRIED: the batch is retried until the records expire or MaximumRetryAttempts is reached, then sent to the pipe's DeadLetterConfig if it has one".into(),
    }
}

#[allow(clippy::too_many_arguments)]
fn deliver(
    invoker: &mut Invoker<'_>,
    bridge: &mut EventBridge,
    machines: &[StateMachineDef],
    pipe_name: &str,
    kind: SourceKind,
    target_arn: &str,
    params: Option<&Value>,
    invocation_type: &str,
    events: &[Value],
) -> TargetResult {
    match service_of(target_arn) {
        "states" => {
            let input = Value::Array(events.to_vec());
            let execution = match find_machine(machines, target_arn) {
                Some(m) => {
                    invoker.run_state_machine(m, &input, invocation_type == "REQUEST_RESPONSE")
                }
                None => ExecutionResult {
                    execution_arn: String::new(),
                    workflow_type: String::new(),
                    status: "FAILED".into(),
                    input,
                    output: None,
                    error: Some("StateMachineDoesNotExist".into()),
                    cause: Some(format!("{target_arn} is not defined")),
                },
            };
            TargetResult::StateMachine {
                invocation_type: invocation_type.to_string(),
                execution,
            }
        }
        "events" => {
            let bus_params = params.and_then(|p| p.get("EventBridgeEventBusParameters"));
            let pick = |k: &str| bus_params.and_then(|p| p.get(k)).and_then(Value::as_str);
            let source = pick("Source")
                .map(str::to_string)
                .unwrap_or_else(|| format!("Pipe {pipe_name}"));
            let detail_type = pick("DetailType")
                .map(str::to_string)
                .unwrap_or_else(|| format!("Event from {}", kind.event_source()));
            let resources = bus_params
                .and_then(|p| p.get("Resources"))
                .cloned()
                .unwrap_or_else(|| json!([]));
            target::put_on_bus(
                bridge,
                target_arn,
                events,
                &source,
                &detail_type,
                &resources,
            )
        }
        "logs" => TargetResult::Logs {
            log_group: target_arn
                .split(":log-group:")
                .nth(1)
                .unwrap_or(target_arn)
                .trim_end_matches(":*")
                .to_string(),
            log_events: events
                .iter()
                .map(|e| {
                    let message = match e {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    json!({"timestamp": bridge.now().timestamp_millis(), "message": message})
                })
                .collect(),
        },
        other => TargetResult::Recorded {
            service: other.to_string(),
            input: Value::Array(events.to_vec()),
        },
    }
}
