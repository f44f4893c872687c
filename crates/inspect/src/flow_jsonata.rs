//! The JSONata side of the walk: references to `$states.input`, `$states.result` and
//! variables inside `{% %}` expressions, and what a comparison right after one asks for.

use super::{processor, transitions, Flow, Origin, Reads, Want};
use crate::skeleton::{Hint, Path, Seg, PLACEHOLDER, TIMESTAMP};
use serde_json::{json, Value};

/// A reference found in an expression.
enum Ref {
    Input(Path),
    Result(Path),
    Item(Path),
    Var(String, Path),
}

impl Reads {
    pub(super) fn jsonata_state(
        &mut self,
        name: &str,
        st: &Value,
        flow: &Flow,
        lang: &str,
    ) -> Vec<(String, Flow)> {
        let ty = st.get("Type").and_then(Value::as_str).unwrap_or("");
        let result = Flow::from(Origin::Result(name.into()), vec![]);
        let (items, item_flow) = self.jsonata_items(name, st, flow);
        let item = (st.get("ItemSelector").is_some()).then_some(&items);
        if let Some(m) = st.as_object() {
            for (k, v) in m {
                if matches!(
                    k.as_str(),
                    "Branches" | "ItemProcessor" | "Iterator" | "Items"
                ) {
                    continue;
                }
                let whole = match k.as_str() {
                    "Seconds"
                    | "TimeoutSeconds"
                    | "HeartbeatSeconds"
                    | "MaxConcurrency"
                    | "ToleratedFailureCount"
                    | "ToleratedFailurePercentage" => Hint::Value(json!(5)),
                    "Timestamp" => Hint::Value(json!(TIMESTAMP)),
                    _ => Hint::Any,
                };
                self.scan(flow, &result, item, v, whole);
            }
        }
        // Variables keep where their value came from, for the expressions that read them.
        let mut assigns: Vec<&Value> = st.get("Assign").into_iter().collect();
        for list in ["Choices", "Catch"] {
            for r in st.get(list).and_then(Value::as_array).into_iter().flatten() {
                assigns.extend(r.get("Assign"));
            }
        }
        for a in assigns {
            for (k, v) in a.as_object().into_iter().flatten() {
                match v.as_str().and_then(pure_ref) {
                    Some(Ref::Input(p)) => self.assign_var(k, flow, &p),
                    Some(Ref::Result(p)) if ty == "Task" => self.assign_var(k, &result, &p),
                    _ => {}
                }
            }
        }
        match ty {
            "Parallel" => {
                let branch = if st.get("Arguments").is_some() {
                    Flow::default()
                } else {
                    flow.clone()
                };
                for b in st
                    .get("Branches")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    self.machine(b, branch.clone(), lang);
                }
            }
            "Map" => {
                if let Some(p) = processor(st) {
                    self.machine(p, item_flow, lang);
                }
            }
            _ => {}
        }
        let out = match st.get("Output") {
            Some(Value::String(s)) => match pure_ref(s) {
                Some(Ref::Input(p)) => flow.descend(&p),
                Some(Ref::Result(p)) if ty == "Task" => result.descend(&p),
                _ => Flow::default(),
            },
            Some(_) => Flow::default(),
            None => match ty {
                "Task" => result,
                "Map" | "Parallel" => Flow::default(),
                _ => flow.clone(),
            },
        };
        let mut next: Vec<(String, Flow)> = transitions(st)
            .into_iter()
            .map(|n| (n, out.clone()))
            .collect();
        for c in st
            .get("Catch")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(n) = c.get("Next").and_then(Value::as_str) {
                let f = match c.get("Output").and_then(Value::as_str).and_then(pure_ref) {
                    Some(Ref::Input(p)) => flow.descend(&p),
                    _ => Flow::default(),
                };
                next.retain(|(m, _)| m != n);
                next.push((n.to_string(), f));
            }
        }
        next
    }

    /// The Map's items as a flow (for `$states.context.Map.Item.Value` in ItemSelector)
    /// and the flow its iterations receive.
    fn jsonata_items(&mut self, name: &str, st: &Value, flow: &Flow) -> (Flow, Flow) {
        if st.get("Type").and_then(Value::as_str) != Some("Map") {
            return (Flow::default(), Flow::default());
        }
        let items = if st.get("ItemReader").is_some() {
            Flow::from(Origin::Result(name.into()), vec![Seg::Index(0)])
        } else {
            match st.get("Items") {
                None => {
                    self.read(flow, &[], &Want::same(Hint::Array));
                    flow.descend(&[Seg::Index(0)])
                }
                Some(Value::String(s)) => match pure_ref(s) {
                    Some(Ref::Input(mut p)) => {
                        self.read(flow, &p, &Want::same(Hint::Array));
                        p.push(Seg::Index(0));
                        flow.descend(&p)
                    }
                    _ => {
                        self.scan(
                            flow,
                            &Flow::default(),
                            None,
                            &Value::String(s.clone()),
                            Hint::Array,
                        );
                        Flow::default()
                    }
                },
                Some(v) => {
                    self.scan(flow, &Flow::default(), None, v, Hint::Any);
                    Flow::default()
                }
            }
        };
        let iteration = if st.get("ItemSelector").is_some() {
            Flow::default()
        } else {
            items.clone()
        };
        (items, iteration)
    }

    /// Every `{% %}` string in `v`; `whole` is what a string that is one bare reference
    /// must hold (an array for Items, a number for Seconds).
    fn scan(&mut self, input: &Flow, result: &Flow, item: Option<&Flow>, v: &Value, whole: Hint) {
        match v {
            Value::String(s) => {
                let Some(expr) = expression(s) else {
                    return;
                };
                for (r, mut want) in references(expr) {
                    if whole != Hint::Any && pure_ref(s).is_some() {
                        want = Want::same(whole.clone());
                    }
                    match r {
                        Ref::Input(p) => self.read(input, &p, &want),
                        Ref::Result(p) => self.read(result, &p, &want),
                        Ref::Item(p) => {
                            if let Some(item) = item {
                                self.read(item, &p, &want)
                            }
                        }
                        Ref::Var(name, p) => self.read_var(&name, &p, &want),
                    }
                }
            }
            Value::Object(m) => m
                .values()
                .for_each(|v| self.scan(input, result, item, v, Hint::Any)),
            Value::Array(a) => a
                .iter()
                .for_each(|v| self.scan(input, result, item, v, Hint::Any)),
            _ => {}
        }
    }
}

