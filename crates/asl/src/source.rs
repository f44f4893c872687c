//! Definition text (JSON, or YAML as written in SAM/CloudFormation) to a JSON value, plus a
//! map from JSON pointers to line/column so every diagnostic can point into the source.
//! Owner: the "expressions" work. CONTRACT:
//!
//! - `parse_source(text) -> Result<Value, Diagnostic>` (key order kept; the error carries the
//!   parser's line/column, code `INVALID_JSON_DESCRIPTION`).
//! - `Source::parse(text) -> Result<Source, Diagnostic>`: the value and its [`SourceMap`].
//! - `locate(text, pointer) -> (u32, u32)`: 1-based line and column of what a pointer names
//!   (its key when it is an object member), `(1, 1)` when unknown.
//!
//! Text whose first non-blank character is `{` or `[` is read as JSON (so JSON errors read as
//! JSON errors); anything else as YAML 1.2 (core schema scalars).

use crate::{Diagnostic, Location, Severity};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// Deepest nesting accepted; deeper input is reported, not recursed into.
const MAX_DEPTH: usize = 256;
/// Cap on YAML nodes after alias expansion ("billion laughs"): what a definition within
/// AWS's 1 MB quota can hold as JSON (`[0,0,...]` spends 2 bytes a node).
const MAX_YAML_NODES: usize = MAX_DEFINITION_BYTES / 2;
/// AWS's hard quota for a state machine definition: 1 MB ("Maximum size of state machine
/// definition", https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html;
/// CreateStateMachine takes at most 1,048,576 characters).
pub const MAX_DEFINITION_BYTES: usize = 1_048_576;

/// Where a node is: the key (for object members) and the value, 1-based line/column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub key: Option<(u32, u32)>,
    pub value: (u32, u32),
}

/// JSON pointer → position of every node of a parsed definition. Keyed by a 64-bit hash of
/// the pointer, not the pointer text: the texts of all nodes together grow with key length
/// times depth squared (12 MB of deep long keys once took 1.5 GB), their hashes with the
/// node count. A collision could only misplace a diagnostic's line, never change a verdict.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    map: HashMap<u64, Pos>,
}

/// A key written twice in one object (JSON parsers keep the last one silently).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// Pointer of the member (the second occurrence is where `locate` points).
    pub pointer: String,
    pub key: String,
    /// Whether the object is a `States` field, so the key is a state name.
    pub state: bool,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Hash of a whole pointer text.
fn pointer_hash(pointer: &str) -> u64 {
    fnv(FNV_OFFSET, pointer.as_bytes())
}

/// Hash of `push_pointer(parent, token)` from the hash of `parent`, without the text.
fn child_hash(parent: u64, token: &str) -> u64 {
    let mut h = fnv(parent, b"/");
    for c in token.chars() {
        h = match c {
            '~' => fnv(h, b"~0"),
            '/' => fnv(h, b"~1"),
            other => fnv(h, other.encode_utf8(&mut [0u8; 4]).as_bytes()),
        };
    }
    h
}

impl SourceMap {
    /// Where a pointer's node is: its key for object members, else its value. Falls back to
    /// the nearest ancestor that is known, and to (1, 1).
    pub fn locate(&self, pointer: &str) -> (u32, u32) {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.map.get(&pointer_hash(p)) {
                return pos.key.unwrap_or(pos.value);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return (1, 1),
            }
        }
    }

    #[cfg_attr(not(test), allow(dead_code))] // used by the unit tests
    /// Where a pointer's value starts (not its key).
    pub fn locate_value(&self, pointer: &str) -> (u32, u32) {
        match self.map.get(&pointer_hash(pointer)) {
            Some(pos) => pos.value,
            None => self.locate(pointer),
        }
    }
}

/// A parsed definition and where each of its nodes is.
#[derive(Debug, Clone)]
pub struct Source {
    pub value: Value,
    pub map: SourceMap,
    /// Keys written twice in one object, in source order.
    pub duplicates: Vec<Duplicate>,
}

