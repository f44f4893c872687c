// Node side of scripts/bench-asl.py: runs the five shared ASL workloads in one Node process,
// either on the peer (aws-local-stepfunctions, StateMachine.run) or on our wasm facade
// (target/facade-node/stepbridge.js, runExecution), and prints one JSON line per workload:
//   {"bench": {"name": "map10k", "ms": 1712.3, "min_ms": 1690.1, "ok": true, "sha256": "..."}}
// ms is the median of --runs timed runs after the warm-up (at least one run and 0.5 s, the
// same for both sides); ok says whether the first run's output has EXPECTED.md's sha256.
//
//   node scripts/bench-asl-node.mjs peer  --dir BENCH_DIR --peer PEER_MAIN [--runs 5] [--once NAME]
//   node scripts/bench-asl-node.mjs wasm  --dir BENCH_DIR --facade FACADE_JS [--runs 5]
// (wasm lines also carry oneshot_ms: runExecution, which compiles the definition every call)
//
// --once NAME runs one workload once, for the whole-process timing (import, construction
// with validation, one run), and prints its line with ms of that run.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

const SHA = {
  map10k: '2e58e4b5a32f0ad0e53ccf41c826fb1557473e37d4905cef09947fb59f68b48c',
  loop5k: 'cdb459e791dbb714cdb8cc0d301a625d37c1a64d2754f4f735156e856dc6a245',
  parallel: '1a93dc506244e149cba7c1592dfd0a37b96dec839190194b8d00c5e222e84591',
  retry: '20db42eccd14f10c33ab39834851a24f308c1b4e5dad7e3c063d58263327d2d1',
  payload: 'e52c7ba5eebbec84daeadbbc5d828f293779f71b574a4ba00f036a6afae79f57',
};

const args = process.argv.slice(2);
const mode = args[0];
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const dir = resolve(opt('--dir', '.'));
const runs = Number(opt('--runs', '5'));
const once = opt('--once', null);

