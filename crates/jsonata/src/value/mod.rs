//! Runtime values.
//!
//! JSONata distinguishes `undefined` (no value) from `null`, treats sequences (results of path
//! navigation) differently from arrays written by the user, and passes functions around as
//! values. serde_json's `Value` can express none of this, so the evaluator works on its own
//! type and converts at the boundary.

use std::rc::Rc;

use indexmap::IndexMap;

pub(crate) mod number;
mod text;

pub use number::*;
pub use text::*;

/// A function value. What a function is (a lambda closing over its scope, a built-in, a
/// partial application, a regex...) is the evaluator's business; values only carry one,
/// compare it by identity and print it as nothing. Holding it behind this trait keeps values
/// below the evaluator in the crate's layering.
pub trait Callable: std::any::Any {
    /// The concrete function, for the evaluator to look inside.
    fn as_any(&self) -> &dyn std::any::Any;
}

/// Ordered map used for JSON objects: JSONata preserves key order.
pub type Map = IndexMap<String, Value>;

/// Object storage. A wrapper so that dropping a deeply nested value (expressions can build
/// arbitrarily deep structures iteratively, e.g. with `$reduce`) does not recurse.
#[derive(Clone, Default)]
pub struct Obj(pub Map);

/// Array storage; see [`Obj`].
#[derive(Clone, Default)]
pub struct Arr(pub Vec<Value>);

impl std::ops::Deref for Obj {
    type Target = Map;
    fn deref(&self) -> &Map {
        &self.0
    }
}

impl std::ops::Deref for Arr {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0
    }
}

impl From<Vec<Value>> for Arr {
    fn from(v: Vec<Value>) -> Arr {
        Arr(v)
    }
}

impl From<Map> for Obj {
    fn from(m: Map) -> Obj {
        Obj(m)
    }
}

/// Moves uniquely owned container children onto `stack` instead of dropping them in place.
fn defer_children(v: Value, stack: &mut Vec<Value>) {
    match v {
        Value::Object(rc) => {
            if let Ok(mut o) = Rc::try_unwrap(rc) {
                stack.extend(std::mem::take(&mut o.0).into_iter().map(|(_, c)| c));
            }
        }
        Value::Array(rc, _) => {
            if let Ok(mut a) = Rc::try_unwrap(rc) {
                stack.append(&mut a.0);
            }
        }
        _ => {}
    }
}

fn drop_iteratively(children: Vec<Value>) {
    let mut stack: Vec<Value> = children
        .into_iter()
        .filter(|c| matches!(c, Value::Object(_) | Value::Array(..)))
        .collect();
    while let Some(v) = stack.pop() {
        defer_children(v, &mut stack);
    }
}

impl Drop for Obj {
    fn drop(&mut self) {
        if self
            .0
            .values()
            .any(|c| matches!(c, Value::Object(_) | Value::Array(..)))
        {
            let m = std::mem::take(&mut self.0);
            drop_iteratively(m.into_iter().map(|(_, c)| c).collect());
        }
    }
}

impl Drop for Arr {
    fn drop(&mut self) {
        if self
            .0
            .iter()
            .any(|c| matches!(c, Value::Object(_) | Value::Array(..)))
        {
            drop_iteratively(std::mem::take(&mut self.0));
        }
    }
}

/// Array flags, mirroring the hidden properties the reference implementation puts on arrays.
pub mod flags {
    /// The array is a result sequence (may be unwrapped to a singleton).
    pub const SEQUENCE: u8 = 1;
    /// A singleton sequence must stay an array (the `[]` modifier).
    pub const KEEP_SINGLETON: u8 = 2;
    /// The array was built by an array constructor and must not be flattened.
    pub const CONS: u8 = 4;
    /// The top-level input array, wrapped so that it is treated as a single value.
    pub const OUTER_WRAPPER: u8 = 8;
    /// A stream of binding tuples (objects with an `@` context and bound variables).
    pub const TUPLE_STREAM: u8 = 16;
}

#[derive(Clone, Default)]
pub enum Value {
    #[default]
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(Rc<str>),
    Array(Rc<Arr>, u8),
    Object(Rc<Obj>),
    Function(Rc<dyn Callable>),
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Undefined => write!(f, "undefined"),
            Value::Function(_) => write!(f, "<function>"),
            other => write!(f, "{}", to_json_string(other, false)),
        }
    }
}

impl Value {
    pub fn string(s: impl Into<Rc<str>>) -> Value {
        Value::String(s.into())
    }

    pub fn array(v: Vec<Value>) -> Value {
        Value::Array(Rc::new(Arr(v)), 0)
    }

