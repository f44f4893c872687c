//! AWS's JSONPath: compiled once when the definition loads, evaluated per state.
//! Owner: the "expressions" work (see ARCHITECTURE.md). CONTRACT used by the executor:
//!
//! - `Path::parse(text) -> Result<Path, String>`; text starts with `$` (input) or `$$` (context).
//! - `Path::select(&self, input, context) -> Result<Value, StatesError>`: the value a Path
//!   selects (AWS semantics: a definite path gives the value, an indefinite one an array);
//!   no match is `States.Runtime` with AWS's wording.
//! - `Path::is_reference_path(&self) -> bool` (ResultPath accepts only reference paths).
//! - `apply_result_path(input, Option<&Path>, result) -> Result<Value, StatesError>`.
//!
//! Additions (see /tmp/asl-contract-notes.md):
//! - `Path::select_for_field(&self, input, context, field)` gives AWS's field-specific cause text
//!   ("The JSONPath '$.x' specified for the field 'InputPath' could not be found in the input ...").
//! - `Path::try_select(&self, input, context) -> Option<Value>` (no error, for IsPresent).
//! - `Path::is_context()`, `Path::is_root()`, `Path::as_str()`, `Path::root()`.
//!
//! The dialect follows Jayway JSONPath, which Step Functions uses: dot and bracket children,
//! quoted names, `*`, `..`, negative indexes, slices, unions, filters `[?(...)]` and the
//! `[(@.length-1)]` script index. A path with a wildcard, `..`, slice, union or filter is
//! *indefinite* and always yields an array (possibly empty); any other path is *definite* and
//! either yields one value or fails.

use crate::error::StatesError;
use serde_json::{Map, Number, Value};
use std::cmp::Ordering;
use std::fmt;

mod bounded;
mod parse;
use bounded::visit;
use parse::Parser;
mod result_path;
pub use result_path::*;
mod jayway;
use jayway::{merge_names, segments_have_unquoted};

/// Nesting cap for filter expressions, so hostile input cannot overflow the stack.
pub(crate) const MAX_FILTER_DEPTH: usize = 16;
/// Most steps one path (or filter operand) may have; bounds the evaluator's recursion.
pub(crate) const MAX_SEGMENTS: usize = 128;
/// Longest path text accepted; AWS's own limit for a state field is far below this.
pub(crate) const MAX_PATH_LEN: usize = 64 * 1024;

/// A compiled JSONPath.
#[derive(Clone, PartialEq)]
pub struct Path {
    pub(crate) text: String,
    pub(crate) context: bool,
    /// `$name...`: the path reads the workflow variable `name` (see [`crate::expr::vars`]).
    pub(crate) variable: Option<String>,
    pub(crate) segments: Vec<Segment>,
    pub(crate) definite: bool,
    /// For `$`-rooted paths of plain names and non-negative indexes: the steps, so callers can
    /// walk (or move out of) a document without cloning.
    pub(crate) steps: Option<Vec<PathStep>>,
}

/// One step of a plain definite path (see [`Path::definite_steps`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    Field(String),
    Index(usize),
}

