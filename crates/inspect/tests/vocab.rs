#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The completion vocabulary: per state type and query language, intrinsic functions and
//! `$states`. Field sets from https://states-language.net/spec.html and
//! https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html (JSONata
//! states use Arguments/Output instead of the JSONPath I/O fields).

use serde_json::json;
use stepbridge_inspect::vocab::{state_names, vocabulary, Vocabulary};

fn names(v: &Vocabulary, ty: &str, jsonata: bool) -> Vec<String> {
    let s = v.state_types.iter().find(|s| s.state_type == ty).unwrap();
    let fields = if jsonata { &s.jsonata } else { &s.jsonpath };
    fields.iter().map(|f| f.name.to_string()).collect()
}

#[test]
fn fields_per_state_type_and_query_language() {
    let v = vocabulary();
    let types: Vec<&str> = v.state_types.iter().map(|s| s.state_type).collect();
    assert_eq!(
        types,
        ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]
    );
    let task = names(&v, "Task", false);
    for f in [
        "Resource",
        "Parameters",
        "ResultSelector",
        "ResultPath",
        "InputPath",
        "OutputPath",
        "TimeoutSecondsPath",
        "Retry",
        "Catch",
        "Next",
        "End",
        "Assign",
    ] {
        assert!(task.contains(&f.to_string()), "Task/JSONPath lacks {f}");
    }
    let task = names(&v, "Task", true);
    for f in ["Arguments", "Output", "Assign", "Resource", "Retry"] {
        assert!(task.contains(&f.to_string()), "Task/JSONata lacks {f}");
    }
    for f in [
        "Parameters",
        "ResultPath",
        "InputPath",
        "OutputPath",
        "ResultSelector",
        "TimeoutSecondsPath",
    ] {
        assert!(
            !task.contains(&f.to_string()),
            "Task/JSONata must not offer {f}"
        );
    }
    assert!(names(&v, "Map", true).contains(&"Items".to_string()));
    assert!(names(&v, "Map", false).contains(&"ItemsPath".to_string()));
    assert!(!names(&v, "Choice", false).contains(&"Next".to_string()));
    assert!(!names(&v, "Succeed", true).contains(&"Next".to_string()));
    assert!(names(&v, "Fail", false).contains(&"CausePath".to_string()));
    assert!(!names(&v, "Fail", true).contains(&"CausePath".to_string()));
    // Every field has a one-line description.
    for s in &v.state_types {
        for f in s.jsonpath.iter().chain(&s.jsonata) {
            assert!(
                !f.description.is_empty() && !f.description.contains('\n'),
                "{}",
                f.name
            );
        }
    }
}

#[test]
fn intrinsics_states_fields_retry_and_catch() {
    let v = vocabulary();
    let intrinsics: Vec<&str> = v.intrinsics.iter().map(|i| i.name).collect();
    assert_eq!(intrinsics.len(), 18);
    for name in [
        "States.Format",
        "States.StringToJson",
        "States.JsonToString",
        "States.Array",
        "States.ArrayPartition",
        "States.ArrayContains",
        "States.ArrayRange",
        "States.ArrayGetItem",
        "States.ArrayLength",
        "States.ArrayUnique",
        "States.Base64Encode",
        "States.Base64Decode",
        "States.Hash",
        "States.JsonMerge",
        "States.MathRandom",
        "States.MathAdd",
        "States.StringSplit",
        "States.UUID",
    ] {
        let i = v
            .intrinsics
            .iter()
            .find(|i| i.name == name)
            .unwrap_or_else(|| panic!("{name}"));
        assert!(
            i.signature.starts_with(&format!("{name}(")),
            "{}",
            i.signature
        );
    }
    let states: Vec<String> = v
        .jsonata_states
        .iter()
        .map(|f| f.name.to_string())
        .collect();
    assert_eq!(
        states,
        [
            "$states.input",
            "$states.result",
            "$states.errorOutput",
            "$states.context"
        ]
    );
    let retry: Vec<String> = v.retry.iter().map(|f| f.name.to_string()).collect();
    assert_eq!(
        retry,
        [
            "ErrorEquals",
            "IntervalSeconds",
            "MaxAttempts",
            "BackoffRate",
            "MaxDelaySeconds",
            "JitterStrategy",
            "Comment"
        ]
    );
    assert!(v.catch_jsonpath.iter().any(|f| f.name == "ResultPath"));
    assert!(v.catch_jsonata.iter().any(|f| f.name == "Output"));
    let rule: Vec<String> = v
        .choice_rule_jsonpath
        .iter()
        .map(|f| f.name.to_string())
        .collect();
    for op in [
        "StringEquals",
        "NumericGreaterThanEqualsPath",
        "TimestampLessThan",
        "BooleanEquals",
        "StringMatches",
        "IsPresent",
        "IsTimestamp",
    ] {
        assert!(rule.contains(&op.to_string()), "{op}");
    }
    // Serialised for the worker in camelCase.
    let json = serde_json::to_value(&v).unwrap();
    assert!(json["stateTypes"][0]["jsonpath"].is_array());
    assert_eq!(
        json["intrinsics"][0]["signature"],
        json!("States.Format(template, value, ...)")
    );
}

#[test]
fn state_names_include_nested_states() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}], "Next": "M"},
        "M": {"Type": "Map", "ItemProcessor": {"StartAt": "C", "States": {"C": {"Type": "Pass", "End": true}}}, "End": true}
    }});
    assert_eq!(state_names(&def), ["A", "B", "M", "C"]);
}
