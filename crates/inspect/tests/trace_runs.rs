#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The trace of real runs: visits, data-flow steps, node counts, retries, Map runs, cost.

mod common;

use common::{nodes, order, run_trace, visit};
use serde_json::json;

#[test]
fn the_throttled_order_retries_twice_then_succeeds() {
    let t = order("Throttled");
    assert_eq!(
        nodes(&t),
        [
            "ValidateOrder",
            "CheckOrder",
            "ProcessOrder",
            "ProcessOrder/0/ChargePayment",
            "ProcessOrder/1/ReserveStock",
            "ShipOrder",
            "Done"
        ]
    );
    let v = visit(&t, "ValidateOrder");
    assert_eq!((v.status.as_str(), v.attempts), ("Succeeded", 3));
    assert_eq!((v.start_ms, v.duration_ms), (0, 6000));
    assert_eq!((v.first_event_id, v.last_event_id), (2, 12));
    assert_eq!(v.error, None);
    let p = visit(&t, "ProcessOrder");
    assert_eq!((p.first_event_id, p.last_event_id), (15, 22));
    let charge = visit(&t, "ProcessOrder/0/ChargePayment");
    assert_eq!(
        (charge.parent_visit, charge.branch),
        (Some(p.index), Some(0))
    );
    let reserve = visit(&t, "ProcessOrder/1/ReserveStock");
    assert_eq!(
        (reserve.parent_visit, reserve.branch),
        (Some(p.index), Some(1))
    );
    assert_eq!(reserve.start_ms, 6000);
    assert!(t.visits.iter().all(|v| v.status == "Succeeded"));

    // Node stats mark the graph.
    let s = &t.node_stats["ValidateOrder"];
    assert_eq!((s.visits, s.succeeded, s.retries), (1, 1, 2));

    // Retry timeline: two throttles, 2 s then 4 s (IntervalSeconds 2, BackoffRate 2).
    assert_eq!(t.retries.len(), 1);
    let r = &t.retries[0];
    assert_eq!(r.node, "ValidateOrder");
    assert_eq!(r.attempts.len(), 3);
    let a = &r.attempts;
    assert_eq!(
        a[0].error.as_deref(),
        Some("Lambda.TooManyRequestsException")
    );
    assert_eq!(a[0].cause.as_deref(), Some("Rate exceeded"));
    assert_eq!(
        (
            a[0].retrier_index,
            a[0].interval_seconds,
            a[0].nominal_interval_seconds
        ),
        (Some(0), Some(2.0), Some(2.0))
    );
    assert_eq!(
        (
            a[1].start_ms,
            a[1].interval_seconds,
            a[1].nominal_interval_seconds
        ),
        (2000, Some(4.0), Some(4.0))
    );
    assert_eq!(
        (a[2].start_ms, a[2].error.as_deref(), a[2].retrier_index),
        (6000, None, None)
    );
    assert_eq!(r.catcher, None);

    // Summary: 7 visits + 2 retries, 6 s on the virtual clock.
    assert_eq!(t.summary.status, "SUCCEEDED");
    assert_eq!(t.summary.state_transitions, 9);
    assert_eq!(t.summary.history_events, 27);
    assert_eq!(t.summary.duration_ms, 6000);
    assert!((t.summary.cost.standard_usd - 9.0 * 0.000025).abs() < 1e-12);
    assert_eq!(t.summary.cost.express_billed_ms, 6000);
    // $1 per million requests + 6 s × 64/1024 GB × $0.06/GB-hour.
    let express = 1e-6 + 6.0 * 0.0625 * 0.06 / 3600.0;
    assert!((t.summary.cost.express_usd - express).abs() < 1e-15);
    assert_eq!(t.summary.output.as_ref().unwrap()["status"], "SHIPPED");
}

