//! The rules document and JSON-lines helpers shared by `stepbridge match` and the wasm
//! facade, and the matcher's handling of patterns too large to flatten.

use stepbridge_events::matcher::{parse_rules, RuleSet};
use stepbridge_events::Pattern;

#[test]
fn rules_keep_their_written_order() {
    let rules =
        parse_rules(r#"{"zeta": {"a": [1]}, "alpha": {"a": [2]}, "mid": {"a": [3]}}"#).unwrap();
    let names: Vec<&str> = rules.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["zeta", "alpha", "mid"]);
}

#[test]
fn a_rules_error_points_into_the_whole_document() {
    let source = "{\n  \"ok\": {\"a\": [1]},\n  \"bad/name\": {\"a\": [{\"numeric\": [\">\"]}]}\n}";
    let err = parse_rules(source).unwrap_err();
    assert_eq!(err.rule.as_deref(), Some("bad/name"));
    assert!(
        err.error.pointer.starts_with("/bad~1name/a"),
        "{}",
        err.error.pointer
    );
    assert_eq!(err.error.line, 3);
    assert!(err
        .error
        .message
        .starts_with("Event pattern is not valid. Reason: "));
    assert!(parse_rules("[1, 2]").is_err());
    assert!(parse_rules("{\"a\": ").is_err());
}

#[test]
fn counts_skip_blank_lines_and_stop_at_the_first_bad_line() {
    let rules = parse_rules(r#"{"one": {"a": [1]}, "str": {"a": [{"prefix": "x"}]}}"#).unwrap();
    let set = RuleSet::compile(&rules);
    let counts = set
        .count_jsonl(b"{\"a\": 1}\n\n  \r\n{\"a\": \"xy\"}\r\n{\"a\": [1, \"x\"]}")
        .unwrap();
    assert_eq!(counts.events, 3);
    assert_eq!(counts.counts, vec![2, 2]);
    assert_eq!(
        serde_json::to_string(&set.counts_json(&counts)).unwrap(),
        r#"{"one":2,"str":2}"#
    );
    let err = set
        .count_jsonl(b"{\"a\": 1}\n{\"a\": 1}\n{\"a\" 1}\n")
        .unwrap_err();
    assert_eq!(err.line, 3);
    assert_eq!(err.error.column, 6);
}

#[test]
fn patterns_with_too_many_or_combinations_still_match_exactly() {
    // 13 fields, each an `$or` of two alternatives, all required: 8192 combinations, more
    // than the flattening cap, so the rule is evaluated on the tree.
    let fields: Vec<String> = (0..13)
        .map(|k| format!(r#""k{k}": {{"$or": [{{"f": [1]}}, {{"g": [2]}}]}}"#))
        .collect();
    let source = format!(
        r#"{{"detail": {{{}}}, "source": ["s"]}}"#,
        fields.join(", ")
    );
    let big = Pattern::parse(&source).expect("AWS accepts this many $or combinations");
    assert!(
        big.disjuncts().is_none(),
        "expected more combinations than the cap"
    );
    let rules = vec![
        ("big".to_string(), big),
        (
            "small".to_string(),
            Pattern::parse(r#"{"source": ["s"]}"#).unwrap(),
        ),
    ];
    let set = RuleSet::compile(&rules);
    let all = |g12: u32, source: &str| {
        let fields: Vec<String> = (0..12)
            .map(|k| format!(r#""k{k}": {{"f": 1, "g": 3}}"#))
            .collect();
        format!(
            r#"{{"source": "{source}", "detail": {{{}, "k12": {{"g": {g12}}}}}}}"#,
            fields.join(", ")
        )
    };
    let mut matched = 0;
    for event in [all(2, "s"), all(1, "s"), all(2, "t")] {
        let value: serde_json::Value = serde_json::from_str(&event).unwrap();
        let want: Vec<usize> = (0..2).filter(|&i| rules[i].1.matches(&value)).collect();
        assert_eq!(set.matching(event.as_bytes()).unwrap(), want, "{event}");
        matched += want.len();
    }
    assert_eq!(
        matched,
        1 + 2,
        "big matches only the first event; small the two with s"
    );
}

#[test]
fn counting_a_stream_in_small_chunks_equals_counting_the_buffer() {
    use stepbridge_events::matcher::{parse_rules, RuleSet, StreamError};
    let rules = parse_rules(r#"{"one": {"a": [1]}, "text": {"b": [{"prefix": "x"}]}}"#).unwrap();
    let set = RuleSet::compile(&rules);
    let mut data = String::new();
    for k in 0..200 {
        data.push_str(&format!("{{\"a\": {}, \"b\": \"x{k}\"}}\n", k % 3));
        if k % 7 == 0 {
            data.push_str("  \n");
        }
    }
    data.push_str(r#"{"a": 1}"#); // no final newline
    let whole = set.count_jsonl(data.as_bytes()).unwrap();
    for chunk in [1usize, 5, 64, 1 << 20] {
        let streamed = set.count_jsonl_reader(data.as_bytes(), chunk).unwrap();
        assert_eq!(streamed, whole, "chunk {chunk}");
    }
    let bad = format!("{data}\n{{\"a\": }}\n");
    let whole_err = set.count_jsonl(bad.as_bytes()).unwrap_err();
    match set.count_jsonl_reader(bad.as_bytes(), 16) {
        Err(StreamError::Line(e)) => assert_eq!(e, whole_err),
        other => panic!("{other:?}"),
    }
}
