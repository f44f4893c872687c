#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The examples gallery (static/examples/gallery.json): every example runs to the status the
//! manifest promises, no Task runs unmocked where a mock file is given, and each shows what
//! it is about in its result.

use serde_json::{json, Value};
use stepbridge_asl::{run, RunOutcome, RunRequest};

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../static/examples")
}

fn read(file: &str) -> String {
    std::fs::read_to_string(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn manifest() -> Vec<Value> {
    serde_json::from_str::<Value>(&read("gallery.json"))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn run_example(e: &Value) -> RunOutcome {
    let text = |k: &str| e[k].as_str().map(read);
    run(&RunRequest {
        definition: text("definition").unwrap(),
        input: text("input").unwrap(),
        mock_config: text("mocks"),
        test_case: e["testCase"].as_str().map(String::from),
        ..Default::default()
    })
}

#[test]
fn every_example_runs_as_promised() {
    let examples = manifest();
    assert_eq!(examples.len(), 12);
    let mut ids = std::collections::HashSet::new();
    for e in &examples {
        let id = e["id"].as_str().unwrap();
        assert!(ids.insert(id.to_string()), "duplicate id {id}");
        let explanation = e["explanation"].as_str().unwrap();
        assert!(
            !explanation.is_empty() && !explanation.contains('\n'),
            "{id}"
        );
        assert!(!e["title"].as_str().unwrap().is_empty(), "{id}");
        assert_eq!(e["mocks"].is_null(), e["testCase"].is_null(), "{id}");
        let out = run_example(e);
        assert_eq!(
            out.status.as_str(),
            e["expectStatus"].as_str().unwrap(),
            "{id}: {:?} {:?} {:?}",
            out.error,
            out.cause,
            out.diagnostics
        );
        if !e["mocks"].is_null() {
            assert!(
                out.unmocked.is_empty(),
                "{id} ran unmocked: {:?}",
                out.unmocked
            );
        }
    }
}

fn outcome(id: &str) -> RunOutcome {
    let e = manifest()
        .into_iter()
        .find(|e| e["id"] == json!(id))
        .unwrap();
    run_example(&e)
}

#[test]
fn examples_show_what_they_are_about() {
    // Retry: two throttles, then the answer; Catch: the decline handled.
    let out = outcome("retry-catch");
    assert_eq!(
        out.output,
        Some(json!({"orderId": "A-2001", "released": "R-77", "reason": "PaymentDeclined"}))
    );
    // Back-off 2 s then 4 s on the virtual clock from 2024-01-01T00:00:00Z.
    assert_eq!(out.stop_time.as_deref(), Some("2024-01-01T00:00:06.000Z"));

    let out = outcome("callback-approval");
    assert_eq!(out.task_tokens.len(), 1);

    let out = outcome("map-order-items").output.unwrap();
    assert_eq!(out["lineCount"], json!(3));
    assert_eq!(out["lines"][2], json!({"sku": "MUG-2", "lineTotal": 18}));

    let out = outcome("distributed-map").output.unwrap();
    assert_eq!(out, json!({"reviewed": ["INV-2", "INV-4"]}));

    let out = outcome("parallel-fan-out").output.unwrap();
    assert_eq!(out["fanOut"]["saved"], json!(200));
    assert!(out["fanOut"]["notification"].is_string());

    let out = outcome("choice-rules").output.unwrap();
    assert_eq!(out["service"], json!("express"));

    let out = outcome("intrinsics").output.unwrap();
    assert_eq!(out["greeting"], json!("Hello, Ada! You have 2 items."));
    assert_eq!(out["chunks"], json!([[1, 2], [3, 4], [5]]));
    assert_eq!(out["range"], json!([1, 3, 5, 7, 9]));
    assert_eq!(out["decoded"], json!("hello world"));
    assert_eq!(
        out["merged"],
        json!({"theme": "dark", "pageSize": 20, "lang": "en"})
    );
    assert_eq!(out["next"], json!(42));
    assert_eq!(
        out["words"],
        json!(["step", "functions", "in", "the", "browser"])
    );

    let out = outcome("wait-until");
    assert_eq!(
        out.output.unwrap()["sentAt"],
        json!("2024-01-02T08:00:00.000Z")
    );

    let out = outcome("sync-job").output.unwrap();
    assert_eq!(out["export"]["exitCode"], json!(0));
    assert_eq!(out["load"], json!({"state": "SUCCEEDED", "seconds": 95}));

    let out = outcome("variables").output.unwrap();
    assert_eq!(
        out,
        json!({"customer": "Ada", "total": 95, "discount": 10, "line": "Ada pays 95 less 10%"})
    );
}

/// The suggestions on the gallery's definitions alone (their inputs and mock files set
/// aside): what a user pasting these definitions would get.
#[test]
fn suggestions_run_the_gallery_definitions() {
    use stepbridge_inspect::suggest::{suggest_input, suggest_mocks};
    for e in manifest() {
        let id = e["id"].as_str().unwrap();
        let text = read(e["definition"].as_str().unwrap());
        let def: Value = serde_json::from_str(&text).unwrap();
        let input = suggest_input(&def);
        let mocks = suggest_mocks(&def, id);
        let out = run(&RunRequest {
            definition: text,
            input: input.to_string(),
            mock_config: Some(mocks.to_string()),
            test_case: Some("HappyPath".into()),
            ..Default::default()
        });
        // The suggested input matches each Choice's first rule: here that cancels the
        // shipment, a Fail state of the definition rather than a missing path.
        let expected = if id == "choice-rules" {
            "FAILED"
        } else {
            "SUCCEEDED"
        };
        assert_eq!(
            out.status.as_str(),
            expected,
            "{id} on {input}: {:?} {:?}",
            out.error,
            out.cause
        );
        if id == "choice-rules" {
            assert_eq!(out.error.as_deref(), Some("ShipmentCancelled"));
        }
        assert!(out.unmocked.is_empty(), "{id}: {:?}", out.unmocked);
    }
}
