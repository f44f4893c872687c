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

use rustc_hash::FxHashMap;

/// Deepest nesting accepted: `serde_json` refuses the 128th level of arrays/objects, and
/// agreeing with it keeps the fast path and the reference path on the same side of the line.
pub const MAX_DEPTH: usize = 127;

/// Where a node's children are looked up: a short list is faster to compare than to hash,
/// and events rarely have more than a handful of keys a rule cares about at one level.
#[derive(Debug, Clone, Default)]
struct Children {
    list: Vec<(Box<[u8]>, u32)>,
    map: Option<FxHashMap<Box<[u8]>, u32>>,
    /// Per entry of `list`: its length and, for keys of at most sixteen bytes, the key
    /// as two little-endian words (zero padded), so short keys compare as integers.
    heads: Vec<(usize, u64, u64)>,
}

/// The first sixteen bytes of a key as two zero-padded little-endian words.
fn key_head(key: &[u8]) -> (u64, u64) {
    let mut a = [0u8; 16];
    let n = key.len().min(16);
    a[..n].copy_from_slice(&key[..n]);
    let (lo, hi) = a.split_at(8);
    (
        u64::from_le_bytes(lo.try_into().unwrap_or_default()),
        u64::from_le_bytes(hi.try_into().unwrap_or_default()),
    )
}

/// The low `n` (0..=8) bytes of `x`.
#[inline(always)]
fn low_bytes(x: u64, n: usize) -> u64 {
    if n >= 8 {
        x
    } else {
        x & ((1u64 << (8 * n)) - 1)
    }
}

const LINEAR_CHILDREN: usize = 12;

#[derive(Debug, Clone, Default)]
struct Node {
    children: Children,
    /// The field id when some rule tests the value found at exactly this path.
    field: Option<u32>,
    /// Some rule needs the fields under this path to come from one and the same object,
    /// so the caller must know when several objects (array elements) sit here.
    sensitive: bool,
}

/// The set of field paths used by any rule, as a trie of object keys.
#[derive(Debug, Clone)]
pub struct KeyTrie {
    nodes: Vec<Node>,
    fields: usize,
    /// Per field id: sorted numbers between which every test on the field answers the
    /// same (see [`KeyTrie::set_number_breaks`]).
    breaks: Vec<Option<Box<[f64]>>>,
    /// Changes whenever fields or breaks do, so what a [`Recorded`] learnt about numbers
    /// under one trie is never used under another.
    id: u64,
}

/// A fresh [`KeyTrie::id`].
fn next_trie_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Default for KeyTrie {
    fn default() -> Self {
        KeyTrie {
            nodes: vec![Node::default()],
            fields: 0,
            breaks: Vec::new(),
            id: next_trie_id(),
        }
    }
}

impl KeyTrie {
    /// Registers `path` (object keys from the event root) and returns its field id;
    /// the same path always gets the same id.
    pub fn insert(&mut self, path: &[String]) -> u32 {
        self.id = next_trie_id();
        let node = self.node(path) as usize;
        match self.nodes[node].field {
            Some(f) => f,
            None => {
                let f = self.fields as u32;
                self.fields += 1;
                self.nodes[node].field = Some(f);
                f
            }
        }
    }

    /// Marks `path` as one where the scanner must report every object it finds.
    pub fn mark_sensitive(&mut self, path: &[String]) {
        let node = self.node(path) as usize;
        self.nodes[node].sensitive = true;
    }

    /// The node of `path`, created if needed.
    fn node(&mut self, path: &[String]) -> u32 {
        let mut node = 0usize;
        for key in path {
            node = match self.child(node, key.as_bytes()) {
                Some((_, c)) => c as usize,
                None => {
                    let id = self.nodes.len() as u32;
                    self.nodes.push(Node::default());
                    let ch = &mut self.nodes[node].children;
                    ch.list.push((key.as_bytes().into(), id));
                    let (h0, h1) = key_head(key.as_bytes());
                    ch.heads.push((key.len(), h0, h1));
                    if let Some(map) = &mut ch.map {
                        map.insert(key.as_bytes().into(), (ch.list.len() - 1) as u32);
                    } else if ch.list.len() > LINEAR_CHILDREN {
                        let map = ch.map.get_or_insert_with(FxHashMap::default);
                        for (i, (k, _)) in ch.list.iter().enumerate() {
                            map.insert(k.clone(), i as u32);
                        }
                    }
                    id as usize
                }
            };
        }
        node as u32
    }

    /// Declares that every test on field `field` gives one answer for all numbers
    /// strictly between two consecutive `points` (sorted, distinct), and for each point:
    /// the scan then records a number only when no earlier number of the same event fell
    /// in its region (`Regions`), since a second one could not satisfy anything the
    /// first did not, and most numbers are placed without being converted (`Pin`).
    pub fn set_number_breaks(&mut self, field: u32, points: &[f64]) {
        self.id = next_trie_id();
        let f = field as usize;
        if self.breaks.len() <= f {
            self.breaks.resize(f + 1, None);
        }
        self.breaks[f] = Some(points.into());
    }

    /// Number of distinct field ids handed out.
    pub fn field_count(&self) -> usize {
        self.fields
    }

    /// The child of `node` under `key`, as (index among the node's children, node id).
    #[inline]
    fn child(&self, node: usize, key: &[u8]) -> Option<(usize, u32)> {
        let ch = &self.nodes[node].children;
        if let Some(map) = &ch.map {
            let i = *map.get(key)? as usize;
            return Some((i, ch.list[i].1));
        }
        ch.list
            .iter()
            .enumerate()
            .find(|(_, (k, _))| **k == *key)
            .map(|(i, (_, id))| (i, *id))
    }

    /// [`KeyTrie::child`] for the key `b[start..end]` of an event: a key of up to
    /// sixteen bytes is read as two words from the event and compared with the
    /// children's heads.
    #[inline(always)]
    fn child_at(&self, node: usize, b: &[u8], start: usize, end: usize) -> Option<(usize, u32)> {
        let len = end - start;
        let ch = &self.nodes[node].children;
        if len <= 8 && ch.map.is_none() {
            if let Some(x) = load8(b, start) {
                let head = low_bytes(x, len);
                return ch
                    .heads
                    .iter()
                    .position(|&(l, h, _)| l == len && h == head)
                    .map(|i| (i, ch.list[i].1));
            }
        } else if len <= 16 && ch.map.is_none() {
            if let (Some(x), Some(y)) = (load8(b, start), load8(b, start + 8)) {
                let tail = low_bytes(y, len - 8);
                return ch
                    .heads
                    .iter()
                    .position(|&(l, h, t)| l == len && h == x && t == tail)
                    .map(|i| (i, ch.list[i].1));
            }
        }
        self.child(node, &b[start..end])
    }

    #[inline(always)]
    fn has_children(&self, node: u32) -> bool {
        !self.nodes[node as usize].children.list.is_empty()
    }

    #[inline(always)]
    fn breaks(&self, field: u32) -> Option<&[f64]> {
        self.breaks.get(field as usize)?.as_deref()
    }

    #[inline(always)]
    fn field(&self, node: u32) -> Option<u32> {
        self.nodes[node as usize].field
    }
}

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
    /// Trie nodes marked sensitive, once per object found there.
    pub sensitive_hits: Vec<u32>,
    key_buf: Vec<u8>,
    /// Per field with number breaks: the regions between them that some number of the
    /// current event already fell in (see [`KeyTrie::set_number_breaks`]).
    regions: Vec<Regions>,
    stamp: u32,
    /// Per field with number breaks: number beginnings known to pin a region, learnt
    /// from earlier numbers and kept across events of the same trie ([`KeyTrie::id`]).
    pins: Vec<Pins>,
    pins_owner: u64,
}

/// The regions of one field some number of the current event fell in. A field's
/// breaks split the number line into regions `2k` (the open interval below break `k`)
/// and `2k + 1` (break `k` itself), every test answering the same across one region.
#[derive(Debug, Default, Clone, Copy)]
struct Regions {
    stamp: u32,
    /// Regions below 64, one bit each: coordinates and readings fall in a handful, so
    /// telling whether a region is new is one test.
    bits: u64,
    /// Regions from 64 up (fields with more than 31 breaks): the last few seen, so a run
    /// of numbers in one region is still recorded once.
    recent: [u32; 4],
    next: u8,
}

