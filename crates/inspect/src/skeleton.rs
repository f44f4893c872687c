//! A JSON value grown from the paths a definition reads: each read path is inserted with a
//! hint of the type its reader expects, and the tree renders to the smallest document in
//! which every one of those paths exists.

use serde_json::{Map, Value};

/// The placeholder for a value whose type nothing constrains.
pub const PLACEHOLDER: &str = "…";

/// A timestamp after the engines' default virtual start (2024-01-01T00:00:00Z), so that a
/// Wait until it ends at once but still waits.
pub const TIMESTAMP: &str = "2024-01-01T00:05:00Z";

/// One step of a path into a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Field(String),
    Index(usize),
}

pub type Path = Vec<Seg>;

/// What the reader of a path needs there.
#[derive(Debug, Clone, PartialEq)]
pub enum Hint {
    /// Only that it exists.
    Any,
    /// An array (rendered with one placeholder item so a Map runs once).
    Array,
    /// An array with at least this many items (an index read by States.ArrayGetItem).
    ArrayOfLen(usize),
    /// An object.
    Object,
    /// This very value (a compared constant, a number, a timestamp).
    Value(Value),
}

#[derive(Debug, Clone)]
enum Node {
    Leaf(Hint),
    Obj(Vec<(String, Node)>),
    Arr(Box<Node>),
}

/// A document under construction; the first specific hint for a path wins, so the rules
/// read first (a Choice's first rule) decide the value.
#[derive(Debug, Clone)]
pub struct Skeleton {
    root: Node,
}

impl Default for Skeleton {
    fn default() -> Self {
        Skeleton {
            root: Node::Leaf(Hint::Object),
        }
    }
}

impl Skeleton {
    pub fn insert(&mut self, path: &[Seg], hint: Hint) {
        insert(&mut self.root, path, hint);
    }

    pub fn render(&self) -> Value {
        render(&self.root)
    }
}

fn insert(node: &mut Node, path: &[Seg], hint: Hint) {
    let Some((first, rest)) = path.split_first() else {
        if let Node::Leaf(h) = node {
            let upgrade = match (&*h, &hint) {
                (Hint::Any, _) => true,
                (Hint::Object | Hint::Array, Hint::Array | Hint::ArrayOfLen(_)) => true,
                (Hint::ArrayOfLen(a), Hint::ArrayOfLen(b)) => b > a,
                _ => false,
            };
            if upgrade {
                *h = hint;
            }
        }
        return;
    };
    // Structure wins over a leaf: a path read below a value makes it a container.
    if let Node::Leaf(_) = node {
        *node = match first {
            Seg::Field(_) => Node::Obj(Vec::new()),
            Seg::Index(_) => Node::Arr(Box::new(Node::Leaf(Hint::Any))),
        };
    }
    match (node, first) {
        (Node::Obj(fields), Seg::Field(name)) => {
            let i = match fields.iter().position(|(k, _)| k == name) {
                Some(i) => i,
                None => {
                    fields.push((name.clone(), Node::Leaf(Hint::Any)));
                    fields.len() - 1
                }
            };
            insert(&mut fields[i].1, rest, hint);
        }
        (Node::Arr(item), Seg::Index(_)) => insert(item, rest, hint),
        // Read both as an object and as an array: the first reader keeps it.
        _ => {}
    }
}

fn render(node: &Node) -> Value {
    match node {
        Node::Leaf(Hint::Any) => Value::String(PLACEHOLDER.into()),
        Node::Leaf(Hint::Array) => Value::Array(vec![Value::String(PLACEHOLDER.into())]),
        Node::Leaf(Hint::ArrayOfLen(n)) => {
            Value::Array(vec![Value::String(PLACEHOLDER.into()); (*n).max(1)])
        }
        Node::Leaf(Hint::Object) => Value::Object(Map::new()),
        Node::Leaf(Hint::Value(v)) => v.clone(),
        Node::Obj(fields) => {
            Value::Object(fields.iter().map(|(k, v)| (k.clone(), render(v))).collect())
        }
        Node::Arr(item) => Value::Array(vec![render(item)]),
    }
}

/// A reference path (`$.a.b[0]`, `$['a']`) to its steps, relative to `$`. None for context
/// paths (`$$.`), variables (`$name`) and anything that is not a path. Filters and deep
/// scans end the path where they start; `[*]` and slices read the first item.
pub fn parse_jsonpath(text: &str) -> Option<Path> {
    let rest = text.trim().strip_prefix('$')?;
    let mut chars = rest.chars().peekable();
    let mut path = Vec::new();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if chars.peek() == Some(&'.') {
                    break;
                }
                let mut name = String::new();
                while let Some(&c) = chars.peek() {
                    if c == '.' || c == '[' {
                        break;
                    }
                    name.push(c);
                    chars.next();
                }
                if name.is_empty() || name == "*" {
                    break;
                }
                path.push(Seg::Field(name));
            }
            '[' => {
                let mut inner = String::new();
                let mut quote: Option<char> = None;
                for c in chars.by_ref() {
                    match quote {
                        Some(q) if c == q => quote = None,
                        Some(_) => {}
                        None if c == '\'' || c == '"' => quote = Some(c),
                        None if c == ']' => break,
                        None => {}
                    }
                    inner.push(c);
                }
                let inner = inner.trim();
                if inner.starts_with('?') || inner.starts_with('(') {
                    break;
                }
                if let Some(name) = inner
                    .strip_prefix('\'')
                    .and_then(|s| s.strip_suffix('\''))
                    .or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
                {
                    path.push(Seg::Field(name.to_string()));
                } else {
                    path.push(Seg::Index(inner.parse().unwrap_or(0)));
                }
            }
            // `$$` (context) or `$name` (a variable).
            _ => return None,
        }
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(s: &str) -> Seg {
        Seg::Field(s.into())
    }

    #[test]
    fn paths_parse_to_steps() {
        assert_eq!(
            parse_jsonpath("$.detail.bucket.name"),
            Some(vec![f("detail"), f("bucket"), f("name")])
        );
        assert_eq!(
            parse_jsonpath("$.items[0].sku"),
            Some(vec![f("items"), Seg::Index(0), f("sku")])
        );
        assert_eq!(
            parse_jsonpath("$['a b'][*].c"),
            Some(vec![f("a b"), Seg::Index(0), f("c")])
        );
        assert_eq!(parse_jsonpath("$.a[?(@.x > 1)].b"), Some(vec![f("a")]));
        assert_eq!(parse_jsonpath("$"), Some(vec![]));
        assert_eq!(parse_jsonpath("$$.Execution.Id"), None);
        assert_eq!(parse_jsonpath("$myVar.x"), None);
        assert_eq!(parse_jsonpath("hello"), None);
    }

    #[test]
    fn skeleton_grows_objects_and_arrays() {
        let mut s = Skeleton::default();
        s.insert(&[f("detail"), f("bucket"), f("name")], Hint::Any);
        s.insert(&[f("items"), Seg::Index(0), f("sku")], Hint::Any);
        s.insert(&[f("n")], Hint::Value(json!(3)));
        s.insert(&[f("n")], Hint::Value(json!("later rules lose")));
        s.insert(&[f("list")], Hint::Array);
        assert_eq!(
            s.render(),
            json!({"detail": {"bucket": {"name": "…"}}, "items": [{"sku": "…"}], "n": 3, "list": ["…"]})
        );
    }
}
