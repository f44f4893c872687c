//! Static validation: diagnostics with AWS's codes, a JSON pointer and a line/column.
//! Codes: https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html
//! Structure rules: https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html
//!
//! The data-driven cases live in tests/conformance/asl/expr/validate: each `NAME.asl.json` or
//! `NAME.asl.yaml` has a `NAME.expect.json` with the doc page and the exact diagnostics
//! (severity, code, pointer, line, column) in order.

use serde_json::{json, Value};
use stepbridge_asl::{validate, Diagnostic, Severity};

fn case_dir() -> std::path::PathBuf {
    let candidates = [
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/conformance/asl/expr/validate"),
        std::path::Path::new(file!())
            .parent()
            .map(|p| p.join("../../../tests/conformance/asl/expr/validate"))
            .unwrap_or_default(),
    ];
    candidates
        .into_iter()
        .find(|p| p.is_dir())
        .expect("tests/conformance/asl/expr/validate exists")
}

fn brief(d: &Diagnostic) -> Value {
    json!({
        "severity": d.severity,
        "code": d.code,
        "pointer": d.location.pointer,
        "line": d.location.line,
        "column": d.location.column,
    })
}

#[test]
fn conformance_cases() {
    let dir = case_dir();
    let mut ran = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some((stem, _)) = name.split_once(".asl.") else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let expect: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{stem}.expect.json"))).unwrap(),
        )
        .unwrap();
        assert!(expect["doc"]
            .as_str()
            .unwrap()
            .starts_with("https://docs.aws.amazon.com/"));
        let diags = validate(&text);
        let got: Vec<Value> = diags.iter().map(brief).collect();
        assert_eq!(
            Value::Array(got),
            expect["diagnostics"],
            "{name}: {}",
            serde_json::to_string_pretty(&diags).unwrap()
        );
        let result = if diags.iter().any(|d| d.severity == Severity::Error) {
            "FAIL"
        } else {
            "OK"
        };
        assert_eq!(result, expect["result"], "{name}");
        for d in &diags {
            assert!(
                d.message.len() > 20,
                "{name}: message too terse: {}",
                d.message
            );
            assert!(d.location.line >= 1 && d.location.column >= 1);
        }
        ran += 1;
    }
    assert!(ran >= 14, "only {ran} cases found");
}

fn codes(text: &str) -> Vec<(String, String)> {
    validate(text)
        .into_iter()
        .map(|d| (d.code, d.location.pointer))
        .collect()
}

// AWS, as quoted in the localstack and floci reproductions of CreateStateMachine:
// "MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next" and
// "MISSING_TRANSITION_TARGET: State \"pass2\" is not reachable. at /States/pass2".
#[test]
fn aws_wording_for_transitions() {
    let d = validate(
        r#"{"StartAt":"pass1","States":{"pass1":{"Type":"Pass","Next":"pass3"},"pass2":{"Type":"Pass","End":true}}}"#,
    );
    assert!(d[0].message.starts_with("Missing 'Next' target: pass3"));
    assert!(d[1]
        .message
        .starts_with("State \"pass2\" is not reachable."));
}

#[test]
fn empty_and_non_object_definitions() {
    assert_eq!(validate("")[0].code, "MISSING_DESCRIPTION");
    assert_eq!(validate("  \n")[0].code, "MISSING_DESCRIPTION");
    assert_eq!(validate("[1, 2]")[0].code, "SCHEMA_VALIDATION_FAILED");
    assert_eq!(validate("just text")[0].code, "SCHEMA_VALIDATION_FAILED");
    assert_eq!(
        codes("{}"),
        vec![
            ("SCHEMA_VALIDATION_FAILED".to_string(), String::new()),
            ("SCHEMA_VALIDATION_FAILED".to_string(), String::new())
        ]
    );
}

#[test]
fn json_syntax_error_position() {
    let d = validate("{\n  \"StartAt\": \"A\"\n  \"States\": {}\n}");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "INVALID_JSON_DESCRIPTION");
    assert_eq!((d[0].location.line, d[0].location.column), (3, 3));
}

