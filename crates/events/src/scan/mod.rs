//! A one-pass scanner over the raw bytes of a JSON event.
//!
//! A bus evaluates every event against every rule, and most of an event (geometry, long
//! payloads) is irrelevant to the rules at hand. Building a `serde_json::Value` would
//! allocate and decode all of it; this scanner instead walks the bytes once, descends only
//! into keys some rule names (a [`KeyTrie`]), and records where the values of those fields
//! sit, without copying them (strings are decoded only when they contain an escape).
//!
//! It still validates everything it skips, with the same grammar and limits as
//! `serde_json` (nesting depth, surrogate pairs, control characters, number range), so the
//! fast path and `Pattern::matches` over `serde_json::from_slice` agree on which events are
//! valid at all.

mod fault;
mod lex;
mod number;
mod pins;
mod place;
mod recorded;
mod skip;
mod trie;
mod walk;

// The only module where `unsafe` is allowed (the workspace lints deny it everywhere else):
// the SIMD byte classifiers call `std::arch` intrinsics, each use behind a SAFETY comment
// and a feature check that cannot be bypassed from outside the module.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod simd;

#[cfg(test)]
mod tests;

pub use fault::ScanError;
pub use lex::decode_into;
pub use recorded::{Raw, Recorded};
pub use trie::KeyTrie;

use walk::Scanner;

/// Deepest nesting accepted: `serde_json` refuses the 128th level of arrays/objects, and
/// agreeing with it keeps the fast path and the reference path on the same side of the line.
pub const MAX_DEPTH: usize = 127;

/// Scans `event` (one JSON object) and records the values of the trie's fields into `out`.
pub fn scan(trie: &KeyTrie, event: &[u8], out: &mut Recorded) -> Result<(), ScanError> {
    out.clear();
    if event.len() >= u32::MAX as usize {
        return Err(ScanError {
            message: "event is larger than 4 GiB".into(),
            offset: 0,
        });
    }
    if out.pins_owner != trie.id {
        out.pins.clear();
        out.pins_owner = trie.id;
    }
    let mut s = Scanner {
        b: event,
        trie,
        out,
    };
    s.event().map_err(|f| f.into_error(event))
}