#[test]
fn steps_follow_the_inspection_vocabulary() {
    let t = order("HappyPath");
    assert_eq!(t.steps.len(), t.visits.len());
    let validate = &t.steps[0];
    let names: Vec<&str> = validate.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "input",
            "afterInputPath",
            "afterParameters",
            "result",
            "afterResultSelector",
            "afterResultPath",
            "output"
        ]
    );
    assert_eq!(
        validate.stages[4].value,
        json!({"valid": true, "total": 31})
    );
    assert_eq!(validate.stages[2].value["Payload"]["orderId"], "A-1001");
    // The Parallel's step is its own, even though the engine reports it after its branches.
    let p = t.steps.iter().find(|s| s.node == "ProcessOrder").unwrap();
    assert_eq!(
        p.stages.iter().find(|s| s.name == "result").unwrap().value[1]["reserved"],
        2
    );
    let charge = t
        .steps
        .iter()
        .find(|s| s.node == "ProcessOrder/0/ChargePayment")
        .unwrap();
    assert_eq!(
        charge.stages.last().unwrap().value,
        json!({"charged": 31, "receipt": "receipt-A-1001"})
    );
    // Steps come in visit order.
    let order: Vec<usize> = t.steps.iter().map(|s| s.visit).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    assert!(t.retries.is_empty());
}

#[test]
fn a_rejected_order_fails_at_the_fail_state() {
    let t = order("InvalidOrder");
    assert_eq!(nodes(&t), ["ValidateOrder", "CheckOrder", "OrderFailed"]);
    let f = visit(&t, "OrderFailed");
    assert_eq!(f.status, "Failed");
    assert_eq!(f.error.as_deref(), Some("OrderRejected"));
    assert_eq!(
        f.cause.as_deref(),
        Some("The order did not pass validation.")
    );
    assert_eq!(t.summary.status, "FAILED");
    assert_eq!(t.summary.error.as_deref(), Some("OrderRejected"));
    assert_eq!(t.node_stats["OrderFailed"].failed, 1);
}

#[test]
fn a_big_order_waits_an_hour_on_the_virtual_clock() {
    let mocks: serde_json::Value =
        serde_json::from_str(&common::example("order-processing.mocks.json")).unwrap();
    let mut input: serde_json::Value =
        serde_json::from_str(&common::example("order-processing.input.json")).unwrap();
    input["customer"]["tier"] = json!("standard");
    let t = run_trace(
        &common::example("order-processing.asl.json"),
        &input.to_string(),
        Some(&mocks),
        Some("BigStandardOrder"),
    );
    let wait = visit(&t, "ManualReview");
    assert_eq!(wait.duration_ms, 3_600_000);
    assert_eq!(t.summary.duration_ms, 3_600_000);
    assert!(!t.summary.cost.express_within_limits);
}

fn mocks(responses: serde_json::Value) -> serde_json::Value {
    json!({
        "StateMachines": {"M": {"TestCases": {"T": {"Call": "R"}}}},
        "MockedResponses": {"R": responses}
    })
}

const RETRY_THEN_CATCH: &str = r#"{
  "StartAt": "Call",
  "States": {
    "Call": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "f", "Payload.$": "$"},
      "Retry": [
        {"ErrorEquals": ["Other"], "MaxAttempts": 5},
        {"ErrorEquals": ["Custom.Error"], "IntervalSeconds": 1, "BackoffRate": 3, "MaxAttempts": 2, "MaxDelaySeconds": 2, "JitterStrategy": "NONE"}
      ],
      "Catch": [
        {"ErrorEquals": ["Nope"], "Next": "Never"},
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Handle"}
      ],
      "End": true
    },
    "Never": {"Type": "Succeed"},
    "Handle": {"Type": "Pass", "End": true}
  }
}"#;

