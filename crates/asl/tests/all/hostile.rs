//! Hostile inputs (issue 14, "Hostile inputs: bounded memory and time"): small definitions
//! and inputs that once exhausted memory or ran for hours. Each test asserts the outcome
//! the bound gives (an error naming the place, AWS's quota behaviour), not a duration.

use crate::run_common::*;
use serde_json::{json, Value};
use stepbridge_asl::{run, validate, RunOutcome, RunRequest, RunStatus, Severity};

fn deep_arrays(depth: usize) -> Value {
    let text = format!("{{\"d\": {}1{}}}", "[".repeat(depth), "]".repeat(depth));
    serde_json::from_str(&text).unwrap()
}

fn request(definition: Value, input: Value) -> RunRequest {
    RunRequest {
        definition: definition.to_string(),
        input: input.to_string(),
        ..RunRequest::default()
    }
}

fn codes(source: &str) -> Vec<String> {
    validate(source).into_iter().map(|d| d.code).collect()
}

#[test]
fn jsonpath_descent_chains_stop_at_the_node_budget() {
    // Reproducer 01: `..` four times over 120 nested arrays (a 248-byte input) selected
    // exponentially many nodes, 3.5 GB before the process died.
    let input = deep_arrays(120);
    let pass = json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
        "Parameters": {"r.$": "$.d..[0]..[0]..[0]..[0]"}, "End": true}}});
    let o = exec(pass, input.clone(), None);
    failed_with(
        &o,
        "States.Runtime",
        "'$.d..[0]..[0]..[0]..[0]' visits more than",
    );
    let choice = json!({"StartAt": "C", "States": {"C": {"Type": "Choice",
        "Choices": [{"Variable": "$.d..[0]..[0]..[0]..[0]", "IsPresent": true, "Next": "S"}],
        "Default": "S"}, "S": {"Type": "Succeed"}}});
    let o = exec(choice, input, None);
    failed_with(&o, "States.Runtime", "visits more than 1000000 nodes");
    // A single `..` over the same input is fine.
    let one = json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
        "Parameters": {"r.$": "$..[0]"}, "End": true}}});
    let o = exec(one, deep_arrays(120), None);
    assert_eq!(ok(&o)["r"].as_array().map(Vec::len), Some(120));
}

fn map_copying_its_input(items: usize) -> (Value, Value) {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
        "ItemSelector": {"copy.$": "$"},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "X",
            "States": {"X": {"Type": "Pass", "End": true}}},
        "Catch": [{"ErrorEquals": ["States.DataLimitExceeded"], "Next": "Caught"}],
        "End": true},
        "Caught": {"Type": "Pass", "End": true}}});
    (def, json!({"items": vec![0; items]}))
}

#[test]
fn a_map_result_past_the_payload_quota_fails_as_it_grows() {
    // Reproducer 03: each of 4,000 iterations returned a copy of the whole input (8 KB), so
    // the combined result held 32 MB of JSON (2.4 GB of values) before any check.
    let (def, input) = map_copying_its_input(4000);
    let o = exec(def, input, None);
    let caught = ok(&o);
    assert_eq!(caught["Error"], "States.DataLimitExceeded", "{caught}");
    assert!(
        caught["Cause"].as_str().unwrap().contains(
            "The state/task 'M' returned a result with a size exceeding the maximum number of bytes service limit"
        ),
        "{caught}"
    );
    // Under the quota the same Map succeeds.
    let (def, input) = map_copying_its_input(50);
    let o = exec(def, input, None);
    assert_eq!(ok(&o).as_array().map(Vec::len), Some(50));
}

