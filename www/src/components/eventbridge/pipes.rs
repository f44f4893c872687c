//! EventBridge Pipes: a pipe document (source records, filter, enrichment, target) run, with
//! each record's path (filtered out and why, or the batch it went in) and each batch's fate.

use super::super::code_editor::CodeEditor;
use super::{fault_diagnostics, pretty, text_of};
use crate::browser;
use crate::components::use_ctx;
use crate::state::{Action, EbAction, EbField, Kind};
use serde_json::Value;
use stepbridge_inspect::protocol::{EbTool, Request};
use yew::prelude::*;

fn items<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn number(value: &Value, key: &str) -> String {
    value.get(key).map(Value::to_string).unwrap_or_default()
}

fn record_row(record: &Value) -> Html {
    let status = text_of(record, "status").to_string();
    let filter = record.get("filter").cloned().unwrap_or(Value::Null);
    let why = if status == "FILTERED_OUT" {
        items(&filter, "reasons")
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        match filter.get("matchedFilter") {
            Some(i) => format!("passed filter {i}"),
            None => "no filter: every record passes".into(),
        }
    };
    let batch = record
        .get("batch")
        .filter(|b| !b.is_null())
        .map(|b| format!("batch {b}"))
        .unwrap_or_default();
    html! {
        <tr class={classes!(if status == "FILTERED_OUT" { "failed" } else { "held" })}>
            <th scope="row">{ number(record, "index") }</th>
            <td><span class="status" data-testid="record-status">{ status }</span></td>
            <td>{ why }</td>
            <td>{ batch }</td>
            <td><pre tabindex="0">{ pretty(record.get("record").unwrap_or(&Value::Null)) }</pre></td>
        </tr>
    }
}

fn batch_view(batch: &Value) -> Html {
    let status = text_of(batch, "status").to_string();
    let records: Vec<String> = items(batch, "records")
        .iter()
        .map(Value::to_string)
        .collect();
    let enrichment = batch.get("enrichment").filter(|e| !e.is_null());
    html! {
        <li class="eb-batch">
            <strong>{ format!("Batch {} (records {}): ", number(batch, "index"), records.join(", ")) }</strong>
            <span class={classes!("status", if status == "DELIVERED" { "succeeded" } else { "failed" })}
                data-testid="batch-status">{ status }</span>
            if let Some(e) = enrichment {
                <p>{ format!("Enrichment ({}): ", text_of(e, "kind")) }
                    { match e.get("output").filter(|o| !o.is_null()) {
                        Some(o) => o.to_string(),
                        None => format!("{} {}", text_of(e, "error"), text_of(e, "cause")),
                    } }</p>
            }
            if let Some(input) = batch.get("targetInput").filter(|i| !i.is_null()) {
                <p>{ "The target received:" }</p>
                <pre tabindex="0" class="eb-output">{ pretty(input) }</pre>
            }
            if let Some(target) = batch.get("target").filter(|t| !t.is_null()) {
                <pre tabindex="0" class="eb-output">{ pretty(target) }</pre>
            }
        </li>
    }
}

#[function_component(Pipes)]
pub fn pipes() -> Html {
    let ctx = use_ctx();
    let eb = &ctx.state.workspace.eb;
    let dark = browser::is_dark(ctx.state.theme.as_str());
    let on_change = {
        let ctx = ctx.clone();
        Callback::from(move |text: String| {
            ctx.dispatch(Action::Eb(EbAction::Edit(EbField::Pipe, text)))
        })
    };
    let on_run = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            ctx.ask(
                Kind::Eb(EbTool::Pipes),
                Request::RunPipe {
                    document: ctx.state.workspace.eb.pipe.clone(),
                },
            );
        })
    };
    let answer = ctx.state.eb.pipes.clone();
    let diagnostics = fault_diagnostics(
        answer
            .as_deref()
            .filter(|a| a.get("error").is_some() && a.get("line").is_some()),
    );
    let body = match answer.as_deref() {
        None => {
            html! { <p class="hint">{ "Press Run pipe to send the source records through it." }</p> }
        }
        Some(a) if a.get("error").is_some() => html! {
            <p class="result error" role="alert" data-testid="pipe-error">
                { format!("{}: {}", text_of(a, "error"), text_of(a, "message")) }
            </p>
        },
        Some(a) => {
            let summary = a.get("summary").cloned().unwrap_or(Value::Null);
            html! {
                <div data-testid="pipe-run">
                    <p data-testid="pipe-summary">{ format!(
                        "{} records, {} filtered out, {} batches ({} delivered, {} failed) of up to {}",
                        number(&summary, "records"), number(&summary, "filteredOut"), number(&summary, "batches"),
                        number(&summary, "deliveredBatches"), number(&summary, "failedBatches"), number(a, "batchSize")) }</p>
                    <table class="eb-explain" data-testid="pipe-records">
                        <caption class="sr-only">{ "Each record's path" }</caption>
                        <thead><tr>
                            <th scope="col">{ "Record" }</th><th scope="col">{ "Status" }</th>
                            <th scope="col">{ "Why" }</th><th scope="col">{ "Batch" }</th><th scope="col">{ "As the pipe saw it" }</th>
                        </tr></thead>
                        <tbody>{ for items(a, "records").iter().map(record_row) }</tbody>
                    </table>
                    <ol class="eb-log" data-testid="pipe-batches" aria-label="Batches">
                        { for items(a, "batches").iter().map(batch_view) }
                    </ol>
                </div>
            }
        }
    };
    html! {
        <div class="eb-two">
            <div class="eb-col">
                <div class="editor-head">
                    <span class="editor-label">{ "Pipe (CreatePipe members, SourceRecords, StateMachines)" }</span>
                    <span class="spacer" />
                    <button class="primary small" data-testid="run-pipe" onclick={on_run}>{ "Run pipe" }</button>
                </div>
                <div class="code" style="--rows: 26">
                    <CodeEditor value={AttrValue::from(eb.pipe.clone())} label="Pipe document"
                        test_id="pipe" diagnostics={diagnostics} dark={dark} on_change={on_change} />
                </div>
            </div>
            <div class="eb-col">{ body }</div>
        </div>
    }
}
