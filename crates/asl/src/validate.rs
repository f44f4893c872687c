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

use crate::choice::{parse_timestamp, ChoiceRule};
use crate::jsonpath::Path;
use crate::query::Query;
use crate::source::{push_pointer, Source, SourceMap};
use crate::template::{compile_dynamic, Dynamic, Template};
use crate::{Diagnostic, Location, Severity};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet, VecDeque};

/// Parallel/Map nesting depth accepted before TOO_DEEPLY_NESTED (and before recursion could
/// become a problem).
const MAX_SCOPE_DEPTH: usize = 20;
/// AWS: state names are at most 80 characters.
const MAX_STATE_NAME: usize = 80;
/// AWS: a Map Label is at most 40 characters.
const MAX_LABEL: usize = 40;
/// AWS: a variable name is at most 80 characters.
const MAX_VARIABLE_NAME: usize = 80;

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
    };
    v.machine(&src.value);
    v.diags
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    JsonPath,
    Jsonata,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Machine,
    Branch,
    Processor,
}

struct Validator<'a> {
    map: &'a SourceMap,
    diags: Vec<Diagnostic>,
    /// Every state name in the machine and where it was first defined.
    names: HashMap<String, String>,
    /// Variable names assigned in each enclosing scope (machine, branch, iteration).
    scopes: Vec<HashSet<String>>,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn as_int(v: &Value) -> Option<i64> {
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
    fn push(&mut self, severity: Severity, code: &str, pointer: &str, message: String) {
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

    fn err(&mut self, pointer: &str, message: String) {
        self.push(
            Severity::Error,
            "SCHEMA_VALIDATION_FAILED",
            pointer,
            message,
        );
    }

    fn code(&mut self, code: &str, pointer: &str, message: String) {
        self.push(Severity::Error, code, pointer, message);
    }

    fn warn(&mut self, code: &str, pointer: &str, message: String) {
        self.push(Severity::Warning, code, pointer, message);
    }

    fn machine(&mut self, root: &Value) {
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
    fn scope(
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
    /// enclosing scope assigned here. Returns the names this scope assigns.
    /// <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html>
    fn scope_assigns(
        &mut self,
        states: &Map<String, Value>,
        states_ptr: &str,
        lang: Lang,
    ) -> HashSet<String> {
        let mut found: Vec<(String, &Value, bool)> = Vec::new();
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
                found.push((push_pointer(&sp, "Assign"), a, jsonata));
            }
            for list in ["Choices", "Catch"] {
                if let Some(Value::Array(items)) = obj.get(list) {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(a) = item.get("Assign") {
                            let p = push_pointer(
                                &push_pointer(&push_pointer(&sp, list), &i.to_string()),
                                "Assign",
                            );
                            found.push((p, a, jsonata));
                        }
                    }
                }
            }
        }
        let mut names = HashSet::new();
        for (p, a, jsonata) in found {
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
                names.insert(name.to_string());
            }
        }
        names
    }

    fn scope_states(
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
                    self.code(
                        "MISSING_TRANSITION_TARGET",
                        tp,
                        format!(
                            "Missing 'Next' target: {target}. No state of that name exists in this scope; use one of: {}.",
                            list(local)
                        ),
                    );
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

    fn state(&mut self, name: &str, v: &Value, sp: &str, outer: Lang, depth: usize) -> StateInfo {
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
    fn jsonata_fields(&mut self, sp: &str, ty: &str, obj: &Map<String, Value>) {
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

    fn pass(&mut self, sp: &str, obj: &Map<String, Value>) {
        if let Some(r) = obj.get("Result") {
            if has_dollar_key(r, 0) {
                self.warn(
                    "PASS_RESULT_IS_STATIC",
                    &push_pointer(sp, "Result"),
                    "Result is used as is: keys ending in '.$' are not evaluated here. Use Parameters to build a result from paths.".into(),
                );
            }
        }
    }

    fn task(&mut self, sp: &str, obj: &Map<String, Value>, lang: Lang) {
        match obj.get("Resource") {
            Some(Value::String(r)) => {
                if !r.starts_with("arn:") && !r.contains("${") {
                    self.code(
                        "INVALID_RESOURCE",
                        &push_pointer(sp, "Resource"),
                        format!("Resource \"{r}\" is not an ARN. Use a Lambda function ARN, an activity ARN, or an arn:aws:states:::service:api integration."),
                    );
                }
            }
            Some(other) => self.err(&push_pointer(sp, "Resource"), format!("Resource must be a string (an ARN), not {}", type_name(other))),
            None => self.err(sp, "A Task state needs 'Resource'. Add the ARN of the function, activity or service integration to call.".into()),
        }
        self.number_or_path(sp, obj, "TimeoutSeconds", lang, 1, None);
        self.number_or_path(sp, obj, "HeartbeatSeconds", lang, 1, None);
        if let (Some(t), Some(h)) = (
            obj.get("TimeoutSeconds").and_then(as_int),
            obj.get("HeartbeatSeconds").and_then(as_int),
        ) {
            if h >= t {
                self.err(
                    &push_pointer(sp, "HeartbeatSeconds"),
                    format!("HeartbeatSeconds ({h}) must be smaller than TimeoutSeconds ({t})."),
                );
            }
        }
        if let Some(c) = obj.get("Credentials") {
            if !c.is_object() {
                self.err(
                    &push_pointer(sp, "Credentials"),
                    "Credentials must be an object (e.g. {\"RoleArn\": \"...\"})".into(),
                );
            }
        }
    }

    fn choice(&mut self, sp: &str, obj: &Map<String, Value>, lang: Lang, info: &mut StateInfo) {
        if let Some(d) = obj.get("Default") {
            let dp = push_pointer(sp, "Default");
            match d {
                Value::String(s) => info.targets.push((s.clone(), dp)),
                other => self.err(
                    &dp,
                    format!(
                        "Default must be a string naming a state, not {}",
                        type_name(other)
                    ),
                ),
            }
        }
        let cp = push_pointer(sp, "Choices");
        match obj.get("Choices") {
            None => self.err(sp, "A Choice state needs 'Choices': an array of rules, each with a comparison and Next.".into()),
            Some(Value::Array(rules)) if rules.is_empty() => {
                self.err(&cp, "Choices is empty. Add at least one rule with a comparison and Next.".into())
            }
            Some(Value::Array(rules)) => {
                for (i, r) in rules.iter().enumerate() {
                    let rp = push_pointer(&cp, &i.to_string());
                    if let Some(Value::String(n)) = r.get("Next") {
                        info.targets.push((n.clone(), push_pointer(&rp, "Next")));
                    }
                    if lang == Lang::Jsonata {
                        if r.get("Condition").is_none() {
                            self.err(&rp, "A JSONata choice rule needs 'Condition'.".into());
                        }
                        if r.get("Next").is_none() {
                            self.err(&rp, "A choice rule needs 'Next' naming the state to go to.".into());
                        }
                        continue;
                    }
                    if let Err(e) = ChoiceRule::parse(r) {
                        let at = self.rule_fault_pointer(&rp, r);
                        self.err(&at, format!("{e}."));
                    }
                }
            }
            Some(other) => self.err(&cp, format!("Choices must be an array of rules, not {}", type_name(other))),
        }
    }

    /// Point at the most specific place of a bad choice rule that can be found cheaply.
    fn rule_fault_pointer(&self, rp: &str, r: &Value) -> String {
        if let Some(Value::String(v)) = r.get("Variable") {
            if Path::parse(v).is_err() {
                return push_pointer(rp, "Variable");
            }
        }
        rp.to_string()
    }

    fn wait(&mut self, sp: &str, obj: &Map<String, Value>, lang: Lang) {
        let present: Vec<&str> = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]
            .into_iter()
            .filter(|k| obj.contains_key(*k))
            .collect();
        if present.len() != 1 {
            let msg = if present.is_empty() {
                "A Wait state needs exactly one of Seconds, SecondsPath, Timestamp or TimestampPath; add one.".to_string()
            } else {
                format!(
                    "There should only be one of the following fields: [{}]. Keep exactly one.",
                    present.join(", ")
                )
            };
            self.err(sp, msg);
        }
        if let Some(s) = obj.get("Seconds") {
            let p = push_pointer(sp, "Seconds");
            match (as_int(s), lang) {
                (Some(n), _) if n >= 0 => {}
                (Some(_), _) => self.err(&p, "Seconds must be 0 or more".into()),
                (None, Lang::Jsonata) if s.as_str().is_some_and(is_jsonata_expr) => {}
                (None, _) if is_substitution(s) => {}
                (None, _) => {
                    let hint = if s.as_str().is_some_and(|t| t.starts_with('$')) {
                        " (to read the wait from the input, use SecondsPath)"
                    } else {
                        ""
                    };
                    self.err(
                        &p,
                        format!(
                            "Seconds must be a whole number of seconds, not {}{hint}",
                            show(s)
                        ),
                    )
                }
            }
        }
        if let Some(t) = obj.get("Timestamp") {
            let p = push_pointer(sp, "Timestamp");
            match t {
                Value::String(s) if parse_timestamp(s).is_some() => {}
                Value::String(s) if lang == Lang::Jsonata && is_jsonata_expr(s) => {}
                other => self.err(
                    &p,
                    format!("Timestamp must be an RFC 3339 timestamp such as \"2016-03-14T01:59:00Z\", not {}", show(other)),
                ),
            }
        }
        for f in ["SecondsPath", "TimestampPath"] {
            if let Some(p) = obj.get(f) {
                self.path_field(sp, f, p, false, true);
            }
        }
    }

    fn fail(&mut self, sp: &str, obj: &Map<String, Value>, lang: Lang) {
        for (lit, path) in [("Error", "ErrorPath"), ("Cause", "CausePath")] {
            if obj.contains_key(lit) && obj.contains_key(path) {
                self.err(
                    &push_pointer(sp, path),
                    format!("There should only be one of the following fields: [{lit}, {path}]. Keep one."),
                );
            }
            if let Some(v) = obj.get(lit) {
                match v {
                    Value::String(s) if lang == Lang::JsonPath && looks_dynamic(s) => self.warn(
                        "NO_PATH",
                        &push_pointer(sp, lit),
                        format!("The value of '{lit}' looks like a JSONPath or intrinsic function but is used as literal text. Use '{path}' to evaluate it."),
                    ),
                    Value::String(_) => {}
                    _ => self.err(
                        &push_pointer(sp, lit),
                        format!("{lit} must be a string, not {}", type_name(v)),
                    ),
                }
            }
            if let Some(v) = obj.get(path) {
                let p = push_pointer(sp, path);
                if lang == Lang::Jsonata {
                    continue;
                }
                match v {
                    // https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html:
                    // a path, or one of the intrinsics that return a string.
                    Value::String(s) => match compile_dynamic(s) {
                        Err(e) => self.err(
                            &p,
                            format!("{path} must be a JSONPath or an intrinsic function: {e}"),
                        ),
                        Ok(Dynamic::Call(c)) if !STRING_INTRINSICS.contains(&c.function().name()) => {
                            self.err(
                                &p,
                                format!(
                                    "{path} accepts only intrinsics that return a string ({}), not {}",
                                    STRING_INTRINSICS.join(", "),
                                    c.function().name()
                                ),
                            )
                        }
                        Ok(_) => {}
                    },
                    other => self.err(
                        &p,
                        format!("{path} must be a string, not {}", type_name(other)),
                    ),
                }
            }
        }
    }

    fn parallel(&mut self, sp: &str, obj: &Map<String, Value>, lang: Lang, depth: usize) {
        let bp = push_pointer(sp, "Branches");
        match obj.get("Branches") {
            None => self.err(
                sp,
                "A Parallel state needs 'Branches': an array of {StartAt, States} objects.".into(),
            ),
            Some(Value::Array(bs)) if bs.is_empty() => self.err(
                &bp,
                "Branches is empty. Add at least one branch with StartAt and States.".into(),
            ),
            Some(Value::Array(bs)) => {
                for (i, b) in bs.iter().enumerate() {
                    let p = push_pointer(&bp, &i.to_string());
                    match b.as_object() {
                        Some(m) => self.scope(m, &p, ScopeKind::Branch, lang, depth + 1),
                        None => self.err(
                            &p,
                            format!(
                                "A branch must be an object with StartAt and States, not {}",
                                type_name(b)
                            ),
                        ),
                    }
                }
            }
            Some(other) => self.err(
                &bp,
                format!("Branches must be an array, not {}", type_name(other)),
            ),
        }
    }

    fn map_state(&mut self, sp: &str, obj: &Map<String, Value>, lang: Lang, depth: usize) {
        let proc_key = match (obj.get("ItemProcessor"), obj.get("Iterator")) {
            (Some(_), Some(_)) => {
                self.err(
                    sp,
                    "There should only be one of the following fields: [ItemProcessor, Iterator]. Keep ItemProcessor (Iterator is its older name).".into(),
                );
                Some("ItemProcessor")
            }
            (Some(_), None) => Some("ItemProcessor"),
            (None, Some(_)) => Some("Iterator"),
            (None, None) => {
                self.err(sp, "A Map state needs 'ItemProcessor' (or the older 'Iterator') with StartAt and States.".into());
                None
            }
        };
        let mut distributed = false;
        if let Some(k) = proc_key {
            let pp = push_pointer(sp, k);
            match obj.get(k).and_then(Value::as_object) {
                Some(m) => {
                    if let Some(cfg) = m.get("ProcessorConfig") {
                        distributed =
                            self.processor_config(&push_pointer(&pp, "ProcessorConfig"), cfg);
                    }
                    self.scope(m, &pp, ScopeKind::Processor, lang, depth + 1);
                }
                None => self.err(
                    &pp,
                    format!("{k} must be an object with StartAt and States"),
                ),
            }
        }
        if obj.contains_key("ItemSelector") && obj.contains_key("Parameters") {
            self.err(
                &push_pointer(sp, "Parameters"),
                "There should only be one of the following fields: [ItemSelector, Parameters]. Use ItemSelector (Parameters is its older name).".into(),
            );
        }
        if let Some(p) = obj.get("ItemsPath") {
            if lang == Lang::JsonPath {
                self.path_field(sp, "ItemsPath", p, true, false);
            }
        }
        self.number_or_path(sp, obj, "MaxConcurrency", lang, 0, None);
        self.number_or_path(sp, obj, "ToleratedFailureCount", lang, 0, None);
        self.number_or_path(sp, obj, "ToleratedFailurePercentage", lang, 0, Some(100.0));
        if let Some(l) = obj.get("Label") {
            let p = push_pointer(sp, "Label");
            match l {
                Value::String(s) if s.chars().count() > MAX_LABEL => {
                    self.code("INVALID_LABEL_NAME", &p, format!("Label must be at most {MAX_LABEL} characters"))
                }
                Value::String(s) if s.chars().any(|c| c.is_whitespace() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c)) => self.code(
                    "INVALID_LABEL_NAME",
                    &p,
                    "Label must not contain white space, brackets, wildcards or special characters".into(),
                ),
                Value::String(_) => {}
                other => self.err(&p, format!("Label must be a string, not {}", type_name(other))),
            }
        }
        for f in ["ItemReader", "ItemBatcher", "ResultWriter"] {
            if let Some(v) = obj.get(f) {
                let p = push_pointer(sp, f);
                if !v.is_object() {
                    self.err(&p, format!("{f} must be an object, not {}", type_name(v)));
                } else if !distributed {
                    self.err(
                        &p,
                        format!("{f} is only supported by a distributed Map. Set ItemProcessor.ProcessorConfig.Mode to \"DISTRIBUTED\", or remove {f}."),
                    );
                }
            }
        }
        // In JSONata, ItemReader and ResultWriter take Arguments where JSONPath has
        // Parameters, and the `...Path` amounts give way to expressions.
        // <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html>
        // <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html>
        for f in ["ItemReader", "ResultWriter"] {
            if let Some(Value::Object(m)) = obj.get(f) {
                let fp = push_pointer(sp, f);
                let (wrong, right) = match lang {
                    Lang::Jsonata => ("Parameters", "Arguments"),
                    Lang::JsonPath => ("Arguments", "Parameters"),
                };
                if m.contains_key(wrong) {
                    let (is, not) = match lang {
                        Lang::Jsonata => ("JSONata", "JSONPath"),
                        Lang::JsonPath => ("JSONPath", "JSONata"),
                    };
                    self.err(
                        &push_pointer(&fp, wrong),
                        format!("The QueryLanguage is set to '{is}', but field '{wrong}' of {f} is only supported for the '{not}' QueryLanguage. Use '{right}'."),
                    );
                }
                if lang == Lang::Jsonata {
                    if let Some(Value::Object(rc)) = m.get("ReaderConfig") {
                        if rc.contains_key("MaxItemsPath") {
                            self.err(
                                &push_pointer(&push_pointer(&fp, "ReaderConfig"), "MaxItemsPath"),
                                "The QueryLanguage is set to 'JSONata', but field 'MaxItemsPath' is only supported for the 'JSONPath' QueryLanguage. Give MaxItems a JSONata expression instead.".into(),
                            );
                        }
                    }
                }
            }
        }
        if let Some(Value::Object(b)) = obj.get("ItemBatcher") {
            let bp = push_pointer(sp, "ItemBatcher");
            for (k, v) in b {
                let p = push_pointer(&bp, k);
                match k.as_str() {
                    "MaxItemsPerBatch" | "MaxInputBytesPerBatch" => {
                        let expr = lang == Lang::Jsonata && v.as_str().is_some_and(is_jsonata_expr);
                        if !expr && as_int(v).is_none_or(|n| n < 0) {
                            self.err(
                                &p,
                                format!(
                                    "{k} must be a whole number, 0 or more{}",
                                    if lang == Lang::Jsonata {
                                        ", or a JSONata expression giving one"
                                    } else {
                                        ""
                                    }
                                ),
                            );
                        }
                    }
                    "MaxItemsPerBatchPath" | "MaxInputBytesPerBatchPath"
                        if lang == Lang::Jsonata =>
                    {
                        self.err(&p, format!("The QueryLanguage is set to 'JSONata', but field '{k}' is only supported for the 'JSONPath' QueryLanguage. Give {} a JSONata expression instead.", k.trim_end_matches("Path")));
                    }
                    "MaxItemsPerBatchPath" | "MaxInputBytesPerBatchPath" => {
                        self.reference_path(&p, k, v)
                    }
                    "BatchInput" => {}
                    _ => self.err(&p, format!("Field '{k}' is not supported in ItemBatcher")),
                }
            }
        }
    }

    /// Returns whether the Map is distributed.
    fn processor_config(&mut self, p: &str, cfg: &Value) -> bool {
        let Some(m) = cfg.as_object() else {
            self.err(
                p,
                format!("ProcessorConfig must be an object, not {}", type_name(cfg)),
            );
            return false;
        };
        let mut distributed = false;
        for (k, v) in m {
            let fp = push_pointer(p, k);
            match k.as_str() {
                "Mode" => match v.as_str() {
                    Some("INLINE") => {}
                    Some("DISTRIBUTED") => distributed = true,
                    _ => self.err(&fp, format!("Mode must be \"INLINE\" or \"DISTRIBUTED\", not {}", show(v))),
                },
                "ExecutionType" => {
                    if !matches!(v.as_str(), Some("STANDARD" | "EXPRESS")) {
                        self.err(&fp, format!("ExecutionType must be \"STANDARD\" or \"EXPRESS\", not {}", show(v)));
                    }
                }
                _ => self.err(&fp, format!("Field '{k}' is not supported in ProcessorConfig (allowed: Mode, ExecutionType)")),
            }
        }
        if distributed && !m.contains_key("ExecutionType") {
            self.err(
                p,
                "A DISTRIBUTED ProcessorConfig needs ExecutionType \"STANDARD\" or \"EXPRESS\"; add it.".into(),
            );
        }
        distributed
    }

    fn retry(&mut self, sp: &str, obj: &Map<String, Value>) {
        let Some(r) = obj.get("Retry") else { return };
        let rp = push_pointer(sp, "Retry");
        let Some(arr) = r.as_array() else {
            self.err(
                &rp,
                format!("Retry must be an array of retriers, not {}", type_name(r)),
            );
            return;
        };
        for (i, item) in arr.iter().enumerate() {
            let ip = push_pointer(&rp, &i.to_string());
            let Some(m) = item.as_object() else {
                self.err(
                    &ip,
                    format!("A retrier must be an object, not {}", type_name(item)),
                );
                continue;
            };
            self.error_equals(&ip, m, i + 1 == arr.len(), "Retry");
            for (k, v) in m {
                let fp = push_pointer(&ip, k);
                match k.as_str() {
                    "ErrorEquals" | "Comment" => {}
                    _ if is_substitution(v) => {}
                    "IntervalSeconds" | "MaxDelaySeconds" => {
                        if !as_int(v).is_some_and(|n| (1..=99_999_999).contains(&n)) {
                            self.err(&fp, format!("{k} must be a whole number of seconds from 1 to 99999999, not {}", show(v)));
                        }
                    }
                    "MaxAttempts" => {
                        if !as_int(v).is_some_and(|n| (0..=99_999_999).contains(&n)) {
                            self.err(&fp, format!("MaxAttempts must be a whole number, 0 or more (0 never retries), not {}", show(v)));
                        }
                    }
                    "BackoffRate" => {
                        if !v.as_f64().is_some_and(|x| x >= 1.0) {
                            self.err(&fp, format!("BackoffRate must be a number of at least 1.0, not {}", show(v)));
                        }
                    }
                    "JitterStrategy" => {
                        if !matches!(v.as_str(), Some("FULL" | "NONE")) {
                            self.err(&fp, format!("JitterStrategy must be \"FULL\" or \"NONE\", not {}", show(v)));
                        }
                    }
                    _ => self.err(
                        &fp,
                        format!("Field '{k}' is not supported in a retrier (allowed: ErrorEquals, IntervalSeconds, MaxAttempts, BackoffRate, MaxDelaySeconds, JitterStrategy, Comment)"),
                    ),
                }
            }
        }
    }

    fn catch(&mut self, sp: &str, obj: &Map<String, Value>, lang: Lang, info: &mut StateInfo) {
        let Some(c) = obj.get("Catch") else { return };
        let cp = push_pointer(sp, "Catch");
        let Some(arr) = c.as_array() else {
            self.err(
                &cp,
                format!("Catch must be an array of catchers, not {}", type_name(c)),
            );
            return;
        };
        for (i, item) in arr.iter().enumerate() {
            let ip = push_pointer(&cp, &i.to_string());
            let Some(m) = item.as_object() else {
                self.err(
                    &ip,
                    format!("A catcher must be an object, not {}", type_name(item)),
                );
                continue;
            };
            self.error_equals(&ip, m, i + 1 == arr.len(), "Catch");
            match m.get("Next") {
                Some(Value::String(n)) => info.targets.push((n.clone(), push_pointer(&ip, "Next"))),
                Some(other) => self.err(
                    &push_pointer(&ip, "Next"),
                    format!(
                        "Next must be a string naming a state, not {}",
                        type_name(other)
                    ),
                ),
                None => self.err(
                    &ip,
                    "A catcher needs 'Next' naming the state to go to when it matches.".into(),
                ),
            }
            for (k, v) in m {
                let fp = push_pointer(&ip, k);
                match k.as_str() {
                    "ErrorEquals" | "Next" | "Comment" | "Assign" => {}
                    "ResultPath" if lang == Lang::JsonPath => self.result_path(&fp, v),
                    "Output" if lang == Lang::Jsonata => {}
                    _ => self.err(
                        &fp,
                        format!("Field '{k}' is not supported in a catcher (allowed: ErrorEquals, Next, ResultPath, Comment{})", if lang == Lang::Jsonata { ", Output, Assign" } else { ", Assign" }),
                    ),
                }
            }
        }
    }

    fn error_equals(&mut self, ip: &str, m: &Map<String, Value>, last: bool, what: &str) {
        let ep = push_pointer(ip, "ErrorEquals");
        match m.get("ErrorEquals") {
            None => self.err(ip, format!("Each {what} entry needs 'ErrorEquals': a non-empty array of error names such as [\"States.ALL\"].")),
            Some(Value::Array(names)) if names.is_empty() => {
                self.err(&ep, "ErrorEquals is empty. Add at least one error name.".into())
            }
            Some(Value::Array(names)) => {
                let mut has_all = false;
                for (j, n) in names.iter().enumerate() {
                    match n {
                        Value::String(s) if s == "States.ALL" => has_all = true,
                        Value::String(_) => {}
                        other => self.err(&push_pointer(&ep, &j.to_string()), format!("An error name must be a string, not {}", type_name(other))),
                    }
                }
                if has_all && names.len() > 1 {
                    self.err(&ep, "States.ALL must appear alone in ErrorEquals; move the other names to an earlier entry.".into());
                }
                if has_all && !last {
                    self.err(&ep, format!("The {what} entry with States.ALL must be the last one; move it to the end."));
                }
            }
            Some(other) => self.err(&ep, format!("ErrorEquals must be an array of strings, not {}", type_name(other))),
        }
    }

    /// A literal number field and its `...Path` twin: at most one, number in range, path a
    /// reference path.
    fn number_or_path(
        &mut self,
        sp: &str,
        obj: &Map<String, Value>,
        f: &str,
        lang: Lang,
        min: i64,
        max: Option<f64>,
    ) {
        let pf = format!("{f}Path");
        if obj.contains_key(f) && obj.contains_key(&pf) {
            self.err(
                &push_pointer(sp, &pf),
                format!("There should only be one of the following fields: [{f}, {pf}]. Keep one."),
            );
        }
        if let Some(v) = obj.get(f) {
            let p = push_pointer(sp, f);
            if lang == Lang::Jsonata && v.as_str().is_some_and(is_jsonata_expr) {
                // A JSONata expression, checked by the JSONata engine.
            } else if is_substitution(v) {
                // A SAM/CloudFormation DefinitionSubstitutions placeholder.
            } else if max.is_some() {
                match v.as_f64() {
                    Some(x) if x >= min as f64 && x <= max.unwrap_or(f64::MAX) => {}
                    _ => self.err(
                        &p,
                        format!(
                            "{f} must be a number from {min} to {}, not {}",
                            max.unwrap_or(f64::MAX),
                            show(v)
                        ),
                    ),
                }
            } else {
                match as_int(v) {
                    Some(n) if n >= min && n <= 99_999_999 => {}
                    _ => self.err(
                        &p,
                        format!(
                            "{f} must be a whole number, at least {min}, not {}",
                            show(v)
                        ),
                    ),
                }
            }
        }
        if let Some(v) = obj.get(&pf) {
            if lang == Lang::JsonPath {
                self.reference_path(&push_pointer(sp, &pf), &pf, v);
            }
        }
    }

    fn reference_path(&mut self, p: &str, f: &str, v: &Value) {
        match v {
            Value::String(s) => match Path::parse(s) {
                Ok(path) if path.is_context() || path.is_definite() => {}
                Ok(_) => self.err(p, format!("{f} must be a reference path naming one value (no wildcards, filters or slices), not \"{s}\"")),
                Err(e) => self.err(p, format!("{f}: {e}")),
            },
            other => self.err(p, format!("{f} must be a string holding a JSONPath, not {}", type_name(other))),
        }
    }

    /// InputPath/OutputPath/ItemsPath (`nullable`: null allowed) and SecondsPath/TimestampPath
    /// (`reference`: one value only).
    fn path_field(&mut self, sp: &str, f: &str, v: &Value, nullable: bool, reference: bool) {
        let p = push_pointer(sp, f);
        match v {
            Value::Null if nullable => {}
            Value::String(s) => match Path::parse(s) {
                Ok(path) if reference && !path.is_definite() => self.err(
                    &p,
                    format!("{f} must be a reference path naming one value (no wildcards, filters or slices), not \"{s}\""),
                ),
                Ok(_) => {}
                Err(e) => self.err(&p, format!("{f}: {e}")),
            },
            other => self.err(
                &p,
                format!("{f} must be a string holding a JSONPath{}, not {}", if nullable { " or null" } else { "" }, type_name(other)),
            ),
        }
    }

    fn result_path(&mut self, p: &str, v: &Value) {
        match v {
            Value::Null => {}
            Value::String(s) => match Path::parse(s) {
                Ok(path) if path.is_reference_path() => {}
                Ok(_) => self.err(
                    p,
                    format!("ResultPath \"{s}\" is not a reference path. Use only '$', names and array indexes, e.g. \"$.result\" (no $$, wildcards, filters, slices or '..')."),
                ),
                Err(e) => self.err(p, format!("ResultPath: {e}")),
            },
            other => self.err(p, format!("ResultPath must be a string holding a reference path, or null, not {}", type_name(other))),
        }
    }

    fn template(&mut self, p: &str, f: &str, t: &Value, must_be_object: bool) {
        if must_be_object && !t.is_object() {
            self.err(p, format!("{f} must be an object, not {}", type_name(t)));
            return;
        }
        self.template_walk(p, t, 0);
        // The compiler gives the first error with its place; the walk above has already
        // reported each bad field with a precise pointer, so only depth problems remain.
        if let Err(e) = Template::compile(t) {
            if e.contains("nested deeper") {
                self.err(p, e);
            }
        }
    }

    fn template_walk(&mut self, p: &str, t: &Value, depth: usize) {
        if depth > 200 {
            return;
        }
        match t {
            Value::Object(m) => {
                for (k, v) in m {
                    let fp = push_pointer(p, k);
                    if k.ends_with(".$") {
                        match v {
                            Value::String(s) => match compile_dynamic(s) {
                                Ok(Dynamic::Path(_)) | Ok(Dynamic::Call(_)) => {}
                                Err(e) => self.err(&fp, format!("The value of '{k}' must be a valid JSONPath or intrinsic function: {e}")),
                            },
                            other => self.err(
                                &fp,
                                format!("The value of '{k}' must be a string holding a JSONPath or an intrinsic function (its name ends in '.$'), not {}", type_name(other)),
                            ),
                        }
                    } else {
                        if let Value::String(s) = v {
                            if looks_dynamic(s) {
                                self.warn(
                                    "NO_DOLLAR",
                                    &fp,
                                    format!("The value of '{k}' looks like a JSONPath or intrinsic function but is used as a literal string. Rename the field to '{k}.$' to evaluate it."),
                                );
                            }
                        }
                        self.template_walk(&fp, v, depth + 1);
                    }
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    self.template_walk(&push_pointer(p, &i.to_string()), v, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn positive_int(&mut self, p: &str, f: &str, v: &Value) {
        if is_substitution(v) {
            return;
        }
        if !as_int(v).is_some_and(|n| (1..=99_999_999).contains(&n)) {
            self.err(
                p,
                format!(
                    "{f} must be a whole number of seconds, at least 1, not {}",
                    show(v)
                ),
            );
        }
    }
}

#[derive(Default)]
struct StateInfo {
    terminal: bool,
    /// (state name, pointer of the field naming it)
    targets: Vec<(String, String)>,
}

/// Intrinsics a Fail state's ErrorPath/CausePath may use (they return strings).
const STRING_INTRINSICS: &[&str] = &[
    "States.Format",
    "States.JsonToString",
    "States.ArrayGetItem",
    "States.Base64Encode",
    "States.Base64Decode",
    "States.Hash",
    "States.UUID",
];

const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage", "Assign"];

const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items"];

const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "ItemsPath",
    "SecondsPath",
    "TimestampPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "ErrorPath",
    "CausePath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
];

fn jsonata_field_ok(ty: &str, k: &str) -> bool {
    match k {
        "Output" => !matches!(ty, "Fail"),
        // AWS's JSONata field table: Arguments belongs to Task and Parallel only.
        // <https://states-language.net/spec.html#state-type-table-jsonata>
        "Arguments" => matches!(ty, "Task" | "Parallel"),
        "Items" => ty == "Map",
        _ => false,
    }
}

fn allowed_fields(ty: &str) -> &'static [&'static str] {
    match ty {
        "Pass" => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultPath",
            "Result",
        ],
        "Task" => &[
            "Next",
            "End",
            "Resource",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
        ],
        "Choice" => &["Choices", "Default", "InputPath", "OutputPath"],
        "Wait" => &[
            "Next",
            "End",
            "Seconds",
            "SecondsPath",
            "Timestamp",
            "TimestampPath",
            "InputPath",
            "OutputPath",
        ],
        "Succeed" => &["InputPath", "OutputPath"],
        "Fail" => &["Error", "ErrorPath", "Cause", "CausePath"],
        "Parallel" => &[
            "Next",
            "End",
            "Branches",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
        ],
        "Map" => &[
            "Next",
            "End",
            "ItemProcessor",
            "Iterator",
            "ItemsPath",
            "ItemSelector",
            "Parameters",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "Label",
            "InputPath",
            "OutputPath",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
        ],
        _ => &[],
    }
}

/// SAM and CloudFormation replace `${Name}` placeholders (DefinitionSubstitutions) before
/// AWS sees the definition, so a placeholder stands for a value of the right type.
fn is_substitution(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.contains("${") && s.contains('}'))
}

/// Step Functions variable names are JSONata identifiers.
/// AWS: a variable name follows Unicode Standard Annex #31 — an ID_Start character, then
/// ID_Continue characters — and is at most 80 characters long.
/// <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html#variable-name-syntax>
pub(crate) fn is_variable_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(unicode_ident::is_xid_start)
        && chars.all(unicode_ident::is_xid_continue)
        && s.chars().count() <= MAX_VARIABLE_NAME
}

