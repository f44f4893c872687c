//! TypeScript code bindings for a discovered schema, read from its OpenAPI content so that a
//! schema edited or loaded from elsewhere binds the same way.
//!
//! The registry's own TypeScript bindings are classes with a marshaller; the playground
//! offers plain interfaces instead (an `AWSEvent<T>` envelope, one interface per component),
//! which type-check the same JSON without runtime code.

use serde_json::Value;

/// TypeScript source declaring the schema's types; the event type is exported as
/// `<DetailType>Event = AWSEvent<DetailType>`.
pub fn typescript_bindings(schema: &super::Schema) -> String {
    let components = schema
        .openapi
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let title = schema
        .openapi
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("Detail");
    let mut out = format!(
        "// Code bindings for the EventBridge schema {} (version {}).\n\n",
        schema.name, schema.version
    );
    out.push_str("export interface AWSEvent<T> {\n");
    for (key, ty) in [
        ("account", "string"),
        ("detail", "T"),
        ("detail-type", "string"),
        ("id", "string"),
        ("region", "string"),
        ("resources", "string[]"),
        ("source", "string"),
        ("time", "string"),
        ("version", "string"),
    ] {
        out.push_str(&format!("  {}: {ty};\n", property_name(key)));
    }
    out.push_str("}\n");
    if let Some(components) = components {
        for (name, component) in components {
            if name == "AWSEvent" {
                continue;
            }
            out.push('\n');
            out.push_str(&interface(name, component));
        }
    }
    out.push_str(&format!(
        "\nexport type {title}Event = AWSEvent<{title}>;\n"
    ));
    out
}

fn interface(name: &str, component: &Value) -> String {
    let required: Vec<&str> = component
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = format!("export interface {name} {{\n");
    if let Some(properties) = component.get("properties").and_then(Value::as_object) {
        for (key, property) in properties {
            let optional = if required.contains(&key.as_str()) {
                ""
            } else {
                "?"
            };
            out.push_str(&format!(
                "  {}{optional}: {};\n",
                property_name(key),
                type_of(property)
            ));
        }
    }
    out.push_str("}\n");
    out
}

fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference
            .rsplit('/')
            .next()
            .unwrap_or("unknown")
            .to_string();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => "string".into(),
        Some("integer" | "number") => "number".into(),
        Some("boolean") => "boolean".into(),
        Some("array") => {
            let item = schema
                .get("items")
                .map(type_of)
                .unwrap_or_else(|| "unknown".into());
            if item.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                format!("{item}[]")
            } else {
                format!("Array<{item}>")
            }
        }
        Some("object") => "Record<string, unknown>".into(),
        _ => "unknown".into(),
    }
}

/// A property name as written in an interface: bare when it is an identifier, quoted
/// otherwise (`"detail-type"`).
fn property_name(key: &str) -> String {
    let identifier = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier {
        key.to_string()
    } else {
        Value::String(key.to_string()).to_string()
    }
}
