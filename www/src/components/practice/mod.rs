//! The Practice section (`#practice`, `#practice/<id>`): exercises graded by the engines.
//!
//! The address is the navigation: links set the fragment and the `hashchange` listener in
//! `app.rs` turns it into a [`Route`]. Exercise files and the list are fetched here, next to
//! the components that need them, so the reducer stays pure.

mod cases;
mod editors;
mod exercise;
mod grade_view;
mod help;
mod list;
mod share;

use super::{use_ctx, Ctx};
use crate::state::{Action, Kind, PracticeAction, Route};
use stepbridge_inspect::practice::{Exercise, ExerciseSummary};
use stepbridge_inspect::protocol::Request;
use yew::prelude::*;

async fn fetch_json<T: serde::de::DeserializeOwned>(path: &str) -> Result<T, String> {
    let text = super::toolbar::fetch_text(path).await?;
    serde_json::from_str(&text).map_err(|e| format!("{path} is damaged: {e}"))
}

/// The Practice route of the address, if it has one. A shared answer's payload stays in the
/// route (for the engines to decode) but leaves the address, so that a reload shows the
/// learner's own answer rather than the link again. (The page's first app leaves the address
/// alone: it hands the page over to the full app, which reads the payload from there.)
pub fn route_from_address() -> Option<Route> {
    let window = gloo::utils::window();
    let route = Route::parse(&window.location().hash().unwrap_or_default())?;
    if let (Route::Shared(id, _), true) = (&route, super::sections::is_full()) {
        if let Ok(history) = window.history() {
            let url = format!("{}#practice/{id}", super::share_dialog::page_base());
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
    Some(route)
}

/// Grades what the editors hold for the exercise on screen (button and Ctrl/Cmd+Enter). A
/// shared answer being looked at is not the learner's and is not graded as theirs.
pub fn check(ctx: &Ctx) {
    let practice = &ctx.state.practice;
    let Some(exercise) = practice.current().cloned() else {
        return;
    };
    if practice.shared_for(&exercise.id).is_some() || ctx.state.awaiting(Kind::Grade) {
        return;
    }
    let answer = practice.answer_of(&exercise);
    ctx.ask(
        Kind::Grade,
        Request::Grade {
            exercise: Box::new((*exercise).clone()),
            answer,
        },
    );
    ctx.dispatch(Action::Practice(PracticeAction::Checked));
}

#[function_component(PracticePage)]
pub fn practice_page() -> Html {
    let ctx = use_ctx();
    let practice = &ctx.state.practice;

    // The list, once per page.
    {
        let ctx = ctx.clone();
        let missing = practice.index.is_none();
        use_effect_with(missing, move |missing| {
            if *missing {
                yew::platform::spawn_local(async move {
                    match fetch_json::<Vec<ExerciseSummary>>("exercises/index.json").await {
                        Ok(index) => ctx.dispatch(Action::Practice(PracticeAction::Index(index))),
                        Err(e) => ctx.dispatch(Action::Practice(PracticeAction::LoadFailed(
                            format!("The exercise list could not be loaded: {e}"),
                        ))),
                    }
                });
            }
        });
    }

    // The exercise the address names, unless it is on screen already.
    {
        let ctx = ctx.clone();
        let wanted = practice.current_id().map(str::to_string);
        let loaded = practice.current().is_some();
        use_effect_with((wanted, loaded), move |(wanted, loaded)| {
            if let (Some(id), false) = (wanted.clone(), *loaded) {
                yew::platform::spawn_local(async move {
                    match fetch_json::<Exercise>(&format!("exercises/{id}.json")).await {
                        Ok(exercise) => ctx.dispatch(Action::Practice(PracticeAction::Exercise(
                            Box::new(exercise),
                        ))),
                        Err(e) => ctx.dispatch(Action::Practice(PracticeAction::LoadFailed(
                            format!("The exercise \"{id}\" could not be loaded: {e}"),
                        ))),
                    }
                });
            }
        });
    }

    let body = match (&practice.route, practice.current()) {
        (Some(Route::List) | None, _) => html! { <list::ExerciseList /> },
        (Some(_), Some(exercise)) => {
            html! { <exercise::ExercisePage key={exercise.id.clone()} exercise={exercise.clone()} /> }
        }
        (Some(_), None) => html! {
            <p class="hint" data-testid="practice-loading">
                if practice.load_error.is_none() { { "Loading the exercise…" } }
            </p>
        },
    };
    html! {
        <main class="practice" id="practice" data-testid="practice" aria-label="Practice">
            if let Some(error) = &practice.load_error {
                <p class="error" role="alert" data-testid="practice-load-error">{ error }</p>
            }
            { body }
            <share::ShareLinkDialog />
        </main>
    }
}
