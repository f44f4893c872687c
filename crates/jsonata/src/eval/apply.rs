//! Function values and calling them: lambdas (with tail calls trampolined), built-ins,
//! partial application, composition, regexes as matchers, and the transform operator.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};
use crate::parser::{LambdaDef, Node, NodeKind, TransformDef};
use crate::regex::{JsRegex, RegexMatch};
use crate::signature::Signature;

use super::*;
use crate::value::*;

/// A function value.
pub enum Func {
    Lambda {
        def: Arc<LambdaDef>,
        env: Env,
        input: Value,
    },
    Builtin(&'static Builtin),
    /// Partial application: `None` marks a `?` placeholder.
    Partial {
        func: Value,
        args: Vec<Option<Value>>,
    },
    /// `f ~> g` with both sides functions.
    Compose(Value, Value),
    Regex(Rc<JsRegex>),
    /// The `next` function of a regex match object.
    RegexNext {
        re: Rc<JsRegex>,
        s: Rc<str>,
        prev: RegexMatch,
    },
    Transform {
        def: Arc<TransformDef>,
        env: Env,
    },
}

impl Callable for Func {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Func {
    /// The function a value holds, if it is one. Every function value is a [`Func`]: the
    /// evaluator makes them all.
    pub fn of(v: &Value) -> Option<&Func> {
        match v {
            Value::Function(f) => f.as_any().downcast_ref::<Func>(),
            _ => None,
        }
    }
}

/// How the evaluator calls a built-in: the arguments (already checked against the
/// signature), the context value, and the calling scope.
pub type NativeFn = fn(&Evaluator, &[Value], &Value, &Env) -> Result<Value>;

/// One entry of the built-in function library. The table itself belongs to the layer above
/// (`functions`), which hands it to [`Evaluator::new`].
pub struct Builtin {
    pub name: &'static str,
    pub(crate) sig: &'static str,
    pub f: NativeFn,
    /// The signature, parsed on first use.
    pub(crate) parsed: OnceLock<Signature>,
}

impl Builtin {
    pub const fn new(name: &'static str, sig: &'static str, f: NativeFn) -> Builtin {
        Builtin {
            name,
            sig,
            f,
            parsed: OnceLock::new(),
        }
    }

    /// The parsed signature. The library's signature strings are fixed and all parse (a test
    /// checks it); a broken one would fall back to accepting anything rather than panic.
    pub fn signature(&self) -> &Signature {
        self.parsed.get_or_init(|| {
            match Signature::parse(self.sig).or_else(|_| Signature::parse("<x*>")) {
                Ok(sig) => sig,
                // "<x*>" always parses.
                Err(_) => std::process::abort(),
            }
        })
    }

    /// Whether the signature string parses (for the library's own test).
    #[cfg(test)]
    pub fn signature_parses(&self) -> bool {
        Signature::parse(self.sig).is_ok()
    }
}

/// Stable merge sort with a fallible "should swap" comparator, as the reference sorts.
pub fn merge_sort<T: Clone>(
    items: Vec<T>,
    swap: &mut dyn FnMut(&T, &T) -> Result<bool>,
) -> Result<Vec<T>> {
    if items.len() <= 1 {
        return Ok(items);
    }
    let mid = items.len() / 2;
    let mut left = items;
    let right = left.split_off(mid);
    let left = merge_sort(left, swap)?;
    let right = merge_sort(right, swap)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if swap(&left[i], &right[j])? {
            out.push(right[j].clone());
            j += 1;
        } else {
            out.push(left[i].clone());
            i += 1;
        }
    }
    out.extend_from_slice(&left[i..]);
    out.extend_from_slice(&right[j..]);
    Ok(out)
}

/// A match's capture groups as JSONata gives them: unmatched groups are empty strings.
pub(crate) fn groups_value(m: &RegexMatch) -> Value {
    Value::array(
        m.groups
            .iter()
            .map(|g| Value::string(g.clone().unwrap_or_default()))
            .collect(),
    )
}

/// Builds the match object a regex value returns when called: `{match, start, end, groups,
/// next}`.
pub fn match_object(re: &Rc<JsRegex>, s: &Rc<str>, m: RegexMatch) -> Value {
    let mut o = Map::new();
    o.insert("match".into(), Value::string(m.matched.as_str()));
    o.insert("start".into(), Value::Number(m.start as f64));
    o.insert("end".into(), Value::Number(m.end as f64));
    o.insert("groups".into(), groups_value(&m));
    o.insert(
        "next".into(),
        Value::Function(Rc::new(Func::RegexNext {
            re: re.clone(),
            s: s.clone(),
            prev: m,
        })),
    );
    Value::object(o)
}

impl Evaluator {
    // ------------------------------------------------------------------ functions

