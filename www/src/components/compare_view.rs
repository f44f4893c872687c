//! The current run against the pinned one: the first state where they differ and the
//! difference of its data.

use serde_json::Value;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    pub comparison: Value,
}

fn short(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".into(),
        Some(Value::String(text)) => text.clone(),
        Some(v) => {
            let text = v.to_string();
            if text.chars().count() > 80 {
                format!("{}…", text.chars().take(80).collect::<String>())
            } else {
                text
            }
        }
    }
}

#[function_component(CompareView)]
pub fn compare_view(props: &CompareProps) -> Html {
    let c = &props.comparison;
    if c.get("identical").and_then(Value::as_bool).unwrap_or(false) {
        return html! { <p class="compare same" data-testid="compare">{ "Same as the pinned run: every state and its data are identical." }</p> };
    }
    let first = c.get("firstDifference").filter(|f| !f.is_null());
    html! {
        <section class="compare" data-testid="compare" aria-label="Compared with the pinned run">
            <h4>{ "Compared with the pinned run" }</h4>
            if c.get("statusChanged").and_then(Value::as_bool).unwrap_or(false) {
                <p>{ format!("Status: {} → {}", short(c.get("statusA")), short(c.get("statusB"))) }</p>
            }
            if let Some(f) = first {
                <p data-testid="first-difference">
                    { format!("First difference ({}) at {} → {}{}",
                        f.get("kind").and_then(Value::as_str).unwrap_or(""),
                        f.get("nodeA").and_then(Value::as_str).unwrap_or("—"),
                        f.get("nodeB").and_then(Value::as_str).unwrap_or("—"),
                        f.get("stage").and_then(Value::as_str).map(|s| format!(", stage {s}")).unwrap_or_default()) }
                </p>
                <table class="diff">
                    <thead><tr><th>{ "Path" }</th><th>{ "Pinned" }</th><th>{ "Now" }</th></tr></thead>
                    <tbody>
                        { for f.get("diff").and_then(Value::as_array).into_iter().flatten().map(|d| html! {
                            <tr class={d.get("kind").and_then(Value::as_str).unwrap_or("").to_string()}>
                                <td><code>{ d.get("path").and_then(Value::as_str).unwrap_or("") }</code></td>
                                <td><code>{ short(d.get("before")) }</code></td>
                                <td><code>{ short(d.get("after")) }</code></td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}
