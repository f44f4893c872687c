//! Data-driven conformance suite: every `tests/conformance/asl/*.json` file holds
//! `{"cases": [...]}`; each case names the AWS page that documents the behaviour it proves
//! (`doc`), a definition, an input, optional mocks/test case/options, and what AWS does
//! (`expect`: status, output, error, cause, stopTime, historyTypes, states, taskTokens,
//! variables — the top-level variables at the end, null for none).
//! Prints "N passed, M failed" and fails on any failure.

use serde_json::Value;
use stepbridge_asl::{run, RunOutcome, RunRequest};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/conformance/asl");

fn request(case: &Value) -> RunRequest {
    let text = |k: &str| -> Option<String> {
        case.get(k).map(|v| match v {
            Value::String(s) if k == "definition" => s.clone(),
            other => other.to_string(),
        })
    };
    let opts = case.get("options").cloned().unwrap_or(Value::Null);
    RunRequest {
        definition: text("definition").unwrap_or_default(),
        input: text("input").unwrap_or_default(),
        mock_config: case.get("mocks").map(|m| m.to_string()),
        test_case: case
            .get("testCase")
            .and_then(Value::as_str)
            .map(str::to_string),
        state_machine: opts
            .get("stateMachine")
            .and_then(Value::as_str)
            .map(str::to_string),
        seed: opts.get("seed").and_then(Value::as_u64).unwrap_or(0),
        start_time: opts
            .get("startTime")
            .and_then(Value::as_str)
            .map(str::to_string),
        history: Some(true),
        max_history_events: opts.get("maxHistoryEvents").and_then(Value::as_u64),
        max_payload_bytes: opts.get("maxPayloadBytes").and_then(Value::as_u64),
        max_steps: opts.get("maxSteps").and_then(Value::as_u64),
        callbacks: opts
            .get("callbacks")
            .map(|c| serde_json::from_value(c.clone()).expect("callbacks"))
            .unwrap_or_default(),
        ..RunRequest::default()
    }
}

/// Every problem with one outcome, empty when it matches.
fn check(expect: &Value, o: &RunOutcome) -> Vec<String> {
    let mut bad = Vec::new();
    let want = |k: &str| expect.get(k);
    if let Some(s) = want("status") {
        if s.as_str() != Some(o.status.as_str()) {
            bad.push(format!(
                "status: want {s}, got {} ({:?}: {:?})",
                o.status, o.error, o.cause
            ));
        }
    }
    if let Some(v) = want("output") {
        if o.output.as_ref() != Some(v) {
            bad.push(format!("output: want {v}, got {:?}", o.output));
        }
    }
    if let Some(v) = want("error") {
        if v.as_str() != o.error.as_deref() {
            bad.push(format!(
                "error: want {v}, got {:?} (cause {:?})",
                o.error, o.cause
            ));
        }
    }
    if let Some(v) = want("cause") {
        if v.as_str() != o.cause.as_deref() {
            bad.push(format!("cause: want {v}, got {:?}", o.cause));
        }
    }
    if let Some(v) = want("causeContains") {
        if !o
            .cause
            .as_deref()
            .unwrap_or("")
            .contains(v.as_str().unwrap_or(""))
        {
            bad.push(format!("cause: want it to contain {v}, got {:?}", o.cause));
        }
    }
    if let Some(v) = want("stopTime") {
        if v.as_str() != o.stop_time.as_deref() {
            bad.push(format!("stopTime: want {v}, got {:?}", o.stop_time));
        }
    }
    if let Some(v) = want("historyTypes") {
        let got: Vec<&str> = o
            .history
            .iter()
            .map(|e| e["type"].as_str().unwrap_or(""))
            .collect();
        let want: Vec<&str> = v
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if got != want {
            bad.push(format!("historyTypes:\n  want {want:?}\n  got  {got:?}"));
        }
    }
    if let Some(v) = want("variables") {
        let got = o
            .variables
            .clone()
            .map(Value::Object)
            .unwrap_or(Value::Null);
        if *v != got {
            bad.push(format!("variables: want {v}, got {got}"));
        }
    }
    if let Some(v) = want("historyCount") {
        if v.as_u64() != Some(o.history.len() as u64) {
            bad.push(format!("historyCount: want {v}, got {}", o.history.len()));
        }
    }
    if let Some(v) = want("unmocked") {
        if *v != serde_json::json!(o.unmocked) {
            bad.push(format!("unmocked: want {v}, got {:?}", o.unmocked));
        }
    }
    if let Some(v) = want("taskTokenCount") {
        if v.as_u64() != Some(o.task_tokens.len() as u64) {
            bad.push(format!("taskTokens: want {v}, got {:?}", o.task_tokens));
        }
    }
    if let Some(Value::Array(states)) = want("states") {
        // Each listed entry must equal, field by field, the trace of the state with that name
        // (the first one unless "occurrence" says otherwise).
        for w in states {
            let name = w["name"].as_str().unwrap_or("");
            let nth = w.get("occurrence").and_then(Value::as_u64).unwrap_or(0) as usize;
            match o.states.iter().filter(|s| s["name"] == name).nth(nth) {
                None => bad.push(format!("states: no trace for {name}")),
                Some(got) => {
                    for (k, v) in w.as_object().into_iter().flatten() {
                        if k != "occurrence" && got.get(k) != Some(v) {
                            bad.push(format!(
                                "states[{name}].{k}: want {v}, got {:?}",
                                got.get(k)
                            ));
                        }
                    }
                }
            }
        }
    }
    bad
}

#[test]
fn conformance() {
    let mut files: Vec<_> = std::fs::read_dir(DIR)
        .expect("tests/conformance/asl exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let (mut passed, mut failed) = (0, 0);
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        let doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let cases = doc["cases"].as_array().cloned().unwrap_or_default();
        assert!(!cases.is_empty(), "{}: no cases", file.display());
        for case in cases {
            let name = case["name"].as_str().unwrap_or("?");
            assert!(
                case["doc"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("https://")),
                "{name}: every case cites the AWS page it proves"
            );
            let o = run(&request(&case));
            let problems = check(&case["expect"], &o);
            // Same request twice gives the same trace, byte for byte.
            let again = run(&request(&case));
            let same = serde_json::to_string(&o).ok() == serde_json::to_string(&again).ok();
            if problems.is_empty() && same {
                passed += 1;
            } else {
                failed += 1;
                println!(
                    "FAIL {} :: {name}",
                    file.file_name().and_then(|f| f.to_str()).unwrap_or("")
                );
                for p in problems {
                    println!("    {p}");
                }
                if !same {
                    println!("    not deterministic");
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    assert_eq!(failed, 0, "{failed} conformance cases failed");
}
