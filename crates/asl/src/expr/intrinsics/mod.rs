//! The 18 intrinsic functions (`States.Format(...)` and friends).
//! Owner: the "expressions" work. CONTRACT used by the executor:
//!
//! - `Intrinsic::parse(text) -> Result<Intrinsic, String>` (nested calls, escapes, paths).
//! - `Intrinsic::evaluate(&self, input, context, rng: &mut crate::rng::Rng)
//!    -> Result<Value, StatesError>` (`States.IntrinsicFailure` on bad arguments).
//! - `is_intrinsic(text) -> bool`: whether a `.$` value is a call rather than a path.
//!
//! Behaviour follows "Intrinsic functions for JSONPath states in Step Functions"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html):
//! arguments are single-quoted strings (with `\'`, `\{`, `\}`, `\\` escapes), numbers,
//! booleans, null, JSONPaths (`$...`, `$$...`) or nested calls (up to 10 levels).
//! Argument types and arity are checked when the definition loads where they are literal,
//! and at run time otherwise; failures are `States.IntrinsicFailure`.

use crate::error::{json_type, StatesError};
use crate::expr::jsonpath::Path;
use crate::rng::Rng;
use base64::Engine as _;
use serde_json::{Number, Value};
use std::borrow::Cow;

mod parse;

/// AWS allows up to 10 nested intrinsic calls in one field.
pub const MAX_NESTING: usize = 10;
/// AWS: ArrayRange produces at most 1000 items.
pub(crate) const MAX_RANGE_ITEMS: i64 = 1000;
/// AWS: Base64Encode/Decode and Hash accept inputs up to 10,000 characters.
pub(crate) const MAX_CODEC_INPUT: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    Uuid,
}

impl Function {
    pub fn from_name(name: &str) -> Option<Function> {
        Some(match name {
            "States.Format" => Function::Format,
            "States.StringToJson" => Function::StringToJson,
            "States.JsonToString" => Function::JsonToString,
            "States.Array" => Function::Array,
            "States.ArrayPartition" => Function::ArrayPartition,
            "States.ArrayContains" => Function::ArrayContains,
            "States.ArrayRange" => Function::ArrayRange,
            "States.ArrayGetItem" => Function::ArrayGetItem,
            "States.ArrayLength" => Function::ArrayLength,
            "States.ArrayUnique" => Function::ArrayUnique,
            "States.Base64Encode" => Function::Base64Encode,
            "States.Base64Decode" => Function::Base64Decode,
            "States.Hash" => Function::Hash,
            "States.JsonMerge" => Function::JsonMerge,
            "States.MathRandom" => Function::MathRandom,
            "States.MathAdd" => Function::MathAdd,
            "States.StringSplit" => Function::StringSplit,
            "States.UUID" => Function::Uuid,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Function::Format => "States.Format",
            Function::StringToJson => "States.StringToJson",
            Function::JsonToString => "States.JsonToString",
            Function::Array => "States.Array",
            Function::ArrayPartition => "States.ArrayPartition",
            Function::ArrayContains => "States.ArrayContains",
            Function::ArrayRange => "States.ArrayRange",
            Function::ArrayGetItem => "States.ArrayGetItem",
            Function::ArrayLength => "States.ArrayLength",
            Function::ArrayUnique => "States.ArrayUnique",
            Function::Base64Encode => "States.Base64Encode",
            Function::Base64Decode => "States.Base64Decode",
            Function::Hash => "States.Hash",
            Function::JsonMerge => "States.JsonMerge",
            Function::MathRandom => "States.MathRandom",
            Function::MathAdd => "States.MathAdd",
            Function::StringSplit => "States.StringSplit",
            Function::Uuid => "States.UUID",
        }
    }

    /// (min, max) argument counts; `usize::MAX` for variadic.
    pub(crate) fn arity(self) -> (usize, usize) {
        match self {
            Function::Format => (1, usize::MAX),
            Function::Array => (0, usize::MAX),
            Function::StringToJson
            | Function::JsonToString
            | Function::ArrayLength
            | Function::ArrayUnique
            | Function::Base64Encode
            | Function::Base64Decode => (1, 1),
            Function::ArrayPartition
            | Function::ArrayContains
            | Function::ArrayGetItem
            | Function::Hash
            | Function::MathAdd
            | Function::StringSplit => (2, 2),
            Function::ArrayRange | Function::JsonMerge => (3, 3),
            Function::MathRandom => (2, 3),
            Function::Uuid => (0, 0),
        }
    }
}

/// One argument of a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Literal(Value),
    Path(Path),
    Call(Intrinsic),
}

