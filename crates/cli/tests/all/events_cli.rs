//! `stepbridge test-pattern` as external harnesses drive it (issue 4's CLI contract).

use serde_json::Value;
use std::process::Command;

const EVENT: &str = r#"{"version":"0","id":"1","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012","time":"2017-12-22T18:43:48Z","region":"us-west-1","resources":[],"detail":{"state":"terminated"}}"#;

fn run(args: &[&str]) -> (Option<i32>, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_stepbridge"))
        .arg("test-pattern")
        .args(args)
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let value = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (out.status.code(), value)
}

#[test]
fn match_prints_true_and_exits_zero() {
    let (code, v) = run(&["--pattern", r#"{"source":["aws.ec2"]}"#, "--event", EVENT]);
    assert_eq!(code, Some(0));
    assert_eq!(v, serde_json::json!({"result": true}));
}

#[test]
fn no_match_prints_false_and_exits_zero() {
    let (code, v) = run(&[
        "--pattern",
        r#"{"detail":{"state":["running"]}}"#,
        "--event",
        EVENT,
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(v, serde_json::json!({"result": false}));
}

#[test]
fn invalid_pattern_exits_two_with_aws_wording() {
    let (code, v) = run(&["--pattern", r#"{"source":"aws.ec2"}"#, "--event", EVENT]);
    assert_eq!(code, Some(2));
    assert_eq!(v["error"], "InvalidEventPatternException");
    assert_eq!(
        v["message"],
        "Event pattern is not valid. Reason: \"source\" must be an object or an array"
    );
    assert_eq!(v["pointer"], "/source");
    assert_eq!(v["line"], 1);
    assert_eq!(v["column"], 11);
}

#[test]
fn malformed_pattern_json_exits_two() {
    let (code, v) = run(&["--pattern", r#"{"source": ["#, "--event", EVENT]);
    assert_eq!(code, Some(2));
    assert_eq!(v["error"], "InvalidEventPatternException");
    assert!(v["message"]
        .as_str()
        .unwrap_or("")
        .starts_with("Event pattern is not valid. Reason: "));
}

#[test]
fn event_missing_required_field_exits_two() {
    let (code, v) = run(&[
        "--pattern",
        r#"{"source":["x"]}"#,
        "--event",
        r#"{"source":"x"}"#,
    ]);
    assert_eq!(code, Some(2));
    assert_eq!(v["error"], "ValidationException");
    assert!(v["message"]
        .as_str()
        .unwrap_or("")
        .starts_with("Parameter Event is not valid."));
}

#[test]
fn reads_pattern_and_event_from_files() {
    let dir = std::env::temp_dir().join(format!("sb-events-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("pattern.json");
    let e = dir.join("event.json");
    std::fs::write(&p, r#"{"detail":{"state":[{"prefix":"term"}]}}"#).unwrap();
    std::fs::write(&e, EVENT).unwrap();
    let (code, v) = run(&[
        "--pattern",
        p.to_str().unwrap(),
        "--event",
        e.to_str().unwrap(),
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, Some(0));
    assert_eq!(v["result"], true);
}

#[test]
fn explain_flag_adds_the_explanation() {
    let (code, v) = run(&[
        "--pattern",
        r#"{"detail":{"state":["running"]}}"#,
        "--event",
        EVENT,
        "--explain",
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(v["result"], false);
    assert_eq!(v["explanation"]["failed"]["path"], "detail.state");
    assert_eq!(v["explanation"]["failed"]["event_values"][0], "terminated");
}

#[test]
fn missing_file_is_a_clear_error() {
    let (code, v) = run(&["--pattern", "/nonexistent/pattern.json", "--event", EVENT]);
    assert_eq!(code, Some(2));
    assert!(v["message"].as_str().unwrap_or("").contains("--pattern"));
}
