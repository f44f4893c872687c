//! The playground's engine worker: every engine runs here, off the UI thread, so the page
//! never freezes and a run is cancelled by terminating the worker.

use stepbridge_wasm::worker::Session;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    stepbridge_wasm::install_panic_hook();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let mut session = Session::default();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        session.handle_text(&text, &mut |reply| {
            // A reply that cannot be posted has nobody left to read it.
            let _ = reply_scope.post_message(&JsValue::from_str(&reply));
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page; its handler must too.
    on_message.forget();
    let ready = stepbridge_wasm::worker::ready_message();
    let _ = scope.post_message(&JsValue::from_str(&ready));
}
