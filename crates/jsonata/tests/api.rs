//! Public API behaviour: compile/evaluate, injected environment (clock, seed, bindings),
//! AWS Step Functions' extra functions, limits and robustness on malformed input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests: fail loudly

use serde_json::{json, Value};
use stepbridge_jsonata::{evaluate, Environment, Expression, Metered, Prepared};

fn eval_env(expr: &str, input: Value, env: &Environment) -> Option<Value> {
    Expression::compile(expr)
        .unwrap_or_else(|e| panic!("compile {expr}: {e}"))
        .evaluate(&input, env)
        .unwrap_or_else(|e| panic!("evaluate {expr}: {e}"))
}

fn eval(expr: &str, input: Value) -> Option<Value> {
    eval_env(expr, input, &Environment::default())
}

fn err_code(expr: &str, input: Value) -> &'static str {
    match Expression::compile(expr).and_then(|e| e.evaluate(&input, &Environment::default())) {
        Ok(v) => panic!("expected an error from {expr}, got {v:?}"),
        Err(e) => e.code,
    }
}

#[test]
fn one_shot_evaluate_with_bindings() {
    let mut b = serde_json::Map::new();
    b.insert("factor".into(), json!(3));
    let r = evaluate(
        "$sum(items.price) * $factor",
        &json!({"items": [{"price": 2}, {"price": 5}]}),
        &b,
    )
    .unwrap();
    assert_eq!(r, Some(json!(21)));
}

#[test]
fn undefined_is_none() {
    assert_eq!(eval("nothing.here", json!({"a": 1})), None);
}

#[test]
fn compiled_expression_is_reusable() {
    let e = Expression::compile("a + 1").unwrap();
    let env = Environment::default();
    assert_eq!(e.evaluate(&json!({"a": 1}), &env).unwrap(), Some(json!(2)));
    assert_eq!(
        e.evaluate(&json!({"a": 41}), &env).unwrap(),
        Some(json!(42))
    );
    assert_eq!(e.source(), "a + 1");
}

#[test]
fn object_key_order_is_preserved() {
    let r = eval("{'z': 1, 'a': 2, 'm': 3}", json!(null)).unwrap();
    let keys: Vec<_> = r.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["z", "a", "m"]);
}

#[test]
fn states_style_bindings() {
    // Step Functions exposes `$states.input` etc. as a bound variable.
    let env = Environment {
        bindings: json!({"states": {"input": {"order": {"total": 12.5}}}})
            .as_object()
            .unwrap()
            .clone(),
        ..Environment::default()
    };
    assert_eq!(
        eval_env("$states.input.order.total > 10", json!(null), &env),
        Some(json!(true))
    );
}

#[test]
fn clock_comes_from_the_environment() {
    let env = Environment {
        now_ms: 1_700_000_000_123.0,
        ..Environment::default()
    };
    assert_eq!(
        eval_env("$millis()", json!(null), &env),
        Some(json!(1_700_000_000_123u64))
    );
    assert_eq!(
        eval_env("$now()", json!(null), &env),
        Some(json!("2023-11-14T22:13:20.123Z"))
    );
    // one evaluation sees a single instant
    assert_eq!(
        eval_env("$millis() = $millis()", json!(null), &env),
        Some(json!(true))
    );
}

