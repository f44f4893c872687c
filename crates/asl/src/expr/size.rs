//! Serialised-size accounting for the payload quota (256 KiB per state input/output).
//!
//! Measuring a document means walking all of it, which for a large payload moved through
//! many states cost more than everything else the states do. So the executor carries an
//! upper bound of each value's size alongside the value, derived from the operations that
//! made it (a subtree is no larger than its document, a result merged into an input adds at
//! most both sizes and the keys on the way, a template adds its fixed text to what its paths
//! select), and walks a document only when that bound could exceed the quota. Walking gives
//! the exact size, which becomes the new bound.

/// An upper bound of a value's serialised (compact JSON) size in bytes.
pub type Bound = usize;
/// No bound known: the value must be measured.
pub const UNKNOWN: Bound = usize::MAX;

thread_local! {
    static EXACT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Testing aid: measure every checked value exactly, ignoring bounds, on this thread. The
/// outcome of any run must be the same either way.
#[cfg_attr(not(test), allow(dead_code))] // used by the unit tests
#[doc(hidden)]
pub fn set_exact_checks(on: bool) {
    EXACT.with(|e| e.set(on));
}

/// Whether a value whose size is bounded by `bound` is known to fit in `limit` without
/// measuring it.
pub fn fits(bound: Bound, limit: usize) -> bool {
    bound <= limit && (limit == usize::MAX || !EXACT.with(|e| e.get()))
}

/// Sum of bounds (saturating, so anything plus UNKNOWN is UNKNOWN).
pub fn plus(a: Bound, b: Bound) -> Bound {
    a.saturating_add(b)
}

/// The exact size when it is at most `limit`, else UNKNOWN. A limit of `usize::MAX` (no
/// quota) measures nothing.
pub fn measure(v: &serde_json::Value, limit: usize) -> Bound {
    if limit == usize::MAX {
        return UNKNOWN;
    }
    let n = json_size(v, limit);
    if n > limit {
        UNKNOWN
    } else {
        n
    }
}

use serde_json::Value;

/// Serialised size in bytes, stopping early once past `limit`.
pub fn json_size(v: &Value, limit: usize) -> usize {
    fn walk(v: &Value, acc: &mut usize, limit: usize) {
        if *acc > limit {
            return;
        }
        match v {
            Value::Null => *acc += 4,
            Value::Bool(b) => *acc += if *b { 4 } else { 5 },
            Value::Number(n) => {
                *acc += if let Some(i) = n.as_u64() {
                    digits(i)
                } else if let Some(i) = n.as_i64() {
                    digits(i.unsigned_abs()) + 1
                } else {
                    n.to_string().len()
                }
            }
            Value::String(s) => *acc += str_size(s),
            Value::Array(a) => {
                *acc += 2 + a.len().saturating_sub(1);
                for x in a {
                    walk(x, acc, limit);
                }
            }
            Value::Object(m) => {
                *acc += 2 + m.len().saturating_sub(1);
                for (k, x) in m {
                    *acc += str_size(k) + 1;
                    walk(x, acc, limit);
                }
            }
        }
    }
    let mut acc = 0;
    walk(v, &mut acc, limit);
    acc
}

/// Nominal bytes a copy of `v` holds in memory (a 32-byte node per value, plus string and
/// key bytes and 48 bytes per object member), counted up to a little past `limit`. Kept
/// copies are bounded by this rather than by their JSON text: an array of small numbers
/// takes five times its text in memory. Nominal, not measured, so that native and wasm runs
/// keep the same copies.
pub fn copy_size(v: &Value, limit: usize) -> usize {
    fn walk(v: &Value, acc: &mut usize, limit: usize) {
        if *acc > limit {
            return;
        }
        *acc += 32;
        match v {
            Value::String(s) => *acc += s.len(),
            Value::Array(a) => {
                for x in a {
                    walk(x, acc, limit);
                }
            }
            Value::Object(m) => {
                for (k, x) in m {
                    *acc += 48 + k.len();
                    walk(x, acc, limit);
                }
            }
            _ => {}
        }
    }
    let mut acc = 0;
    walk(v, &mut acc, limit);
    acc
}

fn digits(mut n: u64) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

pub fn str_size(s: &str) -> usize {
    let mut n = s.len() + 2;
    // Most strings need no escaping: a branch-free count (which the compiler vectorises)
    // decides whether the exact per-byte pass is needed at all.
    let special: usize = s
        .bytes()
        .map(|b| (b < 0x20) as usize | (b == b'"') as usize | (b == b'\\') as usize)
        .sum();
    if special == 0 {
        return n;
    }
    for b in s.bytes() {
        match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => n += 1,
            0..=0x1f => n += 5,
            _ => {}
        }
    }
    n
}
