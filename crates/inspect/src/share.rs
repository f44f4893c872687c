//! The whole playground workspace as a link (and as a file), with no server involved.
//!
//! A link's fragment is `#w1.` followed by the workspace's JSON, raw-deflated and written
//! in base64url without padding. The `w1.` prefix names the encoding, so a later
//! playground that encodes differently still recognises (and keeps opening) today's links,
//! and this one can tell a link from a later version apart from a damaged one.
//!
//! Links are untrusted input: decoding never panics, checks the length before doing any
//! work and stops inflating at a fixed size, so a hostile link costs bounded time and
//! memory. Text fields are carried verbatim, so that opening a link gives byte-identical
//! editors and therefore the same run.

mod deflate;
mod error;

pub use error::{ShareError, ShareErrorKind};

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{DecodeError, Engine as _};
use deflate::InflateError;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// The version of the workspace document (the JSON), written in every link and file.
/// A reader refuses documents with a higher number as "from a newer version".
pub const FORMAT_VERSION: u32 = 1;

/// The encoding this version writes: raw deflate (with `DICTIONARY_W1`) + base64url of
/// the JSON document.
pub const LINK_PREFIX: &str = "w1.";

/// The preset deflate dictionary of `w1.` links: ASL, mock-file and event-pattern
/// vocabulary as it appears inside the document's JSON strings (escaped, with the usual
/// two-space indentation), plus the document's own keys. It lets even the first use of
/// `"Type": "Task"` be a back-reference, and shortens real links by about a third (the
/// order example from 1,722 to about 1,090 characters; see `tests/share.rs`).
///
/// Frozen: changing one byte breaks every `w1.` link (the frozen fixture test would
/// fail). A better dictionary needs a new prefix, `w2.`, with this one kept for reading.
const DICTIONARY_W1: &[u8] = include_bytes!("share/dictionary-w1.txt");

/// The engine version a new share records, so that a run which differs after an upgrade
/// can be explained.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Longest link text `decode` looks at. Chromium refuses URLs over 2 MiB, so no browser
/// can hand us a longer link of ours; checking first keeps pasted junk from costing work.
pub const MAX_LINK_CHARS: usize = 2 * 1024 * 1024;

/// Most bytes a link or file may inflate to. A deflate stream can expand about 1000-fold,
/// so a 2 MiB link could otherwise ask for gigabytes; 8 MiB is far more than any
/// workspace the editors can handle, yet small enough for the worker to hold.
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;

/// Past this length the UI warns before copying: chat apps and some mail clients cut or
/// break longer links.
pub const LINK_LENGTH_WARNING: usize = 2_000;

/// Past this length the UI offers the workspace file instead of a link.
pub const LINK_LENGTH_FILE_OFFER: usize = 64 * 1024;

/// Everything a link restores: both workbenches, the settings that make a run
/// reproducible, and the view. Every field has a default, so a document from an older or
/// newer version (fields missing or added) still reads; unknown fields are ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SharedWorkspace {
    /// The document format ([`FORMAT_VERSION`] when written by this version).
    pub version: u32,
    /// The engine version that made the share ([`ENGINE_VERSION`]).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub engine: String,

    // The state-machine workbench, each editor's text exactly as typed.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub definition: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub input: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mocks: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub test_case: String,
    #[serde(skip_serializing_if = "is_zero")]
    pub seed: u64,
    /// RFC 3339 start of the virtual clock; empty means the engine's default.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub start_time: String,
    /// "EXPRESS" for an Express workflow; empty is Standard.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub execution_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_history_events: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_payload_bytes: Option<u64>,

    // The EventBridge workbench.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pattern: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub event: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// The buses, rules, pipes and schedules document. A JSON `null` here stays
    /// `Some(Value::Null)`, so that every value round-trips (a number needing all 17
    /// significant digits may come back one unit in the last place off, unless
    /// serde_json's `float_roundtrip` feature is on).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present_value"
    )]
    pub bus: Option<Value>,

    // The view.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub workbench: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub view: String,
    /// The selected step (an index into the run's trace).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<u64>,

    /// A solved practice exercise shared with the learner's answer (`#practice/<id>/w1.…`
    /// links). Older readers ignore it; a link without it carries no answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub practice: Option<SharedPractice>,
}

/// The exercise a practice link is for and the answer it carries, verbatim.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SharedPractice {
    pub exercise: String,
    pub answer: crate::practice::Answer,
}

