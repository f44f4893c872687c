//! FilterCriteria: up to five event patterns, a record passes when any one matches.
//!
//! - <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html>:
//!   patterns are the bus's event patterns; metadata fields are matched as they are, and the
//!   payload (SQS `body`, Kinesis `data`, which Kinesis base64-encodes) is matched by its
//!   JSON fields.
//! - <https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html> and
//!   <https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis-filtering.html> (Pipes filters
//!   the way Lambda event source mappings do): a body that is not JSON can still be matched
//!   as a whole string, but a pattern on fields inside it cannot match, and the record is
//!   dropped.

use serde::Serialize;
use serde_json::Value;
use stepbridge_events::Pattern;

use super::source::{decoded_payload, decoded_view, SourceKind};
use crate::BusError;

/// FilterCriteria allows at most five filters.
pub const MAX_FILTERS: usize = 5;

pub struct Filters {
    patterns: Vec<Pattern>,
}

/// Why a record passed or was dropped.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterOutcome {
    pub passed: bool,
    /// The filter (index into FilterCriteria.Filters) that let the record through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_filter: Option<usize>,
    /// One sentence per filter saying why it did not match (empty when passed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// Each filter's field-by-field explanation, from the pattern engine.
    pub explanations: Vec<Value>,
}

impl Filters {
    /// Compiles `SourceParameters.FilterCriteria` (at `pointer`); `Pattern` may be JSON text,
    /// as the API takes it, or an object for convenience.
    pub fn parse(criteria: Option<&Value>, pointer: &str) -> Result<Filters, BusError> {
        let Some(criteria) = criteria else {
            return Ok(Filters {
                patterns: Vec::new(),
            });
        };
        let filters = match criteria.get("Filters") {
            None | Some(Value::Null) => {
                return Ok(Filters {
                    patterns: Vec::new(),
                })
            }
            Some(Value::Array(items)) => items,
            Some(_) => {
                return Err(BusError::new(
                    "ValidationException",
                    format!("FilterCriteria.Filters must be an array (at {pointer}/Filters)"),
                ))
            }
        };
        if filters.len() > MAX_FILTERS {
            return Err(BusError::new(
                "ValidationException",
                format!(
                    "FilterCriteria.Filters has {} filters; at most {MAX_FILTERS} are allowed (at {pointer}/Filters)",
                    filters.len()
                ),
            ));
        }
        let mut patterns = Vec::new();
        for (i, filter) in filters.iter().enumerate() {
            let at = format!("{pointer}/Filters/{i}/Pattern");
            let text = match filter.get("Pattern") {
                Some(Value::String(s)) => s.clone(),
                Some(v @ Value::Object(_)) => v.to_string(),
                _ => {
                    return Err(BusError::new(
                        "ValidationException",
                        format!("each filter needs a Pattern (at {at})"),
                    ))
                }
            };
            let pattern = Pattern::parse(&text).map_err(|e| {
                BusError::new(
                    &e.error,
                    format!(
                        "{} (at {at}, line {}, column {})",
                        e.message, e.line, e.column
                    ),
                )
            })?;
            patterns.push(pattern);
        }
        Ok(Filters { patterns })
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    pub fn evaluate(&self, kind: SourceKind, record: &Value) -> FilterOutcome {
        if self.patterns.is_empty() {
            return FilterOutcome {
                passed: true,
                matched_filter: None,
                reasons: Vec::new(),
                explanations: Vec::new(),
            };
        }
        let view = decoded_view(kind, record);
        let payload_is_json = decoded_payload(kind, record).is_some();
        let mut reasons = Vec::new();
        let mut explanations = Vec::new();
        for (i, pattern) in self.patterns.iter().enumerate() {
            let explanation = pattern.explain(&view);
            explanations.push(serde_json::to_value(&explanation).unwrap_or(Value::Null));
            if explanation.matched {
                return FilterOutcome {
                    passed: true,
                    matched_filter: Some(i),
                    reasons: Vec::new(),
                    explanations,
                };
            }
            let Some(failed) = explanation.failed else {
                reasons.push(format!("filter {i} did not match"));
                continue;
            };
            let mut reason = format!("filter {i}: `{}`: {}", failed.path, failed.reason);
            if !failed.conditions.is_null() {
                reason.push_str(&format!(
                    " (pattern {}, record holds {})",
                    failed.conditions,
                    Value::Array(failed.event_values.clone())
                ));
            }
            if let Some(field) = kind.payload_field() {
                let inside = failed.path == field || failed.path.starts_with(&format!("{field}."));
                if inside && !payload_is_json {
                    reason.push_str(&format!(
                        "; the record's `{field}` is not a JSON object, so a pattern on fields inside it cannot match"
                    ));
                }
            }
            reasons.push(reason);
        }
        FilterOutcome {
            passed: false,
            matched_filter: None,
            reasons,
            explanations,
        }
    }
}