/// A compiled intrinsic call.
#[derive(Debug, Clone, PartialEq)]
pub struct Intrinsic {
    pub(crate) function: Function,
    pub(crate) args: Vec<Arg>,
    pub(crate) text: String,
}

/// Whether a `.$` value is an intrinsic call (`States.X(...)`) rather than a path.
pub fn is_intrinsic(text: &str) -> bool {
    text.trim_start().starts_with("States.")
}

impl Intrinsic {
    pub fn parse(text: &str) -> Result<Intrinsic, String> {
        Intrinsic::parse_raw(text).map(Intrinsic::finish)
    }

    pub fn function(&self) -> Function {
        self.function
    }

    pub fn args(&self) -> &[Arg] {
        &self.args
    }

    pub fn evaluate(
        &self,
        input: &Value,
        context: &Value,
        rng: &mut Rng,
    ) -> Result<Value, StatesError> {
        // Arguments are borrowed from the input where they can be: most functions only read
        // them (States.ArrayLength($) need not copy the array).
        // Up to four arguments (nearly every call) live on the stack.
        let mut few: [Cow<'_, Value>; 4] = Default::default();
        let mut many: Vec<Cow<'_, Value>> = Vec::new();
        let vals: &mut [Cow<'_, Value>] = if self.args.len() <= few.len() {
            &mut few[..self.args.len()]
        } else {
            many.resize(self.args.len(), Cow::Owned(Value::Null));
            &mut many
        };
        for (slot, a) in vals.iter_mut().zip(&self.args) {
            *slot = match a {
                Arg::Literal(v) => Cow::Borrowed(v),
                Arg::Path(p) => {
                    let found = if p.is_definite() && p.variable().is_none() {
                        p.select_ref(input, context).map(Cow::Borrowed)
                    } else {
                        p.select_checked(input, context)?.map(Cow::Owned)
                    };
                    found.ok_or_else(|| {
                        let doc = if p.is_context() { context } else { input };
                        StatesError::runtime(format!(
                            "The JSONPath '{}' specified for the intrinsic function '{}' could not be found in the input '{}'",
                            p.as_str(),
                            self.function.name(),
                            serde_json::to_string(doc).unwrap_or_default()
                        ))
                    })?
                }
                Arg::Call(c) => Cow::Owned(c.evaluate(input, context, rng)?),
            };
        }
        // Work budget: a call costs about 4 steps per item or 64 bytes of text it reads (an
        // item costs an intrinsic about what 4 JSONata steps cost, measured natively).
        let work: usize = vals.iter().map(|v| 1 + 4 * shallow_width(v)).sum();
        crate::expr::budget::charge(work as u64);
        call(self.function, vals, rng)
    }
}

/// Items of an array or object, or 64-byte chunks of a string (the work budget's unit).
fn shallow_width(v: &Value) -> usize {
    match v {
        Value::Array(a) => a.len(),
        Value::Object(m) => m.len(),
        Value::String(s) => s.len() / 64,
        _ => 0,
    }
}

pub(crate) fn fail(f: Function, msg: impl std::fmt::Display) -> StatesError {
    StatesError::intrinsic(format!("Invalid arguments in {}: {msg}", f.name()))
}

pub(crate) fn want_str(f: Function, v: &Value, what: &str) -> Result<String, StatesError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(fail(
            f,
            format!("the {what} must be a string, got {}", json_type(other)),
        )),
    }
}

/// An argument's value, owned (the slot is left null).
pub(crate) fn take_arg(slot: &mut Cow<'_, Value>) -> Value {
    std::mem::take(slot).into_owned()
}

pub(crate) fn want_array_ref<'v>(
    f: Function,
    v: &'v Value,
    what: &str,
) -> Result<&'v [Value], StatesError> {
    match v {
        Value::Array(a) => Ok(a),
        other => Err(fail(
            f,
            format!("the {what} must be an array, got {}", json_type(other)),
        )),
    }
}

pub(crate) fn want_array(f: Function, v: Value, what: &str) -> Result<Vec<Value>, StatesError> {
    match v {
        Value::Array(a) => Ok(a),
        other => Err(fail(
            f,
            format!("the {what} must be an array, got {}", json_type(&other)),
        )),
    }
}

