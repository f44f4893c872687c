//! The reference implementation's AST post-processing: paths and their stages, ancestry
//! (`%`) resolution, and tail-call marking.

use crate::error::{Error, Result};

use std::sync::Arc;

use super::lexer::MAX_PARSE_DEPTH;
use super::*;

impl Parser {
    pub(crate) fn new_slot(&mut self) -> usize {
        let id = self.slots.len();
        self.slots.push(Slot {
            label: format!("!{id}"),
            level: 1,
        });
        id
    }

    pub(crate) fn push_ancestry(result: &mut Node, value: &mut Node) {
        let mut slots = std::mem::take(&mut value.seeking_parent);
        if let NodeKind::Parent(id, _) = value.kind {
            slots.push(id);
        }
        result.seeking_parent.extend(slots.iter().copied());
        // keep the value's own record too (the reference shares the array)
        if !matches!(value.kind, NodeKind::Parent(..)) {
            value.seeking_parent = slots;
        }
    }

    pub(crate) fn seek_parent(&mut self, node: &mut Node, slot: usize) -> Result<usize> {
        match &mut node.kind {
            NodeKind::Name(_) | NodeKind::Wildcard => {
                self.slots[slot].level -= 1;
                if self.slots[slot].level == 0 {
                    if let Some(existing) = node.ancestor {
                        self.slots[slot].label = self.slots[existing].label.clone();
                    }
                    node.ancestor = Some(slot);
                    node.tuple = true;
                }
            }
            NodeKind::Parent(..) => {
                self.slots[slot].level += 1;
            }
            NodeKind::Block(exprs) => {
                if !exprs.is_empty() {
                    let last = exprs.len() - 1;
                    let s = self.seek_parent(&mut exprs[last], slot)?;
                    node.tuple = true;
                    return Ok(s);
                }
            }
            NodeKind::Path(steps) => {
                let mut index = steps.len() as i64 - 1;
                let mut s = slot;
                if index >= 0 {
                    s = self.seek_parent(&mut steps[index as usize], s)?;
                    index -= 1;
                }
                while self.slots[s].level > 0 && index >= 0 {
                    s = self.seek_parent(&mut steps[index as usize], s)?;
                    index -= 1;
                }
                node.tuple = true;
                return Ok(s);
            }
            _ => {
                return Err(Error::new("S0217")
                    .at(node.position)
                    .token(node.type_name()));
            }
        }
        Ok(slot)
    }

    pub(crate) fn resolve_ancestry(&mut self, path: &mut Node) -> Result<()> {
        let NodeKind::Path(steps) = &mut path.kind else {
            return Ok(());
        };
        let Some(last) = steps.last() else {
            return Ok(());
        };
        let mut slots = last.seeking_parent.clone();
        if let NodeKind::Parent(id, _) = last.kind {
            slots.push(id);
        }
        let mut extra = Vec::new();
        for slot in slots {
            let mut index = steps.len() as i64 - 2;
            let mut s = slot;
            while self.slots[s].level > 0 {
                if index < 0 {
                    extra.push(s);
                    break;
                }
                let mut si = index as usize;
                index -= 1;
                while index >= 0
                    && steps[si].focus.is_some()
                    && steps[index as usize].focus.is_some()
                {
                    si = index as usize;
                    index -= 1;
                }
                s = self.seek_parent(&mut steps[si], s)?;
            }
        }
        path.seeking_parent.extend(extra);
        Ok(())
    }

    pub(crate) fn process(&mut self, expr: Node) -> Result<Node> {
        self.depth += 1;
        if self.depth > MAX_PARSE_DEPTH * 2 {
            return Err(Error::new("S0201")
                .at(expr.position)
                .message("Expression is nested too deeply"));
        }
        let r = crate::stack::guarded(|| self.process_inner(expr));
        self.depth -= 1;
        r
    }

