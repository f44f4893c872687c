use crate::state::RunView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RunPanelProps {
    pub run: Option<RunView>,
}

#[function_component(RunPanel)]
pub fn run_panel(props: &RunPanelProps) -> Html {
    let Some(run) = &props.run else {
        return html! { <p class="hint">{ "Press Run to execute the state machine." }</p> };
    };
    match run {
        RunView::BadJson(message) => html! {
            <div class="result error" role="alert" data-testid="input-error">{ message }</div>
        },
        RunView::Finished {
            status,
            output,
            error,
            cause,
            diagnostics,
            events,
            variables,
            assignments,
        } => html! {
            <div class="result">
                <p>
                    <span class={classes!("status", status.as_str().to_lowercase())} data-testid="status">{ status.as_str() }</span>
                    <span class="events">{ format!("{events} history events") }</span>
                </p>
                if let Some(output) = output {
                    <pre class="output" data-testid="output">{ output }</pre>
                }
                if let Some(error) = error {
                    <p class="error" data-testid="error"><strong>{ error }</strong>{ " " }{ cause.clone().unwrap_or_default() }</p>
                }
                if let Some(variables) = variables {
                    <h3>{ "Variables at the end" }</h3>
                    <pre class="variables" data-testid="variables">{ variables }</pre>
                }
                if !assignments.is_empty() {
                    <details class="assignments" data-testid="assignments">
                        <summary>{ format!("Variables as they changed ({} states)", assignments.len()) }</summary>
                        <ol>
                            { for assignments.iter().map(|a| html! {
                                <li>
                                    <span class="state-name">{ &a.state }</span>
                                    <pre>{ &a.variables }</pre>
                                </li>
                            }) }
                        </ol>
                    </details>
                }
                if !diagnostics.is_empty() {
                    <ul class="diagnostics" data-testid="diagnostics">
                        { for diagnostics.iter().map(|d| html! { <li>{ d }</li> }) }
                    </ul>
                }
            </div>
        },
    }
}