impl Regions {
    /// Marks region `r`; whether it was not marked before (as far as remembered).
    #[inline(always)]
    fn insert(&mut self, r: u32) -> bool {
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

const PINS: usize = 16;

/// A shape of number beginning (sign, integer digits, point, fraction digits: at most
/// eight bytes) with a range of digits, such that every number beginning so lies strictly
/// inside one region of a field: its region and one number of it are then known without
/// converting it. Numbers of one field tend to share their leading digits (coordinates
/// of one area, readings of one sensor), so a few pins place most of them.
#[derive(Debug, Clone, Copy)]
struct Pin {
    /// The sign and point bytes at their places (`sep_mask` selects them).
    sep_mask: u64,
    sep_bytes: u64,
    /// High bits of the digit places.
    digit_bits: u64,
    /// The beginning's bytes (little-endian), to find where the number goes on.
    mask: u64,
    /// The beginning read big-endian (first byte highest) and masked by `top`: with sign
    /// and point fixed, these compare as the digits, so the digits range is `lo..=hi`.
    top: u64,
    lo: u64,
    hi: u64,
    region: u32,
    value: f64,
}

impl Pin {
    /// Matches nothing.
    const EMPTY: Pin = Pin {
        sep_mask: 0,
        sep_bytes: u64::MAX,
        digit_bits: 0,
        mask: 0,
        top: 0,
        lo: 1,
        hi: 0,
        region: 0,
        value: 0.0,
    };

    /// Whether the number whose first eight bytes are `x` (`nd`: their non-digit flags,
    /// see [`non_digits`]) begins as this pin says.
    #[inline(always)]
    fn covers(&self, x: u64, nd: u64) -> bool {
        let key = x.swap_bytes() & self.top;
        x & self.sep_mask == self.sep_bytes
            && nd & self.digit_bits == 0
            && self.lo <= key
            && key <= self.hi
    }
}

/// A field's pins, with the digits seen alone (`0` heights, flags, counts).
#[derive(Debug, Clone)]
struct Pins {
    /// Slots 0 and 1 hold the two pins used last (numbers often alternate between two,
    /// like longitude and latitude) and are tried first.
    pins: [Pin; PINS],
    len: usize,
    /// The slot the next pin replaces once all are taken (never a hot one).
    next: usize,
    /// The hot slot (0 or 1) used less recently.
    cold: usize,
    /// Per digit: its region plus one, once seen alone.
    digits: [u32; 10],
}

impl Default for Pins {
    fn default() -> Self {
        Pins {
            pins: [Pin::EMPTY; PINS],
            len: 0,
            next: 2,
            cold: 0,
            digits: [0; 10],
        }
    }
}

impl Pins {
    /// The hot pin covering the number that begins with `x`.
    #[inline(always)]
    fn find_hot(&mut self, x: u64, nd: u64) -> Option<usize> {
        if self.pins[0].covers(x, nd) {
            self.cold = 1;
            return Some(0);
        }
        if self.pins[1].covers(x, nd) {
            self.cold = 0;
            return Some(1);
        }
        None
    }

    /// Another pin covering it, moved into a hot slot.
    #[inline(never)]
    fn find_cold(&mut self, x: u64, nd: u64) -> Option<usize> {
        let k = 2 + self
            .pins
            .get(2..self.len)?
            .iter()
            .position(|p| p.covers(x, nd))?;
        let hot = self.cold;
        self.pins.swap(k, hot);
        self.cold = 1 - hot;
        Some(hot)
    }

    /// Remembers a pin, in a slot other than the two hot ones once those are taken.
    fn add(&mut self, pin: Pin) {
        let k = if self.len < PINS {
            self.len += 1;
            self.len - 1
        } else {
            self.next = if self.next + 1 >= PINS {
                2
            } else {
                self.next + 1
            };
            self.next
        };
        self.pins[k] = pin;
    }
}

/// Where the number at `b[start..]`, whose first eight bytes `x` (non-digit flags `nd`)
/// begin as a pin of byte mask `mask` says, ends, when it is just more digits after that
/// beginning (a point or an exponent after them makes it some other number: `None`, for
/// the general path).
#[inline(always)]
fn pinned_end(b: &[u8], start: usize, nd: u64, mask: u64) -> Option<usize> {
    // A pin's bytes (digits, a sign, a point) never flag a later byte spuriously.
    let rest = nd & !mask;
    let end = if rest != 0 {
        start + (rest.trailing_zeros() / 8) as usize
    } else {
        digits(b, start + 8)
    };
    match b.get(end) {
        Some(b'.' | b'e' | b'E') => None,
        _ => Some(end),
    }
}

/// The open interval of values of region `r` (a break region has none).
#[inline]
fn region_bounds(points: &[f64], r: u32) -> Option<(f64, f64)> {
    if r % 2 == 1 {
        return None;
    }
    let k = (r / 2) as usize;
    let lo = k.checked_sub(1).map_or(f64::NEG_INFINITY, |j| points[j]);
    let hi = points.get(k).copied().unwrap_or(f64::INFINITY);
    Some((lo, hi))
}

/// The region of `v` among sorted, distinct `points` (see [`Regions`]).
#[inline(always)]
fn region_of(points: &[f64], v: f64) -> u32 {
    let k = points.partition_point(|&p| p < v);
    (2 * k + usize::from(points.get(k) == Some(&v))) as u32
}

/// Whether every number whose digits (integer and `frac` fraction digits, point left
/// out) begin with `m` has a magnitude strictly inside `(a, b)`: their magnitudes lie
/// in `[m, m + 1] / 10^frac`, widened by a margin far above the rounding of the
/// divisions and of any conversion of the number itself.
fn digits_inside(m: u64, frac: usize, a: f64, b: f64) -> (bool, bool) {
    let unit = POW10[frac];
    let (low, high) = (m as f64 / unit, (m + 1) as f64 / unit);
    let pad = high * 1e-12;
    (a < low - pad, high + pad < b)
}

/// For the number at `text[start..]`, in region `(lo, hi)`, a pin: the shortest
/// beginning (optional `-`, integer digits, point, at least one fraction digit, within
/// eight bytes) all of whose numbers lie strictly inside the region, widened to every
/// digit string of the same shape that does too.
fn pin_for(text: &[u8], start: usize, lo: f64, hi: f64, region: u32, value: f64) -> Option<Pin> {
    let w: [u8; 8] = text.get(start..start + 8)?.try_into().ok()?;
    let neg = usize::from(w[0] == b'-');
    let point = neg + w[neg..].iter().position(|&c| c == b'.')?;
    let int = point - neg;
    if int == 0 || (w[neg] == b'0' && int > 1) || !w[neg..point].iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Magnitudes allowed.
    let (a, b) = if neg == 1 { (-hi, -lo) } else { (lo, hi) };
    let mut m = 0u64;
    for &c in &w[neg..point] {
        m = m * 10 + u64::from(c - b'0');
    }
    for len in point + 1..8 {
        let c = w[len];
        if !c.is_ascii_digit() {
            return None;
        }
        m = m * 10 + u64::from(c - b'0');
        let frac = len - point;
        if digits_inside(m, frac, a, b) != (true, true) {
            continue;
        }
        // Widen: the lowest and highest digit strings of this shape still inside
        // (each bound moves one way only as the digits grow).
        let places = (int + frac) as u32;
        let floor = if int == 1 { 0 } else { 10u64.pow(places - 1) };
        let ceil = 10u64.pow(places) - 1;
        // The bounds scaled to digits are close guesses: the searches start in a few
        // digits around them when the guess is confirmed.
        let unit = POW10[frac];
        let guess = |bound: f64| (bound * unit).clamp(floor as f64, ceil as f64) as u64;
        let near = guess(a).saturating_sub(2).max(floor);
        let (mut l, mut h) = if near < m && !digits_inside(near, frac, a, b).0 {
            (near, m)
        } else {
            (floor, m)
        };
        while l < h {
            let mid = l + (h - l) / 2;
            if digits_inside(mid, frac, a, b).0 {
                h = mid;
            } else {
                l = mid + 1;
            }
        }
        let least = l;
        let near = (guess(b) + 2).min(ceil);
        let (mut l, mut h) = if near > m && !digits_inside(near, frac, a, b).1 {
            (m, near)
        } else {
            (m, ceil)
        };
        while l < h {
            let mid = l + (h - l).div_ceil(2);
            if digits_inside(mid, frac, a, b).1 {
                l = mid;
            } else {
                h = mid - 1;
            }
        }
        let most = l;
        let size = len + 1;
        let spell = |digits: u64| {
            let mut out = [0u8; 8];
            if neg == 1 {
                out[0] = b'-';
            }
            let mut d = digits;
            for k in (neg..size).rev() {
                if k == point {
                    out[k] = b'.';
                } else {
                    out[k] = b'0' + (d % 10) as u8;
                    d /= 10;
                }
            }
            u64::from_be_bytes(out)
        };
        let mask = u64::MAX >> (8 * (8 - size));
        let top = u64::MAX << (8 * (8 - size));
        let mut sep_mask = 0xFFu64 << (8 * point);
        if neg == 1 {
            sep_mask |= 0xFF;
        }
        let digit_bits = HIGHS & mask & !sep_mask;
        let here = u64::from_le_bytes(w);
        return Some(Pin {
            sep_mask,
            sep_bytes: here & sep_mask,
            digit_bits,
            mask,
            top,
            lo: spell(least) & top,
            hi: spell(most) & top,
            region,
            value,
        });
    }
    None
}

impl Recorded {
    pub fn clear(&mut self) {
        self.values.clear();
        self.decoded.clear();
        self.duplicate_key = false;
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
    fn number(&mut self, f: u32, v: f64, breaks: Option<&[f64]>) {
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
    fn take_regions(&mut self, f: u32) -> Regions {
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

/// A malformed event, with the byte offset where the scanner gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    pub message: String,
    pub offset: usize,
}

/// A fault as the hot code carries it: two words, the message built only when reported.
#[derive(Debug, Clone, Copy)]
struct Fault {
    at: usize,
    text: &'static str,
    /// `text` names what was expected (the message then says what was found instead);
    /// otherwise it is the whole message.
    expected: bool,
}

impl Fault {
    fn into_error(self, b: &[u8]) -> ScanError {
        let message = if !self.expected {
            self.text.to_string()
        } else {
            match b.get(self.at) {
                None => format!("unexpected end of event, expected {}", self.text),
                Some(&c) if c.is_ascii_graphic() || c == b' ' => {
                    format!("unexpected '{}', expected {}", c as char, self.text)
                }
                Some(c) => format!("unexpected byte 0x{c:02x}, expected {}", self.text),
            }
        };
        ScanError {
            message,
            offset: self.at,
        }
    }
}

type R<T> = Result<T, Fault>;

#[cold]
#[inline(never)]
fn expected<T>(at: usize, text: &'static str) -> R<T> {
    Err(Fault {
        at,
        text,
        expected: true,
    })
}

#[cold]
#[inline(never)]
fn fault<T>(at: usize, text: &'static str) -> R<T> {
    Err(Fault {
        at,
        text,
        expected: false,
    })
}

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

/// Bytes that end the fast part of a string: quote, backslash, control characters and
/// non-ASCII (which needs UTF-8 validation).
static STRING_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = c < 0x20 || c == b'"' as usize || c == b'\\' as usize || c >= 0x80;
        c += 1;
    }
    t
};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

#[inline(always)]
fn load8(b: &[u8], i: usize) -> Option<u64> {
    let chunk = b.get(i..i + 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(chunk);
    Some(u64::from_le_bytes(a))
}

/// High bit set in (at least) the first byte of `x` that is a quote, a backslash, a
/// control character or non-ASCII; zero when none is. Bytes after the first such byte may
/// be flagged spuriously (borrows), which callers ignore by taking the lowest flag.
#[inline(always)]
fn string_special_mask(x: u64) -> u64 {
    let below_space = x.wrapping_sub(ONES * 0x20) & !x;
    let q = x ^ (ONES * b'"' as u64);
    let quote = q.wrapping_sub(ONES) & !q;
    let bs = x ^ (ONES * b'\\' as u64);
    let backslash = bs.wrapping_sub(ONES) & !bs;
    (below_space | quote | backslash | x) & HIGHS
}

#[inline(always)]
fn ws(b: &[u8], mut i: usize) -> usize {
    while let Some(&c) = b.get(i) {
        if c > b' ' || !(c == b' ' || c == b'\n' || c == b'\r' || c == b'\t') {
            break;
        }
        i += 1;
    }
    i
}

#[inline(always)]
fn depth_check(at: usize, depth: usize) -> R<()> {
    if depth > MAX_DEPTH {
        return fault(at, "event nesting is too deep (more than 127 levels)");
    }
    Ok(())
}

/// Skips a run of ASCII digits, eight at a time where possible: numbers dominate the
/// bytes of many events (coordinates, measurements), so this loop is the hot one.
#[inline(always)]
fn digits(b: &[u8], mut i: usize) -> usize {
    while let Some(x) = load8(b, i) {
        let t = x ^ (ONES * 0x30);
        // High bit of a byte set iff that byte is not '0'..='9'. Carries only move toward
        // later bytes and only start at non-digits, so the first flag is exact.
        let non_digit = (t.wrapping_add(ONES * 0x76) | t) & HIGHS;
        if non_digit != 0 {
            return i + (non_digit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// High bit of every byte of `x` that is not an ASCII digit (exact for the lowest such
/// byte; bytes above it may be flagged spuriously, which callers ignore).
#[inline(always)]
fn non_digits(x: u64) -> u64 {
    let t = x ^ (ONES * 0x30);
    (t.wrapping_add(ONES * 0x76) | t) & HIGHS
}

/// A number in the common shapes (`-12`, `37.7225375`) inline, reading the integer part
/// and the fraction eight bytes at a time; anything else (exponents, long integers,
/// errors) goes to [`number_general`].
#[inline(always)]
fn number(b: &[u8], start: usize) -> R<usize> {
    if let Some(shape) = number_shape(b, start) {
        return Ok(shape.0);
    }
    number_general(b, start)
}

#[inline(never)]
fn number_general(b: &[u8], start: usize) -> R<usize> {
    let mut i = start;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            let j = digits(b, i + 1);
            if j - i > 300 {
                return number_slow(b, start);
            }
            i = j;
        }
        _ => return expected(i, "a digit"),
    }
    if b.get(i) == Some(&b'.') {
        let j = digits(b, i + 1);
        if j == i + 1 {
            return expected(j, "a digit after the decimal point");
        }
        i = j;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        return number_slow(b, start);
    }
    Ok(i)
}

/// Bytes the fast number paths read at once: a window checked once, inside which every
/// load needs no further bounds check.
const WINDOW: usize = 32;

/// Eight bytes of `w` from `at` (clamped so the load stays inside the window).
#[inline(always)]
fn word(w: &[u8; WINDOW], at: usize) -> u64 {
    let at = at.min(WINDOW - 8);
    let mut a = [0u8; 8];
    a.copy_from_slice(&w[at..at + 8]);
    u64::from_le_bytes(a)
}

/// The first `k` (1..=7) bytes of `x` as the low digits of an 8-digit word padded with
/// leading zeros, for [`eight_digits`].
#[inline(always)]
fn low_digits(x: u64, k: usize) -> u64 {
    let shift = 8 * (8 - k as u32);
    (x << shift) | ((ONES * 0x30) >> (64 - shift))
}

/// Where a number of the common shape ends: at most seven integer digits, at most fifteen
/// fraction digits, no exponent, not within a window of the end of the text. `None`
/// means "not that shape" (which includes every malformed number): the caller then takes
/// the general path, which also reports faults.
#[inline(always)]
fn number_shape(b: &[u8], start: usize) -> Option<(usize, usize, usize, u64, u64, u64)> {
    let w: &[u8; WINDOW] = b.get(start..start + WINDOW)?.try_into().ok()?;
    let neg = usize::from(w[0] == b'-');
    let x = word(w, neg);
    let n = (non_digits(x).trailing_zeros() / 8) as usize;
    if n == 0 || n == 8 || (x as u8 == b'0' && n > 1) {
        return None;
    }
    let mut end = neg + n;
    let (mut f, mut y, mut z) = (0usize, 0u64, 0u64);
    if w[end.min(WINDOW - 1)] == b'.' {
        y = word(w, end + 1);
        f = (non_digits(y).trailing_zeros() / 8) as usize;
        if f == 0 {
            return None;
        }
        if f == 8 {
            z = word(w, end + 9);
            let g = (non_digits(z).trailing_zeros() / 8) as usize;
            if g == 8 {
                return None;
            }
            f += g;
        }
        end += 1 + f;
    }
    if w[end.min(WINDOW - 1)] | 0x20 == b'e' {
        return None;
    }
    Some((start + end, n, f, x, y, z))
}

/// [`number_shape`] with the value: exact (one rounding) when the digits fit 2^53.
#[inline(always)]
fn number_shape_value(b: &[u8], start: usize) -> Option<(usize, f64)> {
    let (end, n, f, x, y, z) = number_shape(b, start)?;
    if n + f > 19 {
        return None;
    }
    let mut m = eight_digits(low_digits(x, n));
    if f >= 8 {
        m = m * 100_000_000 + eight_digits(y);
        if f > 8 {
            m = m * POW10_U64[f - 8] + eight_digits(low_digits(z, f - 8));
        }
    } else if f > 0 {
        m = m * POW10_U64[f] + eight_digits(low_digits(y, f));
    }
    if m > (1u64 << 53) {
        return None;
    }
    let v = m as f64 / POW10[f];
    Some((end, if b[start] == b'-' { -v } else { v }))
}

/// Eight ASCII digits (first digit in the lowest byte) as their decimal value.
#[inline(always)]
fn eight_digits(x: u64) -> u64 {
    let x = x.wrapping_sub(ONES * 0x30);
    let x = (x.wrapping_mul(10) + (x >> 8)) & 0x00FF_00FF_00FF_00FF;
    let x = (x.wrapping_mul(100) + (x >> 16)) & 0x0000_FFFF_0000_FFFF;
    (x.wrapping_mul(10000) + (x >> 32)) & 0xFFFF_FFFF
}

/// A run of digits accumulated into `m` (times ten per digit), eight at a time.
/// Returns the index after the run and the number of digits; `m` may wrap when the run
/// is long, which the caller detects from the digit count.
#[inline(always)]
fn digits_value(b: &[u8], mut i: usize, m: &mut u64) -> (usize, usize) {
    let from = i;
    while let Some(x) = load8(b, i) {
        let t = x ^ (ONES * 0x30);
        let non_digit = (t.wrapping_add(ONES * 0x76) | t) & HIGHS;
        if non_digit == 0 {
            *m = m.wrapping_mul(100_000_000).wrapping_add(eight_digits(x));
            i += 8;
            continue;
        }
        let n = (non_digit.trailing_zeros() / 8) as usize;
        if n > 0 {
            // Keep the n digits (low bytes), put them at the top, pad below with '0'.
            let shift = 8 * (8 - n as u32);
            let padded = (x << shift) | ((ONES * 0x30) >> (64 - shift));
            *m = m
                .wrapping_mul(POW10_U64[n])
                .wrapping_add(eight_digits(padded));
        }
        i += n;
        return (i, i - from);
    }
    while let Some(&c) = b.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        *m = m.wrapping_mul(10).wrapping_add((c - b'0') as u64);
        i += 1;
    }
    (i, i - from)
}

const POW10_U64: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// A number and its value in one pass. The value is exact when the digits fit 2^53 and
/// the power of ten is one an f64 holds exactly (one rounding, so every correct
/// conversion agrees); anything else is converted by serde_json, so the value is always
/// bit-for-bit the one `Pattern::matches` sees.
///
/// The common shape (one to seven integer digits, an optional fraction, no exponent) is
/// read inline: the integer digits from one 8-byte word, the fraction eight at a time.
#[inline(always)]
fn number_value(b: &[u8], start: usize) -> R<(usize, f64)> {
    // A lone digit (a `0` height, a flag, a count) is common enough for its own test.
    if let Some(&[d, next]) = b.get(start..start + 2) {
        if d.is_ascii_digit() && !matches!(next, b'0'..=b'9' | b'.' | b'e' | b'E') {
            return Ok((start + 1, f64::from(d - b'0')));
        }
    }
    if let Some(found) = number_shape_value(b, start) {
        return Ok(found);
    }
    number_value_general(b, start)
}

#[inline(never)]
fn number_value_general(b: &[u8], start: usize) -> R<(usize, f64)> {
    let mut i = start;
    let neg = b.get(i) == Some(&b'-');
    if neg {
        i += 1;
    }
    let mut m = 0u64;
    let mut count;
    match b.get(i) {
        Some(b'0') => {
            i += 1;
            count = 1;
        }
        Some(b'1'..=b'9') => {
            let (j, n) = digits_value(b, i, &mut m);
            i = j;
            count = n;
        }
        _ => return expected(i, "a digit"),
    }
    let mut frac = 0usize;
    if b.get(i) == Some(&b'.') {
        let (j, n) = digits_value(b, i + 1, &mut m);
        if n == 0 {
            return expected(j, "a digit after the decimal point");
        }
        i = j;
        frac = n;
        count += n;
    }
    let exact = !matches!(b.get(i), Some(b'e' | b'E')) && count <= 19 && m <= (1u64 << 53);
    if exact && frac <= 22 {
        let v = m as f64 / POW10[frac];
        return Ok((i, if neg { -v } else { v }));
    }
    let end = number(b, start)?;
    match serde_json::from_slice::<f64>(&b[start..end]) {
        Ok(v) => Ok((end, v)),
        Err(_) => fault(start, "number out of range"),
    }
}

/// JSON's number grammar in full, refusing (like `serde_json`) numbers too large for f64.
#[cold]
#[inline(never)]
fn number_slow(b: &[u8], start: usize) -> R<usize> {
    let mut i = start;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let int_digits = match b.get(i) {
        Some(b'0') => {
            i += 1;
            1
        }
        Some(b'1'..=b'9') => {
            let j = digits(b, i);
            let n = j - i;
            i = j;
            n
        }
        _ => return expected(i, "a digit"),
    };
    if b.get(i) == Some(&b'.') {
        let j = digits(b, i + 1);
        if j == i + 1 {
            return expected(j, "a digit after the decimal point");
        }
        i = j;
    }
    let mut check_range = int_digits > 300;
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        let j = digits(b, i);
        if j == i {
            return expected(j, "a digit in the exponent");
        }
        i = j;
        check_range = true;
    }
    if check_range && serde_json::from_slice::<f64>(&b[start..i]).is_err() {
        return fault(start, "number out of range");
    }
    Ok(i)
}

#[inline(always)]
fn literal(b: &[u8], i: usize, word: &'static [u8]) -> R<usize> {
    if b.get(i..i + word.len()) == Some(word) {
        Ok(i + word.len())
    } else {
        expected(i, "a JSON value")
    }
}

/// At `"`: validates a string; returns (content start, content end, index after the
/// closing quote, whether it had escapes). Short plain strings (keys, codes, names: most
/// of an event's strings) are settled here inline from one or two 8-byte words; the rest
/// go to [`string_general`].
#[inline(always)]
fn string(b: &[u8], open: usize) -> R<(usize, usize, usize, bool)> {
    let start = open + 1;
    if let Some(x) = load8(b, start) {
        let special = string_special_mask(x);
        if special != 0 {
            let end = start + (special.trailing_zeros() / 8) as usize;
            if b.get(end) == Some(&b'"') {
                return Ok((start, end, end + 1, false));
            }
        } else if let Some(y) = load8(b, start + 8) {
            let special = string_special_mask(y);
            if special != 0 {
                let end = start + 8 + (special.trailing_zeros() / 8) as usize;
                if b.get(end) == Some(&b'"') {
                    return Ok((start, end, end + 1, false));
                }
            }
        }
    }
    string_general(b, open)
}

#[inline(never)]
fn string_general(b: &[u8], open: usize) -> R<(usize, usize, usize, bool)> {
    let start = open + 1;
    let mut i = start;
    let mut escaped = false;
    loop {
        // Short strings (keys, codes) dominate events: eight bytes at a time beats a
        // memchr call for them; long runs go to memchr.
        let mut scanned = 0;
        loop {
            match load8(b, i) {
                Some(x) => {
                    let special = string_special_mask(x);
                    if special != 0 {
                        i += (special.trailing_zeros() / 8) as usize;
                        break;
                    }
                    i += 8;
                    scanned += 8;
                    if scanned >= 32 {
                        match memchr::memchr2(b'"', b'\\', &b[i..]) {
                            Some(k) => {
                                check_run(b, i, i + k)?;
                                i += k;
                            }
                            None => return fault(b.len(), "unterminated string"),
                        }
                        break;
                    }
                }
                None => {
                    while i < b.len() && !STRING_SPECIAL[b[i] as usize] {
                        i += 1;
                    }
                    break;
                }
            }
        }
        match b.get(i) {
            None => return fault(i, "unterminated string"),
            Some(b'"') => return Ok((start, i, i + 1, escaped)),
            Some(b'\\') => {
                escaped = true;
                i = escape(b, i)?;
            }
            Some(&c) if c < 0x20 => {
                return fault(i, "control character in a string (must be escaped)")
            }
            Some(_) => {
                // Non-ASCII: validate up to the next quote or backslash.
                let end = memchr::memchr2(b'"', b'\\', &b[i..])
                    .map(|k| i + k)
                    .unwrap_or(b.len());
                check_run(b, i, end)?;
                i = end;
            }
        }
    }
}

/// Checks `b[from..end]` (no quote or backslash inside) for control characters and
/// invalid UTF-8.
#[inline]
fn check_run(b: &[u8], from: usize, end: usize) -> R<()> {
    let run = &b[from..end];
    if run
        .iter()
        .fold(false, |acc, &c| acc | !(0x20..0x80).contains(&c))
    {
        if let Some(k) = run.iter().position(|&c| c < 0x20) {
            return fault(from + k, "control character in a string (must be escaped)");
        }
        if let Err(e) = std::str::from_utf8(run) {
            return fault(from + e.valid_up_to(), "invalid UTF-8 in a string");
        }
    }
    Ok(())
}

fn hex4(b: &[u8], mut i: usize) -> R<(u16, usize)> {
    let mut n: u16 = 0;
    for _ in 0..4 {
        let d = match b.get(i) {
            Some(c @ b'0'..=b'9') => c - b'0',
            Some(c @ b'a'..=b'f') => c - b'a' + 10,
            Some(c @ b'A'..=b'F') => c - b'A' + 10,
            _ => return expected(i, "a hex digit in a \\u escape"),
        };
        n = (n << 4) | d as u16;
        i += 1;
    }
    Ok((n, i))
}

/// At `\`: validates one escape (a surrogate pair counts as one), returns the index after.
fn escape(b: &[u8], at: usize) -> R<usize> {
    let i = at + 1;
    match b.get(i) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 1),
        Some(b'u') => {
            let (n, i) = hex4(b, i + 1)?;
            if (0xDC00..=0xDFFF).contains(&n) {
                return fault(at, "lone trailing surrogate in a \\u escape");
            }
            if (0xD800..=0xDBFF).contains(&n) {
                if b.get(i..i + 2) != Some(b"\\u") {
                    return fault(at, "unpaired surrogate in a \\u escape");
                }
                let (n2, j) = hex4(b, i + 2)?;
                if !(0xDC00..=0xDFFF).contains(&n2) {
                    return fault(at, "unpaired surrogate in a \\u escape");
                }
                return Ok(j);
            }
            Ok(i)
        }
        _ => expected(
            i,
            "a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
        ),
    }
}

/// Skips (and validates) a value no rule reads; `depth` counts the containers around it.
fn skip_value(b: &[u8], i: usize, depth: usize) -> R<usize> {
    match b.get(i) {
        Some(b'"') => string(b, i).map(|r| r.2),
        Some(b'-' | b'0'..=b'9') => number(b, i),
        Some(b'{') => skip_object(b, i, depth + 1),
        Some(b'[') => skip_array(b, i, depth + 1),
        Some(b't') => literal(b, i, b"true"),
        Some(b'f') => literal(b, i, b"false"),
        Some(b'n') => literal(b, i, b"null"),
        _ => expected(i, "a JSON value"),
    }
}

fn skip_object(b: &[u8], open: usize, depth: usize) -> R<usize> {
    depth_check(open, depth)?;
    let mut i = ws(b, open + 1);
    if b.get(i) == Some(&b'}') {
        return Ok(i + 1);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return expected(i, "a string key");
        }
        i = ws(b, string(b, i)?.2);
        if b.get(i) != Some(&b':') {
            return expected(i, "':' after an object key");
        }
        i = ws(b, i + 1);
        i = ws(b, skip_value(b, i, depth)?);
        match b.get(i) {
            Some(b',') => i = ws(b, i + 1),
            Some(b'}') => return Ok(i + 1),
            _ => return expected(i, "',' or '}' in an object"),
        }
    }
}

/// Skips an array, iteratively for nested arrays (coordinate lists are arrays of arrays
/// of numbers), recursing only for objects. After a value the common separators (`,`,
/// `, `, `]`) are taken without a general whitespace scan, and a run of numbers stays in
/// the inner loop.
fn skip_array(b: &[u8], open: usize, depth: usize) -> R<usize> {
    depth_check(open, depth)?;
    #[cfg(target_arch = "x86_64")]
    if matches!(b.get(open + 1), Some(b'[' | b'-' | b'0'..=b'9')) {
        if let Some(end) = number_array_fast(b, open, depth) {
            return Ok(end);
        }
    }
    let mut d = depth;
    let mut i = ws(b, open + 1);
    if b.get(i) == Some(&b']') {
        return Ok(i + 1);
    }
    'value: loop {
        // At an element.
        i = ws(b, i);
        match b.get(i) {
            Some(b'-' | b'0'..=b'9') => i = number(b, i)?,
            Some(b'[') => {
                d += 1;
                depth_check(i, d)?;
                i = ws(b, i + 1);
                if b.get(i) != Some(&b']') {
                    continue 'value;
                }
                // An empty array: an element of the enclosing one.
                i += 1;
                d -= 1;
            }
            _ => i = skip_value(b, i, d)?,
        }
        // After an element.
        loop {
            match b.get(i) {
                Some(b',') => {
                    i += 1;
                    if b.get(i) == Some(&b' ') {
                        i += 1;
                    }
                    match b.get(i) {
                        Some(b'-' | b'0'..=b'9') => i = number(b, i)?,
                        _ => continue 'value,
                    }
                }
                Some(b']') => {
                    i += 1;
                    if d == depth {
                        return Ok(i);
                    }
                    d -= 1;
                }
                Some(b' ' | b'\n' | b'\r' | b'\t') => i = ws(b, i),
                _ => return expected(i, "',' or ']' in an array"),
            }
        }
    }
}

