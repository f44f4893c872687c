//! Retry and Catch: the retriers and catchers of Task, Parallel and Map states, from their
//! model and static checks to the attempt loop that applies them.

use crate::engine::dataflow::*;
use crate::engine::jsonata::*;
use crate::engine::*;
use crate::expr::jsonpath::result_path_applies;
use crate::expr::query::Query;
use crate::expr::size::{fits, measure, Bound, UNKNOWN};
use crate::source::push_pointer;
use crate::states::task::*;
use crate::validate::fields::*;
use crate::validate::*;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;

/// Does an ErrorEquals list match this error? States.ALL matches everything but
/// States.Runtime, and States.Runtime is never retried or caught ("Error names",
/// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
/// That page also calls States.DataLimitExceeded uncatchable by States.ALL, but AWS catches
/// a task result over the payload quota with a States.ALL catcher (issue 14, recorded from
/// AWS), so States.ALL matches it here.
/// States.TaskFailed matches any error but States.Timeout; States.Timeout also matches a
/// heartbeat timeout.
pub fn error_matches(list: &[String], error: &str) -> bool {
    if error == "States.Runtime" {
        return false;
    }
    list.iter().any(|n| {
        n == error
            || n == "States.ALL"
            || (n == "States.TaskFailed"
                && !matches!(
                    error,
                    "States.Timeout" | "States.HeartbeatTimeout" | "States.DataLimitExceeded"
                ))
            || (n == "States.Timeout" && error == "States.HeartbeatTimeout")
    })
}

