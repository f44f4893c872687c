//! Share links are untrusted input: whatever the bytes, reading them as a link, as the
//! deflate data inside a `w1.` link, or as a workspace file must never panic, and a
//! workspace that reads must survive being shared again unchanged.
#![no_main]
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use stepbridge_inspect::share::{
    decode, encode, file_document, read_file_document, SharedWorkspace,
};

/// Equal, except that a float in the bus document may differ in its last bit: without
/// serde_json's `float_roundtrip` feature, parsing a 17-digit float is not always exact.
fn same(a: &SharedWorkspace, b: &SharedWorkspace) -> bool {
    let without_bus = |w: &SharedWorkspace| SharedWorkspace {
        bus: None,
        ..w.clone()
    };
    without_bus(a) == without_bus(b)
        && match (&a.bus, &b.bus) {
            (Some(x), Some(y)) => same_value(x, y),
            (x, y) => x == y,
        }
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x != y => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => (x - y).abs() <= x.abs().max(y.abs()) * 2.0 * f64::EPSILON,
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k, x), (l, y))| k == l && same_value(x, y))
        }
        _ => a == b,
    }
}

/// Sharing again (as a link and as a file) gives back the same workspace.
fn check_round_trip(workspace: SharedWorkspace) {
    let again = decode(&encode(&workspace)).expect("a re-encoded link reads");
    assert!(
        same(&again, &workspace),
        "link round trip: {workspace:?} became {again:?}"
    );
    let again = read_file_document(&file_document(&workspace)).expect("a saved file reads");
    assert!(
        same(&again, &workspace),
        "file round trip: {workspace:?} became {again:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(workspace) = decode(text) {
            check_round_trip(workspace);
        }
        if let Ok(workspace) = read_file_document(text) {
            check_round_trip(workspace);
        }
    }
    // The same bytes as the compressed payload of a link, so that mutations reach the
    // inflater and the JSON reader instead of dying in base64.
    let link = format!(
        "w1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
    );
    if let Ok(workspace) = decode(&link) {
        check_round_trip(workspace);
    }
});
