//! The built-in function library (JSONata 2.0 plus AWS Step Functions' extras).
//!
//! Argument checking is driven by each function's signature string, exactly as in the
//! reference implementation, so type errors carry the same codes (T0410/T0411/T0412).
//! Formatting, date/time, regex and URL helpers live in `lib_fns`; this module adapts them to
//! JSONata values and the undefined-in/undefined-out conventions.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};
use crate::eval::{Env, Evaluator};
use crate::lib_fns::{self, FnError, JsRegex, RegexMatch};
use crate::parser::{LambdaDef, TransformDef};
use crate::signature::Signature;
use crate::value::{deep_equal, flags, Arr, Map, Value};

/// A function value.
pub enum Func {
    Lambda {
        def: Arc<LambdaDef>,
        env: Env,
        input: Value,
    },
    Builtin(&'static Builtin),
    /// Partial application: `None` marks a `?` placeholder.
    Partial {
        func: Value,
        args: Vec<Option<Value>>,
    },
    /// `f ~> g` with both sides functions.
    Compose(Value, Value),
    Regex(Rc<JsRegex>),
    /// The `next` function of a regex match object.
    RegexNext {
        re: Rc<JsRegex>,
        s: Rc<str>,
        prev: RegexMatch,
    },
    Transform {
        def: Arc<TransformDef>,
        env: Env,
    },
}

type NativeFn = fn(&Evaluator, &[Value], &Value, &Env) -> Result<Value>;

pub struct Builtin {
    pub name: &'static str,
    sig: &'static str,
    pub f: NativeFn,
}

macro_rules! builtins {
    ($($name:literal, $sig:literal, $f:expr;)*) => {
        static BUILTINS: &[Builtin] = &[$(Builtin { name: $name, sig: $sig, f: $f }),*];
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

pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// Parsed signatures of the built-ins, computed once.
pub fn signature_of(b: &'static Builtin) -> &'static Signature {
    static SIGS: OnceLock<Vec<Signature>> = OnceLock::new();
    let sigs = SIGS.get_or_init(|| {
        BUILTINS
            .iter()
            .map(|b| {
                Signature::parse(b.sig).unwrap_or_else(|_| {
                    Signature::parse("<x*>").unwrap_or_else(|_| unreachable_signature())
                })
            })
            .collect()
    });
    let idx = BUILTINS
        .iter()
        .position(|x| std::ptr::eq(x, b))
        .unwrap_or(0);
    &sigs[idx]
}

fn unreachable_signature() -> Signature {
    // Signature::parse never fails on the fixed strings above; this is only a typed fallback.
    match Signature::parse("<x>") {
        Ok(s) => s,
        Err(_) => std::process::abort(),
    }
}

// ---------------------------------------------------------------- helpers

fn lib_err(e: FnError) -> Error {
    Error::new(e.code).message(e.message)
}

thread_local! {
    // One shared `undefined` per thread to lend out for missing arguments.
    static UNDEF: &'static Value = Box::leak(Box::new(Value::Undefined));
}

fn arg(args: &[Value], i: usize) -> &Value {
    match args.get(i) {
        Some(v) => v,
        None => UNDEF.with(|u| *u),
    }
}

fn str_arg(args: &[Value], i: usize) -> Option<Rc<str>> {
    match args.get(i) {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    }
}

fn num_arg(args: &[Value], i: usize) -> Option<f64> {
    args.get(i).and_then(|v| v.as_f64())
}

pub fn num_to_string(n: f64) -> String {
    lib_fns::number_to_string(n)
}

/// JavaScript string ordering (UTF-16 code units).
pub fn js_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// JSONata's `$boolean` casting; `None` for undefined.
pub fn boolean(v: &Value) -> Option<bool> {
    Some(match v {
        Value::Undefined => return None,
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0 && !n.is_nan(),
        Value::String(s) => !s.is_empty(),
        Value::Array(a, _) => match a.len() {
            0 => false,
            1 => boolean(&a[0]).unwrap_or(false),
            _ => a.iter().any(|x| boolean(x) == Some(true)),
        },
        Value::Object(o) => !o.is_empty(),
        Value::Function(_) => false,
    })
}

/// JavaScript truthiness (used where the reference tests a callback result with `if`).
fn truthy(v: &Value) -> bool {
    match v {
        Value::Undefined | Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0 && !n.is_nan(),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// `$append` semantics, also used to accumulate group and tuple values.
pub fn append(a: Value, b: Value) -> Value {
    if a.is_undefined() {
        return b;
    }
    if b.is_undefined() {
        return a;
    }
    let mut out = a.to_vec();
    match b {
        Value::Array(items, _) => out.extend(items.iter().cloned()),
        other => out.push(other),
    }
    Value::array(out)
}

/// Stable merge sort with a fallible "should swap" comparator, as the reference sorts.
pub fn merge_sort<T: Clone>(
    items: Vec<T>,
    swap: &mut dyn FnMut(&T, &T) -> Result<bool>,
) -> Result<Vec<T>> {
    if items.len() <= 1 {
        return Ok(items);
    }
    let mid = items.len() / 2;
    let mut left = items;
    let right = left.split_off(mid);
    let left = merge_sort(left, swap)?;
    let right = merge_sort(right, swap)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if swap(&left[i], &right[j])? {
            out.push(right[j].clone());
            j += 1;
        } else {
            out.push(left[i].clone());
            i += 1;
        }
    }
    out.extend_from_slice(&left[i..]);
    out.extend_from_slice(&right[j..]);
    Ok(out)
}

/// Longest JSON text (64 MiB) `$string` and messages build, as a value shared many times
/// over expands exponentially.
const MAX_JSON_TEXT: usize = 1 << 26;

/// JSON text of a value for messages: never fails (non-finite numbers print as JS would).
pub fn to_json_string(v: &Value, pretty: bool) -> String {
    let mut out = String::new();
    crate::stack::guarded(|| write_json(v, pretty, 0, &mut out, false)).unwrap_or(());
    out
}

/// `JSON.stringify` with JSONata's replacer: numbers to 15 significant digits, functions as
/// empty strings; non-finite numbers are D1001.
fn stringify(v: &Value, pretty: bool) -> Result<String> {
    let mut out = String::new();
    crate::stack::guarded(|| write_json(v, pretty, 0, &mut out, true))?;
    Ok(out)
}

fn write_json(
    v: &Value,
    pretty: bool,
    indent: usize,
    out: &mut String,
    strict: bool,
) -> Result<()> {
    if indent > 2000 {
        return Err(Error::new("U1001"));
    }
    if out.len() > MAX_JSON_TEXT {
        // A value shared many times over expands exponentially in text.
        return Err(Error::new("U1001").message(format!(
            "The JSON text of the value is longer than {MAX_JSON_TEXT} bytes"
        )));
    }
    match v {
        Value::Undefined | Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if !n.is_finite() {
                if strict {
                    return Err(Error::new("D1001").value(num_to_string(*n)));
                }
                out.push_str(&num_to_string(*n));
            } else if n.fract() == 0.0 {
                out.push_str(&num_to_string(*n));
            } else {
                out.push_str(&num_to_string(lib_fns::round_precision15(*n)));
            }
        }
        Value::String(s) => out.push_str(&serde_json::to_string(&**s).unwrap_or_default()),
        Value::Function(_) => out.push_str("\"\""),
        Value::Array(a, _) => {
            if a.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if pretty {
                    out.push('\n');
                    out.push_str(&"  ".repeat(indent + 1));
                }
                crate::stack::guarded(|| write_json(x, pretty, indent + 1, out, strict))?;
            }
            if pretty {
                out.push('\n');
                out.push_str(&"  ".repeat(indent));
            }
            out.push(']');
        }
        Value::Object(o) => {
            let entries: Vec<_> = o.iter().filter(|(_, x)| !x.is_undefined()).collect();
            if entries.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, (k, x)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if pretty {
                    out.push('\n');
                    out.push_str(&"  ".repeat(indent + 1));
                }
                out.push_str(&serde_json::to_string(k.as_str()).unwrap_or_default());
                out.push(':');
                if pretty {
                    out.push(' ');
                }
                crate::stack::guarded(|| write_json(x, pretty, indent + 1, out, strict))?;
            }
            if pretty {
                out.push('\n');
                out.push_str(&"  ".repeat(indent));
            }
            out.push('}');
        }
    }
    Ok(())
}

/// `$string` conversion.
pub fn string_of(v: &Value, pretty: bool) -> Result<String> {
    match v {
        Value::String(s) => Ok(s.to_string()),
        Value::Function(_) => Ok(String::new()),
        Value::Number(n) if n.is_finite() && n.fract() == 0.0 => Ok(num_to_string(*n)),
        Value::Number(n) => lib_fns::string_of_number(*n).map_err(lib_err),
        Value::Array(a, f) if f & flags::OUTER_WRAPPER != 0 && !a.is_empty() => {
            stringify(&a[0], pretty)
        }
        other => stringify(other, pretty),
    }
}

/// Calls a callback with as many of (value, index, array) as it declares.
fn call_hof(
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

/// A match's capture groups as JSONata gives them: unmatched groups are empty strings.
fn groups_value(m: &RegexMatch) -> Value {
    Value::array(
        m.groups
            .iter()
            .map(|g| Value::string(g.clone().unwrap_or_default()))
            .collect(),
    )
}

/// Builds the match object a regex value returns when called: `{match, start, end, groups,
/// next}`.
pub fn match_object(re: &Rc<JsRegex>, s: &Rc<str>, m: RegexMatch) -> Value {
    let mut o = Map::new();
    o.insert("match".into(), Value::string(m.matched.as_str()));
    o.insert("start".into(), Value::Number(m.start as f64));
    o.insert("end".into(), Value::Number(m.end as f64));
    o.insert("groups".into(), groups_value(&m));
    o.insert(
        "next".into(),
        Value::Function(Rc::new(Func::RegexNext {
            re: re.clone(),
            s: s.clone(),
            prev: m,
        })),
    );
    Value::object(o)
}

fn regex_of(v: &Value) -> Option<Rc<JsRegex>> {
    match v {
        Value::Function(f) => match f.as_ref() {
            Func::Regex(r) => Some(r.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// One step of the custom matcher protocol: call `f(str)` (or a `next` function) and check
/// the result has the `{match, start, end, groups}` shape.
fn custom_match(ev: &Evaluator, f: &Value, args: Vec<Value>, env: &Env) -> Result<Option<Map>> {
    let r = ev.apply(f, args, &Value::Undefined, env)?;
    match r {
        Value::Undefined => Ok(None),
        Value::Object(o)
            if o.get("match").map(|x| x.is_string()).unwrap_or(false)
                && o.get("start").map(|x| x.is_number()).unwrap_or(false)
                && o.get("end").map(|x| x.is_number()).unwrap_or(false) =>
        {
            Ok(Some(o.0.clone()))
        }
        _ => Err(Error::new("T1010")),
    }
}

/// Collects all matches of a non-regex matcher function.
fn custom_matches(
    ev: &Evaluator,
    f: &Value,
    s: &str,
    limit: Option<usize>,
    env: &Env,
) -> Result<Vec<Map>> {
    let mut out = Vec::new();
    let mut cur = custom_match(ev, f, vec![Value::string(s)], env)?;
    while let Some(m) = cur {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        let next = m.get("next").cloned().unwrap_or_default();
        out.push(m);
        if !next.is_function() {
            break;
        }
        cur = custom_match(ev, &next, vec![], env)?;
    }
    Ok(out)
}

fn limit_arg(args: &[Value], i: usize, code: &'static str) -> Result<Option<usize>> {
    match args.get(i) {
        Some(Value::Number(n)) => {
            if *n < 0.0 {
                Err(Error::new(code))
            } else {
                Ok(Some(n.floor() as usize))
            }
        }
        _ => Ok(None),
    }
}

// ---------------------------------------------------------------- aggregation

fn numbers(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a, _) => a.iter().filter_map(|x| x.as_f64()).collect(),
        Value::Number(n) => vec![*n],
        _ => vec![],
    }
}

fn fn_sum(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    if arg(args, 0).is_undefined() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Number(numbers(arg(args, 0)).iter().sum()))
}

fn fn_count(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(Value::Number(match arg(args, 0) {
        Value::Undefined => 0.0,
        Value::Array(a, _) => a.len() as f64,
        _ => 1.0,
    }))
}

fn fn_max(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let n = numbers(arg(args, 0));
    if n.is_empty() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Number(
        n.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
    ))
}

fn fn_min(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let n = numbers(arg(args, 0));
    if n.is_empty() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Number(
        n.iter().cloned().fold(f64::INFINITY, f64::min),
    ))
}

fn fn_average(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let n = numbers(arg(args, 0));
    if n.is_empty() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Number(n.iter().sum::<f64>() / n.len() as f64))
}

// ---------------------------------------------------------------- strings

fn fn_string(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let v = arg(args, 0);
    if v.is_undefined() {
        return Ok(Value::Undefined);
    }
    let pretty = matches!(arg(args, 1), Value::Bool(true));
    Ok(Value::string(string_of(v, pretty)?))
}

fn fn_substring(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let start = num_arg(args, 1).unwrap_or(0.0);
    Ok(Value::string(lib_fns::js_substring(
        &s,
        start,
        num_arg(args, 2),
    )))
}

fn fn_substring_before(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let Some(c) = str_arg(args, 1) else {
        return Ok(Value::string(s));
    };
    Ok(Value::string(lib_fns::substring_before(&s, &c)))
}

fn fn_substring_after(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let Some(c) = str_arg(args, 1) else {
        return Ok(Value::string(s));
    };
    Ok(Value::string(lib_fns::substring_after(&s, &c)))
}

fn fn_lowercase(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(str_arg(args, 0)
        .map(|s| Value::string(s.to_lowercase()))
        .unwrap_or_default())
}

fn fn_uppercase(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(str_arg(args, 0)
        .map(|s| Value::string(s.to_uppercase()))
        .unwrap_or_default())
}

fn fn_length(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(str_arg(args, 0)
        .map(|s| Value::Number(lib_fns::js_length(&s) as f64))
        .unwrap_or_default())
}

fn fn_trim(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(str_arg(args, 0)
        .map(|s| Value::string(lib_fns::js_trim(&s)))
        .unwrap_or_default())
}

fn fn_pad(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let width = num_arg(args, 1).unwrap_or(0.0);
    if width.is_finite() {
        // Bytes at least (the padding may be multibyte), capped as js_pad caps it.
        ev.charge(width.abs().min(1e8) as usize, 0)?;
    }
    let pad = str_arg(args, 2);
    Ok(Value::string(lib_fns::js_pad(&s, width, pad.as_deref())))
}

fn fn_match(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    if arg(args, 1).is_undefined() {
        return Ok(Value::Undefined);
    }
    let limit = limit_arg(args, 2, "D3040")?;
    let mut out = Vec::new();
    if let Some(re) = regex_of(arg(args, 1)) {
        for m in ev.with_regex_budget(|| lib_fns::match_regex(&s, &re, limit).map_err(lib_err))? {
            let mut o = Map::new();
            o.insert("match".into(), Value::string(m.matched.as_str()));
            o.insert("index".into(), Value::Number(m.start as f64));
            o.insert("groups".into(), groups_value(&m));
            out.push(Value::object(o));
        }
    } else {
        for m in custom_matches(ev, arg(args, 1), &s, limit, env)? {
            let mut o = Map::new();
            o.insert("match".into(), m.get("match").cloned().unwrap_or_default());
            o.insert("index".into(), m.get("start").cloned().unwrap_or_default());
            o.insert(
                "groups".into(),
                m.get("groups").cloned().unwrap_or_default(),
            );
            out.push(Value::object(o));
        }
    }
    Ok(Value::sequence(out))
}

fn fn_contains(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    if arg(args, 1).is_undefined() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Bool(match arg(args, 1) {
        Value::String(p) => s.contains(&**p),
        other => match regex_of(other) {
            Some(re) => {
                ev.with_regex_budget(|| lib_fns::contains_regex(&s, &re).map_err(lib_err))?
            }
            None => !custom_matches(ev, other, &s, Some(1), env)?.is_empty(),
        },
    }))
}

