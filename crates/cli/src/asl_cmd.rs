//! `stepbridge run` and `stepbridge validate` (CLI contract of issue 3: one JSON document on
//! stdout; exit 0 when SUCCEEDED / OK, 1 for any other end of a run, 2 when the definition,
//! input or mock file is invalid).

use crate::input::file_or_inline;
use clap::{Args, ValueEnum};
use serde_json::{json, Map, Value};
use std::path::Path;
use stepbridge_asl::{
    Diagnostic, Execution, ExecutionType, Location, LogLevel, LoggingConfiguration, RunRequest,
    RunStatus, Severity,
};

/// `--type`: the state machine type.
#[derive(Clone, Copy, ValueEnum)]
pub enum TypeArg {
    Standard,
    Express,
}

/// `--log-level`: an Express execution's CloudWatch Logs level.
#[derive(Clone, Copy, ValueEnum)]
pub enum LogLevelArg {
    All,
    Error,
    Fatal,
    Off,
}

#[derive(Args)]
pub struct RunArgs {
    /// State machine definition (JSON or YAML file).
    pub definition: String,
    /// Execution input: a file path or inline JSON.
    #[arg(long)]
    pub input: Option<String>,
    /// Step Functions Local MockConfigFile.
    #[arg(long)]
    pub mock_config: Option<String>,
    /// Test case of the mock config to use.
    #[arg(long)]
    pub test_case: Option<String>,
    /// State machine entry of the mock config (default: the definition file's name).
    #[arg(long)]
    pub state_machine: Option<String>,
    /// Include the execution history events in the output.
    #[arg(long)]
    pub history: bool,
    /// Seed for execution ids, task tokens, UUID/MathRandom and retry jitter.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// RFC 3339 start of the virtual clock (default 2024-01-01T00:00:00Z).
    #[arg(long)]
    pub start_time: Option<String>,
    /// History event quota (default 25000, AWS's); raise it for workloads AWS would stop.
    #[arg(long)]
    pub max_history_events: Option<u64>,
    /// Payload quota in bytes (default 262144, AWS's 256 KiB).
    #[arg(long)]
    pub max_payload_bytes: Option<u64>,
    /// State machine type: an express run ends after 5 minutes and prints its CloudWatch
    /// Logs records (`logs`) instead of history.
    #[arg(long = "type", value_enum, default_value = "standard")]
    pub execution_type: TypeArg,
    /// StartSyncExecution: run as Express and print AWS's response (implies --type express).
    #[arg(long)]
    pub sync: bool,
    /// Express log level (default all).
    #[arg(long, value_enum)]
    pub log_level: Option<LogLevelArg>,
    /// Leave input and output out of the Express log records (includeExecutionData false).
    #[arg(long)]
    pub no_execution_data: bool,
    /// RedriveExecution: redrive a failed or timed-out Standard run up to N times, each
    /// right after the previous attempt ended (mocks answer from their next responses).
    #[arg(long, default_value_t = 0)]
    pub redrive: u32,
    /// Work budget in evaluation steps (default 10000000): JSONata, JSONPath and intrinsic
    /// functions charge what they spend; a run that uses it all ends ABORTED, naming it.
    #[arg(long)]
    pub max_steps: Option<u64>,
}

#[derive(Args)]
pub struct ValidateArgs {
    /// State machine definition (JSON or YAML file).
    pub definition: String,
}

/// Writes straight to stdout: a run with its history can be tens of megabytes of text,
/// which a string built first would hold (and copy as it grows) on top of the run.
fn print(v: &Value) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, v)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    if let Err(e) = written {
        eprintln!("cannot write the result: {e}");
    }
}

fn usage_error(code: &str, message: String) -> u8 {
    let d = Diagnostic {
        severity: Severity::Error,
        code: code.into(),
        message,
        location: Location {
            pointer: String::new(),
            line: 1,
            column: 1,
        },
    };
    print(&json!({"status": "INVALID", "diagnostics": [d]}));
    2
}

/// `order.asl.json` → `order`: the name a mock file's StateMachines entry usually has.
fn machine_name(definition: &str) -> String {
    let file = Path::new(definition)
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or(definition);
    file.split('.').next().unwrap_or(file).to_string()
}

/// The `StateMachines` entry to use: the flag, else the only one, else the file's name.
fn pick_state_machine(mock_text: &str, flag: Option<String>, definition: &str) -> Option<String> {
    if flag.is_some() {
        return flag;
    }
    let doc: Value = serde_json::from_str(mock_text).ok()?;
    let machines = doc.get("StateMachines")?.as_object()?;
    if machines.len() == 1 {
        return machines.keys().next().cloned();
    }
    Some(machine_name(definition))
}

