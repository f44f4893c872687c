//! Payload templates (Parameters, ResultSelector, ItemSelector): `.$` keys, paths, intrinsics.
//! Owner: the "expressions" work. CONTRACT used by the executor:
//!
//! - `Template::compile(&Value) -> Result<Template, String>`
//! - `Template::evaluate(&self, input, context, rng) -> Result<Value, StatesError>`
//!
//! A `.$` path that matches nothing is `States.Runtime` naming the key, as AWS does:
//! "The JSONPath '$.x' specified for the field 'id.$' could not be found in the input '{...}'".
//!
//! AWS: "Payload templates" in
//! https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html —
//! a key ending in `.$` takes a path or an intrinsic call, its value replaces the key without
//! the suffix; everything else is copied as is. Whole static subtrees are kept as one value
//! so evaluation only clones them.

use crate::error::StatesError;
use crate::expr::intrinsics::{is_intrinsic, Arg, Intrinsic};
use crate::expr::jsonpath::{Path, PathStep};
use crate::expr::size::{json_size, measure, plus, str_size, Bound, UNKNOWN};
use crate::rng::Rng;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Deepest template nesting accepted (serde_json's own parser stops at 128).
const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    root: Node,
    /// Serialised size of everything but the `.$` values: keys, punctuation, static parts.
    fixed: usize,
    /// Whether [`Template::evaluate_item`] can answer every `$$.Map...` read itself.
    item_fast: bool,
    /// Whether the one read of `$$.Map.Item.Value` is the whole item (it may then move).
    item_moves: bool,
    /// Per leaf (`.$` value, in template order): whether [`Template::evaluate_owned`] moves
    /// its subtree out of the input; see the `owned` module.
    movable: Vec<bool>,
    /// Per leaf: the plain steps of a `$`-rooted definite path (None for anything else).
    leaf_steps: Vec<Option<Vec<PathStep>>>,
    /// The `$$.Map.Item...` paths, with [`Path::map_item_part`].
    item_paths: Vec<(Path, bool, usize)>,
}

/// A value evaluated with size tracking (see [`crate::expr::size`]): its size is at most `extra`
/// plus, when `moved`, the size of the input it moved parts out of.
pub struct SizedValue {
    pub value: Value,
    pub extra: Bound,
    pub moved: bool,
}

