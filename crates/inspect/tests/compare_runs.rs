#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Comparing two real runs.

mod common;

use common::{order, run_trace};
use serde_json::json;
use stepbridge_inspect::compare::{compare, DiffKind, DifferenceKind};

#[test]
fn the_same_run_twice_is_identical() {
    let c = compare(&order("HappyPath"), &order("HappyPath"));
    assert!(c.identical);
    assert_eq!(c.first_difference, None);
    assert!(c.output_diff.is_empty());
}

#[test]
fn a_rejected_order_differs_at_the_validation_result() {
    let c = compare(&order("HappyPath"), &order("InvalidOrder"));
    assert!(!c.identical);
    let d = c.first_difference.unwrap();
    assert_eq!(d.kind, DifferenceKind::Data);
    assert_eq!((d.visit_a, d.visit_b), (Some(0), Some(0)));
    assert_eq!(d.node_a.as_deref(), Some("ValidateOrder"));
    assert_eq!(d.stage.as_deref(), Some("result"));
    let got: Vec<(
        &str,
        DiffKind,
        Option<serde_json::Value>,
        Option<serde_json::Value>,
    )> = d
        .diff
        .iter()
        .map(|e| (e.path.as_str(), e.kind, e.before.clone(), e.after.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "/Payload/valid",
                DiffKind::Changed,
                Some(json!(true)),
                Some(json!(false))
            ),
            (
                "/Payload/total",
                DiffKind::Changed,
                Some(json!(31)),
                Some(json!(0))
            ),
        ]
    );
    assert!(c.status_changed);
    assert_eq!(
        (c.status_a.as_str(), c.status_b.as_str()),
        ("SUCCEEDED", "FAILED")
    );
    let out: Vec<(&str, DiffKind)> = c
        .output_diff
        .iter()
        .map(|e| (e.path.as_str(), e.kind))
        .collect();
    assert_eq!(
        out,
        [
            ("", DiffKind::Removed),
            ("/error", DiffKind::Added),
            ("/cause", DiffKind::Added)
        ]
    );
}

#[test]
fn retries_with_the_same_data_differ_in_attempts() {
    let c = compare(&order("HappyPath"), &order("Throttled"));
    let d = c.first_difference.unwrap();
    assert_eq!(d.kind, DifferenceKind::Status);
    assert_eq!(d.node_a.as_deref(), Some("ValidateOrder"));
    assert!(d.diff.is_empty());
    assert!(!c.status_changed);
    assert!(c.output_diff.is_empty());
}

#[test]
fn an_edited_choice_sends_the_run_elsewhere() {
    let def = |threshold: i64| {
        json!({
            "StartAt": "Prepare",
            "States": {
                "Prepare": {"Type": "Pass", "Result": {"n": 1}, "Next": "Route"},
                "Route": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": threshold, "Next": "Big"}], "Default": "Small"},
                "Big": {"Type": "Pass", "End": true},
                "Small": {"Type": "Pass", "Result": "small", "End": true}
            }
        })
        .to_string()
    };
    let a = run_trace(&def(5), "{}", None, None);
    let b = run_trace(&def(0), "{}", None, None);
    let c = compare(&a, &b);
    let d = c.first_difference.unwrap();
    assert_eq!(d.kind, DifferenceKind::State);
    assert_eq!(
        (d.node_a.as_deref(), d.node_b.as_deref()),
        (Some("Small"), Some("Big"))
    );
    assert_eq!((d.visit_a, d.visit_b), (Some(2), Some(2)));
    // Both received the same input; the outputs differ.
    assert!(d.diff.is_empty());
    assert_eq!(c.output_diff.len(), 1);
    assert_eq!(c.output_diff[0].before, Some(json!("small")));
    assert_eq!(c.output_diff[0].after, Some(json!({"n": 1})));
}

#[test]
fn a_shorter_run_is_missing_visits() {
    let a = order("HappyPath");
    let mut b = a.clone();
    b.visits.truncate(3);
    let d = compare(&a, &b).first_difference.unwrap();
    assert_eq!(d.kind, DifferenceKind::Missing);
    assert_eq!((d.visit_a, d.visit_b), (Some(3), None));
}