#[test]
fn randomness_is_seeded() {
    let env = Environment {
        seed: 7,
        ..Environment::default()
    };
    let expr = "{'r1': $random(), 'r2': $random(), 's': $shuffle([1,2,3,4,5,6,7,8]), 'u': $uuid()}";
    let a = eval_env(expr, json!(null), &env);
    let b = eval_env(expr, json!(null), &env);
    assert_eq!(a, b);
    let a = a.unwrap();
    let r = a["r1"].as_f64().unwrap();
    assert!((0.0..1.0).contains(&r));
    assert_ne!(a["r1"], a["r2"]);
    let mut shuffled: Vec<i64> = a["s"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    shuffled.sort();
    assert_eq!(shuffled, vec![1, 2, 3, 4, 5, 6, 7, 8]);
    let other = eval_env(
        "$random()",
        json!(null),
        &Environment {
            seed: 8,
            ..Environment::default()
        },
    );
    assert_ne!(Some(a["r1"].clone()), other);
}

// AWS Step Functions' extra functions:
// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html

#[test]
fn sfn_partition() {
    assert_eq!(
        eval("$partition([1,2,3,4,5,6,7,8,9], 3)", json!(null)),
        Some(json!([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))
    );
    assert_eq!(
        eval("$partition([1,2,3,4,5], 2)", json!(null)),
        Some(json!([[1, 2], [3, 4], [5]]))
    );
}

#[test]
fn sfn_range() {
    assert_eq!(
        eval("$range(0, 10, 2)", json!(null)),
        Some(json!([0, 2, 4, 6, 8, 10]))
    );
    assert_eq!(
        eval("$range(5, 1, -2)", json!(null)),
        Some(json!([5, 3, 1]))
    );
    assert_eq!(eval("$range(1, 3)", json!(null)), Some(json!([1, 2, 3])));
}

#[test]
fn sfn_hash() {
    assert_eq!(
        eval("$hash('abc', 'SHA-256')", json!(null)),
        Some(json!(
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        ))
    );
    assert_eq!(
        eval("$hash('abc', 'MD5')", json!(null)),
        Some(json!("900150983cd24fb0d6963f7d28e17f72"))
    );
    assert_eq!(
        eval("$hash('abc', 'SHA-1')", json!(null)),
        Some(json!("a9993e364706816aba3e25717850c26c9cd0d89d"))
    );
    assert_eq!(err_code("$hash('abc', 'CRC32')", json!(null)), "D3137");
}

#[test]
fn sfn_random_with_seed_is_repeatable() {
    let a = eval("$random(42)", json!(null));
    let b = eval_env(
        "$random(42)",
        json!(null),
        &Environment {
            seed: 99,
            ..Environment::default()
        },
    );
    assert_eq!(a, b);
}

#[test]
fn sfn_uuid_shape() {
    let u = eval("$uuid()", json!(null)).unwrap();
    let s = u.as_str().unwrap();
    assert_eq!(s.len(), 36);
    assert_eq!(&s[14..15], "4");
    assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"));
}

#[test]
fn sfn_parse() {
    assert_eq!(
        eval("$parse('{\"a\": [1, 2, {\"b\": null}]}')", json!(null)),
        Some(json!({"a": [1, 2, {"b": null}]}))
    );
    assert_eq!(err_code("$parse('{oops')", json!(null)), "D3137");
}

#[test]
fn error_carries_position_and_token() {
    let e = Expression::compile("1 + ").unwrap_err();
    assert_eq!(e.code, "S0207");
    let e = Expression::compile("a.b + 'x'")
        .unwrap()
        .evaluate(&json!({"a": {"b": 1}}), &Environment::default())
        .unwrap_err();
    assert_eq!(e.code, "T2002");
    assert_eq!(e.position, Some(5));
    assert_eq!(e.token.as_deref(), Some("+"));
    assert!(
        e.to_string().contains("right side of the + operator"),
        "{e}"
    );
}

#[test]
fn deep_recursion_within_limits_works_and_beyond_fails_cleanly() {
    let sum = "($f := function($n){ $n = 0 ? 0 : $n + $f($n - 1) }; $f(2000))";
    assert_eq!(eval(sum, json!(null)), Some(json!(2_001_000)));
    let env = Environment {
        max_depth: 300,
        ..Environment::default()
    };
    let e = Expression::compile(sum)
        .unwrap()
        .evaluate(&json!(null), &env)
        .unwrap_err();
    assert_eq!(e.code, "U1001");
}

#[test]
fn tail_calls_do_not_grow_the_stack() {
    let loop_expr =
        "($f := function($n, $acc){ $n = 0 ? $acc : $f($n - 1, $acc + 1) }; $f(100000, 0))";
    assert_eq!(eval(loop_expr, json!(null)), Some(json!(100000)));
}

#[test]
fn runaway_loops_hit_the_step_budget() {
    let env = Environment {
        max_steps: 100_000,
        ..Environment::default()
    };
    let e = Expression::compile("($f := function(){ $f() }; $f())")
        .unwrap()
        .evaluate(&json!(null), &env)
        .unwrap_err();
    assert_eq!(e.code, "U1001");
}

#[test]
fn deeply_nested_expression_text_is_rejected_not_crashing() {
    let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    assert!(Expression::compile(&deep).is_err());
    let deep = "[".repeat(100_000);
    assert!(Expression::compile(&deep).is_err());
}

/// Every prefix of every expression in the official suite must compile or fail cleanly, and
/// evaluating whatever compiles must not panic.
#[test]
fn malformed_expressions_never_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/jsonata-suite/groups");
    let Ok(groups) = std::fs::read_dir(&dir) else {
        panic!("suite not found at {}", dir.display());
    };
    let mut exprs = Vec::new();
    for g in groups.flatten() {
        for f in std::fs::read_dir(g.path()).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(f.path()).unwrap_or_default();
            let Ok(v) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            let items = match v {
                Value::Array(a) => a,
                other => vec![other],
            };
            for c in items {
                if let Some(e) = c.get("expr").and_then(|e| e.as_str()) {
                    exprs.push(e.to_string());
                }
            }
        }
    }
    assert!(exprs.len() > 1000);
    let env = Environment {
        max_steps: 20_000,
        ..Environment::default()
    };
    let input = json!({"a": [1, {"b": "x"}], "c": {"d": [true, null]}});
    let mut checked = 0;
    for e in &exprs {
        let chars: Vec<char> = e.chars().collect();
        for cut in (1..chars.len()).step_by(7) {
            let prefix: String = chars[..cut].iter().collect();
            let r = std::panic::catch_unwind(|| {
                if let Ok(x) = Expression::compile(&prefix) {
                    let _ = x.evaluate(&input, &env);
                }
            });
            assert!(r.is_ok(), "panic on expression prefix {prefix:?}");
            checked += 1;
        }
    }
    assert!(checked > 5_000);
}

