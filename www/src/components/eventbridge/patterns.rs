//! One event pattern against many events: each event's match or no match with the engine's
//! explanation, the fields the pattern read and the one that decided.

use super::super::code_editor::{CodeEditor, DiagnosticSeverity, EditorDiagnostic};
use super::{fault_diagnostics, fetch_text, placed, pretty, text_of};
use crate::browser;
use crate::components::use_ctx;
use crate::state::{split_events, Action, EbAction, Field, Kind};
use serde::Deserialize;
use serde_json::Value;
use std::rc::Rc;
use stepbridge_inspect::protocol::{EbTool, Request};
use yew::prelude::*;

/// One sample of `examples/events/gallery.json`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct SampleEvent {
    id: String,
    title: String,
    file: String,
}

#[function_component(Patterns)]
pub fn patterns() -> Html {
    let ctx = use_ctx();
    let ws = &ctx.state.workspace;
    let samples = use_state(Vec::<SampleEvent>::new);
    let cli = use_state(|| None::<String>);
    let paste = use_state(String::new);
    let dark = browser::is_dark(ctx.state.theme.as_str());

    {
        let samples = samples.clone();
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                let loaded = fetch_text("examples/events/gallery.json")
                    .await
                    .and_then(|t| {
                        serde_json::from_str::<Vec<SampleEvent>>(&t).map_err(|e| e.to_string())
                    });
                match loaded {
                    Ok(list) => samples.set(list),
                    Err(e) => ctx.dispatch(Action::Notice(Some(format!(
                        "The sample events could not be loaded: {e}"
                    )))),
                }
            });
        });
    }
    // The answer follows the text: every edit asks again (the latest reply wins).
    {
        let ctx = ctx.clone();
        let ready = super::engine_ready(&ctx);
        use_effect_with(
            (ws.pattern.clone(), ws.eb.events.clone(), ready),
            move |(pattern, events, ready)| {
                if !*ready {
                    return;
                }
                ctx.ask(
                    Kind::Eb(EbTool::Patterns),
                    Request::TestPatterns {
                        pattern: pattern.clone(),
                        events: events.clone(),
                    },
                );
            },
        );
    }

    let on_test = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            let ws = &ctx.state.workspace;
            ctx.ask(
                Kind::Eb(EbTool::Patterns),
                Request::TestPatterns {
                    pattern: ws.pattern.clone(),
                    events: ws.eb.events.clone(),
                },
            );
        })
    };
    let on_pattern = {
        let ctx = ctx.clone();
        Callback::from(move |text: String| ctx.dispatch(Action::Edit(Field::Pattern, text)))
    };
    let on_cli = {
        let ctx = ctx.clone();
        let cli = cli.clone();
        Callback::from(move |_| {
            let ws = &ctx.state.workspace;
            let text = stepbridge_inspect::cli::event_pattern_cli(
                &ws.pattern,
                ws.eb.selected(),
                &ws.eb.rule_name,
                None,
            );
            browser::copy(&text);
            cli.set(Some(text));
        })
    };
    let on_sample = {
        let ctx = ctx.clone();
        let samples = samples.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let id = select.value();
            select.set_value("");
            let Some(sample) = samples.iter().find(|s| s.id == id).cloned() else {
                return;
            };
            let ctx = ctx.clone();
            yew::platform::spawn_local(async move {
                match fetch_text(&format!("examples/events/{}", sample.file)).await {
                    Ok(text) => ctx.dispatch(Action::Eb(EbAction::AddEvent(text))),
                    Err(e) => ctx.dispatch(Action::Notice(Some(e))),
                }
            });
        })
    };
    let on_add = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.dispatch(Action::Eb(EbAction::AddEvent("{\n  \n}".into()))))
    };
    let on_paste_input = {
        let paste = paste.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            paste.set(area.value());
        })
    };
    let on_split = {
        let ctx = ctx.clone();
        let paste = paste.clone();
        Callback::from(move |_| {
            let events = split_events(&paste);
            if !events.is_empty() {
                ctx.dispatch(Action::Eb(EbAction::SetEvents(events)));
                paste.set(String::new());
            }
        })
    };

    let answer = ctx.state.eb.patterns.clone();
    let pattern_fault = answer
        .as_ref()
        .and_then(|a| a.get("pattern"))
        .filter(|p| !p.is_null());
    let pattern_diags = fault_diagnostics(pattern_fault);
    let results: Vec<Value> = answer
        .as_ref()
        .and_then(|a| a.get("results"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();

    html! {
        <div class="eb-two">
            <div class="eb-col">
                <div class="editor-head">
                    <span class="editor-label">{ "Event pattern" }</span>
                    <span class="spacer" />
                    <button class="primary small" data-testid="test-pattern" onclick={on_test}>{ "Test" }</button>
                    <button class="small" data-testid="pattern-cli-button" onclick={on_cli}
                        title="aws events test-event-pattern and put-rule, for the selected event">{ "Copy as AWS CLI" }</button>
                </div>
                <div class="code" style="--rows: 14">
                    <CodeEditor value={AttrValue::from(ws.pattern.clone())} label="Event pattern"
                        test_id="pattern" diagnostics={pattern_diags} dark={dark} on_change={on_pattern} />
                </div>
                if let Some(fault) = pattern_fault {
                    <p class="result error" role="alert" data-testid="pattern-error">
                        { format!("{}: {} (line {}, column {})", text_of(fault, "error"), text_of(fault, "message"),
                            fault.get("line").and_then(Value::as_u64).unwrap_or(0),
                            fault.get("column").and_then(Value::as_u64).unwrap_or(0)) }
                    </p>
                }
                if let Some(text) = (*cli).clone() {
                    <div class="eb-cli">
                        <span class="editor-label">{ "AWS CLI (copied)" }</span>
                        <pre tabindex="0" data-testid="pattern-cli" tabindex="0">{ text }</pre>
                    </div>
                }
            </div>
            <div class="eb-col">
                <div class="editor-head">
                    <span class="editor-label">{ format!("Events ({})", ws.eb.events.len()) }</span>
                    <span class="spacer" />
                    <label class="sr-only" for="event-gallery">{ "Add a sample event" }</label>
                    <select id="event-gallery" data-testid="event-gallery" onchange={on_sample}>
                        <option value="" selected=true>{ "Add a sample event…" }</option>
                        { for samples.iter().map(|s| html! { <option value={s.id.clone()}>{ &s.title }</option> }) }
                    </select>
                    <button class="small" data-testid="add-event" onclick={on_add}>{ "Add event" }</button>
                </div>
                <details class="eb-paste">
                    <summary>{ "Paste many events (a JSON array or JSON lines)" }</summary>
                    <label class="sr-only" for="paste-events">{ "Events to split" }</label>
                    <textarea id="paste-events" data-testid="paste-events" rows="5" spellcheck="false"
                        value={(*paste).clone()} oninput={on_paste_input} />
                    <button class="small" data-testid="split-events" onclick={on_split}>{ "Replace the events with these" }</button>
                </details>
                <ol class="eb-events">
                    { for ws.eb.events.iter().enumerate().map(|(i, text)| html! {
                        <EventCard index={i} text={AttrValue::from(text.clone())} dark={dark}
                            result={results.get(i).cloned().map(Rc::new)} />
                    }) }
                </ol>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct EventCardProps {
    index: usize,
    text: AttrValue,
    dark: bool,
    result: Option<Rc<Value>>,
}

/// The path of the field that decided a no-match; a match has none (every field held).
fn deciding(result: &Value) -> Option<String> {
    result
        .get("explanation")?
        .get("failed")?
        .get("path")?
        .as_str()
        .map(str::to_string)
}

#[function_component(EventCard)]
fn event_card(props: &EventCardProps) -> Html {
    let ctx = use_ctx();
    let i = props.index;
    let on_change = {
        let ctx = ctx.clone();
        Callback::from(move |text: String| ctx.dispatch(Action::Eb(EbAction::EditEvent(i, text))))
    };
    let on_remove = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.dispatch(Action::Eb(EbAction::RemoveEvent(i))))
    };
    let result = props.result.as_deref();
    let decided = result.and_then(deciding);
    // The deciding field is underlined in the event where the event holds it; an event
    // fault (not JSON, a missing envelope field) is underlined where the engine placed it.
    let diagnostics: Rc<Vec<EditorDiagnostic>> = match result {
        Some(r) if r.get("error").is_some() => fault_diagnostics(Some(r)),
        Some(r) => {
            let reason = r
                .get("explanation")
                .and_then(|e| e.get("failed"))
                .map(|f| text_of(f, "reason").to_string());
            let place = r.get("locations").and_then(Value::as_array).and_then(|l| {
                l.iter()
                    .find(|p| decided.as_deref() == p.get("path").and_then(Value::as_str))
            });
            match (place, reason) {
                (Some(p), Some(reason)) => placed(
                    p.get("line").and_then(Value::as_u64).unwrap_or(1),
                    p.get("column").and_then(Value::as_u64).unwrap_or(1),
                    &format!("Decides no match: {reason}"),
                    DiagnosticSeverity::Warning,
                ),
                _ => Rc::new(Vec::new()),
            }
        }
        None => Rc::new(Vec::new()),
    };
    let badge = match result {
        None => {
            html! { <span class="status" data-testid={format!("event-result-{i}")}>{ "…" }</span> }
        }
        Some(r) => match r.get("result").and_then(Value::as_bool) {
            Some(true) => {
                html! { <span class="status succeeded" data-testid={format!("event-result-{i}")}>{ "match" }</span> }
            }
            Some(false) => {
                html! { <span class="status failed" data-testid={format!("event-result-{i}")}>{ "no match" }</span> }
            }
            None => html! {
                <span class="status failed" role="alert" data-testid={format!("event-result-{i}")}>
                    { format!("{}: {}", text_of(r, "error"), text_of(r, "message")) }
                </span>
            },
        },
    };
    let fields: Vec<Value> = result
        .and_then(|r| r.get("explanation"))
        .and_then(|e| e.get("fields"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    html! {
        <li class="eb-event" data-testid={format!("event-card-{i}")} aria-label={format!("Event {}", i + 1)}>
            <div class="editor-head">
                <span class="editor-label">{ format!("Event {}", i + 1) }</span>
                { badge }
                <span class="spacer" />
                <button class="small" onclick={on_remove} data-testid={format!("remove-event-{i}")}
                    aria-label={format!("Remove event {}", i + 1)}>{ "Remove" }</button>
            </div>
            <div class="code" style="--rows: 8">
                <CodeEditor value={props.text.clone()} label={AttrValue::from(format!("Event {}", i + 1))}
                    test_id={AttrValue::from(format!("event-{i}"))} diagnostics={diagnostics}
                    dark={props.dark} on_change={on_change} />
            </div>
            if !fields.is_empty() {
                <table class="eb-explain" data-testid={format!("explanation-{i}")}>
                    <caption class="sr-only">{ format!("The fields the pattern read in event {}", i + 1) }</caption>
                    <thead><tr>
                        <th scope="col">{ "Field" }</th><th scope="col">{ "Pattern" }</th>
                        <th scope="col">{ "Event value" }</th><th scope="col">{ "Why" }</th>
                    </tr></thead>
                    <tbody>
                        { for fields.iter().map(|f| {
                            let path = text_of(f, "path").to_string();
                            let is_decider = decided.as_deref() == Some(path.as_str());
                            let matched = f.get("matched").and_then(Value::as_bool).unwrap_or(false);
                            let values = f.get("value").cloned().map_or_else(
                                || f.get("event_values").map(|v| v.to_string()).unwrap_or_default(),
                                |v| v.to_string(),
                            );
                            html! {
                                <tr class={classes!("read", if matched { "held" } else { "failed" }, is_decider.then_some("deciding"))}>
                                    <th scope="row"><code>{ path }</code>
                                        if is_decider { <span class="decider" data-testid="deciding">{ " ◆ deciding" }</span> }
                                    </th>
                                    <td><code>{ f.get("conditions").map(|c| c.to_string()).unwrap_or_default() }</code></td>
                                    <td><code>{ values }</code></td>
                                    <td>{ text_of(f, "reason") }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
            if let Some(r) = result.filter(|r| r.get("explanation").is_some() && fields.is_empty()) {
                <pre tabindex="0" class="explanation">{ pretty(r.get("explanation").unwrap_or(&Value::Null)) }</pre>
            }
        </li>
    }
}
