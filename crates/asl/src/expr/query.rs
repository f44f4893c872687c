//! JSONata-mode field values: JSON templates whose `{% ... %}` strings are JSONata
//! expressions, anywhere in the value; everything else is literal.
//! <https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html>
//!
//! Expressions see the reserved `$states` variable (`input`, `context`, and where they exist
//! `result` and `errorOutput`) and the workflow variables. Each expression is compiled once
//! with the dialect AWS runs (JSONata 2.0.6, no `$eval`), and every failure becomes
//! `States.QueryEvaluationError` naming the field, as AWS reports it.

use crate::error::{json_type, StatesError};
use crate::rng::Rng;
use serde_json::{Map, Value};
use stepbridge_jsonata::{Converted, Environment, Expression, Prepared};

pub const QUERY_ERROR: &str = "States.QueryEvaluationError";

/// A compiled JSONata-mode field (Arguments, Output, Assign, Items, Condition, ...).
#[derive(Debug)]
pub struct Query {
    root: Node,
    /// Variable names the expressions mention, bound before each evaluation (the others
    /// would only cost a conversion).
    vars: Vec<String>,
}

#[derive(Debug)]
enum Node {
    Literal(Value),
    Expr(Box<Expr>),
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
}

#[derive(Debug)]
struct Expr {
    expr: Expression,
    /// The field as AWS names it in messages: `Arguments/Input/id`.
    field: String,
}

/// The text inside `{% ... %}`, if the string is a JSONata expression: it must start with
/// `{%` and end with `%}` exactly; with anything around them (even spaces) it is a constant
/// (issue 14, recorded from AWS; "Transforming data with JSONata",
/// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
pub fn expression_text(s: &str) -> Option<&str> {
    s.strip_prefix("{%")?.strip_suffix("%}")
}

/// Everything an evaluation needs besides the expression: `$states` and the variables
/// (converted to the engine's values once per state), the virtual clock and the run's
/// random source, and what to name in messages.
pub struct QueryCx<'a> {
    prepared: Prepared,
    pub now_ms: f64,
    pub rng: &'a mut Rng,
    pub state: &'a str,
    /// Id of the state's StateEntered event, which AWS cites in the cause.
    pub entered_id: u64,
}

impl<'a> QueryCx<'a> {
    /// `$states` is bound next, from a value or from parts converted earlier.
    pub fn new(now_ms: f64, rng: &'a mut Rng, state: &'a str, entered_id: u64) -> Self {
        QueryCx {
            prepared: Prepared::new(None, &Map::new()),
            now_ms,
            rng,
            state,
            entered_id,
        }
    }

    pub fn set_states(&mut self, states: &Value) {
        self.prepared.bind("states", states);
    }

    pub fn set_converted_states(&mut self, states: &Converted) {
        self.prepared.bind_converted("states", states);
    }

    /// A failure of the field as a whole (wrong type of result, for example).
    pub fn error(&self, detail: impl std::fmt::Display) -> StatesError {
        query_error(self.state, self.entered_id, detail)
    }

    /// See [`type_error`].
    pub fn type_error(
        &self,
        expr: Option<&str>,
        field: &str,
        expected: &str,
        v: &Value,
    ) -> StatesError {
        type_error(self.state, self.entered_id, expr, field, expected, v)
    }
}

/// How AWS begins the cause of each of a state's QueryEvaluationErrors; EvaluationFailed
/// events are told from errors passing up from branches by it.
pub fn cause_prefix(state: &str, entered_id: u64) -> String {
    format!("An error occurred while executing the state '{state}' (entered at the event id #{entered_id}).")
}

fn query_error(state: &str, entered_id: u64, detail: impl std::fmt::Display) -> StatesError {
    StatesError::new(
        QUERY_ERROR,
        format!("{} {detail}", cause_prefix(state, entered_id)),
    )
}

