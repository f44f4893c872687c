//! Property tests: no input makes the expression layer or the validator panic, and generated
//! paths/templates behave as their structure says. Case counts can be raised with
//! PROPTEST_CASES (the defaults below keep `cargo test` quick).

use crate::expr::choice::ChoiceRule;
use crate::expr::intrinsics::Intrinsic;
use crate::expr::jsonpath::{apply_result_path, Path};
use crate::expr::template::Template;
use crate::rng::Rng;
use crate::validate::validate;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    ProptestConfig::with_cases(n)
}

/// Strings made of the characters the parsers care about, so random input reaches deep
/// into the grammars instead of failing at the first byte.
fn grammar_soup() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "$",
        "$$",
        ".",
        "..",
        "[",
        "]",
        "*",
        "?",
        "(",
        ")",
        "@",
        "'",
        "\"",
        ",",
        ":",
        "-1",
        "0",
        "2",
        "a",
        "b c",
        "==",
        "<",
        "<=",
        "&&",
        "||",
        "!",
        "length",
        "States.",
        "Format",
        "Array",
        "ArrayRange",
        "MathAdd",
        "UUID",
        "\\",
        "{",
        "}",
        "true",
        "null",
        " ",
        "é",
        "1.5e3",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        "[a-z$.]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-c]{1,2}(\\.\\$)?", inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn jsonpath_parse_and_select_never_panic(s in grammar_soup(), doc in json_value()) {
        if let Ok(p) = Path::parse(&s) {
            let _ = p.select(&doc, &doc);
            let _ = p.try_select(&doc, &json!({}));
            let _ = apply_result_path(&doc, Some(&p), json!(1));
            let _ = p.normalized();
        }
        let _ = Path::parse(&format!("${s}"));
    }

    #[test]
    fn arbitrary_strings_never_panic(s in ".{0,80}") {
        let _ = Path::parse(&s);
        let _ = Intrinsic::parse(&s);
        let _ = validate(&s);
    }

    #[test]
    fn intrinsics_never_panic(s in grammar_soup(), doc in json_value()) {
        let text = format!("States.{s}");
        if let Ok(f) = Intrinsic::parse(&text) {
            let _ = f.evaluate(&doc, &doc, &mut Rng::new(3));
        }
    }

    #[test]
    fn intrinsic_calls_on_random_arguments(
        name in prop::sample::select(vec![
            "Format", "StringToJson", "JsonToString", "Array", "ArrayPartition", "ArrayContains",
            "ArrayRange", "ArrayGetItem", "ArrayLength", "ArrayUnique", "Base64Encode",
            "Base64Decode", "Hash", "JsonMerge", "MathRandom", "MathAdd", "StringSplit", "UUID",
        ]),
        nargs in 0usize..4,
        doc in json_value(),
    ) {
        let args: Vec<String> = (0..nargs).map(|i| format!("$.a{i}")).collect();
        let text = format!("States.{name}({})", args.join(", "));
        if let Ok(f) = Intrinsic::parse(&text) {
            let mut input = Map::new();
            for i in 0..nargs {
                input.insert(format!("a{i}"), doc.clone());
            }
            let _ = f.evaluate(&Value::Object(input), &json!({}), &mut Rng::new(1));
        }
    }

    #[test]
    fn choice_rules_never_panic(rule in json_value(), doc in json_value()) {
        if let Ok(r) = ChoiceRule::parse(&rule) {
            let _ = r.evaluate(&doc, &doc);
        }
        let _ = ChoiceRule::parse_nested(&rule);
    }

    #[test]
    fn validator_never_panics_on_random_json(states in json_value(), start in "[a-c]{1,2}") {
        let def = json!({"StartAt": start, "States": states});
        let _ = validate(&def.to_string());
        let _ = validate(&serde_json::to_string_pretty(&def).unwrap());
    }

    #[test]
    fn validator_never_panics_on_mutated_definitions(cut in 0usize..400, junk in ".{0,3}") {
        let base = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:x","Parameters":{"p.$":"States.Format('{}', $.x)"},"Retry":[{"ErrorEquals":["States.ALL"]}],"Next":"B"},"B":{"Type":"Choice","Choices":[{"Variable":"$.x","StringMatches":"a*","Next":"C"}],"Default":"C"},"C":{"Type":"Map","ItemProcessor":{"StartAt":"D","States":{"D":{"Type":"Succeed"}}},"End":true}}}"#;
        let mut s = base.to_string();
        let at = cut.min(s.len());
        if s.is_char_boundary(at) {
            s.insert_str(at, &junk);
        }
        let _ = validate(&s);
        let yaml = s.replace(['{', '}'], "\n");
        let _ = validate(&yaml);
    }

    /// Paths built from names and indexes select exactly what they name.
    #[test]
    fn generated_definite_paths_round_trip(
        steps in prop::collection::vec(prop_oneof![
            "[a-zA-Z_][a-zA-Z0-9_]{0,5}".prop_map(|n| (Some(n), None)),
            (0usize..4).prop_map(|i| (None, Some(i))),
        ], 0..6),
        leaf in json_value(),
        bracket in any::<bool>(),
    ) {
        let mut text = String::from("$");
        let mut doc = leaf.clone();
        for (name, idx) in steps.iter().rev() {
            doc = match (name, idx) {
                (Some(n), _) => json!({ n.as_str(): doc }),
                (None, Some(i)) => {
                    let mut a = vec![Value::Null; *i];
                    a.push(doc);
                    Value::Array(a)
                }
                _ => unreachable!(),
            };
        }
        for (name, idx) in &steps {
            match (name, idx) {
                (Some(n), _) if bracket => text.push_str(&format!("['{n}']")),
                (Some(n), _) => text.push_str(&format!(".{n}")),
                (None, Some(i)) => text.push_str(&format!("[{i}]")),
                _ => unreachable!(),
            }
        }
        let p = Path::parse(&text).unwrap();
        prop_assert!(p.is_definite());
        prop_assert!(p.is_reference_path());
        prop_assert_eq!(p.select(&doc, &json!({})).unwrap(), leaf.clone());
        // Normalised form parses back to the same selection.
        let again = Path::parse(&p.normalized()).unwrap();
        prop_assert_eq!(again.select(&doc, &json!({})).unwrap(), leaf.clone());
        // Writing the leaf back with ResultPath rebuilds the same document.
        let rebuilt = apply_result_path(&doc, Some(&p), leaf.clone()).unwrap();
        prop_assert_eq!(rebuilt, doc);
    }

    /// A template whose `.$` fields copy paths of a document reproduces those values, and a
    /// template without `.$` keys evaluates to itself.
    #[test]
    fn templates_round_trip(doc in prop::collection::btree_map("[a-z]{1,4}", json_value(), 1..6)) {
        let input = Value::Object(doc.clone().into_iter().collect());
        let mut t = Map::new();
        for k in doc.keys() {
            t.insert(format!("{k}.$"), json!(format!("$['{k}']")));
        }
        let tpl = Template::compile(&Value::Object(t)).unwrap();
        prop_assert_eq!(tpl.evaluate(&input, &json!({}), &mut Rng::new(0)).unwrap(), input.clone());
        prop_assert_eq!(tpl.evaluate_owned(input.clone(), &json!({}), &mut Rng::new(0)).unwrap(), input.clone());
        let static_only = json!({"nested": [1, {"x": "y"}], "n": null});
        let tpl = Template::compile(&static_only).unwrap();
        prop_assert!(tpl.is_static());
        prop_assert_eq!(tpl.evaluate(&input, &json!({}), &mut Rng::new(0)).unwrap(), static_only);
    }

    /// Intrinsic string literals round-trip through escaping.
    #[test]
    fn string_literal_escaping_round_trips(s in ".{0,30}") {
        let escaped: String = s.chars().flat_map(|c| match c {
            '\'' | '{' | '}' | '\\' => vec!['\\', c],
            c => vec![c],
        }).collect();
        let f = Intrinsic::parse(&format!("States.Array('{escaped}')")).unwrap();
        prop_assert_eq!(f.evaluate(&json!({}), &json!({}), &mut Rng::new(0)).unwrap(), json!([s.clone()]));
        let f = Intrinsic::parse(&format!("States.Format('{escaped}')")).unwrap();
        prop_assert_eq!(f.evaluate(&json!({}), &json!({}), &mut Rng::new(0)).unwrap(), json!(s));
    }
}
