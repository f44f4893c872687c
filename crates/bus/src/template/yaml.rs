//! Reading a template's text into JSON values. YAML goes through yaml-rust2's event stream
//! because CloudFormation's short-form tags (`!Ref`, `!Sub`, `!GetAtt`...) only show up
//! there; each tag becomes the long form (`{"Ref": ..}`, `{"Fn::Sub": ..}`) so the rest of
//! the importer sees one shape whatever the template was written in.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html>

use super::TemplateError;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deepest nesting accepted, so a hostile template cannot exhaust the stack.
const MAX_DEPTH: usize = 200;
/// Most values built (aliases included), so alias bombs stop early.
const MAX_NODES: usize = 1_000_000;

/// The short-form tags CloudFormation documents, with the long form each stands for.
const FUNCTIONS: &[&str] = &[
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "Length",
    "ToJsonString",
    "And",
    "Equals",
    "If",
    "Not",
    "Or",
];

/// JSON when the text starts like a JSON object (`{"`), YAML otherwise — a YAML flow
/// mapping (`{Resources: ...}`) included. JSON errors are reported as such, being clearer
/// for what was meant than YAML's reading of broken JSON.
pub(crate) fn parse(text: &str) -> Result<(Value, &'static str), TemplateError> {
    let json_like = text
        .trim_start()
        .strip_prefix('{')
        .is_some_and(|rest| matches!(rest.trim_start().chars().next(), Some('"') | Some('}')));
    if json_like {
        return serde_json::from_str(text)
            .map(|v| (v, "json"))
            .map_err(|e| {
                TemplateError::at(
                    format!("The template is not valid JSON: {e}"),
                    e.line(),
                    e.column(),
                )
            });
    }
    parse_yaml(text).map(|v| (v, "yaml"))
}

/// The long form of a short-form tag applied to `value`; `None` for a tag we do not know.
fn long_form(tag: &Tag, value: Value) -> Option<Value> {
    if tag.handle != "!" {
        return Some(value);
    }
    let name = tag.suffix.as_str();
    let wrap = |key: String, v: Value| {
        let mut m = Map::new();
        m.insert(key, v);
        Value::Object(m)
    };
    match name {
        "Ref" => Some(wrap("Ref".into(), value)),
        "Condition" => Some(wrap("Condition".into(), value)),
        // `!GetAtt Resource.Attribute` splits at the first dot; the attribute may hold more.
        "GetAtt" => match value {
            Value::String(s) => {
                let parts = match s.split_once('.') {
                    Some((r, a)) => vec![Value::from(r), Value::from(a)],
                    None => vec![Value::from(s)],
                };
                Some(wrap("Fn::GetAtt".into(), Value::Array(parts)))
            }
            other => Some(wrap("Fn::GetAtt".into(), other)),
        },
        _ if FUNCTIONS.contains(&name) => Some(wrap(format!("Fn::{name}"), value)),
        _ => None,
    }
}

enum Frame {
    Seq(Vec<Value>, usize, Option<Tag>),
    Map(Map<String, Value>, usize, Option<Tag>, Option<String>),
}

struct Builder {
    stack: Vec<Frame>,
    root: Option<Value>,
    anchors: HashMap<usize, Value>,
    error: Option<TemplateError>,
    nodes: usize,
    documents: usize,
    /// Where the innermost open container started, for an unknown tag on it.
    starts: Vec<(usize, usize)>,
    /// The unknown tag an error is about: the parser marks the end of a tagged scalar, so
    /// the column is moved back to the tag itself.
    unknown_tag: Option<String>,
}

fn at(mark: &Marker) -> (usize, usize) {
    (mark.line(), mark.col() + 1)
}

impl Builder {
    fn fail(&mut self, message: String, (line, column): (usize, usize)) {
        if self.error.is_none() {
            self.error = Some(TemplateError::at(message, line, column));
        }
    }