impl<'a> Engine<'a> {
    /// Task, Parallel and Map: attempts under Retry, then Catch.
    pub(crate) fn run_with_retry(
        &mut self,
        st: &State,
        mut raw: Value,
        rb: Bound,
        depth: usize,
        trace: &mut Trace,
    ) -> Flow<(Option<usize>, Value, Bound)> {
        // Attempts per retrier; most states have a few, kept off the heap.
        let mut few = [0u64; 4];
        let mut many = Vec::new();
        let attempts: &mut [u64] = if st.retry.len() <= few.len() {
            &mut few[..st.retry.len()]
        } else {
            many.resize(st.retry.len(), 0);
            &mut many
        };
        let mut retry_count = 0u64;
        let outcome = loop {
            self.set_state_context(&st.name, retry_count);
            // A task whose input nothing reads afterwards (no Retry/Catch, result replaces the
            // input, no InputPath, no timeout paths) takes the input by move: an echoing
            // task then costs no copy.
            let owned =
                (retry_count == 0 && takes_input_by_move(st)).then(|| std::mem::take(&mut raw));
            match self.attempt(st, &raw, rb, owned, depth, trace) {
                Ok(result) => break Ok(result),
                Err(Stop::Error(e)) => {
                    self.eval_failed(st, trace.entered_id, &e)?;
                    let retrier = st
                        .retry
                        .iter()
                        .position(|r| error_matches(&r.error_equals, &e.error));
                    if let Some(i) = retrier {
                        let r = &st.retry[i];
                        if attempts[i] < r.max_attempts {
                            let mut delay =
                                r.interval_seconds * r.backoff_rate.powf(attempts[i] as f64);
                            if let Some(max) = r.max_delay_seconds {
                                delay = delay.min(max);
                            }
                            if r.jitter_full {
                                delay *= self.rng.next_f64();
                            }
                            attempts[i] += 1;
                            retry_count += 1;
                            self.advance(delay)?;
                            continue;
                        }
                    }
                    break Err(e);
                }
                Err(other) => return Err(other),
            }
        };
        trace.retries = retry_count;
        let failure = match outcome {
            Ok((result, _)) if st.jsonata => {
                match self.jsonata_output(
                    st,
                    &raw,
                    Some(("result", &result)),
                    result.clone(),
                    trace,
                ) {
                    Ok(done) => return Ok(done),
                    Err(e) => {
                        self.eval_failed(st, trace.entered_id, &e)?;
                        e
                    }
                }
            }
            Ok((result, result_bound)) => match match &st.assign {
                // JSONPath Assign reads the result after ResultSelector.
                Some(a) => self.path_assign(a, &result).map(Some),
                None => Ok(None),
            } {
                Err(e) => e,
                Ok(assigned) => {
                    // ResultPath can fail (States.ResultPathMatchFailure, catchable), and so
                    // can the output's size (States.DataLimitExceeded, caught by States.ALL as
                    // an oversized result is): keep the input for the catcher only when one
                    // of them can happen and a catcher would take it.
                    let out_bound = selected_bound(
                        &st.output_path,
                        merged_bound(&st.result_path, rb, result_bound),
                    );
                    let keep = match &st.result_path {
                        _ if st.catch.is_empty() => None,
                        ResultPath::Path(p) if !result_path_applies(&raw, p) => Some(raw.clone()),
                        _ if !fits(out_bound, self.payload_limit)
                            && st.catch.iter().any(|c| {
                                error_matches(&c.error_equals, "States.DataLimitExceeded")
                            }) =>
                        {
                            Some(raw.clone())
                        }
                        _ => None,
                    };
                    let merged = apply_result(raw, &st.result_path, result).and_then(|out| {
                        if self.inspecting() {
                            trace.after_result_path = Some(out.clone());
                        }
                        select_owned(&st.output_path, out, &self.context, "OutputPath")
                    });
                    match merged {
                        Ok(out) => {
                            match check_size(
                                self.payload_limit,
                                &out,
                                out_bound,
                                "output",
                                &st.name,
                            ) {
                                Ok(out_bound) => {
                                    self.assigned = assigned;
                                    return Ok((None, out, out_bound));
                                }
                                Err(e) => match keep {
                                    Some(k) => {
                                        raw = k;
                                        e
                                    }
                                    None => return Err(Stop::Error(e)),
                                },
                            }
                        }
                        Err(e) => match keep {
                            Some(k) => {
                                raw = k;
                                e
                            }
                            None => return Err(Stop::Error(e)),
                        },
                    }
                }
            },
            Err(e) => e,
        };
        self.assigned = None;
        if let Some(c) = st
            .catch
            .iter()
            .find(|c| error_matches(&c.error_equals, &failure.error))
        {
            let err = json!({"Error": failure.error, "Cause": failure.cause});
            if st.jsonata {
                // The catcher's Output (default: the error output) and Assign read
                // `$states.errorOutput`.
                let states = self.states_value(&raw, Some(("errorOutput", &err)));
                let mut cx = self.query_cx(st, &states, trace.entered_id);
                let evaluated =
                    output_and_assign(&mut cx, c.output.as_ref(), c.assign.as_deref(), err);
                let (out, assigned) = match evaluated {
                    Ok(v) => v,
                    Err(e) => {
                        self.eval_failed(st, trace.entered_id, &e)?;
                        return Err(e.into());
                    }
                };
                self.assigned = assigned;
                let out_bound = check_size(self.payload_limit, &out, UNKNOWN, "output", &st.name)?;
                trace.error = Some(failure);
                return Ok((Some(c.next), out, out_bound));
            }
            if let Some(a) = &c.assign {
                // JSONPath: the catcher's Assign reads the error output.
                self.assigned = Some(self.path_assign(a, &err)?);
            }
            let err_bound = measure(&err, self.payload_limit);
            let out = apply_result(raw, &c.result_path, err)?;
            let out_bound = merged_bound(&c.result_path, rb, err_bound);
            let out_bound = check_size(self.payload_limit, &out, out_bound, "output", &st.name)?;
            trace.error = Some(failure);
            return Ok((Some(c.next), out, out_bound));
        }
        Err(Stop::Error(failure))
    }

