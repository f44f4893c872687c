//! A schedule expression's next fire times, as EventBridge Scheduler would compute them.

use super::text_of;
use crate::components::use_ctx;
use crate::state::{Action, EbAction, EbField, Kind};
use serde_json::Value;
use stepbridge_inspect::protocol::{EbTool, Request};
use yew::prelude::*;

/// How many fire times the list shows.
const COUNT: usize = 10;

#[function_component(Schedule)]
pub fn schedule() -> Html {
    let ctx = use_ctx();
    let eb = &ctx.state.workspace.eb;
    {
        let ctx = ctx.clone();
        let deps = (
            eb.schedule_expression.clone(),
            eb.schedule_timezone.clone(),
            eb.schedule_from.clone(),
            eb.flexible_minutes,
            super::engine_ready(&ctx),
        );
        use_effect_with(deps, move |(expression, timezone, from, minutes, ready)| {
            if !*ready {
                return;
            }
            ctx.ask(
                Kind::Eb(EbTool::Schedule),
                Request::FireTimes {
                    expression: expression.clone(),
                    timezone: timezone.clone(),
                    from: from.clone(),
                    count: COUNT,
                    flexible_minutes: *minutes,
                },
            );
        });
    }
    let edit = |field: EbField| {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::Eb(EbAction::Edit(field, input.value())));
        })
    };
    let on_window = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let minutes = input.value().trim().parse::<u32>().unwrap_or(0);
            ctx.dispatch(Action::Eb(EbAction::SetFlexibleMinutes(minutes)));
        })
    };
    let answer = ctx.state.eb.schedule.clone();
    let body = match answer.as_deref() {
        None => html! { <p class="hint">{ "Working…" }</p> },
        Some(a) if a.get("error").is_some() => html! {
            <p class="result error" role="alert" data-testid="schedule-error">
                { format!("{}: {}", text_of(a, "error"), text_of(a, "message")) }
            </p>
        },
        Some(a) => {
            let times: Vec<&str> = a
                .get("times")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let ends: Vec<&str> = a
                .get("windowEnds")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            html! {
                <>
                    <p class="hint">{ format!("{} in {}", text_of(a, "expression"), text_of(a, "timezone")) }</p>
                    if times.is_empty() {
                        <p class="hint" data-testid="fire-times">{ "It never fires after the start." }</p>
                    } else {
                        <ol class="eb-times" data-testid="fire-times">
                            { for times.iter().enumerate().map(|(i, t)| html! {
                                <li><time datetime={t.to_string()}>{ *t }</time>
                                    if let Some(end) = ends.get(i) {
                                        { format!(" — invoked by {end} at the latest") }
                                    }
                                </li>
                            }) }
                        </ol>
                    }
                </>
            }
        }
    };
    html! {
        <div class="eb-col">
            <div class="eb-fields">
                <label for="schedule-expression">{ "Expression" }</label>
                <input id="schedule-expression" data-testid="schedule-expression" class="wide"
                    placeholder="rate(5 minutes) · cron(0 9 ? * MON-FRI *) · at(2026-12-24T18:00:00)"
                    value={eb.schedule_expression.clone()} oninput={edit(EbField::ScheduleExpression)} />
                <label for="schedule-timezone">{ "Time zone" }</label>
                <input id="schedule-timezone" data-testid="schedule-timezone" placeholder="UTC"
                    value={eb.schedule_timezone.clone()} oninput={edit(EbField::ScheduleTimezone)} />
                <label for="schedule-from">{ "From" }</label>
                <input id="schedule-from" data-testid="schedule-from" placeholder="2026-01-01T00:00:00Z"
                    value={eb.schedule_from.clone()} oninput={edit(EbField::ScheduleFrom)} />
                <label for="schedule-window">{ "Flexible window (minutes, 0 = off)" }</label>
                <input id="schedule-window" data-testid="schedule-window" type="number" min="0" max="1440" class="narrow"
                    value={eb.flexible_minutes.to_string()} oninput={on_window} />
            </div>
            { body }
        </div>
    }
}
