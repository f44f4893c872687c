//! Hints, one at a time, and the worked solution, offered only after a first Check.

use super::super::use_ctx;
use crate::browser;
use crate::state::{Action, AnswerField, PracticeAction};
use std::rc::Rc;
use stepbridge_inspect::practice::{Answer, Exercise};
use yew::prelude::*;

/// Plain paragraphs separated by blank lines, as text (never HTML).
pub fn paragraphs(text: &str) -> Html {
    html! {
        { for text.split("\n\n").filter(|p| !p.trim().is_empty()).map(|p| html! { <p>{ p.trim() }</p> }) }
    }
}

const FIELDS: [(AnswerField, &str); 10] = [
    (AnswerField::Definition, "State machine"),
    (AnswerField::Mocks, "Mock file"),
    (AnswerField::ExecutionType, "Execution type"),
    (AnswerField::Pattern, "Event pattern"),
    (AnswerField::InputPathsMap, "InputPathsMap"),
    (AnswerField::InputTemplate, "InputTemplate"),
    (AnswerField::Expression, "Schedule expression"),
    (AnswerField::Timezone, "Time zone"),
    (AnswerField::Prediction, "Prediction"),
    (AnswerField::Choice, "Choice"),
];

fn has_text(answer: &Answer) -> bool {
    FIELDS
        .iter()
        .any(|(field, _)| !field.get(answer).trim().is_empty())
}

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub exercise: Rc<Exercise>,
}

#[function_component(Hints)]
pub fn hints(props: &HelpProps) -> Html {
    let ctx = use_ctx();
    let exercise = &props.exercise;
    let total = exercise.hints.len();
    if total == 0 {
        return html! {};
    }
    let shown = ctx
        .state
        .practice
        .progress
        .of(&exercise.id)
        .hints
        .min(total);
    let on_next = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.dispatch(Action::Practice(PracticeAction::RevealHint)))
    };
    html! {
        <section class="practice-hints" aria-labelledby="practice-hints-title">
            <h3 id="practice-hints-title">{ "Hints" }</h3>
            if shown > 0 {
                <ol>
                    { for exercise.hints.iter().take(shown).map(|h| html! { <li data-testid="practice-hint">{ h }</li> }) }
                </ol>
            }
            if shown < total {
                <button data-testid="practice-hint-next" onclick={on_next}>
                    { format!("Show hint {} of {total}", shown + 1) }
                </button>
            } else {
                <p class="hint">{ "That was the last hint." }</p>
            }
        </section>
    }
}

#[function_component(Solution)]
pub fn solution(props: &HelpProps) -> Html {
    let ctx = use_ctx();
    let practice = &ctx.state.practice;
    let exercise = &props.exercise;
    let attempts = practice.progress.of(&exercise.id).attempts;
    let on_show = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.dispatch(Action::Practice(PracticeAction::ShowSolution)))
    };
    let on_load = {
        let ctx = ctx.clone();
        let exercise = exercise.clone();
        Callback::from(move |_| {
            let current = ctx.state.practice.answer_of(&exercise);
            // Nothing the learner wrote is replaced without their say.
            if current != exercise.solution
                && has_text(&current)
                && !browser::confirm(
                    "Replace your answer with the worked solution? Your answer to this exercise will be lost.",
                )
            {
                return;
            }
            ctx.dispatch(Action::Practice(PracticeAction::LoadSolution));
        })
    };
    html! {
        <section class="practice-solution" aria-labelledby="practice-solution-title">
            <h3 id="practice-solution-title">{ "Worked solution" }</h3>
            if attempts == 0 {
                <p class="hint" data-testid="practice-solution-locked">{ "Offered after your first Check." }</p>
            } else if !practice.solution_shown {
                <button data-testid="practice-show-solution" onclick={on_show}>{ "Show the worked solution" }</button>
            } else {
                <div data-testid="practice-solution">
                    { for FIELDS.iter().filter(|(f, _)| !f.get(&exercise.solution).is_empty()).map(|(f, label)| html! {
                        <div class="practice-solution-part">
                            <h4>{ *label }</h4>
                            <pre tabindex="0" class="json">{ f.get(&exercise.solution) }</pre>
                        </div>
                    }) }
                    <div class="practice-explanation" data-testid="practice-explanation">{ paragraphs(&exercise.explanation) }</div>
                    if practice.shared_for(&exercise.id).is_none() {
                        <button data-testid="practice-load-solution" onclick={on_load}>{ "Load the solution into the editor" }</button>
                    }
                </div>
            }
        </section>
    }
}
