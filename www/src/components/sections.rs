//! The EventBridge workbench and the Practice section hold about half of the UI's code, so
//! the wasm the page loads first (`stepbridge-www`) leaves them out and the page is
//! interactive sooner. When the user opens one of them, the full app (`stepbridge-full`,
//! fetched and compiled in the background once the engines are ready) takes the page over:
//! what the user typed is saved first, the full app reads it back as after a reload, reruns
//! the workflow if there was a run on screen, and opens the section that was asked for.

use super::eventbridge::{EbTabList, EventBridgeBench};
use super::practice::PracticePage;
use super::{use_ctx, Ctx};
use crate::browser;
use crate::state::{Action, EbAction, EbTab, EngineState};
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The section renderers of the full app. In `stepbridge-www` there are none, and nothing
/// refers to the sections' components, so the linker leaves them out.
#[derive(Clone, Copy)]
pub struct Sections {
    eventbridge: fn() -> Html,
    practice: fn() -> Html,
}

thread_local! {
    static INSTALLED: Cell<Option<Sections>> = const { Cell::new(None) };
    /// The EventBridge tab to show after a hand-over (read once by the section).
    static OPEN_TAB: Cell<Option<EbTab>> = const { Cell::new(None) };
    /// The section is scrolled to again when the rerun lands: its result, drawn above,
    /// pushes the section down.
    static SCROLL_AFTER_RUN: Cell<bool> = const { Cell::new(false) };
}

/// Where the full app picks up after a hand-over (in the browser's storage, read once).
const HANDOVER_KEY: &str = "stepbridge.handover";

/// What the page that handed over asks of the full app.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Handover {
    /// The EventBridge tab to open (`patterns`, `bus`…), when that section was asked for.
    eventbridge: Option<String>,
    /// A run was on screen: run again once the engines are ready.
    rerun: bool,
    /// The user's previous workspace can be restored with one click (a link or an example
    /// replaced it).
    restore: bool,
}

/// What the full app takes up from a hand-over.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct TakenOver {
    pub rerun: bool,
    pub restore: bool,
}

pub(crate) fn install(sections: Option<Sections>) {
    INSTALLED.with(|s| s.set(sections));
    if sections.is_some() {
        if let Some(root) = gloo::utils::document().document_element() {
            // Tells a script (and a test) that the whole app is on the page.
            let _ = root.set_attribute("data-sections", "loaded");
        }
    }
}

pub(crate) fn full() -> Sections {
    Sections {
        eventbridge: || html! { <EventBridgeBench /> },
        practice: || html! { <PracticePage /> },
    }
}

fn installed() -> Option<Sections> {
    INSTALLED.with(Cell::get)
}

/// Whether this is the full app (the sections are on the page).
pub(crate) fn is_full() -> bool {
    installed().is_some()
}

/// Reads (and forgets) what a hand-over asked for; only the full app has anything to read.
pub(crate) fn take_handover() -> TakenOver {
    if installed().is_none() {
        return TakenOver::default();
    }
    let Some(text) = browser::storage_get(HANDOVER_KEY) else {
        return TakenOver::default();
    };
    browser::storage_remove(HANDOVER_KEY);
    let handover: Handover = serde_json::from_str(&text).unwrap_or_default();
    if let Some(id) = &handover.eventbridge {
        OPEN_TAB.with(|t| t.set(EbTab::ALL.into_iter().find(|tab| tab.id() == id)));
        SCROLL_AFTER_RUN.with(|s| s.set(handover.rerun));
    }
    TakenOver {
        rerun: handover.rerun,
        restore: handover.restore,
    }
}

#[wasm_bindgen(js_namespace = stepbridgeSections)]
extern "C" {
    /// Fetches and compiles the full app (once); resolves to its compiled module.
    #[wasm_bindgen(catch, js_name = prepare)]
    fn prepare_full() -> Result<js_sys::Promise, JsValue>;
    /// Instantiates the compiled full app, which mounts itself.
    #[wasm_bindgen(catch, js_name = start)]
    fn start_full(module: &JsValue) -> Result<js_sys::Promise, JsValue>;
}

fn describe(error: &JsValue) -> String {
    browser::error_message(error).unwrap_or_else(|| "unknown error".into())
}

/// Starts fetching the full app, so that opening a section later is quick.
fn prefetch() {
    let _ = prepare_full();
}

