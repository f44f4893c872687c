//! The diagnostics of one editor as a list; a click moves the editor's cursor there.

use super::use_ctx;
use crate::state::{Action, Field};
use std::rc::Rc;
use stepbridge_inspect::protocol::Diag;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DiagnosticListProps {
    pub field: Field,
    pub diagnostics: Rc<Vec<Diag>>,
}

#[function_component(DiagnosticList)]
pub fn diagnostic_list(props: &DiagnosticListProps) -> Html {
    let ctx = use_ctx();
    if props.diagnostics.is_empty() {
        return html! {};
    }
    let field = props.field;
    html! {
        <ul class="diagnostics" data-testid={format!("diagnostics-{}", field.label().to_lowercase().replace(' ', "-"))}
            aria-label={format!("Problems in the {}", field.label().to_lowercase())}>
            { for props.diagnostics.iter().map(|d| {
                let ctx = ctx.clone();
                let (line, column) = (d.line, d.column);
                html! {
                    <li class={d.severity.clone()}>
                        <button class="link" onclick={move |_| ctx.dispatch(Action::Goto(field, line, column))}>
                            { format!("{}:{}", d.line, d.column) }
                        </button>
                        <span class="code">{ &d.code }</span>
                        <span>{ &d.message }</span>
                    </li>
                }
            }) }
        </ul>
    }
}
