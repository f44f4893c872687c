//! The editors an exercise's kind needs, holding the learner's answer (or a shared answer,
//! read-only, while one is being looked at).

use super::super::code_editor::{CodeEditor, EditorDiagnostic, EditorLanguage};
use super::super::use_ctx;
use crate::browser;
use crate::state::{Action, AnswerField, PracticeAction};
use std::rc::Rc;
use stepbridge_inspect::practice::{Exercise, ExerciseKind, PredictTarget};
use stepbridge_inspect::protocol::Diag;
use yew::prelude::*;

/// Which editor a fault in the answer belongs to: the kind's main text, except for a
/// transformer's paths map, which the grader names in the pointer or the message.
pub fn field_of(kind: Option<ExerciseKind>, diag: &Diag) -> Option<AnswerField> {
    Some(match kind? {
        ExerciseKind::Workflow => AnswerField::Definition,
        ExerciseKind::Pattern => AnswerField::Pattern,
        ExerciseKind::Predict => AnswerField::Prediction,
        ExerciseKind::Schedule => AnswerField::Expression,
        ExerciseKind::Transformer => {
            let about = format!("{} {} {}", diag.pointer, diag.code, diag.message).to_lowercase();
            if about.contains("inputpathsmap") || about.contains("paths map") {
                AnswerField::InputPathsMap
            } else {
                AnswerField::InputTemplate
            }
        }
        ExerciseKind::Choice => return None,
    })
}

fn placed(diags: &[Diag], kind: Option<ExerciseKind>, field: AnswerField) -> Vec<EditorDiagnostic> {
    diags
        .iter()
        .filter(|d| field_of(kind, d) == Some(field) && d.line > 0)
        .map(EditorDiagnostic::from)
        .collect()
}

#[derive(Properties, PartialEq)]
struct CodeFieldProps {
    field: AnswerField,
    label: AttrValue,
    value: AttrValue,
    read_only: bool,
    rows: u32,
    diagnostics: Rc<Vec<EditorDiagnostic>>,
}