/// Integers as AWS reads them: a JSON number with no fractional part.
pub(crate) fn want_int(f: Function, v: &Value, what: &str) -> Result<i64, StatesError> {
    let n = match v {
        Value::Number(n) => n,
        other => {
            return Err(fail(
                f,
                format!("the {what} must be an integer, got {}", json_type(other)),
            ))
        }
    };
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    match n.as_f64() {
        Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(x as i64),
        _ => Err(fail(f, format!("the {what} must be an integer, got {n}"))),
    }
}

pub(crate) fn call(
    f: Function,
    a: &mut [Cow<'_, Value>],
    rng: &mut Rng,
) -> Result<Value, StatesError> {
    let (min, max) = f.arity();
    if a.len() < min || a.len() > max {
        return Err(fail(f, arity_text(f, a.len())));
    }
    match f {
        Function::Format => match &*a[0] {
            Value::String(template) => format(f, template, &a[1..]),
            other => Err(fail(
                f,
                format!(
                    "the first argument (the format string) must be a string, got {}",
                    json_type(other)
                ),
            )),
        },
        Function::StringToJson => {
            let s = want_str(f, &a[0], "argument")?;
            if s.trim().is_empty() {
                return Ok(Value::Null);
            }
            serde_json::from_str(&s)
                .map_err(|e| fail(f, format!("the string is not valid JSON: {e}")))
        }
        Function::JsonToString => Ok(Value::String(
            serde_json::to_string(&a[0]).unwrap_or_default(),
        )),
        Function::Array => Ok(Value::Array(a.iter_mut().map(take_arg).collect())),
        Function::ArrayPartition => {
            let size = want_int(f, &a[1], "chunk size")?;
            if size <= 0 {
                return Err(fail(f, "the chunk size must be a positive integer"));
            }
            let arr = want_array_ref(f, &a[0], "first argument")?;
            Ok(Value::Array(
                arr.chunks(usize::try_from(size).unwrap_or(usize::MAX))
                    .map(|c| Value::Array(c.to_vec()))
                    .collect(),
            ))
        }
        Function::ArrayContains => {
            let arr = want_array_ref(f, &a[0], "first argument")?;
            let needle = &a[1];
            Ok(Value::Bool(arr.iter().any(|x| json_eq(x, needle))))
        }
        Function::ArrayRange => {
            let start = want_int(f, &a[0], "start")?;
            let end = want_int(f, &a[1], "end")?;
            let step = want_int(f, &a[2], "step")?;
            if step == 0 {
                return Err(fail(f, "the step must not be 0"));
            }
            let count = if (step > 0 && start > end) || (step < 0 && start < end) {
                0
            } else {
                (end as i128 - start as i128) / step as i128 + 1
            };
            if count > MAX_RANGE_ITEMS as i128 {
                return Err(fail(
                    f,
                    format!(
                        "the range would have {count} items; at most {MAX_RANGE_ITEMS} are allowed"
                    ),
                ));
            }
            let mut out = Vec::with_capacity(count as usize);
            let mut v = start;
            for _ in 0..count {
                out.push(Value::from(v));
                v = v.saturating_add(step);
            }
            Ok(Value::Array(out))
        }
        Function::ArrayGetItem => {
            let idx = want_int(f, &a[1], "index")?;
            let arr = want_array_ref(f, &a[0], "first argument")?;
            let at = usize::try_from(idx).ok().filter(|i| *i < arr.len());
            let Some(at) = at else {
                return Err(fail(
                    f,
                    format!(
                        "the index {idx} is out of bounds for an array of length {}",
                        arr.len()
                    ),
                ));
            };
            Ok(arr.get(at).cloned().unwrap_or(Value::Null))
        }
        Function::ArrayLength => {
            let arr = want_array_ref(f, &a[0], "argument")?;
            Ok(Value::from(arr.len()))
        }
        Function::ArrayUnique => {
            let arr = want_array(f, take_arg(&mut a[0]), "argument")?;
            Ok(Value::Array(unique(arr)))
        }
        Function::Base64Encode => {
            let s = want_str(f, &a[0], "argument")?;
            check_len(f, &s)?;
            Ok(Value::String(
                base64::engine::general_purpose::STANDARD.encode(s.as_bytes()),
            ))
        }
        Function::Base64Decode => {
            let s = want_str(f, &a[0], "argument")?;
            check_len(f, &s)?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s.as_bytes())
                .map_err(|e| fail(f, format!("the argument is not valid base64: {e}")))?;
            String::from_utf8(bytes)
                .map(Value::String)
                .map_err(|_| fail(f, "the decoded data is not valid UTF-8 text"))
        }
        Function::Hash => {
            let data = match &*a[0] {
                Value::String(s) => s.clone(),
                Value::Null => return Err(fail(f, "the data to hash must not be null")),
                other => serde_json::to_string(other).unwrap_or_default(),
            };
            check_len(f, &data)?;
            let alg = want_str(f, &a[1], "algorithm")?;
            Ok(Value::String(hash(f, &alg, data.as_bytes())?))
        }
        Function::JsonMerge => {
            match *a[2] {
                Value::Bool(false) => {}
                Value::Bool(true) => {
                    return Err(fail(
                        f,
                        "deep merging is not supported; the third argument must be false",
                    ))
                }
                ref other => {
                    return Err(fail(
                        f,
                        format!(
                            "the third argument must be the boolean false, got {}",
                            json_type(other)
                        ),
                    ))
                }
            }
            let right = take_arg(&mut a[1]);
            let left = take_arg(&mut a[0]);
            match (left, right) {
                (Value::Object(mut l), Value::Object(r)) => {
                    for (k, v) in r {
                        l.insert(k, v);
                    }
                    Ok(Value::Object(l))
                }
                (l, r) => Err(fail(
                    f,
                    format!(
                        "both JSON arguments must be objects, got {} and {}",
                        json_type(&l),
                        json_type(&r)
                    ),
                )),
            }
        }
        Function::MathRandom => {
            let start = want_int(f, &a[0], "start")?;
            let end = want_int(f, &a[1], "end")?;
            if start >= end {
                return Err(fail(f, "the start must be less than the end"));
            }
            let span = (end as i128 - start as i128) as u128;
            let r = if let Some(seed) = a.get(2) {
                let seed = want_int(f, seed, "seed")?;
                Rng::new(seed as u64).next_u64()
            } else {
                rng.next_u64()
            };
            let v = start as i128 + (r as u128 % span) as i128;
            Ok(Value::from(v as i64))
        }
        Function::MathAdd => {
            let x = want_number(f, &a[0])?;
            let y = want_number(f, &a[1])?;
            add_numbers(f, &java_round(&x), &java_round(&y))
        }
        Function::StringSplit => {
            let s = want_str(f, &a[0], "first argument")?;
            let d = want_str(f, &a[1], "delimiter")?;
            let parts: Vec<Value> = if d.is_empty() {
                vec![Value::String(s)]
            } else {
                s.split(|c| d.contains(c))
                    .filter(|p| !p.is_empty())
                    .map(|p| Value::String(p.to_string()))
                    .collect()
            };
            Ok(Value::Array(parts))
        }
        Function::Uuid => Ok(Value::String(uuid_v4(rng))),
    }
}

