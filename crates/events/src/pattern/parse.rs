//! Compiling a pattern's JSON into the tree, refusing what EventBridge refuses with the
//! reason text EventBridge gives (taken from aws/event-ruler's `JsonRuleCompiler`, the
//! library EventBridge uses), plus where in the source the fault is.

use super::cidr::CidrError;
use super::javanum;
use super::wildcard::WildcardError;
use super::{
    AnythingBut, Bound, Cidr, Condition, Field, FieldTest, Literal, Node, Number, NumericRange,
    Pattern, Wildcard,
};
use crate::locate::{locate, pointer_escape};
use crate::PatternError;
use serde_json::{Map, Value};

/// Nesting cap for patterns and for walking events: deep enough for any real event, low
/// enough that recursion cannot exhaust the stack.
pub const MAX_DEPTH: usize = 100;

/// The ends of the numeric range EventBridge compares in: event-ruler's `Range` runs
/// one-sided ranges to `±Double.MAX_VALUE` (its `ComparableNumber` encodes every finite
/// double; older versions stopped at ±5.0e9 with six decimals).
pub const NUMERIC_LIMIT: f64 = f64::MAX;

/// Field names event-ruler reserves: they cannot be field names inside `$or`, where they
/// would be confused with operators.
const RESERVED_IN_OR: &[&str] = &[
    "exactly",
    "equals-ignore-case",
    "prefix",
    "suffix",
    "anything-but",
    "exists",
    "wildcard",
    "numeric",
    "cidr",
    "html",
    "=",
    "<",
    "<=",
    ">",
    ">=",
    "regex",
    "not-wildcard",
    "not-equals-ignore-case",
    "date-after",
    "date-on-or-after",
    "date-before",
    "date-on-or-before",
    "in-date-range",
    "ip-address-in-range",
    "ip-address-not-in-range",
];

/// A compile failure: the reason (AWS's wording) and the JSON pointer of the fault.
struct Fault {
    reason: String,
    pointer: String,
}

type Result<T> = std::result::Result<T, Fault>;

fn fault<T>(pointer: &str, reason: impl Into<String>) -> Result<T> {
    Err(Fault {
        reason: reason.into(),
        pointer: pointer.to_string(),
    })
}

pub const INVALID_PATTERN: &str = "InvalidEventPatternException";

pub(crate) fn invalid(reason: &str, pointer: String, line: u32, column: u32) -> PatternError {
    PatternError {
        error: INVALID_PATTERN.to_string(),
        message: format!("Event pattern is not valid. Reason: {reason}"),
        pointer,
        line,
        column,
    }
}

pub(crate) fn parse(source: &str) -> std::result::Result<Pattern, PatternError> {
    let value: Value = match serde_json::from_str(source) {
        Ok(v) => v,
        Err(e) => {
            // Jackson's words where it has a syntax fault to name; serde_json's otherwise.
            let (reason, line, column) = match super::jackson::syntax_fault(source) {
                Some(f) => (f.message, f.line, f.column),
                None => (json_syntax_reason(&e), e.line() as u32, e.column() as u32),
            };
            return Err(invalid(&reason, String::new(), line, column));
        }
    };
    let compiled = with_raw_numbers(source, || compile(&value).and_then(finish));
    compiled.map_err(|f| {
        let (line, column) = locate(source, &f.pointer);
        invalid(&f.reason, f.pointer, line, column)
    })
}

/// serde_json's message without its own " at line X column Y" tail (we report those apart).
pub fn json_syntax_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Compiles an already-parsed pattern (the bus keeps patterns as values); the error has
/// no line/column since there is no source text.
pub fn compile_value(value: &Value) -> std::result::Result<Pattern, PatternError> {
    compile(value)
        .and_then(finish)
        .map_err(|f| invalid(&f.reason, f.pointer, 0, 0))
}

fn compile(value: &Value) -> Result<Pattern> {
    match value {
        Value::Object(map) => Ok(Pattern {
            root: object(map, "", 0, false)?,
        }),
        _ => fault("", "Filter is not an object"),
    }
}

/// Checks made on the whole pattern (so their pointers follow the source), then the
/// normalisation matching relies on.
fn finish(pattern: Pattern) -> Result<Pattern> {
    check_complexity(&pattern)?;
    // Dotted keys name nested fields (see `dotted`), split after the checks so that faults
    // still point at the keys as written.
    let pattern = Pattern {
        root: super::dotted::split_pattern(pattern.root),
    };
    let mut budget = MAX_NORMALIZED_NODES;
    Ok(Pattern {
        root: normalize(pattern.root, &mut budget),
    })
}