/// AWS Step Functions runs JSONata 2.0.6 without `$eval`:
/// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
/// ("Step Functions implements JSONata based on the 2.0.6 specification ... $eval is not
/// available"); `?:` and `??` arrived in JSONata 2.1.0 and are rejected there.
#[test]
fn step_functions_dialect() {
    let env = Environment::default();
    let sfn = |e: &str| {
        Expression::compile_for_step_functions(e).and_then(|x| x.evaluate(&json!({"a": 1}), &env))
    };
    assert_eq!(sfn("$parse('[1]')").unwrap(), Some(json!([1])));
    assert_eq!(sfn("$eval('1 + 1')").unwrap_err().code, "T1006");
    assert_eq!(sfn("a ?: 2").unwrap_err().code, "S0211");
    assert_eq!(sfn("a ?? 2").unwrap_err().code, "S0211");
    assert_eq!(sfn("a ? 'y' : 'n'").unwrap(), Some(json!("y")));
    // the full dialect keeps them
    assert_eq!(eval("$eval('1 + 1')", json!(null)), Some(json!(2)));
    assert_eq!(eval("a ?: 2", json!({"a": 0})), Some(json!(2)));
    assert_eq!(eval("a ?? 2", json!({"a": 0})), Some(json!(0)));
}

#[test]
fn compiled_expressions_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Expression>();
    assert_send_sync::<stepbridge_jsonata::Error>();
    let e = std::sync::Arc::new(Expression::compile("$ * 2").unwrap());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let e = e.clone();
            std::thread::spawn(move || e.evaluate(&json!(i), &Environment::default()).unwrap())
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        results,
        vec![
            Some(json!(0)),
            Some(json!(2)),
            Some(json!(4)),
            Some(json!(6))
        ]
    );
}

/// Iteratively built, very deep values must neither overflow the stack when dropped or
/// searched nor be handed out as JSON nobody could drop safely.
#[test]
fn very_deep_values_are_handled_without_crashing() {
    let build = "[1..30000] ~> $reduce(function($a, $x){ {'a': $a} }, {})";
    let e = Expression::compile(build)
        .unwrap()
        .evaluate(&json!(null), &Environment::default())
        .unwrap_err();
    assert_eq!(e.code, "U1001");
    assert_eq!(
        eval(&format!("($x := {build}; $count($x.**))"), json!(null)),
        Some(json!(30001))
    );
    assert_eq!(
        eval(&format!("($x := {build}; $x = $x)"), json!(null)),
        Some(json!(true))
    );
    assert_eq!(
        Expression::compile(&format!("$string({build})"))
            .unwrap()
            .evaluate(&json!(null), &Environment::default())
            .unwrap_err()
            .code,
        "U1001"
    );
}

