//! A walk over a definition that follows where each state's data comes from, so that every
//! path a state reads can be traced back to the execution input (for "Suggest an input") or
//! to an earlier Task's result (for "Suggest mocks").
//!
//! The walk is deliberately simple: states are visited once, breadth first from StartAt, with
//! the data flow of the first way in. Data flow follows "Processing input and output"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html):
//! InputPath → Parameters → task → ResultSelector → ResultPath → OutputPath, and for JSONata
//! `$states.input`, `$states.result`, Output and Assign
//! (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).

use crate::skeleton::{parse_jsonpath, Hint, Path, Seg, Skeleton, PLACEHOLDER, TIMESTAMP};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

/// Where a state's data comes from.
#[derive(Debug, Clone, PartialEq)]
enum Origin {
    /// The execution input.
    Input,
    /// The result of the named Task state (or the items a Map's ItemReader reads).
    Result(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Base {
    origin: Origin,
    path: Path,
}

/// What an earlier ResultPath put at a path.
#[derive(Debug, Clone)]
enum Source {
    /// Something no mock or input decides (an error output, a Map's results).
    Opaque,
    /// A Task's result, through its ResultSelector if it has one.
    Result(String, Option<Value>),
    /// Another part of the same data (a Pass state's effective input).
    Alias(Base),
}

#[derive(Debug, Clone)]
struct Written {
    at: Path,
    source: Source,
}

/// The data a state receives: where it comes from (None: nothing we can trace) and which
/// parts of it earlier ResultPaths wrote.
#[derive(Debug, Clone, Default)]
struct Flow {
    base: Option<Base>,
    written: Vec<Written>,
}

impl Flow {
    fn from(origin: Origin, path: Path) -> Flow {
        Flow {
            base: Some(Base { origin, path }),
            written: Vec::new(),
        }
    }

    fn descend(&self, rel: &[Seg]) -> Flow {
        let mut f = self.clone();
        if let Some(b) = &mut f.base {
            b.path.extend_from_slice(rel);
        }
        f
    }

    fn with_written(&self, rel: &[Seg], source: Source) -> Flow {
        let mut f = self.clone();
        if let Some(b) = &self.base {
            let mut at = b.path.clone();
            at.extend_from_slice(rel);
            f.written.push(Written { at, source });
        }
        f
    }
}

/// What a reader wants at a path: `matching` for the execution input (the value that makes
/// a Choice's rule match), `neutral` for a mocked result (a value of the type only, so the
/// happy path is not steered into a rule that rejects).
#[derive(Debug, Clone)]
struct Want {
    matching: Hint,
    neutral: Hint,
}

impl Want {
    fn same(h: Hint) -> Want {
        Want {
            matching: h.clone(),
            neutral: h,
        }
    }
}

/// What a walk found: the input skeleton and, per Task (or ItemReader Map) state, the parts
/// of its result that later states read.
#[derive(Debug, Default)]
pub struct Reads {
    pub input: Skeleton,
    pub results: BTreeMap<String, Skeleton>,
    vars: HashMap<String, Base>,
}

/// Walk a whole definition from the execution input.
pub fn walk(definition: &Value) -> Reads {
    let mut reads = Reads::default();
    let lang = definition
        .get("QueryLanguage")
        .and_then(Value::as_str)
        .unwrap_or("JSONPath")
        .to_string();
    reads.machine(definition, Flow::from(Origin::Input, Vec::new()), &lang);
    reads
}

impl Reads {
    fn machine(&mut self, def: &Value, flow: Flow, lang: &str) {
        let Some(states) = def.get("States").and_then(Value::as_object) else {
            return;
        };
        let Some(start) = def.get("StartAt").and_then(Value::as_str) else {
            return;
        };
        let mut seen = HashSet::new();
        let mut queue = VecDeque::from([(start.to_string(), flow)]);
        while let Some((name, flow)) = queue.pop_front() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(st) = states.get(&name) else {
                continue;
            };
            let lang = st
                .get("QueryLanguage")
                .and_then(Value::as_str)
                .unwrap_or(lang)
                .to_string();
            let next = if lang == "JSONata" {
                self.jsonata_state(&name, st, &flow, &lang)
            } else {
                self.jsonpath_state(&name, st, &flow, &lang)
            };
            queue.extend(next);
        }
    }

    fn put(&mut self, base: &Base, rel: &[Seg], want: &Want) {
        let mut path = base.path.clone();
        path.extend_from_slice(rel);
        match &base.origin {
            Origin::Input => self.input.insert(&path, want.matching.clone()),
            Origin::Result(task) => self
                .results
                .entry(task.clone())
                .or_default()
                .insert(&path, want.neutral.clone()),
        }
    }

    fn read(&mut self, flow: &Flow, rel: &[Seg], want: &Want) {
        let Some(base) = &flow.base else {
            return;
        };
        let mut abs = base.path.clone();
        abs.extend_from_slice(rel);
        for w in flow.written.iter().rev() {
            if abs.starts_with(&w.at) {
                let rest = &abs[w.at.len()..];
                match &w.source {
                    Source::Opaque => {}
                    Source::Alias(b) => self.put(&b.clone(), rest, want),
                    Source::Result(task, None) => {
                        self.put(&Base::result(task, Vec::new()), rest, want)
                    }
                    Source::Result(task, Some(selector)) => {
                        if let Some((Seg::Field(k), tail)) = rest.split_first() {
                            let p = selector
                                .get(format!("{k}.$"))
                                .and_then(Value::as_str)
                                .and_then(parse_jsonpath);
                            if let Some(mut p) = p {
                                p.extend_from_slice(tail);
                                self.put(&Base::result(task, Vec::new()), &p, want);
                            }
                        }
                    }
                }
                return;
            }
            // Reading above a written path: it exists once the write happened.
            if w.at.starts_with(&abs) {
                return;
            }
        }
        self.put(&base.clone(), rel, want);
    }

    fn read_var(&mut self, name: &str, rel: &[Seg], want: &Want) {
        if let Some(b) = self.vars.get(name).cloned() {
            self.read(&Flow::from(b.origin, b.path), rel, want);
        }
    }

    fn assign_var(&mut self, name: &str, flow: &Flow, rel: &[Seg]) {
        if let Some(b) = &flow.descend(rel).base {
            self.vars
                .entry(name.to_string())
                .or_insert_with(|| b.clone());
        }
    }
}

impl Base {
    fn result(task: &str, path: Path) -> Base {
        Base {
            origin: Origin::Result(task.to_string()),
            path,
        }
    }
}

fn transitions(st: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["Next", "Default"] {
        if let Some(n) = st.get(key).and_then(Value::as_str) {
            out.push(n.to_string());
        }
    }
    for list in ["Choices", "Catch"] {
        for r in st.get(list).and_then(Value::as_array).into_iter().flatten() {
            if let Some(n) = r.get("Next").and_then(Value::as_str) {
                out.push(n.to_string());
            }
        }
    }
    out
}

fn processor(st: &Value) -> Option<&Value> {
    st.get("ItemProcessor").or_else(|| st.get("Iterator"))
}

// ---------------------------------------------------------------- JSONPath states

impl Reads {
    fn jsonpath_state(
        &mut self,
        name: &str,
        st: &Value,
        raw: &Flow,
        lang: &str,
    ) -> Vec<(String, Flow)> {
        let ty = st.get("Type").and_then(Value::as_str).unwrap_or("");
        let eff = match st.get("InputPath") {
            None => raw.clone(),
            Some(Value::String(p)) => match parse_jsonpath(p) {
                Some(p) => {
                    self.read(raw, &p, &Want::same(Hint::Any));
                    raw.descend(&p)
                }
                None => Flow::default(),
            },
            Some(_) => Flow::default(),
        };
        let number = Want::same(Hint::Value(json!(5)));
        for key in [
            "TimeoutSecondsPath",
            "HeartbeatSecondsPath",
            "MaxConcurrencyPath",
            "ToleratedFailureCountPath",
            "ToleratedFailurePercentagePath",
        ] {
            self.path_field(raw, st, key, &number);
        }
        let string = Want::same(Hint::Any);
        self.path_field(raw, st, "ErrorPath", &string);
        self.path_field(raw, st, "CausePath", &string);
        self.path_field(&eff, st, "SecondsPath", &number);
        let ts = Want::same(Hint::Value(json!(TIMESTAMP)));
        self.path_field(&eff, st, "TimestampPath", &ts);

        let has_params = st.get("Parameters").is_some() || st.get("Result").is_some();
        if ty != "Map" {
            if let Some(p) = st.get("Parameters") {
                self.template(&eff, p, None);
            }
        }
        for rule in st
            .get("Choices")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.rule(&eff, rule, false);
        }
        let selector = st.get("ResultSelector").cloned();
        if ty == "Task" {
            if let Some(sel) = &selector {
                self.template(&Flow::from(Origin::Result(name.into()), vec![]), sel, None);
            }
        }
        // JSONPath Assign reads the state's result; for Choice, Wait and a Pass without
        // Parameters or Result that is the effective input.
        if let Some(assign) = st.get("Assign") {
            let from = match ty {
                "Choice" | "Wait" => eff.clone(),
                "Pass" if !has_params => eff.clone(),
                "Task" if selector.is_none() => Flow::from(Origin::Result(name.into()), vec![]),
                _ => Flow::default(),
            };
            self.template(&from, assign, None);
            for (k, v) in assign.as_object().into_iter().flatten() {
                if let (Some(var), Some(p)) =
                    (k.strip_suffix(".$"), v.as_str().and_then(parse_jsonpath))
                {
                    self.assign_var(var, &from, &p);
                }
            }
        }
        match ty {
            "Parallel" => {
                let branch = if st.get("Parameters").is_some() {
                    Flow::default()
                } else {
                    eff.clone()
                };
                for b in st
                    .get("Branches")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    self.machine(b, branch.clone(), lang);
                }
            }
            "Map" => {
                let items = self.jsonpath_items(name, st, &eff);
                let item_flow = match st.get("ItemSelector").or_else(|| st.get("Parameters")) {
                    Some(sel) => {
                        self.template(&eff, sel, Some(&items));
                        Flow::default()
                    }
                    None => items,
                };
                if let Some(p) = processor(st) {
                    self.machine(p, item_flow, lang);
                }
            }
            _ => {}
        }

