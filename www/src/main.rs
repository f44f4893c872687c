//! The stepbridge playground's UI thread: editors and views over one reducer. The engines
//! run in a Web Worker (`stepbridge-worker`, built from the wasm facade), so this wasm
//! stays small and the page never freezes while a workflow runs.

mod browser;
mod components;
mod editor_js;
mod engine;
mod state;

fn main() {
    // The static shell of index.html, painted before the wasm arrived, gives way to the app.
    if let Some(boot) = gloo::utils::document().get_element_by_id("boot") {
        boot.remove();
    }
    yew::Renderer::<components::App>::new().render();
}
