//! JSONata regular expressions: ECMAScript syntax and semantics through `regress`, with the
//! match protocol of jsonata-js (a regex value is a function returning
//! `{match, start, end, groups, next}`), and the backtracking budget every
//! search runs under. The `$match`, `$replace`, `$split` and `$contains` loops are in
//! `functions::regex`.
//!
//! Positions reported to JSONata (`start`, `end`, `$match`'s `index`) are in UTF-16 code units,
//! as JavaScript counts them; slicing is done internally on byte offsets.

// The one module that may hold the engine's regexes (see the crate's clippy.toml): every
// search below takes a `Budget`.
#![allow(clippy::disallowed_types)]

use crate::error::{FnError, FnResult};

/// A compiled JSONata regex literal (`/source/flags`).
#[derive(Debug, Clone)]
pub struct JsRegex {
    pub(crate) re: regress::Regex,
    pub(crate) source: String,
}

/// One match, in the shape jsonata-js hands to `$match`, `$replace` callbacks and custom
/// matchers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexMatch {
    /// The matched text.
    pub matched: String,
    /// Start, in UTF-16 code units.
    pub start: usize,
    /// End (exclusive), in UTF-16 code units.
    pub end: usize,
    /// Capture groups 1..n; `None` when the group did not take part in the match
    /// (JavaScript `undefined`).
    pub groups: Vec<Option<String>>,
    pub(crate) byte_start: usize,
    pub(crate) byte_end: usize,
}

/// UTF-16 position of byte offset `byte` in `s`.
pub(crate) fn utf16_pos(s: &str, byte: usize) -> usize {
    let byte = byte.min(s.len());
    s.get(..byte)
        .map_or_else(|| s.len(), |p| p.encode_utf16().count())
}

/// Byte offset of UTF-16 position `pos` (rounded up to a character boundary).
pub(crate) fn byte_pos(s: &str, pos: usize) -> usize {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        if units >= pos {
            return i;
        }
        units += c.len_utf16();
    }
    s.len()
}

/// The regex compiler recurses once per nested group; deeper nesting than this would risk
/// the (small, on wasm32) stack, and no real pattern needs it.
pub(crate) const MAX_GROUP_DEPTH: usize = 100;