/// Leaves what the full app must find, takes this app down and starts the full one. On a
/// failure to fetch it, nothing is taken down and `on_error` says why.
fn hand_over(ctx: &Ctx, eventbridge: Option<EbTab>, on_error: Callback<String>) {
    let promise = match prepare_full() {
        Ok(promise) => promise,
        Err(e) => return on_error.emit(describe(&e)),
    };
    let ctx = ctx.clone();
    yew::platform::spawn_local(async move {
        let module = match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(module) => module,
            Err(e) => return on_error.emit(describe(&e)),
        };
        // The workspace and the practice progress are in the browser's storage already (the
        // app saves them on every change); only the hand-over itself is left to write.
        let state = &ctx.state;
        let handover = Handover {
            eventbridge: eventbridge.map(|t| t.id().to_string()),
            rerun: state.report.is_some(),
            restore: state.can_restore,
        };
        browser::storage_set(
            HANDOVER_KEY,
            &serde_json::to_string(&handover).unwrap_or_default(),
        );
        ctx.engine.stop();
        drop(ctx);
        crate::unmount();
        if let Err(e) = start_full(&module) {
            web_sys::console::error_1(&e);
        }
    });
}

/// The EventBridge workbench, or in `stepbridge-www` its tabs, which open it.
#[function_component(EventBridgeSection)]
pub fn eventbridge_section() -> Html {
    let ctx = use_ctx();
    let node = use_node_ref();
    let full = installed();
    {
        // After a hand-over: the tab that was asked for, scrolled into view.
        let ctx = ctx.clone();
        let node = node.clone();
        use_effect_with((), move |_| {
            if let Some(tab) = OPEN_TAB.with(Cell::take) {
                ctx.dispatch(Action::Eb(EbAction::Tab(tab)));
                if let Some(el) = node.cast::<web_sys::Element>() {
                    el.scroll_into_view();
                }
                // The keyboard goes on from the tab that was chosen.
                let focus = gloo::utils::document()
                    .get_element_by_id(&format!("eb-tab-{}", tab.id()))
                    .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(el) = focus {
                    let _ = el.focus();
                }
            }
        });
    }
    {
        let node = node.clone();
        use_effect_with(ctx.state.finished_runs, move |finished| {
            if *finished > 0 && SCROLL_AFTER_RUN.with(Cell::take) {
                if let Some(el) = node.cast::<web_sys::Element>() {
                    el.scroll_into_view();
                }
            }
        });
    }
    let ready = matches!(ctx.state.engine, EngineState::Ready(_));
    use_effect_with(ready, move |ready| {
        if *ready && full.is_none() {
            prefetch();
        }
    });
    html! {
        <div ref={node} class="eb-section">
            { match full {
                Some(sections) => (sections.eventbridge)(),
                None => html! { <Loader /> },
            } }
        </div>
    }
}

/// `stepbridge-www`'s stand-in for the EventBridge workbench: its tabs, each opening it.
#[function_component(Loader)]
fn loader() -> Html {
    let ctx = use_ctx();
    let status = use_state(|| None::<String>);
    let open = {
        let ctx = ctx.clone();
        let status = status.clone();
        Callback::from(move |tab: EbTab| {
            ctx.dispatch(Action::Eb(EbAction::Tab(tab)));
            status.set(Some("Loading the EventBridge workbench…".into()));
            let status = status.clone();
            hand_over(
                &ctx,
                Some(tab),
                Callback::from(move |e| {
                    status.set(Some(format!(
                        "The EventBridge workbench could not be loaded ({e}). Check the connection and try again."
                    )))
                }),
            );
        })
    };
    let tab = ctx.state.eb.tab;
    html! {
        <>
            <h2>{ "EventBridge" }</h2>
            <EbTabList on_open={open.clone()} />
            <div id="eb-panel" role="tabpanel" aria-labelledby={format!("eb-tab-{}", tab.id())} class="eb-panel">
                <p class="hint">{ "Event patterns against many events, input transformers, schedules, the bus with its rules, targets, archives and replay, template import and Pipes. They load when you open them." }</p>
                <button class="primary" data-testid="load-eventbridge" onclick={open.reform(move |_| tab)}>
                    { "Open the EventBridge workbench" }
                </button>
                if let Some(status) = &*status {
                    <p role="status" data-testid="sections-status">{ status }</p>
                }
            </div>
        </>
    }
}

/// The Practice section, or in `stepbridge-www` a notice while the full app takes over.
#[function_component(PracticeSection)]
pub fn practice_section() -> Html {
    let ctx = use_ctx();
    let full = installed();
    let status = use_state(|| "Loading the Practice section…".to_string());
    {
        let ctx = ctx.clone();
        let status = status.clone();
        use_effect_with((), move |_| {
            if full.is_none() {
                hand_over(
                    &ctx,
                    None,
                    Callback::from(move |e| {
                        status.set(format!(
                            "The Practice section could not be loaded ({e}). Check the connection and reload the page."
                        ))
                    }),
                );
            }
        });
    }
    match full {
        Some(sections) => (sections.practice)(),
        None => html! {
            <main class="practice">
                <p role="status" data-testid="sections-status">{ &*status }</p>
            </main>
        },
    }
}
