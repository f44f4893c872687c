//! Array functions.

use std::rc::Rc;

use crate::error::Result;
use crate::eval::{Env, Evaluator};

use super::*;
use crate::value::*;

pub(crate) fn fn_zip(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let lists: Vec<Vec<Value>> = args.iter().map(|a| a.to_vec()).collect();
    let n = lists.iter().map(|l| l.len()).min().unwrap_or(0);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(Value::array(lists.iter().map(|l| l[i].clone()).collect()));
    }
    Ok(Value::array(out))
}

pub(crate) fn fn_append(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let len = |v: &Value| match v {
        Value::Array(a, _) => a.len(),
        _ => 1,
    };
    ev.build(0, len(arg(args, 0)) + len(arg(args, 1)))?;
    Ok(append(arg(args, 0).clone(), arg(args, 1).clone()))
}

pub(crate) fn fn_reverse(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let v = arg(args, 0);
    if v.is_undefined() {
        return Ok(Value::Undefined);
    }
    let mut items = v.to_vec();
    if items.len() <= 1 {
        return Ok(v.clone());
    }
    items.reverse();
    Ok(Value::array(items))
}

pub(crate) fn fn_distinct(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let v = arg(args, 0);
    let Value::Array(a, f) = v else {
        return Ok(v.clone());
    };
    if a.len() <= 1 {
        return Ok(v.clone());
    }
    // Scalars are looked up in a set (a pairwise scan made `$distinct([1..1e6])` run for
    // hours); arrays and objects are compared pairwise among themselves, which spends budget.
    #[derive(PartialEq, Eq, Hash)]
    enum Key<'a> {
        Null,
        Bool(bool),
        Number(u64),
        Str(&'a str),
    }
    let mut seen = std::collections::HashSet::new();
    let mut structured: Vec<&Value> = Vec::new();
    let mut out: Vec<Value> = Vec::new();
    for x in a.iter() {
        let key = match x {
            Value::Null => Some(Key::Null),
            Value::Bool(b) => Some(Key::Bool(*b)),
            // 0 and -0 are equal; NaN equals nothing, so every NaN is kept.
            Value::Number(n) if !n.is_nan() => Some(Key::Number((n + 0.0).to_bits())),
            Value::String(s) => Some(Key::Str(s)),
            _ => None,
        };
        let new = match key {
            Some(k) => seen.insert(k),
            None if matches!(x, Value::Array(..) | Value::Object(_)) => {
                ev.charge(0, structured.len())?;
                let new = !structured.iter().any(|y| deep_equal(x, y));
                if new {
                    structured.push(x);
                }
                new
            }
            None => {
                ev.charge(0, out.len())?;
                !out.iter().any(|y| deep_equal(x, y))
            }
        };
        if new {
            out.push(x.clone());
        }
    }
    Ok(Value::Array(Rc::new(Arr::from(out)), f & flags::SEQUENCE))
}