/// Whether the JSONata expressions in a field value read `$states.result` and
/// `$states.errorOutput` (string literals and comments inside expressions are skipped).
fn reads_states_members(v: &Value, depth: usize) -> (bool, bool) {
    if depth > 64 {
        return (false, false);
    }
    match v {
        Value::String(s) => match crate::query::expression_text(s) {
            Some(text) => states_members_in(text),
            None => (false, false),
        },
        Value::Array(a) => a.iter().fold((false, false), |acc, x| {
            let r = reads_states_members(x, depth + 1);
            (acc.0 || r.0, acc.1 || r.1)
        }),
        Value::Object(m) => m.values().fold((false, false), |acc, x| {
            let r = reads_states_members(x, depth + 1);
            (acc.0 || r.0, acc.1 || r.1)
        }),
        _ => (false, false),
    }
}

fn states_members_in(text: &str) -> (bool, bool) {
    let chars: Vec<char> = text.chars().collect();
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let (mut result, mut error) = (false, false);
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            q @ ('\'' | '"' | '`') => {
                i += 1;
                while i < chars.len() && chars[i] != q {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            '$' if chars[i..].starts_with(&['$', 's', 't', 'a', 't', 'e', 's'])
                && (i == 0 || !ident(chars[i - 1]))
                && !chars.get(i + 7).copied().is_some_and(ident) =>
            {
                let mut j = i + 7;
                while chars.get(j).is_some_and(|c| c.is_whitespace()) {
                    j += 1;
                }
                if chars.get(j) == Some(&'.') {
                    j += 1;
                    while chars.get(j).is_some_and(|c| c.is_whitespace()) {
                        j += 1;
                    }
                    let start = j;
                    while chars.get(j).copied().is_some_and(ident) {
                        j += 1;
                    }
                    let member: String = chars[start..j].iter().collect();
                    result |= member == "result";
                    error |= member == "errorOutput";
                }
                i = j.max(i + 1);
            }
            _ => i += 1,
        }
    }
    (result, error)
}