fn fn_replace(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    if let Value::String(p) = arg(args, 1) {
        if p.is_empty() {
            return Err(Error::new("D3010"));
        }
    }
    let limit = limit_arg(args, 3, "D3011")?;
    let pattern = arg(args, 1);
    let replacement = arg(args, 2);
    if let Value::String(p) = pattern {
        let rep = match replacement {
            Value::String(r) => r.to_string(),
            other => string_of(other, false)?,
        };
        return Ok(Value::string(
            lib_fns::replace_str(&s, p, &rep, limit).map_err(lib_err)?,
        ));
    }
    let Some(re) = regex_of(pattern) else {
        return Err(Error::new("T1010"));
    };
    let failure: RefCell<Option<Error>> = RefCell::new(None);
    let replaced = ev.with_regex_budget(|| {
        Ok(match replacement {
            Value::String(tpl) => lib_fns::replace_regex(&s, &re, limit, &mut |m| {
                Ok(lib_fns::expand_replacement(tpl, m))
            }),
            f => lib_fns::replace_regex(&s, &re, limit, &mut |m| {
                let mut o = Map::new();
                o.insert("match".into(), Value::string(m.matched.as_str()));
                o.insert("index".into(), Value::Number(m.start as f64));
                o.insert("start".into(), Value::Number(m.start as f64));
                o.insert("end".into(), Value::Number(m.end as f64));
                o.insert("groups".into(), groups_value(m));
                match ev.apply(f, vec![Value::object(o)], &Value::Undefined, env) {
                    Ok(Value::String(r)) => Ok(r.to_string()),
                    Ok(other) => {
                        *failure.borrow_mut() =
                            Some(Error::new("D3012").value(to_json_string(&other, false)));
                        Err(FnError {
                            code: "D3012",
                            message: String::new(),
                        })
                    }
                    Err(e) => {
                        *failure.borrow_mut() = Some(e);
                        Err(FnError {
                            code: "D3012",
                            message: String::new(),
                        })
                    }
                }
            }),
        })
    })?;
    match replaced {
        Ok(r) => Ok(Value::string(r)),
        Err(e) => Err(failure.into_inner().unwrap_or_else(|| lib_err(e))),
    }
}

