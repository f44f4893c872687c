//! The scanner against `serde_json`: validity, nesting, number values, and the pins.

use super::lex::load8;
use super::number::non_digits;
use super::pins::{pin_for, region_bounds, region_of};
use super::{scan, KeyTrie, Raw, Recorded};

fn trie(paths: &[&[&str]]) -> KeyTrie {
    let mut t = KeyTrie::default();
    for p in paths {
        let p: Vec<String> = p.iter().map(|s| s.to_string()).collect();
        t.insert(&p);
    }
    t
}

#[test]
fn records_only_named_fields_through_arrays() {
    let t = trie(&[&["a", "b"], &["c"]]);
    let ev = br#"{"x": [1, {"b": 2}], "a": [{"b": "s"}, {"b": [3, "t\n"]}], "c": null}"#;
    let mut r = Recorded::default();
    scan(&t, ev, &mut r).unwrap();
    assert_eq!(r.values.len(), 4);
    assert_eq!(r.str_bytes(ev, r.values[0].1), Some(&b"s"[..]));
    assert_eq!(r.values[1].1, Raw::Num(3.0));
    assert_eq!(r.str_bytes(ev, r.values[2].1), Some(&b"t\n"[..]));
    assert_eq!(r.values[3], (1, Raw::Null));
}

#[test]
fn agrees_with_serde_json_on_validity() {
    let cases: &[&[u8]] = &[
        br#"{"a": 1e400}"#,
        br#"{"a": 1e-400}"#,
        br#"{"a": "\ud800"}"#,
        br#"{"a": "\udc00"}"#,
        br#"{"a": "\ud83d\ude00"}"#,
        br#"{"a": 01}"#,
        br#"{"a": -}"#,
        br#"{"a": 1.}"#,
        br#"{"a": [1,]}"#,
        br#"{"a": "x"} x"#,
        b"{\"a\": \"\x01\"}",
        b"{\"a\": \"\xff\"}",
        "{\"a\": \"é\"}".as_bytes(),
        br#"{"a": tru}"#,
        br#"{"a" 1}"#,
        br#"{,}"#,
        br#"{"a": {"b": [true, false, null]}}"#,
    ];
    // Whether a rule reads the faulty value or not, the answer is serde_json's.
    let (t, t2) = (trie(&[&["a"]]), trie(&[&["z"]]));
    for case in cases {
        let want = serde_json::from_slice::<serde_json::Value>(case).is_ok();
        let mut r = Recorded::default();
        let text = String::from_utf8_lossy(case);
        assert_eq!(scan(&t, case, &mut r).is_ok(), want, "{text:?}");
        assert_eq!(scan(&t2, case, &mut r).is_ok(), want, "{text:?}");
    }
}

#[test]
fn nesting_limit_matches_serde_json() {
    for depth in [126usize, 127, 128, 129, 5000] {
        let mut s = String::from("{\"a\":");
        s.push_str(&"[".repeat(depth - 1));
        s.push_str(&"]".repeat(depth - 1));
        s.push('}');
        let want = serde_json::from_str::<serde_json::Value>(&s).is_ok();
        let mut r = Recorded::default();
        for paths in [&[&["a"][..]][..], &[&["b"][..]][..]] {
            let t = trie(paths);
            assert_eq!(scan(&t, s.as_bytes(), &mut r).is_ok(), want, "{depth}");
        }
    }
}

