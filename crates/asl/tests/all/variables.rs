//! Workflow variables: `Assign` in JSONPath and JSONata states, `$name` references, scopes,
//! quotas, history and inspection data.
//! <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html>

use crate::run_common as common;
use common::{failed_with, invalid, ok, trace};
use serde_json::{json, Value};
use stepbridge_asl::{run, RunOutcome, RunRequest};

fn exec(definition: Value, input: Value) -> RunOutcome {
    common::exec(definition, input, None)
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn jsonpath_assign_reads_the_result_and_variables_are_read_by_later_paths() {
    let o = exec(
        json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Parameters": {"n.$": "$.n", "tag": "t"},
                  "Assign": {"count.$": "$.n", "label": "fixed", "tag.$": "$.tag",
                             "upper.$": "States.Format('n={}', $.n)"},
                  "ResultPath": "$.ignored", "Next": "B"},
            "B": {"Type": "Pass",
                  "Parameters": {"c.$": "$count", "l.$": "$label", "t.$": "$tag",
                                 "f.$": "States.Format('{}-{}', $label, $count)", "u.$": "$upper"},
                  "End": true}}}),
        json!({"n": 3}),
    );
    assert_eq!(
        ok(&o),
        &json!({"c": 3, "l": "fixed", "t": "t", "f": "fixed-3", "u": "n=3"})
    );
    assert_eq!(
        o.variables,
        json!({"count": 3, "label": "fixed", "tag": "t", "upper": "n=3"})
            .as_object()
            .cloned()
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn jsonpath_variables_in_input_output_choice_items_and_wait_paths() {
    let o = exec(
        json!({"StartAt": "Set", "States": {
            "Set": {"Type": "Pass",
                    "Assign": {"cfg": {"list": [1, 2, 3], "secs": 5, "keep": {"x": 1}}, "limit": 2},
                    "Next": "C"},
            "C": {"Type": "Choice",
                  "Choices": [{"Variable": "$limit", "NumericGreaterThan": 1, "Next": "M"}],
                  "Default": "Fail"},
            "M": {"Type": "Map", "ItemsPath": "$cfg.list",
                  "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
                  "ResultPath": "$.items", "Next": "W"},
            "W": {"Type": "Wait", "SecondsPath": "$cfg.secs", "InputPath": "$cfg.keep",
                  "Next": "Out"},
            "Out": {"Type": "Pass", "OutputPath": "$cfg.list[1]", "End": true},
            "Fail": {"Type": "Fail", "Error": "NoMatch"}}}),
        json!({}),
    );
    assert_eq!(ok(&o), &json!(2));
    assert_eq!(o.stop_time.as_deref(), Some("2024-01-01T00:00:05.000Z"));
    assert_eq!(trace(&o, "M")["output"], json!({"items": [1, 2, 3]}));
    assert_eq!(trace(&o, "W")["output"], json!({"x": 1}));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn task_assign_reads_the_result_after_result_selector() {
    let o = exec(
        json!({"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"Payload": {"v.$": "$.v"}},
                  "ResultSelector": {"value.$": "$.Payload.v"},
                  "Assign": {"seen.$": "$.value"},
                  "ResultPath": null, "Next": "U"},
            "U": {"Type": "Pass", "Parameters": {"seen.$": "$seen"}, "End": true}}}),
        json!({"v": "hello"}),
    );
    assert_eq!(ok(&o), &json!({"seen": "hello"}));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn every_assign_sees_the_variables_as_they_were_before_the_state() {
    // JSONPath: a swap.
    let o = exec(
        json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Assign": {"x": 1, "y": 2}, "Next": "B"},
            "B": {"Type": "Pass", "Assign": {"x.$": "$y", "y.$": "$x"}, "End": true}}}),
        json!({}),
    );
    ok(&o);
    assert_eq!(o.variables, json!({"x": 2, "y": 1}).as_object().cloned());
    // JSONata: Output does not see the value the same state assigns.
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
            "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
            "B": {"Type": "Pass", "Assign": {"x": "{% $x + 1 %}", "y": "{% $x %}"},
                  "Output": {"x": "{% $x %}"}, "End": true}}}),
        json!({}),
    );
    assert_eq!(ok(&o), &json!({"x": 1}));
    assert_eq!(o.variables, json!({"x": 2, "y": 1}).as_object().cloned());
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn jsonata_assign_reads_states_result_and_input() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"n": "{% $states.input.n + 1 %}"},
                  "Assign": {"fromResult": "{% $states.result.n %}", "fromInput": "{% $states.input.n %}",
                             "nested": {"list": ["{% $states.result.n * 2 %}"]}},
                  "Output": {}, "End": true}}}),
        json!({"n": 1}),
    );
    ok(&o);
    assert_eq!(
        o.variables,
        json!({"fromResult": 2, "fromInput": 1, "nested": {"list": [4]}})
            .as_object()
            .cloned()
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn choice_rule_assign_applies_when_the_rule_matches_state_assign_on_default() {
    let def = |lang: &str| {
        if lang == "JSONata" {
            json!({"QueryLanguage": "JSONata", "StartAt": "C", "States": {
                "C": {"Type": "Choice",
                      "Choices": [{"Condition": "{% $states.input.n > 1 %}", "Next": "D",
                                   "Assign": {"branch": "rule"}}],
                      "Default": "D", "Assign": {"branch": "default"}},
                "D": {"Type": "Succeed"}}})
        } else {
            json!({"StartAt": "C", "States": {
                "C": {"Type": "Choice",
                      "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "D",
                                   "Assign": {"branch": "rule", "n.$": "$.n"}}],
                      "Default": "D", "Assign": {"branch": "default"}},
                "D": {"Type": "Succeed"}}})
        }
    };
    let var = |o: &RunOutcome| o.variables.as_ref().unwrap()["branch"].clone();
    for lang in ["JSONPath", "JSONata"] {
        assert_eq!(
            var(&exec(def(lang), json!({"n": 5}))),
            json!("rule"),
            "{lang}"
        );
        assert_eq!(
            var(&exec(def(lang), json!({"n": 0}))),
            json!("default"),
            "{lang}"
        );
    }
    assert_eq!(
        exec(def("JSONPath"), json!({"n": 5})).variables.unwrap()["n"],
        json!(5)
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn catch_assign_reads_the_error_output() {
    let failing = |lang: &str| {
        let catcher = if lang == "JSONata" {
            json!({"ErrorEquals": ["States.ALL"], "Next": "H",
                   "Assign": {"why": "{% $states.errorOutput.Cause %}"}})
        } else {
            json!({"ErrorEquals": ["States.ALL"], "Next": "H", "ResultPath": "$.err",
                   "Assign": {"why.$": "$.Cause"}})
        };
        json!({"QueryLanguage": lang, "StartAt": "F", "States": {
            "F": {"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {
                      "X": {"Type": "Fail", "Error": "E", "Cause": "broken"}}}],
                  "Assign": {"never": 1},
                  "Catch": [catcher], "End": true},
            "H": {"Type": "Pass", "End": true}}})
    };
    for lang in ["JSONPath", "JSONata"] {
        let o = exec(failing(lang), json!({}));
        ok(&o);
        assert_eq!(
            o.variables,
            json!({"why": "broken"}).as_object().cloned(),
            "{lang}"
        );
    }
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn inner_scopes_read_outer_variables_and_their_own_do_not_leak() {
    for lang in ["JSONPath", "JSONata"] {
        let (inner_assign, inner_out, map_out) = if lang == "JSONata" {
            (
                json!({"local": "{% $states.input * $factor %}"}),
                // Output does not see what the same state assigns: it reads the input.
                json!("{% $exists($local) ? 'seen' : $states.input %}"),
                json!({"r": "{% $states.result %}"}),
            )
        } else {
            (
                json!({"local.$": "States.MathAdd($, $factor)"}),
                json!(null),
                json!(null),
            )
        };
        let mut iter = json!({"Type": "Pass", "Assign": inner_assign, "Next": "Read"});
        if !inner_out.is_null() {
            iter["Output"] = inner_out;
        }
        let read = if lang == "JSONata" {
            json!({"Type": "Pass", "Output": "{% [$local, $factor] %}", "End": true})
        } else {
            json!({"Type": "Pass", "Parameters": {"v.$": "States.Array($local, $factor)"}, "OutputPath": "$.v", "End": true})
        };
        let mut map = json!({"Type": "Map", "ItemProcessor": {"StartAt": "Inner", "States": {
                "Inner": iter, "Read": read}}, "End": true});
        if !map_out.is_null() {
            map["Output"] = map_out;
        }
        if lang == "JSONPath" {
            map["ItemsPath"] = json!("$.items");
        } else {
            map["Items"] = json!("{% $states.input.items %}");
        }
        let o = exec(
            json!({"QueryLanguage": lang, "StartAt": "S", "States": {
                "S": {"Type": "Pass", "Assign": {"factor": 10}, "Next": "M"},
                "M": map}}),
            json!({"items": [1, 2]}),
        );
        let out = ok(&o).clone();
        let expect = if lang == "JSONata" {
            json!({"r": [[10, 10], [20, 10]]})
        } else {
            json!([[11, 10], [12, 10]])
        };
        assert_eq!(out, expect, "{lang}");
        // Only the outer variable remains at the end.
        assert_eq!(
            o.variables,
            json!({"factor": 10}).as_object().cloned(),
            "{lang}"
        );
        // The inner state's inspection data shows both scopes.
        let inner = trace(&o, "Inner");
        assert_eq!(inner["variables"]["factor"], json!(10), "{lang}");
        assert!(inner["variables"].get("local").is_some(), "{lang}");
    }
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn parallel_branches_have_their_own_scopes() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "S", "States": {
            "S": {"Type": "Pass", "Assign": {"base": 1}, "Next": "P"},
            "P": {"Type": "Parallel", "Branches": [
                    {"StartAt": "A", "States": {
                        "A": {"Type": "Pass", "Assign": {"mine": "a"}, "Next": "A2"},
                        "A2": {"Type": "Pass", "Output": "{% $mine & $base %}", "End": true}}},
                    {"StartAt": "B", "States": {
                        "B": {"Type": "Pass", "Output": "{% $exists($mine) %}", "End": true}}}],
                  "End": true}}}),
        json!({}),
    );
    assert_eq!(ok(&o), &json!(["a1", false]));
    assert_eq!(o.variables, json!({"base": 1}).as_object().cloned());
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn distributed_map_children_cannot_read_outer_variables() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "S", "States": {
            "S": {"Type": "Pass", "Assign": {"outer": 1}, "Next": "M"},
            "M": {"Type": "Map", "Items": [1],
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                    "StartAt": "I", "States": {
                      "I": {"Type": "Pass", "Output": "{% $exists($outer) %}", "End": true}}},
                  "End": true}}}),
        json!({}),
    );
    assert_eq!(ok(&o), &json!([false]));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn nested_scopes_may_not_assign_outer_variables() {
    let d = invalid(json!({"StartAt": "S", "States": {
        "S": {"Type": "Pass", "Assign": {"total": 0}, "Next": "M"},
        "M": {"Type": "Map", "ItemProcessor": {"StartAt": "I", "States": {
                "I": {"Type": "Pass", "Assign": {"total.$": "$"}, "End": true}}},
              "End": true}}}));
    assert!(
        d.iter().any(
            |m| m.starts_with("/States/M/ItemProcessor/States/I/Assign/total.$ ")
                && m.contains("enclosing scope")
        ),
        "{d:?}"
    );
    // Sibling branches may each use a name of their own, even the same one.
    let o = exec(
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"v": 1}, "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"v": 2}, "End": true}}}],
            "End": true}}}),
        json!({}),
    );
    ok(&o);
    assert_eq!(o.variables, None);
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn reserved_and_invalid_names_and_assign_in_terminal_states_are_refused() {
    let d = invalid(
        json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"states": 1, "9lives": 2, "ok_name": 3}, "Next": "B"},
        "B": {"Type": "Succeed", "Assign": {"x": 1}}}}),
    );
    assert!(
        d.iter()
            .any(|m| m.starts_with("/States/A/Assign/states ") && m.contains("reserved")),
        "{d:?}"
    );
    assert!(
        d.iter().any(|m| m.starts_with("/States/A/Assign/9lives ")),
        "{d:?}"
    );
    assert!(!d.iter().any(|m| m.contains("ok_name")), "{d:?}");
    assert!(
        d.iter().any(|m| m.starts_with("/States/B/Assign ")),
        "{d:?}"
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn unknown_variables_fail_the_state() {
    let o = exec(
        json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
            "P": {"Type": "Pass", "Output": {"v": "{% $nowhere %}"}, "End": true}}}),
        json!({}),
    );
    failed_with(&o, "States.QueryEvaluationError", "'$nowhere'");
    let o = exec(
        json!({"StartAt": "P", "States": {
            "P": {"Type": "Pass", "Parameters": {"v.$": "$nowhere"}, "End": true}}}),
        json!({}),
    );
    failed_with(&o, "States.Runtime", "$nowhere");
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn variable_size_quota() {
    let big = "x".repeat(300 * 1024);
    let o = exec(
        json!({"StartAt": "P", "States": {
            "P": {"Type": "Pass", "Assign": {"big.$": "$.s"}, "End": true}}}),
        json!({"s": big}),
    );
    // The input itself is over the payload quota, so allow it to see the variable quota.
    let o2 = run(&RunRequest {
        definition: json!({"StartAt": "P", "States": {
            "P": {"Type": "Pass", "Assign": {"big.$": "$.s"}, "OutputPath": null, "End": true}}})
        .to_string(),
        input: json!({"s": "x".repeat(300 * 1024)}).to_string(),
        max_payload_bytes: Some(1 << 20),
        ..RunRequest::default()
    });
    assert_eq!(o.error.as_deref(), Some("States.DataLimitExceeded"));
    failed_with(&o2, "States.DataLimitExceeded", "'big'");
    // Two values under the per-variable quota but over it together.
    let half = "y".repeat(150 * 1024);
    let o3 = run(&RunRequest {
        definition: json!({"StartAt": "P", "States": {
            "P": {"Type": "Pass", "Assign": {"a.$": "$.s", "b.$": "$.s"}, "OutputPath": null, "End": true}}})
        .to_string(),
        input: json!({"s": half}).to_string(),
        ..RunRequest::default()
    });
    assert_eq!(
        o3.error.as_deref(),
        Some("States.DataLimitExceeded"),
        "{:?}",
        o3.cause
    );
}

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_StateExitedEventDetails.html
#[test]
fn state_exited_events_list_assigned_variables_as_json_text() {
    let o = exec(
        json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Assign": {"s": "text", "o": {"k": [1, true]}}, "Next": "B"},
            "B": {"Type": "Pass", "End": true}}}),
        json!({}),
    );
    ok(&o);
    let exits: Vec<&Value> = o
        .history
        .iter()
        .filter(|e| e["type"] == "PassStateExited")
        .collect();
    let a = &exits[0]["stateExitedEventDetails"];
    assert_eq!(
        a["assignedVariables"],
        json!({"s": "\"text\"", "o": "{\"k\":[1,true]}"})
    );
    assert_eq!(a["assignedVariablesDetails"], json!({"truncated": false}));
    // A state that assigns nothing has neither field.
    let b = &exits[1]["stateExitedEventDetails"];
    assert!(b.get("assignedVariables").is_none());
    assert!(b.get("assignedVariablesDetails").is_none());
    // Inspection data: the variables after each state.
    assert_eq!(
        trace(&o, "A")["variables"],
        json!({"s": "text", "o": {"k": [1, true]}})
    );
    assert_eq!(
        trace(&o, "B")["variables"],
        json!({"s": "text", "o": {"k": [1, true]}})
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
#[test]
fn machines_without_variables_report_none() {
    let o = exec(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}),
        json!({}),
    );
    ok(&o);
    assert_eq!(o.variables, None);
    assert!(trace(&o, "A").get("variables").is_none());
    assert!(!serde_json::to_string(&o).unwrap().contains("\"variables\""));
}