fn is_jsonata_expr(s: &str) -> bool {
    let t = s.trim();
    t.starts_with("{%") && t.ends_with("%}")
}

/// AWS's NO_DOLLAR heuristic: a literal that reads like a path or an intrinsic call.
fn looks_dynamic(s: &str) -> bool {
    (s.starts_with("$.") || s.starts_with("$$.") || s.starts_with("$[")) && Path::parse(s).is_ok()
        || (s.starts_with("States.")
            && s.ends_with(')')
            && crate::intrinsics::Intrinsic::parse(s).is_ok())
}

fn has_dollar_key(v: &Value, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    match v {
        Value::Object(m) => m
            .iter()
            .any(|(k, c)| k.ends_with(".$") || has_dollar_key(c, depth + 1)),
        Value::Array(a) => a.iter().any(|c| has_dollar_key(c, depth + 1)),
        _ => false,
    }
}

fn show(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
}

fn list(names: &HashSet<&str>) -> String {
    let mut v: Vec<&str> = names.iter().copied().collect();
    v.sort_unstable();
    let shown: Vec<String> = v.iter().take(10).map(|s| format!("\"{s}\"")).collect();
    if v.len() > 10 {
        format!("{} and {} more", shown.join(", "), v.len() - 10)
    } else {
        shown.join(", ")
    }
}
