//! Pass: its static checks and execution.

use crate::engine::dataflow::*;
use crate::engine::*;
use crate::error::StatesError;
use crate::expr::size::{measure, plus, Bound};
use crate::model::*;
use crate::source::push_pointer;
use crate::validate::fields::*;
use crate::validate::*;
use serde_json::{Map, Value};

impl<'a> Engine<'a> {
    pub(crate) fn run_pass(
        &mut self,
        st: &State,
        result: Option<&Value>,
        mut raw: Value,
        rb: Bound,
        trace: &mut Trace,
    ) -> Flow<(Option<usize>, Value, Bound)> {
        let record = self.inspecting();
        let limit = self.payload_limit;
        // Move the effective input out of the raw input when nothing reads it afterwards.
        let movable = !record
            && st.parameters.is_some()
            && result.is_none()
            && input_dead_after_parameters(st);
        // For a moving evaluation: the bound of the merged output. The raw input and the
        // parts moved out of it stay within the raw input's bound (plus the null left in
        // place of the effective input), so only what the template adds counts on top.
        let mut moved_out_bound = None;
        let (value, mut value_bound) = if movable {
            let steps = io_steps(&st.input_path).unwrap_or(&[]);
            let eff = match steps_take(&mut raw, steps) {
                Some(v) => v,
                None => {
                    let IoPath::Path(p) = &st.input_path else {
                        return Err(StatesError::runtime("InputPath selected nothing").into());
                    };
                    return Err(path_error(p, "InputPath").into());
                }
            };
            if record {
                trace.after_input_path = Some(eff.clone());
            }
            let params = st
                .parameters
                .as_ref()
                .map(|t| t.evaluate_owned_sized(eff, rb, &self.context, &mut self.rng, limit));
            let sv = match params {
                Some(v) => v?,
                None => return Err(StatesError::runtime("Parameters missing").into()),
            };
            moved_out_bound = Some(plus(
                plus(rb, 4),
                plus(sv.extra, result_path_extra(&st.result_path)),
            ));
            let b = sv.bound(rb);
            (sv.value, b)
        } else {
            let eff = select_cow(&st.input_path, &raw, &self.context, "InputPath")?;
            let eff_bound = selected_bound(&st.input_path, rb);
            if record {
                trace.after_input_path = Some(eff.as_ref().clone());
            }
            match (&st.parameters, result) {
                (_, Some(r)) => {
                    if let Some(t) = &st.parameters {
                        // Evaluated for its errors and trace only: Result wins.
                        let p = t.evaluate(&eff, &self.context, &mut self.rng)?;
                        if record {
                            trace.after_parameters = Some(p);
                        }
                    }
                    (r.clone(), measure(r, limit))
                }
                (Some(t), None) => {
                    t.evaluate_sized(&eff, eff_bound, &self.context, &mut self.rng, limit)?
                }
                (None, None) => (eff.into_owned(), eff_bound),
            }
        };
        if st.parameters.is_some() {
            if !output_contains_result(st) {
                value_bound = check_size(
                    limit,
                    &value,
                    value_bound,
                    "input after Parameters",
                    &st.name,
                )?;
            }
            if record && result.is_none() {
                trace.after_parameters = Some(value.clone());
            }
        }
        if record {
            trace.result = Some(value.clone());
        }
        if let Some(a) = &st.assign {
            // JSONPath Assign reads the state's result (here: after Parameters or Result).
            self.assigned = Some(self.path_assign(a, &value)?);
        }
        let merged_bound = match (&st.result_path, moved_out_bound) {
            (ResultPath::Replace, _) => value_bound,
            (ResultPath::Discard, Some(_)) => plus(rb, 4),
            (rp, Some(b)) => b.min(plus(plus(plus(rb, 4), value_bound), result_path_extra(rp))),
            (rp, None) => merged_bound(rp, rb, value_bound),
        };
        let out = apply_result(raw, &st.result_path, value)?;
        if record {
            trace.after_result_path = Some(out.clone());
        }
        let out = select_owned(&st.output_path, out, &self.context, "OutputPath")?;
        let out_bound = selected_bound(&st.output_path, merged_bound);
        let out_bound = check_size(limit, &out, out_bound, "output", &st.name)?;
        Ok((None, out, out_bound))
    }
}

impl Validator<'_> {
    pub(crate) fn pass(&mut self, sp: &str, obj: &Map<String, Value>) {
        if let Some(r) = obj.get("Result") {
            if has_dollar_key(r, 0) {
                self.warn(
                    "PASS_RESULT_IS_STATIC",
                    &push_pointer(sp, "Result"),
                    "Result is used as is: keys ending in '.$' are not evaluated here. Use Parameters to build a result from paths.".into(),
                );
            }
        }
    }
}
