//! The stepbridge playground: edit a state machine, its input and mocks, an event pattern and
//! an event; run them through the same engines the CLI uses, entirely in the browser.

mod components;
mod examples;
mod state;

fn main() {
    stepbridge_wasm::install_panic_hook();
    yew::Renderer::<components::App>::new().render();
}
