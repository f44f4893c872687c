//! Evaluates a JSONata expression against JSON on stdin: `cargo run --example jq -- 'expr'`.
// Developer tools and tests: a failure should stop loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::io::Read;

fn main() {
    let expr = std::env::args().nth(1).unwrap_or_else(|| "$".into());
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .unwrap_or_default();
    let input: Option<serde_json::Value> = serde_json::from_str(&text).ok();
    let mut env = stepbridge_jsonata::Environment::default();
    if let Some(d) = std::env::var("JSONATA_MAX_DEPTH")
        .ok()
        .and_then(|d| d.parse().ok())
    {
        env.max_depth = d;
    }
    let r = stepbridge_jsonata::Expression::compile(&expr)
        .and_then(|e| e.evaluate_opt(input.as_ref(), &env));
    match r {
        Ok(Some(v)) => println!("{v}"),
        Ok(None) => println!("undefined"),
        Err(e) => println!("error {e}"),
    }
}