impl Source {
    pub fn parse(text: &str) -> Result<Source, Diagnostic> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.len() > MAX_DEFINITION_BYTES {
            return Err(diag(
                "SCHEMA_VALIDATION_FAILED",
                format!(
                    "The definition is {} bytes; AWS accepts state machine definitions of at most 1 MB ({MAX_DEFINITION_BYTES} bytes, a hard quota). Split the workflow into smaller state machines.",
                    text.len()
                ),
                1,
                1,
            ));
        }
        if looks_like_json(text) {
            let value: Value = serde_json::from_str(text).map_err(|e| {
                let what = e.to_string();
                let what = what.split(" at line ").next().unwrap_or_default().to_string();
                if what.contains("recursion limit") {
                    return diag(
                        "TOO_DEEPLY_NESTED",
                        "The definition is nested more than 128 levels deep; flatten it (move nested Parallel/Map work into another state machine).".into(),
                        e.line() as u32,
                        e.column() as u32,
                    );
                }
                diag(
                    "INVALID_JSON_DESCRIPTION",
                    format!("The definition is not valid JSON: {what}. Fix the syntax at this place."),
                    e.line() as u32,
                    e.column() as u32,
                )
            })?;
            let mut s = JsonScanner::new(text);
            s.ws();
            s.value(FNV_OFFSET, None, 0, false);
            Ok(Source {
                value,
                map: SourceMap { map: s.map },
                duplicates: s.duplicates,
            })
        } else {
            parse_yaml(text)
        }
    }
}

pub fn parse_source(text: &str) -> Result<Value, Diagnostic> {
    Source::parse(text).map(|s| s.value)
}

pub fn locate(text: &str, pointer: &str) -> (u32, u32) {
    match Source::parse(text) {
        Ok(s) => s.map.locate(pointer),
        Err(_) => (1, 1),
    }
}

/// Append one reference token to a JSON pointer (RFC 6901 escaping).
pub fn push_pointer(base: &str, token: &str) -> String {
    let mut s = String::with_capacity(base.len() + token.len() + 1);
    s.push_str(base);
    push_token(&mut s, token);
    s
}

/// Append `/token` (escaped) to a pointer in place.
fn push_token(s: &mut String, token: &str) {
    s.push('/');
    for c in token.chars() {
        match c {
            '~' => s.push_str("~0"),
            '/' => s.push_str("~1"),
            other => s.push(other),
        }
    }
}

fn looks_like_json(text: &str) -> bool {
    matches!(text.trim_start().chars().next(), Some('{' | '['))
}

fn diag(code: &str, message: String, line: u32, column: u32) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code: code.to_string(),
        message,
        location: Location {
            pointer: String::new(),
            line: line.max(1),
            column: column.max(1),
        },
    }
}

// ---------------------------------------------------------------------------------------
// JSON positions. The text is already known to be valid JSON; this walk only records where
// things are, and stops quietly on anything unexpected.

struct JsonScanner<'a> {
    b: &'a [u8],
    pos: usize,
    line: u32,
    col: u32,
    map: HashMap<u64, Pos>,
    /// The pointer of the node being scanned, grown and cut as the walk descends and
    /// returns (one buffer, so its cost stays linear); only duplicates copy it.
    path: String,
    duplicates: Vec<Duplicate>,
}

impl<'a> JsonScanner<'a> {
    fn new(text: &'a str) -> Self {
        JsonScanner {
            b: text.as_bytes(),
            pos: 0,
            line: 1,
            col: 1,
            map: HashMap::new(),
            path: String::new(),
            duplicates: Vec::new(),
        }
    }