    pub(crate) fn eval_call(
        &self,
        node: &Node,
        procedure: &Node,
        args: &[Node],
        input: &Value,
        env: &Env,
        applyto: Option<Value>,
    ) -> Result<Value> {
        let proc_name = proc_name(procedure);
        let proc = self.eval(procedure, input, env)?;
        if proc.is_undefined() {
            if let NodeKind::Path(steps) = &procedure.kind {
                if let Some(NodeKind::Name(n)) = steps.first().map(|s| &s.kind) {
                    if !self.lookup_var(n, env).is_undefined() {
                        return Err(Error::new("T1005").at(node.position).token(n.clone()));
                    }
                }
            }
        }
        let mut evaluated = Vec::with_capacity(args.len() + 1);
        if let Some(a) = applyto {
            evaluated.push(a);
        }
        for a in args {
            evaluated.push(self.eval(a, input, env)?);
        }
        self.apply(&proc, evaluated, input, env)
            .map_err(|e| e.locate(node.position, proc_name.as_deref()))
    }

    pub(crate) fn eval_partial(
        &self,
        node: &Node,
        procedure: &Node,
        args: &[Node],
        input: &Value,
        env: &Env,
    ) -> Result<Value> {
        let mut evaluated = Vec::with_capacity(args.len());
        for a in args {
            if matches!(a.kind, NodeKind::Placeholder) {
                evaluated.push(None);
            } else {
                evaluated.push(Some(self.eval(a, input, env)?));
            }
        }
        let proc = self.eval(procedure, input, env)?;
        if !proc.is_function() {
            let name = proc_name(procedure);
            if proc.is_undefined() {
                if let NodeKind::Path(steps) = &procedure.kind {
                    if let Some(NodeKind::Name(n)) = steps.first().map(|s| &s.kind) {
                        if !self.lookup_var(n, env).is_undefined() {
                            return Err(Error::new("T1007").at(node.position).token(n.clone()));
                        }
                    }
                }
            }
            let mut e = Error::new("T1008").at(node.position);
            if let Some(n) = name {
                e = e.token(n);
            }
            return Err(e);
        }
        Ok(Value::Function(Rc::new(Func::Partial {
            func: proc,
            args: evaluated,
        })))
    }

    pub(crate) fn eval_apply(
        &self,
        node: &Node,
        l: &Node,
        r: &Node,
        input: &Value,
        env: &Env,
    ) -> Result<Value> {
        let lhs = self.eval(l, input, env)?;
        if let NodeKind::Call {
            procedure,
            args,
            partial: false,
        } = &r.kind
        {
            return self.eval_call(r, procedure, args, input, env, Some(lhs));
        }
        let func = self.eval(r, input, env)?;
        if !func.is_function() {
            return Err(Error::new("T2006")
                .at(node.position)
                .value(to_json_string(&func, false)));
        }
        if lhs.is_function() {
            return Ok(Value::Function(Rc::new(Func::Compose(lhs, func))));
        }
        self.apply(&func, vec![lhs], input, env)
    }

