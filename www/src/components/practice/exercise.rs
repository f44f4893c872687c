//! One exercise: its statement and material, the editors, Check and the grade, hints and
//! solution, and for Predict exercises the run itself in the workbench's views.

use super::super::code_editor::CodeEditor;
use super::super::json_view::JsonView;
use super::super::run_summary::RunSummary;
use super::super::step_view::StepView;
use super::super::use_ctx;
use super::super::views::Views;
use super::cases::CaseList;
use super::editors::AnswerEditors;
use super::grade_view::GradeView;
use super::help::{paragraphs, Hints, Solution};
use super::list::kind_label;
use super::share::SharedBanner;
use crate::browser;
use crate::state::{Action, EngineState, Kind, PracticeAction};
use std::rc::Rc;
use stepbridge_inspect::practice::{Exercise, ExerciseKind, PredictTarget};
use stepbridge_inspect::protocol::{Request, RunSettings};
use yew::prelude::*;

/// What a Predict exercise asks for, in words.
fn predict_question(exercise: &Exercise) -> String {
    let state = &exercise.context.state;
    match exercise.context.predict {
        PredictTarget::Output => "Predict the execution's output.".into(),
        PredictTarget::NextState => format!("Predict the state entered after \"{state}\"."),
        PredictTarget::RetryIntervals => {
            format!("Predict the waits, in seconds, between the attempts of \"{state}\".")
        }
        PredictTarget::Outcome => {
            "Predict how the execution ends: its status and, if it fails, its error.".into()
        }
    }
}

/// The run a Predict case makes, as the workbench would run it.
fn case_run(exercise: &Exercise, case: usize) -> Option<Request> {
    let case = exercise.cases.get(case)?;
    let input = case
        .input
        .clone()
        .or_else(|| exercise.context.input.clone())
        .unwrap_or_else(|| serde_json::json!({}));
    Some(Request::Run(RunSettings {
        definition: exercise.context.definition.clone(),
        input: serde_json::to_string_pretty(&input).unwrap_or_default(),
        mocks: exercise.context.mocks.clone(),
        test_case: case.test_case.clone(),
        seed: 0,
        start_time: String::new(),
        execution_type: String::new(),
    }))
}

#[derive(Properties, PartialEq)]
struct ContextProps {
    exercise: Rc<Exercise>,
}

