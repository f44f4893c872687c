//! Source records: the user writes bodies, data and images; this module wraps them in the
//! envelopes the pipe receives from each source, and builds the view filters match against.
//!
//! Record shapes reproduced:
//! - SQS: <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-sqs.html>
//!   (the same record Lambda receives: <https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html>)
//! - Kinesis: <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-kinesis.html>.
//!   Pipes hands Kinesis records over flat (`data`, `partitionKey`, ... beside `eventSource`),
//!   not under a `kinesis` key as Lambda does.
//! - DynamoDB streams: <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-dynamodb.html>

use base64::Engine as _;
use chrono::{DateTime, Utc};
use md5::{Digest, Md5};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::ids::IdGenerator;
use crate::BusError;

/// Which service the pipe polls, from the source ARN's service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Sqs,
    Kinesis,
    DynamoDb,
}

impl SourceKind {
    pub fn from_arn(arn: &str) -> Option<SourceKind> {
        match arn.split(':').nth(2)? {
            "sqs" => Some(SourceKind::Sqs),
            "kinesis" => Some(SourceKind::Kinesis),
            "dynamodb" => Some(SourceKind::DynamoDb),
            _ => None,
        }
    }

    /// The `eventSource` value records of this kind carry.
    pub fn event_source(self) -> &'static str {
        match self {
            SourceKind::Sqs => "aws:sqs",
            SourceKind::Kinesis => "aws:kinesis",
            SourceKind::DynamoDb => "aws:dynamodb",
        }
    }

    /// CreatePipe's default BatchSize: 10 for SQS, 100 for the streams.
    pub fn default_batch_size(self) -> usize {
        match self {
            SourceKind::Sqs => 10,
            _ => 100,
        }
    }

    /// The SourceParameters member that holds this kind's settings.
    pub fn parameters_key(self) -> &'static str {
        match self {
            SourceKind::Sqs => "SqsQueueParameters",
            SourceKind::Kinesis => "KinesisStreamParameters",
            SourceKind::DynamoDb => "DynamoDBStreamParameters",
        }
    }

    /// The field that holds the payload, which filters and templates may see decoded.
    pub fn payload_field(self) -> Option<&'static str> {
        match self {
            SourceKind::Sqs => Some("body"),
            SourceKind::Kinesis => Some("data"),
            SourceKind::DynamoDb => None,
        }
    }
}

/// Where the envelope's fixed fields come from.
pub struct EnvelopeContext<'a> {
    pub kind: SourceKind,
    pub source_arn: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub time: DateTime<Utc>,
    /// Attribute names of the table's key, to derive `Keys` from an image.
    pub key_schema: &'a [String],
}

fn bad(pointer: &str, message: impl Into<String>) -> BusError {
    BusError::new(
        "ValidationException",
        format!("{} (at {pointer})", message.into()),
    )
}

/// JSON text of a value the user gave: strings stay as written, anything else is serialised.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Wraps one user record (at JSON pointer `pointer`) in its source envelope.
pub fn envelope(
    ctx: &EnvelopeContext<'_>,
    index: usize,
    spec: &Value,
    pointer: &str,
    ids: &mut IdGenerator,
) -> Result<Value, BusError> {
    match ctx.kind {
        SourceKind::Sqs => sqs_record(ctx, spec, pointer, ids),
        SourceKind::Kinesis => kinesis_record(ctx, index, spec, pointer),
        SourceKind::DynamoDb => dynamodb_record(ctx, index, spec, pointer, ids),
    }
}

fn sqs_record(
    ctx: &EnvelopeContext<'_>,
    spec: &Value,
    pointer: &str,
    ids: &mut IdGenerator,
) -> Result<Value, BusError> {
    let (body, extra) = match spec {
        Value::String(s) => (s.clone(), None),
        Value::Object(map) => {
            let body = map.get("body").ok_or_else(|| {
                bad(
                    pointer,
                    "an SQS record is a body string or an object with `body`",
                )
            })?;
            (text_of(body), Some(map))
        }
        _ => {
            return Err(bad(
                pointer,
                "an SQS record is a body string or an object with `body`",
            ))
        }
    };
    let millis = ctx.time.timestamp_millis().to_string();
    let mut attributes = json!({
        "ApproximateReceiveCount": "1",
        "SentTimestamp": millis,
        "SenderId": format!("AIDA{}", hex_upper(ids.next_u64())),
        "ApproximateFirstReceiveTimestamp": millis,
    });
    let mut message_attributes = json!({});
    if let Some(map) = extra {
        if let Some(given) = map.get("attributes") {
            merge_object(&mut attributes, given, &format!("{pointer}/attributes"))?;
        }
        if let Some(given) = map.get("messageAttributes") {
            merge_object(
                &mut message_attributes,
                given,
                &format!("{pointer}/messageAttributes"),
            )?;
        }
    }
    let handle = base64::engine::general_purpose::STANDARD
        .encode([ids.next_u64().to_be_bytes(), ids.next_u64().to_be_bytes()].concat());
    Ok(json!({
        "messageId": ids.uuid(),
        "receiptHandle": format!("AQEB{handle}"),
        "body": body,
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": hex::lower(&Md5::digest(body.as_bytes())),
        "eventSource": ctx.kind.event_source(),
        "eventSourceARN": ctx.source_arn,
        "awsRegion": ctx.region,
    }))
}