    /// Applies a function value, trampolining tail calls.
    pub fn apply(&self, proc: &Value, args: Vec<Value>, input: &Value, env: &Env) -> Result<Value> {
        let mut result = self.apply_inner(proc, args, input, env)?;
        loop {
            let next = match Func::of(&result) {
                Some(Func::Lambda {
                    def,
                    env: lenv,
                    input: linput,
                }) if def.thunk => Some((def.clone(), lenv.clone(), linput.clone())),
                _ => None,
            };
            let Some((def, lenv, linput)) = next else {
                break;
            };
            let NodeKind::Call {
                procedure, args, ..
            } = &def.body.kind
            else {
                break;
            };
            let steps = self.steps.get() + 1;
            if steps > self.max_steps {
                return Err(
                    u1001().message("Expression evaluation timeout: Check for infinite loop")
                );
            }
            self.steps.set(steps);
            let next_proc = self.eval(procedure, &linput, &lenv)?;
            let mut evaluated = Vec::with_capacity(args.len());
            for a in args {
                evaluated.push(self.eval(a, &linput, &lenv)?);
            }
            let name = proc_name(procedure);
            result = self
                .apply_inner(&next_proc, evaluated, input, env)
                .map_err(|e| e.locate(def.body.position, name.as_deref()))?;
        }
        Ok(result)
    }

    pub(crate) fn apply_inner(
        &self,
        proc: &Value,
        args: Vec<Value>,
        input: &Value,
        env: &Env,
    ) -> Result<Value> {
        let Some(f) = Func::of(proc) else {
            return Err(Error::new("T1006"));
        };
        match f {
            Func::Lambda {
                def,
                env: lenv,
                input: linput,
            } => {
                let args = match &def.signature {
                    Some(sig) => sig.validate(&args, input)?,
                    None => args,
                };
                let frame = Frame::child(lenv);
                for (i, p) in def.params.iter().enumerate() {
                    frame.bind(p, args.get(i).cloned().unwrap_or_default());
                }
                self.eval(&def.body, linput, &frame)
            }
            Func::Builtin(b) => {
                let args = b.signature().validate(&args, input)?;
                (b.f)(self, &args, input, env)
            }
            Func::Partial { func, args: pargs } => {
                let mut it = args.into_iter();
                let mut full = Vec::with_capacity(pargs.len());
                for p in pargs {
                    match p {
                        Some(v) => full.push(v.clone()),
                        None => full.push(it.next().unwrap_or_default()),
                    }
                }
                self.apply(func, full, input, env)
            }
            Func::Compose(a, b) => {
                let x = self.apply(a, args, input, env)?;
                self.apply(b, vec![x], input, env)
            }
            Func::Regex(re) => {
                let s = match args.first() {
                    Some(Value::String(s)) => s.clone(),
                    _ => return Ok(Value::Undefined),
                };
                Ok(match self.with_regex_budget(|b| Ok(re.exec(b, &s, 0)))? {
                    Some(m) => match_object(re, &s, m),
                    None => Value::Undefined,
                })
            }
            Func::RegexNext { re, s, prev } => Ok(
                match self.with_regex_budget(|b| {
                    re.next_match(b, s, prev)
                        .map_err(|e| Error::new(e.code).message(e.message))
                })? {
                    Some(m) => match_object(re, s, m),
                    None => Value::Undefined,
                },
            ),
            Func::Transform { def, env: tenv } => self.apply_transform(def, args, tenv),
        }
    }

    /// Number of arguments a function value accepts (higher-order functions pass the index
    /// and array only to callbacks that declare them).
    pub fn arity(&self, f: &Value) -> usize {
        match Func::of(f) {
            Some(Func::Lambda { def, .. }) => def.params.len(),
            Some(Func::Builtin(b)) => b.signature().required_count(),
            Some(Func::Partial { args, .. }) => args.iter().filter(|a| a.is_none()).count(),
            Some(_) => 1,
            None => 0,
        }
    }

    // ------------------------------------------------------------------ transform