#[test]
fn retries_back_off_then_the_catcher_takes_over() {
    let m = mocks(json!({"0-5": {"Throw": {"Error": "Custom.Error", "Cause": "boom"}}}));
    let t = run_trace(RETRY_THEN_CATCH, r#"{"id": 7}"#, Some(&m), Some("T"));
    assert_eq!(nodes(&t), ["Call", "Handle"]);
    let call = visit(&t, "Call");
    assert_eq!((call.status.as_str(), call.attempts), ("Caught", 3));
    assert_eq!(call.error.as_deref(), Some("Custom.Error"));
    assert_eq!(call.duration_ms, 3000);
    let r = &t.retries[0];
    let got: Vec<(Option<usize>, Option<f64>, Option<f64>)> = r
        .attempts
        .iter()
        .map(|a| {
            (
                a.retrier_index,
                a.interval_seconds,
                a.nominal_interval_seconds,
            )
        })
        .collect();
    // 1 s, then 1 × 3 = 3 s capped at MaxDelaySeconds 2; the third failure exhausts it.
    assert_eq!(
        got,
        [
            (Some(1), Some(1.0), Some(1.0)),
            (Some(1), Some(2.0), Some(2.0)),
            (None, None, None)
        ]
    );
    assert_eq!(r.attempts[0].max_delay_seconds, Some(2.0));
    assert_eq!(r.attempts[0].jitter.as_deref(), Some("NONE"));
    assert_eq!(r.attempts[2].error.as_deref(), Some("Custom.Error"));
    let c = r.catcher.as_ref().unwrap();
    assert_eq!(
        (c.index, c.error_equals.clone(), c.next.as_deref()),
        (1, vec!["States.ALL".to_string()], Some("Handle"))
    );
    // The step shows the error output the catcher received and the merged output.
    let step = &t.steps[0];
    let stage = |n: &str| {
        step.stages
            .iter()
            .find(|s| s.name == n)
            .map(|s| s.value.clone())
    };
    assert_eq!(
        stage("error"),
        Some(json!({"Error": "Custom.Error", "Cause": "boom"}))
    );
    assert_eq!(
        stage("output"),
        Some(json!({"id": 7, "err": {"Error": "Custom.Error", "Cause": "boom"}}))
    );
    let s = &t.node_stats["Call"];
    assert_eq!((s.caught, s.retries, s.failed), (1, 2, 0));
    assert_eq!(t.summary.state_transitions, 2 + 2);
    assert_eq!(t.summary.status, "SUCCEEDED");
}

#[test]
fn parallel_branch_failures_are_caught_with_the_branch_error() {
    let def = r#"{
      "StartAt": "Fan",
      "States": {
        "Fan": {
          "Type": "Parallel",
          "Branches": [
            {"StartAt": "Ok", "States": {"Ok": {"Type": "Pass", "End": true}}},
            {"StartAt": "Bad", "States": {"Bad": {"Type": "Fail", "Error": "Branch.Broke", "Cause": "no"}}}
          ],
          "Retry": [{"ErrorEquals": ["Branch.Broke"], "IntervalSeconds": 5, "MaxAttempts": 1}],
          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}],
          "End": true
        },
        "Recover": {"Type": "Pass", "End": true}
      }
    }"#;
    let t = run_trace(def, "{}", None, None);
    assert_eq!(
        nodes(&t),
        [
            "Fan",
            "Fan/0/Ok",
            "Fan/1/Bad",
            "Fan/0/Ok",
            "Fan/1/Bad",
            "Recover"
        ]
    );
    let fan = visit(&t, "Fan");
    assert_eq!((fan.status.as_str(), fan.attempts), ("Caught", 2));
    assert_eq!(fan.error.as_deref(), Some("Branch.Broke"));
    let bad: Vec<_> = t.visits.iter().filter(|v| v.node == "Fan/1/Bad").collect();
    assert!(bad
        .iter()
        .all(|v| v.status == "Failed" && v.branch == Some(1) && v.parent_visit == Some(0)));
    assert_eq!(bad[1].start_ms, 5000);
    let r = &t.retries[0];
    assert_eq!(r.attempts[0].error.as_deref(), Some("Branch.Broke"));
    assert_eq!(r.attempts[0].interval_seconds, Some(5.0));
    assert_eq!(r.attempts[1].error.as_deref(), Some("Branch.Broke"));
    assert_eq!(r.catcher.as_ref().unwrap().next.as_deref(), Some("Recover"));
    assert_eq!(t.node_stats["Fan/1/Bad"].failed, 2);
    assert_eq!(t.node_stats["Fan/0/Ok"].succeeded, 2);
}