/// The material the learner does not edit: the machine of a Predict, the mocks and input a
/// Workflow runs with.
#[function_component(ContextView)]
fn context_view(props: &ContextProps) -> Html {
    let ctx = use_ctx();
    let exercise = &props.exercise;
    let context = &exercise.context;
    let dark = browser::is_dark(ctx.state.theme.as_str());
    let predict = exercise.kind == Some(ExerciseKind::Predict);
    html! {
        <>
            if predict {
                <p class="practice-question" data-testid="practice-question"><strong>{ predict_question(exercise) }</strong></p>
            }
            if !context.definition.is_empty() {
                <details class="practice-context" open={predict}>
                    <summary>{ if predict { "The state machine" } else { "The given state machine" } }</summary>
                    <div class="code" style="--rows: 14">
                        <CodeEditor value={AttrValue::from(context.definition.clone())} label="The exercise's state machine (read-only)"
                            test_id="practice-context-definition" read_only={true} dark={dark} on_change={Callback::noop()} />
                    </div>
                </details>
            }
            if let Some(input) = &context.input {
                <details class="practice-context">
                    <summary>{ "Execution input" }</summary>
                    <JsonView value={input.clone()} />
                </details>
            }
            if !context.mocks.is_empty() {
                <details class="practice-context">
                    <summary>{ "Mock file the runs use" }</summary>
                    <pre tabindex="0" class="json">{ &context.mocks }</pre>
                </details>
            }
            if !context.rule_name.is_empty() {
                <p class="hint">{ format!("The rule is named \"{}\".", context.rule_name) }</p>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ExercisePageProps {
    pub exercise: Rc<Exercise>,
}

#[function_component(ExercisePage)]
pub fn exercise_page(props: &ExercisePageProps) -> Html {
    let ctx = use_ctx();
    let practice = &ctx.state.practice;
    let exercise = &props.exercise;
    let progress = practice.progress.of(&exercise.id);
    let shared = practice.shared_for(&exercise.id).is_some();
    let checking = ctx.state.awaiting(Kind::Grade);
    let ready = matches!(ctx.state.engine, EngineState::Ready(_));
    let grade = practice.grade_for(&exercise.id).cloned();

    let on_check = {
        let ctx = ctx.clone();
        Callback::from(move |_| super::check(&ctx))
    };
    let on_reset = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            if browser::confirm(
                "Put the starter back? Your answer to this exercise will be replaced by it.",
            ) {
                ctx.dispatch(Action::Practice(PracticeAction::Reset));
            }
        })
    };
    let on_share = {
        let ctx = ctx.clone();
        Callback::from(move |_| super::share::share(&ctx))
    };
    let show_run = |case: usize, name: String| {
        let ctx = ctx.clone();
        let exercise = exercise.clone();
        Callback::from(move |_| {
            if let Some(request) = case_run(&exercise, case) {
                ctx.dispatch(Action::Practice(PracticeAction::RunShown(name.clone())));
                ctx.ask(Kind::Run, request);
            }
        })
    };
    let predict = exercise.kind == Some(ExerciseKind::Predict);

    html! {
        <article class="practice-exercise" data-testid="practice-exercise" data-id={exercise.id.clone()}
            data-graded={practice.graded.to_string()} aria-labelledby="practice-exercise-title">
            <nav class="practice-crumbs" aria-label="Practice"><a href="#practice" data-testid="practice-back">{ "← All exercises" }</a></nav>
            <header class="practice-head">
                <h2 id="practice-exercise-title">{ &exercise.title }</h2>
                <div class="practice-badges">
                    <span class="badge">{ &exercise.topic }</span>
                    <span class="badge">{ kind_label(exercise.kind) }</span>
                    <span class={classes!("badge", "difficulty", exercise.difficulty.clone())}>{ &exercise.difficulty }</span>
                    <span class="badge">{ exercise.exam.join(", ") }</span>
                    <span class={classes!("status", progress.status.label().replace(' ', "-"))} data-testid="practice-status">{ progress.status.label() }</span>
                </div>
            </header>
            if shared { <SharedBanner exercise={exercise.id.clone()} /> }
            <div class="practice-grid">
                <div class="panel practice-brief">
                    <div class="practice-statement" data-testid="practice-statement">{ paragraphs(&exercise.statement) }</div>
                    <ContextView exercise={exercise.clone()} />
                    <CaseList exercise={exercise.clone()} />
                    <Hints exercise={exercise.clone()} />
                    <Solution exercise={exercise.clone()} />
                    if !exercise.sources.is_empty() {
                        <details class="practice-sources">
                            <summary>{ "Sources (AWS documentation)" }</summary>
                            <ul>{ for exercise.sources.iter().map(|s| html! { <li><a href={s.clone()} target="_blank" rel="noopener noreferrer">{ s }</a></li> }) }</ul>
                        </details>
                    }
                </div>
                <div class="panel practice-work">
                    <AnswerEditors exercise={exercise.clone()} />
                    <div class="row practice-actions">
                        <button class="primary" data-testid="practice-check" onclick={on_check}
                            disabled={shared || checking || !ready} title="Check (Ctrl+Enter)">
                            { if checking { "Checking…" } else { "Check" } }
                        </button>
                        <button data-testid="practice-reset" onclick={on_reset} disabled={shared}>{ "Reset to starter" }</button>
                        if progress.status == crate::state::Status::Solved && !shared {
                            <button data-testid="practice-share" onclick={on_share}>{ "Share your solution" }</button>
                        }
                        <span class="hint">{ format!("Checked {} time{}", progress.attempts, if progress.attempts == 1 { "" } else { "s" }) }</span>
                    </div>
                    if let Some(grade) = grade {
                        <GradeView grade={grade} />
                    }
                    if predict && progress.attempts > 0 {
                        <div class="row practice-runs">
                            { for exercise.cases.iter().enumerate().map(|(i, case)| html! {
                                <button data-testid="practice-open-run" onclick={show_run(i, case.name.clone())}>
                                    { format!("Open the run of \"{}\" in the workbench views", case.name) }
                                </button>
                            }) }
                        </div>
                    }
                </div>
            </div>
            if let Some(case) = practice.run_case.clone().filter(|_| predict) {
                <section class="panel practice-run inspect-col" aria-label="The exercise's run" data-testid="practice-run">
                    <p class="hint">{ format!("The exercise's state machine run on \"{case}\" (your own workbench is unchanged).") }</p>
                    <RunSummary />
                    <Views />
                    <StepView />
                </section>
            }
        </article>
    }
}
