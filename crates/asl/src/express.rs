//! Express workflows: the execution type as a run setting.
//!
//! An Express execution runs the same definition as a Standard one, but AWS
//! - refuses the `.sync` and `.waitForTaskToken` integration patterns and activities when the
//!   state machine is created
//!   (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-standard-vs-express.html);
//! - ends it after five minutes (the same table: "Maximum duration: 5 minutes");
//! - keeps no execution history (GetExecutionHistory is not available for Express) but writes
//!   the history events to CloudWatch Logs, filtered by the logging configuration's level
//!   (https://docs.aws.amazon.com/step-functions/latest/dg/cloudwatch-log-level.html) and
//!   without input and output when `includeExecutionData` is false
//!   (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html);
//! - answers StartSyncExecution with the execution's end
//!   (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartSyncExecution.html).

use crate::clock;
use crate::engine::{Engine, ACCOUNT, REGION};
use crate::{Diagnostic, Location, RunOutcome, RunRequest, RunStatus, Severity};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The state machine type (CreateStateMachine's `type`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecutionType {
    #[default]
    Standard,
    Express,
}

/// Which history event types reach the log (LoggingConfiguration's `level`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LogLevel {
    #[default]
    All,
    Error,
    Fatal,
    Off,
}

/// LoggingConfiguration without its destination: the records are returned, not sent.
/// Without one an Express run logs at level ALL with execution data, so that a run shows
/// what happened (AWS's API default is OFF, which would show nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoggingConfiguration {
    pub level: LogLevel,
    pub include_execution_data: bool,
}

impl Default for LoggingConfiguration {
    fn default() -> Self {
        LoggingConfiguration {
            level: LogLevel::All,
            include_execution_data: true,
        }
    }
}

/// Express executions end after five minutes.
pub const EXPRESS_MAX_SECONDS: f64 = 300.0;

/// The error and cause of an Express execution stopped at five minutes (status TIMED_OUT).
pub(crate) const EXPRESS_TIMEOUT_CAUSE: &str =
    "The execution ran longer than the 5 minutes an Express workflow may run";

/// Event types logged at level ERROR (the table of the log-levels page); FATAL logs only
/// the execution's own failure, abort or time-out.
const ERROR_TYPES: &[&str] = &[
    "ExecutionAborted",
    "ExecutionFailed",
    "ExecutionTimedOut",
    "FailStateEntered",
    "LambdaFunctionFailed",
    "LambdaFunctionScheduleFailed",
    "LambdaFunctionStartFailed",
    "LambdaFunctionTimedOut",
    "MapIterationAborted",
    "MapIterationFailed",
    "MapStateAborted",
    "MapStateFailed",
    "ParallelStateAborted",
    "ParallelStateFailed",
    "TaskFailed",
    "TaskStartFailed",
    "TaskStateAborted",
    "TaskSubmitFailed",
    "TaskTimedOut",
    "WaitStateAborted",
    // Activities are refused in Express, but a Standard run may log them too.
    "ActivityFailed",
    "ActivityTimedOut",
    "ActivityScheduleFailed",
];

const FATAL_TYPES: &[&str] = &["ExecutionAborted", "ExecutionFailed", "ExecutionTimedOut"];

/// Whether an event type is logged at a level.
pub fn logged_at(level: LogLevel, event_type: &str) -> bool {
    match level {
        LogLevel::All => true,
        LogLevel::Off => false,
        LogLevel::Error => ERROR_TYPES.contains(&event_type),
        LogLevel::Fatal => FATAL_TYPES.contains(&event_type),
    }
}

/// Detail fields that carry execution data, dropped when `includeExecutionData` is false.
const DATA_FIELDS: &[&str] = &[
    "input",
    "inputDetails",
    "output",
    "outputDetails",
    "parameters",
    "assignedVariables",
    "assignedVariablesDetails",
];

