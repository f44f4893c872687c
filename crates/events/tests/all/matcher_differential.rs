//! The compiled many-rule matcher must give exactly the answers of `Pattern::matches`
//! (the reference tree walk over a parsed event), and must refuse exactly the events
//! `serde_json` refuses. Both are checked over generated patterns and generated event
//! texts, including the awkward corners: arrays of objects, nested arrays, duplicate keys,
//! escapes, numbers in several spellings, `exists: false`, `$or`.

use stepbridge_events::matcher::{RuleSet, Scratch};
use stepbridge_events::Pattern;

/// splitmix64: deterministic, so a failure names a seed that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

// Dotted keys name nested fields, so `a.b` in an event and `a` then `b` in a pattern (or the
// other way round) meet.
const KEYS: &[&str] = &["a", "b", "c", "detail", "x", "a.b", "detail.x"];
const STRINGS: &[&str] = &[
    "",
    "abc",
    "ABC",
    "Abc",
    "abd",
    "xabc",
    "abcx",
    "a*c",
    "10.0.0.1",
    "10.0.0.7",
    "::1",
    "2001:db8::1",
    "0:0:0:0:0:0:0:1",
    "2001:DB8:0::1",
    "ÉTÉ",
    "été",
    "hello world",
    "ab",
    "b",
    "MISSION",
    "mission",
    "St",
];
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "1.0",
    "1e0",
    "10",
    "-5",
    "3.5",
    "2.25",
    "1e3",
    "1000",
    "-122.4362",
    "37.81",
    "0.000001",
    "12345678901234567890",
    "5e-324",
    "1.5E+2",
    "150",
];

fn json_str(s: impl AsRef<str>) -> String {
    serde_json::to_string(s.as_ref()).unwrap()
}

fn scalar_text(rng: &mut Rng) -> String {
    match rng.below(10) {
        0..=4 => {
            let s = *rng.pick(STRINGS);
            if rng.chance(15) && !s.is_empty() {
                // Same string, spelled with an escape.
                let mut chars = s.chars();
                let first = chars.next().unwrap();
                format!(
                    "\"\\u{:04x}{}",
                    first as u32,
                    &json_str(chars.as_str())[1..]
                )
            } else {
                json_str(s)
            }
        }
        5..=7 => rng.pick(NUMBERS).to_string(),
        8 => rng.pick(&["true", "false"]).to_string(),
        _ => "null".to_string(),
    }
}

fn event_value(rng: &mut Rng, depth: usize) -> String {
    match rng.below(if depth > 3 { 6 } else { 10 }) {
        0..=5 => scalar_text(rng),
        6 | 7 => {
            let n = rng.below(4);
            let items: Vec<String> = (0..n).map(|_| event_value(rng, depth + 1)).collect();
            format!("[{}]", items.join(", "))
        }
        _ => event_object(rng, depth + 1),
    }
}

fn event_object(rng: &mut Rng, depth: usize) -> String {
    let n = rng.below(5);
    let mut parts = Vec::new();
    for _ in 0..n {
        let key = *rng.pick(KEYS);
        parts.push(format!("{}: {}", json_str(key), event_value(rng, depth)));
    }
    let sep = if rng.chance(20) { ",\n  " } else { ", " };
    format!("{{{}}}", parts.join(sep))
}

