//! Every exercise, grouped by topic, with its difficulty, kind, exams and the learner's status.

use super::super::use_ctx;
use crate::state::Status;
use stepbridge_inspect::practice::{ExerciseKind, ExerciseSummary};
use yew::prelude::*;

pub fn kind_label(kind: Option<ExerciseKind>) -> &'static str {
    match kind {
        Some(ExerciseKind::Pattern) => "event pattern",
        Some(ExerciseKind::Workflow) => "workflow",
        Some(ExerciseKind::Predict) => "predict",
        Some(ExerciseKind::Transformer) => "input transformer",
        Some(ExerciseKind::Schedule) => "schedule",
        Some(ExerciseKind::Choice) => "choose",
        None => "unknown",
    }
}

/// The topics in the order the list has them (it comes sorted by topic, then id).
fn by_topic(index: &[ExerciseSummary]) -> Vec<(&str, Vec<&ExerciseSummary>)> {
    let mut groups: Vec<(&str, Vec<&ExerciseSummary>)> = Vec::new();
    for summary in index {
        match groups.iter_mut().find(|(topic, _)| *topic == summary.topic) {
            Some((_, items)) => items.push(summary),
            None => groups.push((&summary.topic, vec![summary])),
        }
    }
    groups
}

#[function_component(ExerciseList)]
pub fn exercise_list() -> Html {
    let ctx = use_ctx();
    let practice = &ctx.state.practice;
    let Some(index) = practice.index.clone() else {
        return html! { <p class="hint" data-testid="practice-list-loading">{ "Loading the exercises…" }</p> };
    };
    let status = |id: &str| practice.progress.of(id).status;
    let solved = index
        .iter()
        .filter(|s| status(&s.id) == Status::Solved)
        .count();
    let attempted = index
        .iter()
        .filter(|s| status(&s.id) == Status::Attempted)
        .count();
    html! {
        <section class="practice-list" data-testid="practice-list" aria-labelledby="practice-title">
            <div class="practice-intro">
                <h2 id="practice-title">{ "Practice" }</h2>
                <p class="hint">
                    { "Exercises for the AWS Certified Developer (DVA-C02) and Solutions Architect (SAA-C03) exams, graded by running your answer through the engines. Your answers and progress stay in this browser." }
                </p>
                <p data-testid="practice-tally">
                    { format!("{solved} of {} solved, {attempted} attempted", index.len()) }
                </p>
            </div>
            { for by_topic(&index).into_iter().map(|(topic, items)| {
                let heading = format!("topic-{}", topic.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
                html! {
                    <section class="practice-topic" aria-labelledby={heading.clone()}>
                        <h3 id={heading}>{ topic }</h3>
                        <table class="practice-table">
                            <thead>
                                <tr>
                                    <th scope="col">{ "Exercise" }</th>
                                    <th scope="col">{ "Kind" }</th>
                                    <th scope="col">{ "Difficulty" }</th>
                                    <th scope="col">{ "Exam" }</th>
                                    <th scope="col">{ "Status" }</th>
                                </tr>
                            </thead>
                            <tbody>
                                { for items.into_iter().map(|s| {
                                    let st = status(&s.id);
                                    html! {
                                        <tr data-testid="practice-row" data-id={s.id.clone()} data-status={st.label()}>
                                            <td><a href={format!("#practice/{}", s.id)}>{ &s.title }</a></td>
                                            <td>{ kind_label(s.kind) }</td>
                                            <td><span class={classes!("difficulty", s.difficulty.clone())}>{ &s.difficulty }</span></td>
                                            <td>{ s.exam.join(", ") }</td>
                                            <td><span class={classes!("status", st.label().replace(' ', "-"))}>{ st.label() }</span></td>
                                        </tr>
                                    }
                                }) }
                            </tbody>
                        </table>
                    </section>
                }
            }) }
        </section>
    }
}
