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
}

impl Default for KeyTrie {
    fn default() -> Self {
        KeyTrie {
            nodes: vec![Node::default()],
            fields: 0,
        }
    }
}

impl KeyTrie {
    /// Registers `path` (object keys from the event root) and returns its field id;
    /// the same path always gets the same id.
    pub fn insert(&mut self, path: &[String]) -> u32 {
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

    #[inline]
    fn has_children(&self, node: u32) -> bool {
        !self.nodes[node as usize].children.list.is_empty()
    }

    #[inline]
    fn field(&self, node: u32) -> Option<u32> {
        self.nodes[node as usize].field
    }
}

/// One value found at a recorded field, pointing into the event (or into the decode buffer
/// for strings that had escapes) rather than owning it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Raw {
    /// A string without escapes: `event[start..end]`.
    Str { start: u32, end: u32 },
    /// A string that had escapes, decoded into [`Recorded::decoded`]`[start..end]`.
    Decoded { start: u32, end: u32 },
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
}

impl Recorded {
    pub fn clear(&mut self) {
        self.values.clear();
        self.decoded.clear();
        self.duplicate_key = false;
        self.sensitive_hits.clear();
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
    #[inline]
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

type Res<T> = Result<T, ScanError>;

struct Scanner<'a, 'r> {
    b: &'a [u8],
    i: usize,
    trie: &'r KeyTrie,
    out: &'r mut Recorded,
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
    let mut s = Scanner {
        b: event,
        i: 0,
        trie,
        out,
    };
    s.ws();
    match s.peek() {
        Some(b'{') => s.object(0, 1)?,
        Some(_) => return s.err("an event must be a JSON object"),
        None => return s.err("empty event: expected a JSON object"),
    }
    s.ws();
    if s.i < s.b.len() {
        return s.err("unexpected characters after the end of the event object");
    }
    Ok(())
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

impl<'a, 'r> Scanner<'a, 'r> {
    #[cold]
    fn err<T>(&self, message: &str) -> Res<T> {
        Err(ScanError {
            message: message.to_string(),
            offset: self.i,
        })
    }

    #[cold]
    fn unexpected<T>(&self, expected: &str) -> Res<T> {
        let message = match self.peek() {
            None => format!("unexpected end of event, expected {expected}"),
            Some(c) if c.is_ascii_graphic() => {
                format!("unexpected '{}', expected {expected}", c as char)
            }
            Some(c) => format!("unexpected byte 0x{c:02x}, expected {expected}"),
        };
        Err(ScanError {
            message,
            offset: self.i,
        })
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    #[inline(always)]
    fn expect(&mut self, c: u8, what: &str) -> Res<()> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            self.unexpected(what)
        }
    }

    fn depth_check(&self, depth: usize) -> Res<()> {
        if depth > MAX_DEPTH {
            return self.err("event nesting is too deep (more than 127 levels)");
        }
        Ok(())
    }

    /// At `{` of an object whose keys are looked up under trie node `node`.
    fn object(&mut self, node: u32, depth: usize) -> Res<()> {
        self.depth_check(depth)?;
        self.i += 1;
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        // Children already seen in this object, to notice duplicate keys that matter.
        let mut seen: u64 = 0;
        let mut seen_more: Vec<usize> = Vec::new();
        loop {
            if self.peek() != Some(b'"') {
                return self.unexpected("a string key");
            }
            let (start, end, escaped) = self.string()?;
            let child = if escaped {
                let mut buf = std::mem::take(&mut self.out.key_buf);
                buf.clear();
                let r = decode_into(&self.b[start..end], &mut buf);
                let c = r.and_then(|_| self.trie.child(node as usize, &buf));
                self.out.key_buf = buf;
                c
            } else {
                self.trie.child(node as usize, &self.b[start..end])
            };
            self.ws();
            self.expect(b':', "':' after an object key")?;
            self.ws();
            match child {
                None => self.skip_value(depth)?,
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
                    self.value(id, depth, 0)?
                }
            }
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return self.unexpected("',' or '}' in an object"),
            }
        }
    }

    #[inline]
    fn record(&mut self, node: u32, raw: Raw) {
        if let Some(f) = self.trie.field(node) {
            self.out.values.push((f, raw));
        }
    }

