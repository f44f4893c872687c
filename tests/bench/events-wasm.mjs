// The many-rules matcher in wasm, on the shared EventBridge benchmark.
//
// usage: node tests/bench/events-wasm.mjs [FACADE.js] [EVENTS.jsonl] [--runs K] [--groups a,b]
//                                         [--native STEPBRIDGE_BIN] [--chunk MB]
//   FACADE.js   the Node build of the facade (wasm-bindgen --target nodejs output),
//               default target/facade-node/stepbridge.js
//   EVENTS.jsonl from tests/data/events-bench/events_gen.py (default target/events_200k.jsonl:
//               python3 tests/data/events-bench/events_gen.py 200000 42 target/events_200k.jsonl)
// For each of the 14 rule groups of tests/data/events-bench/events_rules.json it compiles a
// Matcher, runs it K times (default 3) over the events, checks the counts against
// events_expected_counts.json (when the file's event count matches) and prints events per
// second: "in-wasm" is the matching time measured inside wasm (parsing included), the
// figure issue 4 compares with native; "call" adds copying the bytes into wasm memory;
// "cpu" is the same call's process CPU time (steadier than wall time on a shared
// machine). The whole file crosses into wasm in one `countBytes` call, or with
// `--chunk MB` in pieces through `feed` / `finish` (read from disk as it goes).
// With `--native BIN` each group is also run through `BIN match` (the native CLI, with
// STEPBRIDGE_BENCH_PASSES=K) and the wasm/native ratios of wall and CPU rates shown.
import { createRequire } from 'node:module';
import { readFileSync, existsSync, openSync, readSync, closeSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const args = process.argv.slice(2);
let runs = 3;
let only = null;
let native = null;
let chunkMB = 0;
const positional = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--groups') only = args[++i].split(',');
  else if (args[i] === '--native') native = args[++i];
  else if (args[i] === '--chunk') chunkMB = Number(args[++i]);
  else positional.push(args[i]);
}
const facadePath = resolve(positional[0] ?? join(repo, 'target', 'facade-node', 'stepbridge.js'));
const eventsPath = positional[1] ?? join(repo, 'target', 'events_200k.jsonl');
const benchDir = join(repo, 'tests', 'data', 'events-bench');
if (!existsSync(join(benchDir, 'events_rules.json'))) {
  console.error(`cannot find the benchmark rules (${join(benchDir, 'events_rules.json')})`);
  process.exit(2);
}

const require = createRequire(import.meta.url);
const facade = require(facadePath);
if (typeof facade.Matcher !== 'function') {
  console.error(`${facadePath} does not export Matcher: is it the stepbridge facade?`);
  process.exit(2);
}
const groups = JSON.parse(readFileSync(join(benchDir, 'events_rules.json'), 'utf8'));
const expectedDoc = JSON.parse(readFileSync(join(benchDir, 'events_expected_counts.json'), 'utf8'));
const data = readFileSync(eventsPath);
let lines = 0;
for (let i = 0; i < data.length; i++) if (data[i] === 10) lines++;
if (data.length > 0 && data[data.length - 1] !== 10) lines++;
const checkCounts = lines === expectedDoc.N;
console.log(`events: ${eventsPath} (${lines} lines, ${(data.length / 1e6).toFixed(1)} MB)`);
console.log(`facade: ${facadePath}`);
if (!checkCounts) console.log(`(counts not checked: expected file is for N=${expectedDoc.N})`);

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
// Counts the events file through feed/finish in pieces of `chunkMB` MB.
function countStreamed(matcher) {
  const buf = Buffer.allocUnsafe(chunkMB * 1e6);
  const fd = openSync(eventsPath, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      matcher.feed(buf.subarray(0, n));
    }
  } catch (e) {
    closeSync(fd);
    return e;
  }
  closeSync(fd);
  return matcher.finish();
}

// The native CLI's best wall and CPU rates over `runs` passes, from its bench line.
const workDir = native ? mkdtempSync(join(tmpdir(), 'events-wasm-')) : null;
function nativeRates(group, rules) {
  const rulesPath = join(workDir, `${group}.json`);
  writeFileSync(rulesPath, JSON.stringify(rules));
  const r = spawnSync(native, ['match', '--rules', rulesPath, '--events', eventsPath], {
    env: { ...process.env, STEPBRIDGE_BENCH_PASSES: String(runs) },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const line = (r.stderr || '').split('\n').reverse().find((l) => l.startsWith('{"bench"'));
  if (!line) return null;
  const b = JSON.parse(line).bench;
  return { wall: Math.max(...b.eps), cpu: b.cpu_eps?.length ? Math.max(...b.cpu_eps) : null };
}

const head = `${pad('group', 28)}${lpad('in-wasm ev/s', 14)}${lpad('call ev/s', 12)}${lpad('cpu ev/s', 12)}`;
console.log(native
  ? `${head}${lpad('native wall', 13)}${lpad('native cpu', 12)}${lpad('ratio wall', 12)}${lpad('ratio cpu', 11)}  counts`
  : `${head}  counts`);
let passed = 0;
let failed = 0;
for (const [group, rules] of Object.entries(groups)) {
  if (only && !only.includes(group)) continue;
  const matcher = new facade.Matcher(JSON.stringify(rules));
  const inside = [];
  const call = [];
  const cpu = [];
  let outcome = null;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    outcome = chunkMB > 0 ? countStreamed(matcher) : matcher.countBytes(data);
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    if (outcome.error) break;
    inside.push(outcome.events / outcome.seconds);
    call.push(outcome.events / ((t1 - t0) / 1000));
    cpu.push(outcome.events / ((c1.user + c1.system) / 1e6));
  }
  matcher.free();
  let note = 'ok';
  if (outcome.error) {
    note = `ERROR ${outcome.error}: ${outcome.message}`;
    failed += Object.keys(rules).length;
  } else if (checkCounts) {
    const wrong = Object.keys(rules).filter((name) => outcome.counts[name] !== expectedDoc.counts[name]);
    passed += Object.keys(rules).length - wrong.length;
    failed += wrong.length;
    if (wrong.length) {
      note = wrong.map((n) => `${n}=${outcome.counts[n]} (want ${expectedDoc.counts[n]})`).join('; ');
    }
  }
  // Best run: on a shared machine the slower runs measure the wait for a core.
  const best = (xs) => (xs.length ? Math.max(...xs) : null);
  const fmt = (x) => (x == null ? '-' : Math.round(x).toString());
  let row = `${pad(group, 28)}${lpad(fmt(best(inside)), 14)}${lpad(fmt(best(call)), 12)}${lpad(fmt(best(cpu)), 12)}`;
  if (native) {
    const n = nativeRates(group, rules);
    const ratio = (w, x) => (w != null && x ? `${Math.round((100 * w) / x)}%` : '-');
    row += `${lpad(fmt(n?.wall), 13)}${lpad(fmt(n?.cpu), 12)}`;
    row += `${lpad(ratio(best(inside), n?.wall), 12)}${lpad(ratio(best(cpu), n?.cpu), 11)}`;
  }
  console.log(`${row}  ${note}`);
}
if (workDir) rmSync(workDir, { recursive: true, force: true });
if (checkCounts) console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
