//! Numeric functions and aggregation; formatting pictures are in `format` and `integer`.

mod format;
mod integer;

pub(crate) use format::*;
pub(crate) use integer::*;

use crate::error::{lib_err, Error, Result};
use crate::eval::{Env, Evaluator};

use super::*;
use crate::value::*;

pub(crate) fn numbers(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a, _) => a.iter().filter_map(|x| x.as_f64()).collect(),
        Value::Number(n) => vec![*n],
        _ => vec![],
    }
}

pub(crate) fn fn_sum(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    if arg(args, 0).is_undefined() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Number(numbers(arg(args, 0)).iter().sum()))
}

pub(crate) fn fn_count(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(Value::Number(match arg(args, 0) {
        Value::Undefined => 0.0,
        Value::Array(a, _) => a.len() as f64,
        _ => 1.0,
    }))
}

pub(crate) fn fn_max(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let n = numbers(arg(args, 0));
    if n.is_empty() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Number(
        n.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
    ))
}

pub(crate) fn fn_min(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let n = numbers(arg(args, 0));
    if n.is_empty() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Number(
        n.iter().cloned().fold(f64::INFINITY, f64::min),
    ))
}

pub(crate) fn fn_average(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let n = numbers(arg(args, 0));
    if n.is_empty() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Number(n.iter().sum::<f64>() / n.len() as f64))
}

pub(crate) fn fn_format_number(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(n) = num_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let picture = str_arg(args, 1).map(|s| s.to_string()).unwrap_or_default();
    let mut opts = Vec::new();
    if let Value::Object(o) = arg(args, 2) {
        for (k, v) in o.iter() {
            let s = match v {
                Value::String(s) => s.to_string(),
                other => string_of(other, false)?,
            };
            opts.push((k.clone(), s));
        }
    }
    Ok(Value::string(
        format_number(n, &picture, &opts).map_err(lib_err)?,
    ))
}

pub(crate) fn fn_format_base(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(n) = num_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    Ok(Value::string(
        format_base(n, num_arg(args, 1)).map_err(lib_err)?,
    ))
}

pub(crate) fn fn_format_integer(
    _: &Evaluator,
    args: &[Value],
    _: &Value,
    _: &Env,
) -> Result<Value> {
    let Some(n) = num_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let picture = str_arg(args, 1).map(|s| s.to_string()).unwrap_or_default();
    Ok(Value::string(format_integer(n, &picture).map_err(lib_err)?))
}

pub(crate) fn fn_parse_integer(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let picture = str_arg(args, 1).map(|s| s.to_string()).unwrap_or_default();
    Ok(Value::Number(parse_integer(&s, &picture).map_err(lib_err)?))
}

pub(crate) fn fn_number(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(match arg(args, 0) {
        Value::Undefined => Value::Undefined,
        Value::Number(n) => Value::Number(*n),
        Value::Bool(b) => Value::Number(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => match parse_number(s) {
            Some(n) => Value::Number(n),
            None => {
                return Err(Error::new("D3030")
                    .value(to_json_string(arg(args, 0), false))
                    .index(1))
            }
        },
        other => {
            return Err(Error::new("D3030")
                .value(to_json_string(other, false))
                .index(1))
        }
    })
}

pub(crate) fn unary_num(args: &[Value], f: fn(f64) -> f64) -> Value {
    num_arg(args, 0)
        .map(|n| Value::Number(f(n)))
        .unwrap_or_default()
}

pub(crate) fn fn_floor(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(unary_num(args, f64::floor))
}

pub(crate) fn fn_ceil(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(unary_num(args, f64::ceil))
}

pub(crate) fn fn_abs(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(unary_num(args, f64::abs))
}

pub(crate) fn fn_round(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(n) = num_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let p = num_arg(args, 1).unwrap_or(0.0) as i32;
    Ok(Value::Number(round_half_even(n, p)))
}

pub(crate) fn fn_sqrt(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(n) = num_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    if n < 0.0 {
        return Err(Error::new("D3060").value(number_to_string(n)).index(1));
    }
    Ok(Value::Number(n.sqrt()))
}

pub(crate) fn fn_power(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(b) = num_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let e = num_arg(args, 1).unwrap_or(f64::NAN);
    let r = b.powf(e);
    if !r.is_finite() {
        return Err(Error::new("D3061")
            .value(number_to_string(b))
            .value2(number_to_string(e))
            .index(1));
    }
    Ok(Value::Number(r))
}

pub(crate) fn fn_random(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    // Step Functions accepts an optional seed: the same seed always gives the same number.
    if let Some(seed) = num_arg(args, 0) {
        let mut rng = crate::eval::Rng::new(seed.to_bits());
        return Ok(Value::Number(rng.next_f64()));
    }
    Ok(Value::Number(ev.rng.borrow_mut().next_f64()))
}