    /// A value at a path some rule reads (trie node `node`); `depth` counts the containers
    /// around it, `arrays` the arrays between it and its field.
    fn value(&mut self, node: u32, depth: usize, arrays: usize) -> Res<()> {
        match self.peek() {
            Some(b'"') => {
                let (start, end, escaped) = self.string()?;
                if self.trie.field(node).is_some() {
                    let raw = if escaped {
                        let from = self.out.decoded.len();
                        // Validated by `string`, so decoding cannot fail here; an error
                        // would still only drop the value, never panic.
                        if decode_into(&self.b[start..end], &mut self.out.decoded).is_none() {
                            return self.err("invalid escape in string");
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
                Ok(())
            }
            Some(b'{') => {
                if self.trie.has_children(node) {
                    if self.trie.nodes[node as usize].sensitive {
                        self.out.sensitive_hits.push(node);
                    }
                    self.object(node, depth + 1)
                } else {
                    self.skip_value(depth)
                }
            }
            // The reference matcher stops looking through arrays nested this deep inside
            // one field; so does the scan, to agree with it.
            Some(b'[') if arrays >= crate::pattern::MAX_DEPTH => self.skip_value(depth),
            Some(b'[') => self.array(node, depth + 1, arrays + 1),
            Some(b't') => {
                self.literal(b"true")?;
                self.record(node, Raw::True);
                Ok(())
            }
            Some(b'f') => {
                self.literal(b"false")?;
                self.record(node, Raw::False);
                Ok(())
            }
            Some(b'n') => {
                self.literal(b"null")?;
                self.record(node, Raw::Null);
                Ok(())
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                self.number()?;
                if self.trie.field(node).is_some() {
                    let text = &self.b[start..self.i];
                    let v = match fast_f64(text) {
                        Some(v) => v,
                        // Long or extreme numbers: let serde_json convert them, so the
                        // value is bit-for-bit the one `Pattern::matches` sees.
                        None => match serde_json::from_slice::<f64>(text) {
                            Ok(v) => v,
                            Err(_) => return self.err("number out of range"),
                        },
                    };
                    self.record(node, Raw::Num(v));
                }
                Ok(())
            }
            _ => self.unexpected("a JSON value"),
        }
    }

    /// At `[` of an array at a recorded path: arrays are transparent, every element (and
    /// every element of nested arrays) is a value of the same field.
    fn array(&mut self, node: u32, depth: usize, arrays: usize) -> Res<()> {
        self.depth_check(depth)?;
        self.i += 1;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.value(node, depth, arrays)?;
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return self.unexpected("',' or ']' in an array"),
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Res<()> {
        if self.b.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            self.unexpected("a JSON value")
        }
    }

    /// Skips (and validates) a value no rule reads.
    fn skip_value(&mut self, depth: usize) -> Res<()> {
        match self.peek() {
            Some(b'"') => self.string().map(|_| ()),
            Some(b'-' | b'0'..=b'9') => self.number_fast(),
            Some(b'{') => self.skip_object(depth + 1),
            Some(b'[') => self.skip_array(depth + 1),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            _ => self.unexpected("a JSON value"),
        }
    }

    fn skip_object(&mut self, depth: usize) -> Res<()> {
        self.depth_check(depth)?;
        self.i += 1;
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return self.unexpected("a string key");
            }
            self.string()?;
            self.ws();
            self.expect(b':', "':' after an object key")?;
            self.ws();
            self.skip_value(depth)?;
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return self.unexpected("',' or '}' in an object"),
            }
        }
    }

