//! The evaluator: JSONata's sequence semantics over the post-processed AST.
//!
//! Mirrors the reference implementation's `evaluate*` functions (paths as step pipelines,
//! tuple streams for `@`/`#`/`%` bindings, singleton unwrapping) because the observable
//! results of JSONata depend on those exact rules.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::functions::{self, to_json_string, Func};
use crate::parser::{BinOp, GroupBy, Node, NodeKind, SortTerm, Stage, TransformDef};
use crate::value::{deep_equal, flags, Arr, Map, Obj, Value};

/// A scope of variable bindings.
pub struct Frame {
    vars: RefCell<HashMap<String, Value>>,
    parent: Option<Env>,
}

pub type Env = Rc<Frame>;

impl Frame {
    pub fn root() -> Env {
        Rc::new(Frame {
            vars: RefCell::new(HashMap::new()),
            parent: None,
        })
    }

    pub fn child(parent: &Env) -> Env {
        Rc::new(Frame {
            vars: RefCell::new(HashMap::new()),
            parent: Some(parent.clone()),
        })
    }

    pub fn bind(&self, name: &str, v: Value) {
        self.vars.borrow_mut().insert(name.to_string(), v);
    }

    pub fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.vars.borrow().get(name) {
            return Some(v.clone());
        }
        let mut cur = self.parent.clone();
        while let Some(f) = cur {
            if let Some(v) = f.vars.borrow().get(name) {
                return Some(v.clone());
            }
            cur = f.parent.clone();
        }
        None
    }
}

/// Small deterministic PRNG (xorshift64*), seeded by the caller so results are reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15 | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub struct Evaluator {
    /// Evaluation timestamp in ms since the epoch; `$now()` and `$millis()` return it so a
    /// single evaluation sees one instant.
    pub timestamp: f64,
    pub rng: RefCell<Rng>,
    depth: Cell<usize>,
    max_depth: usize,
    steps: Cell<u64>,
    max_steps: u64,
    /// Stack position at the outermost evaluation (for the wasm32 stack budget).
    stack_base: Cell<usize>,
    /// Step Functions dialect: `$eval` is not available.
    pub step_functions: bool,
    /// A regex search is running (see [`Evaluator::with_regex_budget`]).
    in_regex: Cell<bool>,
}

fn u1001() -> Error {
    Error::new("U1001")
}

fn timeout() -> Error {
    u1001().message("Expression evaluation timeout: Check for infinite loop")
}

/// Regex backtracking steps per evaluation step: a regex search spends the evaluation's
/// step budget too, so a catastrophically backtracking pattern (`/(a+)+$/`) ends with the
/// U1001 timeout instead of running for an exponential time.
const REGEX_STEPS_PER_STEP: u64 = 16;

/// String bytes built per evaluation step (see [`Evaluator::charge`]).
pub const BYTES_PER_STEP: usize = 16;
/// Array items built per evaluation step: `[1..10000000]` (the largest range) costs a
/// quarter of the default 10 million steps.
pub const ITEMS_PER_STEP: usize = 4;

impl Evaluator {
    pub fn new(timestamp: f64, seed: u64, max_depth: usize, max_steps: u64) -> Evaluator {
        Evaluator {
            timestamp,
            rng: RefCell::new(Rng::new(seed)),
            depth: Cell::new(0),
            max_depth,
            steps: Cell::new(0),
            max_steps,
            stack_base: Cell::new(0),
            step_functions: false,
            in_regex: Cell::new(false),
        }
    }

