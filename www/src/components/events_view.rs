//! The execution history as AWS shapes it: filterable by type and state, each event's
//! details expandable. Virtualised: only the rows in view exist in the page, and the
//! worker sends a window of events at a time, so 25,000 events scroll smoothly.

use super::json_view::JsonView;
use super::use_ctx;
use crate::state::{Action, Kind};
use serde_json::Value;
use stepbridge_inspect::protocol::{EventFilter, Request};
use yew::prelude::*;

const ROW_HEIGHT: f64 = 28.0;
const VIEWPORT_HEIGHT: f64 = 420.0;
/// Rows fetched per window; the view asks again when scrolling leaves it. Small enough that
/// parsing one window (events carry their details) stays a short task on the UI thread.
const WINDOW: usize = 120;
/// Rows rendered beyond the visible ones, so fast scrolling shows no gap.
const OVERSCAN: usize = 10;

/// The event types a filter offers (what the engine writes).
const TYPES: &[&str] = &[
    "ExecutionStarted",
    "ExecutionSucceeded",
    "ExecutionFailed",
    "ExecutionTimedOut",
    "TaskStateEntered",
    "TaskStateExited",
    "TaskScheduled",
    "TaskStarted",
    "TaskSucceeded",
    "TaskFailed",
    "TaskTimedOut",
    "TaskSubmitted",
    "PassStateEntered",
    "PassStateExited",
    "ChoiceStateEntered",
    "ChoiceStateExited",
    "WaitStateEntered",
    "WaitStateExited",
    "SucceedStateEntered",
    "SucceedStateExited",
    "FailStateEntered",
    "ParallelStateEntered",
    "ParallelStateStarted",
    "ParallelStateSucceeded",
    "ParallelStateFailed",
    "ParallelStateExited",
    "MapStateEntered",
    "MapStateStarted",
    "MapIterationStarted",
    "MapIterationSucceeded",
    "MapIterationFailed",
    "MapStateSucceeded",
    "MapStateFailed",
    "MapStateExited",
    "MapRunStarted",
    "MapRunSucceeded",
    "MapRunFailed",
];

fn state_of(event: &Value) -> String {
    ["stateEnteredEventDetails", "stateExitedEventDetails"]
        .iter()
        .find_map(|k| event.get(*k)?.get("name")?.as_str())
        .unwrap_or("")
        .to_string()
}