impl SizedValue {
    /// Bound of the value alone, given a bound of the input it was evaluated on.
    pub fn bound(&self, input_bound: Bound) -> Bound {
        if self.moved {
            plus(self.extra, input_bound)
        } else {
            self.extra
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Static(Value),
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    /// The path, the key it came from (with its `.$`, for error messages), and
    /// [`Path::map_item_part`].
    Path(Path, String, Option<(bool, usize)>),
    Call(Box<Intrinsic>),
}

/// What a `.$` value means: a path or an intrinsic call.
#[derive(Debug, Clone, PartialEq)]
pub enum Dynamic {
    Path(Path),
    Call(Box<Intrinsic>),
}

/// Compile the value of a `.$` key (also used by the validator).
pub fn compile_dynamic(text: &str) -> Result<Dynamic, String> {
    if is_intrinsic(text) {
        Intrinsic::parse(text).map(|c| Dynamic::Call(Box::new(c)))
    } else {
        Path::parse(text).map(Dynamic::Path)
    }
}

impl Template {
    pub fn compile(value: &Value) -> Result<Template, String> {
        let root = compile_node(value, "", 0)?;
        let mut leaves = Vec::new();
        owned::leaves(&root, &mut leaves);
        let item_fast = leaves.iter().all(|n| match n {
            Node::Path(p, _, _) => p.map_item_part().is_some() || !p.may_read_context_map(),
            Node::Call(c) => !call_reads_context(c),
            _ => true,
        });
        let value_reads: Vec<&Path> = leaves
            .iter()
            .filter_map(|n| match n {
                Node::Path(p, _, _) if matches!(p.map_item_part(), Some((true, _))) => Some(p),
                _ => None,
            })
            .collect();
        let item_moves = value_reads.len() == 1 && value_reads[0].segment_count() == 3;
        let item_paths = leaves
            .iter()
            .filter_map(|n| match n {
                Node::Path(p, _, Some((v, skip))) => Some((p.clone(), *v, *skip)),
                _ => None,
            })
            .collect();
        let movable = owned::movable(&leaves);
        let leaf_steps = leaves
            .iter()
            .map(|n| match n {
                Node::Path(p, _, _) => p.definite_steps().map(<[PathStep]>::to_vec),
                _ => None,
            })
            .collect();
        Ok(Template {
            leaf_steps,
            fixed: fixed_size(&root),
            item_fast,
            item_moves,
            movable,
            item_paths,
            root,
        })
    }

    /// Whether every path the template reads from its input (in `.$` fields and intrinsic
    /// arguments) is a plain definite path disjoint from `steps`, so the input may lose the
    /// subtree at `steps` without changing the result.
    pub fn reads_disjoint_from(&self, steps: &[PathStep]) -> bool {
        let mut leaves = Vec::new();
        owned::leaves(&self.root, &mut leaves);
        let path_ok = |p: &Path| {
            p.is_context()
                || p.definite_steps()
                    .is_some_and(|s| !s.iter().zip(steps).all(|(x, y)| x == y))
        };
        fn call_ok(c: &Intrinsic, path_ok: &dyn Fn(&Path) -> bool) -> bool {
            c.args().iter().all(|a| match a {
                Arg::Literal(_) => true,
                Arg::Path(p) => path_ok(p),
                Arg::Call(inner) => call_ok(inner, path_ok),
            })
        }
        leaves.iter().all(|n| match n {
            Node::Path(p, _, _) => path_ok(p),
            Node::Call(c) => call_ok(c, &path_ok),
            _ => true,
        })
    }

    /// [`Template::evaluate`] with an upper bound of the result's size; `input_bound` bounds
    /// the input's size, `limit` is the quota (values are measured up to it).
    pub fn evaluate_sized(
        &self,
        input: &Value,
        input_bound: Bound,
        context: &Value,
        rng: &mut Rng,
        limit: usize,
    ) -> Result<(Value, Bound), StatesError> {
        if limit == usize::MAX {
            return Ok((eval(&self.root, input, context, rng)?, UNKNOWN));
        }
        let mut acc = self.fixed;
        let v = eval_sized(
            &self.root,
            input,
            context,
            rng,
            input_bound,
            limit,
            &mut acc,
        )?;
        Ok((v, acc))
    }

    /// [`Template::evaluate_owned`] with size tracking (see [`SizedValue`]).
    pub fn evaluate_owned_sized(
        &self,
        input: Value,
        input_bound: Bound,
        context: &Value,
        rng: &mut Rng,
        limit: usize,
    ) -> Result<SizedValue, StatesError> {
        owned::evaluate_owned(self, input, context, rng, Some((input_bound, limit)))
    }

    /// Whether [`Template::evaluate_item`] can evaluate this ItemSelector for Map item
    /// `index`: not when the template reads the context in ways only the real `$$.Map`
    /// object answers, nor when an item path matches nothing (its error message quotes the
    /// context object); the caller then builds `$$.Map` and evaluates normally.
    pub fn can_evaluate_item(&self, index: usize, item: &Value) -> bool {
        if !self.item_fast {
            return false;
        }
        let index_value = Value::from(index);
        self.item_paths.iter().all(|(p, is_value, skip)| {
            p.select_rest(*skip, if *is_value { item } else { &index_value })
                .is_some()
        })
    }

    /// An ItemSelector for Map item `index` without putting `$$.Map` into the context
    /// object: the same value as [`Template::evaluate`] with `$$.Map.Item` set, and a bound
    /// of its size. Only after [`Template::can_evaluate_item`] said yes. An owned item is
    /// moved when the template reads it whole, once.
    #[allow(clippy::too_many_arguments)]
    pub fn evaluate_item(
        &self,
        input: &Value,
        input_bound: Bound,
        context: &Value,
        index: usize,
        item: Cow<'_, Value>,
        rng: &mut Rng,
        limit: usize,
    ) -> Result<(Value, Bound), StatesError> {
        let index_value = Value::from(index);
        let mut item = Some(item);
        let mut acc = self.fixed;
        let mut cx = ItemCx {
            input,
            context,
            index_value: &index_value,
            item: &mut item,
            moves: self.item_moves,
            input_bound,
            limit,
            acc: &mut acc,
        };
        let v = eval_item(&self.root, &mut cx, rng)?;
        Ok((v, if limit == usize::MAX { UNKNOWN } else { acc }))
    }

    #[cfg_attr(not(test), allow(dead_code))] // used by the unit tests
    /// Whether the template has no `.$` keys (its value is constant).
    pub fn is_static(&self) -> bool {
        matches!(self.root, Node::Static(_))
    }

    pub fn evaluate(
        &self,
        input: &Value,
        context: &Value,
        rng: &mut Rng,
    ) -> Result<Value, StatesError> {
        eval(&self.root, input, context, rng)
    }

    /// Same result as [`Template::evaluate`], for a caller whose input is dead afterwards:
    /// `"doc.$": "$.doc"`-style fields move their subtree out of `input` instead of cloning it
    /// when no other field of the template reads an overlapping part.
    #[cfg_attr(not(test), allow(dead_code))] // used by the unit tests
    pub fn evaluate_owned(
        &self,
        input: Value,
        context: &Value,
        rng: &mut Rng,
    ) -> Result<Value, StatesError> {
        owned::evaluate_owned(self, input, context, rng, None).map(|s| s.value)
    }
}

fn compile_node(v: &Value, at: &str, depth: usize) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "The template is nested deeper than {MAX_DEPTH} levels at '{at}'"
        ));
    }
    match v {
        Value::Object(m) => {
            let mut fields = Vec::with_capacity(m.len());
            let mut dynamic = false;
            for (k, child) in m {
                let here = format!("{at}/{k}");
                if let Some(name) = k.strip_suffix(".$") {
                    let Value::String(text) = child else {
                        return Err(format!(
                            "The value of the field '{k}' (at '{here}') must be a string holding a JSONPath or an intrinsic function, because its name ends in '.$'"
                        ));
                    };
                    let node = match compile_dynamic(text) {
                        Ok(Dynamic::Path(p)) => {
                            let item = p.map_item_part();
                            Node::Path(p, k.clone(), item)
                        }
                        Ok(Dynamic::Call(c)) => Node::Call(c),
                        Err(e) => return Err(format!("The field '{k}' (at '{here}'): {e}")),
                    };
                    dynamic = true;
                    fields.push((name.to_string(), node));
                } else {
                    let node = compile_node(child, &here, depth + 1)?;
                    dynamic |= !matches!(node, Node::Static(_));
                    fields.push((k.clone(), node));
                }
            }
            if dynamic {
                Ok(Node::Object(fields))
            } else {
                Ok(Node::Static(v.clone()))
            }
        }
        Value::Array(a) => {
            let mut items = Vec::with_capacity(a.len());
            let mut dynamic = false;
            for (i, child) in a.iter().enumerate() {
                let node = compile_node(child, &format!("{at}/{i}"), depth + 1)?;
                dynamic |= !matches!(node, Node::Static(_));
                items.push(node);
            }
            if dynamic {
                Ok(Node::Array(items))
            } else {
                Ok(Node::Static(v.clone()))
            }
        }
        other => Ok(Node::Static(other.clone())),
    }
}

