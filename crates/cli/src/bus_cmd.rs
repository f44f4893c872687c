//! `stepbridge schedule` and `stepbridge simulate-bus`.
//!
//! stdout carries one JSON document; exit 0 on success, 2 when the expression or scenario
//! is refused (the document is then `{"error", "message", ...}`).

use crate::input::file_or_inline;
use clap::Args;
use serde_json::{json, Value};

#[derive(Args)]
pub struct ScheduleArgs {
    /// rate(value unit), cron(min hour day-of-month month day-of-week year) or, with
    /// EventBridge Scheduler semantics, at(yyyy-mm-ddThh:mm:ss).
    pub expression: String,
    /// How many fire times to print.
    #[arg(long, default_value_t = 5)]
    pub count: usize,
    /// RFC 3339 instant to count from (the rule's creation for rate expressions).
    #[arg(long, default_value = "2024-01-01T00:00:00Z")]
    pub from: String,
    /// IANA time zone (EventBridge Scheduler's ScheduleExpressionTimezone).
    #[arg(long)]
    pub timezone: Option<String>,
}

#[derive(Args)]
pub struct SimulateBusArgs {
    /// Scenario document: a file path or inline JSON.
    pub scenario: String,
}

const INVALID: u8 = 2;

fn print(value: &Value) {
    println!(
        "{}",
        serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
    );
}

pub fn schedule(args: ScheduleArgs) -> u8 {
    let out = stepbridge_bus::scenario::next_fire_times(
        &args.expression,
        args.timezone.as_deref(),
        &args.from,
        args.count,
    );
    print(&out);
    if out.get("error").is_some() {
        INVALID
    } else {
        0
    }
}

pub fn simulate_bus(args: SimulateBusArgs) -> u8 {
    let scenario = match file_or_inline(&args.scenario).and_then(|text| {
        serde_json::from_str::<Value>(&text).map_err(|e| format!("scenario is not JSON: {e}"))
    }) {
        Ok(v) => v,
        Err(message) => {
            print(&json!({"error": "InvalidArgument", "message": message}));
            return INVALID;
        }
    };
    let out = stepbridge_bus::scenario::simulate(&scenario);
    print(&out);
    if out.get("error").is_some() {
        INVALID
    } else {
        0
    }
}