/// Caps on what [`normalize`] may create (per `$or` node, and for the whole pattern);
/// beyond them the tree is left as written, so no pattern can make parsing blow up.
const MAX_NORMALIZED_ALTERNATIVES: usize = 256;
const MAX_NORMALIZED_NODES: usize = 20_000;

/// EventBridge expands `$or` into whole alternatives before matching, so a field written
/// beside a `$or` and a field inside one that lead into the same object must be satisfied
/// by the same element when that object is in an array. The tree walk keeps objects
/// together per node, so where an alternative reaches into an object its siblings also
/// reach into, the `$or` is distributed over the node and the shared objects merged.
fn normalize(mut node: Node, budget: &mut usize) -> Node {
    for field in &mut node.fields {
        if let FieldTest::Nested(child) = &mut field.test {
            *child = normalize(std::mem::take(child), budget);
        }
    }
    for group in &mut node.any_of {
        for alt in group.iter_mut() {
            *alt = normalize(std::mem::take(alt), budget);
        }
    }
    if node.any_of.is_empty() || !shares_objects(&node) {
        return node;
    }
    let combos = node
        .any_of
        .iter()
        .try_fold(1usize, |acc, g| acc.checked_mul(g.len()))
        .unwrap_or(usize::MAX);
    // Each alternative copies the node's own fields, so charge for what gets copied.
    let cost = combos.saturating_mul(size(&node));
    if combos > MAX_NORMALIZED_ALTERNATIVES || cost > *budget {
        return node;
    }
    *budget -= cost;
    let base = Node {
        fields: node.fields.clone(),
        any_of: Vec::new(),
    };
    let mut alternatives = vec![base];
    for group in &node.any_of {
        let mut next = Vec::with_capacity(alternatives.len() * group.len());
        for acc in &alternatives {
            for alt in group {
                next.push(merge(acc.clone(), alt.clone()));
            }
        }
        alternatives = next;
    }
    Node {
        fields: Vec::new(),
        any_of: vec![alternatives
            .into_iter()
            .map(|alt| normalize(alt, budget))
            .collect()],
    }
}

/// How many nodes and fields a subtree holds.
fn size(node: &Node) -> usize {
    let fields: usize = node
        .fields
        .iter()
        .map(|f| match &f.test {
            FieldTest::Nested(child) => 1 + size(child),
            FieldTest::Leaf(_) => 1,
        })
        .sum();
    let alternatives: usize = node.any_of.iter().flatten().map(size).sum();
    1 + fields + alternatives
}

/// Whether two parts of the node (its fields, or different `$or` groups) lead into an
/// object of the same name.
fn shares_objects(node: &Node) -> bool {
    fn nested_names(n: &Node, out: &mut Vec<String>) {
        for f in &n.fields {
            if matches!(f.test, FieldTest::Nested(_)) {
                out.push(f.name.clone());
            }
        }
        for alt in n.any_of.iter().flatten() {
            nested_names(alt, out);
        }
    }
    let mut parts: Vec<Vec<String>> = Vec::new();
    let mut own = Vec::new();
    for f in &node.fields {
        if matches!(f.test, FieldTest::Nested(_)) {
            own.push(f.name.clone());
        }
    }
    parts.push(own);
    for group in &node.any_of {
        let mut names = Vec::new();
        for alt in group {
            nested_names(alt, &mut names);
        }
        parts.push(names);
    }
    for (i, a) in parts.iter().enumerate() {
        for b in &parts[i + 1..] {
            if a.iter().any(|n| b.contains(n)) {
                return true;
            }
        }
    }
    false
}

/// The conjunction of two nodes, with same-named objects merged into one.
fn merge(mut into: Node, from: Node) -> Node {
    for field in from.fields {
        let existing = into.fields.iter_mut().find(|f| {
            f.name == field.name
                && matches!(f.test, FieldTest::Nested(_))
                && matches!(field.test, FieldTest::Nested(_))
        });
        match (existing, field.test) {
            (Some(target), FieldTest::Nested(child)) => {
                if let FieldTest::Nested(inner) = &mut target.test {
                    *inner = merge(std::mem::take(inner), child);
                }
            }
            (_, test) => into.fields.push(Field {
                name: field.name,
                test,
            }),
        }
    }
    into.any_of.extend(from.any_of);
    into
}