impl fmt::Debug for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Path({:?})", self.text)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Segment {
    /// `..` before the selector: apply it to the node and every descendant.
    pub(crate) descendant: bool,
    pub(crate) selector: Selector,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Selector {
    Name(String),
    Names(Vec<String>),
    Index(i64),
    Indexes(Vec<i64>),
    Wildcard,
    Slice(Option<i64>, Option<i64>, i64),
    /// `[(@.length - n)]`: an index counted from the end (n may be any integer).
    LengthMinus(i64),
    Filter(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// Chains are flat so a long `a || b || c ...` never nests deeply.
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Cmp(Operand, CmpOp, Operand),
    /// A bare operand: true when the path exists (and is not `false`/`null` for literals).
    Exists(Operand),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Nin,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    /// `@...` relative to the current item.
    Current(Vec<Segment>),
    /// `$...` from the document root.
    Root(Vec<Segment>),
    Literal(Value),
    /// An unquoted word (`@.Name==Receipt`). AWS accepts the definition, but Jayway JsonPath,
    /// which evaluates it, reads the word as a number literal and cannot compile the filter,
    /// so selecting through it fails at run time (see [`Path::uncompilable_filter`]).
    Unquoted(String),
}

impl Path {
    /// Compile a path. The text must start with `$`; `$$` addresses the context object.
    pub fn parse(text: &str) -> Result<Path, String> {
        if text.len() > MAX_PATH_LEN {
            return Err(format!(
                "The JSONPath is longer than {MAX_PATH_LEN} characters"
            ));
        }
        let trimmed = text.trim();
        if !trimmed.starts_with('$') {
            return Err(format!(
                "The value '{text}' is not a valid JSONPath: a path must start with '$'"
            ));
        }
        let mut p = Parser::new(trimmed);
        p.pos = 1;
        let context = p.eat('$');
        let variable = if context { None } else { p.variable_name() };
        let segments = p
            .segments(0, false)
            .map_err(|e| format!("The value '{text}' is not a valid JSONPath: {e}"))?;
        if !p.at_end() {
            return Err(format!(
                "The value '{text}' is not a valid JSONPath: unexpected '{}' at position {}",
                p.rest_preview(),
                p.pos + 1
            ));
        }
        let definite = segments.iter().all(Segment::is_definite);
        let steps = plain_steps(context || variable.is_some(), &segments);
        Ok(Path {
            text: trimmed.to_string(),
            context,
            variable,
            segments,
            definite,
            steps,
        })
    }

    #[cfg_attr(not(test), allow(dead_code))] // used by the unit tests
    /// `$`: the whole input.
    pub fn root() -> Path {
        Path {
            text: "$".to_string(),
            context: false,
            variable: None,
            segments: Vec::new(),
            definite: true,
            steps: Some(Vec::new()),
        }
    }

    /// The steps of a `$`-rooted definite path made only of names and non-negative indexes
    /// (`$` itself gives `Some(&[])`); None for anything else.
    pub fn definite_steps(&self) -> Option<&[PathStep]> {
        self.steps.as_deref()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the path reads something other than the state's input: the context object
    /// (`$$...`) or a workflow variable (`$name...`). Callers use this to keep such paths off
    /// the fast routes that borrow from, or move out of, the input.
    pub fn is_context(&self) -> bool {
        self.context || self.variable.is_some()
    }

    /// The workflow variable the path starts at (`$name...`), if any.
    pub fn variable(&self) -> Option<&str> {
        self.variable.as_deref()
    }

    /// Whether the path is exactly `$` (or `$$`).
    pub fn is_root(&self) -> bool {
        self.segments.is_empty() && self.variable.is_none()
    }

    /// Definite paths select one node; indefinite ones an array of nodes.
    pub fn is_definite(&self) -> bool {
        self.definite
    }

    /// ResultPath (and the Catch ResultPath) may only name one node by plain steps: names and
    /// non-negative single indexes, no wildcards, filters, slices, unions or `..`.
    pub fn is_reference_path(&self) -> bool {
        !self.context
            && self.variable.is_none()
            && self.segments.iter().all(|s| {
                !s.descendant
                    && (matches!(s.selector, Selector::Name(_))
                        || matches!(s.selector, Selector::Index(i) if i >= 0))
            })
    }

    /// Select for InputPath, OutputPath, ItemsPath and the other `...Path` fields. No match is
    /// `States.Runtime` with Jayway's wording as AWS shows it:
    /// `Invalid path '$.x' : No results for path: $['x']`.
    pub fn select(&self, input: &Value, context: &Value) -> Result<Value, StatesError> {
        if let Some(e) = self.uncompilable_filter() {
            return Err(e);
        }
        self.select_checked(input, context)?.ok_or_else(|| {
            StatesError::runtime(format!(
                "Invalid path '{}' : No results for path: {}",
                self.text,
                self.normalized()
            ))
        })
    }

    /// Select for a `.$` key of a payload template (`field` is the key, e.g. `id.$`), with
    /// AWS's cause text: "The JSONPath '$.x' specified for the field 'id.$' could not be found
    /// in the input '{...}'".
    pub fn select_for_field(
        &self,
        input: &Value,
        context: &Value,
        field: &str,
    ) -> Result<Value, StatesError> {
        if let Some(e) = self.uncompilable_filter() {
            return Err(e);
        }
        self.select_checked(input, context)?.ok_or_else(|| {
            let doc = if self.context { context } else { input };
            StatesError::runtime(format!(
                "The JSONPath '{}' specified for the field '{}' could not be found in the input '{}'",
                self.text,
                field,
                compact(doc)
            ))
        })
    }

    /// Jayway's normalised form, `$['a'][0]`, used in its error messages.
    pub fn normalized(&self) -> String {
        let mut out = String::from(if self.context { "$$" } else { "$" });
        if let Some(v) = &self.variable {
            out.push_str(v);
        }
        for seg in &self.segments {
            if seg.descendant {
                out.push_str("..");
            }
            match &seg.selector {
                Selector::Name(n) => out.push_str(&format!("['{n}']")),
                Selector::Names(ns) => {
                    let parts: Vec<String> = ns.iter().map(|n| format!("'{n}'")).collect();
                    out.push_str(&format!("[{}]", parts.join(",")));
                }
                Selector::Index(i) => out.push_str(&format!("[{i}]")),
                Selector::Indexes(is) => {
                    let parts: Vec<String> = is.iter().map(|i| i.to_string()).collect();
                    out.push_str(&format!("[{}]", parts.join(",")));
                }
                Selector::Wildcard => out.push_str("[*]"),
                Selector::Slice(a, b, c) => {
                    let f = |v: &Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
                    if *c == 1 {
                        out.push_str(&format!("[{}:{}]", f(a), f(b)));
                    } else {
                        out.push_str(&format!("[{}:{}:{c}]", f(a), f(b)));
                    }
                }
                Selector::LengthMinus(n) => out.push_str(&format!("[(@.length-{n})]")),
                Selector::Filter(_) => out.push_str("[?]"),
            }
        }
        out
    }

    /// The selected value, or None when a definite path matches nothing.
    /// Indefinite paths always give `Some(array)`.
    /// A selection too large to make (see [`Path::select_checked`]) is None here too.
    #[cfg_attr(not(test), allow(dead_code))] // the unit tests' shorthand
    pub fn try_select(&self, input: &Value, context: &Value) -> Option<Value> {
        if !self.definite && segments_have_unquoted(&self.segments) {
            return None;
        }
        self.select_checked(input, context).ok().flatten()
    }

    /// Like [`Path::try_select`], but an indefinite selection that would visit more than
    /// [`bounded::MAX_SELECT_NODES`] nodes or copy more than [`bounded::MAX_SELECT_BYTES`] is an error naming
    /// the path: chained `..` over deep input select exponentially many nodes (a 248-byte
    /// input once took 3.5 GB).
    pub fn select_checked(
        &self,
        input: &Value,
        context: &Value,
    ) -> Result<Option<Value>, StatesError> {
        if let Some(name) = &self.variable {
            return crate::expr::vars::with(name, |v| match v {
                Some(v) => self.select_from(v),
                None => Ok(None),
            });
        }
        let doc = if self.context { context } else { input };
        self.select_from(doc)
    }

    #[inline]
    pub(crate) fn select_from(&self, doc: &Value) -> Result<Option<Value>, StatesError> {
        if self.definite {
            let mut cur = doc;
            for seg in &self.segments {
                match step_definite(cur, &seg.selector) {
                    Some(c) => cur = c,
                    None => return Ok(None),
                }
            }
            Ok(Some(cur.clone()))
        } else if let Some((
            Segment {
                descendant: false,
                selector: Selector::Names(names),
            },
            parents,
        )) = self.segments.split_last()
        {
            Ok(Some(merge_names(doc, parents, names)))
        } else {
            bounded::select(&self.text, doc, &self.segments)
        }
    }

    /// How a Map state can answer this path for one item without building `$$.Map` in the
    /// context object: `Some((false, n))` for `$$.Map.Item.Index...`, `Some((true, n))` for
    /// `$$.Map.Item.Value...`, where the first `n` segments are consumed; see
    /// [`Path::select_rest`] for the remainder. None for any other path.
    pub fn map_item_part(&self) -> Option<(bool, usize)> {
        if !self.context || !self.definite || self.segments.len() < 3 {
            return None;
        }
        let name = |i: usize| match &self.segments[i].selector {
            Selector::Name(n) if !self.segments[i].descendant => Some(n.as_str()),
            _ => None,
        };
        if name(0) != Some("Map") || name(1) != Some("Item") {
            return None;
        }
        match name(2) {
            Some("Index") => Some((false, 3)),
            Some("Value") => Some((true, 3)),
            _ => None,
        }
    }

    /// Whether this (context) path could read `$$.Map`: anything starting with `Map`, the
    /// whole `$$`, or a descendant/indefinite step at the top.
    pub fn may_read_context_map(&self) -> bool {
        if !self.context {
            return false;
        }
        match self.segments.first() {
            None => true,
            Some(seg) => {
                seg.descendant || !matches!(&seg.selector, Selector::Name(n) if n != "Map")
            }
        }
    }

    /// Definite selection of the segments after the first `skip`, starting at `start`.
    pub fn select_rest<'a>(&self, skip: usize, start: &'a Value) -> Option<&'a Value> {
        if !self.definite {
            return None;
        }
        let mut cur = start;
        for seg in self.segments.get(skip..)? {
            cur = step_definite(cur, &seg.selector)?;
        }
        Some(cur)
    }

    /// Number of segments (`$` has none).
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// Borrowing form of [`Path::try_select`] for definite paths (no clone). None for
    /// indefinite paths or no match.
    pub fn select_ref<'a>(&self, input: &'a Value, context: &'a Value) -> Option<&'a Value> {
        if !self.definite || self.variable.is_some() {
            return None;
        }
        let mut cur = if self.context { context } else { input };
        for seg in &self.segments {
            cur = step_definite(cur, &seg.selector)?;
        }
        Some(cur)
    }
}

