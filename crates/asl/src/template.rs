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
use crate::intrinsics::{is_intrinsic, Intrinsic};
use crate::jsonpath::Path;
use crate::rng::Rng;
use serde_json::{Map, Value};

/// Deepest template nesting accepted (serde_json's own parser stops at 128).
const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    root: Node,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Static(Value),
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    /// The path and the key it came from (with its `.$`), for error messages.
    Path(Path, String),
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
        Ok(Template {
            root: compile_node(value, "", 0)?,
        })
    }

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
    pub fn evaluate_owned(
        &self,
        input: Value,
        context: &Value,
        rng: &mut Rng,
    ) -> Result<Value, StatesError> {
        owned::evaluate_owned(&self.root, input, context, rng)
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
                        Ok(Dynamic::Path(p)) => Node::Path(p, k.clone()),
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

fn eval(node: &Node, input: &Value, context: &Value, rng: &mut Rng) -> Result<Value, StatesError> {
    match node {
        Node::Static(v) => Ok(v.clone()),
        Node::Path(p, key) => p.select_for_field(input, context, key),
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
/// Leaves (paths and calls) are numbered in template order. Plain `$`-rooted definite paths
/// that overlap no other plain path are *movable*. Every other leaf is evaluated first,
/// in order, against the untouched input (so intrinsics see the same input and draw from the
/// rng in the same order as [`Template::evaluate`]); then movable subtrees are taken out of
/// the input and everything is assembled. If a plain path is missing the whole template falls
/// back to the borrowing evaluation, so errors read exactly the same.
mod owned {
    use super::{eval, Node};
    use crate::error::StatesError;
    use crate::jsonpath::PathStep;
    use crate::rng::Rng;
    use serde_json::{Map, Value};

    fn leaves<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
        match node {
            Node::Static(_) => {}
            Node::Path(..) | Node::Call(_) => out.push(node),
            Node::Array(items) => items.iter().for_each(|n| leaves(n, out)),
            Node::Object(fields) => fields.iter().for_each(|(_, n)| leaves(n, out)),
        }
    }

    fn plain_steps(node: &Node) -> Option<&[PathStep]> {
        match node {
            Node::Path(p, _) => p.definite_steps(),
            _ => None,
        }
    }

    fn overlaps(a: &[PathStep], b: &[PathStep]) -> bool {
        a.iter().zip(b).all(|(x, y)| x == y)
    }

    fn get<'v>(mut v: &'v Value, steps: &[PathStep]) -> Option<&'v Value> {
        for s in steps {
            v = match s {
                PathStep::Field(f) => v.as_object()?.get(f)?,
                PathStep::Index(i) => v.as_array()?.get(*i)?,
            };
        }
        Some(v)
    }

    fn take(v: &mut Value, steps: &[PathStep]) -> Option<Value> {
        let mut cur = v;
        for s in steps {
            cur = match s {
                PathStep::Field(f) => cur.as_object_mut()?.get_mut(f)?,
                PathStep::Index(i) => cur.as_array_mut()?.get_mut(*i)?,
            };
        }
        Some(std::mem::take(cur))
    }

    pub(super) fn evaluate_owned(
        root: &Node,
        mut input: Value,
        context: &Value,
        rng: &mut Rng,
    ) -> Result<Value, StatesError> {
        let mut ls = Vec::new();
        leaves(root, &mut ls);
        let steps: Vec<Option<&[PathStep]>> = ls.iter().map(|n| plain_steps(n)).collect();
        if steps.iter().flatten().any(|s| get(&input, s).is_none()) {
            return eval(root, &input, context, rng);
        }
        let movable: Vec<bool> = steps
            .iter()
            .enumerate()
            .map(|(i, s)| match s {
                Some(a) => steps
                    .iter()
                    .enumerate()
                    .all(|(j, t)| i == j || t.is_none_or(|b| !overlaps(a, b))),
                None => false,
            })
            .collect();
        if !movable.iter().any(|m| *m) {
            return eval(root, &input, context, rng);
        }
        let mut values: Vec<Option<Value>> = Vec::with_capacity(ls.len());
        for (i, leaf) in ls.iter().enumerate() {
            values.push(if movable[i] {
                None
            } else {
                Some(eval(leaf, &input, context, rng)?)
            });
        }
        for (i, s) in steps.iter().enumerate() {
            if let (true, Some(s)) = (movable[i], s) {
                values[i] = take(&mut input, s);
            }
        }
        let mut next = 0usize;
        Ok(assemble(root, &mut values, &mut next))
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
