//! Why an event matched a pattern or not: the answer TestEventPattern does not give.

use super::{
    blocked_absences, blocked_below, child_objects, is_blocked, leaf_refs, Blocked, Condition,
    FieldTest, Leaf, Node, Pattern, EMPTY_OBJECT,
};
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
    /// The pattern's conditions at this field, in pattern syntax.
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
    c.to_json()
}

pub(crate) fn explain(pattern: &Pattern, event: &Value) -> Explanation {
    let mut reports = Vec::new();
    let matched = explain_node(&pattern.root, event, "", &Vec::new(), &mut reports);
    let failed = if matched {
        None
    } else {
        reports.iter().rev().find(|r| !r.matched).cloned()
    };
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
fn explain_node(
    node: &Node,
    object: &Value,
    prefix: &str,
    blocked: &Blocked,
    out: &mut Vec<FieldReport>,
) -> bool {
    for field in &node.fields {
        let path = join(prefix, &field.name);
        match &field.test {
            FieldTest::Leaf(conds) => {
                let mut values = Vec::new();
                leaf_refs(&[object], &field.name, &mut values);
                let absence_allowed = !is_blocked(blocked, &field.name);
                let mut report = leaf_report(&path, conds, &values, absence_allowed);
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
                let mut inner = blocked_below(blocked, &field.name);
                inner.extend(blocked_absences(child, &children));
                if children.is_empty() {
                    if let Some(held) = object.get(&field.name) {
                        let mut sub = Vec::new();
                        if !explain_node(child, &EMPTY_OBJECT, &path, &inner, &mut sub) {
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
                    if explain_node(child, c, &path, &inner, &mut sub) {
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
            if explain_node(alt, object, prefix, blocked, &mut sub) {
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

fn leaf_report(
    path: &str,
    conds: &[Condition],
    raw: &[&Value],
    absence_allowed: bool,
) -> FieldReport {
    let conditions = Value::Array(conds.iter().map(condition_json).collect());
    let event_values: Vec<Value> = raw.iter().map(|v| (*v).clone()).collect();
    let values: Vec<(Leaf<'_>, &Value)> = raw
        .iter()
        .filter_map(|v| Leaf::from_value(v).map(|l| (l, *v)))
        .collect();
    if values.is_empty() {
        if !absence_allowed && conds.iter().any(|c| c.matches_absent()) {
            return FieldReport {
                path: path.to_string(),
                matched: false,
                conditions,
                satisfied_by: None,
                value: None,
                event_values,
                reason: "another element of the array holds this field, and EventBridge checks {\"exists\": false} across the whole array when no other field of the element comes before it".to_string(),
            };
        }
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
    } else if let ([c], [(_, v)]) = (conds, values.as_slice()) {
        // One operator, one value: say exactly why that operator refused it.
        why_not(c, v)
    } else if values.len() == 1 {
        let (_, v) = values[0];
        let whys: Vec<String> = conds.iter().map(|c| why_not(c, v)).collect();
        format!("no condition accepts the value: {}", whys.join("; "))
    } else {
        format!(
            "none of the event's {} values satisfies any condition",
            values.len()
        )
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

/// Why one condition refused one event value, in words.
fn why_not(c: &Condition, v: &Value) -> String {
    let shown = v.to_string();
    let not_string = || {
        format!(
            "{shown} is not a string, and {} applies only to strings",
            op_name(c)
        )
    };
    match (c, v) {
        (Condition::Exact(lit), _) => format!("{shown} is not equal to {}", lit.to_json()),
        (Condition::Exists(false), _) => "the field is present".to_string(),
        (Condition::Exists(true), _) => "the field is absent".to_string(),
        (Condition::AnythingBut(_), _) => {
            format!("{shown} is one of the values {} excludes", op_name(c))
        }
        (Condition::Numeric(_), Value::Number(n)) => match n.as_f64() {
            Some(f) if !super::is_comparable(f) => format!(
                "{shown} cannot be compared: EventBridge compares only numbers a double holds exactly"
            ),
            _ => format!("{shown} is outside the range {}", c.to_json()),
        },
        (Condition::Numeric(_), _) => {
            format!("{shown} is not a number, and numeric applies only to numbers")
        }
        (_, Value::String(_)) => match c {
            Condition::Prefix(p) => format!("{shown} does not start with {p:?}"),
            Condition::PrefixEqualsIgnoreCase(p) => {
                format!("{shown} does not start with {p:?}, even ignoring case")
            }
            Condition::Suffix(p) => format!("{shown} does not end with {p:?}"),
            Condition::SuffixEqualsIgnoreCase(p) => {
                format!("{shown} does not end with {p:?}, even ignoring case")
            }
            Condition::EqualsIgnoreCase(p) => format!("{shown} is not {p:?}, even ignoring case"),
            Condition::Wildcard(w) => format!("{shown} does not match the wildcard {:?}", w.source),
            Condition::Cidr(b) => format!("{shown} is not an IP address within {}", b.source),
            _ => format!("{shown} does not satisfy {}", c.to_json()),
        },
        _ => not_string(),
    }
}

fn op_name(c: &Condition) -> &'static str {
    match c {
        Condition::Exact(_) => "an exact value",
        Condition::Prefix(_) | Condition::PrefixEqualsIgnoreCase(_) => "prefix",
        Condition::Suffix(_) | Condition::SuffixEqualsIgnoreCase(_) => "suffix",
        Condition::EqualsIgnoreCase(_) => "equals-ignore-case",
        Condition::Wildcard(_) => "wildcard",
        Condition::Numeric(_) => "numeric",
        Condition::Exists(_) => "exists",
        Condition::AnythingBut(_) => "anything-but",
        Condition::Cidr(_) => "cidr",
    }
}
