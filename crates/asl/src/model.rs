//! The typed, pre-compiled form of a state machine definition.
//!
//! Everything that can be decided when the definition loads is decided here once: paths,
//! templates and Choice rules are compiled, `Next` names become indexes, and numbers are
//! checked. The executor then never re-parses anything per state, which is where most of an
//! interpreter's time would otherwise go on the benchmark workloads.
//!
//! `validate.rs` performs the exhaustive static checks with line/column positions; this
//! builder reports what it cannot compile (with a JSON pointer) so that `run` never executes
//! a half-understood definition even when a check is missing there.

use crate::choice::ChoiceRule;
use crate::intrinsics::{is_intrinsic, Intrinsic};
use crate::jsonpath::Path;
use crate::query::{expression_text, Query};
use crate::template::Template;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Nested Parallel/Map depth accepted. AWS has no documented cap, but every level is a
/// recursion in the builder and the executor; 40 levels is far beyond real workflows.
pub const MAX_NESTING: usize = 40;

/// A build error: where (JSON pointer) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildError {
    pub pointer: String,
    pub message: String,
}

/// A state machine or a branch/iterator (same shape: StartAt + States).
#[derive(Debug)]
pub struct Machine {
    pub start_at: usize,
    pub states: Vec<State>,
    /// Top-level `TimeoutSeconds` (only meaningful on the root machine).
    pub timeout_seconds: Option<u64>,
    /// Whether any state of the whole definition has an `Assign` (set on the root only):
    /// without one no variable can exist, and the executor skips all scope bookkeeping.
    pub assigns: bool,
}

/// A state's (or choice rule's, or catcher's) `Assign`: a JSONPath payload template (keys
/// ending in `.$` evaluated) or a JSONata-mode template, giving variable name → value.
#[derive(Debug)]
pub enum Assign {
    Path(Template),
    Query(Query),
}

/// InputPath / OutputPath: absent means `$`, null means `{}`.
#[derive(Debug)]
pub enum IoPath {
    Identity,
    Null,
    Path(Path),
}

/// ResultPath: absent means `$` (the result replaces the input), null discards the result.
#[derive(Debug)]
pub enum ResultPath {
    Replace,
    Discard,
    Path(Path),
}

#[derive(Debug)]
pub enum Transition {
    Next(usize),
    End,
}

#[derive(Debug)]
pub struct State {
    pub name: String,
    pub kind: Kind,
    pub input_path: IoPath,
    pub output_path: IoPath,
    pub result_path: ResultPath,
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub transition: Transition,
    /// JSON pointer of the state in the definition, for messages.
    pub pointer: String,
    /// QueryLanguage JSONata: the fields below replace the five JSONPath fields.
    pub jsonata: bool,
    pub arguments: Option<Query>,
    pub output: Option<Query>,
    pub assign: Option<Box<Assign>>,
}

impl State {
    /// AWS's history names: `PassStateEntered`, `TaskStateExited`...
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Pass { .. } => "Pass",
            Kind::Task(_) => "Task",
            Kind::Choice { .. } => "Choice",
            Kind::Wait(_) => "Wait",
            Kind::Succeed => "Succeed",
            Kind::Fail(_) => "Fail",
            Kind::Parallel { .. } => "Parallel",
            Kind::Map(_) => "Map",
        }
    }
}

#[derive(Debug)]
pub enum Kind {
    Pass {
        result: Option<Value>,
    },
    Task(Box<TaskSpec>),
    Choice {
        choices: Vec<Choice>,
        default: Option<usize>,
    },
    Wait(WaitSpec),
    Succeed,
    Fail(FailSpec),
    Parallel {
        branches: Vec<Machine>,
    },
    Map(Box<MapSpec>),
}

/// One rule of a Choice state: its test, target, and (when it matches) its Assign and,
/// in JSONata, Output.
#[derive(Debug)]
pub struct Choice {
    pub cond: Cond,
    pub next: usize,
    pub assign: Option<Box<Assign>>,
    pub output: Option<Query>,
}

#[derive(Debug)]
pub enum Cond {
    Path(ChoiceRule),
    /// JSONata `Condition`: must give a boolean.
    Query(Query),
}

/// A number given literally, read from the input by a `...Path` field, or (JSONata) given
/// by an expression.
#[derive(Debug)]
pub enum Amount {
    Fixed(f64),
    Path(Path),
    Query(Query),
}

