//! Pattern exercises: the learner's event pattern must match some events and not others.

use crate::verdict::{placed, Refusal, Verdict};
use serde_json::Value;
use stepbridge_events::Pattern;
use stepbridge_inspect::practice::{Answer, Case};

/// The pattern as EventBridge would accept it (PutRule's checks and messages), or its fault
/// placed in the pattern's text.
pub(crate) fn prepare(answer: &Answer) -> Result<Pattern, Refusal> {
    if answer.pattern.trim().is_empty() {
        return Err(Refusal::new("pattern", "The event pattern is empty"));
    }
    Pattern::parse(&answer.pattern).map_err(|e| {
        Refusal::at(
            "pattern",
            placed(
                &e.error,
                e.message,
                e.line as usize,
                e.column as usize,
                &e.pointer,
            ),
        )
    })
}

pub(crate) fn check(pattern: &Pattern, case: &Case) -> Verdict {
    let Some(event) = &case.event else {
        return Verdict::fail("this case has no event to test (an authoring fault)");
    };
    let want = case.matches.unwrap_or(true);
    let explanation = pattern.explain(event);
    let got = explanation.matched;
    let values = |v: Verdict| v.values(Some(Value::Bool(want)), Some(Value::Bool(got)));
    if got == want {
        let said = if got { "matches" } else { "does not match" };
        return values(Verdict::pass(format!(
            "the pattern {said} this event, as it should"
        )));
    }
    if got {
        // Everything the pattern asked was met: the sentence names the fields it looked at.
        let fields: Vec<&str> = explanation.fields.iter().map(|f| f.path.as_str()).collect();
        let looked = if fields.is_empty() {
            "it checks no field".to_string()
        } else {
            format!("every field it checks ({}) is met", fields.join(", "))
        };
        return values(Verdict::fail(format!(
            "the pattern matches this event but should not: {looked}"
        )));
    }
    let mut verdict = Verdict::fail("the pattern does not match this event but should");
    if let Some(failed) = &explanation.failed {
        let held = match failed.event_values.as_slice() {
            [] | [Value::Null] => "the event has no value there".to_string(),
            [one] => format!("the event holds {}", crate::verdict::show(one)),
            many => format!(
                "the event holds {}",
                crate::verdict::show(&Value::Array(many.to_vec()))
            ),
        };
        verdict = Verdict::fail(format!(
            "the pattern does not match this event but should: at {} it asks {} and {held}",
            failed.path,
            crate::verdict::show(&failed.conditions),
        ));
        verdict = verdict.pointer(dotted_to_pointer(&failed.path));
    }
    values(verdict)
}

/// `detail.state` to `/detail/state`.
fn dotted_to_pointer(path: &str) -> String {
    path.split('.')
        .map(|seg| format!("/{}", seg.replace('~', "~0").replace('/', "~1")))
        .collect()
}
