//! Every event is validated in full, parts no rule reads included: the matcher refuses
//! exactly what serde_json refuses, and says where, whatever part of the event is at fault.

use proptest::prelude::*;
use stepbridge_events::matcher::RuleSet;
use stepbridge_events::Pattern;

fn rules(patterns: &[&str]) -> RuleSet {
    let rules: Vec<(String, Pattern)> = patterns
        .iter()
        .enumerate()
        .map(|(k, p)| (format!("r{k}"), Pattern::parse(p).unwrap()))
        .collect();
    RuleSet::compile(&rules)
}

/// A rule that reads `source` only (so `detail` is never read), and one that reads into
/// `detail` too (so the faulty part is read).
fn rule_sets() -> [RuleSet; 2] {
    [
        rules(&[r#"{"source": ["a"]}"#]),
        rules(&[
            r#"{"source": ["a"]}"#,
            r#"{"detail": {"x": [{"exists": true}]}}"#,
        ]),
    ]
}

fn serde_accepts(text: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(text).is_ok_and(|v| v.is_object())
}

/// (line, column, message) of the first invalid line of `data`.
fn first_fault(set: &RuleSet, data: &[u8]) -> (usize, u32, String) {
    let e = set
        .count_jsonl(data)
        .expect_err("the stream should be refused");
    (e.line, e.error.column, e.error.message)
}

/// One malformed value under `detail.x`, on the second line of a stream: refused with the
/// line, column and message of the fault, whether a rule reads `detail` or not.
#[test]
fn each_malformation_in_an_unread_part_is_refused_where_it_lies() {
    let cases: &[(&str, u32, &str)] = &[
        ("tru", 33, "unexpected 't', expected a JSON value"),
        ("nul", 33, "unexpected 'n', expected a JSON value"),
        ("[1,]", 36, "unexpected ']', expected a JSON value"),
        (
            "{\"k\",1}",
            37,
            "unexpected ',', expected ':' after an object key",
        ),
        (
            "{\"k\" 1}",
            38,
            "unexpected '1', expected ':' after an object key",
        ),
        ("\"a\\qb\"", 36, "unexpected 'q', expected a valid escape"),
        (
            "\"a\u{1}b\"",
            35,
            "control character in a string (must be escaped)",
        ),
        ("\"a\u{ff}b\"", 35, "invalid UTF-8 in a string"),
        (
            "[0, 01]",
            38,
            "unexpected '1', expected ',' or ']' in an array",
        ),
        (
            "[1.]",
            36,
            "unexpected ']', expected a digit after the decimal point",
        ),
        ("[-]", 35, "unexpected ']', expected a digit"),
        (
            "[1e]",
            36,
            "unexpected ']', expected a digit in the exponent",
        ),
        (
            "[[1, 2], [3 4]]",
            45,
            "unexpected '4', expected ',' or ']' in an array",
        ),
        (
            "{\"k\": 1 \"j\": 2}",
            41,
            "unexpected '\"', expected ',' or '}' in an object",
        ),
        (
            "1}} x",
            37,
            "unexpected characters after the end of the event object",
        ),
    ];
    for (value, column, message) in cases {
        let mut line = format!(r#"{{"source": "a", "detail": {{"x": {value}}}}}"#).into_bytes();
        // Raw bytes the format string cannot hold: U+00FF stands for the byte 0xff.
        if value.contains('\u{ff}') {
            line = format!(r#"{{"source": "a", "detail": {{"x": {value}}}}}"#)
                .replace('\u{ff}', "\u{1}")
                .into_bytes();
            let k = line.iter().position(|&c| c == 1).unwrap();
            line[k] = 0xff;
        }
        assert!(!serde_accepts(&line), "{value}: serde_json accepts it");
        let mut data = br#"{"source": "a", "detail": {"x": [1, 2]}}"#.to_vec();
        data.push(b'\n');
        data.extend_from_slice(&line);
        data.push(b'\n');
        for set in rule_sets() {
            let (l, c, m) = first_fault(&set, &data);
            assert_eq!(l, 2, "{value}");
            assert_eq!(c, *column, "{value}: {m}");
            assert!(m.starts_with(message), "{value}: {m}");
        }
    }
}

/// Compact arrays of numbers are checked a block at a time: block edges in every position
/// of a long array, each cut with one fault or none.
#[test]
fn long_number_arrays_agree_with_serde_json_at_every_block_edge() {
    let faults: &[&[u8]] = &[
        b"", b"01", b"1.", b"-", b"1e", b",]", b" ", b"[", b"]", b"1.2.3", b"--1",
    ];
    for pad in 0..70 {
        for fault in faults {
            let mut text = br#"{"source": "a", "detail": {"x": [[-122.4"#.to_vec();
            text.extend(std::iter::repeat_n(b'0', pad));
            text.extend_from_slice(b", 37.72, 0], [-1.5, ");
            text.extend_from_slice(fault);
            text.extend_from_slice(b"2, 0]]}}");
            let want = serde_accepts(&text);
            for set in rule_sets() {
                assert_eq!(
                    set.matching(&text).is_ok(),
                    want,
                    "{}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }
}

/// Pieces of JSON, right and wrong, from which events are put together.
const FRAGMENTS: &[&str] = &[
    "[",
    "]",
    "[",
    "]",
    ",",
    ", ",
    " ",
    "-",
    "0",
    "1",
    "7",
    "12",
    "123456789",
    ".",
    "5",
    "e",
    "E+",
    "e-",
    "\"s\"",
    "\"\\n\"",
    "\"\\u00e9\"",
    "\"\\ud83d\\ude00\"",
    "\"\\x\"",
    "\"é\"",
    "true",
    "false",
    "null",
    "tru",
    "{",
    "}",
    "\"k\": ",
    ":",
    "\n",
    "\t",
    "\u{7f}",
    "0.000001",
    "-0",
    "00",
    "1e400",
    "\"\u{1}\"",
    "37.7225375",
    "-122.424137804882",
];

fn fragments() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        8 => prop::sample::select(FRAGMENTS).prop_map(|f| f.as_bytes().to_vec()),
        1 => any::<u8>().prop_map(|b| vec![b]),
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

/// A well-formed (possibly nested) compact array of numbers, as events carry coordinates.
fn number_array() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        (-200.0f64..200.0).prop_map(|v| format!("{v}")),
        (-1000i64..1000).prop_map(|v| v.to_string()),
        Just("0".to_string()),
        Just("-0.5".to_string()),
    ];
    let leaf = prop::collection::vec(number, 0..6);
    let sep = prop_oneof![Just(", "), Just(",")];
    (prop::collection::vec((leaf, sep.clone()), 0..12), sep).prop_map(|(items, outer)| {
        let inner: Vec<String> = items
            .into_iter()
            .map(|(v, s)| format!("[{}]", v.join(s)))
            .collect();
        format!("[{}]", inner.join(outer))
    })
}

fn wrap(detail: &[u8]) -> Vec<u8> {
    let mut text = br#"{"source": "a", "detail": {"x": "#.to_vec();
    text.extend_from_slice(detail);
    text.extend_from_slice(b"}}");
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Arbitrary bytes built from JSON fragments: refused exactly when serde_json refuses.
    #[test]
    fn accepts_exactly_what_serde_json_accepts(detail in fragments()) {
        let text = wrap(&detail);
        let want = serde_accepts(&text);
        for set in rule_sets() {
            prop_assert_eq!(set.matching(&text).is_ok(), want, "{}", String::from_utf8_lossy(&text));
        }
    }

    /// A number array with one edit (a fragment put in, or a byte taken out): refused
    /// exactly when serde_json refuses.
    #[test]
    fn edited_number_arrays_agree_with_serde_json(
        array in number_array(),
        at in any::<prop::sample::Index>(),
        edit in prop_oneof![
            prop::sample::select(FRAGMENTS).prop_map(Some),
            Just(None),
        ],
    ) {
        let mut detail = array.into_bytes();
        let k = at.index(detail.len() + 1);
        match edit {
            Some(f) => { detail.splice(k..k, f.bytes()); }
            None if k < detail.len() => { detail.remove(k); }
            None => {}
        }
        let text = wrap(&detail);
        let want = serde_accepts(&text);
        for set in rule_sets() {
            prop_assert_eq!(set.matching(&text).is_ok(), want, "{}", String::from_utf8_lossy(&text));
        }
    }
}
