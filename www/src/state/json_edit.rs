//! Edits of a JSON document the user typed, made in place: a form changes one value, one
//! member or one array element, and every other byte of the text (spacing, key order,
//! comments-free but hand-made layout) stays as the user wrote it.
//!
//! The scanner finds where each value sits in the text (byte spans by JSON pointer); an
//! edit splices new JSON text into that span. A document that does not parse is not edited.

use serde_json::Value;

/// Where one value sits: its byte span and, for objects and arrays, its members' spans.
#[derive(Debug, Clone)]
struct Node {
    start: usize,
    end: usize,
    /// Object members: (key, key start, value). Array elements: ("", value start, value).
    children: Vec<(String, usize, Node)>,
    is_array: bool,
}

struct Scanner<'a> {
    text: &'a [u8],
    at: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 200;

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while self.at < self.text.len()
            && matches!(self.text[self.at], b' ' | b'\t' | b'\n' | b'\r')
        {
            self.at += 1;
        }
    }

    fn string_end(&mut self) -> Option<usize> {
        // At the opening quote.
        self.at += 1;
        while self.at < self.text.len() {
            match self.text[self.at] {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    return Some(self.at);
                }
                _ => self.at += 1,
            }
        }
        None
    }

    fn value(&mut self) -> Option<Node> {
        self.skip_ws();
        let start = self.at;
        let first = *self.text.get(self.at)?;
        match first {
            b'{' | b'[' => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return None;
                }
                let is_array = first == b'[';
                let close = if is_array { b']' } else { b'}' };
                self.at += 1;
                let mut children = Vec::new();
                self.skip_ws();
                if self.text.get(self.at) == Some(&close) {
                    self.at += 1;
                } else {
                    loop {
                        self.skip_ws();
                        let member_start = self.at;
                        let key = if is_array {
                            String::new()
                        } else {
                            if self.text.get(self.at) != Some(&b'"') {
                                return None;
                            }
                            let end = self.string_end()?;
                            let raw = std::str::from_utf8(&self.text[member_start..end]).ok()?;
                            let key: String = serde_json::from_str(raw).ok()?;
                            self.skip_ws();
                            if self.text.get(self.at) != Some(&b':') {
                                return None;
                            }
                            self.at += 1;
                            key
                        };
                        let node = self.value()?;
                        children.push((key, member_start, node));
                        self.skip_ws();
                        match self.text.get(self.at) {
                            Some(b',') => self.at += 1,
                            Some(c) if *c == close => {
                                self.at += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                self.depth -= 1;
                Some(Node {
                    start,
                    end: self.at,
                    children,
                    is_array,
                })
            }
            b'"' => {
                let end = self.string_end()?;
                Some(Node {
                    start,
                    end,
                    children: Vec::new(),
                    is_array: false,
                })
            }
            _ => {
                while self.at < self.text.len()
                    && !matches!(
                        self.text[self.at],
                        b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'
                    )
                {
                    self.at += 1;
                }
                (self.at > start).then_some(Node {
                    start,
                    end: self.at,
                    children: Vec::new(),
                    is_array: false,
                })
            }
        }
    }
}

fn scan(text: &str) -> Option<Node> {
    // The scanner finds spans; serde decides validity.
    serde_json::from_str::<Value>(text).ok()?;
    Scanner {
        text: text.as_bytes(),
        at: 0,
        depth: 0,
    }
    .value()
}

fn find<'a>(node: &'a Node, path: &[PathStep]) -> Option<&'a Node> {
    let Some((step, rest)) = path.split_first() else {
        return Some(node);
    };
    let child = match step {
        PathStep::Key(k) => node
            .children
            .iter()
            .filter(|_| !node.is_array)
            .rfind(|(key, _, _)| key == k)?,
        PathStep::Index(i) => node.children.get(*i).filter(|_| node.is_array)?,
    };
    find(&child.2, rest)
}

/// One step into a document.
#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    Key(String),
    Index(usize),
}

pub fn key(k: &str) -> PathStep {
    PathStep::Key(k.to_string())
}

