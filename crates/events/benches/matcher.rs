//! Criterion benchmarks of the many-rules matcher on self-contained, generated events
//! (about 800-byte city-lot features, like the shared benchmark's), so they run anywhere.
//! `cargo bench -p stepbridge-events --bench matcher`

// A benchmark with inputs it cannot use should stop loudly, as a test does.
#![allow(clippy::expect_used)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use stepbridge_events::matcher::{parse_rules, RuleSet, Scratch};

/// A small deterministic generator (splitmix64) of feature events.
fn events(n: usize) -> Vec<String> {
    let mut s: u64 = 42;
    let mut next = move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let streets = [
        ("MISSION", "ST"),
        ("GEARY", "BLVD"),
        ("FULTON", "ST"),
        ("MASON", "ST"),
        ("PACIFIC", "AVE"),
        ("ACTON", "ST"),
        ("DRUMM", "ST"),
        ("24TH", "AVE"),
    ];
    (0..n)
        .map(|_| {
            let (street, st_type) = streets[(next() % streets.len() as u64) as usize];
            let block = next() % 7600;
            let lot = 1 + next() % 40;
            let from = 1 + next() % 4000;
            let points = 8 + next() % 12;
            let x0 = -122.5147 + (block % 80) as f64 * 0.0019625;
            let y0 = 37.7081 + (block / 80) as f64 * 0.0013125;
            let ring: Vec<String> = (0..points)
                .map(|k| {
                    let dx = (next() % 1_000_000) as f64 * 1e-9 + k as f64 * 1e-5;
                    let dy = (next() % 1_000_000) as f64 * 1e-9;
                    format!("[{:.12}, {:.10}, 0]", x0 + dx, y0 + dy)
                })
                .collect();
            format!(
                concat!(
                    r#"{{"type": "Feature", "properties": {{"MAPBLKLOT": "{:04}{:03}", "#,
                    r#""BLKLOT": "{:04}{:03}", "BLOCK_NUM": "{:04}", "LOT_NUM": "{:03}", "#,
                    r#""FROM_ST": "{}", "TO_ST": "{}", "STREET": "{}", "ST_TYPE": "{}", "#,
                    r#""ODD_EVEN": "{}"}}, "geometry": {{"type": "Polygon", "#,
                    r#""coordinates": [[{}]]}}}}"#
                ),
                block,
                lot,
                block,
                lot,
                block,
                lot,
                from,
                from,
                street,
                st_type,
                if from % 2 == 0 { "E" } else { "O" },
                ring.join(", ")
            )
        })
        .collect()
}

const GROUPS: &[(&str, &str)] = &[
    (
        "exact",
        r#"{"a": {"properties": {"STREET": ["MISSION"]}},
                  "b": {"properties": {"ST_TYPE": ["ST"]}},
                  "c": {"properties": {"MAPBLKLOT": ["1288015"]}}}"#,
    ),
    (
        "prefix_ignore_case",
        r#"{"a": {"properties": {"STREET": [{"prefix": {"equals-ignore-case": "ac"}}]}},
                  "b": {"properties": {"STREET": [{"prefix": {"equals-ignore-case": "Dr"}}]}}}"#,
    ),
    (
        "wildcard",
        r#"{"a": {"properties": {"MAPBLKLOT": [{"wildcard": "2*0*1*7"}]}},
                  "b": {"properties": {"MAPBLKLOT": [{"wildcard": "*9018"}]}}}"#,
    ),
    (
        "numeric",
        r#"{"a": {"geometry": {"coordinates": [{"numeric": ["<", -122.5]}]}},
                  "b": {"geometry": {"coordinates": [{"numeric": [">", 37.8]}]}},
                  "c": {"geometry": {"coordinates": [{"numeric": [">=", -122.495075, "<", -122.493]}]}}}"#,
    ),
    (
        "anything_but",
        r#"{"a": {"properties": {"STREET": [{"anything-but": ["FULTON"]}]}},
                  "b": {"geometry": {"type": [{"anything-but": {"prefix": "Poly"}}]}}}"#,
    ),
    (
        "complex",
        r#"{"a": {"$or": [{"properties": {"STREET": ["MISSION"]}}, {"properties": {"ST_TYPE": ["BLVD"]}}]},
                  "b": {"properties": {"ODD_EVEN": ["E"], "$or": [{"FROM_ST": [{"prefix": "1"}]}, {"STREET": [{"suffix": "TH"}]}]}},
                  "c": {"properties": {"STREET": [{"anything-but": ["MARKET", "MISSION"]}], "ST_TYPE": ["ST", "AVE", null]},
                        "geometry": {"type": [{"exists": true}], "coordinates": [{"numeric": [">=", 37.75, "<", 37.76]}]}}}"#,
    ),
];

fn bench_groups(c: &mut Criterion) {
    let evs = events(2000);
    let bytes: usize = evs.iter().map(String::len).sum();
    let mut group = c.benchmark_group("matcher");
    group.throughput(Throughput::Elements(evs.len() as u64));
    for (name, rules) in GROUPS {
        let rules = parse_rules(rules).expect("benchmark rules are valid");
        let set = RuleSet::compile(&rules);
        let mut scratch = Scratch::default();
        let mut hits = Vec::new();
        group.bench_function(*name, |b| {
            b.iter(|| {
                let mut matched = 0usize;
                for e in &evs {
                    set.matching_with(black_box(e.as_bytes()), &mut scratch, &mut hits)
                        .expect("generated events are valid");
                    matched += hits.len();
                }
                matched
            })
        });
    }
    group.finish();
    let mut group = c.benchmark_group("baseline");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("serde_json_ignored_any", |b| {
        b.iter(|| {
            for e in &evs {
                let _: serde::de::IgnoredAny = serde_json::from_str(black_box(e)).expect("valid");
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_groups);
criterion_main!(benches);