#[test]
fn inline_map_iterations_are_visits_of_their_own() {
    let def = r#"{
      "StartAt": "Each",
      "States": {
        "Each": {
          "Type": "Map",
          "ItemsPath": "$.items",
          "ItemProcessor": {
            "StartAt": "Double",
            "States": {
              "Double": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($.n, $.n)"}, "Next": "Keep"},
              "Keep": {"Type": "Pass", "End": true}
            }
          },
          "End": true
        }
      }
    }"#;
    let t = run_trace(
        def,
        r#"{"items": [{"n": 1}, {"n": 2}, {"n": 3}]}"#,
        None,
        None,
    );
    assert_eq!(t.visits.len(), 7);
    assert_eq!(nodes(&t)[1..3], ["Each/Double", "Each/Keep"]);
    let iters: Vec<Option<usize>> = t.visits.iter().map(|v| v.map_iteration).collect();
    assert_eq!(
        iters,
        [None, Some(0), Some(0), Some(1), Some(1), Some(2), Some(2)]
    );
    assert!(t.visits[1..].iter().all(|v| v.parent_visit == Some(0)));
    let m = &t.map_runs[0];
    assert_eq!(
        (m.visit, m.node.as_str(), m.distributed),
        (0, "Each", false)
    );
    assert_eq!(
        (m.counts.total, m.counts.succeeded, m.counts.failed),
        (3, 3, 0)
    );
    let spans: Vec<(usize, Option<usize>, Option<usize>)> = m
        .iterations
        .iter()
        .map(|i| (i.index, i.first_visit, i.last_visit))
        .collect();
    assert_eq!(
        spans,
        [
            (0, Some(1), Some(2)),
            (1, Some(3), Some(4)),
            (2, Some(5), Some(6))
        ]
    );
    // Each iteration's step has its own data (matched although all start at one instant).
    let doubled: Vec<serde_json::Value> = t
        .steps
        .iter()
        .filter(|s| s.node == "Each/Double")
        .map(|s| s.stages.last().unwrap().value.clone())
        .collect();
    assert_eq!(doubled, [json!({"v": 2}), json!({"v": 4}), json!({"v": 6})]);
    assert_eq!(t.steps[0].node, "Each");
    assert_eq!(t.node_stats["Each/Keep"].visits, 3);
    // Inline iterations are not charged; the seven states are.
    assert_eq!(t.summary.state_transitions, 7);
}

const DISTRIBUTED: &str = r#"{
  "StartAt": "Each",
  "States": {
    "Each": {
      "Type": "Map",
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Check",
        "States": {
          "Check": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": false, "Next": "Bad"}], "Default": "Good"},
          "Bad": {"Type": "Fail", "Error": "Item.Bad"},
          "Good": {"Type": "Pass", "End": true}
        }
      },
      "ToleratedFailureCount": 1,
      "End": true
    }
  }
}"#;

#[test]
fn a_distributed_map_tolerates_one_failure() {
    let t = run_trace(
        DISTRIBUTED,
        r#"[{"ok": true}, {"ok": false}, {"ok": true}, {"ok": true}]"#,
        None,
        None,
    );
    assert_eq!(t.summary.status, "SUCCEEDED");
    // Child executions keep their own histories: one visit, the Map.
    assert_eq!(nodes(&t), ["Each"]);
    let m = &t.map_runs[0];
    assert!(m.distributed);
    assert_eq!(m.tolerated_failure_count, Some(1.0));
    assert_eq!(
        (
            m.counts.total,
            m.counts.succeeded,
            m.counts.failed,
            m.counts.pending
        ),
        (4, 3, 1, 0)
    );
    let statuses: Vec<&str> = m.iterations.iter().map(|i| i.status.as_str()).collect();
    assert_eq!(statuses, ["Succeeded", "Failed", "Succeeded", "Succeeded"]);
    assert!(m.iterations.iter().all(|i| i.first_visit.is_none()));
    // One transition for the Map, one per child execution.
    assert_eq!(t.summary.state_transitions, 1 + 4);
}

