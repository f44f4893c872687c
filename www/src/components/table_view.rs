//! One row per state visit, as in the AWS console's table view: filter, sort, and a click
//! opens the visit's step. The worker filters, sorts and pages the visits
//! (`Request::Visits`): a 3,000-item Map has over 6,000 of them, and the UI thread only
//! ever receives and renders one page.

use super::use_ctx;
use crate::state::{Action, Kind};
use serde_json::Value;
use stepbridge_inspect::protocol::Request;
use stepbridge_inspect::visits::{VisitQuery, VisitSort};
use yew::prelude::*;

/// Rows per page: each page is one message and one render, kept well under 50 ms.
const PAGE: usize = 100;

#[function_component(TableView)]
pub fn table_view() -> Html {
    let ctx = use_ctx();
    let query = use_state(VisitQuery::default);
    let page = use_state(|| 0usize);
    let report = ctx.state.report.clone();
    {
        let ctx = ctx.clone();
        use_effect_with(
            (report.clone(), (*query).clone(), *page),
            move |(report, query, page)| {
                if report.is_some() {
                    ctx.ask(
                        Kind::Visits,
                        Request::Visits {
                            from: page * PAGE,
                            count: PAGE,
                            query: query.clone(),
                        },
                    );
                }
            },
        );
    }
    let Some(report) = report else {
        return html! { <p class="hint">{ "Run the state machine to see its state visits." }</p> };
    };
    // The latest page, even while a newer query is on its way (the table does not flicker
    // empty on every keystroke); `aria-busy` says it is stale.
    let visits = ctx.state.visits.clone();
    let fresh = visits
        .as_ref()
        .is_some_and(|v| v.query == *query && v.from == *page * PAGE);
    let (total, all) = visits.as_ref().map_or((0, 0), |v| (v.total, v.all));
    let pages = total.div_ceil(PAGE).max(1);
    let current = (*page).min(pages - 1);
    let set_query = |change: fn(&mut VisitQuery, String)| {
        let (query, page) = (query.clone(), page.clone());
        move |value: String| {
            let mut next = (*query).clone();
            change(&mut next, value);
            query.set(next);
            page.set(0);
        }
    };
    let on_text = set_query(|q, v| q.text = v);
    let on_status = set_query(|q, v| q.status = v);
    let header = |label: &'static str, k: VisitSort| {
        let query = query.clone();
        let page = page.clone();
        let active = query.sort == k;
        let descending = query.descending;
        let aria = if !active {
            "none"
        } else if descending {
            "descending"
        } else {
            "ascending"
        };
        html! {
            <th aria-sort={aria}>
                <button class="link" onclick={move |_| {
                    query.set(VisitQuery { sort: k, descending: active && !descending, ..(*query).clone() });
                    page.set(0);
                }}>{ label }</button>
            </th>
        }
    };
    let summary = report.trace.get("summary").cloned().unwrap_or(Value::Null);
    html! {
        <div class="table-view" data-testid="table-view">
            <div class="filters">
                <label>{ "Filter " }
                    <input data-testid="table-filter" placeholder="state name or type" value={query.text.clone()}
                        oninput={move |e: InputEvent| {
                            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                            on_text(input.value());
                        }} />
                </label>
                <label>{ "Status " }
                    <select data-testid="table-status" onchange={move |e: Event| {
                        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                        on_status(select.value());
                    }}>
                        <option value="">{ "All" }</option>
                        { for visits.iter().flat_map(|v| v.statuses.iter()).map(|s| html! {
                            <option value={s.clone()} selected={*s == query.status}>{ s }</option>
                        }) }
                    </select>
                </label>
                <span class="hint" data-testid="table-count" data-fresh={fresh.to_string()}>
                    { if visits.is_some() { format!("{total} of {all} visits") } else { "Loading the visits…".into() } }
                </span>
            </div>
            { cost(&summary) }
            <table class="visits" aria-busy={(!fresh).to_string()}>
                <thead><tr>
                    { header("#", VisitSort::Order) }{ header("State", VisitSort::Name) }<th>{ "Type" }</th>
                    { header("Status", VisitSort::Status) }<th>{ "Start" }</th>{ header("Duration", VisitSort::Duration) }{ header("Attempts", VisitSort::Attempts) }
                </tr></thead>
                <tbody data-testid="table-rows">
                    { for visits.iter().flat_map(|v| v.rows.iter()).map(|v| {
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
                                <td>{ format!("{} ms", v.start_ms) }</td>
                                <td>{ format!("{} ms", v.duration_ms) }</td>
                                <td>{ v.attempts }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if pages > 1 {
                <div class="pager">
                    <button class="small" data-testid="table-prev" disabled={current == 0} onclick={let page = page.clone(); move |_| page.set(current.saturating_sub(1))}>{ "Previous page" }</button>
                    <span data-testid="table-page">{ format!("Page {} of {pages}", current + 1) }</span>
                    <button class="small" data-testid="table-next" disabled={current + 1 >= pages} onclick={let page = page.clone(); move |_| page.set(current + 1)}>{ "Next page" }</button>
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
