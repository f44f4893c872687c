//! One labelled editor (definition, input or mock file) with open/save from disk, drag and
//! drop, and its diagnostics listed underneath.

use super::code_editor::{CodeEditor, CompletionVocabulary, EditorDiagnostic, EditorLanguage};
use super::diagnostics::DiagnosticList;
use super::use_ctx;
use crate::browser;
use crate::state::{Action, Field};
use gloo::file::callbacks::FileReader;
use gloo::file::File;
use serde::Deserialize;
use std::rc::Rc;
use stepbridge_inspect::protocol::Diag;
use yew::prelude::*;

fn language(setting: &str, text: &str) -> EditorLanguage {
    match setting {
        "yaml" => EditorLanguage::Yaml,
        "json" => EditorLanguage::Json,
        // A definition may be JSON or SAM/CloudFormation-style YAML.
        _ if text.trim().is_empty() || text.trim_start().starts_with(['{', '[']) => {
            EditorLanguage::Json
        }
        _ => EditorLanguage::Yaml,
    }
}

fn editor_diagnostics(diags: &[Diag]) -> Vec<EditorDiagnostic> {
    diags.iter().map(EditorDiagnostic::from).collect()
}

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
        Field::ExecutionType => "execution-type",
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
    let on_change = {
        let ctx = ctx.clone();
        Callback::from(move |text: String| ctx.dispatch(Action::Edit(field, text)))
    };
    let format = use_state(|| None::<u64>);
    let on_format = {
        let format = format.clone();
        Callback::from(move |_| format.set(Some(format.map_or(1, |n| n + 1))))
    };
    let on_formatted = {
        let ctx = ctx.clone();
        Callback::from(move |ok: bool| {
            if !ok {
                ctx.dispatch(Action::Notice(Some(format!(
                    "The {} is not valid JSON, so it was left as it is.",
                    field.label().to_lowercase()
                ))));
            }
        })
    };
    let diagnostics = ctx.state.diagnostics.of(field);
    let editor_diags = use_memo(diagnostics.clone(), |d| editor_diagnostics(d));
    let completions = use_memo(
        (
            ctx.state.completions.clone(),
            ctx.state.state_names.clone(),
            field,
        ),
        |(tables, names, field)| {
            let tables = tables.as_ref().filter(|_| *field == Field::Definition)?;
            let mut vocab = CompletionVocabulary::deserialize(&**tables).ok()?;
            vocab.state_names = (**names).clone();
            Some(Rc::new(vocab))
        },
    );
    let goto = ctx
        .state
        .goto
        .filter(|g| g.field == field)
        .map(|g| (g.line, g.column, g.seq));
    let dark = browser::is_dark(ctx.state.theme.as_str());
    let lang = language(&props.language, &text);
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
                <span class="editor-label" id={format!("label-{id}")}>{ label }</span>
                <span class="spacer" />
                <label class="button small" for={file_input_id.clone()} tabindex="0"
                    data-testid={format!("open-{id}")}>{ "Open…" }</label>
                <input type="file" class="sr-only" id={file_input_id} accept=".json,.yaml,.yml,.txt,application/json"
                    onchange={on_open} aria-label={format!("Open a file into the {}", field.label().to_lowercase())} />
                <button class="small" onclick={on_save} data-testid={format!("save-{id}")}>{ "Save" }</button>
                if lang == EditorLanguage::Json {
                    <button class="small" onclick={on_format} data-testid={format!("format-{id}")}>{ "Format" }</button>
                }
            </div>
            <div class="code" style={format!("--rows: {}", props.rows)}>
                <CodeEditor value={AttrValue::from(text)} language={lang} label={AttrValue::from(label)}
                    test_id={AttrValue::from(id)} read_only={false} diagnostics={editor_diags.clone()}
                    completions={(*completions).clone()} dark={dark} on_change={on_change} goto={goto}
                    format={*format} on_format={on_formatted} />
            </div>
            <DiagnosticList field={field} diagnostics={diagnostics} />
        </div>
    }
}
