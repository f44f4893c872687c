#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Layout invariants on real definitions: every state is a node, no two sibling boxes
//! overlap, every node lies inside its parent, edges start and end on their boxes.

use serde_json::{json, Value};
use stepbridge_inspect::graph::{layout, EdgeKind, GraphLayout, Node};

fn example(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("../../static/examples/{name}")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn node<'a>(g: &'a GraphLayout, id: &str) -> &'a Node {
    g.nodes
        .iter()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("no node {id}"))
}

fn overlap(a: &Node, b: &Node) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.01
}

/// On the border of the box (within a rounding error).
fn on_border(n: &Node, p: [f64; 2]) -> bool {
    let inside_x = p[0] >= n.x - 0.01 && p[0] <= n.x + n.w + 0.01;
    let inside_y = p[1] >= n.y - 0.01 && p[1] <= n.y + n.h + 0.01;
    (inside_x && (near(p[1], n.y) || near(p[1], n.y + n.h)))
        || (inside_y && (near(p[0], n.x) || near(p[0], n.x + n.w)))
}

fn check_invariants(g: &GraphLayout) {
    let ids: std::collections::HashSet<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids.len(), g.nodes.len(), "ids are unique");
    for (i, a) in g.nodes.iter().enumerate() {
        assert!(a.w > 0.0 && a.h > 0.0);
        assert!(a.x >= 0.0 && a.y >= 0.0 && a.x + a.w <= g.width && a.y + a.h <= g.height);
        for b in &g.nodes[i + 1..] {
            if a.parent == b.parent {
                assert!(!overlap(a, b), "{} overlaps {}", a.id, b.id);
            }
        }
        if let Some(p) = &a.parent {
            let p = node(g, p);
            assert!(p.group, "{} is a group", p.id);
            assert!(
                a.x >= p.x && a.y >= p.y && a.x + a.w <= p.x + p.w && a.y + a.h <= p.y + p.h,
                "{} lies inside {}",
                a.id,
                p.id
            );
        }
    }
    for e in &g.edges {
        let (from, to) = (node(g, &e.from), node(g, &e.to));
        let (first, last) = (e.points[0], e.points[e.points.len() - 1]);
        assert!(
            on_border(from, first),
            "edge {}→{} leaves its box",
            e.from,
            e.to
        );
        assert!(
            on_border(to, last),
            "edge {}→{} reaches its box",
            e.from,
            e.to
        );
    }
}

#[test]
fn the_order_example_has_every_state_and_its_branches() {
    let g = layout(&example("order-processing.asl.json"));
    check_invariants(&g);
    let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
    for id in [
        "__start__",
        "ValidateOrder",
        "CheckOrder",
        "ManualReview",
        "ProcessOrder",
        "ProcessOrder/0",
        "ProcessOrder/0/ChargePayment",
        "ProcessOrder/1/ReserveStock",
        "ProcessOrder/1/__start__",
        "ProcessOrder/1/__end__",
        "ShipOrder",
        "Done",
        "OrderFailed",
        "__end__",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    // Containers before their content.
    let pos = |id: &str| ids.iter().position(|i| *i == id).unwrap();
    assert!(
        pos("ProcessOrder") < pos("ProcessOrder/0")
            && pos("ProcessOrder/0") < pos("ProcessOrder/0/ChargePayment")
    );
    assert_eq!(
        node(&g, "ProcessOrder/0/ChargePayment").parent.as_deref(),
        Some("ProcessOrder/0")
    );
    assert_eq!(
        node(&g, "ProcessOrder/0").parent.as_deref(),
        Some("ProcessOrder")
    );
    assert_eq!(
        node(&g, "ValidateOrder").label.as_deref(),
        Some("lambda:invoke")
    );
    // Branches side by side.
    let (b0, b1) = (node(&g, "ProcessOrder/0"), node(&g, "ProcessOrder/1"));
    assert!(b0.x + b0.w <= b1.x && near(b0.y, b1.y));
    // Top to bottom along the happy path.
    let y = |id: &str| node(&g, id).y;
    assert!(y("__start__") < y("ValidateOrder"));
    assert!(y("ValidateOrder") < y("CheckOrder"));
    assert!(y("CheckOrder") < y("ProcessOrder"));
    assert!(y("ProcessOrder") < y("ShipOrder"));
    assert!(y("Done") < y("__end__"));

    let edge = |from: &str, to: &str, kind: EdgeKind| {
        g.edges
            .iter()
            .find(|e| e.from == from && e.to == to && e.kind == kind)
            .unwrap_or_else(|| panic!("edge {from}→{to}"))
    };
    assert_eq!(
        edge("ValidateOrder", "OrderFailed", EdgeKind::Catch)
            .label
            .as_deref(),
        Some("States.ALL")
    );
    assert_eq!(
        edge("CheckOrder", "OrderFailed", EdgeKind::Choice)
            .label
            .as_deref(),
        Some("$.validation.valid == false")
    );
    assert_eq!(
        edge("CheckOrder", "ManualReview", EdgeKind::Choice)
            .label
            .as_deref(),
        Some("$.validation.total > 1000 && $.customer.tier ==…")
    );
    assert_eq!(
        edge("CheckOrder", "ProcessOrder", EdgeKind::Default)
            .label
            .as_deref(),
        Some("Default")
    );
    edge("OrderFailed", "__end__", EdgeKind::End);
    edge("__start__", "ValidateOrder", EdgeKind::Start);
    edge(
        "ProcessOrder/0/ChargePayment",
        "ProcessOrder/0/__end__",
        EdgeKind::End,
    );
    assert_eq!(
        g.edges.iter().filter(|e| e.kind == EdgeKind::Start).count(),
        3
    );
}

#[test]
fn the_jsonata_example_lays_out_too() {
    let g = layout(&example("order-processing-jsonata.asl.json"));
    check_invariants(&g);
    assert!(g.edges.iter().any(|e| e.kind == EdgeKind::Choice));
}

#[test]
fn map_processors_nest_and_loops_route_on_the_side() {
    let def = json!({
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Next": "Poll"},
            "Poll": {"Type": "Pass", "Next": "Ready?"},
            "Ready?": {"Type": "Choice",
                "Choices": [{"Variable": "$.done", "BooleanEquals": true, "Next": "Each"}],
                "Default": "Poll"},
            "Each": {"Type": "Map", "ItemsPath": "$.items",
                "ItemProcessor": {"StartAt": "Inner", "States": {
                    "Inner": {"Type": "Map", "ItemProcessor": {"StartAt": "Leaf", "States": {"Leaf": {"Type": "Pass", "End": true}}}, "Next": "After"},
                    "After": {"Type": "Pass", "End": true}}},
                "End": true}
        }
    });
    let g = layout(&def);
    check_invariants(&g);
    assert_eq!(
        node(&g, "Each/Inner/Leaf").parent.as_deref(),
        Some("Each/Inner")
    );
    assert_eq!(node(&g, "Each").label.as_deref(), Some("Inline"));
    let back = g
        .edges
        .iter()
        .find(|e| e.from == "Ready?" && e.to == "Poll")
        .unwrap();
    // A loop goes back up on the right of both boxes.
    let (poll, ready) = (node(&g, "Poll"), node(&g, "Ready?"));
    let lane = back.points.iter().map(|p| p[0]).fold(f64::MIN, f64::max);
    assert!(lane > poll.x + poll.w && lane > ready.x + ready.w);
    assert!(back.points.len() >= 4);
}

