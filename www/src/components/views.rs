//! The run's three views (graph, table, events), as tabs.

use super::events_view::EventsView;
use super::graph_view::GraphView;
use super::table_view::TableView;
use super::use_ctx;
use crate::state::{Action, View};
use yew::prelude::*;

#[function_component(Views)]
pub fn views() -> Html {
    let ctx = use_ctx();
    let view = ctx.state.view;
    let tab = |v: View, label: &'static str, id: &'static str| {
        let ctx = ctx.clone();
        let selected = view == v;
        html! {
            <button role="tab" class={classes!("tab", selected.then_some("selected"))}
                aria-selected={selected.to_string()} data-testid={id}
                onclick={move |_| ctx.dispatch(Action::SelectView(v))}>{ label }</button>
        }
    };
    html! {
        <div class="views">
            <div class="tabs" role="tablist" aria-label="Views of the run">
                { tab(View::Graph, "Graph", "tab-graph") }
                { tab(View::Table, "Table", "tab-table") }
                { tab(View::Events, "Events", "tab-events") }
            </div>
            <div role="tabpanel">
                { match view {
                    View::Graph => html! { <GraphView /> },
                    View::Table => html! { <TableView /> },
                    View::Events => html! { <EventsView /> },
                } }
            </div>
        </div>
    }
}