        // The state's output.
        let result = match ty {
            "Task" if selector.is_none() => Flow::from(Origin::Result(name.into()), vec![]),
            "Pass" if !has_params => eff.clone(),
            _ => Flow::default(),
        };
        let written_source = match ty {
            "Task" => Source::Result(name.into(), selector.clone()),
            "Pass" if !has_params => match &eff.base {
                Some(b) => Source::Alias(b.clone()),
                None => Source::Opaque,
            },
            _ => Source::Opaque,
        };
        let after_result = match ty {
            "Choice" | "Wait" | "Succeed" | "Fail" => eff.clone(),
            _ => apply_result_path(st.get("ResultPath"), raw, result, written_source),
        };
        let out = match st.get("OutputPath") {
            None => after_result,
            Some(Value::String(p)) => match parse_jsonpath(p) {
                Some(p) => after_result.descend(&p),
                None => Flow::default(),
            },
            Some(_) => Flow::default(),
        };
        let mut next: Vec<(String, Flow)> = transitions(st)
            .into_iter()
            .map(|n| (n, out.clone()))
            .collect();
        // A catcher's target sees the raw input with the error output at its ResultPath.
        for c in st
            .get("Catch")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(n) = c.get("Next").and_then(Value::as_str) {
                let f =
                    apply_result_path(c.get("ResultPath"), raw, Flow::default(), Source::Opaque);
                next.retain(|(m, _)| m != n);
                next.push((n.to_string(), f));
            }
        }
        next
    }

    fn path_field(&mut self, flow: &Flow, st: &Value, key: &str, want: &Want) {
        if let Some(p) = st.get(key).and_then(Value::as_str) {
            if let Some(p) = parse_jsonpath(p) {
                self.read(flow, &p, want);
            } else if let Some(var) = p.strip_prefix('$') {
                let (var, rel) = split_var(var);
                self.read_var(&var, &rel, want);
            }
        }
    }

    /// The Map's items: an ItemReader's (traced into the mock), else ItemsPath's array.
    fn jsonpath_items(&mut self, name: &str, st: &Value, eff: &Flow) -> Flow {
        if let Some(reader) = st.get("ItemReader") {
            if let Some(p) = reader.get("Parameters") {
                self.template(eff, p, None);
            }
            return Flow::from(Origin::Result(name.into()), vec![Seg::Index(0)]);
        }
        let p = st
            .get("ItemsPath")
            .and_then(Value::as_str)
            .map_or(Some(Vec::new()), parse_jsonpath);
        match p {
            Some(mut p) => {
                self.read(eff, &p, &Want::same(Hint::Array));
                p.push(Seg::Index(0));
                eff.descend(&p)
            }
            None => Flow::default(),
        }
    }

    /// Reads of a Parameters-like template: values of keys ending in `.$`.
    fn template(&mut self, flow: &Flow, v: &Value, item: Option<&Flow>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    match (k.ends_with(".$"), v) {
                        (true, Value::String(s)) => self.expr(flow, s, item, Hint::Any),
                        _ => self.template(flow, v, item),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| self.template(flow, v, item)),
            _ => {}
        }
    }

    /// One `.$` value: a path, a context path, a variable or an intrinsic function call.
    fn expr(&mut self, flow: &Flow, s: &str, item: Option<&Flow>, hint: Hint) {
        let s = s.trim();
        let want = Want::same(hint);
        if s.starts_with("States.") {
            self.intrinsic(flow, s, item);
        } else if let Some(rest) = s.strip_prefix("$$.Map.Item.Value") {
            if let (Some(item), Some(p)) = (item, parse_jsonpath(&format!("${rest}"))) {
                self.read(item, &p, &want);
            }
        } else if let Some(p) = parse_jsonpath(s) {
            self.read(flow, &p, &want);
        } else if let Some(var) = s.strip_prefix('$').filter(|v| !v.starts_with('$')) {
            let (var, rel) = split_var(var);
            self.read_var(&var, &rel, &want);
        }
    }

    fn intrinsic(&mut self, flow: &Flow, s: &str, item: Option<&Flow>) {
        let (Some(open), Some(close)) = (s.find('('), s.rfind(')')) else {
            return;
        };
        if close <= open {
            return;
        }
        let name = s[..open].trim();
        let args = split_args(&s[open + 1..close]);
        for (i, arg) in args.iter().enumerate() {
            let arg = arg.trim();
            if arg.starts_with("States.") {
                self.intrinsic(flow, arg, item);
            } else if arg.starts_with('$') {
                let mut hint = intrinsic_hint(name, i);
                // A constant index needs an array that long.
                if let (true, Some(n)) = (
                    name == "States.ArrayGetItem" && i == 0,
                    args.get(1).and_then(|a| a.trim().parse::<usize>().ok()),
                ) {
                    hint = Hint::ArrayOfLen(n + 1);
                }
                self.expr(flow, arg, item, hint);
            }
        }
    }

    fn rule(&mut self, flow: &Flow, rule: &Value, negated: bool) {
        for key in ["And", "Or"] {
            for r in rule
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.rule(flow, r, negated);
            }
        }
        if let Some(r) = rule.get("Not") {
            self.rule(flow, r, !negated);
        }
        let Some(var) = rule.get("Variable").and_then(Value::as_str) else {
            return;
        };
        let Some((op, value)) = rule.as_object().and_then(|m| {
            m.iter().find(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "Variable" | "Next" | "Comment" | "Assign" | "Output" | "And" | "Or" | "Not"
                )
            })
        }) else {
            return;
        };
        let Some(want) = choice_want(op, value, negated) else {
            return;
        };
        self.operand(flow, var, &want);
        if op.ends_with("Path") {
            if let Some(other) = value.as_str() {
                self.operand(flow, other, &Want::same(want.neutral.clone()));
            }
        }
    }

    fn operand(&mut self, flow: &Flow, path: &str, want: &Want) {
        if let Some(p) = parse_jsonpath(path) {
            self.read(flow, &p, want);
        } else if let Some(var) = path.strip_prefix('$').filter(|v| !v.starts_with('$')) {
            let (var, rel) = split_var(var);
            self.read_var(&var, &rel, want);
        }
    }
}

