//! Payload templates: Parameters, ResultSelector, ItemSelector.
//! "Manipulate parameters in Step Functions workflows"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html)
//! and ResultSelector
//! (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html#input-output-resultselector).

use crate::expr::template::Template;
use crate::rng::Rng;
use serde_json::{json, Value};

fn eval(t: Value, input: Value, ctx: Value) -> Result<Value, crate::StatesError> {
    Template::compile(&t)
        .unwrap_or_else(|e| panic!("{t}: {e}"))
        .evaluate(&input, &ctx, &mut Rng::new(1))
}

// The page's example: static values copied, ".$" keys replaced by what their path selects,
// the ".$" suffix dropped.
#[test]
fn paths_and_static_values() {
    let input = json!({
        "flagged": 7,
        "vals": [0, 10, 20, 30, 40, 50]
    });
    let t = json!({
        "flagged": true,
        "parts": {
            "first.$": "$.vals[0]",
            "last3.$": "$.vals[-3:]"
        },
        "list": [1, {"x.$": "$.flagged"}]
    });
    assert_eq!(
        eval(t, input, json!({})).unwrap(),
        json!({"flagged": true, "parts": {"first": 0, "last3": [30, 40, 50]}, "list": [1, {"x": 7}]})
    );
}

#[test]
fn context_and_intrinsics() {
    let t = json!({
        "execId.$": "$$.Execution.Id",
        "greeting.$": "States.Format('Hi {}', $.name)",
        "whole.$": "$"
    });
    let out = eval(
        t,
        json!({"name": "Ana"}),
        json!({"Execution": {"Id": "E1"}}),
    )
    .unwrap();
    assert_eq!(
        out,
        json!({"execId": "E1", "greeting": "Hi Ana", "whole": {"name": "Ana"}})
    );
}

// A ".$" path that selects nothing fails the state with States.Runtime naming the field.
#[test]
fn missing_path_fails_naming_the_field() {
    let e = eval(json!({"a": {"b.$": "$.nope"}}), json!({"x": 1}), json!({})).unwrap_err();
    assert_eq!(e.error, "States.Runtime");
    assert_eq!(
        e.cause,
        "The JSONPath '$.nope' specified for the field 'b.$' could not be found in the input '{\"x\":1}'"
    );
}

#[test]
fn compile_errors() {
    for (t, needle) in [
        (json!({"a.$": 5}), "must be a string"),
        (json!({"a.$": "nope"}), "a.$"),
        (json!({"deep": {"a.$": "$.x["}}), "/deep/a.$"),
        (json!({"a.$": "States.Nope()"}), "intrinsic"),
    ] {
        let e = Template::compile(&t).expect_err(&t.to_string());
        assert!(e.contains(needle), "{t}: {e}");
    }
}

#[test]
fn static_templates_are_detected() {
    assert!(Template::compile(&json!({"a": [1, {"b": "$.not-a-path"}]}))
        .unwrap()
        .is_static());
    assert!(!Template::compile(&json!({"a": [1, {"b.$": "$.x"}]}))
        .unwrap()
        .is_static());
    assert_eq!(
        eval(json!("just a string"), json!({}), json!({})).unwrap(),
        json!("just a string")
    );
}

// evaluate_owned must give exactly what evaluate gives, including rng use and errors.
#[test]
fn owned_evaluation_matches_borrowed() {
    let cases = [
        (
            json!({"counter.$": "States.MathAdd($.counter, 1)", "doc.$": "$.doc"}),
            json!({"counter": 1, "doc": {"big": [1, 2, 3]}}),
        ),
        (
            json!({"a.$": "$.doc", "b.$": "$.doc.x", "c.$": "$.other", "u.$": "States.UUID()"}),
            json!({"doc": {"x": 1}, "other": [1]}),
        ),
        (json!({"all.$": "$", "part.$": "$.p"}), json!({"p": 1})),
        (
            json!({"len.$": "States.ArrayLength($.items)", "items.$": "$.items", "r.$": "States.MathRandom(0, 100)"}),
            json!({"items": [1, 2, 3]}),
        ),
        (
            json!({"missing.$": "$.nope", "x.$": "$.x"}),
            json!({"x": 1}),
        ),
        (
            json!({"w.$": "$.items[*].id", "items.$": "$.items", "c.$": "$$.Execution.Id"}),
            json!({"items": [{"id": 1}]}),
        ),
    ];
    let ctx = json!({"Execution": {"Id": "e"}});
    for (t, input) in cases {
        let tpl = Template::compile(&t).unwrap();
        let mut r1 = Rng::new(5);
        let mut r2 = Rng::new(5);
        let a = tpl.evaluate(&input, &ctx, &mut r1);
        let b = tpl.evaluate_owned(input.clone(), &ctx, &mut r2);
        assert_eq!(a, b, "{t}");
        assert_eq!(r1.next_u64(), r2.next_u64(), "rng use differs for {t}");
    }
}
