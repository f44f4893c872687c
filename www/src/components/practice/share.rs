//! Sharing a solved exercise with the learner's answer (`#practice/<id>/w1.…`, encoded by the
//! worker's share codec), and the banner of a shared answer being looked at.

use super::super::share_dialog::page_base;
use super::super::{use_ctx, Ctx};
use crate::browser;
use crate::state::{Action, Kind, PracticeAction};
use stepbridge_inspect::protocol::Request;
use stepbridge_inspect::share::{SharedPractice, SharedWorkspace};
use yew::prelude::*;

/// Asks the worker for the link of the exercise on screen with the learner's answer.
pub fn share(ctx: &Ctx) {
    let practice = &ctx.state.practice;
    let Some(exercise) = practice.current() else {
        return;
    };
    let workspace = SharedWorkspace {
        workbench: "practice".into(),
        practice: Some(SharedPractice {
            exercise: exercise.id.clone(),
            answer: practice.answer_of(exercise),
        }),
        ..SharedWorkspace::default()
    };
    ctx.ask(
        Kind::PracticeShare,
        Request::Share {
            workspace: Box::new(workspace),
        },
    );
}

#[function_component(ShareLinkDialog)]
pub fn share_link_dialog() -> Html {
    let ctx = use_ctx();
    let copied = use_state(|| false);
    let Some(fragment) = ctx.state.practice.share_link.clone() else {
        return html! {};
    };
    let link = format!("{}{}", page_base(), fragment);
    let close = {
        let ctx = ctx.clone();
        let copied = copied.clone();
        Callback::from(move |_| {
            copied.set(false);
            ctx.dispatch(Action::Practice(PracticeAction::CloseShareLink));
        })
    };
    let copy = {
        let link = link.clone();
        let copied = copied.clone();
        Callback::from(move |_| copied.set(browser::copy(&link)))
    };
    html! {
        <div class="dialog-backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="practice-share-title" data-testid="practice-share-dialog">
                <div class="dialog-head">
                    <h3 id="practice-share-title">{ "Share your solution" }</h3>
                    <button class="link" aria-label="Close" data-testid="practice-close-share" onclick={close}>{ "×" }</button>
                </div>
                <p class="hint">{ "The link opens this exercise with your answer beside the reader's own; nothing is uploaded anywhere." }</p>
                <label for="practice-share-link" class="sr-only">{ "Link" }</label>
                <textarea id="practice-share-link" data-testid="practice-share-link" readonly=true rows="3" value={link.clone()} />
                <p>{ format!("{} characters", link.chars().count()) }</p>
                <div class="row">
                    <button class="primary" data-testid="practice-copy-link" onclick={copy}>{ if *copied { "Copied" } else { "Copy link" } }</button>
                </div>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SharedBannerProps {
    pub exercise: String,
}

/// Shown while a shared answer is on screen: the learner's own answer stays saved until they
/// choose to take the shared one (and are asked when that would replace text of theirs).
#[function_component(SharedBanner)]
pub fn shared_banner(props: &SharedBannerProps) -> Html {
    let ctx = use_ctx();
    let id = props.exercise.clone();
    let on_adopt = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            let practice = &ctx.state.practice;
            let own = practice.progress.of(&id).answer;
            if own.is_some()
                && !browser::confirm(
                    "Replace your own answer to this exercise with the shared one? Your answer will be lost.",
                )
            {
                return;
            }
            ctx.dispatch(Action::Practice(PracticeAction::AdoptShared));
        })
    };
    let on_close = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.dispatch(Action::Practice(PracticeAction::CloseShared)))
    };
    html! {
        <div class="notice practice-shared" role="status" data-testid="practice-shared-banner">
            <span>{ "You are looking at a shared answer (read-only). Your own answer to this exercise is kept." }</span>
            <button data-testid="practice-adopt-shared" onclick={on_adopt}>{ "Use this answer" }</button>
            <button data-testid="practice-close-shared" onclick={on_close}>{ "Back to my answer" }</button>
        </div>
    }
}