    /// One attempt of a Task/Parallel/Map: the result after ResultSelector.
    pub(crate) fn attempt(
        &mut self,
        st: &State,
        raw: &Value,
        rb: Bound,
        owned: Option<Value>,
        depth: usize,
        trace: &mut Trace,
    ) -> Flow<(Value, Bound)> {
        if st.jsonata {
            return self.attempt_jsonata(st, raw, rb, depth, trace);
        }
        let record = self.inspecting();
        let limit = self.payload_limit;
        let token = self.issue_token(st);
        let (eff, eff_bound) = match owned {
            Some(v) => (Cow::Owned(v), rb),
            None => (
                select_cow(&st.input_path, raw, &self.context, "InputPath")?,
                selected_bound(&st.input_path, rb),
            ),
        };
        if record {
            trace.after_input_path = Some(eff.as_ref().clone());
        }
        let (params, mut params_bound): (Cow<Value>, Bound) = match (&st.parameters, &st.kind) {
            (Some(t), Kind::Task(_) | Kind::Parallel { .. }) => {
                let (v, b) =
                    t.evaluate_sized(&eff, eff_bound, &self.context, &mut self.rng, limit)?;
                (Cow::Owned(v), b)
            }
            _ => (eff, eff_bound),
        };
        self.withdraw_token(st, &token);
        if st.parameters.is_some() && !matches!(st.kind, Kind::Map(_)) {
            params_bound = check_size(
                limit,
                &params,
                params_bound,
                "input after Parameters",
                &st.name,
            )?;
            if record {
                trace.after_parameters = Some(params.as_ref().clone());
            }
        }
        // The same dispatch as attempt_jsonata's, written out here: through a shared
        // function the JSONPath retry workload ran ~5% slower.
        let (result, result_bound) = match &st.kind {
            Kind::Task(spec) => self.invoke(st, spec, params, params_bound, raw, token, trace)?,
            Kind::Parallel { branches } => {
                self.run_parallel(branches, params, params_bound, depth)?
            }
            Kind::Map(spec) => {
                self.run_map(st, spec, params, params_bound, raw, depth, trace.entered_id)?
            }
            _ => (params.into_owned(), params_bound),
        };
        if record {
            trace.result = Some(result.clone());
        }
        let result = match &st.result_selector {
            Some(t) => {
                // The raw result is not needed afterwards: parts of it may move.
                let sv = t.evaluate_owned_sized(
                    result,
                    result_bound,
                    &self.context,
                    &mut self.rng,
                    limit,
                )?;
                if record {
                    trace.after_result_selector = Some(sv.value.clone());
                }
                let b = sv.bound(result_bound);
                (sv.value, b)
            }
            None => (result, result_bound),
        };
        Ok(result)
    }
}

#[derive(Debug)]
pub struct Retrier {
    pub error_equals: Vec<String>,
    pub interval_seconds: f64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<f64>,
    pub jitter_full: bool,
}

#[derive(Debug)]
pub struct Catcher {
    pub error_equals: Vec<String>,
    pub result_path: ResultPath,
    pub next: usize,
    /// JSONata: the state's output when this catcher applies (default: the error output).
    pub output: Option<Query>,
    pub assign: Option<Box<Assign>>,
}

