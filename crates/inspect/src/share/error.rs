//! What can be wrong with a link or a workspace file, in words the user can act on.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The broad reason, which decides what the playground offers (e.g. "open it in the newer
/// playground" for [`ShareErrorKind::NewerVersion`], "ask for the whole link" for
/// [`ShareErrorKind::Truncated`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ShareErrorKind {
    /// Not a link or file of ours at all (no `#w1.` part, not a workspace document).
    NotOurs,
    /// Made by a later version of the playground, whose format this one cannot read.
    NewerVersion,
    /// Cut off: the compressed data or its base64 text ends mid-way.
    Truncated,
    /// Ours, but garbled: bad characters, corrupt compression, invalid JSON or wrong shape.
    Damaged,
    /// Longer, or inflating to more, than the limits in [`super`].
    TooLarge,
}

/// A failed decode: the kind for the program, the message for the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareError {
    pub kind: ShareErrorKind,
    pub message: String,
}

impl ShareError {
    pub(crate) fn new(kind: ShareErrorKind, message: impl Into<String>) -> Self {
        ShareError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ShareError {}
