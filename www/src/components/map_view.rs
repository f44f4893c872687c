//! A Map run: counts by status, the tolerated-failure threshold against actual failures,
//! and its iterations to browse one by one (each opens its first step).

use super::use_ctx;
use crate::state::Action;
use serde_json::Value;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MapRunProps {
    pub map: Value,
}

/// Iterations listed per page: a Map may have thousands.
const PAGE: usize = 50;

#[function_component(MapRunView)]
pub fn map_run_view(props: &MapRunProps) -> Html {
    let ctx = use_ctx();
    let page = use_state(|| 0usize);
    let map = &props.map;
    let counts = map.get("counts").cloned().unwrap_or(Value::Null);
    let count = |k: &str| counts.get(k).and_then(Value::as_u64).unwrap_or(0);
    let iterations = map
        .get("iterations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let tolerated = match (
        map.get("toleratedFailureCount").and_then(Value::as_u64),
        map.get("toleratedFailurePercentage")
            .and_then(Value::as_f64),
    ) {
        (Some(n), _) => format!("tolerates {n} failures"),
        (None, Some(p)) => format!("tolerates {p}% failures"),
        _ => "tolerates no failure".into(),
    };
    let pages = iterations.len().div_ceil(PAGE).max(1);
    let current = (*page).min(pages - 1);
    html! {
        <section class="map-run" data-testid="map-run" aria-label="Map run">
            <h4>{ if map.get("distributed").and_then(Value::as_bool).unwrap_or(false) { "Distributed Map run" } else { "Map run" } }</h4>
            <p data-testid="map-counts">
                { format!("{} iterations: {} succeeded, {} failed, {} aborted — {tolerated}, {} failed",
                    count("total"), count("succeeded"), count("failed"), count("aborted"), count("failed")) }
            </p>
            <ol class="iterations" start={(current * PAGE).to_string()}>
                { for iterations.iter().skip(current * PAGE).take(PAGE).map(|it| {
                    let index = it.get("index").and_then(Value::as_u64).unwrap_or(0);
                    let status = it.get("status").and_then(Value::as_str).unwrap_or("").to_string();
                    // The worker names the step that opens each iteration.
                    let step = it.get("firstStep").and_then(Value::as_u64).map(|s| s as usize);
                    let ctx = ctx.clone();
                    html! {
                        <li class={status.to_lowercase()}>
                            <button class="link" disabled={step.is_none()} data-testid={format!("iteration-{index}")}
                                onclick={move |_| ctx.dispatch(Action::SelectStep(step))}>
                                { format!("Iteration {index}: {status}") }
                            </button>
                        </li>
                    }
                }) }
            </ol>
            if pages > 1 {
                <div class="pager">
                    <button class="small" disabled={current == 0} onclick={let page = page.clone(); move |_| page.set(current.saturating_sub(1))}>{ "Previous" }</button>
                    <span>{ format!("{} of {pages}", current + 1) }</span>
                    <button class="small" disabled={current + 1 >= pages} onclick={let page = page.clone(); move |_| page.set(current + 1)}>{ "Next" }</button>
                </div>
            }
        </section>
    }
}
