//! JSONata regular expressions: ECMAScript syntax and semantics through `regress`, with the
//! match protocol of jsonata-js (a regex value is a function returning
//! `{match, start, end, groups, next}`), and the `$match`, `$replace`, `$split` and
//! `$contains` loops built on it.
//!
//! Positions reported to JSONata (`start`, `end`, `$match`'s `index`) are in UTF-16 code units,
//! as JavaScript counts them; slicing is done internally on byte offsets.

use super::integer::js_parse_int;
use super::numbers::number_to_string;
use super::{FnError, FnResult};

/// A compiled JSONata regex literal (`/source/flags`).
#[derive(Debug, Clone)]
pub struct JsRegex {
    re: regress::Regex,
    source: String,
    flags: String,
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
    byte_start: usize,
    byte_end: usize,
}

/// UTF-16 position of byte offset `byte` in `s`.
fn utf16_pos(s: &str, byte: usize) -> usize {
    let byte = byte.min(s.len());
    s.get(..byte)
        .map_or_else(|| s.len(), |p| p.encode_utf16().count())
}

/// Byte offset of UTF-16 position `pos` (rounded up to a character boundary).
fn byte_pos(s: &str, pos: usize) -> usize {
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
const MAX_GROUP_DEPTH: usize = 100;

/// Deepest parenthesis nesting in a regex source, skipping escapes and character classes.
fn group_depth(source: &str) -> usize {
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

fn zero_length_error(source: &str) -> FnError {
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
            flags: flags.to_string(),
        })
    }

    /// The pattern text between the slashes.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The flags after the closing slash.
    pub fn flags(&self) -> &str {
        &self.flags
    }

    fn exec_bytes(&self, s: &str, from_byte: usize) -> Option<RegexMatch> {
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
    pub fn exec(&self, s: &str, from: usize) -> Option<RegexMatch> {
        self.exec_bytes(s, byte_pos(s, from))
    }

    /// The `next()` of a match object: the following match, `None` at the end of the
    /// input, or D1004 when the regex would keep matching the empty string in place.
    pub fn next_match(&self, s: &str, prev: &RegexMatch) -> FnResult<Option<RegexMatch>> {
        if prev.byte_end >= s.len() {
            return Ok(None);
        }
        match self.exec_bytes(s, prev.byte_end) {
            Some(m) if m.matched.is_empty() => Err(zero_length_error(&self.source)),
            other => Ok(other),
        }
    }
}

/// `$match(str, regex[, limit])`. The evaluator turns each result into
/// `{"match": m.matched, "index": m.start, "groups": [...]}`.
pub fn match_regex(s: &str, re: &JsRegex, limit: Option<usize>) -> FnResult<Vec<RegexMatch>> {
    let mut out = Vec::new();
    if limit == Some(0) {
        return Ok(out);
    }
    let mut cur = re.exec_bytes(s, 0);
    while let Some(m) = cur {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        cur = re.next_match(s, &m)?;
        out.push(m);
    }
    Ok(out)
}

/// `$replace(str, regex, replacement[, limit])`; `replacer` produces the text for each
/// match (for a string replacement use [`expand_replacement`], for a JSONata function call
/// it with the match object and map a non-string result to D3012).
pub fn replace_regex(
    s: &str,
    re: &JsRegex,
    limit: Option<usize>,
    replacer: &mut dyn FnMut(&RegexMatch) -> FnResult<String>,
) -> FnResult<String> {
    if limit == Some(0) {
        return Ok(s.to_string());
    }
    let mut result = String::new();
    let mut position = 0usize;
    let mut count = 0usize;
    let mut cur = re.exec_bytes(s, 0);
    if cur.is_none() {
        return Ok(s.to_string());
    }
    while let Some(m) = cur {
        if limit.is_some_and(|l| count >= l) {
            break;
        }
        result.push_str(s.get(position..m.byte_start).unwrap_or_default());
        result.push_str(&replacer(&m)?);
        position = m.byte_end;
        count += 1;
        cur = re.next_match(s, &m)?;
    }
    result.push_str(s.get(position..).unwrap_or_default());
    Ok(result)
}

