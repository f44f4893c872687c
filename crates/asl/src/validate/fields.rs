//! Field-level checks shared by every state kind: paths, templates, numbers, and the
//! tables of fields each state type accepts.

use crate::expr::jsonpath::Path;
use crate::expr::template::{compile_dynamic, Dynamic, Template};
use crate::source::push_pointer;
use crate::validate::*;
use serde_json::{Map, Value};
use std::collections::HashSet;

impl Validator<'_> {
    /// A literal number field and its `...Path` twin: at most one, number in range, path a
    /// reference path.
    pub(crate) fn number_or_path(
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

    pub(crate) fn reference_path(&mut self, p: &str, f: &str, v: &Value) {
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
    pub(crate) fn path_field(
        &mut self,
        sp: &str,
        f: &str,
        v: &Value,
        nullable: bool,
        reference: bool,
    ) {
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

    pub(crate) fn result_path(&mut self, p: &str, v: &Value) {
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

    pub(crate) fn template(&mut self, p: &str, f: &str, t: &Value, must_be_object: bool) {
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

    pub(crate) fn template_walk(&mut self, p: &str, t: &Value, depth: usize) {
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

    pub(crate) fn positive_int(&mut self, p: &str, f: &str, v: &Value) {
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

/// Intrinsics a Fail state's ErrorPath/CausePath may use (they return strings).
pub(crate) const STRING_INTRINSICS: &[&str] = &[
    "States.Format",
    "States.JsonToString",
    "States.ArrayGetItem",
    "States.Base64Encode",
    "States.Base64Decode",
    "States.Hash",
    "States.UUID",
];

pub(crate) const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage", "Assign"];

pub(crate) const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items"];

pub(crate) const JSONPATH_ONLY: &[&str] = &[
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

pub(crate) fn jsonata_field_ok(ty: &str, k: &str) -> bool {
    match k {
        "Output" => !matches!(ty, "Fail"),
        // AWS's JSONata field table: Arguments belongs to Task and Parallel only.
        // <https://states-language.net/spec.html#state-type-table-jsonata>
        "Arguments" => matches!(ty, "Task" | "Parallel"),
        "Items" => ty == "Map",
        _ => false,
    }
}

pub(crate) fn allowed_fields(ty: &str) -> &'static [&'static str] {
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
pub(crate) fn is_substitution(v: &Value) -> bool {
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
pub(crate) fn reads_states_members(v: &Value, depth: usize) -> (bool, bool) {
    if depth > 64 {
        return (false, false);
    }
    match v {
        Value::String(s) => match crate::expr::query::expression_text(s) {
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

pub(crate) fn states_members_in(text: &str) -> (bool, bool) {
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

pub(crate) fn is_jsonata_expr(s: &str) -> bool {
    crate::expr::query::expression_text(s).is_some()
}

/// AWS's NO_DOLLAR heuristic: a literal that reads like a path or an intrinsic call.
pub(crate) fn looks_dynamic(s: &str) -> bool {
    (s.starts_with("$.") || s.starts_with("$$.") || s.starts_with("$[")) && Path::parse(s).is_ok()
        || (s.starts_with("States.")
            && s.ends_with(')')
            && crate::expr::intrinsics::Intrinsic::parse(s).is_ok())
}

pub(crate) fn has_dollar_key(v: &Value, depth: usize) -> bool {
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

pub(crate) fn show(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
}

pub(crate) fn list(names: &HashSet<&str>) -> String {
    let mut v: Vec<&str> = names.iter().copied().collect();
    v.sort_unstable();
    let shown: Vec<String> = v.iter().take(10).map(|s| format!("\"{s}\"")).collect();
    if v.len() > 10 {
        format!("{} and {} more", shown.join(", "), v.len() - 10)
    } else {
        shown.join(", ")
    }
}