    pub(crate) fn process_inner(&mut self, expr: Node) -> Result<Node> {
        let pos = expr.position;
        let keep_array = expr.keep_array;
        let mut result = match expr.kind {
            NodeKind::RawDot(lhs, rhs) => {
                let lstep = self.process(*lhs)?;
                let mut result = if matches!(lstep.kind, NodeKind::Path(_)) {
                    lstep
                } else {
                    let mut seeking = Vec::new();
                    if let NodeKind::Parent(id, _) = lstep.kind {
                        seeking.push(id);
                    }
                    let mut p = Node::new(NodeKind::Path(vec![lstep]), pos);
                    p.seeking_parent = seeking;
                    p
                };
                let rest = self.process(*rhs)?;
                let NodeKind::Path(steps) = &mut result.kind else {
                    return Err(internal_error(pos));
                };
                match rest.kind {
                    NodeKind::Path(more) => {
                        steps.extend(more);
                    }
                    _ => {
                        let mut rest = rest;
                        if !rest.predicate.is_empty() {
                            rest.stages = std::mem::take(&mut rest.predicate);
                        }
                        steps.push(rest);
                    }
                }
                for step in steps.iter_mut() {
                    match &step.kind {
                        NodeKind::Num(n) => {
                            return Err(Error::new("S0213")
                                .at(step.position)
                                .value(crate::value::number_to_string(*n)));
                        }
                        NodeKind::Bool(b) => {
                            return Err(Error::new("S0213").at(step.position).value(b.to_string()));
                        }
                        NodeKind::Null => {
                            return Err(Error::new("S0213").at(step.position).value("null"));
                        }
                        NodeKind::Str(s) => {
                            step.kind = NodeKind::Name(s.clone());
                        }
                        _ => {}
                    }
                }
                let any_keep = steps.iter().any(|s| s.keep_array);
                if let Some(first) = steps.first_mut() {
                    if matches!(first.kind, NodeKind::ArrayCons(_)) {
                        first.consarray = true;
                    }
                }
                if let Some(last) = steps.last_mut() {
                    if matches!(last.kind, NodeKind::ArrayCons(_)) {
                        last.consarray = true;
                    }
                }
                if any_keep {
                    result.keep_singleton_array = true;
                }
                self.resolve_ancestry(&mut result)?;
                result
            }
            NodeKind::RawPredicate(lhs, rhs) => {
                let mut result = self.process(*lhs)?;
                let mut predicate = self.process(*rhs)?;
                let is_path = matches!(result.kind, NodeKind::Path(_));
                let step: &mut Node = match &mut result.kind {
                    NodeKind::Path(steps) if !steps.is_empty() => {
                        let l = steps.len() - 1;
                        &mut steps[l]
                    }
                    _ => &mut result,
                };
                if step.group.is_some() {
                    return Err(Error::new("S0209").at(pos));
                }
                if !predicate.seeking_parent.is_empty() {
                    let slots = predicate.seeking_parent.clone();
                    for slot in slots {
                        if self.slots[slot].level == 1 {
                            self.seek_parent(step, slot)?;
                        } else {
                            self.slots[slot].level -= 1;
                        }
                    }
                    Self::push_ancestry(step, &mut predicate);
                }
                if is_path {
                    step.stages.push(Stage::Filter(Box::new(predicate)));
                } else {
                    step.predicate.push(Stage::Filter(Box::new(predicate)));
                }
                result
            }
            NodeKind::RawGroup(lhs, pairs) => {
                let mut result = self.process(*lhs)?;
                if result.group.is_some() {
                    return Err(Error::new("S0210").at(pos));
                }
                let mut ps = Vec::new();
                for (k, v) in pairs {
                    ps.push((self.process(k)?, self.process(v)?));
                }
                result.group = Some(Box::new(GroupBy {
                    pairs: ps,
                    position: pos,
                }));
                result
            }
            NodeKind::RawSort(lhs, terms) => {
                let result = self.process(*lhs)?;
                let mut result = if matches!(result.kind, NodeKind::Path(_)) {
                    result
                } else {
                    Node::new(NodeKind::Path(vec![result]), pos)
                };
                let mut sort = Node::new(NodeKind::Sort(Vec::new()), pos);
                let mut ts = Vec::new();
                for t in terms {
                    let mut e = self.process(t.expr)?;
                    Self::push_ancestry(&mut sort, &mut e);
                    ts.push(SortTerm {
                        descending: t.descending,
                        expr: e,
                    });
                }
                sort.kind = NodeKind::Sort(ts);
                if let NodeKind::Path(steps) = &mut result.kind {
                    steps.push(sort);
                }
                self.resolve_ancestry(&mut result)?;
                result
            }
            NodeKind::Bind(name, rhs) => {
                let mut r = self.process(*rhs)?;
                let mut result = Node::new(NodeKind::Null, pos);
                Self::push_ancestry(&mut result, &mut r);
                result.kind = NodeKind::Bind(name, Box::new(r));
                result
            }
            NodeKind::RawFocus(lhs, var) => {
                let mut result = self.process(*lhs)?;
                let step: &mut Node = match &mut result.kind {
                    NodeKind::Path(steps) if !steps.is_empty() => {
                        let l = steps.len() - 1;
                        &mut steps[l]
                    }
                    _ => &mut result,
                };
                if !step.stages.is_empty() || !step.predicate.is_empty() {
                    return Err(Error::new("S0215").at(pos).token("@"));
                }
                if matches!(step.kind, NodeKind::Sort(_)) {
                    return Err(Error::new("S0216").at(pos).token("@"));
                }
                if keep_array {
                    step.keep_array = true;
                }
                step.focus = Some(var);
                step.tuple = true;
                result
            }
            NodeKind::RawIndex(lhs, var) => {
                let result = self.process(*lhs)?;
                let mut result = if matches!(result.kind, NodeKind::Path(_)) {
                    result
                } else {
                    let mut r = result;
                    if !r.predicate.is_empty() {
                        r.stages = std::mem::take(&mut r.predicate);
                    }
                    Node::new(NodeKind::Path(vec![r]), pos)
                };
                if let NodeKind::Path(steps) = &mut result.kind {
                    if let Some(step) = steps.last_mut() {
                        if step.stages.is_empty() {
                            step.index = Some(var);
                        } else {
                            step.stages.push(Stage::Index(var));
                        }
                        step.tuple = true;
                    }
                }
                result
            }
            NodeKind::Apply(lhs, rhs) => {
                let l = self.process(*lhs)?;
                let r = self.process(*rhs)?;
                let ka = l.keep_array || r.keep_array;
                let mut n = Node::new(NodeKind::Apply(Box::new(l), Box::new(r)), pos);
                n.keep_array = ka;
                n
            }
            NodeKind::Binary(op, lhs, rhs) => {
                let mut l = self.process(*lhs)?;
                let mut r = self.process(*rhs)?;
                let mut result = Node::new(NodeKind::Null, pos);
                Self::push_ancestry(&mut result, &mut l);
                Self::push_ancestry(&mut result, &mut r);
                result.kind = NodeKind::Binary(op, Box::new(l), Box::new(r));
                result
            }
            NodeKind::ArrayCons(items) => {
                let mut result = Node::new(NodeKind::Null, pos);
                let mut out = Vec::new();
                for item in items {
                    let mut v = self.process(item)?;
                    Self::push_ancestry(&mut result, &mut v);
                    out.push(v);
                }
                result.kind = NodeKind::ArrayCons(out);
                result
            }
            NodeKind::ObjectCons(pairs) => {
                let mut result = Node::new(NodeKind::Null, pos);
                let mut out = Vec::new();
                for (k, v) in pairs {
                    let mut k = self.process(k)?;
                    Self::push_ancestry(&mut result, &mut k);
                    let mut v = self.process(v)?;
                    Self::push_ancestry(&mut result, &mut v);
                    out.push((k, v));
                }
                result.kind = NodeKind::ObjectCons(out);
                result
            }
            NodeKind::Negate(e) => {
                let mut e = self.process(*e)?;
                if let NodeKind::Num(n) = e.kind {
                    e.kind = NodeKind::Num(-n);
                    e
                } else {
                    let mut result = Node::new(NodeKind::Null, pos);
                    Self::push_ancestry(&mut result, &mut e);
                    result.kind = NodeKind::Negate(Box::new(e));
                    result
                }
            }
            NodeKind::Call {
                procedure,
                args,
                partial,
            } => {
                let mut result = Node::new(NodeKind::Null, pos);
                let mut out = Vec::new();
                for a in args {
                    let mut a = self.process(a)?;
                    Self::push_ancestry(&mut result, &mut a);
                    out.push(a);
                }
                let procedure = self.process(*procedure)?;
                result.kind = NodeKind::Call {
                    procedure: Box::new(procedure),
                    args: out,
                    partial,
                };
                result
            }
            NodeKind::RawLambda(args, signature, body) => {
                let params = args
                    .into_iter()
                    .map(|a| match a.kind {
                        NodeKind::Variable(v) => v,
                        _ => String::new(),
                    })
                    .collect();
                let body = self.process(*body)?;
                let body = tail_call_optimize(body);
                Node::new(
                    NodeKind::Lambda(Arc::new(LambdaDef {
                        params,
                        signature,
                        body,
                        thunk: false,
                    })),
                    pos,
                )
            }
            NodeKind::Condition(c, t, e) => {
                let mut result = Node::new(NodeKind::Null, pos);
                let mut c = self.process(*c)?;
                Self::push_ancestry(&mut result, &mut c);
                let mut t = self.process(*t)?;
                Self::push_ancestry(&mut result, &mut t);
                let e = match e {
                    Some(e) => {
                        let mut e = self.process(*e)?;
                        Self::push_ancestry(&mut result, &mut e);
                        Some(Box::new(e))
                    }
                    None => None,
                };
                result.kind = NodeKind::Condition(Box::new(c), Box::new(t), e);
                result
            }
            NodeKind::RawTransform(p, u, d) => {
                let pattern = self.process(*p)?;
                let update = self.process(*u)?;
                let delete = match d {
                    Some(d) => Some(self.process(*d)?),
                    None => None,
                };
                Node::new(
                    NodeKind::Transform(Arc::new(TransformDef {
                        pattern,
                        update,
                        delete,
                    })),
                    pos,
                )
            }
            NodeKind::Block(items) => {
                let mut result = Node::new(NodeKind::Null, pos);
                let mut out = Vec::new();
                let mut cons = false;
                for item in items {
                    let mut part = self.process(item)?;
                    Self::push_ancestry(&mut result, &mut part);
                    if part.consarray
                        || matches!(&part.kind, NodeKind::Path(s) if s.first().map(|f| f.consarray).unwrap_or(false))
                    {
                        cons = true;
                    }
                    out.push(part);
                }
                result.kind = NodeKind::Block(out);
                result.consarray = cons;
                result
            }
            NodeKind::Name(n) => {
                let mut step = Node::new(NodeKind::Name(n), pos);
                step.keep_array = keep_array;
                let mut p = Node::new(NodeKind::Path(vec![step]), pos);
                if keep_array {
                    p.keep_singleton_array = true;
                }
                p
            }
            NodeKind::RawOpName(n) => {
                let mut step = Node::new(NodeKind::Name(n), pos);
                step.keep_array = keep_array;
                let mut p = Node::new(NodeKind::Path(vec![step]), pos);
                if keep_array {
                    p.keep_singleton_array = true;
                }
                p
            }
            NodeKind::Parent(..) => {
                let id = self.new_slot();
                Node::new(NodeKind::Parent(id, String::new()), pos)
            }
            other => Node::new(other, pos),
        };
        if keep_array {
            result.keep_array = true;
        }
        Ok(result)
    }

