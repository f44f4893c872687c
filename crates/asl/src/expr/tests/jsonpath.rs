//! JSONPath as Step Functions evaluates it (Jayway dialect), and ResultPath.
//!
//! Paths: https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
//! ResultPath: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html
//! Context object: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html

use crate::expr::jsonpath::{apply_result_path, apply_result_path_owned, Path, PathStep};
use serde_json::{json, Value};

fn sel(path: &str, input: &Value) -> Option<Value> {
    Path::parse(path)
        .expect("valid path")
        .try_select(input, &json!({}))
}

/// The store example used throughout the paths page.
fn store() -> Value {
    json!({
        "foo": 123,
        "bar": ["a", "b", "c"],
        "car": {"cdr": true},
        "store": {
            "book": [
                {"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
                {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99},
                {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553", "price": 8.99},
                {"category": "fiction", "author": "J. R. R. Tolkien", "title": "LOTR", "isbn": "0-395", "price": 22.99}
            ],
            "bicycle": {"color": "red", "price": 19.95}
        }
    })
}

// amazon-states-language-paths.html: "$.foo" => 123, "$.bar" => array, "$.car.cdr" => true.
#[test]
fn definite_paths_select_one_value() {
    let v = store();
    assert_eq!(sel("$.foo", &v), Some(json!(123)));
    assert_eq!(sel("$.bar", &v), Some(json!(["a", "b", "c"])));
    assert_eq!(sel("$.car.cdr", &v), Some(json!(true)));
    assert_eq!(sel("$", &v), Some(v.clone()));
}

#[test]
fn bracket_and_quoted_names() {
    let v = json!({"a b": {"c.d": 1, "it's": 2}});
    assert_eq!(sel("$['a b']['c.d']", &v), Some(json!(1)));
    assert_eq!(sel("$[\"a b\"][\"c.d\"]", &v), Some(json!(1)));
    assert_eq!(sel("$['a b']['it\\'s']", &v), Some(json!(2)));
}

#[test]
fn indexes_including_negative() {
    let v = store();
    assert_eq!(sel("$.bar[0]", &v), Some(json!("a")));
    assert_eq!(sel("$.bar[-1]", &v), Some(json!("c")));
    assert_eq!(sel("$.bar[3]", &v), None);
    assert_eq!(
        sel("$.store.book[(@.length-1)].title", &v),
        Some(json!("LOTR"))
    );
}

#[test]
fn indefinite_paths_give_arrays() {
    let v = store();
    assert_eq!(
        sel("$.store.book[*].author", &v),
        Some(json!([
            "Nigel Rees",
            "Evelyn Waugh",
            "Herman Melville",
            "J. R. R. Tolkien"
        ]))
    );
    assert_eq!(sel("$..isbn", &v), Some(json!(["0-553", "0-395"])));
    assert_eq!(sel("$.bar[0:2]", &v), Some(json!(["a", "b"])));
    assert_eq!(sel("$.bar[-2:]", &v), Some(json!(["b", "c"])));
    assert_eq!(sel("$.bar[::2]", &v), Some(json!(["a", "c"])));
    assert_eq!(sel("$.bar[0,2]", &v), Some(json!(["a", "c"])));
    // A trailing union of names merges into one object per node, as Jayway does.
    assert_eq!(
        sel("$.store.book[0]['title','price']", &v),
        Some(json!([{"title": "Sayings", "price": 8.95}]))
    );
    // An indefinite path that matches nothing is an empty array, not an error.
    assert_eq!(sel("$..nothing", &v), Some(json!([])));
    assert!(!Path::parse("$..isbn").unwrap().is_definite());
    assert!(Path::parse("$.a[0].b").unwrap().is_definite());
}

// amazon-states-language-paths.html lists filter expressions such as $.store.book[?(@.price < 10)].
#[test]
fn filters() {
    let v = store();
    assert_eq!(
        sel("$.store.book[?(@.price < 10)].title", &v),
        Some(json!(["Sayings", "Moby Dick"]))
    );
    assert_eq!(
        sel("$.store.book[?(@.isbn)].title", &v),
        Some(json!(["Moby Dick", "LOTR"]))
    );
    assert_eq!(
        sel(
            "$.store.book[?(@.category == 'fiction' && @.price > 20)].title",
            &v
        ),
        Some(json!(["LOTR"]))
    );
    assert_eq!(
        sel("$.store.book[?(@.price < 9 || @.price > 20)].title", &v),
        Some(json!(["Sayings", "Moby Dick", "LOTR"]))
    );
    assert_eq!(
        sel("$.store.book[?(!(@.category == 'fiction'))].title", &v),
        Some(json!(["Sayings"]))
    );
    assert_eq!(
        sel(
            "$.store.book[?(@.price <= $.store.bicycle.price)].price",
            &v
        ),
        Some(json!([8.95, 12.99, 8.99]))
    );
    assert_eq!(
        sel("$.store.book[?(@.author in ['Nigel Rees', 'x'])].title", &v),
        Some(json!(["Sayings"]))
    );
    assert_eq!(
        sel("$..book[?(@.price == 8.99)].title", &v),
        Some(json!(["Moby Dick"]))
    );
}

// input-output-contextobject.html: "$$." paths read the context object.
#[test]
fn context_paths() {
    let ctx =
        json!({"Execution": {"Id": "arn:exec", "Input": {"k": 1}}, "Map": {"Item": {"Index": 2}}});
    let p = Path::parse("$$.Execution.Id").unwrap();
    assert!(p.is_context());
    assert_eq!(p.select(&json!({}), &ctx).unwrap(), json!("arn:exec"));
    assert_eq!(
        Path::parse("$$.Map.Item.Index")
            .unwrap()
            .select(&json!({}), &ctx)
            .unwrap(),
        json!(2)
    );
    assert_eq!(
        Path::parse("$$").unwrap().select(&json!({}), &ctx).unwrap(),
        ctx
    );
}

#[test]
fn missing_path_errors_use_aws_wording() {
    let e = Path::parse("$.x")
        .unwrap()
        .select(&json!({"a": 1}), &json!({}))
        .unwrap_err();
    assert_eq!(e.error, "States.Runtime");
    assert_eq!(e.cause, "Invalid path '$.x' : No results for path: $['x']");
    let e = Path::parse("$.x")
        .unwrap()
        .select_for_field(&json!({"a": 1}), &json!({}), "v.$")
        .unwrap_err();
    assert_eq!(
        e.cause,
        "The JSONPath '$.x' specified for the field 'v.$' could not be found in the input '{\"a\":1}'"
    );
}

#[test]
fn invalid_paths_are_rejected_with_position() {
    for bad in [
        "",
        "a.b",
        "$.",
        "$[",
        "$.a[?(@.x <)]",
        "$.a[1:2:0]",
        "$['a",
        "$..",
        "$.a b",
    ] {
        let e = Path::parse(bad);
        assert!(e.is_err(), "{bad:?} should not parse");
    }
    let e = Path::parse("$.a[").unwrap_err();
    assert!(e.contains("$.a["), "{e}");
}

#[test]
fn reference_paths() {
    for ok in ["$", "$.a", "$.a.b[0]", "$['a']['b']"] {
        assert!(Path::parse(ok).unwrap().is_reference_path(), "{ok}");
    }
    for not in [
        "$..a",
        "$.a[*]",
        "$.a[0:1]",
        "$.a[?(@.x)]",
        "$$.Execution",
        "$.a[-1]",
        "$.a[0,1]",
    ] {
        assert!(!Path::parse(not).unwrap().is_reference_path(), "{not}");
    }
    assert_eq!(
        Path::parse("$.a[2].b").unwrap().definite_steps(),
        Some(
            &[
                PathStep::Field("a".into()),
                PathStep::Index(2),
                PathStep::Field("b".into())
            ][..]
        )
    );
    assert_eq!(Path::parse("$$.a").unwrap().definite_steps(), None);
}

// input-output-resultpath.html: ResultPath "$" replaces, "$.x" adds, null discards.
#[test]
fn result_path_semantics() {
    let input = json!({"comment": "hi", "details": {"a": 1}});
    let result = json!("Hello");
    assert_eq!(
        apply_result_path(&input, Some(&Path::root()), result.clone()).unwrap(),
        json!("Hello")
    );
    assert_eq!(
        apply_result_path(
            &input,
            Some(&Path::parse("$.taskresult").unwrap()),
            result.clone()
        )
        .unwrap(),
        json!({"comment": "hi", "details": {"a": 1}, "taskresult": "Hello"})
    );
    assert_eq!(
        apply_result_path(&input, None, result.clone()).unwrap(),
        input
    );
    // The last field is created, but not missing parents: AWS fails with Jayway's
    // "Missing property" (issue 14, recorded from AWS).
    let e =
        apply_result_path(&input, Some(&Path::parse("$.x.y.z").unwrap()), json!(1)).unwrap_err();
    assert_eq!(e.error, "States.Runtime");
    assert_eq!(
        e.cause,
        "Invalid path '$.x.y.z' : Missing property in path $['x']"
    );
    let e = apply_result_path(
        &input,
        Some(&Path::parse("$.details.y.z").unwrap()),
        json!(1),
    )
    .unwrap_err();
    assert_eq!(
        e.cause,
        "Invalid path '$.details.y.z' : Missing property in path $['details']['y']"
    );
    assert_eq!(
        apply_result_path(
            &input,
            Some(&Path::parse("$.details.new").unwrap()),
            json!(1)
        )
        .unwrap(),
        json!({"comment": "hi", "details": {"a": 1, "new": 1}})
    );
    // Existing values are overwritten in place, keeping key order.
    assert_eq!(
        apply_result_path(&input, Some(&Path::parse("$.details.a").unwrap()), json!(2)).unwrap(),
        json!({"comment": "hi", "details": {"a": 2}})
    );
    assert_eq!(
        apply_result_path_owned(
            input.clone(),
            Some(&Path::parse("$.comment").unwrap()),
            json!(0)
        )
        .unwrap(),
        json!({"comment": 0, "details": {"a": 1}})
    );
}

// States.ResultPathMatchFailure: "Step Functions failed to apply a state's ResultPath field
// to the input the state received." (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)
#[test]
fn result_path_match_failure() {
    let e = apply_result_path(&json!("text"), Some(&Path::parse("$.a").unwrap()), json!(1))
        .unwrap_err();
    assert_eq!(e.error, "States.ResultPathMatchFailure");
    assert!(
        e.cause
            .contains("Unable to apply ReferencePath $.a to input \"text\""),
        "{}",
        e.cause
    );
    let e = apply_result_path(
        &json!({"a": 5}),
        Some(&Path::parse("$.a.b").unwrap()),
        json!(1),
    )
    .unwrap_err();
    assert_eq!(e.error, "States.ResultPathMatchFailure");
    let e = apply_result_path(
        &json!({"a": []}),
        Some(&Path::parse("$.a[3]").unwrap()),
        json!(1),
    )
    .unwrap_err();
    assert_eq!(e.error, "States.ResultPathMatchFailure");
}

#[test]
fn normalized_form() {
    assert_eq!(
        Path::parse("$.a[0].b").unwrap().normalized(),
        "$['a'][0]['b']"
    );
    assert_eq!(Path::parse("$..a[*]").unwrap().normalized(), "$..['a'][*]");
}

/// Hostile sizes are refused or handled without deep recursion.
#[test]
fn long_and_deep_inputs_do_not_overflow() {
    let long_chain = format!("$.a[?({})]", vec!["@.x == 1"; 5000].join(" || "));
    let p = Path::parse(&long_chain).unwrap();
    assert_eq!(
        p.try_select(&json!({"a": [{"x": 1}, {"x": 2}]}), &json!({})),
        Some(json!([{"x": 1}]))
    );
    let many_steps = format!("${}", ".a".repeat(5000));
    assert!(Path::parse(&many_steps).unwrap_err().contains("at most"));
    let deep_filter = format!("$.a[?({}@.x{})]", "(".repeat(100), ")".repeat(100));
    assert!(Path::parse(&deep_filter).is_err());
    let nots = format!("$.a[?({}@.x)]", "!".repeat(1000));
    assert!(Path::parse(&nots).is_err());
    assert!(Path::parse(&"$".repeat(100_000)).is_err());
}

/// The shared data cases in tests/conformance/asl/expr/jsonpath.json.
#[test]
fn conformance_data_cases() {
    let candidates = [
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/conformance/asl/expr/jsonpath.json"),
        std::path::Path::new(file!())
            .parent()
            .map(|p| p.join("../../../tests/conformance/asl/expr/jsonpath.json"))
            .unwrap_or_default(),
    ];
    let path = candidates
        .into_iter()
        .find(|p| p.is_file())
        .expect("jsonpath.json exists");
    let data: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let input = &data["input"];
    let cases = data["cases"].as_array().unwrap();
    assert!(cases.len() >= 25);
    for c in cases {
        let text = c["path"].as_str().unwrap();
        let parsed = Path::parse(text);
        if c["invalid"] == json!(true) {
            assert!(parsed.is_err(), "{text} should be refused");
            continue;
        }
        let p = parsed.unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(json!(p.is_reference_path()), c["reference"], "{text}");
        let ctx = c.get("context").cloned().unwrap_or(json!({}));
        let got = p.try_select(input, &ctx);
        if c["no_match"] == json!(true) {
            assert_eq!(got, None, "{text}");
            assert_eq!(p.select(input, &ctx).unwrap_err().error, "States.Runtime");
        } else if c["output"] == json!("$input") {
            assert_eq!(got.as_ref(), Some(input), "{text}");
        } else {
            assert_eq!(got.as_ref(), Some(&c["output"]), "{text}");
        }
    }
}
