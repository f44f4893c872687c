//! The state machine as a graph, laid out like the AWS console's: top to bottom from a
//! Start marker to an End marker, Parallel branches and Map processors drawn as nested
//! groups inside their state's box.
//!
//! Each machine (the top level, a branch, a processor) is laid out on its own by
//! [`layered::place`]; a Parallel or Map state is a box sized from its laid-out
//! sub-machines, and everything inside is moved with it. The definition is read as plain
//! JSON and never trusted: a missing target becomes a node marked `missing`, anything
//! malformed is skipped, nothing panics.

mod layered;
mod rules;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Ids of the Start and End markers of the top-level machine; a nested machine's markers
/// are `<group id>/__start__` and `<group id>/__end__`.
pub const START_ID: &str = "__start__";
pub const END_ID: &str = "__end__";

const STATE_H: f64 = 40.0;
const STATE_LABELLED_H: f64 = 52.0;
const MARKER_W: f64 = 64.0;
const MARKER_H: f64 = 28.0;
/// A sub-machine's markers are smaller: they only show where it starts and ends.
const NESTED_MARKER_W: f64 = 44.0;
const NESTED_MARKER_H: f64 = 20.0;
/// Space above a container's content for its title, and around it.
const CONTAINER_HEADER: f64 = 34.0;
const CONTAINER_PAD: f64 = 16.0;
const BRANCH_HEADER: f64 = 26.0;
const BRANCH_PAD: f64 = 12.0;
const BRANCH_GAP: f64 = 20.0;
/// Margin around the whole drawing.
const MARGIN: f64 = 20.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphLayout {
    pub width: f64,
    pub height: f64,
    /// Containers come before what they contain, so drawing in order paints children on top.
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    /// Unique path: `Name` at the top level, `Parallel/0/Name` in a branch (branch index),
    /// `Map/Name` in a Map's processor; `__start__`/`__end__` for the markers.
    pub id: String,
    pub name: String,
    /// The state's Type; `Start`, `End`, `Branch` (a Parallel branch's group) or `Missing`.
    #[serde(rename = "type")]
    pub kind: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub parent: Option<String>,
    /// A box that holds other nodes (Parallel, Map, a branch).
    pub group: bool,
    /// A second line under the name: the Task's resource, the Map's mode, and so on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// A transition names this state but the definition does not have it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub missing: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    Next,
    Choice,
    Default,
    Catch,
    End,
    Start,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// The Choice rule as short text, "Default", or the Catch's ErrorEquals.
    pub label: Option<String>,
    /// Absolute polyline from the source box's border to the target box's border.
    pub points: Vec<[f64; 2]>,
}

/// Lay out a definition (already parsed JSON). Never fails: an unusable definition gives
/// the Start and End markers and whatever could be read.
pub fn layout(definition: &Value) -> GraphLayout {
    let block = machine_block(definition, "", None, 0);
    let mut nodes = block.nodes;
    let mut edges = block.edges;
    shift(&mut nodes, &mut edges, MARGIN, MARGIN);
    GraphLayout {
        width: block.w + 2.0 * MARGIN,
        height: block.h + 2.0 * MARGIN,
        nodes,
        edges,
    }
}

/// The id of a state in the machine whose ids start with `prefix` ("" at the top level,
/// "P/0/" in a branch, "M/" in a Map).
pub fn state_id(prefix: &str, name: &str) -> String {
    format!("{prefix}{name}")
}

