//! The JSONata glue: `$states`, Arguments/Output/Assign evaluation and the JSONata forms of
//! the states (QueryLanguage "JSONata").

use crate::engine::dataflow::*;
use crate::engine::*;
use crate::error::StatesError;
use crate::expr::query::{self, Query, QueryCx};
use crate::expr::size::{Bound, UNKNOWN};
use crate::states::choice::*;
use crate::validate::*;
use serde_json::{json, Map, Value};
use std::borrow::Cow;

impl<'a> Engine<'a> {
    /// The reserved `$states` variable: the state's input, the context object and, where
    /// they exist, `result` or `errorOutput`.
    pub(crate) fn states_value(&self, input: &Value, extra: Option<(&str, &Value)>) -> Value {
        let mut m = Map::new();
        m.insert("input".into(), input.clone());
        m.insert("context".into(), self.context.clone());
        if let Some((k, v)) = extra {
            m.insert(k.into(), v.clone());
        }
        Value::Object(m)
    }

    /// Evaluation of `st`'s JSONata fields on the run's clock and random source; causes
    /// name the state and its StateEntered event.
    pub(crate) fn query_cx<'s>(
        &'s mut self,
        st: &'s State,
        states: &Value,
        entered_id: u64,
    ) -> QueryCx<'s> {
        let mut cx = QueryCx::new(self.now as f64, &mut self.rng, &st.name, entered_id);
        cx.set_states(states);
        cx
    }

    /// AWS's EvaluationFailed event for a JSONata evaluation failure of this state's own
    /// fields (an error passing up from a Map iteration or Parallel branch was reported
    /// there). The field named in the cause is the event's `location`.
    /// <https://docs.aws.amazon.com/step-functions/latest/apireference/API_EvaluationFailedEventDetails.html>
    pub(crate) fn eval_failed(
        &mut self,
        st: &State,
        entered_id: u64,
        e: &StatesError,
    ) -> Result<(), Stop> {
        if !st.jsonata || e.error != crate::expr::query::QUERY_ERROR {
            return Ok(());
        }
        let own = query::cause_prefix(&st.name, entered_id);
        if !e.cause.starts_with(&own) {
            return Ok(());
        }
        let location = e
            .cause
            .split_once("for the field '")
            .and_then(|(_, rest)| rest.split_once('\''))
            .map(|(field, _)| field)
            .unwrap_or("");
        let name = &st.name;
        self.event_with("EvaluationFailed", || {
            (
                "evaluationFailedEventDetails",
                json!({"error": e.error, "cause": e.cause, "location": location, "state": name}),
            )
        })
    }

    /// A JSONPath Assign evaluated against `value` (keys ending in `.$` read it, or a
    /// variable, or call an intrinsic).
    pub(crate) fn path_assign(
        &mut self,
        a: &Assign,
        value: &Value,
    ) -> Result<Map<String, Value>, StatesError> {
        match a {
            Assign::Path(t) => match t.evaluate(value, &self.context, &mut self.rng)? {
                Value::Object(m) => Ok(m),
                other => Err(StatesError::runtime(format!(
                    "Assign must give an object of variables, not {}",
                    type_name(&other)
                ))),
            },
            Assign::Query(_) => Err(StatesError::runtime("A JSONata Assign in a JSONPath state")),
        }
    }

    /// A number field given literally, by a `...Path` (JSONPath) or by an expression
    /// (JSONata), read against the state's raw input.
    #[inline]
    pub(crate) fn amount_of(
        &mut self,
        st: &State,
        a: &Option<Amount>,
        raw: &Value,
        (field, path_field): (&str, &str),
        entered_id: u64,
    ) -> Result<Option<f64>, StatesError> {
        match a {
            None => Ok(None),
            Some(Amount::Fixed(n)) => Ok(Some(*n)),
            Some(Amount::Query(q)) => self.query_amount(st, q, raw, field, entered_id),
            Some(Amount::Path(_)) => amount(a, raw, &self.context, path_field),
        }
    }

    #[inline(never)]
    pub(crate) fn query_amount(
        &mut self,
        st: &State,
        q: &Query,
        raw: &Value,
        field: &str,
        entered_id: u64,
    ) -> Result<Option<f64>, StatesError> {
        let states = self.states_value(raw, None);
        let mut cx = self.query_cx(st, &states, entered_id);
        q.evaluate_as(&mut cx, field, NON_NEGATIVE_INTEGER, non_negative_integer)
            .map(Some)
    }

    /// A JSONata state's output (Output, or `default`) and Assign, both evaluated against
    /// the variables as they were when the state was entered.
    pub(crate) fn jsonata_output(
        &mut self,
        st: &State,
        raw: &Value,
        extra: Option<(&str, &Value)>,
        default: Value,
        trace: &Trace,
    ) -> Result<(Option<usize>, Value, Bound), StatesError> {
        let states = self.states_value(raw, extra);
        let mut cx = self.query_cx(st, &states, trace.entered_id);
        let (out, assigned) =
            output_and_assign(&mut cx, st.output.as_ref(), st.assign.as_deref(), default)?;
        let bound = check_size(self.payload_limit, &out, UNKNOWN, "output", &st.name)?;
        self.assigned = assigned;
        Ok((None, out, bound))
    }

    /// Pass, Succeed, Wait, Choice and Fail in JSONata; Task, Parallel and Map go through
    /// Retry/Catch as in JSONPath.
    pub(crate) fn run_jsonata(
        &mut self,
        st: &State,
        raw: Value,
        rb: Bound,
        depth: usize,
        trace: &mut Trace,
    ) -> Flow<(Option<usize>, Value, Bound)> {
        match &st.kind {
            Kind::Task(_) | Kind::Parallel { .. } | Kind::Map(_) => {
                self.run_with_retry(st, raw, rb, depth, trace)
            }
            Kind::Fail(spec) => Err(Stop::Error(self.run_fail(spec, &raw, trace.entered_id, st))),
            Kind::Pass { result } => {
                let default = result.clone().unwrap_or_else(|| raw.clone());
                Ok(self.jsonata_output(st, &raw, None, default, trace)?)
            }
            Kind::Succeed => Ok(self.jsonata_output(st, &raw, None, raw.clone(), trace)?),
            Kind::Wait(spec) => {
                let until = self.jsonata_wait_until(st, spec, &raw, trace)?;
                if until > self.now {
                    self.now = until;
                    self.check_deadline()?;
                }
                Ok(self.jsonata_output(st, &raw, None, raw.clone(), trace)?)
            }
            Kind::Choice { choices, default } => {
                let states = self.states_value(&raw, None);
                let mut cx = self.query_cx(st, &states, trace.entered_id);
                let mut matched = None;
                for c in choices {
                    let Cond::Query(q) = &c.cond else { continue };
                    let holds = q.evaluate_as(&mut cx, "Condition", "'boolean'", |v| match v {
                        Value::Bool(b) => Ok(b),
                        other => Err(other),
                    })?;
                    if holds {
                        matched = Some(c);
                        break;
                    }
                }
                // The matched rule's Output/Assign, or the state's when Default is taken.
                let (next, output, assign) = match (matched, default) {
                    (Some(c), _) => (c.next, c.output.as_ref(), c.assign.as_deref()),
                    (None, Some(d)) => (*d, st.output.as_ref(), st.assign.as_deref()),
                    (None, None) => return Err(no_choice_matched(st).into()),
                };
                let (out, assigned) = output_and_assign(&mut cx, output, assign, raw)?;
                if assigned.is_some() {
                    self.assigned = assigned;
                }
                let bound = check_size(self.payload_limit, &out, UNKNOWN, "output", &st.name)?;
                Ok((Some(next), out, bound))
            }
        }
    }
}

