//! JSONata 2.0, written for Step Functions' JSONata mode.
//!
//! CONTRACT (used by the interpreter):
//! - [`Expression::compile`] parses once; [`Expression::evaluate`] runs against JSON input with
//!   an [`Environment`] that supplies the clock, the random seed and variable bindings, so runs
//!   are reproducible and nothing reads system time or OS randomness (wasm32-safe).
//! - `Ok(None)` means the expression produced no value (JSONata's `undefined`).
//! - Errors carry the reference implementation's codes (`S0201`, `T2001`, `D3030`, ...).
//! - [`Expression::compile_for_step_functions`] gives the dialect AWS runs (JSONata 2.0.6, no
//!   `$eval`); [`Expression::compile`] the full language the official test suite covers.
//!
//! Why an engine of our own: the one existing Rust crate (jsonata-rs 0.3.4) passes about 76%
//! of the official suite, panics on some expressions and does not build for wasm32; this one
//! passes 1,684 of 1,686 cases (see `tests/KNOWN_FAILURES.md`).
//!
//! Layout, in layers that depend only on the ones before them: `error`; `value` (runtime
//! values, their JSON text and number printing); `signature` (function signatures checked
//! against values); `parser` (tokenizer, Pratt parser and the reference's AST
//! post-processing); `eval` (sequence semantics, tuple streams, tail calls, function values);
//! `functions` (the built-ins by family, with the pure formatting, date/time, regex and URL
//! helpers behind them). Beside them: `regex` (the ECMAScript regex engine behind a scoped
//! backtracking budget) and `stack` (deep-recursion protection).

mod error;
mod eval;
mod functions;
mod parser;
mod regex;
mod signature;
mod stack;
mod value;

use std::rc::Rc;

pub use error::{Error, Result};

use eval::{Evaluator, Frame};
use value::{flags, Arr, Value};

/// Everything an evaluation takes from the outside world.
#[derive(Debug, Clone)]
pub struct Environment {
    /// "Now" in milliseconds since the Unix epoch (`$now()`, `$millis()`). The default is 0
    /// (the epoch): hosts pass the real or simulated time, as the engine never reads a clock.
    pub now_ms: f64,
    /// Seed of the pseudo-random generator (`$random()`, `$shuffle()`, `$uuid()`).
    pub seed: u64,
    /// Variables visible to the expression as `$name`.
    pub bindings: serde_json::Map<String, serde_json::Value>,
    /// Maximum evaluation nesting; deeper (non-tail) recursion fails with `U1001` instead of
    /// overflowing the stack.
    pub max_depth: usize,
    /// Maximum number of evaluation steps (default ten million, a few seconds of work);
    /// runaway loops fail with `U1001`.
    pub max_steps: u64,
    /// Memory budget in bytes: what an evaluation may build in arrays and strings, counted
    /// cumulatively at a nominal 16 bytes per array item and a byte per string byte (default
    /// [`DEFAULT_MAX_MEMORY`]). Past it the evaluation fails with `U1001`, saying so, instead
    /// of taking the host's memory (a range of ten million items is 240 MB natively).
    pub max_memory: u64,
}

impl Default for Environment {
    fn default() -> Self {
        Environment {
            now_ms: 0.0,
            seed: 0,
            bindings: serde_json::Map::new(),
            max_depth: DEFAULT_MAX_DEPTH,
            max_steps: 10_000_000,
            max_memory: DEFAULT_MAX_MEMORY,
        }
    }
}

/// Default memory budget of an evaluation (64 MiB nominal, about 100 MB natively): ranges
/// of up to four million items. A Step Functions payload is at most 256 KiB, so an
/// expression needing more builds values a hundred times larger than anything it may return.
pub const DEFAULT_MAX_MEMORY: u64 = 64 << 20;

/// Default nesting limit (the reference has none beyond the JavaScript stack, which allows
/// roughly this many nested calls). On wasm32 a stack budget applies as well.
pub const DEFAULT_MAX_DEPTH: usize = 10_000;

/// A compiled expression; compile once, evaluate many times.
#[derive(Debug)]
pub struct Expression {
    ast: parser::Node,
    source: String,
    step_functions: bool,
}

impl Expression {
    /// Compiles with the full JSONata 2.x grammar and function library (as the official test
    /// suite expects).
    pub fn compile(expr: &str) -> Result<Expression> {
        Ok(Expression {
            ast: parser::parse(expr)?,
            source: expr.to_string(),
            step_functions: false,
        })
    }

