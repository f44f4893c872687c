// The Practice section (issue 12) in real headless Chromium against dist/: the list, one
// exercise of each kind failed then solved through the engines, hints and the solution,
// progress across a reload, exercise links, the workbench left untouched, sharing a solved
// exercise, accessibility, and screenshots (PRACTICE_SCREENSHOTS=<folder>) in both themes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { serveDist } from './serve.mjs';
import { launchChromium } from './chromium.mjs';
import { open as openPage, workspace, setEditor, pasteIntoEditor, STATUS_TIMEOUT } from './page.mjs';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const EXERCISES = fileURLToPath(new URL('../../static/exercises/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = process.env.PRACTICE_SCREENSHOTS;
const PROGRESS = 'stepbridge.practice.v1';
const KINDS = ['pattern', 'workflow', 'predict', 'transformer', 'schedule', 'choice'];
let server, browser, index;

before(async () => {
  server = await serveDist(DIST);
  browser = await launchChromium();
  index = JSON.parse(await readFile(`${DIST}exercises/index.json`, 'utf8'));
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const exercise = async (id) => JSON.parse(await readFile(`${EXERCISES}${id}.json`, 'utf8'));
const firstOf = (kind) => index.find((e) => e.kind === kind)?.id;

/** A fresh page (empty storage) on the given fragment, the engines ready. */
async function open(hash = '', options = {}) {
  const opened = await openPage(browser, server.url, options);
  if (hash) await goto(opened.page, hash);
  return opened;
}

/** Follows an address inside the open page, as a click on a link would. */
async function goto(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  if (hash.startsWith('#practice/')) {
    await page.locator(`[data-testid="practice-exercise"][data-id="${hash.split('/')[1]}"]`).waitFor({ timeout: 30_000 });
  } else if (hash.startsWith('#practice')) {
    await page.getByTestId('practice-list').waitFor({ timeout: 30_000 });
  }
}

/** The saved progress of one exercise (what survives a reload). */
async function progressOf(page, id) {
  return page.evaluate(([key, id]) => JSON.parse(localStorage.getItem(key) ?? '{}').exercises?.[id], [PROGRESS, id]);
}

const FIELDS = {
  'practice-definition': 'definition', 'practice-mocks': 'mocks', 'practice-pattern': 'pattern',
  'practice-input-paths-map': 'inputPathsMap', 'practice-input-template': 'inputTemplate',
  'practice-prediction': 'prediction', 'practice-expression': 'expression', 'practice-timezone': 'timezone',
};

/** Puts text in one of the exercise's editors (a paste, as for the workbench) or inputs, and
 * waits until the answer is saved verbatim. */
async function answerField(page, id, testId, text) {
  if (await page.locator(`.cm-editor[data-testid="${testId}"]`).count()) {
    await pasteIntoEditor(page, testId, text);
  } else {
    await page.getByTestId(testId).fill(text);
  }
  await page.waitForFunction(
    ([key, id, field, t]) => (JSON.parse(localStorage.getItem(key) ?? '{}').exercises?.[id]?.answer?.[field] ?? '') === t,
    [PROGRESS, id, FIELDS[testId], text],
  );
}

/** Fills the editors with a whole answer (the fields its exercise's kind uses). */
async function answer(page, ex, value) {
  if (ex.kind === 'choice') {
    await page.getByTestId(`choice-${value.choice}`).check();
    await page.waitForFunction(
      ([key, id, c]) => JSON.parse(localStorage.getItem(key) ?? '{}').exercises?.[id]?.answer?.choice === c,
      [PROGRESS, ex.id, value.choice],
    );
    return;
  }
  for (const [testId, field] of Object.entries(FIELDS)) {
    if (await page.locator(`[data-testid="${testId}"]`).count()) await answerField(page, ex.id, testId, value[field] ?? '');
  }
  if (value.executionType && await page.getByTestId('practice-execution-type').count()) {
    await page.getByTestId('practice-execution-type').selectOption(value.executionType);
  }
}

/** Presses Check (or Ctrl+Enter) and waits for the new grade; returns whether it passed. */
async function check(page, { keyboard = false } = {}) {
  const article = page.getByTestId('practice-exercise');
  const before = Number(await article.getAttribute('data-graded'));
  if (keyboard) await page.keyboard.press('Control+Enter');
  else await page.getByTestId('practice-check').click();
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="practice-exercise"]').dataset.graded) > n,
    before,
    { timeout: STATUS_TIMEOUT },
  );
  return (await page.getByTestId('practice-grade').getAttribute('data-passed')) === 'true';
}

test('the list shows every exercise by topic with kind, difficulty, exam and status', async () => {
  const { page, errors } = await open('#practice');
  assert.ok(index.length >= 40, `${index.length} exercises listed`);
  assert.equal(await page.getByTestId('practice-row').count(), index.length);
  const topics = [...new Set(index.map((e) => e.topic))];
  const headings = await page.locator('.practice-topic h3').allTextContents();
  assert.deepEqual(headings, topics);
  const row = page.locator(`[data-testid="practice-row"][data-id="${index[0].id}"]`);
  const cells = await row.locator('td').allTextContents();
  assert.equal(cells[0], index[0].title);
  assert.equal(cells[2], index[0].difficulty);
  assert.equal(cells[3], index[0].exam.join(', '));
  assert.equal(cells[4], 'not started');
  assert.deepEqual([...new Set(index.map((e) => e.kind))].sort(), [...KINDS].sort(), 'every kind has an exercise');
  // A row's link opens the exercise, and the address names it.
  await row.locator('a').click();
  await page.getByTestId('practice-exercise').waitFor();
  assert.ok(page.url().endsWith(`#practice/${index[0].id}`));
  assert.deepEqual(errors, []);
  await page.close();
});

for (const kind of KINDS) {
  test(`a ${kind} exercise: the starter fails case by case, the solution passes`, async () => {
    const id = firstOf(kind);
    assert.ok(id, `an exercise of kind ${kind}`);
    const ex = await exercise(id);
    const { page, errors } = await open(`#practice/${id}`);
    assert.equal(await page.getByTestId('practice-status').textContent(), 'not started');
    // The starter, as it comes: at least one case fails, each with its message.
    const passed = await check(page, { keyboard: true });
    assert.equal(passed, false, 'the starter does not pass');
    const failed = page.locator('[data-testid="practice-case"][data-passed="false"]');
    const diagnostics = await page.getByTestId('practice-diagnostics').count();
    assert.ok(diagnostics > 0 || (await failed.count()) > 0, 'a failed case or a fault in the answer is shown');
    if (!diagnostics) {
      assert.ok((await failed.first().getByTestId('practice-case-message').textContent()).length > 0);
      assert.equal(await page.locator('[data-testid="practice-case"]').count(), ex.cases.length + (ex.hiddenCases ?? []).length);
      // Hidden cases say whether they passed, never their data.
      const hidden = page.locator('[data-testid="practice-case"][data-hidden="true"]');
      assert.equal(await hidden.count(), (ex.hiddenCases ?? []).length);
      for (const h of await hidden.all()) assert.equal(await h.locator('[data-testid="practice-expected"]').count(), 0);
    }
    assert.equal(await page.getByTestId('practice-status').textContent(), 'attempted');
    // The model solution passes every case.
    await answer(page, ex, ex.solution);
    assert.equal(await check(page), true, 'the solution passes');
    assert.equal(await page.getByTestId('practice-status').textContent(), 'solved');
    assert.equal(await page.locator('[data-testid="practice-case"][data-passed="false"]').count(), 0);
    if (kind === 'workflow') {
      assert.match(await page.getByTestId('practice-golf').textContent(), /yours \d+, the model solution's \d+/);
    }
    if (kind === 'predict') {
      // The run itself, in the workbench's views, after the Check.
      await page.getByTestId('practice-open-run').first().click();
      await page.locator('[data-testid="practice-run"] [data-testid="run-result"]').waitFor({ timeout: STATUS_TIMEOUT });
      assert.ok((await page.locator('[data-testid="practice-run"] [data-testid="status"]').textContent()).length > 0);
    }
    assert.equal((await progressOf(page, id)).status, 'solved');
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('an answer that does not parse is answered with placed diagnostics', async () => {
  const id = firstOf('pattern');
  const { page } = await open(`#practice/${id}`);
  // EventBridge wants every value of a pattern in an array.
  await answerField(page, id, 'practice-pattern', '{\n  "source": "aws.s3"\n}');
  assert.equal(await check(page), false);
  await page.getByTestId('practice-diagnostics').waitFor();
  const line = Number((await page.getByTestId('practice-diagnostics').locator('li span').first().textContent()).split(':')[0]);
  assert.equal(line, 2, 'the fault is placed on the line of "source"');
  await page.locator('.cm-editor[data-testid="practice-pattern"] .cm-lintRange-error, .cm-editor[data-testid="practice-pattern"] .cm-lintPoint-error').first().waitFor();
  assert.equal(await page.locator('[data-testid="practice-case"]').count(), 0, 'no case runs');
  await page.close();
});

test('hints come one at a time and the worked solution only after a Check', async () => {
  const id = firstOf('workflow');
  const ex = await exercise(id);
  assert.ok(ex.hints.length >= 2);
  const { page } = await open(`#practice/${id}`);
  const hints = page.getByTestId('practice-hint');
  assert.equal(await hints.count(), 0);
  for (let n = 1; n <= ex.hints.length; n++) {
    await page.getByTestId('practice-hint-next').click();
    assert.equal(await hints.count(), n);
    assert.equal(await hints.nth(n - 1).textContent(), ex.hints[n - 1]);
  }
  assert.equal(await page.getByTestId('practice-hint-next').count(), 0);
  // No solution before the learner has tried.
  assert.equal(await page.getByTestId('practice-show-solution').count(), 0);
  await page.getByTestId('practice-solution-locked').waitFor();
  await answerField(page, id, 'practice-definition', '{"StartAt": "Mine"}');
  await check(page);
  await page.getByTestId('practice-show-solution').click();
  await page.getByTestId('practice-explanation').waitFor();
  // Loading the solution over the learner's text asks first; saying no keeps the text.
  page.once('dialog', (d) => d.dismiss());
  await page.getByTestId('practice-load-solution').click();
  assert.equal((await progressOf(page, id)).answer.definition, '{"StartAt": "Mine"}');
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('practice-load-solution').click();
  await page.waitForFunction(([key, id, d]) => JSON.parse(localStorage.getItem(key)).exercises[id].answer.definition === d,
    [PROGRESS, id, ex.solution.definition]);
  // Reset to starter asks too.
  page.once('dialog', (d) => d.dismiss());
  await page.getByTestId('practice-reset').click();
  assert.equal((await progressOf(page, id)).answer.definition, ex.solution.definition);
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('practice-reset').click();
  await page.waitForFunction(([key, id, d]) => JSON.parse(localStorage.getItem(key)).exercises[id].answer.definition === d,
    [PROGRESS, id, ex.starter.definition]);
  await page.close();
});

test('progress survives a reload: answers verbatim, hints, status', async () => {
  const id = firstOf('pattern');
  const { page } = await open(`#practice/${id}`);
  const mine = '{ "source" :  ["nope"] ,\n  "x": [1]}';
  await answerField(page, id, 'practice-pattern', mine);
  await page.getByTestId('practice-hint-next').click();
  await check(page);
  await page.reload();
  await page.locator(`[data-testid="practice-exercise"][data-id="${id}"]`).waitFor();
  const text = await page.locator('.cm-editor[data-testid="practice-pattern"] .cm-content').evaluate((e) => e.cmView?.view?.state.doc.toString() ?? null);
  const saved = await progressOf(page, id);
  assert.equal(saved.answer.pattern, mine);
  assert.equal(saved.attempts, 1);
  if (text !== null) assert.equal(text, mine);
  assert.equal(await page.getByTestId('practice-hint').count(), 1);
  assert.equal(await page.getByTestId('practice-status').textContent(), 'attempted');
  await goto(page, '#practice');
  assert.equal(await page.locator(`[data-testid="practice-row"][data-id="${id}"]`).getAttribute('data-status'), 'attempted');
  await page.close();
});

test('an exercise link opens the exercise on a fresh page', async () => {
  const id = index[index.length - 1].id;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}#practice/${id}`);
  await page.locator(`[data-testid="practice-exercise"][data-id="${id}"]`).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('#practice-exercise-title').textContent(), index[index.length - 1].title);
  // The workbench's own controls (Run, Share, Suggest…) act on the workbench: not shown here.
  assert.equal(await page.getByTestId('run').count(), 0);
  assert.equal(await page.getByTestId('share').count(), 0);
  // The workbench link goes back to the editors, and to their controls.
  await page.getByTestId('to-workbench').click();
  await page.locator('.cm-editor[data-testid="definition"]').waitFor();
  await page.getByTestId('run').waitFor();
  await context.close();
});

test("practice leaves the user's workbench exactly as it was", async () => {
  const { page } = await open();
  const mine = '{"Comment": "my own work",\n "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}';
  await setEditor(page, 'definition', mine);
  const before = await workspace(page);
  await page.getByTestId('to-practice').click();
  await page.getByTestId('practice-list').waitFor();
  for (const kind of ['workflow', 'predict']) {
    const id = firstOf(kind);
    const ex = await exercise(id);
    await goto(page, `#practice/${id}`);
    await answer(page, ex, ex.solution);
    assert.equal(await check(page), true);
    if (kind === 'predict') {
      await page.getByTestId('practice-open-run').first().click();
      await page.locator('[data-testid="practice-run"] [data-testid="run-result"]').waitFor({ timeout: STATUS_TIMEOUT });
    }
  }
  await page.getByTestId('to-workbench').click();
  await page.locator('.cm-editor[data-testid="definition"]').waitFor();
  assert.deepEqual(await workspace(page), before);
  const shown = await page.locator('.cm-editor[data-testid="definition"] .cm-content').innerText();
  assert.ok(shown.includes('my own work'));
  await page.close();
});

test('a solved exercise is shared with its answer; the link never overwrites the reader\'s own', async () => {
  const id = firstOf('pattern');
  const ex = await exercise(id);
  const author = await open(`#practice/${id}`);
  assert.equal(await author.page.getByTestId('practice-share').count(), 0, 'only a solved exercise is shared');
  await answer(author.page, ex, ex.solution);
  assert.equal(await check(author.page), true);
  await author.page.getByTestId('practice-share').click();
  const link = await author.page.getByTestId('practice-share-link').inputValue();
  assert.ok(link.includes(`#practice/${id}/w1.`), link);
  await author.page.close();

  // The reader has an answer of their own to this exercise.
  const reader = await open(`#practice/${id}`);
  const mine = '{"source": ["mine"]}';
  await answerField(reader.page, id, 'practice-pattern', mine);
  await reader.page.goto('about:blank');
  await reader.page.goto(link);
  await reader.page.getByTestId('practice-shared-banner').waitFor({ timeout: 30_000 });
  const shownText = () => reader.page.locator('.cm-editor[data-testid="practice-pattern"] .cm-content').innerText();
  assert.ok((await shownText()).includes('prefix') || (await shownText()).replace(/\s/g, '') === ex.solution.pattern.replace(/\s/g, ''));
  assert.equal((await progressOf(reader.page, id)).answer.pattern, mine, 'the own answer is still saved');
  assert.ok(!reader.page.url().includes('w1.'), 'a reload shows the own answer, not the link');
  await reader.page.getByTestId('practice-close-shared').click();
  await reader.page.waitForFunction((t) => document.querySelector('.cm-editor[data-testid="practice-pattern"] .cm-content').innerText.trim() === t, mine);
  // Taking the shared answer asks first, since it replaces the reader's own.
  await reader.page.goto('about:blank');
  await reader.page.goto(link);
  await reader.page.getByTestId('practice-shared-banner').waitFor({ timeout: 30_000 });
  reader.page.once('dialog', (d) => d.accept());
  await reader.page.getByTestId('practice-adopt-shared').click();
  await reader.page.waitForFunction(([key, id, p]) => JSON.parse(localStorage.getItem(key)).exercises[id].answer.pattern === p,
    [PROGRESS, id, ex.solution.pattern]);
  await reader.page.close();
});

async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

for (const colorScheme of ['light', 'dark']) {
  test(`practice pages: no serious or critical axe violation, screenshots (${colorScheme})`, async () => {
    const { page } = await open('#practice', { colorScheme, bypassCSP: true });
    const found = [...await violations(page)];
    const id = firstOf('workflow');
    await goto(page, `#practice/${id}`);
    await page.getByTestId('practice-hint-next').click();
    await check(page);
    await page.getByTestId('practice-show-solution').click();
    found.push(...await violations(page));
    assert.deepEqual([...new Set(found)], []);
    if (SHOTS) {
      for (const width of [1280, 820]) {
        await page.setViewportSize({ width, height: 1000 });
        await goto(page, '#practice');
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: `${SHOTS}/practice-list-${colorScheme}-${width}.png` });
        await goto(page, `#practice/${id}`);
        await page.getByTestId('practice-show-solution').click();
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.waitForTimeout(200);
        await page.screenshot({ path: `${SHOTS}/practice-exercise-${colorScheme}-${width}.png`, fullPage: true });
      }
    }
    await page.close();
  });
}
