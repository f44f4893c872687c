//! A CloudFormation or SAM template read as an event-driven system: its state machines,
//! buses, rules, schedules, pipes and functions, what it holds that the playground cannot
//! simulate, and a run with events put on its bus (Lambda tasks answered by the mocks).

use super::super::code_editor::{CodeEditor, EditorLanguage};
use super::bus::RunView;
use super::{fault_diagnostics, text_of};
use crate::browser;
use crate::components::use_ctx;
use crate::state::{Action, EbAction, EbField, Kind};
use gloo::file::callbacks::FileReader;
use gloo::file::File;
use serde_json::Value;
use std::rc::Rc;
use stepbridge_inspect::protocol::{EbTool, Request};
use yew::prelude::*;

fn items<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// One list of the imported system, each item in words.
fn section(title: &str, id: &str, rows: Vec<String>) -> Html {
    html! {
        <section class="eb-system-part" aria-label={title.to_string()}>
            <h4>{ format!("{title} ({})", rows.len()) }</h4>
            if rows.is_empty() {
                <p class="hint">{ "None." }</p>
            } else {
                <ul data-testid={format!("system-{id}")}>
                    { for rows.into_iter().map(|r| html! { <li>{ r }</li> }) }
                </ul>
            }
        </section>
    }
}

fn system_view(system: &Value) -> Html {
    let machines = items(system, "stateMachines")
        .iter()
        .map(|m| {
            let note = if m.get("definitionUri").is_some_and(|u| !u.is_null()) {
                " — DefinitionUri cannot be read here".to_string()
            } else if !items(m, "unresolved").is_empty() {
                format!(
                    " — unresolved: {}",
                    items(m, "unresolved")
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                String::new()
            };
            format!("{} ({}){note}", text_of(m, "name"), text_of(m, "logicalId"))
        })
        .collect();
    let buses = items(system, "buses")
        .iter()
        .map(|b| format!("{} ({})", text_of(b, "name"), text_of(b, "logicalId")))
        .collect();
    let rules = items(system, "rules")
        .iter()
        .map(|r| {
            let targets: Vec<String> = items(r, "Targets")
                .iter()
                .map(|t| format!("{} [{}]", text_of(t, "Id"), text_of(t, "TargetKind")))
                .collect();
            let what = r
                .get("EventPattern")
                .filter(|p| !p.is_null())
                .map(Value::to_string)
                .unwrap_or_else(|| text_of(r, "ScheduleExpression").to_string());
            format!(
                "{} on {} ({}): {what} → {}",
                text_of(r, "Name"),
                text_of(r, "EventBusName"),
                text_of(r, "State"),
                targets.join(", ")
            )
        })
        .collect();
    let schedules = items(system, "schedules")
        .iter()
        .map(|s| {
            format!(
                "{}: {} {} → {}",
                text_of(s, "Name"),
                text_of(s, "ScheduleExpression"),
                text_of(s, "ScheduleExpressionTimezone"),
                text_of(&s["Target"], "Arn")
            )
        })
        .collect();
    let pipes = items(system, "pipes")
        .iter()
        .map(|p| {
            format!(
                "{}: {} → {}",
                text_of(p, "name"),
                text_of(p, "source"),
                text_of(p, "target")
            )
        })
        .collect();
    let functions = items(system, "functions")
        .iter()
        .map(|f| {
            format!(
                "{} ({}), mocked",
                text_of(f, "name"),
                text_of(f, "logicalId")
            )
        })
        .collect();
    let ignored = items(system, "ignored")
        .iter()
        .map(|i| {
            format!(
                "{} ({}): {}",
                text_of(i, "logicalId"),
                text_of(i, "type"),
                text_of(i, "reason")
            )
        })
        .collect();
    let warnings: Vec<String> = items(system, "warnings")
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    html! {
        <div class="eb-system" data-testid="system">
            { section("State machines", "state-machines", machines) }
            { section("Event buses", "buses", buses) }
            { section("Rules", "rules", rules) }
            { section("Schedules", "schedules", schedules) }
            { section("Pipes", "pipes", pipes) }
            { section("Functions", "functions", functions) }
            { section("Ignored (not simulated)", "ignored", ignored) }
            if !warnings.is_empty() {
                { section("Warnings", "warnings", warnings) }
            }
        </div>
    }
}

#[function_component(Template)]
pub fn template() -> Html {
    let ctx = use_ctx();
    let eb = &ctx.state.workspace.eb;
    let dark = browser::is_dark(ctx.state.theme.as_str());
    let reader = use_mut_ref(|| None::<FileReader>);
    let edit = |field: EbField| {
        let ctx = ctx.clone();
        Callback::from(move |text: String| ctx.dispatch(Action::Eb(EbAction::Edit(field, text))))
    };
    let ask = |with_events: bool| {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            let eb = &ctx.state.workspace.eb;
            ctx.ask(
                Kind::Eb(EbTool::Template),
                Request::ImportTemplate {
                    template: eb.template.clone(),
                    events: if with_events {
                        eb.template_events.clone()
                    } else {
                        String::new()
                    },
                    mocks: eb.template_mocks.clone(),
                    test_case: eb.template_test_case.clone(),
                },
            );
        })
    };
    let on_open = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                let ctx = ctx.clone();
                let file = File::from(file);
                let name = file.name();
                *reader.borrow_mut() = Some(gloo::file::callbacks::read_as_text(
                    &file,
                    move |result| match result {
                        Ok(text) => {
                            ctx.dispatch(Action::Eb(EbAction::Edit(EbField::Template, text)))
                        }
                        Err(e) => ctx.dispatch(Action::Notice(Some(format!(
                            "The file {name} could not be read: {e}"
                        )))),
                    },
                ));
            }
            input.set_value("");
        })
    };
    let on_case = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::Eb(EbAction::Edit(
                EbField::TemplateTestCase,
                input.value(),
            )));
        })
    };
    let answer = ctx.state.eb.template.clone();
    let fault = answer.as_deref().filter(|a| a.get("error").is_some());
    let fault_in = |editor: &str| {
        fault_diagnostics(
            fault
                .filter(|f| text_of(f, "editor") == editor)
                .and_then(|f| f.get("error"))
                .filter(|e| e.get("line").is_some()),
        )
    };
    let language = if eb.template.trim_start().starts_with('{') {
        EditorLanguage::Json
    } else {
        EditorLanguage::Yaml
    };
    html! {
        <div class="eb-two">
            <div class="eb-col">
                <div class="editor-head">
                    <span class="editor-label">{ "CloudFormation or SAM template" }</span>
                    <span class="spacer" />
                    <label class="button small" for="open-template" tabindex="0">{ "Open…" }</label>
                    <input type="file" class="sr-only" id="open-template" accept=".json,.yaml,.yml,.template"
                        onchange={on_open} aria-label="Open a template file" />
                    <button class="small" data-testid="import-template" onclick={ask(false)}>{ "Import" }</button>
                    <button class="primary small" data-testid="template-put-events" onclick={ask(true)}>{ "Put events" }</button>
                </div>
                <div class="code" style="--rows: 20">
                    <CodeEditor value={AttrValue::from(eb.template.clone())} language={language}
                        label="Template" test_id="template" diagnostics={fault_in("template")}
                        dark={dark} on_change={edit(EbField::Template)} />
                </div>
                <span class="editor-label">{ "Events to put (PutEvents entries)" }</span>
                <div class="code" style="--rows: 8">
                    <CodeEditor value={AttrValue::from(eb.template_events.clone())} label="Events to put"
                        test_id="templateEvents" diagnostics={fault_in("events")} dark={dark}
                        on_change={edit(EbField::TemplateEvents)} />
                </div>
                <div class="eb-fields">
                    <label for="template-test-case">{ "Mock test case" }</label>
                    <input id="template-test-case" data-testid="template-test-case"
                        value={eb.template_test_case.clone()} oninput={on_case} />
                </div>
                <span class="editor-label">{ "Mocks (MockConfigFile) for the workflows' tasks" }</span>
                <div class="code" style="--rows: 8">
                    <CodeEditor value={AttrValue::from(eb.template_mocks.clone())} label="Template mocks"
                        test_id="templateMocks" diagnostics={fault_in("mocks")} dark={dark}
                        on_change={edit(EbField::TemplateMocks)} />
                </div>
            </div>
            <div class="eb-col">
                { match answer.as_deref() {
                    None => html! { <p class="hint">{ "Import the template to see its system; Put events runs it." }</p> },
                    Some(a) if a.get("error").is_some() => {
                        let e = &a["error"];
                        let place = match (e.get("line").and_then(Value::as_u64), e.get("column").and_then(Value::as_u64)) {
                            (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
                            _ => String::new(),
                        };
                        html! { <p class="result error" role="alert" data-testid="template-error">
                            { format!("{}{place}", text_of(e, "message")) }</p> }
                    }
                    Some(a) => html! {
                        <>
                            { system_view(&a["system"]) }
                            if let Some(run) = a.get("run").filter(|r| !r.is_null()) {
                                <h4>{ "Run" }</h4>
                                <RunView run={Rc::new(run.clone())} />
                            }
                        </>
                    },
                } }
            </div>
        </div>
    }
}
