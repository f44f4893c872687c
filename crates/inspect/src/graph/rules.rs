//! Choice rules as the short text on their edge: `$.status == "ok"`, `$.n > $.limit`,
//! `!($.a is null)`, or a JSONata Condition without its `{% %}`.

use serde_json::Value;

/// Longest label before it is cut with an ellipsis.
const MAX_LABEL: usize = 48;

pub(crate) fn rule_text(rule: &Value) -> String {
    let text = expr(rule, 0);
    if text.chars().count() > MAX_LABEL {
        let cut: String = text.chars().take(MAX_LABEL - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// Operators of the JSONPath comparison fields, by their name without the type prefix and
/// `Path` suffix.
fn operator(name: &str) -> Option<&'static str> {
    let base = name.strip_suffix("Path").unwrap_or(name);
    for ty in ["String", "Numeric", "Boolean", "Timestamp"] {
        if let Some(op) = base.strip_prefix(ty) {
            return match op {
                "Equals" => Some("=="),
                "LessThan" => Some("<"),
                "GreaterThan" => Some(">"),
                "LessThanEquals" => Some("<="),
                "GreaterThanEquals" => Some(">="),
                "Matches" => Some("matches"),
                _ => None,
            };
        }
    }
    None
}

fn expr(rule: &Value, depth: usize) -> String {
    if depth > 8 {
        return "…".into();
    }
    if let Some(c) = rule.get("Condition") {
        return match c {
            Value::String(s) => strip_template(s).to_string(),
            other => other.to_string(),
        };
    }
    let group = |key: &str, joiner: &str| -> Option<String> {
        let parts = rule.get(key)?.as_array()?;
        let texts: Vec<String> = parts
            .iter()
            .map(|p| {
                let t = expr(p, depth + 1);
                if p.get("And").is_some() || p.get("Or").is_some() {
                    format!("({t})")
                } else {
                    t
                }
            })
            .collect();
        Some(texts.join(joiner))
    };
    if let Some(t) = group("And", " && ") {
        return t;
    }
    if let Some(t) = group("Or", " || ") {
        return t;
    }
    if let Some(inner) = rule.get("Not") {
        return format!("!({})", expr(inner, depth + 1));
    }
    let variable = rule.get("Variable").and_then(Value::as_str).unwrap_or("?");
    let Some(obj) = rule.as_object() else {
        return "?".into();
    };
    for (k, v) in obj {
        match k.as_str() {
            "IsPresent" | "IsNull" | "IsString" | "IsNumeric" | "IsBoolean" | "IsTimestamp" => {
                let what = match k.as_str() {
                    "IsPresent" => "present",
                    "IsNull" => "null",
                    "IsString" => "a string",
                    "IsNumeric" => "numeric",
                    "IsBoolean" => "a boolean",
                    _ => "a timestamp",
                };
                let negate = v.as_bool() == Some(false);
                let not = if negate { "not " } else { "" };
                return format!("{variable} is {not}{what}");
            }
            _ => {}
        }
        if let Some(op) = operator(k) {
            let value = if k.ends_with("Path") {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            } else {
                v.to_string()
            };
            return format!("{variable} {op} {value}");
        }
    }
    "?".into()
}

/// `{% $x > 1 %}` → `$x > 1`.
fn strip_template(s: &str) -> &str {
    let t = s.trim();
    t.strip_prefix("{%")
        .and_then(|r| r.strip_suffix("%}"))
        .map(str::trim)
        .unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn comparisons_read_like_code() {
        assert_eq!(
            rule_text(&json!({"Variable": "$.status", "StringEquals": "ok", "Next": "A"})),
            "$.status == \"ok\""
        );
        assert_eq!(
            rule_text(&json!({"Variable": "$.n", "NumericGreaterThanPath": "$.limit"})),
            "$.n > $.limit"
        );
        assert_eq!(
            rule_text(&json!({"Variable": "$.a", "IsNull": false})),
            "$.a is not null"
        );
        assert_eq!(
            rule_text(&json!({"Not": {"Variable": "$.v", "BooleanEquals": true}})),
            "!($.v == true)"
        );
        assert_eq!(
            rule_text(&json!({"Condition": "{% $states.input.n > 3 %}"})),
            "$states.input.n > 3"
        );
    }

    #[test]
    fn nested_groups_are_bracketed_and_long_ones_cut() {
        let r = json!({"Or": [
            {"And": [{"Variable": "$.a", "NumericEquals": 1}, {"Variable": "$.b", "NumericEquals": 2}]},
            {"Variable": "$.c", "StringMatches": "x*"}
        ]});
        assert_eq!(
            rule_text(&r),
            "($.a == 1 && $.b == 2) || $.c matches \"x*\""
        );
        let long = json!({"Variable": "$.a", "StringEquals": "x".repeat(100)});
        let t = rule_text(&long);
        assert_eq!(t.chars().count(), MAX_LABEL);
        assert!(t.ends_with('…'));
    }
}
