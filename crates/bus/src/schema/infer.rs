//! The shape of the `detail` values seen so far, merged event by event, and its rendering
//! as OpenAPI 3 / JSON Schema Draft 4 component schemas.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// What the values seen at one place have in common.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Only `null` (or an empty array's items) seen: nothing to say yet.
    Unknown,
    /// Values of different kinds were seen: any value is allowed.
    Any,
    String {
        /// Every value seen parsed as an RFC 3339 time.
        date_time: bool,
    },
    Integer,
    Number,
    Boolean,
    Array(Box<Shape>),
    Object(ObjectShape),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObjectShape {
    /// How many objects were merged here.
    pub seen: usize,
    /// Per field: its shape and in how many of those objects it was present.
    pub fields: BTreeMap<String, (Shape, usize)>,
}

impl Shape {
    pub fn of(value: &Value) -> Shape {
        match value {
            Value::Null => Shape::Unknown,
            Value::Bool(_) => Shape::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => Shape::Integer,
            Value::Number(_) => Shape::Number,
            Value::String(s) => Shape::String {
                date_time: chrono::DateTime::parse_from_rfc3339(s).is_ok(),
            },
            Value::Array(items) => Shape::Array(Box::new(
                items
                    .iter()
                    .fold(Shape::Unknown, |acc, v| acc.merge(&Shape::of(v))),
            )),
            Value::Object(map) => {
                let mut object = ObjectShape {
                    seen: 1,
                    fields: BTreeMap::new(),
                };
                for (k, v) in map {
                    object.fields.insert(k.clone(), (Shape::of(v), 1));
                }
                Shape::Object(object)
            }
        }
    }

    /// The shape covering both; arrays of objects merge their elements' fields.
    pub fn merge(&self, other: &Shape) -> Shape {
        match (self, other) {
            (Shape::Unknown, x) | (x, Shape::Unknown) => x.clone(),
            (Shape::Any, _) | (_, Shape::Any) => Shape::Any,
            (Shape::String { date_time: a }, Shape::String { date_time: b }) => Shape::String {
                date_time: *a && *b,
            },
            (Shape::Integer, Shape::Integer) => Shape::Integer,
            (Shape::Integer | Shape::Number, Shape::Integer | Shape::Number) => Shape::Number,
            (Shape::Boolean, Shape::Boolean) => Shape::Boolean,
            (Shape::Array(a), Shape::Array(b)) => Shape::Array(Box::new(a.merge(b))),
            (Shape::Object(a), Shape::Object(b)) => {
                let mut fields = a.fields.clone();
                for (k, (shape, count)) in &b.fields {
                    match fields.get_mut(k) {
                        Some((mine, n)) => {
                            *mine = mine.merge(shape);
                            *n += count;
                        }
                        None => {
                            fields.insert(k.clone(), (shape.clone(), *count));
                        }
                    }
                }
                Shape::Object(ObjectShape {
                    seen: a.seen + b.seen,
                    fields,
                })
            }
            _ => Shape::Any,
        }
    }
}

/// `order-id`, `line_items`, `EC2 Instance State-change Notification` → `OrderId`,
/// `LineItems`, `EC2InstanceStateChangeNotification`: words split at anything not a
/// letter or digit, each capitalised.
pub fn pascal_case(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

/// Named object schemas in the order they are first reached, each with its own name.
pub struct Components {
    pub entries: Vec<(String, Value)>,
}

/// Which `$ref` prefix the rendering uses.
#[derive(Clone, Copy)]
pub enum Dialect {
    OpenApi3,
    Draft4,
}

impl Dialect {
    fn reference(self, name: &str) -> Value {
        match self {
            Dialect::OpenApi3 => json!({"$ref": format!("#/components/schemas/{name}")}),
            Dialect::Draft4 => json!({"$ref": format!("#/definitions/{name}")}),
        }
    }
}

impl Components {
    /// Renders `root` as the component `root_name` and every nested object as its own
    /// component, named after its property (the parent's name is prefixed on a clash).
    pub fn build(root_name: &str, root: &ObjectShape, dialect: Dialect) -> Components {
        let mut components = Components {
            entries: Vec::new(),
        };
        let mut taken = vec!["AWSEvent".to_string()];
        components.add_object(root_name, root, dialect, &mut taken);
        components
    }

    fn add_object(
        &mut self,
        name: &str,
        object: &ObjectShape,
        dialect: Dialect,
        taken: &mut Vec<String>,
    ) {
        taken.push(name.to_string());
        let slot = self.entries.len();
        self.entries.push((name.to_string(), Value::Null));
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (key, (shape, count)) in &object.fields {
            let child = unique_name(&pascal_case(key), name, taken);
            properties.insert(key.clone(), self.render(shape, &child, dialect, taken));
            if *count == object.seen {
                required.push(Value::String(key.clone()));
            }
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
        schema.insert("properties".into(), Value::Object(properties));
        self.entries[slot].1 = Value::Object(schema);
    }

    fn render(
        &mut self,
        shape: &Shape,
        name: &str,
        dialect: Dialect,
        taken: &mut Vec<String>,
    ) -> Value {
        match shape {
            Shape::Unknown | Shape::Any => json!({}),
            Shape::String { date_time: true } => json!({"type": "string", "format": "date-time"}),
            Shape::String { .. } => json!({"type": "string"}),
            Shape::Integer => json!({"type": "integer"}),
            Shape::Number => json!({"type": "number"}),
            Shape::Boolean => json!({"type": "boolean"}),
            Shape::Array(items) => {
                // The items of an array of objects are one component: the property's name
                // followed by `Item`.
                let item_name = match items.as_ref() {
                    Shape::Object(_) => unique_name(&format!("{name}Item"), name, taken),
                    _ => name.to_string(),
                };
                json!({"type": "array", "items": self.render(items, &item_name, dialect, taken)})
            }
            Shape::Object(object) => {
                self.add_object(name, object, dialect, taken);
                dialect.reference(name)
            }
        }
    }
}

fn unique_name(wanted: &str, parent: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == wanted) {
        return wanted.to_string();
    }
    let prefixed = format!("{parent}{wanted}");
    if !taken.contains(&prefixed) {
        return prefixed;
    }
    let mut n = 2;
    loop {
        let candidate = format!("{prefixed}{n}");
        if !taken.contains(&candidate) {
            return candidate;
        }
        n += 1;
    }
}