/// Deepest parenthesis nesting in a regex source, skipping escapes and character classes.
pub(crate) fn group_depth(source: &str) -> usize {
    let mut depth = 0usize;
    let mut max = 0usize;
    let mut in_class = false;
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => {
                depth += 1;
                max = max.max(depth);
            }
            ')' if !in_class => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

pub(crate) fn zero_length_error(source: &str) -> FnError {
    FnError::new(
        "D1004",
        format!(
            "Regular expression matches zero length string: /{}/",
            source
        ),
    )
}

impl JsRegex {
    /// Compiles a regex literal. `flags` are the letters after the closing slash; JSONata
    /// uses `i` and `m` (`g` is implied and ignored, `s` and `u` are passed through).
    pub fn new(source: &str, flags: &str) -> FnResult<JsRegex> {
        if let Some(bad) = flags.chars().find(|c| !"gimsuy".contains(*c)) {
            return Err(FnError::new(
                "S0303",
                format!(
                    "Invalid regular expression flag '{}' in /{}/{}",
                    bad, source, flags
                ),
            ));
        }
        let depth = group_depth(source);
        if depth > MAX_GROUP_DEPTH {
            return Err(FnError::new(
                "S0303",
                format!(
                    "Regular expression nests groups {} deep; at most {} levels are supported",
                    depth, MAX_GROUP_DEPTH
                ),
            ));
        }
        let pass: String = flags.chars().filter(|c| "imsu".contains(*c)).collect();
        let re = regress::Regex::with_flags(source, pass.as_str()).map_err(|e| {
            FnError::new(
                "S0303",
                format!("Invalid regular expression /{}/{}: {}", source, flags, e),
            )
        })?;
        Ok(JsRegex {
            re,
            source: source.to_string(),
        })
    }

    pub(crate) fn exec_bytes(&self, _: &Budget, s: &str, from_byte: usize) -> Option<RegexMatch> {
        if from_byte > s.len() {
            return None;
        }
        let m = self.re.find_from(s, from_byte).next()?;
        let r = m.range();
        let groups = m
            .groups()
            .skip(1)
            .map(|g| g.and_then(|g| s.get(g).map(str::to_string)))
            .collect();
        Some(RegexMatch {
            matched: s.get(r.clone()).unwrap_or_default().to_string(),
            start: utf16_pos(s, r.start),
            end: utf16_pos(s, r.end),
            groups,
            byte_start: r.start,
            byte_end: r.end,
        })
    }

    /// Calling the regex as a function: the first match at or after UTF-16 position `from`.
    pub fn exec(&self, budget: &Budget, s: &str, from: usize) -> Option<RegexMatch> {
        self.exec_bytes(budget, s, byte_pos(s, from))
    }

    /// The `next()` of a match object: the following match, `None` at the end of the
    /// input, or D1004 when the regex would keep matching the empty string in place.
    pub fn next_match(
        &self,
        budget: &Budget,
        s: &str,
        prev: &RegexMatch,
    ) -> FnResult<Option<RegexMatch>> {
        if prev.byte_end >= s.len() {
            return Ok(None);
        }
        match self.exec_bytes(budget, s, prev.byte_end) {
            Some(m) if m.matched.is_empty() => Err(zero_length_error(&self.source)),
            other => Ok(other),
        }
    }
}

/// A pattern the library builds itself (the date/time picture parsers, the ISO 8601 check):
/// ECMAScript syntax, searched under the backtracking budget like any JSONata regex.
#[derive(Debug)]
pub struct Pattern(regress::Regex);

impl Pattern {
    pub fn new(source: &str, flags: &str) -> Result<Pattern, regress::Error> {
        regress::Regex::with_flags(source, flags).map(Pattern)
    }

    /// The first match in `text`.
    pub fn find(&self, _: &Budget, text: &str) -> Option<regress::Match> {
        self.0.find(text)
    }
}

// ---------------------------------------------------------------------------------------------
// The backtracking budget
// ---------------------------------------------------------------------------------------------

/// Proof that a backtracking budget is in force on this thread. Every search takes one, and
/// only [`with_budget`] (and [`within_budget`], inside it) hand one out, so no search can run
/// without a bound: JavaScript regexes backtrack, and `/(a+)+$/` against a run of `a` would
/// otherwise take exponential time (in the browser, a frozen page).
pub struct Budget {
    pub(crate) _private: (),
}

/// The regex engine's budget (a per-thread counter of backtracking steps, see
/// `vendor/regress.patch`) set for a scope and put back as it was when the scope ends, also
/// on an early return, an error or a panic. So one evaluation (or one search) cannot leave
/// the next one on the same thread with an exhausted or an unbounded budget.
pub struct BudgetScope {
    pub(crate) previous: u64,
}

impl BudgetScope {
    /// Gives the searches of this scope `steps` backtracking steps.
    pub fn enter(steps: u64) -> BudgetScope {
        let previous = regress::budget::remaining();
        regress::budget::set(steps);
        BudgetScope { previous }
    }
}

impl Drop for BudgetScope {
    fn drop(&mut self) {
        // Also clears the exhausted mark: it belonged to this scope's searches.
        regress::budget::set(self.previous);
    }
}

/// What a budgeted run of searches returned and spent.
pub struct Spent<T> {
    pub value: T,
    /// Backtracking steps used.
    pub used: u64,
    /// The budget ran out: some search gave up, so its "no match" is not an answer.
    pub exhausted: bool,
}

/// Runs `f`'s searches with `steps` backtracking steps, restoring the previous budget after.
pub fn with_budget<T>(steps: u64, f: impl FnOnce(&Budget) -> T) -> Spent<T> {
    let scope = BudgetScope::enter(steps);
    let value = f(&Budget { _private: () });
    let used = steps - regress::budget::remaining().min(steps);
    let exhausted = regress::budget::exhausted();
    drop(scope);
    Spent {
        value,
        used,
        exhausted,
    }
}

/// Runs `f`'s searches on the budget of the [`with_budget`] run in progress (a search nested
/// in another, such as `$match` inside a `$replace` callback); the caller knows one is. Also
/// says whether the budget is exhausted afterwards.
pub fn within_budget<T>(f: impl FnOnce(&Budget) -> T) -> (T, bool) {
    let value = f(&Budget { _private: () });
    (value, regress::budget::exhausted())
}