fn expression(s: &str) -> Option<&str> {
    s.trim().strip_prefix("{%")?.strip_suffix("%}")
}

/// The reference a `{% %}` string consists of, if that is all it is.
fn pure_ref(s: &str) -> Option<Ref> {
    let expr = expression(s)?.trim();
    let (r, end) = reference_at(expr, 0)?;
    (end == expr.len()).then_some(r)
}

/// The references in an expression, each with what the comparison after it asks for.
fn references(expr: &str) -> Vec<(Ref, Want)> {
    let mut out = Vec::new();
    let bytes = expr.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
                i += 1;
                continue;
            }
            None if c == b'\'' || c == b'"' => {
                quote = Some(c);
                i += 1;
                continue;
            }
            _ => {}
        }
        if c == b'$' {
            if let Some((r, end)) = reference_at(expr, i) {
                out.push((r, comparison(&expr[end..])));
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out
}

fn ident_len(s: &str) -> usize {
    s.find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len())
}

/// The reference starting at byte `at` (a `$`) and where it ends.
fn reference_at(expr: &str, at: usize) -> Option<(Ref, usize)> {
    let rest = expr.get(at + 1..)?;
    let n = ident_len(rest);
    let name = &rest[..n];
    let mut i = at + 1 + n;
    if name.is_empty() || expr[i..].starts_with('(') {
        return None;
    }
    let (path, end) = chain(expr, i);
    if name != "states" {
        return Some((Ref::Var(name.to_string(), path), end));
    }
    i = end;
    let mut steps = path.into_iter();
    let kind = match steps.next() {
        Some(Seg::Field(f)) => f,
        _ => return None,
    };
    let rest: Path = steps.collect();
    match kind.as_str() {
        "input" => Some((Ref::Input(rest), i)),
        "result" => Some((Ref::Result(rest), i)),
        "context" => {
            let prefix = ["Map", "Item", "Value"].map(|s| Seg::Field(s.into()));
            rest.starts_with(&prefix)
                .then(|| (Ref::Item(rest[3..].to_vec()), i))
        }
        _ => None,
    }
}

