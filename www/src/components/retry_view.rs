//! Retry and Catch: each attempt with its error, the retrier that matched and the back-off
//! on the virtual clock, then the catcher that took the error.

use serde_json::Value;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RetryTimelineProps {
    pub retry: Value,
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

#[function_component(RetryTimeline)]
pub fn retry_timeline(props: &RetryTimelineProps) -> Html {
    let attempts = props
        .retry
        .get("attempts")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let catcher = props.retry.get("catcher").filter(|c| !c.is_null()).cloned();
    html! {
        <section class="retry-timeline" data-testid="retry-timeline" aria-label="Retries and catch">
            <h4>{ "Retry and Catch" }</h4>
            <ol>
                { for attempts.iter().map(|a| {
                    let retrier = a.get("retrierIndex").and_then(Value::as_u64);
                    let interval = num(a, "intervalSeconds");
                    let nominal = num(a, "nominalIntervalSeconds");
                    html! {
                        <li class="attempt">
                            <span class="when">{ format!("+{:.1} s", num(a, "startMs").unwrap_or(0.0) / 1000.0) }</span>
                            { format!(" attempt {} ", a.get("attempt").and_then(Value::as_u64).unwrap_or(0)) }
                            if let Some(e) = a.get("error").and_then(Value::as_str) {
                                <strong class="error">{ e }</strong>
                                { format!(" {}", a.get("cause").and_then(Value::as_str).unwrap_or("")) }
                            } else {
                                <span class="ok">{ "succeeded" }</span>
                            }
                            if let Some(r) = retrier {
                                <span class="retrier">
                                    { format!(" → Retry[{r}]") }
                                    if let Some(i) = interval { { format!(", waited {i:.2} s") } }
                                    if let Some(n) = nominal { { format!(" (back-off {n:.2} s") } }
                                    if let Some(m) = num(a, "maxDelaySeconds") { { format!(", MaxDelaySeconds {m}") } }
                                    if let Some(j) = a.get("jitter").and_then(Value::as_str) { { format!(", jitter {j}") } }
                                    if nominal.is_some() { { ")" } }
                                </span>
                            }
                        </li>
                    }
                }) }
            </ol>
            if let Some(c) = catcher {
                <p class="catcher" data-testid="catcher">
                    { format!("Caught by Catch[{}] on {} → {}",
                        c.get("index").and_then(Value::as_u64).unwrap_or(0),
                        c.get("errorEquals").map(|e| e.to_string()).unwrap_or_default(),
                        c.get("next").and_then(Value::as_str).unwrap_or("")) }
                </p>
            }
        </section>
    }
}
