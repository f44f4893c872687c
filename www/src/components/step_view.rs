//! Step through the run: one state visit at a time, its data flow stage by stage in
//! TestState's inspectionData vocabulary, and the variables in scope.

use super::json_view::JsonView;
use super::use_ctx;
use crate::state::{Action, Kind};
use serde_json::Value;
use stepbridge_inspect::protocol::Request;
use yew::prelude::*;

/// The stages in the order data flows through a state (JSONPath, then JSONata's).
const STAGES: &[(&str, &str)] = &[
    ("input", "Input"),
    ("afterInputPath", "After InputPath"),
    ("afterParameters", "After Parameters"),
    ("afterArguments", "After Arguments"),
    ("result", "Result"),
    ("afterResultSelector", "After ResultSelector"),
    ("afterResultPath", "After ResultPath"),
    ("output", "Output"),
];

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

fn stages(detail: &Value) -> Html {
    let name = detail.get("name").and_then(Value::as_str).unwrap_or("");
    let kind = detail.get("type").and_then(Value::as_str).unwrap_or("");
    let mut previous: Option<Value> = None;
    let mut rows = Vec::new();
    for (key, label) in STAGES {
        let Some(value) = detail.get(*key) else {
            continue;
        };
        rows.push(html! {
            <div class="stage" data-testid={format!("stage-{key}")}>
                <h4>{ *label }</h4>
                <JsonView value={value.clone()} before={previous.clone()} />
            </div>
        });
        previous = Some(value.clone());
    }
    html! {
        <div class="step-detail">
            <h3 data-testid="step-state">{ name }<span class="type">{ kind }</span></h3>
            if let Some(error) = detail.get("error").and_then(Value::as_str) {
                <p class="error" data-testid="step-error">
                    <strong>{ error }</strong>{ " " }
                    { detail.get("cause").and_then(Value::as_str).unwrap_or("") }
                </p>
            }
            <div class="stages">{ for rows }</div>
            if let Some(vars) = detail.get("variables") {
                <div class="stage" data-testid="step-variables">
                    <h4>{ "Variables in scope" }</h4>
                    <JsonView value={vars.clone()} />
                </div>
            }
        </div>
    }
}