/// `.name`, ``.`quoted name` `` and `[n]` steps from byte `i`.
fn chain(expr: &str, mut i: usize) -> (Path, usize) {
    let mut path = Vec::new();
    loop {
        let rest = &expr[i..];
        if let Some(r) = rest.strip_prefix('.') {
            if let Some(q) = r.strip_prefix('`') {
                let Some(close) = q.find('`') else { break };
                path.push(Seg::Field(q[..close].to_string()));
                i += 2 + close + 1;
                continue;
            }
            let n = ident_len(r);
            if n == 0 || r[n..].starts_with('(') {
                break;
            }
            path.push(Seg::Field(r[..n].to_string()));
            i += 1 + n;
        } else if let Some(r) = rest.strip_prefix('[') {
            let Some(close) = r.find(']') else { break };
            let Ok(n) = r[..close].trim().parse::<usize>() else {
                break;
            };
            path.push(Seg::Index(n));
            i += 1 + close + 1;
        } else {
            break;
        }
    }
    (path, i)
}

/// What `<ref> <op> <literal>` asks of the reference.
fn comparison(after: &str) -> Want {
    let s = after.trim_start();
    let ops = ["!=", ">=", "<=", "=", ">", "<"];
    let Some(op) = ops.into_iter().find(|op| s.starts_with(op)) else {
        return Want::same(Hint::Any);
    };
    let lit = s[op.len()..].trim_start();
    let value: Option<Value> = if let Some(q) = lit.strip_prefix('\'').or(lit.strip_prefix('"')) {
        let quote = &lit[..1];
        q.find(quote).map(|end| json!(&q[..end]))
    } else if lit.starts_with("true") {
        Some(json!(true))
    } else if lit.starts_with("false") {
        Some(json!(false))
    } else {
        let n = lit
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .unwrap_or(lit.len());
        serde_json::from_str::<Value>(&lit[..n])
            .ok()
            .filter(Value::is_number)
    };
    let Some(v) = value else {
        return Want::same(Hint::Any);
    };
    let neutral = match &v {
        Value::Bool(_) => json!(true),
        Value::Number(_) => json!(0),
        _ => json!(PLACEHOLDER),
    };
    let shift = |d: i64| match v.as_i64() {
        Some(i) => json!(i + d),
        None => json!(v.as_f64().unwrap_or(0.0) + d as f64),
    };
    let matching = match (op, &v) {
        ("=" | ">=" | "<=", _) => v.clone(),
        (">", Value::Number(_)) => shift(1),
        ("<", Value::Number(_)) => shift(-1),
        _ => neutral.clone(),
    };
    Want {
        matching: Hint::Value(matching),
        neutral: Hint::Value(neutral),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_comparisons_are_found() {
        let refs = references("$states.input.order.total > 100 and $states.input.`the tier` = 'gold' and $count($v.items[0]) and 'x $states.input.no'");
        let shown: Vec<String> = refs
            .iter()
            .map(|(r, w)| match r {
                Ref::Input(p) => format!("input {p:?} {:?}", w.matching),
                Ref::Var(n, p) => format!("var {n} {p:?}"),
                _ => "other".into(),
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                r#"input [Field("order"), Field("total")] Value(Number(101))"#.to_string(),
                r#"input [Field("the tier")] Value(String("gold"))"#.to_string(),
                r#"var v [Field("items"), Index(0)]"#.to_string(),
            ]
        );
        assert!(
            matches!(pure_ref("{% $states.result.Payload %}"), Some(Ref::Result(p)) if p.len() == 1)
        );
        assert!(pure_ref("{% $states.input.a & 'x' %}").is_none());
    }
}
