//! The exercise's visible cases (what the answer is checked against), and how many hidden
//! ones there are.

use super::super::json_view::JsonView;
use serde_json::Value;
use std::rc::Rc;
use stepbridge_inspect::practice::{Case, Exercise, ExerciseKind};
use yew::prelude::*;

/// A case's data without its name and without the fields it leaves empty, so each case
/// shows only what it checks.
pub fn case_data(case: &Case) -> Value {
    let Ok(Value::Object(mut map)) = serde_json::to_value(case) else {
        return Value::Null;
    };
    map.remove("name");
    strip_empty(&mut map);
    Value::Object(map)
}

/// Drops what serde's defaults filled in (no value, no text, no list); an expected empty
/// output (`{}` or `[]` under `output`, `targetInput`, `input`, `event`) is a value and stays.
fn strip_empty(map: &mut serde_json::Map<String, Value>) {
    if let Some(Value::Object(expect)) = map.get_mut("expect") {
        strip_empty(expect);
    }
    map.retain(|key, v| match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty() || is_value_key(key),
        Value::Object(o) => !o.is_empty() || is_value_key(key),
        _ => true,
    });
}

fn is_value_key(key: &str) -> bool {
    matches!(key, "output" | "targetInput" | "input" | "event")
}

fn summary(kind: Option<ExerciseKind>, case: &Case) -> Option<&'static str> {
    match (kind, case.matches) {
        (Some(ExerciseKind::Pattern), Some(true)) => Some("must match"),
        (Some(ExerciseKind::Pattern), Some(false)) => Some("must not match"),
        _ => None,
    }
}

#[derive(Properties, PartialEq)]
pub struct CaseListProps {
    pub exercise: Rc<Exercise>,
}

#[function_component(CaseList)]
pub fn case_list(props: &CaseListProps) -> Html {
    let exercise = &props.exercise;
    let hidden = exercise.hidden_cases.len();
    html! {
        <section class="practice-cases-given" aria-labelledby="practice-cases-title">
            <h3 id="practice-cases-title">{ "Cases" }</h3>
            { for exercise.cases.iter().enumerate().map(|(i, case)| html! {
                <details class="practice-case-given" open={i == 0} data-testid="practice-given-case">
                    <summary>
                        { &case.name }
                        if let Some(s) = summary(exercise.kind, case) { <span class="badge">{ s }</span> }
                    </summary>
                    <JsonView value={case_data(case)} />
                </details>
            }) }
            if hidden > 0 {
                <p class="hint" data-testid="practice-hidden-count">
                    { format!("…and {hidden} hidden case{} (graded the same way, data not shown).", if hidden == 1 { "" } else { "s" }) }
                </p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_case_shows_only_what_it_checks() {
        let case: Case = serde_json::from_value(json!({
            "name": "big order",
            "input": {"total": 120},
            "expect": {"status": "SUCCEEDED", "visits": ["Approve"]}
        }))
        .unwrap();
        assert_eq!(
            case_data(&case),
            json!({"input": {"total": 120}, "expect": {"status": "SUCCEEDED", "visits": ["Approve"]}})
        );
    }
}
