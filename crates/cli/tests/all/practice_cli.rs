//! `stepbridge practice check`: the authoring check and grading an answer, with exit codes.

use serde_json::Value;
use std::process::Command;

fn stepbridge(args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_stepbridge"))
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn exercise(id: &str) -> String {
    format!(
        "{}/../../static/exercises/{id}.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn an_exercise_file_is_checked_for_its_author() {
    let (code, out, err) =
        stepbridge(&["practice", "check", &exercise("workflow-retry-then-catch")]);
    assert_eq!(code, 0, "{out} {err}");
    assert_eq!(out["faults"], serde_json::json!([]));
    assert_eq!(out["solution"]["passed"], true);
    assert_eq!(out["starterPassed"], false);
    assert!(err.contains("pass succeeds on the third attempt"), "{err}");
}

#[test]
fn an_answer_is_graded_case_by_case() {
    let file = exercise("schedule-weekday-paris");
    let right = r#"{"expression": "cron(30 9 ? * MON-FRI *)", "timezone": "Europe/Paris"}"#;
    let (code, out, _) = stepbridge(&["practice", "check", &file, "--answer", right]);
    assert_eq!((code, &out["passed"]), (0, &Value::Bool(true)));
    let utc = r#"{"expression": "cron(30 9 ? * MON-FRI *)"}"#;
    let (code, out, err) = stepbridge(&["practice", "check", &file, "--answer", utc]);
    assert_eq!(code, 1);
    assert_eq!(out["cases"][0]["pointer"], "/0");
    assert!(
        err.contains("FAIL across the spring clock change: fire time 1"),
        "{err}"
    );
    let broken = r#"{"expression": "cron(30 9 * * MON-FRI *)"}"#;
    let (code, out, err) = stepbridge(&["practice", "check", &file, "--answer", broken]);
    assert_eq!(code, 1);
    assert_eq!(out["field"], "expression");
    assert!(err.contains("error expression:1:1"), "{err}");
    let (code, out, _) = stepbridge(&["practice", "check", "no/such/file.json"]);
    assert_eq!(
        (code, &out["error"]),
        (2, &Value::String("InvalidArgument".into()))
    );
}
