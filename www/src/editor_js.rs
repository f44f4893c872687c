//! The boundary to the CodeMirror editor bundle (www/js/editor.js, loaded by index.html
//! without blocking the page: see [`loaded`] and [`READY_EVENT`]). Editors are named by the small integer handle `create` returns, so no
//! JavaScript object has to be kept alive on the Rust side except the change callback.

use wasm_bindgen::prelude::*;

/// Dispatched on `window` by the bundle once `window.StepbridgeEditor` exists.
pub const READY_EVENT: &str = "stepbridge-editor-ready";

/// Whether the bundle has arrived (the functions below exist).
pub fn loaded() -> bool {
    js_sys::Reflect::has(
        &gloo::utils::window(),
        &JsValue::from_str("StepbridgeEditor"),
    )
    .unwrap_or(false)
}

#[wasm_bindgen(js_namespace = StepbridgeEditor)]
extern "C" {
    /// Mounts an editor inside `parent`. `options` is `{doc, language, label, testId,
    /// readOnly}`; `on_change` gets the whole text after every user edit (never after
    /// `set_doc`). Errs when the bundle is missing, so the page can say so instead of trapping.
    #[wasm_bindgen(catch)]
    pub fn create(
        parent: &web_sys::Element,
        options: &JsValue,
        on_change: &js_sys::Function,
    ) -> Result<u32, JsValue>;

    /// Replaces the text (only the part that differs, so the cursor stays); a no-op when equal.
    #[wasm_bindgen(js_name = setDoc)]
    pub fn set_doc(handle: u32, text: &str);

    #[wasm_bindgen(js_name = getDoc)]
    pub fn get_doc(handle: u32) -> String;

    /// `"json"` or `"yaml"`.
    #[wasm_bindgen(js_name = setLanguage)]
    pub fn set_language(handle: u32, language: &str);

    #[wasm_bindgen(js_name = setReadOnly)]
    pub fn set_read_only(handle: u32, read_only: bool);

    pub fn destroy(handle: u32);

    /// `[{line, column, endLine?, endColumn?, severity, message}]`, 1-based.
    #[wasm_bindgen(js_name = setDiagnostics)]
    pub fn set_diagnostics(handle: u32, list: &JsValue);

    /// Focuses the editor with the cursor at a 1-based line and column, scrolled into view.
    pub fn goto(handle: u32, line: u32, column: u32);

    /// Pretty-prints JSON as one undoable edit; false (text unchanged) when it is not JSON.
    pub fn format(handle: u32) -> bool;

    /// `{stateNames, fieldsByType, commonFields, intrinsics}`.
    #[wasm_bindgen(js_name = setCompletions)]
    pub fn set_completions(handle: u32, vocabulary: &JsValue);

    /// Applies to every editor on the page.
    #[wasm_bindgen(js_name = setTheme)]
    pub fn set_theme(dark: bool);
}