#[test]
fn yaml_positions_and_pointer_escaping() {
    let text = "StartAt: a/b\nStates:\n  a/b:\n    Type: Pass\n    Next: c~d\n  c~d:\n    Type: Pass\n    End: true\n    Nxt: x\n  e/f:\n    Type: Succeed\n";
    let d = validate(text);
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(d[0].location.pointer, "/States/c~0d/Nxt");
    assert_eq!((d[0].location.line, d[0].location.column), (9, 5));
    assert_eq!(d[1].location.pointer, "/States/e~1f");
    assert_eq!((d[1].location.line, d[1].location.column), (10, 3));
}

#[test]
fn yaml_anchors_and_flow_style() {
    let text = "StartAt: A\nStates:\n  A: &pass {Type: Pass, End: true}\n  B: *pass\n";
    // B is a copy of A (End: true) and nothing reaches it.
    assert_eq!(
        codes(text),
        vec![("MISSING_TRANSITION_TARGET".into(), "/States/B".into())]
    );
}

#[test]
fn query_language_field() {
    let ok = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $states.input %}","End":true}}}"#;
    assert!(validate(ok).is_empty(), "{:?}", validate(ok));
    let mixed = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.a","End":true}}}"#;
    assert_eq!(
        codes(mixed),
        vec![(
            "SCHEMA_VALIDATION_FAILED".into(),
            "/States/A/InputPath".into()
        )]
    );
    let bad =
        r#"{"QueryLanguage":"XPath","StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#;
    assert_eq!(
        codes(bad),
        vec![("SCHEMA_VALIDATION_FAILED".into(), "/QueryLanguage".into())]
    );
}

#[test]
fn top_level_fields() {
    let t = r#"{"StartAt":"A","TimeoutSeconds":0,"Version":1,"States":{"A":{"Type":"Pass","End":true}}}"#;
    assert_eq!(
        codes(t),
        vec![
            ("SCHEMA_VALIDATION_FAILED".into(), "/TimeoutSeconds".into()),
            ("SCHEMA_VALIDATION_FAILED".into(), "/Version".into())
        ]
    );
}

// State names must be unique across the machine, branches included.
#[test]
fn duplicate_names_across_scopes() {
    let t = r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
        {"StartAt":"P","States":{"P":{"Type":"Succeed"}}}]}}}"#;
    assert_eq!(
        codes(t),
        vec![(
            "DUPLICATE_STATE_NAME".into(),
            "/States/P/Branches/0/States/P".into()
        )]
    );
}

#[test]
fn transitions_do_not_cross_scopes() {
    let t = r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
        {"StartAt":"B","States":{"B":{"Type":"Pass","Next":"P"}}}]}}}"#;
    let c = codes(t);
    assert!(
        c.contains(&(
            "MISSING_TRANSITION_TARGET".into(),
            "/States/P/Branches/0/States/B/Next".into()
        )),
        "{c:?}"
    );
}

fn nested_parallels(levels: usize) -> String {
    let mut inner = json!({"StartAt": "S0", "States": {"S0": {"Type": "Succeed"}}});
    for i in 1..levels {
        inner = json!({"StartAt": format!("S{i}"), "States": {format!("S{i}"): {"Type": "Parallel", "End": true, "Branches": [inner]}}});
    }
    inner.to_string()
}

#[test]
fn deep_nesting_is_reported() {
    assert!(validate(&nested_parallels(10)).is_empty());
    let d = validate(&nested_parallels(25));
    assert!(d.iter().any(|d| d.code == "TOO_DEEPLY_NESTED"), "{d:?}");
    // Deeper than the JSON parser's own limit: still a diagnostic, never a stack overflow.
    let d = validate(&nested_parallels(200));
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "TOO_DEEPLY_NESTED");
}

#[test]
fn lib_validate_delegates() {
    assert!(stepbridge_asl::validate("{").len() == 1);
    assert_eq!(
        stepbridge_asl::validate("{")[0].code,
        "INVALID_JSON_DESCRIPTION"
    );
}

#[test]
fn whole_sam_template_is_explained() {
    let d = validate("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources: {}\n");
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("SAM template"), "{}", d[0].message);
}

// NO_PATH: "Field value looks like a path, but field name does not end with 'Path'."
#[test]
fn no_path_warning() {
    let t =
        r#"{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"$.error","Cause":"plain words"}}}"#;
    let d = validate(t);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, "NO_PATH");
    assert_eq!(d[0].severity, Severity::Warning);
    assert_eq!(d[0].location.pointer, "/States/F/Error");
    assert!(d[0].message.contains("ErrorPath"));
}