fn child_pointer(parent: &str, key: &str) -> String {
    format!("{parent}/{}", pointer_escape(key))
}

fn object(map: &Map<String, Value>, pointer: &str, depth: usize, in_or: bool) -> Result<Node> {
    if depth > MAX_DEPTH {
        return fault(
            pointer,
            format!("Pattern is nested more than {MAX_DEPTH} levels deep"),
        );
    }
    if map.is_empty() {
        return fault(pointer, "Empty objects are not allowed");
    }
    let mut node = Node::default();
    for (key, value) in map {
        let here = child_pointer(pointer, key);
        if key == "$or" {
            node.any_of.push(or_group(value, &here, depth)?);
            continue;
        }
        if in_or && RESERVED_IN_OR.contains(&key.as_str()) {
            return fault(
                &here,
                format!("{key} is Ruler reserved fieldName which cannot be used inside $or."),
            );
        }
        let test = match value {
            Value::Object(inner) => FieldTest::Nested(object(inner, &here, depth + 1, in_or)?),
            Value::Array(items) => FieldTest::Leaf(leaf_array(items, &here)?),
            _ => return fault(&here, format!("\"{key}\" must be an object or an array")),
        };
        node.fields.push(Field {
            name: key.clone(),
            test,
        });
    }
    Ok(node)
}

fn or_group(value: &Value, pointer: &str, depth: usize) -> Result<Vec<Node>> {
    let Value::Array(items) = value else {
        return fault(pointer, "It must be an Array followed with $or.");
    };
    let mut alternatives = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let here = format!("{pointer}/{i}");
        match item {
            Value::Object(map) => alternatives.push(object(map, &here, depth + 1, true)?),
            _ => {
                return fault(
                    &here,
                    "Only JSON object is allowed in array of $or relationship.",
                )
            }
        }
    }
    if alternatives.len() < 2 {
        return fault(
            pointer,
            "There must have at least 2 Objects in $or relationship.",
        );
    }
    Ok(alternatives)
}

fn leaf_array(items: &[Value], pointer: &str) -> Result<Vec<Condition>> {
    if items.is_empty() {
        return fault(pointer, "Empty arrays are not allowed");
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let here = format!("{pointer}/{i}");
        let cond = match item {
            Value::Object(map) => match_expression(map, &here)?,
            Value::String(s) => Condition::Exact(Literal::String(s.clone())),
            Value::Number(n) => Condition::Exact(Literal::Number(number(n))),
            Value::Bool(b) => Condition::Exact(Literal::Bool(*b)),
            Value::Null => Condition::Exact(Literal::Null),
            Value::Array(_) => {
                return fault(
                    &here,
                    "Match value must be String, number, true, false, or null",
                )
            }
        };
        out.push(cond);
    }
    Ok(out)
}

fn number(n: &serde_json::Number) -> Number {
    Number {
        text: n.to_string(),
        value: n.as_f64().unwrap_or(f64::NAN),
    }
}

/// Checks a number is one EventBridge can compare: event-ruler's `ComparableNumber`
/// parses the text as a `BigDecimal` and refuses it unless the double nearest to it
/// reads back as exactly that decimal (so it is finite, and no digits were lost).
/// `text` is the number as written where the source is known.
pub(crate) fn comparable(value: f64, text: &str) -> std::result::Result<f64, String> {
    if javanum::is_exact_double(text, value) {
        Ok(value)
    } else {
        Err(format!("Cannot compare number : {text}"))
    }
}

thread_local! {
    /// While a pattern's source is compiled: (pointer, text as written) of its numbers
    /// that serde_json's `f64` does not hold exactly (their text is lost in the `Value`).
    static RAW_NUMBERS: std::cell::RefCell<Vec<(String, String)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

fn with_raw_numbers<T>(source: &str, f: impl FnOnce() -> T) -> T {
    let mut found = Vec::new();
    let mut walker = RawNumbers {
        b: source.as_bytes(),
        i: 0,
        pointer: String::new(),
        out: &mut found,
    };
    // The source already parsed, so the walk cannot fail on valid JSON; if it stopped
    // early the numbers after that point are judged by their parsed value.
    let _ = walker.value(0);
    RAW_NUMBERS.with(|r| *r.borrow_mut() = found);
    let out = f();
    RAW_NUMBERS.with(|r| r.borrow_mut().clear());
    out
}

/// The text of the number at `pointer` as written, when it differs from its value.
fn written(pointer: &str, n: &Number) -> String {
    RAW_NUMBERS
        .with(|r| {
            r.borrow()
                .iter()
                .rev()
                .find(|(p, _)| p == pointer)
                .map(|(_, t)| t.clone())
        })
        .unwrap_or_else(|| n.text.clone())
}

/// A walk over pattern source recording numbers a double cannot hold exactly.
struct RawNumbers<'a> {
    b: &'a [u8],
    i: usize,
    pointer: String,
    out: &'a mut Vec<(String, String)>,
}

