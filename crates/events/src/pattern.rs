//! Event patterns: parsing with AWS's validation messages, and matching one event.
//! Owner: the "patterns" work. CONTRACT used by the fast matcher and the bus:
//!
//! - `Pattern::parse(source: &str) -> Result<Pattern, PatternError>`
//! - `Pattern::matches(&self, event: &serde_json::Value) -> bool`
//! - `Pattern::explain(&self, event: &Value) -> Explanation` (Serialize)
//! - The compiled tree (fields → leaf conditions, `$or`) is public so `matcher.rs` can
//!   compile many patterns into one automaton, with per-condition tests on strings and
//!   numbers exposed as methods (one definition of each operator's semantics).

mod cidr;
mod dotted;
mod explain;
mod jackson;
mod javanum;
mod parse;
mod wildcard;

pub use cidr::{parse_ip, Cidr, CidrError};
pub use explain::{Explanation, FieldReport};
pub use parse::{compile_value, json_syntax_reason, MAX_DEPTH, NUMERIC_LIMIT};
pub use wildcard::{Wildcard, WildcardError};

use crate::PatternError;
use serde::Serialize;
use serde_json::Value;

/// A compiled event pattern.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pattern {
    /// The top-level object of the pattern: the tree as written, except that a `$or` whose
    /// alternatives reach into an object its siblings also reach into is distributed over
    /// its node, so that one array element must satisfy them together as in EventBridge.
    pub root: Node,
}

/// One object level of a pattern: every field must match, and every `$or` group must have
/// at least one alternative that matches (AWS allows `$or` beside ordinary fields).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Node {
    /// In the order they were written, which is also the order explanations report them.
    pub fields: Vec<Field>,
    /// Each entry is one `$or` array: a list of alternative sub-patterns at this level.
    pub any_of: Vec<Vec<Node>>,
}

/// A named field of a pattern object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: String,
    pub test: FieldTest,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum FieldTest {
    /// The pattern continues into a nested object.
    Nested(Node),
    /// A leaf array: the field matches when ANY condition matches ANY value found there.
    Leaf(Vec<Condition>),
}

/// A scalar written in a pattern or found in an event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Literal {
    String(String),
    /// Kept as written (for explanations) plus its value (for numeric equality: 3 == 3.0).
    Number(Number),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Number {
    /// The text as written in the pattern, e.g. `3.0e2`.
    pub text: String,
    pub value: f64,
}

/// A scalar value of an event, borrowed; arrays are expanded into their elements by the
/// caller, objects are never leaves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Leaf<'a> {
    String(&'a str),
    Number(f64),
    Bool(bool),
    Null,
}

impl<'a> Leaf<'a> {
    /// `None` for arrays and objects, which are not leaves.
    pub fn from_value(value: &'a Value) -> Option<Leaf<'a>> {
        match value {
            Value::String(s) => Some(Leaf::String(s)),
            Value::Number(n) => n.as_f64().map(Leaf::Number),
            Value::Bool(b) => Some(Leaf::Bool(*b)),
            Value::Null => Some(Leaf::Null),
            Value::Array(_) | Value::Object(_) => None,
        }
    }
}

/// A numeric interval; `None` bounds are open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NumericRange {
    pub lower: Option<Bound>,
    pub upper: Option<Bound>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bound {
    pub value: f64,
    pub inclusive: bool,
}

/// One leaf condition of a pattern's array.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", content = "arg", rename_all = "kebab-case")]
pub enum Condition {
    /// A bare value: strings compare exactly, numbers numerically, `true`/`false`/`null` by kind.
    Exact(Literal),
    Prefix(String),
    PrefixEqualsIgnoreCase(String),
    Suffix(String),
    SuffixEqualsIgnoreCase(String),
    EqualsIgnoreCase(String),
    Wildcard(Wildcard),
    Numeric(NumericRange),
    /// `true`: some leaf value is present at the field; `false`: none is.
    Exists(bool),
    AnythingBut(AnythingBut),
    Cidr(Cidr),
}

/// The forms of `anything-but`: each matches a present value that the inner test rejects.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "form", content = "arg", rename_all = "kebab-case")]
pub enum AnythingBut {
    /// A value or list of strings/numbers (the list form; a single value is a one-item list).
    Values(Vec<Literal>),
    Prefix(Vec<String>),
    Suffix(Vec<String>),
    EqualsIgnoreCase(Vec<String>),
    Wildcard(Vec<Wildcard>),
}

/// AWS compares case-insensitively with full Unicode lower-casing.
pub(crate) fn fold_case(s: &str) -> String {
    s.to_lowercase()
}

/// Case-folded characters, without allocating.
fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(char::to_lowercase)
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    let mut value = folded(s);
    folded(prefix).all(|c| value.next() == Some(c))
}