// "Variable names follow the rules for Unicode Identifiers as described in Unicode® Standard
// Annex #31. The first character of a variable name must be a Unicode ID_Start character, and
// the second and subsequent characters must be Unicode ID_Continue characters. The maximum
// length of a variable name is 80."
// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html#variable-name-syntax
#[test]
fn variable_names_are_unicode_identifiers_of_at_most_80_characters() {
    let longest = "v".repeat(80);
    let o = exec(
        json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Assign": {"変数": 1, "café_2": "c", longest.clone(): true},
                  "Next": "B"},
            "B": {"Type": "Pass", "Parameters": {"a.$": "$変数", "b.$": "$café_2"}, "Next": "C"},
            "C": {"Type": "Pass", "QueryLanguage": "JSONata",
                  "Output": {"a": "{% $変数 + 1 %}", "b": "{% $café_2 %}",
                             "long": format!("{{% ${longest} %}}"),
                             "prev": "{% $states.input %}"},
                  "End": true}}}),
        json!({}),
    );
    assert_eq!(
        ok(&o),
        &json!({"a": 2, "b": "c", "long": true, "prev": {"a": 1, "b": "c"}})
    );
    let too_long = "v".repeat(81);
    let d = invalid(
        json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass",
              "Assign": {"_lead": 1, "a-b": 2, "x y": 3, too_long.clone(): 4, "ok": 5,
                         "x.y": 6, "x[2]": 7},
              "End": true}}}),
    );
    // "You cannot assign a value to a part of a variable": x.y and x[2] are not names.
    // https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html#assign-field-in-asl
    for (name, why) in [
        ("_lead", "ID_Start"),
        ("a-b", "ID_Continue"),
        ("x y", "ID_Continue"),
        ("x.y", "ID_Continue"),
        ("x[2]", "ID_Continue"),
        (too_long.as_str(), "longer than 80"),
    ] {
        let at = format!("/States/A/Assign/{name} ");
        assert!(
            d.iter().any(|m| m.starts_with(&at) && m.contains(why)),
            "{name}: {d:?}"
        );
    }
    assert_eq!(d.len(), 6, "{d:?}");
}

