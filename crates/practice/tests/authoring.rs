//! The authoring test: every exercise file loads, follows the schema, is solved by its
//! solution and not by its starter, and the Practice index is built from all of them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests stop loudly

use std::path::{Path, PathBuf};
use stepbridge_inspect::practice::{Exercise, ExerciseSummary};
use stepbridge_practice::authoring;

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../static/exercises")
}

/// Every `*.json` file of the folder with its id (file name without `.json`), sorted.
fn files() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(folder())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    out
}

fn load_all() -> (Vec<Exercise>, Vec<String>) {
    let mut exercises = Vec::new();
    let mut faults = Vec::new();
    for (id, path) in files() {
        let text = std::fs::read_to_string(&path).unwrap();
        match authoring::load(&text, &id) {
            Ok(e) => {
                faults.extend(
                    authoring::faults(&e)
                        .into_iter()
                        .map(|f| format!("{id}.json: {f}")),
                );
                exercises.push(e);
            }
            Err(fs) => faults.extend(fs.into_iter().map(|f| format!("{id}.json: {f}"))),
        }
    }
    (exercises, faults)
}

#[test]
fn every_exercise_is_solvable_and_not_solved_by_its_starter() {
    let (exercises, faults) = load_all();
    assert!(!exercises.is_empty(), "no exercise in {:?}", folder());
    assert!(faults.is_empty(), "exercise faults:\n{}", faults.join("\n"));
}

#[test]
fn every_kind_has_an_exercise() {
    let (exercises, _) = load_all();
    let kinds: std::collections::HashSet<_> = exercises.iter().filter_map(|e| e.kind).collect();
    assert_eq!(kinds.len(), 6, "kinds with an exercise: {kinds:?}");
}

/// The build's index (scripts/exercise-index, run by Trunk) equals the grader's view of the
/// same files: every file listed once, sorted by topic then id.
#[test]
fn the_index_script_lists_every_exercise() {
    let (exercises, _) = load_all();
    let expected = authoring::index(&exercises);
    assert_eq!(expected.len(), files().len());
    let out = std::env::temp_dir().join(format!("stepbridge-index-{}", std::process::id()));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let status = std::process::Command::new("node")
        .arg(root.join("scripts/exercise-index.mjs"))
        .arg(folder())
        .arg(&out)
        .status()
        .expect("node runs the index script");
    assert!(status.success());
    let text = std::fs::read_to_string(out.join("index.json")).unwrap();
    let written: Vec<ExerciseSummary> = serde_json::from_str(&text).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
    assert_eq!(written, expected);
}

#[test]
fn schema_faults_name_the_file_and_the_field() {
    let text = r#"{"id": "other", "title": "T", "kind": "pattern", "hiddenCase": [],
        "cases": [{"event": {}, "matches": true, "expect": {"outpt": 1}}]}"#;
    let faults = authoring::load(text, "mine").unwrap_err();
    assert!(
        faults
            .iter()
            .any(|f| f.contains("unknown field 'hiddenCase'")),
        "{faults:?}"
    );
    assert!(
        faults
            .iter()
            .any(|f| f.contains("cases 0 expect has an unknown field 'outpt'")),
        "{faults:?}"
    );
    assert!(faults.iter().any(|f| f.contains("mine.json")), "{faults:?}");
    let bad_kind = authoring::load(r#"{"id": "x", "kind": "essay"}"#, "x").unwrap_err();
    assert!(
        bad_kind[0].contains("does not follow the schema"),
        "{bad_kind:?}"
    );
    let empty: Exercise =
        serde_json::from_str(r#"{"id": "x", "kind": "schedule", "cases": [{}]}"#).unwrap();
    let faults = authoring::schema_faults(&empty);
    assert!(
        faults
            .iter()
            .any(|f| f == "cases 0: a schedule case needs from and expect.fireTimes"),
        "{faults:?}"
    );
    assert!(faults.iter().any(|f| f == "it has no title"), "{faults:?}");
}
