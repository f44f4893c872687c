//! Intrinsic functions and pseudo parameters, evaluated the way CloudFormation would for a
//! stack deployed in the playground's account and Region. What cannot be known without a
//! deploy (`Fn::ImportValue`, a parameter without a Default, a resource the template does not
//! hold) is left visible — `${Name}` in text — and reported to the caller.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html>
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html>

use super::{ACCOUNT, REGION, STACK_NAME};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Deepest nesting of intrinsic functions evaluated.
const MAX_DEPTH: usize = 100;

/// What a deployed resource answers to `Ref` and `Fn::GetAtt`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Physical {
    pub resource_type: String,
    pub name: String,
    pub arn: String,
    /// `Ref`'s value (a name, an ARN or a URL depending on the type).
    pub reference: String,
    /// `Fn::GetAtt` attributes other than `Arn`.
    pub attributes: Vec<(String, String)>,
}

impl Physical {
    pub fn attribute(&self, name: &str) -> Option<String> {
        if name == "Arn" && !self.arn.is_empty() {
            return Some(self.arn.clone());
        }
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

pub(crate) struct Resolver {
    pub parameters: HashMap<String, Value>,
    pub resources: HashMap<String, Physical>,
    pub conditions: Map<String, Value>,
    pub mappings: Map<String, Value>,
}

/// Where unresolved things are written down while resolving one property.
pub(crate) type Misses = Vec<String>;

fn one_key(v: &Value) -> Option<(&str, &Value)> {
    let m = v.as_object()?;
    if m.len() != 1 {
        return None;
    }
    let (k, arg) = m.iter().next()?;
    (k == "Ref" || k.starts_with("Fn::")).then_some((k.as_str(), arg))
}

/// A value as `Fn::Sub` and `Fn::Join` write it into text.
pub(crate) fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>().join(","),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn push(misses: &mut Misses, what: String) {
    if !misses.contains(&what) {
        misses.push(what);
    }
}

impl Resolver {
    fn pseudo(&self, name: &str) -> Option<Value> {
        Some(Value::from(match name {
            "AWS::Region" => REGION,
            "AWS::AccountId" => ACCOUNT,
            "AWS::Partition" => "aws",
            "AWS::URLSuffix" => "amazonaws.com",
            "AWS::StackName" => STACK_NAME,
            "AWS::StackId" => {
                return Some(Value::from(format!(
                    "arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{STACK_NAME}/00000000-0000-4000-8000-000000000000"
                )))
            }
            "AWS::NotificationARNs" => return Some(Value::Array(Vec::new())),
            _ => return None,
        }))
    }

    /// `Ref name`: a parameter, a pseudo parameter or a resource.
    fn reference(&self, name: &str, misses: &mut Misses) -> Value {
        if let Some(v) = self
            .parameters
            .get(name)
            .cloned()
            .or_else(|| self.pseudo(name))
        {
            return v;
        }
        if let Some(r) = self.resources.get(name) {
            return Value::from(r.reference.clone());
        }
        push(misses, format!("Ref {name}"));
        Value::from(format!("${{{name}}}"))
    }

    fn get_att(&self, resource: &str, attribute: &str, misses: &mut Misses) -> Value {
        match self
            .resources
            .get(resource)
            .and_then(|r| r.attribute(attribute))
        {
            Some(v) => Value::from(v),
            None => {
                push(misses, format!("Fn::GetAtt {resource}.{attribute}"));
                Value::from(format!("${{{resource}.{attribute}}}"))
            }
        }
    }

    /// Resolves every intrinsic in `v`. `None` is `AWS::NoValue`: the caller drops the key.
    pub fn resolve(&self, v: &Value, misses: &mut Misses) -> Option<Value> {
        self.walk(v, misses, 0)
    }

    fn walk(&self, v: &Value, misses: &mut Misses, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            push(misses, "intrinsic functions nested too deeply".into());
            return Some(v.clone());
        }
        if let Some((function, arg)) = one_key(v) {
            return self.call(function, arg, v, misses, depth + 1);
        }
        match v {
            Value::Array(items) => Some(Value::Array(
                items
                    .iter()
                    .filter_map(|i| self.walk(i, misses, depth + 1))
                    .collect(),
            )),
            Value::Object(m) => Some(Value::Object(
                m.iter()
                    .filter_map(|(k, i)| Some((k.clone(), self.walk(i, misses, depth + 1)?)))
                    .collect(),
            )),
            other => Some(other.clone()),
        }
    }

    fn call(
        &self,
        function: &str,
        arg: &Value,
        whole: &Value,
        misses: &mut Misses,
        depth: usize,
    ) -> Option<Value> {
        let args = |misses: &mut Misses| -> Vec<Value> {
            match self.walk(arg, misses, depth) {
                Some(Value::Array(items)) => items,
                Some(other) => vec![other],
                None => Vec::new(),
            }
        };
        match function {
            "Ref" => {
                let name = text_of(&self.walk(arg, misses, depth)?);
                if name == "AWS::NoValue" {
                    return None;
                }
                Some(self.reference(&name, misses))
            }
            "Fn::GetAtt" => {
                let parts: Vec<String> = args(misses).iter().map(text_of).collect();
                let (resource, attribute) = match parts.as_slice() {
                    [r, a] => (r.clone(), a.clone()),
                    [one] => match one.split_once('.') {
                        Some((r, a)) => (r.to_string(), a.to_string()),
                        None => (one.clone(), String::new()),
                    },
                    _ => (String::new(), String::new()),
                };
                Some(self.get_att(&resource, &attribute, misses))
            }
            "Fn::Sub" => {
                let (text, vars) = match arg {
                    Value::Array(items) if items.len() == 2 => {
                        let vars = match self.walk(&items[1], misses, depth) {
                            Some(Value::Object(m)) => m,
                            _ => Map::new(),
                        };
                        (self.walk(&items[0], misses, depth), vars)
                    }
                    other => (self.walk(other, misses, depth), Map::new()),
                };
                Some(Value::from(self.substitute(
                    &text_of(&text.unwrap_or_default()),
                    &vars,
                    misses,
                )))
            }
            "Fn::Join" => {
                let a = args(misses);
                let delimiter = a.first().map(text_of).unwrap_or_default();
                let items = match a.get(1) {
                    Some(Value::Array(items)) => items.clone(),
                    Some(Value::String(s)) => vec![Value::from(s.clone())],
                    _ => Vec::new(),
                };
                Some(Value::from(
                    items
                        .iter()
                        .map(text_of)
                        .collect::<Vec<_>>()
                        .join(&delimiter),
                ))
            }
            "Fn::Select" => {
                let a = args(misses);
                let index = a.first().and_then(|i| match i {
                    Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
                    Value::String(s) => s.parse::<usize>().ok(),
                    _ => None,
                });
                match (index, a.get(1)) {
                    (Some(i), Some(Value::Array(items))) if i < items.len() => {
                        Some(items[i].clone())
                    }
                    _ => {
                        push(misses, format!("Fn::Select {}", Value::Array(a)));
                        Some(whole.clone())
                    }
                }
            }
            "Fn::Split" => {
                let a = args(misses);
                let delimiter = a.first().map(text_of).unwrap_or_default();
                let text = a.get(1).map(text_of).unwrap_or_default();
                if delimiter.is_empty() {
                    return Some(Value::Array(vec![Value::from(text)]));
                }
                Some(Value::Array(
                    text.split(&delimiter).map(Value::from).collect(),
                ))
            }
            "Fn::If" => {
                let a = match arg {
                    Value::Array(items) if items.len() == 3 => items,
                    _ => {
                        push(
                            misses,
                            "Fn::If needs [condition, value if true, value if false]".into(),
                        );
                        return Some(whole.clone());
                    }
                };
                let name = text_of(&a[0]);
                let branch = match self.condition(&name, misses, depth) {
                    Some(false) => &a[2],
                    _ => &a[1],
                };
                self.walk(branch, misses, depth)
            }
            "Fn::FindInMap" => {
                let a: Vec<String> = args(misses).iter().map(text_of).collect();
                let found = match a.as_slice() {
                    [map, top, second, ..] => self
                        .mappings
                        .get(map)
                        .and_then(|m| m.get(top))
                        .and_then(|m| m.get(second))
                        .cloned(),
                    _ => None,
                };
                found.or_else(|| {
                    push(misses, format!("Fn::FindInMap {}", a.join(".")));
                    Some(whole.clone())
                })
            }
            "Fn::GetAZs" => Some(Value::Array(
                ["a", "b", "c"]
                    .iter()
                    .map(|z| Value::from(format!("{REGION}{z}")))
                    .collect(),
            )),
            "Fn::Length" => match self.walk(arg, misses, depth) {
                Some(Value::Array(items)) => Some(Value::from(items.len())),
                _ => Some(whole.clone()),
            },
            "Fn::ToJsonString" => self
                .walk(arg, misses, depth)
                .map(|v| Value::from(v.to_string())),
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                Some(match self.evaluate(whole, misses, depth) {
                    Some(b) => Value::Bool(b),
                    None => whole.clone(),
                })
            }
            other => {
                // Fn::ImportValue, Fn::Base64, Fn::Cidr, Fn::Transform: kept as written.
                push(misses, other.to_string());
                Some(whole.clone())
            }
        }
    }

