//! Workflow variables (`Assign`, `$name`): one scope per state machine level.
//!
//! The top-level states share one scope; each Parallel branch and Map iteration runs in a
//! scope of its own that can read the enclosing ones (a Distributed Map's child executions
//! cannot) and disappears when the branch or iteration ends.
//! <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html>
//!
//! The scopes live in a thread-local stack rather than in the engine so that a JSONPath
//! `$name.field` can be resolved wherever a path is selected (templates, intrinsics, Choice
//! rules, `...Path` fields) without threading another argument through every selection
//! call. An execution runs on one thread from start to end and [`reset`] starts it clean.

use crate::error::StatesError;
use crate::expr::size::json_size;
use serde_json::{Map, Value};
use std::cell::RefCell;

/// AWS: "The maximum size of a single variable is 256Kib", and "The maximum combined size
/// for all variables in a single `Assign` field is also 256Kib".
/// <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html#limits>
///
/// AWS documents the quotas but not the error a state gets past them; this interpreter
/// reports States.DataLimitExceeded, the error AWS documents for payloads over their quota.
pub const VARIABLE_LIMIT: usize = 256 * 1024;
/// AWS: "The total size of all stored variables cannot exceed 10MiB per execution." Stored
/// variables are those of live scopes: a finished Map iteration or Parallel branch frees its
/// own.
pub const TOTAL_LIMIT: usize = 10 * 1024 * 1024;

#[derive(Default)]
struct Scope {
    vars: Map<String, Value>,
    /// A Distributed Map child: the enclosing scopes are out of reach.
    isolated: bool,
}

#[derive(Default)]
struct Store {
    scopes: Vec<Scope>,
    /// Serialised size of every variable in every scope.
    bytes: usize,
}

thread_local! {
    static STORE: RefCell<Store> = RefCell::new(Store::default());
}

/// Starts an execution: one empty top-level scope.
pub(crate) fn reset() {
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        s.scopes.clear();
        s.scopes.push(Scope::default());
        s.bytes = 0;
    });
}

/// Ends an execution, handing back the top-level variables.
pub(crate) fn finish() -> Map<String, Value> {
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        s.bytes = 0;
        let top = s.scopes.drain(..).next();
        top.map(|t| t.vars).unwrap_or_default()
    })
}

/// Enters a Parallel branch or Map iteration.
pub(crate) fn push(isolated: bool) {
    STORE.with(|s| {
        s.borrow_mut().scopes.push(Scope {
            vars: Map::new(),
            isolated,
        })
    });
}

/// Leaves a branch or iteration: its variables are gone.
pub(crate) fn pop() {
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        if s.scopes.len() > 1 {
            if let Some(scope) = s.scopes.pop() {
                let freed: usize = scope.vars.values().map(|v| json_size(v, usize::MAX)).sum();
                s.bytes = s.bytes.saturating_sub(freed);
            }
        }
    });
}

fn lookup<'a>(scopes: &'a [Scope], name: &str) -> Option<&'a Value> {
    for scope in scopes.iter().rev() {
        if let Some(v) = scope.vars.get(name) {
            return Some(v);
        }
        if scope.isolated {
            break;
        }
    }
    None
}

/// Reads a variable visible from the current scope.
pub fn with<R>(name: &str, f: impl FnOnce(Option<&Value>) -> R) -> R {
    STORE.with(|s| f(lookup(&s.borrow().scopes, name)))
}

/// Every variable visible from the current scope (inner names hide outer ones).
pub(crate) fn visible() -> Map<String, Value> {
    STORE.with(|s| {
        let s = s.borrow();
        let start = s.scopes.iter().rposition(|sc| sc.isolated).unwrap_or(0);
        let mut out = Map::new();
        for scope in &s.scopes[start..] {
            for (k, v) in &scope.vars {
                out.insert(k.clone(), v.clone());
            }
        }
        out
    })
}

/// Whether any variable is visible from the current scope.
pub(crate) fn any_visible() -> bool {
    STORE.with(|s| {
        let s = s.borrow();
        for scope in s.scopes.iter().rev() {
            if !scope.vars.is_empty() {
                return true;
            }
            if scope.isolated {
                break;
            }
        }
        false
    })
}

/// Applies the values one state's `Assign` produced (all evaluated against the variables as
/// they were before the state) to the current scope, within AWS's size quotas.
pub(crate) fn assign(values: &Map<String, Value>, state: &str) -> Result<(), StatesError> {
    let mut sizes = Vec::with_capacity(values.len());
    let mut together = 0usize;
    for (name, v) in values {
        let size = json_size(v, usize::MAX);
        if size > VARIABLE_LIMIT {
            return Err(too_large(format!(
                "The value assigned to the variable '{name}' in state '{state}' is {size} bytes, more than the maximum of {VARIABLE_LIMIT} bytes for one variable."
            )));
        }
        together += size;
        sizes.push(size);
    }
    if together > VARIABLE_LIMIT {
        return Err(too_large(format!(
            "The variables assigned by state '{state}' hold {together} bytes together, more than the maximum of {VARIABLE_LIMIT} bytes for one Assign."
        )));
    }
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        if s.scopes.is_empty() {
            s.scopes.push(Scope::default());
        }
        let mut bytes = s.bytes;
        {
            // (Never taken: a scope was pushed above when there was none.)
            let Some(scope) = s.scopes.last() else {
                return Err(StatesError::runtime("No variable scope is open"));
            };
            for ((name, _), size) in values.iter().zip(&sizes) {
                if let Some(old) = scope.vars.get(name) {
                    bytes = bytes.saturating_sub(json_size(old, usize::MAX));
                }
                bytes += size;
            }
        }
        if bytes > TOTAL_LIMIT {
            return Err(too_large(format!(
                "Assigning the variables of state '{state}' would make the execution's variables hold {bytes} bytes, more than the maximum of {TOTAL_LIMIT} bytes."
            )));
        }
        s.bytes = bytes;
        let Some(scope) = s.scopes.last_mut() else {
            return Err(StatesError::runtime("No variable scope is open"));
        };
        for (name, v) in values {
            scope.vars.insert(name.clone(), v.clone());
        }
        Ok(())
    })
}

fn too_large(cause: String) -> StatesError {
    StatesError::new("States.DataLimitExceeded", cause)
}
