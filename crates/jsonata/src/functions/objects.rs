//! Object functions, and the casts and checks that apply to any value (`$boolean`, `$not`,
//! `$exists`, `$type`, `$error`, `$assert`).

use crate::error::{Error, Result};
use crate::eval::{Env, Evaluator};

use super::*;
use crate::value::*;

pub(crate) fn keys_of(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(a, _) => {
            for x in a.iter() {
                crate::stack::guarded(|| keys_of(x, out));
            }
        }
        Value::Object(o) => {
            for k in o.keys() {
                if !out.contains(k) {
                    out.push(k.clone());
                }
            }
        }
        _ => {}
    }
}

pub(crate) fn fn_keys(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let mut out = Vec::new();
    match arg(args, 0) {
        Value::Array(a, _) => {
            for x in a.iter() {
                if let Value::Object(_) = x {
                    crate::stack::guarded(|| keys_of(x, &mut out));
                }
            }
        }
        v => crate::stack::guarded(|| keys_of(v, &mut out)),
    }
    Ok(Value::sequence(
        out.into_iter().map(Value::string).collect(),
    ))
}

pub(crate) fn fn_lookup(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let key = str_arg(args, 1).map(|s| s.to_string()).unwrap_or_default();
    Ok(arg(args, 0).lookup(&key))
}

pub(crate) fn spread(v: &Value) -> Value {
    match v {
        Value::Array(a, _) => {
            let mut acc = Value::sequence(vec![]);
            for x in a.iter() {
                acc = append(acc, crate::stack::guarded(|| spread(x)));
            }
            acc
        }
        Value::Object(o) => {
            let mut out = Vec::new();
            for (k, x) in o.iter() {
                let mut m = Map::new();
                m.insert(k.clone(), x.clone());
                out.push(Value::object(m));
            }
            Value::sequence(out)
        }
        other => other.clone(),
    }
}

pub(crate) fn fn_spread(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(crate::stack::guarded(|| spread(arg(args, 0))))
}

pub(crate) fn fn_merge(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let v = arg(args, 0);
    if v.is_undefined() {
        return Ok(Value::Undefined);
    }
    let mut out = Map::new();
    for x in v.to_vec() {
        if let Value::Object(o) = x {
            for (k, y) in o.iter() {
                out.insert(k.clone(), y.clone());
            }
        }
    }
    Ok(Value::object(out))
}

pub(crate) fn deep_clone(v: &Value, depth: usize) -> Value {
    if depth > 10_000 {
        return Value::Undefined;
    }
    match v {
        Value::Object(o) => {
            let mut m = Map::with_capacity(o.len());
            for (k, x) in o.iter() {
                if x.is_function() || x.is_undefined() {
                    continue;
                }
                m.insert(
                    k.clone(),
                    crate::stack::guarded(|| deep_clone(x, depth + 1)),
                );
            }
            Value::object(m)
        }
        Value::Array(a, _) => Value::array(
            a.iter()
                .map(|x| {
                    if x.is_function() || x.is_undefined() {
                        Value::Null
                    } else {
                        crate::stack::guarded(|| deep_clone(x, depth + 1))
                    }
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

pub(crate) fn fn_clone(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(crate::stack::guarded(|| deep_clone(arg(args, 0), 0)))
}

pub(crate) fn fn_boolean(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(boolean(arg(args, 0)).map(Value::Bool).unwrap_or_default())
}

pub(crate) fn fn_not(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(boolean(arg(args, 0))
        .map(|b| Value::Bool(!b))
        .unwrap_or_default())
}

pub(crate) fn fn_exists(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(Value::Bool(!arg(args, 0).is_undefined()))
}

pub(crate) fn fn_type(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(match arg(args, 0) {
        Value::Undefined => Value::Undefined,
        Value::Null => Value::string("null"),
        Value::Bool(_) => Value::string("boolean"),
        Value::Number(_) => Value::string("number"),
        Value::String(_) => Value::string("string"),
        Value::Array(..) => Value::string("array"),
        Value::Object(_) => Value::string("object"),
        Value::Function(_) => Value::string("function"),
    })
}

pub(crate) fn fn_error(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let msg = str_arg(args, 0)
        .map(|s| s.to_string())
        .unwrap_or_else(|| "$error() function evaluated".into());
    Err(Error::new("D3137").message(msg.clone()).value(msg))
}

pub(crate) fn fn_assert(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    if matches!(arg(args, 0), Value::Bool(true)) {
        return Ok(Value::Undefined);
    }
    let msg = str_arg(args, 1)
        .map(|s| s.to_string())
        .unwrap_or_else(|| "$assert() statement failed".into());
    Err(Error::new("D3141").message(msg.clone()).value(msg))
}
