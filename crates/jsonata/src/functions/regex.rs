//! `$match`, `$contains`, `$replace` and `$split` with a regex or a custom matcher function,
//! and the search loops behind them (every search runs under the evaluation's backtracking
//! budget, see `crate::regex::Budget`).

use std::cell::RefCell;
use std::rc::Rc;

use crate::error::{lib_err, Error, FnError, FnResult, Result};
use crate::eval::{Env, Evaluator};

use super::*;
use crate::eval::{groups_value, Func};
use crate::regex::{Budget, JsRegex, RegexMatch};
use crate::value::*;

pub(crate) fn regex_of(v: &Value) -> Option<Rc<JsRegex>> {
    match Func::of(v) {
        Some(Func::Regex(r)) => Some(r.clone()),
        _ => None,
    }
}

/// One step of the custom matcher protocol: call `f(str)` (or a `next` function) and check
/// the result has the `{match, start, end, groups}` shape.
pub(crate) fn custom_match(
    ev: &Evaluator,
    f: &Value,
    args: Vec<Value>,
    env: &Env,
) -> Result<Option<Map>> {
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
pub(crate) fn custom_matches(
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

pub(crate) fn limit_arg(args: &[Value], i: usize, code: &'static str) -> Result<Option<usize>> {
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

pub(crate) fn fn_match(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    if arg(args, 1).is_undefined() {
        return Ok(Value::Undefined);
    }
    let limit = limit_arg(args, 2, "D3040")?;
    let mut out = Vec::new();
    if let Some(re) = regex_of(arg(args, 1)) {
        for m in ev.with_regex_budget(|b| match_regex(b, &s, &re, limit).map_err(lib_err))? {
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

pub(crate) fn fn_contains(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    if arg(args, 1).is_undefined() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Bool(match arg(args, 1) {
        Value::String(p) => s.contains(&**p),
        other => match regex_of(other) {
            Some(re) => ev.with_regex_budget(|b| contains_regex(b, &s, &re).map_err(lib_err))?,
            None => !custom_matches(ev, other, &s, Some(1), env)?.is_empty(),
        },
    }))
}

pub(crate) fn fn_replace(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
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
            replace_str(&s, p, &rep, limit).map_err(lib_err)?,
        ));
    }
    let Some(re) = regex_of(pattern) else {
        return Err(Error::new("T1010"));
    };
    let failure: RefCell<Option<Error>> = RefCell::new(None);
    let replaced = ev.with_regex_budget(|b| {
        Ok(match replacement {
            Value::String(tpl) => {
                replace_regex(b, &s, &re, limit, &mut |m| Ok(expand_replacement(tpl, m)))
            }
            f => replace_regex(b, &s, &re, limit, &mut |m| {
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

pub(crate) fn fn_split(ev: &Evaluator, args: &[Value], _: &Value, env: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    if arg(args, 1).is_undefined() {
        return Ok(Value::Undefined);
    }
    let limit = limit_arg(args, 2, "D3020")?;
    let parts = match arg(args, 1) {
        Value::String(sep) => split_str(&s, sep, limit),
        other => match regex_of(other) {
            Some(re) => {
                ev.with_regex_budget(|b| split_regex(b, &s, &re, limit).map_err(lib_err))?
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

/// `$match(str, regex[, limit])`. The evaluator turns each result into
/// `{"match": m.matched, "index": m.start, "groups": [...]}`.
pub fn match_regex(
    budget: &Budget,
    s: &str,
    re: &JsRegex,
    limit: Option<usize>,
) -> FnResult<Vec<RegexMatch>> {
    let mut out = Vec::new();
    if limit == Some(0) {
        return Ok(out);
    }
    let mut cur = re.exec_bytes(budget, s, 0);
    while let Some(m) = cur {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        cur = re.next_match(budget, s, &m)?;
        out.push(m);
    }
    Ok(out)
}

/// `$replace(str, regex, replacement[, limit])`; `replacer` produces the text for each
/// match (for a string replacement use [`expand_replacement`], for a JSONata function call
/// it with the match object and map a non-string result to D3012).
pub fn replace_regex(
    budget: &Budget,
    s: &str,
    re: &JsRegex,
    limit: Option<usize>,
    replacer: &mut dyn FnMut(&RegexMatch) -> FnResult<String>,
) -> FnResult<String> {
    if limit == Some(0) {
        return Ok(s.to_string());
    }
    let mut result = String::new();
    let mut position = 0usize;
    let mut count = 0usize;
    let mut cur = re.exec_bytes(budget, s, 0);
    if cur.is_none() {
        return Ok(s.to_string());
    }
    while let Some(m) = cur {
        if limit.is_some_and(|l| count >= l) {
            break;
        }
        result.push_str(s.get(position..m.byte_start).unwrap_or_default());
        result.push_str(&replacer(&m)?);
        position = m.byte_end;
        count += 1;
        cur = re.next_match(budget, s, &m)?;
    }
    result.push_str(s.get(position..).unwrap_or_default());
    Ok(result)
}

/// Expands `$0`, `$1`..`$n` and `$$` in a `$replace` replacement string with jsonata-js's
/// rules: as many digits as the group count needs, falling back to one fewer when that
/// names a group that does not exist; a `$` not followed by a digit stays literal.
pub fn expand_replacement(template: &str, m: &RegexMatch) -> String {
    let rep = template;
    let n_groups = m.groups.len();
    let mut out = String::new();
    let mut position = 0usize;
    let mut index = rep.find('$');
    while let Some(idx) = index {
        if position >= rep.len() {
            break;
        }
        out.push_str(rep.get(position..idx).unwrap_or_default());
        position = idx + 1;
        let next = rep.get(position..).and_then(|r| r.chars().next());
        match next {
            Some('$') => {
                out.push('$');
                position += 1;
            }
            Some('0') => {
                out.push_str(&m.matched);
                position += 1;
            }
            _ => {
                let max_digits = if n_groups == 0 {
                    1
                } else {
                    (n_groups as f64).log10().floor() as usize + 1
                };
                let take = |n: usize| -> String { rep[position..].chars().take(n).collect() };
                let mut group = js_parse_int(&take(max_digits));
                if max_digits > 1 && group > n_groups as f64 {
                    group = js_parse_int(&take(max_digits - 1));
                }
                if group.is_nan() {
                    out.push('$');
                } else {
                    if n_groups > 0 && group >= 1.0 && group.fract() == 0.0 {
                        if let Some(Some(g)) = m.groups.get(group as usize - 1) {
                            out.push_str(g);
                        }
                    }
                    let consumed = number_to_string(group).len();
                    // stay on a char boundary whatever parseInt skipped
                    let mut p = (position + consumed).min(rep.len());
                    while !rep.is_char_boundary(p) {
                        p += 1;
                    }
                    position = p;
                }
            }
        }
        index = rep
            .get(position..)
            .and_then(|r| r.find('$'))
            .map(|i| i + position);
    }
    out.push_str(rep.get(position..).unwrap_or_default());
    out
}

/// `$replace` with a plain-string pattern: every (or the first `limit`) occurrence, the
/// replacement inserted literally. D3010 for an empty pattern.
pub fn replace_str(
    s: &str,
    pattern: &str,
    replacement: &str,
    limit: Option<usize>,
) -> FnResult<String> {
    if pattern.is_empty() {
        return Err(FnError::new(
            "D3010",
            "Second argument of replace function cannot be an empty string",
        ));
    }
    match limit {
        Some(l) => Ok(s.replacen(pattern, replacement, l)),
        None => Ok(s.replace(pattern, replacement)),
    }
}

/// `$split(str, regex[, limit])`.
pub fn split_regex(
    budget: &Budget,
    s: &str,
    re: &JsRegex,
    limit: Option<usize>,
) -> FnResult<Vec<String>> {
    let mut out = Vec::new();
    if limit == Some(0) {
        return Ok(out);
    }
    let mut cur = re.exec_bytes(budget, s, 0);
    if cur.is_none() {
        out.push(s.to_string());
        return Ok(out);
    }
    let mut start = 0usize;
    while let Some(m) = cur {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        out.push(s.get(start..m.byte_start).unwrap_or_default().to_string());
        start = m.byte_end;
        cur = re.next_match(budget, s, &m)?;
    }
    if limit.is_none_or(|l| out.len() < l) {
        out.push(s.get(start..).unwrap_or_default().to_string());
    }
    Ok(out)
}

/// `$split(str, separator[, limit])` with a string separator (JavaScript `String.split`):
/// an empty separator splits into characters.
pub fn split_str(s: &str, sep: &str, limit: Option<usize>) -> Vec<String> {
    let limit = limit.unwrap_or(usize::MAX);
    if sep.is_empty() {
        return s.chars().take(limit).map(String::from).collect();
    }
    s.split(sep).take(limit).map(str::to_string).collect()
}

/// `$contains(str, regex)`.
pub fn contains_regex(budget: &Budget, s: &str, re: &JsRegex) -> FnResult<bool> {
    Ok(re.exec_bytes(budget, s, 0).is_some())
}