    fn bump(&mut self) {
        if let Some(&c) = self.b.get(self.pos) {
            self.pos += 1;
            if c == b'\n' {
                self.line = self.line.saturating_add(1);
                self.col = 1;
            } else if c & 0xC0 != 0x80 {
                // Count characters, not bytes: continuation bytes do not move the column.
                self.col = self.col.saturating_add(1);
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn here(&self) -> (u32, u32) {
        (self.line, self.col)
    }

    /// `states`: this value is a `States` field (its keys are state names).
    fn value(&mut self, hash: u64, key: Option<(u32, u32)>, depth: usize, states: bool) {
        let at = self.here();
        self.map.insert(hash, Pos { key, value: at });
        if depth > MAX_DEPTH {
            return;
        }
        match self.peek() {
            Some(b'{') => {
                self.bump();
                let mut seen: std::collections::HashSet<String> = Default::default();
                loop {
                    self.ws();
                    match self.peek() {
                        Some(b'}') => {
                            self.bump();
                            return;
                        }
                        Some(b',') => self.bump(),
                        Some(b'"') => {
                            let kpos = self.here();
                            let k = self.string();
                            self.ws();
                            if self.peek() != Some(b':') {
                                return;
                            }
                            self.bump();
                            self.ws();
                            let child = child_hash(hash, &k);
                            let len = self.path.len();
                            push_token(&mut self.path, &k);
                            if seen.contains(&k) {
                                self.duplicates.push(Duplicate {
                                    pointer: self.path.clone(),
                                    key: k.clone(),
                                    state: states,
                                });
                            }
                            let is_states = k == "States";
                            self.value(child, Some(kpos), depth + 1, is_states);
                            self.path.truncate(len);
                            seen.insert(k);
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') => {
                self.bump();
                let mut i = 0usize;
                loop {
                    self.ws();
                    match self.peek() {
                        Some(b']') => {
                            self.bump();
                            return;
                        }
                        Some(b',') => self.bump(),
                        None => return,
                        Some(_) => {
                            let token = i.to_string();
                            let len = self.path.len();
                            push_token(&mut self.path, &token);
                            self.value(child_hash(hash, &token), None, depth + 1, false);
                            self.path.truncate(len);
                            i += 1;
                        }
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while matches!(self.peek(), Some(c) if !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                {
                    self.bump();
                }
            }
            None => {}
        }
    }

    /// A string token, decoded with serde_json so escapes match the parsed value's keys.
    fn string(&mut self) -> String {
        let start = self.pos;
        self.bump();
        while let Some(c) = self.peek() {
            match c {
                b'\\' => {
                    self.bump();
                    self.bump();
                }
                b'"' => {
                    self.bump();
                    break;
                }
                _ => self.bump(),
            }
        }
        std::str::from_utf8(&self.b[start..self.pos])
            .ok()
            .and_then(|s| serde_json::from_str::<String>(s).ok())
            .unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------
// YAML through yaml-rust2's marked event stream, building the value and the positions at once.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Where an open container is: its pointer's hash and the length of `YamlBuilder::path`
/// before its own token was appended (restored when it closes).
#[derive(Clone, Copy)]
struct At {
    hash: u64,
    path_len: usize,
}

enum Frame {
    Seq(Vec<Value>, At, usize),
    /// Mapping under construction, where it is, anchor, the pending key with its position,
    /// and whether it is a `States` field.
    Map(
        Map<String, Value>,
        At,
        usize,
        Option<(String, (u32, u32))>,
        bool,
    ),
}

struct YamlBuilder {
    stack: Vec<Frame>,
    root: Option<Value>,
    anchors: HashMap<usize, Value>,
    map: HashMap<u64, Pos>,
    /// Pointer of the innermost open container (see [`JsonScanner`]'s `path`).
    path: String,
    duplicates: Vec<Duplicate>,
    error: Option<(String, (u32, u32))>,
    nodes: usize,
    documents: usize,
}

fn mark_pos(m: &Marker) -> (u32, u32) {
    (m.line() as u32, m.col() as u32 + 1)
}

impl YamlBuilder {
    /// Pointer hash, key position and reference token for the next value, given the
    /// innermost open container.
    fn slot(&self) -> (u64, Option<(u32, u32)>, Option<String>) {
        match self.stack.last() {
            None => (FNV_OFFSET, None, None),
            Some(Frame::Seq(items, at, _)) => {
                let token = items.len().to_string();
                (child_hash(at.hash, &token), None, Some(token))
            }
            Some(Frame::Map(_, at, _, Some((k, kp)), _)) => {
                (child_hash(at.hash, k), Some(*kp), Some(k.clone()))
            }
            Some(Frame::Map(_, at, _, None, _)) => (at.hash, None, None),
        }
    }

    /// Record where the next value is; for a container, also enter its pointer.
    fn open(&mut self, pos: (u32, u32), container: bool) -> (At, bool) {
        let (hash, key, token) = self.slot();
        self.map.insert(hash, Pos { key, value: pos });
        let path_len = self.path.len();
        if container {
            if let Some(t) = &token {
                push_token(&mut self.path, t);
            }
        }
        (At { hash, path_len }, token.as_deref() == Some("States"))
    }

    fn awaiting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map(_, _, _, None, _)))
    }

    fn fail(&mut self, msg: String, at: (u32, u32)) {
        if self.error.is_none() {
            self.error = Some((msg, at));
        }
    }

    fn finish_value(&mut self, v: Value, anchor: usize) {
        self.nodes += 1;
        if self.nodes > MAX_YAML_NODES {
            self.fail(
                "The YAML document is too large after expanding aliases".into(),
                (1, 1),
            );
            return;
        }
        if anchor > 0 {
            self.anchors.insert(anchor, v.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(v);
                }
            }
            Some(Frame::Seq(items, _, _)) => items.push(v),
            Some(Frame::Map(m, _, _, pending, states)) => {
                if let Some((k, _)) = pending.take() {
                    if m.contains_key(&k) {
                        let pointer = push_pointer(&self.path, &k);
                        let state = *states;
                        self.duplicates.push(Duplicate {
                            pointer,
                            key: k.clone(),
                            state,
                        });
                    }
                    m.insert(k, v);
                }
            }
        }
    }
}

impl MarkedEventReceiver for YamlBuilder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let at = mark_pos(&mark);
        if self.stack.len() > MAX_DEPTH {
            self.fail(
                format!("The YAML is nested deeper than {MAX_DEPTH} levels"),
                at,
            );
            return;
        }
        match ev {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(
                        "The YAML holds more than one document; a definition must be a single document".into(),
                        at,
                    );
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                if self.awaiting_key() {
                    self.nodes += 1;
                    if let Some(Frame::Map(_, _, _, pending, _)) = self.stack.last_mut() {
                        *pending = Some((text, at));
                    }
                    return;
                }
                self.open(at, false);
                let forced_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let v = if forced_str || style != TScalarStyle::Plain {
                    Value::String(text)
                } else {
                    match plain_scalar(text) {
                        Ok(v) => v,
                        Err(msg) => return self.fail(msg, at),
                    }
                };
                self.finish_value(v, anchor);
            }
            Event::Alias(id) => {
                let v = self.anchors.get(&id).cloned();
                match v {
                    Some(v) => {
                        if self.awaiting_key() {
                            // An alias of a mapping or sequence as a key would be spelled
                            // out as JSON text, once per use: refused (an alias bomb).
                            let k = match v {
                                Value::String(s) => s,
                                Value::Array(_) | Value::Object(_) => {
                                    self.fail(
                                        "Mapping keys must be plain strings, not aliases of mappings or sequences".into(),
                                        at,
                                    );
                                    return;
                                }
                                other => other.to_string(),
                            };
                            self.nodes += 1;
                            if let Some(Frame::Map(_, _, _, pending, _)) = self.stack.last_mut() {
                                *pending = Some((k, at));
                            }
                            return;
                        }
                        self.open(at, false);
                        self.nodes += count_nodes(&v, 0);
                        self.finish_value(v, 0);
                    }
                    None => self.fail("An alias refers to an unknown anchor".into(), at),
                }
            }
            Event::SequenceStart(anchor, _) => {
                if self.awaiting_key() {
                    self.fail(
                        "Mapping keys must be plain strings, not sequences".into(),
                        at,
                    );
                    return;
                }
                let (place, _) = self.open(at, true);
                self.stack.push(Frame::Seq(Vec::new(), place, anchor));
            }
            Event::MappingStart(anchor, _) => {
                if self.awaiting_key() {
                    self.fail(
                        "Mapping keys must be plain strings, not mappings".into(),
                        at,
                    );
                    return;
                }
                let (place, states) = self.open(at, true);
                self.stack
                    .push(Frame::Map(Map::new(), place, anchor, None, states));
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq(items, place, anchor)) = self.stack.pop() {
                    self.path.truncate(place.path_len);
                    self.finish_value(Value::Array(items), anchor);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(m, place, anchor, _, _)) = self.stack.pop() {
                    self.path.truncate(place.path_len);
                    self.finish_value(Value::Object(m), anchor);
                }
            }
            _ => {}
        }
    }
}

fn count_nodes(v: &Value, depth: usize) -> usize {
    if depth > MAX_DEPTH {
        return 1;
    }
    match v {
        Value::Array(a) => 1 + a.iter().map(|c| count_nodes(c, depth + 1)).sum::<usize>(),
        Value::Object(m) => 1 + m.values().map(|c| count_nodes(c, depth + 1)).sum::<usize>(),
        _ => 1,
    }
}

/// YAML 1.2 core schema for plain scalars, with numbers held to what JSON (and so AWS)
/// can carry, the same way the JSON reader treats them: a number too large for a double
/// (`1e400`) and YAML's `.nan`/`.inf` are refused, as JSON has no such numbers; one too
/// small (`1.0e-400`) becomes 0, and integers beyond 64 bits become the nearest double.
fn plain_scalar(s: String) -> Result<Value, String> {
    match s.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "true" | "True" | "TRUE" => return Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Value::Bool(false)),
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => {
            return Err(format!(
                "The YAML number {s} has no JSON form (JSON has no NaN or infinity); quote it to make it a string"
            ))
        }
        _ => {}
    }
    Ok(plain_number(s)?.unwrap_or_else(Value::String))
}

/// A plain scalar read as a number: `Ok(Ok(number))`, `Ok(Err(text))` when it is not one.
#[allow(clippy::type_complexity)]
fn plain_number(s: String) -> Result<Result<Value, String>, String> {
    let t = s.as_str();
    let int_like = {
        let d = t.strip_prefix(['-', '+']).unwrap_or(t);
        !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit())
    };
    if int_like {
        if let Ok(i) = t.trim_start_matches('+').parse::<i64>() {
            return Ok(Ok(Value::from(i)));
        }
        if let Ok(u) = t.trim_start_matches('+').parse::<u64>() {
            return Ok(Ok(Value::from(u)));
        }
    }
    if let Some(h) = t.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(h, 16) {
            return Ok(Ok(Value::from(i)));
        }
    }
    if let Some(o) = t.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(o, 8) {
            return Ok(Ok(Value::from(i)));
        }
    }
    let float_like = {
        let d = t.strip_prefix(['-', '+']).unwrap_or(t);
        d.bytes().any(|c| c.is_ascii_digit())
            && d.bytes()
                .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+'))
            && d.bytes()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == b'.')
    };
    if float_like {
        if let Ok(f) = t.parse::<f64>() {
            return match Number::from_f64(f) {
                Some(n) => Ok(Ok(Value::Number(n))),
                None => Err(format!(
                    "The YAML number {s} is out of range for JSON (a double holds up to about 1.8e308)"
                )),
            };
        }
    }
    Ok(Err(s))
}

