//! What a target receives: the whole event, constant `Input`, `InputPath`, or an
//! `InputTransformer`.
//!
//! Pages reproduced:
//! - <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html>
//!   (JSON path subset, predefined variables, examples, quoting, common issues)
//! - <https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html>
//!   (100 paths, placeholders not allowed as object keys, template length 1-8192)

use serde_json::Value;

/// Names EventBridge defines itself; a user variable may not take them.
pub const RESERVED: [&str; 5] = [
    "aws.events.rule-arn",
    "aws.events.rule-name",
    "aws.events.event.ingestion-time",
    "aws.events.event",
    "aws.events.event.json",
];

pub const MAX_PATHS: usize = 100;
pub const MAX_TEMPLATE: usize = 8192;
pub const MAX_PATH_LEN: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
    Wildcard,
}

/// The JSON path subset EventBridge evaluates: `$`, dot notation with dashes, underscores,
/// alphanumerics and slashes, array indices and `*` wildcards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    segments: Vec<Segment>,
    has_wildcard: bool,
}

impl JsonPath {
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        if text.len() > MAX_PATH_LEN {
            return Err(format!(
                "JSON path is {} characters long; at most {MAX_PATH_LEN} are allowed",
                text.len()
            ));
        }
        let Some(rest) = text.strip_prefix('$') else {
            return Err(format!("JSON path '{text}' must start with '$'"));
        };
        let bytes = rest.as_bytes();
        let mut segments = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'.' => {
                    let start = i + 1;
                    let mut end = start;
                    while end < bytes.len() && bytes[end] != b'.' && bytes[end] != b'[' {
                        end += 1;
                    }
                    let name = &rest[start..end];
                    if name.is_empty() {
                        return Err(format!(
                            "JSON path '{text}' has an empty name at character {}",
                            start + 1
                        ));
                    }
                    if name == "*" {
                        segments.push(Segment::Wildcard);
                    } else if let Some(bad) = name.chars().find(|c| {
                        !(c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | ':' | '@' | ' '))
                    }) {
                        return Err(format!(
                            "JSON path '{text}': character '{bad}' in '{name}' is not supported; use dot notation with letters, digits, '-', '_' and '/'"
                        ));
                    } else {
                        segments.push(Segment::Key(name.to_string()));
                    }
                    i = end;
                }
                b'[' => {
                    let close = rest[i..].find(']').map(|p| p + i).ok_or_else(|| {
                        format!(
                            "JSON path '{text}' has an unclosed '[' at character {}",
                            i + 2
                        )
                    })?;
                    let inner = &rest[i + 1..close];
                    if inner == "*" {
                        segments.push(Segment::Wildcard);
                    } else if let Ok(n) = inner.parse::<usize>() {
                        segments.push(Segment::Index(n));
                    } else {
                        return Err(format!(
                            "JSON path '{text}': '[{inner}]' is not an array index; EventBridge takes dot notation, not bracket notation, for names"
                        ));
                    }
                    i = close + 1;
                }
                _ => {
                    return Err(format!(
                        "JSON path '{text}': expected '.' or '[' at character {}",
                        i + 2
                    ))
                }
            }
        }
        let has_wildcard = segments.contains(&Segment::Wildcard);
        Ok(JsonPath {
            segments,
            has_wildcard,
        })
    }

    /// The selected value; a path with a wildcard yields the array of everything it reached.
    pub fn select(&self, root: &Value) -> Option<Value> {
        let mut current: Vec<&Value> = vec![root];
        for segment in &self.segments {
            let mut next = Vec::new();
            for value in current {
                match (segment, value) {
                    (Segment::Key(k), Value::Object(map)) => next.extend(map.get(k)),
                    (Segment::Index(n), Value::Array(items)) => next.extend(items.get(*n)),
                    (Segment::Wildcard, Value::Array(items)) => next.extend(items.iter()),
                    (Segment::Wildcard, Value::Object(map)) => next.extend(map.values()),
                    _ => {}
                }
            }
            current = next;
        }
        if self.has_wildcard {
            if current.is_empty() {
                None
            } else {
                Some(Value::Array(current.into_iter().cloned().collect()))
            }
        } else {
            current.first().map(|v| (*v).clone())
        }
    }
}

