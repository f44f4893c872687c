//! Limits on what validation reports: keys written twice (which a JSON parser would resolve
//! silently, last one wins) and the cap on the number of diagnostics listed.

use super::Validator;
use crate::source::Duplicate;
use crate::{Diagnostic, Location, Severity};

/// Diagnostics listed per validation; the rest are counted in a final TOO_MANY_DIAGNOSTICS.
/// A definition with thousands of faults (16,000 bad `Next`) otherwise produced a list
/// nobody reads, at a cost that grew with each entry.
pub const MAX_DIAGNOSTICS: usize = 100;

/// A DUPLICATE_STATE_NAME for a state name written twice in one `States` object (AWS's code
/// for a name used more than once), else SCHEMA_VALIDATION_FAILED naming the key.
pub(super) fn duplicates(v: &mut Validator, dups: &[Duplicate]) {
    for d in dups {
        if d.state {
            v.code(
            "DUPLICATE_STATE_NAME",
            &d.pointer,
            format!("The state name \"{}\" appears twice in this States object; only the last would count. Rename or remove one of them.", d.key),
        );
        } else {
            v.err(
            &d.pointer,
            format!("The key \"{}\" appears twice in this object; only the last would count. Remove one of them.", d.key),
        );
        }
    }
}

/// The closing TOO_MANY_DIAGNOSTICS, saying how many were not listed.
pub(super) fn not_shown(v: &mut Validator) {
    if v.not_shown > 0 {
        let n = v.not_shown;
        v.diags.push(Diagnostic {
        severity: Severity::Error,
        code: "TOO_MANY_DIAGNOSTICS".into(),
        message: format!("{n} more diagnostics are not shown; only the first {MAX_DIAGNOSTICS} are listed. Fix these and validate again."),
        location: Location {
            pointer: String::new(),
            line: 1,
            column: 1,
        },
    });
    }
}
