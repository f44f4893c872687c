//! Buses and rules as a form over the scenario's JSON: every control reads the document the
//! bus view runs and writes back only the value it is about (see `state::json_edit`), so the
//! text stays the user's everywhere else and the two never disagree.
//!
//! Targets: up to five per rule, as PutTargets allows
//! (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html>); each sends
//! the event as is, a constant `Input`, an `InputPath`, or an `InputTransformer`.

use super::text_of;
use crate::components::use_ctx;
use crate::state::json_edit::{self, key, PathStep};
use crate::state::{Action, EbAction, EbField};
use serde_json::{json, Value};
use yew::prelude::*;

/// The most targets a rule may have.
const MAX_TARGETS: usize = 5;

/// What PutTargets answers for a sixth target (LimitExceededException).
pub const TARGETS_LIMIT_MESSAGE: &str =
    "LimitExceededException: The requested resource exceeds the maximum number allowed. A rule can have at most 5 targets.";

/// One change of the document's text; None when it does not apply.
type Edit = Box<dyn Fn(&str) -> Option<String>>;

const INPUT_KINDS: [(&str, &str); 4] = [
    ("", "The matched event"),
    ("Input", "Constant (Input)"),
    ("InputPath", "Part of the event (InputPath)"),
    ("InputTransformer", "Input transformer"),
];