/// A signature with many one-or-more parameters must not make argument checking exponential.
#[test]
fn pathological_signatures_stay_fast() {
    let params: String = "x+".repeat(25);
    let args: Vec<String> = (0..40).map(|i| i.to_string()).collect();
    let expr = format!("function($a)<{params}s>{{ 1 }}({})", args.join(","));
    let e = Expression::compile(&expr)
        .unwrap()
        .evaluate(&json!(null), &Environment::default());
    assert_eq!(e.unwrap_err().code, "T0410");
}

#[test]
fn prepared_input_and_bindings_are_reusable() {
    let mut p = Prepared::new(Some(&json!({"n": 2})), &serde_json::Map::new());
    p.bind("states", &json!({"input": {"items": [1, 2, 3]}}));
    let env = Environment::default();
    let a = Expression::compile("$sum($states.input.items) * n").unwrap();
    let b = Expression::compile("$count($states.input.items) + n").unwrap();
    assert_eq!(a.evaluate_prepared(&p, &env).unwrap(), Some(json!(12)));
    assert_eq!(b.evaluate_prepared(&p, &env).unwrap(), Some(json!(5)));
    // assignments inside one evaluation do not leak into the next
    let c = Expression::compile("($states := 1; $states)").unwrap();
    assert_eq!(c.evaluate_prepared(&p, &env).unwrap(), Some(json!(1)));
    assert_eq!(a.evaluate_prepared(&p, &env).unwrap(), Some(json!(12)));
    p.bind("states", &json!({"input": {"items": [10]}}));
    assert_eq!(a.evaluate_prepared(&p, &env).unwrap(), Some(json!(20)));
}

#[test]
fn converted_parts_assemble_bindings() {
    use stepbridge_jsonata::Converted;
    let input = Converted::new(&json!({"items": [1, 2, 3]}));
    let states = Converted::object([
        ("input".to_string(), input.clone()),
        ("index".to_string(), Converted::new(&json!(1))),
    ]);
    let mut prepared = Prepared::new(None, &serde_json::Map::new());
    prepared.bind_converted("states", &states);
    let e = Expression::compile("$states.input.items[$states.index]").unwrap();
    assert_eq!(
        e.evaluate_prepared(&prepared, &Environment::default())
            .unwrap(),
        Some(json!(2))
    );
}