    pub(crate) fn apply_transform(
        &self,
        def: &Arc<TransformDef>,
        args: Vec<Value>,
        env: &Env,
    ) -> Result<Value> {
        let obj = args.into_iter().next().unwrap_or_default();
        match &obj {
            Value::Undefined => return Ok(Value::Undefined),
            Value::Object(_) | Value::Array(..) => {}
            other => {
                return Err(Error::new("T0410")
                    .index(1)
                    .token("transform")
                    .value(to_json_string(other, false)))
            }
        }
        let clone_fn = self.lookup_var("clone", env);
        if !clone_fn.is_function() {
            return Err(Error::new("T2013").at(def.pattern.position));
        }
        let result = self.apply(&clone_fn, vec![obj], &Value::Undefined, env)?;
        let matches = self.eval(&def.pattern, &result, env)?;
        let matches = match matches {
            Value::Undefined => return Ok(result),
            Value::Array(a, _) => a.0.clone(),
            other => vec![other],
        };
        // Updates are keyed by the identity of the matched objects in the cloned tree, then
        // applied in one rebuild (the reference mutates the clone in place).
        let mut edits: HashMap<*const Obj, (Option<Map>, Vec<String>)> = HashMap::new();
        for m in &matches {
            let update = self.eval(&def.update, m, env)?;
            let upd = match update {
                Value::Undefined => None,
                Value::Object(o) => Some(o.0.clone()),
                other => {
                    return Err(Error::new("T2011")
                        .at(def.update.position)
                        .value(to_json_string(&other, false)))
                }
            };
            let mut dels = Vec::new();
            if let Some(d) = &def.delete {
                let dv = self.eval(d, m, env)?;
                match &dv {
                    Value::Undefined => {}
                    Value::String(s) => dels.push(s.to_string()),
                    Value::Array(a, _) if a.iter().all(|x| x.is_string()) => {
                        dels.extend(a.iter().filter_map(|x| x.as_str().map(String::from)))
                    }
                    other => {
                        return Err(Error::new("T2012")
                            .at(d.position)
                            .value(to_json_string(other, false)))
                    }
                }
            }
            if let Value::Object(o) = m {
                let e = edits.entry(Rc::as_ptr(o)).or_insert((None, Vec::new()));
                if let Some(u) = upd {
                    match &mut e.0 {
                        Some(existing) => {
                            for (k, v) in u {
                                existing.insert(k, v);
                            }
                        }
                        None => e.0 = Some(u),
                    }
                }
                e.1.extend(dels);
            }
        }
        if edits.is_empty() {
            return Ok(result);
        }
        Ok(crate::stack::guarded(|| rebuild(&result, &edits, 0)))
    }
}

pub(crate) fn rebuild(
    v: &Value,
    edits: &HashMap<*const Obj, (Option<Map>, Vec<String>)>,
    depth: usize,
) -> Value {
    if depth > 10_000 {
        return v.clone();
    }
    match v {
        Value::Object(o) => {
            let mut m = Map::with_capacity(o.len());
            for (k, x) in o.iter() {
                m.insert(
                    k.clone(),
                    crate::stack::guarded(|| rebuild(x, edits, depth + 1)),
                );
            }
            if let Some((upd, dels)) = edits.get(&Rc::as_ptr(o)) {
                if let Some(u) = upd {
                    for (k, x) in u.iter() {
                        m.insert(k.clone(), x.clone());
                    }
                }
                for d in dels {
                    m.shift_remove(d);
                }
            }
            Value::object(m)
        }
        Value::Array(a, f) => Value::Array(
            Rc::new(Arr::from(
                a.iter()
                    .map(|x| crate::stack::guarded(|| rebuild(x, edits, depth + 1)))
                    .collect::<Vec<_>>(),
            )),
            *f,
        ),
        other => other.clone(),
    }
}

pub(crate) fn proc_name(procedure: &Node) -> Option<String> {
    match &procedure.kind {
        NodeKind::Path(steps) => match steps.first().map(|s| &s.kind) {
            Some(NodeKind::Name(n)) => Some(n.clone()),
            _ => None,
        },
        NodeKind::Variable(v) => Some(v.clone()),
        _ => None,
    }
}