pub(crate) fn arity_text(f: Function, got: usize) -> String {
    let (min, max) = f.arity();
    let want = if min == max {
        format!("exactly {min}")
    } else if max == usize::MAX {
        format!("at least {min}")
    } else {
        format!("{min} to {max}")
    };
    format!("{} takes {want} argument(s), got {got}", f.name())
}

pub(crate) fn check_len(f: Function, s: &str) -> Result<(), StatesError> {
    let n = s.chars().count();
    if n > MAX_CODEC_INPUT {
        return Err(fail(
            f,
            format!("the input has {n} characters; at most {MAX_CODEC_INPUT} are allowed"),
        ));
    }
    Ok(())
}

/// The first occurrence of each distinct value, in order. Values are bucketed by a hash that
/// agrees with [`json_eq`] (numbers by value, objects regardless of key order), so a large
/// array costs linear time rather than one comparison per pair of items.
pub(crate) fn unique(arr: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(arr.len());
    let mut seen: std::collections::HashMap<u64, Vec<usize>> = std::collections::HashMap::new();
    for v in arr {
        let bucket = seen.entry(json_hash(&v)).or_default();
        if !bucket.iter().any(|&i| json_eq(&out[i], &v)) {
            bucket.push(out.len());
            out.push(v);
        }
    }
    out
}