#[test]
fn a_distributed_map_over_its_threshold_fails() {
    let t = run_trace(
        DISTRIBUTED,
        r#"[{"ok": false}, {"ok": true}, {"ok": false}, {"ok": true}]"#,
        None,
        None,
    );
    assert_eq!(t.summary.status, "FAILED");
    let each = visit(&t, "Each");
    assert_eq!(each.status, "Failed");
    assert_eq!(
        each.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
    let m = &t.map_runs[0];
    assert_eq!(
        (m.counts.failed, m.counts.succeeded, m.counts.pending),
        (2, 1, 1)
    );
}

#[test]
fn a_loop_with_variables_marks_what_changed() {
    let def = r#"{
      "QueryLanguage": "JSONata",
      "StartAt": "Init",
      "States": {
        "Init": {"Type": "Pass", "Assign": {"n": 0, "label": "count"}, "Next": "Inc"},
        "Inc": {"Type": "Pass", "Assign": {"n": "{% $n + 1 %}"}, "Output": {"n": "{% $n + 1 %}"}, "Next": "Again?"},
        "Again?": {"Type": "Choice", "Choices": [{"Condition": "{% $n < 3 %}", "Next": "Inc"}], "Default": "Done"},
        "Done": {"Type": "Succeed"}
      }
    }"#;
    let t = run_trace(def, "{}", None, None);
    assert_eq!(
        nodes(&t),
        ["Init", "Inc", "Again?", "Inc", "Again?", "Inc", "Again?", "Done"]
    );
    assert_eq!(t.node_stats["Inc"].visits, 3);
    assert_eq!(t.node_stats["Again?"].succeeded, 3);
    let changed: Vec<Vec<String>> = t
        .steps
        .iter()
        .map(|s| s.changed_variables.clone())
        .collect();
    assert_eq!(changed[0], ["n", "label"]);
    assert_eq!(changed[1], ["n"]);
    assert!(changed[2].is_empty());
    let inc = &t.steps[3];
    assert_eq!(inc.variables.as_ref().unwrap()["n"], 2);
    let assign = inc.stages.iter().find(|s| s.name == "Assign").unwrap();
    assert_eq!(assign.value, json!({"n": 2}));
    assert_eq!(
        inc.stages
            .iter()
            .find(|s| s.name == "output")
            .unwrap()
            .value,
        json!({"n": 2})
    );
    assert_eq!(t.summary.state_transitions, 8);
}

#[test]
fn the_jsonata_order_example_shows_arguments() {
    let mocks: serde_json::Value =
        serde_json::from_str(&common::example("order-processing.mocks.json")).unwrap();
    let t = run_trace(
        &common::example("order-processing-jsonata.asl.json"),
        &common::example("order-processing.input.json"),
        Some(&mocks),
        Some("HappyPath"),
    );
    assert_eq!(t.summary.status, "SUCCEEDED");
    let task = t.steps.iter().find(|s| s.name == "ValidateOrder").unwrap();
    let names: Vec<&str> = task.stages.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.starts_with(&["input", "afterArguments", "result"]),
        "{names:?}"
    );
    assert_eq!(t.steps.len(), t.visits.len());
}

