// The Yew CodeEditor component (www/src/components/code_editor.rs) over the real editor bundle:
// the demo page www/examples/code_editor_demo.rs drives each prop with a button. It needs the
// demo built first (the page is a dev build, a few minutes on a slow machine):
//   scripts/bundle-js
//   cargo build -p stepbridge-www --example code_editor_demo --target wasm32-unknown-unknown
//   wasm-bindgen --target web --no-typescript --out-dir target/editor-demo --out-name demo \
//     target/wasm32-unknown-unknown/debug/examples/code_editor_demo.wasm
// (with CARGO_TARGET_DIR set, as scripts/lib.sh does, the paths are under that folder).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDist } from './serve.mjs';
import { launchChromium } from './chromium.mjs';

const TARGET = process.env.CARGO_TARGET_DIR ?? fileURLToPath(new URL('../../target/', import.meta.url));
const ROOT_TARGET = fileURLToPath(new URL('../../target/', import.meta.url));
const BUNDLE = join(ROOT_TARGET, 'js/stepbridge-editor.js');
const DEMO = join(TARGET, 'editor-demo');
const built = existsSync(join(DEMO, 'demo.js')) && existsSync(BUNDLE);
let dir, server, browser;

before(async () => {
  if (!built) return;
  dir = await mkdtemp(join(tmpdir(), 'code-editor-demo-'));
  await copyFile(BUNDLE, join(dir, 'stepbridge-editor.js'));
  await copyFile(join(DEMO, 'demo.js'), join(dir, 'demo.js'));
  await copyFile(join(DEMO, 'demo_bg.wasm'), join(dir, 'demo_bg.wasm'));
  await writeFile(join(dir, 'index.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8">
    <title>CodeEditor</title><link rel="icon" href="data:,"><script src="stepbridge-editor.js"></script>
    <script type="module">import init from './demo.js'; init();</script></head><body></body></html>`);
  server = await serveDist(dir);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('CodeEditor keeps CodeMirror and its props in step', { skip: !built && 'the demo is not built (see the comment at the top)' }, async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.url);
  const editor = page.getByTestId('definition');
  await editor.waitFor({ timeout: 30_000 });
  assert.equal(await editor.locator('.cm-content').getAttribute('aria-label'), 'Definition');
  assert.match(await editor.locator('.cm-content').textContent(), /"StartAt": "A"/);

  // Typing reaches on_change; the echoed value prop does not disturb the cursor.
  await page.click('#goto'); // line 2, column 3: just after the indentation
  await page.keyboard.type('xy');
  assert.equal(await page.textContent('#edits'), '2');
  assert.match(await page.textContent('#value'), /^\{\n {2}xy"StartAt"/);
  await page.keyboard.type('z');
  assert.match(await page.textContent('#value'), /^\{\n {2}xyz"StartAt"/);

  // A value from outside replaces the text without counting as an edit.
  await page.click('#set-value');
  await page.waitForFunction(() => document.querySelector('.cm-content').textContent === '{"replaced": true}');
  assert.equal(await page.textContent('#edits'), '3');

  // Format, through its request id, reports back.
  await page.click('#format');
  await page.waitForFunction(() => document.querySelector('#formatted').textContent === 'Some(true)');
  assert.equal(await page.textContent('#value'), '{\n  "replaced": true\n}');

  // Diagnostics, theme, completions.
  await page.click('#diagnose');
  await editor.locator('.cm-lintRange-error').waitFor();
  const light = await editor.evaluate((e) => getComputedStyle(e).backgroundColor);
  await page.click('#dark');
  assert.notEqual(await editor.evaluate((e) => getComputedStyle(e).backgroundColor), light);
  await page.click('#goto');
  await page.keyboard.type('"Next": "B');
  await page.locator('.cm-tooltip-autocomplete li', { hasText: 'Beta' }).waitFor();

  // Language switch and unmount.
  await page.click('#yaml');
  await page.click('#unmount');
  assert.equal(await page.locator('.cm-editor').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
