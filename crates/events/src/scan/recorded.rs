//! What a scan records: where each read field's values sit in the event.

use super::pins::{region_of, Pins};

/// One value found at a recorded field, pointing into the event (or into the decode buffer
/// for strings that had escapes) rather than owning it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Raw {
    /// A string without escapes: `event[start..end]`.
    Str {
        start: u32,
        end: u32,
    },
    /// A string that had escapes, decoded into [`Recorded::decoded`]`[start..end]`.
    Decoded {
        start: u32,
        end: u32,
    },
    /// A number, converted exactly as `serde_json` converts it.
    Num(f64),
    True,
    False,
    Null,
}

/// What a scan found: the values of every field in the trie, in event order.
#[derive(Debug, Default, Clone)]
pub struct Recorded {
    /// (field id, value); a field inside arrays appears once per element.
    pub values: Vec<(u32, Raw)>,
    /// Decoded text of strings that contained escapes.
    pub decoded: Vec<u8>,
    /// An object repeated a key that a rule reads. `serde_json` keeps only the last of
    /// duplicates, which a single forward pass cannot know in advance, so the caller
    /// re-evaluates such (rare) events the slow way.
    pub duplicate_key: bool,
    /// An object had a key with a dot whose first segment a rule reads: EventBridge reads
    /// `"a.b"` as `a` then `b`, which the reference path does by rewriting the event, so
    /// the caller re-evaluates such (rare) events that way.
    pub dotted_key: bool,
    /// Trie nodes marked sensitive, once per object found there.
    pub sensitive_hits: Vec<u32>,
    pub(super) key_buf: Vec<u8>,
    /// Per field with number breaks: the regions between them that some number of the
    /// current event already fell in (see [`KeyTrie::set_number_breaks`]).
    pub(super) regions: Vec<Regions>,
    pub(super) stamp: u32,
    /// Per field with number breaks: number beginnings known to pin a region, learnt
    /// from earlier numbers and kept across events of the same trie ([`KeyTrie::id`]).
    pub(super) pins: Vec<Pins>,
    pub(super) pins_owner: u64,
}

/// The regions of one field some number of the current event fell in. A field's
/// breaks split the number line into regions `2k` (the open interval below break `k`)
/// and `2k + 1` (break `k` itself), every test answering the same across one region.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Regions {
    pub(super) stamp: u32,
    /// Regions below 64, one bit each: coordinates and readings fall in a handful, so
    /// telling whether a region is new is one test.
    pub(super) bits: u64,
    /// Regions from 64 up (fields with more than 31 breaks): the last few seen, so a run
    /// of numbers in one region is still recorded once.
    pub(super) recent: [u32; 4],
    pub(super) next: u8,
}

impl Regions {
    /// Marks region `r`; whether it was not marked before (as far as remembered).
    #[inline(always)]
    pub(super) fn insert(&mut self, r: u32) -> bool {
        if r < 64 {
            let bit = 1u64 << r;
            let new = self.bits & bit == 0;
            self.bits |= bit;
            return new;
        }
        if self.recent.contains(&(r + 1)) {
            return false;
        }
        self.recent[usize::from(self.next & 3)] = r + 1;
        self.next = self.next.wrapping_add(1);
        true
    }
}

impl Recorded {
    pub fn clear(&mut self) {
        self.values.clear();
        self.decoded.clear();
        self.duplicate_key = false;
        self.dotted_key = false;
        self.sensitive_hits.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.regions.clear();
            self.stamp = 1;
        }
    }

    /// Records number `v` of field `f`, unless `breaks` are known for the field and an
    /// earlier number of this event fell in the same region between them (it could
    /// satisfy nothing that one did not).
    #[inline(always)]
    pub(super) fn number(&mut self, f: u32, v: f64, breaks: Option<&[f64]>) {
        match breaks {
            Some(points) => {
                let mut seen = self.take_regions(f);
                if seen.insert(region_of(points, v)) {
                    self.values.push((f, Raw::Num(v)));
                }
                self.regions[f as usize] = seen;
            }
            None => self.values.push((f, Raw::Num(v))),
        }
    }

    /// The regions field `f` has reached in this event (a copy, to be stored back).
    #[inline(always)]
    pub(super) fn take_regions(&mut self, f: u32) -> Regions {
        let fi = f as usize;
        if self.regions.len() <= fi {
            self.regions.resize(fi + 1, Regions::default());
        }
        let r = self.regions[fi];
        if r.stamp == self.stamp {
            r
        } else {
            Regions {
                stamp: self.stamp,
                ..Regions::default()
            }
        }
    }

    /// Whether some sensitive path held more than one object, i.e. flattening the
    /// event's arrays could pair values from different array elements.
    pub fn several_objects_at_sensitive_path(&mut self) -> bool {
        if self.sensitive_hits.len() < 2 {
            return false;
        }
        self.sensitive_hits.sort_unstable();
        self.sensitive_hits.windows(2).any(|w| w[0] == w[1])
    }

    /// The bytes of a string value (raw or decoded); `None` for other kinds.
    #[inline(always)]
    pub fn str_bytes<'a>(&'a self, event: &'a [u8], raw: Raw) -> Option<&'a [u8]> {
        match raw {
            Raw::Str { start, end } => event.get(start as usize..end as usize),
            Raw::Decoded { start, end } => self.decoded.get(start as usize..end as usize),
            _ => None,
        }
    }
}