#[test]
fn history_payloads_are_truncated_past_the_budget() {
    // Reproducer 03: a 200 KB payload looping through a Pass until the 25,000-event quota
    // kept every copy in the history (6 GB).
    let def = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "S"}],
        "Default": "A"}, "S": {"Type": "Succeed"}}});
    let input = json!({"pad": "x".repeat(200_000)});
    let mut req = request(def, input);
    req.max_history_events = Some(1_000);
    let o = run(&req);
    assert_eq!(o.status, RunStatus::Failed);
    assert!(o
        .cause
        .as_deref()
        .unwrap()
        .contains("maximum number of history events"));
    let truncated = o
        .history
        .iter()
        .filter(|e| e["stateEnteredEventDetails"]["inputDetails"]["truncated"] == json!(true))
        .count();
    let kept: usize = o
        .history
        .iter()
        .filter_map(|e| e["stateEnteredEventDetails"]["input"].as_str())
        .map(str::len)
        .sum();
    assert!(truncated > 300, "{truncated}");
    assert!(kept < 40 * 1024 * 1024, "{kept}");
    assert!(o.states.iter().any(|s| s["truncated"] == json!(true)));
    // The text the facade hands to JavaScript, written into a buffer sized beforehand, is
    // the outcome's JSON exactly.
    assert_eq!(o.to_json(), serde_json::to_string(&o).unwrap());
}

#[test]
fn kept_state_payloads_are_bounded_by_the_memory_they_take() {
    // Reproducer 07 with its history: 40,000 small numbers are 229 KB of text but 1.3 MB as
    // values, so a budget counted in text kept 70 copies (90 MB; 660 MB at the CLI's peak).
    // Copies now count at a nominal 32 bytes a value: about six of them fit the 8 MiB.
    let def = json!({"StartAt": "U", "States": {"U": {"Type": "Pass",
        "Parameters": {"a.$": "$.a"}, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}],
        "Default": "U"}, "Done": {"Type": "Succeed"}}});
    let a: Vec<u64> = (0..40_000).collect();
    let mut req = request(def, json!({"a": a}));
    req.max_history_events = Some(400);
    let o = run(&req);
    assert_eq!(o.status, RunStatus::Failed, "{:?}", o.cause);
    let copies: usize = o
        .states
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|s| s.values())
        .filter(|v| v.get("a").is_some())
        .count();
    assert!((4..=8).contains(&copies), "{copies} copies kept");
    assert!(o.states.iter().any(|s| s["truncated"] == json!(true)));
}

#[test]
fn yaml_aliases_as_mapping_keys_are_refused() {
    // Reproducer 04: an alias of a 100,000-item sequence used as a key was spelled out as
    // JSON text once per use (140 MB/s past 3 GB).
    let mut yaml = String::from("a: &a [\"lol\",\"lol\",\"lol\"]\nb: &b [*a,*a,*a]\ng:\n");
    for i in 0..50 {
        yaml.push_str(&format!("  - {{ *b : {i} }}\n"));
    }
    let d = validate(&yaml);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].message
            .contains("not aliases of mappings or sequences"),
        "{d:?}"
    );
    assert_eq!(d[0].location.line, 4);
}

#[test]
fn definitions_over_one_megabyte_are_refused() {
    // Reproducer 05 (and AWS's 1 MB definition quota): deep long keys once made the source
    // map grow with key length times depth squared.
    let key = "k".repeat(10_000);
    let inner = format!(
        "{}1{}",
        format!("{{\"{key}\":").repeat(120),
        "}".repeat(120)
    );
    let def = format!(
        "{{\"StartAt\":\"P\",\"States\":{{\"P\":{{\"Type\":\"Pass\",\"End\":true,\"Result\":{inner}}}}}}}"
    );
    assert!(def.len() > 1_048_576);
    let d = validate(&def);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "SCHEMA_VALIDATION_FAILED");
    assert!(
        d[0].message.contains("at most 1 MB (1048576 bytes"),
        "{d:?}"
    );
    // Just under the quota the same shape validates, with positions still right.
    let key = "k".repeat(8_000);
    let inner = format!(
        "{}1{}",
        format!("{{\"{key}\":").repeat(120),
        "}".repeat(120)
    );
    let def = format!(
        "{{\"StartAt\":\"P\",\"States\":{{\"P\":{{\"Type\":\"Pass\",\"End\":true,\"Result\":{inner}}}}}}}"
    );
    assert!(def.len() < 1_048_576);
    assert!(validate(&def).is_empty());
    assert_eq!(stepbridge_asl::locate(&def, "/States/P/End"), (1, 45));
}