fn kinesis_record(
    ctx: &EnvelopeContext<'_>,
    index: usize,
    spec: &Value,
    pointer: &str,
) -> Result<Value, BusError> {
    let map = spec.as_object().ok_or_else(|| {
        bad(
            pointer,
            "a Kinesis record is an object with `data` (text or JSON) or `dataBase64`",
        )
    })?;
    let data = match (map.get("data"), map.get("dataBase64")) {
        (Some(d), None) => base64::engine::general_purpose::STANDARD.encode(text_of(d)),
        (None, Some(Value::String(b))) => {
            if base64::engine::general_purpose::STANDARD.decode(b).is_err() {
                return Err(bad(
                    &format!("{pointer}/dataBase64"),
                    "dataBase64 is not valid base64",
                ));
            }
            b.clone()
        }
        _ => {
            return Err(bad(
                pointer,
                "a Kinesis record needs exactly one of `data` (text or JSON) or `dataBase64` (a string)",
            ))
        }
    };
    let partition_key = match map.get("partitionKey") {
        None => format!("{}", index + 1),
        Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= 256 => s.clone(),
        Some(_) => {
            return Err(bad(
                &format!("{pointer}/partitionKey"),
                "partitionKey must be a string of 1 to 256 characters",
            ))
        }
    };
    // Sequence numbers only grow within a shard; 56 digits like the real ones.
    let sequence = format!(
        "4959033827149025660855969253836157109592157598913{:07}",
        index + 1
    );
    let arrival = ctx.time.timestamp_millis() as f64 / 1000.0;
    Ok(json!({
        "eventSource": ctx.kind.event_source(),
        "eventVersion": "1.0",
        "eventID": format!("shardId-000000000000:{sequence}"),
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": format!("arn:aws:iam::{}:role/pipe-role", ctx.account),
        "awsRegion": ctx.region,
        "eventSourceARN": ctx.source_arn,
        "kinesisSchemaVersion": "1.0",
        "partitionKey": partition_key,
        "sequenceNumber": sequence,
        "data": data,
        "approximateArrivalTimestamp": arrival,
    }))
}

fn dynamodb_record(
    ctx: &EnvelopeContext<'_>,
    index: usize,
    spec: &Value,
    pointer: &str,
    ids: &mut IdGenerator,
) -> Result<Value, BusError> {
    let map = spec.as_object().ok_or_else(|| {
        bad(
            pointer,
            "a DynamoDB stream record is an object with eventName and images",
        )
    })?;
    let event_name = map.get("eventName").and_then(Value::as_str).unwrap_or("");
    let (needs_new, needs_old) = match event_name {
        "INSERT" => (true, false),
        "MODIFY" => (true, true),
        "REMOVE" => (false, true),
        _ => {
            return Err(bad(
                &format!("{pointer}/eventName"),
                "eventName must be INSERT, MODIFY or REMOVE",
            ))
        }
    };
    let image = |key: &str, needed: bool| -> Result<Option<Value>, BusError> {
        match map.get(key) {
            Some(v) => to_attribute_map(v, &format!("{pointer}/{key}")).map(Some),
            None if needed => Err(bad(pointer, format!("a {event_name} record needs `{key}`"))),
            None => Ok(None),
        }
    };
    let new_image = image("newImage", needs_new)?;
    let old_image = image("oldImage", needs_old)?;
    let keys = match map.get("keys") {
        Some(k) => to_attribute_map(k, &format!("{pointer}/keys"))?,
        None => {
            let from = new_image.as_ref().or(old_image.as_ref());
            let mut keys = Map::new();
            for name in ctx.key_schema {
                if let Some(v) = from.and_then(|img| img.get(name)) {
                    keys.insert(name.clone(), v.clone());
                }
            }
            if keys.is_empty() {
                return Err(bad(
                    pointer,
                    "give `keys`, or name the key attributes in Source.KeySchema so Keys can be taken from the image",
                ));
            }
            Value::Object(keys)
        }
    };
    let mut dynamodb = Map::new();
    dynamodb.insert(
        "ApproximateCreationDateTime".into(),
        json!(ctx.time.timestamp()),
    );
    dynamodb.insert("Keys".into(), keys);
    if let Some(img) = new_image {
        dynamodb.insert("NewImage".into(), img);
    }
    if let Some(img) = old_image {
        dynamodb.insert("OldImage".into(), img);
    }
    dynamodb.insert(
        "SequenceNumber".into(),
        json!(format!(
            "{}",
            111_000_000_000_000_000_000u128 + index as u128
        )),
    );
    let size = Value::Object(dynamodb.clone()).to_string().len();
    dynamodb.insert("SizeBytes".into(), json!(size));
    dynamodb.insert("StreamViewType".into(), json!("NEW_AND_OLD_IMAGES"));
    Ok(json!({
        "eventID": hex::lower(&[ids.next_u64().to_be_bytes(), ids.next_u64().to_be_bytes()].concat()),
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": ctx.kind.event_source(),
        "awsRegion": ctx.region,
        "dynamodb": Value::Object(dynamodb),
        "eventSourceARN": ctx.source_arn,
    }))
}

