//! The code editor as a Yew component: a CodeMirror instance (see `crate::editor_js`) mounted
//! on a node Yew never fills, kept in step with the props.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::editor_js;

/// Which grammar highlights, folds and completes the text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EditorLanguage {
    #[default]
    Json,
    Yaml,
}

impl EditorLanguage {
    fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Yaml => "yaml",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticSeverity {
    Error,
    Warning,
}

/// One problem to underline. Lines and columns are 1-based, as the validator reports them;
/// without an end the underline covers the token at the start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EditorDiagnostic {
    pub line: u32,
    pub column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    pub severity: DiagnosticSeverity,
    pub message: String,
}

impl From<&stepbridge_inspect::protocol::Diag> for EditorDiagnostic {
    /// A worker diagnostic underlines from its place to the end of the token there.
    fn from(d: &stepbridge_inspect::protocol::Diag) -> Self {
        EditorDiagnostic {
            line: d.line,
            column: d.column.max(1),
            end_line: None,
            end_column: None,
            severity: if d.severity == "warning" {
                DiagnosticSeverity::Warning
            } else {
                DiagnosticSeverity::Error
            },
            message: format!("{}: {}", d.code, d.message),
        }
    }
}

/// A field a state may have, with a one-line hint shown beside it in the completion list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldHint {
    pub name: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntrinsicHint {
    /// With its prefix: `States.Format`.
    pub name: String,
    pub signature: String,
}

/// What the editor offers to complete. It comes from the Rust side (the state names of the
/// definition being edited, the ASL field tables) so the JavaScript holds no ASL knowledge.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CompletionVocabulary {
    /// Offered in the string values of `Next`, `Default` and `StartAt`.
    pub state_names: Vec<String>,
    /// Keys offered inside a state object, by the state's `Type`.
    pub fields_by_type: BTreeMap<String, Vec<FieldHint>>,
    /// Keys every state type accepts (`Comment`, `Next`, `End`, …).
    pub common_fields: Vec<FieldHint>,
    pub intrinsics: Vec<IntrinsicHint>,
}

#[derive(Properties, PartialEq)]
pub struct CodeEditorProps {
    /// The text. Pushed into the editor only when it differs from what the editor holds, so
    /// the echo of the user's own typing never moves the cursor.
    pub value: AttrValue,
    #[prop_or_default]
    pub language: EditorLanguage,
    /// The accessible name of the text box.
    pub label: AttrValue,
    /// Set as `data-testid` on the editor's root (`.cm-editor`).
    pub test_id: AttrValue,
    #[prop_or_default]
    pub read_only: bool,
    #[prop_or_default]
    pub diagnostics: Rc<Vec<EditorDiagnostic>>,
    #[prop_or_default]
    pub completions: Option<Rc<CompletionVocabulary>>,
    #[prop_or_default]
    pub dark: bool,
    /// The whole text after each user edit.
    pub on_change: Callback<String>,
    /// `(line, column, request id)`: a new id jumps there even when the place is the same as
    /// the last jump's (a second click on the same diagnostic).
    #[prop_or_default]
    pub goto: Option<(u32, u32, u64)>,
    /// A new request id pretty-prints the JSON as one undoable edit (the "Format" button).
    #[prop_or_default]
    pub format: Option<u64>,
    /// Whether the last format request succeeded (false: not valid JSON, text unchanged).
    #[prop_or_default]
    pub on_format: Callback<bool>,
}

/// Serialises with plain objects for maps, as the JavaScript side expects: through JSON text,
/// which keeps serde-wasm-bindgen's serializer (more code for each type) out of the page's wasm.
fn to_js<T: Serialize>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateOptions<'a> {
    doc: &'a str,
    language: EditorLanguage,
    label: &'a str,
    test_id: &'a str,
    read_only: bool,
}

/// Runs `f` on the editor once it exists (effects of the first render run after creation).
fn with_handle(handle: &RefCell<Option<u32>>, f: &dyn Fn(u32)) {
    if let Some(h) = *handle.borrow() {
        f(h);
    }
}

/// A 1-based line and column (UTF-16 units, as CodeMirror counts) of a UTF-16 offset.
fn line_column(text: &str, offset: u32) -> (u32, u32) {
    let (mut line, mut column, mut seen) = (1, 1, 0);
    for c in text.chars() {
        if seen >= offset {
            break;
        }
        seen += c.len_utf16() as u32;
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += c.len_utf16() as u32;
        }
    }
    (line, column)
}

/// Whether the editor bundle has arrived. It loads without blocking the page; until it lands
/// the component shows its text in a plain text box. `caret` receives where the caret was in
/// that box, when it had the focus, so the editor takes the focus over at the same place.
#[hook]
fn use_bundle_ready(fallback: NodeRef, caret: Rc<RefCell<Option<(u32, u32)>>>) -> bool {
    let ready = use_state(editor_js::loaded);
    {
        let ready = ready.clone();
        use_effect_with((), move |_| {
            let already = *ready;
            let arrived = move || {
                if let Some(text_box) = fallback.cast::<web_sys::HtmlTextAreaElement>() {
                    let focused = gloo::utils::document()
                        .active_element()
                        .is_some_and(|e| e == **text_box);
                    if let (true, Ok(Some(offset))) = (focused, text_box.selection_start()) {
                        *caret.borrow_mut() = Some(line_column(&text_box.value(), offset));
                    }
                }
                ready.set(true);
            };
            // The bundle may have landed between the first render and this effect.
            let listener = if already {
                None
            } else if editor_js::loaded() {
                arrived();
                None
            } else {
                Some(gloo::events::EventListener::once(
                    &gloo::utils::window(),
                    editor_js::READY_EVENT,
                    move |_| arrived(),
                ))
            };
            move || drop(listener)
        });
    }
    *ready
}

