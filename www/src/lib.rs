//! The stepbridge playground's UI thread: editors and views over one reducer. The engines
//! run in a Web Worker (`stepbridge-worker`, built from the wasm facade), so this wasm
//! stays small and the page never freezes while a workflow runs.
//!
//! Two binaries share this library. `stepbridge-www` is what the page loads before it is
//! interactive: the state-machine workbench, with the EventBridge workbench and the Practice
//! section left out (nothing of theirs is linked in). `stepbridge-full` is the whole app; the
//! first takes its place when the user opens one of those sections (see
//! `components::sections`).

mod browser;
mod components;
mod editor_js;
mod engine;
mod state;

pub use components::sections::Sections;
use std::cell::RefCell;

thread_local! {
    /// The mounted app, so that the section hand-over can take it down.
    static APP: RefCell<Option<yew::AppHandle<components::App>>> = const { RefCell::new(None) };
}

/// Mounts the playground; `sections` renders the EventBridge workbench and the Practice
/// section (absent, the page loads the full app when they are asked for).
pub fn start(sections: Option<Sections>) {
    // The static shell of index.html, painted before the wasm arrived, gives way to the app.
    if let Some(boot) = gloo::utils::document().get_element_by_id("boot") {
        boot.remove();
    }
    components::sections::install(sections);
    let handle = yew::Renderer::<components::App>::new().render();
    APP.with(|app| *app.borrow_mut() = Some(handle));
}

/// The full app's sections. Only `stepbridge-full` calls this, so only it links them.
pub fn sections() -> Sections {
    components::sections::full()
}

/// Takes the mounted app down (its components' effects are cleaned up).
pub(crate) fn unmount() {
    if let Some(handle) = APP.with(|app| app.borrow_mut().take()) {
        handle.destroy();
    }
}