/// Byte classes of 64 bytes as bitmasks (bit k for byte k): digits, `0`, `.`, `-`, `,`,
/// space, `[`, `]`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn number_array_classes(block: &[u8; 64]) -> [u64; 8] {
    use std::arch::x86_64::*;
    let mut out = [0u64; 8];
    // SAFETY: SSE2 is part of the x86_64 baseline; the loads are unaligned ones from a
    // 64-byte array.
    unsafe {
        let splat = |c: u8| _mm_set1_epi8(c as i8);
        let (below, above) = (splat(b'0' - 1), splat(b'9' + 1));
        let singles = [b'0', b'.', b'-', b',', b' ', b'[', b']'].map(splat);
        for part in 0..4 {
            let x = _mm_loadu_si128(block.as_ptr().add(16 * part) as *const __m128i);
            let digit = _mm_and_si128(_mm_cmpgt_epi8(x, below), _mm_cmplt_epi8(x, above));
            out[0] |= (_mm_movemask_epi8(digit) as u16 as u64) << (16 * part);
            for (k, c) in singles.iter().enumerate() {
                let m = _mm_movemask_epi8(_mm_cmpeq_epi8(x, *c)) as u16 as u64;
                out[k + 1] |= m << (16 * part);
            }
        }
    }
    out
}

