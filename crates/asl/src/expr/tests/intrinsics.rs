//! The 18 intrinsic functions, with the examples and limits of
//! "Intrinsic functions for JSONPath states in Step Functions"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html).

use crate::expr::intrinsics::Intrinsic;
use crate::rng::Rng;
use serde_json::{json, Value};

fn eval_with(text: &str, input: Value) -> Result<Value, crate::StatesError> {
    let f = Intrinsic::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    f.evaluate(
        &input,
        &json!({"Execution": {"Id": "exec-1"}}),
        &mut Rng::new(7),
    )
}

fn ok(text: &str, input: Value) -> Value {
    eval_with(text, input).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn failure(text: &str, input: Value) -> String {
    let e = eval_with(text, input).expect_err(text);
    assert_eq!(e.error, "States.IntrinsicFailure", "{text}: {e}");
    e.cause
}

// "States.Format": placeholders {} filled in order.
#[test]
fn format() {
    assert_eq!(
        ok(
            "States.Format('Hello, my name is {}.', $.name)",
            json!({"name": "Arnav"})
        ),
        json!("Hello, my name is Arnav.")
    );
    assert_eq!(
        ok("States.Format('{} + {} = {}', 1, 2.5, true)", json!({})),
        json!("1 + 2.5 = true")
    );
    assert_eq!(ok("States.Format('{}', null)", json!({})), json!("null"));
    assert_eq!(
        ok("States.Format('{}', $.o)", json!({"o": {"a": [1]}})),
        json!("{a=[1]}")
    );
    // Objects and arrays print as Java's Map and List toString (issue 14, recorded from AWS).
    assert_eq!(
        ok(
            "States.Format('{}', $.o)",
            json!({"o": {"Arg1": 1, "Arg2": [], "Arg3": {"s": "x", "n": null, "b": [true, 2.5]}}})
        ),
        json!("{Arg1=1, Arg2=[], Arg3={s=x, n=null, b=[true, 2.5]}}")
    );
    // Reserved characters escaped with a backslash: ' { } \
    assert_eq!(
        ok(
            r"States.Format('It\'s \{literal\} {} \\ done', $$.Execution.Id)",
            json!({})
        ),
        json!(r"It's {literal} exec-1 \ done")
    );
    // Placeholder count must match the arguments: checked when the definition loads.
    assert!(Intrinsic::parse("States.Format('{} {}', 1)").is_err());
    assert!(Intrinsic::parse("States.Format('{}', 1, 2)").is_err());
    // ... and at run time when the template comes from the input.
    let c = failure("States.Format($.t, 1)", json!({"t": "{} {}"}));
    assert!(c.contains("placeholder"), "{c}");
}

#[test]
fn string_to_json_and_back() {
    assert_eq!(
        ok(
            "States.StringToJson($.someString)",
            json!({"someString": "{\"number\": 20}"})
        ),
        json!({"number": 20})
    );
    assert_eq!(
        ok(
            "States.JsonToString($.someJson)",
            json!({"someJson": {"name": "Foo", "year": 2020}})
        ),
        json!("{\"name\":\"Foo\",\"year\":2020}")
    );
    failure("States.StringToJson($.s)", json!({"s": "{not json"}));
    failure("States.StringToJson($.s)", json!({"s": 5}));
}

#[test]
fn array_functions() {
    assert_eq!(
        ok(
            "States.Array('Foo', 2020, $.someJson, null)",
            json!({"someJson": {"random": "abcdefg"}})
        ),
        json!(["Foo", 2020, {"random": "abcdefg"}, null])
    );
    assert_eq!(ok("States.Array()", json!({})), json!([]));
    let nine = json!({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9]});
    assert_eq!(
        ok("States.ArrayPartition($.inputArray, 4)", nine.clone()),
        json!([[1, 2, 3, 4], [5, 6, 7, 8], [9]])
    );
    assert_eq!(
        ok("States.ArrayContains($.inputArray, 5)", nine.clone()),
        json!(true)
    );
    assert_eq!(
        ok("States.ArrayContains($.inputArray, 10)", nine.clone()),
        json!(false)
    );
    assert_eq!(
        ok("States.ArrayRange(1, 9, 2)", json!({})),
        json!([1, 3, 5, 7, 9])
    );
    assert_eq!(
        ok("States.ArrayRange(5, 1, -2)", json!({})),
        json!([5, 3, 1])
    );
    assert_eq!(
        ok("States.ArrayGetItem($.inputArray, 5)", nine.clone()),
        json!(6)
    );
    assert_eq!(
        ok("States.ArrayLength($.inputArray)", nine.clone()),
        json!(9)
    );
    assert_eq!(
        ok(
            "States.ArrayUnique($.a)",
            json!({"a": [1, 2, 3, 3, 3, 3, 3, 3, 4]})
        ),
        json!([1, 2, 3, 4])
    );
    assert_eq!(
        ok(
            "States.ArrayUnique($.a)",
            json!({"a": [{"x": 1}, {"x": 1}, "1", 1, 1.0]})
        ),
        json!([{"x": 1}, "1", 1])
    );
}