// Python's json.dumps(v, sort_keys=True, separators=(",", ":")) with ASCII escapes.
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${canonical(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
const sha256 = (v) => createHash('sha256').update(canonical(v)).digest('hex');

const load = (name) => ({
  definitionText: readFileSync(join(dir, `${name}.asl.json`), 'utf8'),
  inputText: readFileSync(join(dir, `${name}.input.json`), 'utf8'),
});

// EXPECTED.md's local task handlers: Echo0..7 return their input; Flaky throws
// Bench.Transient on attempts 1 and 2 per item id and answers on attempt 3.
function peerOverrides(name) {
  if (name === 'parallel') {
    const handlers = {};
    for (let k = 0; k < 8; k++) handlers[`Echo${k}`] = async (input) => input;
    return { taskResourceLocalHandlers: handlers };
  }
  if (name === 'retry') {
    const attempts = new Map();
    return {
      taskResourceLocalHandlers: {
        Flaky: async (input) => {
          const n = (attempts.get(input.id) ?? 0) + 1;
          attempts.set(input.id, n);
          if (n < 3) {
            const e = new Error('transient failure');
            e.name = 'Bench.Transient';
            throw e;
          }
          return { ok: true, attempt: n };
        },
      },
      retryIntervalOverrides: { Flaky: 0 },
    };
  }
  return {};
}

// The same answers for our engine, as a Step Functions Local mock file (scripts/bench-asl.py
// and crates/asl/tests/common/workloads.rs build the same one).
function retryMocks() {
  const responses = {};
  for (let item = 0; item < 1000; item++) {
    const b = item * 3;
    responses[`${b}-${b + 1}`] = { Throw: { Error: 'Bench.Transient', Cause: 'transient failure' } };
    responses[`${b + 2}`] = { Return: { StatusCode: 200, Payload: { ok: true, attempt: 3 } } };
  }
  return JSON.stringify({
    StateMachines: { retry: { TestCases: { Bench: { Flaky: 'FlakyAnswers' } } } },
    MockedResponses: { FlakyAnswers: responses },
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// CPU time of this process in ms (all threads: V8's compiler and GC threads count too).
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// Warm-up: at least one run and at least WARM_MS of runs. V8 compiles hot code (the peer's
// JavaScript, our wasm) with its optimising compiler in the background; one 2-second peer run
// is warm by its end, one 50 ms wasm run is not.
const WARM_MS = 500;

async function warmUp(runOnce) {
  const t = performance.now();
  const first = await runOnce();
  while (performance.now() - t < WARM_MS) await runOnce();
  return first;
}

async function timeRuns(runOnce) {
  const first = await warmUp(runOnce);
  const ms = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = cpuNow();
    await runOnce();
    cpu.push(cpuNow() - c);
    ms.push(performance.now() - t);
  }
  return { output: first, ms: median(ms), min_ms: Math.min(...ms), cpu_ms: median(cpu) };
}

function report(name, output, ms, minMs, cpuMs) {
  const got = output === undefined ? null : sha256(output);
  const line = { bench: { name, ms, min_ms: minMs, cpu_ms: cpuMs, ok: got === SHA[name], sha256: got } };
  console.log(JSON.stringify(line));
  return line.bench.ok;
}

async function peer() {
  const t0 = performance.now();
  const { StateMachine } = await import(pathToFileURL(resolve(opt('--peer'))).href);
  let allOk = true;
  for (const name of once ? [once] : Object.keys(SHA)) {
    const { definitionText, inputText } = load(name);
    const machine = new StateMachine(JSON.parse(definitionText));
    const input = JSON.parse(inputText);
    // Each run gets fresh handlers (Flaky counts attempts per run) and its own input copy,
    // made before the clock starts, as our side's.
    const runOnce = async () => {
      const copy = structuredClone(input);
      const overrides = peerOverrides(name);
      return machine.run(copy, { overrides }).result;
    };
    if (once) {
      const output = await runOnce();
      allOk &&= report(name, output, performance.now() - t0, performance.now() - t0);
      continue;
    }
    // Time only StateMachine.run to its result: set up copy and handlers outside the clock.
    const first = await warmUp(runOnce);
    const ms = [];
    const cpu = [];
    for (let i = 0; i < runs; i++) {
      const copy = structuredClone(input);
      const overrides = peerOverrides(name);
      const t = performance.now();
      const c = cpuNow();
      await machine.run(copy, { overrides }).result;
      cpu.push(cpuNow() - c);
      ms.push(performance.now() - t);
    }
    allOk &&= report(name, first, median(ms), Math.min(...ms), median(cpu));
  }
  return allOk;
}

// Ours: the definition (and mock file) compiled once by `new StateMachine(request)`, then
// `run(inputText)` timed, the counterpart of the peer's StateMachine.run; and `runExecution`
// (compile and run in one call) timed as well, reported as `oneshot_ms`.
async function wasm() {
  const require = createRequire(import.meta.url);
  const stepbridge = require(resolve(opt('--facade')));
  let allOk = true;
  for (const name of Object.keys(SHA)) {
    const { definitionText, inputText } = load(name);
    const request = {
      definition: definitionText,
      stateMachine: name,
      history: false,
      // AWS's quotas would stop map10k (80k events, 0.5 MB payloads); the peer has none.
      maxHistoryEvents: 10000000,
      maxPayloadBytes: 100000000,
    };
    if (name === 'retry') {
      request.mockConfig = retryMocks();
      request.testCase = 'Bench';
    }
    const check = (outcome) => {
      if (outcome.status !== 'SUCCEEDED') {
        throw new Error(`${name}: ${outcome.status} ${outcome.error ?? ''} ${outcome.cause ?? ''}`);
      }
      return outcome.output;
    };
    const machine = new stepbridge.StateMachine(request);
    const { output, ms, min_ms: minMs, cpu_ms: cpuMs } = await timeRuns(
      async () => check(machine.run(inputText)));
    const oneShot = await timeRuns(async () => check(stepbridge.runExecution({ ...request, input: inputText })));
    machine.free();
    const got = sha256(output);
    const ok = got === SHA[name] && sha256(oneShot.output) === SHA[name];
    console.log(JSON.stringify({
      bench: { name, ms, min_ms: minMs, cpu_ms: cpuMs, oneshot_ms: oneShot.ms, ok, sha256: got },
    }));
    allOk &&= ok;
  }
  return allOk;
}

const ok = mode === 'peer' ? await peer() : mode === 'wasm' ? await wasm() : (() => {
  console.error('usage: bench-asl-node.mjs peer|wasm --dir BENCH_DIR ...');
  process.exit(2);
})();
process.exit(ok ? 0 : 1);
