//! JSON shown as text, with the lines that differ from a previous value highlighted.

use serde_json::Value;
use std::collections::HashSet;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct JsonViewProps {
    pub value: Value,
    /// The value to compare with; lines not found in it are marked as changed.
    #[prop_or_default]
    pub before: Option<Value>,
    #[prop_or_default]
    pub test_id: AttrValue,
}

/// The lines of `now` that `before` lacks: a cheap, readable stand-in for a tree diff of
/// pretty-printed JSON (a key whose value changed shows as its changed line).
pub fn changed_lines(before: &str, now: &str) -> Vec<bool> {
    let old: HashSet<&str> = before.lines().map(str::trim_end).collect();
    now.lines().map(|l| !old.contains(l.trim_end())).collect()
}

#[function_component(JsonView)]
pub fn json_view(props: &JsonViewProps) -> Html {
    let text = serde_json::to_string_pretty(&props.value).unwrap_or_default();
    let marks = match &props.before {
        Some(before) => changed_lines(
            &serde_json::to_string_pretty(before).unwrap_or_default(),
            &text,
        ),
        None => Vec::new(),
    };
    html! {
        <pre tabindex="0" class="json" data-testid={props.test_id.clone()}>
            { for text.lines().enumerate().map(|(i, line)| {
                let changed = marks.get(i).copied().unwrap_or(false);
                html! { <span class={classes!("line", changed.then_some("changed"))}>{ line }{ "\n" }</span> }
            }) }
        </pre>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_new_or_changed_lines_are_marked() {
        let before = "{\n  \"a\": 1,\n  \"b\": 2\n}";
        let now = "{\n  \"a\": 1,\n  \"b\": 3,\n  \"c\": 4\n}";
        assert_eq!(
            changed_lines(before, now),
            [false, false, true, true, false]
        );
    }
}