impl<'a> Engine<'a> {
    /// One attempt of a JSONata Task/Parallel/Map: Arguments, then the work; the raw
    /// result is `$states.result`.
    pub(crate) fn attempt_jsonata(
        &mut self,
        st: &State,
        raw: &Value,
        rb: Bound,
        depth: usize,
        trace: &mut Trace,
    ) -> Flow<(Value, Bound)> {
        let token = self.issue_token(st);
        let args = match (&st.arguments, &st.kind) {
            (Some(q), Kind::Task(_) | Kind::Parallel { .. }) => {
                Some(self.eval_query(st, q, raw, trace.entered_id))
            }
            _ => None,
        };
        self.withdraw_token(st, &token);
        let (params, params_bound) = match args {
            Some(v) => {
                let v = v?;
                let b = check_size(
                    self.payload_limit,
                    &v,
                    UNKNOWN,
                    "input after Arguments",
                    &st.name,
                )?;
                if self.inspecting() {
                    trace.after_arguments = Some(v.clone());
                }
                (Cow::Owned(v), b)
            }
            None => (Cow::Borrowed(raw), rb),
        };
        let result = match &st.kind {
            Kind::Task(spec) => self.invoke(st, spec, params, params_bound, raw, token, trace)?,
            Kind::Parallel { branches } => {
                self.run_parallel(branches, params, params_bound, depth)?
            }
            Kind::Map(spec) => {
                self.run_map(st, spec, params, params_bound, raw, depth, trace.entered_id)?
            }
            _ => (params.into_owned(), params_bound),
        };
        if self.inspecting() {
            trace.result = Some(result.0.clone());
        }
        Ok(result)
    }

