//! Runs the official JSONata test suite (tests/data/jsonata-suite, 1,686 cases).
//!
//! Every case runs (none is skipped): each in its own thread so a panic is caught and counted
//! as a failure, with the evaluation step/depth budget as the timeout guard. The pass rate is
//! printed per group and overall. Failing cases are listed with a reason in
//! `tests/KNOWN_FAILURES.md`; the run fails when a case outside that list fails, so
//! regressions are caught. The list is rewritten when the run has no new failures (so fixed
//! cases drop off), or unconditionally with `JSONATA_UPDATE_KNOWN_FAILURES=1`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests: fail loudly

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use stepbridge_jsonata::{Environment, Expression};

struct Case {
    id: String,
    group: String,
    spec: Value,
}

/// Cases may keep their expression in a side file (`expr-file`).
fn resolve_expr_file(spec: &mut Value, group_dir: &Path) {
    if spec.get("expr").is_none() {
        if let Some(file) = spec.get("expr-file").and_then(|f| f.as_str()) {
            let text = std::fs::read_to_string(group_dir.join(file))
                .unwrap_or_else(|e| panic!("cannot read {file}: {e}"));
            spec["expr"] = Value::String(text);
        }
    }
}

fn suite_dir() -> PathBuf {
    if let Ok(d) = std::env::var("JSONATA_SUITE_DIR") {
        return PathBuf::from(d);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/jsonata-suite")
}

fn load_cases(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let groups_dir = dir.join("groups");
    let mut groups: Vec<_> = std::fs::read_dir(&groups_dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", groups_dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    groups.sort();
    for g in groups {
        let group = g.file_name().unwrap().to_string_lossy().to_string();
        let mut files: Vec<_> = std::fs::read_dir(&g)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().map(|x| x == "json").unwrap_or(false))
            .collect();
        files.sort();
        for f in files {
            let stem = f.file_stem().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&f).unwrap();
            // A few cases hold lone UTF-16 surrogates, which Rust strings cannot; keep them as
            // JSONata escape text so the case still runs (and fails visibly if unsupported).
            let v: Value = match serde_json::from_str(&text) {
                Ok(v) => v,
                Err(_) => {
                    let mut v: Value = serde_json::from_str(&escape_lone_surrogates(&text))
                        .unwrap_or_else(|e| panic!("bad JSON in {}: {e}", f.display()));
                    if let Value::Object(o) = &mut v {
                        o.insert("lone-surrogate".into(), Value::Bool(true));
                    }
                    v
                }
            };
            match v {
                Value::Array(items) => {
                    for (i, mut spec) in items.into_iter().enumerate() {
                        resolve_expr_file(&mut spec, &g);
                        cases.push(Case {
                            id: format!("{group}/{stem}[{i}]"),
                            group: group.clone(),
                            spec,
                        });
                    }
                }
                mut spec => {
                    resolve_expr_file(&mut spec, &g);
                    cases.push(Case {
                        id: format!("{group}/{stem}"),
                        group: group.clone(),
                        spec,
                    })
                }
            }
        }
    }
    cases
}

fn escape_lone_surrogates(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("\\u") {
        out.push_str(&rest[..i]);
        let esc = &rest[i..(i + 6).min(rest.len())];
        let hex = esc.get(2..).unwrap_or("");
        if hex.len() == 4
            && u32::from_str_radix(hex, 16).map(|c| (0xd800..0xe000).contains(&c)) == Ok(true)
        {
            out.push('\\');
        }
        out.push_str(esc);
        rest = &rest[(i + 6).min(rest.len())..];
    }
    out.push_str(rest);
    out
}

fn numbers_close(a: f64, b: f64) -> bool {
    if a == b {
        return true;
    }
    let scale = a.abs().max(b.abs());
    (a - b).abs() <= scale * 1e-14
}

fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(p), Some(q)) => numbers_close(p, q),
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).map(|w| json_equal(v, w)).unwrap_or(false))
        }
        _ => a == b,
    }
}

/// Runs one case; `Err` carries the reason it failed.
fn run_case(dir: &Path, spec: &Value) -> Result<(), String> {
    let expr = spec["expr"].as_str().ok_or("case has no expr")?.to_string();
    let input: Option<Value> = if let Some(d) = spec.get("data") {
        Some(d.clone())
    } else {
        match spec.get("dataset") {
            Some(Value::String(name)) => {
                let p = dir.join("datasets").join(format!("{name}.json"));
                let text = std::fs::read_to_string(&p).map_err(|e| e.to_string())?;
                Some(serde_json::from_str(&text).map_err(|e| e.to_string())?)
            }
            _ => None,
        }
    };
    let mut env = Environment {
        now_ms: 1_700_000_000_000.0,
        seed: 42,
        max_steps: 20_000_000,
        // The reference implementation has no memory budget, and the suite's largest cases
        // build ranges of ten million items (160 MiB at the nominal 16 bytes an item).
        max_memory: 1 << 30,
        ..Environment::default()
    };
    if let Some(Value::Object(b)) = spec.get("bindings") {
        env.bindings = b.clone();
    }
    if let Some(d) = spec.get("depth").and_then(|d| d.as_u64()) {
        env.max_depth = d as usize;
    }
    let outcome = Expression::compile(&expr).and_then(|e| e.evaluate_opt(input.as_ref(), &env));
    let code = spec
        .get("code")
        .or_else(|| spec.get("error").and_then(|e| e.get("code")))
        .and_then(|c| c.as_str());
    if let Some(code) = code {
        return match outcome {
            Err(e) if e.code == code => Ok(()),
            Err(e) => Err(format!(
                "expected error {code}, got error {}: {}",
                e.code,
                e.describe()
            )),
            Ok(v) => Err(format!(
                "expected error {code}, got result {}",
                v.map(|v| v.to_string())
                    .unwrap_or_else(|| "undefined".into())
            )),
        };
    }
    let got = outcome.map_err(|e| format!("unexpected error {}: {}", e.code, e.describe()))?;
    if spec.get("undefinedResult").and_then(|u| u.as_bool()) == Some(true) {
        return match got {
            None => Ok(()),
            Some(v) => Err(format!("expected undefined, got {v}")),
        };
    }
    let Some(expected) = spec.get("result") else {
        return Err("case has neither result, undefinedResult nor code".into());
    };
    match got {
        Some(v) if json_equal(&v, expected) => Ok(()),
        Some(v) => Err(format!("expected {expected}, got {v}")),
        None => Err(format!("expected {expected}, got undefined")),
    }
}

