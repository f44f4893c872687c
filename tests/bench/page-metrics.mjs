// Measures the playground's page targets in headless Chromium on loopback (issue 13): first
// contentful paint, interactive, editors usable, engines ready, bytes before interactive
// (gzipped), Run → rendered result for the order example, and main-thread long tasks while
// a 3,000-item Map runs and renders (wall time, as the long-task API reports it, and the
// tasks' CPU time from a Chrome trace, which busy shared cores do not inflate). Prints one
// JSON document; not a test (timings vary by machine), run it with
// `node tests/bench/page-metrics.mjs` after scripts/dist.
import { fileURLToPath } from 'node:url';
import { readFile, readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { serveDist } from '../browser/serve.mjs';
import { launchChromium } from '../browser/chromium.mjs';
import { setEditor, run } from '../browser/page.mjs';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 5);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function gz(file) {
  const body = await readFile(join(DIST, file));
  return { file, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
}

/**
 * Bytes before interactive, from what the browser actually requested. "Interactive" is the
 * moment the app has rendered its controls (the Run button, with its handler attached by
 * the app that renders it). Counted: every file the page requested before that moment (the
 * document, the style sheet, the icon, the UI's glue and wasm), gzipped. Not counted, and
 * listed with the reason: the engine worker's files (a Web Worker loading in parallel, ready
 * later: "engines ready"), scripts the page loads `async` (the editor bundle: the page does
 * not wait for it; "editors usable" measures it), and what was requested after the moment.
 */
async function sizes(requests, base) {
  const files = new Set(await readdir(DIST));
  const counted = [];
  const excluded = [];
  for (const r of requests) {
    if (!r.path.startsWith(base)) throw new Error(`a request outside the site: ${r.path}`);
    const file = r.path.slice(base.length) || 'index.html';
    const size = await gz(file);
    const reason = file.startsWith('stepbridge-worker') ? 'the engine worker, in parallel'
      : r.async ? 'async script, the page does not wait for it'
        : r.start > r.interactive ? 'requested after the page was interactive' : null;
    (reason ? excluded : counted).push(reason ? { ...size, reason } : size);
  }
  const sum = (xs) => xs.reduce((n, f) => n + f.gzip, 0);
  const worker = await Promise.all([...files].filter((f) => f.startsWith('stepbridge-worker')).map(gz));
  return { beforeInteractiveGzip: sum(counted), counted, excluded, workerGzip: sum(worker), worker };
}

/** What the page requested, with when, against the interactive mark. */
async function requests(page) {
  return page.evaluate(() => {
    const interactive = window.__marks.interactive;
    const asyncScripts = new Set([...document.scripts].filter((s) => s.async && s.src).map((s) => new URL(s.src).pathname));
    const entries = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
    return entries.map((e) => {
      const path = new URL(e.name).pathname;
      return { path, start: e.startTime, end: e.responseEnd, async: asyncScripts.has(path), interactive };
    });
  });
}

async function load(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__marks = {};
    const seen = (name, test) => {
      const check = () => { if (!window.__marks[name] && test()) window.__marks[name] = performance.now(); };
      new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
    };
    seen('interactive', () => document.querySelector('[data-testid="run"]'));
    seen('editors', () => document.querySelector('.cm-editor[data-testid="definition"]'));
    seen('engines', () => /ready/.test(document.querySelector('[data-testid="engine"]')?.textContent ?? ''));
  });
  await page.goto(url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForFunction(() => window.__marks.editors && window.__marks.engines, null, { timeout: 60_000 });
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
  const marks = await page.evaluate(() => window.__marks);
  return { page, context, fcp, interactive: marks.interactive, editors: marks.editors, engines: marks.engines, requests: await requests(page) };
}

async function runToRendered(page) {
  return page.evaluate(async () => {
    const result = () => Number(document.querySelector('[data-testid="run-result"]')?.dataset.run ?? 0);
    const before = result();
    const start = performance.now();
    document.querySelector('[data-testid="run"]').click();
    await new Promise((done) => {
      const check = () => { if (result() > before) { obs.disconnect(); done(); } };
      const obs = new MutationObserver(check);
      obs.observe(document, { subtree: true, childList: true, attributes: true });
      check();
    });
    // The result is in the DOM; wait for the frame that paints it.
    await new Promise((r) => requestAnimationFrame(() => r()));
    return performance.now() - start;
  });
}

