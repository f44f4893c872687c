//! Many rules at once: a compiled matcher over raw event bytes, the job a bus does.
//! Owner: the "fast matcher" work. CONTRACT:
//!
//! - `RuleSet::compile(rules: &[(String, Pattern)]) -> RuleSet`
//! - `RuleSet::matching(&self, event_json: &[u8]) -> Result<Vec<usize>, EventError>` (indices)
//! - Must agree with `Pattern::matches` on every event.
//!
//! How it stays fast as rules grow: every rule is flattened into conjunctions of
//! (field path, leaf conditions) "clauses"; equal clauses are shared between rules. The
//! field paths form one key trie, so each event is scanned once, skipping whatever no rule
//! reads ([`crate::scan`]). Each value found is then looked up in per-field hash indexes
//! (exact strings, case-folded strings) and tested only against the field's remaining
//! conditions; a conjunction matches when as many of its clauses are satisfied as it has.
//! Operator semantics are never restated here: every test is a call into
//! [`crate::pattern::Condition`]; the indexes only find the values those would accept, a
//! numeric condition is first checked against its range (a necessary condition), and the
//! outcome for a string value is remembered per field (pure functions of the value), so
//! low-cardinality fields cost one hash lookup per event whatever their operators.
//!
//! Events are checked in full as they are scanned, values no rule reads included, so
//! exactly the events serde_json refuses are refused (an event ruler must not act on
//! malformed input); arrays of numbers, where most of an event's bytes are, are checked
//! a block at a time (see `scan`). Numbers of a field are placed in the
//! field's precomputed regions (see `ScalarIndex`), each region once per event; the scan
//! learns which number beginnings fall inside one region, so most numbers of an array
//! (coordinates) are placed from their first eight bytes, unconverted.
//!
//! Two things a flat view cannot see are routed to `Pattern::matches` on a parsed event:
//! events that repeat a key a rule reads (serde_json keeps the last one), and events where
//! a rule needs several fields of one array element while the path holds several objects.

use crate::pattern::{self, Condition, FieldTest, Leaf, Literal, Node, Pattern};
use crate::scan::{self, KeyTrie, Raw, Recorded};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// A malformed event: not JSON, not an object, or nested too deeply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventError {
    pub message: String,
    /// Byte offset in the event where the fault was found.
    pub offset: usize,
    /// 1-based line and column (in bytes) of the fault within the event text.
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid event: {} (line {}, column {})",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for EventError {}

impl EventError {
    fn from_scan(e: scan::ScanError, event: &[u8]) -> EventError {
        let upto = &event[..e.offset.min(event.len())];
        let line = memchr::memchr_iter(b'\n', upto).count() + 1;
        let line_start = memchr::memrchr(b'\n', upto).map(|k| k + 1).unwrap_or(0);
        EventError {
            message: e.message,
            offset: e.offset,
            line: line.min(u32::MAX as usize) as u32,
            column: (upto.len() - line_start + 1).min(u32::MAX as usize) as u32,
        }
    }
}

/// A field's conditions, arranged so a value finds the ones it satisfies quickly.
#[derive(Debug, Clone, Default)]
struct FieldPlan {
    /// Exact string conditions that only ever accept the identical string.
    exact: FxHashMap<Box<str>, Vec<u32>>,
    /// `equals-ignore-case` conditions, keyed by the folded text.
    folded: FxHashMap<String, Vec<u32>>,
    /// Everything else, tested one by one (skipped once their clause is satisfied).
    others: Vec<(Condition, u32)>,
    /// Clauses satisfied when the field has no value at all.
    absent: Vec<u32>,
    /// What non-string values satisfy, precomputed by [`RuleSet::finish_plans`].
    scalars: ScalarIndex,
}

