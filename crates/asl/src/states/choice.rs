//! Choice: its rules' model, static checks and execution (the rule evaluation itself is
//! [`crate::expr::choice`]).

use crate::engine::dataflow::*;
use crate::engine::*;
use crate::error::StatesError;
use crate::expr::choice::ChoiceRule;
use crate::expr::jsonpath::Path;
use crate::expr::query::Query;
use crate::expr::size::Bound;
use crate::model::*;
use crate::source::push_pointer;
use crate::validate::*;
use serde_json::{Map, Value};

impl<'a> Engine<'a> {
    pub(crate) fn run_choice(
        &mut self,
        st: &State,
        choices: &[Choice],
        default: Option<usize>,
        raw: Value,
        rb: Bound,
        trace: &mut Trace,
    ) -> Flow<(Option<usize>, Value, Bound)> {
        let next = {
            let eff = select_cow(&st.input_path, &raw, &self.context, "InputPath")?;
            if self.inspecting() {
                trace.after_input_path = Some(eff.as_ref().clone());
            }
            let mut next = None;
            for c in choices {
                let Cond::Path(rule) = &c.cond else { continue };
                if rule.evaluate(&eff, &self.context)? {
                    next = Some(c);
                    break;
                }
            }
            // The matched rule's Assign, or the state's when Default is taken; both read the
            // effective input.
            let assign = match next {
                Some(c) => c.assign.as_deref(),
                None => st.assign.as_deref(),
            };
            if let Some(a) = assign {
                self.assigned = Some(self.path_assign(a, &eff)?);
            }
            next.map(|c| c.next)
        };
        let next = match next.or(default) {
            Some(n) => n,
            None => return Err(no_choice_matched(st).into()),
        };
        // Choice has no ResultPath: the output is the (filtered) input.
        let eff = match &st.input_path {
            IoPath::Identity => raw,
            p => select_cow(p, &raw, &self.context, "InputPath")?.into_owned(),
        };
        let out = select_owned(&st.output_path, eff, &self.context, "OutputPath")?;
        let mut out_bound = selected_bound(&st.output_path, selected_bound(&st.input_path, rb));
        if !matches!(
            (&st.input_path, &st.output_path),
            (IoPath::Identity, IoPath::Identity)
        ) {
            out_bound = check_size(self.payload_limit, &out, out_bound, "output", &st.name)?;
        }
        Ok((Some(next), out, out_bound))
    }
}

pub(crate) fn no_choice_matched(st: &State) -> StatesError {
    StatesError::new(
        "States.NoChoiceMatched",
        format!(
            "No Choice Rules matched and no Default in state '{}'",
            st.name
        ),
    )
}

/// One rule of a Choice state: its test, target, and (when it matches) its Assign and,
/// in JSONata, Output.
#[derive(Debug)]
pub struct Choice {
    pub cond: Cond,
    pub next: usize,
    pub assign: Option<Box<Assign>>,
    pub output: Option<Query>,
}

#[derive(Debug)]
pub enum Cond {
    Path(ChoiceRule),
    /// JSONata `Condition`: must give a boolean.
    Query(Query),
}

impl Validator<'_> {
    pub(crate) fn choice(
        &mut self,
        sp: &str,
        obj: &Map<String, Value>,
        lang: Lang,
        info: &mut StateInfo,
    ) {
        if let Some(d) = obj.get("Default") {
            let dp = push_pointer(sp, "Default");
            match d {
                Value::String(s) => info.targets.push((s.clone(), dp)),
                other => self.err(
                    &dp,
                    format!(
                        "Default must be a string naming a state, not {}",
                        type_name(other)
                    ),
                ),
            }
        }
        let cp = push_pointer(sp, "Choices");
        match obj.get("Choices") {
            None => self.err(sp, "A Choice state needs 'Choices': an array of rules, each with a comparison and Next.".into()),
            Some(Value::Array(rules)) if rules.is_empty() => {
                self.err(&cp, "Choices is empty. Add at least one rule with a comparison and Next.".into())
            }
            Some(Value::Array(rules)) => {
                for (i, r) in rules.iter().enumerate() {
                    let rp = push_pointer(&cp, &i.to_string());
                    if let Some(Value::String(n)) = r.get("Next") {
                        info.targets.push((n.clone(), push_pointer(&rp, "Next")));
                    }
                    if lang == Lang::Jsonata {
                        if r.get("Condition").is_none() {
                            self.err(&rp, "A JSONata choice rule needs 'Condition'.".into());
                        }
                        if r.get("Next").is_none() {
                            self.err(&rp, "A choice rule needs 'Next' naming the state to go to.".into());
                        }
                        continue;
                    }
                    if let Err(e) = ChoiceRule::parse(r) {
                        let at = self.rule_fault_pointer(&rp, r);
                        self.err(&at, format!("{e}."));
                    }
                }
            }
            Some(other) => self.err(&cp, format!("Choices must be an array of rules, not {}", type_name(other))),
        }
    }

    /// Point at the most specific place of a bad choice rule that can be found cheaply.
    pub(crate) fn rule_fault_pointer(&self, rp: &str, r: &Value) -> String {
        if let Some(Value::String(v)) = r.get("Variable") {
            if Path::parse(v).is_err() {
                return push_pointer(rp, "Variable");
            }
        }
        rp.to_string()
    }
}
