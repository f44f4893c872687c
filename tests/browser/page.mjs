// Helpers the browser tests share: open the playground as a person would, read what the
// user typed (the autosaved workspace is exactly the editors' text), type into a CodeMirror
// editor, run and wait for the result.

/** Runs wait on the engine worker; a loaded CI machine may take a while for big runs. */
export const STATUS_TIMEOUT = 60_000;

/** Opens the playground in a fresh page; collects console errors and uncaught exceptions. */
export async function open(browser, url, { colorScheme = 'light', clear = true, bypassCSP = false } = {}) {
  const context = await browser.newContext({ colorScheme, bypassCSP, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  if (clear) {
    await page.evaluate(() => localStorage.clear());
    await page.reload();
  }
  await ready(page);
  const close = page.close.bind(page);
  page.close = async () => { await close(); await context.close(); };
  return { page, errors, context };
}

/** Waits for the editors and the engine worker. */
export async function ready(page) {
  await page.locator('.cm-editor[data-testid="definition"]').waitFor({ timeout: 30_000 });
  await page.getByTestId('engine').filter({ hasText: 'ready' }).waitFor({ timeout: 30_000 });
}

/**
 * Opens the EventBridge workbench at `tab`. The page's first wasm leaves that section out:
 * the first click on one of its tabs hands the page over to the full app.
 */
export async function openEventBridge(page, tab = 'patterns') {
  await page.getByTestId(`eb-tab-${tab}`).click();
  await page.waitForFunction(() => document.documentElement.dataset.sections === 'loaded', null, { timeout: 30_000 });
  await ready(page);
  await page.locator(`[data-testid="eb-tab-${tab}"][aria-selected="true"]`).waitFor();
}

/** The workspace as autosaved: what the user typed, verbatim. */
export async function workspace(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem('stepbridge.workspace.v1')));
}

/**
 * Replaces the text of the CodeMirror editor with data-testid `id`: select all, delete, then
 * a paste, as a person would put a file's text in (typed text would be re-indented).
 */
export async function pasteIntoEditor(page, id, text) {
  const content = page.locator(`.cm-editor[data-testid="${id}"] .cm-content`);
  await content.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  if (text) {
    await content.evaluate((el, t) => {
      const data = new DataTransfer();
      data.setData('text/plain', t);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, text);
  }
}

/** Replaces the text of the editor with data-testid `id`, and waits until it is autosaved. */
export async function setEditor(page, id, text) {
  await pasteIntoEditor(page, id, text);
  await page.waitForFunction(
    ([key, t]) => JSON.parse(localStorage.getItem('stepbridge.workspace.v1') ?? '{}')[key] === t,
    [id, text],
  );
}

/** Presses Run and waits for a finished status (the given one, when given). */
export async function run(page, status) {
  const before = await page.evaluate(() => Number(document.querySelector('[data-testid="run-result"]')?.dataset.run ?? 0));
  await page.getByTestId('run').click();
  await page.waitForFunction(
    ([n]) => Number(document.querySelector('[data-testid="run-result"]')?.dataset.run ?? 0) > n,
    [before],
    { timeout: STATUS_TIMEOUT },
  );
  if (status) {
    const got = await page.getByTestId('status').textContent();
    if (got !== status) throw new Error(`expected ${status}, the run ended ${got}`);
  }
}

/** Loads a gallery example by id, agreeing to replace the current work. */
export async function selectExample(page, id, { confirm = true } = {}) {
  if (confirm) page.once('dialog', (d) => d.accept());
  await page.getByTestId('example').selectOption(id);
  const file = await page.evaluate(async (exampleId) => {
    const gallery = await (await fetch('examples/gallery.json')).json();
    const entry = gallery.find((g) => g.id === exampleId);
    return (await (await fetch(`examples/${entry.definition}`)).text());
  }, id);
  await page.waitForFunction(
    (t) => JSON.parse(localStorage.getItem('stepbridge.workspace.v1') ?? '{}').definition === t,
    file,
  );
}