/// [`number_array_classes`] with 32-byte vectors: half the compares and mask moves, on
/// machines that have AVX2 (checked once per array).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn number_array_classes_avx2(block: &[u8; 64]) -> [u64; 8] {
    use std::arch::x86_64::*;
    let mut out = [0u64; 8];
    let splat = |c: u8| _mm256_set1_epi8(c as i8);
    let (below, above) = (splat(b'0' - 1), splat(b'9' + 1));
    let singles = [b'0', b'.', b'-', b',', b' ', b'[', b']'].map(splat);
    for part in 0..2 {
        // SAFETY: an unaligned 32-byte load from within the 64-byte array.
        let x = unsafe { _mm256_loadu_si256(block.as_ptr().add(32 * part) as *const __m256i) };
        let digit = _mm256_and_si256(_mm256_cmpgt_epi8(x, below), _mm256_cmpgt_epi8(above, x));
        out[0] |= (_mm256_movemask_epi8(digit) as u32 as u64) << (32 * part);
        for (k, c) in singles.iter().enumerate() {
            let m = _mm256_movemask_epi8(_mm256_cmpeq_epi8(x, *c)) as u32 as u64;
            out[k + 1] |= m << (32 * part);
        }
    }
    out
}

/// Validates an array of numbers and arrays of numbers (coordinates, series: the bulk of
/// many events' bytes) 64 bytes at a time, with bitmasks instead of a parse per number.
/// Only the compact shapes are taken (`,` or `, ` between elements, no exponent, nothing
/// but numbers and arrays): every byte's class must be one its predecessor's class allows,
/// which with the leading-zero and one-point-per-number checks is exactly JSON's grammar
/// for them. `None` means "not shown valid here" (another shape, or a fault): the caller
/// then parses the array in full, which also reports the fault where it lies.
#[cfg(target_arch = "x86_64")]
fn number_array_fast(b: &[u8], open: usize, depth: usize) -> Option<usize> {
    // Nesting relative to the enclosing containers: the array itself is level 1.
    let (mut level, mut deepest) = (1usize, 1usize);
    let mut i = open + 1;
    // The previous byte's classes (bit 0), as if it were `[`; the leading-zero flag and
    // the carry of the fraction-run sum likewise.
    let (mut cd, mut cp, mut cc, mut cs, mut cl, mut cr) = (0, 0, 0, 0, 1u64, 0);
    let (mut cz, mut carry) = (0u64, false);
    let mut tail = [0u8; 64];
    let avx2 = std::arch::is_x86_feature_detected!("avx2");
    loop {
        let block: &[u8; 64] = match b.get(i..i + 64) {
            Some(s) => s.try_into().ok()?,
            None => {
                // The text's end: pad with a byte no class has.
                let rest = b.get(i..)?;
                tail[..rest.len()].copy_from_slice(rest);
                tail[rest.len()..].fill(0);
                &tail
            }
        };
        let [d, zero, p, m, c, s, l, r] = if avx2 {
            // SAFETY: AVX2 was detected above.
            unsafe { number_array_classes_avx2(block) }
        } else {
            number_array_classes(block)
        };
        // A run of digits as long as a block may be too large for an f64: parsed in full.
        if d == !0 {
            return None;
        }
        let other = !(d | p | m | c | s | l | r);
        let stop = other.trailing_zeros();
        let mut valid = if stop == 64 { !0 } else { (1u64 << stop) - 1 };
        // Where the array closes, if it does within the valid prefix (brackets taken
        // one by one: a few per block; `count_ones` would be a software popcount on the
        // x86_64 baseline).
        let mut brackets = (l | r) & valid;
        let mut closed = None;
        while brackets != 0 {
            let k = brackets.trailing_zeros();
            level = level + 2 * (l >> k & 1) as usize - 1;
            if level == 0 {
                closed = Some(k);
                valid = if k == 63 { !0 } else { (1u64 << (k + 1)) - 1 };
                break;
            }
            deepest = deepest.max(level);
            brackets &= brackets - 1;
        }
        if closed.is_none() && stop < 64 || depth - 1 + deepest > MAX_DEPTH {
            return None;
        }
        let (pd, pp) = (d << 1 | cd, p << 1 | cp);
        let (pc, ps, pl, pr) = (c << 1 | cc, s << 1 | cs, l << 1 | cl, r << 1 | cr);
        let mut bad = (d & pr)
            | (p & !pd)
            | (m & !(pc | ps | pl))
            | (c & !(pd | pr))
            | (s & !pc)
            | (l & !(pl | pc | ps))
            | (r & !(pd | pr | pl));
        // A number's first digit `0` must not be followed by a digit.
        let z = zero & !(pd | pp);
        bad |= d & (z << 1 | cz);
        // The digits after a point end at a byte that is not another point.
        let (sum, over) = (p << 1 | cp).overflowing_add(d);
        let (sum, over2) = sum.overflowing_add(u64::from(carry));
        bad |= sum & !d & p;
        if bad & valid != 0 {
            return None;
        }
        if let Some(k) = closed {
            return Some(i + k as usize + 1);
        }
        (cd, cp, cc) = (d >> 63, p >> 63, c >> 63);
        (cs, cl, cr, cz) = (s >> 63, l >> 63, r >> 63, z >> 63);
        carry = over | over2;
        i += 64;
    }
}