/// Whether an intrinsic call reads the context object anywhere in its arguments.
fn call_reads_context(c: &Intrinsic) -> bool {
    c.args().iter().any(|a| match a {
        Arg::Literal(_) => false,
        Arg::Path(p) => p.is_context(),
        Arg::Call(inner) => call_reads_context(inner),
    })
}

/// Serialised size of a template's output apart from its `.$` values.
fn fixed_size(node: &Node) -> usize {
    match node {
        Node::Static(v) => json_size(v, usize::MAX),
        Node::Path(..) | Node::Call(_) => 0,
        Node::Array(items) => {
            2 + items.len().saturating_sub(1) + items.iter().map(fixed_size).sum::<usize>()
        }
        Node::Object(fields) => {
            2 + fields.len().saturating_sub(1)
                + fields
                    .iter()
                    .map(|(k, n)| str_size(k) + 1 + fixed_size(n))
                    .sum::<usize>()
        }
    }
}

/// Size bound of one leaf's value: a definite selection from the input is no larger than
/// the input; anything else is measured.
fn leaf_bound(node: &Node, v: &Value, input_bound: Bound, limit: usize) -> Bound {
    match node {
        Node::Path(p, _, _) if !p.is_context() && p.is_definite() && input_bound <= limit => {
            input_bound
        }
        _ => measure(v, limit),
    }
}

