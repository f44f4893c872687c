//! The walk over the event's objects and arrays along the trie's paths.

use super::fault::{expected, fault, R};
use super::lex::{decode_into, depth_check, literal, string, ws};
use super::number::{number, number_value};
use super::pins::Pins;
use super::place::{Converted, Numbers, Placed, Skipped};
use super::recorded::{Raw, Recorded};
use super::skip::skip_value;
use super::trie::KeyTrie;

pub(super) struct Scanner<'a, 'r> {
    pub(super) b: &'a [u8],
    pub(super) trie: &'r KeyTrie,
    pub(super) out: &'r mut Recorded,
}

impl Scanner<'_, '_> {
    pub(super) fn event(&mut self) -> R<()> {
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
    pub(super) fn object(&mut self, node: u32, open: usize, depth: usize) -> R<usize> {
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
                let c = decode_into(&b[start..end], &mut buf).and_then(|_| {
                    self.note_dotted(node, &buf);
                    self.trie.child(node as usize, &buf)
                });
                self.out.key_buf = buf;
                c
            } else {
                let c = self.trie.child_at(node as usize, b, start, end);
                if c.is_none() {
                    self.note_dotted(node, &b[start..end]);
                }
                c
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

    /// Flags a key with a dot whose first segment is a child of `node` (see
    /// [`Recorded::dotted_key`]).
    #[inline]
    fn note_dotted(&mut self, node: u32, key: &[u8]) {
        if let Some(dot) = memchr::memchr(b'.', key) {
            if self.trie.child(node as usize, &key[..dot]).is_some() {
                self.out.dotted_key = true;
            }
        }
    }

    #[inline(always)]
    pub(super) fn record(&mut self, node: u32, raw: Raw) {
        if let Some(f) = self.trie.field(node) {
            self.out.values.push((f, raw));
        }
    }

    /// A value at a path some rule reads (trie node `node`); `depth` counts the containers
    /// around it, `arrays` the arrays between it and its field.
    pub(super) fn value(&mut self, node: u32, i: usize, depth: usize, arrays: usize) -> R<usize> {
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
    pub(super) fn array(
        &mut self,
        node: u32,
        open: usize,
        depth: usize,
        arrays: usize,
    ) -> R<usize> {
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
    pub(super) fn walk_array<N: Numbers>(
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