/// Values of the predefined variables for one delivery.
#[derive(Debug, Clone)]
pub struct ReservedValues<'a> {
    pub rule_arn: &'a str,
    pub rule_name: &'a str,
    pub ingestion_time: &'a str,
    pub event: &'a Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InputTransformer {
    /// In the order written, so output is deterministic.
    pub paths: Vec<(String, JsonPath)>,
    pub template: String,
}

/// How a placeholder sits in the template.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// A JSON template, outside string quotes: values go in as JSON.
    JsonValue,
    /// Inside a quoted string of a JSON template: text goes in escaped, without quotes.
    JsonString,
    /// A plain-text template: strings go in bare.
    Text,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

impl InputTransformer {
    /// Validates as PutTargets does; `paths_map` is the InputPathsMap object.
    pub fn new(paths_map: &Value, template: &str) -> Result<InputTransformer, String> {
        let mut paths = Vec::new();
        match paths_map {
            Value::Null => {}
            Value::Object(map) => {
                if map.len() > MAX_PATHS {
                    return Err(format!(
                        "InputPathsMap has {} entries; at most {MAX_PATHS} are allowed",
                        map.len()
                    ));
                }
                for (key, path) in map {
                    if RESERVED.contains(&key.as_str()) {
                        return Err(format!(
                            "InputPathsMap key '{key}' is a reserved variable and cannot be redefined"
                        ));
                    }
                    if key.to_ascii_lowercase().starts_with("aws.") {
                        return Err(format!(
                            "InputPathsMap key '{key}' may not start with 'AWS.'"
                        ));
                    }
                    if key.is_empty()
                        || !key
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    {
                        return Err(format!(
                            "InputPathsMap key '{key}' may only hold letters, digits, '_' and '-'"
                        ));
                    }
                    let Some(path) = path.as_str() else {
                        return Err(format!(
                            "InputPathsMap value for '{key}' must be a JSON path string"
                        ));
                    };
                    let parsed = JsonPath::parse(path)
                        .map_err(|e| format!("InputPathsMap value for '{key}': {e}"))?;
                    paths.push((key.clone(), parsed));
                }
            }
            _ => return Err("InputPathsMap must be an object of name to JSON path".into()),
        }
        if template.is_empty() || template.len() > MAX_TEMPLATE {
            return Err(format!(
                "InputTemplate must be 1 to {MAX_TEMPLATE} characters long (it is {})",
                template.len()
            ));
        }
        let transformer = InputTransformer {
            paths,
            template: template.to_string(),
        };
        // Only object/array templates must be JSON; a template that merely starts with a
        // quote may be text such as `"a" and "b"`.
        if matches!(template.trim_start().chars().next(), Some('{' | '[')) {
            transformer.check_json_template()?;
        }
        Ok(transformer)
    }

    fn is_json_template(&self) -> bool {
        matches!(
            self.template.trim_start().chars().next(),
            Some('{' | '[' | '"')
        )
    }

    fn is_variable(&self, name: &str) -> bool {
        RESERVED.contains(&name) || self.paths.iter().any(|(k, _)| k == name)
    }

