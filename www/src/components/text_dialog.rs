//! Text the worker wrote on request (a suggested input or mock file, AWS CLI commands),
//! shown to copy or to put into an editor with the user's say.

use super::use_ctx;
use crate::browser;
use crate::state::{Action, Field};
use serde_json::Value;
use yew::prelude::*;

#[function_component(TextDialog)]
pub fn text_dialog() -> Html {
    let ctx = use_ctx();
    // A workspace file is offered as a download, not shown.
    {
        let ctx = ctx.clone();
        use_effect_with(ctx.state.text.clone(), move |text| {
            if let Some((purpose, text)) = text {
                if purpose == "workspace-file" {
                    browser::download("stepbridge-workspace.json", text, "application/json");
                    ctx.dispatch(Action::CloseText);
                }
            }
        });
    }
    let Some((purpose, text)) = ctx
        .state
        .text
        .clone()
        .filter(|(p, _)| p != "workspace-file")
    else {
        return html! {};
    };
    let close = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.dispatch(Action::CloseText))
    };
    let use_as = |field: Field| {
        let ctx = ctx.clone();
        let text = text.to_string();
        Callback::from(move |_| {
            let current = ctx.state.workspace.get(field);
            if current.trim().is_empty()
                || browser::confirm(&format!(
                    "Replace the {} with this suggestion?",
                    field.label().to_lowercase()
                ))
            {
                ctx.dispatch(Action::Edit(field, text.clone()));
                ctx.dispatch(Action::CloseText);
            }
        })
    };
    let copy = |t: String| {
        Callback::from(move |_| {
            browser::copy(&t);
        })
    };
    let body = match purpose.as_str() {
        "cli" => {
            let commands: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let entries = [
                ("createStateMachine", "Create the state machine"),
                ("startExecution", "Start an execution"),
                ("testState", "Test one state (TestState, DEBUG)"),
            ];
            html! {
                <>
                    <p class="hint">{ format!("Save the definition as {} first.",
                        commands.get("definitionFile").and_then(Value::as_str).unwrap_or("definition.asl.json")) }</p>
                    { for entries.iter().filter_map(|(key, label)| {
                        let command = commands.get(*key)?.as_str()?.to_string();
                        Some(html! {
                            <div class="command">
                                <h4>{ *label }</h4>
                                <pre tabindex="0" data-testid={format!("cli-{key}")}>{ command.clone() }</pre>
                                <button class="small" onclick={copy(command)}>{ "Copy" }</button>
                            </div>
                        })
                    }) }
                </>
            }
        }
        _ => html! {
            <>
                <pre tabindex="0" data-testid="suggestion">{ text.to_string() }</pre>
                <div class="row">
                    if purpose == "input" {
                        <button class="primary" data-testid="use-suggestion" onclick={use_as(Field::Input)}>{ "Use as input" }</button>
                    } else {
                        <button class="primary" data-testid="use-suggestion" onclick={use_as(Field::Mocks)}>{ "Use as mocks" }</button>
                    }
                    <button onclick={copy(text.to_string())}>{ "Copy" }</button>
                </div>
            </>
        },
    };
    let title = match purpose.as_str() {
        "input" => "Suggested input",
        "mocks" => "Suggested mocks",
        _ => "AWS CLI commands",
    };
    html! {
        <div class="dialog-backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-label={title} data-testid="text-dialog">
                <div class="dialog-head">
                    <h3>{ title }</h3>
                    <button class="link" aria-label="Close" data-testid="close-dialog" onclick={close}>{ "×" }</button>
                </div>
                { body }
            </div>
        </div>
    }
}