/** A 3,000-item Map whose iterations run two states each: about 12,000 history events. */
function bigMap() {
  const definition = {
    StartAt: 'Items',
    States: {
      Items: {
        Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 10,
        ItemProcessor: { StartAt: 'Price', States: {
          Price: { Type: 'Pass', Parameters: { 'sku.$': '$.sku', 'total.$': 'States.MathAdd($.qty, 1)' }, Next: 'Done' },
          Done: { Type: 'Succeed' } } },
        ResultSelector: { 'count.$': 'States.ArrayLength($)' },
        End: true,
      },
    },
  };
  const input = { items: Array.from({ length: 3000 }, (_, i) => ({ sku: `SKU-${i}`, qty: i % 5 })) };
  return { definition: JSON.stringify(definition, null, 2), input: JSON.stringify(input) };
}

/** Main-thread long tasks from now on, collected in the page. */
async function watchLongTasks(page) {
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__long.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: false });
  });
}

async function takeLongTasks(page) {
  const long = await page.evaluate(() => window.__long.splice(0));
  return { longTasks: long.length, longestTaskMs: long.length ? Math.max(...long.map((l) => l.duration)) : 0 };
}

/** Waits until a second passes without a long task (at most 20 s). */
async function quiet(page) {
  await page.evaluate(async () => {
    const until = performance.now() + 20_000;
    while (performance.now() < until) {
      const last = window.__long.at(-1);
      if (performance.now() - (last ? last.start + last.duration : 0) > 1000) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}

/**
 * A Chrome trace of the page's main thread, for the CPU time of its tasks: on a machine
 * whose cores are shared, a task's wall time (what the long-task API reports) includes
 * the time its thread waited for a core; the trace's thread time does not.
 */
async function startTrace(page) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline', transferMode: 'ReportEvents' });
  return {
    async stop() {
      const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
      await cdp.send('Tracing.end');
      await done;
      const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
        .map((e) => `${e.pid}:${e.tid}`));
      // A task cut by the trace's start or end may come without its thread time: left out.
      const tasks = events.filter((e) => ['RunTask', 'ThreadControllerImpl::RunTask'].includes(e.name)
        && e.ph === 'X' && main.has(`${e.pid}:${e.tid}`) && e.tdur !== undefined);
      if (!tasks.length) throw new Error('the trace has no task thread times');
      const cpu = tasks.map((e) => e.tdur / 1000);
      return {
        longestTaskCpuMs: Math.round(Math.max(0, ...cpu) * 10) / 10,
        tasksOver50CpuMs: cpu.filter((t) => t > 50).length,
      };
    },
  };
}

async function longTasksDuringBigMap(page) {
  const { definition, input } = bigMap();
  await watchLongTasks(page);
  await setEditor(page, 'mocks', '');
  await setEditor(page, 'definition', definition);
  await setEditor(page, 'input', input);
  // Pasting the input (about 100 KB on one line) makes the editor highlight it: measured on
  // its own, before the run, so the run's numbers are the run's.
  await quiet(page);
  const paste = await takeLongTasks(page);
  const trace = await startTrace(page);
  const start = Date.now();
  await run(page);
  const wall = Date.now() - start;
  // Switch through the views as a user would, each a rendering task of its own.
  for (const tab of ['tab-table', 'tab-events', 'tab-graph']) {
    await page.getByTestId(tab).click();
    await page.waitForTimeout(300);
  }
  const events = await page.getByTestId('event-count').textContent();
  const cpu = await trace.stop();
  return { events, runWallMs: wall, ...(await takeLongTasks(page)), ...cpu, pasteIntoEditor: paste };
}

const server = await serveDist(DIST);
const browser = await launchChromium();
try {
  const loads = [];
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const l = await load(browser, server.url);
    loads.push(l);
    await runToRendered(l.page); // warm-up: the worker's first run compiles its code paths
    runs.push(await runToRendered(l.page));
    if (i < RUNS - 1) await l.context.close();
  }
  const last = loads[loads.length - 1];
  const big = await longTasksDuringBigMap(last.page);
  await last.context.close();
  console.log(JSON.stringify({
    runs: RUNS,
    firstContentfulPaintMs: median(loads.map((l) => l.fcp)),
    interactiveMs: median(loads.map((l) => l.interactive)),
    editorsUsableMs: median(loads.map((l) => l.editors)),
    enginesReadyMs: median(loads.map((l) => l.engines)),
    runToRenderedMs: median(runs),
    bigMap: big,
    sizes: await sizes(last.requests, new URL(server.url).pathname),
  }, null, 2));
} finally {
  await browser.close();
  await server.close();
}
