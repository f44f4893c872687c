//! String functions; lengths and positions count code points, as jsonata-js does.

use crate::error::Result;
use crate::eval::{Env, Evaluator};

use super::*;
use crate::value::*;

pub(crate) fn fn_string(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let v = arg(args, 0);
    if v.is_undefined() {
        return Ok(Value::Undefined);
    }
    let pretty = matches!(arg(args, 1), Value::Bool(true));
    Ok(Value::string(string_of(v, pretty)?))
}

pub(crate) fn fn_substring(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let start = num_arg(args, 1).unwrap_or(0.0);
    Ok(Value::string(js_substring(&s, start, num_arg(args, 2))))
}

pub(crate) fn fn_substring_before(
    _: &Evaluator,
    args: &[Value],
    _: &Value,
    _: &Env,
) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let Some(c) = str_arg(args, 1) else {
        return Ok(Value::string(s));
    };
    Ok(Value::string(substring_before(&s, &c)))
}

pub(crate) fn fn_substring_after(
    _: &Evaluator,
    args: &[Value],
    _: &Value,
    _: &Env,
) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let Some(c) = str_arg(args, 1) else {
        return Ok(Value::string(s));
    };
    Ok(Value::string(substring_after(&s, &c)))
}

pub(crate) fn fn_lowercase(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(str_arg(args, 0)
        .map(|s| Value::string(s.to_lowercase()))
        .unwrap_or_default())
}

pub(crate) fn fn_uppercase(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(str_arg(args, 0)
        .map(|s| Value::string(s.to_uppercase()))
        .unwrap_or_default())
}

pub(crate) fn fn_length(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(str_arg(args, 0)
        .map(|s| Value::Number(js_length(&s) as f64))
        .unwrap_or_default())
}

pub(crate) fn fn_trim(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(str_arg(args, 0)
        .map(|s| Value::string(js_trim(&s)))
        .unwrap_or_default())
}

pub(crate) fn fn_pad(ev: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let width = num_arg(args, 1).unwrap_or(0.0);
    if width.is_finite() {
        // Bytes at least (the padding may be multibyte), capped as js_pad caps it.
        ev.build(width.abs().min(1e8) as usize, 0)?;
    }
    let pad = str_arg(args, 2);
    Ok(Value::string(js_pad(&s, width, pad.as_deref())))
}

pub(crate) fn fn_join(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
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

/// `$length`: number of code points.
pub fn js_length(s: &str) -> usize {
    s.chars().count()
}

/// JavaScript `ToIntegerOrInfinity` clamped into isize.
pub(crate) fn to_int(x: f64) -> isize {
    if x.is_nan() {
        0
    } else if x >= isize::MAX as f64 {
        isize::MAX
    } else if x <= isize::MIN as f64 {
        isize::MIN
    } else {
        x.trunc() as isize
    }
}

/// `Array.prototype.slice(start, end)` over code points.
pub(crate) fn slice_chars(chars: &[char], start: f64, end: Option<f64>) -> String {
    let len = chars.len() as isize;
    let norm = |i: isize| {
        if i < 0 {
            len.saturating_add(i).max(0)
        } else {
            i.min(len)
        }
    };
    let a = norm(to_int(start));
    let b = end.map_or(len, |e| norm(to_int(e)));
    if a >= b {
        String::new()
    } else {
        chars[a as usize..b as usize].iter().collect()
    }
}

/// `$substring(str, start[, length])`: negative `start` counts from the end.
pub fn js_substring(s: &str, start: f64, length: Option<f64>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let len = chars.len() as f64;
    let mut start = start;
    if len + start < 0.0 {
        start = 0.0;
    }
    match length {
        Some(l) => {
            if l <= 0.0 || l.is_nan() {
                return String::new();
            }
            let end = if start >= 0.0 {
                start + l
            } else {
                len + start + l
            };
            slice_chars(&chars, start, Some(end))
        }
        None => slice_chars(&chars, start, None),
    }
}

/// `$pad(str, width[, char])`: positive width pads on the right, negative on the left;
/// a multi-character pad string is repeated and cut to fit.
pub fn js_pad(s: &str, width: f64, pad: Option<&str>) -> String {
    let pad = match pad {
        Some(p) if !p.is_empty() => p,
        _ => " ",
    };
    let target = if width.is_finite() {
        width.abs().floor()
    } else {
        0.0
    };
    // Bound the work on absurd widths instead of exhausting memory.
    let target = target.min(1e8) as usize;
    let len = js_length(s);
    if target <= len {
        return s.to_string();
    }
    let pad_len = target - len;
    let padding: String = pad.chars().cycle().take(pad_len).collect();
    if width > 0.0 {
        format!("{}{}", s, padding)
    } else {
        format!("{}{}", padding, s)
    }
}

/// `$trim`: runs of space, tab, CR and LF become one space; one leading and one trailing
/// space are then removed.
pub fn js_trim(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_ws = false;
    for c in s.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            if !in_ws {
                out.push(' ');
            }
            in_ws = true;
        } else {
            out.push(c);
            in_ws = false;
        }
    }
    let out = out.strip_prefix(' ').unwrap_or(&out);
    out.strip_suffix(' ').unwrap_or(out).to_string()
}

/// `$substringBefore(str, chars)`: the whole string when `chars` does not occur.
pub fn substring_before(s: &str, chars: &str) -> String {
    match s.find(chars) {
        Some(p) => s[..p].to_string(),
        None => s.to_string(),
    }
}

/// `$substringAfter(str, chars)`: the whole string when `chars` does not occur.
pub fn substring_after(s: &str, chars: &str) -> String {
    match s.find(chars) {
        Some(p) => s[p + chars.len()..].to_string(),
        None => s.to_string(),
    }
}