#[test]
fn the_trace_serialises_in_camel_case() {
    let t = order("Throttled");
    let v = serde_json::to_value(&t).unwrap();
    for key in [
        "summary",
        "visits",
        "steps",
        "nodeStats",
        "retries",
        "mapRuns",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    let row = &v["visits"][0];
    for key in [
        "index",
        "node",
        "name",
        "type",
        "status",
        "startMs",
        "durationMs",
        "attempts",
        "firstEventId",
        "lastEventId",
        "parentVisit",
        "mapIteration",
        "branch",
    ] {
        assert!(row.get(key).is_some(), "{key}");
    }
    assert_eq!(v["summary"]["stateTransitions"], 9);
    assert_eq!(
        v["summary"]["cost"]["prices"]["source"],
        "https://aws.amazon.com/step-functions/pricing/"
    );
    assert_eq!(v["retries"][0]["attempts"][0]["retrierIndex"], 0);
    assert_eq!(v["nodeStats"]["ValidateOrder"]["retries"], 2);
}

#[test]
fn a_task_waiting_for_its_token_is_waiting() {
    let def = r#"{
      "StartAt": "Ask",
      "States": {
        "Ask": {
          "Type": "Task",
          "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
          "End": true
        }
      }
    }"#;
    let t = run_trace(def, "{}", None, None);
    assert_eq!(t.summary.status, "WAITING_FOR_CALLBACK");
    let ask = visit(&t, "Ask");
    assert_eq!((ask.status.as_str(), ask.attempts), ("Waiting", 1));
    assert_eq!(ask.error, None);
}

#[test]
fn an_inline_map_fails_at_its_failing_iteration_and_is_caught() {
    let def = r#"{
      "StartAt": "Each",
      "States": {
        "Each": {
          "Type": "Map",
          "ItemProcessor": {
            "StartAt": "Check",
            "States": {
              "Check": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Bad"}], "Default": "Good"},
              "Bad": {"Type": "Fail", "Error": "Item.Two", "Cause": "two"},
              "Good": {"Type": "Pass", "End": true}
            }
          },
          "Catch": [{"ErrorEquals": ["Item.Two"], "Next": "Cleanup"}],
          "End": true
        },
        "Cleanup": {"Type": "Pass", "End": true}
      }
    }"#;
    let t = run_trace(def, "[1, 2, 3]", None, None);
    assert_eq!(
        nodes(&t),
        [
            "Each",
            "Each/Check",
            "Each/Good",
            "Each/Check",
            "Each/Bad",
            "Cleanup"
        ]
    );
    let each = visit(&t, "Each");
    assert_eq!(each.status, "Caught");
    assert_eq!(each.error.as_deref(), Some("Item.Two"));
    let bad = visit(&t, "Each/Bad");
    assert_eq!(
        (bad.status.as_str(), bad.map_iteration),
        ("Failed", Some(1))
    );
    let m = &t.map_runs[0];
    let got: Vec<(usize, &str)> = m
        .iterations
        .iter()
        .map(|i| (i.index, i.status.as_str()))
        .collect();
    assert_eq!(got, [(0, "Succeeded"), (1, "Failed")]);
    assert_eq!(
        (
            m.counts.total,
            m.counts.succeeded,
            m.counts.failed,
            m.counts.pending
        ),
        (3, 1, 1, 1)
    );
    let r = t.retries.iter().find(|r| r.node == "Each").unwrap();
    assert_eq!(r.attempts[0].error.as_deref(), Some("Item.Two"));
    assert_eq!(r.catcher.as_ref().unwrap().next.as_deref(), Some("Cleanup"));
    assert_eq!(t.summary.status, "SUCCEEDED");
}

