//! ResultPath: merging a result into the state input.

use super::*;
use crate::error::StatesError;
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------------------
// ResultPath

/// Place `result` into `input` at `path` (a reference path), as ResultPath does.
///
/// - `None` is `"ResultPath": null`: the result is discarded and the input passes through.
/// - `$` replaces the input with the result.
/// - Otherwise the last field is created if missing, but every step before it must exist (AWS
///   sets the value through Jayway JsonPath, which does not create parents): a missing one is
///   `States.Runtime`, `Invalid path '$.no.such' : Missing property in path $['no']` (issue 14,
///   recorded from AWS). Stepping into a value that is not an object (or an index outside an
///   array) is `States.ResultPathMatchFailure`.
///
/// The executor passes `Some(&Path::root())` when the field is absent (AWS's default `$`).
#[cfg_attr(not(test), allow(dead_code))] // used by the unit tests
pub fn apply_result_path(
    input: &Value,
    path: Option<&Path>,
    result: Value,
) -> Result<Value, StatesError> {
    let Some(path) = path else {
        return Ok(input.clone());
    };
    if path.segments.is_empty() {
        return Ok(result);
    }
    let mut doc = input.clone();
    insert_at(&mut doc, path, result, input)?;
    Ok(doc)
}

/// Owned form of [`apply_result_path`]: avoids copying the input.
pub fn apply_result_path_owned(
    input: Value,
    path: Option<&Path>,
    result: Value,
) -> Result<Value, StatesError> {
    let Some(path) = path else {
        return Ok(input);
    };
    if path.segments.is_empty() {
        return Ok(result);
    }
    let mut doc = input;
    match insert_at_inner(&mut doc, path, result) {
        Ok(()) => Ok(doc),
        Err(Insert::Missing(at)) => Err(missing_property_error(path, &at)),
        Err(Insert::Mismatch) => Err(result_path_error(path, &doc)),
    }
}

/// Why a ResultPath insertion failed.
pub(crate) enum Insert {
    /// Stepped into a value of the wrong type.
    Mismatch,
    /// A parent field is missing: the normalized path up to it (`$['no']`).
    Missing(String),
}

pub(crate) fn missing_property_error(path: &Path, at: &str) -> StatesError {
    StatesError::runtime(format!(
        "Invalid path '{}' : Missing property in path {at}",
        path.text
    ))
}

/// Whether [`apply_result_path_owned`] succeeds on `doc` (checked without changing it), so
/// a caller need not keep a copy of the input for the failure case.
pub fn result_path_applies(doc: &Value, path: &Path) -> bool {
    if path.segments.is_empty() {
        return true;
    }
    if !path.is_reference_path() {
        return false;
    }
    // None: an object the insertion creates on the way.
    let mut cur = Some(doc);
    let n = path.segments.len();
    for (i, seg) in path.segments.iter().enumerate() {
        let last = i + 1 == n;
        match &seg.selector {
            Selector::Name(name) => {
                let obj = match cur {
                    None => None,
                    Some(Value::Object(m)) => Some(m),
                    Some(_) => return false,
                };
                if last {
                    return true;
                }
                cur = obj.and_then(|m| field(m, name));
                if cur.is_none() {
                    return false;
                }
            }
            Selector::Index(idx) => {
                let Some(Value::Array(arr)) = cur else {
                    return false;
                };
                let Some(at) = resolve_index(*idx, arr.len()) else {
                    return false;
                };
                if last {
                    return true;
                }
                cur = Some(&arr[at]);
            }
            _ => return false,
        }
    }
    false
}

pub(crate) fn result_path_error(path: &Path, input: &Value) -> StatesError {
    StatesError::new(
        "States.ResultPathMatchFailure",
        format!(
            "Unable to apply ReferencePath {} to input {}",
            path.text,
            compact(input)
        ),
    )
}

#[cfg_attr(not(test), allow(dead_code))] // used by the unit tests
pub(crate) fn insert_at(
    doc: &mut Value,
    path: &Path,
    result: Value,
    input: &Value,
) -> Result<(), StatesError> {
    insert_at_inner(doc, path, result).map_err(|e| match e {
        Insert::Missing(at) => missing_property_error(path, &at),
        Insert::Mismatch => result_path_error(path, input),
    })
}

pub(crate) fn insert_at_inner(doc: &mut Value, path: &Path, result: Value) -> Result<(), Insert> {
    use Insert::Mismatch;
    if !path.is_reference_path() {
        return Err(Mismatch);
    }
    let mut walked = String::from("$");
    let mut cur = doc;
    let n = path.segments.len();
    let mut result = Some(result);
    for (i, seg) in path.segments.iter().enumerate() {
        let last = i + 1 == n;
        match &seg.selector {
            Selector::Name(name) => {
                let obj: &mut Map<String, Value> = match cur {
                    Value::Object(m) => m,
                    _ => return Err(Mismatch),
                };
                if last {
                    obj.insert(name.clone(), result.take().ok_or(Mismatch)?);
                    return Ok(());
                }
                walked.push_str("['");
                walked.push_str(name);
                walked.push_str("']");
                cur = match obj.get_mut(name.as_str()) {
                    Some(v) => v,
                    None => return Err(Insert::Missing(walked)),
                };
            }
            Selector::Index(idx) => {
                let arr = match cur {
                    Value::Array(a) => a,
                    _ => return Err(Mismatch),
                };
                let at = resolve_index(*idx, arr.len()).ok_or(Mismatch)?;
                if last {
                    arr[at] = result.take().ok_or(Mismatch)?;
                    return Ok(());
                }
                walked.push_str(&format!("[{idx}]"));
                cur = &mut arr[at];
            }
            _ => return Err(Mismatch),
        }
    }
    Err(Mismatch)
}
