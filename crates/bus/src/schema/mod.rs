//! Schema discovery: what the EventBridge schema registry infers from the events seen on a
//! bus, one schema per source and detail-type, in OpenAPI 3 and JSON Schema Draft 4, with a
//! new version whenever the inferred content changes.
//!
//! Pages reproduced (tests in `tests/schema.rs`):
//! - <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schemas-infer.html>: every
//!   unique schema goes to the discovered-schemas registry; when the events' contents change a
//!   new version is created.
//! - <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schema.html>: OpenAPI 3 and
//!   JSONSchema Draft4 formats; code bindings.
//! - <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schema-code-bindings.html>
//!
//! Discovered schemas are named `<source>@<DetailType>`, the detail-type in PascalCase
//! without spaces or punctuation (`aws.ec2@EC2InstanceStateChangeNotification`). The
//! `AWSEvent` component is the envelope, carrying `x-amazon-events-source` and
//! `x-amazon-events-detail-type`; its `detail` refers to a component named after the
//! detail-type, and each nested object gets its own component.

pub mod infer;
pub mod typescript;

use serde::Serialize;
use serde_json::{json, Map, Value};

use infer::{pascal_case, Components, Dialect, ObjectShape, Shape};
pub use typescript::typescript_bindings;

/// The name of the registry discovered schemas go to.
pub const DISCOVERED_REGISTRY: &str = "discovered-schemas";

/// One version of one schema.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    /// `<source>@<DetailType>`.
    pub name: String,
    /// 1, 2, ... as the registry numbers versions.
    pub version: u32,
    pub source: String,
    pub detail_type: String,
    /// How many events this version has been inferred from.
    pub event_count: usize,
    /// `"OpenApi3"` content.
    pub openapi: Value,
    /// `"JSONSchemaDraft4"` content.
    pub jsonschema: Value,
}

/// What [`Registry::add`] did with one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Added {
    pub name: String,
    pub version: u32,
    /// A new schema or a new version was created for this event.
    pub new_version: bool,
}

/// An event discovery could not use, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    pub index: usize,
    pub reason: String,
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    source: String,
    detail_type: String,
    detail: ObjectShape,
    versions: Vec<Schema>,
}

/// The discovered-schemas registry of one bus.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    entries: Vec<Entry>,
    skipped: Vec<Skipped>,
    seen: usize,
}

/// Infers the schemas of `events` (events as a bus holds them: `source`, `detail-type`,
/// `detail`). Events that cannot be used are listed in [`Registry::skipped`].
pub fn discover(events: &[Value]) -> Registry {
    let mut registry = Registry::default();
    for event in events {
        let _ = registry.add(event);
    }
    registry
}

