//! Small wrappers over browser APIs the components share (storage, files, clipboard,
//! dialogs). Failures degrade quietly where the page can go on without them (a private
//! window without storage still runs workflows).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub fn storage_get(key: &str) -> Option<String> {
    let storage = web_sys::window()?.local_storage().ok()??;
    storage.get_item(key).ok()?
}

/// The text of a JavaScript error: a thrown string, or the `message` of an Error or
/// ErrorEvent.
pub fn error_message(error: &JsValue) -> Option<String> {
    error.as_string().or_else(|| {
        js_sys::Reflect::get(error, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
    })
}

/// Forgets a saved value (ignored where storage is unavailable).
pub fn storage_remove(key: &str) {
    if let Ok(Some(storage)) = gloo::utils::window().local_storage() {
        let _ = storage.remove_item(key);
    }
}

pub fn storage_set(key: &str, value: &str) {
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) {
        // A full or disabled storage must not break editing; the page says nothing.
        let _ = storage.set_item(key, value);
    }
}

pub fn confirm(message: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false)
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, text: &str, mime: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(anchor) = document.create_element("a") {
        let anchor: web_sys::HtmlAnchorElement = anchor.unchecked_into();
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Copies text to the clipboard; false where the browser refuses.
pub fn copy(text: &str) -> bool {
    match web_sys::window() {
        Some(window) => {
            let _ = window.navigator().clipboard().write_text(text);
            true
        }
        None => false,
    }
}

pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Sets `data-theme` on the root element, which the style sheet keys its colours on.
pub fn apply_theme(theme: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", theme);
    }
}

/// Whether a theme setting ("system", "light", "dark") shows dark colours now.
pub fn is_dark(theme: &str) -> bool {
    match theme {
        "dark" => true,
        "light" => false,
        _ => prefers_dark(),
    }
}
