//! Higher-order functions: callbacks get as many of (value, index, array) as they declare.

use crate::error::{Error, Result};
use crate::eval::{Env, Evaluator};

use crate::eval::merge_sort;

use super::*;
use super::{call_hof, truthy};
use crate::value::*;

pub(crate) fn fn_map(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let arr = arg(args, 0);
    if arr.is_undefined() {
        return Ok(Value::Undefined);
    }
    let items = arr.to_vec();
    let whole = Value::array(items.clone());
    let mut out = Vec::new();
    for (i, v) in items.into_iter().enumerate() {
        let r = call_hof(
            ev,
            arg(args, 1),
            v,
            Value::Number(i as f64),
            whole.clone(),
            env,
        )?;
        if !r.is_undefined() {
            out.push(r);
        }
    }
    Ok(Value::sequence(out))
}

pub(crate) fn fn_filter(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let arr = arg(args, 0);
    if arr.is_undefined() {
        return Ok(Value::Undefined);
    }
    let items = arr.to_vec();
    let whole = Value::array(items.clone());
    let mut out = Vec::new();
    for (i, v) in items.into_iter().enumerate() {
        let r = call_hof(
            ev,
            arg(args, 1),
            v.clone(),
            Value::Number(i as f64),
            whole.clone(),
            env,
        )?;
        if boolean(&r) == Some(true) {
            out.push(v);
        }
    }
    Ok(Value::sequence(out))
}

pub(crate) fn fn_single(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let arr = arg(args, 0);
    if arr.is_undefined() {
        return Ok(Value::Undefined);
    }
    let items = arr.to_vec();
    let whole = Value::array(items.clone());
    let mut found: Option<Value> = None;
    for (i, v) in items.into_iter().enumerate() {
        let ok = match args.get(1) {
            Some(f) if f.is_function() => {
                let r = call_hof(
                    ev,
                    f,
                    v.clone(),
                    Value::Number(i as f64),
                    whole.clone(),
                    env,
                )?;
                boolean(&r) == Some(true)
            }
            _ => true,
        };
        if ok {
            if found.is_some() {
                return Err(Error::new("D3138").index(i));
            }
            found = Some(v);
        }
    }
    found.ok_or_else(|| Error::new("D3139"))
}

pub(crate) fn fn_reduce(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let arr = arg(args, 0);
    if arr.is_undefined() {
        return Ok(Value::Undefined);
    }
    let f = arg(args, 1);
    let arity = ev.arity(f);
    if arity < 2 {
        return Err(Error::new("D3050").index(1));
    }
    let items = arr.to_vec();
    let whole = Value::array(items.clone());
    let (mut acc, start) = match args.get(2) {
        Some(v) if !v.is_undefined() => (v.clone(), 0),
        _ => match items.first() {
            Some(v) => (v.clone(), 1),
            None => (Value::Undefined, 0),
        },
    };
    for (i, v) in items.iter().enumerate().skip(start) {
        let mut a = vec![acc, v.clone()];
        if arity >= 3 {
            a.push(Value::Number(i as f64));
        }
        if arity >= 4 {
            a.push(whole.clone());
        }
        acc = ev.apply(f, a, &Value::Undefined, env)?;
    }
    Ok(acc)
}

pub(crate) fn fn_sift(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let Value::Object(o) = arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let mut out = Map::new();
    for (k, v) in o.iter() {
        let r = call_hof(
            ev,
            arg(args, 1),
            v.clone(),
            Value::string(k.as_str()),
            arg(args, 0).clone(),
            env,
        )?;
        if boolean(&r) == Some(true) {
            out.insert(k.clone(), v.clone());
        }
    }
    if out.is_empty() {
        return Ok(Value::Undefined);
    }
    Ok(Value::object(out))
}

pub(crate) fn fn_each(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let Value::Object(o) = arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let mut out = Vec::new();
    for (k, v) in o.iter() {
        let r = call_hof(
            ev,
            arg(args, 1),
            v.clone(),
            Value::string(k.as_str()),
            arg(args, 0).clone(),
            env,
        )?;
        if !r.is_undefined() {
            out.push(r);
        }
    }
    Ok(Value::sequence(out))
}

pub(crate) fn fn_sort(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let arr = arg(args, 0);
    if arr.is_undefined() {
        return Ok(Value::Undefined);
    }
    let items = arr.to_vec();
    if items.len() <= 1 {
        return Ok(arr.clone());
    }
    let sorted = match args.get(1) {
        Some(f) if f.is_function() => merge_sort(items, &mut |a, b| {
            let r = ev.apply(f, vec![a.clone(), b.clone()], &Value::Undefined, env)?;
            Ok(truthy(&r))
        })?,
        _ => {
            let all_num = items.iter().all(|v| v.is_number());
            let all_str = items.iter().all(|v| v.is_string());
            if !all_num && !all_str {
                return Err(Error::new("D3070").index(1));
            }
            merge_sort(items, &mut |a, b| {
                Ok(match (a, b) {
                    (Value::Number(x), Value::Number(y)) => x > y,
                    (Value::String(x), Value::String(y)) => {
                        js_cmp(x, y) == std::cmp::Ordering::Greater
                    }
                    _ => false,
                })
            })?
        }
    };
    Ok(Value::array(sorted))
}

pub(crate) fn fn_shuffle(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let arr = arg(args, 0);
    if arr.is_undefined() {
        return Ok(Value::Undefined);
    }
    let mut items = arr.to_vec();
    let mut rng = ev.rng.borrow_mut();
    for i in (1..items.len()).rev() {
        let j = (rng.next_f64() * (i + 1) as f64) as usize;
        items.swap(i, j.min(i));
    }
    Ok(Value::array(items))
}
