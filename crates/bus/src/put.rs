//! PutEvents request entries: validation with AWS's per-entry error codes, and the entry size
//! computed the way <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html>
//! describes.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

/// The most entries one PutEvents call accepts.
pub const MAX_ENTRIES: usize = 10;
/// 256 KB, the limit on the summed entry sizes of one call.
pub const MAX_REQUEST_SIZE: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutEventsResultEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutEventsResult {
    pub failed_entry_count: usize,
    pub entries: Vec<PutEventsResultEntry>,
}

/// An entry that passed validation, ready to become an event.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidEntry {
    pub source: String,
    pub detail_type: String,
    pub detail: Map<String, Value>,
    pub resources: Vec<String>,
    pub time: Option<DateTime<Utc>>,
    /// Name or ARN as given; `default` when absent.
    pub event_bus_name: String,
    pub trace_header: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryError {
    pub code: &'static str,
    pub message: String,
}

impl EntryError {
    fn invalid(parameter: &str, reason: &str) -> Self {
        EntryError {
            code: "InvalidArgument",
            message: format!("Parameter {parameter} is not valid. Reason: {reason}"),
        }
    }
}

/// The Detail text as sent: the API carries it as a string; a scenario may give an object.
fn detail_text(entry: &Map<String, Value>) -> Option<String> {
    match entry.get("Detail")? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Entry size as AWS counts it: 14 bytes for Time when present, plus the UTF-8 lengths of
/// Source, DetailType, Detail and every Resources element.
pub fn entry_size(entry: &Value) -> usize {
    let Some(entry) = entry.as_object() else {
        return 0;
    };
    let text_len = |key: &str| match entry.get(key) {
        Some(Value::String(s)) => s.len(),
        _ => 0,
    };
    let mut size = 0;
    if entry.get("Time").is_some_and(|t| !t.is_null()) {
        size += 14;
    }
    size += text_len("Source");
    size += text_len("DetailType");
    size += detail_text(entry).map_or(0, |d| d.len());
    if let Some(Value::Array(resources)) = entry.get("Resources") {
        size += resources
            .iter()
            .filter_map(Value::as_str)
            .map(str::len)
            .sum::<usize>();
    }
    size
}

fn required_string(entry: &Map<String, Value>, key: &str) -> Result<String, EntryError> {
    match entry.get(key) {
        None | Some(Value::Null) => Err(EntryError::invalid(
            key,
            &format!("{key} is a required argument."),
        )),
        Some(Value::String(s)) if s.trim().is_empty() => Err(EntryError::invalid(
            key,
            &format!("{key} is a required argument."),
        )),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(EntryError::invalid(
            key,
            &format!("{key} must be a string."),
        )),
    }
}

/// Accepts what the SDKs and the CLI send for a timestamp: RFC 3339 text, a date-time
/// without offset (taken as UTC), or epoch seconds.
pub fn parse_time(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::String(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .ok()
            .or_else(|| {
                NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
                    .ok()
                    .map(|n| Utc.from_utc_datetime(&n))
            }),
        Value::Number(n) => {
            let secs = n.as_f64()?;
            if !secs.is_finite() || secs.abs() > 1.0e13 {
                return None;
            }
            let whole = secs.floor();
            let nanos = ((secs - whole) * 1e9) as u32;
            DateTime::from_timestamp(whole as i64, nanos)
        }
        _ => None,
    }
}

/// Checks one entry as PutEvents does and returns the per-entry error AWS would report.
pub fn validate_entry(entry: &Value) -> Result<ValidEntry, EntryError> {
    let Some(object) = entry.as_object() else {
        return Err(EntryError {
            code: "InvalidArgument",
            message: "Each PutEvents entry must be an object with Source, DetailType and Detail."
                .into(),
        });
    };
    let source = required_string(object, "Source")?;
    let detail_type = required_string(object, "DetailType")?;
    let Some(detail) = detail_text(object) else {
        return Err(EntryError::invalid(
            "Detail",
            "Detail is a required argument.",
        ));
    };
    let detail = match serde_json::from_str::<Value>(&detail) {
        Ok(Value::Object(map)) => map,
        _ => {
            return Err(EntryError {
                code: "MalformedDetail",
                message: "Detail is malformed.".into(),
            })
        }
    };
    let resources = match object.get("Resources") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some(s) => out.push(s.to_string()),
                    None => {
                        return Err(EntryError::invalid(
                            "Resources",
                            &format!("Resources[{i}] must be a string (an ARN)."),
                        ))
                    }
                }
            }
            out
        }
        Some(_) => {
            return Err(EntryError::invalid(
                "Resources",
                "Resources must be a list of strings.",
            ))
        }
    };
    let time = match object.get("Time") {
        None | Some(Value::Null) => None,
        Some(t) => Some(parse_time(t).ok_or_else(|| {
            EntryError::invalid(
                "Time",
                "Time must be an RFC 3339 timestamp or epoch seconds.",
            )
        })?),
    };
    let event_bus_name = match object.get("EventBusName") {
        None | Some(Value::Null) => "default".to_string(),
        Some(Value::String(s)) if s.is_empty() => "default".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(EntryError::invalid(
                "EventBusName",
                "EventBusName must be a string (a name or an ARN).",
            ))
        }
    };
    let trace_header = match object.get("TraceHeader") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.len() <= 500 => Some(s.clone()),
        Some(Value::String(_)) => {
            return Err(EntryError::invalid(
                "TraceHeader",
                "TraceHeader must be at most 500 characters.",
            ))
        }
        Some(_) => {
            return Err(EntryError::invalid(
                "TraceHeader",
                "TraceHeader must be a string.",
            ))
        }
    };
    Ok(ValidEntry {
        source,
        detail_type,
        detail,
        resources,
        time,
        event_bus_name,
        trace_header,
    })
}
