// The state-machine workbench as a person uses it, in real headless Chromium against the
// built dist/: the editors, the worker, the run's views, and what keeps the user's work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist } from './serve.mjs';
import { launchChromium } from './chromium.mjs';
import { open as openPage, workspace, setEditor, run, selectExample, STATUS_TIMEOUT } from './page.mjs';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../static/examples/', import.meta.url));
let server, browser;

before(async () => {
  server = await serveDist(DIST);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const open = (options) => openPage(browser, server.url, options);

/** Waits until the table shows the worker's page for the table's current filter and sort. */
const tableSettled = (page) => page.locator('[data-testid="table-count"][data-fresh="true"]').waitFor();

test('the page opens on the example with its graph, engines ready, no console error', async () => {
  const { page, errors } = await open();
  assert.match((await workspace(page)).definition, /"StartAt": "ValidateOrder"/);
  assert.equal(await page.getByTestId('test-case').inputValue(), 'HappyPath');
  await page.getByTestId('node-ValidateOrder').waitFor();
  assert.match(await page.getByTestId('engine').textContent(), /ready/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Run shows the status and output; Ctrl+Enter runs too', async () => {
  const { page, errors } = await open();
  await run(page);
  assert.equal(await page.getByTestId('status').textContent(), 'SUCCEEDED');
  const output = JSON.parse(await page.getByTestId('output').textContent());
  assert.deepEqual(output, { orderId: 'A-1001', status: 'SHIPPED', receipt: 'receipt-A-1001', itemCount: 2 });
  await page.getByTestId('test-case').selectOption('InvalidOrder');
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('status').filter({ hasText: 'FAILED' }).waitFor({ timeout: STATUS_TIMEOUT });
  assert.match(await page.getByTestId('error').textContent(), /OrderRejected/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('editing the input in the code editor changes the output', async () => {
  const { page } = await open();
  const input = JSON.parse((await workspace(page)).input);
  input.orderId = 'B-2002';
  input.items.push({ sku: 'MUG-3', qty: 1, price: 9 });
  await setEditor(page, 'input', JSON.stringify(input, null, 2));
  assert.equal(JSON.parse((await workspace(page)).input).orderId, 'B-2002');
  await run(page);
  const output = JSON.parse(await page.getByTestId('output').textContent());
  assert.deepEqual(output, { orderId: 'B-2002', status: 'SHIPPED', receipt: 'receipt-B-2002', itemCount: 3 });
  await page.close();
});

test('diagnostics appear as you type, underlined, listed, and a click jumps there', async () => {
  const { page } = await open();
  const typed = '{\n  "orderId": "A-1001",\n  "items": [1, 2,\n}';
  await setEditor(page, 'input', typed);
  const list = page.getByTestId('diagnostics-input');
  await list.waitFor();
  assert.match(await list.textContent(), /4:1/);
  assert.equal((await workspace(page)).input, typed, 'the typed text is kept verbatim');
  const definition = '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "Next": "Nowhere"}\n  }\n}';
  await setEditor(page, 'definition', definition);
  const defList = page.getByTestId('diagnostics-definition');
  await defList.waitFor();
  assert.match(await defList.textContent(), /Nowhere/);
  await page.locator('.cm-editor[data-testid="definition"] .cm-lintRange-error').first().waitFor();
  await page.getByTestId('tab-graph').focus();
  await defList.locator('button').first().click();
  const line = await page.evaluate(() => {
    const el = document.activeElement;
    return el?.closest('.cm-editor')?.getAttribute('data-testid');
  });
  assert.equal(line, 'definition', 'the click moved focus into the definition editor');
  await page.close();
});

test('completion offers state names after "Next"', async () => {
  const { page } = await open();
  await setEditor(page, 'definition', '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "Next": ""},\n    "Bee": {"Type": "Succeed"}\n  }\n}');
  // The state names come with the worker's validation of what was typed.
  await page.getByTestId('diagnostics-definition').waitFor({ state: 'detached' }).catch(() => {});
  await page.waitForTimeout(600);
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Control+Space');
  const popup = page.locator('.cm-tooltip-autocomplete');
  await popup.waitFor();
  assert.match(await popup.textContent(), /Bee/);
  await page.close();
});

test('a click on a graph node opens its step; the table filters; the events filter', async () => {
  const { page } = await open();
  await run(page);
  await page.getByTestId('node-ValidateOrder').click();
  await page.getByTestId('step-state').filter({ hasText: 'ValidateOrder' }).waitFor();
  await page.getByTestId('tab-table').click();
  await tableSettled(page);
  const all = await page.getByTestId('table-rows').locator('tr').count();
  assert.ok(all >= 4, `${all} visits`);
  await page.getByTestId('table-filter').fill('Validate');
  await page.getByTestId('table-count').filter({ hasText: /^1 of \d+ visits$/ }).waitFor();
  await tableSettled(page);
  const rows = page.getByTestId('table-rows').locator('tr');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), /ValidateOrder/);
  assert.match(await page.getByTestId('run-cost').textContent(), /state transitions.*Standard \$/);
  await page.getByTestId('tab-events').click();
  await page.getByTestId('events-scroll').locator('.event-row').first().waitFor();
  await page.getByTestId('events-type').selectOption('TaskStateEntered');
  await page.getByTestId('events-total').filter({ hasText: /^\d+ events$/ }).waitFor();
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid="events-scroll"] .event-row .type')];
    return rows.length > 0 && rows.every((r) => r.textContent === 'TaskStateEntered');
  });
  await page.getByTestId('events-scroll').locator('.event-row').first().click();
  assert.match(await page.getByTestId('event-detail').textContent(), /stateEnteredEventDetails/);
  await page.close();
});

test('step through with the data flow, by button and Alt+Arrow', async () => {
  const { page } = await open();
  await run(page);
  await page.getByTestId('step-next').click();
  await page.getByTestId('step-state').filter({ hasText: 'ValidateOrder' }).waitFor();
  for (const stage of ['input', 'afterInputPath', 'afterParameters', 'result', 'afterResultSelector', 'afterResultPath', 'output']) {
    await page.getByTestId(`stage-${stage}`).waitFor();
  }
  assert.match(await page.getByTestId('step-position').textContent(), /Step 1 of \d+/);
  await page.keyboard.press('Alt+ArrowRight');
  await page.getByTestId('step-position').filter({ hasText: /Step 2 of/ }).waitFor();
  await page.keyboard.press('Alt+ArrowLeft');
  await page.getByTestId('step-position').filter({ hasText: /Step 1 of/ }).waitFor();
  await page.close();
});

test('the JSONata example shows its data flow stages and variables', async () => {
  const { page, errors } = await open();
  await selectExample(page, 'order-processing-jsonata');
  assert.match((await workspace(page)).definition, /"QueryLanguage": "JSONata"/);
  await run(page);
  assert.equal(await page.getByTestId('status').textContent(), 'SUCCEEDED');
  const variables = JSON.parse(await page.getByTestId('variables').textContent());
  assert.ok(Object.keys(variables).length > 0, 'the example assigns variables');
  await page.getByTestId('step-next').click();
  await page.getByTestId('stage-afterArguments').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('switching examples after an edit asks first; declining keeps the text; restore brings it back', async () => {
  const { page } = await open();
  const typed = '{"orderId": "mine", "items": []}';
  await setEditor(page, 'input', typed);
  page.once('dialog', (d) => d.dismiss());
  await page.getByTestId('example').selectOption('order-processing-jsonata');
  await page.waitForTimeout(300);
  assert.equal((await workspace(page)).input, typed);
  page.once('dialog', (d) => d.accept());
  await selectExample(page, 'order-processing-jsonata', { confirm: false });
  assert.notEqual((await workspace(page)).input, typed);
  await page.getByTestId('restore').click();
  await page.waitForFunction((t) => JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).input === t, typed);
  await page.close();
});

test('retry timeline: each attempt, the retrier, the back-off, then the catcher', async () => {
  const { page } = await open();
  await selectExample(page, 'retry-catch');
  await run(page);
  await page.getByTestId('tab-table').click();
  const retried = page.getByTestId('table-rows').locator('tr').filter({ hasText: /\t?[2-9]\s*$/ });
  await page.getByTestId('table-rows').locator('tr').first().waitFor();
  // Open every visit until one shows a retry timeline.
  const count = await page.getByTestId('table-rows').locator('tr').count();
  let found = false;
  for (let i = 0; i < count && !found; i++) {
    await page.getByTestId('table-rows').locator('tr').nth(i).click();
    found = await page.getByTestId('retry-timeline').isVisible({ timeout: 500 }).catch(() => false);
    if (!found) await page.waitForTimeout(200), (found = await page.getByTestId('retry-timeline').isVisible());
  }
  assert.ok(found, 'a visit shows its retry timeline');
  const timeline = await page.getByTestId('retry-timeline').textContent();
  assert.match(timeline, /Retry\[0\]/);
  assert.match(timeline, /waited/);
  void retried;
  await page.close();
});

test('Map runs: counts and iterations browsed one by one', async () => {
  const { page } = await open();
  await selectExample(page, 'map-order-items');
  await run(page);
  await page.getByTestId('tab-table').click();
  await page.getByTestId('table-filter').fill('Map');
  await page.getByTestId('table-count').filter({ hasText: /^1 of/ }).waitFor();
  await page.getByTestId('table-rows').locator('tr').first().click();
  const map = page.getByTestId('map-run');
  await map.waitFor();
  assert.match(await page.getByTestId('map-counts').textContent(), /\d+ iterations: \d+ succeeded/);
  await page.getByTestId('iteration-1').click();
  await page.getByTestId('step-state').filter({ hasText: /iteration 1/ }).waitFor();
  await page.close();
});

test('the table pages a 3,000-item Map run from the worker; a row opens its iteration', async () => {
  const { page, errors } = await open();
  const definition = {
    StartAt: 'Items',
    States: {
      Items: {
        Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 10,
        ItemProcessor: { StartAt: 'Price', States: {
          Price: { Type: 'Pass', Parameters: { 'sku.$': '$.sku' }, Next: 'Done' },
          Done: { Type: 'Succeed' } } },
        ResultSelector: { 'count.$': 'States.ArrayLength($)' },
        End: true,
      },
    },
  };
  const input = { items: Array.from({ length: 3000 }, (_, i) => ({ sku: `SKU-${i}` })) };
  await setEditor(page, 'mocks', '');
  await setEditor(page, 'definition', JSON.stringify(definition, null, 2));
  await setEditor(page, 'input', JSON.stringify(input));
  await run(page);
  await page.getByTestId('tab-table').click();
  await page.getByTestId('table-count').filter({ hasText: '6001 of 6001 visits' }).waitFor();
  const rows = page.getByTestId('table-rows').locator('tr');
  assert.equal(await rows.count(), 100, 'one page of rows is in the page');
  assert.equal(await page.getByTestId('table-page').textContent(), 'Page 1 of 61');
  await page.getByTestId('table-next').click();
  await page.getByTestId('table-page').filter({ hasText: 'Page 2 of 61' }).waitFor();
  await tableSettled(page);
  assert.match(await rows.first().locator('td').first().textContent(), /^101$/);
  // Filtered and sorted in the worker: the second page of the "Done" visits, newest first.
  await page.getByTestId('table-filter').fill('done');
  await page.getByTestId('table-count').filter({ hasText: '3000 of 6001 visits' }).waitFor();
  // The run's order is the table's first sort: one click turns it around.
  await page.getByRole('button', { name: '#', exact: true }).click();
  await tableSettled(page);
  assert.equal(await page.locator('th[aria-sort="descending"]').count(), 1);
  assert.match(await rows.first().textContent(), /^6001Done \[2999\]/);
  await rows.first().click();
  await page.getByTestId('step-state').filter({ hasText: /Done.*iteration 2999/ }).waitFor();
  assert.match(await page.getByTestId('step-position').textContent(), /^Step \d+ of 6001$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page is interactive before the editor bundle lands; what is typed meanwhile is kept', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  let release;
  const held = new Promise((done) => { release = done; });
  await page.route('**/stepbridge-editor.js', async (route) => { await held; await route.continue(); });
  // Not until "load": the held bundle is preloaded, so the load event waits for it.
  await page.goto(server.url, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('engine').filter({ hasText: 'ready' }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.cm-editor').count(), 0, 'the bundle is held back');
  // The app works without it: the plain text boxes hold the workspace, and Run runs it.
  assert.match(await page.getByTestId('definition-plain').inputValue(), /"StartAt": "ValidateOrder"/);
  await run(page, 'SUCCEEDED');
  const typed = '{"orderId": "typed-early", "items": []}';
  await page.getByTestId('input-plain').fill(typed);
  await page.waitForFunction((t) => JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).input === t, typed);
  release();
  await page.locator('.cm-editor[data-testid="input"]').waitFor();
  assert.equal(await page.getByTestId('input-plain').count(), 0, 'the editor replaced the plain box');
  assert.equal((await workspace(page)).input, typed);
  assert.equal(await page.locator('.cm-editor[data-testid="input"] .cm-content').textContent(), typed);
  // The caret was in the plain box: the editor has the focus now, where typing goes on.
  await page.keyboard.type(' ');
  await page.waitForFunction((t) => JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).input === `${t} `, typed);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a callback execution waits, shows its token, and resumes on task success', async () => {
  const { page } = await open();
  await selectExample(page, 'callback-approval');
  await run(page, 'WAITING_FOR_CALLBACK');
  assert.ok((await page.getByTestId('task-token').first().textContent()).length > 10);
  await page.getByTestId('send-success').first().click();
  await page.getByTestId('status').filter({ hasText: /^(SUCCEEDED|FAILED|WAITING_FOR_CALLBACK)$/ }).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]').textContent !== 'WAITING_FOR_CALLBACK'
    || document.querySelectorAll('[data-testid="task-token"]').length > 0);
  const status = await page.getByTestId('status').textContent();
  assert.ok(['SUCCEEDED', 'WAITING_FOR_CALLBACK'].includes(status), status);
  await page.close();
});

test('compare: pin a run, change it, run again; the first difference is shown', async () => {
  const { page } = await open();
  await run(page);
  await page.getByTestId('pin').click();
  await page.getByTestId('test-case').selectOption('InvalidOrder');
  await run(page, 'FAILED');
  await page.getByTestId('compare').waitFor();
  assert.match(await page.getByTestId('compare').textContent(), /SUCCEEDED → FAILED/);
  await page.getByTestId('first-difference').waitFor();
  await page.close();
});

test('the workspace autosaves and survives a reload', async () => {
  const { page } = await open();
  const typed = '{"orderId": "kept-across-reload", "items": []}';
  await setEditor(page, 'input', typed);
  await page.reload();
  await page.getByTestId('run').waitFor();
  assert.equal((await workspace(page)).input, typed);
  await page.locator('.cm-editor[data-testid="input"]').getByText('kept-across-reload').waitFor();
  await page.close();
});

test('a file opened from disk goes into its editor', async () => {
  const { page } = await open();
  const dir = await mkdtemp(join(tmpdir(), 'stepbridge-'));
  const file = join(dir, 'my-input.json');
  await writeFile(file, '{"orderId": "from-a-file", "items": []}');
  page.once('dialog', (d) => d.accept());
  await page.locator('#open-input').setInputFiles(file);
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).input.includes('from-a-file'));
  await page.close();
});

