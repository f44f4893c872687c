//! The shared benchmark workloads (tests/data/asl-bench): loading, the `retry` mock file,
//! and EXPECTED.md's canonical sha256. Used by benches/workloads.rs and tests/workloads.rs.

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use stepbridge_asl::{mock, ExecOptions, StateMachine};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/asl-bench");

pub struct Workload {
    pub name: &'static str,
    pub sha256: &'static str,
    /// The peer's in-process median in ms (EXPECTED.md).
    #[allow(dead_code)] // read by the bench only
    pub peer_ms: f64,
}

pub const WORKLOADS: [Workload; 5] = [
    Workload {
        name: "map10k",
        sha256: "2e58e4b5a32f0ad0e53ccf41c826fb1557473e37d4905cef09947fb59f68b48c",
        peer_ms: 1715.0,
    },
    Workload {
        name: "loop5k",
        sha256: "cdb459e791dbb714cdb8cc0d301a625d37c1a64d2754f4f735156e856dc6a245",
        peer_ms: 197.0,
    },
    Workload {
        name: "parallel",
        sha256: "1a93dc506244e149cba7c1592dfd0a37b96dec839190194b8d00c5e222e84591",
        peer_ms: 234.0,
    },
    Workload {
        name: "retry",
        sha256: "20db42eccd14f10c33ab39834851a24f308c1b4e5dad7e3c063d58263327d2d1",
        peer_ms: 57.0,
    },
    Workload {
        name: "payload",
        sha256: "e52c7ba5eebbec84daeadbbc5d828f293779f71b574a4ba00f036a6afae79f57",
        peer_ms: 1699.0,
    },
];

/// Python's `json.dumps(v, sort_keys=True, separators=(",", ":"))` (ASCII escapes).
fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(k, out);
                out.push(':');
                canonical(&m[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        Value::String(s) => string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

pub fn sha256_hex(v: &Value) -> String {
    let mut s = String::new();
    canonical(v, &mut s);
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `Flaky`'s answers in the order the interpreter asks for them: per item two
/// `Bench.Transient` throws, then the Lambda Invoke response whose Payload is the result.
pub fn retry_mocks() -> String {
    let mut responses = Map::new();
    for item in 0..1000u64 {
        let base = item * 3;
        responses.insert(
            format!("{}-{}", base, base + 1),
            json!({"Throw": {"Error": "Bench.Transient", "Cause": "transient failure"}}),
        );
        responses.insert(
            format!("{}", base + 2),
            json!({"Return": {"StatusCode": 200, "Payload": {"ok": true, "attempt": 3}}}),
        );
    }
    json!({
        "StateMachines": {"retry": {"TestCases": {"Bench": {"Flaky": "FlakyAnswers"}}}},
        "MockedResponses": {"FlakyAnswers": responses}
    })
    .to_string()
}

pub fn load(w: &Workload) -> (StateMachine, Value, ExecOptions) {
    let def = std::fs::read_to_string(format!("{DIR}/{}.asl.json", w.name)).expect("definition");
    let input: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{DIR}/{}.input.json", w.name)).expect("input"),
    )
    .expect("input json");
    let machine = StateMachine::compile(&def).unwrap_or_else(|d| panic!("{}: {d:?}", w.name));
    let mocks = (w.name == "retry")
        .then(|| mock::load(&retry_mocks(), None, Some("Bench")).expect("mocks"));
    let options = ExecOptions {
        mocks,
        history: false,
        max_history_events: 10_000_000,
        // map10k's input and output are ~0.5 MB, over AWS's 256 KiB quota; the peer has none.
        max_payload_bytes: usize::MAX,
        // Bench workloads run millions of states on purpose: no work budget.
        max_steps: u64::MAX,
        state_machine_name: w.name.to_string(),
        ..Default::default()
    };
    (machine, input, options)
}
