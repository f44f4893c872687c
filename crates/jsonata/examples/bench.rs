//! Rough throughput figures: `cargo run --release --example bench`.
// Developer tools and tests: a failure should stop loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::time::Instant;

use serde_json::json;
use stepbridge_jsonata::{Environment, Expression};

fn main() {
    let items: Vec<_> = (0..1000)
        .map(|i| json!({"id": i, "sku": format!("S{}", i % 17), "price": (i % 50) as f64 * 1.25, "qty": i % 7}))
        .collect();
    let input = json!({"order": {"id": "o-1", "customer": {"name": "Ada"}, "items": items}});
    let env = Environment::default();
    let cases = [
        ("constant (input conversion)", "1"),
        ("field access", "order.customer.name"),
        (
            "filter + sum (1k items)",
            "$sum(order.items[qty > 2].(price * qty))",
        ),
        ("group-by (1k items)", "order.items{sku: $sum(price)}"),
        (
            "sort + map (1k items)",
            "$map(order.items^(>price), function($i){ $i.id })",
        ),
        (
            "object construction",
            "{'id': order.id, 'who': $uppercase(order.customer.name), 'n': $count(order.items)}",
        ),
    ];
    for (name, expr) in cases {
        let compiled = Expression::compile(expr).expect("compiles");
        let iterations = 200;
        let t = Instant::now();
        for _ in 0..iterations {
            std::hint::black_box(compiled.evaluate(&input, &env).expect("evaluates"));
        }
        let per = t.elapsed() / iterations;
        println!("{name:<28} {per:>10.2?} per evaluation");
    }
    let prepared = stepbridge_jsonata::Prepared::new(Some(&input), &serde_json::Map::new());
    let compiled = Expression::compile("order.customer.name").expect("compiles");
    let t = Instant::now();
    for _ in 0..200 {
        std::hint::black_box(
            compiled
                .evaluate_prepared(&prepared, &env)
                .expect("evaluates"),
        );
    }
    println!(
        "{:<28} {:>10.2?} per evaluation",
        "field access, prepared input",
        t.elapsed() / 200
    );
    let t = Instant::now();
    for _ in 0..1000 {
        std::hint::black_box(
            Expression::compile("$sum(order.items[qty > 2].(price * qty))").expect("compiles"),
        );
    }
    println!(
        "{:<28} {:>10.2?} per compile",
        "compile",
        t.elapsed() / 1000
    );
}