impl Default for SharedWorkspace {
    fn default() -> Self {
        SharedWorkspace {
            version: FORMAT_VERSION,
            engine: String::new(),
            definition: String::new(),
            input: String::new(),
            mocks: String::new(),
            test_case: String::new(),
            seed: 0,
            start_time: String::new(),
            execution_type: String::new(),
            max_history_events: None,
            max_payload_bytes: None,
            pattern: String::new(),
            event: String::new(),
            events: Vec::new(),
            bus: None,
            workbench: String::new(),
            view: String::new(),
            step: None,
            practice: None,
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A present field is `Some`, even when it is `null` (an absent one takes the default).
fn present_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// The base64url engine: writes no padding, and reads links with or without it (some
/// tools "repair" base64 by padding it).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The document as compact JSON (what links compress).
fn document_json(workspace: &SharedWorkspace) -> String {
    // Serialising strings, numbers and a `Value` cannot fail (no map has non-string keys).
    serde_json::to_string(workspace).unwrap_or_default()
}

/// The link payload, prefix included (`w1.…`), without the `#`.
pub fn encode(workspace: &SharedWorkspace) -> String {
    let packed = deflate::deflate(document_json(workspace).as_bytes(), DICTIONARY_W1);
    let mut link = String::with_capacity(LINK_PREFIX.len() + packed.len() * 4 / 3 + 4);
    link.push_str(LINK_PREFIX);
    BASE64.encode_string(packed, &mut link);
    link
}

/// The whole URL fragment (`#w1.…`), to append to the playground's address.
pub fn link_fragment(workspace: &SharedWorkspace) -> String {
    format!("#{}", encode(workspace))
}

/// Reads a link: a whole URL, its fragment (with or without `#`) or the bare `w1.…`
/// payload. Whitespace inside is ignored, since mail clients wrap long links.
pub fn decode(text: &str) -> Result<SharedWorkspace, ShareError> {
    if text.len() > MAX_LINK_CHARS {
        return Err(ShareError::new(
            ShareErrorKind::TooLarge,
            format!(
                "The link is {} characters long; links of the playground are at most {} characters.",
                text.len(),
                MAX_LINK_CHARS
            ),
        ));
    }
    let text = text.trim();
    let fragment = text.split_once('#').map_or(text, |(_, after)| after);
    let payload = match split_prefix(fragment) {
        Some((1, payload)) => payload,
        Some((0, _)) | None => return Err(not_a_link(text)),
        Some((version, _)) => return Err(newer_link(version)),
    };
    let payload: String = payload
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let packed = BASE64
        .decode(payload.as_bytes())
        .map_err(|e| base64_error(e, &payload))?;
    let json =
        deflate::inflate(&packed, DICTIONARY_W1, MAX_DOCUMENT_BYTES).map_err(inflate_error)?;
    let json = String::from_utf8(json).map_err(|e| {
        ShareError::new(
            ShareErrorKind::Damaged,
            format!(
                "The link is damaged: its workspace is not UTF-8 text (at byte {}).",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    read_document(&json, Source::Link)
}

fn newer_link(version: u64) -> ShareError {
    ShareError::new(
        ShareErrorKind::NewerVersion,
        format!(
            "This link was made by a newer version of the playground (link format {version}); \
             this version reads format 1. Open it in the newer playground."
        ),
    )
}

/// `w<version>.` at the start of a fragment: the version and what follows the dot.
fn split_prefix(fragment: &str) -> Option<(u64, &str)> {
    let rest = fragment.strip_prefix('w')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let payload = rest.get(digits..)?.strip_prefix('.')?;
    if digits == 0 {
        return None;
    }
    // A version too long for u64 is still "a later version", not garbage.
    let version = rest.get(..digits)?.parse().unwrap_or(u64::MAX);
    Some((version, payload))
}

fn not_a_link(text: &str) -> ShareError {
    let shown: String = text.chars().take(60).collect();
    let ellipsis = if shown.len() < text.len() { "…" } else { "" };
    // Control characters and the like are shown escaped, never raw.
    let shown = shown.escape_debug();
    ShareError::new(
        ShareErrorKind::NotOurs,
        format!(
            "This is not a playground workspace link: it has no \"#{LINK_PREFIX}…\" part (got \"{shown}{ellipsis}\")."
        ),
    )
}

fn base64_error(error: DecodeError, payload: &str) -> ShareError {
    match error {
        DecodeError::InvalidByte(offset, _) => {
            // The offset is in bytes; the person counts characters from `w1.`.
            let before = payload.get(..offset).unwrap_or_default();
            let found = payload.get(offset..).and_then(|s| s.chars().next()).unwrap_or('?');
            ShareError::new(
                ShareErrorKind::Damaged,
                format!(
                    "The link is damaged: {found:?} at position {} after the '#' is not a base64url character.",
                    before.chars().count() + LINK_PREFIX.len()
                ),
            )
        }
        DecodeError::InvalidLength(_) | DecodeError::InvalidLastSymbol(..) => ShareError::new(
            ShareErrorKind::Truncated,
            "The link is cut off: its data ends mid-way. Ask for the whole link (chat apps cut long ones).",
        ),
        DecodeError::InvalidPadding => ShareError::new(
            ShareErrorKind::Damaged,
            "The link is damaged: its data has misplaced '=' padding.",
        ),
    }
}

fn inflate_error(error: InflateError) -> ShareError {
    match error {
        InflateError::Truncated => ShareError::new(
            ShareErrorKind::Truncated,
            "The link is cut off: its compressed workspace ends early. Ask for the whole link (chat apps cut long ones).",
        ),
        InflateError::Corrupt => ShareError::new(
            ShareErrorKind::Damaged,
            "The link is damaged: its compressed workspace is corrupt.",
        ),
        InflateError::TooLarge => ShareError::new(
            ShareErrorKind::TooLarge,
            format!(
                "The link's workspace inflates to more than {} MiB, the most the playground opens.",
                MAX_DOCUMENT_BYTES / (1024 * 1024)
            ),
        ),
    }
}

/// Where a document came from, for the wording of errors.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Link,
    File,
}

impl Source {
    fn noun(self) -> &'static str {
        match self {
            Source::Link => "link",
            Source::File => "file",
        }
    }
}

/// Just the version, read before the whole document so that a newer document is reported
/// as such even when its shape changed.
#[derive(Deserialize)]
struct VersionProbe {
    version: Option<Value>,
}

fn read_document(json: &str, source: Source) -> Result<SharedWorkspace, ShareError> {
    let noun = source.noun();
    match serde_json::from_str::<VersionProbe>(json) {
        Ok(probe) => check_version(probe.version, source)?,
        // Valid JSON that is not an object: some other file the user picked.
        Err(e) if e.is_data() && source == Source::File => {
            return Err(ShareError::new(
                ShareErrorKind::NotOurs,
                "This is not a playground workspace file: it is JSON, but not an object.",
            ))
        }
        // Syntax errors are reported (with their place) by the full read below.
        Err(_) => {}
    }
    serde_json::from_str(json).map_err(|e| {
        ShareError::new(
            ShareErrorKind::Damaged,
            format!("The {noun} is damaged: its workspace is not valid ({e})."),
        )
    })
}

fn check_version(version: Option<Value>, source: Source) -> Result<(), ShareError> {
    match version {
        None if source == Source::File => Err(ShareError::new(
            ShareErrorKind::NotOurs,
            "This is not a playground workspace file: it has no \"version\".",
        )),
        None => Err(ShareError::new(
            ShareErrorKind::Damaged,
            "The link is damaged: its workspace has no \"version\".",
        )),
        Some(Value::Number(n)) if n.as_f64().is_some_and(|v| v > f64::from(FORMAT_VERSION)) => {
            Err(ShareError::new(
                ShareErrorKind::NewerVersion,
                format!(
                    "This {} was made by a newer version of the playground (workspace format {n}); \
                     this version reads format {FORMAT_VERSION}. Open it in the newer playground.",
                    source.noun()
                ),
            ))
        }
        Some(_) => Ok(()),
    }
}

/// The workspace file ("Save workspace file"): the link's document as pretty JSON.
pub fn file_document(workspace: &SharedWorkspace) -> String {
    let mut text = serde_json::to_string_pretty(workspace).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a workspace file ("Open workspace file"). Unknown fields are ignored; a file
/// from a newer version says so.
pub fn read_file_document(text: &str) -> Result<SharedWorkspace, ShareError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(ShareError::new(
            ShareErrorKind::TooLarge,
            format!(
                "The file is {} bytes; the playground opens workspace files of at most {} MiB.",
                text.len(),
                MAX_DOCUMENT_BYTES / (1024 * 1024)
            ),
        ));
    }
    read_document(text.strip_prefix('\u{feff}').unwrap_or(text), Source::File)
}
