//! The stepbridge playground: edit a state machine, its input and mocks, an event pattern and
//! an event; run them through the same engines the CLI uses, entirely in the browser.

// The CodeMirror editor and its component, not yet used by the page (the rewrite wires them).
#[allow(dead_code)]
#[path = "components/code_editor.rs"]
mod code_editor;
mod components;
#[allow(dead_code)]
mod editor_js;
mod examples;
mod state;

fn main() {
    stepbridge_wasm::install_panic_hook();
    yew::Renderer::<components::App>::new().render();
}