fn apply_result_path(rp: Option<&Value>, raw: &Flow, result: Flow, source: Source) -> Flow {
    match rp {
        Some(Value::Null) => raw.clone(),
        None => result,
        Some(Value::String(s)) if s.trim() == "$" => result,
        Some(Value::String(s)) => match parse_jsonpath(s) {
            Some(p) => raw.with_written(&p, source),
            None => Flow::default(),
        },
        Some(_) => Flow::default(),
    }
}

/// `name.a[0]` (after the `$`) to the variable's name and the path below it.
fn split_var(s: &str) -> (String, Path) {
    let end = s.find(['.', '[']).unwrap_or(s.len());
    let rel = parse_jsonpath(&format!("${}", &s[end..])).unwrap_or_default();
    (s[..end].to_string(), rel)
}

/// Top-level arguments of an intrinsic call, split at commas outside strings and calls.
fn split_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in s.chars() {
        if quoted {
            cur.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '\'' {
                quoted = false;
            }
            continue;
        }
        match c {
            '\'' => quoted = true,
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

/// The type an intrinsic function needs in its `i`th argument, per "Intrinsic functions"
/// (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html).
fn intrinsic_hint(name: &str, i: usize) -> Hint {
    let v = |v: Value| Hint::Value(v);
    match (name, i) {
        ("States.ArrayLength" | "States.ArrayUnique", _) => Hint::Array,
        ("States.ArrayContains" | "States.ArrayGetItem" | "States.ArrayPartition", 0) => {
            Hint::Array
        }
        ("States.ArrayGetItem", 1) => v(json!(0)),
        ("States.ArrayPartition", 1) => v(json!(1)),
        ("States.ArrayRange", 1) => v(json!(3)),
        ("States.ArrayRange", _) => v(json!(1)),
        ("States.MathAdd", _) => v(json!(1)),
        ("States.MathRandom", 0) => v(json!(1)),
        ("States.MathRandom", _) => v(json!(100)),
        ("States.StringToJson", _) => v(json!("{}")),
        ("States.Base64Decode", _) => v(json!("aGVsbG8=")),
        ("States.Hash", 1) => v(json!("SHA-256")),
        ("States.JsonMerge", 2) => v(json!(false)),
        ("States.JsonMerge", _) => Hint::Object,
        ("States.Format" | "States.StringSplit" | "States.Base64Encode" | "States.Hash", _) => {
            v(json!(PLACEHOLDER))
        }
        _ => Hint::Any,
    }
}

/// The values a Choice rule's Variable should hold. None when it should be absent.
fn choice_want(op: &str, v: &Value, negated: bool) -> Option<Want> {
    let family = ["String", "Numeric", "Boolean", "Timestamp"]
        .into_iter()
        .find(|f| op.starts_with(f));
    if family.is_none() {
        let b = v.as_bool()? != negated;
        let h = |x: Value| Hint::Value(x);
        let hint = match (op, b) {
            ("IsPresent", true) => Hint::Any,
            ("IsPresent", false) => return None,
            ("IsNull", true) => h(Value::Null),
            ("IsNumeric", true) | ("IsString", false) => h(json!(0)),
            ("IsBoolean", true) => h(json!(true)),
            ("IsTimestamp", true) => h(json!(TIMESTAMP)),
            _ => Hint::Any,
        };
        return Some(Want::same(hint));
    }
    let neutral = match family {
        Some("Numeric") => json!(0),
        Some("Boolean") => json!(true),
        Some("Timestamp") => json!(TIMESTAMP),
        _ => json!(PLACEHOLDER),
    };
    let matching = if negated || op.ends_with("Path") {
        neutral.clone()
    } else {
        comparison_match(op, v).unwrap_or_else(|| neutral.clone())
    };
    Some(Want {
        matching: Hint::Value(matching),
        neutral: Hint::Value(neutral),
    })
}

/// A value for which `value <op> v` holds.
fn comparison_match(op: &str, v: &Value) -> Option<Value> {
    let num = |d: i64| -> Option<Value> {
        match v.as_i64() {
            Some(i) => Some(json!(i + d)),
            None => v.as_f64().map(|f| json!(f + d as f64)),
        }
    };
    Some(match op {
        "StringEquals" | "StringLessThanEquals" | "StringGreaterThanEquals" => v.clone(),
        "StringLessThan" if v.as_str()?.is_empty() => return None,
        "StringLessThan" => json!(""),
        "StringGreaterThan" => json!(format!("{}~", v.as_str()?)),
        "StringMatches" => json!(matches_example(v.as_str()?)),
        "NumericEquals" | "NumericLessThanEquals" | "NumericGreaterThanEquals" => v.clone(),
        "NumericLessThan" => num(-1)?,
        "NumericGreaterThan" => num(1)?,
        "BooleanEquals" => v.clone(),
        "TimestampEquals" | "TimestampLessThanEquals" | "TimestampGreaterThanEquals" => v.clone(),
        "TimestampLessThan" => json!("1970-01-01T00:00:00Z"),
        "TimestampGreaterThan" => json!("2999-12-31T23:59:59Z"),
        _ => return None,
    })
}

/// A string StringMatches' pattern accepts: each unescaped `*` matches nothing.
fn matches_example(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '*' => {}
            c => out.push(c),
        }
    }
    out
}

