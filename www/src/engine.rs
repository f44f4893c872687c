//! The UI thread's side of the engine worker: posts requests, routes replies to the reducer.
//!
//! Cancelling a run terminates the worker (a run is synchronous inside it, so nothing
//! short of that stops it at once) and starts a fresh one; the engines' wasm comes from
//! the browser's cache, so the new worker is ready again quickly.

use serde::Deserialize;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use stepbridge_inspect::protocol::{Envelope, Request, Response};
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};
use yew::Callback;

/// Trunk builds the worker (data-type="worker") next to the page under this name.
const WORKER_URL: &str = "./stepbridge-worker_loader.js";

/// Progress replies closer together than this are dropped: each one re-renders the page, and
/// a fast run sends dozens a second (one per 500 history events).
const PROGRESS_INTERVAL_MS: f64 = 200.0;

/// Reads a worker reply (an `Envelope<Response>`): the text into a JSON value, then the id
/// and the body from it. Deserializing `Envelope<Response>` from the text directly costs the
/// page's wasm far more code (the flattened envelope buffers every field twice).
fn parse_reply(text: &str) -> Result<(u64, Response), String> {
    let mut value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let id = value
        .as_object_mut()
        .and_then(|fields| fields.remove("id"))
        .ok_or("missing field `id`")?;
    let id = id.as_u64().ok_or("the reply's `id` is not an integer")?;
    let body = Response::deserialize(value).map_err(|e| e.to_string())?;
    Ok((id, body))
}

/// A message handler kept alive as long as its worker.
type Handler = Closure<dyn FnMut(JsValue)>;

pub enum Event {
    Reply(u64, Response),
    Failed(String),
}

pub struct Engine {
    worker: RefCell<Option<Worker>>,
    next_id: Cell<u64>,
    on_event: Callback<Event>,
    /// Kept alive as long as their worker.
    handlers: RefCell<Vec<Handler>>,
}

impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// Milliseconds since the page started.
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

impl Engine {
    pub fn start(on_event: Callback<Event>) -> Rc<Engine> {
        let engine = Rc::new(Engine {
            worker: RefCell::new(None),
            next_id: Cell::new(1),
            on_event,
            handlers: RefCell::new(Vec::new()),
        });
        engine.spawn();
        engine
    }

    fn spawn(&self) {
        let worker = match Worker::new(WORKER_URL) {
            Ok(worker) => worker,
            Err(e) => {
                self.on_event.emit(Event::Failed(format!(
                    "The engine worker could not start: {}",
                    e.as_string().unwrap_or_else(|| format!("{e:?}"))
                )));
                return;
            }
        };
        let on_event = self.on_event.clone();
        let mut last_progress = f64::NEG_INFINITY;
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let event: MessageEvent = event.unchecked_into();
            let Some(text) = event.data().as_string() else {
                return;
            };
            match parse_reply(&text) {
                Ok((_, Response::Progress { .. }))
                    if now() - last_progress < PROGRESS_INTERVAL_MS => {}
                Ok((id, body)) => {
                    if matches!(body, Response::Progress { .. }) {
                        last_progress = now();
                    }
                    on_event.emit(Event::Reply(id, body))
                }
                Err(e) => on_event.emit(Event::Failed(format!(
                    "The engine worker sent a reply the page cannot read: {e}"
                ))),
            }
        });
        let on_event = self.on_event.clone();
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let message = crate::browser::error_message(&event)
                .unwrap_or_else(|| "the engine worker stopped with an error".into());
            on_event.emit(Event::Failed(message));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let mut handlers = self.handlers.borrow_mut();
        handlers.clear();
        handlers.push(on_message);
        handlers.push(on_error);
        *self.worker.borrow_mut() = Some(worker);
    }

    /// Posts a request and returns its id (to be dispatched as `Action::Sent`).
    pub fn send(&self, request: Request) -> u64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let text = serde_json::to_string(&Envelope { id, body: request }).unwrap_or_default();
        if let Some(worker) = self.worker.borrow().as_ref() {
            if let Err(e) = worker.post_message(&JsValue::from_str(&text)) {
                self.on_event.emit(Event::Failed(format!(
                    "The engine worker could not take a request: {e:?}"
                )));
            }
        }
        id
    }

    /// Ends the worker for good: the page is handing over to the full app, which starts its
    /// own.
    pub fn stop(&self) {
        if let Some(worker) = self.worker.borrow_mut().take() {
            worker.terminate();
        }
        self.handlers.borrow_mut().clear();
    }

    /// Ends whatever the worker is doing, at once, and starts a fresh one.
    pub fn cancel(&self) {
        self.stop();
        self.spawn();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_reads_as_the_envelope_it_was_written_from() {
        for body in [
            Response::Progress {
                events: 500,
                state: "Wait".into(),
            },
            Response::Text {
                purpose: "cli".into(),
                text: "aws stepfunctions".into(),
            },
            Response::Pattern {
                answer: serde_json::json!({"b": 1, "a": [true, null, 2.5]}),
            },
            Response::Error {
                message: "no".into(),
            },
        ] {
            let text = serde_json::to_string(&Envelope {
                id: 7,
                body: body.clone(),
            })
            .unwrap();
            assert_eq!(parse_reply(&text), Ok((7, body)));
        }
        assert!(parse_reply(r#"{"kind":"error","message":"no"}"#).is_err());
        assert!(parse_reply(r#"{"id":1,"kind":"nothing"}"#).is_err());
        assert!(parse_reply("not json").is_err());
    }
}
