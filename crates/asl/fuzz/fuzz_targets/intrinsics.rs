//! Intrinsic call text then an input document: parsing and evaluating must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use stepbridge_asl::fuzzing::Intrinsic;
use stepbridge_asl::fuzzing::Rng;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (call, doc) = text.split_once('\n').unwrap_or((text, ""));
    let doc: Value = serde_json::from_str(doc)
        .unwrap_or_else(|_| json!({"s": "a,b", "n": 3, "a": [1, 2, 2], "o": {"k": "v"}}));
    if let Ok(f) = Intrinsic::parse(call) {
        let _ = f.evaluate(&doc, &json!({"Execution": {"Id": "e"}}), &mut Rng::new(1));
    }
});
