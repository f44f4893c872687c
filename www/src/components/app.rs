//! The page: the state-machine workbench (editors, run, views), the EventBridge workbench
//! and the Practice section (those two only in the full app: see `sections`).

use super::callback_view::CallbackView;
use super::editor_panel::EditorPanel;
use super::run_summary::RunSummary;
use super::step_view::StepView;
use super::text_dialog::TextDialog;
use super::toolbar::Toolbar;
use super::views::Views;
use super::Ctx;
use crate::browser;
use crate::engine::{Engine, Event as EngineEvent};
use crate::state::{
    apply_practice, from_saved, to_saved, Action, AppState, Embed, EngineState, Field, Kind,
    PracticeAction, PracticeState, Progress, Route, Theme, View, Workspace, AUTOSAVE_KEY,
    PRACTICE_KEY, PREVIOUS_KEY,
};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use stepbridge_inspect::protocol::{Request, RunSettings};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// How long typing pauses before the worker re-validates.
const VALIDATE_DEBOUNCE_MS: u32 = 250;
const THEME_KEY: &str = "stepbridge.theme";

/// `?embed` (with `view=graph|table|events`, `play`, `example=<id>`) from the query string.
fn embed_options() -> Option<(Embed, Option<View>)> {
    let search = gloo::utils::window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    if !params.has("embed") {
        return None;
    }
    let view = params.get("view").and_then(|v| View::parse(&v));
    Some((
        Embed {
            play: params.has("play"),
            example: params.get("example"),
        },
        view,
    ))
}

fn initial_state() -> AppState {
    let theme = Theme::parse(&browser::storage_get(THEME_KEY).unwrap_or_default());
    if let Some((embed, view)) = embed_options() {
        // An embed shows what its link or example holds, never the visitor's own work.
        let mut state = AppState::with_workspace(Workspace::default(), theme, false);
        state.view = view.unwrap_or_default();
        state.auto_run = embed.example.is_none() && !has_link();
        state.embed = Some(embed);
        return state;
    }
    let mut state = match browser::storage_get(AUTOSAVE_KEY).and_then(|t| from_saved(&t)) {
        Some(saved) => AppState::with_workspace(saved, theme, false),
        None => {
            let mut state = AppState::with_workspace(Workspace::default(), theme, false);
            state.baseline = Some(std::rc::Rc::new(Workspace::default()));
            state
        }
    };
    let progress = browser::storage_get(PRACTICE_KEY)
        .and_then(|t| Progress::from_saved(&t))
        .unwrap_or_default();
    state.practice = PracticeState::with_progress(progress);
    if let Some(route) = super::practice::route_from_address() {
        apply_practice(&mut state.practice, PracticeAction::Route(Some(route)));
    }
    // The full app taking over from the page's first wasm: the run on screen there, again.
    let taken_over = super::sections::take_handover();
    state.auto_run = taken_over.rerun;
    state.can_restore = taken_over.restore;
    state
}

fn location_hash() -> String {
    gloo::utils::window().location().hash().unwrap_or_default()
}

/// Whether the page was opened with something in its fragment: apart from the Practice
/// section's addresses, a fragment is a shared workspace (or an attempt at one, answered
/// with why it cannot be opened).
fn has_link() -> bool {
    let hash = location_hash();
    hash.len() > 1 && Route::parse(&hash).is_none()
}

