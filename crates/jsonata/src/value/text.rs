//! Values as text: JSON (`$string`, `$json`-like messages) and the casts the evaluator and
//! the function library share (`$boolean`, JavaScript string ordering).

use crate::error::{Error, Result};

use super::number::{number_to_string as num_to_string, round_precision15, string_of_number};
use super::{flags, Value};

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

/// Longest JSON text (64 MiB) `$string` and messages build, as a value shared many times
/// over expands exponentially.
pub(crate) const MAX_JSON_TEXT: usize = 1 << 26;

/// JSON text of a value for messages: never fails (non-finite numbers print as JS would).
pub fn to_json_string(v: &Value, pretty: bool) -> String {
    let mut out = String::new();
    crate::stack::guarded(|| write_json(v, pretty, 0, &mut out, false)).unwrap_or(());
    out
}

/// `JSON.stringify` with JSONata's replacer: numbers to 15 significant digits, functions as
/// empty strings; non-finite numbers are D1001.
pub(crate) fn stringify(v: &Value, pretty: bool) -> Result<String> {
    let mut out = String::new();
    crate::stack::guarded(|| write_json(v, pretty, 0, &mut out, true))?;
    Ok(out)
}

pub(crate) fn write_json(
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
                out.push_str(&num_to_string(round_precision15(*n)));
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
        Value::Number(n) => string_of_number(*n).map_err(crate::error::lib_err),
        Value::Array(a, f) if f & flags::OUTER_WRAPPER != 0 && !a.is_empty() => {
            stringify(&a[0], pretty)
        }
        other => stringify(other, pretty),
    }
}