fn condition(rng: &mut Rng) -> String {
    match rng.below(17) {
        0 => json_str(rng.pick(STRINGS)),
        1 => rng.pick(NUMBERS).to_string(),
        2 => rng.pick(&["true", "false", "null"]).to_string(),
        3 => format!(
            "{{\"prefix\": {}}}",
            json_str(rng.pick(&["a", "ab", "M", "1", "É"]))
        ),
        4 => format!(
            "{{\"suffix\": {}}}",
            json_str(rng.pick(&["c", "bc", "ON", "1", "é"]))
        ),
        5 => format!(
            "{{\"equals-ignore-case\": {}}}",
            json_str(rng.pick(STRINGS))
        ),
        6 => format!(
            "{{\"prefix\": {{\"equals-ignore-case\": {}}}}}",
            json_str(rng.pick(&["A", "aB", "mi", "été"]))
        ),
        7 => format!(
            "{{\"suffix\": {{\"equals-ignore-case\": {}}}}}",
            json_str(rng.pick(&["C", "Bc", "on", "TÉ"]))
        ),
        8 => format!(
            "{{\"wildcard\": {}}}",
            json_str(rng.pick(&["a*", "*c", "a*c", "*", "ab\\\\*c"]))
        ),
        9 => rng
            .pick(&[
                "{\"numeric\": [\">\", 0]}",
                "{\"numeric\": [\"<=\", 10]}",
                "{\"numeric\": [\"=\", 1]}",
                "{\"numeric\": [\">=\", -5, \"<\", 3.5]}",
                "{\"numeric\": [\">\", 100, \"<=\", 1000]}",
            ])
            .to_string(),
        10 => rng
            .pick(&["{\"exists\": true}", "{\"exists\": false}"])
            .to_string(),
        11 => format!("{{\"anything-but\": {}}}", json_str(rng.pick(STRINGS))),
        12 => format!(
            "{{\"anything-but\": [{}, {}]}}",
            json_str(rng.pick(STRINGS)),
            json_str(rng.pick(STRINGS))
        ),
        13 => rng
            .pick(&[
                "{\"anything-but\": {\"prefix\": \"a\"}}",
                "{\"anything-but\": {\"suffix\": \"c\"}}",
                "{\"anything-but\": {\"equals-ignore-case\": [\"abc\", \"st\"]}}",
                "{\"anything-but\": {\"wildcard\": \"a*\"}}",
                "{\"anything-but\": [1, 10]}",
                "{\"anything-but\": 3.5}",
            ])
            .to_string(),
        14 => rng
            .pick(&[
                "{\"cidr\": \"10.0.0.0/24\"}",
                "{\"cidr\": \"2001:db8::/32\"}",
            ])
            .to_string(),
        15 => json_str(rng.pick(&["10.0.0.1", "::1"])),
        _ => rng.pick(NUMBERS).to_string(),
    }
}

fn pattern_object(rng: &mut Rng, depth: usize) -> String {
    let n = 1 + rng.below(3);
    let mut used = Vec::new();
    let mut parts = Vec::new();
    for _ in 0..n {
        let key = *rng.pick(KEYS);
        if used.contains(&key) {
            continue;
        }
        used.push(key);
        if depth < 3 && rng.chance(30) {
            parts.push(format!(
                "{}: {}",
                json_str(key),
                pattern_object(rng, depth + 1)
            ));
        } else {
            let m = 1 + rng.below(3);
            let conds: Vec<String> = (0..m).map(|_| condition(rng)).collect();
            parts.push(format!("{}: [{}]", json_str(key), conds.join(", ")));
        }
    }
    if rng.chance(15) {
        let alts: Vec<String> = (0..2).map(|_| pattern_object(rng, depth + 1)).collect();
        parts.push(format!("\"$or\": [{}]", alts.join(", ")));
    }
    format!("{{{}}}", parts.join(", "))
}

fn reference(patterns: &[(String, Pattern)], event: &serde_json::Value) -> Vec<usize> {
    (0..patterns.len())
        .filter(|&i| patterns[i].1.matches(event))
        .collect()
}