#[function_component(CodeField)]
fn code_field(props: &CodeFieldProps) -> Html {
    let ctx = use_ctx();
    let field = props.field;
    let read_only = props.read_only;
    let on_change = Callback::from(move |text: String| {
        if !read_only {
            ctx.dispatch(Action::Practice(PracticeAction::Edit(field, text)));
        }
    });
    let dark = browser::is_dark(use_ctx().state.theme.as_str());
    let language = if field == AnswerField::Definition
        && !props.value.trim().is_empty()
        && !props.value.trim_start().starts_with(['{', '['])
    {
        EditorLanguage::Yaml
    } else {
        EditorLanguage::Json
    };
    html! {
        <div class="editor practice-editor">
            <div class="editor-head"><span class="editor-label">{ props.label.clone() }</span></div>
            <div class="code" style={format!("--rows: {}", props.rows)}>
                <CodeEditor value={props.value.clone()} language={language} label={props.label.clone()}
                    test_id={AttrValue::from(field.test_id())} read_only={read_only}
                    diagnostics={props.diagnostics.clone()} dark={dark} on_change={on_change} />
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LineFieldProps {
    field: AnswerField,
    label: AttrValue,
    value: AttrValue,
    read_only: bool,
    #[prop_or_default]
    placeholder: AttrValue,
}

/// A one-line answer (an expression, a time zone, a state name).
#[function_component(LineField)]
fn line_field(props: &LineFieldProps) -> Html {
    let ctx = use_ctx();
    let field = props.field;
    let on_input = Callback::from(move |e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        ctx.dispatch(Action::Practice(PracticeAction::Edit(field, input.value())));
    });
    let id = field.test_id();
    html! {
        <div class="practice-line">
            <label for={id}>{ props.label.clone() }</label>
            <input id={id} data-testid={id} value={props.value.clone()} readonly={props.read_only}
                placeholder={props.placeholder.clone()} spellcheck="false" autocomplete="off" oninput={on_input} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct AnswerEditorsProps {
    pub exercise: Rc<Exercise>,
}

#[function_component(AnswerEditors)]
pub fn answer_editors(props: &AnswerEditorsProps) -> Html {
    let ctx = use_ctx();
    let practice = &ctx.state.practice;
    let exercise = &props.exercise;
    let shared = practice.shared_for(&exercise.id);
    let read_only = shared.is_some();
    let answer = shared
        .cloned()
        .unwrap_or_else(|| practice.answer_of(exercise));
    let diags: Vec<Diag> = practice
        .grade_for(&exercise.id)
        .map(|g| g.diagnostics.clone())
        .unwrap_or_default();
    let kind = exercise.kind;
    let code = |field: AnswerField, label: &str, rows: u32| {
        html! {
            <CodeField field={field} label={AttrValue::from(label.to_string())}
                value={AttrValue::from(field.get(&answer).to_string())} read_only={read_only} rows={rows}
                diagnostics={Rc::new(placed(&diags, kind, field))} />
        }
    };
    let line = |field: AnswerField, label: &str, placeholder: &str| {
        html! {
            <LineField field={field} label={AttrValue::from(label.to_string())}
                value={AttrValue::from(field.get(&answer).to_string())} read_only={read_only}
                placeholder={AttrValue::from(placeholder.to_string())} />
        }
    };
    // The optional parts of a workflow answer appear when the exercise uses them.
    let uses = |field: AnswerField| {
        !field.get(&exercise.starter).is_empty() || !field.get(&exercise.solution).is_empty()
    };
    let body = match kind {
        Some(ExerciseKind::Workflow) => html! {
            <>
                { code(AnswerField::Definition, "Your state machine (ASL, JSON or YAML)", 20) }
                if uses(AnswerField::Mocks) { { code(AnswerField::Mocks, "Your mock file (MockConfigFile)", 10) } }
                if uses(AnswerField::ExecutionType) { <ExecutionTypeField value={answer.execution_type.clone()} read_only={read_only} /> }
            </>
        },
        Some(ExerciseKind::Pattern) => code(AnswerField::Pattern, "Your event pattern (JSON)", 14),
        Some(ExerciseKind::Transformer) => html! {
            <>
                { code(AnswerField::InputPathsMap, "InputPathsMap (JSON, may be empty)", 8) }
                { code(AnswerField::InputTemplate, "InputTemplate", 8) }
            </>
        },
        Some(ExerciseKind::Schedule) => html! {
            <div class="practice-lines">
                { line(AnswerField::Expression, "Schedule expression", "cron(0 9 ? * MON-FRI *)") }
                { line(AnswerField::Timezone, "Time zone (IANA)", "Europe/Paris") }
            </div>
        },
        Some(ExerciseKind::Predict) => match exercise.context.predict {
            PredictTarget::NextState => line(
                AnswerField::Prediction,
                &format!("Your prediction: the state entered after \"{}\"", exercise.context.state),
                "a state name",
            ),
            PredictTarget::Output => code(AnswerField::Prediction, "Your prediction: the execution's output (JSON)", 10),
            PredictTarget::RetryIntervals => code(
                AnswerField::Prediction,
                &format!("Your prediction: the waits between the attempts of \"{}\", in seconds (JSON array)", exercise.context.state),
                5,
            ),
            PredictTarget::Outcome => code(
                AnswerField::Prediction,
                "Your prediction: {\"status\": …, \"error\": …} (JSON)",
                6,
            ),
        },
        Some(ExerciseKind::Choice) => html! { <ChoiceField exercise={exercise.clone()} value={answer.choice.clone()} read_only={read_only} /> },
        None => html! { <p class="error">{ "This exercise has no kind, so it cannot be answered." }</p> },
    };
    html! { <div class="practice-editors" data-testid="practice-editors">{ body }</div> }
}

#[derive(Properties, PartialEq)]
struct ExecutionTypeProps {
    value: String,
    read_only: bool,
}

#[function_component(ExecutionTypeField)]
fn execution_type_field(props: &ExecutionTypeProps) -> Html {
    let ctx = use_ctx();
    let on_change = Callback::from(move |e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        ctx.dispatch(Action::Practice(PracticeAction::Edit(
            AnswerField::ExecutionType,
            select.value(),
        )));
    });
    let id = AnswerField::ExecutionType.test_id();
    html! {
        <div class="practice-line">
            <label for={id}>{ "Execution type" }</label>
            <select id={id} data-testid={id} disabled={props.read_only} onchange={on_change}>
                <option value="STANDARD" selected={props.value != "EXPRESS"}>{ "Standard" }</option>
                <option value="EXPRESS" selected={props.value == "EXPRESS"}>{ "Express" }</option>
            </select>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ChoiceProps {
    exercise: Rc<Exercise>,
    value: String,
    read_only: bool,
}

/// The options of a Choice exercise as radio buttons; the choice is graded against each
/// option's documented facts, not against a letter.
#[function_component(ChoiceField)]
fn choice_field(props: &ChoiceProps) -> Html {
    let ctx = use_ctx();
    html! {
        <fieldset class="practice-choice" data-testid="practice-choice">
            <legend>{ "Your choice" }</legend>
            { for props.exercise.context.options.iter().map(|option| {
                let ctx = ctx.clone();
                let id = format!("choice-{}", option.id);
                let value = option.id.clone();
                let on_change = Callback::from(move |_: Event| {
                    ctx.dispatch(Action::Practice(PracticeAction::Edit(AnswerField::Choice, value.clone())));
                });
                html! {
                    <div class="practice-option">
                        <input type="radio" name="practice-choice" id={id.clone()} value={option.id.clone()}
                            data-testid={id.clone()} checked={props.value == option.id}
                            disabled={props.read_only} onchange={on_change} />
                        <label for={id}>{ &option.label }</label>
                    </div>
                }
            }) }
        </fieldset>
    }
}
