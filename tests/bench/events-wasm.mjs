// The many-rules matcher in wasm, on the shared EventBridge benchmark.
//
// usage: node tests/bench/events-wasm.mjs [FACADE.js] [EVENTS.jsonl] [--runs K] [--groups a,b]
//   FACADE.js   the Node build of the facade (wasm-bindgen --target nodejs output),
//               default target/facade-node/stepbridge.js
//   EVENTS.jsonl from events_gen.py (default /tmp/events_200k.jsonl)
// For each of the 14 rule groups of ../shared/bench/events/events_rules.json it compiles a
// Matcher, runs it K times (default 3) over the events, checks the counts against
// events_expected_counts.json (when the file's event count matches) and prints events per
// second: "in-wasm" is the matching time measured inside wasm (parsing included), the
// figure issue 4 compares with native; "call" adds copying the bytes into wasm memory.
import { createRequire } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const args = process.argv.slice(2);
let runs = 3;
let only = null;
const positional = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--groups') only = args[++i].split(',');
  else positional.push(args[i]);
}
const facadePath = resolve(positional[0] ?? join(repo, 'target', 'facade-node', 'stepbridge.js'));
const eventsPath = positional[1] ?? '/tmp/events_200k.jsonl';
const benchDir = [resolve(repo, '..', 'shared', 'bench', 'events'), '/work/shared/bench/events']
  .find((d) => existsSync(join(d, 'events_rules.json')));
if (!benchDir) {
  console.error('cannot find the shared benchmark directory (events_rules.json)');
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

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(`${pad('group', 28)}${lpad('in-wasm ev/s', 14)}${lpad('call ev/s', 12)}  counts`);
let passed = 0;
let failed = 0;
for (const [group, rules] of Object.entries(groups)) {
  if (only && !only.includes(group)) continue;
  const matcher = new facade.Matcher(JSON.stringify(rules));
  const inside = [];
  const call = [];
  let outcome = null;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    outcome = matcher.countBytes(data);
    const t1 = performance.now();
    if (outcome.error) break;
    inside.push(outcome.events / outcome.seconds);
    call.push(outcome.events / ((t1 - t0) / 1000));
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
  const fmt = (xs) => (xs.length ? Math.round(median(xs)).toString() : '-');
  console.log(`${pad(group, 28)}${lpad(fmt(inside), 14)}${lpad(fmt(call), 12)}  ${note}`);
}
if (checkCounts) console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