/// Every condition, applied to a number, is constant between the numbers written in the
/// field's conditions (range bounds, exact numbers, excluded numbers): so the numbers
/// split into elementary regions, each with one precomputed list of satisfied clauses,
/// and a value costs one binary search. `true`, `false` and `null` get their lists too.
#[derive(Debug, Clone, Default)]
struct ScalarIndex {
    /// Sorted, distinct break points.
    points: Vec<f64>,
    /// `2k`: the open interval below `points[k]` (above `points[k-1]`); `2k+1`: exactly
    /// `points[k]`. Each a range of `hits`.
    regions: Vec<(u32, u32)>,
    hits: Vec<u32>,
    /// Whether the index was built (else numbers are tested condition by condition).
    built: bool,
    true_hits: Box<[u32]>,
    false_hits: Box<[u32]>,
    null_hits: Box<[u32]>,
}

/// Cap on the index size (region × clause entries), beyond which a field's numbers are
/// tested one condition at a time instead.
const MAX_SCALAR_INDEX: usize = 1 << 20;

impl ScalarIndex {
    #[inline(always)]
    fn number(&self, n: f64) -> &[u32] {
        let k = self.points.partition_point(|&p| p < n);
        let region = if self.points.get(k) == Some(&n) {
            2 * k + 1
        } else {
            2 * k
        };
        match self.regions.get(region) {
            Some(&(from, to)) => &self.hits[from as usize..to as usize],
            None => &[],
        }
    }
}

/// A number inside the open interval (lo, hi), if there is one (`None` bounds are the
/// ends of the number line).
fn inside(lo: Option<f64>, hi: Option<f64>) -> Option<f64> {
    let rep = match (lo, hi) {
        (None, None) => 0.0,
        (None, Some(h)) => {
            if h > -f64::MAX {
                -f64::MAX
            } else {
                return None;
            }
        }
        (Some(l), None) => {
            if l < f64::MAX {
                f64::MAX
            } else {
                return None;
            }
        }
        (Some(l), Some(h)) => l / 2.0 + h / 2.0,
    };
    let above = lo.is_none_or(|l| rep > l);
    let below = hi.is_none_or(|h| rep < h);
    (above && below).then_some(rep)
}