fn equals_ignore_case(a: &str, b: &str) -> bool {
    folded(a).eq(folded(b))
}

fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    fold_case(s).ends_with(&fold_case(suffix))
}

impl NumericRange {
    pub fn contains(&self, n: f64) -> bool {
        let lower_ok = match self.lower {
            None => true,
            Some(b) if b.inclusive => n >= b.value,
            Some(b) => n > b.value,
        };
        let upper_ok = match self.upper {
            None => true,
            Some(b) if b.inclusive => n <= b.value,
            Some(b) => n < b.value,
        };
        lower_ok && upper_ok
    }
}

/// A string pattern that is an IP address matches any spelling of that address
/// (event-ruler turns both into the same bytes).
fn same_ip(pattern: &str, value: &str) -> bool {
    match cidr::parse_ip(pattern) {
        Some(ip) => cidr::parse_ip(value) == Some(ip),
        None => false,
    }
}

/// Whether EventBridge can compare the event number `n` numerically. event-ruler compares
/// every number whose decimal text a double holds exactly; a parsed event number is that
/// double already (its shortest text reads back exactly), so only non-finite values,
/// which JSON cannot spell, are left out.
pub fn is_comparable(n: f64) -> bool {
    n.is_finite()
}

/// Numeric equality as AWS applies it: comparable numbers are equal when their values
/// are (so `3`, `3.0` and `3.0e0` are one number); others only when identical.
pub fn numbers_equal(a: f64, b: f64) -> bool {
    a == b
}

impl Literal {
    /// Equality without the IP-address widening of [`Literal::matches_leaf`].
    pub fn equals_leaf(&self, leaf: Leaf<'_>) -> bool {
        match (self, leaf) {
            (Literal::String(a), Leaf::String(b)) => a == b,
            _ => self.matches_leaf(leaf),
        }
    }

    /// Exact-match semantics: strings against strings, numbers numerically, and the JSON
    /// constants only against themselves (the string `"true"` is not `true`).
    pub fn matches_leaf(&self, leaf: Leaf<'_>) -> bool {
        match (self, leaf) {
            (Literal::String(a), Leaf::String(b)) => a == b || same_ip(a, b),
            (Literal::Number(a), Leaf::Number(b)) => numbers_equal(a.value, b),
            (Literal::Bool(a), Leaf::Bool(b)) => *a == b,
            (Literal::Null, Leaf::Null) => true,
            _ => false,
        }
    }
}

impl AnythingBut {
    /// Whether the inner test accepts the value (anything-but then rejects it).
    fn excludes(&self, leaf: Leaf<'_>) -> bool {
        match (self, leaf) {
            // Exclusions compare values as written: no IP-address normalisation here.
            (AnythingBut::Values(values), _) => values.iter().any(|v| v.equals_leaf(leaf)),
            (AnythingBut::Prefix(ps), Leaf::String(s)) => {
                ps.iter().any(|p| s.starts_with(p.as_str()))
            }
            (AnythingBut::Suffix(ps), Leaf::String(s)) => {
                ps.iter().any(|p| s.ends_with(p.as_str()))
            }
            (AnythingBut::EqualsIgnoreCase(vs), Leaf::String(s)) => {
                vs.iter().any(|v| equals_ignore_case(v, s))
            }
            (AnythingBut::Wildcard(ws), Leaf::String(s)) => ws.iter().any(|w| w.matches(s)),
            _ => false,
        }
    }

