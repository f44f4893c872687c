//! An input transformer's preview: what a rule target receives for the selected event.

use super::super::code_editor::CodeEditor;
use super::{fault_diagnostics, pretty_text, text_of};
use crate::browser;
use crate::components::use_ctx;
use crate::state::{Action, EbAction, EbField, Kind};
use serde_json::Value;
use std::rc::Rc;
use stepbridge_inspect::protocol::{EbTool, Request};
use yew::prelude::*;

const VARIABLES: [&str; 5] = [
    "<aws.events.rule-arn>",
    "<aws.events.rule-name>",
    "<aws.events.event.ingestion-time>",
    "<aws.events.event>",
    "<aws.events.event.json>",
];

#[function_component(Transform)]
pub fn transform() -> Html {
    let ctx = use_ctx();
    let eb = &ctx.state.workspace.eb;
    let dark = browser::is_dark(ctx.state.theme.as_str());
    {
        let ctx = ctx.clone();
        let deps = (
            eb.paths_map.clone(),
            eb.input_template.clone(),
            eb.selected().to_string(),
            eb.rule_name.clone(),
            super::engine_ready(&ctx),
        );
        use_effect_with(
            deps,
            move |(paths_map, template, event, rule_name, ready)| {
                if !*ready {
                    return;
                }
                ctx.ask(
                    Kind::Eb(EbTool::Transform),
                    Request::Transform {
                        paths_map: paths_map.clone(),
                        template: template.clone(),
                        event: event.clone(),
                        rule_name: rule_name.clone(),
                    },
                );
            },
        );
    }
    let edit = |field: EbField| {
        let ctx = ctx.clone();
        Callback::from(move |text: String| ctx.dispatch(Action::Eb(EbAction::Edit(field, text))))
    };
    let on_rule = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::Eb(EbAction::Edit(EbField::RuleName, input.value())));
        })
    };
    let on_select = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                ctx.dispatch(Action::Eb(EbAction::SelectEvent(i)));
            }
        })
    };
    let answer = ctx.state.eb.transform.clone();
    let fault = answer.as_ref().and_then(|a| a.get("error")).cloned();
    let editor = fault.as_ref().map(|f| text_of(f, "editor").to_string());
    let diags_for = |name: &str| {
        if editor.as_deref() == Some(name) {
            fault_diagnostics(fault.as_ref())
        } else {
            Rc::new(Vec::new())
        }
    };
    let selected = eb.selected_event.min(eb.events.len().saturating_sub(1));
    let label_of = |i: usize, text: &str| {
        let v: Option<Value> = serde_json::from_str(text).ok();
        let kind = v
            .as_ref()
            .and_then(|v| v.get("detail-type"))
            .and_then(Value::as_str)
            .unwrap_or("(not an event)")
            .to_string();
        format!("Event {}: {kind}", i + 1)
    };
    html! {
        <div class="eb-two">
            <div class="eb-col">
                <div class="eb-fields">
                    <label for="transform-event">{ "Event (from the Patterns tab)" }</label>
                    <select id="transform-event" data-testid="transform-event" onchange={on_select}>
                        { for eb.events.iter().enumerate().map(|(i, t)| html! {
                            <option value={i.to_string()} selected={i == selected}>{ label_of(i, t) }</option>
                        }) }
                    </select>
                    <label for="rule-name">{ "Rule name" }</label>
                    <input id="rule-name" data-testid="rule-name" value={eb.rule_name.clone()} oninput={on_rule} />
                </div>
                <span class="editor-label">{ "InputPathsMap" }</span>
                <div class="code" style="--rows: 7">
                    <CodeEditor value={AttrValue::from(eb.paths_map.clone())} label="InputPathsMap"
                        test_id="pathsMap" diagnostics={diags_for("pathsMap")} dark={dark}
                        on_change={edit(EbField::PathsMap)} />
                </div>
                <span class="editor-label">{ "InputTemplate" }</span>
                <div class="code" style="--rows: 8">
                    <CodeEditor value={AttrValue::from(eb.input_template.clone())} label="InputTemplate"
                        test_id="inputTemplate" diagnostics={diags_for("template")} dark={dark}
                        on_change={edit(EbField::InputTemplate)} />
                </div>
                <p class="hint">{ "Predefined variables: " }
                    { for VARIABLES.iter().map(|v| html! { <><code>{ *v }</code>{ " " }</> }) }
                </p>
            </div>
            <div class="eb-col">
                <span class="editor-label">{ "What the target receives" }</span>
                { match (&answer, &fault) {
                    (None, _) => html! { <p class="hint">{ "Working…" }</p> },
                    (_, Some(f)) => html! {
                        <p class="result error" role="alert" data-testid="transform-error">
                            { format!("{} (line {}, column {})", text_of(f, "message"),
                                f.get("line").and_then(Value::as_u64).unwrap_or(0),
                                f.get("column").and_then(Value::as_u64).unwrap_or(0)) }
                        </p>
                    },
                    (Some(a), None) => html! {
                        <>
                            <pre tabindex="0" class="eb-output" data-testid="transform-output" tabindex="0">{ pretty_text(text_of(a, "output")) }</pre>
                            <p class="hint">{ if a.get("json").and_then(Value::as_bool).unwrap_or(false) {
                                "The template is JSON: the target receives a JSON document."
                            } else {
                                "The template is text: the target receives it as a string."
                            } }</p>
                        </>
                    },
                } }
            </div>
        </div>
    }
}