fn eval_sized(
    node: &Node,
    input: &Value,
    context: &Value,
    rng: &mut Rng,
    input_bound: Bound,
    limit: usize,
    acc: &mut Bound,
) -> Result<Value, StatesError> {
    match node {
        Node::Static(v) => Ok(v.clone()),
        Node::Path(..) | Node::Call(_) => {
            let v = eval(node, input, context, rng)?;
            *acc = plus(*acc, leaf_bound(node, &v, input_bound, limit));
            Ok(v)
        }
        Node::Array(items) => items
            .iter()
            .map(|n| eval_sized(n, input, context, rng, input_bound, limit, acc))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Node::Object(fields) => {
            let mut m = Map::with_capacity(fields.len());
            for (k, n) in fields {
                m.insert(
                    k.clone(),
                    eval_sized(n, input, context, rng, input_bound, limit, acc)?,
                );
            }
            Ok(Value::Object(m))
        }
    }
}

struct ItemCx<'a, 'i> {
    input: &'a Value,
    context: &'a Value,
    index_value: &'a Value,
    item: &'a mut Option<Cow<'i, Value>>,
    moves: bool,
    input_bound: Bound,
    limit: usize,
    acc: &'a mut Bound,
}

fn eval_item(node: &Node, cx: &mut ItemCx, rng: &mut Rng) -> Result<Value, StatesError> {
    match node {
        Node::Static(v) => Ok(v.clone()),
        Node::Path(p, _, Some((is_value, skip))) => {
            let (is_value, skip) = (*is_value, *skip);
            let v = if is_value {
                if cx.moves {
                    cx.item.take().map(Cow::into_owned)
                } else {
                    cx.item
                        .as_deref()
                        .and_then(|item| p.select_rest(skip, item))
                        .cloned()
                }
            } else {
                p.select_rest(skip, cx.index_value).cloned()
            };
            let v = v.unwrap_or(Value::Null);
            *cx.acc = plus(*cx.acc, measure(&v, cx.limit));
            Ok(v)
        }
        Node::Path(..) | Node::Call(_) => {
            let v = eval(node, cx.input, cx.context, rng)?;
            *cx.acc = plus(*cx.acc, leaf_bound(node, &v, cx.input_bound, cx.limit));
            Ok(v)
        }
        Node::Array(items) => items
            .iter()
            .map(|n| eval_item(n, cx, rng))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Node::Object(fields) => {
            let mut m = Map::with_capacity(fields.len());
            for (k, n) in fields {
                m.insert(k.clone(), eval_item(n, cx, rng)?);
            }
            Ok(Value::Object(m))
        }
    }
}

