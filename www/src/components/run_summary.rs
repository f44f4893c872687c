//! How the last run ended: status, output or error, variables, and what ran unmocked.

use super::compare_view::CompareView;
use super::use_ctx;
use crate::state::Action;
use stepbridge_inspect::protocol::Request;
use yew::prelude::*;

#[function_component(RunSummary)]
pub fn run_summary() -> Html {
    let ctx = use_ctx();
    let state = &ctx.state;
    let Some(report) = state.report.clone() else {
        return html! {
            <p class="hint" data-testid="run-hint">
                { "Press Run (Ctrl+Enter) to execute the state machine; the graph, table and history of the run appear here." }
            </p>
        };
    };
    let pin = {
        let ctx = ctx.clone();
        let pinned = state.pinned.is_some();
        Callback::from(move |_| {
            ctx.engine
                .send(if pinned { Request::Unpin } else { Request::Pin });
            ctx.dispatch(if pinned { Action::Unpin } else { Action::Pin });
        })
    };
    html! {
        <div class="result" data-testid="run-result" data-run={state.finished_runs.to_string()}>
            <p class="result-line">
                <span class={classes!("status", report.status.to_lowercase())} data-testid="status">{ &report.status }</span>
                <span class="events" data-testid="event-count">{ format!("{} history events", report.history_events) }</span>
                if let Some(stop) = &report.stop_time {
                    <span class="events">{ format!("ended {stop} (virtual clock)") }</span>
                }
                <span class="spacer" />
                <button class="small" data-testid="pin" onclick={pin}>
                    { if state.pinned.is_some() { "Unpin" } else { "Pin to compare" } }
                </button>
            </p>
            if report.redrivable {
                <p class="row">
                    <button data-testid="redrive" onclick={{
                        let ctx = ctx.clone();
                        Callback::from(move |_| ctx.ask(crate::state::Kind::Run, Request::Redrive))
                    }}>{ "Redrive" }</button>
                    <span class="hint">{ "Runs the execution again from where it failed; states that succeeded keep their results." }</span>
                </p>
            }
            if report.redrive_count > 0 {
                <p class="hint" data-testid="redrive-count">{ format!("Redriven {} time(s)", report.redrive_count) }</p>
            }
            if let Some(error) = &report.error {
                <p class="error" data-testid="error"><strong>{ error }</strong>{ " " }{ report.cause.clone().unwrap_or_default() }</p>
            }
            if !report.diagnostics.is_empty() {
                <ul class="diagnostics" data-testid="run-diagnostics">
                    { for report.diagnostics.iter().map(|d| html! {
                        <li class={d.severity.clone()}>{ format!("{} at line {}, column {}: {}", d.code, d.line, d.column, d.message) }</li>
                    }) }
                </ul>
            }
            if !report.unmocked.is_empty() {
                <p class="hint" data-testid="unmocked">
                    { format!("Ran without a mock (their result is their input): {}", report.unmocked.join(", ")) }
                </p>
            }
            if let Some(comparison) = report.comparison.clone() {
                <CompareView comparison={comparison} />
            }
            if !report.logs.is_empty() {
                <details data-testid="express-logs">
                    <summary>{ format!("CloudWatch Logs records ({}): an Express workflow keeps no execution history", report.logs.len()) }</summary>
                    <pre tabindex="0">{ report.logs.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("\n") }</pre>
                </details>
            }
            <div class="result-pair">
                if let Some(output) = &report.output {
                    <details open=true>
                        <summary>{ "Output" }</summary>
                        <pre tabindex="0" class="output" data-testid="output">{ output }</pre>
                    </details>
                }
                if let Some(variables) = &report.variables {
                    <details open=true>
                        <summary>{ "Variables at the end" }</summary>
                        <pre tabindex="0" class="variables" data-testid="variables">{ variables }</pre>
                    </details>
                }
            </div>
        </div>
    }
}