/// A hash consistent with [`json_eq`]: equal values hash alike.
pub(crate) fn json_hash(v: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    fn mix(h: u64, x: u64) -> u64 {
        (h.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95)
    }
    fn of<T: Hash + ?Sized>(t: &T) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        t.hash(&mut h);
        h.finish()
    }
    match v {
        Value::Null => 1,
        Value::Bool(b) => 2 + u64::from(*b),
        Value::Number(n) => {
            // json_eq compares non-integers (and mixed forms) as f64, so hash the f64 value
            // (1 and 1.0 are equal); -0.0 and 0.0 are equal too.
            let f = n.as_f64().unwrap_or(0.0);
            let f = if f == 0.0 { 0.0 } else { f };
            mix(4, f.to_bits())
        }
        Value::String(s) => mix(5, of(s.as_str())),
        Value::Array(items) => items
            .iter()
            .fold(mix(6, items.len() as u64), |h, x| mix(h, json_hash(x))),
        Value::Object(m) => {
            // Key order does not matter to json_eq: combine the entries commutatively.
            let sum = m.iter().fold(0u64, |acc, (k, x)| {
                acc.wrapping_add(mix(of(k.as_str()), json_hash(x)))
            });
            mix(mix(7, m.len() as u64), sum)
        }
    }
}

pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

pub(crate) fn want_number(f: Function, v: &Value) -> Result<Number, StatesError> {
    match v {
        Value::Number(n) => Ok(n.clone()),
        other => Err(fail(
            f,
            format!("the arguments must be numbers, got {}", json_type(other)),
        )),
    }
}

/// AWS's MathAdd takes whole numbers: it rounds each operand as Java's `Math.round` does
/// (half up, toward positive infinity: 1.5 → 2, -0.5 → 0, -2.5 → -2) before adding, so
/// `States.MathAdd(1.49, 1.5)` is 3.
pub(crate) fn java_round(n: &Number) -> Number {
    if n.is_i64() || n.is_u64() {
        return n.clone();
    }
    let x = n.as_f64().unwrap_or(0.0);
    // Java saturates at the long range; NaN rounds to 0 (never reached from JSON).
    let r = (x + 0.5).floor();
    if r >= i64::MAX as f64 {
        Number::from(i64::MAX)
    } else if r <= i64::MIN as f64 {
        Number::from(i64::MIN)
    } else {
        Number::from(r as i64)
    }
}

/// Integer sums stay integers; anything else is added as a double.
pub(crate) fn add_numbers(f: Function, x: &Number, y: &Number) -> Result<Value, StatesError> {
    if let (Some(a), Some(b)) = (x.as_i64(), y.as_i64()) {
        if let Some(s) = a.checked_add(b) {
            return Ok(Value::from(s));
        }
    }
    let s = x.as_f64().unwrap_or(f64::NAN) + y.as_f64().unwrap_or(f64::NAN);
    Number::from_f64(s)
        .map(Value::Number)
        .ok_or_else(|| fail(f, "the sum is not a finite number"))
}

pub(crate) fn format(
    f: Function,
    template: &str,
    args: &[Cow<'_, Value>],
) -> Result<Value, StatesError> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut used = 0;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) => out.push(n),
                None => out.push('\\'),
            },
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                let Some(v) = args.get(used) else {
                    return Err(fail(
                        f,
                        format!(
                            "the format string has more '{{}}' placeholders than the {} argument(s) given",
                            args.len()
                        ),
                    ));
                };
                used += 1;
                java_to_string(&mut out, v);
            }
            other => out.push(other),
        }
    }
    if used != args.len() {
        return Err(fail(
            f,
            format!(
                "the format string has {used} '{{}}' placeholder(s) but {} argument(s) were given",
                args.len()
            ),
        ));
    }
    Ok(Value::String(out))
}

/// A `States.Format` argument as AWS prints it: the Java object Jackson read it into, through
/// its `toString`. Strings print bare, objects as a `Map` (`{Arg1=1, Arg2=[]}`), arrays as a
/// `List` (`[a, b]`), nested values the same way.
pub(crate) fn java_to_string(out: &mut String, v: &Value) {
    use std::fmt::Write as _;
    match v {
        Value::String(s) => out.push_str(s),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Null => out.push_str("null"),
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                java_to_string(out, item);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                java_to_string(out, item);
            }
            out.push('}');
        }
    }
}

pub(crate) fn hash(f: Function, alg: &str, data: &[u8]) -> Result<String, StatesError> {
    use sha2::Digest;
    let bytes: Vec<u8> = match alg {
        "MD5" => md5::Md5::digest(data).to_vec(),
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        "SHA-512" => sha2::Sha512::digest(data).to_vec(),
        other => {
            return Err(fail(
                f,
                format!(
                    "the hash algorithm '{other}' is not supported; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"
                ),
            ))
        }
    };
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub(crate) fn uuid_v4(rng: &mut Rng) -> String {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&rng.next_u64().to_be_bytes());
    b[8..].copy_from_slice(&rng.next_u64().to_be_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

// ---------------------------------------------------------------------------------------
// Parser
