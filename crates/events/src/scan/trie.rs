//! The trie of the keys some rule reads: the scanner descends only where it leads.

use rustc_hash::FxHashMap;

use super::lex::load8;

/// Where a node's children are looked up: a short list is faster to compare than to hash,
/// and events rarely have more than a handful of keys a rule cares about at one level.
#[derive(Debug, Clone, Default)]
pub(super) struct Children {
    pub(super) list: Vec<(Box<[u8]>, u32)>,
    pub(super) map: Option<FxHashMap<Box<[u8]>, u32>>,
    /// Per entry of `list`: its length and, for keys of at most sixteen bytes, the key
    /// as two little-endian words (zero padded), so short keys compare as integers.
    pub(super) heads: Vec<(usize, u64, u64)>,
}

/// The first sixteen bytes of a key as two zero-padded little-endian words.
pub(super) fn key_head(key: &[u8]) -> (u64, u64) {
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
pub(super) fn low_bytes(x: u64, n: usize) -> u64 {
    if n >= 8 {
        x
    } else {
        x & ((1u64 << (8 * n)) - 1)
    }
}

pub(super) const LINEAR_CHILDREN: usize = 12;

#[derive(Debug, Clone, Default)]
pub(super) struct Node {
    pub(super) children: Children,
    /// The field id when some rule tests the value found at exactly this path.
    pub(super) field: Option<u32>,
    /// Some rule needs the fields under this path to come from one and the same object,
    /// so the caller must know when several objects (array elements) sit here.
    pub(super) sensitive: bool,
}

/// The set of field paths used by any rule, as a trie of object keys.
#[derive(Debug, Clone)]
pub struct KeyTrie {
    pub(super) nodes: Vec<Node>,
    pub(super) fields: usize,
    /// Per field id: sorted numbers between which every test on the field answers the
    /// same (see [`KeyTrie::set_number_breaks`]).
    pub(super) breaks: Vec<Option<Box<[f64]>>>,
    /// Changes whenever fields or breaks do, so what a [`Recorded`] learnt about numbers
    /// under one trie is never used under another.
    pub(super) id: u64,
}

/// A fresh [`KeyTrie::id`].
pub(super) fn next_trie_id() -> u64 {
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
    pub(super) fn node(&mut self, path: &[String]) -> u32 {
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
    pub(super) fn child(&self, node: usize, key: &[u8]) -> Option<(usize, u32)> {
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
    pub(super) fn child_at(
        &self,
        node: usize,
        b: &[u8],
        start: usize,
        end: usize,
    ) -> Option<(usize, u32)> {
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
    pub(super) fn has_children(&self, node: u32) -> bool {
        !self.nodes[node as usize].children.list.is_empty()
    }

    #[inline(always)]
    pub(super) fn breaks(&self, field: u32) -> Option<&[f64]> {
        self.breaks.get(field as usize)?.as_deref()
    }

    #[inline(always)]
    pub(super) fn field(&self, node: u32) -> Option<u32> {
        self.nodes[node as usize].field
    }
}