#[test]
fn agrees_with_pattern_matches_on_generated_events() {
    let mut checked_matches = 0usize;
    let mut total_events = 0usize;
    for seed in 0..60u64 {
        let mut rng = Rng(seed);
        let mut patterns = Vec::new();
        let mut tries = 0;
        while patterns.len() < 25 && tries < 400 {
            tries += 1;
            let text = pattern_object(&mut rng, 0);
            if let Ok(p) = Pattern::parse(&text) {
                patterns.push((format!("r{}", patterns.len()), p));
            }
        }
        assert!(
            patterns.len() >= 10,
            "seed {seed}: too few valid patterns generated"
        );
        let set = RuleSet::compile(&patterns);
        // One scratch for the whole stream, as a bus uses it: remembered outcomes of
        // earlier events must not leak into later ones.
        let mut scratch = Scratch::default();
        let mut streamed = Vec::new();
        for _ in 0..300 {
            let text = event_object(&mut rng, 0);
            let parsed: serde_json::Value = serde_json::from_str(&text).expect("generated JSON");
            let want = reference(&patterns, &parsed);
            let got = set
                .matching(text.as_bytes())
                .unwrap_or_else(|e| panic!("seed {seed}: valid event refused: {e}\n{text}"));
            if got != want {
                let names: Vec<String> = want
                    .iter()
                    .chain(got.iter())
                    .map(|&i| format!("{i}: {:?}", serde_json::to_string(&patterns[i].1).unwrap()))
                    .collect();
                panic!(
                    "seed {seed}: got {got:?}, want {want:?}\nevent {text}\n{}",
                    names.join("\n")
                );
            }
            set.matching_with(text.as_bytes(), &mut scratch, &mut streamed)
                .expect("valid event");
            assert_eq!(streamed, want, "seed {seed}, reused scratch: {text}");
            checked_matches += want.len();
            total_events += 1;
        }
    }
    // The generator must exercise matching, not only non-matching.
    assert!(
        checked_matches > total_events / 4,
        "only {checked_matches} matches in {total_events} events"
    );
}