#[path = "flow_jsonata.rs"]
mod jsonata;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intrinsic_arguments_split_outside_strings_and_calls() {
        assert_eq!(
            split_args("'a, {}', $.x, States.Array($.y, 1)"),
            vec!["'a, {}'", " $.x", " States.Array($.y, 1)"]
        );
    }

    #[test]
    fn string_matches_examples_match() {
        assert_eq!(matches_example("log-*.txt"), "log-.txt");
        assert_eq!(matches_example(r"a\*b*"), "a*b");
    }

    #[test]
    fn choice_values_follow_the_operator() {
        let m = |op: &str, v: Value| choice_want(op, &v, false).map(|w| w.matching);
        assert_eq!(
            m("NumericGreaterThan", json!(10)),
            Some(Hint::Value(json!(11)))
        );
        assert_eq!(
            m("NumericLessThan", json!(1.5)),
            Some(Hint::Value(json!(0.5)))
        );
        assert_eq!(
            m("StringEquals", json!("gold")),
            Some(Hint::Value(json!("gold")))
        );
        assert_eq!(
            m("StringLessThan", json!("b")),
            Some(Hint::Value(json!("")))
        );
        assert_eq!(m("IsPresent", json!(false)), None);
        assert_eq!(m("IsNull", json!(true)), Some(Hint::Value(Value::Null)));
        let neg = choice_want("BooleanEquals", &json!(false), true).map(|w| w.matching);
        assert_eq!(neg, Some(Hint::Value(json!(true))));
    }
}
