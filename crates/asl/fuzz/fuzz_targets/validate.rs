//! Any text, JSON or YAML or neither, must give diagnostics, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for d in stepbridge_asl::validate(text) {
            assert!(d.location.line >= 1 && d.location.column >= 1);
        }
    }
});
