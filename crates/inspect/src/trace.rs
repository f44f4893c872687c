//! A run as the playground shows it: one row per state visit (the AWS console's table
//! view), each visit's data flow stage by stage, per-node counts for marking the graph,
//! the Retry/Catch timeline, Map runs, and a summary with the run's estimated price.
//!
//! Built from the outcome JSON alone (`history` and `states`) plus the definition, so it
//! works on any engine output of that shape.

mod cost;
mod retry;
mod steps;
mod time;
mod walk;

pub use cost::{Cost, PRICES};
pub use retry::{AttemptRow, Catcher, RetryTimeline};
pub use steps::{Stage, Step};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trace {
    pub summary: Summary,
    pub visits: Vec<Visit>,
    pub steps: Vec<Step>,
    /// Keyed by graph node id.
    pub node_stats: BTreeMap<String, NodeStats>,
    pub retries: Vec<RetryTimeline>,
    pub map_runs: Vec<MapRun>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Visit {
    pub index: usize,
    /// The graph node id (see [`crate::graph::Node::id`]).
    pub node: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Succeeded, Failed, Caught (failed, then a Catch moved on), Running, Waiting (for a
    /// task token), TimedOut or Aborted.
    pub status: String,
    /// Virtual-clock milliseconds since the execution started.
    pub start_ms: i64,
    pub duration_ms: i64,
    pub attempts: usize,
    pub first_event_id: u64,
    pub last_event_id: u64,
    pub parent_visit: Option<usize>,
    pub map_iteration: Option<usize>,
    pub branch: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeStats {
    pub visits: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub caught: usize,
    pub retries: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapCounts {
    pub total: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub aborted: usize,
    pub running: usize,
    /// Items the Map had (the `length` of MapStateStarted) but never started.
    pub pending: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapIteration {
    pub index: usize,
    pub status: String,
    /// First and last visits run inside the iteration (none for a Distributed Map, whose
    /// child executions keep their own histories).
    pub first_visit: Option<usize>,
    pub last_visit: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapRun {
    pub visit: usize,
    pub node: String,
    pub distributed: bool,
    pub counts: MapCounts,
    pub tolerated_failure_count: Option<f64>,
    pub tolerated_failure_percentage: Option<f64>,
    /// Of the Map's last attempt (a retried Map starts its items over).
    pub iterations: Vec<MapIteration>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// Billed as AWS counts them (see [`cost::state_transitions`]).
    pub state_transitions: u64,
    pub history_events: usize,
    pub duration_ms: i64,
    pub cost: Cost,
}

/// Build the trace of one run. `outcome` is the engine's `RunOutcome` as JSON.
pub fn trace(definition: &Value, outcome: &Value) -> Trace {
    let history: &[Value] = outcome
        .get("history")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let states: &[Value] = outcome
        .get("states")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let status = outcome
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut w = walk::walk(definition, history);
    let matched = steps::match_states(&w.visits, states);
    let visits = build_visits(&w, &matched, states, &status);
    fill_container_errors(&mut w, &visits);
    let steps = steps::steps(&w.visits, &matched, states);
    let mut node_stats: BTreeMap<String, NodeStats> = BTreeMap::new();
    for v in &visits {
        let s = node_stats.entry(v.node.clone()).or_default();
        s.visits += 1;
        s.retries += v.attempts.saturating_sub(1);
        match v.status.as_str() {
            "Succeeded" => s.succeeded += 1,
            "Failed" => s.failed += 1,
            "Caught" => s.caught += 1,
            _ => {}
        }
    }
    let retries = retry::timelines(&w.visits, &visits);
    let map_runs = map_runs(&w);
    let children: u64 = map_runs
        .iter()
        .filter(|m| m.distributed)
        .map(|m| m.iterations.len() as u64)
        .sum();
    let transitions = cost::state_transitions(&visits, children);
    let end_ms = outcome
        .get("stopTime")
        .and_then(Value::as_str)
        .and_then(time::parse_ms)
        .unwrap_or(w.end_ms)
        .max(w.end_ms);
    let duration_ms = if history.is_empty() {
        0
    } else {
        end_ms - w.start_ms
    };
    let text = |k: &str| outcome.get(k).and_then(Value::as_str).map(str::to_string);
    Trace {
        summary: Summary {
            status,
            output: outcome.get("output").cloned(),
            error: text("error"),
            cause: text("cause"),
            state_transitions: transitions,
            history_events: history.len(),
            duration_ms,
            cost: cost::estimate(transitions, duration_ms),
        },
        visits,
        steps,
        node_stats,
        retries,
        map_runs,
    }
}

fn build_visits(
    w: &walk::Walk,
    matched: &[Option<usize>],
    states: &[Value],
    status: &str,
) -> Vec<Visit> {
    let mut out: Vec<Visit> = Vec::with_capacity(w.visits.len());
    for (i, v) in w.visits.iter().enumerate() {
        let entry = matched
            .get(i)
            .copied()
            .flatten()
            .and_then(|m| states.get(m));
        let entry_error = entry.and_then(|e| {
            let error = e.get("error")?.as_str()?.to_string();
            let cause = e.get("cause").and_then(Value::as_str).unwrap_or("");
            Some((error, cause.to_string()))
        });
        let last_attempt_error = v.attempts.last().and_then(|a| a.error.clone());
        let error = entry_error
            .or_else(|| v.error.clone())
            .or(last_attempt_error);
        let st = if v.exited {
            if error.is_some() {
                "Caught"
            } else {
                "Succeeded"
            }
        } else if error.is_some() {
            "Failed"
        } else {
            match status {
                "WAITING_FOR_CALLBACK" if v.submitted => "Waiting",
                "TIMED_OUT" => "TimedOut",
                "ABORTED" => "Aborted",
                "FAILED" => "Failed",
                _ => "Running",
            }
        };
        out.push(Visit {
            index: i,
            node: v.node.clone(),
            name: v.name.clone(),
            kind: v.kind.clone(),
            status: st.to_string(),
            start_ms: v.start_ms - w.start_ms,
            duration_ms: v.end_ms - v.start_ms,
            // Retries of a failure that wrote no event (e.g. of Parameters) still count.
            attempts: v.attempts.len().max(1).max(
                entry
                    .and_then(|e| e.get("retryCount"))
                    .and_then(Value::as_u64)
                    .map_or(0, |n| n as usize + 1),
            ),
            first_event_id: v.first_event,
            last_event_id: v.last_event,
            parent_visit: v.parent,
            map_iteration: v.iteration,
            branch: v.branch,
            error: error.as_ref().map(|e| e.0.clone()),
            cause: error.map(|e| e.1),
        });
    }
    out
}

/// A Parallel or Map attempt fails with the error of what failed inside it (a branch's
/// state, an iteration's state) or, for a Distributed Map, of its Map Run.
fn fill_container_errors(w: &mut walk::Walk, visits: &[Visit]) {
    for m in &w.maps {
        if let (Some(e), Some(a)) = (&m.run_error, w.visits[m.visit].attempts.last_mut()) {
            a.error.get_or_insert_with(|| e.clone());
        }
    }
    for (i, walked) in w.visits.iter_mut().enumerate() {
        for a in walked.attempts.iter_mut().filter(|a| a.error.is_none()) {
            let Some(end) = a.failed_event else {
                continue;
            };
            let inner = visits.iter().rev().find(|v| {
                v.parent_visit == Some(i)
                    && (a.start_event..=end).contains(&v.first_event_id)
                    && v.status == "Failed"
                    && v.error.is_some()
            });
            if let Some(v) = inner {
                a.error = Some((
                    v.error.clone().unwrap_or_default(),
                    v.cause.clone().unwrap_or_default(),
                ));
            }
        }
    }
}

fn map_runs(w: &walk::Walk) -> Vec<MapRun> {
    w.maps
        .iter()
        .map(|m| {
            let visit = &w.visits[m.visit];
            let def = visit.def.clone().unwrap_or(Value::Null);
            let distributed = def
                .get("ItemProcessor")
                .and_then(|p| p.get("ProcessorConfig"))
                .and_then(|c| c.get("Mode"))
                .and_then(Value::as_str)
                == Some("DISTRIBUTED");
            let mut counts = MapCounts::default();
            for it in &m.iterations {
                match it.status.as_str() {
                    "Succeeded" => counts.succeeded += 1,
                    "Failed" => counts.failed += 1,
                    "Aborted" => counts.aborted += 1,
                    _ => counts.running += 1,
                }
            }
            counts.total = m
                .length
                .map_or(m.iterations.len(), |l| l as usize)
                .max(m.iterations.len());
            counts.pending = counts.total - m.iterations.len();
            MapRun {
                visit: m.visit,
                node: visit.node.clone(),
                distributed,
                counts,
                tolerated_failure_count: def.get("ToleratedFailureCount").and_then(Value::as_f64),
                tolerated_failure_percentage: def
                    .get("ToleratedFailurePercentage")
                    .and_then(Value::as_f64),
                iterations: m
                    .iterations
                    .iter()
                    .map(|it| MapIteration {
                        index: it.index,
                        status: it.status.clone(),
                        first_visit: it.first_visit,
                        last_visit: it.last_visit,
                    })
                    .collect(),
            }
        })
        .collect()
}