struct Scanner<'a, 'r> {
    b: &'a [u8],
    trie: &'r KeyTrie,
    out: &'r mut Recorded,
}

impl Scanner<'_, '_> {
    fn event(&mut self) -> R<()> {
        let b = self.b;
        let i = ws(b, 0);
        match b.get(i) {
            Some(b'{') => {}
            Some(_) => return fault(i, "an event must be a JSON object"),
            None => return fault(i, "empty event: expected a JSON object"),
        }
        let i = ws(b, self.object(0, i, 1)?);
        if i < b.len() {
            return fault(i, "unexpected characters after the end of the event object");
        }
        Ok(())
    }

    /// At `{` of an object whose keys are looked up under trie node `node`.
    fn object(&mut self, node: u32, open: usize, depth: usize) -> R<usize> {
        depth_check(open, depth)?;
        let b = self.b;
        let mut i = ws(b, open + 1);
        if b.get(i) == Some(&b'}') {
            return Ok(i + 1);
        }
        // Children already seen in this object, to notice duplicate keys that matter.
        let mut seen: u64 = 0;
        let mut seen_more: Vec<usize> = Vec::new();
        loop {
            if b.get(i) != Some(&b'"') {
                return expected(i, "a string key");
            }
            let (start, end, next, escaped) = string(b, i)?;
            let child = if escaped {
                let mut buf = std::mem::take(&mut self.out.key_buf);
                buf.clear();
                let c = decode_into(&b[start..end], &mut buf)
                    .and_then(|_| self.trie.child(node as usize, &buf));
                self.out.key_buf = buf;
                c
            } else {
                self.trie.child_at(node as usize, b, start, end)
            };
            i = ws(b, next);
            if b.get(i) != Some(&b':') {
                return expected(i, "':' after an object key");
            }
            i = ws(b, i + 1);
            i = match child {
                // An unread string (codes, names, ids: most unread values) inline.
                None if b.get(i) == Some(&b'"') => string(b, i)?.2,
                None => skip_value(b, i, depth)?,
                Some((index, id)) => {
                    let dup = if index < 64 {
                        let bit = 1u64 << index;
                        let d = seen & bit != 0;
                        seen |= bit;
                        d
                    } else if seen_more.contains(&index) {
                        true
                    } else {
                        seen_more.push(index);
                        false
                    };
                    if dup {
                        self.out.duplicate_key = true;
                    }
                    self.value(id, i, depth, 0)?
                }
            };
            i = ws(b, i);
            match b.get(i) {
                Some(b',') => i = ws(b, i + 1),
                Some(b'}') => return Ok(i + 1),
                _ => return expected(i, "',' or '}' in an object"),
            }
        }
    }

