//! Archives and replay: controls that add an archive (pattern, retention) or a replay of a
//! time window to the scenario's JSON, and a view of the last run: which events each archive
//! kept, and for each replay the events it sent back and the rules that fired on them, with
//! the `replay-name` EventBridge adds to a replayed event
//! (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html>).
//!
//! The controls' text is kept as it is typed (`oninput`), so a render caused by another
//! control (a bus chosen, a reply) never puts back an older value.

use super::{pretty_text, text_of};
use crate::components::use_ctx;
use crate::state::json_edit::{self, key};
use crate::state::{Action, EbAction, EbField, Kind};
use serde_json::{json, Value};
use std::rc::Rc;
use stepbridge_inspect::protocol::{EbTool, Request};
use yew::prelude::*;

fn items<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

/// One replay as the log tells it: events sent, rules fired (and what their targets got).
#[derive(Default)]
struct Replay<'a> {
    name: String,
    bus: String,
    events: Vec<String>,
    fired: Vec<(&'a Value, Vec<&'a Value>)>,
    completed: Option<&'a Value>,
}

/// Groups the log by replay: a rule that fired with `replayName` belongs to its replay, and
/// the deliveries right after it are its targets'.
fn replays(log: &[Value]) -> Vec<Replay<'_>> {
    let mut out: Vec<Replay> = Vec::new();
    let mut current: Option<usize> = None;
    for entry in log {
        let replay_of = |name: &str, out: &mut Vec<Replay>| -> usize {
            match out.iter().position(|r| r.name == name) {
                Some(i) => i,
                None => {
                    out.push(Replay {
                        name: name.to_string(),
                        ..Replay::default()
                    });
                    out.len() - 1
                }
            }
        };
        match text_of(entry, "type") {
            "eventReplayed" => {
                let i = replay_of(text_of(entry, "replay"), &mut out);
                out[i].bus = text_of(entry, "bus").to_string();
                out[i].events.push(text_of(entry, "eventId").to_string());
                current = None;
            }
            "ruleMatched" => {
                current = entry.get("replayName").and_then(Value::as_str).map(|name| {
                    let i = replay_of(name, &mut out);
                    out[i].fired.push((entry, Vec::new()));
                    i
                });
            }
            "targetInvoked" | "executionStarted" | "eventForwarded" | "deliveryFailed" => {
                if let Some(last) = current.and_then(|i| out[i].fired.last_mut()) {
                    last.1.push(entry);
                }
            }
            "replayCompleted" => {
                let i = replay_of(text_of(entry, "replay"), &mut out);
                out[i].completed = Some(entry);
                current = None;
            }
            _ => current = None,
        }
    }
    out
}

