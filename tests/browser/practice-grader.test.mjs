// The built site serves the exam-practice exercises and their list, and its engine worker
// grades an answer (issue 12): the files are fetched as the Practice section fetches them and
// a Grade request goes to the worker as the page sends it (JSON text over postMessage).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serveDist } from './serve.mjs';
import { launchChromium } from './chromium.mjs';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
let server, browser;

before(async () => {
  server = await serveDist(DIST);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('the exercise list and files are served, and the worker grades a starter and a solution', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  const result = await page.evaluate(async () => {
    const list = await (await fetch('exercises/index.json')).json();
    const exercise = await (await fetch('exercises/workflow-retry-then-catch.json')).json();
    const worker = new Worker('./stepbridge-worker_loader.js');
    const replies = new Map();
    const ready = new Promise((resolve) => {
      worker.onmessage = (event) => {
        const reply = JSON.parse(event.data);
        if (reply.kind === 'ready') resolve();
        else replies.get(reply.id)?.(reply);
      };
    });
    await ready;
    const grade = (id, answer) => new Promise((resolve) => {
      replies.set(id, resolve);
      worker.postMessage(JSON.stringify({ id, kind: 'grade', exercise, answer }));
    });
    const starter = await grade(1, exercise.starter);
    const solution = await grade(2, exercise.solution);
    worker.terminate();
    return { list, starter, solution };
  });
  const ids = result.list.map((e) => e.id);
  assert.ok(ids.includes('workflow-retry-then-catch'), ids.join(', '));
  const sorted = [...result.list].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.id < b.id ? -1 : 1));
  assert.deepEqual(result.list, sorted, 'sorted by topic, then id');
  assert.equal(result.starter.kind, 'graded', JSON.stringify(result.starter));
  assert.equal(result.starter.exercise, 'workflow-retry-then-catch');
  assert.equal(result.starter.grade.passed, false);
  assert.equal(result.starter.grade.cases[0].message, 'the wait before retry 1 of Charge is 1 s, expected 2 s');
  assert.equal(result.solution.grade.passed, true);
  assert.equal(result.solution.grade.transitions, result.solution.grade.modelTransitions);
  await context.close();
});