/// The numbers a condition's answer on numbers can change at.
fn break_points(cond: &Condition, out: &mut Vec<f64>) {
    match cond {
        Condition::Numeric(range) => {
            out.extend(range.lower.map(|b| b.value));
            out.extend(range.upper.map(|b| b.value));
        }
        Condition::Exact(Literal::Number(n)) => out.push(n.value),
        Condition::AnythingBut(pattern::AnythingBut::Values(values)) => {
            for v in values {
                if let Literal::Number(n) = v {
                    out.push(n.value);
                }
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
struct Clause {
    conjunctions: Vec<u32>,
}

#[derive(Debug, Clone)]
struct Conjunction {
    rule: u32,
    clauses: u32,
}

/// A string value's bytes to the clauses it satisfies on one field.
type StringMemo = FxHashMap<Box<[u8]>, Box<[u32]>>;

/// Per-call working memory, reusable across events to avoid allocating per event.
///
/// Satisfied clauses and counted conjunctions are stamped with an event number instead of
/// being cleared, so the cost of an event does not grow with the number of rules.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    rec: Recorded,
    /// The rule set the stamps and memo below belong to.
    owner: u64,
    /// Per field: the clauses a string value satisfies, for strings seen before.
    memo: Vec<StringMemo>,
    fold_buf: String,
    /// Reused for the clauses a string satisfies when it is not in the memo.
    hits_buf: Vec<u32>,
    epoch: u32,
    clause_stamp: Vec<u32>,
    field_stamp: Vec<u32>,
    conj_stamp: Vec<u32>,
    conj_count: Vec<u32>,
    rule_stamp: Vec<u32>,
}

impl Scratch {
    fn next_epoch(&mut self, set: &RuleSet) {
        if self.owner != set.id {
            self.owner = set.id;
            self.memo = vec![FxHashMap::default(); set.fields.len()];
            self.epoch = u32::MAX;
        }
        if self.epoch == u32::MAX {
            self.clause_stamp = vec![0; set.clauses.len()];
            self.field_stamp = vec![0; set.fields.len()];
            self.conj_stamp = vec![0; set.conjunctions.len()];
            self.conj_count = vec![0; set.conjunctions.len()];
            self.rule_stamp = vec![0; set.names.len()];
            self.epoch = 0;
        }
        self.epoch += 1;
    }
}

/// A set of named patterns compiled into one matcher.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Distinguishes rule sets, so a `Scratch` moved to another one starts afresh.
    id: u64,
    names: Vec<String>,
    patterns: Vec<Pattern>,
    trie: KeyTrie,
    fields: Vec<FieldPlan>,
    /// Fields with clauses that absence satisfies, checked after each scan.
    fields_with_absent: Vec<u32>,
    clauses: Vec<Clause>,
    conjunctions: Vec<Conjunction>,
    /// Conjunctions without clauses (a pattern like `{}`): they match every event.
    unconditional: Vec<u32>,
    /// Rules too large to flatten (more `$or` combinations than allowed): always run
    /// through `Pattern::matches`.
    tree_only: Vec<u32>,
}

/// Whether one object standing for a pattern node can be replaced by the union of several
/// candidate objects without changing the answer: true when the node tests a single thing
/// that any one value can satisfy on its own (no `exists: false`, which is about absence).
fn level_safe(node: &Node) -> bool {
    if node.fields.len() + node.any_of.len() != 1 {
        return node.fields.is_empty() && node.any_of.is_empty();
    }
    if let Some(field) = node.fields.first() {
        return match &field.test {
            FieldTest::Leaf(conds) => !conds.iter().any(Condition::matches_absent),
            FieldTest::Nested(child) => !mentions_absence(child),
        };
    }
    node.any_of.iter().flatten().all(level_safe)
}

fn mentions_absence(node: &Node) -> bool {
    node.fields.iter().any(|f| match &f.test {
        FieldTest::Leaf(conds) => conds.iter().any(Condition::matches_absent),
        FieldTest::Nested(child) => mentions_absence(child),
    }) || node.any_of.iter().flatten().any(mentions_absence)
}

/// Marks the paths where this pattern needs array-element consistency.
fn mark_sensitive(node: &Node, path: &mut Vec<String>, root: bool, trie: &mut KeyTrie) {
    if !root && !level_safe(node) {
        trie.mark_sensitive(path);
    }
    for field in &node.fields {
        if let FieldTest::Nested(child) = &field.test {
            path.push(field.name.clone());
            mark_sensitive(child, path, false, trie);
            path.pop();
        }
    }
    for alt in node.any_of.iter().flatten() {
        mark_sensitive(alt, path, root, trie);
    }
}

impl RuleSet {
    /// Compiles named patterns; the indices returned by [`RuleSet::matching`] refer to
    /// positions in `rules`.
    pub fn compile(rules: &[(String, Pattern)]) -> RuleSet {
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let mut set = RuleSet {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            names: Vec::with_capacity(rules.len()),
            patterns: Vec::with_capacity(rules.len()),
            trie: KeyTrie::default(),
            fields: Vec::new(),
            fields_with_absent: Vec::new(),
            clauses: Vec::new(),
            conjunctions: Vec::new(),
            unconditional: Vec::new(),
            tree_only: Vec::new(),
        };
        // (field, conditions as JSON) -> clause id, to share equal clauses between rules.
        let mut clause_ids: FxHashMap<(u32, String), u32> = FxHashMap::default();
        for (rule, (name, pattern)) in rules.iter().enumerate() {
            set.names.push(name.clone());
            set.patterns.push(pattern.clone());
            let rule = rule as u32;
            let Some(disjuncts) = pattern.disjuncts() else {
                set.tree_only.push(rule);
                continue;
            };
            mark_sensitive(&pattern.root, &mut Vec::new(), true, &mut set.trie);
            for conj in disjuncts {
                let conj_id = set.conjunctions.len() as u32;
                let mut ids: Vec<u32> = Vec::with_capacity(conj.len());
                for (path, conds) in &conj {
                    let field = set.trie.insert(path);
                    if set.fields.len() <= field as usize {
                        set.fields
                            .resize_with(field as usize + 1, FieldPlan::default);
                    }
                    let key = (field, serde_json::to_string(conds).unwrap_or_default());
                    let id = match clause_ids.get(&key) {
                        Some(&id) => id,
                        None => {
                            let id = set.clauses.len() as u32;
                            set.clauses.push(Clause {
                                conjunctions: Vec::new(),
                            });
                            set.index_clause(field, conds, id);
                            clause_ids.insert(key, id);
                            id
                        }
                    };
                    // A conjunction naming the same clause twice needs it once.
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                for &id in &ids {
                    set.clauses[id as usize].conjunctions.push(conj_id);
                }
                if ids.is_empty() {
                    set.unconditional.push(conj_id);
                }
                set.conjunctions.push(Conjunction {
                    rule,
                    clauses: ids.len() as u32,
                });
            }
        }
        set.finish_plans();
        for (f, plan) in set.fields.iter().enumerate() {
            if plan.scalars.built {
                set.trie.set_number_breaks(f as u32, &plan.scalars.points);
            }
        }
        set.fields_with_absent = (0..set.fields.len() as u32)
            .filter(|&f| !set.fields[f as usize].absent.is_empty())
            .collect();
        set
    }

    /// Builds each field's [`ScalarIndex`] once all clauses are in.
    fn finish_plans(&mut self) {
        for plan in &mut self.fields {
            let all: Vec<(Condition, u32)> = plan
                .exact
                .iter()
                .flat_map(|(v, ids)| {
                    ids.iter()
                        .map(|&id| (Condition::Exact(Literal::String(v.to_string())), id))
                })
                .chain(plan.folded.iter().flat_map(|(v, ids)| {
                    ids.iter()
                        .map(|&id| (Condition::EqualsIgnoreCase(v.clone()), id))
                }))
                .chain(plan.others.iter().cloned())
                .collect();
            let hits_for = |leaf: Leaf<'_>| -> Vec<u32> {
                let mut ids: Vec<u32> = all
                    .iter()
                    .filter(|(c, _)| c.matches_leaf(leaf))
                    .map(|&(_, id)| id)
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                ids
            };
            let index = &mut plan.scalars;
            index.true_hits = hits_for(Leaf::Bool(true)).into();
            index.false_hits = hits_for(Leaf::Bool(false)).into();
            index.null_hits = hits_for(Leaf::Null).into();
            let mut points = Vec::new();
            for (c, _) in &all {
                break_points(c, &mut points);
            }
            points.retain(|p| p.is_finite());
            points.sort_by(f64::total_cmp);
            points.dedup_by(|a, b| a == b);
            if (2 * points.len() + 1).saturating_mul(all.len().max(1)) > MAX_SCALAR_INDEX {
                continue;
            }
            let mut regions = Vec::with_capacity(2 * points.len() + 1);
            let mut hits = Vec::new();
            for k in 0..=points.len() {
                let lo = k.checked_sub(1).map(|j| points[j]);
                let hi = points.get(k).copied();
                let from = hits.len() as u32;
                if let Some(rep) = inside(lo, hi) {
                    hits.extend(hits_for(Leaf::Number(rep)));
                }
                regions.push((from, hits.len() as u32));
                if let Some(p) = hi {
                    let from = hits.len() as u32;
                    hits.extend(hits_for(Leaf::Number(p)));
                    regions.push((from, hits.len() as u32));
                }
            }
            index.points = points;
            index.regions = regions;
            index.hits = hits;
            index.built = true;
        }
    }

    fn index_clause(&mut self, field: u32, conds: &[Condition], id: u32) {
        let plan = &mut self.fields[field as usize];
        for cond in conds {
            match cond {
                // An exact string that is not an IP address is accepted by exactly one
                // string (IP addresses also accept other spellings, so they are tested).
                Condition::Exact(Literal::String(v)) if pattern::parse_ip(v).is_none() => {
                    plan.exact.entry(v.as_str().into()).or_default().push(id);
                }
                Condition::EqualsIgnoreCase(v) => {
                    let key = fold_key(v, &mut String::new()).to_string();
                    plan.folded.entry(key).or_default().push(id);
                }
                other => plan.others.push((other.clone(), id)),
            }
            if cond.matches_absent() && !plan.absent.contains(&id) {
                plan.absent.push(id);
            }
        }
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Rule names, in compile order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Indices of the rules `event_json` matches, in ascending order.
    pub fn matching(&self, event_json: &[u8]) -> Result<Vec<usize>, EventError> {
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        self.matching_with(event_json, &mut scratch, &mut out)?;
        Ok(out)
    }

    /// Like [`RuleSet::matching`], reusing `scratch` and `out` between events; this is the
    /// form to use in loops.
    pub fn matching_with(
        &self,
        event_json: &[u8],
        scratch: &mut Scratch,
        out: &mut Vec<usize>,
    ) -> Result<(), EventError> {
        out.clear();
        scan::scan(&self.trie, event_json, &mut scratch.rec)
            .map_err(|e| EventError::from_scan(e, event_json))?;
        if scratch.rec.duplicate_key
            || scratch.rec.dotted_key
            || scratch.rec.several_objects_at_sensitive_path()
        {
            return self.match_tree(event_json, 0..self.names.len() as u32, out);
        }
        scratch.next_epoch(self);
        self.evaluate(event_json, scratch, out);
        if !self.tree_only.is_empty() {
            self.match_tree(event_json, self.tree_only.iter().copied(), out)?;
        }
        out.sort_unstable();
        Ok(())
    }

    /// The reference path: parse the event and ask each pattern.
    fn match_tree(
        &self,
        event_json: &[u8],
        rules: impl Iterator<Item = u32>,
        out: &mut Vec<usize>,
    ) -> Result<(), EventError> {
        let value: serde_json::Value =
            serde_json::from_slice(event_json).map_err(|e| EventError {
                message: e.to_string(),
                offset: 0,
                line: e.line() as u32,
                column: e.column() as u32,
            })?;
        for rule in rules {
            if self.patterns[rule as usize].matches(&value) {
                out.push(rule as usize);
            }
        }
        Ok(())
    }

    fn evaluate(&self, event: &[u8], s: &mut Scratch, out: &mut Vec<usize>) {
        let epoch = s.epoch;
        let mut state = Tally {
            clause_stamp: &mut s.clause_stamp,
            conj_stamp: &mut s.conj_stamp,
            conj_count: &mut s.conj_count,
            rule_stamp: &mut s.rule_stamp,
            epoch,
            set: self,
            out,
        };
        let rec = &s.rec;
        for &(field, raw) in &rec.values {
            let f = field as usize;
            s.field_stamp[f] = epoch;
            let plan = &self.fields[f];
            let leaf = match raw {
                Raw::Str { .. } | Raw::Decoded { .. } => {
                    // The scanner validated the string's UTF-8; a failure here would only
                    // mean the value is skipped, never a wrong acceptance.
                    let Some(bytes) = rec.str_bytes(event, raw) else {
                        continue;
                    };
                    let memo = &mut s.memo[f];
                    if let Some(ids) = memo.get(bytes) {
                        for &id in ids.iter() {
                            state.satisfy(id);
                        }
                        continue;
                    }
                    let Ok(text) = std::str::from_utf8(bytes) else {
                        continue;
                    };
                    let mut ids = std::mem::take(&mut s.hits_buf);
                    plan.string_hits(text, &mut s.fold_buf, &mut ids);
                    for &id in &ids {
                        state.satisfy(id);
                    }
                    if memo.len() < MEMO_ENTRIES_PER_FIELD {
                        memo.insert(bytes.into(), ids.as_slice().into());
                    }
                    s.hits_buf = ids;
                    continue;
                }
                Raw::Num(n) if plan.scalars.built => {
                    for &id in plan.scalars.number(n) {
                        state.satisfy(id);
                    }
                    continue;
                }
                Raw::Num(n) => Leaf::Number(n),
                Raw::True | Raw::False | Raw::Null => {
                    let ids = match raw {
                        Raw::True => &plan.scalars.true_hits,
                        Raw::False => &plan.scalars.false_hits,
                        _ => &plan.scalars.null_hits,
                    };
                    for &id in ids.iter() {
                        state.satisfy(id);
                    }
                    continue;
                }
            };
            for (cond, id) in &plan.others {
                if state.clause_stamp[*id as usize] == epoch {
                    continue;
                }
                // A numeric condition can only hold inside its range: checking that first
                // spares most calls for number-heavy fields; the answer is still the
                // condition's own.
                if let (Condition::Numeric(range), Leaf::Number(n)) = (cond, leaf) {
                    if !range.contains(n) {
                        continue;
                    }
                }
                if cond.matches_leaf(leaf) {
                    state.satisfy(*id);
                }
            }
        }
        for &field in &self.fields_with_absent {
            if s.field_stamp[field as usize] != epoch {
                for &id in &self.fields[field as usize].absent {
                    state.satisfy(id);
                }
            }
        }
        for &conj in &self.unconditional {
            state.conjunction_met(conj);
        }
    }
}

/// How many distinct strings per field have their outcome remembered. Fields rules test
/// are mostly low-cardinality (sources, types, states, street names), where the memo turns
/// every condition test into one hash lookup; a high-cardinality field just stops adding.
const MEMO_ENTRIES_PER_FIELD: usize = 4096;

/// The key under which `equals-ignore-case` values are indexed: the case fold, computed
/// without allocating for ASCII text (where lower-casing is ASCII lower-casing).
fn fold_key<'a>(text: &str, buf: &'a mut String) -> &'a str {
    buf.clear();
    if text.is_ascii() {
        buf.push_str(text);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&pattern::fold_case(text));
    }
    buf.as_str()
}