    #[inline(always)]
    fn record(&mut self, node: u32, raw: Raw) {
        if let Some(f) = self.trie.field(node) {
            self.out.values.push((f, raw));
        }
    }

    /// A value at a path some rule reads (trie node `node`); `depth` counts the containers
    /// around it, `arrays` the arrays between it and its field.
    fn value(&mut self, node: u32, i: usize, depth: usize, arrays: usize) -> R<usize> {
        let b = self.b;
        match b.get(i) {
            Some(b'"') => {
                let (start, end, next, escaped) = string(b, i)?;
                if self.trie.field(node).is_some() {
                    let raw = if escaped {
                        let from = self.out.decoded.len();
                        // Validated by `string`, so decoding cannot fail here.
                        if decode_into(&b[start..end], &mut self.out.decoded).is_none() {
                            return fault(i, "invalid escape in string");
                        }
                        Raw::Decoded {
                            start: from as u32,
                            end: self.out.decoded.len() as u32,
                        }
                    } else {
                        Raw::Str {
                            start: start as u32,
                            end: end as u32,
                        }
                    };
                    self.record(node, raw);
                }
                Ok(next)
            }
            Some(b'{') => {
                if self.trie.has_children(node) {
                    if self.trie.nodes[node as usize].sensitive {
                        self.out.sensitive_hits.push(node);
                    }
                    self.object(node, i, depth + 1)
                } else {
                    skip_value(b, i, depth)
                }
            }
            // The reference matcher stops looking through arrays nested this deep inside
            // one field; so does the scan, to agree with it.
            Some(b'[') if arrays >= crate::pattern::MAX_DEPTH => skip_value(b, i, depth),
            Some(b'[') => self.array(node, i, depth + 1, arrays + 1),
            Some(b't') => {
                let next = literal(b, i, b"true")?;
                self.record(node, Raw::True);
                Ok(next)
            }
            Some(b'f') => {
                let next = literal(b, i, b"false")?;
                self.record(node, Raw::False);
                Ok(next)
            }
            Some(b'n') => {
                let next = literal(b, i, b"null")?;
                self.record(node, Raw::Null);
                Ok(next)
            }
            Some(b'-' | b'0'..=b'9') => {
                if self.trie.field(node).is_none() {
                    return number(b, i);
                }
                let (next, v) = number_value(b, i)?;
                if let Some(f) = self.trie.field(node) {
                    self.out.number(f, v, self.trie.breaks(f));
                }
                Ok(next)
            }
            _ => expected(i, "a JSON value"),
        }
    }

    /// At `[` of an array at a recorded path: arrays are transparent, every element (and
    /// every element of nested arrays) is a value of the same field.
    fn array(&mut self, node: u32, open: usize, depth: usize, arrays: usize) -> R<usize> {
        depth_check(open, depth)?;
        match self.trie.field(node) {
            Some(f) => match self.trie.breaks(f) {
                Some(points) => {
                    let fi = f as usize;
                    // Out of `self.out` during the walk (an element's general path
                    // may reach other fields' pins: those then start afresh).
                    let mut pins = std::mem::take(&mut self.out.pins);
                    if pins.len() <= fi {
                        pins.resize(fi + 1, Pins::default());
                    }
                    let mut place = Placed {
                        f,
                        points,
                        pins: &mut pins[fi],
                        seen: self.out.take_regions(f),
                    };
                    let walked = self.walk_array(node, open, depth, arrays, &mut place);
                    let seen = place.seen;
                    self.out.pins = pins;
                    self.out.regions[fi] = seen;
                    walked
                }
                None => self.walk_array(node, open, depth, arrays, &mut Converted(f)),
            },
            None => self.walk_array(node, open, depth, arrays, &mut Skipped),
        }
    }

