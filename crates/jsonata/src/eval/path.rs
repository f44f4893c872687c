//! Paths: step pipelines, predicates and stages, tuple streams for `@`/`#`/`%` bindings,
//! wildcards and descendants.

use std::rc::Rc;

use crate::error::{Error, Result};
use crate::parser::{Node, NodeKind, Stage};

use super::*;
use crate::value::*;

impl Evaluator {
    pub(crate) fn eval_path(
        &self,
        node: &Node,
        steps: &[Node],
        input: &Value,
        env: &Env,
    ) -> Result<Value> {
        // Fast path for the most common case, a plain field of an object (`name`): the general
        // step machinery below gives the same result with several allocations.
        if let ([step], Value::Object(o)) = (steps, input) {
            if let NodeKind::Name(name) = &step.kind {
                if is_plain_step(step)
                    && !node.keep_singleton_array
                    && node.group.is_none()
                    && !node.tuple
                {
                    match o.get(name.as_str()) {
                        // stored sequences are re-flattened by the general path
                        Some(v) if v.has_flag(flags::SEQUENCE) => {}
                        Some(v) => return Ok(v.clone()),
                        None => return Ok(Value::Undefined),
                    }
                }
            }
        }
        let first_is_var = matches!(steps.first().map(|s| &s.kind), Some(NodeKind::Variable(_)));
        let mut input_seq: Vec<Value> = match input {
            Value::Array(a, _) if !first_is_var => a.0.clone(),
            other => vec![other.clone()],
        };
        // Keep the wrapper flags of the input so that `$` and wildcards behave as in the
        // reference (the outer wrapper is visible to the first step).
        let mut input_flags = match input {
            Value::Array(_, f) if !first_is_var => *f,
            _ => flags::SEQUENCE,
        };
        let mut result_seq = Value::sequence(vec![]);
        let mut is_tuple = false;
        let mut tuples: Option<Vec<Value>> = None;
        for (i, step) in steps.iter().enumerate() {
            if step.tuple {
                is_tuple = true;
            }
            if i == 0 && step.consarray {
                result_seq = self.eval(
                    step,
                    &Value::Array(Rc::new(Arr::from(input_seq.clone())), input_flags),
                    env,
                )?;
            } else if is_tuple {
                tuples = Some(self.eval_tuple_step(step, &input_seq, tuples, env)?);
            } else {
                result_seq =
                    self.eval_step(step, &input_seq, input_flags, env, i == steps.len() - 1)?;
            }
            if !is_tuple {
                match &result_seq {
                    Value::Undefined => break,
                    Value::Array(a, _) if a.is_empty() => break,
                    _ => {}
                }
            }
            if step.focus.is_none() {
                if is_tuple {
                    // input for the next step is irrelevant: tuple steps use the tuples
                } else {
                    input_seq = match &result_seq {
                        Value::Array(a, _) => a.0.clone(),
                        Value::Undefined => vec![],
                        other => vec![other.clone()],
                    };
                    input_flags = match &result_seq {
                        Value::Array(_, f) => *f,
                        _ => flags::SEQUENCE,
                    };
                }
            }
        }
        let mut tuple_list = Vec::new();
        if is_tuple {
            let t = tuples.unwrap_or_default();
            if node.group.is_some() {
                tuple_list = t.clone();
            }
            if node.tuple {
                result_seq =
                    Value::Array(Rc::new(Arr::from(t)), flags::SEQUENCE | flags::TUPLE_STREAM);
            } else {
                let items: Vec<Value> = t.iter().map(|tu| tu.lookup_tuple("@")).collect();
                result_seq = Value::sequence(items);
            }
        }
        if node.keep_singleton_array {
            result_seq = match result_seq {
                Value::Array(a, f) => {
                    if f & flags::CONS != 0 && f & flags::SEQUENCE == 0 {
                        Value::Array(
                            Rc::new(Arr::from(vec![Value::Array(a, f)])),
                            flags::SEQUENCE | flags::KEEP_SINGLETON,
                        )
                    } else {
                        Value::Array(a, f | flags::KEEP_SINGLETON)
                    }
                }
                Value::Undefined => Value::Undefined,
                other => Value::Array(
                    Rc::new(Arr::from(vec![other])),
                    flags::SEQUENCE | flags::KEEP_SINGLETON,
                ),
            };
        }
        if let Some(g) = &node.group {
            let input = if is_tuple {
                Value::Array(
                    Rc::new(Arr::from(tuple_list)),
                    flags::SEQUENCE | flags::TUPLE_STREAM,
                )
            } else {
                result_seq
            };
            return self.eval_group(&GroupByRef::from(g.as_ref()), input, env);
        }
        Ok(result_seq)
    }