#[function_component(CodeEditor)]
pub fn code_editor(props: &CodeEditorProps) -> Html {
    let host = use_node_ref();
    let fallback = use_node_ref();
    let caret = use_mut_ref(|| None::<(u32, u32)>);
    let ready = use_bundle_ready(fallback.clone(), caret.clone());
    let handle: Rc<RefCell<Option<u32>>> = use_mut_ref(|| None);
    // The parent usually builds a new Callback every render; the editor's one JS closure
    // always calls the latest.
    let on_change = use_mut_ref(|| props.on_change.clone());
    *on_change.borrow_mut() = props.on_change.clone();
    // The last text reported to the parent: when the value prop comes back equal to it, it is
    // our own echo, even if the user has typed on since.
    let last_emitted: Rc<RefCell<Option<String>>> = use_mut_ref(|| None);

    {
        let (host, handle, on_change, last_emitted) = (
            host.clone(),
            handle.clone(),
            on_change.clone(),
            last_emitted.clone(),
        );
        let options = CreateOptions {
            doc: &props.value,
            language: props.language,
            label: &props.label,
            test_id: &props.test_id,
            read_only: props.read_only,
        };
        let options = to_js(&options);
        // Mounted once the bundle is there, with the text as it is then (typed into the
        // plain box meanwhile, perhaps).
        use_effect_with(ready, move |ready| {
            let callback = ready.then(|| {
                Closure::<dyn FnMut(String)>::new(move |text: String| {
                    *last_emitted.borrow_mut() = Some(text.clone());
                    let current = on_change.borrow().clone();
                    current.emit(text);
                })
            });
            if let (Some(callback), Some(parent)) = (&callback, host.cast::<web_sys::Element>()) {
                match editor_js::create(&parent, &options, callback.as_ref().unchecked_ref()) {
                    Ok(h) => {
                        *handle.borrow_mut() = Some(h);
                        if let Some((line, column)) = caret.borrow_mut().take() {
                            editor_js::goto(h, line, column);
                        }
                    }
                    Err(e) => gloo::console::error!("the code editor did not start:", e),
                }
            }
            move || {
                if let Some(h) = handle.borrow_mut().take() {
                    editor_js::destroy(h);
                }
                // Only now, with the editor gone, may the callback it calls be freed.
                drop(callback);
            }
        });
    }

    {
        let (handle, last_emitted) = (handle.clone(), last_emitted.clone());
        use_effect_with((props.value.clone(), ready), move |(value, _)| {
            if last_emitted.borrow().as_deref() != Some(value.as_str()) {
                with_handle(&handle, &|h| {
                    if editor_js::get_doc(h) != value.as_str() {
                        editor_js::set_doc(h, value);
                    }
                });
            }
        });
    }
    {
        let handle = handle.clone();
        use_effect_with((props.language, ready), move |(language, _)| {
            with_handle(&handle, &|h| editor_js::set_language(h, language.as_str()));
        });
    }
    {
        let handle = handle.clone();
        use_effect_with((props.read_only, ready), move |(read_only, _)| {
            with_handle(&handle, &|h| editor_js::set_read_only(h, *read_only));
        });
    }
    {
        let handle = handle.clone();
        use_effect_with(
            (props.diagnostics.clone(), ready),
            move |(diagnostics, _)| {
                with_handle(&handle, &|h| {
                    editor_js::set_diagnostics(h, &to_js(diagnostics.as_ref()))
                });
            },
        );
    }
    {
        let handle = handle.clone();
        use_effect_with(
            (props.completions.clone(), ready),
            move |(completions, _)| {
                let vocabulary = completions.as_deref().map_or(JsValue::NULL, to_js);
                with_handle(&handle, &|h| editor_js::set_completions(h, &vocabulary));
            },
        );
    }
    {
        // The theme is page-wide on the JavaScript side; going through the handle keeps the
        // call away from a page where the bundle failed to load.
        let handle = handle.clone();
        use_effect_with((props.dark, ready), move |(dark, _)| {
            with_handle(&handle, &|_| editor_js::set_theme(*dark));
        });
    }
    {
        let handle = handle.clone();
        use_effect_with(props.goto, move |goto| {
            if let Some((line, column, _)) = *goto {
                with_handle(&handle, &|h| editor_js::goto(h, line, column));
            }
        });
    }

    {
        let (handle, on_format) = (handle.clone(), props.on_format.clone());
        use_effect_with(props.format, move |format| {
            if format.is_some() {
                with_handle(&handle, &|h| on_format.emit(editor_js::format(h)));
            }
        });
    }

    if !ready {
        let (on_change, last_emitted) = (on_change.clone(), last_emitted.clone());
        let oninput = Callback::from(move |e: InputEvent| {
            let text_box: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            let text = text_box.value();
            *last_emitted.borrow_mut() = Some(text.clone());
            let current = on_change.borrow().clone();
            current.emit(text);
        });
        return html! {
            <div class="code-editor">
                <textarea class="code-fallback" ref={fallback} aria-label={props.label.clone()}
                    data-testid={format!("{}-plain", props.test_id)} spellcheck="false"
                    readonly={props.read_only} value={props.value.clone()} {oninput} />
            </div>
        };
    }
    html! { <div class="code-editor" ref={host}></div> }
}