impl RawNumbers<'_> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn string(&mut self) -> Option<String> {
        let start = self.i;
        self.i += 1;
        loop {
            match *self.b.get(self.i)? {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    break;
                }
                _ => self.i += 1,
            }
        }
        serde_json::from_slice(self.b.get(start..self.i)?).ok()
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH + 1 {
            return None;
        }
        self.ws();
        let keep = self.pointer.len();
        match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                loop {
                    self.ws();
                    match *self.b.get(self.i)? {
                        b'}' => {
                            self.i += 1;
                            return Some(());
                        }
                        b',' => self.i += 1,
                        b'"' => {
                            let key = self.string()?;
                            self.ws();
                            self.i += 1; // ':'
                            self.pointer.push('/');
                            self.pointer.push_str(&pointer_escape(&key));
                            self.value(depth + 1)?;
                            self.pointer.truncate(keep);
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut index = 0usize;
                loop {
                    self.ws();
                    match *self.b.get(self.i)? {
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        b',' => self.i += 1,
                        _ => {
                            self.pointer.push_str(&format!("/{index}"));
                            self.value(depth + 1)?;
                            self.pointer.truncate(keep);
                            index += 1;
                        }
                    }
                }
            }
            b'"' => self.string().map(|_| ()),
            b'-' | b'0'..=b'9' => {
                let start = self.i;
                while self
                    .b
                    .get(self.i)
                    .is_some_and(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    self.i += 1;
                }
                let text = std::str::from_utf8(&self.b[start..self.i]).ok()?;
                let value: f64 = text.parse().ok()?;
                if !javanum::is_exact_double(text, value) {
                    self.out.push((self.pointer.clone(), text.to_string()));
                }
                Some(())
            }
            _ => {
                // true, false, null
                while self.b.get(self.i).is_some_and(u8::is_ascii_alphabetic) {
                    self.i += 1;
                }
                Some(())
            }
        }
    }
}

fn single_key<'a>(map: &'a Map<String, Value>, pointer: &str) -> Result<(&'a String, &'a Value)> {
    let mut iter = map.iter();
    let Some(first) = iter.next() else {
        return fault(pointer, "Match expression name not found");
    };
    Ok(first)
}

/// The second key of an operator object, if any (AWS refuses it after checking the first).
fn extra_key(map: &Map<String, Value>, pointer: &str) -> Option<String> {
    map.keys().nth(1).map(|k| child_pointer(pointer, k))
}

fn string_arg<'a>(value: &'a Value, pointer: &str, message: &str) -> Result<&'a str> {
    match value {
        Value::String(s) => Ok(s),
        _ => fault(pointer, message),
    }
}

fn only_one_key(map: &Map<String, Value>, pointer: &str) -> Result<()> {
    match extra_key(map, pointer) {
        Some(p) => fault(&p, "Only one key allowed in match expression"),
        None => Ok(()),
    }
}