#[derive(Debug)]
pub struct TaskSpec {
    pub resource: String,
    pub kind: ResourceKind,
    pub timeout: Option<Amount>,
    pub heartbeat: Option<Amount>,
}

/// How a Resource ARN is invoked, which decides the result shape and history event names.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceKind {
    /// `arn:aws:lambda:...:function:NAME` used directly: the result is the Invoke `Payload`.
    LambdaFunction,
    /// `arn:aws:states:::SERVICE:ACTION[.sync|.waitForTaskToken]`.
    Service {
        service: String,
        action: String,
        pattern: Pattern,
    },
    /// `arn:aws:states:REGION:ACCOUNT:activity:NAME`: a worker answers with the task token.
    Activity,
    /// Anything else: executed like a request/response integration.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pattern {
    RequestResponse,
    Sync,
    WaitForTaskToken,
}

#[derive(Debug)]
pub enum WaitSpec {
    Seconds(f64),
    SecondsPath(Path),
    Timestamp(String),
    TimestampPath(Path),
    /// JSONata `Seconds` / `Timestamp` expressions.
    SecondsQuery(Query),
    TimestampQuery(Query),
}

#[derive(Debug)]
pub struct FailSpec {
    pub error: Option<Dyn>,
    pub cause: Option<Dyn>,
}

/// A Fail field given literally, by path, or (ErrorPath/CausePath) by an intrinsic.
#[derive(Debug)]
pub enum Dyn {
    Literal(String),
    Path(Path),
    Call(Box<Intrinsic>),
    Query(Query),
}

#[derive(Debug)]
pub struct Retrier {
    pub error_equals: Vec<String>,
    pub interval_seconds: f64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<f64>,
    pub jitter_full: bool,
}

#[derive(Debug)]
pub struct Catcher {
    pub error_equals: Vec<String>,
    pub result_path: ResultPath,
    pub next: usize,
    /// JSONata: the state's output when this catcher applies (default: the error output).
    pub output: Option<Query>,
    pub assign: Option<Box<Assign>>,
}

#[derive(Debug)]
pub struct MapSpec {
    pub items_path: Option<Path>,
    pub item_selector: Option<Template>,
    pub processor: Machine,
    pub distributed: bool,
    pub max_concurrency: Option<Amount>,
    pub tolerated_count: Option<Amount>,
    pub tolerated_percentage: Option<Amount>,
    pub item_reader: Option<ItemReader>,
    pub batcher: Option<Batcher>,
    pub result_writer: Option<ResultWriter>,
    pub label: Option<String>,
    /// JSONata `Items` (default: the state input, which must be an array).
    pub items: Option<Query>,
    /// JSONata `ItemSelector`.
    pub item_query: Option<Query>,
}

#[derive(Debug)]
pub struct ItemReader {
    pub resource: String,
    pub parameters: Option<Template>,
    /// JSONata `Arguments` (in place of `Parameters`).
    pub arguments: Option<Query>,
    pub max_items: Option<Amount>,
}

#[derive(Debug)]
pub struct ResultWriter {
    pub parameters: Option<Template>,
    /// JSONata `Arguments` (in place of `Parameters`).
    pub arguments: Option<Query>,
}

#[derive(Debug)]
pub struct Batcher {
    pub max_items: Option<Amount>,
    pub max_bytes: Option<Amount>,
    pub batch_input: Option<Template>,
    /// JSONata `BatchInput`: a value whose `{% %}` strings are expressions.
    pub batch_query: Option<Query>,
}

/// Compile a whole definition.
pub fn build(definition: &Value) -> Result<Machine, Vec<BuildError>> {
    let mut b = Builder {
        errors: Vec::new(),
        assigns: false,
    };
    let jsonata = definition.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata");
    let m = b.machine(definition, "", 0, true, jsonata);
    match m {
        Some(mut m) if b.errors.is_empty() => {
            m.assigns = b.assigns;
            Ok(m)
        }
        _ => {
            if b.errors.is_empty() {
                b.err("", "The definition could not be compiled");
            }
            Err(b.errors)
        }
    }
}

struct Builder {
    errors: Vec<BuildError>,
    assigns: bool,
}

