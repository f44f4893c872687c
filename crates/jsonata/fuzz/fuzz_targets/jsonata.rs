//! Expression text, a NUL byte, then an input document: compiling and evaluating (full
//! grammar and the Step Functions dialect) must never panic, and every evaluation ends
//! within the step and depth budgets.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use stepbridge_jsonata::{Environment, Expression};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (expr, doc) = text.split_once('\0').unwrap_or((text, ""));
    let doc: Value = serde_json::from_str(doc).unwrap_or_else(
        |_| json!({"s": "a,b", "n": 3, "a": [1, 2, 2], "o": {"k": "v", "l": [{"x": 1}, {"x": 2}]}}),
    );
    let mut env = Environment {
        now_ms: 1.7e12,
        seed: 7,
        // Small budgets keep every run fast; the defaults only scale these up.
        max_depth: 500,
        max_steps: 200_000,
        ..Environment::default()
    };
    env.bindings
        .insert("v".into(), json!([{"k": 1}, "x", null]));
    if let Ok(e) = Expression::compile(expr) {
        let _ = e.evaluate(&doc, &env);
        let _ = e.evaluate_opt(None, &env);
    }
    if let Ok(e) = Expression::compile_for_step_functions(expr) {
        let _ = e.evaluate(&doc, &env);
    }
});