fn match_expression(map: &Map<String, Value>, pointer: &str) -> Result<Condition> {
    let (op, arg) = single_key(map, pointer)?;
    let here = child_pointer(pointer, op);
    let cond = match op.as_str() {
        "exactly" => {
            let s = string_arg(arg, &here, "exact match pattern must be a string")?;
            Condition::Exact(Literal::String(s.to_string()))
        }
        "prefix" => match arg {
            Value::Object(inner) => {
                let s = ignore_case_object(inner, &here, "Prefix")?;
                Condition::PrefixEqualsIgnoreCase(s)
            }
            _ => Condition::Prefix(
                string_arg(arg, &here, "prefix match pattern must be a string")?.to_string(),
            ),
        },
        "suffix" => match arg {
            Value::Object(inner) => {
                let s = ignore_case_object(inner, &here, "Suffix")?;
                Condition::SuffixEqualsIgnoreCase(s)
            }
            _ => Condition::Suffix(
                string_arg(arg, &here, "suffix match pattern must be a string")?.to_string(),
            ),
        },
        "equals-ignore-case" => Condition::EqualsIgnoreCase(
            string_arg(
                arg,
                &here,
                "equals-ignore-case match pattern must be a string",
            )?
            .to_string(),
        ),
        "wildcard" => {
            let s = string_arg(arg, &here, "wildcard match pattern must be a string")?;
            Condition::Wildcard(wildcard(s, &here)?)
        }
        "numeric" => {
            let Value::Array(items) = arg else {
                return fault(&here, "Value of numeric must be an array.");
            };
            let range = numeric(items, &here)?;
            if let Some(p) = extra_key(map, pointer) {
                return fault(&p, "Too many elements in numeric expression");
            }
            return Ok(Condition::Numeric(range));
        }
        "exists" => match arg {
            Value::Bool(b) => Condition::Exists(*b),
            _ => return fault(&here, "exists match pattern must be either true or false."),
        },
        "cidr" => {
            // AWS reuses the prefix wording here.
            let s = string_arg(arg, &here, "prefix match pattern must be a string")?;
            match Cidr::parse_checked(s) {
                Ok(c) => Condition::Cidr(c),
                Err(e) => return fault(&here, cidr_reason(&e, s)),
            }
        }
        "anything-but" => {
            let ab = anything_but(arg, &here)?;
            if let Some(p) = extra_key(map, pointer) {
                return fault(&p, "Too many elements in numeric expression");
            }
            return Ok(Condition::AnythingBut(ab));
        }
        other => return fault(&here, format!("Unrecognized match type {other}")),
    };
    only_one_key(map, pointer)?;
    Ok(cond)
}

fn cidr_reason(e: &CidrError, source: &str) -> String {
    let ip = source.split('/').next().unwrap_or_default();
    match e {
        CidrError::SlashCount => "Malformed CIDR, one '/' required".to_string(),
        CidrError::MaskNotInteger => "Malformed CIDR, mask bits must be an integer".to_string(),
        CidrError::MaskNegative => "Malformed CIDR, mask bits must not be negative".to_string(),
        CidrError::InvalidIp => format!("Invalid IP address: {ip}"),
        CidrError::NonstandardIp => format!("Nonstandard IP address: {ip}"),
        CidrError::V4MaskTooLarge => "IPv4 mask bits must be < 32".to_string(),
        CidrError::V6MaskTooLarge => "IPv6 mask bits must be < 128".to_string(),
    }
}

fn wildcard(s: &str, pointer: &str) -> Result<Wildcard> {
    match Wildcard::parse(s) {
        Ok(w) => Ok(w),
        // AWS counts positions in the quoted form, so one more than the raw index.
        Err(WildcardError::ConsecutiveWildcards(pos)) => fault(
            pointer,
            format!("Consecutive wildcard characters at pos {}", pos + 1),
        ),
        Err(WildcardError::InvalidEscape(pos)) => fault(
            pointer,
            format!("Invalid escape character at pos {}", pos + 1),
        ),
    }
}

/// `{"equals-ignore-case": "..."}` inside `prefix` / `suffix`.
fn ignore_case_object(inner: &Map<String, Value>, pointer: &str, kind: &str) -> Result<String> {
    let Some((op, arg)) = inner.iter().next() else {
        return fault(pointer, format!("{kind} expression name not found"));
    };
    let here = child_pointer(pointer, op);
    if op != "equals-ignore-case" {
        return fault(
            &here,
            format!("Unsupported {} pattern: {op}", kind.to_lowercase()),
        );
    }
    let s = string_arg(
        arg,
        &here,
        "equals-ignore-case match pattern must be a string",
    )?;
    only_one_key(inner, pointer)?;
    Ok(s.to_string())
}

const AB_VALUE: &str = "Value of anything-but must be an array or single string/number value.";

