//! `stepbridge test-pattern`.
//!
//! Contract (external harnesses drive it): stdout carries one JSON document. A verdict is
//! `{"result": true|false}` with exit 0; a refused pattern or event is the error object
//! (`error`, `message`, plus where the fault is) with exit 2.

use crate::input::file_or_inline;
use clap::Args;
use serde_json::{json, Value};

#[derive(Args)]
pub struct TestPatternArgs {
    /// Event pattern: a file path or inline JSON.
    #[arg(long)]
    pub pattern: String,
    /// Event: a file path or inline JSON.
    #[arg(long)]
    pub event: String,
    /// Also print why the event matched or not, field by field.
    #[arg(long)]
    pub explain: bool,
}

/// Exit code for a refused pattern or event (as for any unusable input).
const INVALID: u8 = 2;

fn print(value: &Value) {
    println!(
        "{}",
        serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
    );
}

pub fn test_pattern(args: TestPatternArgs) -> u8 {
    let read = |arg: &str, what: &str| {
        file_or_inline(arg).map_err(|message| {
            json!({"error": "InvalidArgument", "message": format!("--{what}: {message}")})
        })
    };
    let (pattern, event) = match (read(&args.pattern, "pattern"), read(&args.event, "event")) {
        (Ok(p), Ok(e)) => (p, e),
        (Err(err), _) | (_, Err(err)) => {
            print(&err);
            return INVALID;
        }
    };
    match stepbridge_events::test_pattern(&pattern, &event) {
        Ok(outcome) => {
            let mut out = json!({"result": outcome.result});
            if args.explain {
                out["explanation"] = outcome.explanation;
            }
            print(&out);
            0
        }
        Err(error) => {
            eprintln!("{error}");
            print(&serde_json::to_value(&error).unwrap_or(Value::Null));
            INVALID
        }
    }
}
