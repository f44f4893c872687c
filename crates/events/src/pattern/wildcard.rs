//! The `wildcard` operator: `*` stands for any run of characters, `\*` for a literal star
//! and `\\` for a literal backslash.

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard {
    /// As written in the pattern (escapes included), for explanations.
    pub source: String,
    /// Literal pieces between the stars: `a*b*c` is `["a", "b", "c"]`, `*a` is `["", "a"]`.
    pub pieces: Vec<String>,
}

impl Serialize for Wildcard {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.source)
    }
}

/// Why a wildcard pattern was refused, with the character position AWS reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WildcardError {
    ConsecutiveWildcards(usize),
    InvalidEscape(usize),
}

impl Wildcard {
    /// Positions in errors are byte offsets into `source`, as AWS counts them.
    pub fn parse(source: &str) -> Result<Wildcard, WildcardError> {
        let mut pieces = vec![String::new()];
        let mut chars = source.char_indices().peekable();
        while let Some((pos, ch)) = chars.next() {
            match ch {
                '*' => {
                    if matches!(chars.peek(), Some((_, '*'))) {
                        return Err(WildcardError::ConsecutiveWildcards(pos));
                    }
                    pieces.push(String::new());
                }
                '\\' => match chars.next() {
                    Some((_, c @ ('*' | '\\'))) => push_char(&mut pieces, c),
                    _ => return Err(WildcardError::InvalidEscape(pos)),
                },
                c => push_char(&mut pieces, c),
            }
        }
        Ok(Wildcard {
            source: source.to_string(),
            pieces,
        })
    }

    /// How many `*` the pattern has; AWS bounds rule complexity by it.
    pub fn star_count(&self) -> usize {
        self.pieces.len() - 1
    }

    /// Linear-time glob matching: anchor the first and last pieces, then find the middle
    /// pieces left to right (leftmost placement is always safe for `*`-only globs).
    pub fn matches(&self, s: &str) -> bool {
        let n = self.pieces.len();
        if n == 1 {
            return s == self.pieces[0];
        }
        let first = &self.pieces[0];
        let last = &self.pieces[n - 1];
        if s.len() < first.len() + last.len()
            || !s.starts_with(first.as_str())
            || !s.ends_with(last.as_str())
        {
            return false;
        }
        let mut rest = &s[first.len()..s.len() - last.len()];
        for piece in &self.pieces[1..n - 1] {
            match rest.find(piece.as_str()) {
                Some(i) => rest = &rest[i + piece.len()..],
                None => return false,
            }
        }
        true
    }
}

/// EventBridge refuses a rule whose wildcards could leave more than this many partial
/// matches alive at once on some input (event-ruler's `MachineComplexityEvaluator`).
pub const MAX_COMPLEXITY: usize = 10;

/// Bounds the search below so that judging a pattern stays cheap whatever its shape.
const MAX_STATE_SETS: usize = 20_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    Byte(u8),
    Star,
}

/// The worst case, over every possible input, of how many wildcard-pattern states can be
/// alive at once across `patterns` (all the wildcards written for one field), counted the
/// way event-ruler's `MachineComplexityEvaluator` does: each live state once, the state
/// that has just completed a pattern included (its transition holds the match), plus the
/// state a `*` leads to when the state just before it is live. Equal wildcards are one
/// pattern there (its patterns are a set), so they count once. Like AWS, values are bytes
/// between quotes, so the quotes are part of each pattern.
pub fn complexity(patterns: &[&Wildcard]) -> usize {
    let mut distinct: Vec<&Wildcard> = Vec::with_capacity(patterns.len());
    for w in patterns {
        if !distinct.iter().any(|d| d.pieces == w.pieces) {
            distinct.push(w);
        }
    }
    let programs: Vec<Vec<Token>> = distinct
        .iter()
        .map(|w| {
            let mut t = vec![Token::Byte(b'"')];
            for (i, piece) in w.pieces.iter().enumerate() {
                if i > 0 {
                    t.push(Token::Star);
                }
                t.extend(piece.bytes().map(Token::Byte));
            }
            t.push(Token::Byte(b'"'));
            t
        })
        .collect();
    let mut alphabet: Vec<u8> = programs
        .iter()
        .flatten()
        .filter_map(|t| match t {
            Token::Byte(b) => Some(*b),
            Token::Star => None,
        })
        .collect();
    alphabet.sort_unstable();
    alphabet.dedup();
    // One byte that no pattern names stands for all such bytes.
    if let Some(other) = (0u8..=255).find(|b| alphabet.binary_search(b).is_err()) {
        alphabet.push(other);
    }
    // A state is (pattern, k): about to read token k. A star state loops on any byte and
    // also moves on when the byte after the star comes.
    let step = |p: usize, k: usize, b: u8, out: &mut Vec<(usize, usize)>| {
        let prog = &programs[p];
        match prog.get(k) {
            Some(Token::Star) => {
                out.push((p, k));
                if prog.get(k + 1) == Some(&Token::Byte(b)) {
                    out.push((p, k + 2));
                }
            }
            Some(Token::Byte(x)) if *x == b => out.push((p, k + 1)),
            _ => {}
        }
    };
    let weight = |set: &[(usize, usize)]| {
        let mut total = 0;
        for &(p, k) in set {
            let prog = &programs[p];
            total += 1;
            if k >= prog.len() {
                continue;
            }
            let leads_to_star = matches!(prog.get(k), Some(Token::Byte(_)))
                && prog.get(k + 1) == Some(&Token::Star);
            if leads_to_star && set.binary_search(&(p, k + 1)).is_err() {
                total += 1;
            }
        }
        total
    };
    let start: Vec<(usize, usize)> = (0..programs.len()).map(|p| (p, 0)).collect();
    let mut seen = std::collections::HashSet::new();
    let mut queue = vec![start];
    let mut worst = 0;
    while let Some(active) = queue.pop() {
        if seen.len() >= MAX_STATE_SETS {
            break;
        }
        if !seen.insert(active.clone()) {
            continue;
        }
        for &b in &alphabet {
            let mut next = Vec::new();
            for &(p, k) in &active {
                step(p, k, b, &mut next);
            }
            next.sort_unstable();
            next.dedup();
            worst = worst.max(weight(&next));
            if worst > MAX_COMPLEXITY {
                return worst;
            }
            if !next.is_empty() && !seen.contains(&next) {
                queue.push(next);
            }
        }
    }
    worst
}

