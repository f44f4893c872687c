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
/// Cap on YAML nodes after alias expansion ("billion laughs").
const MAX_YAML_NODES: usize = 2_000_000;

/// Where a node is: the key (for object members) and the value, 1-based line/column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub key: Option<(u32, u32)>,
    pub value: (u32, u32),
}

/// JSON pointer → position of every node of a parsed definition.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    map: HashMap<String, Pos>,
}

impl SourceMap {
    /// Where a pointer's node is: its key for object members, else its value. Falls back to
    /// the nearest ancestor that is known, and to (1, 1).
    pub fn locate(&self, pointer: &str) -> (u32, u32) {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.map.get(p) {
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
        match self.map.get(pointer) {
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
}

impl Source {
    pub fn parse(text: &str) -> Result<Source, Diagnostic> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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
            s.value(String::new(), None, 0);
            Ok(Source {
                value,
                map: SourceMap { map: s.map },
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
    s.push('/');
    for c in token.chars() {
        match c {
            '~' => s.push_str("~0"),
            '/' => s.push_str("~1"),
            other => s.push(other),
        }
    }
    s
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
    map: HashMap<String, Pos>,
}

impl<'a> JsonScanner<'a> {
    fn new(text: &'a str) -> Self {
        JsonScanner {
            b: text.as_bytes(),
            pos: 0,
            line: 1,
            col: 1,
            map: HashMap::new(),
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

    fn value(&mut self, ptr: String, key: Option<(u32, u32)>, depth: usize) {
        let at = self.here();
        self.map.insert(ptr.clone(), Pos { key, value: at });
        if depth > MAX_DEPTH {
            return;
        }
        match self.peek() {
            Some(b'{') => {
                self.bump();
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
                            self.value(push_pointer(&ptr, &k), Some(kpos), depth + 1);
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
                            self.value(push_pointer(&ptr, &i.to_string()), None, depth + 1);
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

enum Frame {
    Seq(Vec<Value>, String, usize),
    /// Mapping under construction, its pointer, anchor, and the pending key with its position.
    Map(
        Map<String, Value>,
        String,
        usize,
        Option<(String, (u32, u32))>,
    ),
}

struct YamlBuilder {
    stack: Vec<Frame>,
    root: Option<Value>,
    anchors: HashMap<usize, Value>,
    map: HashMap<String, Pos>,
    error: Option<(String, (u32, u32))>,
    nodes: usize,
    documents: usize,
}

fn mark_pos(m: &Marker) -> (u32, u32) {
    (m.line() as u32, m.col() as u32 + 1)
}

impl YamlBuilder {
    /// Pointer and key position for the next value, given the innermost open container.
    fn slot(&self) -> (String, Option<(u32, u32)>) {
        match self.stack.last() {
            None => (String::new(), None),
            Some(Frame::Seq(items, ptr, _)) => (push_pointer(ptr, &items.len().to_string()), None),
            Some(Frame::Map(_, ptr, _, Some((k, kp)))) => (push_pointer(ptr, k), Some(*kp)),
            Some(Frame::Map(_, ptr, _, None)) => (ptr.clone(), None),
        }
    }

    fn awaiting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map(_, _, _, None)))
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
            Some(Frame::Map(m, _, _, pending)) => {
                if let Some((k, _)) = pending.take() {
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
                    if let Some(Frame::Map(_, _, _, pending)) = self.stack.last_mut() {
                        *pending = Some((text, at));
                    }
                    return;
                }
                let (ptr, key) = self.slot();
                self.map.insert(ptr, Pos { key, value: at });
                let forced_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let v = if forced_str || style != TScalarStyle::Plain {
                    Value::String(text)
                } else {
                    plain_scalar(text)
                };
                self.finish_value(v, anchor);
            }
            Event::Alias(id) => {
                let v = self.anchors.get(&id).cloned();
                match v {
                    Some(v) => {
                        if self.awaiting_key() {
                            let k = match v {
                                Value::String(s) => s,
                                other => other.to_string(),
                            };
                            if let Some(Frame::Map(_, _, _, pending)) = self.stack.last_mut() {
                                *pending = Some((k, at));
                            }
                            return;
                        }
                        let (ptr, key) = self.slot();
                        self.map.insert(ptr, Pos { key, value: at });
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
                let (ptr, key) = self.slot();
                self.map.insert(ptr.clone(), Pos { key, value: at });
                self.stack.push(Frame::Seq(Vec::new(), ptr, anchor));
            }
            Event::MappingStart(anchor, _) => {
                if self.awaiting_key() {
                    self.fail(
                        "Mapping keys must be plain strings, not mappings".into(),
                        at,
                    );
                    return;
                }
                let (ptr, key) = self.slot();
                self.map.insert(ptr.clone(), Pos { key, value: at });
                self.stack.push(Frame::Map(Map::new(), ptr, anchor, None));
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq(items, _, anchor)) = self.stack.pop() {
                    self.finish_value(Value::Array(items), anchor);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(m, _, anchor, _)) = self.stack.pop() {
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

/// YAML 1.2 core schema for plain scalars.
fn plain_scalar(s: String) -> Value {
    match s.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let t = s.as_str();
    let int_like = {
        let d = t.strip_prefix(['-', '+']).unwrap_or(t);
        !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit())
    };
    if int_like {
        if let Ok(i) = t.trim_start_matches('+').parse::<i64>() {
            return Value::from(i);
        }
        if let Ok(u) = t.trim_start_matches('+').parse::<u64>() {
            return Value::from(u);
        }
    }
    if let Some(h) = t.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(h, 16) {
            return Value::from(i);
        }
    }
    if let Some(o) = t.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(o, 8) {
            return Value::from(i);
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
            if let Some(n) = Number::from_f64(f) {
                return Value::Number(n);
            }
        }
    }
    Value::String(s)
}

fn parse_yaml(text: &str) -> Result<Source, Diagnostic> {
    let mut b = YamlBuilder {
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        map: HashMap::new(),
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