fn delivery(entry: &Value) -> Html {
    let t = |k: &str| text_of(entry, k);
    match t("type") {
        "targetInvoked" => html! {
            <li>{ format!("target {} ({}) received:", t("targetId"), t("service")) }
                <pre tabindex="0" class="eb-output">{ pretty_text(t("input")) }</pre></li>
        },
        "executionStarted" => html! {
            <li>{ format!("target {} started execution {}: {}", t("targetId"),
                t("executionArn").rsplit(':').next().unwrap_or_default(),
                entry.get("status").and_then(Value::as_str).unwrap_or_default()) }</li>
        },
        "eventForwarded" => {
            html! { <li>{ format!("target {} forwarded it to bus {}", t("targetId"), t("toBus")) }</li> }
        }
        _ => {
            html! { <li>{ format!("target {} failed: {}: {}", t("targetId"), t("error"), t("message")) }</li> }
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct ArchivesProps {
    /// The last run, when there is one.
    pub run: Option<Rc<Value>>,
}

#[function_component(Archives)]
pub fn archives(props: &ArchivesProps) -> Html {
    let ctx = use_ctx();
    let doc: Value = serde_json::from_str(&ctx.state.workspace.eb.scenario).unwrap_or(Value::Null);
    let archive_names: Vec<String> = items(&doc, "archives")
        .iter()
        .map(|a| text_of(a, "ArchiveName").to_string())
        .collect();
    let buses: Vec<String> = std::iter::once("default".to_string())
        .chain(
            items(&doc, "buses")
                .iter()
                .filter_map(|b| b.as_str().map(str::to_string)),
        )
        .collect();
    let start = doc
        .get("startTime")
        .and_then(Value::as_str)
        .unwrap_or("2024-01-01T00:00:00Z")
        .to_string();

    let name = use_state(|| "all-events".to_string());
    let bus = use_state(|| None::<String>);
    let pattern = use_state(String::new);
    let retention = use_state(|| "0".to_string());
    let replay_name = use_state(|| "replay-1".to_string());
    let replay_archive = use_state(|| None::<String>);
    let from = use_state(|| None::<String>);
    let to = use_state(|| "2100-01-01T00:00:00Z".to_string());
    let problem = use_state(|| None::<String>);

    let edit =
        {
            let ctx = ctx.clone();
            let problem = problem.clone();
            move |make: &dyn Fn(&str) -> Option<String>, run: bool| {
                let current = ctx.state.workspace.eb.scenario.clone();
                match make(&current) {
                Some(next) => {
                    problem.set(None);
                    ctx.dispatch(Action::Eb(EbAction::Edit(EbField::Scenario, next.clone())));
                    if run {
                        ctx.ask(Kind::Eb(EbTool::Bus), Request::SimulateBus { scenario: next });
                    }
                }
                None => problem.set(Some(
                    "The scenario's JSON must be a valid object before the controls can change it."
                        .into(),
                )),
            }
            }
        };
    let append = |text: &str, list: &str, value: &Value| {
        if serde_json::from_str::<Value>(text)
            .ok()?
            .get(list)
            .is_some()
        {
            json_edit::push(text, &[key(list)], value)
        } else {
            json_edit::set(text, &[key(list)], &json!([value]))
        }
    };

    let on_add_archive = {
        let (name, bus, pattern, retention, problem) = (
            name.clone(),
            bus.clone(),
            pattern.clone(),
            retention.clone(),
            problem.clone(),
        );
        let edit = edit.clone();
        let default_bus = buses.last().cloned().unwrap_or_else(|| "default".into());
        Callback::from(move |_| {
            let mut archive = json!({"ArchiveName": name.trim(),
                "EventSourceArn": (*bus).clone().unwrap_or_else(|| default_bus.clone())});
            if !pattern.trim().is_empty() {
                match serde_json::from_str::<Value>(&pattern) {
                    Ok(p) => archive["EventPattern"] = p,
                    Err(e) => {
                        problem.set(Some(format!("The archive's pattern is not JSON: {e}")));
                        return;
                    }
                }
            }
            match retention.trim().parse::<u32>() {
                Ok(days) => archive["RetentionDays"] = json!(days),
                Err(_) => {
                    problem.set(Some(
                        "Retention is a whole number of days (0 keeps events indefinitely).".into(),
                    ));
                    return;
                }
            }
            edit(&|t: &str| append(t, "archives", &archive), false);
        })
    };
    let on_replay = {
        let (replay_name, replay_archive, from, to) = (
            replay_name.clone(),
            replay_archive.clone(),
            from.clone(),
            to.clone(),
        );
        let edit = edit.clone();
        let first_archive = archive_names.first().cloned().unwrap_or_default();
        let doc = doc.clone();
        let start = start.clone();
        Callback::from(move |_| {
            let archive = (*replay_archive)
                .clone()
                .unwrap_or_else(|| first_archive.clone());
            // A replay goes back to the bus its archive records.
            let source = items(&doc, "archives")
                .iter()
                .find(|a| text_of(a, "ArchiveName") == archive)
                .map(|a| {
                    a.get("EventSourceArn")
                        .and_then(Value::as_str)
                        .unwrap_or("default")
                })
                .unwrap_or("default")
                .to_string();
            let step = json!({"startReplay": {
                "ReplayName": replay_name.trim(),
                "EventSourceArn": archive,
                "EventStartTime": (*from).clone().unwrap_or_else(|| start.clone()),
                "EventEndTime": (*to).clone(),
                "Destination": {"Arn": source}
            }});
            edit(&|t: &str| append(t, "steps", &step), true);
        })
    };
    let text_input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(input_value(&e)))
    };
    let some_input = |state: &UseStateHandle<Option<String>>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(Some(input_value(&e))))
    };
    let on_bus = {
        let bus = bus.clone();
        Callback::from(move |e: Event| {
            bus.set(Some(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            ))
        })
    };
    let on_replay_archive = {
        let replay_archive = replay_archive.clone();
        Callback::from(move |e: Event| {
            replay_archive.set(Some(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            ))
        })
    };
    let chosen_bus = (*bus)
        .clone()
        .unwrap_or_else(|| buses.last().cloned().unwrap_or_default());

    html! {
        <section class="eb-archives" aria-label="Archives and replay" data-testid="archives">
            <h4>{ "Archives and replay" }</h4>
            <div class="eb-form-row">
                <label>{ "Archive " }<input type="text" value={(*name).clone()} oninput={text_input(&name)} data-testid="archive-name" /></label>
                <label>{ "of bus " }<select onchange={on_bus} data-testid="archive-bus">
                    { for buses.iter().map(|b| html! { <option value={b.clone()} selected={*b == chosen_bus}>{ b.clone() }</option> }) }
                </select></label>
                <label class="grow">{ "pattern (optional) " }<input type="text" value={(*pattern).clone()} oninput={text_input(&pattern)}
                    placeholder="{\"detail-type\": [\"Order Placed\"]}" data-testid="archive-pattern" /></label>
                <label>{ "retention (days, 0 = forever) " }<input type="number" min="0" value={(*retention).clone()}
                    oninput={text_input(&retention)} data-testid="archive-retention" class="narrow" /></label>
                <button class="small" onclick={on_add_archive} data-testid="add-archive">{ "Add archive" }</button>
            </div>
            <div class="eb-form-row">
                <label>{ "Replay " }<input type="text" value={(*replay_name).clone()} oninput={text_input(&replay_name)} data-testid="replay-name" /></label>
                <label>{ "from archive " }<select onchange={on_replay_archive} data-testid="replay-archive">
                    { for archive_names.iter().map(|a| html! {
                        <option value={a.clone()} selected={Some(a) == replay_archive.as_ref()}>{ a.clone() }</option>
                    }) }
                </select></label>
                <label>{ "events from " }<input type="text" value={(*from).clone().unwrap_or_else(|| start.clone())}
                    oninput={some_input(&from)} data-testid="replay-start" /></label>
                <label>{ "to " }<input type="text" value={(*to).clone()} oninput={text_input(&to)} data-testid="replay-end" /></label>
                <button class="small primary" onclick={on_replay} disabled={archive_names.is_empty()}
                    data-testid="start-replay">{ "Replay to its bus and run" }</button>
            </div>
            if let Some(message) = (*problem).clone() {
                <p class="result error" role="alert" data-testid="archive-problem">{ message }</p>
            }
            if let Some(run) = props.run.as_deref() {
                { archived_view(run) }
                { replays_view(run) }
            }
        </section>
    }
}

