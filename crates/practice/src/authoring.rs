//! Authoring: reading exercise files, finding their faults, and the Practice list's index.
//!
//! An exercise is one data file; nothing else has to change to add one. So everything an
//! author can get wrong is found here, with the file named: JSON and schema faults (including
//! misspelt fields, which serde would otherwise ignore), cases a kind cannot grade, a solution
//! that fails a case, and a starter that already passes.

use crate::grade;
use serde_json::Value;
use stepbridge_inspect::practice::{
    Answer, Case, Context, Exercise, ExerciseKind, ExerciseSummary, Expect, PredictTarget,
    Requirement,
};

pub const DIFFICULTIES: [&str; 3] = ["easy", "medium", "hard"];
pub const EXAMS: [&str; 2] = ["DVA-C02", "SAA-C03"];

/// Reads an exercise file's text; `id` is its file name without `.json`, which the exercise's
/// own `id` must equal (the `#practice/<id>` link finds the file by it).
pub fn load(text: &str, id: &str) -> Result<Exercise, Vec<String>> {
    let raw: Value =
        serde_json::from_str(text).map_err(|e| vec![format!("not valid JSON: {e}")])?;
    let mut faults = unknown_fields(&raw);
    let exercise: Exercise = match serde_json::from_value(raw) {
        Ok(e) => e,
        Err(e) => {
            faults.push(format!("does not follow the schema: {e}"));
            return Err(faults);
        }
    };
    if exercise.id != id {
        faults.push(format!(
            "its id is '{}' but the file is {id}.json: they must be equal",
            exercise.id
        ));
    }
    if faults.is_empty() {
        Ok(exercise)
    } else {
        Err(faults)
    }
}

/// Every fault of an exercise: its schema, then whether its solution passes every case and its
/// starter fails at least one (an exercise must be neither unsolvable nor solved).
pub fn faults(exercise: &Exercise) -> Vec<String> {
    let mut out = schema_faults(exercise);
    if !out.is_empty() {
        return out;
    }
    let solved = grade(exercise, &exercise.solution);
    if !solved.diagnostics.is_empty() {
        let d = &solved.diagnostics[0];
        out.push(format!(
            "its solution's {} is refused at line {}, column {}: {}",
            solved.field.as_deref().unwrap_or("answer"),
            d.line,
            d.column,
            d.message
        ));
    }
    for case in solved.cases.iter().filter(|c| !c.passed) {
        out.push(format!(
            "its solution fails {}: {}",
            case.name, case.message
        ));
    }
    if grade(exercise, &exercise.starter).passed {
        out.push("its starter already passes every case".into());
    }
    out
}

/// What the file must hold for its kind, in the author's terms.
pub fn schema_faults(e: &Exercise) -> Vec<String> {
    let mut out = Vec::new();
    let mut need = |ok: bool, what: &str| {
        if !ok {
            out.push(what.to_string());
        }
    };
    need(!e.title.trim().is_empty(), "it has no title");
    need(!e.topic.trim().is_empty(), "it has no topic");
    need(!e.statement.trim().is_empty(), "it has no statement");
    need(!e.explanation.trim().is_empty(), "it has no explanation");
    need(!e.hints.is_empty(), "it has no hints");
    need(!e.sources.is_empty(), "it cites no sources");
    need(
        e.sources.iter().all(|s| s.starts_with("https://")),
        "its sources must be https addresses",
    );
    need(
        DIFFICULTIES.contains(&e.difficulty.as_str()),
        "its difficulty must be easy, medium or hard",
    );
    need(
        !e.exam.is_empty() && e.exam.iter().all(|x| EXAMS.contains(&x.as_str())),
        "its exam must list DVA-C02 and/or SAA-C03",
    );
    need(!e.cases.is_empty(), "it has no visible cases");
    let Some(kind) = e.kind else {
        out.push("it has no kind".into());
        return out;
    };
    let cases: Vec<(usize, &Case, bool)> = e
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c, false))
        .chain(e.hidden_cases.iter().enumerate().map(|(i, c)| (i, c, true)))
        .collect();
    for (i, case, hidden) in cases {
        let name = format!("{} {}", if hidden { "hiddenCases" } else { "cases" }, i);
        if let Some(why) = case_fault(kind, &e.context, case) {
            out.push(format!("{name}: {why}"));
        }
    }
    match kind {
        ExerciseKind::Predict => {
            if e.context.definition.trim().is_empty() {
                out.push("a predict exercise needs context.definition".into());
            }
            if matches!(
                e.context.predict,
                PredictTarget::NextState | PredictTarget::RetryIntervals
            ) && e.context.state.trim().is_empty()
            {
                out.push("this prediction needs context.state".into());
            }
        }
        ExerciseKind::Choice => {
            let ids: Vec<&str> = e.context.options.iter().map(|o| o.id.as_str()).collect();
            if ids.len() < 2 {
                out.push("a choice exercise needs at least two options".into());
            }
            if ids
                .iter()
                .enumerate()
                .any(|(i, id)| id.is_empty() || ids[..i].contains(id))
            {
                out.push("option ids must be present and different".into());
            }
        }
        _ => {}
    }
    out
}

