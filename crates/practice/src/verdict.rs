//! What one case concluded, the answer's own faults, and the sentences that say so.

use serde_json::Value;
use stepbridge_inspect::compare::ValueDifference;
use stepbridge_inspect::practice::{Case, CaseGrade};
use stepbridge_inspect::protocol::Diag;

/// Faults of the answer itself: no case can run. `field` is the Answer field they are in.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub field: String,
    pub diagnostics: Vec<Diag>,
}

impl Refusal {
    /// A fault without a better place than the start of the field.
    pub fn new(field: &str, message: impl Into<String>) -> Refusal {
        Refusal::at(field, placed("INVALID_ANSWER", message, 1, 1, ""))
    }

    pub fn at(field: &str, diagnostic: Diag) -> Refusal {
        Refusal {
            field: field.to_string(),
            diagnostics: vec![diagnostic],
        }
    }

    /// `text` is not JSON: the parser's place.
    pub fn json(field: &str, what: &str, error: &serde_json::Error) -> Refusal {
        Refusal::at(
            field,
            placed(
                "INVALID_JSON",
                format!("{what} is not valid JSON: {error}"),
                error.line(),
                error.column(),
                "",
            ),
        )
    }
}

/// An error diagnostic at a 1-based place.
pub(crate) fn placed(
    code: &str,
    message: impl Into<String>,
    line: usize,
    column: usize,
    pointer: &str,
) -> Diag {
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).max(1);
    Diag {
        severity: "error".into(),
        code: code.into(),
        message: message.into(),
        line: clamp(line),
        column: clamp(column),
        pointer: pointer.into(),
    }
}

/// An engine diagnostic as the page shows it (the same shape the worker's validation uses).
pub fn diag_of(d: &stepbridge_asl::Diagnostic) -> Diag {
    Diag {
        severity: match d.severity {
            stepbridge_asl::Severity::Error => "error",
            stepbridge_asl::Severity::Warning => "warning",
        }
        .into(),
        code: d.code.clone(),
        message: d.message.clone(),
        line: d.location.line.max(1),
        column: d.location.column.max(1),
        pointer: d.location.pointer.clone(),
    }
}

/// One case's conclusion before it is told to the learner: a `CaseGrade` without its name,
/// built up by the checks.
#[derive(Debug, Default)]
pub(crate) struct Verdict(CaseGrade);

impl Verdict {
    pub fn pass(message: impl Into<String>) -> Verdict {
        Verdict(CaseGrade {
            passed: true,
            message: message.into(),
            ..CaseGrade::default()
        })
    }

    pub fn fail(message: impl Into<String>) -> Verdict {
        Verdict(CaseGrade {
            message: message.into(),
            ..CaseGrade::default()
        })
    }

    pub fn state(self, state: impl Into<String>) -> Verdict {
        self.maybe_state(Some(state.into()))
    }

    pub fn maybe_state(mut self, state: Option<String>) -> Verdict {
        self.0.state = state;
        self
    }

    pub fn pointer(mut self, pointer: impl Into<String>) -> Verdict {
        self.0.pointer = Some(pointer.into());
        self
    }

    pub fn values(mut self, expected: Option<Value>, actual: Option<Value>) -> Verdict {
        self.0.expected = expected;
        self.0.actual = actual;
        self
    }

    /// A failure at the first difference of two values: `what` names the whole value ("the
    /// output"); the pointer and both sides come from the difference.
    pub fn differs(what: &str, d: ValueDifference) -> Verdict {
        Verdict::fail(describe(what, &d))
            .pointer(d.pointer)
            .values(d.expected, d.actual)
    }

    /// The learner's view of this case: a hidden case keeps its verdict and sentence but not
    /// its data.
    pub fn into_grade(self, case: &Case, hidden: bool, number: usize) -> CaseGrade {
        let name = if case.name.trim().is_empty() {
            format!("{} {number}", if hidden { "hidden case" } else { "case" })
        } else {
            case.name.clone()
        };
        let grade = self.0;
        CaseGrade {
            name,
            hidden,
            expected: if hidden { None } else { grade.expected },
            actual: if hidden { None } else { grade.actual },
            ..grade
        }
    }
}

/// "the output's /total is 12, expected 10" and its variants for a missing or extra field.
pub(crate) fn describe(what: &str, d: &ValueDifference) -> String {
    let at = if d.pointer.is_empty() {
        what.to_string()
    } else {
        format!("{what}'s {}", d.pointer)
    };
    match (&d.expected, &d.actual) {
        (Some(e), Some(a)) => format!("{at} is {}, expected {}", show(a), show(e)),
        (Some(e), None) if d.pointer.is_empty() => {
            format!("{what} is missing, expected {}", show(e))
        }
        (Some(e), None) => format!("{what} has no {}, expected {}", d.pointer, show(e)),
        (None, Some(a)) => format!("{at} is {}, which is not expected", show(a)),
        (None, None) => format!("{at} differs"),
    }
}

/// A value as compact JSON, cut to a readable length.
pub(crate) fn show(value: &Value) -> String {
    const MAX: usize = 120;
    let text = value.to_string();
    if text.chars().count() <= MAX {
        return text;
    }
    let cut: String = text.chars().take(MAX).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use stepbridge_inspect::compare::first_value_difference;

    #[test]
    fn differences_read_as_one_sentence() {
        let d =
            |e: Value, a: Value| describe("the output", &first_value_difference(&e, &a).unwrap());
        assert_eq!(
            d(json!({"total": 10}), json!({"total": 12})),
            "the output's /total is 12, expected 10"
        );
        assert_eq!(
            d(json!({"a": 1}), json!({})),
            "the output has no /a, expected 1"
        );
        assert_eq!(
            d(json!({}), json!({"b": [1]})),
            "the output's /b is [1], which is not expected"
        );
        assert_eq!(d(json!(1), json!("1")), "the output is \"1\", expected 1");
        assert!(show(&json!("x".repeat(500))).ends_with('…'));
    }

    #[test]
    fn hidden_cases_keep_the_verdict_but_not_the_data() {
        let v = || {
            Verdict::fail("the output's /a is 2, expected 1").values(Some(json!(1)), Some(json!(2)))
        };
        let case = Case::default();
        let shown = v().into_grade(&case, false, 1);
        let hidden = v().into_grade(&case, true, 2);
        assert_eq!(
            (shown.name.as_str(), hidden.name.as_str()),
            ("case 1", "hidden case 2")
        );
        assert_eq!(shown.message, hidden.message);
        assert!(!hidden.passed && hidden.hidden);
        assert_eq!((hidden.expected, hidden.actual), (None, None));
        assert_eq!(shown.expected, Some(json!(1)));
    }
}