/// AWS's cause for an expression whose value is of the wrong type for its field;
/// `expected` as AWS words it (`'string'`, `a non-negative integer`). `expr` is the
/// expression's text between `{%` and `%}`, which AWS quotes (a field written as a template
/// of several expressions has none). The wording is AWS's as users report it from real
/// executions (an Items expression `$restorableJobs` giving an object) and as LocalStack,
/// whose tests are recorded against AWS, words it; AWS's documentation does not give it.
pub fn type_error(
    state: &str,
    entered_id: u64,
    expr: Option<&str>,
    field: &str,
    expected: &str,
    v: &Value,
) -> StatesError {
    let quoted = expr.map(|e| format!(" '{e}'")).unwrap_or_default();
    query_error(
        state,
        entered_id,
        format!(
            "The JSONata expression{quoted} specified for the field '{field}' returned an unexpected result type. Expected {expected}, but was '{}' for value: {v}",
            json_type(v)
        ),
    )
}

impl Query {
    /// `field` is the field's name as messages show it (`Output`, `Assign`, `Arguments`).
    pub fn compile(v: &Value, field: &str) -> Result<Query, String> {
        let mut vars = Vec::new();
        let root = compile_node(v, field, 0, &mut vars)?;
        Ok(Query { root, vars })
    }

    #[cfg_attr(not(test), allow(dead_code))] // used by the unit tests
    /// Whether the value has no expression at all.
    pub fn is_literal(&self) -> bool {
        matches!(self.root, Node::Literal(_))
    }

    /// The literal value of an expression-free field.
    pub fn literal(&self) -> Option<&Value> {
        match &self.root {
            Node::Literal(v) => Some(v),
            _ => None,
        }
    }

    pub fn evaluate(&self, cx: &mut QueryCx) -> Result<Value, StatesError> {
        for name in &self.vars {
            crate::expr::vars::with(name, |v| {
                if let Some(v) = v {
                    cx.prepared.bind(name, v);
                }
            });
        }
        eval(&self.root, cx)
    }

    /// A field whose value must be of one type: `take` gives the value back when it is
    /// not, and the error names `field` and what AWS `expected` (see [`type_error`]).
    pub fn evaluate_as<T>(
        &self,
        cx: &mut QueryCx,
        field: &str,
        expected: &str,
        take: impl FnOnce(Value) -> Result<T, Value>,
    ) -> Result<T, StatesError> {
        take(self.evaluate(cx)?).map_err(|v| cx.type_error(self.source(), field, expected, &v))
    }

    /// The expression's text (trimmed, between `{%` and `%}`) when the field is one
    /// expression.
    pub fn source(&self) -> Option<&str> {
        match &self.root {
            Node::Expr(e) => Some(e.expr.source().trim()),
            _ => None,
        }
    }

    /// An object-valued field (Assign): its members in order.
    pub fn evaluate_object(&self, cx: &mut QueryCx) -> Result<Map<String, Value>, StatesError> {
        match self.evaluate(cx)? {
            Value::Object(m) => Ok(m),
            other => Err(cx.error(format!(
                "The value of the field '{}' must be an object, but it is {other}.",
                self.field_name()
            ))),
        }
    }

    fn field_name(&self) -> &str {
        match &self.root {
            Node::Expr(e) => &e.field,
            _ => "Assign",
        }
    }
}

/// Variable names an expression mentions (`$name`, not `$states`); over-inclusive is fine.
/// Names are Unicode identifiers, as AWS defines variable names.
/// <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html#variable-name-syntax>
fn scan_vars(src: &str, out: &mut Vec<String>) {
    let mut rest = src;
    while let Some(at) = rest.find('$') {
        let after = &rest[at + 1..];
        let len: usize = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || unicode_ident::is_xid_continue(*c))
            .map(char::len_utf8)
            .sum();
        let name = &after[..len];
        if !name.is_empty() && name != "states" && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
        rest = &after[len..];
    }
}