fn case_fault(kind: ExerciseKind, context: &Context, case: &Case) -> Option<String> {
    let x = &case.expect;
    match kind {
        ExerciseKind::Pattern if case.event.is_none() || case.matches.is_none() => {
            Some("a pattern case needs event and matches".into())
        }
        ExerciseKind::Pattern => {
            let text = case
                .event
                .as_ref()
                .map(Value::to_string)
                .unwrap_or_default();
            stepbridge_events::validate_event(&text)
                .err()
                .map(|e| format!("its event is not one EventBridge accepts: {}", e.message))
        }
        ExerciseKind::Workflow => (x.status.is_none()
            && x.output.is_none()
            && x.error.is_none()
            && x.cause.is_none()
            && x.visits.is_empty()
            && x.not_visits.is_empty()
            && x.retry_intervals.is_empty()
            && x.max_transitions.is_none())
        .then(|| "a workflow case must expect something".into()),
        ExerciseKind::Predict => None,
        ExerciseKind::Transformer => (case.event.is_none() || x.target_input.is_none())
            .then(|| "a transformer case needs event and expect.targetInput".into()),
        ExerciseKind::Schedule => {
            if x.fire_times.is_empty() || case.from.trim().is_empty() {
                return Some("a schedule case needs from and expect.fireTimes".into());
            }
            let bad = std::iter::once(&case.from)
                .chain(&x.fire_times)
                .find(|t| chrono::DateTime::parse_from_rfc3339(t).is_err());
            bad.map(|t| format!("'{t}' is not an RFC 3339 time"))
        }
        ExerciseKind::Choice => match &case.requirement {
            None => Some("a choice case needs a requirement".into()),
            Some(r) if r.fact.is_empty() || r.need.is_empty() => {
                Some("a requirement needs fact and need".into())
            }
            Some(r)
                if !context
                    .options
                    .iter()
                    .any(|o| o.facts.contains_key(&r.fact)) =>
            {
                Some(format!("no option documents the fact '{}'", r.fact))
            }
            Some(r) if bounds(r) == 0 => {
                Some("a requirement needs equals, atLeast, atMost or includes".into())
            }
            Some(_) => None,
        },
    }
}

fn bounds(r: &Requirement) -> usize {
    [
        r.equals.is_some(),
        r.at_least.is_some(),
        r.at_most.is_some(),
        r.includes.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count()
}

/// The Practice list: one summary per exercise, sorted by topic, then id.
pub fn index(exercises: &[Exercise]) -> Vec<ExerciseSummary> {
    let mut out: Vec<ExerciseSummary> = exercises.iter().map(ExerciseSummary::from).collect();
    out.sort_by(|a, b| (&a.topic, &a.id).cmp(&(&b.topic, &b.id)));
    out
}

/// Fields the schema does not know, with where they are (serde would drop them silently, and
/// a misspelt `hiddenCase` would ship an exercise without its hidden cases).
fn unknown_fields(raw: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let exercise = known(&Exercise::default());
    let context = known(&Context::default());
    let case = known(&Case::default());
    let expect = known(&Expect::default());
    let requirement = known(&Requirement::default());
    let answer = known(&Answer {
        definition: "-".into(),
        mocks: "-".into(),
        execution_type: "-".into(),
        pattern: "-".into(),
        input_paths_map: "-".into(),
        input_template: "-".into(),
        expression: "-".into(),
        timezone: "-".into(),
        prediction: "-".into(),
        choice: "-".into(),
    });
    let option = ["id", "label", "facts"].map(String::from).to_vec();
    let mut check = |value: Option<&Value>, allowed: &[String], at: &str| {
        if let Some(Value::Object(map)) = value {
            for key in map.keys().filter(|k| !allowed.contains(k)) {
                out.push(format!("{at} has an unknown field '{key}'"));
            }
        }
    };
    check(Some(raw), &exercise, "the exercise");
    check(raw.get("context"), &context, "context");
    check(raw.get("starter"), &answer, "starter");
    check(raw.get("solution"), &answer, "solution");
    for (i, o) in array(raw.get("context").and_then(|c| c.get("options"))).enumerate() {
        check(Some(o), &option, &format!("context.options {i}"));
    }
    for list in ["cases", "hiddenCases"] {
        for (i, c) in array(raw.get(list)).enumerate() {
            check(Some(c), &case, &format!("{list} {i}"));
            check(c.get("expect"), &expect, &format!("{list} {i} expect"));
            check(
                c.get("requirement"),
                &requirement,
                &format!("{list} {i} requirement"),
            );
        }
    }
    out
}

fn array(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

/// The field names a type writes (from its serialised default, so they follow its serde names).
fn known<T: serde::Serialize>(value: &T) -> Vec<String> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}
