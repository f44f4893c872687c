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

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html:
// a quoted placeholder is inserted as text; <aws.events.rule-name> is predefined.
#[test]
fn transformer_answers_compare_the_target_input() {
    let e = exercise("transformer-order-summary");
    assert!(grade(&e, &e.solution).passed);
    let starter = grade(&e, &e.starter);
    let failed = first_failure(&starter);
    assert_eq!(failed.name, "a gold customer's order");
    assert_eq!(
        failed.message,
        "the target input has no /customer, expected \"c-42\""
    );
    assert_eq!(failed.pointer.as_deref(), Some("/customer"));
    // With the fields all there, the quoted total is the first difference.
    let mut quoted = e.solution.clone();
    quoted.input_template = quoted.input_template.replace("<total>", "\"<total>\"");
    let failed = first_failure(&grade(&e, &quoted)).clone();
    assert_eq!(
        failed.message,
        "the target input's /total is \"25\", expected 25"
    );
    assert_eq!(
        (failed.expected, failed.actual),
        (Some(json!(25)), Some(json!("25")))
    );

    let mut bad = e.solution.clone();
    bad.input_paths_map = "{\n  \"aws.events.rule-arn\": \"$.id\"\n}".into();
    let g = grade(&e, &bad);
    assert_eq!(g.field.as_deref(), Some("inputPathsMap"));
    assert!(g.cases.is_empty());
    assert_eq!((g.diagnostics[0].line, g.diagnostics[0].column), (2, 3));
    assert!(g.diagnostics[0].message.contains("reserved"));
    let mut not_json = e.solution.clone();
    not_json.input_paths_map = "{\"a\": }".into();
    let g = grade(&e, &not_json);
    assert_eq!(
        (g.field.as_deref(), g.diagnostics[0].column),
        (Some("inputPathsMap"), 7)
    );
}

// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html: cron runs in
// the schedule's time zone, UTC by default; Paris changed to summer time on 2024-03-31.
#[test]
fn schedule_answers_compare_fire_times_as_instants() {
    let e = exercise("schedule-weekday-paris");
    assert!(grade(&e, &e.solution).passed);
    let failed = first_failure(&grade(&e, &e.starter)).clone();
    assert_eq!(
        failed.message,
        "fire time 1 is \"2024-03-29T09:30:00Z\", expected \"2024-03-29T08:30:00Z\""
    );
    assert_eq!(failed.pointer.as_deref(), Some("/0"));
    // The same instants written with an offset are the same fire times.
    let mut offset = e.clone();
    offset.cases[1].expect.fire_times = vec![
        "2024-07-08T09:30:00+02:00".into(),
        "2024-07-09T07:30:00+00:00".into(),
    ];
    assert!(grade(&offset, &e.solution).passed);
    let bad_zone = Answer {
        expression: e.solution.expression.clone(),
        timezone: "Europe/Pariss".into(),
        ..Answer::default()
    };
    let g = grade(&e, &bad_zone);
    assert_eq!(g.field.as_deref(), Some("timezone"));
    assert!(g.diagnostics[0].message.contains("Europe/Pariss"));
    let bad_cron = Answer {
        expression: "cron(30 9 * * MON-FRI *)".into(),
        ..Answer::default()
    };
    let g = grade(&e, &bad_cron);
    assert_eq!(g.field.as_deref(), Some("expression"));
    assert!(g.cases.is_empty() && !g.diagnostics.is_empty());
}

// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html:
// ResultPath places the result into the state's raw input.
#[test]
fn predictions_are_graded_against_the_engine() {
    let e = exercise("predict-resultpath-raw-input");
    let solved = grade(&e, &e.solution);
    assert!(solved.passed, "{solved:#?}");
    let starter = grade(&e, &e.starter);
    assert_eq!(
        first_failure(&starter).message,
        "your prediction has no /lines, expected 2"
    );
    let wrong = Answer {
        prediction: r#"{"orderId": "o-77", "lines": 3}"#.into(),
        ..Answer::default()
    };
    let failed = first_failure(&grade(&e, &wrong)).clone();
    assert_eq!(failed.message, "your prediction's /lines is 3, expected 2");
    assert_eq!(failed.pointer.as_deref(), Some("/lines"));
    let not_json = Answer {
        prediction: "{\n  \"orderId\": o-77\n}".into(),
        ..Answer::default()
    };
    let g = grade(&e, &not_json);
    assert_eq!(g.field.as_deref(), Some("prediction"));
    assert_eq!(g.diagnostics[0].line, 2);

    // The other targets: the next state, retry waits and the outcome.
    let definition = json!({"StartAt": "Check", "States": {
        "Check": {"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}], "Default": "Small"},
        "Big": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3, "BackoffRate": 1.5, "MaxAttempts": 2}],
                "End": true},
        "Small": {"Type": "Succeed"}}});
    let mocks = json!({"StateMachines": {"m": {"TestCases": {"Fails": {"Big": "Boom"}}}},
        "MockedResponses": {"Boom": {"0-5": {"Throw": {"Error": "Boom", "Cause": "always"}}}}});
    let ask = |predict: &str, state: &str, prediction: &str| {
        let e = from(json!({"id": "p", "kind": "predict", "context": {
            "definition": definition.to_string(), "mocks": mocks.to_string(), "predict": predict,
            "state": state, "input": {"n": 42}}, "cases": [{"testCase": "Fails"}]}));
        grade(
            &e,
            &Answer {
                prediction: prediction.into(),
                ..Answer::default()
            },
        )
    };
    assert!(ask("nextState", "Check", "Big").passed);
    assert!(ask("nextState", "Check", "\"Big\"").passed);
    let g = ask("nextState", "Check", "Small");
    assert_eq!(
        g.cases[0].message,
        "after Check the run entered Big, not Small"
    );
    assert_eq!(g.cases[0].state.as_deref(), Some("Check"));
    assert!(ask("retryIntervals", "Big", "[3, 4.5]").passed);
    assert_eq!(
        ask("retryIntervals", "Big", "[3, 6]").cases[0].message,
        "your prediction's /1 is 6, expected 4.5"
    );
    assert_eq!(
        ask("retryIntervals", "Big", "3").field.as_deref(),
        Some("prediction")
    );
    assert!(ask("outcome", "", r#"{"status": "FAILED", "error": "Boom"}"#).passed);
    assert_eq!(
        ask("outcome", "", r#"{"status": "SUCCEEDED", "error": null}"#).cases[0].message,
        // Keys in sorted order: /error comes before /status.
        "your prediction has no /error, expected \"Boom\""
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-standard-vs-express.html
#[test]
fn choices_are_graded_against_the_options_facts() {
    let e = exercise("choice-express-for-iot-ingest");
    assert!(grade(&e, &e.solution).passed);
    let starter = grade(&e, &e.starter);
    assert_eq!(starter.field.as_deref(), Some("choice"));
    let standard = grade(
        &e,
        &Answer {
            choice: "standard".into(),
            ..Answer::default()
        },
    );
    let failed = first_failure(&standard);
    assert_eq!(
        failed.message,
        "Standard workflow: maxStartsPerSecond is 2000, but the scenario needs about 50,000 runs started each second"
    );
    assert_eq!(failed.pointer.as_deref(), Some("/maxStartsPerSecond"));
    assert_eq!(failed.actual, Some(json!(2000)));
    assert_eq!(failed.expected, Some(json!({"atLeast": 50000.0})));
    // The hidden case passes for both: its data is still not shown.
    let hidden = standard.cases.iter().find(|c| c.hidden).unwrap();
    assert!(hidden.passed && hidden.expected.is_none() && hidden.actual.is_none());
    let g = grade(
        &e,
        &Answer {
            choice: "lambda".into(),
            ..Answer::default()
        },
    );
    assert!(g.diagnostics[0].message.contains("standard, express"));
}