fn esc(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl Builder {
    fn err(&mut self, pointer: &str, message: impl Into<String>) {
        self.errors.push(BuildError {
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    fn machine(
        &mut self,
        v: &Value,
        at: &str,
        depth: usize,
        root: bool,
        jsonata: bool,
    ) -> Option<Machine> {
        if depth > MAX_NESTING {
            self.err(
                at,
                format!("Parallel/Map states are nested deeper than {MAX_NESTING} levels"),
            );
            return None;
        }
        let Some(obj) = v.as_object() else {
            self.err(
                at,
                "A state machine must be a JSON object with StartAt and States",
            );
            return None;
        };
        let Some(states) = obj.get("States").and_then(Value::as_object) else {
            self.err(at, "The field 'States' is required and must be an object");
            return None;
        };
        let index: HashMap<&str, usize> = states
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        let start_at = match obj.get("StartAt").and_then(Value::as_str) {
            Some(s) => match index.get(s) {
                Some(i) => *i,
                None => {
                    self.err(
                        &format!("{at}/StartAt"),
                        format!("StartAt names '{s}', which is not a state of this machine"),
                    );
                    0
                }
            },
            None => {
                self.err(
                    &format!("{at}/StartAt"),
                    "The field 'StartAt' is required and must be a string",
                );
                0
            }
        };
        if states.is_empty() {
            self.err(
                &format!("{at}/States"),
                "'States' must define at least one state",
            );
            return None;
        }
        let timeout_seconds = if root {
            match obj.get("TimeoutSeconds") {
                None => None,
                Some(t) => match t.as_u64() {
                    Some(n) if n > 0 => Some(n),
                    _ => {
                        self.err(
                            &format!("{at}/TimeoutSeconds"),
                            "TimeoutSeconds must be a positive integer",
                        );
                        None
                    }
                },
            }
        } else {
            None
        };
        let mut out = Vec::with_capacity(states.len());
        for (name, sv) in states {
            let p = format!("{at}/States/{}", esc(name));
            out.push(self.state(name, sv, &p, &index, depth, jsonata));
        }
        if out.iter().any(Option::is_none) {
            return None;
        }
        Some(Machine {
            start_at,
            states: out.into_iter().flatten().collect(),
            timeout_seconds,
            assigns: false,
        })
    }

    fn target(&mut self, at: &str, name: &str, index: &HashMap<&str, usize>) -> usize {
        match index.get(name) {
            Some(i) => *i,
            None => {
                self.err(
                    at,
                    format!("'{name}' is not a state of this machine (or branch)"),
                );
                0
            }
        }
    }

    fn path(&mut self, at: &str, v: &Value) -> Option<Path> {
        match v.as_str() {
            Some(s) => match Path::parse(s) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.err(at, e);
                    None
                }
            },
            None => {
                self.err(at, "A path must be a string starting with '$'");
                None
            }
        }
    }

    fn io_path(&mut self, obj: &Map<String, Value>, key: &str, at: &str) -> IoPath {
        match obj.get(key) {
            None => IoPath::Identity,
            Some(Value::Null) => IoPath::Null,
            Some(v) => match self.path(&format!("{at}/{key}"), v) {
                Some(p) if p.is_root() && !p.is_context() => IoPath::Identity,
                Some(p) => IoPath::Path(p),
                None => IoPath::Identity,
            },
        }
    }

    fn result_path(&mut self, obj: &Map<String, Value>, at: &str) -> ResultPath {
        match obj.get("ResultPath") {
            None => ResultPath::Replace,
            Some(Value::Null) => ResultPath::Discard,
            Some(v) => {
                let here = format!("{at}/ResultPath");
                match self.path(&here, v) {
                    Some(p) if !p.is_reference_path() => {
                        self.err(
                            &here,
                            "ResultPath must be a reference path: '$' followed by names and indexes only",
                        );
                        ResultPath::Replace
                    }
                    Some(p) if p.is_root() => ResultPath::Replace,
                    Some(p) => ResultPath::Path(p),
                    None => ResultPath::Replace,
                }
            }
        }
    }

    /// `key`'s value compiled, a failure reported at the key.
    fn compiled<T>(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        at: &str,
        compile: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Option<T> {
        let v = obj.get(key)?;
        compile(v)
            .map_err(|e| self.err(&format!("{at}/{key}"), e))
            .ok()
    }

    fn template(&mut self, obj: &Map<String, Value>, key: &str, at: &str) -> Option<Template> {
        self.compiled(obj, key, at, Template::compile)
    }

    /// A JSONata-mode field; `field` names it in runtime messages.
    fn query(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        at: &str,
        field: &str,
    ) -> Option<Query> {
        self.compiled(obj, key, at, |v| Query::compile(v, field))
    }

    fn assign(&mut self, obj: &Map<String, Value>, at: &str, jsonata: bool) -> Option<Box<Assign>> {
        obj.get("Assign")?;
        self.assigns = true;
        if jsonata {
            self.query(obj, "Assign", at, "Assign")
                .map(|q| Box::new(Assign::Query(q)))
        } else {
            self.template(obj, "Assign", at)
                .map(|t| Box::new(Assign::Path(t)))
        }
    }

    fn number(&mut self, v: &Value, at: &str, integer: bool) -> Option<f64> {
        match v.as_f64() {
            Some(n) if n >= 0.0 && (!integer || v.is_u64()) => Some(n),
            _ => {
                self.err(
                    at,
                    if integer {
                        "Expected a non-negative integer"
                    } else {
                        "Expected a non-negative number"
                    },
                );
                None
            }
        }
    }

    /// `Key` as a literal number, or else `KeyPath` (a reference path) in JSONPath and a
    /// `{% %}` expression in JSONata.
    fn amount(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        at: &str,
        integer: bool,
        jsonata: bool,
    ) -> Option<Amount> {
        if jsonata {
            let v = obj.get(key)?;
            return if v.as_str().and_then(expression_text).is_some() {
                self.query(obj, key, at, key).map(Amount::Query)
            } else {
                self.number(v, &format!("{at}/{key}"), integer)
                    .map(Amount::Fixed)
            };
        }
        let path_key = format!("{key}Path");
        match (obj.get(key), obj.get(&path_key)) {
            (Some(_), Some(_)) => {
                self.err(
                    &format!("{at}/{key}"),
                    format!("Use either '{key}' or '{path_key}', not both"),
                );
                None
            }
            (Some(v), None) => self
                .number(v, &format!("{at}/{key}"), integer)
                .map(Amount::Fixed),
            (None, Some(v)) => self.path(&format!("{at}/{path_key}"), v).map(Amount::Path),
            (None, None) => None,
        }
    }

    fn dyn_field(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        at: &str,
        jsonata: bool,
    ) -> Option<Dyn> {
        if jsonata {
            return match obj.get(key)? {
                Value::String(s) if expression_text(s).is_none() => Some(Dyn::Literal(s.clone())),
                Value::String(_) => self.query(obj, key, at, key).map(Dyn::Query),
                _ => {
                    self.err(&format!("{at}/{key}"), format!("'{key}' must be a string"));
                    None
                }
            };
        }
        let path_key = format!("{key}Path");
        match (obj.get(key), obj.get(&path_key)) {
            (Some(_), Some(_)) => {
                self.err(
                    &format!("{at}/{key}"),
                    format!("Use either '{key}' or '{path_key}', not both"),
                );
                None
            }
            (Some(v), None) => match v.as_str() {
                Some(s) => Some(Dyn::Literal(s.to_string())),
                None => {
                    self.err(&format!("{at}/{key}"), format!("'{key}' must be a string"));
                    None
                }
            },
            (None, Some(v)) => {
                let here = format!("{at}/{path_key}");
                match v.as_str() {
                    Some(s) if is_intrinsic(s) => match Intrinsic::parse(s) {
                        Ok(c) => Some(Dyn::Call(Box::new(c))),
                        Err(e) => {
                            self.err(&here, e);
                            None
                        }
                    },
                    _ => self.path(&here, v).map(Dyn::Path),
                }
            }
            (None, None) => None,
        }
    }

    fn error_equals(&mut self, v: &Value, at: &str) -> Vec<String> {
        match v.get("ErrorEquals").and_then(Value::as_array) {
            Some(a) if !a.is_empty() => a
                .iter()
                .filter_map(|e| match e.as_str() {
                    Some(s) => Some(s.to_string()),
                    None => {
                        self.err(&format!("{at}/ErrorEquals"), "Error names must be strings");
                        None
                    }
                })
                .collect(),
            _ => {
                self.err(
                    &format!("{at}/ErrorEquals"),
                    "ErrorEquals is required and must be a non-empty array of error names",
                );
                Vec::new()
            }
        }
    }

    fn retriers(&mut self, obj: &Map<String, Value>, at: &str) -> Vec<Retrier> {
        let Some(list) = obj.get("Retry") else {
            return Vec::new();
        };
        let Some(list) = list.as_array() else {
            self.err(&format!("{at}/Retry"), "Retry must be an array of retriers");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, r) in list.iter().enumerate() {
            let here = format!("{at}/Retry/{i}");
            let error_equals = self.error_equals(r, &here);
            let num = |b: &mut Builder, key: &str, default: f64, integer: bool| -> f64 {
                match r.get(key) {
                    None => default,
                    Some(v) => b
                        .number(v, &format!("{here}/{key}"), integer)
                        .unwrap_or(default),
                }
            };
            let interval_seconds = num(self, "IntervalSeconds", 1.0, true);
            let max_attempts = num(self, "MaxAttempts", 3.0, true) as u64;
            let backoff_rate = num(self, "BackoffRate", 2.0, false);
            if backoff_rate < 1.0 {
                self.err(
                    &format!("{here}/BackoffRate"),
                    "BackoffRate must be at least 1.0",
                );
            }
            let max_delay_seconds = r
                .get("MaxDelaySeconds")
                .and_then(|v| self.number(v, &format!("{here}/MaxDelaySeconds"), true));
            let jitter_full = match r.get("JitterStrategy").map(|v| v.as_str()) {
                None | Some(Some("NONE")) => false,
                Some(Some("FULL")) => true,
                _ => {
                    self.err(
                        &format!("{here}/JitterStrategy"),
                        "JitterStrategy must be FULL or NONE",
                    );
                    false
                }
            };
            out.push(Retrier {
                error_equals,
                interval_seconds,
                max_attempts,
                backoff_rate,
                max_delay_seconds,
                jitter_full,
            });
        }
        out
    }

    fn catchers(
        &mut self,
        obj: &Map<String, Value>,
        at: &str,
        index: &HashMap<&str, usize>,
        jsonata: bool,
    ) -> Vec<Catcher> {
        let Some(list) = obj.get("Catch") else {
            return Vec::new();
        };
        let Some(list) = list.as_array() else {
            self.err(&format!("{at}/Catch"), "Catch must be an array of catchers");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, c) in list.iter().enumerate() {
            let here = format!("{at}/Catch/{i}");
            let error_equals = self.error_equals(c, &here);
            let Some(cobj) = c.as_object() else {
                self.err(&here, "A catcher must be an object");
                continue;
            };
            let result_path = self.result_path(cobj, &here);
            let next = match cobj.get("Next").and_then(Value::as_str) {
                Some(n) => self.target(&format!("{here}/Next"), n, index),
                None => {
                    self.err(&format!("{here}/Next"), "A catcher needs 'Next'");
                    0
                }
            };
            let (output, assign) = (
                if jsonata {
                    self.query(cobj, "Output", &here, "Output")
                } else {
                    None
                },
                self.assign(cobj, &here, jsonata),
            );
            out.push(Catcher {
                error_equals,
                result_path,
                next,
                output,
                assign,
            });
        }
        out
    }

    fn state(
        &mut self,
        name: &str,
        v: &Value,
        at: &str,
        index: &HashMap<&str, usize>,
        depth: usize,
        outer_jsonata: bool,
    ) -> Option<State> {
        let Some(obj) = v.as_object() else {
            self.err(at, "A state must be an object with a 'Type'");
            return None;
        };
        let jsonata = match obj.get("QueryLanguage").and_then(Value::as_str) {
            Some("JSONata") => true,
            Some("JSONPath") => false,
            _ => outer_jsonata,
        };
        let ty = obj.get("Type").and_then(Value::as_str).unwrap_or("");
        let transition = match (obj.get("Next"), obj.get("End")) {
            (Some(Value::String(n)), None) => {
                Transition::Next(self.target(&format!("{at}/Next"), n, index))
            }
            (None, Some(Value::Bool(true))) => Transition::End,
            _ if matches!(ty, "Choice" | "Succeed" | "Fail") => Transition::End,
            (Some(_), Some(_)) => {
                self.err(at, "A state cannot have both 'Next' and 'End'");
                Transition::End
            }
            _ => {
                self.err(at, "The state needs 'Next' (a state name) or \"End\": true");
                Transition::End
            }
        };
        let kind = match ty {
            "Pass" => Kind::Pass {
                result: obj.get("Result").cloned(),
            },
            "Task" => Kind::Task(Box::new(self.task(obj, at, jsonata)?)),
            "Choice" => {
                let mut choices = Vec::new();
                match obj.get("Choices").and_then(Value::as_array) {
                    Some(list) if !list.is_empty() => {
                        for (i, c) in list.iter().enumerate() {
                            let here = format!("{at}/Choices/{i}");
                            let Some(cobj) = c.as_object() else {
                                self.err(&here, "A choice rule must be a JSON object");
                                continue;
                            };
                            let cond = if jsonata {
                                match self.query(cobj, "Condition", &here, "Condition") {
                                    Some(q) => Cond::Query(q),
                                    None => {
                                        self.err(&here, "A JSONata choice rule needs 'Condition'");
                                        continue;
                                    }
                                }
                            } else {
                                match ChoiceRule::parse(c) {
                                    Ok(rule) => Cond::Path(rule),
                                    Err(e) => {
                                        self.err(&here, e);
                                        continue;
                                    }
                                }
                            };
                            let next = match cobj.get("Next").and_then(Value::as_str) {
                                Some(n) => self.target(&format!("{here}/Next"), n, index),
                                None => {
                                    self.err(&here, "A choice rule needs 'Next'");
                                    0
                                }
                            };
                            let assign = self.assign(cobj, &here, jsonata);
                            let output = if jsonata {
                                self.query(cobj, "Output", &here, "Output")
                            } else {
                                None
                            };
                            choices.push(Choice {
                                cond,
                                next,
                                assign,
                                output,
                            });
                        }
                    }
                    _ => self.err(
                        &format!("{at}/Choices"),
                        "Choices must be a non-empty array of rules",
                    ),
                }
                let default = match obj.get("Default") {
                    None => None,
                    Some(Value::String(n)) => Some(self.target(&format!("{at}/Default"), n, index)),
                    Some(_) => {
                        self.err(&format!("{at}/Default"), "Default must be a state name");
                        None
                    }
                };
                Kind::Choice { choices, default }
            }
            "Wait" => {
                let specs: Vec<&str> = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]
                    .into_iter()
                    .filter(|k| obj.contains_key(*k))
                    .collect();
                if specs.len() != 1 {
                    self.err(
                        at,
                        "A Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath",
                    );
                    return None;
                }
                let here = format!("{at}/{}", specs[0]);
                let field = &obj[specs[0]];
                let is_query = jsonata && field.as_str().and_then(expression_text).is_some();
                Kind::Wait(match specs[0] {
                    "Seconds" if is_query => {
                        WaitSpec::SecondsQuery(self.query(obj, "Seconds", at, "Seconds")?)
                    }
                    "Timestamp" if is_query => {
                        WaitSpec::TimestampQuery(self.query(obj, "Timestamp", at, "Timestamp")?)
                    }
                    "Seconds" => WaitSpec::Seconds(self.number(field, &here, true)?),
                    "SecondsPath" => WaitSpec::SecondsPath(self.path(&here, field)?),
                    "Timestamp" => {
                        match field.as_str() {
                            Some(s) if crate::clock::parse_rfc3339(s).is_some() => {
                                WaitSpec::Timestamp(s.to_string())
                            }
                            _ => {
                                self.err(&here, "Timestamp must be an RFC 3339 string such as 2024-01-01T00:00:00Z");
                                return None;
                            }
                        }
                    }
                    _ => WaitSpec::TimestampPath(self.path(&here, field)?),
                })
            }
            "Succeed" => Kind::Succeed,
            "Fail" => Kind::Fail(FailSpec {
                error: self.dyn_field(obj, "Error", at, jsonata),
                cause: self.dyn_field(obj, "Cause", at, jsonata),
            }),
            "Parallel" => {
                let mut branches = Vec::new();
                match obj.get("Branches").and_then(Value::as_array) {
                    Some(list) if !list.is_empty() => {
                        for (i, b) in list.iter().enumerate() {
                            if let Some(m) = self.machine(
                                b,
                                &format!("{at}/Branches/{i}"),
                                depth + 1,
                                false,
                                jsonata,
                            ) {
                                branches.push(m);
                            }
                        }
                    }
                    _ => self.err(
                        &format!("{at}/Branches"),
                        "Branches must be a non-empty array",
                    ),
                }
                Kind::Parallel { branches }
            }
            "Map" => Kind::Map(Box::new(self.map(obj, at, depth, jsonata)?)),
            "" => {
                self.err(&format!("{at}/Type"), "The state needs a 'Type'");
                return None;
            }
            other => {
                self.err(
                    &format!("{at}/Type"),
                    format!("Unknown state type '{other}': use Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map"),
                );
                return None;
            }
        };
        let parameters = if ty == "Map" || jsonata {
            None // Map's Parameters is its item selector, compiled in `map`.
        } else {
            self.template(obj, "Parameters", at)
        };
        let (arguments, output) = if jsonata {
            (
                self.query(obj, "Arguments", at, "Arguments"),
                self.query(obj, "Output", at, "Output"),
            )
        } else {
            (None, None)
        };
        let assign = if matches!(ty, "Succeed" | "Fail") {
            None
        } else {
            self.assign(obj, at, jsonata)
        };
        Some(State {
            name: name.to_string(),
            input_path: self.io_path(obj, "InputPath", at),
            output_path: self.io_path(obj, "OutputPath", at),
            result_path: self.result_path(obj, at),
            parameters,
            result_selector: if jsonata {
                None
            } else {
                self.template(obj, "ResultSelector", at)
            },
            retry: self.retriers(obj, at),
            catch: self.catchers(obj, at, index, jsonata),
            kind,
            transition,
            pointer: at.to_string(),
            jsonata,
            arguments,
            output,
            assign,
        })
    }

    fn task(&mut self, obj: &Map<String, Value>, at: &str, jsonata: bool) -> Option<TaskSpec> {
        let Some(resource) = obj.get("Resource").and_then(Value::as_str) else {
            self.err(
                &format!("{at}/Resource"),
                "A Task needs a 'Resource' ARN string",
            );
            return None;
        };
        Some(TaskSpec {
            resource: resource.to_string(),
            kind: classify_resource(resource),
            timeout: self.amount(obj, "TimeoutSeconds", at, true, jsonata),
            heartbeat: self.amount(obj, "HeartbeatSeconds", at, true, jsonata),
        })
    }

    fn map(
        &mut self,
        obj: &Map<String, Value>,
        at: &str,
        depth: usize,
        jsonata: bool,
    ) -> Option<MapSpec> {
        let (proc_key, proc) = match (obj.get("ItemProcessor"), obj.get("Iterator")) {
            (Some(p), _) => ("ItemProcessor", p),
            (None, Some(p)) => ("Iterator", p),
            (None, None) => {
                self.err(
                    at,
                    "A Map state needs 'ItemProcessor' (or the older 'Iterator')",
                );
                return None;
            }
        };
        let distributed = proc
            .get("ProcessorConfig")
            .and_then(|c| c.get("Mode"))
            .and_then(Value::as_str)
            == Some("DISTRIBUTED");
        let processor =
            self.machine(proc, &format!("{at}/{proc_key}"), depth + 1, false, jsonata)?;
        let item_selector = match (obj.get("ItemSelector"), obj.get("Parameters")) {
            _ if jsonata => None,
            (Some(_), _) => self.template(obj, "ItemSelector", at),
            (None, Some(_)) => self.template(obj, "Parameters", at),
            _ => None,
        };
        let items_path = match obj.get("ItemsPath") {
            None => None,
            Some(v) => self.path(&format!("{at}/ItemsPath"), v),
        };
        let item_reader = match obj.get("ItemReader") {
            None => None,
            Some(r) => {
                let here = format!("{at}/ItemReader");
                let Some(robj) = r.as_object() else {
                    self.err(&here, "ItemReader must be an object");
                    return None;
                };
                let resource = robj
                    .get("Resource")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if resource.is_empty() {
                    self.err(&format!("{here}/Resource"), "ItemReader needs a 'Resource'");
                }
                let max_items = match robj.get("ReaderConfig").and_then(Value::as_object) {
                    Some(rc) => {
                        let at = format!("{here}/ReaderConfig");
                        self.amount(rc, "MaxItems", &at, true, jsonata)
                    }
                    None => None,
                };
                // JSONata: Arguments replaces Parameters.
                // <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html>
                let (parameters, arguments) = if jsonata {
                    (
                        None,
                        self.query(robj, "Arguments", &here, "ItemReader/Arguments"),
                    )
                } else {
                    (self.template(robj, "Parameters", &here), None)
                };
                Some(ItemReader {
                    resource,
                    parameters,
                    arguments,
                    max_items,
                })
            }
        };
        let batcher = match obj.get("ItemBatcher").and_then(Value::as_object) {
            None => None,
            Some(bo) => {
                let here = format!("{at}/ItemBatcher");
                // JSONata: the amounts may be expressions giving integers, and BatchInput
                // may hold expressions anywhere in it.
                // <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html>
                Some(Batcher {
                    max_items: self.amount(bo, "MaxItemsPerBatch", &here, true, jsonata),
                    max_bytes: self.amount(bo, "MaxInputBytesPerBatch", &here, true, jsonata),
                    batch_input: if jsonata {
                        None
                    } else {
                        self.template(bo, "BatchInput", &here)
                    },
                    batch_query: if jsonata {
                        self.query(bo, "BatchInput", &here, "ItemBatcher/BatchInput")
                    } else {
                        None
                    },
                })
            }
        };
        let result_writer = obj.get("ResultWriter").and_then(Value::as_object).map(|w| {
            let here = format!("{at}/ResultWriter");
            // <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html>
            if jsonata {
                ResultWriter {
                    parameters: None,
                    arguments: self.query(w, "Arguments", &here, "ResultWriter/Arguments"),
                }
            } else {
                ResultWriter {
                    parameters: self.template(w, "Parameters", &here),
                    arguments: None,
                }
            }
        });
        let amount =
            |b: &mut Builder, key: &str, integer: bool| b.amount(obj, key, at, integer, jsonata);
        Some(MapSpec {
            items_path,
            item_selector,
            processor,
            distributed,
            max_concurrency: amount(self, "MaxConcurrency", true),
            tolerated_count: amount(self, "ToleratedFailureCount", true),
            tolerated_percentage: amount(self, "ToleratedFailurePercentage", false),
            item_reader,
            batcher,
            result_writer,
            label: obj.get("Label").and_then(Value::as_str).map(str::to_string),
            items: if jsonata {
                self.query(obj, "Items", at, "Items")
            } else {
                None
            },
            item_query: if jsonata {
                self.query(obj, "ItemSelector", at, "ItemSelector")
            } else {
                None
            },
        })
    }
}

/// Sort a Resource ARN into the invocation styles Step Functions distinguishes.
pub fn classify_resource(resource: &str) -> ResourceKind {
    if let Some(rest) = resource.strip_prefix("arn:aws:states:::") {
        let (service, action) = rest.split_once(':').unwrap_or((rest, ""));
        let (action, pattern) = if let Some(a) = action.strip_suffix(".waitForTaskToken") {
            (a, Pattern::WaitForTaskToken)
        } else if let Some(pos) = action.find(".sync") {
            (&action[..pos], Pattern::Sync)
        } else {
            (action, Pattern::RequestResponse)
        };
        return ResourceKind::Service {
            service: service.to_string(),
            action: action.to_string(),
            pattern,
        };
    }
    let parts: Vec<&str> = resource.split(':').collect();
    if parts.len() >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function" {
        return ResourceKind::LambdaFunction;
    }
    if parts.len() >= 7 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "activity" {
        return ResourceKind::Activity;
    }
    ResourceKind::Other
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resources_are_classified() {
        assert_eq!(
            classify_resource("arn:aws:lambda:us-east-1:123456789012:function:f"),
            ResourceKind::LambdaFunction
        );
        assert_eq!(
            classify_resource("arn:aws:states:::lambda:invoke"),
            ResourceKind::Service {
                service: "lambda".into(),
                action: "invoke".into(),
                pattern: Pattern::RequestResponse
            }
        );
        assert_eq!(
            classify_resource("arn:aws:states:::ecs:runTask.sync"),
            ResourceKind::Service {
                service: "ecs".into(),
                action: "runTask".into(),
                pattern: Pattern::Sync
            }
        );
        assert_eq!(
            classify_resource("arn:aws:states:::sqs:sendMessage.waitForTaskToken"),
            ResourceKind::Service {
                service: "sqs".into(),
                action: "sendMessage".into(),
                pattern: Pattern::WaitForTaskToken
            }
        );
        assert_eq!(
            classify_resource("arn:aws:states:us-east-1:123456789012:activity:a"),
            ResourceKind::Activity
        );
    }

    #[test]
    fn next_names_become_indexes() {
        let m = build(&json!({"StartAt": "B", "States": {
            "A": {"Type": "Succeed"},
            "B": {"Type": "Pass", "Next": "A"}
        }}))
        .expect("valid");
        assert_eq!(m.start_at, 1);
        assert!(matches!(m.states[1].transition, Transition::Next(0)));
    }

    #[test]
    fn missing_target_is_reported_with_pointer() {
        let errs = build(&json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Next": "Nowhere"}
        }}))
        .expect_err("invalid");
        assert_eq!(errs[0].pointer, "/States/A/Next");
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let mut m = json!({"StartAt": "P", "States": {"P": {"Type": "Succeed"}}});
        for _ in 0..200 {
            m = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [m], "End": true}}});
        }
        assert!(build(&m).is_err());
    }
}
