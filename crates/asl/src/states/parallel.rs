//! Parallel: branches that start together on the virtual clock.

use crate::engine::dataflow::*;
use crate::engine::*;
use crate::expr::size::Bound;
use crate::expr::vars;
use crate::model::*;
use crate::source::push_pointer;
use crate::validate::*;
use serde_json::{Map, Value};
use std::borrow::Cow;

impl<'a> Engine<'a> {
    pub(crate) fn run_parallel(
        &mut self,
        branches: &[Machine],
        input: Cow<Value>,
        input_bound: Bound,
        depth: usize,
    ) -> Flow<(Value, Bound)> {
        self.event("ParallelStateStarted", None)?;
        let start = self.now;
        let mut end = start;
        let mut results = Vec::with_capacity(branches.len());
        let mut bounds = Vec::with_capacity(branches.len());
        let mut paused = false;
        // Every branch gets a copy of the input; an owned input goes to the last one.
        let mut input = Some(input);
        for (i, b) in branches.iter().enumerate() {
            self.now = start;
            let branch_input = if i + 1 == branches.len() {
                input.take().map(Cow::into_owned).unwrap_or_default()
            } else {
                input.as_deref().cloned().unwrap_or_default()
            };
            if self.vars_on {
                vars::push(false);
            }
            let r = self.run_machine(b, branch_input, input_bound, depth + 1);
            if self.vars_on {
                vars::pop();
            }
            match r {
                Ok((v, vb)) => {
                    results.push(v);
                    bounds.push(vb);
                }
                Err(Stop::Halt(Halt::Paused)) => {
                    paused = true;
                    results.push(Value::Null);
                }
                Err(Stop::Error(e)) => {
                    self.event("ParallelStateFailed", None)?;
                    return Err(Stop::Error(e));
                }
                Err(other) => return Err(other),
            }
            end = end.max(self.now);
        }
        self.now = end;
        if paused {
            return Err(Stop::Halt(Halt::Paused));
        }
        self.event("ParallelStateSucceeded", None)?;
        Ok((Value::Array(results), array_bound(bounds)))
    }
}

impl Validator<'_> {
    pub(crate) fn parallel(
        &mut self,
        sp: &str,
        obj: &Map<String, Value>,
        lang: Lang,
        depth: usize,
    ) {
        let bp = push_pointer(sp, "Branches");
        match obj.get("Branches") {
            None => self.err(
                sp,
                "A Parallel state needs 'Branches': an array of {StartAt, States} objects.".into(),
            ),
            Some(Value::Array(bs)) if bs.is_empty() => self.err(
                &bp,
                "Branches is empty. Add at least one branch with StartAt and States.".into(),
            ),
            Some(Value::Array(bs)) => {
                for (i, b) in bs.iter().enumerate() {
                    let p = push_pointer(&bp, &i.to_string());
                    match b.as_object() {
                        Some(m) => self.scope(m, &p, ScopeKind::Branch, lang, depth + 1),
                        None => self.err(
                            &p,
                            format!(
                                "A branch must be an object with StartAt and States, not {}",
                                type_name(b)
                            ),
                        ),
                    }
                }
            }
            Some(other) => self.err(
                &bp,
                format!("Branches must be an array, not {}", type_name(other)),
            ),
        }
    }
}
