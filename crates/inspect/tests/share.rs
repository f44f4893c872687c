#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Share links and workspace files: round trips, the length of real links, a frozen link
//! from format 1 that must open forever, and every way a link can be wrong.

use base64::Engine as _;
use proptest::prelude::*;
use serde_json::{json, Value};
use stepbridge_inspect::share::{
    decode, encode, file_document, link_fragment, read_file_document, ShareErrorKind,
    SharedWorkspace, MAX_DOCUMENT_BYTES, MAX_LINK_CHARS,
};

fn examples() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../static/examples")
}

fn read(file: &str) -> String {
    std::fs::read_to_string(examples().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// A gallery example as the playground would share it right after opening it.
fn gallery_workspace(example: &Value) -> SharedWorkspace {
    let text = |k: &str| example[k].as_str().map(read).unwrap_or_default();
    SharedWorkspace {
        engine: "0.1.0".into(),
        definition: text("definition"),
        input: text("input"),
        mocks: text("mocks"),
        test_case: example["testCase"].as_str().unwrap_or_default().into(),
        workbench: "stateMachine".into(),
        view: "graph".into(),
        ..SharedWorkspace::default()
    }
}

fn gallery() -> Vec<Value> {
    serde_json::from_str::<Value>(&read("gallery.json"))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn order_workspace() -> SharedWorkspace {
    gallery_workspace(&gallery()[0])
}

/// Raw deflate + base64url behind `w1.`, built here independently of the codec, so that
/// tests can hand it documents the codec would never write.
fn link_of(document: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(document, 6);
    format!(
        "w1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
    )
}

fn kind_of(text: &str) -> ShareErrorKind {
    decode(text).unwrap_err().kind
}

#[test]
fn the_order_example_fits_in_1500_characters() {
    let workspace = order_workspace();
    assert_eq!(gallery()[0]["id"], "order-processing");
    assert_eq!(workspace.test_case, "HappyPath");
    let fragment = link_fragment(&workspace);
    let raw = serde_json::to_string(&workspace).unwrap().len();
    println!(
        "order example: {raw} bytes of JSON -> link fragment of {} characters",
        fragment.len()
    );
    assert!(fragment.len() <= 1500, "{} characters", fragment.len());
    assert_eq!(decode(&fragment).unwrap(), workspace);
}

#[test]
fn every_gallery_example_round_trips_and_its_length_is_reported() {
    for example in gallery() {
        let workspace = gallery_workspace(&example);
        let fragment = link_fragment(&workspace);
        println!(
            "{:<26} {:>5} characters (definition+input+mocks = {} bytes)",
            example["id"].as_str().unwrap(),
            fragment.len(),
            workspace.definition.len() + workspace.input.len() + workspace.mocks.len()
        );
        assert_eq!(decode(&fragment).unwrap(), workspace);
        assert!(
            fragment.len() < 2000,
            "{}: {}",
            example["id"],
            fragment.len()
        );
    }
}

/// Links written today must open in every later version: this fixture is never rewritten.
#[test]
fn the_frozen_format_1_link_still_opens() {
    let frozen = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/share-v1-order.txt"),
    )
    .unwrap();
    assert!(frozen.trim().starts_with("#w1."));
    assert_eq!(decode(&frozen).unwrap(), order_workspace());
}

#[test]
fn a_whole_url_a_fragment_and_the_bare_payload_all_open() {
    let workspace = SharedWorkspace {
        definition: "{\"StartAt\": \"A\"}".into(),
        seed: 42,
        ..SharedWorkspace::default()
    };
    let payload = encode(&workspace);
    assert!(payload.starts_with("w1."));
    assert_eq!(link_fragment(&workspace), format!("#{payload}"));
    let wrapped: String = payload
        .chars()
        .enumerate()
        .flat_map(|(i, c)| (i % 20 == 19).then_some('\n').into_iter().chain([c]))
        .collect();
    for text in [
        format!("https://example.org/stepbridge/?embed&view=graph#{payload}"),
        format!("http://localhost:8080/#{payload}"),
        format!("#{payload}"),
        payload.clone(),
        format!("  {payload}\n"),
        wrapped,
    ] {
        assert_eq!(decode(&text).unwrap(), workspace, "{text}");
    }
}

#[test]
fn text_is_kept_verbatim() {
    let workspace = SharedWorkspace {
        definition: "{\r\n\t\"StartAt\" : \"A\" ,   \n}\n\n  ".into(),
        input: " ".into(),
        mocks: "not json at all {".into(),
        pattern: "<script>alert('x')</script>".into(),
        event: "\u{0}\u{1f}\u{7f}\u{202e}😀".into(),
        ..SharedWorkspace::default()
    };
    assert_eq!(decode(&encode(&workspace)).unwrap(), workspace);
    assert_eq!(
        read_file_document(&file_document(&workspace)).unwrap(),
        workspace
    );
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Decimals as people type them. Floats needing all 17 digits can come back one unit
        // in the last place off: serde_json parses them exactly only with its
        // `float_roundtrip` feature, which the workspace does not enable.
        (any::<i32>(), 0..8i32)
            .prop_map(|(n, places)| { serde_json::from_str(&format!("{n}e-{places}")).unwrap() }),
        ".*".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::vec((".*", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".*",
        "[\\x00-\\x1f\"\\\\<>&/ ]*",
        Just("<script>alert(1)</script></textarea><img src=x onerror=alert(1)>".to_string()),
        Just("👩‍👩‍👧 \u{feff}\u{2028}\u{2029} e\u{301}".to_string()),
    ]
}

prop_compose! {
    fn workspace()(
        strings in prop::collection::vec(text(), 13),
        seed in any::<u64>(),
        quotas in (any::<Option<u64>>(), any::<Option<u64>>(), any::<Option<u64>>()),
        events in prop::collection::vec(text(), 0..3),
        bus in prop::option::of(json_value()),
    ) -> SharedWorkspace {
        let mut s = strings.into_iter();
        let mut next = || s.next().unwrap();
        SharedWorkspace {
            version: 1,
            engine: next(),
            definition: next(),
            input: next(),
            mocks: next(),
            test_case: next(),
            seed,
            start_time: next(),
            execution_type: next(),
            max_history_events: quotas.0,
            max_payload_bytes: quotas.1,
            pattern: next(),
            event: next(),
            events,
            bus,
            workbench: next(),
            view: next(),
            step: quotas.2,
            practice: None,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_workspace_round_trips_through_a_link_and_a_file(w in workspace()) {
        let link = link_fragment(&w);
        prop_assert!(link.bytes().all(|b| b.is_ascii_alphanumeric() || b"#.-_".contains(&b)));
        prop_assert_eq!(decode(&link).unwrap(), w.clone());
        prop_assert_eq!(read_file_document(&file_document(&w)).unwrap(), w);
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = decode(&text);
        let _ = decode(&format!("#w1.{text}"));
        let _ = read_file_document(&text);
    }
}

#[test]
fn truncating_a_real_link_anywhere_is_reported_not_a_panic() {
    let link = link_fragment(&order_workspace());
    let (mut truncated, mut damaged) = (0, 0);
    for end in 0..link.len() {
        match decode(&link[..end]).map_err(|e| e.kind) {
            Err(ShareErrorKind::Truncated) => truncated += 1,
            Err(ShareErrorKind::Damaged) => damaged += 1,
            Err(ShareErrorKind::NotOurs) if end < 4 => {}
            other => panic!("cut at {end}: {other:?}"),
        }
    }
    println!(
        "cut at each of {} places: {truncated} truncated, {damaged} damaged",
        link.len()
    );
    // Damaged only where the cut leaves base64 whose bits happen to look complete but
    // whose deflate data then reads as corrupt; nearly every cut says "truncated".
    assert!(
        truncated > link.len() * 9 / 10,
        "{truncated} of {}",
        link.len()
    );
}

#[test]
fn links_that_are_not_ours() {
    for text in [
        "",
        "   ",
        "https://example.org/stepbridge/",
        "https://example.org/stepbridge/#",
        "#section-2",
        "hello world",
        "w.abc",
        "w1abc",
        "W1.abc",
        "x1.abc",
        "#w0.abc",
    ] {
        let error = decode(text).unwrap_err();
        assert_eq!(error.kind, ShareErrorKind::NotOurs, "{text:?}");
        assert!(
            error.message.contains("not a playground workspace link"),
            "{}",
            error.message
        );
    }
}

#[test]
fn links_from_a_newer_version_say_so() {
    for text in [
        "#w7.abc",
        "w2.",
        "https://x.org/#w12.AAAA",
        "#w99999999999999999999999.x",
    ] {
        let error = decode(text).unwrap_err();
        assert_eq!(error.kind, ShareErrorKind::NewerVersion, "{text}");
        assert!(error.message.contains("newer version"), "{}", error.message);
    }
    // The encoding of today, carrying a document of a later format.
    let error = decode(&link_of(br#"{"version": 2, "definition": 5}"#)).unwrap_err();
    assert_eq!(error.kind, ShareErrorKind::NewerVersion);
    assert!(
        error.message.contains("workspace format 2"),
        "{}",
        error.message
    );
}

#[test]
fn damaged_links_name_what_is_wrong() {
    let good = encode(&order_workspace());
    let mut bad_char = good.clone();
    bad_char.replace_range(40..41, "!");
    let error = decode(&bad_char).unwrap_err();
    assert_eq!(error.kind, ShareErrorKind::Damaged);
    assert!(
        error.message.contains("'!' at position 40"),
        "{}",
        error.message
    );
    // Positions count characters, and the character is shown as it was, not as a byte.
    let mut emoji = good.clone();
    emoji.replace_range(20..21, "😀");
    let error = decode(&emoji).unwrap_err();
    assert!(
        error.message.contains("'😀' at position 20"),
        "{}",
        error.message
    );
    let error = decode("https://example.org/#\u{1b}[31m").unwrap_err();
    assert!(error.message.contains("\\u{1b}"), "{}", error.message);

    // Valid base64 whose bytes are not deflate (a reserved block type).
    assert_eq!(kind_of("w1.____"), ShareErrorKind::Damaged);
    // Bytes after the end of the deflate stream.
    let mut packed = miniz_oxide::deflate::compress_to_vec(br#"{"version":1}"#, 6);
    packed.extend_from_slice(b"junk");
    let trailing = format!(
        "w1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
    );
    assert_eq!(kind_of(&trailing), ShareErrorKind::Damaged);

    for (document, place) in [
        (&br#"{"version": 1, "seed": "seven"}"#[..], "line 1 column"),
        (b"{\"version\": 1,\n \"definition\": [}", "line 2 column"),
        (br#"{"version": 1, "events": "one"}"#, "expected a sequence"),
        (br#"[1, 2]"#, "invalid type"),
        (b"\xff\xfe", "UTF-8"),
        (br#"{"definition": "x"}"#, "no \"version\""),
    ] {
        let error = decode(&link_of(document)).unwrap_err();
        assert_eq!(error.kind, ShareErrorKind::Damaged, "{}", error.message);
        assert!(error.message.contains(place), "{place}: {}", error.message);
    }
}

#[test]
fn base64_cut_mid_way_is_truncated() {
    let good = encode(&order_workspace());
    // One character past a 4-character group can never be whole base64.
    let cut = &good[..3 + ((good.len() - 3) / 4) * 4 + 1];
    assert_eq!(kind_of(cut), ShareErrorKind::Truncated);
    assert_eq!(kind_of("w1."), ShareErrorKind::Truncated);
    let error = decode(&good[..good.len() / 2]).unwrap_err();
    assert_eq!(error.kind, ShareErrorKind::Truncated);
    assert!(error.message.contains("cut off"), "{}", error.message);
}

#[test]
fn oversized_links_and_deflate_bombs_are_refused() {
    let long = format!("#w1.{}", "A".repeat(MAX_LINK_CHARS));
    let error = decode(&long).unwrap_err();
    assert_eq!(error.kind, ShareErrorKind::TooLarge);
    assert!(error.message.contains("characters"), "{}", error.message);

    // A short link whose document inflates past the limit: decoding stops there.
    let mut bomb = br#"{"version": 1, "definition": ""#.to_vec();
    bomb.resize(MAX_DOCUMENT_BYTES + 1024 * 1024, b' ');
    bomb.extend_from_slice(br#""}"#);
    let packed = miniz_oxide::deflate::compress_to_vec(&bomb, 1);
    let link = format!(
        "w1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&packed)
    );
    println!(
        "bomb: {} characters inflating to {} bytes",
        link.len(),
        bomb.len()
    );
    assert!(link.len() < 100_000);
    let started = std::time::Instant::now();
    let error = decode(&link).unwrap_err();
    assert_eq!(error.kind, ShareErrorKind::TooLarge);
    assert!(error.message.contains("8 MiB"), "{}", error.message);
    assert!(started.elapsed().as_secs() < 20);

    let file = format!(
        "{{\"version\": 1, \"definition\": \"{}\"}}",
        " ".repeat(MAX_DOCUMENT_BYTES)
    );
    assert_eq!(
        read_file_document(&file).unwrap_err().kind,
        ShareErrorKind::TooLarge
    );
}

#[test]
fn errors_serialise_with_their_kind_and_message() {
    let error = decode("#w1.AB").unwrap_err();
    let value = serde_json::to_value(&error).unwrap();
    assert_eq!(value["kind"], "truncated");
    assert_eq!(value["message"], error.to_string());
    assert_eq!(
        serde_json::from_value::<stepbridge_inspect::share::ShareError>(value).unwrap(),
        error
    );
}

#[test]
fn a_null_bus_and_absent_fields_round_trip() {
    let workspace = SharedWorkspace {
        bus: Some(Value::Null),
        ..SharedWorkspace::default()
    };
    assert_eq!(decode(&encode(&workspace)).unwrap(), workspace);
    let empty = decode(&link_of(br#"{"version": 1}"#)).unwrap();
    assert_eq!(empty, SharedWorkspace::default());
}

#[test]
fn workspace_files() {
    let workspace = SharedWorkspace {
        bus: Some(json!({"buses": [{"name": "default"}]})),
        events: vec!["{}".into()],
        step: Some(3),
        ..order_workspace()
    };
    let file = file_document(&workspace);
    assert!(file.starts_with("{\n  \"version\": 1,\n"), "{file}");
    assert!(file.contains("\n  \"testCase\": \"HappyPath\",\n"));
    // The file holds the same document as the link.
    let from_file: Value = serde_json::from_str(&file).unwrap();
    let link_json = serde_json::to_value(decode(&encode(&workspace)).unwrap()).unwrap();
    assert_eq!(from_file, link_json);
    assert_eq!(read_file_document(&file).unwrap(), workspace);
    assert_eq!(
        read_file_document(&format!("\u{feff}{file}")).unwrap(),
        workspace
    );

    // Fields a later version adds are ignored.
    let later = r#"{"version": 1, "definition": "d", "theme": "dark", "panels": [1]}"#;
    assert_eq!(read_file_document(later).unwrap().definition, "d");

    let newer = read_file_document(r#"{"version": 3, "workspaces": []}"#).unwrap_err();
    assert_eq!(newer.kind, ShareErrorKind::NewerVersion);
    assert!(
        newer
            .message
            .contains("This file was made by a newer version"),
        "{}",
        newer.message
    );

    for other in [
        read("order-processing.asl.json"),
        "[]".into(),
        "\"text\"".into(),
    ] {
        assert_eq!(
            read_file_document(&other).unwrap_err().kind,
            ShareErrorKind::NotOurs,
            "{other}"
        );
    }
    let damaged = read_file_document("{\"version\": 1,\n  \"seed\": }").unwrap_err();
    assert_eq!(damaged.kind, ShareErrorKind::Damaged);
    assert!(
        damaged.message.contains("line 2 column"),
        "{}",
        damaged.message
    );
}

/// The fuzzer's seeds are written by Python's zlib (make_seeds.py), an independent deflate
/// with the same preset dictionary: each must open as its gallery example.
#[test]
fn the_fuzz_seeds_are_real_links_made_by_another_deflate() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/share_decode");
    for example in gallery() {
        let id = example["id"].as_str().unwrap();
        let link = std::fs::read_to_string(seeds.join(format!("{id}.link"))).unwrap();
        assert_eq!(decode(&link).unwrap(), gallery_workspace(&example), "{id}");
        let packed = std::fs::read(seeds.join(format!("{id}.deflate"))).unwrap();
        let wrapped = format!(
            "w1.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
        );
        assert_eq!(
            decode(&wrapped).unwrap(),
            gallery_workspace(&example),
            "{id}"
        );
    }
}

/// A shared practice answer comes back byte for byte, and a link without one (every link
/// made before practice existed) reads as carrying none.
#[test]
fn a_practice_answer_travels_verbatim_in_a_link() {
    use stepbridge_inspect::practice::Answer;
    use stepbridge_inspect::share::SharedPractice;
    let answer = Answer {
        input_paths_map: "{ \"id\" : \"$.detail.id\" }\n".into(),
        input_template: "\"order <id> from <aws.events.rule-name>\"".into(),
        ..Answer::default()
    };
    let workspace = SharedWorkspace {
        workbench: "practice".into(),
        practice: Some(SharedPractice {
            exercise: "transformer-order-text".into(),
            answer: answer.clone(),
        }),
        ..SharedWorkspace::default()
    };
    let back = decode(&link_fragment(&workspace)).unwrap();
    let practice = back.practice.expect("the answer is in the link");
    assert_eq!(practice.exercise, "transformer-order-text");
    assert_eq!(practice.answer, answer);
    let plain = decode(&encode(&SharedWorkspace::default())).unwrap();
    assert_eq!(plain.practice, None);
}
