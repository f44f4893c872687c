//! Jayway JsonPath quirks AWS inherits: a filter comparing with an unquoted word
//! (`$.Labels[?(@.Name==Receipt)]`) is accepted in a definition but cannot be compiled by
//! Jayway when the path runs, and a trailing union of names merges into objects.

use super::*;

impl Path {
    /// The run-time failure of a path whose filter compares with an unquoted word, as
    /// Jayway JsonPath fails it: its filter compiler reads anything unquoted that is not
    /// `true`, `false`, `null`, a path, a list or a regex as a number, and `Receipt` is none,
    /// so it throws "Could not compile inline filter". None for every other path (only
    /// indefinite paths have filters, so definite ones cost one test).
    pub fn uncompilable_filter(&self) -> Option<StatesError> {
        if self.definite || !segments_have_unquoted(&self.segments) {
            return None;
        }
        let filter = self
            .text
            .find("[?")
            .map(|at| {
                let rest = &self.text[at..];
                rest.find(")]").map_or(rest, |end| &rest[..end + 2])
            })
            .unwrap_or(&self.text);
        Some(StatesError::runtime(format!(
            "Invalid path '{}' : Could not compile inline filter : {filter}",
            self.text
        )))
    }
}

pub(super) fn segments_have_unquoted(segs: &[Segment]) -> bool {
    segs.iter().any(|s| match &s.selector {
        Selector::Filter(e) => expr_has_unquoted(e),
        _ => false,
    })
}

fn expr_has_unquoted(e: &Expr) -> bool {
    let operand = |o: &Operand| match o {
        Operand::Unquoted(_) => true,
        Operand::Current(s) | Operand::Root(s) => segments_have_unquoted(s),
        Operand::Literal(_) => false,
    };
    match e {
        Expr::Or(t) | Expr::And(t) => t.iter().any(expr_has_unquoted),
        Expr::Not(a) => expr_has_unquoted(a),
        Expr::Cmp(l, _, r) => operand(l) || operand(r),
        Expr::Exists(o) => operand(o),
    }
}

/// Jayway merges a trailing union of names into one object per node
/// (`$.[*]['bucket', 'key']` gives `[{"bucket": ..., "key": ...}, ...]`), leaving out the
/// names a node lacks; `parents` are the segments before the union.
pub(super) fn merge_names(doc: &Value, parents: &[Segment], names: &[String]) -> Value {
    let mut out = Vec::new();
    collect(doc, doc, parents, &mut out, 0);
    let merged = out
        .into_iter()
        .filter_map(Value::as_object)
        .map(|m| {
            let picked: Map<String, Value> = names
                .iter()
                .filter_map(|n| field(m, n).map(|v| (n.clone(), v.clone())))
                .collect();
            Value::Object(picked)
        })
        .collect();
    Value::Array(merged)
}