pub(crate) fn plain_steps(context: bool, segs: &[Segment]) -> Option<Vec<PathStep>> {
    if context {
        return None;
    }
    segs.iter()
        .map(|s| match &s.selector {
            _ if s.descendant => None,
            Selector::Name(n) => Some(PathStep::Field(n.clone())),
            Selector::Index(i) if *i >= 0 => usize::try_from(*i).ok().map(PathStep::Index),
            _ => None,
        })
        .collect()
}

impl Segment {
    pub(crate) fn is_definite(&self) -> bool {
        !self.descendant
            && matches!(
                self.selector,
                Selector::Name(_) | Selector::Index(_) | Selector::LengthMinus(_)
            )
    }
}

/// Jayway prints documents compactly in its messages.
pub(crate) fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

pub(crate) fn resolve_index(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let idx = if i < 0 { len + i } else { i };
    if idx >= 0 && idx < len {
        Some(idx as usize)
    } else {
        None
    }
}

/// Objects up to this many fields are searched by a scan rather than by hashing the key.
pub(crate) const SCAN_FIELDS: usize = 8;

/// `m.get(key)`: for a small object a linear scan, cheaper than hashing the key.
#[inline]
pub fn field<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if m.len() <= SCAN_FIELDS {
        m.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        m.get(key)
    }
}