#[test]
fn array_unique_is_linear_and_keeps_the_first_of_equals() {
    let def = json!({"StartAt": "U", "States": {"U": {"Type": "Pass",
        "Parameters": {"a.$": "States.ArrayUnique($.a)"}, "End": true}}});
    let input =
        json!({"a": [1, 1.0, {"a": 1, "b": [2]}, {"b": [2], "a": 1}, "x", "x", null, 2, -0.0, 0]});
    let o = exec(def.clone(), input, None);
    assert_eq!(
        ok(&o)["a"],
        json!([1, {"a": 1, "b": [2]}, "x", null, 2, -0.0])
    );
    // Reproducer 07's 40,000 distinct items (quadratic: 1.9 s per call before).
    let big: Vec<u64> = (0..40_000).collect();
    let o = exec(def, json!({"a": big}), None);
    assert_eq!(ok(&o)["a"].as_array().map(Vec::len), Some(40_000));
}

fn budget_run(definition: Value, input: Value, max_steps: u64) -> RunOutcome {
    let mut req = request(definition, input);
    req.history = Some(false);
    req.max_steps = Some(max_steps);
    run(&req)
}

#[test]
fn the_work_budget_ends_endless_costly_loops() {
    // Reproducer 07: an ArrayUnique loop (about 3 hours to the event quota) and a JSONata
    // loop (about 35 minutes) now end when the run's work budget is spent.
    let unique = json!({"StartAt": "U", "States": {"U": {"Type": "Pass",
        "Parameters": {"a.$": "States.ArrayUnique($.a)"}, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}],
        "Default": "U"}, "Done": {"Type": "Succeed"}}});
    let a: Vec<u64> = (0..10_000).collect();
    let o = budget_run(unique, json!({"a": a}), 200_000);
    assert_eq!(o.status, RunStatus::Aborted, "{o:?}");
    let cause = o.cause.unwrap();
    assert!(
        cause.contains("work budget of 200000 evaluation steps (maxSteps)")
            && cause.contains("state 'U'"),
        "{cause}"
    );
    let jsonata = json!({"QueryLanguage": "JSONata", "StartAt": "U", "States": {
        "U": {"Type": "Pass", "Output": "{% $sum([1..100000]) %}", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input = -1 %}", "Next": "Done"}],
        "Default": "U"}, "Done": {"Type": "Succeed"}}});
    let o = budget_run(jsonata, json!({}), 1_000_000);
    assert_eq!(o.status, RunStatus::Aborted, "{o:?}");
    assert!(o.cause.unwrap().contains("maxSteps"));
    // Retry and Catch do not apply: the budget ends the run even under a Catch-all.
    let caught = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Branches": [{"StartAt": "U", "States": {
            "U": {"Type": "Pass", "Output": "{% $sum([1..1000000]) %}", "Next": "U2"},
            "U2": {"Type": "Pass", "Output": "{% $sum([1..1000000]) %}", "End": true}}}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}], "End": true},
        "Done": {"Type": "Succeed"}}});
    // (A range and a sum charge a step per 4 items: each evaluation costs about 500,000.)
    let o = budget_run(caught, json!({}), 700_000);
    assert_eq!(o.status, RunStatus::Aborted, "{o:?}");
    let cause = o.cause.unwrap();
    assert!(cause.contains("in state 'U2'"), "{cause}");
    // The default budget leaves ordinary runs alone.
    assert_eq!(stepbridge_asl::DEFAULT_MAX_STEPS, 10_000_000);
}

