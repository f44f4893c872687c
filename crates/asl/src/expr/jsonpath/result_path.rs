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
/// - Otherwise missing intermediate objects are created; stepping into a value that is not an
///   object (or an index outside an array) is `States.ResultPathMatchFailure`.
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
    let snapshot_for_error = |d: &Value| d.clone();
    match insert_at_inner(&mut doc, path, result) {
        Ok(()) => Ok(doc),
        Err(()) => Err(result_path_error(path, &snapshot_for_error(&doc))),
    }
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
    insert_at_inner(doc, path, result).map_err(|()| result_path_error(path, input))
}

pub(crate) fn insert_at_inner(doc: &mut Value, path: &Path, result: Value) -> Result<(), ()> {
    if !path.is_reference_path() {
        return Err(());
    }
    let mut cur = doc;
    let n = path.segments.len();
    let mut result = Some(result);
    for (i, seg) in path.segments.iter().enumerate() {
        let last = i + 1 == n;
        match &seg.selector {
            Selector::Name(name) => {
                let obj: &mut Map<String, Value> = match cur {
                    Value::Object(m) => m,
                    _ => return Err(()),
                };
                if last {
                    obj.insert(name.clone(), result.take().ok_or(())?);
                    return Ok(());
                }
                cur = obj
                    .entry(name.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
            }
            Selector::Index(idx) => {
                let arr = match cur {
                    Value::Array(a) => a,
                    _ => return Err(()),
                };
                let at = resolve_index(*idx, arr.len()).ok_or(())?;
                if last {
                    arr[at] = result.take().ok_or(())?;
                    return Ok(());
                }
                cur = &mut arr[at];
            }
            _ => return Err(()),
        }
    }
    Err(())
}