/// `m.get_mut(key)`, as [`field`].
#[inline]
pub fn field_mut<'a>(m: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Value> {
    if m.len() <= SCAN_FIELDS {
        m.iter_mut()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| v)
    } else {
        m.get_mut(key)
    }
}

pub(crate) fn step_definite<'a>(cur: &'a Value, sel: &Selector) -> Option<&'a Value> {
    match sel {
        Selector::Name(n) => field(cur.as_object()?, n),
        Selector::Index(i) => {
            let a = cur.as_array()?;
            a.get(resolve_index(*i, a.len())?)
        }
        Selector::LengthMinus(n) => {
            // `@.length-0` or `@.length+k` is past the end and never matches.
            let a = cur.as_array()?;
            if *n <= 0 {
                return None;
            }
            a.get(resolve_index(n.checked_neg()?, a.len())?)
        }
        _ => None,
    }
}

pub(crate) fn collect<'a>(
    root: &'a Value,
    cur: &'a Value,
    segs: &[Segment],
    out: &mut Vec<&'a Value>,
    depth: usize,
) {
    if !visit() {
        return;
    }
    let Some((seg, rest)) = segs.split_first() else {
        out.push(cur);
        return;
    };
    if seg.descendant {
        let mut nodes = Vec::new();
        descendants(cur, &mut nodes, 0);
        for n in nodes {
            apply_selector(root, n, &seg.selector, rest, out, depth, true);
        }
    } else {
        apply_selector(root, cur, &seg.selector, rest, out, depth, false);
    }
}

