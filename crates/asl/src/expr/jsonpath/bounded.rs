//! Bounds on one indefinite selection. Chained `..` over deeply nested input select
//! exponentially many nodes (four `..` over 120 nested arrays, a 248-byte input, once took
//! 3.5 GB), so a selection counts the nodes it visits and the bytes it would copy, and
//! stops with an error naming the path once past either bound.

use super::{collect, Segment};
use crate::error::StatesError;
use serde_json::Value;
use std::cell::Cell;

/// Nodes one indefinite selection may visit (each `..` counts every node of the subtree it
/// searches, once per node it searches from).
pub const MAX_SELECT_NODES: usize = 1_000_000;
/// Bytes one indefinite selection may copy: 64 times AWS's 256 KiB payload quota, so a
/// selection that could still fit a raised quota works while a runaway one stops early.
pub const MAX_SELECT_BYTES: usize = 64 * 256 * 1024;

thread_local! {
    /// Nodes visited by the current selection (reset per selection; see [`MAX_SELECT_NODES`]).
    static VISITS: Cell<usize> = const { Cell::new(0) };
}

/// Count one visited node; false once the selection is past its budget (the walk stops).
pub(super) fn visit() -> bool {
    VISITS.with(|c| {
        let n = c.get().saturating_add(1);
        c.set(n);
        n <= MAX_SELECT_NODES
    })
}

/// The array an indefinite path selects from `doc`, within the bounds above.
pub(super) fn select(
    text: &str,
    doc: &Value,
    segments: &[Segment],
) -> Result<Option<Value>, StatesError> {
    VISITS.with(|c| c.set(0));
    let mut out = Vec::new();
    collect(doc, doc, segments, &mut out, 0);
    let visits = VISITS.with(Cell::get);
    crate::expr::budget::charge(visits as u64);
    if visits > MAX_SELECT_NODES {
        return Err(StatesError::runtime(format!(
            "The JSONPath '{}' visits more than {MAX_SELECT_NODES} nodes of its input; narrow the path (each '..' searches the whole subtree)",
            text
        )));
    }
    let mut size = 2usize;
    for v in &out {
        size = size.saturating_add(crate::expr::size::json_size(v, MAX_SELECT_BYTES) + 1);
        if size > MAX_SELECT_BYTES {
            return Err(StatesError::new(
                "States.DataLimitExceeded",
                format!(
                    "The JSONPath '{}' selects more than {MAX_SELECT_BYTES} bytes of data",
                    text
                ),
            ));
        }
    }
    Ok(Some(Value::Array(out.into_iter().cloned().collect())))
}
