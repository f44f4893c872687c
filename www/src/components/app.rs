//! The page: the state-machine workbench (editors, run, views) and the pattern bench.

use super::callback_view::CallbackView;
use super::editor_panel::EditorPanel;
use super::eventbridge::EventBridgeBench;
use super::run_summary::RunSummary;
use super::step_view::StepView;
use super::text_dialog::TextDialog;
use super::toolbar::Toolbar;
use super::views::Views;
use super::Ctx;
use crate::browser;
use crate::engine::{Engine, Event as EngineEvent};
use crate::state::{
    from_saved, to_saved, Action, AppState, Field, Kind, Theme, Workspace, AUTOSAVE_KEY,
};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use stepbridge_inspect::protocol::{Request, RunSettings};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// How long typing pauses before the worker re-validates.
const VALIDATE_DEBOUNCE_MS: u32 = 250;
const THEME_KEY: &str = "stepbridge.theme";

fn initial_state() -> AppState {
    let theme = Theme::parse(&browser::storage_get(THEME_KEY).unwrap_or_default());
    match browser::storage_get(AUTOSAVE_KEY).and_then(|t| from_saved(&t)) {
        Some(saved) => AppState::with_workspace(saved, theme, false),
        None => {
            let mut state = AppState::with_workspace(Workspace::default(), theme, false);
            state.baseline = Some(std::rc::Rc::new(Workspace::default()));
            state
        }
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
    })
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let engine = {
        let dispatcher = state.dispatcher();
        use_memo((), move |_| {
            Engine::start(Callback::from(move |event| match event {
                EngineEvent::Reply(id, response) => dispatcher.dispatch(Action::Reply(id, response)),
                EngineEvent::Failed(message) => dispatcher.dispatch(Action::EngineFailed(message)),
            }))
        })
    };
    let ctx = Ctx {
        state: state.clone(),
        engine: (*engine).clone(),
    };

    // Autosave: every edit is in the browser's storage at once, so a reload loses nothing.
    use_effect_with(state.workspace.clone(), |ws| {
        browser::storage_set(AUTOSAVE_KEY, &to_saved(ws));
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
        let ready = matches!(state.engine, crate::state::EngineState::Ready(_));
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
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            let document = gloo::utils::document();
            let listener = EventListener::new(&document, "keydown", move |event| {
                let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                let state = &ctx.state;
                match key.key().as_str() {
                    "Enter" if key.ctrl_key() || key.meta_key() => {
                        key.prevent_default();
                        ctx.ask(Kind::Run, run_request(&state.workspace));
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
    let on_start = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::Edit(Field::StartTime, input.value()));
        })
    };
    let ws = &state.workspace;

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
                    <EventBridgeBench />
                </section>
                <TextDialog />
            </div>
        </ContextProvider<Ctx>>
    }
}
