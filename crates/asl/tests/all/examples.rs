//! The playground's example (static/examples/order-processing.*) under each test case of its
//! mock file, and with no mocks at all.

use serde_json::{json, Value};
use stepbridge_asl::{run, RunOutcome, RunRequest};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static/examples");

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn run_case(test_case: Option<&str>) -> RunOutcome {
    run(&RunRequest {
        definition: read("order-processing.asl.json"),
        input: read("order-processing.input.json"),
        mock_config: test_case.map(|_| read("order-processing.mocks.json")),
        test_case: test_case.map(str::to_string),
        ..Default::default()
    })
}

fn types(o: &RunOutcome) -> Vec<String> {
    o.history
        .iter()
        .map(|e| e["type"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn happy_path_ships_the_order() {
    let o = run_case(Some("HappyPath"));
    assert_eq!(o.status, stepbridge_asl::RunStatus::Succeeded, "{o:?}");
    assert_eq!(
        o.output,
        Some(
            json!({"orderId": "A-1001", "status": "SHIPPED", "receipt": "receipt-A-1001", "itemCount": 2})
        )
    );
    assert!(o.unmocked.is_empty());
    assert!(!types(&o).contains(&"WaitStateEntered".to_string()));
    // The whole run takes no virtual time.
    assert_eq!(o.stop_time.as_deref(), Some("2024-01-01T00:00:00.000Z"));
}

#[test]
fn big_standard_order_waits_for_manual_review() {
    let mut input: Value =
        serde_json::from_str(&read("order-processing.input.json")).expect("input");
    input["customer"]["tier"] = json!("standard");
    let o = run(&RunRequest {
        definition: read("order-processing.asl.json"),
        input: input.to_string(),
        mock_config: Some(read("order-processing.mocks.json")),
        test_case: Some("BigStandardOrder".into()),
        ..Default::default()
    });
    assert_eq!(o.status, stepbridge_asl::RunStatus::Succeeded, "{o:?}");
    assert!(types(&o).contains(&"WaitStateEntered".to_string()));
    // The Wait of 3600 s advanced the virtual clock, nothing slept.
    assert_eq!(o.stop_time.as_deref(), Some("2024-01-01T01:00:00.000Z"));
    assert_eq!(
        o.output.as_ref().map(|v| v["itemCount"].clone()),
        Some(json!(2))
    );
}

#[test]
fn big_order_of_a_gold_customer_skips_review() {
    let o = run_case(Some("BigStandardOrder"));
    assert_eq!(o.status, stepbridge_asl::RunStatus::Succeeded, "{o:?}");
    assert!(!types(&o).contains(&"WaitStateEntered".to_string()));
}

#[test]
fn throttled_is_retried_with_backoff() {
    let o = run_case(Some("Throttled"));
    assert_eq!(o.status, stepbridge_asl::RunStatus::Succeeded, "{o:?}");
    let t = types(&o);
    assert_eq!(t.iter().filter(|x| *x == "TaskFailed").count(), 2);
    assert_eq!(t.iter().filter(|x| *x == "TaskSucceeded").count(), 1);
    // Two retries: 2 s then 2 s * 2 = 4 s.
    assert_eq!(o.stop_time.as_deref(), Some("2024-01-01T00:00:06.000Z"));
}

#[test]
fn invalid_order_fails() {
    let o = run_case(Some("InvalidOrder"));
    assert_eq!(o.status, stepbridge_asl::RunStatus::Failed, "{o:?}");
    assert_eq!(o.error.as_deref(), Some("OrderRejected"));
    assert_eq!(
        o.cause.as_deref(),
        Some("The order did not pass validation.")
    );
    assert_eq!(
        types(&o).last().map(String::as_str),
        Some("ExecutionFailed")
    );
}

#[test]
fn without_mocks_the_task_echoes_and_the_choice_sees_no_validation() {
    // Unmocked, ValidateOrder returns its input ({FunctionName, Payload}); the ResultSelector
    // then reads $.Payload.valid, which is absent: AWS fails with States.Runtime.
    let o = run_case(None);
    assert_eq!(o.unmocked, vec!["ValidateOrder".to_string()]);
    assert_eq!(o.status, stepbridge_asl::RunStatus::Failed, "{o:?}");
    assert_eq!(o.error.as_deref(), Some("States.Runtime"), "{o:?}");
}

/// The JSONata twin of the example (static/examples/order-processing-jsonata.asl.json), run
/// with the same input and mock file.
/// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
fn run_jsonata_case(test_case: &str, input: &str) -> RunOutcome {
    run(&RunRequest {
        definition: read("order-processing-jsonata.asl.json"),
        input: input.to_string(),
        mock_config: Some(read("order-processing.mocks.json")),
        test_case: Some(test_case.to_string()),
        ..Default::default()
    })
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn jsonata_example_behaves_like_the_jsonpath_one_in_every_test_case() {
    let mut standard: Value =
        serde_json::from_str(&read("order-processing.input.json")).expect("input");
    standard["customer"]["tier"] = json!("standard");
    let inputs = [read("order-processing.input.json"), standard.to_string()];
    for case in ["HappyPath", "BigStandardOrder", "Throttled", "InvalidOrder"] {
        for input in &inputs {
            let path = run(&RunRequest {
                definition: read("order-processing.asl.json"),
                input: input.clone(),
                mock_config: Some(read("order-processing.mocks.json")),
                test_case: Some(case.to_string()),
                ..Default::default()
            });
            let ata = run_jsonata_case(case, input);
            assert_eq!(ata.diagnostics, vec![], "{case}");
            assert_eq!(ata.status, path.status, "{case}: {:?}", ata.cause);
            assert_eq!(ata.output, path.output, "{case}");
            assert_eq!(ata.error, path.error, "{case}");
            assert_eq!(ata.cause, path.cause, "{case}");
            assert_eq!(ata.stop_time, path.stop_time, "{case}");
            assert_eq!(types(&ata), types(&path), "{case}");
        }
    }
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn jsonata_example_keeps_the_order_in_variables() {
    let o = run_jsonata_case("HappyPath", &read("order-processing.input.json"));
    assert_eq!(o.status, stepbridge_asl::RunStatus::Succeeded, "{o:?}");
    let vars = o.variables.as_ref().expect("top-level variables");
    assert_eq!(vars["valid"], json!(true));
    assert_eq!(vars["total"], json!(31));
    assert_eq!(
        vars["payment"],
        json!({"charged": 31, "receipt": "receipt-A-1001"})
    );
    assert_eq!(
        vars["inventory"],
        json!({"reserved": 2, "items": ["BOOK-1", "PEN-7"]})
    );
    assert_eq!(vars["order"]["orderId"], json!("A-1001"));
    // The Task's StateExited event lists what it assigned, as JSON text.
    let exited = o
        .history
        .iter()
        .find(|e| e["type"] == "TaskStateExited")
        .expect("TaskStateExited");
    let d = &exited["stateExitedEventDetails"];
    assert_eq!(d["assignedVariables"]["valid"], json!("true"));
    assert_eq!(d["assignedVariables"]["total"], json!("31"));
    assert_eq!(d["assignedVariablesDetails"], json!({"truncated": false}));
}