fn eval(node: &Node, input: &Value, context: &Value, rng: &mut Rng) -> Result<Value, StatesError> {
    match node {
        Node::Static(v) => Ok(v.clone()),
        Node::Path(p, key, _) => p.select_for_field(input, context, key),
        Node::Call(c) => c.evaluate(input, context, rng),
        Node::Array(items) => items
            .iter()
            .map(|n| eval(n, input, context, rng))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Node::Object(fields) => {
            let mut m = Map::with_capacity(fields.len());
            for (k, n) in fields {
                m.insert(k.clone(), eval(n, input, context, rng)?);
            }
            Ok(Value::Object(m))
        }
    }
}

/// The move-instead-of-clone evaluation behind [`Template::evaluate_owned`].
///
/// Leaves (paths and calls) are numbered in template order. A plain `$`-rooted definite
/// path is *movable* when no other plain path reads an ancestor of it (or the same node,
/// earlier in the template): its subtree is taken out of the input. Every other leaf is
/// evaluated first, in order, against the untouched input (so intrinsics see the same input
/// and draw from the rng in the same order as [`Template::evaluate`], and a path under a
/// moved subtree is copied before the move); then movable subtrees are taken out of the input
/// and everything is assembled. If a plain path is missing the whole template falls back to
/// the borrowing evaluation, so errors read exactly the same.
mod owned {
    use super::{eval, leaf_bound, Node, SizedValue, Template};
    use crate::error::StatesError;
    use crate::expr::jsonpath::{field, field_mut, PathStep};
    use crate::expr::size::{plus, Bound, UNKNOWN};
    use crate::rng::Rng;
    use serde_json::{Map, Value};

