//! Path text then a document: parsing, selecting and ResultPath must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use stepbridge_asl::fuzzing::{apply_result_path, Path};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (path, doc) = text.split_once('\n').unwrap_or((text, ""));
    let doc: Value = serde_json::from_str(doc).unwrap_or_else(
        |_| json!({"a": [1, {"b": "x", "c": [null, true, 2.5]}], "d": {"e": {"f": "g"}}}),
    );
    if let Ok(p) = Path::parse(path) {
        let _ = p.select(&doc, &doc);
        let _ = p.normalized();
        let _ = apply_result_path(&doc, Some(&p), json!({"r": 1}));
    }
});