    /// The body of [`Scanner::array`], one loop for the array and the arrays nested in
    /// it (no recursion: arrays of numbers, often nested like coordinates, are the bulk
    /// of many events), numbers handed to `numbers`; other elements take the general
    /// path, which never records a number of this field (an object element holds other
    /// fields), so `numbers` may hold the field's state for the whole walk.
    #[inline(always)]
    fn walk_array<N: Numbers>(
        &mut self,
        node: u32,
        open: usize,
        depth: usize,
        arrays: usize,
        numbers: &mut N,
    ) -> R<usize> {
        let b = self.b;
        // Arrays entered below this one.
        let mut d = 0usize;
        let mut i = ws(b, open + 1);
        if b.get(i) == Some(&b']') {
            return Ok(i + 1);
        }
        'value: loop {
            // At an element.
            match b.get(i) {
                Some(b'-' | b'0'..=b'9') => {
                    let values = &mut self.out.values;
                    i = numbers.number(b, i, values)?;
                    // A run of numbers written `, ` apart stays here.
                    while let Some(&[b',', b' ', c]) = b.get(i..i + 3) {
                        if c != b'-' && !c.is_ascii_digit() {
                            break;
                        }
                        i = numbers.number(b, i + 2, values)?;
                    }
                }
                // The reference matcher stops looking through arrays nested
                // `MAX_DEPTH` deep inside one field (the general path skips those).
                Some(b'[') if arrays + d < crate::pattern::MAX_DEPTH => {
                    d += 1;
                    depth_check(i, depth + d)?;
                    i = ws(b, i + 1);
                    if b.get(i) != Some(&b']') {
                        continue 'value;
                    }
                    // An empty array: an element of the enclosing one.
                    i += 1;
                    d -= 1;
                }
                _ => i = self.value(node, i, depth + d, arrays + d)?,
            }
            // After an element.
            loop {
                match b.get(i) {
                    Some(b',') => {
                        i += 1;
                        if b.get(i) == Some(&b' ') {
                            i += 1;
                        }
                        // Every value begins above a space.
                        if b.get(i).is_some_and(|&c| c <= b' ') {
                            i = ws(b, i);
                        }
                        continue 'value;
                    }
                    Some(b']') => {
                        i += 1;
                        if d == 0 {
                            return Ok(i);
                        }
                        // `], [`: straight into the next array at this depth (lists
                        // of points), when a value follows the bracket at once.
                        if b.get(i) == Some(&b',') {
                            let open = i + 1 + usize::from(b.get(i + 1) == Some(&b' '));
                            if b.get(open) == Some(&b'[')
                                && b.get(open + 1).is_some_and(|&c| c > b' ' && c != b']')
                            {
                                i = open + 1;
                                continue 'value;
                            }
                        }
                        d -= 1;
                    }
                    Some(b' ' | b'\n' | b'\r' | b'\t') => i = ws(b, i),
                    _ => return expected(i, "',' or ']' in an array"),
                }
            }
        }
    }
}

/// What an array walk does with the numbers of its field.
trait Numbers {
    /// Takes the number at `b[i..]`, returns where it ends.
    fn number(&mut self, b: &[u8], i: usize, values: &mut Vec<(u32, Raw)>) -> R<usize>;
}

/// No rule reads numbers here (the path only leads to deeper fields).
struct Skipped;

impl Numbers for Skipped {
    #[inline(always)]
    fn number(&mut self, b: &[u8], i: usize, _: &mut Vec<(u32, Raw)>) -> R<usize> {
        number(b, i)
    }
}

/// Every number of field `.0` is recorded.
struct Converted(u32);

impl Numbers for Converted {
    #[inline(always)]
    fn number(&mut self, b: &[u8], i: usize, values: &mut Vec<(u32, Raw)>) -> R<usize> {
        let (next, v) = number_value(b, i)?;
        values.push((self.0, Raw::Num(v)));
        Ok(next)
    }
}

/// Numbers of field `f`, which has breaks `points`: each placed in its region, and
/// recorded only when the event had none there yet.
struct Placed<'t, 'p> {
    f: u32,
    points: &'t [f64],
    pins: &'p mut Pins,
    seen: Regions,
}

impl Numbers for Placed<'_, '_> {
    #[inline(always)]
    fn number(&mut self, b: &[u8], i: usize, values: &mut Vec<(u32, Raw)>) -> R<usize> {
        // The common case first, inside one bounds-checked window: a number a hot pin
        // covers, then at most sixteen more digits.
        if let Some(w) = b.get(i..i + 16) {
            let word = |k: usize| u64::from_le_bytes(w[k..k + 8].try_into().unwrap_or([0; 8]));
            let x = word(0);
            let nd = non_digits(x);
            let hot = if self.pins.pins[0].covers(x, nd) {
                self.pins.cold = 1;
                Some(0)
            } else if self.pins.pins[1].covers(x, nd) {
                self.pins.cold = 0;
                Some(1)
            } else {
                // A lone digit (a `0` height, a flag, a count); never a pin's
                // beginning, which has a point.
                let (d, next) = (x as u8, (x >> 8) as u8);
                if d.is_ascii_digit() && !matches!(next, b'0'..=b'9' | b'.' | b'e' | b'E') {
                    self.digit(d - b'0', values);
                    return Ok(i + 1);
                }
                None
            };
            if let Some(k) = hot {
                let pin = &self.pins.pins[k];
                // A pin's bytes (digits, a sign, a point) never flag a later byte
                // spuriously.
                let rest = nd & !pin.mask;
                let n = if rest != 0 {
                    Some((rest.trailing_zeros() / 8) as usize)
                } else {
                    let more = non_digits(word(8));
                    if more != 0 {
                        Some(8 + (more.trailing_zeros() / 8) as usize)
                    } else {
                        load8(b, i + 16)
                            .map(non_digits)
                            .filter(|&more| more != 0)
                            .map(|more| 16 + (more.trailing_zeros() / 8) as usize)
                    }
                };
                // A point or an exponent after the digits makes it another number.
                if let Some(n) = n {
                    if !matches!(b.get(i + n), Some(b'.' | b'e' | b'E')) {
                        if self.seen.insert(pin.region) {
                            values.push((self.f, Raw::Num(pin.value)));
                        }
                        return Ok(i + n);
                    }
                }
            }
        }
        self.number_rest(b, i, values)
    }
}

impl Placed<'_, '_> {
    /// Places the lone digit `d`.
    #[inline(always)]
    fn digit(&mut self, d: u8, values: &mut Vec<(u32, Raw)>) {
        let k = usize::from(d);
        let r = match self.pins.digits[k] {
            0 => {
                let r = region_of(self.points, f64::from(d));
                self.pins.digits[k] = r + 1;
                r
            }
            r => r - 1,
        };
        if self.seen.insert(r) {
            values.push((self.f, Raw::Num(f64::from(d))));
        }
    }

    /// [`Numbers::number`] past the hot pins (numbers near the end of the event, lone
    /// digits, other pins, conversion).
    #[inline(never)]
    fn number_rest(&mut self, b: &[u8], i: usize, values: &mut Vec<(u32, Raw)>) -> R<usize> {
        if let Some(&[d, next]) = b.get(i..i + 2) {
            if d.is_ascii_digit() && !matches!(next, b'0'..=b'9' | b'.' | b'e' | b'E') {
                self.digit(d - b'0', values);
                return Ok(i + 1);
            }
        }
        let Some(x) = load8(b, i) else {
            return self.convert(b, i, values);
        };
        let nd = non_digits(x);
        if let Some(k) = self.pins.find_hot(x, nd) {
            if let Some(end) = self.pinned(b, i, nd, k, values) {
                return Ok(end);
            }
        }
        if let Some(k) = self.pins.find_cold(x, nd) {
            if let Some(end) = self.pinned(b, i, nd, k, values) {
                return Ok(end);
            }
        }
        self.convert(b, i, values)
    }

    /// The number at `b[i..]` placed by pin `k`, when it is one the pin covers.
    #[inline(always)]
    fn pinned(
        &mut self,
        b: &[u8],
        i: usize,
        nd: u64,
        k: usize,
        values: &mut Vec<(u32, Raw)>,
    ) -> Option<usize> {
        let pin = &self.pins.pins[k];
        let end = pinned_end(b, i, nd, pin.mask)?;
        if self.seen.insert(pin.region) {
            values.push((self.f, Raw::Num(pin.value)));
        }
        Some(end)
    }

    /// A number no pin covers: converted, placed, and its pin learnt when it has one.
    #[inline(never)]
    fn convert(&mut self, b: &[u8], i: usize, values: &mut Vec<(u32, Raw)>) -> R<usize> {
        let (end, v) = number_value(b, i)?;
        let r = region_of(self.points, v);
        if self.seen.insert(r) {
            values.push((self.f, Raw::Num(v)));
        }
        if let Some((lo, hi)) = region_bounds(self.points, r) {
            if let Some(pin) = pin_for(b, i, lo, hi, r, v) {
                self.pins.add(pin);
            }
        }
        Ok(end)
    }
}

/// Decodes the content of a validated JSON string into `out`; `None` if it is not valid
/// (callers validate first, so that is only a guard).
pub fn decode_into(content: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let mut i = 0;
    while i < content.len() {
        let k = memchr::memchr(b'\\', &content[i..]).unwrap_or(content.len() - i);
        out.extend_from_slice(&content[i..i + k]);
        i += k;
        if i >= content.len() {
            break;
        }
        let c = *content.get(i + 1)?;
        i += 2;
        let byte = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let n = hex(content.get(i..i + 4)?)?;
                i += 4;
                let cp = if (0xD800..0xDC00).contains(&n) {
                    if content.get(i..i + 2)? != b"\\u" {
                        return None;
                    }
                    let n2 = hex(content.get(i + 2..i + 6)?)?;
                    i += 6;
                    if !(0xDC00..0xE000).contains(&n2) {
                        return None;
                    }
                    0x10000 + ((n - 0xD800) << 10) + (n2 - 0xDC00)
                } else {
                    n
                };
                let ch = char::from_u32(cp)?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                continue;
            }
            _ => return None,
        };
        out.push(byte);
    }
    Some(())
}