    /// Any present value the exclusions do not cover matches, whatever its type: AWS
    /// compares the value's JSON text, so `5`, `true` and `null` are "anything but" `"x"`.
    pub fn matches_leaf(&self, leaf: Leaf<'_>) -> bool {
        !self.excludes(leaf)
    }
}

impl Literal {
    /// The literal as it would be written in a pattern.
    pub fn to_json(&self) -> Value {
        match self {
            Literal::String(s) => Value::String(s.clone()),
            Literal::Number(n) => serde_json::from_str(&n.text)
                .ok()
                .or_else(|| serde_json::Number::from_f64(n.value).map(Value::Number))
                .unwrap_or(Value::Null),
            Literal::Bool(b) => Value::Bool(*b),
            Literal::Null => Value::Null,
        }
    }
}

fn number_json(v: f64) -> Value {
    // Integral values print as integers, as people write them.
    if v.fract() == 0.0 && v.abs() < 1e15 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

fn one_or_list(items: Vec<Value>) -> Value {
    if items.len() == 1 {
        items.into_iter().next().unwrap_or(Value::Null)
    } else {
        Value::Array(items)
    }
}

impl Condition {
    /// The condition written back in EventBridge pattern syntax (for explanations), e.g.
    /// `{"numeric": [">", 0, "<=", 5]}`; the implied bounds of one-sided ranges (the
    /// largest doubles) are left out.
    pub fn to_json(&self) -> Value {
        let strings =
            |v: &[String]| one_or_list(v.iter().map(|s| Value::String(s.clone())).collect());
        match self {
            Condition::Exact(lit) => lit.to_json(),
            Condition::Prefix(s) => serde_json::json!({"prefix": s}),
            Condition::PrefixEqualsIgnoreCase(s) => {
                serde_json::json!({"prefix": {"equals-ignore-case": s}})
            }
            Condition::Suffix(s) => serde_json::json!({"suffix": s}),
            Condition::SuffixEqualsIgnoreCase(s) => {
                serde_json::json!({"suffix": {"equals-ignore-case": s}})
            }
            Condition::EqualsIgnoreCase(s) => serde_json::json!({"equals-ignore-case": s}),
            Condition::Wildcard(w) => serde_json::json!({"wildcard": w.source}),
            Condition::Exists(b) => serde_json::json!({"exists": b}),
            Condition::Cidr(c) => serde_json::json!({"cidr": c.source}),
            Condition::Numeric(r) => {
                let mut terms = Vec::new();
                match (r.lower, r.upper) {
                    (Some(lo), Some(hi))
                        if lo.inclusive && hi.inclusive && lo.value == hi.value =>
                    {
                        terms.push(Value::from("="));
                        terms.push(number_json(lo.value));
                    }
                    (lo, hi) => {
                        if let Some(lo) = lo.filter(|b| b.value > -NUMERIC_LIMIT || !b.inclusive) {
                            terms.push(Value::from(if lo.inclusive { ">=" } else { ">" }));
                            terms.push(number_json(lo.value));
                        }
                        if let Some(hi) = hi.filter(|b| b.value < NUMERIC_LIMIT || !b.inclusive) {
                            terms.push(Value::from(if hi.inclusive { "<=" } else { "<" }));
                            terms.push(number_json(hi.value));
                        }
                    }
                }
                serde_json::json!({"numeric": terms})
            }
            Condition::AnythingBut(ab) => {
                let inner = match ab {
                    AnythingBut::Values(vs) => {
                        one_or_list(vs.iter().map(Literal::to_json).collect())
                    }
                    AnythingBut::Prefix(v) => serde_json::json!({"prefix": strings(v)}),
                    AnythingBut::Suffix(v) => serde_json::json!({"suffix": strings(v)}),
                    AnythingBut::EqualsIgnoreCase(v) => {
                        serde_json::json!({"equals-ignore-case": strings(v)})
                    }
                    AnythingBut::Wildcard(ws) => serde_json::json!({"wildcard": one_or_list(
                        ws.iter().map(|w| Value::String(w.source.clone())).collect()
                    )}),
                };
                serde_json::json!({"anything-but": inner})
            }
        }
    }

    /// The one definition of each operator on a single event value.
    ///
    /// `Exists(true)` accepts any value (a value is present); `Exists(false)` accepts none —
    /// absence is decided by the caller, which knows whether the field had any value.
    pub fn matches_leaf(&self, leaf: Leaf<'_>) -> bool {
        match self {
            Condition::Exact(lit) => lit.matches_leaf(leaf),
            Condition::Exists(present) => *present,
            Condition::AnythingBut(ab) => ab.matches_leaf(leaf),
            Condition::Numeric(range) => {
                matches!(leaf, Leaf::Number(n) if is_comparable(n) && range.contains(n))
            }
            _ => match leaf {
                Leaf::String(s) => self.matches_str(s),
                _ => false,
            },
        }
    }

    /// The condition against a JSON string value.
    pub fn matches_str(&self, s: &str) -> bool {
        match self {
            Condition::Exact(Literal::String(v)) => v == s || same_ip(v, s),
            Condition::Exact(_) => false,
            Condition::Prefix(p) => s.starts_with(p.as_str()),
            Condition::PrefixEqualsIgnoreCase(p) => starts_with_ignore_case(s, p),
            Condition::Suffix(p) => s.ends_with(p.as_str()),
            Condition::SuffixEqualsIgnoreCase(p) => ends_with_ignore_case(s, p),
            Condition::EqualsIgnoreCase(v) => equals_ignore_case(v, s),
            Condition::Wildcard(w) => w.matches(s),
            Condition::Numeric(_) => false,
            Condition::Exists(present) => *present,
            Condition::AnythingBut(ab) => ab.matches_leaf(Leaf::String(s)),
            Condition::Cidr(c) => c.contains_str(s),
        }
    }

    /// The condition against a JSON number value.
    pub fn matches_number(&self, n: f64) -> bool {
        self.matches_leaf(Leaf::Number(n))
    }

    pub fn matches_bool(&self, b: bool) -> bool {
        self.matches_leaf(Leaf::Bool(b))
    }

    pub fn matches_null(&self) -> bool {
        self.matches_leaf(Leaf::Null)
    }

    /// Whether the condition is satisfied by the field having no value at all
    /// (only `{"exists": false}` is).
    pub fn matches_absent(&self) -> bool {
        matches!(self, Condition::Exists(false))
    }
}

/// One conjunction of a pattern with `$or` expanded: every (path, conditions) must hold.
/// Paths are the field names from the root, e.g. `["detail", "state"]`.
pub type Conjunction = Vec<(Vec<String>, Vec<Condition>)>;

/// Cap on expanded `$or` combinations, so a hostile pattern cannot explode memory.
pub const MAX_DISJUNCTS: usize = 4096;

impl Pattern {
    /// Compiles a pattern, validating it as EventBridge does.
    pub fn parse(source: &str) -> Result<Pattern, PatternError> {
        parse::parse(source)
    }

    /// Whether the event matches. Arrays in the event match when any element does; fields
    /// under the same array element must be satisfied by that same element.
    pub fn matches(&self, event: &Value) -> bool {
        let event = dotted::split_event(event);
        node_matches(&self.root, std::slice::from_ref(&*event))
    }

    /// Why the event matched or not, field by field.
    pub fn explain(&self, event: &Value) -> Explanation {
        explain::explain(self, &dotted::split_event(event))
    }

    /// The pattern as a set of alternatives (`$or` expanded), for automaton builders.
    /// Returns `None` when there would be more than [`MAX_DISJUNCTS`] alternatives.
    /// Note: flattening loses array-element consistency, which `matches` keeps.
    pub fn disjuncts(&self) -> Option<Vec<Conjunction>> {
        expand(&self.root, &[])
    }
}

fn expand(node: &Node, prefix: &[String]) -> Option<Vec<Conjunction>> {
    let mut acc: Vec<Conjunction> = vec![Vec::new()];
    for field in &node.fields {
        let mut path = prefix.to_vec();
        path.push(field.name.clone());
        match &field.test {
            FieldTest::Leaf(conds) => {
                for c in acc.iter_mut() {
                    c.push((path.clone(), conds.clone()));
                }
            }
            FieldTest::Nested(child) => {
                let sub = expand(child, &path)?;
                acc = cross(acc, &sub)?;
            }
        }
    }
    for group in &node.any_of {
        let mut alternatives = Vec::new();
        for alt in group {
            alternatives.extend(expand(alt, prefix)?);
            if alternatives.len() > MAX_DISJUNCTS {
                return None;
            }
        }
        acc = cross(acc, &alternatives)?;
    }
    Some(acc)
}

fn cross(left: Vec<Conjunction>, right: &[Conjunction]) -> Option<Vec<Conjunction>> {
    if left.len().saturating_mul(right.len()) > MAX_DISJUNCTS {
        return None;
    }
    let mut out = Vec::with_capacity(left.len() * right.len());
    for l in &left {
        for r in right {
            let mut c = l.clone();
            c.extend(r.iter().cloned());
            out.push(c);
        }
    }
    Some(out)
}

/// Collects the leaf values of `name` in each object of `objects`, looking through arrays
/// (nested arrays included) as EventBridge does.
pub(crate) fn leaf_values<'a>(objects: &[&'a Value], name: &str, out: &mut Vec<Leaf<'a>>) {
    let mut raw = Vec::new();
    leaf_refs(objects, name, &mut raw);
    out.extend(raw.into_iter().filter_map(Leaf::from_value));
}