#[test]
fn broken_definitions_never_panic() {
    let cases = [
        json!(null),
        json!([1, 2]),
        json!({"StartAt": "Nowhere"}),
        json!({"StartAt": 3, "States": []}),
        json!({"StartAt": "A", "States": {"A": "not a state"}}),
        json!({"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [null, {"States": 1}]}}}),
        json!({"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Next": 1}, {"Next": "Gone"}], "Default": "Gone"}}}),
        json!({"StartAt": "A", "States": {"A": {"Type": "Map", "Iterator": {"StartAt": "X", "States": {}}, "Next": "A"}}}),
    ];
    for c in &cases {
        let g = layout(c);
        check_invariants(&g);
        assert!(g.nodes.iter().any(|n| n.id == "__start__"));
    }
    let g = layout(&cases[6]);
    let gone: Vec<&Node> = g.nodes.iter().filter(|n| n.missing).collect();
    assert_eq!(gone.len(), 1, "one node per missing name");
    assert_eq!(gone[0].id, "Gone");
    assert_eq!(gone[0].kind, "Missing");
    assert_eq!(g.edges.iter().filter(|e| e.to == "Gone").count(), 2);
    let g = layout(&cases[7]);
    assert_eq!(node(&g, "A/X").kind, "Missing");
    assert_eq!(
        layout(&cases[2]).nodes.iter().filter(|n| n.missing).count(),
        1
    );
}

#[test]
fn the_layout_serialises_in_the_documented_shape() {
    let g = layout(&json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}));
    let v = serde_json::to_value(&g).unwrap();
    assert_eq!(v["nodes"][1]["type"], "Pass");
    assert_eq!(v["nodes"][1]["parent"], Value::Null);
    assert_eq!(v["nodes"][1]["group"], false);
    assert!(v["nodes"][1].get("missing").is_none());
    assert_eq!(v["edges"][1]["kind"], "end");
    assert_eq!(v["edges"][1]["label"], Value::Null);
    assert!(v["edges"][1]["points"][0].as_array().unwrap().len() == 2);
    assert!(v["width"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_long_machine_with_a_shared_catch_handler_stays_valid() {
    let n = 120;
    let mut states = serde_json::Map::new();
    for i in 0..n {
        let mut st = json!({
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handler"}]
        });
        if i + 1 < n {
            st["Next"] = json!(format!("Step{}", i + 1));
        } else {
            st["End"] = json!(true);
        }
        states.insert(format!("Step{i}"), st);
    }
    states.insert("Handler".into(), json!({"Type": "Fail", "Error": "Failed"}));
    let started = std::time::Instant::now();
    let g = layout(&json!({"StartAt": "Step0", "States": states}));
    let elapsed = started.elapsed();
    check_invariants(&g);
    assert_eq!(g.nodes.len(), n + 3);
    assert_eq!(
        g.edges.iter().filter(|e| e.kind == EdgeKind::Catch).count(),
        n
    );
    // The handler sits below the last step (longest path), the catch edges run down.
    assert!(node(&g, "Handler").y > node(&g, &format!("Step{}", n - 1)).y);
    eprintln!("{n} states laid out in {elapsed:?}");
}
