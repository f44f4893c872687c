//! The table view's rows, filtered, sorted and cut into pages where the trace lives (the
//! engine worker). A 3,000-item Map has over 6,000 state visits: sending them all with the
//! run's report and filtering them on the UI thread made that thread stall for well over
//! 50 ms, so the UI asks for one page at a time, as the events view does for the history.

use crate::trace::{Trace, Visit};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The most rows one page may hold, whatever the UI asks.
pub const MAX_PAGE: usize = 500;

/// Which visits the table shows, and in which order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VisitQuery {
    /// Kept when the state's name or type contains it, ignoring case; empty keeps all.
    pub text: String,
    /// Kept when the visit's status equals it; empty keeps all.
    pub status: String,
    pub sort: VisitSort,
    pub descending: bool,
}

/// The table's sortable columns; `Order` is the order the visits started in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum VisitSort {
    #[default]
    Order,
    Name,
    Status,
    Duration,
    Attempts,
}

/// One row of the table: a visit with the step that opens its data flow.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VisitRow {
    pub index: usize,
    /// The first step of this visit (None when the visit carries no inspection data).
    pub step: Option<usize>,
    pub node: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub start_ms: i64,
    pub duration_ms: i64,
    pub attempts: usize,
    pub map_iteration: Option<usize>,
    pub branch: Option<usize>,
    pub error: Option<String>,
}

/// A window of the filtered, sorted rows, with what the table's controls need.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VisitPage {
    /// Position of the first row among the kept rows.
    pub from: usize,
    /// Rows the query keeps.
    pub total: usize,
    /// Visits in the run.
    pub all: usize,
    /// Every status that occurs in the run, sorted (the status filter's choices).
    pub statuses: Vec<String>,
    pub rows: Vec<VisitRow>,
    /// The query this page answers, so the UI can tell it from an older one.
    pub query: VisitQuery,
}

/// For each visit, the first step (index into `trace.steps`) that belongs to it.
pub fn first_steps(trace: &Trace) -> Vec<Option<usize>> {
    let mut out = vec![None; trace.visits.len()];
    for (i, step) in trace.steps.iter().enumerate() {
        if let Some(slot) = out.get_mut(step.visit) {
            slot.get_or_insert(i);
        }
    }
    out
}

/// `count` rows (at most [`MAX_PAGE`]) of the visits `query` keeps, from the `from`-th on.
/// `steps` is [`first_steps`] of the same trace.
pub fn page(
    trace: &Trace,
    steps: &[Option<usize>],
    query: &VisitQuery,
    from: usize,
    count: usize,
) -> VisitPage {
    let needle = query.text.to_lowercase();
    let keep = |v: &Visit| {
        (needle.is_empty()
            || v.name.to_lowercase().contains(&needle)
            || v.kind.to_lowercase().contains(&needle))
            && (query.status.is_empty() || v.status == query.status)
    };
    let mut kept: Vec<&Visit> = trace.visits.iter().filter(|v| keep(v)).collect();
    let order: fn(&&Visit, &&Visit) -> Ordering = match query.sort {
        VisitSort::Order => |a, b| a.index.cmp(&b.index),
        VisitSort::Name => |a, b| a.name.cmp(&b.name),
        VisitSort::Status => |a, b| a.status.cmp(&b.status),
        VisitSort::Duration => |a, b| a.duration_ms.cmp(&b.duration_ms),
        VisitSort::Attempts => |a, b| a.attempts.cmp(&b.attempts),
    };
    // Stable, so equal keys keep the run's order in both directions.
    if query.descending {
        kept.sort_by(|a, b| order(b, a));
    } else {
        kept.sort_by(order);
    }
    let mut statuses: Vec<String> = trace.visits.iter().map(|v| v.status.clone()).collect();
    statuses.sort();
    statuses.dedup();
    let rows = kept
        .iter()
        .skip(from)
        .take(count.min(MAX_PAGE))
        .map(|v| row(v, steps.get(v.index).copied().flatten()))
        .collect();
    VisitPage {
        from,
        total: kept.len(),
        all: trace.visits.len(),
        statuses,
        rows,
        query: query.clone(),
    }
}