    /// Skips an array iteratively for nested arrays (coordinate lists are arrays of arrays
    /// of numbers), recursing only for objects.
    fn skip_array(&mut self, depth: usize) -> Res<()> {
        self.depth_check(depth)?;
        let mut d = depth;
        self.i += 1;
        let mut opened = true;
        'value: loop {
            self.ws();
            match self.peek() {
                Some(b']') if opened => {
                    self.i += 1;
                    if d == depth {
                        return Ok(());
                    }
                    d -= 1;
                }
                Some(b'[') => {
                    d += 1;
                    self.depth_check(d)?;
                    self.i += 1;
                    opened = true;
                    continue 'value;
                }
                Some(b'-' | b'0'..=b'9') => self.number_fast()?,
                _ => self.skip_value(d)?,
            }
            opened = false;
            loop {
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.i += 1;
                        continue 'value;
                    }
                    Some(b']') => {
                        self.i += 1;
                        if d == depth {
                            return Ok(());
                        }
                        d -= 1;
                    }
                    _ => return self.unexpected("',' or ']' in an array"),
                }
            }
        }
    }

    /// The common number shapes (`-12`, `37.7225375`) without a call; exponents and huge
    /// integers take [`Scanner::number`], which also checks the range.
    #[inline(always)]
    fn number_fast(&mut self) -> Res<()> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                if self.digits() > 300 {
                    self.i = start;
                    return self.number();
                }
            }
            _ => return self.unexpected("a digit"),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return self.unexpected("a digit after the decimal point");
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i = start;
            return self.number();
        }
        Ok(())
    }

    /// Skips a run of ASCII digits, eight at a time where possible: numbers dominate the
    /// bytes of many events (coordinates, measurements), so this loop is the hot one.
    #[inline(always)]
    fn digits(&mut self) -> usize {
        let from = self.i;
        while let Some(chunk) = self.b.get(self.i..self.i + 8) {
            let mut a = [0u8; 8];
            a.copy_from_slice(chunk);
            let t = u64::from_le_bytes(a) ^ 0x3030_3030_3030_3030;
            // High bit of a byte set iff that byte is not '0'..='9'. Carries only move
            // toward later bytes and only start at non-digits, so the first one is exact.
            let non_digit = (t.wrapping_add(0x7676_7676_7676_7676) | t) & 0x8080_8080_8080_8080;
            if non_digit != 0 {
                self.i += (non_digit.trailing_zeros() / 8) as usize;
                return self.i - from;
            }
            self.i += 8;
        }
        while let Some(c) = self.b.get(self.i) {
            if c.is_ascii_digit() {
                self.i += 1;
            } else {
                break;
            }
        }
        self.i - from
    }

    /// Validates a number with JSON's grammar, and, like `serde_json`, refuses one too
    /// large for an f64.
    fn number(&mut self) -> Res<()> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_digits = match self.peek() {
            Some(b'0') => {
                self.i += 1;
                1
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return self.unexpected("a digit"),
        };
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return self.unexpected("a digit after the decimal point");
            }
        }
        let mut check_range = int_digits > 300;
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return self.unexpected("a digit in the exponent");
            }
            check_range = true;
        }
        if check_range && serde_json::from_slice::<f64>(&self.b[start..self.i]).is_err() {
            return Err(ScanError {
                message: "number out of range".into(),
                offset: start,
            });
        }
        Ok(())
    }

    /// At `"`: validates a string and returns (content start, content end, had escapes).
    #[inline]
    fn string(&mut self) -> Res<(usize, usize, bool)> {
        self.i += 1;
        let start = self.i;
        let mut escaped = false;
        loop {
            // Short strings (keys, codes) dominate events: eight bytes at a time beats a
            // memchr call for them; long ones go to memchr below.
            let limit = (self.i + 32).min(self.b.len());
            let mut j = self.i;
            while let Some(chunk) = self.b.get(j..j + 8) {
                if j + 8 > limit {
                    break;
                }
                let mut a = [0u8; 8];
                a.copy_from_slice(chunk);
                let special = string_special_mask(u64::from_le_bytes(a));
                if special != 0 {
                    j += (special.trailing_zeros() / 8) as usize;
                    break;
                }
                j += 8;
            }
            while j < limit && !STRING_SPECIAL[self.b[j] as usize] {
                j += 1;
            }
            if j == limit && j < self.b.len() {
                // Long run of plain text: let memchr find the next quote or backslash,
                // then check the run for bytes that need attention.
                match memchr::memchr2(b'"', b'\\', &self.b[j..]) {
                    Some(k) => {
                        let run = &self.b[j..j + k];
                        let odd = run.iter().fold(false, |acc, &c| acc | (c < 0x20) | (c >= 0x80));
                        if odd {
                            self.i = j;
                            self.check_run(j + k)?;
                        }
                        j += k;
                    }
                    None => {
                        self.i = self.b.len();
                        return self.err("unterminated string");
                    }
                }
            }
            self.i = j;
            match self.peek() {
                None => return self.err("unterminated string"),
                Some(b'"') => {
                    let end = self.i;
                    self.i += 1;
                    return Ok((start, end, escaped));
                }
                Some(b'\\') => {
                    escaped = true;
                    self.escape()?;
                }
                Some(c) if c < 0x20 => {
                    return self.err("control character in a string (must be escaped)")
                }
                Some(_) => {
                    // Non-ASCII: validate the UTF-8 sequence starting here.
                    let end = memchr::memchr2(b'"', b'\\', &self.b[self.i..])
                        .map(|k| self.i + k)
                        .unwrap_or(self.b.len());
                    self.check_run(end)?;
                    self.i = end;
                }
            }
        }
    }

    /// Checks `b[i..end]` (no quote or backslash inside) for control characters and
    /// invalid UTF-8. Leaves `i` at the fault on error.
    #[cold]
    fn check_run(&mut self, end: usize) -> Res<()> {
        let run = &self.b[self.i..end];
        if let Some(k) = run.iter().position(|&c| c < 0x20) {
            self.i += k;
            return self.err("control character in a string (must be escaped)");
        }
        if let Err(e) = std::str::from_utf8(run) {
            self.i += e.valid_up_to();
            return self.err("invalid UTF-8 in a string");
        }
        Ok(())
    }

    fn hex4(&mut self) -> Res<u16> {
        let mut n: u16 = 0;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return self.unexpected("a hex digit in a \\u escape"),
            };
            n = (n << 4) | d as u16;
            self.i += 1;
        }
        Ok(n)
    }

    /// At `\`: validates one escape (a surrogate pair counts as one).
    fn escape(&mut self) -> Res<()> {
        self.i += 1;
        match self.peek() {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                self.i += 1;
                Ok(())
            }
            Some(b'u') => {
                self.i += 1;
                let n = self.hex4()?;
                if (0xDC00..=0xDFFF).contains(&n) {
                    return self.err("lone trailing surrogate in a \\u escape");
                }
                if (0xD800..=0xDBFF).contains(&n) {
                    if self.b.get(self.i..self.i + 2) != Some(b"\\u") {
                        return self.err("unpaired surrogate in a \\u escape");
                    }
                    self.i += 2;
                    let n2 = self.hex4()?;
                    if !(0xDC00..=0xDFFF).contains(&n2) {
                        return self.err("unpaired surrogate in a \\u escape");
                    }
                }
                Ok(())
            }
            _ => self.unexpected("a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)"),
        }
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
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Converts a validated JSON number when that is exact in one rounding: at most 15
/// significant digits (below 2^53) and a power of ten that is itself exact. Then any
/// correct conversion, serde_json's included, gives the same f64; other numbers return
/// `None` and go to serde_json.
pub fn fast_f64(text: &[u8]) -> Option<f64> {
    let (neg, t) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    let mut m: u64 = 0;
    let mut sig = 0u32;
    let mut frac = 0i32;
    let mut i = 0;
    let mut in_frac = false;
    while i < t.len() {
        let c = t[i];
        if c.is_ascii_digit() {
            m = m * 10 + (c - b'0') as u64;
            if m != 0 {
                sig += 1;
                if sig > 15 {
                    return None;
                }
            }
            if in_frac {
                frac += 1;
            }
        } else if c == b'.' {
            in_frac = true;
        } else {
            break;
        }
        i += 1;
    }
    let mut exp = 0i32;
    if i < t.len() {
        // [eE][+-]?digits
        i += 1;
        let eneg = match t.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let digits = &t[i..];
        if digits.is_empty() || digits.len() > 4 {
            return None;
        }
        for &c in digits {
            if !c.is_ascii_digit() {
                return None;
            }
            exp = exp * 10 + (c - b'0') as i32;
        }
        if eneg {
            exp = -exp;
        }
    }
    let v = if m == 0 {
        0.0
    } else {
        let e = exp - frac;
        if (0..=22).contains(&e) {
            m as f64 * POW10[e as usize]
        } else if (-22..0).contains(&e) {
            m as f64 / POW10[(-e) as usize]
        } else {
            return None;
        }
    };
    Some(if neg { -v } else { v })
}

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
        let t = trie(&[&["a"]]);
        let t2 = trie(&[&["z"]]);
        for case in cases {
            let want = serde_json::from_slice::<serde_json::Value>(case).is_ok();
            let mut r = Recorded::default();
            assert_eq!(scan(&t, case, &mut r).is_ok(), want, "{:?}", String::from_utf8_lossy(case));
            assert_eq!(scan(&t2, case, &mut r).is_ok(), want, "{:?}", String::from_utf8_lossy(case));
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
            assert_eq!(scan(&trie(&[&["a"]]), s.as_bytes(), &mut r).is_ok(), want, "{depth}");
            assert_eq!(scan(&trie(&[&["b"]]), s.as_bytes(), &mut r).is_ok(), want, "{depth}");
        }
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