/// The node itself and all descendants, document order. Depth is bounded by serde_json's
/// own recursion limit on parsed input; the cap here guards hand-built values.
pub(crate) fn descendants<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if !visit() {
        return;
    }
    out.push(v);
    if depth > 512 {
        return;
    }
    match v {
        Value::Object(m) => m.values().for_each(|c| descendants(c, out, depth + 1)),
        Value::Array(a) => a.iter().for_each(|c| descendants(c, out, depth + 1)),
        _ => {}
    }
}

pub(crate) fn apply_selector<'a>(
    root: &'a Value,
    cur: &'a Value,
    sel: &Selector,
    rest: &[Segment],
    out: &mut Vec<&'a Value>,
    depth: usize,
    scanning: bool,
) {
    match sel {
        Selector::Name(n) => {
            if let Some(c) = cur.as_object().and_then(|m| m.get(n)) {
                collect(root, c, rest, out, depth);
            }
        }
        Selector::Names(ns) => {
            if let Some(m) = cur.as_object() {
                for n in ns {
                    if let Some(c) = m.get(n) {
                        collect(root, c, rest, out, depth);
                    }
                }
            }
        }
        Selector::Index(_) | Selector::LengthMinus(_) => {
            if let Some(c) = step_definite(cur, sel) {
                collect(root, c, rest, out, depth);
            }
        }
        Selector::Indexes(is) => {
            if let Some(a) = cur.as_array() {
                for i in is {
                    if let Some(c) = resolve_index(*i, a.len()).and_then(|i| a.get(i)) {
                        collect(root, c, rest, out, depth);
                    }
                }
            }
        }
        Selector::Wildcard => match cur {
            Value::Object(m) => m.values().for_each(|c| collect(root, c, rest, out, depth)),
            Value::Array(a) => a.iter().for_each(|c| collect(root, c, rest, out, depth)),
            _ => {}
        },
        Selector::Slice(start, end, step) => {
            if let Some(a) = cur.as_array() {
                for i in slice_indexes(a.len(), *start, *end, *step) {
                    collect(root, &a[i], rest, out, depth);
                }
            }
        }
        Selector::Filter(expr) => {
            // Jayway applies a filter to the children of an array, or to an object itself
            // (only when not scanning with `..`, where objects are reached as children anyway).
            match cur {
                Value::Array(a) => {
                    for c in a {
                        if eval_filter(root, c, expr) {
                            collect(root, c, rest, out, depth);
                        }
                    }
                }
                Value::Object(_) if !scanning && eval_filter(root, cur, expr) => {
                    collect(root, cur, rest, out, depth);
                }
                _ => {}
            }
        }
    }
}