fn fn_split(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    if arg(args, 1).is_undefined() {
        return Ok(Value::Undefined);
    }
    let limit = limit_arg(args, 2, "D3020")?;
    let parts = match arg(args, 1) {
        Value::String(sep) => lib_fns::split_str(&s, sep, limit),
        other => match regex_of(other) {
            Some(re) => {
                ev.with_regex_budget(|| lib_fns::split_regex(&s, &re, limit).map_err(lib_err))?
            }
            None => {
                let ms = custom_matches(ev, other, &s, None, env)?;
                let chars: Vec<u16> = s.encode_utf16().collect();
                let mut out = Vec::new();
                let mut pos = 0usize;
                for m in ms {
                    let st = m.get("start").and_then(|v| v.as_f64()).unwrap_or(0.0) as usize;
                    let en = m.get("end").and_then(|v| v.as_f64()).unwrap_or(0.0) as usize;
                    out.push(String::from_utf16_lossy(
                        &chars[pos.min(chars.len())..st.min(chars.len()).max(pos.min(chars.len()))],
                    ));
                    pos = en;
                }
                out.push(String::from_utf16_lossy(&chars[pos.min(chars.len())..]));
                if let Some(l) = limit {
                    out.truncate(l);
                }
                out
            }
        },
    };
    Ok(Value::array(parts.into_iter().map(Value::string).collect()))
}

