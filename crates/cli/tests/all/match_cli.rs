//! `stepbridge match` as a CI script drives it: files in, one JSON document out, exit code.

use std::path::PathBuf;
use std::process::Command;

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stepbridge-match-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn run(rules: &str, events: &str) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_stepbridge"))
        .args(["match", "--rules", rules, "--events", events])
        .output()
        .expect("runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (
        out.status.code().unwrap_or(-1),
        value,
        String::from_utf8(out.stderr).unwrap(),
    )
}

const RULES: &str = r#"{
  "orders": {"source": ["shop"], "detail": {"kind": ["order"]}},
  "big": {"detail": {"amount": [{"numeric": [">", 100]}]}},
  "never": {"source": ["nowhere"]},
  "prefixed": {"detail": {"sku": [{"prefix": "AB-"}]}}
}"#;

#[test]
fn counts_every_rule_in_file_order_with_zeros() {
    let rules = temp_file("rules.json", RULES);
    let events = temp_file(
        "events.jsonl",
        concat!(
            r#"{"source": "shop", "detail": {"kind": "order", "amount": 250, "sku": "AB-1"}}"#,
            "\n",
            "\n",
            r#"{"source": "shop", "detail": {"kind": "refund", "amount": 50}}"#,
            "\r\n",
            r#"{"source": "crm", "detail": {"kind": "order", "amount": 101.5, "sku": ["X", "AB-2"]}}"#,
            "\n",
            "   \n",
        ),
    );
    let (code, out, stderr) = run(rules.to_str().unwrap(), events.to_str().unwrap());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"orders":1,"big":2,"never":0,"prefixed":2}"#
    );
    let bench = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v.get("bench").is_some())
        .expect("bench line on stderr");
    assert_eq!(bench["bench"]["events"], 3, "blank lines are not events");
    assert!(bench["bench"]["seconds"].as_f64().is_some());
}

#[test]
fn inline_rules_are_accepted() {
    let events = temp_file("inline.jsonl", "{\"a\": 1}\n{\"a\": 2}\n");
    let (code, out, _) = run(r#"{"one": {"a": [1]}}"#, events.to_str().unwrap());
    assert_eq!(code, 0);
    assert_eq!(out, serde_json::json!({"one": 1}));
}

#[test]
fn an_invalid_pattern_names_its_rule_and_place() {
    let rules = temp_file(
        "bad_rules.json",
        "{\n  \"fine\": {\"a\": [1]},\n  \"broken\": {\"a\": [{\"prefix\": 5}]}\n}\n",
    );
    let events = temp_file("few.jsonl", "{\"a\": 1}\n");
    let (code, out, _) = run(rules.to_str().unwrap(), events.to_str().unwrap());
    assert_eq!(code, 2);
    assert_eq!(out["rule"], "broken");
    assert_eq!(out["error"], "InvalidEventPatternException");
    let message = out["message"].as_str().unwrap();
    assert!(
        message.starts_with("Event pattern is not valid. Reason: "),
        "{message}"
    );
    assert!(
        out["pointer"].as_str().unwrap().starts_with("/broken/a"),
        "{out}"
    );
    assert_eq!(out["line"], 3, "{out}");
}

#[test]
fn a_bad_event_line_fails_the_run_and_names_the_line() {
    let rules = temp_file("rules2.json", RULES);
    let events = temp_file(
        "bad_events.jsonl",
        "{\"source\": \"shop\"}\n\n{\"source\": \"shop\", \"detail\": {\"amount\": 1.}}\n",
    );
    let (code, out, _) = run(rules.to_str().unwrap(), events.to_str().unwrap());
    assert_eq!(code, 2);
    assert_eq!(out["error"], stepbridge_events::INVALID_EVENT);
    assert_eq!(out["line"], 3);
    assert_eq!(out["column"], 43, "{out}");
    assert!(out["message"].as_str().unwrap().contains("line 3"), "{out}");
}

/// A fault in a part no rule reads fails the run too (by default, and with the old
/// `--strict-events` flag, still accepted), naming its line and column.
#[test]
fn a_fault_no_rule_reads_fails_the_run_too() {
    let rules = temp_file("rules4.json", r#"{"r": {"source": ["a"]}}"#);
    let events = temp_file(
        "unread_fault.jsonl",
        "{\"source\":\"a\",\"detail\":{\"x\": [1, 2]}}\n{\"source\":\"a\",\"detail\":{\"x\": tru}}\n",
    );
    for extra in [&[][..], &["--strict-events"][..]] {
        let out = Command::new(env!("CARGO_BIN_EXE_stepbridge"))
            .args(["match", "--rules", rules.to_str().unwrap()])
            .args(["--events", events.to_str().unwrap()])
            .args(extra)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2));
        let out: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(out["error"], stepbridge_events::INVALID_EVENT);
        assert_eq!(
            (&out["line"], &out["column"]),
            (&2.into(), &30.into()),
            "{out}"
        );
    }
}

#[test]
fn duplicate_rule_names_are_refused() {
    let rules = temp_file("dup.json", r#"{"r": {"a": [1]}, "r": {"a": [2]}}"#);
    let events = temp_file("one.jsonl", "{\"a\": 1}\n");
    let (code, out, _) = run(rules.to_str().unwrap(), events.to_str().unwrap());
    assert_eq!(code, 2);
    assert_eq!(out["rule"], "r");
}

#[test]
fn a_missing_events_file_is_an_io_error() {
    let rules = temp_file("rules3.json", RULES);
    let (code, out, _) = run(rules.to_str().unwrap(), "/nonexistent/events.jsonl");
    assert_eq!(code, 1);
    assert_eq!(out["error"], "IOError");
}

/// An endless line on standard input (hostile input #06) fails at the 256 KB event cap
/// rather than being buffered whole.
#[test]
fn an_overlong_line_on_stdin_fails_at_the_cap() {
    use std::io::Write;
    let rules = temp_file("rules_cap.json", r#"{"r": {"source": ["a"]}}"#);
    let mut child = Command::new(env!("CARGO_BIN_EXE_stepbridge"))
        .args(["match", "--rules", rules.to_str().unwrap(), "--events", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let block = vec![b'x'; 1 << 16];
        // 4 MB, or until the command stops reading.
        for _ in 0..64 {
            if stdin.write_all(&block).is_err() {
                break;
            }
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out["line"], 1, "{out}");
    assert!(out["message"].as_str().unwrap().contains("256 KB"), "{out}");
}

/// A byte order mark before the first event (hostile input #19) is skipped.
#[test]
fn a_byte_order_mark_is_skipped() {
    let rules = temp_file("rules_bom.json", r#"{"isA": {"source": ["a"]}}"#);
    let events = temp_file(
        "bom.jsonl",
        "\u{feff}{\"source\": \"a\"}\n{\"source\": \"b\"}\n",
    );
    let (code, out, _) = run(rules.to_str().unwrap(), events.to_str().unwrap());
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["isA"], 1);
}