/// A laid-out machine in local coordinates.
struct Block {
    w: f64,
    h: f64,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

/// One vertex of the machine being laid out, with what it contains (a container's
/// content, already laid out).
struct Vertex {
    node: Node,
    inner: Option<(Block, f64, f64)>,
}

struct Link {
    from: usize,
    to: usize,
    kind: EdgeKind,
    label: Option<String>,
}

/// Deep nesting beyond this is drawn as plain boxes (the engine refuses it anyway).
const MAX_DEPTH: usize = 32;

fn machine_block(machine: &Value, prefix: &str, parent: Option<&str>, depth: usize) -> Block {
    let empty = Map::new();
    let states = machine
        .get("States")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut verts: Vec<Vertex> = Vec::new();
    let marker = |kind: &str| Vertex {
        node: Node {
            id: match kind {
                "Start" => format!("{prefix}{START_ID}"),
                _ => format!("{prefix}{END_ID}"),
            },
            name: kind.to_string(),
            kind: kind.to_string(),
            x: 0.0,
            y: 0.0,
            w: if depth == 0 {
                MARKER_W
            } else {
                NESTED_MARKER_W
            },
            h: if depth == 0 {
                MARKER_H
            } else {
                NESTED_MARKER_H
            },
            parent: parent.map(str::to_string),
            group: false,
            label: None,
            missing: false,
        },
        inner: None,
    };
    verts.push(marker("Start"));
    let names: Vec<&String> = states.keys().collect();
    for (name, st) in states {
        verts.push(state_vertex(name, st, prefix, parent, depth));
    }
    verts.push(marker("End"));
    let end = verts.len() - 1;

    let mut links: Vec<Link> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    // Index of a target state, adding a missing node the first time an unknown name is met.
    let target = |name: &str, missing: &mut Vec<String>| -> usize {
        if let Some(i) = names.iter().position(|n| n.as_str() == name) {
            return i + 1;
        }
        let k = missing.iter().position(|m| m == name).unwrap_or_else(|| {
            missing.push(name.to_string());
            missing.len() - 1
        });
        end + 1 + k
    };
    let start_at = machine.get("StartAt").and_then(Value::as_str);
    if let Some(s) = start_at {
        let to = target(s, &mut missing);
        links.push(Link {
            from: 0,
            to,
            kind: EdgeKind::Start,
            label: None,
        });
    }
    for (i, (_, st)) in states.iter().enumerate() {
        let from = i + 1;
        let mut link = |to: usize, kind: EdgeKind, label: Option<String>| {
            links.push(Link {
                from,
                to,
                kind,
                label,
            })
        };
        let ty = st.get("Type").and_then(Value::as_str).unwrap_or("");
        if ty == "Choice" {
            for rule in st
                .get("Choices")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(n) = rule.get("Next").and_then(Value::as_str) {
                    link(
                        target(n, &mut missing),
                        EdgeKind::Choice,
                        Some(rules::rule_text(rule)),
                    );
                }
            }
            if let Some(n) = st.get("Default").and_then(Value::as_str) {
                link(
                    target(n, &mut missing),
                    EdgeKind::Default,
                    Some("Default".into()),
                );
            }
        } else if let Some(n) = st.get("Next").and_then(Value::as_str) {
            link(target(n, &mut missing), EdgeKind::Next, None);
        }
        if matches!(ty, "Succeed" | "Fail") || st.get("End").and_then(Value::as_bool) == Some(true)
        {
            link(end, EdgeKind::End, None);
        }
        for c in st
            .get("Catch")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(n) = c.get("Next").and_then(Value::as_str) {
                let errors: Vec<&str> = c
                    .get("ErrorEquals")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                link(
                    target(n, &mut missing),
                    EdgeKind::Catch,
                    Some(errors.join(", ")),
                );
            }
        }
    }
    for name in &missing {
        let mut v = state_vertex(name, &Value::Null, prefix, parent, MAX_DEPTH);
        v.node.kind = "Missing".into();
        v.node.missing = true;
        v.node.label = Some("not defined".into());
        verts.push(v);
    }

    let sizes: Vec<(f64, f64)> = verts.iter().map(|v| (v.node.w, v.node.h)).collect();
    let pairs: Vec<(usize, usize)> = links.iter().map(|l| (l.from, l.to)).collect();
    let placed = layered::place(&sizes, &pairs, Some(0), Some(end));

    let ids: Vec<String> = verts.iter().map(|v| v.node.id.clone()).collect();
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for (v, &(x, y)) in verts.into_iter().zip(&placed.pos) {
        let mut node = v.node;
        node.x = x;
        node.y = y;
        nodes.push(node);
        if let Some((mut inner, dx, dy)) = v.inner {
            shift(&mut inner.nodes, &mut inner.edges, x + dx, y + dy);
            nodes.extend(inner.nodes);
            edges.extend(inner.edges);
        }
    }
    for (l, points) in links.iter().zip(placed.routes) {
        edges.push(Edge {
            from: ids.get(l.from).cloned().unwrap_or_default(),
            to: ids.get(l.to).cloned().unwrap_or_default(),
            kind: l.kind,
            label: l.label.clone(),
            points,
        });
    }
    Block {
        w: placed.width,
        h: placed.height,
        nodes,
        edges,
    }
}

fn shift(nodes: &mut [Node], edges: &mut [Edge], dx: f64, dy: f64) {
    for n in nodes {
        n.x += dx;
        n.y += dy;
    }
    for p in edges.iter_mut().flat_map(|e| e.points.iter_mut()) {
        p[0] += dx;
        p[1] += dy;
    }
}

/// Width of a box that shows `text` (7 px per character at the console's font size).
fn text_width(text: &str) -> f64 {
    (text.chars().count() as f64 * 7.0 + 32.0).clamp(100.0, 360.0)
}