// ArrayRange: "The maximum number of items this can produce is 1000."
#[test]
fn array_argument_checks() {
    assert_eq!(
        ok("States.ArrayRange(1, 1000, 1)", json!({}))
            .as_array()
            .unwrap()
            .len(),
        1000
    );
    let c = failure("States.ArrayRange(1, 1001, 1)", json!({}));
    assert!(c.contains("1000"), "{c}");
    failure("States.ArrayRange(1, 2, 0)", json!({}).clone());
    assert!(Intrinsic::parse("States.ArrayRange(1.5, 2, 1)").is_err());
    failure("States.ArrayPartition($.a, 0)", json!({"a": [1]}));
    failure("States.ArrayPartition($.a, 2)", json!({"a": "x"}));
    failure("States.ArrayGetItem($.a, 3)", json!({"a": [1, 2]}));
    failure("States.ArrayGetItem($.a, -1)", json!({"a": [1, 2]}));
    failure("States.ArrayLength($.a)", json!({"a": {}}));
    assert!(Intrinsic::parse("States.ArrayLength()").is_err());
    assert!(Intrinsic::parse("States.ArrayLength($.a, $.b)").is_err());
}

// Base64Encode/Decode: "up to 10,000 characters".
#[test]
fn base64() {
    assert_eq!(
        ok(
            "States.Base64Encode($.input)",
            json!({"input": "Data to encode"})
        ),
        json!("RGF0YSB0byBlbmNvZGU=")
    );
    assert_eq!(
        ok(
            "States.Base64Decode($.base64)",
            json!({"base64": "RGF0YSB0byBlbmNvZGU="})
        ),
        json!("Data to encode")
    );
    failure("States.Base64Decode('***')", json!({}));
    let big = "a".repeat(10_001);
    let c = failure("States.Base64Encode($.s)", json!({ "s": big }));
    assert!(c.contains("10000"), "{c}");
    assert!(eval_with("States.Base64Encode($.s)", json!({"s": "a".repeat(10_000)})).is_ok());
}

// Hash: MD5, SHA-1, SHA-256, SHA-384, SHA-512; the example hashes "input data" with SHA-1.
#[test]
fn hash() {
    let input = json!({"Data": "input data", "Algorithm": "SHA-1"});
    assert_eq!(
        ok("States.Hash($.Data, $.Algorithm)", input),
        json!("aaff4a450a104cd177d28d18d74485e8cae074b7")
    );
    assert_eq!(
        ok("States.Hash('input data', 'MD5')", json!({})),
        json!("812f45842bc6d66ee14572ce20db8e86")
    );
    assert_eq!(
        ok("States.Hash('input data', 'SHA-256')", json!({})),
        json!("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")
    );
    assert_eq!(
        ok("States.Hash('x', 'SHA-384')", json!({}))
            .as_str()
            .unwrap()
            .len(),
        96
    );
    assert_eq!(
        ok("States.Hash('x', 'SHA-512')", json!({}))
            .as_str()
            .unwrap()
            .len(),
        128
    );
    assert!(Intrinsic::parse("States.Hash('x', 'SHA-3')").is_err());
    failure("States.Hash('x', $.a)", json!({"a": "CRC32"}));
    failure("States.Hash($.d, 'MD5')", json!({"d": "z".repeat(10_001)}));
}

// JsonMerge: shallow merge; the boolean flag must be false.
#[test]
fn json_merge() {
    let input = json!({
        "json1": {"a": {"a1": 1, "a2": 2}, "b": 2},
        "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}
    });
    assert_eq!(
        ok("States.JsonMerge($.json1, $.json2, false)", input.clone()),
        json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3})
    );
    assert!(Intrinsic::parse("States.JsonMerge($.json1, $.json2, true)").is_err());
    failure(
        "States.JsonMerge($.json1, $.json2, $.deep)",
        json!({"json1": {}, "json2": {}, "deep": true}),
    );
    failure(
        "States.JsonMerge($.a, $.b, false)",
        json!({"a": [], "b": {}}),
    );
}

#[test]
fn math() {
    assert_eq!(
        ok(
            "States.MathAdd($.value1, $.step)",
            json!({"value1": 111, "step": -1})
        ),
        json!(110)
    );
    // Each operand rounded as Java's Math.round (half up) before adding (issue 14, recorded
    // from AWS): 1.49 + 1.5 = 1 + 2, -0.5 + 0.5 = 0 + 1, -2.5 rounds to -2.
    assert_eq!(ok("States.MathAdd(1.5, 2)", json!({})), json!(4));
    assert_eq!(ok("States.MathAdd(1.49, 1.5)", json!({})), json!(3));
    assert_eq!(ok("States.MathAdd(-0.5, 0.5)", json!({})), json!(1));
    assert_eq!(ok("States.MathAdd(-2.5, 0)", json!({})), json!(-2));
    assert_eq!(
        ok("States.MathAdd($.a, $.b)", json!({"a": -1.51, "b": 10})),
        json!(8)
    );
    failure("States.MathAdd($.a, 1)", json!({"a": "1"}));
    // MathRandom: an integer in range, same value for the same seed argument.
    for _ in 0..50 {
        let v = ok("States.MathRandom(1, 999)", json!({})).as_i64().unwrap();
        assert!((1..999).contains(&v));
    }
    let a = ok("States.MathRandom(1, 1000000, 42)", json!({}));
    let b = eval_with("States.MathRandom(1, 1000000, 42)", json!({})).unwrap();
    assert_eq!(a, b);
    failure("States.MathRandom(5, 5)", json!({}));
    assert!(Intrinsic::parse("States.MathRandom(1)").is_err());
}