    /// A JSONata field whose `$states` is the state's input and context (Task and Parallel
    /// Arguments; ItemReader and ResultWriter Arguments and ItemBatcher BatchInput, below
    /// a Map's top level). A literal skips building `$states`.
    #[inline(never)]
    pub(crate) fn eval_query(
        &mut self,
        st: &State,
        q: &Query,
        raw: &Value,
        entered_id: u64,
    ) -> Result<Value, StatesError> {
        if let Some(v) = q.literal() {
            return Ok(v.clone());
        }
        let states = self.states_value(raw, None);
        let mut cx = self.query_cx(st, &states, entered_id);
        q.evaluate(&mut cx)
    }

    /// [`Engine::eval_query`] for the Map fields that must give an object.
    pub(crate) fn map_object(
        &mut self,
        st: &State,
        q: &Query,
        raw: &Value,
        entered_id: u64,
        field: &str,
    ) -> Result<Value, StatesError> {
        match self.eval_query(st, q, raw, entered_id)? {
            v @ Value::Object(_) => Ok(v),
            other => Err(query::type_error(
                &st.name,
                entered_id,
                q.source(),
                field,
                "'object'",
                &other,
            )),
        }
    }
}

/// A JSONata state's Output (else `default`) and Assign, or those of the Choice rule or
/// catcher that replaces them: both read the same `$states` and the variables as they were
/// when the state was entered.
pub(crate) fn output_and_assign(
    cx: &mut QueryCx,
    output: Option<&Query>,
    assign: Option<&Assign>,
    default: Value,
) -> Result<(Value, Option<Map<String, Value>>), StatesError> {
    let out = match output {
        Some(q) => q.evaluate(cx)?,
        None => default,
    };
    let assigned = match assign {
        Some(Assign::Query(q)) => Some(q.evaluate_object(cx)?),
        _ => None,
    };
    Ok((out, assigned))
}

pub(crate) fn cx_now(cx: &QueryCx) -> i64 {
    cx.now_ms as i64
}

/// How AWS words the type of Wait Seconds and of the Task, Map and ItemBatcher amounts.
pub(crate) const NON_NEGATIVE_INTEGER: &str = "a non-negative integer";

pub(crate) fn non_negative_integer(v: Value) -> Result<f64, Value> {
    match v.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(n),
        _ => Err(v),
    }
}
