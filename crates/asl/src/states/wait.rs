//! Wait: Seconds/Timestamp (literal, path or JSONata) on the virtual clock.

use crate::clock;
use crate::engine::dataflow::*;
use crate::engine::jsonata::*;
use crate::engine::*;
use crate::error::StatesError;
use crate::expr::choice::parse_timestamp;
use crate::expr::jsonpath::Path;
use crate::expr::query::Query;
use crate::expr::size::Bound;
use crate::model::*;
use crate::source::push_pointer;
use crate::validate::fields::*;
use crate::validate::*;
use serde_json::{Map, Value};

impl<'a> Engine<'a> {
    pub(crate) fn run_wait(
        &mut self,
        st: &State,
        spec: &WaitSpec,
        raw: Value,
        rb: Bound,
        trace: &mut Trace,
    ) -> Flow<(Option<usize>, Value, Bound)> {
        let eff = match &st.input_path {
            IoPath::Identity => raw,
            p => select_cow(p, &raw, &self.context, "InputPath")?.into_owned(),
        };
        if self.inspecting() {
            trace.after_input_path = Some(eff.clone());
        }
        if let Some(a) = &st.assign {
            self.assigned = Some(self.path_assign(a, &eff)?);
        }
        let until = match spec {
            WaitSpec::Seconds(s) => clock::add_seconds(self.now, *s),
            WaitSpec::SecondsPath(p) => {
                let v = p.select(&eff, &self.context)?;
                clock::add_seconds(self.now, seconds_path_value(p.as_str(), &v)? as f64)
            }
            WaitSpec::Timestamp(t) => clock::parse_rfc3339(t).unwrap_or(self.now),
            WaitSpec::SecondsQuery(_) | WaitSpec::TimestampQuery(_) => {
                return Err(StatesError::runtime("A JSONata Wait field in a JSONPath state").into())
            }
            WaitSpec::TimestampPath(p) => {
                let v = p.select(&eff, &self.context)?;
                match v.as_str().and_then(|s| crate::expr::choice::parse_timestamp(s).map(|ns| (ns / 1_000_000) as i64)) {
                    Some(ms) => ms,
                    None => {
                        return Err(StatesError::runtime(format!(
                            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                            p.as_str(),
                            java_text(&v)
                        ))
                        .into())
                    }
                }
            }
        };
        if until > self.now {
            self.now = until;
            self.check_deadline()?;
        }
        let out = select_owned(&st.output_path, eff, &self.context, "OutputPath")?;
        let out_bound = selected_bound(&st.output_path, selected_bound(&st.input_path, rb));
        Ok((None, out, out_bound))
    }
}

/// The whole seconds a SecondsPath reads. AWS parses the value's text as a Java long, so
/// `1.5` and `-1.5` cannot be parsed and `-1` is refused as negative (issue 14, recorded from
/// AWS; "Wait state", https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html).
pub(crate) fn seconds_path_value(path: &str, v: &Value) -> Result<i64, StatesError> {
    let text = java_text(v);
    match text.parse::<i64>() {
        Ok(n) if n >= 0 && matches!(v, Value::Number(_) | Value::String(_)) => Ok(n),
        Ok(n) if n < 0 => Err(StatesError::runtime(format!(
            "The SecondsPath parameter references a negative value: {path} == {text}"
        ))),
        _ => Err(StatesError::runtime(format!(
            "The SecondsPath parameter cannot be parsed as a long value: {path} == {text}"
        ))),
    }
}

impl<'a> Engine<'a> {
    pub(crate) fn jsonata_wait_until(
        &mut self,
        st: &State,
        spec: &WaitSpec,
        raw: &Value,
        trace: &Trace,
    ) -> Result<i64, StatesError> {
        let query = match spec {
            WaitSpec::Seconds(s) => return Ok(clock::add_seconds(self.now, *s)),
            WaitSpec::Timestamp(t) => return Ok(clock::parse_rfc3339(t).unwrap_or(self.now)),
            WaitSpec::SecondsQuery(q) | WaitSpec::TimestampQuery(q) => q,
            WaitSpec::SecondsPath(_) | WaitSpec::TimestampPath(_) => {
                return Err(StatesError::runtime(
                    "A JSONPath Wait field in a JSONata state",
                ))
            }
        };
        let states = self.states_value(raw, None);
        let mut cx = self.query_cx(st, &states, trace.entered_id);
        if let WaitSpec::SecondsQuery(_) = spec {
            let n = query.evaluate_as(
                &mut cx,
                "Seconds",
                NON_NEGATIVE_INTEGER,
                non_negative_integer,
            )?;
            return Ok(clock::add_seconds(cx_now(&cx), n));
        }
        let v = query.evaluate(&mut cx)?;
        match v
            .as_str()
            .and_then(crate::expr::choice::parse_timestamp)
            .map(|ns| (ns / 1_000_000) as i64)
        {
            Some(ms) => Ok(ms),
            None => Err(cx.error(format!(
                "The JSONata expression specified for the field 'Timestamp' must give an ISO-8601 extended offset date-time string such as 2016-03-14T01:59:00Z, but gave {v}"
            ))),
        }
    }
}

#[derive(Debug)]
pub enum WaitSpec {
    Seconds(f64),
    SecondsPath(Path),
    Timestamp(String),
    TimestampPath(Path),
    /// JSONata `Seconds` / `Timestamp` expressions.
    SecondsQuery(Query),
    TimestampQuery(Query),
}

impl Validator<'_> {
    pub(crate) fn wait(&mut self, sp: &str, obj: &Map<String, Value>, lang: Lang) {
        let present: Vec<&str> = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]
            .into_iter()
            .filter(|k| obj.contains_key(*k))
            .collect();
        if present.len() != 1 {
            let msg = if present.is_empty() {
                "A Wait state needs exactly one of Seconds, SecondsPath, Timestamp or TimestampPath; add one.".to_string()
            } else {
                format!(
                    "There should only be one of the following fields: [{}]. Keep exactly one.",
                    present.join(", ")
                )
            };
            self.err(sp, msg);
        }
        if let Some(s) = obj.get("Seconds") {
            let p = push_pointer(sp, "Seconds");
            match (as_int(s), lang) {
                (Some(n), _) if n >= 0 => {}
                (Some(_), _) => self.err(&p, "Seconds must be 0 or more".into()),
                (None, Lang::Jsonata) if s.as_str().is_some_and(is_jsonata_expr) => {}
                (None, _) if is_substitution(s) => {}
                (None, _) => {
                    let hint = if s.as_str().is_some_and(|t| t.starts_with('$')) {
                        " (to read the wait from the input, use SecondsPath)"
                    } else {
                        ""
                    };
                    self.err(
                        &p,
                        format!(
                            "Seconds must be a whole number of seconds, not {}{hint}",
                            show(s)
                        ),
                    )
                }
            }
        }
        if let Some(t) = obj.get("Timestamp") {
            let p = push_pointer(sp, "Timestamp");
            match t {
                Value::String(s) if parse_timestamp(s).is_some() => {}
                Value::String(s) if lang == Lang::Jsonata && is_jsonata_expr(s) => {}
                other => self.err(
                    &p,
                    format!("Timestamp must be an RFC 3339 timestamp such as \"2016-03-14T01:59:00Z\", not {}", show(other)),
                ),
            }
        }
        for f in ["SecondsPath", "TimestampPath"] {
            if let Some(p) = obj.get(f) {
                self.path_field(sp, f, p, false, true);
            }
        }
    }
}
