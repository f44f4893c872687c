//! Data flow between states: InputPath, Parameters, ResultSelector, ResultPath and
//! OutputPath on bounded payload sizes, and the payload quota check.
//! (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html)

use crate::engine::*;
use crate::error::StatesError;
use crate::expr::jsonpath::{apply_result_path_owned, field_mut, Path, PathStep};
use crate::expr::size::{fits, json_size, plus, str_size, Bound, UNKNOWN};
use crate::rng::Rng;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The payload quota check. `bound` is an upper bound of the value's size (see
/// [`crate::expr::size`]); the value is walked only when the bound could exceed the limit. Returns
/// the bound to carry on: the exact size when it was measured.
pub(crate) fn check_size(
    limit: usize,
    v: &Value,
    bound: Bound,
    what: &str,
    state: &str,
) -> Result<Bound, StatesError> {
    if fits(bound, limit) {
        return Ok(bound);
    }
    let size = json_size(v, limit);
    if size > limit && matches!(what, "result" | "output") {
        // AWS's wording for a task result or a state output over the quota; `state` is the
        // state's name, or the function ARN for a Lambda ARN used directly as the Resource
        // (issue 14, recorded from AWS).
        return Err(StatesError::new(
            "States.DataLimitExceeded",
            format!("The state/task '{state}' returned a result with a size exceeding the maximum number of bytes service limit."),
        ));
    }
    if size > limit {
        return Err(StatesError::new(
            "States.DataLimitExceeded",
            format!(
                "The {what}{} has a size exceeding the maximum number of bytes service limit ({limit} bytes).",
                if state.is_empty() { String::new() } else { format!(" of state '{state}'") }
            ),
        ));
    }
    Ok(size)
}

/// Size bound of a selection by InputPath/OutputPath from a value bounded by `b`: a definite
/// `$` path selects a subtree, no larger than the whole.
pub(crate) fn selected_bound(p: &IoPath, b: Bound) -> Bound {
    match p {
        IoPath::Identity => b,
        IoPath::Null => 2,
        IoPath::Path(p) if p.is_definite() && !p.is_context() => b,
        IoPath::Path(_) => UNKNOWN,
    }
}

/// Bytes a ResultPath insertion can add besides the result: per step at most a new object
/// holding the key (`{"key":...}` and a comma).
pub(crate) fn result_path_extra(rp: &ResultPath) -> Bound {
    match rp {
        ResultPath::Replace | ResultPath::Discard => 0,
        ResultPath::Path(p) => match p.definite_steps() {
            Some(steps) => steps
                .iter()
                .map(|s| match s {
                    PathStep::Field(f) => str_size(f) + 4,
                    PathStep::Index(_) => 0,
                })
                .sum(),
            None => UNKNOWN,
        },
    }
}

/// Size bound of [`apply_result`]'s value.
pub(crate) fn merged_bound(rp: &ResultPath, raw: Bound, result: Bound) -> Bound {
    match rp {
        ResultPath::Replace => result,
        ResultPath::Discard => raw,
        ResultPath::Path(_) => plus(plus(raw, result), result_path_extra(rp)),
    }
}

/// Size bound of a JSON array of values with these bounds.
pub(crate) fn array_bound(bounds: impl IntoIterator<Item = Bound>) -> Bound {
    bounds.into_iter().fold(2, |acc, b| plus(acc, plus(b, 1)))
}

pub(crate) fn steps_take(v: &mut Value, steps: &[PathStep]) -> Option<Value> {
    let mut cur = v;
    for s in steps {
        cur = match s {
            PathStep::Field(f) => field_mut(cur.as_object_mut()?, f)?,
            PathStep::Index(i) => cur.as_array_mut()?.get_mut(*i)?,
        };
    }
    Some(std::mem::take(cur))
}

/// Neither is a prefix of the other: the two paths address separate subtrees.
pub(crate) fn disjoint(a: &[PathStep], b: &[PathStep]) -> bool {
    !a.iter().zip(b).all(|(x, y)| x == y)
}

pub(crate) fn is_prefix(a: &[PathStep], b: &[PathStep]) -> bool {
    a.len() <= b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

pub(crate) fn path_error(p: &Path, _field: &str) -> StatesError {
    StatesError::runtime(format!(
        "Invalid path '{}' : No results for path: {}",
        p.as_str(),
        p.normalized()
    ))
}

/// Stands in for the context object where a path cannot read it (a `$` path), so a
/// borrowed selection depends on the input's lifetime only.
pub(crate) static NO_CONTEXT: Value = Value::Null;

/// InputPath (and other selections that may borrow): no clone for definite `$` paths.
pub(crate) fn select_cow<'v>(
    p: &IoPath,
    raw: &'v Value,
    ctx: &Value,
    field: &str,
) -> Result<Cow<'v, Value>, StatesError> {
    match p {
        IoPath::Identity => Ok(Cow::Borrowed(raw)),
        IoPath::Null => Ok(Cow::Owned(Value::Object(Map::new()))),
        IoPath::Path(p) => {
            if p.is_context() {
                p.select(raw, ctx).map(Cow::Owned)
            } else if p.is_definite() {
                p.select_ref(raw, &NO_CONTEXT)
                    .map(Cow::Borrowed)
                    .ok_or_else(|| path_error(p, field))
            } else {
                p.select(raw, ctx).map(Cow::Owned)
            }
        }
    }
}