#[test]
fn a_jsonata_range_past_the_memory_budget_fails_the_state() {
    // Reproducer 07's JSONata loop as filed: each pass built a 9-million-item range, about
    // 500 MB natively, before the step budget could end the run. The evaluation's memory
    // budget refuses the range before building it, and the state fails naming itself, its
    // field, the expression and the budget (a States.QueryEvaluationError, as any failed
    // evaluation; a Catch could handle it).
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "U", "States": {
        "U": {"Type": "Pass", "Output": "{% $sum([1..9000000]) %}", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input = -1 %}", "Next": "Done"}],
        "Default": "U"}, "Done": {"Type": "Succeed"}}});
    let o = run(&request(def, json!({})));
    assert_eq!(o.status, RunStatus::Failed, "{o:?}");
    assert_eq!(o.error.as_deref(), Some("States.QueryEvaluationError"));
    let cause = o.cause.unwrap();
    for part in [
        "executing the state 'U'",
        "'$sum([1..9000000])'",
        "field 'Output'",
        "memory budget",
        "64 MiB",
    ] {
        assert!(cause.contains(part), "{part} in {cause}");
    }
}

#[test]
fn thousands_of_bad_next_give_a_capped_list() {
    // Reproducer 08: 16,000 states with a missing `Next` target took 12.5 s (the list of
    // names was sorted once per diagnostic) and gave 32,000 diagnostics.
    let mut states = serde_json::Map::new();
    states.insert("S0".into(), json!({"Type": "Pass", "End": true}));
    for i in 1..16_000 {
        states.insert(
            format!("S{i}"),
            json!({"Type": "Pass", "Next": format!("X{i}")}),
        );
    }
    let def = json!({"StartAt": "S0", "States": states}).to_string();
    let d = validate(&def);
    assert_eq!(d.len(), 101);
    assert_eq!(d[0].code, "MISSING_TRANSITION_TARGET");
    let last = d.last().unwrap();
    assert_eq!(last.code, "TOO_MANY_DIAGNOSTICS");
    assert!(
        last.message.starts_with("31898 more diagnostics"),
        "{}",
        last.message
    );
}

#[test]
fn duplicate_state_names_and_keys_are_refused_with_the_place() {
    // Reproducer 09: the last duplicate won silently.
    let d = validate(
        "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true},\n\"P\":{\"Type\":\"Fail\"}}}",
    );
    let dup = d
        .iter()
        .find(|d| d.code == "DUPLICATE_STATE_NAME")
        .expect("diagnostic");
    assert_eq!(dup.location.pointer, "/States/P");
    assert_eq!((dup.location.line, dup.location.column), (2, 1));
    assert!(dup.message.contains("\"P\" appears twice"));
    let d = validate("StartAt: P\nStartAt: Q\nStates:\n  P: {Type: Pass, End: true}\n");
    // (Then the StartAt that counted, "Q", names no state.)
    assert_eq!(
        codes_of(&d),
        vec!["SCHEMA_VALIDATION_FAILED", "MISSING_TRANSITION_TARGET"]
    );
    assert_eq!(d[0].location.pointer, "/StartAt");
    assert_eq!(d[0].location.line, 2);
    assert!(d[0].message.contains("\"StartAt\" appears twice"));
    let d = validate("StartAt: P\nStates:\n  P: {Type: Pass, End: true}\n  P: {Type: Fail}\n");
    assert_eq!(codes_of(&d), vec!["DUPLICATE_STATE_NAME"]);
}

fn codes_of(d: &[stepbridge_asl::Diagnostic]) -> Vec<&str> {
    d.iter().map(|d| d.code.as_str()).collect()
}

const YEAR_MS: i64 = 365 * 24 * 3600 * 1000;