fn fn_join(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let v = arg(args, 0);
    if v.is_undefined() {
        return Ok(Value::Undefined);
    }
    let sep = str_arg(args, 1).map(|s| s.to_string()).unwrap_or_default();
    let parts: Vec<String> = v
        .to_vec()
        .iter()
        .filter_map(|x| x.as_str().map(String::from))
        .collect();
    Ok(Value::string(parts.join(&sep)))
}

// ---------------------------------------------------------------- numbers

fn fn_format_number(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
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
        lib_fns::format_number(n, &picture, &opts).map_err(lib_err)?,
    ))
}

fn fn_format_base(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(n) = num_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    Ok(Value::string(
        lib_fns::format_base(n, num_arg(args, 1)).map_err(lib_err)?,
    ))
}

fn fn_format_integer(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(n) = num_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let picture = str_arg(args, 1).map(|s| s.to_string()).unwrap_or_default();
    Ok(Value::string(
        lib_fns::format_integer(n, &picture).map_err(lib_err)?,
    ))
}

fn fn_parse_integer(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let picture = str_arg(args, 1).map(|s| s.to_string()).unwrap_or_default();
    Ok(Value::Number(
        lib_fns::parse_integer(&s, &picture).map_err(lib_err)?,
    ))
}

fn fn_number(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(match arg(args, 0) {
        Value::Undefined => Value::Undefined,
        Value::Number(n) => Value::Number(*n),
        Value::Bool(b) => Value::Number(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => match lib_fns::parse_number(s) {
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

fn unary_num(args: &[Value], f: fn(f64) -> f64) -> Value {
    num_arg(args, 0)
        .map(|n| Value::Number(f(n)))
        .unwrap_or_default()
}

fn fn_floor(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(unary_num(args, f64::floor))
}

fn fn_ceil(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(unary_num(args, f64::ceil))
}

fn fn_abs(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(unary_num(args, f64::abs))
}

fn fn_round(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(n) = num_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let p = num_arg(args, 1).unwrap_or(0.0) as i32;
    Ok(Value::Number(lib_fns::round_half_even(n, p)))
}

fn fn_sqrt(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(n) = num_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    if n < 0.0 {
        return Err(Error::new("D3060").value(num_to_string(n)).index(1));
    }
    Ok(Value::Number(n.sqrt()))
}

fn fn_power(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(b) = num_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let e = num_arg(args, 1).unwrap_or(f64::NAN);
    let r = b.powf(e);
    if !r.is_finite() {
        return Err(Error::new("D3061")
            .value(num_to_string(b))
            .value2(num_to_string(e))
            .index(1));
    }
    Ok(Value::Number(r))
}

fn fn_random(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    // Step Functions accepts an optional seed: the same seed always gives the same number.
    if let Some(seed) = num_arg(args, 0) {
        let mut rng = crate::eval::Rng::new(seed.to_bits());
        return Ok(Value::Number(rng.next_f64()));
    }
    Ok(Value::Number(ev.rng.borrow_mut().next_f64()))
}

// ---------------------------------------------------------------- booleans / types

fn fn_boolean(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(boolean(arg(args, 0)).map(Value::Bool).unwrap_or_default())
}

fn fn_not(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(boolean(arg(args, 0))
        .map(|b| Value::Bool(!b))
        .unwrap_or_default())
}

fn fn_exists(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(Value::Bool(!arg(args, 0).is_undefined()))
}

fn fn_type(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
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

fn fn_error(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let msg = str_arg(args, 0)
        .map(|s| s.to_string())
        .unwrap_or_else(|| "$error() function evaluated".into());
    Err(Error::new("D3137").message(msg.clone()).value(msg))
}

fn fn_assert(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    if matches!(arg(args, 0), Value::Bool(true)) {
        return Ok(Value::Undefined);
    }
    let msg = str_arg(args, 1)
        .map(|s| s.to_string())
        .unwrap_or_else(|| "$assert() statement failed".into());
    Err(Error::new("D3141").message(msg.clone()).value(msg))
}

// ---------------------------------------------------------------- higher-order

fn fn_map(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
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

fn fn_filter(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
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

fn fn_single(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
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

fn fn_reduce(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
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

fn fn_sift(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
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

fn fn_each(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
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

fn fn_sort(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
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

fn fn_shuffle(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
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

fn fn_zip(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let lists: Vec<Vec<Value>> = args.iter().map(|a| a.to_vec()).collect();
    let n = lists.iter().map(|l| l.len()).min().unwrap_or(0);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(Value::array(lists.iter().map(|l| l[i].clone()).collect()));
    }
    Ok(Value::array(out))
}

// ---------------------------------------------------------------- objects / arrays

fn keys_of(v: &Value, out: &mut Vec<String>) {
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

fn fn_keys(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
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

fn fn_lookup(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let key = str_arg(args, 1).map(|s| s.to_string()).unwrap_or_default();
    Ok(arg(args, 0).lookup(&key))
}

fn fn_append(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let len = |v: &Value| match v {
        Value::Array(a, _) => a.len(),
        _ => 1,
    };
    ev.charge(0, len(arg(args, 0)) + len(arg(args, 1)))?;
    Ok(append(arg(args, 0).clone(), arg(args, 1).clone()))
}

fn spread(v: &Value) -> Value {
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

fn fn_spread(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(crate::stack::guarded(|| spread(arg(args, 0))))
}

fn fn_merge(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
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

fn fn_reverse(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
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

fn fn_distinct(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
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

fn deep_clone(v: &Value, depth: usize) -> Value {
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

fn fn_clone(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(crate::stack::guarded(|| deep_clone(arg(args, 0), 0)))
}

// ---------------------------------------------------------------- encoding

fn str_fn(args: &[Value], f: fn(&str) -> lib_fns::FnResult<String>, name: &str) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    Ok(Value::string(f(&s).map_err(|e| {
        let mut err = lib_err(e);
        err.token = Some(name.into());
        err
    })?))
}

fn fn_base64encode(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(str_arg(args, 0)
        .map(|s| Value::string(lib_fns::base64_encode(&s)))
        .unwrap_or_default())
}

fn fn_base64decode(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    str_fn(args, lib_fns::base64_decode, "base64decode")
}

fn fn_encode_url_component(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    str_fn(args, lib_fns::encode_url_component, "encodeUrlComponent")
}

fn fn_encode_url(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    str_fn(args, lib_fns::encode_url, "encodeUrl")
}

fn fn_decode_url_component(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    str_fn(args, lib_fns::decode_url_component, "decodeUrlComponent")
}

fn fn_decode_url(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    str_fn(args, lib_fns::decode_url, "decodeUrl")
}

// ---------------------------------------------------------------- eval / time

fn fn_eval(ev: &Evaluator, args: &[Value], input: &Value, env: &Env) -> Result<Value> {
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

fn fn_from_millis(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(ms) = num_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let pic = str_arg(args, 1);
    let tz = str_arg(args, 2);
    Ok(Value::string(
        lib_fns::from_millis(ms, pic.as_deref(), tz.as_deref()).map_err(lib_err)?,
    ))
}

fn fn_to_millis(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let pic = str_arg(args, 1);
    Ok(
        match lib_fns::to_millis(&s, pic.as_deref(), ev.timestamp).map_err(lib_err)? {
            Some(n) => Value::Number(n),
            None => Value::Undefined,
        },
    )
}

fn fn_now(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let pic = str_arg(args, 0);
    let tz = str_arg(args, 1);
    Ok(Value::string(
        lib_fns::from_millis(ev.timestamp, pic.as_deref(), tz.as_deref()).map_err(lib_err)?,
    ))
}

fn fn_millis(ev: &Evaluator, _: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(Value::Number(ev.timestamp))
}

// ---------------------------------------------------------------- Step Functions extras

fn fn_partition(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let arr = arg(args, 0);
    if arr.is_undefined() {
        return Ok(Value::Undefined);
    }
    let size = num_arg(args, 1).unwrap_or(0.0);
    if size < 1.0 || size.fract() != 0.0 {
        return Err(Error::new("D3137")
            .message("The size argument of $partition must be a positive integer"));
    }
    let items = arr.to_vec();
    let out = items
        .chunks(size as usize)
        .map(|c| Value::array(c.to_vec()))
        .collect();
    Ok(Value::array(out))
}

fn fn_range(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let (Some(start), Some(end)) = (num_arg(args, 0), num_arg(args, 1)) else {
        return Ok(Value::Undefined);
    };
    let step = num_arg(args, 2).unwrap_or(1.0);
    if step == 0.0 || !step.is_finite() {
        return Err(Error::new("D3137").message("The step argument of $range must not be zero"));
    }
    let count = ((end - start) / step).floor() + 1.0;
    if count > 1e7 {
        return Err(Error::new("D2014").value(num_to_string(count)));
    }
    let mut out = Vec::new();
    let mut i = 0.0;
    while i < count {
        out.push(Value::Number(start + i * step));
        i += 1.0;
    }
    Ok(Value::array(out))
}

fn fn_hash(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    use sha2::Digest;
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let alg = str_arg(args, 1)
        .map(|a| a.to_string())
        .unwrap_or_else(|| "SHA-256".into());
    let bytes: Vec<u8> = match alg.as_str() {
        "MD5" => md5::Md5::digest(s.as_bytes()).to_vec(),
        "SHA-1" => sha1::Sha1::digest(s.as_bytes()).to_vec(),
        "SHA-256" => sha2::Sha256::digest(s.as_bytes()).to_vec(),
        "SHA-384" => sha2::Sha384::digest(s.as_bytes()).to_vec(),
        "SHA-512" => sha2::Sha512::digest(s.as_bytes()).to_vec(),
        other => {
            return Err(Error::new("D3137").message(format!(
                "Unsupported hash algorithm '{other}': use MD5, SHA-1, SHA-256, SHA-384 or SHA-512"
            )))
        }
    };
    Ok(Value::string(
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    ))
}

fn fn_uuid(ev: &Evaluator, _: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let mut rng = ev.rng.borrow_mut();
    let mut b = [0u8; 16];
    let hi = rng.next_u64().to_be_bytes();
    let lo = rng.next_u64().to_be_bytes();
    b[..8].copy_from_slice(&hi);
    b[8..].copy_from_slice(&lo);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(Value::string(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )))
}

fn fn_parse(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let j: serde_json::Value = serde_json::from_str(&s).map_err(|e| {
        Error::new("D3137").message(format!("$parse: the argument is not valid JSON: {e}"))
    })?;
    Ok(Value::from_json(&j))
}
