//! Transformer exercises: the learner's InputPathsMap and InputTemplate must turn each event
//! into the given target input.

use crate::verdict::{placed, show, Refusal, Verdict};
use serde_json::{json, Value};
use stepbridge_bus::transform::preview;
use stepbridge_inspect::compare::first_value_difference;
use stepbridge_inspect::practice::{Answer, Case, Context};

pub(crate) struct Prepared {
    paths_map: String,
    template: String,
    rule_name: String,
}

/// The transformer as PutTargets would accept it, checked on an empty event so that a fault
/// is placed once in its editor rather than once per case.
pub(crate) fn prepare(context: &Context, answer: &Answer) -> Result<Prepared, Refusal> {
    if answer.input_template.trim().is_empty() {
        return Err(Refusal::new("inputTemplate", "The InputTemplate is empty"));
    }
    let prepared = Prepared {
        paths_map: answer.input_paths_map.clone(),
        template: answer.input_template.clone(),
        rule_name: context.rule_name.clone(),
    };
    prepared.apply(&json!({})).map_err(|r| *r)?;
    Ok(prepared)
}

impl Prepared {
    fn apply(&self, event: &Value) -> Result<String, Box<Refusal>> {
        preview(&self.paths_map, &self.template, event, &self.rule_name)
            .map(|(text, _)| text)
            .map_err(|f| {
                let field = if f.editor == "pathsMap" {
                    "inputPathsMap"
                } else {
                    "inputTemplate"
                };
                Box::new(Refusal::at(
                    field,
                    placed("InvalidInputTransformer", f.message, f.line, f.column, ""),
                ))
            })
    }
}

pub(crate) fn check(p: &Prepared, case: &Case) -> Verdict {
    let (Some(event), Some(want)) = (&case.event, &case.expect.target_input) else {
        return Verdict::fail("this case needs an event and a target input (an authoring fault)");
    };
    let text = match p.apply(event) {
        Ok(text) => text,
        Err(refusal) => {
            let why = refusal
                .diagnostics
                .first()
                .map_or("", |d| d.message.as_str());
            return Verdict::fail(format!("the transformer was refused: {why}"));
        }
    };
    // A JSON template's output is compared as JSON; a text template's as the text itself.
    let got = serde_json::from_str::<Value>(&text).unwrap_or_else(|_| Value::String(text.clone()));
    if Some(text.as_str()) == want.as_str() {
        return Verdict::pass("the target receives the expected text")
            .values(Some(want.clone()), Some(Value::String(text)));
    }
    match first_value_difference(want, &got) {
        None => Verdict::pass(format!("the target receives {}", show(&got)))
            .values(Some(want.clone()), Some(got)),
        Some(d) => Verdict::differs("the target input", d),
    }
}