/// Each archive of the run, with the events it kept.
fn archived_view(run: &Value) -> Html {
    let log = items(run, "log");
    let detail_type = |id: &str| {
        log.iter()
            .find(|e| text_of(e, "type") == "eventAccepted" && text_of(e, "eventId") == id)
            .map(|e| text_of(&e["event"], "detail-type").to_string())
            .unwrap_or_default()
    };
    let archives = items(&run["state"], "archives");
    if archives.is_empty() {
        return html! { <p class="hint">{ "No archive in this scenario." }</p> };
    }
    html! {
        <table class="eb-archive-table" data-testid="archived-events">
            <caption>{ "What each archive kept" }</caption>
            <thead><tr><th scope="col">{ "Archive" }</th><th scope="col">{ "Bus, pattern, retention" }</th>
                <th scope="col">{ "Events archived" }</th></tr></thead>
            <tbody>
                { for archives.iter().map(|a| {
                    let name = text_of(a, "ArchiveName");
                    let kept: Vec<String> = log.iter()
                        .filter(|e| text_of(e, "type") == "eventArchived" && text_of(e, "archive") == name)
                        .map(|e| { let id = text_of(e, "eventId"); format!("{id} ({})", detail_type(id)) })
                        .collect();
                    let days = a.get("RetentionDays").and_then(Value::as_u64).unwrap_or(0);
                    html! {
                        <tr data-testid={format!("archive-{name}")}>
                            <th scope="row"><code>{ name }</code></th>
                            <td>{ format!("{}; {}; {}",
                                text_of(a, "EventSourceArn").rsplit('/').next().unwrap_or_default(),
                                a.get("EventPattern").and_then(Value::as_str).unwrap_or("all events"),
                                if days == 0 { "kept indefinitely".to_string() } else { format!("{days} days") }) }</td>
                            <td>{ if kept.is_empty() { "none".to_string() } else { kept.join(", ") } }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

/// Each replay: where its events went and which rules fired on them.
fn replays_view(run: &Value) -> Html {
    let all = replays(items(run, "log"));
    if all.is_empty() {
        return html! {};
    }
    html! {
        <ul class="eb-replays" data-testid="replays" aria-label="Replays">
            { for all.iter().map(|r| html! {
                <li data-testid={format!("replay-{}", r.name)}>
                    <p>{ format!("Replay {} sent {} event{} back to bus {}{}", r.name, r.events.len(),
                        if r.events.len() == 1 { "" } else { "s" },
                        if r.bus.is_empty() { "-" } else { &r.bus },
                        r.completed.map(|_| " (completed)").unwrap_or_default()) }</p>
                    if r.fired.is_empty() {
                        <p class="hint">{ "No rule fired on the replayed events." }</p>
                    } else {
                        <ol>
                            { for r.fired.iter().map(|(m, deliveries)| html! {
                                <li data-testid="replay-rule">
                                    { format!("Rule {} fired for event {} with replay-name {}", text_of(m, "rule"),
                                        text_of(m, "eventId"), text_of(m, "replayName")) }
                                    <ul>{ for deliveries.iter().map(|d| delivery(d)) }</ul>
                                </li>
                            }) }
                        </ol>
                    }
                </li>
            }) }
        </ul>
    }
}