impl Builder {
    pub(crate) fn retriers(&mut self, obj: &Map<String, Value>, at: &str) -> Vec<Retrier> {
        let Some(list) = obj.get("Retry") else {
            return Vec::new();
        };
        let Some(list) = list.as_array() else {
            self.err(&format!("{at}/Retry"), "Retry must be an array of retriers");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, r) in list.iter().enumerate() {
            let here = format!("{at}/Retry/{i}");
            let error_equals = self.error_equals(r, &here);
            let num = |b: &mut Builder, key: &str, default: f64, integer: bool| -> f64 {
                match r.get(key) {
                    None => default,
                    Some(v) => b
                        .number(v, &format!("{here}/{key}"), integer)
                        .unwrap_or(default),
                }
            };
            let interval_seconds = num(self, "IntervalSeconds", 1.0, true);
            let max_attempts = num(self, "MaxAttempts", 3.0, true) as u64;
            let backoff_rate = num(self, "BackoffRate", 2.0, false);
            if backoff_rate < 1.0 {
                self.err(
                    &format!("{here}/BackoffRate"),
                    "BackoffRate must be at least 1.0",
                );
            }
            let max_delay_seconds = r
                .get("MaxDelaySeconds")
                .and_then(|v| self.number(v, &format!("{here}/MaxDelaySeconds"), true));
            let jitter_full = match r.get("JitterStrategy").map(|v| v.as_str()) {
                None | Some(Some("NONE")) => false,
                Some(Some("FULL")) => true,
                _ => {
                    self.err(
                        &format!("{here}/JitterStrategy"),
                        "JitterStrategy must be FULL or NONE",
                    );
                    false
                }
            };
            out.push(Retrier {
                error_equals,
                interval_seconds,
                max_attempts,
                backoff_rate,
                max_delay_seconds,
                jitter_full,
            });
        }
        out
    }

    pub(crate) fn catchers(
        &mut self,
        obj: &Map<String, Value>,
        at: &str,
        index: &HashMap<&str, usize>,
        jsonata: bool,
    ) -> Vec<Catcher> {
        let Some(list) = obj.get("Catch") else {
            return Vec::new();
        };
        let Some(list) = list.as_array() else {
            self.err(&format!("{at}/Catch"), "Catch must be an array of catchers");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, c) in list.iter().enumerate() {
            let here = format!("{at}/Catch/{i}");
            let error_equals = self.error_equals(c, &here);
            let Some(cobj) = c.as_object() else {
                self.err(&here, "A catcher must be an object");
                continue;
            };
            let result_path = self.result_path(cobj, &here);
            let next = match cobj.get("Next").and_then(Value::as_str) {
                Some(n) => self.target(&format!("{here}/Next"), n, index),
                None => {
                    self.err(&format!("{here}/Next"), "A catcher needs 'Next'");
                    0
                }
            };
            let (output, assign) = (
                if jsonata {
                    self.query(cobj, "Output", &here, "Output")
                } else {
                    None
                },
                self.assign(cobj, &here, jsonata),
            );
            out.push(Catcher {
                error_equals,
                result_path,
                next,
                output,
                assign,
            });
        }
        out
    }
}