    pub(super) fn leaves<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
        match node {
            Node::Static(_) => {}
            Node::Path(..) | Node::Call(_) => out.push(node),
            Node::Array(items) => items.iter().for_each(|n| leaves(n, out)),
            Node::Object(fields) => fields.iter().for_each(|(_, n)| leaves(n, out)),
        }
    }

    fn plain_steps(node: &Node) -> Option<&[PathStep]> {
        match node {
            Node::Path(p, _, _) => p.definite_steps(),
            _ => None,
        }
    }

    /// Which leaves move: a plain path that no other plain path reads at an ancestor (or at
    /// the same node, earlier in the template).
    pub(super) fn movable(ls: &[&Node]) -> Vec<bool> {
        let steps: Vec<Option<&[PathStep]>> = ls.iter().map(|n| plain_steps(n)).collect();
        steps
            .iter()
            .enumerate()
            .map(|(i, s)| match s {
                Some(a) => steps.iter().enumerate().all(|(j, t)| {
                    i == j || t.is_none_or(|b| !(is_prefix(b, a) && (b.len() < a.len() || j < i)))
                }),
                None => false,
            })
            .collect()
    }

    /// `b` is `a` or an ancestor of it.
    fn is_prefix(b: &[PathStep], a: &[PathStep]) -> bool {
        b.len() <= a.len() && b.iter().zip(a).all(|(x, y)| x == y)
    }

    fn get<'v>(mut v: &'v Value, steps: &[PathStep]) -> Option<&'v Value> {
        for s in steps {
            v = match s {
                PathStep::Field(f) => field(v.as_object()?, f)?,
                PathStep::Index(i) => v.as_array()?.get(*i)?,
            };
        }
        Some(v)
    }

    fn take(v: &mut Value, steps: &[PathStep]) -> Option<Value> {
        let mut cur = v;
        for s in steps {
            cur = match s {
                PathStep::Field(f) => field_mut(cur.as_object_mut()?, f)?,
                PathStep::Index(i) => cur.as_array_mut()?.get_mut(*i)?,
            };
        }
        Some(std::mem::take(cur))
    }

    /// The borrowing evaluation, with its size bound when sizing.
    fn borrowed(
        t: &Template,
        input: &Value,
        context: &Value,
        rng: &mut Rng,
        sizing: Option<(Bound, usize)>,
    ) -> Result<SizedValue, StatesError> {
        let (value, extra) = match sizing {
            Some((input_bound, limit)) => {
                t.evaluate_sized(input, input_bound, context, rng, limit)?
            }
            None => (eval(&t.root, input, context, rng)?, UNKNOWN),
        };
        Ok(SizedValue {
            value,
            extra,
            moved: false,
        })
    }

    pub(super) fn evaluate_owned(
        t: &Template,
        mut input: Value,
        context: &Value,
        rng: &mut Rng,
        sizing: Option<(Bound, usize)>,
    ) -> Result<SizedValue, StatesError> {
        if !t.movable.iter().any(|m| *m)
            || t.leaf_steps
                .iter()
                .flatten()
                .any(|s| get(&input, s).is_none())
        {
            return borrowed(t, &input, context, rng, sizing);
        }
        let sizing = sizing.filter(|(_, limit)| *limit != usize::MAX);
        let mut extra = t.fixed;
        let mut values: Vec<Option<Value>> = Vec::with_capacity(t.movable.len());
        let mut cx = Leaves {
            movable: &t.movable,
            input: &input,
            context,
            sizing,
            extra: &mut extra,
            values: &mut values,
        };
        eval_fixed_leaves(&t.root, &mut cx, rng)?;
        for (i, s) in t.leaf_steps.iter().enumerate() {
            if let (true, Some(s)) = (t.movable[i], s) {
                values[i] = take(&mut input, s);
            }
        }
        let mut next = 0usize;
        Ok(SizedValue {
            value: assemble(&t.root, &mut values, &mut next),
            extra: if sizing.is_some() { extra } else { UNKNOWN },
            moved: true,
        })
    }

    struct Leaves<'a> {
        movable: &'a [bool],
        input: &'a Value,
        context: &'a Value,
        sizing: Option<(Bound, usize)>,
        extra: &'a mut Bound,
        values: &'a mut Vec<Option<Value>>,
    }

    /// Evaluates the leaves that do not move, in template order, against the untouched input;
    /// a moving leaf gets a None placeholder.
    fn eval_fixed_leaves(node: &Node, cx: &mut Leaves, rng: &mut Rng) -> Result<(), StatesError> {
        match node {
            Node::Static(_) => Ok(()),
            Node::Path(..) | Node::Call(_) => {
                let i = cx.values.len();
                if cx.movable.get(i).copied().unwrap_or(false) {
                    cx.values.push(None);
                } else {
                    let v = eval(node, cx.input, cx.context, rng)?;
                    if let Some((input_bound, limit)) = cx.sizing {
                        *cx.extra = plus(*cx.extra, leaf_bound(node, &v, input_bound, limit));
                    }
                    cx.values.push(Some(v));
                }
                Ok(())
            }
            Node::Array(items) => items.iter().try_for_each(|n| eval_fixed_leaves(n, cx, rng)),
            Node::Object(fields) => fields
                .iter()
                .try_for_each(|(_, n)| eval_fixed_leaves(n, cx, rng)),
        }
    }

    fn assemble(node: &Node, values: &mut [Option<Value>], next: &mut usize) -> Value {
        match node {
            Node::Static(v) => v.clone(),
            Node::Path(..) | Node::Call(_) => {
                let i = *next;
                *next += 1;
                values
                    .get_mut(i)
                    .and_then(Option::take)
                    .unwrap_or(Value::Null)
            }
            Node::Array(items) => {
                Value::Array(items.iter().map(|n| assemble(n, values, next)).collect())
            }
            Node::Object(fields) => {
                let mut m = Map::with_capacity(fields.len());
                for (k, n) in fields {
                    m.insert(k.clone(), assemble(n, values, next));
                }
                Value::Object(m)
            }
        }
    }
}
