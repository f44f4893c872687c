//! Static checks of a definition, each fault a Diagnostic with pointer and line/column.
//! Owner: the "expressions" work. CONTRACT: `pub fn validate(source: &str) -> Vec<Diagnostic>`
//! (JSON or YAML source), re-exported by lib.rs.
//!
//! Codes are the ones AWS's ValidateStateMachineDefinition returns
//! (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html):
//! INVALID_JSON_DESCRIPTION, MISSING_DESCRIPTION, SCHEMA_VALIDATION_FAILED,
//! MISSING_TRANSITION_TARGET (a `Next`/`Default`/`StartAt` naming no state, and — as AWS
//! reports it — a state nothing reaches), MISSING_END_STATE, DUPLICATE_STATE_NAME,
//! INVALID_STATE_NAME, INVALID_RESOURCE, INVALID_LABEL_NAME, TOO_DEEPLY_NESTED, and the
//! warnings NO_DOLLAR, NO_PATH and PASS_RESULT_IS_STATIC.
//! Pointers are RFC 6901 JSON pointers (`/States/C/Choices/0/Next`).

use crate::expr::query::Query;
use crate::source::{push_pointer, Source, SourceMap};
use crate::{Diagnostic, Location, Severity};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet, VecDeque};

pub(crate) mod fields;
mod limits;

pub use limits::MAX_DIAGNOSTICS;

use crate::validate::fields::*;

/// Parallel/Map nesting depth accepted before TOO_DEEPLY_NESTED (and before recursion could
/// become a problem).
pub(crate) const MAX_SCOPE_DEPTH: usize = 20;
/// AWS: state names are at most 80 characters.
pub(crate) const MAX_STATE_NAME: usize = 80;
/// AWS: a Map Label is at most 40 characters.
pub(crate) const MAX_LABEL: usize = 40;
/// AWS: a variable name is at most 80 characters.
pub(crate) const MAX_VARIABLE_NAME: usize = 80;

pub const STATE_TYPES: &[&str] = &[
    "Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map",
];

pub fn validate(source: &str) -> Vec<Diagnostic> {
    if source.trim().is_empty() {
        return vec![Diagnostic {
            severity: Severity::Error,
            code: "MISSING_DESCRIPTION".into(),
            message:
                "The definition is empty. Write a JSON (or YAML) object with StartAt and States."
                    .into(),
            location: Location {
                pointer: String::new(),
                line: 1,
                column: 1,
            },
        }];
    }
    let src = match Source::parse(source) {
        Ok(s) => s,
        Err(d) => return vec![d],
    };
    let mut v = Validator {
        map: &src.map,
        diags: Vec::new(),
        names: HashMap::new(),
        scopes: Vec::new(),
        not_shown: 0,
    };
    limits::duplicates(&mut v, &src.duplicates);
    v.machine(&src.value);
    limits::not_shown(&mut v);
    v.diags
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    JsonPath,
    Jsonata,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    Machine,
    Branch,
    Processor,
}

pub(crate) struct Validator<'a> {
    pub(crate) map: &'a SourceMap,
    pub(crate) diags: Vec<Diagnostic>,
    /// Every state name in the machine and where it was first defined.
    pub(crate) names: HashMap<String, String>,
    /// Variable names assigned in each enclosing scope (machine, branch, iteration).
    pub(crate) scopes: Vec<HashSet<String>>,
    /// Diagnostics past [`MAX_DIAGNOSTICS`], counted rather than listed.
    pub(crate) not_shown: usize,
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|x| x.fract() == 0.0 && x.abs() < 9e15)
                .map(|x| x as i64)
        }),
        _ => None,
    }
}