fn anything_but(arg: &Value, pointer: &str) -> Result<AnythingBut> {
    match arg {
        Value::Object(inner) => {
            let Some((op, value)) = inner.iter().next() else {
                return fault(pointer, "Anything-But expression name not found");
            };
            let here = child_pointer(pointer, op);
            let kind = match op.as_str() {
                "equals-ignore-case" => SetKind::IgnoreCase,
                "prefix" => SetKind::Prefix,
                "suffix" => SetKind::Suffix,
                "wildcard" => SetKind::Wildcard,
                other => return fault(&here, format!("Unsupported anything-but pattern: {other}")),
            };
            let strings = match value {
                Value::Array(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        out.push(set_string(item, &format!("{here}/{i}"), kind)?);
                    }
                    out
                }
                Value::String(_) | Value::Number(_) => vec![set_string(value, &here, kind)?],
                _ => return fault(&here, AB_VALUE),
            };
            if let Some(p) = extra_key(inner, pointer) {
                return fault(&p, "Too many elements in numeric expression");
            }
            Ok(match kind {
                SetKind::IgnoreCase => AnythingBut::EqualsIgnoreCase(strings),
                SetKind::Prefix => AnythingBut::Prefix(strings),
                SetKind::Suffix => AnythingBut::Suffix(strings),
                SetKind::Wildcard => {
                    let mut ws = Vec::with_capacity(strings.len());
                    for s in &strings {
                        ws.push(wildcard(s, &here)?);
                    }
                    AnythingBut::Wildcard(ws)
                }
            })
        }
        Value::Array(items) => {
            let mut values = Vec::with_capacity(items.len());
            let (mut strings, mut numbers) = (false, false);
            for (i, item) in items.iter().enumerate() {
                let here = format!("{pointer}/{i}");
                match item {
                    Value::String(s) => {
                        strings = true;
                        values.push(Literal::String(s.clone()));
                    }
                    Value::Number(n) => {
                        numbers = true;
                        let num = number(n);
                        if let Err(reason) = comparable(num.value, &written(&here, &num)) {
                            return fault(&here, reason);
                        }
                        values.push(Literal::Number(num));
                    }
                    _ => {
                        return fault(
                            &here,
                            "Inside anything but list, start|null|boolean is not supported.",
                        )
                    }
                }
            }
            if strings == numbers {
                return fault(
                    pointer,
                    "Inside anything but list, either all values are number or string, mixed type is not supported",
                );
            }
            Ok(AnythingBut::Values(values))
        }
        Value::String(s) => Ok(AnythingBut::Values(vec![Literal::String(s.clone())])),
        Value::Number(n) => {
            let num = number(n);
            if let Err(reason) = comparable(num.value, &written(pointer, &num)) {
                return fault(pointer, reason);
            }
            Ok(AnythingBut::Values(vec![Literal::Number(num)]))
        }
        _ => fault(pointer, AB_VALUE),
    }
}

#[derive(Clone, Copy)]
enum SetKind {
    IgnoreCase,
    Prefix,
    Suffix,
    Wildcard,
}

fn set_string(item: &Value, pointer: &str, kind: SetKind) -> Result<String> {
    match item {
        Value::String(s) => {
            if s.is_empty() && matches!(kind, SetKind::Prefix | SetKind::Suffix) {
                return fault(pointer, "Null prefix/suffix not allowed");
            }
            Ok(s.clone())
        }
        _ => fault(
            pointer,
            match kind {
                SetKind::IgnoreCase => "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
                SetKind::Wildcard => "wildcard match pattern must be a string",
                SetKind::Prefix | SetKind::Suffix => "prefix/suffix match pattern must be a string",
            },
        ),
    }
}

/// Jackson's `getText()` of a token, which AWS quotes in some numeric messages.
fn token_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(_) => "[".to_string(),
        Value::Object(_) => "{".to_string(),
        other => other.to_string(),
    }
}

/// The operand of a numeric operator: must be a JSON number (range checks come later,
/// in AWS's order: bounds first, then each number's comparability).
fn numeric_value(v: Option<&Value>, op: &str, pointer: &str) -> Result<Number> {
    let name = if op == "=" { "equals" } else { op };
    match v {
        Some(Value::Number(n)) => Ok(number(n)),
        _ => fault(pointer, format!("Value of {name} must be numeric")),
    }
}