#[function_component(EventsView)]
pub fn events_view() -> Html {
    let ctx = use_ctx();
    let scroll_top = use_state(|| 0.0_f64);
    let selected = use_state(|| None::<Value>);
    let state = &ctx.state;
    let report = state.report.clone();
    let filter = state.events_filter.clone();
    let first = (*scroll_top / ROW_HEIGHT) as usize;
    let visible = (VIEWPORT_HEIGHT / ROW_HEIGHT) as usize + 1;
    let page = state.events.clone();
    let covered = page.as_ref().is_some_and(|p| {
        p.from <= first.saturating_sub(OVERSCAN)
            && (first + visible + OVERSCAN <= p.from + p.events.len()
                || p.from + p.events.len() >= p.total)
    });

    {
        let ctx = ctx.clone();
        let want = first.saturating_sub(WINDOW / 3);
        use_effect_with(
            (report.clone(), filter.clone(), covered, want),
            move |(report, filter, covered, want)| {
                if report.is_some() && !covered {
                    ctx.ask(
                        Kind::Events,
                        Request::Events {
                            from: *want,
                            count: WINDOW,
                            filter: filter.clone(),
                        },
                    );
                }
            },
        );
    }
    let Some(report) = report else {
        return html! {};
    };
    let total = page.as_ref().map_or(report.history_events, |p| p.total);
    let start_ms = page
        .as_ref()
        .and_then(|p| p.events.first())
        .and_then(|e| e.get("timestamp"))
        .and_then(Value::as_str)
        .and_then(parse_ms);

    let on_scroll = {
        let scroll_top = scroll_top.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::Element = e.target_unchecked_into();
            scroll_top.set(el.scroll_top() as f64);
        })
    };
    let on_type = {
        let ctx = ctx.clone();
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let value = select.value();
            ctx.dispatch(Action::FilterEvents(EventFilter {
                types: if value.is_empty() {
                    Vec::new()
                } else {
                    vec![value]
                },
                state: filter.state.clone(),
            }));
        })
    };
    let on_state = {
        let ctx = ctx.clone();
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            ctx.dispatch(Action::FilterEvents(EventFilter {
                types: filter.types.clone(),
                state: select.value(),
            }));
        })
    };
    let lo = first.saturating_sub(OVERSCAN);
    let hi = first + visible + OVERSCAN;
    let rows = page.as_ref().map(|p| {
        p.events
            .iter()
            .enumerate()
            .map(|(i, e)| (p.from + i, e))
            .filter(|(i, _)| *i >= lo && *i < hi)
            .map(|(i, event)| {
                let selected = selected.clone();
                let event_clone = event.clone();
                let is_selected = selected.as_ref() == Some(event);
                let ts = event.get("timestamp").and_then(Value::as_str).unwrap_or("");
                let elapsed = match (parse_ms(ts), start_ms) {
                    (Some(t), Some(s)) => format!("{} ms", t - s),
                    _ => String::new(),
                };
                html! {
                    <div class={classes!("event-row", is_selected.then_some("selected"))} role="row"
                        style={format!("top: {}px", i as f64 * ROW_HEIGHT)} tabindex="0"
                        aria-selected={is_selected.to_string()}
                        onclick={move |_| selected.set(Some(event_clone.clone()))}>
                        <span role="cell" class="id">{ event.get("id").map(|v| v.to_string()).unwrap_or_default() }</span>
                        <span role="cell" class="type">{ event.get("type").and_then(Value::as_str).unwrap_or("") }</span>
                        <span role="cell" class="state">{ state_of(event) }</span>
                        <span role="cell" class="elapsed">{ elapsed }</span>
                        <span role="cell" class="ts">{ ts }</span>
                    </div>
                }
            })
            .collect::<Html>()
    });

    html! {
        <div class="events-view" data-testid="events-view">
            <div class="filters">
                <label>{ "Type " }
                    <select data-testid="events-type" onchange={on_type}>
                        <option value="" selected={filter.types.is_empty()}>{ "All types" }</option>
                        { for TYPES.iter().map(|t| html! { <option value={*t} selected={filter.types.iter().any(|f| f == t)}>{ *t }</option> }) }
                    </select>
                </label>
                <label>{ "State " }
                    <select data-testid="events-state" onchange={on_state}>
                        <option value="" selected={filter.state.is_empty()}>{ "All states" }</option>
                        { for state.state_names.iter().map(|s| html! { <option value={s.clone()} selected={filter.state == *s}>{ s }</option> }) }
                    </select>
                </label>
                <span class="hint" data-testid="events-total">{ format!("{total} events") }</span>
            </div>
            <div role="table" aria-label="Execution history" aria-rowcount={total.to_string()}>
            <div class="events-head" role="row">
                <span role="columnheader" class="id">{ "ID" }</span><span role="columnheader" class="type">{ "Type" }</span>
                <span role="columnheader" class="state">{ "Step" }</span><span role="columnheader" class="elapsed">{ "Elapsed" }</span><span role="columnheader" class="ts">{ "Timestamp" }</span>
            </div>
            <div class="events-scroll" role="rowgroup" tabindex="0" aria-label="History events, scrollable"
                data-testid="events-scroll" onscroll={on_scroll} style={format!("height: {VIEWPORT_HEIGHT}px")}>
                <div class="events-spacer" style={format!("height: {}px", total as f64 * ROW_HEIGHT)}>
                    { rows.unwrap_or_default() }
                </div>
            </div>
            </div>
            if let Some(event) = (*selected).clone() {
                <div class="event-detail" data-testid="event-detail">
                    <h4>{ format!("Event {}", event.get("id").map(|v| v.to_string()).unwrap_or_default()) }</h4>
                    <JsonView value={event} />
                </div>
            }
        </div>
    }
}

/// Milliseconds of an RFC 3339 UTC timestamp as the engine writes them
/// (`2024-01-01T00:00:01.500Z`), relative to the epoch of its day count.
fn parse_ms(ts: &str) -> Option<i64> {
    let (date, time) = ts.trim_end_matches('Z').split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>());
    let (y, m, day) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let mut t = hms.split(':').map(|p| p.parse::<i64>());
    let (h, mi, s) = (t.next()?.ok()?, t.next()?.ok()?, t.next()?.ok()?);
    let ms: i64 = format!("{frac:0<3}").get(..3)?.parse().ok()?;
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms)
}

#[cfg(test)]
mod tests {
    use super::parse_ms;

    #[test]
    fn timestamps_become_milliseconds() {
        assert_eq!(parse_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_ms("1970-01-02T00:00:01.5Z"), Some(86_401_500));
        assert_eq!(
            parse_ms("2024-01-01T00:00:06.250Z").unwrap()
                - parse_ms("2024-01-01T00:00:00Z").unwrap(),
            6_250
        );
        assert_eq!(parse_ms("garbage"), None);
    }
}