// "The total size of all stored variables cannot exceed 10MiB per execution."
// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html#limits
#[test]
fn variables_of_an_execution_hold_at_most_10_mib_together() {
    // 41 variables of 250 KiB each (every one under the per-variable and per-Assign quotas)
    // pass 10 MiB at the 41st.
    let mut states = serde_json::Map::new();
    for i in 0..41 {
        let next = if i == 40 {
            json!({"End": true})
        } else {
            json!({"Next": format!("S{}", i + 1)})
        };
        let mut st = json!({"Type": "Pass", "Assign": {format!("v{i}.$"): "$.s"}});
        st.as_object_mut()
            .unwrap()
            .extend(next.as_object().unwrap().clone());
        states.insert(format!("S{i}"), st);
    }
    let def = json!({"StartAt": "S0", "States": states});
    let o = exec(def, json!({"s": "z".repeat(250 * 1024)}));
    failed_with(&o, "States.DataLimitExceeded", "'S40'");
    // A Map iteration's variables are gone when it ends, so iterations do not add up.
    let o = exec(
        json!({"StartAt": "M", "States": {"M": {"Type": "Map",
            "ItemSelector": {"s.$": "$.s"},
            "ItemsPath": "$.n",
            "ItemProcessor": {"StartAt": "I", "States": {
                "I": {"Type": "Pass", "Assign": {"big.$": "$.s"}, "OutputPath": null, "End": true}}},
            "ResultPath": null, "OutputPath": null, "End": true}}}),
        json!({"s": "z".repeat(200 * 1024), "n": (0..60).collect::<Vec<_>>()}),
    );
    ok(&o);
}

// "When handling errors, the Assign field in a Catch can assign values to variables in the
// outer scope, that is, the scope in which the Parallel/Map state exists."
// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html#variable-scope
#[test]
fn a_map_catcher_assigns_in_the_scope_of_the_map() {
    let o = exec(
        json!({"StartAt": "Init", "States": {
            "Init": {"Type": "Pass", "Assign": {"failed": false}, "Next": "M"},
            "M": {"Type": "Map", "ItemsPath": "$.items",
                  "ItemProcessor": {"StartAt": "F", "States": {
                      "F": {"Type": "Fail", "Error": "Bad", "Cause": "item"}}},
                  "Catch": [{"ErrorEquals": ["States.ALL"],
                             "Assign": {"failed": true, "why.$": "$.Error"}, "Next": "Done"}],
                  "End": true},
            "Done": {"Type": "Pass", "Parameters": {"failed.$": "$failed", "why.$": "$why"},
                     "End": true}}}),
        json!({"items": [1]}),
    );
    assert_eq!(ok(&o), &json!({"failed": true, "why": "Bad"}));
}
