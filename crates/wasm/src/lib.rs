//! The engines for JavaScript: a handful of functions taking and returning JSON values.
//!
//! Each export has a plain-Rust twin (`*_value`) that the Yew app calls directly, so the
//! playground and a third-party page go through exactly the same code.

pub mod asl;
pub mod bus;
pub mod events;
pub mod matcher;
pub mod worker;

use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export interface Location { pointer: string; line: number; column: number }
export interface Diagnostic {
  severity: "ERROR" | "WARNING"; code: string; message: string; location: Location
}
export type Callback = { token: string; at?: number } & (
  | { kind: "success"; output: unknown }
  | { kind: "failure"; error: string; cause: string }
  | { kind: "heartbeat" }
  | { kind: "tick" }
);
export type LogLevel = "ALL" | "ERROR" | "FATAL" | "OFF";
/** An Express execution's CloudWatch Logs setting (default: ALL, with execution data). */
export interface LoggingConfiguration { level?: LogLevel; includeExecutionData?: boolean }
export interface RunRequest {
  definition: string; input?: string; mockConfig?: string; testCase?: string;
  stateMachine?: string; seed?: number; startTime?: string; history?: boolean;
  maxHistoryEvents?: number; maxPayloadBytes?: number; maxSteps?: number; callbacks?: Callback[];
  /** STANDARD (default) or EXPRESS: five-minute limit, `logs` instead of `history`. */
  executionType?: "STANDARD" | "EXPRESS"; logging?: LoggingConfiguration
}
/** One CloudWatch Logs record of an Express execution, as Step Functions writes it. */
export interface LogRecord {
  id: string; type: string; details: Record<string, unknown>; previous_event_id: string;
  event_timestamp: string; execution_arn: string; redrive_count: string
}
/** StartSyncExecution's response; dates in epoch seconds, input and output JSON text. */
export interface StartSyncExecutionOutput {
  executionArn?: string; stateMachineArn?: string; name?: string; startDate?: number;
  stopDate?: number; status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "INVALID";
  error?: string; cause?: string; input?: string; inputDetails?: { included: boolean };
  output?: string; outputDetails?: { included: boolean };
  billingDetails?: { billedMemoryUsedInMB: number; billedDurationInMilliseconds: number };
  diagnostics?: Diagnostic[]
}
export type ExecutionStatus =
  "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "WAITING_FOR_CALLBACK" | "INVALID";
export interface PendingToken { token: string; state: string; waited: number }
/** Per-state inspection data (TestState's field names). JSONPath states fill
 *  afterInputPath/afterParameters/afterResultSelector/afterResultPath, JSONata states
 *  afterArguments; `variables` are those visible after the state's Assign. */
export interface StateInspection {
  name: string; type: string; enteredTime: string;
  input?: unknown; afterInputPath?: unknown; afterParameters?: unknown; afterArguments?: unknown;
  result?: unknown; afterResultSelector?: unknown; afterResultPath?: unknown; output?: unknown;
  variables?: Record<string, unknown>;
  error?: string; cause?: string; unmocked?: boolean; retryCount?: number
}
export interface RunOutcome {
  status: ExecutionStatus; output?: unknown; error?: string; cause?: string;
  diagnostics?: Diagnostic[]; history: object[]; states?: StateInspection[];
  taskTokens?: PendingToken[]; unmocked?: string[]; executionArn?: string; stopTime?: string;
  /** Top-level workflow variables at the end of the run; absent when there are none. */
  variables?: Record<string, unknown>;
  /** An Express execution's CloudWatch Logs records (absent for Standard). */
  logs?: LogRecord[];
  /** Redrives so far (absent when none) and the virtual time of the last one. */
  redriveCount?: number; redriveDate?: string
}
export interface ExecutionOutcome extends RunOutcome { executionId: string }
export interface ValidateOutcome { result: "OK" | "FAIL"; diagnostics: Diagnostic[] }
export interface PatternError {
  error: string; message: string; pointer: string; line: number; column: number
}
export interface TestPatternOutcome { result: boolean; explanation: unknown }
"#;

/// Installs the panic hook so a bug shows a Rust message in the console, not `unreachable`.
///
/// Called by every export rather than from a `start` function: a library's start function
/// would replace the `main` of an app that links this crate (the playground does).
pub fn install_panic_hook() {
    console_error_panic_hook::set_once();
}

/// Plain objects rather than `Map`s, so results read naturally from JavaScript.
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    install_panic_hook();
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// The same plain objects as [`to_js`], made by one `JSON.parse` of the JSON text: for a
/// large value (an execution's output) far faster than building it field by field across
/// the wasm boundary. Integers beyond 2^53 come out rounded rather than as an error.
pub(crate) fn to_js_json<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let text = serde_json::to_string(value).map_err(|e| JsValue::from_str(&e.to_string()))?;
    js_sys::JSON::parse(&text)
}

pub(crate) fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T, JsValue> {
    install_panic_hook();
    serde_wasm_bindgen::from_value(value).map_err(|e| JsValue::from_str(&e.to_string()))
}
