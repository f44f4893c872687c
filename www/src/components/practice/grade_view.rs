//! The engines' verdict, case by case: what passed, and for a failed case what differed
//! first (a state or a JSON pointer) with the expected and produced values of visible cases.

use super::super::json_view::JsonView;
use stepbridge_inspect::practice::{CaseGrade, Grade};
use yew::prelude::*;

/// The golf line: the learner's state transitions against the model solution's.
pub fn golf(yours: u64, model: u64) -> String {
    let verdict = match yours.cmp(&model) {
        std::cmp::Ordering::Less => format!("{} fewer than the model solution", model - yours),
        std::cmp::Ordering::Equal => "as few as the model solution".to_string(),
        std::cmp::Ordering::Greater => format!("{} more than the model solution", yours - model),
    };
    format!(
        "State transitions over all cases: yours {yours}, the model solution's {model} ({verdict}). Standard workflows are billed per transition."
    )
}

fn case_item(case: &CaseGrade) -> Html {
    let class = if case.passed { "pass" } else { "fail" };
    html! {
        <li class={classes!("practice-case", class)} data-testid="practice-case"
            data-passed={case.passed.to_string()} data-hidden={case.hidden.to_string()}>
            <div class="practice-case-head">
                <span class="mark" aria-hidden="true">{ if case.passed { "✓" } else { "✗" } }</span>
                <span class="sr-only">{ if case.passed { "Passed:" } else { "Failed:" } }</span>
                <strong>{ &case.name }</strong>
                if case.hidden { <span class="badge" data-testid="practice-case-hidden">{ "hidden" }</span> }
            </div>
            if !case.message.is_empty() {
                <p class="practice-case-message" data-testid="practice-case-message">{ &case.message }</p>
            }
            if !case.passed {
                if let Some(state) = &case.state {
                    <p class="practice-where">{ "First differing state: " }<code data-testid="practice-case-state">{ state }</code></p>
                }
                if let Some(pointer) = &case.pointer {
                    <p class="practice-where">{ "First differing field: " }<code data-testid="practice-case-pointer">{ if pointer.is_empty() { "(the whole value)" } else { pointer } }</code></p>
                }
                if case.expected.is_some() || case.actual.is_some() {
                    <div class="practice-compare">
                        <div>
                            <h5>{ "Expected" }</h5>
                            { case.expected.clone().map_or_else(|| html! { <p class="hint">{ "(nothing)" }</p> }, |v| html! { <JsonView value={v} test_id="practice-expected" /> }) }
                        </div>
                        <div>
                            <h5>{ "Your answer produced" }</h5>
                            { case.actual.clone().map_or_else(|| html! { <p class="hint">{ "(nothing)" }</p> }, |v| html! { <JsonView value={v} test_id="practice-actual" /> }) }
                        </div>
                    </div>
                }
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct GradeViewProps {
    pub grade: std::rc::Rc<Grade>,
}

#[function_component(GradeView)]
pub fn grade_view(props: &GradeViewProps) -> Html {
    let grade = &props.grade;
    let passed = grade.cases.iter().filter(|c| c.passed).count();
    let verdict = if !grade.diagnostics.is_empty() {
        "Your answer has problems to fix before the cases can run.".to_string()
    } else if grade.passed {
        format!("Solved: all {} cases pass.", grade.cases.len())
    } else {
        format!("{passed} of {} cases pass.", grade.cases.len())
    };
    html! {
        <section class="practice-grade" data-testid="practice-grade" data-passed={grade.passed.to_string()}
            aria-labelledby="practice-grade-title">
            <h3 id="practice-grade-title">{ "Result" }</h3>
            <p class={classes!("verdict", if grade.passed { "ok" } else { "bad" })} role="status" data-testid="practice-verdict">{ verdict }</p>
            if let (Some(yours), Some(model)) = (grade.transitions, grade.model_transitions) {
                <p class="practice-golf" data-testid="practice-golf">{ golf(yours, model) }</p>
            }
            if !grade.diagnostics.is_empty() {
                <ul class="diagnostics" data-testid="practice-diagnostics" aria-label="Problems in your answer">
                    { for grade.diagnostics.iter().map(|d| html! {
                        <li class={d.severity.clone()}>
                            <span>{ format!("{}:{}", d.line, d.column) }</span>
                            <span class="code">{ &d.code }</span>
                            <span>{ &d.message }</span>
                        </li>
                    }) }
                </ul>
            }
            <ol class="practice-case-list">
                { for grade.cases.iter().map(case_item) }
            </ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_golf_line_compares_with_the_model() {
        assert!(golf(7, 9).contains("2 fewer"));
        assert!(golf(9, 9).contains("as few as"));
        assert!(golf(12, 9).contains("yours 12, the model solution's 9 (3 more"));
    }
}