#[test]
fn number_values_are_serde_json_values() {
    let mut seed = 12345u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    let t = trie(&[&["n"]]);
    let mut r = Recorded::default();
    for k in 0..20000 {
        let mut text = String::new();
        if next() % 2 == 0 {
            text.push('-');
        }
        let int_len = 1 + next() as usize % 20;
        for d in 0..int_len {
            let digit = (next() % 10) as u8;
            text.push(
                (b'0'
                    + if d == 0 && int_len > 1 && digit == 0 {
                        1
                    } else {
                        digit
                    }) as char,
            );
        }
        if k % 3 != 0 {
            text.push('.');
            for _ in 0..1 + next() as usize % 24 {
                text.push((b'0' + (next() % 10) as u8) as char);
            }
        }
        if k % 7 == 0 {
            text.push_str(&format!("e{}", next() % 40));
        }
        let ev = format!("{{\"n\": {text}}}");
        let want: f64 = serde_json::from_str(&text).unwrap();
        scan(&t, ev.as_bytes(), &mut r).unwrap();
        assert_eq!(r.values, vec![(0, Raw::Num(want))], "{text}");
        if let Raw::Num(v) = r.values[0].1 {
            assert_eq!(v.to_bits(), want.to_bits(), "{text}");
        }
    }
}

/// A pin may only cover numbers whose value lies strictly inside its region: probed
/// with numbers of every shape, many spelled just beside the region's bounds.
#[test]
fn pins_cover_only_numbers_of_their_region() {
    let mut seed = 777u64;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let spell = |next: &mut dyn FnMut(u64) -> u64| {
        let mut t = String::new();
        if next(2) == 0 {
            t.push('-');
        }
        let int = 1 + next(4) as usize;
        for k in 0..int {
            let d = next(10) as u8;
            t.push(char::from(
                b'0' + if k == 0 && int > 1 { 1 + d % 9 } else { d },
            ));
        }
        t.push('.');
        for _ in 0..1 + next(12) {
            t.push(char::from(b'0' + next(10) as u8));
        }
        t
    };
    let (mut pins, mut probes) = (0, 0);
    for _ in 0..300 {
        let mut points: Vec<f64> = (0..1 + next(5))
            .map(|_| spell(&mut next).parse::<f64>().unwrap())
            .collect();
        points.push(0.0);
        points.sort_by(f64::total_cmp);
        points.dedup();
        // Texts right beside the bounds, and anywhere.
        let mut texts: Vec<String> = Vec::new();
        for p in &points {
            for digits in [1usize, 2, 4, 7, 12] {
                for delta in [-2.0, -1.0, 0.0, 1.0, 2.0] {
                    let v = p + delta * 10f64.powi(-(digits as i32));
                    texts.push(format!("{v:.digits$}"));
                }
            }
        }
        for _ in 0..200 {
            texts.push(spell(&mut next));
        }
        for text in &texts {
            let padded = format!("{text}, 0]]]]]]]]]]]]]]]]]]]]");
            let v: f64 = text.parse().unwrap();
            let r = region_of(&points, v);
            let Some((lo, hi)) = region_bounds(&points, r) else {
                continue;
            };
            let Some(pin) = pin_for(padded.as_bytes(), 0, lo, hi, r, v) else {
                continue;
            };
            pins += 1;
            for probe in &texts {
                let probe_padded = format!("{probe}, 0]]]]]]]]]]]]]]]]]]]]]");
                let x = load8(probe_padded.as_bytes(), 0).unwrap();
                if pin.covers(x, non_digits(x)) {
                    probes += 1;
                    let w: f64 = probe.parse().unwrap();
                    assert!(
                        lo < w && w < hi,
                        "{probe} under the pin of {text}: {lo}..{hi}"
                    );
                    assert_eq!(region_of(&points, w), r, "{probe} / {text}");
                }
            }
        }
    }
    assert!(
        pins > 1000 && probes > 10000,
        "{pins} pins, {probes} probes"
    );
}

#[test]
fn notices_duplicate_keys_that_matter() {
    let t = trie(&[&["a"]]);
    let mut r = Recorded::default();
    scan(&t, br#"{"a": 1, "b": 2, "b": 3}"#, &mut r).unwrap();
    assert!(!r.duplicate_key);
    scan(&t, br#"{"a": 1, "a": 3}"#, &mut r).unwrap();
    assert!(r.duplicate_key);
    scan(&t, br#"{"\u0061": 1}"#, &mut r).unwrap();
    assert_eq!(r.values.len(), 1);
}