    /// Replaces slot ids by their final labels (slots may be relabelled during processing).
    pub(crate) fn finalize(&self, node: &mut Node) {
        if let Some(a) = node.ancestor {
            node.ancestor_label = self.slots.get(a).map(|s| s.label.clone());
        }
        if let NodeKind::Parent(id, label) = &mut node.kind {
            if let Some(s) = self.slots.get(*id) {
                *label = s.label.clone();
            }
        }
        for st in node.predicate.iter_mut().chain(node.stages.iter_mut()) {
            if let Stage::Filter(n) = st {
                self.finalize(n);
            }
        }
        if let Some(g) = &mut node.group {
            for (k, v) in g.pairs.iter_mut() {
                self.finalize(k);
                self.finalize(v);
            }
        }
        match &mut node.kind {
            NodeKind::Path(v) | NodeKind::ArrayCons(v) | NodeKind::Block(v) => {
                for n in v {
                    self.finalize(n);
                }
            }
            NodeKind::Binary(_, a, b) | NodeKind::Apply(a, b) => {
                self.finalize(a);
                self.finalize(b);
            }
            NodeKind::Negate(a) | NodeKind::Bind(_, a) => self.finalize(a),
            NodeKind::ObjectCons(pairs) => {
                for (k, v) in pairs {
                    self.finalize(k);
                    self.finalize(v);
                }
            }
            NodeKind::Condition(c, t, e) => {
                self.finalize(c);
                self.finalize(t);
                if let Some(e) = e {
                    self.finalize(e);
                }
            }
            NodeKind::Call {
                procedure, args, ..
            } => {
                self.finalize(procedure);
                for a in args {
                    self.finalize(a);
                }
            }
            NodeKind::Lambda(def) => {
                if let Some(d) = Arc::get_mut(def) {
                    self.finalize(&mut d.body);
                }
            }
            NodeKind::Transform(def) => {
                if let Some(d) = Arc::get_mut(def) {
                    self.finalize(&mut d.pattern);
                    self.finalize(&mut d.update);
                    if let Some(x) = &mut d.delete {
                        self.finalize(x);
                    }
                }
            }
            NodeKind::Sort(terms) => {
                for t in terms {
                    self.finalize(&mut t.expr);
                }
            }
            _ => {}
        }
    }
}

