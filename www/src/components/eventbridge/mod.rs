//! The EventBridge section: one tab per tool (patterns against many events, input
//! transformer, Scheduler, the bus, a template's system), each asking the engine worker.

mod archives;
mod bus;
mod open_execution;
mod patterns;
mod pipes;
mod rules_form;
mod schedule;
mod template;
mod transform;

use super::code_editor::{DiagnosticSeverity, EditorDiagnostic};
use super::use_ctx;
use crate::state::{Action, EbAction, EbTab};
use gloo::net::http::Request as Http;
use serde_json::Value;
use std::rc::Rc;
use yew::prelude::*;

/// Reads a file of the page's `examples/` folder.
pub(crate) async fn fetch_text(path: &str) -> Result<String, String> {
    let response = Http::get(path).send().await.map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("{path}: HTTP {}", response.status()));
    }
    response.text().await.map_err(|e| e.to_string())
}

/// One underline at a 1-based place, for a fault the engine placed.
fn placed(
    line: u64,
    column: u64,
    message: &str,
    severity: DiagnosticSeverity,
) -> Rc<Vec<EditorDiagnostic>> {
    Rc::new(vec![EditorDiagnostic {
        line: u32::try_from(line.max(1)).unwrap_or(1),
        column: u32::try_from(column.max(1)).unwrap_or(1),
        end_line: None,
        end_column: None,
        severity,
        message: message.to_string(),
    }])
}

/// The underline for an `{message, line, column}` fault, when it has a place.
fn fault_diagnostics(fault: Option<&Value>) -> Rc<Vec<EditorDiagnostic>> {
    match fault {
        Some(f) => {
            let line = f.get("line").and_then(Value::as_u64).unwrap_or(1);
            let column = f.get("column").and_then(Value::as_u64).unwrap_or(1);
            let message = f.get("message").and_then(Value::as_str).unwrap_or("error");
            placed(line, column, message, DiagnosticSeverity::Error)
        }
        None => Rc::new(Vec::new()),
    }
}

/// Whether the worker answers yet: the live tools ask only then (and again once it does).
fn engine_ready(ctx: &super::Ctx) -> bool {
    matches!(ctx.state.engine, crate::state::EngineState::Ready(_))
}

fn text_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Text that may hold JSON, pretty-printed when it does.
fn pretty_text(text: &str) -> String {
    serde_json::from_str::<Value>(text).map_or_else(|_| text.to_string(), |v| pretty(&v))
}

#[derive(Properties, PartialEq)]
pub struct EbTabListProps {
    /// A tab was clicked (or pressed): open its tool.
    pub on_open: Callback<EbTab>,
}

/// The tools' tab list, as the ARIA tabs pattern has it: the selected tab is the one in the
/// Tab order and arrow keys move between tabs. The page's first app shows it too, as the
/// stand-in that loads the section (`sections.rs`).
#[function_component(EbTabList)]
pub fn eb_tab_list(props: &EbTabListProps) -> Html {
    let ctx = use_ctx();
    let tab = ctx.state.eb.tab;
    let on_key = {
        let ctx = ctx.clone();
        Callback::from(move |e: KeyboardEvent| {
            let at = EbTab::ALL.iter().position(|t| *t == tab).unwrap_or(0);
            let next = match e.key().as_str() {
                "ArrowRight" => (at + 1) % EbTab::ALL.len(),
                "ArrowLeft" => (at + EbTab::ALL.len() - 1) % EbTab::ALL.len(),
                _ => return,
            };
            e.prevent_default();
            let next = EbTab::ALL[next];
            ctx.dispatch(Action::Eb(EbAction::Tab(next)));
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&format!("eb-tab-{}", next.id())))
            {
                if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                    let _ = el.focus();
                }
            }
        })
    };
    html! {
        <div class="tabs" role="tablist" aria-label="EventBridge tools" onkeydown={on_key}>
            { for EbTab::ALL.iter().map(|t| html! {
                <button role="tab" id={format!("eb-tab-{}", t.id())} data-testid={format!("eb-tab-{}", t.id())}
                    aria-selected={(*t == tab).to_string()} aria-controls="eb-panel"
                    tabindex={if *t == tab { "0" } else { "-1" }}
                    class={classes!("tab", (*t == tab).then_some("selected"))}
                    onclick={props.on_open.reform({ let t = *t; move |_| t })}>
                    { t.label() }
                </button>
            }) }
        </div>
    }
}

#[function_component(EventBridgeBench)]
pub fn eventbridge_bench() -> Html {
    let ctx = use_ctx();
    let tab = ctx.state.eb.tab;
    let select = {
        let ctx = ctx.clone();
        Callback::from(move |t: EbTab| ctx.dispatch(Action::Eb(EbAction::Tab(t))))
    };
    html! {
        <>
            <h2>{ "EventBridge" }</h2>
            <EbTabList on_open={select} />
            <div id="eb-panel" role="tabpanel" aria-labelledby={format!("eb-tab-{}", tab.id())} class="eb-panel">
                { match tab {
                    EbTab::Patterns => html! { <patterns::Patterns /> },
                    EbTab::Transform => html! { <transform::Transform /> },
                    EbTab::Schedule => html! { <schedule::Schedule /> },
                    EbTab::Bus => html! { <bus::Bus /> },
                    EbTab::Template => html! { <template::Template /> },
                    EbTab::Pipes => html! { <pipes::Pipes /> },
                } }
            </div>
        </>
    }
}