fn short(s: &str) -> String {
    let s = s.replace('\n', " ").replace('|', "\\|");
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s
    }
}

fn known_failures(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let rest = l.strip_prefix("- `")?;
            let end = rest.find('`')?;
            Some(rest[..end].to_string())
        })
        .collect()
}

fn main() {
    let dir = suite_dir();
    let cases = load_cases(&dir);
    let known_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/KNOWN_FAILURES.md");
    let known = known_failures(&known_path);
    let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));

    // Panics are failures of the case, reported below; keep the default hook quiet.
    std::panic::set_hook(Box::new(|_| {}));

    let mut per_group: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures: Vec<(String, String, String)> = Vec::new();
    let started = std::time::Instant::now();
    for case in &cases {
        if let Some(f) = &filter {
            if !case.id.contains(f.as_str()) {
                continue;
            }
        }
        let spec = case.spec.clone();
        let d = dir.clone();
        let t0 = std::time::Instant::now();
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024 * 1024)
            .spawn(move || run_case(&d, &spec))
            .expect("spawn test thread");
        let outcome = match handle.join() {
            Ok(r) => r,
            Err(p) => Err(format!(
                "panic: {}",
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        };
        let elapsed = t0.elapsed();
        let entry = per_group.entry(case.group.clone()).or_insert((0, 0));
        entry.1 += 1;
        match outcome {
            Ok(()) => entry.0 += 1,
            Err(mut reason) => {
                if case.spec.get("lone-surrogate").is_some() {
                    reason = format!(
                        "the case holds a lone UTF-16 surrogate, which Rust strings cannot \
                         represent (it becomes U+FFFD): {reason}"
                    );
                }
                let expr = case.spec["expr"].as_str().unwrap_or("").to_string();
                failures.push((case.id.clone(), expr, reason));
            }
        }
        if elapsed.as_secs() >= 5 {
            eprintln!("slow case {} took {:?}", case.id, elapsed);
        }
    }
    let total: usize = per_group.values().map(|v| v.1).sum();
    let passed: usize = per_group.values().map(|v| v.0).sum();
    let mut groups: Vec<_> = per_group.iter().collect();
    groups.sort_by(|a, b| {
        let ra = a.1 .0 as f64 / a.1 .1 as f64;
        let rb = b.1 .0 as f64 / b.1 .1 as f64;
        ra.partial_cmp(&rb).unwrap().then(a.0.cmp(b.0))
    });
    println!("JSONata test suite, per group (worst first):");
    for (g, (p, t)) in &groups {
        println!(
            "  {:<34} {:>4}/{:<4} {:>6.1}%",
            g,
            p,
            t,
            100.0 * *p as f64 / *t as f64
        );
    }
    println!(
        "OVERALL: {passed}/{total} passed ({:.1}%) in {:.1?}",
        100.0 * passed as f64 / total.max(1) as f64,
        started.elapsed()
    );
    if filter.is_some() {
        for (id, expr, reason) in &failures {
            println!("FAIL {id}: {}\n     {}", short(expr), short(reason));
        }
        return;
    }
    let new_failures: Vec<_> = failures.iter().filter(|f| !known.contains(&f.0)).collect();
    let update = std::env::var("JSONATA_UPDATE_KNOWN_FAILURES").is_ok();
    if new_failures.is_empty() || update {
        let mut text = String::from(
            "# Known failures of the official JSONata test suite\n\n\
             Regenerated by `cargo test -p stepbridge-jsonata --test suite`. A failing case not\n\
             listed here fails the run.\n\n",
        );
        text.push_str(&format!(
            "Passing: {passed}/{total} ({:.1}%).\n\n",
            100.0 * passed as f64 / total.max(1) as f64
        ));
        for (id, expr, reason) in &failures {
            text.push_str(&format!(
                "- `{id}`: `{}` — {}\n",
                short(expr).replace('`', "'"),
                short(reason)
            ));
        }
        std::fs::write(&known_path, text).expect("write KNOWN_FAILURES.md");
    }
    if !new_failures.is_empty() {
        println!(
            "{} case(s) failed that are not in KNOWN_FAILURES.md:",
            new_failures.len()
        );
        for (id, expr, reason) in &new_failures {
            println!("  {id}: {}\n      {}", short(expr), short(reason));
        }
        if !update {
            std::process::exit(1);
        }
    }
}
