//! Step through the run: one state visit at a time, its data flow stage by stage in
//! TestState's inspectionData vocabulary, and the variables in scope.

use super::json_view::JsonView;
use super::map_view::MapRunView;
use super::retry_view::RetryTimeline;
use super::use_ctx;
use crate::state::{Action, Kind};
use serde_json::Value;
use stepbridge_inspect::protocol::Request;
use yew::prelude::*;

#[function_component(StepView)]
pub fn step_view() -> Html {
    let ctx = use_ctx();
    let state = &ctx.state;
    let count = state.step_count();
    let step = state.step;
    let report = state.report.clone();

    {
        let ctx = ctx.clone();
        use_effect_with((step, report.clone()), move |(step, report)| {
            if let (Some(visit), Some(_)) = (step, report) {
                ctx.ask(Kind::Step, Request::Step { visit: *visit });
            }
        });
    }
    if count == 0 {
        return html! {};
    }
    let go = |delta: i64| {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.dispatch(Action::StepBy(delta)))
    };
    let detail = state
        .step_detail
        .as_ref()
        .filter(|(visit, _)| Some(*visit) == step)
        .map(|(_, d)| d.clone());

    html! {
        <section class="step-view" aria-label="Step through the run" data-testid="step-view">
            <div class="step-bar">
                <button data-testid="step-prev" onclick={go(-1)} disabled={step == Some(0)}
                    title="Previous state (Alt+←)" aria-label="Previous state">{ "◀ Previous" }</button>
                <span data-testid="step-position">
                    { match step { Some(s) => format!("Step {} of {count}", s + 1), None => format!("{count} steps") } }
                </span>
                <button data-testid="step-next" onclick={go(1)} disabled={step.is_some_and(|s| s + 1 >= count)}
                    title="Next state (Alt+→)" aria-label="Next state">{ "Next ▶" }</button>
            </div>
            if let Some(detail) = detail {
                { stages(&detail) }
            } else if step.is_some() {
                <p class="hint">{ "Loading the step…" }</p>
            } else {
                <p class="hint">{ "Choose Next (Alt+→) or a state in the graph or table to see its data flow." }</p>
            }
        </section>
    }
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn stages(detail: &Value) -> Html {
    let step = &detail["step"];
    let visit = &detail["visit"];
    let mut previous: Option<Value> = None;
    let mut rows = Vec::new();
    for stage in step
        .get("stages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = text(stage, "name").to_string();
        let value = stage.get("value").cloned().unwrap_or(Value::Null);
        rows.push(html! {
            <div class="stage" data-testid={format!("stage-{name}")}>
                <h4>{ &name }</h4>
                <JsonView value={value.clone()} before={previous.clone()} />
            </div>
        });
        previous = Some(value);
    }
    let changed: Vec<String> = step
        .get("changedVariables")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    html! {
        <div class="step-detail">
            <h3 data-testid="step-state">{ text(step, "name") }
                <span class="type">{ text(visit, "type") }</span>
                <span class={classes!("status", text(visit, "status").to_lowercase())}>{ text(visit, "status") }</span>
                if let Some(i) = visit.get("mapIteration").and_then(Value::as_u64) {
                    <span class="type">{ format!("iteration {i}") }</span>
                }
            </h3>
            if !text(visit, "error").is_empty() {
                <p class="error" data-testid="step-error">
                    <strong>{ text(visit, "error") }</strong>{ " " }{ text(visit, "cause") }
                </p>
            }
            <div class="stages">{ for rows }</div>
            if let Some(vars) = step.get("variables").filter(|v| !v.is_null()) {
                <div class="stage" data-testid="step-variables">
                    <h4>{ "Variables in scope" }
                        if !changed.is_empty() {
                            <span class="changed-names">{ format!(" (changed: {})", changed.join(", ")) }</span>
                        }
                    </h4>
                    <JsonView value={vars.clone()} />
                </div>
            }
            if let Some(retry) = detail.get("retry").filter(|r| !r.is_null()) {
                <RetryTimeline retry={retry.clone()} />
            }
            if let Some(map) = detail.get("mapRun").filter(|m| !m.is_null()) {
                <MapRunView map={map.clone()} />
            }
        </div>
    }
}