impl Validator<'_> {
    pub(crate) fn retry(&mut self, sp: &str, obj: &Map<String, Value>) {
        let Some(r) = obj.get("Retry") else { return };
        let rp = push_pointer(sp, "Retry");
        let Some(arr) = r.as_array() else {
            self.err(
                &rp,
                format!("Retry must be an array of retriers, not {}", type_name(r)),
            );
            return;
        };
        for (i, item) in arr.iter().enumerate() {
            let ip = push_pointer(&rp, &i.to_string());
            let Some(m) = item.as_object() else {
                self.err(
                    &ip,
                    format!("A retrier must be an object, not {}", type_name(item)),
                );
                continue;
            };
            self.error_equals(&ip, m, i + 1 == arr.len(), "Retry");
            for (k, v) in m {
                let fp = push_pointer(&ip, k);
                match k.as_str() {
                    "ErrorEquals" | "Comment" => {}
                    _ if is_substitution(v) => {}
                    "IntervalSeconds" | "MaxDelaySeconds" => {
                        if !as_int(v).is_some_and(|n| (1..=99_999_999).contains(&n)) {
                            self.err(&fp, format!("{k} must be a whole number of seconds from 1 to 99999999, not {}", show(v)));
                        }
                    }
                    "MaxAttempts" => {
                        if !as_int(v).is_some_and(|n| (0..=99_999_999).contains(&n)) {
                            self.err(&fp, format!("MaxAttempts must be a whole number, 0 or more (0 never retries), not {}", show(v)));
                        }
                    }
                    "BackoffRate" => {
                        if !v.as_f64().is_some_and(|x| x >= 1.0) {
                            self.err(&fp, format!("BackoffRate must be a number of at least 1.0, not {}", show(v)));
                        }
                    }
                    "JitterStrategy" => {
                        if !matches!(v.as_str(), Some("FULL" | "NONE")) {
                            self.err(&fp, format!("JitterStrategy must be \"FULL\" or \"NONE\", not {}", show(v)));
                        }
                    }
                    _ => self.err(
                        &fp,
                        format!("Field '{k}' is not supported in a retrier (allowed: ErrorEquals, IntervalSeconds, MaxAttempts, BackoffRate, MaxDelaySeconds, JitterStrategy, Comment)"),
                    ),
                }
            }
        }
    }

    pub(crate) fn catch(
        &mut self,
        sp: &str,
        obj: &Map<String, Value>,
        lang: Lang,
        info: &mut StateInfo,
    ) {
        let Some(c) = obj.get("Catch") else { return };
        let cp = push_pointer(sp, "Catch");
        let Some(arr) = c.as_array() else {
            self.err(
                &cp,
                format!("Catch must be an array of catchers, not {}", type_name(c)),
            );
            return;
        };
        for (i, item) in arr.iter().enumerate() {
            let ip = push_pointer(&cp, &i.to_string());
            let Some(m) = item.as_object() else {
                self.err(
                    &ip,
                    format!("A catcher must be an object, not {}", type_name(item)),
                );
                continue;
            };
            self.error_equals(&ip, m, i + 1 == arr.len(), "Catch");
            match m.get("Next") {
                Some(Value::String(n)) => info.targets.push((n.clone(), push_pointer(&ip, "Next"))),
                Some(other) => self.err(
                    &push_pointer(&ip, "Next"),
                    format!(
                        "Next must be a string naming a state, not {}",
                        type_name(other)
                    ),
                ),
                None => self.err(
                    &ip,
                    "A catcher needs 'Next' naming the state to go to when it matches.".into(),
                ),
            }
            for (k, v) in m {
                let fp = push_pointer(&ip, k);
                match k.as_str() {
                    "ErrorEquals" | "Next" | "Comment" | "Assign" => {}
                    "ResultPath" if lang == Lang::JsonPath => self.result_path(&fp, v),
                    "Output" if lang == Lang::Jsonata => {}
                    _ => self.err(
                        &fp,
                        format!("Field '{k}' is not supported in a catcher (allowed: ErrorEquals, Next, ResultPath, Comment{})", if lang == Lang::Jsonata { ", Output, Assign" } else { ", Assign" }),
                    ),
                }
            }
        }
    }

    pub(crate) fn error_equals(
        &mut self,
        ip: &str,
        m: &Map<String, Value>,
        last: bool,
        what: &str,
    ) {
        let ep = push_pointer(ip, "ErrorEquals");
        match m.get("ErrorEquals") {
            None => self.err(ip, format!("Each {what} entry needs 'ErrorEquals': a non-empty array of error names such as [\"States.ALL\"].")),
            Some(Value::Array(names)) if names.is_empty() => {
                self.err(&ep, "ErrorEquals is empty. Add at least one error name.".into())
            }
            Some(Value::Array(names)) => {
                let mut has_all = false;
                for (j, n) in names.iter().enumerate() {
                    match n {
                        Value::String(s) if s == "States.ALL" => has_all = true,
                        Value::String(_) => {}
                        other => self.err(&push_pointer(&ep, &j.to_string()), format!("An error name must be a string, not {}", type_name(other))),
                    }
                }
                if has_all && names.len() > 1 {
                    self.err(&ep, "States.ALL must appear alone in ErrorEquals; move the other names to an earlier entry.".into());
                }
                if has_all && !last {
                    self.err(&ep, format!("The {what} entry with States.ALL must be the last one; move it to the end."));
                }
            }
            Some(other) => self.err(&ep, format!("ErrorEquals must be an array of strings, not {}", type_name(other))),
        }
    }
}