#[test]
fn every_visit_names_a_node_of_the_graph() {
    use stepbridge_inspect::graph::layout;
    let defs = [
        common::example("order-processing.asl.json"),
        RETRY_THEN_CATCH.to_string(),
        DISTRIBUTED.to_string(),
    ];
    let mocks: serde_json::Value =
        serde_json::from_str(&common::example("order-processing.mocks.json")).unwrap();
    let runs = [
        common::run(
            &defs[0],
            &common::example("order-processing.input.json"),
            Some(&mocks),
            Some("Throttled"),
        ),
        common::run(&defs[1], "{}", None, None),
        common::run(&defs[2], r#"[{"ok": true}]"#, None, None),
    ];
    for (def, outcome) in &runs {
        let g = layout(def);
        let t = stepbridge_inspect::trace::trace(def, outcome);
        assert!(!t.visits.is_empty());
        for v in &t.visits {
            assert!(
                g.nodes.iter().any(|n| n.id == v.node),
                "{} is a node",
                v.node
            );
        }
        for id in t.node_stats.keys() {
            assert!(g.nodes.iter().any(|n| &n.id == id));
        }
    }
}

#[test]
fn outcomes_without_history_give_an_empty_trace() {
    for outcome in [
        json!({}),
        json!({"status": "INVALID", "history": []}),
        json!({"history": [1, "x", {"type": 3}]}),
    ] {
        let t = stepbridge_inspect::trace::trace(&json!(null), &outcome);
        assert!(t.visits.is_empty() && t.steps.is_empty() && t.retries.is_empty());
        assert_eq!(t.summary.state_transitions, 0);
    }
}

#[test]
fn view_models_cross_the_worker_boundary_as_json() {
    // The worker posts JSON; the Yew UI reads it back into the same types.
    use stepbridge_inspect::{compare::Comparison, graph::GraphLayout, trace::Trace};
    let t = order("Throttled");
    let back: Trace = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
    assert_eq!(back.visits, t.visits);
    assert_eq!(back.steps, t.steps);
    assert_eq!(back.retries, t.retries);
    assert_eq!(back.summary.state_transitions, 9);
    assert_eq!(back.summary.cost.prices, t.summary.cost.prices);
    let c = stepbridge_inspect::compare::compare(&t, &order("InvalidOrder"));
    let back: Comparison = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
    assert_eq!(back, c);
    let def: serde_json::Value =
        serde_json::from_str(&common::example("order-processing.asl.json")).unwrap();
    let g = stepbridge_inspect::graph::layout(&def);
    let back: GraphLayout = serde_json::from_str(&serde_json::to_string(&g).unwrap()).unwrap();
    assert_eq!(back.nodes.len(), g.nodes.len());
    assert_eq!(
        back.edges
            .iter()
            .map(|e| (&e.from, &e.to, e.kind))
            .collect::<Vec<_>>(),
        g.edges
            .iter()
            .map(|e| (&e.from, &e.to, e.kind))
            .collect::<Vec<_>>()
    );
}

#[test]
fn retries_of_a_failure_before_the_task_still_count() {
    // An intrinsic fails in Parameters: no task event is written, the retries happen.
    let def = r#"{
      "StartAt": "Parse",
      "States": {
        "Parse": {
          "Type": "Task",
          "Resource": "arn:aws:states:::lambda:invoke",
          "Parameters": {"v.$": "States.StringToJson($.s)"},
          "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 2}],
          "End": true
        }
      }
    }"#;
    let t = run_trace(def, r#"{"s": "{bad"}"#, None, None);
    assert_eq!(t.summary.status, "FAILED");
    let p = visit(&t, "Parse");
    assert_eq!((p.status.as_str(), p.attempts), ("Failed", 3));
    assert_eq!(p.error.as_deref(), t.summary.error.as_deref());
    assert_eq!(t.node_stats["Parse"].retries, 2);
    assert_eq!(t.summary.state_transitions, 3);
    let r = &t.retries[0];
    let got: Vec<(Option<usize>, Option<f64>, Option<f64>)> = r
        .attempts
        .iter()
        .map(|a| {
            (
                a.retrier_index,
                a.nominal_interval_seconds,
                a.interval_seconds,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (Some(0), Some(1.0), None),
            (Some(0), Some(2.0), None),
            (None, None, None)
        ]
    );
    assert!(r.attempts.iter().all(|a| a.error == p.error));
}
