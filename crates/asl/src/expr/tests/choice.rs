//! Choice rules as "Choice workflow state" describes them
//! (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html).

use crate::expr::choice::{parse_timestamp, ChoiceRule};
use serde_json::{json, Value};

fn rule(v: Value) -> ChoiceRule {
    ChoiceRule::parse(&v).unwrap_or_else(|e| panic!("{v}: {e}"))
}

fn holds(v: Value, input: Value) -> bool {
    rule(v).evaluate(&input, &json!({})).unwrap()
}

#[test]
fn string_comparisons_and_path_forms() {
    let i = json!({"s": "b", "other": "b", "low": "a"});
    assert!(holds(
        json!({"Variable": "$.s", "StringEquals": "b", "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.s", "StringEqualsPath": "$.other", "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.s", "StringGreaterThan": "a", "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.s", "StringGreaterThanPath": "$.low", "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.s", "StringGreaterThanEquals": "b", "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.s", "StringLessThan": "c", "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.s", "StringLessThanEquals": "b", "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.s", "StringLessThanEqualsPath": "$.other", "Next": "X"}),
        i.clone()
    ));
    assert!(!holds(
        json!({"Variable": "$.s", "StringLessThan": "b", "Next": "X"}),
        i
    ));
}

#[test]
fn numeric_comparisons() {
    let i = json!({"n": 5, "f": 5.0, "m": 7});
    assert!(holds(
        json!({"Variable": "$.n", "NumericEquals": 5, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.f", "NumericEquals": 5, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.n", "NumericLessThan": 5.5, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.n", "NumericLessThanPath": "$.m", "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.n", "NumericGreaterThan": -1, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.n", "NumericGreaterThanEquals": 5, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.n", "NumericLessThanEquals": 5, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.m", "NumericGreaterThanPath": "$.n", "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.n", "NumericEqualsPath": "$.f", "Next": "X"}),
        i
    ));
}