fn merge_object(into: &mut Value, given: &Value, pointer: &str) -> Result<(), BusError> {
    let (Value::Object(dst), Value::Object(src)) = (into, given) else {
        return Err(bad(pointer, "must be an object"));
    };
    for (k, v) in src {
        dst.insert(k.clone(), v.clone());
    }
    Ok(())
}

const DYNAMO_TYPES: [&str; 10] = ["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"];

/// Whether `v` is already one attribute value in DynamoDB JSON (`{"S": "x"}`, ...).
fn is_attribute_value(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|m| m.len() == 1 && m.keys().all(|k| DYNAMO_TYPES.contains(&k.as_str())))
}

/// An image as DynamoDB JSON: kept as written when every attribute is already typed,
/// otherwise marshalled from plain JSON (numbers become `N` strings, as DynamoDB sends them).
pub fn to_attribute_map(image: &Value, pointer: &str) -> Result<Value, BusError> {
    let map = image
        .as_object()
        .ok_or_else(|| bad(pointer, "an image is an object of attribute names"))?;
    if !map.is_empty() && map.values().all(is_attribute_value) {
        return Ok(image.clone());
    }
    Ok(Value::Object(
        map.iter().map(|(k, v)| (k.clone(), marshal(v))).collect(),
    ))
}

fn marshal(v: &Value) -> Value {
    match v {
        Value::Null => json!({"NULL": true}),
        Value::Bool(b) => json!({"BOOL": b}),
        Value::Number(n) => json!({"N": n.to_string()}),
        Value::String(s) => json!({"S": s}),
        Value::Array(items) => json!({"L": items.iter().map(marshal).collect::<Vec<_>>()}),
        Value::Object(m) => {
            json!({"M": m.iter().map(|(k, v)| (k.clone(), marshal(v))).collect::<Map<_, _>>()})
        }
    }
}

/// The payload of a record decoded: SQS `body` and Kinesis `data` parsed when they hold a
/// JSON object or array. `None` when the record has no payload field or it is not JSON.
pub fn decoded_payload(kind: SourceKind, record: &Value) -> Option<Value> {
    let field = kind.payload_field()?;
    let raw = record.get(field)?.as_str()?;
    let text = match kind {
        SourceKind::Kinesis => {
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(raw).ok()?).ok()?
        }
        _ => raw.to_string(),
    };
    serde_json::from_str::<Value>(&text)
        .ok()
        .filter(|v| v.is_object() || v.is_array())
}

/// The record with its payload replaced by the decoded JSON when there is one: what filter
/// patterns and `<aws.pipes.event.json>` see.
pub fn decoded_view(kind: SourceKind, record: &Value) -> Value {
    let mut view = record.clone();
    if let (Some(field), Some(decoded)) = (kind.payload_field(), decoded_payload(kind, record)) {
        if let Some(map) = view.as_object_mut() {
            map.insert(field.to_string(), decoded);
        }
    }
    view
}

fn hex_upper(n: u64) -> String {
    format!("{n:016X}")
}

mod hex {
    pub fn lower(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
