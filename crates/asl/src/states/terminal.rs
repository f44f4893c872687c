//! The terminal states Succeed and Fail.

use crate::engine::dataflow::*;
use crate::engine::*;
use crate::error::StatesError;
use crate::expr::intrinsics::Intrinsic;
use crate::expr::jsonpath::Path;
use crate::expr::query::Query;
use crate::expr::size::Bound;
use crate::expr::template::{compile_dynamic, Dynamic};
use crate::model::*;
use crate::source::push_pointer;
use crate::validate::fields::*;
use crate::validate::*;
use serde_json::{Map, Value};

impl<'a> Engine<'a> {
    pub(crate) fn run_succeed(
        &mut self,
        st: &State,
        raw: Value,
        rb: Bound,
        trace: &mut Trace,
    ) -> Flow<(Value, Bound)> {
        let eff = match &st.input_path {
            IoPath::Identity => raw,
            p => select_cow(p, &raw, &self.context, "InputPath")?.into_owned(),
        };
        if self.inspecting() {
            trace.after_input_path = Some(eff.clone());
        }
        let out = select_owned(&st.output_path, eff, &self.context, "OutputPath")?;
        let out_bound = selected_bound(&st.output_path, selected_bound(&st.input_path, rb));
        Ok((out, out_bound))
    }

    pub(crate) fn run_fail(
        &mut self,
        spec: &FailSpec,
        raw: &Value,
        entered_id: u64,
        st: &State,
    ) -> StatesError {
        let states = if st.jsonata {
            self.states_value(raw, None)
        } else {
            Value::Null
        };
        let mut get = |d: &Option<Dyn>, field: &str| -> Result<Option<String>, StatesError> {
            Ok(match d {
                None => None,
                Some(Dyn::Query(q)) => {
                    let what = if field == "ErrorPath" {
                        "Error"
                    } else {
                        "Cause"
                    };
                    let mut cx = self.query_cx(st, &states, entered_id);
                    Some(q.evaluate_as(&mut cx, what, "'string'", |v| match v {
                        Value::String(s) => Ok(s),
                        other => Err(other),
                    })?)
                }
                Some(Dyn::Literal(s)) => Some(s.clone()),
                Some(Dyn::Path(p)) => {
                    let v = p.select(raw, &self.context)?;
                    match v {
                        Value::String(s) => Some(s),
                        other => {
                            return Err(StatesError::runtime(format!(
                                "The {field} '{}' must resolve to a string, but it gives {other}",
                                p.as_str()
                            )))
                        }
                    }
                }
                Some(Dyn::Call(c)) => match c.evaluate(raw, &self.context, &mut self.rng)? {
                    Value::String(s) => Some(s),
                    other => Some(other.to_string()),
                },
            })
        };
        let error = match get(&spec.error, "ErrorPath") {
            Ok(e) => e,
            Err(e) => return e,
        };
        let cause = match get(&spec.cause, "CausePath") {
            Ok(c) => c,
            Err(e) => return e,
        };
        StatesError::new(error.unwrap_or_default(), cause.unwrap_or_default())
    }
}

#[derive(Debug)]
pub struct FailSpec {
    pub error: Option<Dyn>,
    pub cause: Option<Dyn>,
}

/// A Fail field given literally, by path, or (ErrorPath/CausePath) by an intrinsic.
#[derive(Debug)]
pub enum Dyn {
    Literal(String),
    Path(Path),
    Call(Box<Intrinsic>),
    Query(Query),
}

impl Validator<'_> {
    pub(crate) fn fail(&mut self, sp: &str, obj: &Map<String, Value>, lang: Lang) {
        for (lit, path) in [("Error", "ErrorPath"), ("Cause", "CausePath")] {
            if obj.contains_key(lit) && obj.contains_key(path) {
                self.err(
                    &push_pointer(sp, path),
                    format!("There should only be one of the following fields: [{lit}, {path}]. Keep one."),
                );
            }
            if let Some(v) = obj.get(lit) {
                match v {
                    Value::String(s) if lang == Lang::JsonPath && looks_dynamic(s) => self.warn(
                        "NO_PATH",
                        &push_pointer(sp, lit),
                        format!("The value of '{lit}' looks like a JSONPath or intrinsic function but is used as literal text. Use '{path}' to evaluate it."),
                    ),
                    Value::String(_) => {}
                    _ => self.err(
                        &push_pointer(sp, lit),
                        format!("{lit} must be a string, not {}", type_name(v)),
                    ),
                }
            }
            if let Some(v) = obj.get(path) {
                let p = push_pointer(sp, path);
                if lang == Lang::Jsonata {
                    continue;
                }
                match v {
                    // https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html:
                    // a path, or one of the intrinsics that return a string.
                    Value::String(s) => match compile_dynamic(s) {
                        Err(e) => self.err(
                            &p,
                            format!("{path} must be a JSONPath or an intrinsic function: {e}"),
                        ),
                        Ok(Dynamic::Call(c)) if !STRING_INTRINSICS.contains(&c.function().name()) => {
                            self.err(
                                &p,
                                format!(
                                    "{path} accepts only intrinsics that return a string ({}), not {}",
                                    STRING_INTRINSICS.join(", "),
                                    c.function().name()
                                ),
                            )
                        }
                        Ok(_) => {}
                    },
                    other => self.err(
                        &p,
                        format!("{path} must be a string, not {}", type_name(other)),
                    ),
                }
            }
        }
    }
}