#[test]
fn arrays_of_objects_keep_fields_of_one_element_together() {
    let rules = vec![
        (
            "same-element".to_string(),
            Pattern::parse(r#"{"detail": {"a": ["x"], "b": ["y"]}}"#).unwrap(),
        ),
        (
            "absent-in-some-element".to_string(),
            Pattern::parse(r#"{"detail": {"c": [{"exists": false}]}}"#).unwrap(),
        ),
        (
            "one-field".to_string(),
            Pattern::parse(r#"{"detail": {"a": ["x"]}}"#).unwrap(),
        ),
    ];
    let set = RuleSet::compile(&rules);
    let cases = [
        r#"{"detail": [{"a": "x", "b": "z"}, {"a": "w", "b": "y"}]}"#,
        r#"{"detail": [{"a": "x", "b": "y", "c": 1}, {"a": "w"}]}"#,
        r#"{"detail": {"a": ["x", "q"], "b": "y"}}"#,
        r#"{"detail": [{"c": 1}, {"c": 2}]}"#,
    ];
    for case in cases {
        let value: serde_json::Value = serde_json::from_str(case).unwrap();
        assert_eq!(
            set.matching(case.as_bytes()).unwrap(),
            reference(&rules, &value),
            "{case}"
        );
    }
    // Spot-check the semantics themselves on the first case: a and b match in different
    // elements, so only the one-field rule (and the absent-c rule) hold.
    assert_eq!(set.matching(cases[0].as_bytes()).unwrap(), vec![1, 2]);
}

#[test]
fn duplicate_keys_follow_serde_json_last_one_wins() {
    let rules = vec![(
        "r".to_string(),
        Pattern::parse(r#"{"a": ["first"]}"#).unwrap(),
    )];
    let set = RuleSet::compile(&rules);
    assert_eq!(
        set.matching(br#"{"a": "first", "a": "second"}"#).unwrap(),
        Vec::<usize>::new()
    );
    assert_eq!(
        set.matching(br#"{"a": "second", "a": "first"}"#).unwrap(),
        vec![0]
    );
}

/// The matcher refuses exactly what serde_json refuses, in values no rule reads too.
#[test]
fn refuses_exactly_what_serde_json_refuses() {
    let rules = vec![
        (
            "r".to_string(),
            Pattern::parse(r#"{"a": [{"exists": true}]}"#).unwrap(),
        ),
        (
            "s".to_string(),
            Pattern::parse(r#"{"b": {"c": [1]}}"#).unwrap(),
        ),
    ];
    let set = RuleSet::compile(&rules);
    let mut rng = Rng(7);
    let mut refused = 0;
    for _ in 0..4000 {
        let mut text = event_object(&mut rng, 0).into_bytes();
        // Corrupt one byte (or cut the text) in a good share of the cases.
        if !text.is_empty() && rng.chance(70) {
            let at = rng.below(text.len());
            match rng.below(4) {
                0 => text.truncate(at),
                1 => text[at] = *rng.pick(b"{}[],:\"\\x01-.e0 \xff"),
                2 => text.insert(at, *rng.pick(b"{}[],:\"\\-.e0")),
                _ => {
                    text.remove(at);
                }
            }
        }
        let want = serde_json::from_slice::<serde_json::Value>(&text);
        let got = set.matching(&text);
        match (&want, &got) {
            (Ok(v), Ok(hits)) if v.is_object() => assert_eq!(hits, &reference(&rules, v)),
            (Ok(v), Err(_)) if !v.is_object() => {}
            (Err(_), Err(_)) => refused += 1,
            _ => panic!(
                "disagree on {:?}: serde_json {:?}, matcher {:?}",
                String::from_utf8_lossy(&text),
                want.map(|_| ()),
                got
            ),
        }
    }
    assert!(refused > 1000, "only {refused} corrupt events were refused");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let rules = vec![("r".to_string(), Pattern::parse(r#"{"a": [1]}"#).unwrap())];
    let set = RuleSet::compile(&rules);
    let deep = format!("{{\"a\": {}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let err = set.matching(deep.as_bytes()).unwrap_err();
    assert!(err.message.contains("too deep"), "{}", err.message);
    let deep_obj = format!("{}{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));
    assert!(set.matching(deep_obj.as_bytes()).is_err());
}

/// Arrays of long decimals near the rules' numeric bounds: the matcher passes over
/// numbers that share an interval (or a leading prefix) with one already placed, which
/// must never change an answer.
#[test]
fn long_decimals_near_bounds_agree() {
    let mut rng = Rng(99);
    let decimal = |rng: &mut Rng, base: i64| {
        let digits = 1 + rng.below(13);
        let frac: String = (0..digits)
            .map(|_| char::from(b'0' + rng.below(10) as u8))
            .collect();
        let sign = if base < 0 { "-" } else { "" };
        format!("{sign}{}.{frac}", base.abs())
    };
    for round in 0..40 {
        let mut rules = Vec::new();
        for r in 0..6 {
            let base = *rng.pick(&[37i64, -122, 0]);
            let lo = decimal(&mut rng, base);
            let hi = decimal(&mut rng, base);
            let (lo, hi) = if lo.parse::<f64>().unwrap() < hi.parse::<f64>().unwrap() {
                (lo, hi)
            } else {
                (hi, lo)
            };
            let text = match rng.below(4) {
                0 => format!(r#"{{"c": [{{"numeric": [">", {lo}, "<=", {hi}]}}]}}"#),
                1 => format!(r#"{{"c": [{{"numeric": ["<", {lo}]}}]}}"#),
                2 => format!(r#"{{"c": [{lo}]}}"#),
                _ => format!(r#"{{"c": [{{"anything-but": [{lo}, 0]}}]}}"#),
            };
            if let Ok(p) = Pattern::parse(&text) {
                rules.push((format!("r{r}"), p));
            }
        }
        let set = RuleSet::compile(&rules);
        for _ in 0..60 {
            let n = 1 + rng.below(30);
            let items: Vec<String> = (0..n)
                .map(|_| match rng.below(5) {
                    0 => "0".to_string(),
                    1 => format!("[{}, {}]", decimal(&mut rng, 37), decimal(&mut rng, -122)),
                    _ => {
                        let base = *rng.pick(&[37i64, -122, 0]);
                        decimal(&mut rng, base)
                    }
                })
                .collect();
            let text = format!(r#"{{"c": [{}]}}"#, items.join(", "));
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                set.matching(text.as_bytes()).unwrap(),
                reference(&rules, &value),
                "round {round}: {text}\n{rules:?}"
            );
        }
    }
}

/// A number as events spell them, biased toward the spellings the scanner has fast paths
/// for (short decimals sharing leading digits, lone digits) and the ones it must hand to
/// the general path (exponents, negative zero, huge and tiny magnitudes, long digit runs
/// that round onto a bound).
fn number_text(rng: &mut Rng) -> String {
    let decimal = |rng: &mut Rng, int: &str| {
        let digits = 1 + rng.below(15);
        let frac: String = (0..digits)
            .map(|_| char::from(b'0' + rng.below(10) as u8))
            .collect();
        format!("{int}.{frac}")
    };
    match rng.below(16) {
        0..=5 => {
            let int = *rng.pick(&["37", "-122", "0", "-0", "5", "122", "3"]);
            decimal(rng, int)
        }
        6 => rng.below(10).to_string(),
        7 => {
            let int = *rng.pick(&["37", "-122", "1"]);
            let mantissa = decimal(rng, int);
            let exponent = *rng.pick(&["e0", "E2", "e-1", "e+1", "E-400", "e-7"]);
            format!("{mantissa}{exponent}")
        }
        8 => rng
            .pick(&[
                "-0",
                "-0.0",
                "0.0",
                "0e5",
                "1e308",
                "-1e-320",
                "5e-324",
                "1.7976931348623157e308",
                "-1.7976931348623157e308",
                "12345678901234567890.5",
                "37.79999999999999999999",
                "37.80000000000000000001",
                "37.8",
                "-122.4362",
                "-122.43620000000000001",
                "-122.43619999999999999",
                "37.75",
                "37.7500000",
                "0.1",
                "1000000",
                "99999999",
                "123456789.25",
            ])
            .to_string(),
        9 => format!("{}", rng.below(100_000)),
        _ => {
            let int = *rng.pick(&["37", "-122"]);
            decimal(rng, int)
        }
    }
}

/// Numbers of a field with numeric conditions are placed in regions between the rules'
/// bounds, from number beginnings learnt on earlier numbers and kept across events: one
/// scratch carried through long streams, and one shared between two rule sets, must give
/// `Pattern::matches`'s answers on nested arrays mixing every spelling.
#[test]
fn numbers_placed_across_events_and_rule_sets_agree() {
    let mut rng = Rng(4242);
    let bound = |rng: &mut Rng| loop {
        let t = number_text(rng);
        if let Ok(v) = t.parse::<f64>() {
            if v.is_finite() && v.abs() < 1e300 && !t.contains(['e', 'E']) {
                return t;
            }
        }
    };
    let mut shared = Scratch::default();
    for round in 0..30 {
        let mut sets = Vec::new();
        for _ in 0..2 {
            let mut rules = Vec::new();
            for r in 0..6 {
                let (a, b) = (bound(&mut rng), bound(&mut rng));
                let (lo, hi) = if a.parse::<f64>().unwrap() < b.parse::<f64>().unwrap() {
                    (a, b)
                } else {
                    (b, a)
                };
                let cond = match rng.below(6) {
                    0 => format!(r#"{{"numeric": [">", {lo}, "<=", {hi}]}}"#),
                    1 => format!(r#"{{"numeric": ["<", {lo}]}}"#),
                    2 => format!(r#"{{"numeric": [">=", {lo}]}}"#),
                    3 => lo.clone(),
                    4 => format!(r#"{{"anything-but": [{lo}, 0]}}"#),
                    _ => format!(r#"{{"numeric": ["=", {hi}]}}"#),
                };
                let text = if rng.chance(30) {
                    format!(r#"{{"g": {{"c": [{cond}], "t": ["P"]}}}}"#)
                } else {
                    format!(r#"{{"g": {{"c": [{cond}]}}}}"#)
                };
                if let Ok(p) = Pattern::parse(&text) {
                    rules.push((format!("r{r}"), p));
                }
            }
            sets.push((RuleSet::compile(&rules), rules, Scratch::default()));
        }
        for k in 0..150 {
            let triples = 1 + rng.below(12);
            let items: Vec<String> = (0..triples)
                .map(|_| match rng.below(12) {
                    0 => format!("[[{}]]", number_text(&mut rng)),
                    1 => "[]".to_string(),
                    2 => r#""\u0033\u0037.5""#.to_string(),
                    3 => r#"{"c": 1}"#.to_string(),
                    4 => "null".to_string(),
                    _ => format!(
                        "[{}, {},{}]",
                        number_text(&mut rng),
                        number_text(&mut rng),
                        number_text(&mut rng)
                    ),
                })
                .collect();
            let text = format!(
                r#"{{"g": {{"t": "P", "c": [{}], "z": [1.5, 2]}}}}"#,
                items.join(", ")
            );
            let value: serde_json::Value = match serde_json::from_str(&text) {
                Ok(v) => v,
                // Out of range for f64 (1e400 and the like): refused by both, checked
                // elsewhere.
                Err(_) => continue,
            };
            let pick = k % 2;
            let (set, rules, own) = &mut sets[pick];
            let want = reference(rules, &value);
            let mut got = Vec::new();
            set.matching_with(text.as_bytes(), own, &mut got)
                .unwrap_or_else(|e| panic!("round {round}: {e}\n{text}"));
            assert_eq!(got, want, "round {round}, own scratch: {text}\n{rules:?}");
            set.matching_with(text.as_bytes(), &mut shared, &mut got)
                .unwrap();
            assert_eq!(
                got, want,
                "round {round}, shared scratch: {text}\n{rules:?}"
            );
        }
    }
}

/// Keys are compared as one or two words read from the event (up to sixteen bytes):
/// keys that differ only past the eighth byte, keys longer than sixteen bytes, and keys
/// at the very end of an event (where two words cannot be read) must all be told apart.
#[test]
fn long_keys_are_told_apart() {
    let keys = [
        "coordinate",
        "coordinates",
        "coordinatez",
        "MAPBLKLOT",
        "MAPBLKLOTS",
        "abcdefghijklmnop",
        "abcdefghijklmnoq",
        "abcdefghijklmnopq",
        "abcdefgh",
        "abcdefg",
    ];
    let mut rules = Vec::new();
    for (r, k) in keys.iter().enumerate().filter(|(r, _)| r % 2 == 1) {
        let text = format!(r#"{{"o": {{{}: [{r}]}}}}"#, json_str(k));
        rules.push((format!("r{r}"), Pattern::parse(&text).unwrap()));
    }
    let set = RuleSet::compile(&rules);
    let mut scratch = Scratch::default();
    let mut got = Vec::new();
    for (v, k) in keys.iter().enumerate() {
        for text in [
            format!(
                r#"{{"o": {{{}: {v}, "pad": "................"}}}}"#,
                json_str(k)
            ),
            format!(r#"{{"o":{{{}:{v}}}}}"#, json_str(k)),
        ] {
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            set.matching_with(text.as_bytes(), &mut scratch, &mut got)
                .unwrap();
            assert_eq!(got, reference(&rules, &value), "{text}");
        }
    }
}

/// Sibling arrays (`], [`) at every nesting depth around the reference matcher's limit
/// on arrays inside one field, in both spacings, with values at several depths.
#[test]
fn sibling_arrays_near_the_array_depth_limit_agree() {
    let rules: Vec<(String, Pattern)> = [
        r#"{"a": [1]}"#,
        r#"{"a": [2]}"#,
        r#"{"a": [{"numeric": [">", 2.5]}]}"#,
        r#"{"a": ["s"]}"#,
    ]
    .iter()
    .enumerate()
    .map(|(k, p)| (format!("r{k}"), Pattern::parse(p).unwrap()))
    .collect();
    let set = RuleSet::compile(&rules);
    let mut scratch = Scratch::default();
    let mut got = Vec::new();
    for depth in [0usize, 1, 2, 97, 98, 99, 100, 101, 120] {
        for sep in [", ", ","] {
            for (x, y) in [("1", "2"), ("3.5", "\"s\""), ("[]", "2"), ("2", "[ 1]")] {
                // `depth` arrays around two sibling arrays `[x]` and `[y]`.
                let (open, close) = ("[".repeat(depth), "]".repeat(depth));
                let text = format!(r#"{{"a": {open}[{x}]{sep}[{y}]{close}}}"#);
                let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
                    continue;
                };
                set.matching_with(text.as_bytes(), &mut scratch, &mut got)
                    .unwrap_or_else(|e| panic!("{e}: {text}"));
                assert_eq!(got, reference(&rules, &value), "depth {depth}: {text}");
            }
        }
    }
}
