//! One row per state visit, as in the AWS console's table view: filter, sort, and a click
//! opens the visit's step. Paged, so a 3,000-iteration Map renders in small pieces.

use super::use_ctx;
use crate::state::Action;
use serde::Deserialize;
use serde_json::Value;
use yew::prelude::*;

const PAGE: usize = 200;

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Visit {
    pub index: usize,
    pub step: Option<usize>,
    pub node: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub start_ms: f64,
    pub duration_ms: f64,
    pub attempts: u32,
    pub map_iteration: Option<u64>,
    pub branch: Option<u64>,
    pub error: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Sort {
    Order,
    Name,
    Status,
    Duration,
    Attempts,
}

#[function_component(TableView)]
pub fn table_view() -> Html {
    let ctx = use_ctx();
    let filter = use_state(String::new);
    let status = use_state(String::new);
    let sort = use_state(|| (Sort::Order, false));
    let page = use_state(|| 0usize);
    let report = ctx.state.report.clone();
    let visits = use_memo(report.clone(), |report| {
        report
            .as_ref()
            .and_then(|r| r.trace.get("visits"))
            .and_then(|v| Vec::<Visit>::deserialize(v).ok())
            .unwrap_or_default()
    });
    let Some(report) = report else {
        return html! { <p class="hint">{ "Run the state machine to see its state visits." }</p> };
    };
    let needle = filter.to_lowercase();
    let mut rows: Vec<&Visit> = visits
        .iter()
        .filter(|v| {
            needle.is_empty()
                || v.name.to_lowercase().contains(&needle)
                || v.kind.to_lowercase().contains(&needle)
        })
        .filter(|v| status.is_empty() || v.status == *status)
        .collect();
    let (key, descending) = *sort;
    match key {
        Sort::Order => {}
        Sort::Name => rows.sort_by(|a, b| a.name.cmp(&b.name)),
        Sort::Status => rows.sort_by(|a, b| a.status.cmp(&b.status)),
        Sort::Duration => rows.sort_by(|a, b| a.duration_ms.total_cmp(&b.duration_ms)),
        Sort::Attempts => rows.sort_by_key(|v| v.attempts),
    }
    if descending {
        rows.reverse();
    }
    let pages = rows.len().div_ceil(PAGE).max(1);
    let current = (*page).min(pages - 1);
    let statuses: Vec<String> = {
        let mut s: Vec<String> = visits.iter().map(|v| v.status.clone()).collect();
        s.sort();
        s.dedup();
        s
    };
    let header = |label: &'static str, k: Sort| {
        let sort = sort.clone();
        let active = key == k;
        let aria = if !active {
            "none"
        } else if descending {
            "descending"
        } else {
            "ascending"
        };
        html! {
            <th aria-sort={aria}>
                <button class="link" onclick={move |_| sort.set((k, active && !descending))}>{ label }</button>
            </th>
        }
    };
    let summary = report.trace.get("summary").cloned().unwrap_or(Value::Null);
    html! {
        <div class="table-view" data-testid="table-view">
            <div class="filters">
                <label>{ "Filter " }
                    <input data-testid="table-filter" placeholder="state name or type" value={(*filter).clone()}
                        oninput={let filter = filter.clone(); let page = page.clone(); move |e: InputEvent| {
                            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                            filter.set(input.value());
                            page.set(0);
                        }} />
                </label>
                <label>{ "Status " }
                    <select data-testid="table-status" onchange={let status = status.clone(); let page = page.clone(); move |e: Event| {
                        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                        status.set(select.value());
                        page.set(0);
                    }}>
                        <option value="">{ "All" }</option>
                        { for statuses.iter().map(|s| html! { <option value={s.clone()}>{ s }</option> }) }
                    </select>
                </label>
                <span class="hint" data-testid="table-count">{ format!("{} of {} visits", rows.len(), visits.len()) }</span>
            </div>
            { cost(&summary) }
            <table class="visits">
                <thead><tr>
                    { header("#", Sort::Order) }{ header("State", Sort::Name) }<th>{ "Type" }</th>
                    { header("Status", Sort::Status) }<th>{ "Start" }</th>{ header("Duration", Sort::Duration) }{ header("Attempts", Sort::Attempts) }
                </tr></thead>
                <tbody data-testid="table-rows">
                    { for rows.iter().skip(current * PAGE).take(PAGE).map(|v| {
                        let ctx = ctx.clone();
                        let step = v.step;
                        let selected = step.is_some() && ctx.state.step == step;
                        html! {
                            <tr class={classes!(v.status.to_lowercase(), selected.then_some("selected"))}
                                tabindex="0" onclick={move |_| if step.is_some() { ctx.dispatch(Action::SelectStep(step)) }}>
                                <td>{ v.index + 1 }</td>
                                <td>{ &v.name }{ v.map_iteration.map(|i| format!(" [{i}]")).unwrap_or_default() }</td>
                                <td>{ &v.kind }</td>
                                <td class="status-cell">{ &v.status }</td>
                                <td>{ format!("{:.0} ms", v.start_ms) }</td>
                                <td>{ format!("{:.0} ms", v.duration_ms) }</td>
                                <td>{ v.attempts }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if pages > 1 {
                <div class="pager">
                    <button class="small" disabled={current == 0} onclick={let page = page.clone(); move |_| page.set(current.saturating_sub(1))}>{ "Previous page" }</button>
                    <span>{ format!("Page {} of {pages}", current + 1) }</span>
                    <button class="small" disabled={current + 1 >= pages} onclick={let page = page.clone(); move |_| page.set(current + 1)}>{ "Next page" }</button>
                </div>
            }
        </div>
    }
}

/// The run's state transitions and what it would cost, as an estimate.
fn cost(summary: &Value) -> Html {
    if summary.is_null() {
        return html! {};
    }
    let num = |k: &str| summary.get(k).and_then(Value::as_f64);
    let cost = summary.get("cost").cloned().unwrap_or(Value::Null);
    let usd = |k: &str| {
        cost.get(k)
            .and_then(Value::as_f64)
            .map(|v| format!("${v:.8}"))
            .unwrap_or_default()
    };
    html! {
        <p class="cost" data-testid="run-cost">
            { format!("{} state transitions", num("stateTransitions").unwrap_or(0.0)) }
            { " · estimated cost: Standard " }{ usd("standardUsd") }{ ", Express " }{ usd("expressUsd") }
            { format!(" (prices as of {})", cost.get("priceDate").and_then(Value::as_str).unwrap_or("?")) }
        </p>
    }
}
