//! The bus system view: a scenario document (buses, rules with their targets, archives,
//! state machines, then steps such as putEvents and startReplay) run by the simulated bus,
//! and what happened: which rules fired, what each target received, each execution's status.

use super::super::code_editor::CodeEditor;
use super::{pretty, pretty_text, text_of};
use crate::browser;
use crate::components::use_ctx;
use crate::state::{Action, EbAction, EbField, Kind};
use serde_json::Value;
use std::rc::Rc;
use stepbridge_inspect::protocol::{EbTool, Request};
use yew::prelude::*;

#[function_component(Bus)]
pub fn bus() -> Html {
    let ctx = use_ctx();
    let eb = &ctx.state.workspace.eb;
    let dark = browser::is_dark(ctx.state.theme.as_str());
    let on_change = {
        let ctx = ctx.clone();
        Callback::from(move |text: String| {
            ctx.dispatch(Action::Eb(EbAction::Edit(EbField::Scenario, text)))
        })
    };
    let on_put = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            ctx.ask(
                Kind::Eb(EbTool::Bus),
                Request::SimulateBus {
                    scenario: ctx.state.workspace.eb.scenario.clone(),
                },
            );
        })
    };
    let answer = ctx.state.eb.bus.clone();
    let diagnostics = super::fault_diagnostics(
        answer
            .as_deref()
            .filter(|a| a.get("error").is_some() && a.get("line").is_some()),
    );
    html! {
        <div class="eb-two">
            <div class="eb-col">
                <div class="editor-head">
                    <span class="editor-label">{ "Scenario (buses, rules, targets, archives, steps)" }</span>
                    <span class="spacer" />
                    <button class="primary small" data-testid="put-events" onclick={on_put}>{ "Put events" }</button>
                </div>
                <div class="code" style="--rows: 26">
                    <CodeEditor value={AttrValue::from(eb.scenario.clone())} label="Bus scenario"
                        test_id="scenario" diagnostics={diagnostics} dark={dark} on_change={on_change} />
                </div>
                <p class="hint">{ "Steps: putEvents, advanceSeconds, advanceTo, startReplay, putRule, deleteRule, removeTargets, createSchedule, enableRule, disableRule. A rule takes up to five targets." }</p>
                <details class="eb-form-details" data-testid="rules-form-details">
                    <summary>{ "Buses and rules as a form (edits the JSON above)" }</summary>
                    <super::rules_form::RulesForm />
                </details>
            </div>
            <div class="eb-col">
                { match answer.clone() {
                    None => html! { <p class="hint">{ "Press Put events to run the scenario." }</p> },
                    Some(run) => html! { <RunView run={run} /> },
                } }
                <super::archives::Archives run={answer} />
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub(super) struct RunViewProps {
    pub run: Rc<Value>,
}

fn items<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// One log entry in words; what a target received is shown below it.
fn describe(entry: &Value) -> String {
    let t = |k: &str| text_of(entry, k);
    match t("type") {
        "eventAccepted" if entry.get("fromExecution").is_some() => format!(
            "↳ Event {} published by workflow execution {} onto bus {}: {} from {}",
            t("eventId"),
            short(t("fromExecution")),
            t("bus"),
            text_of(&entry["event"], "detail-type"),
            text_of(&entry["event"], "source")
        ),
        "eventAccepted" => format!(
            "Event {} accepted on bus {}: {} from {}",
            t("eventId"),
            t("bus"),
            text_of(&entry["event"], "detail-type"),
            text_of(&entry["event"], "source")
        ),
        "workflowPutEvents" => {
            let count = entry.get("entries").and_then(Value::as_u64).unwrap_or(0);
            let mut line = format!(
                "Execution {} state {} called events:putEvents with {count} {}",
                short(t("executionArn")),
                t("state"),
                if count == 1 { "entry" } else { "entries" }
            );
            if entry.get("error").is_some() {
                line.push_str(&format!(" and failed: {}: {}", t("error"), t("message")));
            }
            line
        }
        "workflowEventsStopped" => format!(
            "Stopped following workflow events at execution {} state {}: {}",
            short(t("executionArn")),
            t("state"),
            t("message")
        ),
        "ruleMatched" if entry.get("replayName").is_some() => format!(
            "Rule {} fired for replayed event {} (bus {}, replay-name {})",
            t("rule"),
            t("eventId"),
            t("bus"),
            t("replayName")
        ),
        "eventArchived" => format!("Event {} archived in {}", t("eventId"), t("archive")),
        "ruleMatched" => format!(
            "Rule {} fired for event {} (bus {})",
            t("rule"),
            t("eventId"),
            t("bus")
        ),
        "scheduleFired" => format!("Scheduled rule {} fired", t("rule")),
        "schedulerFired" => format!("Schedule {} fired", t("schedule")),
        "targetInvoked" => format!(
            "Rule {} → target {} ({}) received:",
            t("rule"),
            t("targetId"),
            t("service")
        ),
        "eventForwarded" => format!(
            "Rule {} → target {} forwarded event {} from bus {} to bus {}",
            t("rule"),
            t("targetId"),
            t("eventId"),
            t("fromBus"),
            t("toBus")
        ),
        "executionStarted" => format!(
            "Rule {} → target {} started an execution: {}",
            t("rule"),
            t("targetId"),
            entry
                .get("status")
                .map(|s| s.as_str().unwrap_or_default().to_string())
                .unwrap_or_default()
        ),
        "deliveryFailed" => format!(
            "Rule {} → target {} failed: {}: {}",
            t("rule"),
            t("targetId"),
            t("error"),
            t("message")
        ),
        "sentToDeadLetterQueue" => format!(
            "Rule {} → target {}: event {} sent to dead-letter queue {} (ERROR_CODE {})",
            t("rule"),
            t("targetId"),
            text_of(&entry["event"], "id"),
            t("queueArn").rsplit(':').next().unwrap_or_default(),
            text_of(&entry["attributes"], "ERROR_CODE")
        ),
        "eventReplayed" => format!(
            "Replay {} sent event {} to bus {}",
            t("replay"),
            t("eventId"),
            t("bus")
        ),
        "replayCompleted" => format!(
            "Replay {} from archive {} completed: {} events",
            t("replay"),
            t("archive"),
            entry
                .get("eventsReplayed")
                .map(Value::to_string)
                .unwrap_or_default()
        ),
        other => format!("{other}: {}", pretty(entry)),
    }
}

/// "Events published by workflows: …", when a workflow's `events:putEvents` task put some.
fn workflow_summary(run: &Value) -> Option<String> {
    let published: Vec<String> = items(run, "log")
        .iter()
        .filter(|e| text_of(e, "type") == "eventAccepted" && e.get("fromExecution").is_some())
        .map(|e| {
            format!(
                "{} → bus {}",
                text_of(&e["event"], "detail-type"),
                text_of(e, "bus")
            )
        })
        .collect();
    (!published.is_empty()).then(|| {
        format!(
            "Events published by workflows (events:putEvents): {}: {}",
            published.len(),
            published.join(", ")
        )
    })
}

/// What a simulation did: faults in the document, the log in order, and the executions.
/// Opens the execution (with its trace) in the state-machine workbench.
fn open_button(run: &Rc<Value>, execution: &Value) -> Html {
    html! { <OpenExecution run={run.clone()} execution={Rc::new(execution.clone())} /> }
}

#[derive(Properties, PartialEq)]
struct OpenProps {
    run: Rc<Value>,
    execution: Rc<Value>,
}

#[function_component(OpenExecution)]
fn open_execution(props: &OpenProps) -> Html {
    let ctx = use_ctx();
    let onclick = {
        let run = props.run.clone();
        let execution = props.execution.clone();
        Callback::from(move |_| super::open_execution::open(&ctx, &run, &execution))
    };
    let opens = props.run.get("machines").is_some();
    html! {
        <button class="small" data-testid="open-execution" {onclick} disabled={!opens}
            title="Load this execution's definition, input and mocks into the state-machine workbench and run it there">
            { "Open in the state-machine workbench" }
        </button>
    }
}

#[function_component(RunView)]
pub(super) fn run_view(props: &RunViewProps) -> Html {
    let run = &*props.run;
    if run.get("error").is_some() {
        return html! {
            <p class="result error" role="alert" data-testid="bus-error">
                { format!("{}: {}", text_of(run, "error"), text_of(run, "message")) }
            </p>
        };
    }
    let faults: Vec<&Value> = items(run, "setup")
        .iter()
        .chain(items(run, "steps"))
        .filter(|e| e.get("error").is_some())
        .collect();
    // Each rule once, with how many events it fired for.
    let mut fired: Vec<(&str, usize)> = Vec::new();
    for entry in items(run, "log") {
        if text_of(entry, "type") == "ruleMatched" {
            let rule = text_of(entry, "rule");
            match fired.iter_mut().find(|(r, _)| *r == rule) {
                Some((_, n)) => *n += 1,
                None => fired.push((rule, 1)),
            }
        }
    }
    let fired: Vec<String> = fired
        .into_iter()
        .map(|(rule, n)| {
            if n == 1 {
                rule.to_string()
            } else {
                format!("{rule} (×{n})")
            }
        })
        .collect();
    html! {
        <div class="eb-run" data-testid="bus-run">
            if !faults.is_empty() {
                <ul class="eb-faults" role="alert" data-testid="bus-faults">
                    { for faults.iter().map(|f| html! {
                        <li><code>{ text_of(f, "at") }</code>{ format!(" {}: {}", text_of(f, "error"), text_of(f, "message")) }</li>
                    }) }
                </ul>
            }
            <p data-testid="rules-fired">{ if fired.is_empty() {
                "No rule fired.".to_string()
            } else {
                format!("Rules fired: {}", fired.join(", "))
            } }</p>
            if let Some(summary) = workflow_summary(run) {
                <p class="eb-from-workflow" data-testid="workflow-events">{ summary }</p>
            }
            <ol class="eb-log" data-testid="bus-log" aria-label="What happened, in order">
                { for items(run, "log").iter().map(|entry| html! {
                    <li class={classes!("eb-log-entry", text_of(entry, "type").to_string(),
                        entry.get("fromExecution").is_some().then_some("from-workflow"))}>
                        <time>{ text_of(entry, "time") }</time>{ " " }{ describe(entry) }
                        if text_of(entry, "type") == "targetInvoked" {
                            <pre tabindex="0" class="eb-output">{ pretty_text(text_of(entry, "input")) }</pre>
                        }
                    </li>
                }) }
            </ol>
            if !items(run, "executions").is_empty() {
                <table class="eb-executions" data-testid="executions">
                    <caption>{ "State machine executions started by targets" }</caption>
                    <thead><tr>
                        <th scope="col">{ "Target" }</th><th scope="col">{ "Execution" }</th>
                        <th scope="col">{ "Status" }</th><th scope="col">{ "Input (after the transformer)" }</th>
                        <th scope="col">{ "Output or error" }</th>
                        <th scope="col"><span class="sr-only">{ "Open" }</span></th>
                    </tr></thead>
                    <tbody>
                        { for items(run, "executions").iter().map(|x| {
                            let outcome = x.get("outcome").cloned().unwrap_or(Value::Null);
                            let status = text_of(&outcome, "status").to_string();
                            let arn = text_of(x, "executionArn");
                            let name = arn.rsplit(':').next().unwrap_or(arn).to_string();
                            let result = match outcome.get("output") {
                                Some(out) if !out.is_null() => pretty(out),
                                _ => format!("{} {}", text_of(&outcome, "error"), text_of(&outcome, "cause")),
                            };
                            html! {
                                <tr>
                                    <td>{ format!("{} / {}", rule_name(text_of(x, "ruleArn")), text_of(x, "targetId")) }</td>
                                    <td><code title={arn.to_string()}>{ name }</code></td>
                                    <td><span data-testid="execution-status" class={classes!("status", status.to_lowercase())}>{ status.clone() }</span></td>
                                    <td><pre tabindex="0">{ pretty(x.get("input").unwrap_or(&Value::Null)) }</pre></td>
                                    <td><pre tabindex="0">{ result }</pre></td>
                                    <td>{ open_button(&props.run, x) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
            if !items(run, "schemas").is_empty() {
                <section class="eb-schemas" aria-label="Schemas of the events seen" data-testid="schemas">
                    <h4>{ "Schemas of the events seen (discovered-schemas registry)" }</h4>
                    { for items(run, "schemas").iter().map(schema_view) }
                </section>
            }
        </div>
    }
}

/// One discovered schema, its TypeScript bindings ready to copy.
fn schema_view(schema: &Value) -> Html {
    let ts = text_of(schema, "typescript").to_string();
    let on_copy = {
        let ts = ts.clone();
        Callback::from(move |_| {
            browser::copy(&ts);
        })
    };
    html! {
        <details class="eb-schema">
            <summary><code>{ text_of(schema, "name") }</code>
                { format!(" version {}, from {} events", schema.get("version").map(Value::to_string).unwrap_or_default(),
                    schema.get("eventCount").map(Value::to_string).unwrap_or_default()) }</summary>
            <button class="small" onclick={on_copy}>{ "Copy TypeScript" }</button>
            <pre tabindex="0" class="eb-output" data-testid="schema-typescript">{ ts }</pre>
        </details>
    }
}

/// An execution ARN's last part (its name).
fn short(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

fn rule_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}