/// `<source>@<DetailType>`.
pub fn schema_name(source: &str, detail_type: &str) -> String {
    format!("{source}@{}", pascal_case(detail_type))
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Folds one event into its schema; a new version is created when the inferred content
    /// differs from the latest version's.
    pub fn add(&mut self, event: &Value) -> Result<Added, String> {
        let index = self.seen;
        self.seen += 1;
        let result = self.add_inner(event);
        if let Err(reason) = &result {
            self.skipped.push(Skipped {
                index,
                reason: reason.clone(),
            });
        }
        result
    }

    fn add_inner(&mut self, event: &Value) -> Result<Added, String> {
        let text = |key: &str| {
            event
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| format!("the event has no `{key}` string"))
        };
        let source = text("source")?;
        let detail_type = text("detail-type")?;
        let detail = match event.get("detail") {
            Some(Value::Object(_)) => event.get("detail").cloned().unwrap_or(Value::Null),
            Some(Value::String(s)) => serde_json::from_str::<Value>(s)
                .ok()
                .filter(Value::is_object)
                .ok_or("the event's `detail` is not a JSON object")?,
            _ => return Err("the event's `detail` is not a JSON object".into()),
        };
        let Shape::Object(shape) = Shape::of(&detail) else {
            return Err("the event's `detail` is not a JSON object".into());
        };
        let name = schema_name(source, detail_type);
        let position = self.entries.iter().position(|e| e.name == name);
        let entry = match position {
            Some(i) => &mut self.entries[i],
            None => {
                self.entries.push(Entry {
                    name: name.clone(),
                    source: source.to_string(),
                    detail_type: detail_type.to_string(),
                    detail: ObjectShape::default(),
                    versions: Vec::new(),
                });
                let last = self.entries.len() - 1;
                &mut self.entries[last]
            }
        };
        let merged = match Shape::Object(entry.detail.clone()).merge(&Shape::Object(shape)) {
            Shape::Object(o) => o,
            _ => return Err("internal: merging two objects gave a non-object".into()),
        };
        entry.detail = merged;
        let (openapi, jsonschema) = render(
            &entry.name,
            &entry.source,
            &entry.detail_type,
            &entry.detail,
        );
        let same = entry.versions.last().is_some_and(|v| v.openapi == openapi);
        if same {
            if let Some(latest) = entry.versions.last_mut() {
                latest.event_count += 1;
                return Ok(Added {
                    name: entry.name.clone(),
                    version: latest.version,
                    new_version: false,
                });
            }
        }
        let version = entry.versions.len() as u32 + 1;
        entry.versions.push(Schema {
            name: entry.name.clone(),
            version,
            source: entry.source.clone(),
            detail_type: entry.detail_type.clone(),
            event_count: 1,
            openapi,
            jsonschema,
        });
        Ok(Added {
            name: entry.name.clone(),
            version,
            new_version: true,
        })
    }

    /// The latest version of every schema, in the order they were discovered.
    pub fn schemas(&self) -> Vec<&Schema> {
        self.entries
            .iter()
            .filter_map(|e| e.versions.last())
            .collect()
    }

    pub fn latest(&self, name: &str) -> Option<&Schema> {
        self.versions(name).last()
    }

    /// Every version of one schema, oldest first.
    pub fn versions(&self, name: &str) -> &[Schema] {
        self.entries
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.versions.as_slice())
            .unwrap_or(&[])
    }

    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// Everything as one JSON value for the UI: `{"registry", "schemas": [{..., "versions":
    /// [...]}], "skipped"}`.
    pub fn to_json(&self) -> Value {
        json!({
            "registry": DISCOVERED_REGISTRY,
            "schemas": self.entries.iter().map(|e| json!({
                "name": e.name,
                "source": e.source,
                "detailType": e.detail_type,
                "latestVersion": e.versions.len(),
                "versions": e.versions,
            })).collect::<Vec<_>>(),
            "skipped": self.skipped,
        })
    }
}

/// The envelope's properties: the fields every EventBridge event has.
fn envelope_properties(detail_ref: Value) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("account".into(), json!({"type": "string"}));
    p.insert("detail".into(), detail_ref);
    p.insert("detail-type".into(), json!({"type": "string"}));
    p.insert("id".into(), json!({"type": "string"}));
    p.insert("region".into(), json!({"type": "string"}));
    p.insert(
        "resources".into(),
        json!({"type": "array", "items": {"type": "string"}}),
    );
    p.insert("source".into(), json!({"type": "string"}));
    p.insert(
        "time".into(),
        json!({"type": "string", "format": "date-time"}),
    );
    p.insert("version".into(), json!({"type": "string"}));
    p
}

const ENVELOPE_REQUIRED: [&str; 9] = [
    "detail-type",
    "resources",
    "id",
    "source",
    "time",
    "detail",
    "region",
    "version",
    "account",
];

fn render(name: &str, source: &str, detail_type: &str, detail: &ObjectShape) -> (Value, Value) {
    let title = name
        .split_once('@')
        .map(|(_, t)| t.to_string())
        .unwrap_or_else(|| pascal_case(detail_type));
    let envelope = |reference: String| {
        let mut map = Map::new();
        map.insert("type".into(), json!("object"));
        map.insert("required".into(), json!(ENVELOPE_REQUIRED));
        map.insert("x-amazon-events-detail-type".into(), json!(detail_type));
        map.insert("x-amazon-events-source".into(), json!(source));
        map.insert(
            "properties".into(),
            Value::Object(envelope_properties(json!({"$ref": reference}))),
        );
        map
    };
    let open = Components::build(&title, detail, Dialect::OpenApi3);
    let mut schemas = Map::new();
    schemas.insert(
        "AWSEvent".into(),
        Value::Object(envelope(format!("#/components/schemas/{title}"))),
    );
    for (n, s) in open.entries {
        schemas.insert(n, s);
    }
    let openapi = json!({
        "openapi": "3.0.0",
        "info": {"version": "1.0.0", "title": title},
        "paths": {},
        "components": {"schemas": schemas},
    });

    let draft = Components::build(&title, detail, Dialect::Draft4);
    let mut root = Map::new();
    root.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-04/schema#"),
    );
    root.insert("title".into(), json!("AWSEvent"));
    root.insert(
        "definitions".into(),
        Value::Object(draft.entries.into_iter().collect()),
    );
    for (k, v) in envelope(format!("#/definitions/{title}")) {
        root.insert(k, v);
    }
    (openapi, Value::Object(root))
}