    pub fn sequence(v: Vec<Value>) -> Value {
        Value::Array(Rc::new(Arr(v)), flags::SEQUENCE)
    }

    pub fn object(m: Map) -> Value {
        Value::Object(Rc::new(Obj(m)))
    }

    pub fn is_undefined(&self) -> bool {
        matches!(self, Value::Undefined)
    }

    pub fn is_function(&self) -> bool {
        matches!(self, Value::Function(_))
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    pub fn has_flag(&self, f: u8) -> bool {
        matches!(self, Value::Array(_, fl) if fl & f != 0)
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Items of an array, or the value itself as a one-item list (undefined gives none).
    pub fn to_vec(&self) -> Vec<Value> {
        match self {
            Value::Array(a, _) => a.to_vec(),
            Value::Undefined => vec![],
            other => vec![other.clone()],
        }
    }

    /// Object-property lookup with the reference implementation's mapping over arrays.
    pub fn lookup(&self, key: &str) -> Value {
        match self {
            Value::Array(items, _) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.lookup(key) {
                        Value::Undefined => {}
                        Value::Array(inner, _) => out.extend(inner.iter().cloned()),
                        v => out.push(v),
                    }
                }
                Value::sequence(out)
            }
            Value::Object(m) => m.get(key).cloned().unwrap_or(Value::Undefined),
            _ => Value::Undefined,
        }
    }

    pub fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::string(s.as_str()),
            serde_json::Value::Array(a) => Value::array(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => {
                let mut m = Map::with_capacity(o.len());
                for (k, v) in o {
                    m.insert(k.clone(), Value::from_json(v));
                }
                Value::object(m)
            }
        }
    }

    /// Converts to JSON. `undefined` gives `None`; inside arrays and objects undefined items
    /// and functions are dropped (functions print as ""). Values nested deeper than
    /// [`MAX_JSON_DEPTH`] are refused: callers could not even drop such a JSON tree safely.
    /// Values shared many times over (a value that nests itself twice, 40 times over, is
    /// 2^40 values in JSON) are refused beyond [`MAX_JSON_VALUES`].
    pub fn to_json(&self) -> Result<Option<serde_json::Value>, crate::error::Error> {
        self.to_json_at(0, &mut 0)
    }

    fn to_json_at(
        &self,
        depth: usize,
        count: &mut usize,
    ) -> Result<Option<serde_json::Value>, crate::error::Error> {
        if depth > MAX_JSON_DEPTH {
            return Err(crate::error::Error::new("U1001").message(format!(
                "The result is nested more than {MAX_JSON_DEPTH} levels deep"
            )));
        }
        *count += 1;
        if *count > MAX_JSON_VALUES {
            return Err(crate::error::Error::new("U1001")
                .message(format!("The result has more than {MAX_JSON_VALUES} values")));
        }
        Ok(Some(match self {
            Value::Undefined => return Ok(None),
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(a, _) => {
                let mut out = Vec::with_capacity(a.len());
                for v in a.iter() {
                    if let Some(j) = crate::stack::guarded(|| v.to_json_at(depth + 1, count))? {
                        out.push(j);
                    }
                }
                serde_json::Value::Array(out)
            }
            Value::Object(o) => {
                let mut m = serde_json::Map::new();
                for (k, v) in o.iter() {
                    if let Some(j) = crate::stack::guarded(|| v.to_json_at(depth + 1, count))? {
                        m.insert(k.clone(), j);
                    }
                }
                serde_json::Value::Object(m)
            }
            Value::Function(_) => serde_json::Value::String(String::new()),
        }))
    }
}

/// Deepest nesting a result may have when converted to JSON.
pub const MAX_JSON_DEPTH: usize = 1000;

/// Most values (array items, object members and scalars) a result may have when converted
/// to JSON (about 2 million; far beyond any Step Functions payload).
pub const MAX_JSON_VALUES: usize = 1 << 21;

/// Integral numbers become JSON integers so they print without a fractional part, like JS.
pub fn number_to_json(n: f64) -> serde_json::Value {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        if n == 0.0 {
            return serde_json::Value::from(0);
        }
        return serde_json::Value::from(n as i64);
    }
    serde_json::Number::from_f64(n)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// Structural equality as JSONata's `=` defines it (deep for arrays and objects).
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    crate::stack::guarded(|| deep_equal_inner(a, b))
}

fn deep_equal_inner(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Undefined, Value::Undefined) => true,
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x, _), Value::Array(y, _)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| deep_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).map(|w| deep_equal(v, w)).unwrap_or(false))
        }
        (Value::Function(x), Value::Function(y)) => Rc::ptr_eq(x, y),
        _ => false,
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