fn compile_node(
    v: &Value,
    field: &str,
    depth: usize,
    vars: &mut Vec<String>,
) -> Result<Node, String> {
    if depth > 200 {
        return Err(format!("The field '{field}' is nested too deeply"));
    }
    Ok(match v {
        Value::String(s) => match expression_text(s) {
            Some(text) => {
                let expr = Expression::compile_for_step_functions(text).map_err(|e| {
                    format!(
                        "The JSONata expression '{}' in the field '{field}' is invalid: {e}",
                        text.trim()
                    )
                })?;
                scan_vars(text, vars);
                Node::Expr(Box::new(Expr {
                    expr,
                    field: field.to_string(),
                }))
            }
            None => Node::Literal(v.clone()),
        },
        Value::Object(m) => {
            let mut fields = Vec::with_capacity(m.len());
            for (k, c) in m {
                fields.push((
                    k.clone(),
                    compile_node(c, &format!("{field}/{k}"), depth + 1, vars)?,
                ));
            }
            if fields.iter().all(|(_, n)| matches!(n, Node::Literal(_))) {
                Node::Literal(v.clone())
            } else {
                Node::Object(fields)
            }
        }
        Value::Array(a) => {
            let mut items = Vec::with_capacity(a.len());
            for (i, c) in a.iter().enumerate() {
                items.push(compile_node(c, &format!("{field}[{i}]"), depth + 1, vars)?);
            }
            if items.iter().all(|n| matches!(n, Node::Literal(_))) {
                Node::Literal(v.clone())
            } else {
                Node::Array(items)
            }
        }
        other => Node::Literal(other.clone()),
    })
}

fn eval(node: &Node, cx: &mut QueryCx) -> Result<Value, StatesError> {
    match node {
        Node::Literal(v) => Ok(v.clone()),
        Node::Expr(e) => {
            let mut env = Environment {
                now_ms: cx.now_ms,
                seed: cx.rng.next_u64(),
                ..Environment::default()
            };
            // Each evaluation may spend what is left of the run's work budget, at most.
            let left = crate::expr::budget::remaining();
            let by_budget = left < env.max_steps;
            env.max_steps = env.max_steps.min(left);
            let src = e.expr.source().trim();
            let metered = e.expr.evaluate_metered(&cx.prepared, &env);
            crate::expr::budget::charge(metered.steps);
            if by_budget && crate::expr::budget::exhausted() {
                return Err(cx.error(format!(
                    "The JSONata expression '{src}' specified for the field '{}' stopped: the run's work budget is used up",
                    e.field
                )));
            }
            match metered.result {
                Ok(Some(v)) => Ok(v),
                Ok(None) => Err(cx.error(format!(
                    "The JSONata expression '{src}' specified for the field '{}' returned nothing (undefined).",
                    e.field
                ))),
                Err(err) => Err(cx.error(format!(
                    "The JSONata expression '{src}' specified for the field '{}' threw an error during evaluation: {err}",
                    e.field
                ))),
            }
        }
        Node::Object(fields) => {
            let mut m = Map::with_capacity(fields.len());
            for (k, n) in fields {
                m.insert(k.clone(), eval(n, cx)?);
            }
            Ok(Value::Object(m))
        }
        Node::Array(items) => items
            .iter()
            .map(|n| eval(n, cx))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn variable_names_are_scanned() {
        let mut v = Vec::new();
        scan_vars(
            "$states.input.a + $total + $sum($items) + $total + $変数",
            &mut v,
        );
        assert_eq!(v, ["total", "sum", "items", "変数"]);
    }

    #[test]
    fn literal_templates_stay_literal() {
        let q = Query::compile(&json!({"a": [1, "x"], "b": "$not"}), "Output").unwrap();
        assert!(q.is_literal());
        let q = Query::compile(&json!({"a": "{% 1 + 1 %}"}), "Output").unwrap();
        assert!(!q.is_literal());
    }
}
