//! Keys that contain dots. EventBridge (event-ruler) flattens both the pattern and the event
//! into dotted paths before comparing them, so `{"state": {"status": ...}}` and
//! `{"state.status": ...}` name the same field, whichever side writes which. Splitting every
//! key on its dots, on both sides, gives the same equality on segment lists that the dotted
//! strings have, while the rest of the engine keeps working on nested objects.

use super::{Field, FieldTest, Node};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The pattern with every dotted field name made a chain of nested fields, merged into a
/// nested field of the same name written beside it.
pub(crate) fn split_pattern(node: Node) -> Node {
    let mut out = Node {
        fields: Vec::with_capacity(node.fields.len()),
        any_of: node
            .any_of
            .into_iter()
            .map(|group| group.into_iter().map(split_pattern).collect())
            .collect(),
    };
    for field in node.fields {
        let test = match field.test {
            FieldTest::Nested(child) => FieldTest::Nested(split_pattern(child)),
            leaf => leaf,
        };
        let mut segments = field.name.split('.').rev();
        let last = segments.next().unwrap_or_default().to_string();
        let mut field = Field { name: last, test };
        for outer in segments {
            field = Field {
                name: outer.to_string(),
                test: FieldTest::Nested(Node {
                    fields: vec![field],
                    any_of: Vec::new(),
                }),
            };
        }
        add_field(&mut out, field);
    }
    out
}

/// Adds `field` to `node`, merging two nested fields of one name (a leaf and a nested
/// field of one name stay apart: both must hold).
fn add_field(node: &mut Node, field: Field) {
    if let FieldTest::Nested(incoming) = field.test {
        let same = node
            .fields
            .iter_mut()
            .find(|f| f.name == field.name && matches!(f.test, FieldTest::Nested(_)));
        if let Some(Field {
            test: FieldTest::Nested(existing),
            ..
        }) = same
        {
            for f in incoming.fields {
                add_field(existing, f);
            }
            existing.any_of.extend(incoming.any_of);
            return;
        }
        node.fields.push(Field {
            name: field.name,
            test: FieldTest::Nested(incoming),
        });
    } else {
        node.fields.push(field);
    }
}

/// Whether some object key of `v`, at any depth, contains a dot.
fn has_dotted_key(v: &Value) -> bool {
    match v {
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| k.contains('.') || has_dotted_key(v)),
        Value::Array(items) => items.iter().any(has_dotted_key),
        _ => false,
    }
}

/// The event with every dotted key made nested objects (merged with an object already
/// there; beside any other value, both become elements of an array, as two values at
/// one flattened path are). Borrowed when no key has a dot, which is the common case.
pub(crate) fn split_event(event: &Value) -> Cow<'_, Value> {
    if has_dotted_key(event) {
        Cow::Owned(split_value(event))
    } else {
        Cow::Borrowed(event)
    }
}

fn split_value(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, value) in map {
                let mut value = split_value(value);
                let mut segments = key.split('.').rev();
                let mut name = segments.next().unwrap_or_default();
                for outer in segments {
                    let mut wrapper = Map::with_capacity(1);
                    wrapper.insert(name.to_string(), value);
                    value = Value::Object(wrapper);
                    name = outer;
                }
                merge_into(&mut out, name, value);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(split_value).collect()),
        other => other.clone(),
    }
}

fn merge_into(map: &mut Map<String, Value>, key: &str, value: Value) {
    match (map.get_mut(key), value) {
        (None, value) => {
            map.insert(key.to_string(), value);
        }
        (Some(Value::Object(existing)), Value::Object(incoming)) => {
            for (k, v) in incoming {
                merge_into(existing, &k, v);
            }
        }
        (Some(Value::Array(existing)), Value::Array(incoming)) => existing.extend(incoming),
        (Some(Value::Array(existing)), value) => existing.push(value),
        (Some(existing), value) => {
            let first = existing.take();
            *existing = match value {
                Value::Array(mut items) => {
                    items.insert(0, first);
                    Value::Array(items)
                }
                value => Value::Array(vec![first, value]),
            };
        }
    }
}