/// Like [`leaf_values`] but keeps the JSON values themselves (explanations show them as
/// the event wrote them).
pub(crate) fn leaf_refs<'a>(objects: &[&'a Value], name: &str, out: &mut Vec<&'a Value>) {
    fn push<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
        match v {
            Value::Array(items) => {
                if depth < parse::MAX_DEPTH {
                    for item in items {
                        push(item, out, depth + 1);
                    }
                }
            }
            Value::Object(_) => {}
            other => out.push(other),
        }
    }
    for obj in objects {
        if let Some(v) = obj.get(name) {
            push(v, out, 0);
        }
    }
}

/// The objects found at `name` (array elements that are objects included), each a
/// separate candidate for a nested pattern.
pub(crate) fn child_objects<'a>(objects: &[&'a Value], name: &str) -> Vec<&'a Value> {
    fn push<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
        match v {
            Value::Object(_) => out.push(v),
            Value::Array(items) if depth < parse::MAX_DEPTH => {
                for item in items {
                    push(item, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for obj in objects {
        if let Some(v) = obj.get(name) {
            push(v, &mut out, 0);
        }
    }
    out
}

pub(crate) static EMPTY_OBJECT: std::sync::LazyLock<Value> =
    std::sync::LazyLock::new(|| Value::Object(Default::default()));

/// A field's conditions against the values found there. `absence_allowed` is false when
/// EventBridge judges `{"exists": false}` across a whole array and found the field there.
pub(crate) fn leaf_test_matches(
    conds: &[Condition],
    values: &[Leaf<'_>],
    absence_allowed: bool,
) -> bool {
    if values.is_empty() {
        return absence_allowed && conds.iter().any(Condition::matches_absent);
    }
    conds
        .iter()
        .any(|c| values.iter().any(|v| c.matches_leaf(*v)))
}

/// Relative paths (field names from a node down) of `exists: false` leaves.
pub(crate) type Blocked = Vec<Vec<String>>;

/// Which `exists: false` leaves of `node` EventBridge checks against the whole array its
/// candidates come from, and finds there.
///
/// event-ruler visits a rule's fields in path order and checks absence against the array
/// elements chosen so far; an absent field whose path sorts before every positive field of
/// the element has nothing chosen yet, so any element holding it defeats the match.
pub(crate) fn blocked_absences(node: &Node, candidates: &[&Value]) -> Blocked {
    if candidates.len() < 2 {
        return Vec::new();
    }
    let mut positive: Vec<String> = Vec::new();
    let mut absent: Vec<Vec<String>> = Vec::new();
    fn walk(
        node: &Node,
        prefix: &mut Vec<String>,
        positive: &mut Vec<String>,
        absent: &mut Vec<Vec<String>>,
    ) {
        for field in &node.fields {
            prefix.push(field.name.clone());
            match &field.test {
                FieldTest::Leaf(conds) => {
                    if conds.iter().any(Condition::matches_absent) {
                        absent.push(prefix.clone());
                    }
                    if conds.iter().any(|c| !c.matches_absent()) {
                        positive.push(prefix.join("."));
                    }
                }
                FieldTest::Nested(child) => walk(child, prefix, positive, absent),
            }
            prefix.pop();
        }
    }
    walk(node, &mut Vec::new(), &mut positive, &mut absent);
    absent.retain(|path| {
        let dotted = path.join(".");
        let pinned = positive.iter().any(|p| *p < dotted);
        !pinned && candidates.iter().any(|c| has_leaf_at(c, path))
    });
    absent
}

fn has_leaf_at(object: &Value, path: &[String]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    if rest.is_empty() {
        let mut values = Vec::new();
        leaf_refs(&[object], first, &mut values);
        return !values.is_empty();
    }
    child_objects(&[object], first)
        .iter()
        .any(|c| has_leaf_at(c, rest))
}

/// The blocked paths that continue below the field `name`.
pub(crate) fn blocked_below(blocked: &Blocked, name: &str) -> Blocked {
    blocked
        .iter()
        .filter(|p| p.len() > 1 && p[0] == name)
        .map(|p| p[1..].to_vec())
        .collect()
}

pub(crate) fn is_blocked(blocked: &Blocked, name: &str) -> bool {
    blocked.iter().any(|p| p.len() == 1 && p[0] == name)
}

/// `candidates` are the event objects this node may be satisfied by; one candidate must
/// satisfy the whole node (that is what keeps fields of one array element together).
fn node_matches(node: &Node, candidates: &[Value]) -> bool {
    candidates
        .iter()
        .any(|c| node_matches_one(node, c, &Vec::new()))
}

fn node_matches_one(node: &Node, object: &Value, blocked: &Blocked) -> bool {
    let objs = [object];
    for field in &node.fields {
        let ok = match &field.test {
            FieldTest::Leaf(conds) => {
                let mut values = Vec::new();
                leaf_values(&objs, &field.name, &mut values);
                leaf_test_matches(conds, &values, !is_blocked(blocked, &field.name))
            }
            FieldTest::Nested(child) => {
                let children = child_objects(&objs, &field.name);
                let mut inner = blocked_below(blocked, &field.name);
                if children.is_empty() {
                    node_matches_one(child, &EMPTY_OBJECT, &inner)
                } else {
                    inner.extend(blocked_absences(child, &children));
                    children.iter().any(|c| node_matches_one(child, c, &inner))
                }
            }
        };
        if !ok {
            return false;
        }
    }
    node.any_of.iter().all(|group| {
        group
            .iter()
            .any(|alt| node_matches_one(alt, object, blocked))
    })
}
