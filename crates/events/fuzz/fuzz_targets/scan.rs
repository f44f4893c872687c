//! Any bytes as an event: the matcher refuses it exactly when `serde_json` refuses it (or it
//! is not a JSON object), and when it is accepted every rule answers as the reference tree
//! walk (`Pattern::matches` over the parsed event) does.
//!
//! The rules read some keys and not others, so both the scanner's recording walk and its
//! validating skip (with the SIMD number-array path) see the fuzzed bytes; one rule set
//! reads nothing but `source`, so almost the whole event goes through the skip.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use stepbridge_events::matcher::{RuleSet, Scratch};
use stepbridge_events::Pattern;

const PATTERNS: &[&str] = &[
    r#"{"source": ["a"]}"#,
    r#"{"a": [{"exists": true}]}"#,
    r#"{"a": {"b": ["x", 1, null, true]}}"#,
    r#"{"n": [{"numeric": [">", 0, "<=", 100]}]}"#,
    r#"{"c": [{"prefix": "p"}, {"suffix": "\u00e9"}]}"#,
    r#"{"d": {"e": [{"anything-but": [1.5, 7]}], "f": [{"anything-but": "q"}]}}"#,
    r#"{"a.b": ["x"], "state": {"status.code": [{"exists": true}]}}"#,
    r#"{"g": [{"wildcard": "*a*"}], "h": [{"exists": false}]}"#,
    r#"{"coordinates": [{"numeric": [">", -122.5]}]}"#,
    r#"{"$or": [{"a": [2]}, {"k": [{"equals-ignore-case": "AbC"}]}]}"#,
];

struct Rules {
    patterns: Vec<Pattern>,
    all: RuleSet,
    source_only: RuleSet,
}

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        let named: Vec<(String, Pattern)> = PATTERNS
            .iter()
            .enumerate()
            .map(|(k, p)| (format!("r{k}"), Pattern::parse(p).expect("valid pattern")))
            .collect();
        Rules {
            patterns: named.iter().map(|(_, p)| p.clone()).collect(),
            all: RuleSet::compile(&named),
            source_only: RuleSet::compile(&named[..1]),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let rules = rules();
    let reference = serde_json::from_slice::<serde_json::Value>(data)
        .ok()
        .filter(serde_json::Value::is_object);
    let mut scratch = Scratch::default();
    let mut hits = Vec::new();
    let ours = rules.all.matching_with(data, &mut scratch, &mut hits);
    let skipped = rules.source_only.matching(data);
    match &reference {
        None => {
            assert!(ours.is_err(), "accepted what serde_json refuses");
            assert!(skipped.is_err(), "skip accepted what serde_json refuses");
        }
        Some(event) => {
            if let Err(e) = &ours {
                panic!("refused what serde_json accepts: {e:?}");
            }
            if let Err(e) = &skipped {
                panic!("skip refused what serde_json accepts: {e:?}");
            }
            let want: Vec<usize> = (0..rules.patterns.len())
                .filter(|&k| rules.patterns[k].matches(event))
                .collect();
            assert_eq!(hits, want, "the matcher and the reference disagree");
        }
    }
});