impl Validator<'_> {
    pub(crate) fn push(&mut self, severity: Severity, code: &str, pointer: &str, message: String) {
        if self.diags.len() >= MAX_DIAGNOSTICS {
            self.not_shown += 1;
            return;
        }
        let (line, column) = self.map.locate(pointer);
        self.diags.push(Diagnostic {
            severity,
            code: code.to_string(),
            message,
            location: Location {
                pointer: pointer.to_string(),
                line,
                column,
            },
        });
    }

    pub(crate) fn err(&mut self, pointer: &str, message: String) {
        self.push(
            Severity::Error,
            "SCHEMA_VALIDATION_FAILED",
            pointer,
            message,
        );
    }

    pub(crate) fn code(&mut self, code: &str, pointer: &str, message: String) {
        self.push(Severity::Error, code, pointer, message);
    }

    pub(crate) fn warn(&mut self, code: &str, pointer: &str, message: String) {
        self.push(Severity::Warning, code, pointer, message);
    }

    pub(crate) fn machine(&mut self, root: &Value) {
        let Some(obj) = root.as_object() else {
            self.err(
                "",
                format!(
                    "The definition must be a JSON object with StartAt and States, not {}",
                    type_name(root)
                ),
            );
            return;
        };
        if !obj.contains_key("States")
            && (obj.contains_key("Resources") || obj.contains_key("AWSTemplateFormatVersion"))
        {
            self.err(
                "",
                "This is a CloudFormation/SAM template, not a state machine definition. Validate the state machine's Definition (or the file its DefinitionUri names) instead.".into(),
            );
            return;
        }
        let lang = match obj.get("QueryLanguage") {
            None => Lang::JsonPath,
            Some(Value::String(s)) if s == "JSONPath" => Lang::JsonPath,
            Some(Value::String(s)) if s == "JSONata" => Lang::Jsonata,
            Some(other) => {
                self.err(
                    "/QueryLanguage",
                    format!(
                        "QueryLanguage must be \"JSONPath\" or \"JSONata\", not {}",
                        show(other)
                    ),
                );
                Lang::JsonPath
            }
        };
        for (k, val) in obj {
            let p = push_pointer("", k);
            match k.as_str() {
                "StartAt" | "States" | "Comment" | "QueryLanguage" => {}
                "TimeoutSeconds" => self.positive_int(&p, k, val),
                "Version" => {
                    if !val.is_string() {
                        self.err(&p, format!("Version must be a string such as \"1.0\", not {}", type_name(val)));
                    }
                }
                _ => self.err(
                    &p,
                    format!(
                        "Field '{k}' is not supported at the top level of a state machine. Remove it or fix its spelling (allowed: Comment, StartAt, States, TimeoutSeconds, Version, QueryLanguage)."
                    ),
                ),
            }
        }
        if let Some(c) = obj.get("Comment") {
            if !c.is_string() {
                self.err("/Comment", "Comment must be a string".into());
            }
        }
        self.scope(obj, "", ScopeKind::Machine, lang, 0);
    }

    /// A set of states with its own StartAt: the machine, a Parallel branch, a Map processor.
    pub(crate) fn scope(
        &mut self,
        obj: &Map<String, Value>,
        ptr: &str,
        kind: ScopeKind,
        lang: Lang,
        depth: usize,
    ) {
        if depth > MAX_SCOPE_DEPTH {
            self.code(
                "TOO_DEEPLY_NESTED",
                ptr,
                format!("Parallel and Map states are nested more than {MAX_SCOPE_DEPTH} levels deep here; flatten the workflow or move part of it into another state machine."),
            );
            return;
        }
        if kind != ScopeKind::Machine {
            for (k, _) in obj {
                let ok = match k.as_str() {
                    "StartAt" | "States" | "Comment" => true,
                    "ProcessorConfig" => kind == ScopeKind::Processor,
                    _ => false,
                };
                if !ok {
                    let what = if kind == ScopeKind::Branch {
                        "a Parallel branch"
                    } else {
                        "a Map ItemProcessor"
                    };
                    self.err(
                        &push_pointer(ptr, k),
                        format!("Field '{k}' is not supported in {what}. Remove it (allowed: StartAt, States, Comment{}).", if kind == ScopeKind::Processor { ", ProcessorConfig" } else { "" }),
                    );
                }
            }
        }
        let states_ptr = push_pointer(ptr, "States");
        let start_ptr = push_pointer(ptr, "StartAt");
        let states = match obj.get("States") {
            Some(Value::Object(m)) => Some(m),
            Some(other) => {
                self.err(
                    &states_ptr,
                    format!(
                        "States must be an object mapping state names to states, not {}",
                        type_name(other)
                    ),
                );
                None
            }
            None => {
                self.err(
                    ptr,
                    "The field 'States' is missing. Add an object mapping state names to state definitions.".into(),
                );
                None
            }
        };
        let start = match obj.get("StartAt") {
            Some(Value::String(s)) => Some(s.as_str()),
            Some(other) => {
                self.err(
                    &start_ptr,
                    format!(
                        "StartAt must be a string naming the first state, not {}",
                        type_name(other)
                    ),
                );
                None
            }
            None => {
                self.err(ptr, "The field 'StartAt' is missing. Add it with the name of the first state to run.".into());
                None
            }
        };
        let Some(states) = states else { return };
        if states.is_empty() {
            self.err(
                &states_ptr,
                "States is empty. Add at least one state.".into(),
            );
            return;
        }
        let local: HashSet<&str> = states.keys().map(String::as_str).collect();
        if let Some(s) = start {
            if !local.contains(s) {
                self.code(
                    "MISSING_TRANSITION_TARGET",
                    &start_ptr,
                    format!("StartAt names the state \"{s}\", which does not exist in this States object. Use one of: {}.", list(&local)),
                );
            }
        }
        let assigned = self.scope_assigns(states, &states_ptr, lang);
        self.scopes.push(assigned);
        self.scope_states(states, &states_ptr, &local, start, lang, depth);
        self.scopes.pop();
    }

    /// Every `Assign` of one scope's states (the state's own, its choice rules' and its
    /// catchers'): names checked, JSONPath values checked like Parameters, and no name of an
    /// enclosing scope assigned here. Returns the names this scope assigns that its nested
    /// scopes may not assign: a catcher's names are left out, since AWS lets a Parallel's
    /// catcher assign a name one of its branches also assigns (the branch's scope is its own;
    /// issue 14, recorded from AWS).
    /// <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html>
    pub(crate) fn scope_assigns(
        &mut self,
        states: &Map<String, Value>,
        states_ptr: &str,
        lang: Lang,
    ) -> HashSet<String> {
        // (pointer, Assign, JSONata?, a catcher's?)
        let mut found: Vec<(String, &Value, bool, bool)> = Vec::new();
        for (name, st) in states {
            let Some(obj) = st.as_object() else { continue };
            let jsonata = match obj.get("QueryLanguage").and_then(Value::as_str) {
                Some("JSONata") => true,
                Some(_) => false,
                None => lang == Lang::Jsonata,
            };
            let sp = push_pointer(states_ptr, name);
            if let Some(a) = obj.get("Assign") {
                if matches!(
                    obj.get("Type").and_then(Value::as_str),
                    Some("Succeed" | "Fail")
                ) {
                    self.err(
                        &push_pointer(&sp, "Assign"),
                        "Assign is not supported by Succeed and Fail states: they end the workflow (or branch), so nothing could read the variables.".into(),
                    );
                    continue;
                }
                found.push((push_pointer(&sp, "Assign"), a, jsonata, false));
            }
            for list in ["Choices", "Catch"] {
                if let Some(Value::Array(items)) = obj.get(list) {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(a) = item.get("Assign") {
                            let p = push_pointer(
                                &push_pointer(&push_pointer(&sp, list), &i.to_string()),
                                "Assign",
                            );
                            found.push((p, a, jsonata, list == "Catch"));
                        }
                    }
                }
            }
        }
        let mut names = HashSet::new();
        for (p, a, jsonata, catcher) in found {
            let Some(m) = a.as_object() else {
                self.err(
                    &p,
                    format!(
                        "Assign must be an object mapping variable names to values, not {}",
                        type_name(a)
                    ),
                );
                continue;
            };
            if !jsonata {
                self.template(&p, "Assign", a, true);
            }
            for k in m.keys() {
                let name = if jsonata {
                    k.as_str()
                } else {
                    k.strip_suffix(".$").unwrap_or(k)
                };
                let kp = push_pointer(&p, k);
                if !is_variable_name(name) {
                    let why = if name.chars().count() > MAX_VARIABLE_NAME {
                        format!("it is longer than {MAX_VARIABLE_NAME} characters")
                    } else {
                        "it must start with a Unicode ID_Start character (a letter) followed by Unicode ID_Continue characters (letters, digits, '_')".to_string()
                    };
                    self.err(
                        &kp,
                        format!(
                            "The variable name '{name}' is not valid: {why}{}.",
                            if jsonata {
                                ""
                            } else {
                                " (a key ending in '.$' names the variable before the suffix)"
                            }
                        ),
                    );
                    continue;
                }
                if name == "states" {
                    self.err(&kp, "The variable name 'states' is reserved: Step Functions provides $states in JSONata expressions. Choose another name.".into());
                    continue;
                }
                if self.scopes.iter().any(|outer| outer.contains(name)) {
                    self.err(&kp, format!("The variable '{name}' is assigned in an enclosing scope. Parallel branches and Map iterations can read outer variables but not assign them: choose another name, and return values through Output."));
                    continue;
                }
                if !catcher {
                    names.insert(name.to_string());
                }
            }
        }
        names
    }

    pub(crate) fn scope_states(
        &mut self,
        states: &Map<String, Value>,
        states_ptr: &str,
        local: &HashSet<&str>,
        start: Option<&str>,
        lang: Lang,
        depth: usize,
    ) {
        let states_ptr = states_ptr.to_string();
        let mut edges: HashMap<&str, Vec<(String, String)>> = HashMap::new();
        let mut has_terminal = false;
        let mut choices: Option<String> = None;
        for (name, st) in states {
            let sp = push_pointer(&states_ptr, name);
            if name.chars().count() > MAX_STATE_NAME {
                self.code(
                    "INVALID_STATE_NAME",
                    &sp,
                    format!(
                        "The state name is longer than {MAX_STATE_NAME} characters; shorten it."
                    ),
                );
            }
            if name.is_empty() {
                self.code(
                    "INVALID_STATE_NAME",
                    &sp,
                    "A state name cannot be empty.".into(),
                );
            }
            if let Some(first) = self.names.get(name).cloned() {
                self.code(
                    "DUPLICATE_STATE_NAME",
                    &sp,
                    format!("The state name \"{name}\" is already used at {first}; state names must be unique in the whole state machine, including Parallel branches and Map processors. Rename one of them."),
                );
            } else {
                self.names.insert(name.clone(), sp.clone());
            }
            let info = self.state(name, st, &sp, lang, depth);
            has_terminal |= info.terminal;
            edges.insert(name.as_str(), info.targets.clone());
            for (target, tp) in &info.targets {
                if !local.contains(target.as_str()) {
                    // The list of names is the same for every bad target of this scope:
                    // sorted once, not once per diagnostic.
                    let names = choices.get_or_insert_with(|| list(local));
                    let message = format!(
                        "Missing 'Next' target: {target}. No state of that name exists in this scope; use one of: {names}."
                    );
                    self.code("MISSING_TRANSITION_TARGET", tp, message);
                }
            }
        }
        if !has_terminal {
            self.code(
                "MISSING_END_STATE",
                &states_ptr,
                "Workflow has no terminal state. Add \"End\": true to a state, or a Succeed or Fail state.".into(),
            );
            return;
        }
        // Reachability from StartAt. AWS reports an unreached state under
        // MISSING_TRANSITION_TARGET with "State \"X\" is not reachable."
        let Some(start) = start.filter(|s| local.contains(s)) else {
            return;
        };
        let mut seen: HashSet<&str> = HashSet::new();
        let mut queue = VecDeque::from([start]);
        seen.insert(start);
        while let Some(s) = queue.pop_front() {
            if let Some(ts) = edges.get(s) {
                for (t, _) in ts {
                    if let Some(k) = local.get(t.as_str()) {
                        if seen.insert(k) {
                            queue.push_back(k);
                        }
                    }
                }
            }
        }
        for name in states.keys() {
            if !seen.contains(name.as_str()) {
                self.code(
                    "MISSING_TRANSITION_TARGET",
                    &push_pointer(&states_ptr, name),
                    format!("State \"{name}\" is not reachable. Point a Next, Default or Catch at it, or remove it."),
                );
            }
        }
    }

    pub(crate) fn state(
        &mut self,
        name: &str,
        v: &Value,
        sp: &str,
        outer: Lang,
        depth: usize,
    ) -> StateInfo {
        let mut info = StateInfo::default();
        let Some(obj) = v.as_object() else {
            self.err(
                sp,
                format!(
                    "The state \"{name}\" must be an object, not {}",
                    type_name(v)
                ),
            );
            info.terminal = true;
            return info;
        };
        let ty = match obj.get("Type") {
            Some(Value::String(t)) if STATE_TYPES.contains(&t.as_str()) => t.as_str(),
            Some(Value::String(t)) => {
                self.err(
                    &push_pointer(sp, "Type"),
                    format!(
                        "\"{t}\" is not a state type. Use one of: {}.",
                        STATE_TYPES.join(", ")
                    ),
                );
                info.terminal = true;
                return info;
            }
            Some(other) => {
                self.err(
                    &push_pointer(sp, "Type"),
                    format!("Type must be a string, not {}", type_name(other)),
                );
                info.terminal = true;
                return info;
            }
            None => {
                self.err(
                    sp,
                    format!(
                        "The state \"{name}\" has no 'Type'. Add one of: {}.",
                        STATE_TYPES.join(", ")
                    ),
                );
                info.terminal = true;
                return info;
            }
        };
        let lang = match obj.get("QueryLanguage") {
            None => outer,
            Some(Value::String(s)) if s == "JSONata" => Lang::Jsonata,
            Some(Value::String(s)) if s == "JSONPath" => {
                if outer == Lang::Jsonata {
                    self.err(
                        &push_pointer(sp, "QueryLanguage"),
                        "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine".into(),
                    );
                }
                Lang::JsonPath
            }
            Some(other) => {
                self.err(
                    &push_pointer(sp, "QueryLanguage"),
                    format!(
                        "QueryLanguage must be \"JSONPath\" or \"JSONata\", not {}",
                        show(other)
                    ),
                );
                outer
            }
        };
        let allowed = allowed_fields(ty);
        for (k, _) in obj {
            if allowed.contains(&k.as_str()) || COMMON.contains(&k.as_str()) {
                continue;
            }
            let fp = push_pointer(sp, k);
            if JSONATA_ONLY.contains(&k.as_str()) && jsonata_field_ok(ty, k) {
                if lang == Lang::JsonPath {
                    self.err(
                        &fp,
                        format!("The QueryLanguage is set to 'JSONPath', but field '{k}' is only supported for the 'JSONata' QueryLanguage. Use the JSONPath fields, or set \"QueryLanguage\": \"JSONata\"."),
                    );
                }
                continue;
            }
            self.err(
                &fp,
                format!(
                    "Field '{k}' is not supported by a {ty} state. Remove it or fix its spelling (supported: {}).",
                    allowed.join(", ")
                ),
            );
        }
        if lang == Lang::Jsonata {
            for k in obj.keys() {
                if JSONPATH_ONLY.contains(&k.as_str()) {
                    self.err(
                        &push_pointer(sp, k),
                        format!("The QueryLanguage is set to 'JSONata', but field '{k}' is only supported for the 'JSONPath' QueryLanguage."),
                    );
                }
            }
        }
        if let Some(c) = obj.get("Comment") {
            if !c.is_string() {
                self.err(
                    &push_pointer(sp, "Comment"),
                    "Comment must be a string".into(),
                );
            }
        }

        // Transitions.
        let terminal_type = matches!(ty, "Choice" | "Succeed" | "Fail");
        let next = obj.get("Next");
        let end = obj.get("End");
        if terminal_type {
            info.terminal = ty != "Choice";
        } else {
            let end_true = match end {
                None => false,
                Some(Value::Bool(b)) => *b,
                Some(other) => {
                    self.err(
                        &push_pointer(sp, "End"),
                        format!("End must be true or false, not {}", type_name(other)),
                    );
                    true
                }
            };
            match (next, end_true) {
                (Some(_), true) => self.err(
                    sp,
                    format!("The state \"{name}\" has both 'Next' and \"End\": true. Keep only one: Next to continue, End to finish."),
                ),
                (None, false) => self.err(
                    sp,
                    format!("The state \"{name}\" has neither 'Next' nor \"End\": true. Add Next with the state to go to, or \"End\": true."),
                ),
                _ => {}
            }
            info.terminal = end_true;
            if let Some(n) = next {
                let np = push_pointer(sp, "Next");
                match n {
                    Value::String(s) => info.targets.push((s.clone(), np)),
                    other => self.err(
                        &np,
                        format!(
                            "Next must be a string naming a state, not {}",
                            type_name(other)
                        ),
                    ),
                }
            }
        }

        if lang == Lang::JsonPath {
            for f in ["InputPath", "OutputPath"] {
                if let Some(p) = obj.get(f) {
                    self.path_field(sp, f, p, true, false);
                }
            }
            if let Some(p) = obj.get("ResultPath") {
                self.result_path(&push_pointer(sp, "ResultPath"), p);
            }
            for f in ["Parameters", "ResultSelector", "ItemSelector"] {
                if let Some(t) = obj.get(f) {
                    self.template(&push_pointer(sp, f), f, t, f == "ResultSelector");
                }
            }
        }

        if lang == Lang::Jsonata {
            self.jsonata_fields(sp, ty, obj);
        }
        match ty {
            "Pass" => self.pass(sp, obj),
            "Task" => self.task(sp, obj, lang),
            "Choice" => self.choice(sp, obj, lang, &mut info),
            "Wait" => self.wait(sp, obj, lang),
            "Fail" => self.fail(sp, obj, lang),
            "Parallel" => self.parallel(sp, obj, lang, depth),
            "Map" => self.map_state(sp, obj, lang, depth),
            _ => {}
        }
        if matches!(ty, "Task" | "Parallel" | "Map") {
            self.retry(sp, obj);
            self.catch(sp, obj, lang, &mut info);
        }
        info
    }

    /// Every `{% %}` expression of a JSONata state must parse (JSONata 2.0.6, as AWS runs it),
    /// and may read `$states.result` / `$states.errorOutput` only where they exist: AWS
    /// catches any other use "at creation, update, or validation of the state machine".
    /// `$states.result` is for the top-level Output and Assign of a Task, Map or Parallel
    /// state, `$states.errorOutput` for a catcher's Output and Assign.
    /// <https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html>
    /// <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html#reserved-variable-states>
    pub(crate) fn jsonata_fields(&mut self, sp: &str, ty: &str, obj: &Map<String, Value>) {
        const FIELDS: &[&str] = &[
            "Arguments",
            "Output",
            "Assign",
            "Items",
            "ItemSelector",
            "Seconds",
            "Timestamp",
            "Error",
            "Cause",
            "TimeoutSeconds",
            "HeartbeatSeconds",
            "MaxConcurrency",
            "ToleratedFailureCount",
            "ToleratedFailurePercentage",
        ];
        // The Map fields below the state's top level that take expressions in JSONata.
        // <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html>
        // <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html>
        // <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html>
        const NESTED: &[(&str, &str)] = &[
            ("ItemReader", "Arguments"),
            ("ItemBatcher", "MaxItemsPerBatch"),
            ("ItemBatcher", "MaxInputBytesPerBatch"),
            ("ItemBatcher", "BatchInput"),
            ("ResultWriter", "Arguments"),
        ];
        let produces_result = matches!(ty, "Task" | "Map" | "Parallel");
        let check = |v: &mut Self,
                     at: &str,
                     key: &str,
                     value: &Value,
                     result: bool,
                     error: bool| {
            let p = push_pointer(at, key);
            if let Err(e) = Query::compile(value, key) {
                v.err(&p, format!("{e}."));
                return;
            }
            let (reads_result, reads_error) = reads_states_members(value, 0);
            if reads_result && !result {
                v.err(&p, format!("The field '{key}' reads $states.result, which exists only in the top-level Output and Assign of a Task, Map or Parallel state (it holds that state's result). Use $states.input here, or move the expression to Output or Assign."));
            }
            if reads_error && !error {
                v.err(&p, format!("The field '{key}' reads $states.errorOutput, which exists only in a catcher's Output and Assign (it holds the Error Output of the caught error)."));
            }
        };
        for key in FIELDS {
            if let Some(value) = obj.get(*key) {
                let result = produces_result && matches!(*key, "Output" | "Assign");
                check(self, sp, key, value, result, false);
            }
        }
        if ty == "Map" {
            for (outer, key) in NESTED {
                if let Some(value) = obj.get(*outer).and_then(|o| o.get(*key)) {
                    check(self, &push_pointer(sp, outer), key, value, false, false);
                }
            }
            if let Some(value) = obj
                .get("ItemReader")
                .and_then(|r| r.get("ReaderConfig"))
                .and_then(|c| c.get("MaxItems"))
            {
                let at = push_pointer(&push_pointer(sp, "ItemReader"), "ReaderConfig");
                check(self, &at, "MaxItems", value, false, false);
            }
        }
        for (list, keys, error) in [
            ("Choices", &["Condition", "Output", "Assign"][..], false),
            ("Catch", &["Output", "Assign"][..], true),
        ] {
            if let Some(Value::Array(items)) = obj.get(list) {
                for (i, item) in items.iter().enumerate() {
                    let ip = push_pointer(&push_pointer(sp, list), &i.to_string());
                    for key in keys {
                        if let Some(value) = item.get(*key) {
                            check(self, &ip, key, value, false, error);
                        }
                    }
                }
            }
        }
    }
}

#[derive(Default)]
pub(crate) struct StateInfo {
    pub(crate) terminal: bool,
    /// (state name, pointer of the field naming it)
    pub(crate) targets: Vec<(String, String)>,
}
