//! Small components over the one reducer in `state`.

mod editor;
mod pattern_panel;
mod run_panel;

use crate::examples::STATE_MACHINES;
use crate::state::{Action, AppState, Field};
use editor::Editor;
use pattern_panel::PatternPanel;
use run_panel::RunPanel;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);
    let edit = |field: Field| {
        let state = state.clone();
        Callback::from(move |text: String| state.dispatch(Action::Edit(field, text)))
    };
    let on_run = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Run))
    };
    let on_test = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Test))
    };
    let on_example = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let Ok(index) = select.value().parse::<usize>() else {
                return;
            };
            // Nothing the user typed is lost without their say.
            if state.has_own_edits() {
                let agreed = web_sys::window()
                    .and_then(|w| {
                        w.confirm_with_message(
                            "Replace your state machine, input and mocks with this example?",
                        )
                        .ok()
                    })
                    .unwrap_or(false);
                if !agreed {
                    select.set_value(
                        &state
                            .current_example()
                            .map(|i| i.to_string())
                            .unwrap_or_default(),
                    );
                    return;
                }
            }
            state.dispatch(Action::LoadExample(index));
        })
    };
    let ws = &state.workspace;
    let test_cases = state.test_cases();
    let current_example = state.current_example();

    html! {
        <div class="app">
            <header class="topbar">
                <h1>{ "stepbridge" }</h1>
                <span class="tagline">{ "Step Functions and EventBridge, in your browser" }</span>
            </header>
            <main>
                <section class="panel" aria-label="State machine">
                    <h2>{ "State machine" }</h2>
                    <div class="actions">
                        <label for="example">{ "Example " }</label>
                        <select id="example" data-testid="example" onchange={on_example}>
                            if current_example.is_none() {
                                <option value="" selected=true>{ "(your own)" }</option>
                            }
                            { for STATE_MACHINES.iter().enumerate().map(|(i, ex)| html! {
                                <option value={i.to_string()} selected={current_example == Some(i)}>{ ex.title }</option>
                            }) }
                        </select>
                    </div>
                    <div class="editors">
                        <Editor id="definition" label="Definition (ASL)" value={ws.definition.clone()} rows={24} on_change={edit(Field::Definition)} />
                        <div class="stack">
                            <Editor id="input" label="Input" value={ws.input.clone()} rows={9} on_change={edit(Field::Input)} />
                            <Editor id="mocks" label="Mocks (MockConfigFile)" value={ws.mocks.clone()} rows={9} on_change={edit(Field::Mocks)} />
                        </div>
                    </div>
                    <div class="actions">
                        <label for="test-case">{ "Test case " }</label>
                        <select id="test-case" data-testid="test-case"
                            onchange={
                                let on = edit(Field::TestCase);
                                Callback::from(move |e: Event| {
                                    let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                                    on.emit(select.value());
                                })
                            }>
                            <option value="" selected={ws.test_case.is_empty()}>{ "(no mocks)" }</option>
                            { for test_cases.iter().map(|name| html! {
                                <option value={name.clone()} selected={*name == ws.test_case}>{ name }</option>
                            }) }
                        </select>
                        <button class="primary" data-testid="run" onclick={on_run}>{ "Run" }</button>
                    </div>
                    <RunPanel run={state.run.clone()} />
                </section>
                <section class="panel" aria-label="Event pattern">
                    <h2>{ "EventBridge pattern" }</h2>
                    <div class="editors">
                        <Editor id="pattern" label="Event pattern" value={ws.pattern.clone()} rows={14} on_change={edit(Field::Pattern)} />
                        <Editor id="event" label="Event" value={ws.event.clone()} rows={14} on_change={edit(Field::Event)} />
                    </div>
                    <div class="actions">
                        <button class="primary" data-testid="test-pattern" onclick={on_test}>{ "Test" }</button>
                    </div>
                    <PatternPanel test={state.test.clone()} />
                </section>
            </main>
        </div>
    }
}
