//! Each kind graded natively: a passing answer, a failing one with its sentence and place,
//! an answer that does not parse with placed diagnostics; hidden cases and the golf score.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests stop loudly

use serde_json::{json, Value};
use stepbridge_inspect::practice::{Answer, CaseGrade, Exercise, Grade};
use stepbridge_practice::grade;

fn exercise(file: &str) -> Exercise {
    let path = format!(
        "{}/../../static/exercises/{file}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn from(value: Value) -> Exercise {
    serde_json::from_value(value).unwrap()
}

fn first_failure(grade: &Grade) -> &CaseGrade {
    grade
        .cases
        .iter()
        .find(|c| !c.passed)
        .expect("a failed case")
}

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html:
// conditions in one array are alternatives; wildcard `*` spans any characters.
#[test]
fn pattern_answers_pass_fail_at_a_field_or_are_refused_in_place() {
    let e = exercise("pattern-large-photo-uploads");
    let solved = grade(&e, &e.solution);
    assert!(solved.passed, "{solved:#?}");
    assert_eq!(solved.cases.len(), 7);
    assert!(solved.cases.iter().filter(|c| c.hidden).count() == 3);

    let starter = grade(&e, &e.starter);
    assert!(!starter.passed);
    let failed = first_failure(&starter);
    assert_eq!(failed.name, "a PNG in photos/");
    assert!(
        failed
            .message
            .starts_with("the pattern matches this event but should not"),
        "{}",
        failed.message
    );
    assert_eq!(
        (failed.expected.clone(), failed.actual.clone()),
        (Some(json!(false)), Some(json!(true)))
    );

    // Too strict: the size condition is not met by the first case's 2.5 MB photo.
    let strict = Answer {
        pattern: r#"{"detail": {"object": {"size": [{"numeric": [">", 3000000]}]}}}"#.into(),
        ..Answer::default()
    };
    let g = grade(&e, &strict);
    let failed = first_failure(&g);
    assert_eq!(failed.name, "a 2.5 MB photo in a sub-folder");
    assert_eq!(failed.pointer.as_deref(), Some("/detail/object/size"));
    assert!(
        failed.message.contains("at detail.object.size") && failed.message.contains("2500000"),
        "{}",
        failed.message
    );

    let broken = Answer {
        pattern: "{\n  \"source\": \"aws.s3\"\n}".into(),
        ..Answer::default()
    };
    let g = grade(&e, &broken);
    assert!(!g.passed && g.cases.is_empty());
    assert_eq!(g.field.as_deref(), Some("pattern"));
    assert_eq!(g.diagnostics[0].code, "InvalidEventPatternException");
    assert_eq!((g.diagnostics[0].line, g.diagnostics[0].column), (2, 13));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html: waits
// are IntervalSeconds × BackoffRate^retries; a Catch without ResultPath replaces the input.
#[test]
fn workflow_answers_report_the_first_difference_of_the_run() {
    let e = exercise("workflow-retry-then-catch");
    let solved = grade(&e, &e.solution);
    assert!(solved.passed, "{solved:#?}");

    let starter = grade(&e, &e.starter);
    let failed = first_failure(&starter);
    assert_eq!(failed.name, "succeeds on the third attempt");
    assert_eq!(
        failed.message,
        "the wait before retry 1 of Charge is 1 s, expected 2 s"
    );
    assert_eq!(failed.state.as_deref(), Some("Charge"));
    assert_eq!(failed.pointer.as_deref(), Some("/0"));
    assert_eq!(failed.actual, Some(json!([1, 2])));

    // Retries named right, but the catcher loses the order: the output differs at a field.
    let mut lossy = e.solution.clone();
    lossy.definition = lossy.definition.replace("\"ResultPath\": \"$.error\",", "");
    let g = grade(&e, &lossy);
    let failed = first_failure(&g);
    assert_eq!(failed.name, "a decline is caught without retries");
    assert!(
        failed
            .message
            .starts_with("the execution ended FAILED with States.Runtime")
            && failed.message.contains("'$.orderId'")
            && failed.message.ends_with("expected SUCCEEDED"),
        "{}",
        failed.message
    );
    assert_eq!(failed.state.as_deref(), Some("RecordFailure"));

    let invalid = Answer {
        definition: "{\n  \"StartAt\": \"Charge\",\n  \"States\": {}\n}".into(),
        ..Answer::default()
    };
    let g = grade(&e, &invalid);
    assert!(!g.passed && g.cases.is_empty() && g.transitions.is_none());
    assert_eq!(g.field.as_deref(), Some("definition"));
    assert!(g
        .diagnostics
        .iter()
        .all(|d| d.line >= 1 && d.severity == "error"));
    assert!(!g.diagnostics.is_empty());
}

#[test]
fn hidden_cases_keep_their_verdict_and_sentence_but_not_their_data() {
    let e = exercise("workflow-retry-then-catch");
    // Two retries only: the hidden always-throttled case fails at its third wait.
    let mut short = e.solution.clone();
    short.definition = short
        .definition
        .replace("\"MaxAttempts\": 3", "\"MaxAttempts\": 2");
    let g = grade(&e, &short);
    let hidden: Vec<&CaseGrade> = g.cases.iter().filter(|c| c.hidden).collect();
    assert_eq!(hidden.len(), 2);
    let failed = hidden
        .iter()
        .find(|c| !c.passed)
        .expect("a hidden case fails");
    assert_eq!(failed.name, "hidden case 1");
    assert_eq!(
        failed.message,
        "Charge was retried 2 times (waits [2,4]), expected 3 retries (waits [2,4,8])"
    );
    assert_eq!(
        (failed.expected.clone(), failed.actual.clone()),
        (None, None)
    );
    assert_eq!(failed.state.as_deref(), Some("Charge"));
    assert!(g.cases.iter().filter(|c| !c.hidden).all(|c| c.passed));
}

#[test]
fn workflow_grades_count_transitions_against_the_model_solution() {
    let e = exercise("workflow-retry-then-catch");
    let solved = grade(&e, &e.solution);
    let model = solved.model_transitions.expect("the model's transitions");
    assert_eq!(solved.transitions, Some(model));
    // Each of the 4 cases enters Charge and one more state: two state entries each, plus the
    // start of the execution, at least.
    assert!(model >= 8, "{model}");
    // An extra Pass state on the way costs one more transition per case.
    let mut longer = e.solution.clone();
    longer.definition = longer
        .definition
        .replace("\"StartAt\": \"Charge\"", "\"StartAt\": \"Begin\"")
        .replace(
            "\"States\": {",
            "\"States\": {\n    \"Begin\": {\"Type\": \"Pass\", \"Next\": \"Charge\"},",
        );
    let g = grade(&e, &longer);
    assert!(g.passed, "{g:#?}");
    assert_eq!(g.transitions, Some(model + 4));
    assert_eq!(g.model_transitions, Some(model));
}

#[test]
fn an_exercise_without_a_kind_or_cases_never_passes() {
    let g = grade(&from(json!({"id": "x"})), &Answer::default());
    assert!(!g.passed && g.field.as_deref() == Some("kind"));
    let no_cases = from(json!({"id": "x", "kind": "choice",
        "context": {"options": [{"id": "a", "facts": {}}]}}));
    let g = grade(
        &no_cases,
        &Answer {
            choice: "a".into(),
            ..Answer::default()
        },
    );
    assert!(!g.passed && g.cases.is_empty() && g.diagnostics.is_empty());
}