    /// Walks the template, calling `emit` for literal text and `fill` for each placeholder.
    fn walk(
        &self,
        mut emit: impl FnMut(&str),
        mut fill: impl FnMut(&str, Context) -> Result<(), String>,
    ) -> Result<(), String> {
        let json = self.is_json_template();
        let text = self.template.as_str();
        let mut in_string = false;
        let mut escaped = false;
        let mut literal_start = 0;
        let mut iter = text.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            if c == '<' {
                let rest = &text[i + 1..];
                if let Some(end) = rest.find('>') {
                    let name = &rest[..end];
                    if !name.is_empty() && name.chars().all(is_name_char) && self.is_variable(name)
                    {
                        emit(&text[literal_start..i]);
                        let context = match (json, in_string) {
                            (false, _) => Context::Text,
                            (true, true) => Context::JsonString,
                            (true, false) => Context::JsonValue,
                        };
                        fill(name, context)?;
                        literal_start = i + 1 + end + 1;
                        while iter.peek().is_some_and(|(j, _)| *j < literal_start) {
                            iter.next();
                        }
                        escaped = false;
                        continue;
                    }
                }
            }
            if json {
                if escaped {
                    escaped = false;
                } else if in_string && c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = !in_string;
                }
            }
        }
        emit(&text[literal_start..]);
        Ok(())
    }

    /// A JSON template must stay JSON whatever the values, and may not use a placeholder as a
    /// key: check with every placeholder standing in as `null` (or empty text in a string).
    fn check_json_template(&self) -> Result<(), String> {
        // (text so far, placeholder name and context) recorded as the walk goes.
        let probe = std::cell::RefCell::new(String::new());
        let marks = std::cell::RefCell::new(Vec::new());
        self.walk(
            |lit| probe.borrow_mut().push_str(lit),
            |name, context| {
                let mut p = probe.borrow_mut();
                p.push_str(if context == Context::JsonString {
                    ""
                } else {
                    "null"
                });
                marks
                    .borrow_mut()
                    .push((p.len(), name.to_string(), context));
                Ok(())
            },
        )?;
        let probe = probe.into_inner();
        for (end, name, context) in marks.into_inner() {
            let tail = &probe[end..];
            let key_like = match context {
                Context::JsonValue => tail.trim_start().starts_with(':'),
                _ => {
                    // Find the closing quote of this string, then look for a colon.
                    let mut esc = false;
                    let mut close = None;
                    for (j, ch) in tail.char_indices() {
                        if esc {
                            esc = false;
                        } else if ch == '\\' {
                            esc = true;
                        } else if ch == '"' {
                            close = Some(j);
                            break;
                        }
                    }
                    close.is_some_and(|j| tail[j + 1..].trim_start().starts_with(':'))
                }
            };
            if key_like {
                return Err(format!(
                    "InputTemplate uses the placeholder <{name}> as an object key, which a JSON template does not allow"
                ));
            }
        }
        serde_json::from_str::<Value>(&probe)
            .map(|_| ())
            .map_err(|e| format!("InputTemplate starts like JSON but is not valid JSON: {e}"))
    }

    /// The text the target receives.
    pub fn apply(&self, event: &Value, reserved: &ReservedValues<'_>) -> String {
        let mut values: Vec<(&str, Option<Value>)> = self
            .paths
            .iter()
            .map(|(k, p)| (k.as_str(), p.select(event)))
            .collect();
        // The whole-event variables cost a copy of the event: make them only when used.
        let uses = |name: &str| self.template.contains(&format!("<{name}>"));
        let without_detail = if uses("aws.events.event") {
            match event {
                Value::Object(map) => {
                    let mut copy = map.clone();
                    copy.shift_remove("detail");
                    Some(Value::Object(copy))
                }
                other => Some(other.clone()),
            }
        } else {
            None
        };
        let full = uses("aws.events.event.json").then(|| reserved.event.clone());
        values.push((
            "aws.events.rule-arn",
            Some(Value::String(reserved.rule_arn.into())),
        ));
        values.push((
            "aws.events.rule-name",
            Some(Value::String(reserved.rule_name.into())),
        ));
        values.push((
            "aws.events.event.ingestion-time",
            Some(Value::String(reserved.ingestion_time.into())),
        ));
        values.push(("aws.events.event", without_detail));
        values.push(("aws.events.event.json", full));
        let mut out = String::with_capacity(self.template.len());
        let out_cell = std::cell::RefCell::new(&mut out);
        let result = self.walk(
            |lit| out_cell.borrow_mut().push_str(lit),
            |name, context| {
                let value = values
                    .iter()
                    .find(|(k, _)| *k == name)
                    .and_then(|(_, v)| v.as_ref());
                // The whole-event variables go in verbatim: AWS does not escape them.
                let verbatim = name == "aws.events.event" || name == "aws.events.event.json";
                let text = render(value, context, verbatim);
                out_cell.borrow_mut().push_str(&text);
                Ok(())
            },
        );
        debug_assert!(result.is_ok());
        out
    }
}