pub(crate) fn slice_indexes(
    len: usize,
    start: Option<i64>,
    end: Option<i64>,
    step: i64,
) -> Vec<usize> {
    let len = len as i64;
    let norm = |v: i64| if v < 0 { (len + v).max(0) } else { v.min(len) };
    let mut out = Vec::new();
    if step > 0 {
        let s = start.map(norm).unwrap_or(0);
        let e = end.map(norm).unwrap_or(len);
        let mut i = s;
        while i < e {
            out.push(i as usize);
            i = i.saturating_add(step);
        }
    } else if step < 0 {
        let s = start
            .map(|v| if v < 0 { len + v } else { v.min(len - 1) })
            .unwrap_or(len - 1);
        let e = end.map(|v| if v < 0 { len + v } else { v }).unwrap_or(-1);
        let mut i = s;
        while i > e && i >= 0 {
            if i < len {
                out.push(i as usize);
            }
            i = i.saturating_add(step);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Filters

pub(crate) fn eval_filter(root: &Value, item: &Value, expr: &Expr) -> bool {
    match expr {
        Expr::Or(terms) => terms.iter().any(|t| eval_filter(root, item, t)),
        Expr::And(terms) => terms.iter().all(|t| eval_filter(root, item, t)),
        Expr::Not(a) => !eval_filter(root, item, a),
        Expr::Exists(op) => match operand_value(root, item, op).as_deref() {
            Some(Value::Bool(b)) if matches!(op, Operand::Literal(_)) => *b,
            Some(Value::Null) if matches!(op, Operand::Literal(_)) => false,
            Some(_) => true,
            None => false,
        },
        Expr::Cmp(l, op, r) => {
            let (Some(lv), Some(rv)) = (operand_value(root, item, l), operand_value(root, item, r))
            else {
                return false;
            };
            compare(&lv, *op, &rv)
        }
    }
}

/// Operands are borrowed where possible: filters run once per array item, so cloning each
/// compared value would dominate their cost.
pub(crate) fn operand_value<'a>(
    root: &'a Value,
    item: &'a Value,
    op: &'a Operand,
) -> Option<std::borrow::Cow<'a, Value>> {
    use std::borrow::Cow;
    let (start, segs) = match op {
        Operand::Literal(v) => return Some(Cow::Borrowed(v)),
        Operand::Unquoted(_) => return None,
        Operand::Current(s) => (item, s),
        Operand::Root(s) => (root, s),
    };
    if segs.iter().all(Segment::is_definite) {
        let mut cur = start;
        for s in segs {
            cur = step_definite(cur, &s.selector)?;
        }
        Some(Cow::Borrowed(cur))
    } else {
        let mut out = Vec::new();
        collect(root, start, segs, &mut out, 0);
        Some(Cow::Owned(Value::Array(out.into_iter().cloned().collect())))
    }
}

pub(crate) fn compare(l: &Value, op: CmpOp, r: &Value) -> bool {
    match op {
        CmpOp::Eq => values_equal(l, r),
        CmpOp::Ne => !values_equal(l, r),
        CmpOp::In => r
            .as_array()
            .is_some_and(|a| a.iter().any(|x| values_equal(l, x))),
        CmpOp::Nin => r
            .as_array()
            .is_some_and(|a| !a.iter().any(|x| values_equal(l, x))),
        CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
            let ord = match (l, r) {
                (Value::Number(a), Value::Number(b)) => num_cmp(a, b),
                (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
                _ => None,
            };
            match ord {
                None => false,
                Some(o) => match op {
                    CmpOp::Lt => o == Ordering::Less,
                    CmpOp::Le => o != Ordering::Greater,
                    CmpOp::Gt => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                },
            }
        }
    }
}

pub(crate) fn values_equal(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Number(a), Value::Number(b)) => num_cmp(a, b) == Some(Ordering::Equal),
        _ => l == r,
    }
}

pub(crate) fn num_cmp(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return Some(x.cmp(&y));
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

// ---------------------------------------------------------------------------------------
// Parser

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sel(p: &str, v: &Value) -> Option<Value> {
        Path::parse(p).unwrap().try_select(v, &json!({}))
    }

    #[test]
    fn result_path_applies_exactly_when_insertion_succeeds() {
        let docs = [
            json!({}),
            json!({"a": 1}),
            json!({"a": {"b": [1, {"c": 2}]}}),
            json!({"a": [1, 2]}),
            json!([1, 2]),
            json!("s"),
            json!(null),
        ];
        let paths = [
            "$",
            "$.a",
            "$.a.b",
            "$.a.b[0]",
            "$.a.b[1].c",
            "$.a.b[1].c.d",
            "$.a[1]",
            "$.a[5]",
            "$.x.y",
            "$.x[0]",
            "$[0]",
            "$[1].q",
            "$.a.b[-1]",
            "$.a.*",
        ];
        for d in &docs {
            for p in paths {
                let path = Path::parse(p).unwrap();
                let ok = apply_result_path_owned(d.clone(), Some(&path), json!(1)).is_ok();
                assert_eq!(result_path_applies(d, &path), ok, "{p} on {d}");
            }
        }
    }

    #[test]
    fn basic() {
        let v = json!({"a": {"b": [1, 2, 3]}, "c d": 5});
        assert_eq!(sel("$", &v), Some(v.clone()));
        assert_eq!(sel("$.a.b[0]", &v), Some(json!(1)));
        assert_eq!(sel("$.a.b[-1]", &v), Some(json!(3)));
        assert_eq!(sel("$['c d']", &v), Some(json!(5)));
        assert_eq!(sel("$.a.b[*]", &v), Some(json!([1, 2, 3])));
        assert_eq!(sel("$.a.b[1:]", &v), Some(json!([2, 3])));
        assert_eq!(sel("$.a.b[(@.length-1)]", &v), Some(json!(3)));
        assert_eq!(sel("$.x", &v), None);
    }
}