fn row(v: &Visit, step: Option<usize>) -> VisitRow {
    VisitRow {
        index: v.index,
        step,
        node: v.node.clone(),
        name: v.name.clone(),
        kind: v.kind.clone(),
        status: v.status.clone(),
        start_ms: v.start_ms,
        duration_ms: v.duration_ms,
        attempts: v.attempts,
        map_iteration: v.map_iteration,
        branch: v.branch,
        error: v.error.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// A 3,000-item Map whose iterations run two states each, run by the real engine.
    fn big_map() -> Trace {
        let definition = json!({
            "StartAt": "Items",
            "States": {
                "Items": {
                    "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 10,
                    "ItemProcessor": { "StartAt": "Price", "States": {
                        "Price": { "Type": "Pass", "Parameters": { "sku.$": "$.sku" }, "Next": "Done" },
                        "Done": { "Type": "Succeed" } } },
                    "End": true
                }
            }
        });
        let items: Vec<Value> = (0..3000)
            .map(|i| json!({ "sku": format!("SKU-{i}") }))
            .collect();
        let outcome = stepbridge_asl::run(&stepbridge_asl::RunRequest {
            definition: definition.to_string(),
            input: json!({ "items": items }).to_string(),
            ..stepbridge_asl::RunRequest::default()
        });
        let outcome = serde_json::to_value(outcome).unwrap();
        crate::trace::trace(&definition, &outcome)
    }

    #[test]
    fn a_three_thousand_item_map_is_paged_in_run_order() {
        let trace = big_map();
        assert_eq!(trace.visits.len(), 6001, "the Map and two states per item");
        let steps = first_steps(&trace);
        let first = page(&trace, &steps, &VisitQuery::default(), 0, 200);
        assert_eq!(
            (first.total, first.all, first.rows.len()),
            (6001, 6001, 200)
        );
        assert_eq!(first.rows[0].name, "Items");
        assert!(first.rows.windows(2).all(|w| w[0].index < w[1].index));
        let last = page(&trace, &steps, &VisitQuery::default(), 6000, 200);
        assert_eq!(last.rows.len(), 1);
        assert_eq!(last.rows[0].index, 6000);
        // Each row opens the step of its own visit.
        for r in first.rows.iter().chain(&last.rows) {
            let step = r.step.expect("every visit here has inspection data");
            assert_eq!(trace.steps[step].visit, r.index);
        }
        assert_eq!(first.statuses, vec!["Succeeded".to_string()]);
    }

    #[test]
    fn a_page_never_exceeds_the_limit() {
        let trace = big_map();
        let p = page(
            &trace,
            &first_steps(&trace),
            &VisitQuery::default(),
            0,
            100_000,
        );
        assert_eq!(p.rows.len(), MAX_PAGE);
        assert_eq!(p.total, 6001);
    }

    #[test]
    fn the_query_filters_by_name_or_type_and_status_and_sorts_both_ways() {
        let trace = big_map();
        let steps = first_steps(&trace);
        let query = VisitQuery {
            text: "pRiCe".into(),
            ..VisitQuery::default()
        };
        let p = page(&trace, &steps, &query, 0, 10);
        assert_eq!(p.total, 3000);
        assert!(p.rows.iter().all(|r| r.name == "Price"));
        assert_eq!(p.query, query);
        let by_type = VisitQuery {
            text: "succeed".into(),
            ..VisitQuery::default()
        };
        assert_eq!(page(&trace, &steps, &by_type, 0, 10).total, 3000);
        let failed = VisitQuery {
            status: "Failed".into(),
            ..VisitQuery::default()
        };
        assert_eq!(page(&trace, &steps, &failed, 0, 10).total, 0);
        let by_name = VisitQuery {
            sort: VisitSort::Name,
            ..VisitQuery::default()
        };
        let up = page(&trace, &steps, &by_name, 0, 1);
        assert_eq!(up.rows[0].name, "Done");
        // Equal names keep the run's order.
        let ups = page(&trace, &steps, &by_name, 0, 3);
        assert!(ups.rows.windows(2).all(|w| w[0].index < w[1].index));
        let down = page(
            &trace,
            &steps,
            &VisitQuery {
                descending: true,
                ..by_name
            },
            0,
            1,
        );
        assert_eq!(down.rows[0].name, "Price");
    }

    #[test]
    fn a_query_round_trips_through_json() {
        let query = VisitQuery {
            text: "a".into(),
            status: "Failed".into(),
            sort: VisitSort::Duration,
            descending: true,
        };
        let text = serde_json::to_string(&query).unwrap();
        assert!(text.contains("\"sort\":\"duration\""), "{text}");
        assert_eq!(serde_json::from_str::<VisitQuery>(&text).unwrap(), query);
    }
}
