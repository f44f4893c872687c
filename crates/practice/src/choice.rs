//! Choice exercises: the chosen option's documented facts must meet each scenario's needs.

use crate::verdict::{show, Refusal, Verdict};
use serde_json::{json, Value};
use stepbridge_inspect::practice::{Answer, Case, ChoiceOption, Context, Requirement};

pub(crate) fn prepare(context: &Context, answer: &Answer) -> Result<ChoiceOption, Refusal> {
    let chosen = answer.choice.trim();
    if chosen.is_empty() {
        return Err(Refusal::new("choice", "Choose one of the options"));
    }
    context
        .options
        .iter()
        .find(|o| o.id == chosen)
        .cloned()
        .ok_or_else(|| {
            let ids: Vec<&str> = context.options.iter().map(|o| o.id.as_str()).collect();
            Refusal::new(
                "choice",
                format!(
                    "'{chosen}' is not an option; choose one of {}",
                    ids.join(", ")
                ),
            )
        })
}

pub(crate) fn check(option: &ChoiceOption, case: &Case) -> Verdict {
    let Some(req) = &case.requirement else {
        return Verdict::fail("this case states no requirement (an authoring fault)");
    };
    let name = if option.label.is_empty() {
        &option.id
    } else {
        &option.label
    };
    let Some(fact) = option.facts.get(&req.fact) else {
        return Verdict::fail(format!(
            "{name} has no documented {}, and the scenario needs {}",
            req.fact, req.need
        ))
        .values(Some(wanted(req)), None);
    };
    let verdict = if meets(req, fact) {
        Verdict::pass(format!(
            "{name}: {} is {}, which meets the need ({})",
            req.fact,
            show(fact),
            req.need
        ))
    } else {
        Verdict::fail(format!(
            "{name}: {} is {}, but the scenario needs {}",
            req.fact,
            show(fact),
            req.need
        ))
    };
    verdict
        .values(Some(wanted(req)), Some(fact.clone()))
        .pointer(format!(
            "/{}",
            req.fact.replace('~', "~0").replace('/', "~1")
        ))
}

/// Every bound the requirement gives must hold; numbers compare by value.
fn meets(req: &Requirement, fact: &Value) -> bool {
    let number = fact.as_f64();
    let equal =
        |want: &Value| stepbridge_inspect::compare::first_value_difference(want, fact).is_none();
    req.equals.as_ref().is_none_or(equal)
        && req
            .at_least
            .is_none_or(|min| number.is_some_and(|n| n >= min))
        && req
            .at_most
            .is_none_or(|max| number.is_some_and(|n| n <= max))
        && req.includes.as_ref().is_none_or(|item| {
            fact.as_array().is_some_and(|items| {
                items
                    .iter()
                    .any(|i| stepbridge_inspect::compare::first_value_difference(item, i).is_none())
            })
        })
}

/// The requirement's bounds as a value to show beside the fact.
fn wanted(req: &Requirement) -> Value {
    let mut out = serde_json::Map::new();
    for (key, value) in [
        ("equals", req.equals.clone()),
        ("atLeast", req.at_least.map(|n| json!(n))),
        ("atMost", req.at_most.map(|n| json!(n))),
        ("includes", req.includes.clone()),
    ] {
        if let Some(v) = value {
            out.insert(key.into(), v);
        }
    }
    Value::Object(out)
}
