#!/usr/bin/env node
// Writes the site's exercises folder: <out>/<id>.json, a copy of each exercise file of
// <folder>, and <out>/index.json, the Practice list (one summary per file: id, title, topic,
// exam, difficulty, kind), sorted by topic then id. A static host cannot list a folder, so the
// page reads the index; adding an exercise file is all it takes. www/index.html copies <out>
// into dist/exercises.
// Usage: node scripts/exercise-index.mjs [folder] [out]   (defaults: static/exercises, target/exercises)
// Trunk runs it as a pre_build hook; the authoring test (crates/practice/tests/authoring.rs)
// checks that it lists the same exercises as the grader reads.
import { readdirSync, readFileSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { join, dirname, basename } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const folder = process.argv[2] ?? join(root, "static/exercises");
const out = process.argv[3] ?? join(root, "target/exercises");

// A removed exercise must not linger in the copy.
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const summaries = readdirSync(folder)
  .filter((name) => name.endsWith(".json"))
  .map((name) => {
    const path = join(folder, name);
    const text = readFileSync(path, "utf8");
    let exercise;
    try {
      exercise = JSON.parse(text);
    } catch (e) {
      throw new Error(`${path}: not valid JSON: ${e.message}`);
    }
    const id = basename(name, ".json");
    if (exercise.id !== id) throw new Error(`${path}: its id is '${exercise.id}', not '${id}'`);
    writeFileSync(join(out, name), text);
    return {
      id,
      title: exercise.title ?? "",
      topic: exercise.topic ?? "",
      exam: exercise.exam ?? [],
      difficulty: exercise.difficulty ?? "",
      kind: exercise.kind ?? null,
    };
  });
// Sorted by code units, as Rust sorts strings, so both agree on the order.
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
summaries.sort((a, b) => cmp(a.topic, b.topic) || cmp(a.id, b.id));
writeFileSync(join(out, "index.json"), JSON.stringify(summaries) + "\n");
console.error(`exercise index: ${summaries.length} exercises → ${join(out, "index.json")}`);