    pub(crate) fn eval_step(
        &self,
        step: &Node,
        input: &[Value],
        input_flags: u8,
        env: &Env,
        last_step: bool,
    ) -> Result<Value> {
        if let NodeKind::Sort(terms) = &step.kind {
            let mut r = self.eval_sort(
                step,
                terms,
                Value::Array(Rc::new(Arr::from(input.to_vec())), input_flags),
                env,
            )?;
            if !step.stages.is_empty() {
                r = self.eval_stages(&step.stages, r, env)?;
            }
            return Ok(r);
        }
        let mut results: Vec<Value> = Vec::new();
        // Values `**` selected over the items so far: each item's descendants are bounded,
        // and so is their sum, as every item may lie below the one before it.
        let mut descendants = 0usize;
        let descendant_step = matches!(step.kind, NodeKind::Descendant);
        for item in input {
            let mut res = self.eval(step, item, env)?;
            for st in &step.stages {
                if let Stage::Filter(p) = st {
                    res = self.eval_filter(p, res, env)?;
                }
            }
            if descendant_step {
                descendants += match &res {
                    Value::Array(a, _) => a.len(),
                    _ => 1,
                };
                if descendants > MAX_DESCENDANTS {
                    return Err(too_many_descendants());
                }
            }
            if !res.is_undefined() {
                results.push(res);
            }
        }
        if last_step && results.len() == 1 {
            if let Value::Array(_, f) = &results[0] {
                if f & flags::SEQUENCE == 0 {
                    return Ok(results.pop().unwrap_or_default());
                }
            }
        }
        let mut out = Vec::new();
        for r in results {
            match r {
                Value::Array(a, f) if f & flags::CONS == 0 => out.extend(a.iter().cloned()),
                other => out.push(other),
            }
        }
        Ok(Value::sequence(out))
    }

    pub(crate) fn eval_stages(&self, stages: &[Stage], input: Value, env: &Env) -> Result<Value> {
        let mut result = input;
        for st in stages {
            match st {
                Stage::Filter(p) => result = self.eval_filter(p, result, env)?,
                Stage::Index(name) => {
                    if let Value::Array(a, f) = &result {
                        let mut items = Vec::with_capacity(a.len());
                        for (i, t) in a.iter().enumerate() {
                            items.push(t.with_tuple_binding(name, Value::Number(i as f64)));
                        }
                        result = Value::Array(Rc::new(Arr::from(items)), *f);
                    }
                }
            }
        }
        Ok(result)
    }

    pub(crate) fn eval_tuple_step(
        &self,
        step: &Node,
        input: &[Value],
        tuples: Option<Vec<Value>>,
        env: &Env,
    ) -> Result<Vec<Value>> {
        if let NodeKind::Sort(terms) = &step.kind {
            let mut result = if let Some(t) = tuples {
                self.eval_sort(
                    step,
                    terms,
                    Value::Array(Rc::new(Arr::from(t)), flags::SEQUENCE | flags::TUPLE_STREAM),
                    env,
                )?
            } else {
                let sorted = self.eval_sort(step, terms, Value::sequence(input.to_vec()), env)?;
                let mut out = Vec::new();
                for (i, v) in sorted.to_vec().into_iter().enumerate() {
                    let mut m = Map::new();
                    m.insert("@".into(), v);
                    if let Some(ix) = &step.index {
                        m.insert(ix.clone(), Value::Number(i as f64));
                    }
                    out.push(Value::object(m));
                }
                Value::Array(
                    Rc::new(Arr::from(out)),
                    flags::SEQUENCE | flags::TUPLE_STREAM,
                )
            };
            if !step.stages.is_empty() {
                result = self.eval_stages(&step.stages, result, env)?;
            }
            return Ok(result.to_vec());
        }
        let tuples: Vec<Value> = match tuples {
            Some(t) => t,
            None => input
                .iter()
                .map(|item| {
                    let mut m = Map::new();
                    m.insert("@".into(), item.clone());
                    Value::object(m)
                })
                .collect(),
        };
        let mut result = Vec::new();
        for tuple in &tuples {
            let step_env = frame_from_tuple(env, tuple);
            let ctx = tuple.lookup_tuple("@");
            let res = self.eval(step, &ctx, &step_env)?;
            if res.is_undefined() {
                continue;
            }
            let is_stream = res.has_flag(flags::TUPLE_STREAM);
            let items = match &res {
                Value::Array(a, _) => a.0.clone(),
                other => vec![other.clone()],
            };
            for (bb, item) in items.into_iter().enumerate() {
                let mut m: Map = match tuple {
                    Value::Object(o) => o.0.clone(),
                    _ => Map::new(),
                };
                if is_stream {
                    if let Value::Object(o) = &item {
                        for (k, v) in o.iter() {
                            m.insert(k.clone(), v.clone());
                        }
                    }
                } else {
                    if let Some(f) = &step.focus {
                        m.insert(f.clone(), item);
                        m.insert("@".into(), ctx.clone());
                    } else {
                        m.insert("@".into(), item);
                    }
                    if let Some(ix) = &step.index {
                        m.insert(ix.clone(), Value::Number(bb as f64));
                    }
                    if let Some(label) = &step.ancestor_label {
                        m.insert(label.clone(), ctx.clone());
                    }
                }
                result.push(Value::object(m));
            }
        }
        let mut result = Value::Array(
            Rc::new(Arr::from(result)),
            flags::SEQUENCE | flags::TUPLE_STREAM,
        );
        if !step.stages.is_empty() {
            result = self.eval_stages(&step.stages, result, env)?;
        }
        Ok(result.to_vec())
    }

