//! Small components over the one reducer in `state`, sharing it and the engine through
//! [`Ctx`].

mod app;
mod callback_view;
mod code_editor;
mod compare_view;
mod diagnostics;
mod editor_panel;
mod embed;
mod eventbridge;
mod events_view;
mod graph_view;
mod json_view;
mod map_view;
mod practice;
mod retry_view;
mod run_summary;
pub(crate) mod sections;
mod share_dialog;
mod step_view;
mod table_view;
mod text_dialog;
mod toolbar;
mod views;

pub use app::App;

use crate::engine::Engine;
use crate::state::{Action, AppState, Kind};
use std::rc::Rc;
use stepbridge_inspect::protocol::Request;
use yew::prelude::*;

/// What every component may read and do: the state, and the engine to ask.
#[derive(Clone, PartialEq)]
pub struct Ctx {
    pub state: UseReducerHandle<AppState>,
    pub engine: Rc<Engine>,
}

impl Ctx {
    /// Sends a request and records it as the awaited one of its kind.
    pub fn ask(&self, kind: Kind, request: Request) {
        let id = self.engine.send(request);
        self.state.dispatch(Action::Sent(kind, id));
    }

    pub fn dispatch(&self, action: Action) {
        self.state.dispatch(action);
    }
}

#[hook]
pub fn use_ctx() -> Ctx {
    #[allow(clippy::expect_used)]
    use_context::<Ctx>().expect("components are rendered inside App's context provider")
}
