//! Operators, grouping (object constructors and `{...}` on paths) and sorting.

use std::rc::Rc;

use crate::error::{Error, Result};
use crate::parser::{BinOp, GroupBy, Node, SortTerm};

use super::*;
use crate::value::*;

impl Evaluator {
    pub(crate) fn eval_binary(
        &self,
        node: &Node,
        op: BinOp,
        l: &Node,
        r: &Node,
        input: &Value,
        env: &Env,
    ) -> Result<Value> {
        let lhs = self.eval(l, input, env)?;
        let loc = |e: Error| e.locate(node.position, Some(op.symbol()));
        match op {
            BinOp::And => {
                if !boolean(&lhs).unwrap_or(false) {
                    return Ok(Value::Bool(false));
                }
                let rhs = self.eval(r, input, env)?;
                return Ok(Value::Bool(boolean(&rhs).unwrap_or(false)));
            }
            BinOp::Or => {
                if boolean(&lhs).unwrap_or(false) {
                    return Ok(Value::Bool(true));
                }
                let rhs = self.eval(r, input, env)?;
                return Ok(Value::Bool(boolean(&rhs).unwrap_or(false)));
            }
            _ => {}
        }
        let rhs = self.eval(r, input, env)?;
        match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
                let ln = numeric_operand(&lhs).map_err(loc)?;
                let rn = numeric_operand(&rhs).map_err(loc)?;
                if !lhs.is_undefined() && ln.is_none() {
                    return Err(loc(Error::new("T2001").value(to_json_string(&lhs, false))));
                }
                if !rhs.is_undefined() && rn.is_none() {
                    return Err(loc(Error::new("T2002").value(to_json_string(&rhs, false))));
                }
                let (Some(a), Some(b)) = (ln, rn) else {
                    return Ok(Value::Undefined);
                };
                Ok(Value::Number(match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => a / b,
                    _ => a % b,
                }))
            }
            BinOp::Eq | BinOp::Ne => {
                if lhs.is_undefined() || rhs.is_undefined() {
                    return Ok(Value::Bool(false));
                }
                let eq = deep_equal(&lhs, &rhs);
                Ok(Value::Bool(if op == BinOp::Eq { eq } else { !eq }))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let comparable =
                    |v: &Value| matches!(v, Value::Undefined | Value::String(_) | Value::Number(_));
                if !comparable(&lhs) || !comparable(&rhs) {
                    let bad = if matches!(lhs, Value::String(_) | Value::Number(_)) {
                        &rhs
                    } else {
                        &lhs
                    };
                    return Err(loc(Error::new("T2010").value(to_json_string(bad, false))));
                }
                if lhs.is_undefined() || rhs.is_undefined() {
                    return Ok(Value::Undefined);
                }
                let ord = match (&lhs, &rhs) {
                    (Value::Number(a), Value::Number(b)) => a.partial_cmp(b),
                    (Value::String(a), Value::String(b)) => Some(js_cmp(a, b)),
                    _ => {
                        return Err(loc(Error::new("T2009")
                            .value(to_json_string(&lhs, false))
                            .value2(to_json_string(&rhs, false))))
                    }
                };
                let Some(ord) = ord else {
                    return Ok(Value::Bool(false));
                };
                use std::cmp::Ordering::*;
                Ok(Value::Bool(match op {
                    BinOp::Lt => ord == Less,
                    BinOp::Le => ord != Greater,
                    BinOp::Gt => ord == Greater,
                    _ => ord != Less,
                }))
            }
            BinOp::Concat => {
                let a = if lhs.is_undefined() {
                    String::new()
                } else {
                    string_of(&lhs, false).map_err(loc)?
                };
                let b = if rhs.is_undefined() {
                    String::new()
                } else {
                    string_of(&rhs, false).map_err(loc)?
                };
                self.build(a.len() + b.len(), 0).map_err(loc)?;
                Ok(Value::string(a + &b))
            }
            BinOp::Range => {
                let is_int =
                    |v: &Value| matches!(v, Value::Number(n) if n.fract() == 0.0 && n.is_finite());
                if !lhs.is_undefined() && !is_int(&lhs) {
                    return Err(loc(Error::new("T2003").value(to_json_string(&lhs, false))));
                }
                if !rhs.is_undefined() && !is_int(&rhs) {
                    return Err(loc(Error::new("T2004").value(to_json_string(&rhs, false))));
                }
                let (Value::Number(a), Value::Number(b)) = (&lhs, &rhs) else {
                    return Ok(Value::Undefined);
                };
                if a > b {
                    return Ok(Value::Undefined);
                }
                let size = b - a + 1.0;
                if size > 1e7 {
                    return Err(loc(Error::new("D2014").value(number_to_string(size))));
                }
                self.build(0, size as usize).map_err(loc)?;
                let mut out = Vec::with_capacity(size as usize);
                let mut x = *a;
                while x <= *b {
                    out.push(Value::Number(x));
                    x += 1.0;
                }
                Ok(Value::array(out))
            }
            BinOp::In => {
                if lhs.is_undefined() || rhs.is_undefined() {
                    return Ok(Value::Bool(false));
                }
                let items = rhs.to_vec();
                Ok(Value::Bool(items.iter().any(|v| match (&lhs, v) {
                    (Value::Object(_), _) | (Value::Array(..), _) => false,
                    _ => deep_equal(&lhs, v),
                })))
            }
            BinOp::And | BinOp::Or => Ok(Value::Undefined),
        }
    }

    // ------------------------------------------------------------------ objects / grouping

    pub(crate) fn eval_group(&self, g: &GroupByRef, input: Value, env: &Env) -> Result<Value> {
        let reduce = input.has_flag(flags::TUPLE_STREAM);
        let mut items: Vec<Value> = match &input {
            Value::Array(a, _) => a.0.clone(),
            other => vec![other.clone()],
        };
        if items.is_empty() {
            items.push(Value::Undefined);
        }
        // key -> (items, expr index); items are combined once at the end (appending one at a
        // time would be quadratic for large groups)
        let mut groups: indexmap::IndexMap<String, (Vec<Value>, usize)> = indexmap::IndexMap::new();
        for item in &items {
            let ienv = if reduce {
                frame_from_tuple(env, item)
            } else {
                env.clone()
            };
            let ctx = if reduce {
                item.lookup_tuple("@")
            } else {
                item.clone()
            };
            for (pi, (kexpr, _)) in g.pairs.iter().enumerate() {
                let key = self.eval(kexpr, &ctx, &ienv)?;
                let key = match key {
                    Value::Undefined => continue,
                    Value::String(s) => s.to_string(),
                    other => {
                        return Err(Error::new("T1003")
                            .at(g.position)
                            .value(to_json_string(&other, false)))
                    }
                };
                match groups.get_mut(&key) {
                    Some(entry) => {
                        if entry.1 != pi {
                            return Err(Error::new("D1009").at(g.position).value(key));
                        }
                        entry.0.push(item.clone());
                    }
                    None => {
                        groups.insert(key, (vec![item.clone()], pi));
                    }
                }
            }
        }
        let mut result = Map::new();
        for (key, (members, pi)) in groups {
            let data = append_all(members);
            let (ctx, venv) = if reduce {
                let tuple = reduce_tuple_stream(&data);
                let ctx = tuple.get("@").cloned().unwrap_or_default();
                let f = Frame::child(env);
                for (k, v) in tuple.iter() {
                    if k != "@" {
                        f.bind(k, v.clone());
                    }
                }
                (ctx, f)
            } else {
                (data, env.clone())
            };
            let v = self.eval(&g.pairs[pi].1, &ctx, &venv)?;
            if !v.is_undefined() {
                result.insert(key, v);
            }
        }
        Ok(Value::object(result))
    }

    // ------------------------------------------------------------------ sorting

    pub(crate) fn eval_sort(
        &self,
        node: &Node,
        terms: &[SortTerm],
        input: Value,
        env: &Env,
    ) -> Result<Value> {
        let is_tuple = input.has_flag(flags::TUPLE_STREAM);
        let items = input.to_vec();
        // precompute the sort keys of every item
        let mut keyed: Vec<(Vec<Value>, Value)> = Vec::with_capacity(items.len());
        for item in items {
            let (ctx, ienv) = if is_tuple {
                (item.lookup_tuple("@"), frame_from_tuple(env, &item))
            } else {
                (item.clone(), env.clone())
            };
            let mut keys = Vec::with_capacity(terms.len());
            for t in terms {
                keys.push(self.eval(&t.expr, &ctx, &ienv)?);
            }
            keyed.push((keys, item));
        }
        let cmp = |a: &Vec<Value>, b: &Vec<Value>| -> Result<bool> {
            for (i, t) in terms.iter().enumerate() {
                let (x, y) = (&a[i], &b[i]);
                let mut c: i32 = match (x, y) {
                    (Value::Undefined, Value::Undefined) => 0,
                    (Value::Undefined, _) => {
                        return Ok(true);
                    }
                    (_, Value::Undefined) => {
                        return Ok(false);
                    }
                    (Value::Number(p), Value::Number(q)) => {
                        if p == q {
                            0
                        } else if p < q {
                            -1
                        } else {
                            1
                        }
                    }
                    (Value::String(p), Value::String(q)) => match js_cmp(p, q) {
                        std::cmp::Ordering::Equal => 0,
                        std::cmp::Ordering::Less => -1,
                        std::cmp::Ordering::Greater => 1,
                    },
                    (Value::Number(_) | Value::String(_), Value::Number(_) | Value::String(_)) => {
                        return Err(Error::new("T2007")
                            .at(node.position)
                            .value(to_json_string(x, false))
                            .value2(to_json_string(y, false)));
                    }
                    _ => {
                        let bad = if matches!(x, Value::Number(_) | Value::String(_)) {
                            y
                        } else {
                            x
                        };
                        return Err(Error::new("T2008")
                            .at(node.position)
                            .value(to_json_string(bad, false)));
                    }
                };
                if t.descending {
                    c = -c;
                }
                if c != 0 {
                    return Ok(c == 1);
                }
            }
            Ok(false)
        };
        // sort positions rather than the keyed items, so merging copies only integers
        let order: Vec<usize> = (0..keyed.len()).collect();
        let order = super::merge_sort(order, &mut |a, b| cmp(&keyed[*a].0, &keyed[*b].0))?;
        let out: Vec<Value> = order.into_iter().map(|i| keyed[i].1.clone()).collect();
        let f = if is_tuple {
            flags::SEQUENCE | flags::TUPLE_STREAM
        } else {
            flags::SEQUENCE
        };
        Ok(Value::Array(Rc::new(Arr::from(out)), f))
    }
}

/// Numeric operand check: undefined passes through, non-finite numbers are D1001.
pub(crate) fn numeric_operand(v: &Value) -> Result<Option<f64>> {
    match v {
        Value::Number(n) => {
            if !n.is_finite() {
                return Err(Error::new("D1001").value(number_to_string(*n)));
            }
            Ok(Some(*n))
        }
        _ => Ok(None),
    }
}

/// Borrowed view of a group-by / object constructor.
pub(crate) struct GroupByRef<'a> {
    pub(crate) pairs: &'a [(Node, Node)],
    pub(crate) position: usize,
}

impl<'a> From<&'a GroupBy> for GroupByRef<'a> {
    fn from(g: &'a GroupBy) -> Self {
        GroupByRef {
            pairs: &g.pairs,
            position: g.position,
        }
    }
}