fn push_char(pieces: &mut [String], c: char) {
    if let Some(last) = pieces.last_mut() {
        last.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let w = Wildcard::parse("a*b*c").unwrap();
        assert!(w.matches("abc"));
        assert!(w.matches("axxbyyc"));
        assert!(!w.matches("ac"));
        let w = Wildcard::parse("*").unwrap();
        assert!(w.matches(""));
        let w = Wildcard::parse("a\\*b").unwrap();
        assert!(w.matches("a*b"));
        assert!(!w.matches("axb"));
        assert_eq!(
            Wildcard::parse("a**"),
            Err(WildcardError::ConsecutiveWildcards(1))
        );
        assert_eq!(
            Wildcard::parse("a\\b"),
            Err(WildcardError::InvalidEscape(1))
        );
        // The first/last anchors must not overlap: "aa" is not "a*a" twice over one "a".
        assert!(!Wildcard::parse("aa*aa").unwrap().matches("aaa"));
    }

    #[test]
    fn complexity_grows_with_wildcards() {
        let simple = Wildcard::parse("*.png").unwrap();
        assert!(complexity(&[&simple]) <= MAX_COMPLEXITY);
        let few: Vec<Wildcard> = ["*cc", "*c", "*a*"]
            .iter()
            .map(|p| Wildcard::parse(p).unwrap())
            .collect();
        assert!(complexity(&few.iter().collect::<Vec<_>>()) <= MAX_COMPLEXITY);
        let many: Vec<Wildcard> = (b'a'..=b'l')
            .map(|c| Wildcard::parse(&format!("*{}*", c as char)).unwrap())
            .collect();
        let refs: Vec<&Wildcard> = many.iter().collect();
        assert!(complexity(&refs) > MAX_COMPLEXITY);
        // Repeating sequences after a wildcard keep many partial matches alive.
        let repeat = Wildcard::parse("*aaaaaaaaaaaa*").unwrap();
        assert!(complexity(&[&repeat]) > MAX_COMPLEXITY);
    }

    fn of(patterns: &[&str]) -> usize {
        let ws: Vec<Wildcard> = patterns
            .iter()
            .map(|p| Wildcard::parse(p).unwrap())
            .collect();
        complexity(&ws.iter().collect::<Vec<_>>())
    }

    /// The transition that completes a pattern holds its match, so event-ruler counts it
    /// among the patterns reachable there: `*` alone is the star's state and the match.
    #[test]
    fn a_completed_pattern_counts_where_it_completes() {
        assert_eq!(of(&["*"]), 2);
        assert_eq!(of(&["*a*"]), 3);
        // Each `a` after the star keeps one more partial match alive, and the one that
        // completes counts too: nine stay within the limit, ten do not.
        assert_eq!(of(&["*aaaaaaaaa*"]), MAX_COMPLEXITY);
        assert!(of(&["*aaaaaaaaaa*"]) > MAX_COMPLEXITY);
    }

    /// Event-ruler keeps a machine's patterns in a set: one wildcard written many times
    /// (across `$or` alternatives or a value list) is one pattern.
    #[test]
    fn equal_wildcards_count_once() {
        assert_eq!(of(&["*a"; 11]), of(&["*a"]));
        assert!(
            of(&["*a", "*b", "*c", "*d", "*e", "*f", "*g", "*h", "*i", "*j", "*k"])
                > MAX_COMPLEXITY
        );
    }
}