/// Expands `$0`, `$1`..`$n` and `$$` in a `$replace` replacement string with jsonata-js's
/// rules: as many digits as the group count needs, falling back to one fewer when that
/// names a group that does not exist; a `$` not followed by a digit stays literal.
pub fn expand_replacement(template: &str, m: &RegexMatch) -> String {
    let rep = template;
    let n_groups = m.groups.len();
    let mut out = String::new();
    let mut position = 0usize;
    let mut index = rep.find('$');
    while let Some(idx) = index {
        if position >= rep.len() {
            break;
        }
        out.push_str(rep.get(position..idx).unwrap_or_default());
        position = idx + 1;
        let next = rep.get(position..).and_then(|r| r.chars().next());
        match next {
            Some('$') => {
                out.push('$');
                position += 1;
            }
            Some('0') => {
                out.push_str(&m.matched);
                position += 1;
            }
            _ => {
                let max_digits = if n_groups == 0 {
                    1
                } else {
                    (n_groups as f64).log10().floor() as usize + 1
                };
                let take = |n: usize| -> String { rep[position..].chars().take(n).collect() };
                let mut group = js_parse_int(&take(max_digits));
                if max_digits > 1 && group > n_groups as f64 {
                    group = js_parse_int(&take(max_digits - 1));
                }
                if group.is_nan() {
                    out.push('$');
                } else {
                    if n_groups > 0 && group >= 1.0 && group.fract() == 0.0 {
                        if let Some(Some(g)) = m.groups.get(group as usize - 1) {
                            out.push_str(g);
                        }
                    }
                    let consumed = number_to_string(group).len();
                    // stay on a char boundary whatever parseInt skipped
                    let mut p = (position + consumed).min(rep.len());
                    while !rep.is_char_boundary(p) {
                        p += 1;
                    }
                    position = p;
                }
            }
        }
        index = rep
            .get(position..)
            .and_then(|r| r.find('$'))
            .map(|i| i + position);
    }
    out.push_str(rep.get(position..).unwrap_or_default());
    out
}

/// `$replace` with a plain-string pattern: every (or the first `limit`) occurrence, the
/// replacement inserted literally. D3010 for an empty pattern.
pub fn replace_str(
    s: &str,
    pattern: &str,
    replacement: &str,
    limit: Option<usize>,
) -> FnResult<String> {
    if pattern.is_empty() {
        return Err(FnError::new(
            "D3010",
            "Second argument of replace function cannot be an empty string",
        ));
    }
    match limit {
        Some(l) => Ok(s.replacen(pattern, replacement, l)),
        None => Ok(s.replace(pattern, replacement)),
    }
}

/// `$split(str, regex[, limit])`.
pub fn split_regex(s: &str, re: &JsRegex, limit: Option<usize>) -> FnResult<Vec<String>> {
    let mut out = Vec::new();
    if limit == Some(0) {
        return Ok(out);
    }
    let mut cur = re.exec_bytes(s, 0);
    if cur.is_none() {
        out.push(s.to_string());
        return Ok(out);
    }
    let mut start = 0usize;
    while let Some(m) = cur {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        out.push(s.get(start..m.byte_start).unwrap_or_default().to_string());
        start = m.byte_end;
        cur = re.next_match(s, &m)?;
    }
    if limit.is_none_or(|l| out.len() < l) {
        out.push(s.get(start..).unwrap_or_default().to_string());
    }
    Ok(out)
}

/// `$split(str, separator[, limit])` with a string separator (JavaScript `String.split`):
/// an empty separator splits into characters.
pub fn split_str(s: &str, sep: &str, limit: Option<usize>) -> Vec<String> {
    let limit = limit.unwrap_or(usize::MAX);
    if sep.is_empty() {
        return s.chars().take(limit).map(String::from).collect();
    }
    s.split(sep).take(limit).map(str::to_string).collect()
}

/// `$contains(str, regex)`.
pub fn contains_regex(s: &str, re: &JsRegex) -> FnResult<bool> {
    Ok(re.exec_bytes(s, 0).is_some())
}
