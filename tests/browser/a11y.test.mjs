// Accessibility: axe-core (pinned in package.json) over the playground as it is used, with
// no serious or critical violation allowed, in both themes and with a run on screen, then in
// the EventBridge workbench (the full app).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { serveDist } from './serve.mjs';
import { launchChromium } from './chromium.mjs';
import { open as openPage, openEventBridge, run } from './page.mjs';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let server, browser;

before(async () => {
  server = await serveDist(DIST);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

for (const colorScheme of ['light', 'dark']) {
  test(`no serious or critical axe violation (${colorScheme} theme, with a run and each view)`, async () => {
    // The checker is injected as a script, which the page's CSP would refuse.
    const { page } = await openPage(browser, server.url, { colorScheme, bypassCSP: true });
    await run(page, 'SUCCEEDED');
    await page.getByTestId('step-next').click();
    await page.getByTestId('step-state').waitFor();
    const found = [];
    for (const tab of ['tab-graph', 'tab-table', 'tab-events']) {
      await page.getByTestId(tab).click();
      await page.waitForTimeout(300);
      found.push(...await violations(page));
    }
    // The EventBridge workbench comes with the full app, which takes the page over.
    for (const tab of ['patterns', 'bus', 'pipes']) {
      await openEventBridge(page, tab);
      await page.waitForTimeout(300);
      found.push(...await violations(page));
    }
    assert.deepEqual([...new Set(found)], []);
    await page.close();
  });
}
