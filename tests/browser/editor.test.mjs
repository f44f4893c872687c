// The CodeMirror editor bundle (www/js, built by scripts/bundle-js) on a bare page in headless
// Chromium: the window.StepbridgeEditor API the Yew app calls, and what a person sees and types.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';

const BUNDLE = fileURLToPath(new URL('../../target/js/stepbridge-editor.js', import.meta.url));
const SHOTS = process.env.EDITOR_SCREENSHOTS; // a folder: light.png and dark.png land there
let browser;

before(async () => {
  assert.ok(existsSync(BUNDLE), `no ${BUNDLE}: run scripts/bundle-js first`);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const DEFINITION = `{
  "Comment": "An order workflow",
  "StartAt": "Validate",
  "States": {
    "Validate": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Next": ""
    },
    "Ship": {
      "Type": "Pass",
      "End": true
    },
    "Notify Customer": {
      "Type": "Succeed"
    }
  }
}`;

const VOCAB = {
  stateNames: ['Validate', 'Ship', 'Notify Customer'],
  fieldsByType: {
    Task: [
      { name: 'Resource', detail: 'ARN of the work' },
      { name: 'Parameters', detail: 'JSONPath input' },
      { name: 'TimeoutSeconds', detail: 'number' },
      { name: 'Retry', detail: 'retriers' },
    ],
    Pass: [{ name: 'Result', detail: 'fixed output' }],
  },
  commonFields: [{ name: 'Comment', detail: 'text' }, { name: 'Next', detail: 'state name' }, { name: 'End', detail: 'true' }],
  intrinsics: [
    { name: 'States.Format', signature: 'States.Format(template, ...args)' },
    { name: 'States.StringToJson', signature: 'States.StringToJson(text)' },
    { name: 'States.UUID', signature: 'States.UUID()' },
  ],
};

/** A page with one editor (handle in window.h) and every onChange text in window.changes. */
async function open({ doc = DEFINITION, language = 'json', readOnly = false } = {}) {
  const page = await browser.newPage({ viewport: { width: 900, height: 640 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.setContent(`<!doctype html><html><head><style>
      :root { --bg: #f6f7f9; --panel: #fff; --ink: #1d2330; --line: #d9dde5; --accent: #2357d8; }
      :root.dark { --bg: #10141b; --panel: #1b1f27; --ink: #e3e7ef; --line: #343b49; --accent: #7ea3ff; }
      body { margin: 16px; background: var(--bg); color: var(--ink); font: 14px system-ui; }
      #host .cm-editor { height: 420px; }
    </style></head><body>
      <button id="before">before</button><div id="host"></div><button id="after">after</button>
    </body></html>`);
  await page.addScriptTag({ path: BUNDLE });
  await page.evaluate(({ doc, language, readOnly }) => {
    window.changes = [];
    window.h = StepbridgeEditor.create(document.getElementById('host'),
      { doc, language, label: 'State machine definition', testId: 'definition', readOnly },
      (text) => window.changes.push(text));
  }, { doc, language, readOnly });
  return { page, errors, editor: page.getByTestId('definition') };
}

const getDoc = (page) => page.evaluate(() => StepbridgeEditor.getDoc(window.h));
const changes = (page) => page.evaluate(() => window.changes);
// CodeMirror ignores keys for 75 ms after the popup opens (its interactionDelay).
const accept = async (page) => {
  await page.waitForTimeout(150);
  await page.keyboard.press('Enter');
};
const optionLabels = async (page) => {
  const list = page.locator('.cm-tooltip-autocomplete li .cm-completionLabel');
  await list.first().waitFor({ timeout: 5000 });
  return list.allTextContents();
};

test('the editor root carries the test id, its text box the label', async () => {
  const { page, errors, editor } = await open();
  assert.equal(await editor.evaluate((e) => e.classList.contains('cm-editor')), true);
  assert.equal(await editor.locator('.cm-content').getAttribute('aria-label'), 'State machine definition');
  assert.equal(await page.getByRole('textbox', { name: 'State machine definition' }).count(), 1);
  // line numbers, a fold gutter and syntax highlighting are there
  assert.equal(await editor.locator('.cm-lineNumbers .cm-gutterElement').filter({ hasText: /^18$/ }).count(), 1);
  assert.ok((await editor.locator('.cm-foldGutter').count()) === 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('typing fires onChange with the whole text, undo reverts it', async () => {
  const { page, editor } = await open({ doc: '{"a": 1}' });
  await page.evaluate(() => StepbridgeEditor.goto(window.h, 1, 8));
  await page.keyboard.type('2');
  assert.equal(await getDoc(page), '{"a": 12}');
  assert.deepEqual(await changes(page), ['{"a": 12}']);
  await editor.locator('.cm-content').press('Control+z');
  assert.equal(await getDoc(page), '{"a": 1}');
  assert.equal((await changes(page)).at(-1), '{"a": 1}');
  await editor.locator('.cm-content').press('Control+Shift+z');
  assert.equal(await getDoc(page), '{"a": 12}');
  await page.close();
});

test('setDoc replaces the text without firing onChange; the same text is a no-op', async () => {
  const { page } = await open({ doc: '{"a": 1}' });
  await page.evaluate(() => StepbridgeEditor.setDoc(window.h, '{"b": [1, 2]}'));
  assert.equal(await getDoc(page), '{"b": [1, 2]}');
  await page.evaluate(() => StepbridgeEditor.setDoc(window.h, '{"b": [1, 2]}'));
  assert.deepEqual(await changes(page), []);
  // user text never becomes markup
  await page.evaluate(() => StepbridgeEditor.setDoc(window.h, '<img src=x onerror="window.pwned=1"><b>bold</b>'));
  assert.equal(await page.locator('#host img, #host b').count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.match(await page.locator('.cm-content').textContent(), /<img src=x onerror/);
  await page.close();
});

test('diagnostics are underlined at their line, with a gutter marker and a hover message', async () => {
  const { page, editor } = await open();
  await page.evaluate(() => StepbridgeEditor.setDiagnostics(window.h, [
    { line: 8, column: 15, severity: 'error', message: 'Next names no state: ""' },
    { line: 3, column: 14, endLine: 3, endColumn: 24, severity: 'warning', message: 'StartAt warning' },
  ]));
  const error = editor.locator('.cm-lintRange-error');
  await error.waitFor();
  assert.equal(await error.count(), 1);
  assert.equal(await error.textContent(), '""');
  const errorLine = editor.locator('.cm-line').filter({ has: page.locator('.cm-lintRange-error') });
  assert.equal((await errorLine.textContent()).trim(), '"Next": ""');
  assert.equal(await editor.locator('.cm-lintRange-warning').textContent(), '"Validate"');
  assert.equal(await editor.locator('.cm-lint-marker-error').count(), 1);
  assert.equal(await editor.locator('.cm-lint-marker-warning').count(), 1);
  await error.hover();
  const tip = page.locator('.cm-tooltip-lint');
  await tip.waitFor({ timeout: 5000 });
  assert.match(await tip.textContent(), /Next names no state/);
  // An empty list clears them.
  await page.evaluate(() => StepbridgeEditor.setDiagnostics(window.h, []));
  await page.waitForFunction(() => !document.querySelector('.cm-lintRange-error'));
  await page.close();
});

test('goto focuses the editor and puts the cursor at line and column', async () => {
  const { page } = await open();
  await page.evaluate(() => StepbridgeEditor.goto(window.h, 15, 16));
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('cm-content')), true);
  await page.keyboard.type('X');
  assert.equal((await getDoc(page)).split('\n')[14], '      "Type": "XSucceed"');
  await page.close();
});

test('state names complete inside the string value of "Next"', async () => {
  const { page } = await open();
  await page.evaluate((v) => StepbridgeEditor.setCompletions(window.h, v), VOCAB);
  await page.evaluate(() => StepbridgeEditor.goto(window.h, 8, 16)); // between the quotes
  await page.keyboard.type('Cus');
  assert.deepEqual(await optionLabels(page), ['Notify Customer']);
  await accept(page);
  assert.equal((await getDoc(page)).split('\n')[7], '      "Next": "Notify Customer"');
  // Editing a name already there replaces all of it.
  await page.evaluate(() => StepbridgeEditor.goto(window.h, 8, 16));
  await page.keyboard.type('Sh');
  assert.deepEqual(await optionLabels(page), ['Ship']);
  await accept(page);
  assert.equal((await getDoc(page)).split('\n')[7], '      "Next": "Ship"');
  // Ctrl+Space between empty quotes lists every state.
  await page.evaluate(() => StepbridgeEditor.setDoc(window.h, '{"StartAt": ""}'));
  await page.evaluate(() => StepbridgeEditor.goto(window.h, 1, 14));
  await page.keyboard.press('Control+Space');
  assert.deepEqual(await optionLabels(page), ['Notify Customer', 'Ship', 'Validate']);
  await page.close();
});

test('a Task state completes its own field names as keys, without those already present', async () => {
  const { page } = await open();
  await page.evaluate((v) => StepbridgeEditor.setCompletions(window.h, v), VOCAB);
  await page.evaluate(() => StepbridgeEditor.goto(window.h, 6, 22)); // after "Type": "Task",
  await page.keyboard.press('Enter');
  await page.keyboard.type('"T');
  const labels = await optionLabels(page);
  assert.ok(labels.includes('TimeoutSeconds'), labels.join());
  assert.ok(!labels.includes('Result'), 'Pass fields stay out of a Task');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Control+Space');
  await page.locator('.cm-tooltip-autocomplete li', { hasText: 'Parameters' }).waitFor();
  const all = await optionLabels(page);
  assert.ok(all.includes('Parameters') && all.includes('Comment'), all.join());
  assert.ok(!all.includes('Resource') && !all.includes('Next'), 'present keys are not offered again');
  await page.keyboard.type('Par');
  await accept(page);
  assert.equal((await getDoc(page)).split('\n')[6], '      "Parameters": ');
  await page.close();
});

test('intrinsic functions complete after "States." inside a string', async () => {
  const { page } = await open({ doc: '{\n  "Type": "Pass",\n  "Parameters": {\n    "id.$": ""\n  }\n}' });
  await page.evaluate((v) => StepbridgeEditor.setCompletions(window.h, v), VOCAB);
  await page.evaluate(() => StepbridgeEditor.goto(window.h, 4, 14));
  await page.keyboard.type('States.Str');
  assert.deepEqual(await optionLabels(page), ['States.StringToJson']);
  assert.match(await page.locator('.cm-tooltip-autocomplete').textContent(), /StringToJson\(text\)/);
  await accept(page);
  assert.equal((await getDoc(page)).split('\n')[3], '    "id.$": "States.StringToJson"');
  await page.close();
});

test('YAML completes state names after Next:', async () => {
  const doc = 'StartAt: A\nStates:\n  A:\n    Type: Task\n    Next: \n  Ship:\n    Type: Succeed\n';
  const { page } = await open({ doc, language: 'yaml' });
  await page.evaluate((v) => StepbridgeEditor.setCompletions(window.h, { ...v, stateNames: ['A', 'Ship'] }), VOCAB);
  await page.evaluate(() => StepbridgeEditor.goto(window.h, 5, 11));
  await page.keyboard.type('Sh');
  assert.deepEqual(await optionLabels(page), ['Ship']);
  await accept(page);
  assert.equal((await getDoc(page)).split('\n')[4], '    Next: Ship');
  // and Task field names as keys, by indentation
  await page.keyboard.press('Enter');
  await page.keyboard.type('Tim');
  assert.deepEqual(await optionLabels(page), ['TimeoutSeconds']);
  await page.close();
});

test('format pretty-prints JSON as one undoable change and keeps literals exactly', async () => {
  const { page, editor } = await open({ doc: '{"a":[1,2,{}],"big":12345678901234567890,"s":"x\\"y","o":{"k":null}}' });
  assert.equal(await page.evaluate(() => StepbridgeEditor.format(window.h)), true);
  const pretty = '{\n  "a": [\n    1,\n    2,\n    {}\n  ],\n  "big": 12345678901234567890,\n  "s": "x\\"y",\n  "o": {\n    "k": null\n  }\n}';
  assert.equal(await getDoc(page), pretty);
  assert.deepEqual(await changes(page), [pretty]);
  await editor.locator('.cm-content').focus();
  await page.keyboard.press('Control+z');
  assert.equal(await getDoc(page), '{"a":[1,2,{}],"big":12345678901234567890,"s":"x\\"y","o":{"k":null}}');
  await page.evaluate(() => StepbridgeEditor.setDoc(window.h, '{"a": '));
  assert.equal(await page.evaluate(() => StepbridgeEditor.format(window.h)), false);
  assert.equal(await getDoc(page), '{"a": ');
  await page.close();
});

test('a line past 20,000 characters is shown without colours until Format breaks it up', async () => {
  const long = JSON.stringify({ items: Array.from({ length: 1500 }, (_, i) => ({ sku: `SKU-${i}`, qty: i })) });
  assert.ok(long.length > 20_000);
  const { page, editor } = await open({ doc: long });
  const coloured = () => editor.locator('.cm-content span').count();
  // Coloured, the line would hold thousands of spans; plain, at most the odd match marker.
  assert.ok(await coloured() < 5, 'one long line: plain text');
  assert.equal(await page.evaluate(() => StepbridgeEditor.format(window.h)), true);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="definition"] .cm-content span').length > 20);
  assert.equal(JSON.parse(await getDoc(page)).items.length, 1500, 'the text is intact');
  // Typed back onto one line: plain again (undo restores the long line).
  await editor.locator('.cm-content').focus();
  await page.keyboard.press('Control+z');
  assert.equal(await getDoc(page), long);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="definition"] .cm-content span').length < 5);
  await page.close();
});

test('search opens with Ctrl+F; Escape then Tab leaves the editor', async () => {
  const { page, editor } = await open();
  await page.evaluate(() => StepbridgeEditor.goto(window.h, 1, 1));
  await page.keyboard.press('Control+f');
  await page.locator('.cm-search input[name=search]').waitFor();
  await page.keyboard.type('Ship');
  await page.keyboard.press('Enter');
  assert.ok((await editor.locator('.cm-searchMatch').count()) >= 1);
  await page.keyboard.press('Escape');
  // Tab inside the editor indents ...
  await page.evaluate(() => StepbridgeEditor.goto(window.h, 2, 1));
  await page.keyboard.press('Tab');
  assert.equal((await getDoc(page)).split('\n')[1], '    "Comment": "An order workflow",');
  // ... but after Escape it moves focus on.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'after');
  await page.close();
});

test('read-only editors refuse edits; setLanguage and destroy work', async () => {
  const { page, editor } = await open({ doc: '{"a": 1}', readOnly: true });
  await page.evaluate(() => StepbridgeEditor.goto(window.h, 1, 2));
  await page.keyboard.type('zz');
  assert.equal(await getDoc(page), '{"a": 1}');
  await page.evaluate(() => StepbridgeEditor.setReadOnly(window.h, false));
  await page.keyboard.type('z');
  assert.equal(await getDoc(page), '{z"a": 1}');
  await page.evaluate(() => {
    StepbridgeEditor.setLanguage(window.h, 'yaml');
    StepbridgeEditor.setDoc(window.h, 'a: 1\n# note\n');
  });
  await editor.locator('.cm-line', { hasText: '# note' }).waitFor();
  await page.evaluate(() => StepbridgeEditor.destroy(window.h));
  assert.equal(await page.locator('.cm-editor').count(), 0);
  await page.close();
});

test('light and dark themes', async () => {
  const { page, editor } = await open();
  await page.evaluate((v) => StepbridgeEditor.setCompletions(window.h, v), VOCAB);
  await page.evaluate(() => StepbridgeEditor.setDiagnostics(window.h, [
    { line: 8, column: 15, severity: 'error', message: 'Next names no state' },
  ]));
  const background = () => editor.evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(await background(), 'rgb(255, 255, 255)');
  await page.evaluate(() => StepbridgeEditor.goto(window.h, 8, 16));
  await page.keyboard.type('N');
  await optionLabels(page);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/light.png` });
  await page.evaluate(() => {
    document.documentElement.classList.add('dark');
    StepbridgeEditor.setTheme(true);
  });
  assert.equal(await background(), 'rgb(27, 31, 39)');
  assert.equal(await editor.evaluate((e) => e.classList.contains('cm-editor') && [...e.classList].some((c) => c.startsWith('ͼ'))), true);
  await page.keyboard.type('o');
  await optionLabels(page);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/dark.png` });
  await page.evaluate(() => StepbridgeEditor.setTheme(false));
  await page.close();
});
