//! A paused `.waitForTaskToken` execution: its tokens and the clock, and buttons that send
//! task success, failure or a heartbeat, or let virtual time pass.

use super::use_ctx;
use crate::state::Kind;
use serde_json::Value;
use stepbridge_inspect::protocol::{CallbackAction, Request};
use yew::prelude::*;

#[function_component(CallbackView)]
pub fn callback_view() -> Html {
    let ctx = use_ctx();
    let output = use_state(|| "{\"approved\": true}".to_string());
    let error = use_state(|| "Rejected".to_string());
    let cause = use_state(|| "The reviewer said no".to_string());
    let seconds = use_state(|| "3600".to_string());
    let Some(report) = ctx.state.report.clone().filter(|r| r.resumable) else {
        return html! {};
    };
    let text_input = |handle: &UseStateHandle<String>| {
        let handle = handle.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            handle.set(input.value());
        })
    };
    let send = |make: Box<dyn Fn(String) -> CallbackAction>, token: String| {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.ask(Kind::Run, Request::Callback(make(token.clone()))))
    };
    html! {
        <section class="callback" aria-label="Waiting for a callback" data-testid="callback">
            <h3>{ "Waiting for a callback" }</h3>
            <p class="hint">{ format!("Virtual clock: {}", report.stop_time.clone().unwrap_or_default()) }</p>
            { for report.task_tokens.iter().map(|t| {
                let token = t.get("token").and_then(Value::as_str).unwrap_or("").to_string();
                let state_name = t.get("state").and_then(Value::as_str).unwrap_or("").to_string();
                let (o, e, c) = ((*output).clone(), (*error).clone(), (*cause).clone());
                html! {
                    <div class="token">
                        <p><strong>{ state_name }</strong>{ " waits on token " }<code data-testid="task-token">{ token.clone() }</code></p>
                        <div class="row">
                            <label>{ "Output " }<input data-testid="callback-output" value={(*output).clone()} oninput={text_input(&output)} /></label>
                            <button data-testid="send-success" onclick={send(Box::new(move |token| CallbackAction::Success { token, output: o.clone() }), token.clone())}>{ "Send task success" }</button>
                        </div>
                        <div class="row">
                            <label>{ "Error " }<input data-testid="callback-error" value={(*error).clone()} oninput={text_input(&error)} /></label>
                            <label>{ "Cause " }<input data-testid="callback-cause" value={(*cause).clone()} oninput={text_input(&cause)} /></label>
                            <button data-testid="send-failure" onclick={send(Box::new(move |token| CallbackAction::Failure { token, error: e.clone(), cause: c.clone() }), token.clone())}>{ "Send task failure" }</button>
                        </div>
                        <div class="row">
                            <button data-testid="send-heartbeat" onclick={send(Box::new(|token| CallbackAction::Heartbeat { token }), token.clone())}>{ "Send heartbeat" }</button>
                        </div>
                    </div>
                }
            }) }
            <div class="row">
                <label>{ "Seconds " }<input data-testid="advance-seconds" value={(*seconds).clone()} oninput={text_input(&seconds)} /></label>
                <button data-testid="advance-time" onclick={{
                    let ctx = ctx.clone();
                    let seconds = seconds.clone();
                    Callback::from(move |_| {
                        match seconds.trim().parse::<f64>() {
                            Ok(s) if s >= 0.0 && s.is_finite() => ctx.ask(Kind::Run, Request::Callback(CallbackAction::AdvanceTime { seconds: s })),
                            _ => ctx.dispatch(crate::state::Action::Notice(Some(format!("\"{}\" is not a number of seconds", *seconds)))),
                        }
                    })
                }}>{ "Advance the clock" }</button>
            </div>
        </section>
    }
}
