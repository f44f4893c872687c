//! The built-in function library (JSONata 2.0 plus AWS Step Functions' extras).
//!
//! Argument checking is driven by each function's signature string, exactly as in the
//! reference implementation, so type errors carry the same codes (T0410/T0411/T0412).
//! Builtins live in families (one module each); the pure helpers behind them (picture
//! languages, calendars, URL and regex loops) sit next to the builtins that use them.

mod arrays;
mod aws;
mod datetime;
mod hof;
mod numbers;
mod objects;
mod regex;
mod strings;
mod url;

#[cfg(test)]
mod tests;

use std::rc::Rc;

use crate::error::{Error, Result};
use crate::eval::{Builtin, Env, Evaluator};
use crate::value::{flags, Arr, Value};

use arrays::*;
use aws::*;
use datetime::*;
use hof::*;
use numbers::*;
use objects::*;
use regex::*;
use strings::*;
use url::*;

macro_rules! builtins {
    ($($name:literal, $sig:literal, $f:expr;)*) => {
        /// The built-in function library the evaluator is given: name, signature (as the
        /// reference writes it) and implementation.
        pub static LIBRARY: [Builtin; [$($name),*].len()] = [$(Builtin::new($name, $sig, $f)),*];
    };
}

builtins! {
    "sum", "<a<n>:n>", fn_sum;
    "count", "<a:n>", fn_count;
    "max", "<a<n>:n>", fn_max;
    "min", "<a<n>:n>", fn_min;
    "average", "<a<n>:n>", fn_average;
    "string", "<x-b?:s>", fn_string;
    "substring", "<s-nn?:s>", fn_substring;
    "substringBefore", "<s-s:s>", fn_substring_before;
    "substringAfter", "<s-s:s>", fn_substring_after;
    "lowercase", "<s-:s>", fn_lowercase;
    "uppercase", "<s-:s>", fn_uppercase;
    "length", "<s-:n>", fn_length;
    "trim", "<s-:s>", fn_trim;
    "pad", "<s-ns?:s>", fn_pad;
    "match", "<s-f<s:o>n?:a<o>>", fn_match;
    "contains", "<s-(sf):b>", fn_contains;
    "replace", "<s-(sf)(sf)n?:s>", fn_replace;
    "split", "<s-(sf)n?:a<s>>", fn_split;
    "join", "<a<s>s?:s>", fn_join;
    "formatNumber", "<n-so?:s>", fn_format_number;
    "formatBase", "<n-n?:s>", fn_format_base;
    "formatInteger", "<n-s:s>", fn_format_integer;
    "parseInteger", "<s-s:n>", fn_parse_integer;
    "number", "<(nsb)-:n>", fn_number;
    "floor", "<n-:n>", fn_floor;
    "ceil", "<n-:n>", fn_ceil;
    "round", "<n-n?:n>", fn_round;
    "abs", "<n-:n>", fn_abs;
    "sqrt", "<n-:n>", fn_sqrt;
    "power", "<n-n:n>", fn_power;
    "random", "<n?:n>", fn_random;
    "boolean", "<x-:b>", fn_boolean;
    "not", "<x-:b>", fn_not;
    "map", "<af>", fn_map;
    "zip", "<a+>", fn_zip;
    "filter", "<af>", fn_filter;
    "single", "<af?>", fn_single;
    "reduce", "<afj?:j>", fn_reduce;
    "sift", "<o-f?:o>", fn_sift;
    "keys", "<x-:a<s>>", fn_keys;
    "lookup", "<x-s:x>", fn_lookup;
    "append", "<xx:a>", fn_append;
    "exists", "<x:b>", fn_exists;
    "spread", "<x-:a<o>>", fn_spread;
    "merge", "<a<o>:o>", fn_merge;
    "reverse", "<a:a>", fn_reverse;
    "each", "<o-f:a>", fn_each;
    "error", "<s?:x>", fn_error;
    "assert", "<bs?:x>", fn_assert;
    "type", "<x:s>", fn_type;
    "sort", "<af?:a>", fn_sort;
    "shuffle", "<a:a>", fn_shuffle;
    "distinct", "<x:x>", fn_distinct;
    "base64encode", "<s-:s>", fn_base64encode;
    "base64decode", "<s-:s>", fn_base64decode;
    "encodeUrlComponent", "<s-:s>", fn_encode_url_component;
    "encodeUrl", "<s-:s>", fn_encode_url;
    "decodeUrlComponent", "<s-:s>", fn_decode_url_component;
    "decodeUrl", "<s-:s>", fn_decode_url;
    "eval", "<sx?:x>", fn_eval;
    "toMillis", "<s-s?:n>", fn_to_millis;
    "fromMillis", "<n-s?s?:s>", fn_from_millis;
    "clone", "<(oa)-:o>", fn_clone;
    "now", "<s?s?:s>", fn_now;
    "millis", "<:n>", fn_millis;
    // AWS Step Functions extras
    // https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
    "partition", "<an:a>", fn_partition;
    "range", "<nnn?:a>", fn_range;
    "hash", "<s-s?:s>", fn_hash;
    "uuid", "<:s>", fn_uuid;
    "parse", "<s-:x>", fn_parse;
}

thread_local! {
    // One shared `undefined` per thread to lend out for missing arguments.
    static UNDEF: &'static Value = Box::leak(Box::new(Value::Undefined));
}

pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    match args.get(i) {
        Some(v) => v,
        None => UNDEF.with(|u| *u),
    }
}

pub(crate) fn str_arg(args: &[Value], i: usize) -> Option<Rc<str>> {
    match args.get(i) {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    }
}

pub(crate) fn num_arg(args: &[Value], i: usize) -> Option<f64> {
    args.get(i).and_then(|v| v.as_f64())
}

/// JavaScript truthiness (used where the reference tests a callback result with `if`).
pub(crate) fn truthy(v: &Value) -> bool {
    match v {
        Value::Undefined | Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0 && !n.is_nan(),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// Calls a callback with as many of (value, index, array) as it declares.
pub(crate) fn call_hof(
    ev: &Evaluator,
    f: &Value,
    a1: Value,
    a2: Value,
    a3: Value,
    env: &Env,
) -> Result<Value> {
    let arity = ev.arity(f);
    let mut args = vec![a1];
    if arity >= 2 {
        args.push(a2);
    }
    if arity >= 3 {
        args.push(a3);
    }
    ev.apply(f, args, &Value::Undefined, env)
}

/// `$eval(expr[, context])`: parses and evaluates at run time (not in the Step Functions
/// dialect, where `$parse` replaces it); its errors become D3120 (syntax) and D3121.
pub(crate) fn fn_eval(ev: &Evaluator, args: &[Value], input: &Value, env: &Env) -> Result<Value> {
    let Some(src) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let mut ctx = input.clone();
    if let Some(focus) = args.get(1) {
        if !focus.is_undefined() {
            ctx = match focus {
                Value::Array(a, f) if f & flags::SEQUENCE == 0 => Value::Array(
                    Rc::new(Arr::from(vec![Value::Array(a.clone(), *f)])),
                    flags::SEQUENCE | flags::OUTER_WRAPPER,
                ),
                other => other.clone(),
            };
        }
    }
    let ast = crate::parser::parse_with(&src, ev.step_functions)
        .map_err(|e| Error::new("D3120").value(e.describe()))?;
    ev.eval(&ast, &ctx, env).map_err(|e| {
        if e.code == "U1001" {
            e
        } else {
            Error::new("D3121").value(e.describe())
        }
    })
}
