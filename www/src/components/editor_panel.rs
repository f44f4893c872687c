//! One labelled editor (definition, input or mock file) with open/save from disk, drag and
//! drop, and its diagnostics listed underneath.

use super::diagnostics::DiagnosticList;
use super::use_ctx;
use crate::browser;
use crate::state::{Action, Field};
use gloo::file::callbacks::FileReader;
use gloo::file::File;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EditorPanelProps {
    pub field: Field,
    /// "json", "yaml" or "auto" (YAML when the text does not start like JSON).
    pub language: AttrValue,
    pub rows: u32,
}

fn test_id(field: Field) -> &'static str {
    match field {
        Field::Definition => "definition",
        Field::Input => "input",
        Field::Mocks => "mocks",
        Field::Pattern => "pattern",
        Field::Event => "event",
        Field::TestCase => "test-case",
        Field::StartTime => "start-time",
    }
}

fn file_name(field: Field, text: &str) -> String {
    let yaml = !text.trim_start().starts_with(['{', '[']) && !text.trim().is_empty();
    match field {
        Field::Definition if yaml => "definition.asl.yaml".into(),
        Field::Definition => "definition.asl.json".into(),
        other => format!("{}.json", test_id(other)),
    }
}

#[function_component(EditorPanel)]
pub fn editor_panel(props: &EditorPanelProps) -> Html {
    let ctx = use_ctx();
    let field = props.field;
    let id = test_id(field);
    let text = ctx.state.workspace.get(field).to_string();
    let reader = use_mut_ref(|| None::<FileReader>);
    let dragging = use_state(|| false);

    // A file replaces the editor's text only with the user's say, like an example does.
    let load_file = {
        let ctx = ctx.clone();
        let reader = reader.clone();
        move |file: File| {
            let ctx = ctx.clone();
            let name = file.name();
            *reader.borrow_mut() = Some(gloo::file::callbacks::read_as_text(
                &file,
                move |result| match result {
                    Ok(content) => {
                        let current = ctx.state.workspace.get(field);
                        if current.trim().is_empty()
                            || current == content
                            || browser::confirm(&format!(
                                "Replace the {} with the file {name}?",
                                field.label().to_lowercase()
                            ))
                        {
                            ctx.dispatch(Action::Edit(field, content));
                        }
                    }
                    Err(e) => ctx.dispatch(Action::Notice(Some(format!(
                        "The file {name} could not be read: {e}"
                    )))),
                },
            ));
        }
    };
    let on_open = {
        let load_file = load_file.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                load_file(File::from(file));
            }
            input.set_value("");
        })
    };
    let on_drop = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                load_file(File::from(file));
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_save = {
        let text = text.clone();
        Callback::from(move |_| {
            let name = file_name(field, &text);
            browser::download(&name, &text, "application/json");
        })
    };
    let on_input = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            ctx.dispatch(Action::Edit(field, area.value()));
        })
    };
    let diagnostics = ctx.state.diagnostics.of(field);
    let label = match field {
        Field::Definition => "Definition (ASL, JSON or YAML)",
        Field::Mocks => "Mocks (MockConfigFile)",
        other => other.label(),
    };
    let file_input_id = format!("open-{id}");

    html! {
        <div class={classes!("editor", dragging.then_some("dragging"))}
            ondrop={on_drop} ondragover={on_drag_over} ondragleave={on_drag_leave}>
            <div class="editor-head">
                <label for={id}>{ label }</label>
                <span class="spacer" />
                <label class="button small" for={file_input_id.clone()} tabindex="0"
                    data-testid={format!("open-{id}")}>{ "Open…" }</label>
                <input type="file" class="sr-only" id={file_input_id} accept=".json,.yaml,.yml,.txt,application/json"
                    onchange={on_open} aria-label={format!("Open a file into the {}", field.label().to_lowercase())} />
                <button class="small" onclick={on_save} data-testid={format!("save-{id}")}>{ "Save" }</button>
            </div>
            <textarea id={id} data-testid={id} spellcheck="false" rows={props.rows.to_string()}
                value={text} oninput={on_input}
                aria-invalid={(!diagnostics.is_empty()).to_string()} />
            <DiagnosticList field={field} diagnostics={diagnostics} />
        </div>
    }
}
