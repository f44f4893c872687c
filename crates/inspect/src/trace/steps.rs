//! Each visit's data flow, stage by stage, in TestState's inspectionData vocabulary.
//!
//! The engine's `states` entries are written when a state finishes, so a Parallel's or
//! Map's entry comes after those of the states it ran; they are matched to visits by
//! state name and entered time, in order (two visits of one state at the same virtual
//! instant, such as Map iterations, finish in the order they started).

use super::time::parse_ms;
use super::walk::WalkVisit;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{HashMap, VecDeque};

/// The stages in the order data flows through a state: JSONPath (InputPath → Parameters →
/// ResultSelector → ResultPath) and JSONata (Arguments) fields interleaved; `error` is the
/// error output a Catch received; `Assign` the variables the state assigned.
const STAGES: [&str; 9] = [
    "input",
    "afterInputPath",
    "afterParameters",
    "afterArguments",
    "result",
    "afterResultSelector",
    "afterResultPath",
    "error",
    "output",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    pub name: String,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub visit: usize,
    pub node: String,
    pub name: String,
    pub stages: Vec<Stage>,
    /// The variables in scope after the state (absent when the workflow has none).
    pub variables: Option<Map<String, Value>>,
    /// Variables that are new or hold another value than at the previous step.
    pub changed_variables: Vec<String>,
}

/// For each visit, the index of its `states` entry.
pub(crate) fn match_states(visits: &[WalkVisit], states: &[Value]) -> Vec<Option<usize>> {
    let mut waiting: HashMap<(&str, i64), VecDeque<usize>> = HashMap::new();
    for (i, v) in visits.iter().enumerate() {
        waiting
            .entry((v.name.as_str(), v.start_ms))
            .or_default()
            .push_back(i);
    }
    let mut matched = vec![None; visits.len()];
    for (k, entry) in states.iter().enumerate() {
        let name = entry.get("name").and_then(Value::as_str).unwrap_or("");
        let Some(ms) = entry
            .get("enteredTime")
            .and_then(Value::as_str)
            .and_then(parse_ms)
        else {
            continue;
        };
        if let Some(v) = waiting.get_mut(&(name, ms)).and_then(VecDeque::pop_front) {
            matched[v] = Some(k);
        }
    }
    matched
}

pub(crate) fn steps(
    visits: &[WalkVisit],
    matched: &[Option<usize>],
    states: &[Value],
) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    let mut previous: Option<Map<String, Value>> = None;
    for (i, v) in visits.iter().enumerate() {
        let Some(entry) = matched
            .get(i)
            .copied()
            .flatten()
            .and_then(|k| states.get(k))
        else {
            continue;
        };
        let mut stages: Vec<Stage> = Vec::new();
        for name in STAGES {
            let value = if name == "error" {
                entry.get("error").map(|e| {
                    serde_json::json!({"Error": e, "Cause": entry.get("cause").cloned().unwrap_or(Value::Null)})
                })
            } else {
                entry.get(name).cloned()
            };
            if let Some(value) = value {
                stages.push(Stage {
                    name: name.to_string(),
                    value,
                });
            }
        }
        if let Some(a) = &v.assigned {
            stages.push(Stage {
                name: "Assign".into(),
                value: Value::Object(a.clone()),
            });
        }
        let variables = entry.get("variables").and_then(Value::as_object).cloned();
        let changed_variables = match &variables {
            Some(now) => now
                .iter()
                .filter(|(k, val)| previous.as_ref().and_then(|p| p.get(*k)) != Some(*val))
                .map(|(k, _)| k.clone())
                .collect(),
            None => Vec::new(),
        };
        if variables.is_some() {
            previous.clone_from(&variables);
        }
        out.push(Step {
            visit: i,
            node: v.node.clone(),
            name: v.name.clone(),
            stages,
            variables,
            changed_variables,
        });
    }
    out
}
