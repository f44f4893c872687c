// Share links and the embed mode (issue 11), in real headless Chromium against dist/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { serveDist } from './serve.mjs';
import { launchChromium } from './chromium.mjs';
import { open as openPage, openEventBridge, ready, workspace, setEditor, run, selectExample } from './page.mjs';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const FROZEN = fileURLToPath(new URL('../../crates/inspect/tests/data/share-v1-order.txt', import.meta.url));
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

/** The execution history of the run on screen, fetched window by window from the worker. */
async function history(page) {
  await page.getByTestId('tab-events').click();
  await page.getByTestId('events-scroll').locator('.event-row').first().waitFor();
  return page.evaluate(() => [...document.querySelectorAll('[data-testid="events-scroll"] .event-row')]
    .map((r) => r.textContent));
}

async function shareLink(page) {
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  const length = await page.getByTestId('share-length').textContent();
  assert.equal(length, `${[...link].length} characters`);
  await page.getByTestId('close-share').click();
  return link;
}

/** Opens a link in a fresh page whose own autosaved work is `own`. */
async function openLink(link, own) {
  const { page, errors, context } = await open();
  if (own) await setEditor(page, 'input', own);
  // A fresh document, as when a link is opened from a chat app (not a same-page hash change).
  await page.goto('about:blank');
  await page.goto(link);
  await ready(page);
  return { page, errors, context };
}

test('share round trip: a rich workspace opens identically, with a byte-identical history', async () => {
  const { page } = await open();
  await selectExample(page, 'retry-catch');
  await page.getByTestId('seed').fill('42');
  await page.getByTestId('seed').press('Tab');
  await page.getByTestId('start-time').fill('2025-06-01T12:00:00Z');
  await page.getByTestId('start-time').press('Tab');
  await openEventBridge(page);
  await setEditor(page, 'pattern', '{"source": ["<b>bold</b>"]}');
  await run(page);
  await page.getByTestId('tab-events').click();
  const sent = await workspace(page);
  const events = await history(page);
  const link = await shareLink(page);
  assert.match(link, /#w1\./);
  await page.close();

  const { page: other, errors } = await openLink(link, '{"mine": true}');
  await other.getByTestId('run-result').waitFor();
  const got = await workspace(other);
  for (const key of ['definition', 'input', 'mocks', 'testCase', 'pattern', 'seed', 'startTime']) {
    assert.deepEqual(got[key], sent[key], key);
  }
  assert.deepEqual(await history(other), events);
  // The visitor's own work is one click away.
  await other.getByTestId('restore').click();
  await other.waitForFunction(() => JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).input === '{"mine": true}');
  assert.deepEqual(errors, []);
  await other.close();
});