#[test]
fn standard_executions_time_out_after_one_year() {
    // Reproducer 12: the virtual clock saturated at 9999-12-31 and the run SUCCEEDED.
    // AWS: "If an execution runs for more than the 1-year maximum, it will fail with a
    // States.Timeout error" (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
    let secs_path =
        json!({"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}});
    let huge = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999999999u64, "End": true}}});
    let task = json!({"StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke", "End": true}}});
    let mocks = json!({"StateMachines": {"StateMachine": {"TestCases": {"T": {"T": "R"}}}},
        "MockedResponses": {"R": {"0": {"Return": 1, "DurationSeconds": 1e300}}}});
    let outcomes = [
        exec(secs_path, json!({"s": 1_000_000_000_000_000u64}), None),
        exec(huge, json!({}), None),
        exec(task, json!({}), Some(mocks)),
    ];
    for o in outcomes {
        assert_eq!(o.status, RunStatus::TimedOut, "{o:?}");
        assert_eq!(o.error.as_deref(), Some("States.Timeout"));
        assert!(
            o.cause.as_deref().unwrap().contains("(1 year)"),
            "{:?}",
            o.cause
        );
        assert_eq!(o.stop_time.as_deref(), Some("2024-12-31T00:00:00.000Z"));
        let last = o.history.last().unwrap();
        assert_eq!(last["type"], "ExecutionTimedOut");
    }
    // A machine's own TimeoutSeconds under a year keeps its own cause.
    let own = json!({"TimeoutSeconds": 60, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 61, "End": true}}});
    let o = exec(own, json!({}), None);
    assert_eq!(o.status, RunStatus::TimedOut);
    assert!(o.cause.unwrap().contains("TimeoutSeconds"));
    // Just under a year still succeeds.
    let w = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": YEAR_MS / 1000 - 1, "End": true}}});
    assert_eq!(exec(w, json!({}), None).status, RunStatus::Succeeded);
}

#[test]
fn mocks_of_unknown_states_are_warned_about() {
    // Reproducer 14: a mock of a state the definition does not have was accepted silently.
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let m = json!({"StateMachines": {"StateMachine": {"TestCases": {"T": {"ValidateOrder": "R"}}}},
        "MockedResponses": {"R": {"0": {"Return": 1}}}});
    let o = exec(def, json!({}), Some(m));
    assert_eq!(o.status, RunStatus::Succeeded);
    assert_eq!(o.diagnostics.len(), 1);
    assert_eq!(o.diagnostics[0].severity, Severity::Warning);
    assert_eq!(o.diagnostics[0].code, "UNKNOWN_MOCKED_STATE");
    assert!(o.diagnostics[0].message.contains("'ValidateOrder'"));
}

#[test]
fn numbers_json_cannot_hold_are_refused_alike_in_yaml() {
    // Reproducer 15: YAML `1e400`, `.nan`, `.inf` became strings. JSON's reader refuses
    // 1e400 (out of range); YAML now does the same, and refuses NaN and infinity, which JSON
    // has no form for. Too-small numbers become 0 in both.
    for bad in ["1e400", ".nan", ".inf", "-.inf"] {
        let y = format!("StartAt: P\nStates:\n  P: {{Type: Pass, End: true, Result: [{bad}]}}\n");
        let d = validate(&y);
        assert_eq!(codes_of(&d), vec!["INVALID_JSON_DESCRIPTION"], "{bad}");
        assert!(d[0].message.contains(bad), "{d:?}");
        assert_eq!(d[0].location.line, 3);
    }
    assert_eq!(
        codes(r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true,"Result":1e400}}}"#),
        vec!["INVALID_JSON_DESCRIPTION"]
    );
    let tiny_yaml =
        "StartAt: P\nStates:\n  P: {Type: Pass, End: true, Result: [1.0e-400, '.nan']}\n";
    let o = run(&RunRequest {
        definition: tiny_yaml.into(),
        ..RunRequest::default()
    });
    assert_eq!(ok(&o), &json!([0.0, ".nan"]));
    let tiny_json =
        r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true,"Result":[1.0e-400]}}}"#;
    let o = run(&RunRequest {
        definition: tiny_json.into(),
        ..RunRequest::default()
    });
    assert_eq!(ok(&o), &json!([0.0]));
}