/// Powers of ten that are exact in an f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

fn hex(digits: &[u8]) -> Option<u32> {
    let mut n = 0u32;
    for &c in digits {
        n = (n << 4) | (c as char).to_digit(16)?;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trie(paths: &[&[&str]]) -> KeyTrie {
        let mut t = KeyTrie::default();
        for p in paths {
            let p: Vec<String> = p.iter().map(|s| s.to_string()).collect();
            t.insert(&p);
        }
        t
    }

    #[test]
    fn records_only_named_fields_through_arrays() {
        let t = trie(&[&["a", "b"], &["c"]]);
        let ev = br#"{"x": [1, {"b": 2}], "a": [{"b": "s"}, {"b": [3, "t\n"]}], "c": null}"#;
        let mut r = Recorded::default();
        scan(&t, ev, &mut r).unwrap();
        assert_eq!(r.values.len(), 4);
        assert_eq!(r.str_bytes(ev, r.values[0].1), Some(&b"s"[..]));
        assert_eq!(r.values[1].1, Raw::Num(3.0));
        assert_eq!(r.str_bytes(ev, r.values[2].1), Some(&b"t\n"[..]));
        assert_eq!(r.values[3], (1, Raw::Null));
    }

    #[test]
    fn agrees_with_serde_json_on_validity() {
        let cases: &[&[u8]] = &[
            br#"{"a": 1e400}"#,
            br#"{"a": 1e-400}"#,
            br#"{"a": "\ud800"}"#,
            br#"{"a": "\udc00"}"#,
            br#"{"a": "\ud83d\ude00"}"#,
            br#"{"a": 01}"#,
            br#"{"a": -}"#,
            br#"{"a": 1.}"#,
            br#"{"a": [1,]}"#,
            br#"{"a": "x"} x"#,
            b"{\"a\": \"\x01\"}",
            b"{\"a\": \"\xff\"}",
            "{\"a\": \"é\"}".as_bytes(),
            br#"{"a": tru}"#,
            br#"{"a" 1}"#,
            br#"{,}"#,
            br#"{"a": {"b": [true, false, null]}}"#,
        ];
        // Whether a rule reads the faulty value or not, the answer is serde_json's.
        let (t, t2) = (trie(&[&["a"]]), trie(&[&["z"]]));
        for case in cases {
            let want = serde_json::from_slice::<serde_json::Value>(case).is_ok();
            let mut r = Recorded::default();
            let text = String::from_utf8_lossy(case);
            assert_eq!(scan(&t, case, &mut r).is_ok(), want, "{text:?}");
            assert_eq!(scan(&t2, case, &mut r).is_ok(), want, "{text:?}");
        }
    }

    /// Both byte classifiers agree, so the one this machine does not take is tested too.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn number_array_classifiers_agree() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let alphabet = b"0123456789.-, []e\"\n\x7f\x80\xff/:ZA\\";
        let mut seed = 99u64;
        for _ in 0..2000 {
            let mut block = [0u8; 64];
            for byte in &mut block {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                *byte = alphabet[(seed >> 33) as usize % alphabet.len()];
            }
            // SAFETY: AVX2 was detected above.
            let wide = unsafe { number_array_classes_avx2(&block) };
            assert_eq!(number_array_classes(&block), wide);
        }
    }

    #[test]
    fn nesting_limit_matches_serde_json() {
        for depth in [126usize, 127, 128, 129, 5000] {
            let mut s = String::from("{\"a\":");
            s.push_str(&"[".repeat(depth - 1));
            s.push_str(&"]".repeat(depth - 1));
            s.push('}');
            let want = serde_json::from_str::<serde_json::Value>(&s).is_ok();
            let mut r = Recorded::default();
            for paths in [&[&["a"][..]][..], &[&["b"][..]][..]] {
                let t = trie(paths);
                assert_eq!(scan(&t, s.as_bytes(), &mut r).is_ok(), want, "{depth}");
            }
        }
    }

    #[test]
    fn number_values_are_serde_json_values() {
        let mut seed = 12345u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 33
        };
        let t = trie(&[&["n"]]);
        let mut r = Recorded::default();
        for k in 0..20000 {
            let mut text = String::new();
            if next() % 2 == 0 {
                text.push('-');
            }
            let int_len = 1 + next() as usize % 20;
            for d in 0..int_len {
                let digit = (next() % 10) as u8;
                text.push(
                    (b'0'
                        + if d == 0 && int_len > 1 && digit == 0 {
                            1
                        } else {
                            digit
                        }) as char,
                );
            }
            if k % 3 != 0 {
                text.push('.');
                for _ in 0..1 + next() as usize % 24 {
                    text.push((b'0' + (next() % 10) as u8) as char);
                }
            }
            if k % 7 == 0 {
                text.push_str(&format!("e{}", next() % 40));
            }
            let ev = format!("{{\"n\": {text}}}");
            let want: f64 = serde_json::from_str(&text).unwrap();
            scan(&t, ev.as_bytes(), &mut r).unwrap();
            assert_eq!(r.values, vec![(0, Raw::Num(want))], "{text}");
            if let Raw::Num(v) = r.values[0].1 {
                assert_eq!(v.to_bits(), want.to_bits(), "{text}");
            }
        }
    }

    /// A pin may only cover numbers whose value lies strictly inside its region: probed
    /// with numbers of every shape, many spelled just beside the region's bounds.
    #[test]
    fn pins_cover_only_numbers_of_their_region() {
        let mut seed = 777u64;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let spell = |next: &mut dyn FnMut(u64) -> u64| {
            let mut t = String::new();
            if next(2) == 0 {
                t.push('-');
            }
            let int = 1 + next(4) as usize;
            for k in 0..int {
                let d = next(10) as u8;
                t.push(char::from(
                    b'0' + if k == 0 && int > 1 { 1 + d % 9 } else { d },
                ));
            }
            t.push('.');
            for _ in 0..1 + next(12) {
                t.push(char::from(b'0' + next(10) as u8));
            }
            t
        };
        let (mut pins, mut probes) = (0, 0);
        for _ in 0..300 {
            let mut points: Vec<f64> = (0..1 + next(5))
                .map(|_| spell(&mut next).parse::<f64>().unwrap())
                .collect();
            points.push(0.0);
            points.sort_by(f64::total_cmp);
            points.dedup();
            // Texts right beside the bounds, and anywhere.
            let mut texts: Vec<String> = Vec::new();
            for p in &points {
                for digits in [1usize, 2, 4, 7, 12] {
                    for delta in [-2.0, -1.0, 0.0, 1.0, 2.0] {
                        let v = p + delta * 10f64.powi(-(digits as i32));
                        texts.push(format!("{v:.digits$}"));
                    }
                }
            }
            for _ in 0..200 {
                texts.push(spell(&mut next));
            }
            for text in &texts {
                let padded = format!("{text}, 0]]]]]]]]]]]]]]]]]]]]");
                let v: f64 = text.parse().unwrap();
                let r = region_of(&points, v);
                let Some((lo, hi)) = region_bounds(&points, r) else {
                    continue;
                };
                let Some(pin) = pin_for(padded.as_bytes(), 0, lo, hi, r, v) else {
                    continue;
                };
                pins += 1;
                for probe in &texts {
                    let probe_padded = format!("{probe}, 0]]]]]]]]]]]]]]]]]]]]]");
                    let x = load8(probe_padded.as_bytes(), 0).unwrap();
                    if pin.covers(x, non_digits(x)) {
                        probes += 1;
                        let w: f64 = probe.parse().unwrap();
                        assert!(
                            lo < w && w < hi,
                            "{probe} under the pin of {text}: {lo}..{hi}"
                        );
                        assert_eq!(region_of(&points, w), r, "{probe} / {text}");
                    }
                }
            }
        }
        assert!(
            pins > 1000 && probes > 10000,
            "{pins} pins, {probes} probes"
        );
    }

    #[test]
    fn notices_duplicate_keys_that_matter() {
        let t = trie(&[&["a"]]);
        let mut r = Recorded::default();
        scan(&t, br#"{"a": 1, "b": 2, "b": 3}"#, &mut r).unwrap();
        assert!(!r.duplicate_key);
        scan(&t, br#"{"a": 1, "a": 3}"#, &mut r).unwrap();
        assert!(r.duplicate_key);
        scan(&t, br#"{"\u0061": 1}"#, &mut r).unwrap();
        assert_eq!(r.values.len(), 1);
    }
}