/// The indentation of the line `offset` is on.
fn indent_at(text: &str, offset: usize) -> String {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// `value` as JSON text to sit at `indent`: multi-line values are indented to match.
fn render(value: &Value, indent: &str) -> String {
    let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
    pretty.replace('\n', &format!("\n{indent}"))
}

/// Whether a container is laid out one member per line (so a new member gets its own line).
fn multiline(text: &str, node: &Node) -> bool {
    text[node.start..node.end].contains('\n')
}

/// Sets `path` to `value`: replaces the value there, or adds the last key to its object.
/// The containers on the way must exist. None when the text does not parse or the path
/// does not lead anywhere.
pub fn set(text: &str, path: &[PathStep], value: &Value) -> Option<String> {
    let root = scan(text)?;
    if let Some(node) = find(&root, path) {
        let indent = indent_at(text, node.start);
        return Some(splice(text, node.start, node.end, &render(value, &indent)));
    }
    let (last, parent_path) = path.split_last()?;
    let PathStep::Key(k) = last else {
        return None;
    };
    let parent = find(&root, parent_path)?;
    if parent.is_array || !text[parent.start..].starts_with('{') {
        return None;
    }
    let key_text = serde_json::to_string(k).ok()?;
    Some(insert_member(text, parent, &format!("{key_text}: "), value))
}

/// Appends `value` to the array at `path`.
pub fn push(text: &str, path: &[PathStep], value: &Value) -> Option<String> {
    let root = scan(text)?;
    let array = find(&root, path)?;
    if !array.is_array {
        return None;
    }
    Some(insert_member(text, array, "", value))
}

fn insert_member(text: &str, container: &Node, prefix: &str, value: &Value) -> String {
    let close = container.end - 1;
    if let Some((_, _, last)) = container.children.last() {
        if multiline(text, container) {
            let indent = indent_at(text, last.start);
            let member = format!(",\n{indent}{prefix}{}", render(value, &indent));
            splice(text, last.end, last.end, &member)
        } else {
            let member = format!(", {prefix}{}", render(value, ""));
            splice(text, last.end, last.end, &member)
        }
    } else {
        let outer = indent_at(text, container.start);
        let indent = format!("{outer}  ");
        let member = format!("\n{indent}{prefix}{}\n{outer}", render(value, &indent));
        splice(text, container.start + 1, close, &member)
    }
}

/// Removes the member or element at `path`, with its comma.
pub fn remove(text: &str, path: &[PathStep]) -> Option<String> {
    let root = scan(text)?;
    let (last, parent_path) = path.split_last()?;
    let parent = find(&root, parent_path)?;
    let index = match last {
        PathStep::Key(k) => parent
            .children
            .iter()
            .rposition(|(key, _, _)| key == k)
            .filter(|_| !parent.is_array)?,
        PathStep::Index(i) => (*i < parent.children.len() && parent.is_array).then_some(*i)?,
    };
    let (_, member_start, node) = &parent.children[index];
    let (from, to) = if index > 0 {
        // From the end of the one before (its comma goes) to the end of this one.
        (parent.children[index - 1].2.end, node.end)
    } else if let Some((_, next_start, _)) = parent.children.get(1) {
        (*member_start, *next_start)
    } else {
        (parent.start + 1, parent.end - 1)
    };
    Some(splice(text, from, to, ""))
}

fn splice(text: &str, from: usize, to: usize, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..from]);
    out.push_str(with);
    out.push_str(&text[to..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DOC: &str = "{\n  \"buses\": [\"orders\"],\n  \"rules\": [\n    {\n      \"Name\": \"a\",   \"EventPattern\": {\"source\": [\"x\"]}\n    }\n  ]\n}\n";

    fn parsed(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn a_set_value_changes_only_its_own_bytes() {
        let out = set(
            DOC,
            &[key("rules"), PathStep::Index(0), key("Name")],
            &json!("b"),
        )
        .unwrap();
        assert_eq!(out, DOC.replace("\"Name\": \"a\"", "\"Name\": \"b\""));
        // A new key joins the object after its last member, on its own line.
        let out = set(
            DOC,
            &[key("rules"), PathStep::Index(0), key("State")],
            &json!("DISABLED"),
        )
        .unwrap();
        assert_eq!(parsed(&out)["rules"][0]["State"], "DISABLED");
        assert!(
            out.contains("\"EventPattern\": {\"source\": [\"x\"]},\n      \"State\": \"DISABLED\""),
            "{out}"
        );
        assert!(
            out.contains("\"Name\": \"a\",   \"EventPattern\""),
            "spacing kept: {out}"
        );
    }

    #[test]
    fn push_and_remove_keep_the_rest_verbatim() {
        let out = push(DOC, &[key("buses")], &json!("audit")).unwrap();
        assert!(out.contains("\"buses\": [\"orders\", \"audit\"]"), "{out}");
        let back = remove(&out, &[key("buses"), PathStep::Index(1)]).unwrap();
        assert_eq!(back, DOC);
        let out = push(DOC, &[key("rules")], &json!({"Name": "c"})).unwrap();
        assert_eq!(parsed(&out)["rules"][1]["Name"], "c");
        assert!(
            out.contains("    },\n    {\n      \"Name\": \"c\"\n    }\n  ]"),
            "{out}"
        );
        let back = remove(&out, &[key("rules"), PathStep::Index(1)]).unwrap();
        assert_eq!(back, DOC);
        let first_gone = remove(DOC, &[key("buses")]).unwrap();
        assert!(parsed(&first_gone).get("buses").is_none());
        assert_eq!(parsed(&first_gone)["rules"][0]["Name"], "a");
        let empty = push("{\"a\": []}", &[key("a")], &json!(1)).unwrap();
        assert_eq!(parsed(&empty)["a"], json!([1]));
        assert_eq!(
            remove("{\"a\": [1]}", &[key("a"), PathStep::Index(0)]).unwrap(),
            "{\"a\": []}"
        );
    }

    #[test]
    fn broken_text_and_wrong_paths_are_not_edited() {
        assert!(set("{\"a\": ", &[key("a")], &json!(1)).is_none());
        assert!(set(DOC, &[key("nope"), key("x")], &json!(1)).is_none());
        assert!(push(DOC, &[key("rules"), PathStep::Index(0)], &json!(1)).is_none());
        assert!(remove(DOC, &[key("rules"), PathStep::Index(3)]).is_none());
        // Strings with escapes and brackets inside do not confuse the scanner.
        let tricky = "{\"a\": \"x\\\"]}\", \"b\": [1, {\"c\": \"}\"}]}";
        let out = set(tricky, &[key("b"), PathStep::Index(1), key("c")], &json!(2)).unwrap();
        assert_eq!(parsed(&out), json!({"a": "x\"]}", "b": [1, {"c": 2}]}));
    }
}
