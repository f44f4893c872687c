//! Why an event matched a pattern or not: the answer TestEventPattern does not give.

use super::{child_objects, leaf_refs, Condition, FieldTest, Leaf, Node, Pattern, EMPTY_OBJECT};
use serde::Serialize;
use serde_json::Value;

/// For a match: one report per field, naming the value that satisfied it. For no match:
/// the first field that failed, the conditions it had, and what the event held there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub matched: bool,
    /// Reports for the fields of the branch that decided the answer.
    pub fields: Vec<FieldReport>,
    /// On failure, the first failing field (also the last entry of `fields`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<FieldReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldReport {
    /// Dotted path from the event root, e.g. `detail.state`.
    pub path: String,
    pub matched: bool,
    /// The pattern's conditions at this field, as JSON.
    pub conditions: Value,
    /// The condition that matched (on success).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub satisfied_by: Option<Value>,
    /// The event value that satisfied the field (on success).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// What the event held at this field: the values found, or `null` when absent.
    pub event_values: Vec<Value>,
    pub reason: String,
}

fn condition_json(c: &Condition) -> Value {
    serde_json::to_value(c).unwrap_or(Value::Null)
}

pub(crate) fn explain(pattern: &Pattern, event: &Value) -> Explanation {
    let mut reports = Vec::new();
    let matched = explain_node(&pattern.root, event, "", &mut reports);
    let failed = if matched { None } else { reports.iter().rev().find(|r| !r.matched).cloned() };
    Explanation {
        matched,
        fields: reports,
        failed,
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Explains `node` against one object, appending reports; stops at the first failure so
/// the last failing report is the one to show.
fn explain_node(node: &Node, object: &Value, prefix: &str, out: &mut Vec<FieldReport>) -> bool {
    for field in &node.fields {
        let path = join(prefix, &field.name);
        match &field.test {
            FieldTest::Leaf(conds) => {
                let mut values = Vec::new();
                leaf_refs(&[object], &field.name, &mut values);
                let mut report = leaf_report(&path, conds, &values);
                if !report.matched && values.is_empty() {
                    if let Some(held) = object.get(&field.name) {
                        report.reason = format!(
                            "the event holds {} here; patterns match only strings, numbers, booleans and null",
                            kind(held)
                        );
                        report.event_values = vec![held.clone()];
                    }
                }
                let ok = report.matched;
                out.push(report);
                if !ok {
                    return false;
                }
            }
            FieldTest::Nested(child) => {
                let children = child_objects(&[object], &field.name);
                if children.is_empty() {
                    if let Some(held) = object.get(&field.name) {
                        let mut sub = Vec::new();
                        if !explain_node(child, &EMPTY_OBJECT, &path, &mut sub) {
                            out.push(FieldReport {
                                path,
                                matched: false,
                                conditions: Value::Null,
                                satisfied_by: None,
                                value: None,
                                event_values: vec![held.clone()],
                                reason: format!(
                                    "the pattern expects an object here but the event holds {}",
                                    kind(held)
                                ),
                            });
                            return false;
                        }
                    }
                }
                let candidates: Vec<&Value> = if children.is_empty() {
                    vec![&*EMPTY_OBJECT]
                } else {
                    children
                };
                // Report the first element that satisfies the sub-pattern, else the attempt on
                // the first candidate (the most telling failure for a plain object).
                let mut first_failure: Option<Vec<FieldReport>> = None;
                let mut success = None;
                for c in candidates {
                    let mut sub = Vec::new();
                    if explain_node(child, c, &path, &mut sub) {
                        success = Some(sub);
                        break;
                    }
                    if first_failure.is_none() {
                        first_failure = Some(sub);
                    }
                }
                match success {
                    Some(sub) => out.extend(sub),
                    None => {
                        out.extend(first_failure.unwrap_or_default());
                        return false;
                    }
                }
            }
        }
    }
    for group in &node.any_of {
        let mut first_failure: Option<Vec<FieldReport>> = None;
        let mut success = None;
        for alt in group {
            let mut sub = Vec::new();
            if explain_node(alt, object, prefix, &mut sub) {
                success = Some(sub);
                break;
            }
            if first_failure.is_none() {
                first_failure = Some(sub);
            }
        }
        match success {
            Some(sub) => out.extend(sub),
            None => {
                out.extend(first_failure.unwrap_or_default());
                return false;
            }
        }
    }
    true
}

fn leaf_report(path: &str, conds: &[Condition], raw: &[&Value]) -> FieldReport {
    let conditions = Value::Array(conds.iter().map(condition_json).collect());
    let event_values: Vec<Value> = raw.iter().map(|v| (*v).clone()).collect();
    let values: Vec<(Leaf<'_>, &Value)> =
        raw.iter().filter_map(|v| Leaf::from_value(v).map(|l| (l, *v))).collect();
    if values.is_empty() {
        if let Some(c) = conds.iter().find(|c| c.matches_absent()) {
            return FieldReport {
                path: path.to_string(),
                matched: true,
                conditions,
                satisfied_by: Some(condition_json(c)),
                value: None,
                event_values,
                reason: "the field is absent, as {\"exists\": false} requires".to_string(),
            };
        }
        return FieldReport {
            path: path.to_string(),
            matched: false,
            conditions,
            satisfied_by: None,
            value: None,
            event_values,
            reason: "the event has no value at this field".to_string(),
        };
    }
    for c in conds {
        if let Some((_, v)) = values.iter().find(|(l, _)| c.matches_leaf(*l)) {
            return FieldReport {
                path: path.to_string(),
                matched: true,
                conditions,
                satisfied_by: Some(condition_json(c)),
                value: Some((*v).clone()),
                event_values,
                reason: "a value of the event satisfies a condition".to_string(),
            };
        }
    }
    let reason = if conds.iter().all(|c| matches!(c, Condition::Exists(false))) {
        "the field is present but the pattern requires it to be absent".to_string()
    } else if values.len() == 1 {
        "the event's value satisfies none of the conditions".to_string()
    } else {
        format!("none of the event's {} values satisfies any condition", values.len())
    };
    FieldReport {
        path: path.to_string(),
        matched: false,
        conditions,
        satisfied_by: None,
        value: None,
        event_values,
        reason,
    }
}
