//! The EventBridge pattern bench: one pattern, one event, the engine's answer.

use super::use_ctx;
use crate::state::{Action, Field, Kind};
use serde_json::Value;
use stepbridge_inspect::protocol::Request;
use yew::prelude::*;

#[function_component(PatternPanel)]
pub fn pattern_panel() -> Html {
    let ctx = use_ctx();
    let ws = &ctx.state.workspace;
    let edit = |field: Field| {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            ctx.dispatch(Action::Edit(field, area.value()));
        })
    };
    let on_test = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            let ws = &ctx.state.workspace;
            ctx.ask(
                Kind::Pattern,
                Request::TestPattern {
                    pattern: ws.pattern.clone(),
                    event: ws.event.clone(),
                },
            );
        })
    };
    let answer = match ctx.state.pattern_answer.as_deref() {
        None => {
            html! { <p class="hint">{ "Press Test to match the event against the pattern." }</p> }
        }
        Some(answer) => match answer.get("result").and_then(Value::as_bool) {
            Some(matched) => html! {
                <div class="result">
                    <p data-testid="pattern-result" class={classes!("status", if matched { "succeeded" } else { "failed" })}>
                        { if matched { "match" } else { "no match" } }
                    </p>
                    <pre class="explanation">{ serde_json::to_string_pretty(answer.get("explanation").unwrap_or(&Value::Null)).unwrap_or_default() }</pre>
                </div>
            },
            None => {
                let place = match (answer.get("line"), answer.get("column")) {
                    (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
                    _ => String::new(),
                };
                html! {
                    <div class="result error" role="alert" data-testid="pattern-result">
                        { format!("{}: {}{place}",
                            answer.get("error").and_then(Value::as_str).unwrap_or("Error"),
                            answer.get("message").and_then(Value::as_str).unwrap_or("the engine gave no answer")) }
                    </div>
                }
            }
        },
    };
    html! {
        <>
            <h2>{ "EventBridge pattern" }</h2>
            <div class="editors-pair">
                <div class="editor">
                    <label for="pattern">{ "Event pattern" }</label>
                    <textarea id="pattern" data-testid="pattern" spellcheck="false" rows="12" value={ws.pattern.clone()} oninput={edit(Field::Pattern)} />
                </div>
                <div class="editor">
                    <label for="event">{ "Event" }</label>
                    <textarea id="event" data-testid="event" spellcheck="false" rows="12" value={ws.event.clone()} oninput={edit(Field::Event)} />
                </div>
            </div>
            <div class="actions">
                <button class="primary" data-testid="test-pattern" onclick={on_test}>{ "Test" }</button>
            </div>
            { answer }
        </>
    }
}