/// History events (GetExecutionHistory shape) to CloudWatch Logs records: `id`, `type`,
/// `details`, `previous_event_id`, `event_timestamp` (epoch milliseconds), `execution_arn`
/// and `redrive_count`, the numbers as strings, as Step Functions writes them.
pub fn log_records(
    history: &[Value],
    logging: LoggingConfiguration,
    execution_arn: &str,
    redrive_count: u32,
) -> Vec<Value> {
    let mut out = Vec::new();
    for event in history {
        let Some(ty) = event.get("type").and_then(Value::as_str) else {
            continue;
        };
        if !logged_at(logging.level, ty) {
            continue;
        }
        let mut details = Map::new();
        if let Some(obj) = event.as_object() {
            for (k, v) in obj {
                if k.ends_with("EventDetails") {
                    if let Value::Object(d) = v {
                        for (dk, dv) in d {
                            if logging.include_execution_data || !DATA_FIELDS.contains(&dk.as_str())
                            {
                                details.insert(dk.clone(), dv.clone());
                            }
                        }
                    }
                }
            }
        }
        let millis = event
            .get("timestamp")
            .and_then(Value::as_str)
            .and_then(clock::parse_rfc3339)
            .unwrap_or(0);
        let num = |k: &str| {
            event
                .get(k)
                .and_then(Value::as_u64)
                .unwrap_or(0)
                .to_string()
        };
        out.push(json!({
            "id": num("id"),
            "type": ty,
            "details": details,
            "previous_event_id": num("previousEventId"),
            "event_timestamp": millis.to_string(),
            "execution_arn": execution_arn,
            "redrive_count": redrive_count.to_string(),
        }));
    }
    out
}

fn refused(pointer: String, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code: "SCHEMA_VALIDATION_FAILED".into(),
        message,
        location: Location {
            pointer,
            line: 1,
            column: 1,
        },
    }
}

/// What CreateStateMachine refuses in an Express definition: Task resources with the
/// `.sync` or `.waitForTaskToken` pattern, and activities. Each finding names the Resource's
/// JSON pointer; `locate` fills in line and column.
pub fn check_definition(definition: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    walk(definition, "", &mut out);
    out
}