    /// Compiles the dialect AWS Step Functions runs: JSONata 2.0.6, so no `?:`/`??`
    /// operators (2.1.0 additions), and `$eval` is not available (`$parse` replaces it).
    /// <https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html>
    pub fn compile_for_step_functions(expr: &str) -> Result<Expression> {
        Ok(Expression {
            ast: parser::parse_with(expr, true)?,
            source: expr.to_string(),
            step_functions: true,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Evaluates against `input`; `Ok(None)` is JSONata's `undefined`.
    pub fn evaluate(
        &self,
        input: &serde_json::Value,
        env: &Environment,
    ) -> Result<Option<serde_json::Value>> {
        self.evaluate_opt(Some(input), env)
    }

    /// Like [`Expression::evaluate`], with no input at all (`undefined` context).
    pub fn evaluate_opt(
        &self,
        input: Option<&serde_json::Value>,
        env: &Environment,
    ) -> Result<Option<serde_json::Value>> {
        let prepared = Prepared::new(input, &serde_json::Map::new());
        self.evaluate_prepared(&prepared, env)
    }

    /// Evaluates against input and bindings converted once with [`Prepared`]; bindings in
    /// `prepared` take precedence over `env.bindings`.
    pub fn evaluate_prepared(
        &self,
        prepared: &Prepared,
        env: &Environment,
    ) -> Result<Option<serde_json::Value>> {
        self.evaluate_metered(prepared, env).result
    }

    /// Like [`Expression::evaluate_prepared`], also saying how many evaluation steps the
    /// evaluation spent (of [`Environment::max_steps`]). Each evaluation stays within its own
    /// budget, but a host that evaluates expressions in a loop (a Step Functions run passing
    /// through the same state thousands of times) bounds its total work only by keeping count:
    /// it can give each evaluation what is left of a budget of its own.
    pub fn evaluate_metered(&self, prepared: &Prepared, env: &Environment) -> Metered {
        let mut ev = Evaluator::new(
            env.now_ms,
            env.seed,
            env.max_depth,
            env.max_steps,
            env.max_memory,
            &functions::LIBRARY,
        );
        ev.step_functions = self.step_functions;
        let root = Frame::root();
        for (k, v) in &env.bindings {
            root.bind(k, Value::from_json(v));
        }
        for (k, v) in &prepared.bindings {
            root.bind(k, v.clone());
        }
        let input = prepared.input.clone();
        root.bind("$", input.clone());
        let input = match input {
            Value::Array(a, f) if f & flags::SEQUENCE == 0 => Value::Array(
                Rc::new(Arr::from(vec![Value::Array(a, f)])),
                flags::SEQUENCE | flags::OUTER_WRAPPER,
            ),
            other => other,
        };
        let result = ev.eval(&self.ast, &input, &root).and_then(|v| v.to_json());
        Metered {
            result,
            steps: ev.steps_spent(),
        }
    }
}

/// An evaluation's result and the evaluation steps it spent (see
/// [`Expression::evaluate_metered`]).
#[derive(Debug)]
pub struct Metered {
    /// What [`Expression::evaluate_prepared`] returns.
    pub result: Result<Option<serde_json::Value>>,
    /// Evaluation steps spent, failed evaluations included (one that ran out of steps spent
    /// at least its [`Environment::max_steps`]).
    pub steps: u64,
}

/// Input and variable bindings converted once to the engine's values, so that many
/// expressions (e.g. every `{% %}` string of a Step Functions state, all reading `$states`)
/// can be evaluated without converting the same JSON again each time. Not `Send`: it shares
/// reference-counted values; build one per thread.
#[derive(Default)]
pub struct Prepared {
    input: Value,
    bindings: Vec<(String, Value)>,
}

impl Prepared {
    /// `input` of `None` is JSONata's `undefined` context.
    pub fn new(
        input: Option<&serde_json::Value>,
        bindings: &serde_json::Map<String, serde_json::Value>,
    ) -> Prepared {
        Prepared {
            input: input.map(Value::from_json).unwrap_or_default(),
            bindings: bindings
                .iter()
                .map(|(k, v)| (k.clone(), Value::from_json(v)))
                .collect(),
        }
    }

    /// Adds (or replaces) a variable binding.
    pub fn bind(&mut self, name: &str, value: &serde_json::Value) {
        let v = Value::from_json(value);
        match self.bindings.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = v,
            None => self.bindings.push((name.to_string(), v)),
        }
    }
}

/// A JSON value converted once to the engine's representation. Cloning shares it, so a
/// host can assemble bindings from parts converted earlier (e.g. a large input reused for
/// every item of an iteration) without converting them again.
#[derive(Clone, Default)]
pub struct Converted(Value);

impl Converted {
    pub fn new(v: &serde_json::Value) -> Converted {
        Converted(Value::from_json(v))
    }

    /// An object of already converted members, in order.
    pub fn object(members: impl IntoIterator<Item = (String, Converted)>) -> Converted {
        Converted(Value::object(
            members.into_iter().map(|(k, v)| (k, v.0)).collect(),
        ))
    }
}

impl Prepared {
    /// Adds (or replaces) a variable binding with a value converted earlier.
    pub fn bind_converted(&mut self, name: &str, value: &Converted) {
        let v = value.0.clone();
        match self.bindings.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = v,
            None => self.bindings.push((name.to_string(), v)),
        }
    }
}

/// One-shot convenience: compile and evaluate with the given variable bindings.
pub fn evaluate(
    expr: &str,
    input: &serde_json::Value,
    bindings: &serde_json::Map<String, serde_json::Value>,
) -> Result<Option<serde_json::Value>> {
    let env = Environment {
        bindings: bindings.clone(),
        ..Environment::default()
    };
    Expression::compile(expr)?.evaluate(input, &env)
}