fn items(value: &Value, key: &str) -> Vec<Value> {
    value
        .get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn rule_path(i: usize) -> Vec<PathStep> {
    vec![key("rules"), PathStep::Index(i)]
}

fn target_path(rule: usize, target: usize) -> Vec<PathStep> {
    let mut p = rule_path(rule);
    p.push(key("Targets"));
    p.push(PathStep::Index(target));
    p
}

fn with(mut path: Vec<PathStep>, step: PathStep) -> Vec<PathStep> {
    path.push(step);
    path
}

fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

fn textarea_value(e: &Event) -> String {
    e.target_unchecked_into::<web_sys::HtmlTextAreaElement>()
        .value()
}

/// The text typed into the JSON field `id`, while it does not parse yet.
fn drafted(draft: &UseStateHandle<Option<(String, String)>>, id: &str) -> Option<String> {
    (**draft)
        .clone()
        .filter(|(at, _)| at == id)
        .map(|(_, text)| text)
}

/// Keeps what is typed into a JSON field as it is typed, so no render puts back the old value.
fn keep_draft(draft: &UseStateHandle<Option<(String, String)>>, id: &str) -> Callback<InputEvent> {
    let draft = draft.clone();
    let id = id.to_string();
    Callback::from(move |e: InputEvent| draft.set(Some((id.clone(), textarea_value(&e)))))
}

/// A value as the text a form field shows: strings bare, anything else as JSON.
fn field_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

#[function_component(RulesForm)]
pub fn rules_form() -> Html {
    let ctx = use_ctx();
    let text = ctx.state.workspace.eb.scenario.clone();
    // A field whose text is not valid yet, with why: kept here until it is, so the JSON
    // document never holds half-typed JSON from the form.
    let fault = use_state(|| None::<(String, String)>);
    // The JSON field being typed (its id and text): shown as typed until it parses.
    let draft = use_state(|| None::<(String, String)>);
    let doc: Value = match serde_json::from_str(&text) {
        Ok(doc @ Value::Object(_)) => doc,
        _ => {
            return html! {
                <p class="hint" data-testid="rules-form-unavailable">
                    { "The form edits the scenario once its JSON is a valid object; fix the JSON first." }
                </p>
            }
        }
    };
    // One edit of the document: applied when the path leads somewhere.
    let apply = {
        let ctx = ctx.clone();
        let fault = fault.clone();
        move |edit: Edit| {
            let current = ctx.state.workspace.eb.scenario.clone();
            if let Some(next) = edit(&current) {
                fault.set(None);
                ctx.dispatch(Action::Eb(EbAction::Edit(EbField::Scenario, next)));
            }
        }
    };
    let set_at = {
        let apply = apply.clone();
        move |path: Vec<PathStep>, value: Value| {
            apply(Box::new(move |t: &str| json_edit::set(t, &path, &value)))
        }
    };
    let buses: Vec<String> = items(&doc, "buses")
        .iter()
        .filter_map(|b| {
            b.as_str()
                .or_else(|| b.get("Name").and_then(Value::as_str))
                .map(str::to_string)
        })
        .collect();
    let rules = items(&doc, "rules");

    let new_bus = use_state(String::new);
    let on_new_bus = {
        let new_bus = new_bus.clone();
        Callback::from(move |e: InputEvent| new_bus.set(input_value(&e)))
    };
    let on_add_bus = {
        let apply = apply.clone();
        let new_bus = new_bus.clone();
        let has = doc.get("buses").is_some();
        Callback::from(move |_| {
            let name = new_bus.trim().to_string();
            if name.is_empty() {
                return;
            }
            new_bus.set(String::new());
            apply(Box::new(move |t: &str| {
                if has {
                    json_edit::push(t, &[key("buses")], &json!(name))
                } else {
                    json_edit::set(t, &[key("buses")], &json!([name]))
                }
            }))
        })
    };
    let on_add_rule = {
        let apply = apply.clone();
        let has = doc.get("rules").is_some();
        let n = rules.len() + 1;
        Callback::from(move |_| {
            let rule = json!({"Name": format!("rule-{n}"), "EventPattern": {"source": ["com.example.orders"]}});
            apply(Box::new(move |t: &str| {
                if has {
                    json_edit::push(t, &[key("rules")], &rule)
                } else {
                    json_edit::set(t, &[key("rules")], &json!([rule]))
                }
            }))
        })
    };

    let bus_rows = buses.iter().enumerate().map(|(i, name)| {
        let apply = apply.clone();
        let remove = Callback::from(move |_| {
            apply(Box::new(move |t: &str| {
                json_edit::remove(t, &[key("buses"), PathStep::Index(i)])
            }))
        });
        html! {
            <li><code>{ name }</code>{ " " }
                <button class="small" onclick={remove} aria-label={format!("Remove bus {name}")}>{ "Remove" }</button></li>
        }
    });

    let rule_views = rules.iter().enumerate().map(|(ri, rule)| {
        let name = text_of(rule, "Name").to_string();
        let bus = rule
            .get("EventBusName")
            .and_then(Value::as_str)
            .unwrap_or("default")
            .to_string();
        let enabled = text_of(rule, "State") != "DISABLED";
        let targets = items(rule, "Targets");
        let on_name = {
            let set_at = set_at.clone();
            Callback::from(move |e: InputEvent| set_at(with(rule_path(ri), key("Name")), json!(input_value(&e))))
        };
        let on_bus = {
            let set_at = set_at.clone();
            Callback::from(move |e: Event| {
                let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                set_at(with(rule_path(ri), key("EventBusName")), json!(value))
            })
        };
        let on_enabled = {
            let set_at = set_at.clone();
            Callback::from(move |e: Event| {
                let on = e.target_unchecked_into::<web_sys::HtmlInputElement>().checked();
                set_at(
                    with(rule_path(ri), key("State")),
                    json!(if on { "ENABLED" } else { "DISABLED" }),
                )
            })
        };
        let pattern_id = format!("rule-{ri}-pattern");
        let on_pattern = {
            let set_at = set_at.clone();
            let fault = fault.clone();
            let id = pattern_id.clone();
            let draft = draft.clone();
            Callback::from(move |e: Event| match serde_json::from_str::<Value>(&textarea_value(&e)) {
                Ok(pattern) => {
                    draft.set(None);
                    set_at(with(rule_path(ri), key("EventPattern")), pattern)
                }
                Err(err) => fault.set(Some((id.clone(), format!("The pattern is not JSON yet: {err}")))),
            })
        };
        let pattern_text = drafted(&draft, &pattern_id).unwrap_or_else(|| field_text(rule.get("EventPattern")));
        let on_remove_rule = {
            let apply = apply.clone();
            Callback::from(move |_| apply(Box::new(move |t: &str| json_edit::remove(t, &rule_path(ri)))))
        };
        let limit_id = format!("rule-{ri}-targets");
        let on_add_target = {
            let apply = apply.clone();
            let fault = fault.clone();
            let count = targets.len();
            let has = rule.get("Targets").is_some();
            let limit_id = limit_id.clone();
            Callback::from(move |_| {
                if count >= MAX_TARGETS {
                    fault.set(Some((limit_id.clone(), TARGETS_LIMIT_MESSAGE.to_string())));
                    return;
                }
                let target = json!({"Id": format!("target-{}", count + 1),
                    "Arn": "arn:aws:logs:us-east-1:123456789012:log-group:/events/log"});
                apply(Box::new(move |t: &str| {
                    if has {
                        json_edit::push(t, &with(rule_path(ri), key("Targets")), &target)
                    } else {
                        json_edit::set(t, &with(rule_path(ri), key("Targets")), &json!([target]))
                    }
                }))
            })
        };
        let target_views = targets.iter().enumerate().map(|(ti, target)| {
            target_view(ri, ti, target, &apply, &set_at, &fault, &draft)
        });
        let fault_for = |id: &str| (*fault).clone().filter(|(at, _)| at == id).map(|(_, m)| m);
        html! {
            <fieldset class="eb-rule-form" data-testid={format!("rule-form-{ri}")}>
                <legend>{ format!("Rule {}", if name.is_empty() { "(no name)" } else { &name }) }</legend>
                <div class="eb-form-row">
                    <label>{ "Name " }<input type="text" value={name.clone()} oninput={on_name}
                        data-testid={format!("rule-{ri}-name")} /></label>
                    <label>{ "Bus " }<select onchange={on_bus} data-testid={format!("rule-{ri}-bus")}>
                        { for std::iter::once("default".to_string()).chain(buses.iter().cloned()).map(|b| html! {
                            <option value={b.clone()} selected={b == bus}>{ b.clone() }</option>
                        }) }
                    </select></label>
                    <label><input type="checkbox" checked={enabled} onchange={on_enabled}
                        data-testid={format!("rule-{ri}-enabled")} />{ " Enabled" }</label>
                    <button class="small" onclick={on_remove_rule}
                        aria-label={format!("Remove rule {name}")}>{ "Remove rule" }</button>
                </div>
                <label class="eb-form-block">{ "Event pattern" }
                    <textarea rows="3" value={pattern_text} onchange={on_pattern}
                        oninput={keep_draft(&draft, &pattern_id)}
                        data-testid={format!("rule-{ri}-pattern")} spellcheck="false" />
                </label>
                if let Some(message) = fault_for(&pattern_id) {
                    <p class="result error" role="alert">{ message }</p>
                }
                <h5>{ format!("Targets ({} of at most {MAX_TARGETS})", targets.len()) }</h5>
                { for target_views }
                <button class="small" onclick={on_add_target} data-testid={format!("rule-{ri}-add-target")}>{ "Add target" }</button>
                if let Some(message) = fault_for(&limit_id) {
                    <p class="result error" role="alert" data-testid="targets-limit">{ message }</p>
                }
            </fieldset>
        }
    });

    html! {
        <div class="eb-rules-form" data-testid="rules-form">
            <fieldset class="eb-buses-form">
                <legend>{ "Custom buses (the default bus is always there)" }</legend>
                <ul class="eb-form-list">{ for bus_rows }</ul>
                <div class="eb-form-row">
                    <label>{ "New bus " }<input type="text" value={(*new_bus).clone()} oninput={on_new_bus}
                        data-testid="new-bus" /></label>
                    <button class="small" onclick={on_add_bus} data-testid="add-bus">{ "Add bus" }</button>
                </div>
            </fieldset>
            { for rule_views }
            <button class="small" onclick={on_add_rule} data-testid="add-rule">{ "Add rule" }</button>
            <p class="hint">{ "A delivery that fails here (a missing state machine or bus, an input that is not JSON) is the kind EventBridge does not retry: it goes straight to the target's dead-letter queue when it has one." }</p>
        </div>
    }
}

fn target_view(
    ri: usize,
    ti: usize,
    target: &Value,
    apply: &(impl Fn(Edit) + Clone + 'static),
    set_at: &(impl Fn(Vec<PathStep>, Value) + Clone + 'static),
    fault: &UseStateHandle<Option<(String, String)>>,
    draft: &UseStateHandle<Option<(String, String)>>,
) -> Html {
    let path = target_path(ri, ti);
    let kind = INPUT_KINDS
        .iter()
        .map(|(k, _)| *k)
        .find(|k| !k.is_empty() && target.get(*k).is_some())
        .unwrap_or("");
    let text_field = |field: &'static str| {
        let set_at = set_at.clone();
        let path = path.clone();
        Callback::from(move |e: InputEvent| {
            set_at(with(path.clone(), key(field)), json!(input_value(&e)))
        })
    };
    let on_kind = {
        let apply = apply.clone();
        let path = path.clone();
        Callback::from(move |e: Event| {
            let chosen = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            let path = path.clone();
            apply(Box::new(move |t: &str| {
                let mut text = t.to_string();
                for (k, _) in INPUT_KINDS.iter().filter(|(k, _)| !k.is_empty()) {
                    if let Some(next) = json_edit::remove(&text, &with(path.clone(), key(k))) {
                        text = next;
                    }
                }
                let value = match chosen.as_str() {
                    "Input" => json!("{}"),
                    "InputPath" => json!("$.detail"),
                    "InputTransformer" => json!({"InputPathsMap": {"source": "$.source"},
                        "InputTemplate": "{\"from\": <source>}"}),
                    _ => return Some(text),
                };
                json_edit::set(&text, &with(path.clone(), key(&chosen)), &value)
            }))
        })
    };
    let on_remove = {
        let apply = apply.clone();
        let path = path.clone();
        Callback::from(move |_| {
            let path = path.clone();
            apply(Box::new(move |t: &str| json_edit::remove(t, &path)))
        })
    };
    let transformer = target.get("InputTransformer");
    let map_id = format!("rule-{ri}-target-{ti}-paths");
    let on_paths = {
        let set_at = set_at.clone();
        let fault = fault.clone();
        let path = path.clone();
        let id = map_id.clone();
        let draft = draft.clone();
        Callback::from(
            move |e: Event| match serde_json::from_str::<Value>(&textarea_value(&e)) {
                Ok(map) => {
                    draft.set(None);
                    set_at(
                        with(
                            with(path.clone(), key("InputTransformer")),
                            key("InputPathsMap"),
                        ),
                        map,
                    )
                }
                Err(err) => fault.set(Some((
                    id.clone(),
                    format!("InputPathsMap is not JSON yet: {err}"),
                ))),
            },
        )
    };
    let on_template = {
        let set_at = set_at.clone();
        let path = path.clone();
        Callback::from(move |e: InputEvent| {
            set_at(
                with(
                    with(path.clone(), key("InputTransformer")),
                    key("InputTemplate"),
                ),
                json!(textarea_value(&e)),
            )
        })
    };
    let paths_fault = (**fault)
        .clone()
        .filter(|(at, _)| *at == map_id)
        .map(|(_, m)| m);
    let on_dlq = {
        let apply = apply.clone();
        let path = path.clone();
        Callback::from(move |e: InputEvent| {
            let arn = input_value(&e).trim().to_string();
            let path = with(path.clone(), key("DeadLetterConfig"));
            apply(Box::new(move |t: &str| {
                if arn.is_empty() {
                    json_edit::remove(t, &path)
                } else {
                    json_edit::set(t, &path, &json!({"Arn": arn}))
                }
            }))
        })
    };
    let retry = target.get("RetryPolicy");
    let retry_field = |field: &'static str| {
        let apply = apply.clone();
        let path = path.clone();
        let has_policy = retry.is_some_and(Value::is_object);
        Callback::from(move |e: InputEvent| {
            let text = input_value(&e);
            let value = text.trim().parse::<u64>().map_or(json!(text), |n| json!(n));
            let path = path.clone();
            apply(Box::new(move |t: &str| {
                let policy = with(path.clone(), key("RetryPolicy"));
                if has_policy {
                    json_edit::set(t, &with(policy, key(field)), &value)
                } else {
                    json_edit::set(t, &policy, &json!({ field: value }))
                }
            }))
        })
    };
    let retry_text = |field: &str| field_text(retry.and_then(|r| r.get(field)));
    html! {
        <div class="eb-target-form" data-testid={format!("rule-{ri}-target-{ti}")}>
            <div class="eb-form-row">
                <label>{ "Id " }<input type="text" value={text_of(target, "Id").to_string()}
                    oninput={text_field("Id")} data-testid={format!("rule-{ri}-target-{ti}-id")} /></label>
                <label class="grow">{ "Arn " }<input type="text" value={text_of(target, "Arn").to_string()}
                    oninput={text_field("Arn")} data-testid={format!("rule-{ri}-target-{ti}-arn")} /></label>
                <button class="small" onclick={on_remove}
                    aria-label={format!("Remove target {}", text_of(target, "Id"))}>{ "Remove" }</button>
            </div>
            <div class="eb-form-row">
                <label>{ "Sends " }<select onchange={on_kind} data-testid={format!("rule-{ri}-target-{ti}-input-kind")}>
                    { for INPUT_KINDS.iter().map(|(k, label)| html! {
                        <option value={*k} selected={*k == kind}>{ *label }</option>
                    }) }
                </select></label>
                if kind == "Input" {
                    <label class="grow">{ "Input (JSON text) " }<input type="text" value={field_text(target.get("Input"))}
                        oninput={text_field("Input")} /></label>
                }
                if kind == "InputPath" {
                    <label class="grow">{ "InputPath " }<input type="text" value={field_text(target.get("InputPath"))}
                        oninput={text_field("InputPath")} /></label>
                }
            </div>
            <div class="eb-form-row">
                <label class="grow">{ "Dead-letter queue (SQS queue ARN, optional) " }
                    <input type="text" value={field_text(target.get("DeadLetterConfig").and_then(|d| d.get("Arn")))}
                        oninput={on_dlq} placeholder="arn:aws:sqs:us-east-1:123456789012:my-dlq"
                        data-testid={format!("rule-{ri}-target-{ti}-dlq")} /></label>
                <label>{ "Retry attempts (0-185) " }<input type="number" min="0" max="185" class="narrow"
                    value={retry_text("MaximumRetryAttempts")} placeholder="185" oninput={retry_field("MaximumRetryAttempts")}
                    data-testid={format!("rule-{ri}-target-{ti}-retries")} /></label>
                <label>{ "Max event age (60-86400 s) " }<input type="number" min="60" max="86400" class="narrow"
                    value={retry_text("MaximumEventAgeInSeconds")} placeholder="86400" oninput={retry_field("MaximumEventAgeInSeconds")}
                    data-testid={format!("rule-{ri}-target-{ti}-max-age")} /></label>
            </div>
            if kind == "InputTransformer" {
                <div class="eb-form-row">
                    <label class="grow">{ "InputPathsMap" }
                        <textarea rows="2" spellcheck="false" onchange={on_paths}
                            value={drafted(draft, &map_id).unwrap_or_else(|| field_text(transformer.and_then(|t| t.get("InputPathsMap"))))}
                        oninput={keep_draft(draft, &map_id)}
                            data-testid={format!("rule-{ri}-target-{ti}-paths")} /></label>
                    <label class="grow">{ "InputTemplate" }
                        <textarea rows="2" spellcheck="false" oninput={on_template}
                            value={field_text(transformer.and_then(|t| t.get("InputTemplate")))}
                            data-testid={format!("rule-{ri}-target-{ti}-template")} /></label>
                </div>
                if let Some(message) = paths_fault {
                    <p class="result error" role="alert">{ message }</p>
                }
            }
        </div>
    }
}