impl FieldPlan {
    /// Every clause of this field that the string `text` satisfies, by any condition.
    fn string_hits(&self, text: &str, fold_buf: &mut String, ids: &mut Vec<u32>) {
        ids.clear();
        if let Some(hit) = self.exact.get(text) {
            ids.extend_from_slice(hit);
        }
        if !self.folded.is_empty() {
            if let Some(hit) = self.folded.get(fold_key(text, fold_buf)) {
                ids.extend_from_slice(hit);
            }
        }
        let leaf = Leaf::String(text);
        for (cond, id) in &self.others {
            if !ids.contains(id) && cond.matches_leaf(leaf) {
                ids.push(*id);
            }
        }
    }
}

/// Counting satisfied clauses into conjunctions, and conjunctions into rules.
struct Tally<'a> {
    clause_stamp: &'a mut [u32],
    conj_stamp: &'a mut [u32],
    conj_count: &'a mut [u32],
    rule_stamp: &'a mut [u32],
    epoch: u32,
    set: &'a RuleSet,
    out: &'a mut Vec<usize>,
}

impl Tally<'_> {
    #[inline(always)]
    fn satisfy(&mut self, clause: u32) {
        let c = clause as usize;
        if self.clause_stamp[c] == self.epoch {
            return;
        }
        self.clause_stamp[c] = self.epoch;
        for &conj in &self.set.clauses[c].conjunctions {
            let j = conj as usize;
            if self.conj_stamp[j] != self.epoch {
                self.conj_stamp[j] = self.epoch;
                self.conj_count[j] = 0;
            }
            self.conj_count[j] += 1;
            if self.conj_count[j] == self.set.conjunctions[j].clauses {
                self.conjunction_met(conj);
            }
        }
    }

    #[inline(always)]
    fn conjunction_met(&mut self, conj: u32) {
        let rule = self.set.conjunctions[conj as usize].rule as usize;
        if self.rule_stamp[rule] != self.epoch {
            self.rule_stamp[rule] = self.epoch;
            self.out.push(rule);
        }
    }
}