    /// `Fn::Sub` text: `${Param}`, `${Resource}`, `${Resource.Attribute}`, `${AWS::Region}`,
    /// variables from the list form first, and `${!Literal}` for a literal `${Literal}`.
    pub fn substitute(&self, text: &str, vars: &Map<String, Value>, misses: &mut Misses) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return out;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let name = name.trim();
                let value = if let Some(v) = vars.get(name) {
                    Some(v.clone())
                } else if let Some(v) = self
                    .parameters
                    .get(name)
                    .cloned()
                    .or_else(|| self.pseudo(name))
                {
                    Some(v)
                } else if let Some(r) = self.resources.get(name) {
                    Some(Value::from(r.reference.clone()))
                } else if let Some((r, a)) = name.split_once('.') {
                    self.resources
                        .get(r)
                        .and_then(|p| p.attribute(a))
                        .map(Value::from)
                } else {
                    None
                };
                match value {
                    Some(v) => out.push_str(&text_of(&v)),
                    None => {
                        push(misses, format!("${{{name}}}"));
                        out.push_str(&format!("${{{name}}}"));
                    }
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// A named condition of the Conditions section; `None` when it cannot be decided.
    pub fn condition(&self, name: &str, misses: &mut Misses, depth: usize) -> Option<bool> {
        match self.conditions.get(name) {
            Some(def) => self.evaluate(def, misses, depth + 1),
            None => {
                push(misses, format!("Condition {name}"));
                None
            }
        }
    }

    fn evaluate(&self, v: &Value, misses: &mut Misses, depth: usize) -> Option<bool> {
        if depth > MAX_DEPTH {
            return None;
        }
        let m = v.as_object().filter(|m| m.len() == 1)?;
        let (function, arg) = m.iter().next()?;
        let items = arg.as_array();
        match function.as_str() {
            "Condition" => self.condition(&text_of(arg), misses, depth),
            "Fn::Equals" => {
                let items = items.filter(|i| i.len() == 2)?;
                let a = self.walk(&items[0], misses, depth)?;
                let b = self.walk(&items[1], misses, depth)?;
                Some(text_of(&a) == text_of(&b))
            }
            "Fn::Not" => Some(!self.evaluate(items?.first()?, misses, depth + 1)?),
            "Fn::And" => items?
                .iter()
                .map(|c| self.evaluate(c, misses, depth + 1))
                .try_fold(true, |acc, b| Some(acc && b?)),
            "Fn::Or" => items?
                .iter()
                .map(|c| self.evaluate(c, misses, depth + 1))
                .try_fold(false, |acc, b| Some(acc || b?)),
            _ => None,
        }
    }
}
