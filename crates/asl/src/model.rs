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

use crate::engine::retry::*;
use crate::expr::choice::ChoiceRule;
use crate::expr::intrinsics::{is_intrinsic, Intrinsic};
use crate::expr::jsonpath::Path;
use crate::expr::query::{expression_text, Query};
use crate::expr::template::Template;
use crate::states::choice::*;
use crate::states::map::*;
use crate::states::task::*;
use crate::states::terminal::*;
use crate::states::wait::*;
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
    #[allow(dead_code)] // kept for Debug output and future messages; built once per state
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

/// A number given literally, read from the input by a `...Path` field, or (JSONata) given
/// by an expression.
#[derive(Debug)]
pub enum Amount {
    Fixed(f64),
    Path(Path),
    Query(Query),
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

pub(crate) struct Builder {
    pub(crate) errors: Vec<BuildError>,
    pub(crate) assigns: bool,
}

pub(crate) fn esc(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl Builder {
    pub(crate) fn err(&mut self, pointer: &str, message: impl Into<String>) {
        self.errors.push(BuildError {
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    pub(crate) fn machine(
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

    pub(crate) fn target(&mut self, at: &str, name: &str, index: &HashMap<&str, usize>) -> usize {
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

    pub(crate) fn path(&mut self, at: &str, v: &Value) -> Option<Path> {
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

    pub(crate) fn io_path(&mut self, obj: &Map<String, Value>, key: &str, at: &str) -> IoPath {
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

    pub(crate) fn result_path(&mut self, obj: &Map<String, Value>, at: &str) -> ResultPath {
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
    pub(crate) fn compiled<T>(
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

    pub(crate) fn template(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        at: &str,
    ) -> Option<Template> {
        self.compiled(obj, key, at, Template::compile)
    }

    /// A JSONata-mode field; `field` names it in runtime messages.
    pub(crate) fn query(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        at: &str,
        field: &str,
    ) -> Option<Query> {
        self.compiled(obj, key, at, |v| Query::compile(v, field))
    }

    pub(crate) fn assign(
        &mut self,
        obj: &Map<String, Value>,
        at: &str,
        jsonata: bool,
    ) -> Option<Box<Assign>> {
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

    pub(crate) fn number(&mut self, v: &Value, at: &str, integer: bool) -> Option<f64> {
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
    pub(crate) fn amount(
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

    pub(crate) fn dyn_field(
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

    pub(crate) fn error_equals(&mut self, v: &Value, at: &str) -> Vec<String> {
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

    pub(crate) fn state(
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