test('every gallery example runs to its expected status', async () => {
  const gallery = JSON.parse(await readFile(join(EXAMPLES, 'gallery.json'), 'utf8'));
  assert.ok(gallery.length >= 12, `${gallery.length} examples`);
  const { page, errors } = await open();
  for (const example of gallery) {
    await selectExample(page, example.id);
    await run(page, example.expectStatus);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('Copy as AWS CLI gives create-state-machine, start-execution and test-state', async () => {
  const { page } = await open();
  await page.getByTestId('copy-cli').click();
  await page.getByTestId('text-dialog').waitFor();
  assert.match(await page.getByTestId('cli-createStateMachine').textContent(), /^aws stepfunctions create-state-machine/);
  assert.match(await page.getByTestId('cli-startExecution').textContent(), /start-execution/);
  await page.getByTestId('close-dialog').click();
  await page.close();
});

test('Suggest input writes an input that the definition reads', async () => {
  const { page } = await open();
  await page.getByTestId('suggest-input').click();
  const text = await page.getByTestId('suggestion').textContent();
  assert.ok(JSON.parse(text).items, text);
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('use-suggestion').click();
  await page.waitForFunction((t) => JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).input === t, text);
  await page.close();
});

test('themes: system, light and dark, kept across a reload', async () => {
  const { page } = await open({ colorScheme: 'dark' });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.getByTestId('theme').click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  await page.getByTestId('theme').click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(17, 21, 28)');
  await page.reload();
  await page.getByTestId('run').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.close();
});


test('a failed Standard run is redriven; an Express run shows its log records', async () => {
  const { page } = await open();
  const definition = JSON.stringify({ StartAt: 'Charge', States: { Charge: {
    Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } }, null, 2);
  const mocks = JSON.stringify({ StateMachines: { StateMachine: { TestCases: { Flaky: { Charge: 'FailsOnce' } } } },
    MockedResponses: { FailsOnce: { 0: { Throw: { Error: 'Boom', Cause: 'first attempt' } }, 1: { Return: { ok: true } } } } }, null, 2);
  await setEditor(page, 'definition', definition);
  await setEditor(page, 'mocks', mocks);
  await page.getByTestId('test-case').selectOption('Flaky');
  await run(page, 'FAILED');
  await page.getByTestId('redrive').click();
  await page.getByTestId('redrive-count').waitFor();
  assert.equal(await page.getByTestId('status').textContent(), 'SUCCEEDED');
  await page.getByTestId('execution-type').selectOption('EXPRESS');
  await page.getByTestId('test-case').selectOption('');
  await run(page, 'SUCCEEDED');
  await page.getByTestId('express-logs').waitFor();
  assert.match(await page.getByTestId('express-logs').textContent(), /CloudWatch Logs records \(\d+\)/);
  await page.close();
});