test('a link of the first encoding version still opens', async () => {
  const frozen = (await readFile(FROZEN, 'utf8')).trim();
  const fragment = frozen.slice(frozen.indexOf('#') >= 0 ? frozen.indexOf('#') : 0);
  const hash = fragment.startsWith('#') ? fragment : `#${fragment}`;
  const { page } = await openLink(`${server.url}${hash}`);
  await page.getByTestId('status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  assert.match((await workspace(page)).definition, /ValidateOrder/);
  await page.close();
});

for (const [name, mangle, message] of [
  ['garbled', (l) => l.replace('#w1.', '#w1.!!!'), /damaged/],
  ['truncated', (l) => l.slice(0, l.length - 40), /cut short/],
  ['foreign', () => `${server.url}#hello-there`, /not a stepbridge link/],
  ['newer', () => `${server.url}#w9.AAAA`, /newer version/],
]) {
  test(`a ${name} link keeps the autosaved work and says what is wrong`, async () => {
    const { page: maker } = await open();
    const link = await shareLink(maker);
    await maker.close();
    const own = '{"orderId": "my-own-work"}';
    const { page } = await openLink(mangle(link), own);
    await page.getByTestId('notice').waitFor();
    assert.match(await page.getByTestId('notice').textContent(), message);
    assert.equal((await workspace(page)).input, own);
    await page.close();
  });
}

test('an oversized link is refused, and a long one warns before copying', async () => {
  // 9 MiB of text deflated to a few KiB: inflating must stop at the 8 MiB limit.
  const bomb = deflateRawSync(Buffer.alloc(9 * 1024 * 1024, 'a')).toString('base64url');
  const huge = `${server.url}#w1.${bomb}`;
  const { page } = await openLink(huge, '{"kept": 1}');
  await page.getByTestId('notice').filter({ hasText: /too large/ }).waitFor();
  assert.equal((await workspace(page)).input, '{"kept": 1}');
  const filler = JSON.stringify({ notes: Array.from({ length: 400 }, (_, i) => `note ${i} ${Math.sin(i)}`) });
  await setEditor(page, 'input', filler);
  await page.getByTestId('share').click();
  await page.getByTestId('share-warning').waitFor();
  await page.close();
});

test('a link carrying HTML and script in every field shows it as text', async () => {
  const { page: maker } = await open();
  const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  await setEditor(maker, 'input', `{"name": "${evil.replaceAll('"', '\\"')}"}`);
  await setEditor(maker, 'mocks', evil);
  await setEditor(maker, 'definition', `{"Comment": "${evil.replaceAll('"', '\\"')}", "StartAt": "<b>x</b>", "States": {"<b>x</b>": {"Type": "Pass", "End": true}}}`);
  await openEventBridge(maker);
  await setEditor(maker, 'pattern', evil);
  const link = await shareLink(maker);
  await maker.close();
  const { page } = await openLink(link);
  await page.getByTestId('run-result').waitFor();
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.equal((await workspace(page)).pattern, evil);
  await page.getByTestId('node-<b>x</b>').waitFor();
  await page.close();
});

test('embed mode in an iframe: read-only, runs, reports its height, opens in the playground', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}embed-demo.html`);
  const frame = page.frameLocator('[data-testid="embed-order"]');
  await frame.getByTestId('status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: 60_000 });
  await frame.getByTestId('node-ValidateOrder').waitFor();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="embed-order"]').dataset.reportedHeight) > 300);
  const href = await frame.getByTestId('open-in-playground').getAttribute('href');
  assert.match(href, /#w1\./);
  assert.doesNotMatch(href, /embed/);
  assert.equal(await frame.locator('.topbar').count(), 0, 'no page chrome');
  const content = frame.locator('.cm-editor[data-testid="definition"] .cm-content');
  await frame.locator('summary').first().click();
  const before = await content.textContent();
  await content.click();
  await page.keyboard.type('typed into a read-only embed');
  assert.equal(await content.textContent(), before, 'the embed is read-only');
  // The second embed plays its trace on its own.
  const retry = page.frameLocator('[data-testid="embed-retry"]');
  await retry.getByTestId('step-position').filter({ hasText: /Step [2-9] of/ }).waitFor({ timeout: 60_000 });
  // The embed never touched the visitor's autosave.
  assert.equal(await page.evaluate(() => localStorage.getItem('stepbridge.workspace.v1')), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('workspace file: save and open again', async () => {
  const { page } = await open();
  await setEditor(page, 'input', '{"orderId": "filed"}');
  await page.getByTestId('share').click();
  const download = page.waitForEvent('download');
  await page.getByTestId('save-workspace-file').click();
  const file = await (await download).path();
  await page.getByTestId('close-share').click();
  await setEditor(page, 'input', '{"orderId": "changed"}');
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('open-workspace').setInputFiles(file);
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).input === '{"orderId": "filed"}');
  await page.close();
});

test('the page sets a Content-Security-Policy: no inline script, no foreign origin', async () => {
  const { page, errors } = await open();
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.doesNotMatch(policy, /script-src[^;]*'unsafe-inline'/);
  assert.match(policy, /default-src 'self'/);
  const ran = await page.evaluate(() => {
    window.__inline = false;
    const s = document.createElement('script');
    s.textContent = 'window.__inline = true';
    document.body.appendChild(s);
    return window.__inline;
  });
  assert.equal(ran, false, 'an injected inline script does not run');
  // The app itself (inline start-up script allowed by hash, wasm, worker) works under it.
  await run(page, 'SUCCEEDED');
  assert.ok(errors.every((e) => !/Content Security Policy/.test(e) || /inline/.test(e)), errors.join('\n'));
  await page.close();
});
