//! The stepbridge playground's UI thread: editors and views over one reducer. The engines
//! run in a Web Worker (`stepbridge-worker`, built from the wasm facade), so this wasm
//! stays small and the page never freezes while a workflow runs.

mod browser;
mod components;
mod editor_js;
mod engine;
mod state;

fn main() {
    yew::Renderer::<components::App>::new().render();
}
