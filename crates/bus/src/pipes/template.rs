//! Pipes' InputTemplate: unlike a rule's transformer there is no InputPathsMap; JSON paths
//! sit inline as `<$.body.orderId>`, beside reserved `<aws.pipes.*>` variables.
//!
//! <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html>:
//! - a template is free text, a single JSON path, or JSON with inline paths;
//! - a placeholder inside quotes is inserted as text, outside quotes as a JSON value;
//! - implicit body data parsing: a path into SQS `body` or Kinesis `data` sees the payload
//!   parsed as JSON, and `<aws.pipes.event.json>` is the event with those fields decoded.

use serde_json::Value;

use super::source::{decoded_view, SourceKind};
use crate::transform::JsonPath;

/// Values of the reserved variables for one invocation.
pub struct PipeVariables<'a> {
    pub pipe_arn: &'a str,
    pub pipe_name: &'a str,
    pub source_arn: &'a str,
    pub enrichment_arn: &'a str,
    pub target_arn: &'a str,
    pub ingestion_time: &'a str,
}

enum Piece {
    Literal(String),
    /// A placeholder, and whether it sits inside a JSON string.
    Slot {
        name: String,
        in_string: bool,
    },
}

pub struct InputTemplate {
    pieces: Vec<Piece>,
    json_like: bool,
}

const RESERVED: [&str; 8] = [
    "aws.pipes.pipe-arn",
    "aws.pipes.pipe-name",
    "aws.pipes.source-arn",
    "aws.pipes.enrichment-arn",
    "aws.pipes.target-arn",
    "aws.pipes.event.ingestion-time",
    "aws.pipes.event",
    "aws.pipes.event.json",
];

impl InputTemplate {
    /// Parses a template; the error names the bad placeholder.
    pub fn parse(text: &str) -> Result<InputTemplate, String> {
        if text.is_empty() || text.len() > 8192 {
            return Err(format!(
                "InputTemplate must be 1 to 8192 characters long (it is {})",
                text.len()
            ));
        }
        let json_like = matches!(text.trim_start().chars().next(), Some('{' | '['));
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut in_string = false;
        let mut escaped = false;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '<' {
                if let Some(close) = text[i + 1..].find('>') {
                    let name = &text[i + 1..i + 1 + close];
                    let is_path = name.starts_with('$');
                    if is_path || RESERVED.contains(&name) {
                        if is_path {
                            JsonPath::parse(name).map_err(|e| format!("<{name}>: {e}"))?;
                        }
                        pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                        pieces.push(Piece::Slot {
                            name: name.to_string(),
                            in_string: json_like && in_string,
                        });
                        let end = i + 1 + close;
                        while chars.peek().is_some_and(|(j, _)| *j <= end) {
                            chars.next();
                        }
                        continue;
                    }
                    if name.starts_with("aws.pipes.") {
                        return Err(format!("<{name}> is not a reserved variable of Pipes"));
                    }
                }
            }
            if json_like {
                if escaped {
                    escaped = false;
                } else if c == '\\' && in_string {
                    escaped = true;
                } else if c == '"' {
                    in_string = !in_string;
                }
            }
            literal.push(c);
        }
        pieces.push(Piece::Literal(literal));
        Ok(InputTemplate { pieces, json_like })
    }

    /// What the enrichment or target receives for one event: JSON when the filled template
    /// is JSON, otherwise the text as a JSON string.
    pub fn apply(&self, kind: SourceKind, event: &Value, vars: &PipeVariables<'_>) -> Value {
        let mut decoded: Option<Value> = None;
        let mut out = String::new();
        let single_slot = self
            .pieces
            .iter()
            .filter(|p| matches!(p, Piece::Slot { .. }))
            .count()
            == 1
            && self.pieces.iter().all(|p| match p {
                Piece::Literal(l) => l.trim().is_empty(),
                Piece::Slot { .. } => true,
            });
        for piece in &self.pieces {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Slot { name, in_string } => {
                    let value = self.lookup(name, kind, event, vars, &mut decoded);
                    if single_slot {
                        // A template that is one path passes the value itself.
                        return value.unwrap_or(Value::Null);
                    }
                    out.push_str(&render(value.as_ref(), *in_string, self.json_like));
                }
            }
        }
        if self.json_like {
            if let Ok(v) = serde_json::from_str::<Value>(&out) {
                return v;
            }
        }
        Value::String(out)
    }

    fn lookup(
        &self,
        name: &str,
        kind: SourceKind,
        event: &Value,
        vars: &PipeVariables<'_>,
        decoded: &mut Option<Value>,
    ) -> Option<Value> {
        let text = |s: &str| Some(Value::String(s.to_string()));
        match name {
            "aws.pipes.pipe-arn" => text(vars.pipe_arn),
            "aws.pipes.pipe-name" => text(vars.pipe_name),
            "aws.pipes.source-arn" => text(vars.source_arn),
            "aws.pipes.enrichment-arn" => text(vars.enrichment_arn),
            "aws.pipes.target-arn" => text(vars.target_arn),
            "aws.pipes.event.ingestion-time" => text(vars.ingestion_time),
            "aws.pipes.event" => Some(Value::String(event.to_string())),
            "aws.pipes.event.json" => Some(decoded_view(kind, event)),
            path => {
                let parsed = JsonPath::parse(path).ok()?;
                let into_payload = kind.payload_field().is_some_and(|f| {
                    path.starts_with(&format!("$.{f}.")) || path.starts_with(&format!("$.{f}["))
                });
                if into_payload {
                    let view = decoded.get_or_insert_with(|| decoded_view(kind, event));
                    parsed.select(view)
                } else {
                    parsed.select(event)
                }
            }
        }
    }
}

fn render(value: Option<&Value>, in_string: bool, json_like: bool) -> String {
    match (value, in_string, json_like) {
        (None, false, true) => "null".into(),
        (None, _, _) => String::new(),
        (Some(Value::String(s)), true, _) => {
            let quoted = Value::String(s.clone()).to_string();
            quoted[1..quoted.len() - 1].to_string()
        }
        (Some(v), true, _) => {
            let quoted = Value::String(v.to_string()).to_string();
            quoted[1..quoted.len() - 1].to_string()
        }
        (Some(Value::String(s)), false, false) => s.clone(),
        (Some(v), _, _) => v.to_string(),
    }
}