    pub(crate) fn eval_filter(&self, pred: &Node, input: Value, env: &Env) -> Result<Value> {
        let is_stream = input.has_flag(flags::TUPLE_STREAM);
        let out_flags = if is_stream {
            flags::SEQUENCE | flags::TUPLE_STREAM
        } else {
            flags::SEQUENCE
        };
        let items: Vec<Value> = match &input {
            Value::Array(a, _) => a.0.clone(),
            Value::Undefined => vec![],
            other => vec![other.clone()],
        };
        let mut results = Vec::new();
        if let NodeKind::Num(n) = pred.kind {
            if pred.predicate.is_empty() && pred.group.is_none() {
                let mut index = n.floor();
                if index < 0.0 {
                    index += items.len() as f64;
                }
                if index >= 0.0 {
                    if let Some(item) = items.get(index as usize) {
                        if let Value::Array(..) = item {
                            return Ok(item.clone());
                        }
                        results.push(item.clone());
                    }
                }
                return Ok(Value::Array(Rc::new(Arr::from(results)), out_flags));
            }
        }
        let len = items.len() as f64;
        for (index, item) in items.iter().enumerate() {
            let (ctx, fenv) = if is_stream {
                (item.lookup_tuple("@"), frame_from_tuple(env, item))
            } else {
                (item.clone(), env.clone())
            };
            let res = self.eval(pred, &ctx, &fenv)?;
            let nums: Option<Vec<f64>> = match &res {
                Value::Number(n) => Some(vec![*n]),
                Value::Array(a, _) if !a.is_empty() && a.iter().all(|v| v.is_number()) => {
                    Some(a.iter().filter_map(|v| v.as_f64()).collect())
                }
                _ => None,
            };
            if let Some(nums) = nums {
                for n in nums {
                    let mut ii = n.floor();
                    if ii < 0.0 {
                        ii += len;
                    }
                    if ii == index as f64 {
                        results.push(item.clone());
                    }
                }
            } else if boolean(&res) == Some(true) {
                results.push(item.clone());
            }
        }
        Ok(Value::Array(Rc::new(Arr::from(results)), out_flags))
    }
}

/// A step with no predicates, bindings, grouping or flags that change its result shape.
pub(crate) fn is_plain_step(step: &Node) -> bool {
    step.stages.is_empty()
        && step.predicate.is_empty()
        && step.group.is_none()
        && step.focus.is_none()
        && step.index.is_none()
        && !step.tuple
        && step.ancestor_label.is_none()
        && !step.keep_array
        && !step.consarray
}

/// Folds `$append` over the members of a group in one pass.
pub(crate) fn append_all(mut members: Vec<Value>) -> Value {
    if members.len() == 1 {
        return members.pop().unwrap_or_default();
    }
    let mut out = Vec::new();
    for m in members {
        match m {
            Value::Undefined => {}
            Value::Array(a, _) => out.extend(a.iter().cloned()),
            other => out.push(other),
        }
    }
    Value::array(out)
}

pub(crate) fn frame_from_tuple(env: &Env, tuple: &Value) -> Env {
    let f = Frame::child(env);
    if let Value::Object(o) = tuple {
        for (k, v) in o.iter() {
            f.bind(k, v.clone());
        }
    }
    f
}

