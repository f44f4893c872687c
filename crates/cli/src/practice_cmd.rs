//! `stepbridge practice check`: an exercise file checked as its author needs, or an answer
//! graded as the playground grades it.
//!
//! Contract: stdout carries one JSON document. Without `--answer` it is the authoring check,
//! `{"exercise", "faults": [...], "solution": Grade, "starterPassed"}`, exit 0 when there are
//! no faults (the file loads, follows the schema, its solution passes every case and its
//! starter fails one). With `--answer` it is the answer's `Grade`, exit 0 when every case
//! passes and 1 otherwise. Unreadable files exit 2. A case-by-case report goes to stderr.

use clap::{Args, Subcommand};
use serde_json::{json, Value};
use std::path::Path;
use stepbridge_inspect::practice::{Answer, Exercise, Grade};
use stepbridge_practice::authoring;

#[derive(Args)]
pub struct PracticeArgs {
    #[command(subcommand)]
    pub command: PracticeCommand,
}

#[derive(Subcommand)]
pub enum PracticeCommand {
    /// Check an exercise file (solution passes, starter fails, schema), or grade an answer.
    Check(CheckArgs),
}

#[derive(Args)]
pub struct CheckArgs {
    /// The exercise file (static/exercises/<id>.json); its id must equal the file name.
    pub exercise: String,
    /// An answer (the Answer fields as JSON: definition, pattern, expression...): a file path
    /// or inline JSON. Without it, the exercise itself is checked.
    #[arg(long)]
    pub answer: Option<String>,
}

const FAILED: u8 = 1;
const INVALID: u8 = 2;

fn print(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_string())
    );
}

fn invalid(message: String) -> u8 {
    eprintln!("{message}");
    print(&json!({"error": "InvalidArgument", "message": message}));
    INVALID
}

pub fn practice(args: PracticeArgs) -> u8 {
    match args.command {
        PracticeCommand::Check(args) => check(args),
    }
}

fn check(args: CheckArgs) -> u8 {
    let path = Path::new(&args.exercise);
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return invalid(format!("cannot read {}: {e}", args.exercise)),
    };
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let loaded = authoring::load(&text, &id);
    let Some(answer_arg) = args.answer else {
        return author_check(&args.exercise, loaded);
    };
    let exercise = match loaded {
        Ok(e) => e,
        // Grading needs only a readable exercise; its other faults are the author's.
        Err(faults) => match serde_json::from_str::<Exercise>(&text) {
            Ok(e) => e,
            Err(_) => return invalid(format!("{}: {}", args.exercise, faults.join("; "))),
        },
    };
    let answer: Answer = match crate::input::file_or_inline(&answer_arg).and_then(|t| {
        serde_json::from_str(&t).map_err(|e| format!("the answer is not an Answer: {e}"))
    }) {
        Ok(a) => a,
        Err(message) => return invalid(format!("--answer: {message}")),
    };
    let grade = stepbridge_practice::grade(&exercise, &answer);
    report(&grade);
    print(&serde_json::to_value(&grade).unwrap_or(Value::Null));
    if grade.passed {
        0
    } else {
        FAILED
    }
}

fn author_check(file: &str, loaded: Result<Exercise, Vec<String>>) -> u8 {
    let exercise = match loaded {
        Ok(e) => e,
        Err(faults) => {
            for f in &faults {
                eprintln!("{file}: {f}");
            }
            print(&json!({"exercise": file, "faults": faults}));
            return FAILED;
        }
    };
    let faults = authoring::faults(&exercise);
    let solution = stepbridge_practice::grade(&exercise, &exercise.solution);
    let starter = stepbridge_practice::grade(&exercise, &exercise.starter);
    eprintln!("solution:");
    report(&solution);
    for f in &faults {
        eprintln!("{file}: {f}");
    }
    print(&json!({
        "exercise": exercise.id,
        "faults": faults,
        "solution": solution,
        "starterPassed": starter.passed,
    }));
    if faults.is_empty() {
        0
    } else {
        FAILED
    }
}

/// One line per case (and per diagnostic) for a person reading the terminal.
fn report(grade: &Grade) {
    for d in &grade.diagnostics {
        eprintln!(
            "  {} {}:{}:{}: {}",
            d.severity,
            grade.field.as_deref().unwrap_or("answer"),
            d.line,
            d.column,
            d.message
        );
    }
    for case in &grade.cases {
        eprintln!(
            "  {} {}{}: {}",
            if case.passed { "pass" } else { "FAIL" },
            case.name,
            if case.hidden { " (hidden)" } else { "" },
            case.message
        );
    }
    if let (Some(mine), Some(model)) = (grade.transitions, grade.model_transitions) {
        eprintln!("  state transitions: {mine} (model solution: {model})");
    }
}