pub(crate) fn internal_error(pos: usize) -> Error {
    Error::new("S0201")
        .at(pos)
        .message("internal parser error: expected a path")
}

/// `expr[]` marks the innermost step of a predicate chain to keep singleton arrays.
pub(crate) fn mark_keep_array(node: &mut Node) {
    match &mut node.kind {
        NodeKind::RawPredicate(lhs, _) => mark_keep_array(lhs),
        _ => node.keep_array = true,
    }
}

/// Copies an unprocessed node (used where the reference shares one subtree in two places).
pub(crate) fn clone_raw(n: &Node) -> Node {
    let kind = match &n.kind {
        NodeKind::Path(v) => NodeKind::Path(v.iter().map(clone_raw).collect()),
        NodeKind::Binary(op, a, b) => {
            NodeKind::Binary(*op, Box::new(clone_raw(a)), Box::new(clone_raw(b)))
        }
        NodeKind::Negate(a) => NodeKind::Negate(Box::new(clone_raw(a))),
        NodeKind::ArrayCons(v) => NodeKind::ArrayCons(v.iter().map(clone_raw).collect()),
        NodeKind::ObjectCons(p) => NodeKind::ObjectCons(
            p.iter()
                .map(|(k, v)| (clone_raw(k), clone_raw(v)))
                .collect(),
        ),
        NodeKind::Name(s) => NodeKind::Name(s.clone()),
        NodeKind::Str(s) => NodeKind::Str(s.clone()),
        NodeKind::Num(x) => NodeKind::Num(*x),
        NodeKind::Bool(b) => NodeKind::Bool(*b),
        NodeKind::Null => NodeKind::Null,
        NodeKind::Wildcard => NodeKind::Wildcard,
        NodeKind::Descendant => NodeKind::Descendant,
        NodeKind::Parent(a, b) => NodeKind::Parent(*a, b.clone()),
        NodeKind::Condition(c, t, e) => NodeKind::Condition(
            Box::new(clone_raw(c)),
            Box::new(clone_raw(t)),
            e.as_ref().map(|e| Box::new(clone_raw(e))),
        ),
        NodeKind::Block(v) => NodeKind::Block(v.iter().map(clone_raw).collect()),
        NodeKind::Bind(s, a) => NodeKind::Bind(s.clone(), Box::new(clone_raw(a))),
        NodeKind::Regex(p, f) => NodeKind::Regex(p.clone(), f.clone()),
        NodeKind::Call {
            procedure,
            args,
            partial,
        } => NodeKind::Call {
            procedure: Box::new(clone_raw(procedure)),
            args: args.iter().map(clone_raw).collect(),
            partial: *partial,
        },
        NodeKind::Placeholder => NodeKind::Placeholder,
        NodeKind::Variable(s) => NodeKind::Variable(s.clone()),
        NodeKind::Lambda(d) => NodeKind::Lambda(d.clone()),
        NodeKind::Apply(a, b) => NodeKind::Apply(Box::new(clone_raw(a)), Box::new(clone_raw(b))),
        NodeKind::Transform(d) => NodeKind::Transform(d.clone()),
        NodeKind::Sort(_) => NodeKind::Null,
        NodeKind::RawDot(a, b) => NodeKind::RawDot(Box::new(clone_raw(a)), Box::new(clone_raw(b))),
        NodeKind::RawPredicate(a, b) => {
            NodeKind::RawPredicate(Box::new(clone_raw(a)), Box::new(clone_raw(b)))
        }
        NodeKind::RawGroup(a, p) => NodeKind::RawGroup(
            Box::new(clone_raw(a)),
            p.iter()
                .map(|(k, v)| (clone_raw(k), clone_raw(v)))
                .collect(),
        ),
        NodeKind::RawSort(a, terms) => NodeKind::RawSort(
            Box::new(clone_raw(a)),
            terms
                .iter()
                .map(|t| SortTerm {
                    descending: t.descending,
                    expr: clone_raw(&t.expr),
                })
                .collect(),
        ),
        NodeKind::RawFocus(a, s) => NodeKind::RawFocus(Box::new(clone_raw(a)), s.clone()),
        NodeKind::RawIndex(a, s) => NodeKind::RawIndex(Box::new(clone_raw(a)), s.clone()),
        NodeKind::RawLambda(args, sig, body) => NodeKind::RawLambda(
            args.iter().map(clone_raw).collect(),
            sig.clone(),
            Box::new(clone_raw(body)),
        ),
        NodeKind::RawTransform(p, u, d) => NodeKind::RawTransform(
            Box::new(clone_raw(p)),
            Box::new(clone_raw(u)),
            d.as_ref().map(|d| Box::new(clone_raw(d))),
        ),
        NodeKind::RawOpName(s) => NodeKind::RawOpName(s.clone()),
    };
    let mut out = Node::new(kind, n.position);
    out.keep_array = n.keep_array;
    out
}

/// Wraps tail-position function calls in thunks so the evaluator can trampoline them.
pub(crate) fn tail_call_optimize(expr: Node) -> Node {
    match expr.kind {
        NodeKind::Call { partial: false, .. }
            if expr.predicate.is_empty() && expr.group.is_none() && !expr.keep_array =>
        {
            let pos = expr.position;
            Node::new(
                NodeKind::Lambda(Arc::new(LambdaDef {
                    params: Vec::new(),
                    signature: None,
                    body: expr,
                    thunk: true,
                })),
                pos,
            )
        }
        NodeKind::Condition(c, t, e) => {
            let mut n = Node {
                kind: NodeKind::Null,
                ..expr
            };
            n.kind = NodeKind::Condition(
                c,
                Box::new(tail_call_optimize(*t)),
                e.map(|e| Box::new(tail_call_optimize(*e))),
            );
            n
        }
        NodeKind::Block(mut items) => {
            if let Some(last) = items.pop() {
                items.push(tail_call_optimize(last));
            }
            Node {
                kind: NodeKind::Block(items),
                ..expr
            }
        }
        _ => expr,
    }
}