fn render(value: Option<&Value>, context: Context, verbatim: bool) -> String {
    match (value, context) {
        (None, Context::JsonValue) => "null".into(),
        (None, _) => String::new(),
        (Some(v), Context::JsonValue) => v.to_string(),
        (Some(Value::String(s)), Context::Text) => s.clone(),
        (Some(v), Context::Text) => v.to_string(),
        (Some(v), Context::JsonString) => {
            let raw = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if verbatim {
                raw
            } else {
                // JSON-escape the text, then drop the surrounding quotes.
                let quoted = Value::String(raw).to_string();
                quoted[1..quoted.len() - 1].to_string()
            }
        }
    }
}

/// A transformer fault placed in the text it is about: `editor` is `pathsMap` or `template`,
/// `line` and `column` are 1-based (characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedFault {
    pub editor: &'static str,
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// What a target receives from `event` through an InputPathsMap (JSON text, may be empty)
/// and an InputTemplate, as a rule named `rule_name` (default `my-rule`) in the simulated
/// account would deliver it: `(text, rule ARN)`. The playground's preview and the practice
/// grader both use it, so they agree on the reserved values.
pub fn preview(
    paths_map: &str,
    template: &str,
    event: &Value,
    rule_name: &str,
) -> Result<(String, String), PlacedFault> {
    let paths: Value = if paths_map.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(paths_map).map_err(|e| PlacedFault {
            editor: "pathsMap",
            message: format!("InputPathsMap is not valid JSON: {e}"),
            line: e.line(),
            column: e.column(),
        })?
    };
    let transformer = InputTransformer::new(&paths, template)
        .map_err(|message| place_fault(message, paths_map, template))?;
    let name = if rule_name.trim().is_empty() {
        "my-rule"
    } else {
        rule_name.trim()
    };
    let rule_arn = format!(
        "arn:aws:events:{}:{}:rule/{name}",
        crate::template::REGION,
        crate::template::ACCOUNT
    );
    let ingestion = event
        .get("time")
        .and_then(Value::as_str)
        .unwrap_or("1970-01-01T00:00:00Z")
        .to_string();
    let output = transformer.apply(
        event,
        &ReservedValues {
            rule_arn: &rule_arn,
            rule_name: name,
            ingestion_time: &ingestion,
            event,
        },
    );
    Ok((output, rule_arn))
}

/// The transformer's messages name a key ('key') or a placeholder (<name>): the fault is
/// placed on its first occurrence in the text the message is about.
fn place_fault(message: String, paths_map: &str, template: &str) -> PlacedFault {
    let about_paths = message.starts_with("InputPathsMap");
    let (editor, text) = if about_paths {
        ("pathsMap", paths_map)
    } else {
        ("template", template)
    };
    let quoted = between(&message, '\'', '\'').map(|k| format!("\"{k}\""));
    let placeholder = between(&message, '<', '>').map(|k| format!("<{k}>"));
    let offset = quoted
        .iter()
        .chain(placeholder.iter())
        .find_map(|needle| text.find(needle.as_str()))
        .unwrap_or(0);
    let (line, column) = line_column(text, offset);
    PlacedFault {
        editor,
        message,
        line,
        column,
    }
}

fn between(text: &str, open: char, close: char) -> Option<&str> {
    let start = text.find(open)? + open.len_utf8();
    let len = text[start..].find(close)?;
    Some(&text[start..start + len])
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
