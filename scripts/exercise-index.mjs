#!/usr/bin/env node
// Writes the Practice list: <out>/index.json, one summary per exercise file of <folder>
// (id, title, topic, exam, difficulty, kind), sorted by topic then id. A static host cannot
// list a folder, so the page reads this file; adding an exercise file is all it takes.
// Usage: node scripts/exercise-index.mjs [folder] [out]   (defaults: static/exercises, target/exercises)
// Trunk runs it as a pre_build hook; the authoring test (crates/practice/tests/authoring.rs)
// checks that it lists the same exercises as the grader reads.
import { readdirSync, readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join, dirname, basename } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const folder = process.argv[2] ?? join(root, "static/exercises");
const out = process.argv[3] ?? join(root, "target/exercises");

const summaries = readdirSync(folder)
  .filter((name) => name.endsWith(".json"))
  .map((name) => {
    const path = join(folder, name);
    let exercise;
    try {
      exercise = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new Error(`${path}: not valid JSON: ${e.message}`);
    }
    const id = basename(name, ".json");
    if (exercise.id !== id) throw new Error(`${path}: its id is '${exercise.id}', not '${id}'`);
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
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "index.json"), JSON.stringify(summaries) + "\n");
console.error(`exercise index: ${summaries.length} exercises → ${join(out, "index.json")}`);