fn walk(v: &Value, pointer: &str, out: &mut Vec<Diagnostic>) {
    match v {
        Value::Object(m) => {
            if m.get("Type").and_then(Value::as_str) == Some("Task") {
                if let Some(r) = m.get("Resource").and_then(Value::as_str) {
                    let at = format!("{pointer}/Resource");
                    let pattern = if r.ends_with(".waitForTaskToken") {
                        Some(".waitForTaskToken")
                    } else if r.contains(".sync") && r.starts_with("arn:aws:states:::") {
                        Some(".sync")
                    } else {
                        None
                    };
                    if let Some(p) = pattern {
                        out.push(refused(
                            at,
                            format!("Express state machine does not support '{p}' service integration. Use a STANDARD state machine, or the request-response pattern of the integration."),
                        ));
                    } else if matches!(
                        crate::states::task::classify_resource(r),
                        crate::states::task::ResourceKind::Activity
                    ) {
                        out.push(refused(
                            at,
                            "Express state machine does not support Activity ARN. Use a STANDARD state machine for activities.".into(),
                        ));
                    }
                }
            }
            for (k, child) in m {
                let escaped = k.replace('~', "~0").replace('/', "~1");
                walk(child, &format!("{pointer}/{escaped}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(child, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Make a fresh engine an Express execution: the `express` execution ARN AWS gives these
/// executions (`...:express:<machine>:<name>:<id>`) and the five-minute limit on top of any
/// TimeoutSeconds.
pub(crate) fn prepare_engine(engine: &mut Engine, state_machine_name: &str, start_ms: i64) {
    let name = engine
        .context
        .pointer("/Execution/Name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let run_id = crate::engine::dataflow::hex_id(&mut engine.rng);
    let arn =
        format!("arn:aws:states:{REGION}:{ACCOUNT}:express:{state_machine_name}:{name}:{run_id}");
    if let Some(Value::Object(e)) = engine.context.get_mut("Execution") {
        e.insert("Id".into(), Value::String(arn.clone()));
    }
    engine.execution_arn = arn;
    let limit = clock::add_seconds(start_ms, EXPRESS_MAX_SECONDS);
    engine.express_limit = engine.deadline.is_none_or(|d| limit <= d);
    engine.deadline = Some(engine.deadline.map_or(limit, |d| d.min(limit)));
}

/// StartSyncExecution: run `request` as an Express execution and answer in AWS's response
/// shape (`executionArn`, `stateMachineArn`, `name`, `startDate`, `stopDate`, `status`,
/// `input`, `inputDetails`, `output`, `outputDetails`, `error`, `cause`, `billingDetails`).
/// Dates are epoch seconds, as the JSON protocol sends them. A request that cannot start
/// answers with status INVALID and its diagnostics (AWS refuses it before any execution).
pub fn start_sync_execution(request: &RunRequest) -> Value {
    let mut request = request.clone();
    request.execution_type = ExecutionType::Express;
    let outcome = crate::run(&request);
    sync_response(&request, &outcome)
}

/// The StartSyncExecution answer for an Express outcome.
pub fn sync_response(request: &RunRequest, outcome: &RunOutcome) -> Value {
    if outcome.status == RunStatus::Invalid {
        return json!({"status": "INVALID", "diagnostics": outcome.diagnostics});
    }
    let arn = outcome.execution_arn.clone().unwrap_or_default();
    // arn:aws:states:REGION:ACCOUNT:express:MACHINE:NAME:ID
    let parts: Vec<&str> = arn.split(':').collect();
    let machine = parts.get(6).copied().unwrap_or_default();
    let name = parts.get(7).copied().unwrap_or_default();
    let start_ms = match &request.start_time {
        Some(t) => clock::parse_rfc3339(t).unwrap_or(clock::DEFAULT_START_MS),
        None => clock::DEFAULT_START_MS,
    };
    let stop_ms = outcome
        .stop_time
        .as_deref()
        .and_then(clock::parse_rfc3339)
        .unwrap_or(start_ms);
    let input = crate::parse_input(&request.input)
        .map(|v| crate::history::text(&v))
        .unwrap_or_default();
    let mut out = Map::new();
    out.insert("executionArn".into(), json!(arn));
    out.insert(
        "stateMachineArn".into(),
        json!(format!(
            "arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{machine}"
        )),
    );
    out.insert("name".into(), json!(name));
    out.insert("startDate".into(), json!(start_ms as f64 / 1000.0));
    out.insert("stopDate".into(), json!(stop_ms as f64 / 1000.0));
    out.insert("status".into(), json!(outcome.status));
    if let Some(e) = &outcome.error {
        out.insert("error".into(), json!(e));
    }
    if let Some(c) = &outcome.cause {
        out.insert("cause".into(), json!(c));
    }
    out.insert("input".into(), json!(input));
    out.insert("inputDetails".into(), json!({"included": true}));
    if let Some(o) = &outcome.output {
        out.insert("output".into(), json!(crate::history::text(o)));
        out.insert("outputDetails".into(), json!({"included": true}));
    }
    out.insert("billingDetails".into(), billing(start_ms, stop_ms));
    Value::Object(out)
}

/// Express pricing bills the duration rounded up to the next 100 ms and memory in 64-MB
/// steps (https://aws.amazon.com/step-functions/pricing/). The memory an execution uses is
/// not observable here; the smallest step is reported.
fn billing(start_ms: i64, stop_ms: i64) -> Value {
    let ms = (stop_ms - start_ms).max(1);
    let billed = ((ms + 99) / 100) * 100;
    json!({"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": billed})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_table() {
        assert!(logged_at(LogLevel::All, "PassStateEntered"));
        assert!(!logged_at(LogLevel::Error, "PassStateEntered"));
        assert!(logged_at(LogLevel::Error, "FailStateEntered"));
        assert!(!logged_at(LogLevel::Fatal, "FailStateEntered"));
        assert!(logged_at(LogLevel::Fatal, "ExecutionTimedOut"));
        assert!(!logged_at(LogLevel::Off, "ExecutionFailed"));
    }

    #[test]
    fn billing_rounds_up_to_100_ms() {
        assert_eq!(billing(0, 1)["billedDurationInMilliseconds"], 100);
        assert_eq!(billing(0, 100)["billedDurationInMilliseconds"], 100);
        assert_eq!(billing(0, 1001)["billedDurationInMilliseconds"], 1100);
    }
}