pub fn run(args: RunArgs) -> u8 {
    let definition = match std::fs::read_to_string(&args.definition) {
        Ok(t) => t,
        Err(e) => {
            return usage_error(
                "DEFINITION_NOT_READABLE",
                format!("cannot read {}: {e}", args.definition),
            )
        }
    };
    let input = match &args.input {
        Some(arg) => match file_or_inline(arg) {
            Ok(t) => t,
            Err(e) => return usage_error("INVALID_INPUT", e),
        },
        None => String::new(),
    };
    let mock_config = match &args.mock_config {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) => {
                return usage_error(
                    "MOCK_CONFIG_NOT_READABLE",
                    format!("cannot read {path}: {e}"),
                )
            }
        },
        None => None,
    };
    if mock_config.is_none() && args.test_case.is_some() {
        return usage_error(
            "INVALID_ARGUMENTS",
            "--test-case needs --mock-config".into(),
        );
    }
    let state_machine = match &mock_config {
        Some(text) => pick_state_machine(text, args.state_machine.clone(), &args.definition),
        None => Some(
            args.state_machine
                .clone()
                .unwrap_or_else(|| machine_name(&args.definition)),
        ),
    };
    let request = RunRequest {
        definition,
        input,
        mock_config,
        test_case: args.test_case,
        state_machine,
        seed: args.seed,
        start_time: args.start_time,
        history: Some(args.history),
        max_history_events: args.max_history_events,
        max_payload_bytes: args.max_payload_bytes,
        max_steps: args.max_steps,
        execution_type: if args.sync || matches!(args.execution_type, TypeArg::Express) {
            ExecutionType::Express
        } else {
            ExecutionType::Standard
        },
        logging: Some(LoggingConfiguration {
            level: match args.log_level.unwrap_or(LogLevelArg::All) {
                LogLevelArg::All => LogLevel::All,
                LogLevelArg::Error => LogLevel::Error,
                LogLevelArg::Fatal => LogLevel::Fatal,
                LogLevelArg::Off => LogLevel::Off,
            },
            include_execution_data: !args.no_execution_data,
        }),
        ..RunRequest::default()
    };
    if args.sync {
        let response = stepbridge_asl::start_sync_execution(&request);
        print(&response);
        return match response["status"].as_str() {
            Some("SUCCEEDED") => 0,
            Some("INVALID") => 2,
            _ => 1,
        };
    }
    let mut execution = Execution::start(request);
    for _ in 0..args.redrive {
        if execution.redrive().is_err() {
            break;
        }
    }
    let outcome = execution.outcome().clone();
    let mut out = Map::new();
    out.insert("status".into(), json!(outcome.status));
    match outcome.status {
        RunStatus::Invalid => {
            out.insert("diagnostics".into(), json!(outcome.diagnostics));
            print(&Value::Object(out));
            return 2;
        }
        RunStatus::Succeeded => {
            out.insert(
                "output".into(),
                outcome.output.clone().unwrap_or(Value::Null),
            );
        }
        _ => {
            if let Some(e) = &outcome.error {
                out.insert("error".into(), json!(e));
            }
            if let Some(c) = &outcome.cause {
                out.insert("cause".into(), json!(c));
            }
        }
    }
    if !outcome.task_tokens.is_empty() {
        out.insert("taskTokens".into(), json!(outcome.task_tokens));
    }
    if !outcome.unmocked.is_empty() {
        out.insert("unmocked".into(), json!(outcome.unmocked));
    }
    if let Some(v) = &outcome.variables {
        out.insert("variables".into(), Value::Object(v.clone()));
    }
    if outcome.redrive_count > 0 {
        out.insert("redriveCount".into(), json!(outcome.redrive_count));
    }
    if let Some(logs) = &outcome.logs {
        out.insert("logs".into(), json!(logs));
    }
    if args.history {
        out.insert("history".into(), Value::Array(outcome.history));
        out.insert("states".into(), Value::Array(outcome.states));
    }
    print(&Value::Object(out));
    if outcome.status == RunStatus::Succeeded {
        0
    } else {
        1
    }
}

pub fn validate(args: ValidateArgs) -> u8 {
    let definition = match std::fs::read_to_string(&args.definition) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic {
                severity: Severity::Error,
                code: "DEFINITION_NOT_READABLE".into(),
                message: format!("cannot read {}: {e}", args.definition),
                location: Location {
                    pointer: String::new(),
                    line: 1,
                    column: 1,
                },
            };
            print(&json!({"result": "FAIL", "diagnostics": [d]}));
            return 2;
        }
    };
    let diagnostics = stepbridge_asl::validate(&definition);
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    print(&json!({"result": if failed { "FAIL" } else { "OK" }, "diagnostics": diagnostics}));
    if failed {
        2
    } else {
        0
    }
}
