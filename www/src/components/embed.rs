//! The embed mode (`?embed`): one workspace, read-only, no page chrome, sized for an iframe,
//! with Run, "Open in playground" and an optional step-by-step replay (`play`).

use super::code_editor::{CodeEditor, EditorLanguage};
use super::run_summary::RunSummary;
use super::share_dialog::page_base;
use super::step_view::StepView;
use super::use_ctx;
use super::views::Views;
use crate::browser;
use crate::state::{to_shared, Kind};
use std::rc::Rc;
use stepbridge_inspect::protocol::Request;
use yew::prelude::*;

#[function_component(EmbedView)]
pub fn embed_view() -> Html {
    let ctx = use_ctx();
    let state = &ctx.state;
    // The link to the full playground holds the same workspace.
    {
        let ctx = ctx.clone();
        use_effect_with(state.report.is_some(), move |has_run| {
            if *has_run && ctx.state.shared.is_none() {
                let s = &ctx.state;
                ctx.ask(
                    Kind::Share,
                    Request::Share {
                        workspace: Box::new(to_shared(&s.workspace, s.view.as_str(), None)),
                    },
                );
            }
        });
    }
    let on_run = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.ask(Kind::Run, super::app::run_request(&ctx.state.workspace)))
    };
    let dark = browser::is_dark(state.theme.as_str());
    let definition = state.workspace.definition.clone();
    let language = if definition.trim_start().starts_with('{') {
        EditorLanguage::Json
    } else {
        EditorLanguage::Yaml
    };
    let full = state
        .shared
        .as_ref()
        .map(|fragment| format!("{}{}", page_base(), fragment));
    html! {
        <div class="embed" data-testid="embed">
            <div class="embed-bar">
                <strong>{ "stepbridge" }</strong>
                <button class="primary small" data-testid="run" onclick={on_run}>{ "Run" }</button>
                <span class="spacer" />
                if let Some(link) = full {
                    <a href={link} target="_blank" rel="noopener" data-testid="open-in-playground">{ "Open in playground ↗" }</a>
                }
            </div>
            <details class="embed-definition">
                <summary>{ "Definition" }</summary>
                <div class="code" style="--rows: 14">
                    <CodeEditor value={AttrValue::from(definition)} language={language} label="Definition (read-only)"
                        test_id="definition" read_only={true} diagnostics={Rc::new(Vec::new())} completions={None}
                        dark={dark} on_change={Callback::noop()} goto={None} format={None} on_format={Callback::noop()} />
                </div>
            </details>
            if let Some(notice) = &state.notice {
                <p class="notice" role="status" data-testid="notice">{ notice }</p>
            }
            <RunSummary />
            <Views />
            <StepView />
        </div>
    }
}
