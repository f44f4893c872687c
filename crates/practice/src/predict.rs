//! Predict exercises: the learner writes what a run will produce; the engine's run of the
//! exercise's machine is the key.

use crate::verdict::{show, Refusal, Verdict};
use crate::workflow::{self, Machine, Run};
use serde_json::{json, Value};
use stepbridge_inspect::compare::first_value_difference;
use stepbridge_inspect::practice::{Answer, Case, Context, Exercise, PredictTarget};

pub(crate) struct Prepared {
    machine: Machine,
    context: Context,
    prediction: Value,
}

pub(crate) fn prepare(exercise: &Exercise, answer: &Answer) -> Result<Prepared, Refusal> {
    let context = &exercise.context;
    let machine = workflow::prepare(&context.definition, &context.mocks, &Answer::default())?;
    let text = answer.prediction.trim();
    if text.is_empty() {
        return Err(Refusal::new("prediction", "Write your prediction first"));
    }
    let prediction = match context.predict {
        // A state name may be written bare or as a JSON string.
        PredictTarget::NextState => match serde_json::from_str::<Value>(text) {
            Ok(Value::String(name)) => Value::String(name),
            _ => Value::String(text.to_string()),
        },
        target => {
            let value: Value = serde_json::from_str(&answer.prediction)
                .map_err(|e| Refusal::json("prediction", "The prediction", &e))?;
            shape_of(target, value)?
        }
    };
    Ok(Prepared {
        machine,
        context: context.clone(),
        prediction,
    })
}

/// Retry intervals are an array of numbers; an outcome an object with a status (a null
/// error is the same as none).
fn shape_of(target: PredictTarget, value: Value) -> Result<Value, Refusal> {
    match target {
        PredictTarget::RetryIntervals
            if !value
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_number)) =>
        {
            Err(Refusal::new(
                "prediction",
                "Write the waits as an array of seconds, such as [1, 2, 4]",
            ))
        }
        PredictTarget::Outcome => match value {
            Value::Object(mut map) if map.get("status").is_some_and(Value::is_string) => {
                map.retain(|_, v| !v.is_null());
                Ok(Value::Object(map))
            }
            _ => Err(Refusal::new(
                "prediction",
                r#"Write the outcome as {"status": "FAILED", "error": "..."} (the error only when it fails)"#,
            )),
        },
        _ => Ok(value),
    }
}

pub(crate) fn check(p: &Prepared, case: &Case) -> Verdict {
    let run = p.machine.run(p.context.input.as_ref(), case);
    if let Some(why) = run.stalled {
        return Verdict::fail(why);
    }
    let key = match engine_key(&p.context, &run) {
        Ok(key) => key,
        Err(why) => return Verdict::fail(why),
    };
    let state = (!p.context.state.is_empty()).then(|| p.context.state.clone());
    let verdict = match first_value_difference(&key, &p.prediction) {
        None => Verdict::pass(format!("your prediction matches the run: {}", show(&key))),
        Some(_) if p.context.predict == PredictTarget::NextState => Verdict::fail(format!(
            "after {} the run entered {}, not {}",
            p.context.state,
            key.as_str().unwrap_or("?"),
            p.prediction.as_str().unwrap_or("?")
        ))
        .values(Some(key.clone()), Some(p.prediction.clone())),
        Some(d) => Verdict::differs("your prediction", d),
    };
    verdict.maybe_state(state)
}

/// What the engine's run says for the exercise's question.
fn engine_key(context: &Context, run: &Run) -> Result<Value, String> {
    let outcome = &run.outcome;
    match context.predict {
        PredictTarget::Output => outcome.output.clone().ok_or_else(|| {
            format!(
                "the run ended {} without an output (an authoring fault: ask for the outcome)",
                outcome.status
            )
        }),
        PredictTarget::Outcome => {
            let mut key = json!({"status": outcome.status.as_str()});
            if let Some(error) = &outcome.error {
                key["error"] = json!(error);
            }
            Ok(key)
        }
        PredictTarget::RetryIntervals => Ok(workflow::retry_intervals(&run.trace, &context.state)),
        PredictTarget::NextState => next_state(run, &context.state).map(Value::String),
    }
}

/// The state entered after the first visit of `state`, in the same branch or iteration.
fn next_state(run: &Run, state: &str) -> Result<String, String> {
    let visits = &run.trace.visits;
    let Some(at) = visits.iter().position(|v| v.name == state) else {
        return Err(format!(
            "the run never entered {state} (an authoring fault)"
        ));
    };
    let here = &visits[at];
    visits[at + 1..]
        .iter()
        .find(|v| {
            v.parent_visit == here.parent_visit
                && v.map_iteration == here.map_iteration
                && v.branch == here.branch
        })
        .map(|v| v.name.clone())
        .ok_or_else(|| format!("the run ended after {state} (an authoring fault: no next state)"))
}
