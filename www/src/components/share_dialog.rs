//! The share link: the whole workspace in the URL fragment, its length shown before
//! copying, a warning where chat apps cut links, and a file instead past 64 KiB.

use super::use_ctx;
use crate::browser;
use crate::state::{to_shared, Action, Kind};
use stepbridge_inspect::protocol::Request;
use stepbridge_inspect::share::{LINK_LENGTH_FILE_OFFER, LINK_LENGTH_WARNING};
use yew::prelude::*;

/// The page's address without its fragment or embed options: where a link opens.
pub fn page_base() -> String {
    let location = gloo::utils::window().location();
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    format!("{origin}{path}")
}

#[function_component(ShareDialog)]
pub fn share_dialog() -> Html {
    let ctx = use_ctx();
    let copied = use_state(|| false);
    let Some(fragment) = ctx.state.shared.clone() else {
        return html! {};
    };
    let link = format!("{}{}", page_base(), fragment);
    let length = link.chars().count();
    let close = {
        let ctx = ctx.clone();
        let copied = copied.clone();
        Callback::from(move |_| {
            copied.set(false);
            ctx.dispatch(Action::CloseShare);
        })
    };
    let copy = {
        let link = link.clone();
        let copied = copied.clone();
        Callback::from(move |_| copied.set(browser::copy(&link)))
    };
    let save = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            let state = &ctx.state;
            ctx.ask(
                Kind::Text,
                Request::SaveWorkspace {
                    workspace: Box::new(to_shared(
                        &state.workspace,
                        state.view.as_str(),
                        state.step,
                    )),
                },
            );
        })
    };
    html! {
        <div class="dialog-backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-label="Share this workspace" data-testid="share-dialog">
                <div class="dialog-head">
                    <h3>{ "Share this workspace" }</h3>
                    <button class="link" aria-label="Close" data-testid="close-share" onclick={close}>{ "×" }</button>
                </div>
                <p class="hint">{ "The link holds the whole workspace (editors, run settings, view and step); nothing is uploaded anywhere." }</p>
                <label for="share-link" class="sr-only">{ "Link" }</label>
                <textarea id="share-link" data-testid="share-link" readonly=true rows="3" value={link.clone()} />
                <p data-testid="share-length">{ format!("{length} characters") }</p>
                if length > LINK_LENGTH_FILE_OFFER {
                    <p class="error" role="alert" data-testid="share-too-long">
                        { "This link is over 64 KiB: many apps and browsers will not carry it. Save the workspace as a file instead." }
                    </p>
                } else if length > LINK_LENGTH_WARNING {
                    <p class="warn" role="alert" data-testid="share-warning">
                        { "Over 2,000 characters: some chat apps cut links this long. A workspace file travels whole." }
                    </p>
                }
                <div class="row">
                    <button class="primary" data-testid="copy-link" onclick={copy}>{ if *copied { "Copied" } else { "Copy link" } }</button>
                    <button data-testid="save-workspace-file" onclick={save}>{ "Save workspace file" }</button>
                </div>
            </div>
        </div>
    }
}
