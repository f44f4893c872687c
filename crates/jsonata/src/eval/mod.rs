//! The evaluator: JSONata's sequence semantics over the post-processed AST.
//!
//! Mirrors the reference implementation's `evaluate*` functions (paths as step pipelines,
//! tuple streams for `@`/`#`/`%` bindings, singleton unwrapping) because the observable
//! results of JSONata depend on those exact rules.

mod apply;
mod ops;
mod path;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::parser::{Node, NodeKind, Stage};
use crate::regex::{self, Budget, BudgetScope, JsRegex};
use crate::value::*;
use ops::*;
use path::*;

pub(crate) use apply::{groups_value, merge_sort, Builtin, Func};

/// A scope of variable bindings.
pub struct Frame {
    pub(crate) vars: RefCell<HashMap<String, Value>>,
    pub(crate) parent: Option<Env>,
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
    pub(crate) depth: Cell<usize>,
    pub(crate) max_depth: usize,
    pub(crate) steps: Cell<u64>,
    pub(crate) max_steps: u64,
    /// Nominal bytes of arrays and strings built so far (see [`Evaluator::build`]).
    pub(crate) built: Cell<u64>,
    pub(crate) max_memory: u64,
    /// Stack position at the outermost evaluation (for the wasm32 stack budget).
    pub(crate) stack_base: Cell<usize>,
    /// Step Functions dialect: `$eval` is not available.
    pub step_functions: bool,
    /// A regex search is running (see [`Evaluator::with_regex_budget`]).
    pub(crate) in_regex: Cell<bool>,
    /// The built-in function library (`$string`, `$map`, ...), supplied by the caller so
    /// that the evaluator does not depend on the functions built on it.
    pub(crate) library: &'static [Builtin],
    /// The regex engine's budget for this evaluation (all it may spend), put back as it was
    /// when the evaluation ends however it ends. Searches narrow it to what is left of the
    /// step budget ([`Evaluator::with_regex_budget`]).
    pub(crate) _regex_scope: BudgetScope,
}

pub(crate) fn u1001() -> Error {
    Error::new("U1001")
}

pub(crate) fn timeout() -> Error {
    u1001().message("Expression evaluation timeout: Check for infinite loop")
}

/// The memory budget met: U1001 like the other resource limits (the reference has no code
/// of its own for it), with a message saying which limit it was.
pub(crate) fn out_of_memory(max: u64) -> Error {
    u1001().message(format!(
        "Expression evaluation used up its memory budget: it built more than {} MiB of arrays and strings (maxMemory); check for a large range or a loop building large values",
        max >> 20
    ))
}

/// Regex backtracking steps per evaluation step: a regex search spends the evaluation's
/// step budget too, so a catastrophically backtracking pattern (`/(a+)+$/`) ends with the
/// U1001 timeout instead of running for an exponential time.
pub(crate) const REGEX_STEPS_PER_STEP: u64 = 16;

/// String bytes built per evaluation step (see [`Evaluator::charge`]).
pub const BYTES_PER_STEP: usize = 16;
/// Array items built per evaluation step: `[1..10000000]` (the largest range) costs a
/// quarter of the default 10 million steps.
pub const ITEMS_PER_STEP: usize = 4;
/// Nominal bytes of one array item for the memory budget: a value's size on wasm32 (native
/// values are half as large again). Fixed rather than measured so that an evaluation meets
/// the budget at the same place natively and in wasm.
pub const ITEM_BYTES: u64 = 16;

impl Evaluator {
    pub fn new(
        timestamp: f64,
        seed: u64,
        max_depth: usize,
        max_steps: u64,
        max_memory: u64,
        library: &'static [Builtin],
    ) -> Evaluator {
        Evaluator {
            timestamp,
            rng: RefCell::new(Rng::new(seed)),
            depth: Cell::new(0),
            max_depth,
            steps: Cell::new(0),
            max_steps,
            built: Cell::new(0),
            max_memory,
            stack_base: Cell::new(0),
            step_functions: false,
            in_regex: Cell::new(false),
            library,
            _regex_scope: BudgetScope::enter(max_steps.saturating_mul(REGEX_STEPS_PER_STEP)),
        }
    }

    /// Runs `f`, which searches with regexes, on what is left of the step budget (nested
    /// calls share the outermost one's budget), and charges the backtracking it did.
    pub fn with_regex_budget<T>(&self, f: impl FnOnce(&Budget) -> Result<T>) -> Result<T> {
        if self.in_regex.get() {
            let (r, exhausted) = regex::within_budget(f);
            return if exhausted { Err(timeout()) } else { r };
        }
        let budget = self
            .max_steps
            .saturating_sub(self.steps.get())
            .saturating_mul(REGEX_STEPS_PER_STEP);
        self.in_regex.set(true);
        let spent = regex::with_budget(budget, f);
        self.in_regex.set(false);
        self.steps.set(
            self.steps
                .get()
                .saturating_add(spent.used / REGEX_STEPS_PER_STEP),
        );
        if spent.exhausted {
            return Err(timeout());
        }
        spent.value
    }

    /// Charges bulk work done within one step (building a long string or array), so that
    /// values doubling on every step (`$s & $s` in a loop) end with the U1001 timeout
    /// instead of exhausting memory: a step per [`BYTES_PER_STEP`] bytes of string or
    /// [`ITEMS_PER_STEP`] array items.
    pub fn charge(&self, bytes: usize, items: usize) -> Result<()> {
        self.spend((bytes / BYTES_PER_STEP + items / ITEMS_PER_STEP) as u64)
    }

    /// Charges building a new string of `bytes` bytes or a new array of `items` items: the
    /// work (as [`Evaluator::charge`]) and the memory. The step budget alone let one step
    /// build ten million items (`[1..9000000]` is half a gigabyte natively), so what is built
    /// also counts against [`crate::Environment::max_memory`]. The count is cumulative (what
    /// is freed is not given back): a bound on the evaluation's peak memory that is the same
    /// on every platform.
    pub fn build(&self, bytes: usize, items: usize) -> Result<()> {
        let add = (bytes as u64).saturating_add((items as u64).saturating_mul(ITEM_BYTES));
        let built = self.built.get().saturating_add(add);
        self.built.set(built);
        if built > self.max_memory {
            return Err(out_of_memory(self.max_memory));
        }
        self.charge(bytes, items)
    }

    /// Evaluation steps spent so far.
    pub fn steps_spent(&self) -> u64 {
        self.steps.get()
    }

    /// Spends `units` evaluation steps on work done outside [`Evaluator::eval`] (walking a
    /// value's descendants, for one).
    pub fn spend(&self, units: u64) -> Result<()> {
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

    pub(crate) fn eval_node(&self, node: &Node, input: &Value, env: &Env) -> Result<Value> {
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
                            self.build(0, a.len()).map_err(|e| e.at(node.position))?;
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
            NodeKind::Descendant => self.eval_descendants(input)?,
            NodeKind::Parent(_, label) => env.lookup(label).unwrap_or(Value::Undefined),
            NodeKind::Condition(c, t, e) => {
                let cv = self.eval(c, input, env)?;
                if boolean(&cv) == Some(true) {
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
                let re = JsRegex::new(p, f)
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
        self.library
            .iter()
            .find(|b| b.name == name)
            .map(|b| Value::Function(Rc::new(Func::Builtin(b))))
            .unwrap_or(Value::Undefined)
    }
}