fn numeric(items: &[Value], pointer: &str) -> Result<NumericRange> {
    let at = |i: usize| format!("{pointer}/{i}");
    let op = match items.first() {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return fault(
                &at(0),
                format!("Invalid member in numeric match: {}", token_text(other)),
            )
        }
        None => return fault(pointer, "Invalid member in numeric match: ]"),
    };
    let bound = |value: f64, inclusive: bool| Some(Bound { value, inclusive });
    let too_many = |i: usize| fault(&at(i), "Too many elements in numeric expression");
    // One-sided ranges run to the largest doubles (event-ruler does not check their
    // order, so a bound at the very end is just an empty range).
    let floor = bound(-NUMERIC_LIMIT, true);
    let ceiling = bound(NUMERIC_LIMIT, true);
    let comparable_at = |n: &Number, i: usize| {
        let here = at(i);
        comparable(n.value, &written(&here, n)).or_else(|reason| fault(&here, reason))
    };
    match op {
        "=" => {
            let n = numeric_value(items.get(1), op, &at(1))?;
            if items.len() > 2 {
                return too_many(2);
            }
            comparable_at(&n, 1)?;
            Ok(NumericRange {
                lower: bound(n.value, true),
                upper: bound(n.value, true),
            })
        }
        "<" | "<=" => {
            let n = numeric_value(items.get(1), op, &at(1))?;
            if items.len() > 2 {
                return too_many(2);
            }
            comparable_at(&n, 1)?;
            Ok(NumericRange {
                lower: floor,
                upper: bound(n.value, op == "<="),
            })
        }
        ">" | ">=" => {
            let n = numeric_value(items.get(1), op, &at(1))?;
            let lower = bound(n.value, op == ">=");
            let Some(second) = items.get(2) else {
                comparable_at(&n, 1)?;
                return Ok(NumericRange {
                    lower,
                    upper: ceiling,
                });
            };
            let top_op = match second {
                Value::String(s) if s == "<" || s == "<=" => s.as_str(),
                Value::String(s) => {
                    return fault(&at(2), format!("Bad numeric range operator: {s}"))
                }
                other => {
                    return fault(
                        &at(2),
                        format!("Bad value in numeric range: {}", token_text(other)),
                    )
                }
            };
            let top = numeric_value(items.get(3), top_op, &at(3))?;
            if items.len() > 4 {
                return fault(&at(4), "Too many terms in numeric range expression");
            }
            comparable_at(&n, 1)?;
            comparable_at(&top, 3)?;
            check_order(
                NumericRange {
                    lower,
                    upper: bound(top.value, top_op == "<="),
                },
                pointer,
            )
        }
        other => fault(
            &at(0),
            format!("Unrecognized numeric range operator: {other}"),
        ),
    }
}

/// A two-sided range must have its bottom strictly below its top, whatever the
/// inclusiveness (event-ruler compares the encoded bounds).
fn check_order(range: NumericRange, pointer: &str) -> Result<NumericRange> {
    if let (Some(lo), Some(hi)) = (range.lower, range.upper) {
        if lo.value >= hi.value {
            return fault(pointer, "Bottom must be less than top");
        }
    }
    Ok(range)
}

const TOO_COMPLEX: &str = "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character";

/// Gathers, per field path (all `$or` branches together, as AWS builds one machine per
/// field), the wildcards written for it, and refuses the pattern when they are too complex.
fn check_complexity(pattern: &Pattern) -> Result<()> {
    use std::collections::BTreeMap;
    fn walk<'a>(
        node: &'a Node,
        path: &str,
        pointer: &str,
        out: &mut BTreeMap<String, (String, Vec<&'a Wildcard>)>,
    ) {
        for field in &node.fields {
            let p = if path.is_empty() {
                field.name.clone()
            } else {
                format!("{path}.{}", field.name)
            };
            let ptr = child_pointer(pointer, &field.name);
            match &field.test {
                FieldTest::Nested(child) => walk(child, &p, &ptr, out),
                FieldTest::Leaf(conds) => {
                    for c in conds {
                        let ws: Vec<&Wildcard> = match c {
                            Condition::Wildcard(w) => vec![w],
                            Condition::AnythingBut(AnythingBut::Wildcard(ws)) => {
                                ws.iter().collect()
                            }
                            _ => continue,
                        };
                        let entry = out
                            .entry(p.clone())
                            .or_insert_with(|| (ptr.clone(), Vec::new()));
                        entry.1.extend(ws);
                    }
                }
            }
        }
        for group in &node.any_of {
            for (i, alt) in group.iter().enumerate() {
                walk(alt, path, &format!("{pointer}/$or/{i}"), out);
            }
        }
    }
    let mut by_path = BTreeMap::new();
    walk(&pattern.root, "", "", &mut by_path);
    for (pointer, wildcards) in by_path.values() {
        if super::wildcard::complexity(wildcards) > super::wildcard::MAX_COMPLEXITY {
            return fault(pointer, TOO_COMPLEX);
        }
    }
    Ok(())
}