fn state_vertex(
    name: &str,
    st: &Value,
    prefix: &str,
    parent: Option<&str>,
    depth: usize,
) -> Vertex {
    let ty = st
        .get("Type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let id = state_id(prefix, name);
    let label = state_label(&ty, st);
    let mut w = text_width(name);
    if let Some(l) = &label {
        w = w.max(text_width(l));
    }
    let h = if label.is_some() {
        STATE_LABELLED_H
    } else {
        STATE_H
    };
    let mut node = Node {
        id: id.clone(),
        name: name.to_string(),
        kind: ty.clone(),
        x: 0.0,
        y: 0.0,
        w,
        h,
        parent: parent.map(str::to_string),
        group: false,
        label,
        missing: false,
    };
    let inner = if depth >= MAX_DEPTH {
        None
    } else if ty == "Parallel" {
        node.group = true;
        Some(parallel_content(&id, st, depth))
    } else if ty == "Map" {
        node.group = true;
        let processor = st.get("ItemProcessor").or_else(|| st.get("Iterator"));
        let inner = machine_block(
            processor.unwrap_or(&Value::Null),
            &format!("{id}/"),
            Some(&id),
            depth + 1,
        );
        Some(inner)
    } else {
        None
    };
    let inner = inner.map(|block| {
        node.w = node.w.max(block.w + 2.0 * CONTAINER_PAD);
        node.h = CONTAINER_HEADER + block.h + CONTAINER_PAD;
        let dx = (node.w - block.w) / 2.0;
        (block, dx, CONTAINER_HEADER)
    });
    Vertex { node, inner }
}

/// A Parallel state's content: one group per branch, side by side.
fn parallel_content(id: &str, st: &Value, depth: usize) -> Block {
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let mut x = 0.0;
    let mut h: f64 = 0.0;
    let branches = st.get("Branches").and_then(Value::as_array);
    for (i, branch) in branches.into_iter().flatten().enumerate() {
        let gid = format!("{id}/{i}");
        let mut inner = machine_block(branch, &format!("{gid}/"), Some(&gid), depth + 1);
        let title = format!("Branch {}", i + 1);
        let gw = (inner.w + 2.0 * BRANCH_PAD).max(text_width(&title));
        let gh = BRANCH_HEADER + inner.h + BRANCH_PAD;
        nodes.push(Node {
            id: gid.clone(),
            name: title,
            kind: "Branch".into(),
            x,
            y: 0.0,
            w: gw,
            h: gh,
            parent: Some(id.to_string()),
            group: true,
            label: None,
            missing: false,
        });
        shift(
            &mut inner.nodes,
            &mut inner.edges,
            x + (gw - inner.w) / 2.0,
            BRANCH_HEADER,
        );
        nodes.extend(inner.nodes);
        edges.extend(inner.edges);
        x += gw + BRANCH_GAP;
        h = h.max(gh);
    }
    Block {
        w: (x - BRANCH_GAP).max(0.0),
        h,
        nodes,
        edges,
    }
}

/// The second line of a state's box.
fn state_label(ty: &str, st: &Value) -> Option<String> {
    match ty {
        "Task" => st
            .get("Resource")
            .and_then(Value::as_str)
            .map(resource_label),
        "Map" => {
            let processor = st.get("ItemProcessor");
            let mode = processor
                .and_then(|p| p.get("ProcessorConfig"))
                .and_then(|c| c.get("Mode"))
                .and_then(Value::as_str);
            Some(match mode {
                Some("DISTRIBUTED") => "Distributed".into(),
                _ => "Inline".into(),
            })
        }
        "Wait" => {
            let secs = st.get("Seconds").and_then(Value::as_f64);
            Some(match secs {
                Some(s) => format!("{s}s"),
                None => "until".into(),
            })
        }
        _ => None,
    }
}

/// `arn:aws:states:::lambda:invoke.waitForTaskToken` → `lambda:invoke.waitForTaskToken`;
/// an activity or Lambda ARN → its last part.
fn resource_label(resource: &str) -> String {
    if let Some(rest) = resource.strip_prefix("arn:aws:states:::") {
        return rest.to_string();
    }
    resource.rsplit(':').next().unwrap_or(resource).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resource_labels_are_short() {
        assert_eq!(
            resource_label("arn:aws:states:::lambda:invoke"),
            "lambda:invoke"
        );
        assert_eq!(resource_label("arn:aws:lambda:us-east-1:1:function:f"), "f");
    }

    #[test]
    fn start_and_end_markers_frame_a_pass() {
        let g = layout(&json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}));
        let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["__start__", "A", "__end__"]);
        assert_eq!(g.edges.len(), 2);
        assert_eq!(g.edges[0].kind, EdgeKind::Start);
        assert_eq!(g.edges[1].kind, EdgeKind::End);
    }
}
