//! `run` on definitions as users write them: YAML (SAM/CloudFormation style), invalid ones
//! (status INVALID with located diagnostics, never a panic), and malformed requests.

use serde_json::json;
use stepbridge_asl::{run, RunRequest, Severity};

fn req(definition: &str, input: &str) -> RunRequest {
    RunRequest {
        definition: definition.into(),
        input: input.into(),
        ..Default::default()
    }
}

#[test]
fn yaml_definitions_run() {
    let yaml = "StartAt: Hello\nStates:\n  Hello:\n    Type: Pass\n    Parameters:\n      greeting.$: States.Format('hi {}', $.name)\n    End: true\n";
    let o = run(&req(yaml, r#"{"name": "bob"}"#));
    assert_eq!(o.status, stepbridge_asl::RunStatus::Succeeded, "{o:?}");
    assert_eq!(o.output, Some(json!({"greeting": "hi bob"})));
}

#[test]
fn invalid_definitions_are_refused_with_located_diagnostics() {
    let def = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"Nowhere\"}\n  }\n}";
    let o = run(&req(def, "{}"));
    assert_eq!(o.status, stepbridge_asl::RunStatus::Invalid);
    let d = o
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .expect("an error");
    assert!(d.location.pointer.starts_with("/States/A"), "{d:?}");
    assert_eq!(d.location.line, 4, "{d:?}");
    assert!(o.history.is_empty());
}

#[test]
fn malformed_requests_never_panic() {
    let defs = [
        "",
        "{",
        "[]",
        "null",
        r#"{"StartAt": 5, "States": []}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Map", "End": true}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": -1, "End": true}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": 1, "End": true}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{}]}}}"#,
    ];
    for d in defs {
        let o = run(&req(d, "{}"));
        assert_eq!(o.status, stepbridge_asl::RunStatus::Invalid, "{d}: {o:?}");
        assert!(!o.diagnostics.is_empty(), "{d}");
    }
    let ok = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;
    assert_eq!(
        run(&req(ok, "{not json")).status,
        stepbridge_asl::RunStatus::Invalid
    );
    let bad_mocks = RunRequest {
        mock_config: Some("{}".into()),
        ..req(ok, "{}")
    };
    assert_eq!(run(&bad_mocks).status, stepbridge_asl::RunStatus::Invalid);
    let bad_start = RunRequest {
        start_time: Some("tomorrow".into()),
        ..req(ok, "{}")
    };
    assert_eq!(run(&bad_start).status, stepbridge_asl::RunStatus::Invalid);
}

#[test]
fn deeply_nested_parallels_do_not_overflow() {
    let mut m = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    for _ in 0..60 {
        m = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [m], "End": true}}});
    }
    let o = run(&req(&m.to_string(), "{}"));
    assert!(
        o.status == stepbridge_asl::RunStatus::Invalid
            || o.status == stepbridge_asl::RunStatus::Failed,
        "{}",
        o.status
    );
}

#[test]
fn definition_text_parses_and_pointers_locate() {
    let yaml = "StartAt: A\nStates:\n  A:\n    Type: Succeed\n";
    let v = stepbridge_asl::parse_source(yaml).unwrap();
    assert_eq!(v["States"]["A"]["Type"], "Succeed");
    assert_eq!(stepbridge_asl::locate(yaml, "/States/A/Type"), (4, 5));
    let json = "{\n  \"StartAt\": \"A\"\n}";
    assert_eq!(stepbridge_asl::locate(json, "/StartAt"), (2, 3));
    let e = stepbridge_asl::parse_source("{").unwrap_err();
    assert_eq!(e.code, "INVALID_JSON_DESCRIPTION");
}