// MathRandom and UUID draw from the execution's seeded generator: same seed, same values.
#[test]
fn seeded_randomness_is_deterministic() {
    let f = Intrinsic::parse("States.Array(States.UUID(), States.MathRandom(0, 1000000))").unwrap();
    let a = f
        .evaluate(&json!({}), &json!({}), &mut Rng::new(99))
        .unwrap();
    let b = f
        .evaluate(&json!({}), &json!({}), &mut Rng::new(99))
        .unwrap();
    let c = f
        .evaluate(&json!({}), &json!({}), &mut Rng::new(100))
        .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    let uuid = a[0].as_str().unwrap();
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4", "version 4: {uuid}");
    assert!(
        matches!(&uuid[19..20], "8" | "9" | "a" | "b"),
        "variant: {uuid}"
    );
}

#[test]
fn string_split() {
    assert_eq!(
        ok(
            "States.StringSplit($.inputString, $.splitter)",
            json!({"inputString": "1,2,3,4,5", "splitter": ","})
        ),
        json!(["1", "2", "3", "4", "5"])
    );
    assert_eq!(
        ok(
            "States.StringSplit($.s, $.d)",
            json!({"s": "This.is+a,test=string", "d": ".+,="})
        ),
        json!(["This", "is", "a", "test", "string"])
    );
    failure("States.StringSplit($.s, ',')", json!({"s": 12}));
}

// "You can nest up to 10 intrinsic functions within a field"; the page's nine-deep example
// (the page shows three placeholders for two arguments, which the placeholder check refuses,
// so this uses two).
#[test]
fn nesting() {
    let text = "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    let input = json!({"ImageRecipe": {"Arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my.recipe.name/1.0.0"}});
    assert_eq!(ok(text, input), json!("1.0"));
    let mut deep = "$.a".to_string();
    for _ in 0..10 {
        deep = format!("States.Array({deep})");
    }
    assert!(Intrinsic::parse(&deep).is_ok());
    let deeper = format!("States.Array({deep})");
    assert!(Intrinsic::parse(&deeper).unwrap_err().contains("nested"));
}

#[test]
fn parse_errors() {
    for bad in [
        "States.Nope(1)",
        "States.Array(",
        "States.Array(1,)",
        "States.Array('unterminated)",
        "States.Array(1) extra",
        "States.Array(@)",
        "States.Array($.a[)",
        "States.UUID(1)",
        "Format('x')",
    ] {
        assert!(Intrinsic::parse(bad).is_err(), "{bad} should not parse");
    }
}

#[test]
fn path_arguments_that_do_not_match() {
    let e = eval_with("States.Array($.missing)", json!({})).unwrap_err();
    assert_eq!(e.error, "States.Runtime");
    assert!(e.cause.contains("$.missing"), "{}", e.cause);
}

#[test]
fn path_arguments_with_brackets_and_commas() {
    assert_eq!(
        ok(
            "States.Array($['a,b'], $.c[0])",
            json!({"a,b": 1, "c": [2]})
        ),
        json!([1, 2])
    );
    assert_eq!(
        ok(
            "States.ArrayLength($.items[?(@.n > 1)])",
            json!({"items": [{"n": 1}, {"n": 2}, {"n": 3}]})
        ),
        json!(2)
    );
}

/// The shared data cases in tests/conformance/asl/expr/intrinsics.json (the doc page's examples).
#[test]
fn conformance_data_cases() {
    let candidates = [
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/conformance/asl/expr/intrinsics.json"),
        std::path::Path::new(file!())
            .parent()
            .map(|p| p.join("../../../tests/conformance/asl/expr/intrinsics.json"))
            .unwrap_or_default(),
    ];
    let path = candidates
        .into_iter()
        .find(|p| p.is_file())
        .expect("intrinsics.json exists");
    let data: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert!(cases.len() >= 25);
    for c in cases {
        let text = c["expression"].as_str().unwrap();
        let parsed = Intrinsic::parse(text);
        if c["parse_error"] == json!(true) {
            assert!(parsed.is_err(), "{text} should be refused");
            continue;
        }
        let f = parsed.unwrap_or_else(|e| panic!("{text}: {e}"));
        let got = f.evaluate(
            &c["input"],
            &json!({"Execution": {"Id": "exec-1"}}),
            &mut Rng::new(1),
        );
        match c.get("error") {
            Some(err) => assert_eq!(json!(got.expect_err(text).error), *err, "{text}"),
            None => assert_eq!(
                got.unwrap_or_else(|e| panic!("{text}: {e}")),
                c["output"],
                "{text}"
            ),
        }
    }
}