/// A rules document that cannot be compiled; `rule` names the offending rule when the
/// fault is inside one pattern. Pointer, line and column locate the fault in the whole
/// rules document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulesError {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(flatten)]
    pub error: crate::PatternError,
}

impl std::fmt::Display for RulesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(rule) = &self.rule {
            write!(f, "rule {rule:?}: ")?;
        }
        self.error.fmt(f)
    }
}

impl std::error::Error for RulesError {}

fn rules_fault(message: String, pointer: String, line: u32, column: u32) -> RulesError {
    RulesError {
        rule: None,
        error: crate::PatternError {
            error: "InvalidEventPatternException".to_string(),
            message,
            pointer,
            line,
            column,
        },
    }
}

/// The keys of a JSON object in order, duplicates kept (serde_json's `Value` would keep
/// only the last of two rules with one name, silently dropping a rule).
struct KeysInOrder(Vec<String>);

impl<'de> serde::Deserialize<'de> for KeysInOrder {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = KeysInOrder;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of rule names to patterns")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<KeysInOrder, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, _)) = m.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(KeysInOrder(keys))
            }
        }
        d.deserialize_map(V)
    }
}

/// Parses a rules document `{"rule name": pattern, ...}`, keeping the written order.
pub fn parse_rules(source: &str) -> Result<Vec<(String, Pattern)>, RulesError> {
    let value: serde_json::Value = serde_json::from_str(source).map_err(|e| {
        rules_fault(
            format!(
                "Rules are not valid JSON: {}",
                pattern::json_syntax_reason(&e)
            ),
            String::new(),
            e.line() as u32,
            e.column() as u32,
        )
    })?;
    let serde_json::Value::Object(map) = value else {
        let (line, column) = crate::line_col(source, 0);
        return Err(rules_fault(
            "Rules must be a JSON object of rule names to event patterns".into(),
            String::new(),
            line,
            column,
        ));
    };
    if let Ok(KeysInOrder(keys)) = serde_json::from_str::<KeysInOrder>(source) {
        let mut seen = std::collections::HashSet::new();
        for k in &keys {
            if !seen.insert(k.as_str()) {
                let pointer = format!("/{}", escape_pointer(k));
                let (line, column) = crate::locate(source, &pointer);
                return Err(RulesError {
                    rule: Some(k.clone()),
                    ..rules_fault(
                        format!("Rule name {k:?} appears more than once"),
                        pointer,
                        line,
                        column,
                    )
                });
            }
        }
    }
    let mut rules = Vec::with_capacity(map.len());
    for (name, pattern_value) in &map {
        match pattern::compile_value(pattern_value) {
            Ok(p) => rules.push((name.clone(), p)),
            Err(mut e) => {
                e.pointer = format!("/{}{}", escape_pointer(name), e.pointer);
                let (line, column) = crate::locate(source, &e.pointer);
                e.line = line;
                e.column = column;
                return Err(RulesError {
                    rule: Some(name.clone()),
                    error: e,
                });
            }
        }
    }
    Ok(rules)
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

mod jsonl;
pub use jsonl::{Counts, JsonlCounter, LineError, StreamError, MAX_EVENT_LINE};