pub(crate) fn reduce_tuple_stream(data: &Value) -> Map {
    match data {
        Value::Array(a, _) => {
            let mut result: Map = match a.first() {
                Some(Value::Object(o)) => o.0.clone(),
                _ => Map::new(),
            };
            for t in a.iter().skip(1) {
                if let Value::Object(o) = t {
                    for (k, v) in o.iter() {
                        let cur = result.get(k).cloned().unwrap_or_default();
                        result.insert(k.clone(), append(cur, v.clone()));
                    }
                }
            }
            result
        }
        Value::Object(o) => o.0.clone(),
        _ => Map::new(),
    }
}

pub(crate) fn flatten_into(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Array(a, _) => {
            for x in a.iter() {
                crate::stack::guarded(|| flatten_into(x, out));
            }
        }
        other => out.push(other.clone()),
    }
}

pub(crate) fn eval_wildcard(input: &Value) -> Value {
    let mut results = Vec::new();
    let input = match input {
        Value::Array(a, f) if f & flags::OUTER_WRAPPER != 0 && !a.is_empty() => a[0].clone(),
        other => other.clone(),
    };
    match &input {
        Value::Object(o) => {
            for (_, v) in o.iter() {
                match v {
                    Value::Array(..) => crate::stack::guarded(|| flatten_into(v, &mut results)),
                    other => results.push(other.clone()),
                }
            }
        }
        Value::Array(a, _) => {
            for v in a.iter() {
                match v {
                    Value::Array(..) => crate::stack::guarded(|| flatten_into(v, &mut results)),
                    other => results.push(other.clone()),
                }
            }
        }
        _ => {}
    }
    Value::sequence(results)
}

/// Most values one `**` may select, alone or over all the items of a path step: the most a
/// result may hold ([`MAX_JSON_VALUES`], about 2 million values, 48 MB). Chained descendants
/// select each value once per ancestor (`a.**.**.**.**.**` on a chain 120 deep selects 2*10^8
/// values from 121), so without a bound their results grow as a power of the input.
pub(crate) const MAX_DESCENDANTS: usize = MAX_JSON_VALUES;

/// Values walked per evaluation step spent by `**` (spent in batches, so the walk stays a
/// tight loop): walking is work like evaluating, and a value shared many times over (a value
/// holding itself twice, 40 times over) has 2^40 descendants to walk.
const DESCENDANT_BATCH: usize = 1024;

pub(crate) fn too_many_descendants() -> Error {
    Error::new("U1001").message(format!(
        "The descendants operator (**) selected more than {MAX_DESCENDANTS} values"
    ))
}

impl Evaluator {
    /// `**`: every value below the input in document order (iterative, so depth is no issue),
    /// one evaluation step per value walked and at most [`MAX_DESCENDANTS`] values.
    pub(crate) fn eval_descendants(&self, input: &Value) -> Result<Value> {
        if input.is_undefined() {
            return Ok(Value::Undefined);
        }
        let mut out = Vec::new();
        let mut stack: Vec<&Value> = vec![input];
        let mut walked = 0usize;
        while let Some(v) = stack.pop() {
            walked += 1;
            if walked == DESCENDANT_BATCH {
                self.spend(walked as u64)?;
                walked = 0;
            }
            match v {
                Value::Array(a, _) => stack.extend(a.iter().rev()),
                Value::Object(o) => {
                    out.push(v.clone());
                    stack.extend(o.values().rev());
                }
                Value::Undefined => {}
                other => out.push(other.clone()),
            }
            if out.len() > MAX_DESCENDANTS {
                return Err(too_many_descendants());
            }
        }
        self.spend(walked as u64)?;
        if out.len() == 1 {
            return Ok(out.pop().unwrap_or_default());
        }
        Ok(Value::sequence(out))
    }
}

impl Value {
    /// Reads a binding from a tuple (an object keyed by `@` and variable names).
    pub(crate) fn lookup_tuple(&self, key: &str) -> Value {
        match self {
            Value::Object(o) => o.get(key).cloned().unwrap_or_default(),
            _ => Value::Undefined,
        }
    }

    pub(crate) fn with_tuple_binding(&self, key: &str, v: Value) -> Value {
        match self {
            Value::Object(o) => {
                let mut m = o.0.clone();
                m.insert(key.to_string(), v);
                Value::object(m)
            }
            other => other.clone(),
        }
    }
}
