use crate::state::TestView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PatternPanelProps {
    pub test: Option<TestView>,
}

#[function_component(PatternPanel)]
pub fn pattern_panel(props: &PatternPanelProps) -> Html {
    match &props.test {
        None => {
            html! { <p class="hint">{ "Press Test to match the event against the pattern." }</p> }
        }
        Some(TestView::Invalid(message)) => html! {
            <div class="result error" role="alert" data-testid="pattern-result">{ message }</div>
        },
        Some(TestView::Matched(matched, explanation)) => html! {
            <div class="result">
                <p data-testid="pattern-result" class={classes!("status", if *matched { "succeeded" } else { "failed" })}>
                    { if *matched { "match" } else { "no match" } }
                </p>
                <pre class="explanation">{ explanation }</pre>
            </div>
        },
    }
}
