//! Two runs side by side: where they first part ways and how their data differs there.
//!
//! Visits are compared in execution order: the first pair that is a different state, or
//! the same state with another status or other data at some stage, is the first
//! difference. The data difference is a structural diff of the two values, path by path
//! (JSON Pointer paths), small enough to show whole: written here because the diff
//! crates give patches (operations without the old value) or text lines.

use crate::trace::{Step, Trace};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Diff entries kept per comparison; a change of a huge payload is summarised by its
/// first entries.
const MAX_DIFF: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffKind {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiffEntry {
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub kind: DiffKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DifferenceKind {
    /// The runs went to different states at this point.
    State,
    /// Same state, another status (e.g. Succeeded against Caught).
    Status,
    /// Same state, other data at `stage`.
    Data,
    /// One run has no visit here (it ended earlier).
    Missing,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FirstDifference {
    pub kind: DifferenceKind,
    /// Visit indexes in run a and run b (None where that run has no such visit).
    pub visit_a: Option<usize>,
    pub visit_b: Option<usize>,
    pub node_a: Option<String>,
    pub node_b: Option<String>,
    /// The first stage whose value differs (for kind `data`).
    pub stage: Option<String>,
    pub diff: Vec<DiffEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    pub identical: bool,
    pub first_difference: Option<FirstDifference>,
    pub status_a: String,
    pub status_b: String,
    pub status_changed: bool,
    /// The execution outputs' diff (also error and cause, as `/error` and `/cause`).
    pub output_diff: Vec<DiffEntry>,
}

pub fn compare(a: &Trace, b: &Trace) -> Comparison {
    let first_difference = first_difference(a, b);
    let mut output_diff = Vec::new();
    diff_into(
        "",
        a.summary.output.as_ref(),
        b.summary.output.as_ref(),
        &mut output_diff,
    );
    for (key, x, y) in [
        ("/error", &a.summary.error, &b.summary.error),
        ("/cause", &a.summary.cause, &b.summary.cause),
    ] {
        let (x, y) = (x.clone().map(Value::String), y.clone().map(Value::String));
        diff_into(key, x.as_ref(), y.as_ref(), &mut output_diff);
    }
    let status_changed = a.summary.status != b.summary.status;
    Comparison {
        identical: first_difference.is_none() && output_diff.is_empty() && !status_changed,
        first_difference,
        status_a: a.summary.status.clone(),
        status_b: b.summary.status.clone(),
        status_changed,
        output_diff,
    }
}

fn step_of(t: &Trace, visit: usize) -> Option<&Step> {
    // Steps are in visit order: a binary search finds a visit's step.
    t.steps
        .binary_search_by_key(&visit, |s| s.visit)
        .ok()
        .and_then(|i| t.steps.get(i))
}

fn first_difference(a: &Trace, b: &Trace) -> Option<FirstDifference> {
    let n = a.visits.len().max(b.visits.len());
    for i in 0..n {
        let (va, vb) = (a.visits.get(i), b.visits.get(i));
        let mut d = FirstDifference {
            kind: DifferenceKind::Missing,
            visit_a: va.map(|v| v.index),
            visit_b: vb.map(|v| v.index),
            node_a: va.map(|v| v.node.clone()),
            node_b: vb.map(|v| v.node.clone()),
            stage: None,
            diff: Vec::new(),
        };
        let (Some(va), Some(vb)) = (va, vb) else {
            return Some(d);
        };
        let (sa, sb) = (step_of(a, va.index), step_of(b, vb.index));
        if va.node != vb.node {
            d.kind = DifferenceKind::State;
            // What each state received shows why the runs parted.
            let input =
                |s: Option<&Step>| s.and_then(|s| s.stages.first().map(|st| st.value.clone()));
            diff_into("", input(sa).as_ref(), input(sb).as_ref(), &mut d.diff);
            return Some(d);
        }
        let stages_a = sa.map(|s| s.stages.as_slice()).unwrap_or(&[]);
        let stages_b = sb.map(|s| s.stages.as_slice()).unwrap_or(&[]);
        let mut names: Vec<&str> = stages_a.iter().map(|s| s.name.as_str()).collect();
        for s in stages_b {
            if !names.contains(&s.name.as_str()) {
                names.push(&s.name);
            }
        }
        for name in names {
            let x = stages_a.iter().find(|s| s.name == name).map(|s| &s.value);
            let y = stages_b.iter().find(|s| s.name == name).map(|s| &s.value);
            if x != y {
                d.kind = DifferenceKind::Data;
                d.stage = Some(name.to_string());
                diff_into("", x, y, &mut d.diff);
                return Some(d);
            }
        }
        if va.status != vb.status || va.attempts != vb.attempts {
            d.kind = DifferenceKind::Status;
            return Some(d);
        }
    }
    None
}

/// Structural diff of two values (None: absent) appended to `out`.
pub fn diff(before: &Value, after: &Value) -> Vec<DiffEntry> {
    let mut out = Vec::new();
    diff_into("", Some(before), Some(after), &mut out);
    out
}

/// Where two values first differ: a JSON pointer and the value on each side (None where that
/// side has nothing there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueDifference {
    pub pointer: String,
    pub expected: Option<Value>,
    pub actual: Option<Value>,
}

/// The first difference of `actual` from `expected`, or None when they are equal as JSON.
///
/// Graders report one place, so the walk is made stable for the reader: object keys in
/// sorted order (the written order is not part of a JSON value's meaning), arrays index by
/// index, so an array that is too short or too long differs at its first missing or extra
/// item. Numbers are compared by value (`1` equals `1.0`).
pub fn first_value_difference(expected: &Value, actual: &Value) -> Option<ValueDifference> {
    first_at(String::new(), Some(expected), Some(actual))
}

fn first_at(path: String, a: Option<&Value>, b: Option<&Value>) -> Option<ValueDifference> {
    let differ = |path: String| {
        Some(ValueDifference {
            pointer: path,
            expected: a.cloned(),
            actual: b.cloned(),
        })
    };
    match (a, b) {
        (None, None) => None,
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .find_map(|k| first_at(format!("{path}/{}", escape(k)), x.get(k), y.get(k)))
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => (0..x.len().max(y.len()))
            .find_map(|i| first_at(format!("{path}/{i}"), x.get(i), y.get(i))),
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            let same = x == y || matches!((x.as_f64(), y.as_f64()), (Some(p), Some(q)) if p == q);
            if same {
                None
            } else {
                differ(path)
            }
        }
        (Some(x), Some(y)) if x == y => None,
        _ => differ(path),
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn diff_into(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<DiffEntry>) {
    if out.len() >= MAX_DIFF {
        return;
    }
    let entry = |kind| DiffEntry {
        path: path.to_string(),
        before: a.cloned(),
        after: b.cloned(),
        kind,
    };
    match (a, b) {
        (None, None) => {}
        (None, Some(_)) => out.push(entry(DiffKind::Added)),
        (Some(_), None) => out.push(entry(DiffKind::Removed)),
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            for (k, v) in x {
                diff_into(&format!("{path}/{}", escape(k)), Some(v), y.get(k), out);
            }
            for (k, v) in y.iter().filter(|(k, _)| !x.contains_key(*k)) {
                diff_into(&format!("{path}/{}", escape(k)), None, Some(v), out);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            for i in 0..x.len().max(y.len()) {
                diff_into(&format!("{path}/{i}"), x.get(i), y.get(i), out);
            }
        }
        (Some(x), Some(y)) if x != y => out.push(entry(DiffKind::Changed)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diffs_name_each_changed_path() {
        let d = diff(
            &json!({"a": {"b": 1, "c": [1, 2]}, "gone": true, "x/y": 0}),
            &json!({"a": {"b": 2, "c": [1]}, "new": null, "x/y": 0}),
        );
        let got: Vec<(&str, DiffKind)> = d.iter().map(|e| (e.path.as_str(), e.kind)).collect();
        assert_eq!(
            got,
            [
                ("/a/b", DiffKind::Changed),
                ("/a/c/1", DiffKind::Removed),
                ("/gone", DiffKind::Removed),
                ("/new", DiffKind::Added),
            ]
        );
        assert_eq!(d[0].before, Some(json!(1)));
        assert_eq!(d[0].after, Some(json!(2)));
        assert_eq!(
            diff(&json!({"a~b": 1}), &json!({"a~b": 2}))[0].path,
            "/a~0b"
        );
        assert!(diff(&json!([1, {"a": 1}]), &json!([1, {"a": 1}])).is_empty());
        assert_eq!(diff(&json!(1), &json!("1"))[0].path, "");
    }

    #[test]
    fn the_first_value_difference_walks_sorted_keys_and_indexes() {
        let d = |a: Value, b: Value| first_value_difference(&a, &b);
        assert_eq!(d(json!({"a": [1, 2.0]}), json!({"a": [1.0, 2]})), None);
        // "b" differs too, but "a" comes first in sorted order whatever the written order.
        let got = d(
            json!({"b": 1, "a": {"x": true}}),
            json!({"b": 2, "a": {"x": false}}),
        );
        assert_eq!(got.as_ref().map(|g| g.pointer.as_str()), Some("/a/x"));
        assert_eq!(got.and_then(|g| g.actual), Some(json!(false)));
        let short = d(json!([1, 2, 3]), json!([1, 2])).unwrap();
        assert_eq!(
            (short.pointer.as_str(), short.expected, short.actual),
            ("/2", Some(json!(3)), None)
        );
        let extra = d(json!({}), json!({"k/1": 0})).unwrap();
        assert_eq!((extra.pointer.as_str(), extra.expected), ("/k~11", None));
        assert_eq!(d(json!(1), json!("1")).unwrap().pointer, "");
    }

    #[test]
    fn huge_diffs_are_capped() {
        let a: Vec<i32> = (0..1000).collect();
        let b: Vec<i32> = (1..1001).collect();
        assert_eq!(diff(&json!(a), &json!(b)).len(), MAX_DIFF);
    }
}
