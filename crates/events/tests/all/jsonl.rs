//! JSON-lines streams from hostile inputs: an endless line, feeding on after a bad line, a
//! byte order mark before the first event.

use stepbridge_events::matcher::{parse_rules, JsonlCounter, RuleSet, MAX_EVENT_LINE};

fn set() -> RuleSet {
    let rules = parse_rules(
        r#"{"isA": {"source": ["a"]}, "isB": {"source": ["b"]}, "big": {"detail": {"n": [{"numeric": [">", 2]}]}}}"#,
    )
    .unwrap();
    RuleSet::compile(&rules)
}

fn event(id: u32, source: &str, n: u32) -> String {
    format!(
        r#"{{"version": "0", "id": "{id}", "detail-type": "X", "source": "{source}", "account": "1", "time": "2024-01-01T00:00:00Z", "region": "us-east-1", "resources": [], "detail": {{"n": {n}}}}}"#
    )
}

/// An endless line (`yes x | tr -d '\n'` into `match --events -`) fails once it passes
/// the event size limit, instead of being buffered until memory runs out. EventBridge
/// refuses a PutEvents entry over 256 KB:
/// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
#[test]
fn an_endless_line_fails_at_the_event_size_cap() {
    let set = set();
    // A reader that never ends: only the cap can stop the count.
    let endless = std::io::repeat(b'x');
    let err = match set.count_jsonl_reader(endless, 1 << 16) {
        Err(stepbridge_events::matcher::StreamError::Line(e)) => e,
        other => panic!("expected a line error, got {other:?}"),
    };
    assert_eq!(err.line, 1);
    assert!(
        err.error.message.contains("256 KB"),
        "{}",
        err.error.message
    );

    // Fed in small pieces, it fails as soon as the pending line passes the cap.
    let mut counter = JsonlCounter::new(&set);
    let piece = vec![b'x'; 4096];
    let mut fed = 0;
    let failed_at = loop {
        if counter.feed(&set, &piece).is_err() {
            break fed + piece.len();
        }
        fed += piece.len();
        assert!(fed <= MAX_EVENT_LINE, "the pending line grew past the cap");
    };
    assert!(failed_at > MAX_EVENT_LINE && failed_at <= MAX_EVENT_LINE + piece.len());

    // A whole buffer with a line over the cap is refused too, naming the line.
    let mut data = event(1, "a", 1).into_bytes();
    data.push(b'\n');
    data.extend(std::iter::repeat_n(b' ', MAX_EVENT_LINE));
    data.extend_from_slice(event(2, "a", 1).as_bytes());
    let e = set.count_jsonl(&data).unwrap_err();
    assert_eq!(e.line, 2);
    // Just under the cap is an ordinary event.
    let mut padded = event(3, "b", 5);
    padded.push_str(&" ".repeat(MAX_EVENT_LINE - padded.len()));
    assert_eq!(
        set.count_jsonl(padded.as_bytes()).unwrap().counts,
        [0, 1, 1]
    );
}

/// The fourth line of this stream is not JSON (hostile input #10).
fn bad_stream() -> String {
    [
        event(0, "b", 0),
        event(1, "a", 1),
        event(2, "b", 2),
        r#"{"version":"0", bad json}"#.to_string(),
        event(3, "a", 3),
    ]
    .join("\n")
        + "\n"
}

/// After a failed feed, neither `finish` nor another `feed` reports success: the error of
/// the bad line repeats until the stream is reset, so counts of part of a stream are never
/// taken for the whole.
#[test]
fn an_error_repeats_until_reset() {
    let set = set();
    let mut counter = JsonlCounter::new(&set);
    let err = counter.feed(&set, bad_stream().as_bytes()).unwrap_err();
    assert_eq!(err.line, 4);
    assert_eq!(counter.finish(&set).unwrap_err(), err);
    assert_eq!(counter.finish(&set).unwrap_err(), err);
    assert_eq!(
        counter.feed(&set, (event(9, "a", 9) + "\n").as_bytes()),
        Err(err.clone())
    );

    // Line by line, continuing past the error, is refused the same way.
    let mut line_wise = JsonlCounter::new(&set);
    let mut errors = 0;
    for line in bad_stream().lines() {
        if line_wise
            .feed(&set, format!("{line}\n").as_bytes())
            .is_err()
        {
            errors += 1;
        }
    }
    assert_eq!(errors, 2, "the bad line and every line after it");
    assert_eq!(line_wise.finish(&set).unwrap_err(), err);

    // A reset starts a new stream.
    counter.reset(&set);
    counter
        .feed(&set, (event(9, "a", 9) + "\n").as_bytes())
        .unwrap();
    let counts = counter.finish(&set).unwrap();
    assert_eq!((counts.counts, counts.events), (vec![1, 0, 1], 1));
}

/// A UTF-8 byte order mark at the start of the file (hostile input #19) is not part of
/// the first event; anywhere else it is still an invalid byte.
#[test]
fn a_byte_order_mark_at_the_start_is_skipped() {
    let set = set();
    let text = format!("\u{feff}{}\n{}\n", event(0, "b", 0), event(1, "a", 3));
    let counts = set.count_jsonl(text.as_bytes()).unwrap();
    assert_eq!((counts.counts, counts.events), (vec![1, 1, 1], 2));

    // Fed a byte at a time, the mark split across chunks.
    let mut counter = JsonlCounter::new(&set);
    for b in text.as_bytes() {
        counter.feed(&set, std::slice::from_ref(b)).unwrap();
    }
    assert_eq!(counter.finish(&set).unwrap().counts, [1, 1, 1]);

    let second = format!("{}\n\u{feff}{}\n", event(0, "b", 0), event(1, "a", 3));
    assert_eq!(set.count_jsonl(second.as_bytes()).unwrap_err().line, 2);
}