#[test]
fn boolean_and_timestamp_comparisons() {
    let i = json!({"b": true, "t": "2016-08-18T17:33:00Z", "u": "2016-08-18T18:33:00+01:00"});
    assert!(holds(
        json!({"Variable": "$.b", "BooleanEquals": true, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.b", "BooleanEqualsPath": "$.b", "Next": "X"}),
        i.clone()
    ));
    // Same instant written with an offset.
    assert!(holds(
        json!({"Variable": "$.t", "TimestampEqualsPath": "$.u", "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.t", "TimestampLessThan": "2016-08-18T17:33:01Z", "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.t", "TimestampGreaterThan": "2016-08-18T17:32:59.999Z", "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.t", "TimestampGreaterThanEquals": "2016-08-18T17:33:00Z", "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.t", "TimestampLessThanEquals": "2016-08-18T17:33:00Z", "Next": "X"}),
        i.clone()
    ));
    assert!(!holds(
        json!({"Variable": "$.t", "TimestampLessThanPath": "$.t", "Next": "X"}),
        i
    ));
}

// "Timestamps must conform to RFC3339 ... an uppercase T must separate the date and time
// portions, and an uppercase Z must denote that a numeric time zone offset is not present."
#[test]
fn timestamp_format() {
    assert!(parse_timestamp("2016-08-18T17:33:00Z").is_some());
    assert!(parse_timestamp("2016-08-18T17:33:00.123456Z").is_some());
    assert!(parse_timestamp("2016-08-18T17:33:00-07:00").is_some());
    assert!(parse_timestamp("2016-08-18t17:33:00Z").is_none());
    assert!(parse_timestamp("2016-08-18T17:33:00z").is_none());
    assert!(parse_timestamp("2016-08-18 17:33:00Z").is_none());
    assert!(parse_timestamp("2016-02-30T00:00:00Z").is_none());
    assert!(parse_timestamp("2016-08-18T17:33:00").is_none());
    assert_eq!(parse_timestamp("1970-01-01T00:00:01Z"), Some(1_000_000_000));
    assert_eq!(
        parse_timestamp("2000-03-01T00:00:00+01:00"),
        Some((951_868_800 - 3600) * 1_000_000_000)
    );
}

// Comparing a value of the wrong type is false, not an error.
#[test]
fn type_mismatch_is_false() {
    let i = json!({"s": "5", "n": 5, "b": "true", "t": "not a time"});
    assert!(!holds(
        json!({"Variable": "$.s", "NumericEquals": 5, "Next": "X"}),
        i.clone()
    ));
    assert!(!holds(
        json!({"Variable": "$.n", "StringEquals": "5", "Next": "X"}),
        i.clone()
    ));
    assert!(!holds(
        json!({"Variable": "$.b", "BooleanEquals": true, "Next": "X"}),
        i.clone()
    ));
    assert!(!holds(
        json!({"Variable": "$.t", "TimestampEquals": "2016-08-18T17:33:00Z", "Next": "X"}),
        i
    ));
}

// The Is* tests; "IsPresent" is the only one that tolerates a missing Variable.
#[test]
fn type_tests() {
    let i = json!({"nul": null, "n": 1.5, "s": "x", "b": false, "t": "2016-08-18T17:33:00Z"});
    assert!(holds(
        json!({"Variable": "$.nul", "IsNull": true, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.n", "IsNull": false, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.n", "IsNumeric": true, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.s", "IsNumeric": false, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.s", "IsString": true, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.b", "IsBoolean": true, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.t", "IsTimestamp": true, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.s", "IsTimestamp": false, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.missing", "IsPresent": false, "Next": "X"}),
        i.clone()
    ));
    assert!(holds(
        json!({"Variable": "$.nul", "IsPresent": true, "Next": "X"}),
        i.clone()
    ));
}

#[test]
fn missing_variable_is_a_runtime_error() {
    let r = rule(json!({"Variable": "$.missing", "StringEquals": "x", "Next": "X"}));
    let e = r.evaluate(&json!({}), &json!({})).unwrap_err();
    assert_eq!(e.error, "States.Runtime");
    assert!(e.cause.contains("Invalid path '$.missing'"), "{}", e.cause);
    let r = rule(json!({"Variable": "$.missing", "IsNull": true, "Next": "X"}));
    assert!(r.evaluate(&json!({}), &json!({})).is_err());
}

// StringMatches: "*" is a wildcard, "\\*" a literal asterisk, "\\\\" a literal backslash.
#[test]
fn string_matches() {
    let m = |pat: &str, s: &str| {
        holds(
            json!({"Variable": "$.s", "StringMatches": pat, "Next": "X"}),
            json!({ "s": s }),
        )
    };
    assert!(m("log-*.txt", "log-2020-01-01.txt"));
    assert!(m("log-*.txt", "log-.txt"));
    assert!(!m("log-*.txt", "log-1.txt.gz"));
    assert!(m("*", ""));
    assert!(m("a*b*c", "aXXbYYc"));
    assert!(!m("a*b*c", "aXXbYY"));
    assert!(m("\\*literal", "*literal"));
    assert!(!m("\\*literal", "Xliteral"));
    assert!(m("back\\\\slash", "back\\slash"));
    assert!(m("*.*.*", "a.b.c.d"));
    // Many stars against a long non-matching string stays fast (no exponential backtracking).
    let long = "a".repeat(5000);
    assert!(!m("*a*a*a*a*a*a*a*a*b", &long));
}

#[test]
fn and_or_not_nesting() {
    let i = json!({"value": 25, "type": "Private"});
    let r = json!({
        "And": [
            {"Variable": "$.value", "NumericGreaterThanEquals": 20},
            {"Variable": "$.value", "NumericLessThan": 30},
            {"Not": {"Variable": "$.type", "StringEquals": "Public"}},
            {"Or": [
                {"Variable": "$.type", "StringEquals": "Private"},
                {"Variable": "$.missing", "IsPresent": true}
            ]}
        ],
        "Next": "ValueInTwenties"
    });
    let parsed = rule(r.clone());
    assert_eq!(parsed.next(), Some("ValueInTwenties"));
    assert!(parsed.evaluate(&i, &json!({})).unwrap());
    assert!(!holds(r, json!({"value": 31, "type": "Private"})));
    // Or short-circuits: the missing path in the second branch is never read.
    assert!(holds(
        json!({"Or": [{"Variable": "$.a", "IsPresent": true}, {"Variable": "$.missing", "StringEquals": "x"}], "Next": "X"}),
        json!({"a": 1})
    ));
}

#[test]
fn context_variables() {
    let r = rule(json!({"Variable": "$$.Execution.Name", "StringEquals": "run-1", "Next": "X"}));
    assert!(r
        .evaluate(&json!({}), &json!({"Execution": {"Name": "run-1"}}))
        .unwrap());
}

#[test]
fn parse_errors_explain_the_fix() {
    let cases = [
        (json!({"Variable": "$.a", "Next": "X"}), "comparison"),
        (json!({"Variable": "$.a", "StringEquals": "x"}), "Next"),
        (
            json!({"Variable": "$.a", "StringEquals": 1, "Next": "X"}),
            "string",
        ),
        (
            json!({"Variable": "$.a", "NumericEquals": "1", "Next": "X"}),
            "number",
        ),
        (
            json!({"Variable": "$.a", "BooleanEquals": "true", "Next": "X"}),
            "true or false",
        ),
        (
            json!({"Variable": "$.a", "TimestampEquals": "yesterday", "Next": "X"}),
            "RFC 3339",
        ),
        (
            json!({"Variable": "$.a", "StringEquals": "x", "NumericEquals": 1, "Next": "X"}),
            "exactly one",
        ),
        (json!({"StringEquals": "x", "Next": "X"}), "Variable"),
        (
            json!({"Variable": "a.b", "StringEquals": "x", "Next": "X"}),
            "JSONPath",
        ),
        (
            json!({"Variable": "$.a", "StringEqualsPath": "$..b[", "Next": "X"}),
            "JSONPath",
        ),
        (json!({"And": [], "Next": "X"}), "at least one"),
        (
            json!({"And": [{"Variable": "$.a", "IsNull": true, "Next": "Y"}], "Next": "X"}),
            "Next",
        ),
        (
            json!({"Variable": "$.a", "IsNull": "yes", "Next": "X"}),
            "true or false",
        ),
        (
            json!({"Variable": "$.a", "StringEqualz": "x", "Next": "X"}),
            "not supported",
        ),
    ];
    for (r, needle) in cases {
        let e = ChoiceRule::parse(&r).expect_err(&r.to_string());
        assert!(e.contains(needle), "{r}: {e}");
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let mut r = json!({"Variable": "$.a", "IsPresent": true});
    for _ in 0..100 {
        r = json!({ "Not": r });
    }
    r["Next"] = json!("X");
    assert!(ChoiceRule::parse(&r).unwrap_err().contains("nested"));
}
