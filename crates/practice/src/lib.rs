//! The exam-practice grader: a learner's answer to an exercise is run through the engines
//! case by case, and each case says what passed or what differed first.
//!
//! Every kind is graded by running something (a state machine, a pattern, a transformer, a
//! schedule) or by checking documented facts, never by comparing the answer's text with the
//! model answer's. The exercise and grade types are `stepbridge_inspect::practice` (the UI
//! reads them without the engines); the file format is documented in
//! `static/exercises/SCHEMA.md`. The worker, the CLI (`stepbridge practice check`) and the
//! authoring test all grade through [`grade`].

pub mod authoring;
mod choice;
mod pattern;
mod predict;
mod schedule;
mod transformer;
mod verdict;
mod workflow;

pub use verdict::diag_of;

use stepbridge_inspect::practice::{Answer, Case, CaseGrade, Exercise, ExerciseKind, Grade};
use verdict::{Refusal, Verdict};

/// The engines' verdict on `answer`: every case (visible, then hidden) run and checked, or the
/// answer's own faults placed in the field they are in.
pub fn grade(exercise: &Exercise, answer: &Answer) -> Grade {
    let Some(kind) = exercise.kind else {
        return refused(Refusal::new(
            "kind",
            "The exercise names no kind, so there is nothing to grade it with",
        ));
    };
    match kind {
        ExerciseKind::Pattern => grade_cases(exercise, pattern::prepare(answer), pattern::check),
        ExerciseKind::Workflow => workflow::grade(exercise, answer),
        ExerciseKind::Predict => {
            grade_cases(exercise, predict::prepare(exercise, answer), predict::check)
        }
        ExerciseKind::Transformer => grade_cases(
            exercise,
            transformer::prepare(&exercise.context, answer),
            transformer::check,
        ),
        ExerciseKind::Schedule => grade_cases(exercise, schedule::prepare(answer), schedule::check),
        ExerciseKind::Choice => grade_cases(
            exercise,
            choice::prepare(&exercise.context, answer),
            choice::check,
        ),
    }
}

/// The visible cases, then the hidden ones (`true`).
fn all_cases(exercise: &Exercise) -> impl Iterator<Item = (&Case, bool)> {
    let visible = exercise.cases.iter().map(|c| (c, false));
    visible.chain(exercise.hidden_cases.iter().map(|c| (c, true)))
}

fn refused(refusal: Refusal) -> Grade {
    Grade {
        passed: false,
        diagnostics: refusal.diagnostics,
        field: Some(refusal.field),
        ..Grade::default()
    }
}

/// Runs `check` on every case with the prepared answer; an exercise without cases never passes
/// (there would be nothing to prove the answer right).
fn grade_cases<P>(
    exercise: &Exercise,
    prepared: Result<P, Refusal>,
    check: impl Fn(&P, &Case) -> Verdict,
) -> Grade {
    match prepared {
        Err(refusal) => refused(refusal),
        Ok(prepared) => {
            let cases = graded(exercise, |case| check(&prepared, case));
            Grade {
                passed: !cases.is_empty() && cases.iter().all(|c| c.passed),
                cases,
                ..Grade::default()
            }
        }
    }
}

fn graded(exercise: &Exercise, mut check: impl FnMut(&Case) -> Verdict) -> Vec<CaseGrade> {
    let mut visible = 0;
    let mut hidden_count = 0;
    all_cases(exercise)
        .map(|(case, hidden)| {
            let number = if hidden {
                hidden_count += 1;
                hidden_count
            } else {
                visible += 1;
                visible
            };
            check(case).into_grade(case, hidden, number)
        })
        .collect()
}
