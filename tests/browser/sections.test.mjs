// The page loads the state-machine workbench first; the EventBridge workbench and the
// Practice section come with the full app, which takes the page over when one of them is
// opened (www/src/components/sections.rs). Tested as a person meets it: nothing typed is
// lost, the run on screen comes back, the asked-for section opens, and a failed download
// leaves the workbench as it was, saying why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serveDist } from './serve.mjs';
import { launchChromium } from './chromium.mjs';
import { open as openPage, ready, workspace, setEditor, run, selectExample, STATUS_TIMEOUT } from './page.mjs';

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

const full = (page) => page.evaluate(() => document.documentElement.dataset.sections === 'loaded');
const MINE = '{"Comment": "mine", "StartAt": "Only", "States": {"Only": {"Type": "Pass", "Result": {"kept": true}, "End": true}}}';

test('opening an EventBridge tab hands the page to the full app: text, run and tab kept', async () => {
  const { page, errors } = await openPage(browser, server.url);
  assert.equal(await full(page), false, 'the first wasm is the workbench only');
  await page.getByTestId('load-eventbridge').waitFor();
  await setEditor(page, 'definition', MINE);
  await run(page, 'SUCCEEDED');
  await page.getByTestId('eb-tab-transform').click();
  await page.waitForFunction(() => document.documentElement.dataset.sections === 'loaded', null, { timeout: 30_000 });
  await ready(page);
  // The full app came over the network (fetched in the background, or on the click).
  const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name.split('/').pop()));
  assert.ok(fetched.includes('stepbridge-full_bg.wasm'), fetched.join(' '));
  // The tab asked for is open, with its own tool in it.
  await page.locator('[data-testid="eb-tab-transform"][aria-selected="true"]').waitFor();
  assert.equal(await page.getByTestId('load-eventbridge').count(), 0);
  // What the user typed is there, verbatim, and the run on screen came back.
  assert.equal((await workspace(page)).definition, MINE);
  const shown = await page.locator('.cm-editor[data-testid="definition"] .cm-content').innerText();
  assert.ok(shown.includes('"mine"'), shown);
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent === 'SUCCEEDED', null, { timeout: STATUS_TIMEOUT });
  assert.match(await page.getByTestId('run-result').textContent(), /kept/);
  // The section asked for is on screen, below the sticky top bar, once the rerun has drawn.
  await page.waitForFunction(() => {
    const tab = document.querySelector('[data-testid="eb-tab-transform"]').getBoundingClientRect();
    const bar = document.querySelector('.topbar').getBoundingClientRect().bottom;
    return tab.top >= bar && tab.bottom <= window.innerHeight;
  }, null, { timeout: 5_000 });
  // The full app works the workbench as before: another run, with an edit.
  await setEditor(page, 'definition', MINE.replace('"kept": true', '"kept": 2'));
  await run(page, 'SUCCEEDED');
  assert.match(await page.getByTestId('run-result').textContent(), /"kept": 2/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a Practice address opens the full app at once', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}#practice`);
  await page.getByTestId('practice-list').waitFor({ timeout: 30_000 });
  assert.equal(await full(page), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('when the full app cannot be fetched, the workbench stays and says why; a retry works', async () => {
  // Blocked from the start: the page fetches the full app in the background once ready.
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  let block = true;
  await context.route('**/stepbridge-full_bg.wasm', (route) => (block ? route.abort() : route.continue()));
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await ready(page);
  await setEditor(page, 'definition', MINE);
  await page.getByTestId('load-eventbridge').click();
  const status = page.getByTestId('sections-status');
  await status.filter({ hasText: /could not be loaded/ }).waitFor({ timeout: 30_000 });
  assert.equal(await full(page), false);
  // Nothing was taken down: the editors and their text are there.
  const shown = await page.locator('.cm-editor[data-testid="definition"] .cm-content').innerText();
  assert.ok(shown.includes('"mine"'), shown);
  block = false;
  await page.getByTestId('load-eventbridge').click();
  await page.waitForFunction(() => document.documentElement.dataset.sections === 'loaded', null, { timeout: 30_000 });
  await ready(page);
  assert.equal((await workspace(page)).definition, MINE);
  // The aborted request is the only console error.
  assert.ok(errors.every((e) => /stepbridge-full_bg\.wasm|Failed to fetch|ERR_FAILED/.test(e)), errors.join('\n'));
  await context.close();
});

test('work replaced by an example can still be restored after the hand-over', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await setEditor(page, 'definition', MINE);
  await selectExample(page, 'retry-catch');
  await page.getByTestId('restore').waitFor();
  await page.getByTestId('eb-tab-patterns').click();
  await page.waitForFunction(() => document.documentElement.dataset.sections === 'loaded', null, { timeout: 30_000 });
  await ready(page);
  // The one-click restore is still offered, and gives the user's own text back.
  await page.getByTestId('restore').click();
  await page.waitForFunction((t) => JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).definition === t, MINE);
  assert.deepEqual(errors, []);
  await page.close();
});