/// Opens the shared workspace in the address's fragment. The user's current work is kept
/// for one-click restore, and the fragment leaves the address so that a reload shows their
/// autosaved work, not the link again.
fn open_link(ctx: &Ctx, embedded: bool) {
    let hash = location_hash();
    if !embedded {
        browser::storage_set(PREVIOUS_KEY, &to_saved(&ctx.state.workspace));
        if let Ok(history) = gloo::utils::window().history() {
            let url = super::share_dialog::page_base();
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
    ctx.ask(Kind::Share, Request::OpenLink { text: hash });
}

/// Tells the embedding page how tall the embed is, so its iframe fits.
fn post_height() {
    let window = gloo::utils::window();
    let Some(height) = window
        .document()
        .and_then(|d| d.document_element())
        .map(|e| e.scroll_height())
    else {
        return;
    };
    if let Ok(Some(parent)) = window.parent() {
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &"stepbridge:height".into());
        let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
        let _ = parent.post_message(&message, "*");
    }
}

/// The run request for what is on screen.
pub fn run_request(ws: &Workspace) -> Request {
    Request::Run(RunSettings {
        definition: ws.definition.clone(),
        input: ws.input.clone(),
        mocks: ws.mocks.clone(),
        test_case: ws.test_case.clone(),
        seed: ws.seed,
        start_time: ws.start_time.clone(),
        execution_type: ws.execution_type.clone(),
    })
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let engine = {
        let dispatcher = state.dispatcher();
        use_memo((), move |_| {
            Engine::start(Callback::from(move |event| match event {
                EngineEvent::Reply(id, response) => {
                    dispatcher.dispatch(Action::Reply(id, response))
                }
                EngineEvent::Failed(message) => dispatcher.dispatch(Action::EngineFailed(message)),
            }))
        })
    };
    let ctx = Ctx {
        state: state.clone(),
        engine: (*engine).clone(),
    };

    // Listeners that outlive a render read the state through this, not a stale snapshot.
    let latest = use_mut_ref(|| ctx.clone());
    *latest.borrow_mut() = ctx.clone();
    let embedded = state.embed.is_some();
    let ready = matches!(state.engine, EngineState::Ready(_));

    // Autosave: every edit is in the browser's storage at once, so a reload loses nothing.
    // An embed never touches the visitor's saved work.
    use_effect_with(state.workspace.clone(), move |ws| {
        if !embedded {
            browser::storage_set(AUTOSAVE_KEY, &to_saved(ws));
        }
    });

    // A shared link opens once the engines (which decode it) are ready. The user's current
    // work is kept for one-click restore, and the fragment leaves the address so that a
    // reload shows their autosaved work, not the link again.
    {
        let ctx = ctx.clone();
        let opened = use_mut_ref(|| false);
        use_effect_with(ready, move |ready| {
            if *ready && !*opened.borrow() {
                *opened.borrow_mut() = true;
                if has_link() {
                    open_link(&ctx, embedded);
                } else if let Some(id) = ctx.state.embed.as_ref().and_then(|e| e.example.clone()) {
                    super::toolbar::load_gallery_example(ctx.clone(), id);
                }
            }
        });
    }

    // A link pasted into the address bar of an open playground changes only the fragment.
    {
        let latest = latest.clone();
        use_effect_with(ready, move |ready| {
            let listener = ready.then(|| {
                EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                    if has_link() {
                        let ctx = latest.borrow().clone();
                        open_link(&ctx, embedded);
                    }
                })
            });
            move || drop(listener)
        });
    }

    // The Practice section follows the address (`#practice`, `#practice/<id>`); leaving it
    // for another fragment goes back to the workbenches.
    {
        let latest = latest.clone();
        use_effect_with((), move |_| {
            let listener = (!embedded).then(|| {
                EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                    let ctx = latest.borrow().clone();
                    let route = super::practice::route_from_address();
                    if route.is_some() || ctx.state.practice.route.is_some() {
                        ctx.dispatch(Action::Practice(PracticeAction::Route(route)));
                    }
                })
            });
            move || drop(listener)
        });
    }

    // Practice progress (answers verbatim, hints, attempts) is saved on every change.
    use_effect_with(state.practice.progress.clone(), move |progress| {
        if !embedded {
            browser::storage_set(PRACTICE_KEY, &progress.to_saved());
        }
    });

    // A shared practice answer is decoded by the engines once they are ready.
    {
        let ctx = ctx.clone();
        let pending = state.practice.pending_link.clone();
        use_effect_with((pending, ready), move |(pending, ready)| {
            // Only the full app shows a shared answer: the first one hands the page over to it.
            if let (Some((_, payload)), true, true) = (pending, *ready, super::sections::is_full())
            {
                ctx.ask(
                    Kind::PracticeLink,
                    Request::OpenLink {
                        text: payload.clone(),
                    },
                );
            }
        });
    }

    // A link or example opened: run it once, as its author saw it.
    {
        let ctx = ctx.clone();
        use_effect_with((state.auto_run, ready), move |(auto_run, ready)| {
            if *auto_run && *ready {
                ctx.dispatch(Action::AutoRunDone);
                ctx.ask(Kind::Run, run_request(&ctx.state.workspace));
            }
        });
    }

    // The embed's play mode walks through the run's steps on its own.
    {
        let ctx = ctx.clone();
        let play = state.embed.as_ref().is_some_and(|e| e.play);
        let report = state.report.clone();
        use_effect_with((play, report), move |(play, report)| {
            let interval = (*play && report.is_some()).then(|| {
                ctx.dispatch(Action::SelectStep(None));
                gloo::timers::callback::Interval::new(1_200, move || {
                    ctx.dispatch(Action::StepBy(1));
                })
            });
            move || drop(interval)
        });
    }

    // An embed reports its height after every render.
    use_effect(move || {
        if embedded {
            post_height();
        }
    });

    {
        let theme = state.theme;
        use_effect_with(theme, move |theme| {
            browser::storage_set(THEME_KEY, theme.as_str());
            let effective = match theme {
                Theme::System if browser::prefers_dark() => "dark",
                Theme::System => "light",
                other => other.as_str(),
            };
            browser::apply_theme(effective);
        });
    }

    // Diagnostics as the user types, computed in the worker after a pause.
    {
        let ctx = ctx.clone();
        let ws = &state.workspace;
        let timer = use_mut_ref(|| None::<Timeout>);
        use_effect_with(
            (
                ws.definition.clone(),
                ws.input.clone(),
                ws.mocks.clone(),
                ready,
            ),
            move |(definition, input, mocks, ready)| {
                if *ready {
                    let (definition, input, mocks) =
                        (definition.clone(), input.clone(), mocks.clone());
                    *timer.borrow_mut() = Some(Timeout::new(VALIDATE_DEBOUNCE_MS, move || {
                        ctx.ask(
                            Kind::Validate,
                            Request::Validate {
                                definition,
                                input,
                                mocks,
                            },
                        );
                    }));
                }
            },
        );
    }

    // Keyboard: Ctrl/Cmd+Enter runs, Esc cancels a run, Alt+←/→ steps through it.
    {
        let latest = latest.clone();
        use_effect_with((), move |_| {
            let document = gloo::utils::document();
            // Not passive: Ctrl+S, Ctrl+Enter and Alt+arrows replace the browser's own keys.
            let options = gloo::events::EventListenerOptions::enable_prevent_default();
            let listener =
                EventListener::new_with_options(&document, "keydown", options, move |event| {
                    let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                        return;
                    };
                    let ctx = latest.borrow().clone();
                    let state = &ctx.state;
                    match key.key().as_str() {
                        "Enter" if key.ctrl_key() || key.meta_key() => {
                            key.prevent_default();
                            match &state.practice.route {
                                None => ctx.ask(Kind::Run, run_request(&state.workspace)),
                                // In Practice the key checks the exercise on screen.
                                Some(_) => super::practice::check(&ctx),
                            }
                        }
                        "s" | "S"
                            if (key.ctrl_key() || key.meta_key()) && state.embed.is_none() =>
                        {
                            key.prevent_default();
                            super::toolbar::share(&ctx);
                        }
                        "Escape" if state.running.is_some() => {
                            ctx.engine.cancel();
                            ctx.dispatch(Action::Cancelled);
                        }
                        "ArrowLeft" if key.alt_key() => {
                            key.prevent_default();
                            ctx.dispatch(Action::StepBy(-1));
                        }
                        "ArrowRight" if key.alt_key() => {
                            key.prevent_default();
                            ctx.dispatch(Action::StepBy(1));
                        }
                        _ => {}
                    }
                });
            move || drop(listener)
        });
    }

    let test_cases = state.workspace.test_cases();
    let on_test_case = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            ctx.dispatch(Action::Edit(Field::TestCase, select.value()));
        })
    };
    let on_seed = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            match input.value().trim().parse::<u64>() {
                Ok(seed) => ctx.dispatch(Action::SetSeed(seed)),
                Err(_) => ctx.dispatch(Action::Notice(Some(format!(
                    "The seed must be a whole number from 0 to {}; \"{}\" is not.",
                    u64::MAX,
                    input.value()
                )))),
            }
        })
    };
    let on_type = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            ctx.dispatch(Action::Edit(Field::ExecutionType, select.value()));
        })
    };
    let on_start = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::Edit(Field::StartTime, input.value()));
        })
    };
    let ws = &state.workspace;

    if state.embed.is_some() {
        return html! {
            <ContextProvider<Ctx> context={ctx.clone()}>
                <super::embed::EmbedView />
            </ContextProvider<Ctx>>
        };
    }

    html! {
        <ContextProvider<Ctx> context={ctx.clone()}>
            <div class="app">
                <Toolbar />
                if let Some(notice) = &state.notice {
                    <div class="notice" role="status" data-testid="notice">
                        <span>{ notice }</span>
                        <button class="link" aria-label="Dismiss"
                            onclick={let ctx = ctx.clone(); move |_| ctx.dispatch(Action::Notice(None))}>{ "×" }</button>
                    </div>
                }
                if state.practice.route.is_none() { <>
                <main class="workbench">
                    <section class="panel editors-col" aria-label="State machine">
                        <EditorPanel field={Field::Definition} language="auto" rows={22} />
                        <div class="run-settings">
                            <label for="test-case">{ "Test case" }</label>
                            <select id="test-case" data-testid="test-case" onchange={on_test_case}>
                                <option value="" selected={ws.test_case.is_empty()}>{ "(no mocks)" }</option>
                                { for test_cases.iter().map(|name| html! {
                                    <option value={name.clone()} selected={*name == ws.test_case}>{ name }</option>
                                }) }
                            </select>
                            <label for="execution-type">{ "Type" }</label>
                            <select id="execution-type" data-testid="execution-type" onchange={on_type}>
                                <option value="STANDARD" selected={ws.execution_type != "EXPRESS"}>{ "Standard" }</option>
                                <option value="EXPRESS" selected={ws.execution_type == "EXPRESS"}>{ "Express" }</option>
                            </select>
                            <label for="seed">{ "Seed" }</label>
                            <input id="seed" data-testid="seed" type="number" min="0" class="narrow"
                                value={ws.seed.to_string()} onchange={on_seed} />
                            <label for="start-time">{ "Start time" }</label>
                            <input id="start-time" data-testid="start-time" placeholder="2024-01-01T00:00:00Z"
                                value={ws.start_time.clone()} onchange={on_start} />
                        </div>
                        <div class="editors-pair">
                            <EditorPanel field={Field::Input} language="json" rows={9} />
                            <EditorPanel field={Field::Mocks} language="json" rows={9} />
                        </div>
                    </section>
                    <section class="panel inspect-col" aria-label="Run">
                        <RunSummary />
                        <CallbackView />
                        <Views />
                        <StepView />
                    </section>
                </main>
                <section class="panel pattern-bench" aria-label="Event pattern">
                    <super::sections::EventBridgeSection />
                </section>
                </> } else { <super::sections::PracticeSection /> }
                <TextDialog />
                <super::share_dialog::ShareDialog />
            </div>
        </ContextProvider<Ctx>>
    }
}