fn parse_yaml(text: &str) -> Result<Source, Diagnostic> {
    let mut b = YamlBuilder {
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        map: HashMap::new(),
        path: String::new(),
        duplicates: Vec::new(),
        error: None,
        nodes: 0,
        documents: 0,
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut b, true) {
        let m = e.marker();
        return Err(diag(
            "INVALID_JSON_DESCRIPTION",
            format!(
                "The definition is neither valid JSON nor valid YAML: {}. Fix the syntax at this place.",
                e.info()
            ),
            m.line() as u32,
            m.col() as u32 + 1,
        ));
    }
    if let Some((msg, (l, c))) = b.error {
        return Err(diag("INVALID_JSON_DESCRIPTION", msg, l, c));
    }
    match b.root {
        Some(value) => Ok(Source {
            value,
            map: SourceMap { map: b.map },
            duplicates: b.duplicates,
        }),
        None => Err(diag(
            "INVALID_JSON_DESCRIPTION",
            "The definition is empty; write a JSON or YAML object with StartAt and States".into(),
            1,
            1,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_positions() {
        let t = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"End\": true}\n  }\n}";
        let s = Source::parse(t).unwrap();
        assert_eq!(s.map.locate("/StartAt"), (2, 3));
        assert_eq!(s.map.locate("/States/A"), (4, 5));
        assert_eq!(s.map.locate("/States/A/End"), (4, 27));
        assert_eq!(s.map.locate_value("/StartAt"), (2, 14));
    }

    #[test]
    fn yaml_positions() {
        let t = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n";
        let s = Source::parse(t).unwrap();
        assert_eq!(s.value["States"]["A"]["End"], Value::Bool(true));
        assert_eq!(s.map.locate("/States/A/Type"), (4, 5));
        assert_eq!(s.map.locate_value("/States/A/Type"), (4, 11));
    }
}