/// OutputPath on an owned value: moves the selection out instead of cloning it.
pub(crate) fn select_owned(
    p: &IoPath,
    mut v: Value,
    ctx: &Value,
    field: &str,
) -> Result<Value, StatesError> {
    match p {
        IoPath::Identity => Ok(v),
        IoPath::Null => Ok(Value::Object(Map::new())),
        IoPath::Path(p) => {
            if let Some(steps) = p.definite_steps() {
                steps_take(&mut v, steps).ok_or_else(|| path_error(p, field))
            } else if p.is_definite() && p.variable().is_none() {
                p.select_ref(&v, ctx)
                    .cloned()
                    .ok_or_else(|| path_error(p, field))
            } else {
                p.select(&v, ctx)
            }
        }
    }
}

pub(crate) fn io_steps(p: &IoPath) -> Option<&[PathStep]> {
    match p {
        IoPath::Identity => Some(&[]),
        IoPath::Null => None,
        IoPath::Path(p) => p.definite_steps(),
    }
}

pub(crate) fn result_path_ref(r: &ResultPath) -> Option<&Path> {
    match r {
        ResultPath::Discard => None,
        ResultPath::Path(p) => Some(p),
        ResultPath::Replace => None,
    }
}

pub(crate) fn apply_result(
    raw: Value,
    rp: &ResultPath,
    result: Value,
) -> Result<Value, StatesError> {
    match rp {
        ResultPath::Replace => Ok(result),
        ResultPath::Discard => Ok(raw),
        ResultPath::Path(_) => apply_result_path_owned(raw, result_path_ref(rp), result),
    }
}

/// Whether the effective input (InputPath's selection) is no longer read after Parameters,
/// so Parameters may move parts of it instead of cloning them.
pub(crate) fn input_dead_after_parameters(st: &State) -> bool {
    let Some(input) = io_steps(&st.input_path) else {
        return false;
    };
    match &st.result_path {
        ResultPath::Replace => true,
        rp => {
            let Some(output) = io_steps(&st.output_path) else {
                // OutputPath null: nothing of the input survives.
                return matches!(st.output_path, IoPath::Null);
            };
            if disjoint(input, output) {
                return true;
            }
            if let ResultPath::Path(r) = rp {
                if let Some(r) = r.definite_steps() {
                    // The result overwrites the whole region the input came from.
                    return is_prefix(r, input) && !is_prefix(input, r);
                }
            }
            false
        }
    }
}

/// Whether a Pass state's output always contains its whole result, so checking the output
/// size also bounds the result (one walk of a large payload instead of two).
pub(crate) fn output_contains_result(st: &State) -> bool {
    let Some(out) = io_steps(&st.output_path) else {
        return false;
    };
    match &st.result_path {
        ResultPath::Replace => out.is_empty(),
        ResultPath::Discard => false,
        ResultPath::Path(r) => r.definite_steps().is_some_and(|r| is_prefix(out, r)),
    }
}

pub(crate) fn amount(
    a: &Option<Amount>,
    input: &Value,
    ctx: &Value,
    field: &str,
) -> Result<Option<f64>, StatesError> {
    match a {
        None => Ok(None),
        Some(Amount::Fixed(n)) => Ok(Some(*n)),
        Some(Amount::Query(_)) => Err(StatesError::runtime(format!(
            "{field} is a JSONata expression in a JSONPath state"
        ))),
        Some(Amount::Path(p)) => path_amount(field, p.as_str(), &p.select(input, ctx)?).map(Some),
    }
}

/// A value as Java reads it as text (`JsonNode.asText`-like): a string bare, anything else
/// as its JSON text.
pub(crate) fn java_text(v: &Value) -> std::borrow::Cow<'_, str> {
    match v {
        Value::String(s) => std::borrow::Cow::Borrowed(s),
        other => std::borrow::Cow::Owned(other.to_string()),
    }
}

/// A number a `...Path` field (`MaxConcurrencyPath`, `ToleratedFailureCountPath`...) read.
/// AWS parses the value's text, so a numeric string such as `"1"` counts and `1.5` is not an
/// integer; the percentage is a float between 0 and 100 (issue 14, recorded from AWS; "Map
/// state", https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html).
pub(crate) fn path_amount(path_field: &str, path: &str, v: &Value) -> Result<f64, StatesError> {
    let text = java_text(v);
    let field = path_field.strip_suffix("Path").unwrap_or(path_field);
    if field == "ToleratedFailurePercentage" {
        let n = match text.trim().parse::<f64>() {
            Ok(n) if matches!(v, Value::Number(_) | Value::String(_)) && !n.is_nan() => n,
            _ => {
                return Err(StatesError::runtime(format!(
                    "The {path_field} field refers to value \"{text}\" which is not a valid float: {path}"
                )))
            }
        };
        if !(0.0..=100.0).contains(&n) {
            return Err(StatesError::runtime(format!(
                "{field} must be between 0 and 100."
            )));
        }
        return Ok(n);
    }
    let n = match text.parse::<i32>() {
        Ok(n) if matches!(v, Value::Number(_) | Value::String(_)) => n,
        _ => {
            return Err(StatesError::runtime(format!(
                "The {path_field} field refers to value \"{text}\" which is not a valid integer: {path}"
            )))
        }
    };
    if n < 0 {
        return Err(StatesError::runtime(format!("{field} cannot be negative.")));
    }
    Ok(f64::from(n))
}

pub(crate) fn hex_id(rng: &mut Rng) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    // A version-4 layout, so ids look like the UUIDs AWS generates.
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}