    /// Runs `f`, which searches with regexes, on what is left of the step budget (nested
    /// calls share the outermost one's budget), and charges the backtracking it did.
    pub fn with_regex_budget<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if self.in_regex.get() {
            let r = f();
            return if regress::budget::exhausted() {
                Err(timeout())
            } else {
                r
            };
        }
        let budget = self
            .max_steps
            .saturating_sub(self.steps.get())
            .saturating_mul(REGEX_STEPS_PER_STEP);
        regress::budget::set(budget);
        self.in_regex.set(true);
        let r = f();
        self.in_regex.set(false);
        let used = budget - regress::budget::remaining().min(budget);
        self.steps
            .set(self.steps.get().saturating_add(used / REGEX_STEPS_PER_STEP));
        if regress::budget::exhausted() {
            return Err(timeout());
        }
        r
    }

    /// Charges bulk work done within one step (building a long string or array), so that
    /// values doubling on every step (`$s & $s` in a loop) end with the U1001 timeout
    /// instead of exhausting memory: a step per [`BYTES_PER_STEP`] bytes of string or
    /// [`ITEMS_PER_STEP`] array items.
    pub fn charge(&self, bytes: usize, items: usize) -> Result<()> {
        let units = (bytes / BYTES_PER_STEP + items / ITEMS_PER_STEP) as u64;
        let s = self.steps.get().saturating_add(units);
        self.steps.set(s);
        if s > self.max_steps {
            Err(timeout())
        } else {
            Ok(())
        }
    }

    pub fn eval(&self, node: &Node, input: &Value, env: &Env) -> Result<Value> {
        let d = self.depth.get() + 1;
        if d > self.max_depth {
            return Err(u1001().at(node.position));
        }
        let s = self.steps.get() + 1;
        if s > self.max_steps {
            return Err(u1001()
                .at(node.position)
                .message("Expression evaluation timeout: Check for infinite loop"));
        }
        if d == 1 {
            self.stack_base.set(crate::stack::position());
        } else if crate::stack::exhausted(self.stack_base.get()) {
            return Err(u1001().at(node.position));
        }
        self.steps.set(s);
        self.depth.set(d);
        let r = crate::stack::guarded(|| self.eval_node(node, input, env));
        self.depth.set(d - 1);
        r
    }

    fn eval_node(&self, node: &Node, input: &Value, env: &Env) -> Result<Value> {
        let mut result = match &node.kind {
            NodeKind::Path(steps) => self.eval_path(node, steps, input, env)?,
            NodeKind::Binary(op, l, r) => self.eval_binary(node, *op, l, r, input, env)?,
            NodeKind::Negate(e) => {
                let v = self.eval(e, input, env)?;
                match v {
                    Value::Undefined => Value::Undefined,
                    Value::Number(n) => Value::Number(-n),
                    other => {
                        return Err(Error::new("D1002")
                            .at(node.position)
                            .token("-")
                            .value(to_json_string(&other, false)))
                    }
                }
            }
            NodeKind::ArrayCons(items) => {
                let mut out: Vec<Value> = Vec::new();
                for item in items {
                    let v = self.eval(item, input, env)?;
                    match v {
                        Value::Undefined => {}
                        v if matches!(item.kind, NodeKind::ArrayCons(_)) => out.push(v),
                        Value::Array(a, _) => {
                            self.charge(0, a.len()).map_err(|e| e.at(node.position))?;
                            out.extend(a.iter().cloned())
                        }
                        v => out.push(v),
                    }
                }
                let f = if node.consarray { flags::CONS } else { 0 };
                Value::Array(Rc::new(Arr::from(out)), f)
            }
            NodeKind::ObjectCons(pairs) => {
                let g = GroupByRef {
                    pairs,
                    position: node.position,
                };
                self.eval_group(&g, input.clone(), env)?
            }
            NodeKind::Name(n) => input.lookup(n),
            NodeKind::Str(s) => Value::string(s.as_str()),
            NodeKind::Num(n) => Value::Number(*n),
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Null => Value::Null,
            NodeKind::Wildcard => eval_wildcard(input),
            NodeKind::Descendant => eval_descendants(input),
            NodeKind::Parent(_, label) => env.lookup(label).unwrap_or(Value::Undefined),
            NodeKind::Condition(c, t, e) => {
                let cv = self.eval(c, input, env)?;
                if functions::boolean(&cv) == Some(true) {
                    self.eval(t, input, env)?
                } else if let Some(e) = e {
                    self.eval(e, input, env)?
                } else {
                    Value::Undefined
                }
            }
            NodeKind::Block(items) => {
                let frame = Frame::child(env);
                let mut r = Value::Undefined;
                for item in items {
                    r = self.eval(item, input, &frame)?;
                }
                r
            }
            NodeKind::Bind(name, rhs) => {
                let v = self.eval(rhs, input, env)?;
                env.bind(name, v.clone());
                v
            }
            NodeKind::Regex(p, f) => {
                let re = crate::lib_fns::JsRegex::new(p, f)
                    .map_err(|e| Error::new(e.code).message(e.message).at(node.position))?;
                Value::Function(Rc::new(Func::Regex(Rc::new(re))))
            }
            NodeKind::Call {
                procedure,
                args,
                partial,
            } => {
                if *partial {
                    self.eval_partial(node, procedure, args, input, env)?
                } else {
                    self.eval_call(node, procedure, args, input, env, None)?
                }
            }
            NodeKind::Placeholder => Value::Undefined,
            NodeKind::Variable(name) => {
                if name.is_empty() {
                    match input {
                        Value::Array(a, f) if f & flags::OUTER_WRAPPER != 0 => {
                            a.first().cloned().unwrap_or(Value::Undefined)
                        }
                        other => other.clone(),
                    }
                } else {
                    self.lookup_var(name, env)
                }
            }
            NodeKind::Lambda(def) => Value::Function(Rc::new(Func::Lambda {
                def: def.clone(),
                env: env.clone(),
                input: input.clone(),
            })),
            NodeKind::Apply(l, r) => self.eval_apply(node, l, r, input, env)?,
            NodeKind::Transform(def) => Value::Function(Rc::new(Func::Transform {
                def: def.clone(),
                env: env.clone(),
            })),
            NodeKind::Sort(_) => Value::Undefined,
            _ => {
                return Err(Error::new("S0206").at(node.position).token(
                    format!("{:?}", node.kind)
                        .chars()
                        .take(20)
                        .collect::<String>(),
                ))
            }
        };
        for stage in &node.predicate {
            if let Stage::Filter(p) = stage {
                result = self.eval_filter(p, result, env)?;
            }
        }
        if !matches!(node.kind, NodeKind::Path(_)) {
            if let Some(g) = &node.group {
                result = self.eval_group(&GroupByRef::from(g.as_ref()), result, env)?;
            }
        }
        if let Value::Array(a, f) = &result {
            if f & flags::SEQUENCE != 0 && f & flags::TUPLE_STREAM == 0 {
                let mut f2 = *f;
                if node.keep_array {
                    f2 |= flags::KEEP_SINGLETON;
                }
                if a.is_empty() {
                    return Ok(Value::Undefined);
                } else if a.len() == 1 && f2 & flags::KEEP_SINGLETON == 0 {
                    return Ok(a[0].clone());
                }
                return Ok(Value::Array(a.clone(), f2));
            }
        }
        Ok(result)
    }

    pub fn lookup_var(&self, name: &str, env: &Env) -> Value {
        if let Some(v) = env.lookup(name) {
            return v;
        }
        if self.step_functions && name == "eval" {
            return Value::Undefined;
        }
        functions::builtin(name)
            .map(|b| Value::Function(Rc::new(Func::Builtin(b))))
            .unwrap_or(Value::Undefined)
    }

    // ------------------------------------------------------------------ paths

    fn eval_path(&self, node: &Node, steps: &[Node], input: &Value, env: &Env) -> Result<Value> {
        // Fast path for the most common case, a plain field of an object (`name`): the general
        // step machinery below gives the same result with several allocations.
        if let ([step], Value::Object(o)) = (steps, input) {
            if let NodeKind::Name(name) = &step.kind {
                if is_plain_step(step)
                    && !node.keep_singleton_array
                    && node.group.is_none()
                    && !node.tuple
                {
                    match o.get(name.as_str()) {
                        // stored sequences are re-flattened by the general path
                        Some(v) if v.has_flag(flags::SEQUENCE) => {}
                        Some(v) => return Ok(v.clone()),
                        None => return Ok(Value::Undefined),
                    }
                }
            }
        }
        let first_is_var = matches!(steps.first().map(|s| &s.kind), Some(NodeKind::Variable(_)));
        let mut input_seq: Vec<Value> = match input {
            Value::Array(a, _) if !first_is_var => a.0.clone(),
            other => vec![other.clone()],
        };
        // Keep the wrapper flags of the input so that `$` and wildcards behave as in the
        // reference (the outer wrapper is visible to the first step).
        let mut input_flags = match input {
            Value::Array(_, f) if !first_is_var => *f,
            _ => flags::SEQUENCE,
        };
        let mut result_seq = Value::sequence(vec![]);
        let mut is_tuple = false;
        let mut tuples: Option<Vec<Value>> = None;
        for (i, step) in steps.iter().enumerate() {
            if step.tuple {
                is_tuple = true;
            }
            if i == 0 && step.consarray {
                result_seq = self.eval(
                    step,
                    &Value::Array(Rc::new(Arr::from(input_seq.clone())), input_flags),
                    env,
                )?;
            } else if is_tuple {
                tuples = Some(self.eval_tuple_step(step, &input_seq, tuples, env)?);
            } else {
                result_seq =
                    self.eval_step(step, &input_seq, input_flags, env, i == steps.len() - 1)?;
            }
            if !is_tuple {
                match &result_seq {
                    Value::Undefined => break,
                    Value::Array(a, _) if a.is_empty() => break,
                    _ => {}
                }
            }
            if step.focus.is_none() {
                if is_tuple {
                    // input for the next step is irrelevant: tuple steps use the tuples
                } else {
                    input_seq = match &result_seq {
                        Value::Array(a, _) => a.0.clone(),
                        Value::Undefined => vec![],
                        other => vec![other.clone()],
                    };
                    input_flags = match &result_seq {
                        Value::Array(_, f) => *f,
                        _ => flags::SEQUENCE,
                    };
                }
            }
        }
        let mut tuple_list = Vec::new();
        if is_tuple {
            let t = tuples.unwrap_or_default();
            if node.group.is_some() {
                tuple_list = t.clone();
            }
            if node.tuple {
                result_seq =
                    Value::Array(Rc::new(Arr::from(t)), flags::SEQUENCE | flags::TUPLE_STREAM);
            } else {
                let items: Vec<Value> = t.iter().map(|tu| tu.lookup_tuple("@")).collect();
                result_seq = Value::sequence(items);
            }
        }
        if node.keep_singleton_array {
            result_seq = match result_seq {
                Value::Array(a, f) => {
                    if f & flags::CONS != 0 && f & flags::SEQUENCE == 0 {
                        Value::Array(
                            Rc::new(Arr::from(vec![Value::Array(a, f)])),
                            flags::SEQUENCE | flags::KEEP_SINGLETON,
                        )
                    } else {
                        Value::Array(a, f | flags::KEEP_SINGLETON)
                    }
                }
                Value::Undefined => Value::Undefined,
                other => Value::Array(
                    Rc::new(Arr::from(vec![other])),
                    flags::SEQUENCE | flags::KEEP_SINGLETON,
                ),
            };
        }
        if let Some(g) = &node.group {
            let input = if is_tuple {
                Value::Array(
                    Rc::new(Arr::from(tuple_list)),
                    flags::SEQUENCE | flags::TUPLE_STREAM,
                )
            } else {
                result_seq
            };
            return self.eval_group(&GroupByRef::from(g.as_ref()), input, env);
        }
        Ok(result_seq)
    }

    fn eval_step(
        &self,
        step: &Node,
        input: &[Value],
        input_flags: u8,
        env: &Env,
        last_step: bool,
    ) -> Result<Value> {
        if let NodeKind::Sort(terms) = &step.kind {
            let mut r = self.eval_sort(
                step,
                terms,
                Value::Array(Rc::new(Arr::from(input.to_vec())), input_flags),
                env,
            )?;
            if !step.stages.is_empty() {
                r = self.eval_stages(&step.stages, r, env)?;
            }
            return Ok(r);
        }
        let mut results: Vec<Value> = Vec::new();
        for item in input {
            let mut res = self.eval(step, item, env)?;
            for st in &step.stages {
                if let Stage::Filter(p) = st {
                    res = self.eval_filter(p, res, env)?;
                }
            }
            if !res.is_undefined() {
                results.push(res);
            }
        }
        if last_step && results.len() == 1 {
            if let Value::Array(_, f) = &results[0] {
                if f & flags::SEQUENCE == 0 {
                    return Ok(results.pop().unwrap_or_default());
                }
            }
        }
        let mut out = Vec::new();
        for r in results {
            match r {
                Value::Array(a, f) if f & flags::CONS == 0 => out.extend(a.iter().cloned()),
                other => out.push(other),
            }
        }
        Ok(Value::sequence(out))
    }

    fn eval_stages(&self, stages: &[Stage], input: Value, env: &Env) -> Result<Value> {
        let mut result = input;
        for st in stages {
            match st {
                Stage::Filter(p) => result = self.eval_filter(p, result, env)?,
                Stage::Index(name) => {
                    if let Value::Array(a, f) = &result {
                        let mut items = Vec::with_capacity(a.len());
                        for (i, t) in a.iter().enumerate() {
                            items.push(t.with_tuple_binding(name, Value::Number(i as f64)));
                        }
                        result = Value::Array(Rc::new(Arr::from(items)), *f);
                    }
                }
            }
        }
        Ok(result)
    }

    fn eval_tuple_step(
        &self,
        step: &Node,
        input: &[Value],
        tuples: Option<Vec<Value>>,
        env: &Env,
    ) -> Result<Vec<Value>> {
        if let NodeKind::Sort(terms) = &step.kind {
            let mut result = if let Some(t) = tuples {
                self.eval_sort(
                    step,
                    terms,
                    Value::Array(Rc::new(Arr::from(t)), flags::SEQUENCE | flags::TUPLE_STREAM),
                    env,
                )?
            } else {
                let sorted = self.eval_sort(step, terms, Value::sequence(input.to_vec()), env)?;
                let mut out = Vec::new();
                for (i, v) in sorted.to_vec().into_iter().enumerate() {
                    let mut m = Map::new();
                    m.insert("@".into(), v);
                    if let Some(ix) = &step.index {
                        m.insert(ix.clone(), Value::Number(i as f64));
                    }
                    out.push(Value::object(m));
                }
                Value::Array(
                    Rc::new(Arr::from(out)),
                    flags::SEQUENCE | flags::TUPLE_STREAM,
                )
            };
            if !step.stages.is_empty() {
                result = self.eval_stages(&step.stages, result, env)?;
            }
            return Ok(result.to_vec());
        }
        let tuples: Vec<Value> = match tuples {
            Some(t) => t,
            None => input
                .iter()
                .map(|item| {
                    let mut m = Map::new();
                    m.insert("@".into(), item.clone());
                    Value::object(m)
                })
                .collect(),
        };
        let mut result = Vec::new();
        for tuple in &tuples {
            let step_env = frame_from_tuple(env, tuple);
            let ctx = tuple.lookup_tuple("@");
            let res = self.eval(step, &ctx, &step_env)?;
            if res.is_undefined() {
                continue;
            }
            let is_stream = res.has_flag(flags::TUPLE_STREAM);
            let items = match &res {
                Value::Array(a, _) => a.0.clone(),
                other => vec![other.clone()],
            };
            for (bb, item) in items.into_iter().enumerate() {
                let mut m: Map = match tuple {
                    Value::Object(o) => o.0.clone(),
                    _ => Map::new(),
                };
                if is_stream {
                    if let Value::Object(o) = &item {
                        for (k, v) in o.iter() {
                            m.insert(k.clone(), v.clone());
                        }
                    }
                } else {
                    if let Some(f) = &step.focus {
                        m.insert(f.clone(), item);
                        m.insert("@".into(), ctx.clone());
                    } else {
                        m.insert("@".into(), item);
                    }
                    if let Some(ix) = &step.index {
                        m.insert(ix.clone(), Value::Number(bb as f64));
                    }
                    if let Some(label) = &step.ancestor_label {
                        m.insert(label.clone(), ctx.clone());
                    }
                }
                result.push(Value::object(m));
            }
        }
        let mut result = Value::Array(
            Rc::new(Arr::from(result)),
            flags::SEQUENCE | flags::TUPLE_STREAM,
        );
        if !step.stages.is_empty() {
            result = self.eval_stages(&step.stages, result, env)?;
        }
        Ok(result.to_vec())
    }

    fn eval_filter(&self, pred: &Node, input: Value, env: &Env) -> Result<Value> {
        let is_stream = input.has_flag(flags::TUPLE_STREAM);
        let out_flags = if is_stream {
            flags::SEQUENCE | flags::TUPLE_STREAM
        } else {
            flags::SEQUENCE
        };
        let items: Vec<Value> = match &input {
            Value::Array(a, _) => a.0.clone(),
            Value::Undefined => vec![],
            other => vec![other.clone()],
        };
        let mut results = Vec::new();
        if let NodeKind::Num(n) = pred.kind {
            if pred.predicate.is_empty() && pred.group.is_none() {
                let mut index = n.floor();
                if index < 0.0 {
                    index += items.len() as f64;
                }
                if index >= 0.0 {
                    if let Some(item) = items.get(index as usize) {
                        if let Value::Array(..) = item {
                            return Ok(item.clone());
                        }
                        results.push(item.clone());
                    }
                }
                return Ok(Value::Array(Rc::new(Arr::from(results)), out_flags));
            }
        }
        let len = items.len() as f64;
        for (index, item) in items.iter().enumerate() {
            let (ctx, fenv) = if is_stream {
                (item.lookup_tuple("@"), frame_from_tuple(env, item))
            } else {
                (item.clone(), env.clone())
            };
            let res = self.eval(pred, &ctx, &fenv)?;
            let nums: Option<Vec<f64>> = match &res {
                Value::Number(n) => Some(vec![*n]),
                Value::Array(a, _) if !a.is_empty() && a.iter().all(|v| v.is_number()) => {
                    Some(a.iter().filter_map(|v| v.as_f64()).collect())
                }
                _ => None,
            };
            if let Some(nums) = nums {
                for n in nums {
                    let mut ii = n.floor();
                    if ii < 0.0 {
                        ii += len;
                    }
                    if ii == index as f64 {
                        results.push(item.clone());
                    }
                }
            } else if functions::boolean(&res) == Some(true) {
                results.push(item.clone());
            }
        }
        Ok(Value::Array(Rc::new(Arr::from(results)), out_flags))
    }

    // ------------------------------------------------------------------ operators

    fn eval_binary(
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
                if !functions::boolean(&lhs).unwrap_or(false) {
                    return Ok(Value::Bool(false));
                }
                let rhs = self.eval(r, input, env)?;
                return Ok(Value::Bool(functions::boolean(&rhs).unwrap_or(false)));
            }
            BinOp::Or => {
                if functions::boolean(&lhs).unwrap_or(false) {
                    return Ok(Value::Bool(true));
                }
                let rhs = self.eval(r, input, env)?;
                return Ok(Value::Bool(functions::boolean(&rhs).unwrap_or(false)));
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
                    (Value::String(a), Value::String(b)) => Some(functions::js_cmp(a, b)),
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
                    functions::string_of(&lhs, false).map_err(loc)?
                };
                let b = if rhs.is_undefined() {
                    String::new()
                } else {
                    functions::string_of(&rhs, false).map_err(loc)?
                };
                self.charge(a.len() + b.len(), 0).map_err(loc)?;
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
                    return Err(loc(
                        Error::new("D2014").value(functions::num_to_string(size))
                    ));
                }
                self.charge(0, size as usize).map_err(loc)?;
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

    fn eval_group(&self, g: &GroupByRef, input: Value, env: &Env) -> Result<Value> {
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

    fn eval_sort(&self, node: &Node, terms: &[SortTerm], input: Value, env: &Env) -> Result<Value> {
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
                    (Value::String(p), Value::String(q)) => match functions::js_cmp(p, q) {
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
        let order = functions::merge_sort(order, &mut |a, b| cmp(&keyed[*a].0, &keyed[*b].0))?;
        let out: Vec<Value> = order.into_iter().map(|i| keyed[i].1.clone()).collect();
        let f = if is_tuple {
            flags::SEQUENCE | flags::TUPLE_STREAM
        } else {
            flags::SEQUENCE
        };
        Ok(Value::Array(Rc::new(Arr::from(out)), f))
    }

    // ------------------------------------------------------------------ functions

    fn eval_call(
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

    fn eval_partial(
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

    fn eval_apply(
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
            let next = match &result {
                Value::Function(f) => match f.as_ref() {
                    Func::Lambda {
                        def,
                        env: lenv,
                        input: linput,
                    } if def.thunk => Some((def.clone(), lenv.clone(), linput.clone())),
                    _ => None,
                },
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

    fn apply_inner(
        &self,
        proc: &Value,
        args: Vec<Value>,
        input: &Value,
        env: &Env,
    ) -> Result<Value> {
        let Value::Function(f) = proc else {
            return Err(Error::new("T1006"));
        };
        match f.as_ref() {
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
                let args = functions::signature_of(b).validate(&args, input)?;
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
                Ok(match self.with_regex_budget(|| Ok(re.exec(&s, 0)))? {
                    Some(m) => functions::match_object(re, &s, m),
                    None => Value::Undefined,
                })
            }
            Func::RegexNext { re, s, prev } => Ok(
                match self.with_regex_budget(|| {
                    re.next_match(s, prev)
                        .map_err(|e| Error::new(e.code).message(e.message))
                })? {
                    Some(m) => functions::match_object(re, s, m),
                    None => Value::Undefined,
                },
            ),
            Func::Transform { def, env: tenv } => self.apply_transform(def, args, tenv),
        }
    }

    /// Number of arguments a function value accepts (higher-order functions pass the index
    /// and array only to callbacks that declare them).
    pub fn arity(&self, f: &Value) -> usize {
        match f {
            Value::Function(f) => match f.as_ref() {
                Func::Lambda { def, .. } => def.params.len(),
                Func::Builtin(b) => functions::signature_of(b).required_count(),
                Func::Partial { args, .. } => args.iter().filter(|a| a.is_none()).count(),
                _ => 1,
            },
            _ => 0,
        }
    }

    // ------------------------------------------------------------------ transform

    fn apply_transform(
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

fn rebuild(
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

/// A step with no predicates, bindings, grouping or flags that change its result shape.
fn is_plain_step(step: &Node) -> bool {
    step.stages.is_empty()
        && step.predicate.is_empty()
        && step.group.is_none()
        && step.focus.is_none()
        && step.index.is_none()
        && !step.tuple
        && step.ancestor_label.is_none()
        && !step.keep_array
        && !step.consarray
}

fn proc_name(procedure: &Node) -> Option<String> {
    match &procedure.kind {
        NodeKind::Path(steps) => match steps.first().map(|s| &s.kind) {
            Some(NodeKind::Name(n)) => Some(n.clone()),
            _ => None,
        },
        NodeKind::Variable(v) => Some(v.clone()),
        _ => None,
    }
}

/// Numeric operand check: undefined passes through, non-finite numbers are D1001.
fn numeric_operand(v: &Value) -> Result<Option<f64>> {
    match v {
        Value::Number(n) => {
            if !n.is_finite() {
                return Err(Error::new("D1001").value(functions::num_to_string(*n)));
            }
            Ok(Some(*n))
        }
        _ => Ok(None),
    }
}

/// Borrowed view of a group-by / object constructor.
struct GroupByRef<'a> {
    pairs: &'a [(Node, Node)],
    position: usize,
}

impl<'a> From<&'a GroupBy> for GroupByRef<'a> {
    fn from(g: &'a GroupBy) -> Self {
        GroupByRef {
            pairs: &g.pairs,
            position: g.position,
        }
    }
}

/// Folds `$append` over the members of a group in one pass.
fn append_all(mut members: Vec<Value>) -> Value {
    if members.len() == 1 {
        return members.pop().unwrap_or_default();
    }
    let mut out = Vec::new();
    for m in members {
        match m {
            Value::Undefined => {}
            Value::Array(a, _) => out.extend(a.iter().cloned()),
            other => out.push(other),
        }
    }
    Value::array(out)
}

fn frame_from_tuple(env: &Env, tuple: &Value) -> Env {
    let f = Frame::child(env);
    if let Value::Object(o) = tuple {
        for (k, v) in o.iter() {
            f.bind(k, v.clone());
        }
    }
    f
}

fn reduce_tuple_stream(data: &Value) -> Map {
    match data {
        Value::Array(a, _) => {
            let mut result: Map = match a.first() {
                Some(Value::Object(o)) => o.0.clone(),
                _ => Map::new(),
            };
            for t in a.iter().skip(1) {
                if let Value::Object(o) = t {
                    for (k, v) in o.iter() {
                        let cur = result.get(k).cloned().unwrap_or_default();
                        result.insert(k.clone(), functions::append(cur, v.clone()));
                    }
                }
            }
            result
        }
        Value::Object(o) => o.0.clone(),
        _ => Map::new(),
    }
}

fn flatten_into(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Array(a, _) => {
            for x in a.iter() {
                crate::stack::guarded(|| flatten_into(x, out));
            }
        }
        other => out.push(other.clone()),
    }
}

fn eval_wildcard(input: &Value) -> Value {
    let mut results = Vec::new();
    let input = match input {
        Value::Array(a, f) if f & flags::OUTER_WRAPPER != 0 && !a.is_empty() => a[0].clone(),
        other => other.clone(),
    };
    match &input {
        Value::Object(o) => {
            for (_, v) in o.iter() {
                match v {
                    Value::Array(..) => crate::stack::guarded(|| flatten_into(v, &mut results)),
                    other => results.push(other.clone()),
                }
            }
        }
        Value::Array(a, _) => {
            for v in a.iter() {
                match v {
                    Value::Array(..) => crate::stack::guarded(|| flatten_into(v, &mut results)),
                    other => results.push(other.clone()),
                }
            }
        }
        _ => {}
    }
    Value::sequence(results)
}

/// `**`: every value below the input in document order (iterative, so depth is no issue).
fn eval_descendants(input: &Value) -> Value {
    if input.is_undefined() {
        return Value::Undefined;
    }
    let mut out = Vec::new();
    let mut stack: Vec<&Value> = vec![input];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(a, _) => stack.extend(a.iter().rev()),
            Value::Object(o) => {
                out.push(v.clone());
                stack.extend(o.values().rev());
            }
            Value::Undefined => {}
            other => out.push(other.clone()),
        }
    }
    if out.len() == 1 {
        return out.pop().unwrap_or_default();
    }
    Value::sequence(out)
}

impl Value {
    /// Reads a binding from a tuple (an object keyed by `@` and variable names).
    fn lookup_tuple(&self, key: &str) -> Value {
        match self {
            Value::Object(o) => o.get(key).cloned().unwrap_or_default(),
            _ => Value::Undefined,
        }
    }

    fn with_tuple_binding(&self, key: &str, v: Value) -> Value {
        match self {
            Value::Object(o) => {
                let mut m = o.0.clone();
                m.insert(key.to_string(), v);
                Value::object(m)
            }
            other => other.clone(),
        }
    }
}