    fn awaiting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map(_, _, _, None)))
    }

    fn tagged(&mut self, tag: Option<Tag>, v: Value, place: (usize, usize)) -> Option<Value> {
        match tag {
            None => Some(v),
            Some(tag) => {
                let label = format!("{}{}", tag.handle, tag.suffix);
                let out = long_form(&tag, v);
                if out.is_none() {
                    self.unknown_tag = Some(label.clone());
                    self.fail(
                        format!("Unknown tag {label}: CloudFormation's short forms are !Ref, !Sub, !GetAtt, !Join, !Select, !If and the other Fn:: names"),
                        place,
                    );
                }
                out
            }
        }
    }

    fn finish(&mut self, v: Value, anchor: usize, place: (usize, usize)) {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            self.fail(
                "The template is too large once aliases are expanded".into(),
                place,
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
                if let Some(k) = pending.take() {
                    m.insert(k, v);
                }
            }
        }
    }

    fn set_key(&mut self, key: String) {
        if let Some(Frame::Map(_, _, _, pending)) = self.stack.last_mut() {
            *pending = Some(key);
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let place = at(&mark);
        if self.stack.len() > MAX_DEPTH {
            self.fail(
                format!("The template is nested deeper than {MAX_DEPTH} levels"),
                place,
            );
            return;
        }
        match ev {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(
                        "The YAML holds more than one document; a template is one".into(),
                        place,
                    );
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                if self.awaiting_key() {
                    self.set_key(text);
                    return;
                }
                let forced_str = tag
                    .as_ref()
                    .is_some_and(|t| t.handle == "!!" && t.suffix == "str");
                let v = if forced_str
                    || style != TScalarStyle::Plain
                    || tag.as_ref().is_some_and(|t| t.handle == "!")
                {
                    Value::String(text)
                } else {
                    plain_scalar(text)
                };
                if let Some(v) = self.tagged(tag, v, place) {
                    self.finish(v, anchor, place);
                }
            }
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(v) if self.awaiting_key() => self.set_key(match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                }),
                Some(v) => {
                    self.nodes += count(&v, 0);
                    self.finish(v, 0, place);
                }
                None => self.fail("An alias refers to an unknown anchor".into(), place),
            },
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag)
                if self.awaiting_key() =>
            {
                let _ = (anchor, tag);
                self.fail("Mapping keys must be plain strings".into(), place);
            }
            Event::SequenceStart(anchor, tag) => {
                self.starts.push(place);
                self.stack.push(Frame::Seq(Vec::new(), anchor, tag));
            }
            Event::MappingStart(anchor, tag) => {
                self.starts.push(place);
                self.stack.push(Frame::Map(Map::new(), anchor, tag, None));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let start = self.starts.pop().unwrap_or(place);
                let (v, anchor, tag) = match self.stack.pop() {
                    Some(Frame::Seq(items, anchor, tag)) => (Value::Array(items), anchor, tag),
                    Some(Frame::Map(m, anchor, tag, _)) => (Value::Object(m), anchor, tag),
                    None => return,
                };
                if let Some(v) = self.tagged(tag, v, start) {
                    self.finish(v, anchor, start);
                }
            }
            _ => {}
        }
    }
}

fn count(v: &Value, depth: usize) -> usize {
    if depth > MAX_DEPTH {
        return 1;
    }
    match v {
        Value::Array(a) => 1 + a.iter().map(|c| count(c, depth + 1)).sum::<usize>(),
        Value::Object(m) => 1 + m.values().map(|c| count(c, depth + 1)).sum::<usize>(),
        _ => 1,
    }
}

/// YAML 1.2 core schema for plain scalars (CloudFormation reads `true`, `10`, `1.5` so).
fn plain_scalar(s: String) -> Value {
    match s.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(&s);
    if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
        if let Ok(i) = s.trim_start_matches('+').parse::<i64>() {
            return Value::from(i);
        }
    }
    let float_like = digits.bytes().next().is_some_and(|c| c.is_ascii_digit())
        && digits
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+'));
    if float_like {
        if let Some(n) = s.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(s)
}

fn parse_yaml(text: &str) -> Result<Value, TemplateError> {
    let mut b = Builder {
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        error: None,
        nodes: 0,
        documents: 0,
        starts: Vec::new(),
        unknown_tag: None,
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut b, true) {
        let m = e.marker();
        return Err(TemplateError::at(
            format!(
                "The template is neither valid JSON nor valid YAML: {}",
                e.info()
            ),
            m.line(),
            m.col() + 1,
        ));
    }
    if let Some(mut e) = b.error {
        if let (Some(label), Some(line)) = (&b.unknown_tag, e.line) {
            let found = text
                .lines()
                .nth(line.saturating_sub(1))
                .and_then(|l| l.find(label.as_str()));
            if let Some(i) = found {
                e.column = Some(i + 1);
            }
        }
        return Err(e);
    }
    b.root
        .ok_or_else(|| TemplateError::at("The template is empty".into(), 1, 1))
}