// Fuzz finding: regress 0.10 counted every `(` (non-capturing groups and lookarounds too)
// as a capture group, so `\2` with one real group compiled to a backreference past the
// capture array (an out-of-bounds read that crashed), and named backreferences after a
// `(?:` pointed at the wrong group. JavaScript reads such a `\2` as the octal escape \x02.
#[test]
fn backreferences_count_only_capturing_groups() {
    assert_eq!(
        eval(
            r#"$replace("temrrrrr8F today", /(-?\d+(?:\2.\d*)?\x10)F\b/, "C")"#,
            json!(null)
        ),
        Some(json!("temrrrrr8F today"))
    );
    assert_eq!(
        eval(r#"$contains("x\u0002", /(?:x)(a)?\2/)"#, json!(null)),
        Some(json!(true))
    );
    assert_eq!(
        eval(
            r#"$match("aabbaaba", /(?:x)?(?<n>a)(b)\k<n>/).match"#,
            json!(null)
        ),
        Some(json!("aba"))
    );
    assert_eq!(
        eval(r#"$match("aabb", /(?:a)(?<n>b)\k<n>/).match"#, json!(null)),
        Some(json!("abb"))
    );
}

// Fuzz finding: regexes backtrack as JavaScript's do, so a nested quantifier against a long
// run that fails at the end takes exponential time (it hung the fuzzer). Backtracking now
// spends the step budget and ends with the U1001 timeout.
#[test]
fn catastrophic_regex_backtracking_hits_the_step_budget() {
    // A small budget keeps the unoptimized test quick; the default allows ~16x10^7 steps.
    let env = Environment {
        max_steps: 100_000,
        ..Environment::default()
    };
    let code = |e: &str| match Expression::compile(e).and_then(|x| x.evaluate(&json!(null), &env)) {
        Ok(v) => panic!("expected an error from {e}, got {v:?}"),
        Err(err) => err.code,
    };
    let run = format!("\"{}!\"", "a".repeat(40));
    for call in [
        format!("$match({run}, /(a+)+$/)"),
        format!("$replace({run}, /(a*)*b/, \"x\")"),
        format!("$contains({run}, /^(a|aa)+$/)"),
        format!("$split({run}, /(a+)+b/)"),
        format!("/(a+)+$/({run})"),
        r#"$replace("t888888888888888888888888888888888 = 68F", /(-?\d+(?:\.\d*)?)+F\b/, function($m) {"C"})"#.to_string(),
    ] {
        assert_eq!(code(&call), "U1001", "{call}");
    }
    // Ordinary backtracking on longer text stays well within the budget.
    let text = format!("\"{}foo\"", "x".repeat(2000));
    assert_eq!(
        eval(&format!("$contains({text}, /.*foo/)"), json!(null)),
        Some(json!(true))
    );
    assert_eq!(
        eval(&format!("$count($match({text}, /x*?y|x/))"), json!(null)),
        Some(json!(2000))
    );
}

// Fuzz-style amplification: values that double on every step, ranges built in a loop and
// values shared many times over used to exhaust memory (tens of GB) or run for minutes
// within a few thousand steps. Building strings and arrays now spends the step budget, and
// expanding a shared value into JSON text or JSON values is bounded.
#[test]
fn amplifying_expressions_end_with_u1001_instead_of_exhausting_memory() {
    for expr in [
        r#"$reduce([1..40], function($a, $i) {$a & $a}, "x") ~> $length()"#,
        r#"$reduce([1..40], function($a, $i) {$append($a, $a)}, [1]) ~> $count()"#,
        r#"($r := function($s, $n) {$n <= 0 ? "" : $s & $r($s & $s, $n - 1)}; $length($r("x", 40)))"#,
        "$count([1..10000000].[1..10000000])",
        r#"$sum([1..1000].$length($pad("", 100000000)))"#,
        r#"($f := function($a, $n) {$n = 0 ? $a : $f({"a": $a, "b": $a}, $n - 1)}; $f(1, 40))"#,
        r#"($f := function($a, $n) {$n = 0 ? $a : $f([$a, $a], $n - 1)}; $string($f("x", 40)))"#,
        r#"($f := function($a, $n) {$n = 0 ? $a : $f({"a": $a, "b": $a}, $n - 1)}; $string($f(1, 40)))"#,
    ] {
        assert_eq!(err_code(expr, json!(null)), "U1001", "{expr}");
    }
    // Fuzz finding (a timeout at the fuzzer's 200,000 steps): a 4-million range stringified
    // for a concatenation took seconds within a handful of steps.
    let env = Environment {
        max_steps: 200_000,
        ..Environment::default()
    };
    let r = Expression::compile("[3..4E6] & $string()")
        .unwrap()
        .evaluate(&json!(null), &env);
    assert_eq!(r.map_err(|e| e.code).map(|_| ()), Err("U1001"));
    // The largest range works where the host's memory budget allows it (the default does
    // not: see `ranges_and_built_values_meet_the_memory_budget`); moderately large strings
    // work by default.
    let roomy = Environment {
        max_memory: 1 << 30,
        ..Environment::default()
    };
    assert_eq!(
        eval_env("[1..10000000] ~> $count()", json!(null), &roomy),
        Some(json!(10000000))
    );
    assert_eq!(
        eval(
            r#"$reduce([1..20], function($a, $i) {$a & $a}, "x") ~> $length()"#,
            json!(null)
        ),
        Some(json!(1048576))
    );
}

// Hostile input #07: `$sum([1..9000000])` in a Pass state's Output spent only 2.25 million
// steps but built 9 million values (over 500 MB natively) before anything stopped it. What an
// evaluation builds now counts against a memory budget of its own, which names itself.
#[test]
fn ranges_and_built_values_meet_the_memory_budget() {
    let started = std::time::Instant::now();
    let err = Expression::compile("$sum([1..9000000])")
        .unwrap()
        .evaluate(&json!(null), &Environment::default())
        .unwrap_err();
    assert_eq!(err.code, "U1001");
    assert_eq!(err.position, Some(9), "just past the range operator `..`");
    let text = err.to_string();
    assert!(
        text.contains("memory budget") && text.contains("64 MiB"),
        "{text}"
    );
    // Refused before the range is built, so at once.
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    // Ranges within the budget, and arrays built bit by bit, still work.
    assert_eq!(
        eval("$sum([1..1000000])", json!(null)),
        Some(json!(500000500000u64))
    );
    assert_eq!(
        eval(
            "$count($reduce([1..1000], function($a, $i) {$append($a, $i)}, []))",
            json!(null)
        ),
        Some(json!(1000))
    );
    // Each way of building counts: array constructors, $append, concatenation and $pad.
    let tight = Environment {
        max_memory: 1 << 20,
        ..Environment::default()
    };
    for expr in [
        "$count([1..70000])",
        "($a := [1..20000]; $count([$a, $a]))",
        "($a := [1..20000]; $count($append($a, $a)))",
        r#"$length($reduce([1..21], function($s, $i) {$s & $s}, "x"))"#,
        r#"$length($pad("", 2000000))"#,
    ] {
        let e = Expression::compile(expr)
            .unwrap()
            .evaluate(&json!(null), &tight)
            .unwrap_err();
        assert!(e.to_string().contains("1 MiB"), "{expr}: {e}");
    }
    assert_eq!(
        eval_env("$count([1..30000])", json!(null), &tight),
        Some(json!(30000))
    );
}

// $distinct compared every item with every earlier one: `$distinct([1..1e6])` ran for hours.
// Scalars now go through a set; arrays and objects still compare pairwise, on the budget.
#[test]
fn distinct_is_fast_on_large_arrays_and_keeps_deep_equality() {
    assert_eq!(
        eval("$count($distinct([1..1000000].($ % 1000)))", json!(null)),
        Some(json!(1000))
    );
    assert_eq!(
        eval(
            r#"$distinct([1, "1", 1.0, 0, -0, true, null, null, [1], [1], {"a": 1}, {"a": 1}, "x", true])"#,
            json!(null)
        ),
        Some(json!([1, "1", 0, true, null, [1], {"a": 1}, "x"]))
    );
    assert_eq!(
        err_code("$count($distinct([1..1000000].[$]))", json!(null)),
        "U1001"
    );
}

/// The regex backtracking budget belongs to one evaluation: an evaluation that exhausts it
/// (a catastrophically backtracking pattern ends with U1001) must leave the next evaluation
/// on the same thread its full budget, including the searches `$toMillis` does with a
/// picture and the ISO 8601 check it does without one.
#[test]
fn regex_budget_does_not_leak_into_the_next_evaluation() {
    let run = || {
        let hostile = Expression::compile(r#"$match($, /(a+)+$/)"#).unwrap();
        let input = json!(format!("{}!", "a".repeat(40)));
        // A small step budget keeps the test quick; the regex budget derives from it.
        let small = Environment {
            max_steps: 20_000,
            ..Environment::default()
        };
        let err = hostile
            .evaluate(&input, &small)
            .expect_err("a catastrophic pattern must end with U1001");
        assert_eq!(err.code, "U1001");

        assert_eq!(
            eval(r#"$toMillis("2024-01-02", "[Y]-[M]-[D]")"#, json!(null)),
            Some(json!(1704153600000u64))
        );
        assert_eq!(
            eval(r#"$toMillis("2024-01-02T03:04:05Z")"#, json!(null)),
            Some(json!(1704164645000u64))
        );
        assert_eq!(
            eval(r#"$match("ab12cd345", /\d+/).match"#, json!(null)),
            Some(json!(["12", "345"]))
        );
        // The thread is left as it was found: another exhausting run still fails cleanly.
        let again = hostile.evaluate(&input, &small);
        assert_eq!(again.map_err(|e| e.code), Err("U1001"));
    };
    // A fresh thread, so that no earlier test on this thread has touched the budget.
    std::thread::spawn(run).join().unwrap();
}

// Hostile inputs (issue 14): chained descendants on a deep input grew as a power of the
// input (`$count($states.input.d.**.**.**.**.**)` on 848 bytes reached 3.75 GB and never met
// the step budget). Walking descendants now spends the step budget, and what `**` selects
// is bounded (about 2 million values, the most a result may hold).
#[test]
fn chained_descendants_on_deep_input_end_with_u1001() {
    let input: Value =
        serde_json::from_str(include_str!("hostile/02_deep120_obj.input.json")).unwrap();
    let mut prepared = Prepared::new(None, &serde_json::Map::new());
    prepared.bind("states", &json!({ "input": input }));
    let expr = Expression::compile("$count($states.input.d.**.**.**.**.**)").unwrap();
    let err = expr
        .evaluate_prepared(&prepared, &Environment::default())
        .expect_err("a result that grows as the fifth power of the input must be refused");
    assert_eq!(err.code, "U1001");
    assert!(err.to_string().contains("**"), "{err}");
    // 2 s in a release build; an unoptimised test build on a busy machine is slower.

    // What stays within the bound keeps JSONata's answer: every value once per ancestor.
    let two = Expression::compile("$count($states.input.d.**.**)").unwrap();
    let r = two
        .evaluate_prepared(&prepared, &Environment::default())
        .unwrap();
    let depth = 120u64;
    assert_eq!(r, Some(json!(depth * (depth + 1) / 2 + depth + 1)));
}

/// A value that holds itself twice, 40 times over, has 2^40 descendants: walking them spends
/// the step budget instead of running for hours.
#[test]
fn descendants_of_a_value_shared_many_times_over_spend_the_step_budget() {
    let expr = r#"($f := function($a, $n) {$n = 0 ? $a : $f({"a": $a, "b": $a}, $n - 1)}; $count($f(1, 40).**))"#;
    assert_eq!(err_code(expr, json!(null)), "U1001");
}

// Hostile inputs (issue 14, #07): a state machine looping through a Pass state whose output
// is `$sum([1..9000000])` stays within each evaluation's budget (the range costs 2.25
// million of 10 million steps) but ran for about 35 minutes before the event quota. The
// engine reports what each evaluation spent, so a host bounds the total: here a budget of 6
// million steps for the whole loop, each evaluation getting what is left.
#[test]
fn a_host_bounds_the_work_of_an_evaluation_loop() {
    let definition: Value =
        serde_json::from_str(include_str!("hostile/07_jsonata_heavy_loop.asl.json")).unwrap();
    let output = definition["States"]["U"]["Output"].as_str().unwrap();
    let source = output
        .strip_prefix("{%")
        .and_then(|s| s.strip_suffix("%}"))
        .unwrap();
    let expr = Expression::compile_for_step_functions(source).unwrap();
    let prepared = Prepared::new(Some(&json!({})), &serde_json::Map::new());
    let budget: u64 = 6_000_000;
    let mut left = budget;
    let mut passes = 0;
    let mut first = 0;
    let err = loop {
        // By default the memory budget stops this expression at once (see
        // `ranges_and_built_values_meet_the_memory_budget`); raised here to watch the steps.
        let env = Environment {
            max_steps: left,
            max_memory: 1 << 30,
            ..Environment::default()
        };
        let Metered { result, steps } = expr.evaluate_metered(&prepared, &env);
        left = left.saturating_sub(steps);
        match result {
            Ok(v) => {
                assert_eq!(v, Some(json!(40_500_004_500_000u64)));
                assert!(steps >= 2_250_000, "the range is charged: {steps}");
                if passes == 0 {
                    first = steps;
                }
                passes += 1;
                assert!(passes < 10, "the loop must end");
            }
            Err(e) => break e,
        }
    };
    assert_eq!(err.code, "U1001");
    // As many passes as the budget pays for, and not one more.
    assert_eq!(passes, budget / first, "{first} steps a pass");
}
