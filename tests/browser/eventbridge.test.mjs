// The EventBridge section as a person uses it, in headless Chromium against the built dist/:
// a pattern against several events with the engine's explanations, an invalid pattern's
// message in place, an input transformer preview, a schedule's fire times, a bus run that
// starts a state machine, and a CloudFormation template imported and run end to end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serveDist } from './serve.mjs';
import { launchChromium } from './chromium.mjs';
import { open as openPage, openEventBridge, workspace, setEditor, STATUS_TIMEOUT } from './page.mjs';

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

const open = (options) => openPage(browser, server.url, options);

async function tab(page, id) {
  await page.getByTestId(`eb-tab-${id}`).click();
  assert.equal(await page.getByTestId(`eb-tab-${id}`).getAttribute('aria-selected'), 'true');
}

test('one pattern against several events: match, no match, and why', async () => {
  const { page, errors } = await open();
  await openEventBridge(page);
  await page.getByTestId('event-result-0').filter({ hasText: /^match$/ }).waitFor();
  const first = await page.getByTestId('explanation-0').textContent();
  assert.match(first, /detail\.total/);
  assert.match(first, /detail\.customer\.tier/);
  // A sample from the gallery (the shape AWS documents) joins the list and does not match.
  await page.getByTestId('event-gallery').selectOption('ec2-state-change');
  await page.getByTestId('event-result-1').filter({ hasText: 'no match' }).waitFor();
  const deciding = page.getByTestId('explanation-1').locator('tr.deciding');
  assert.match(await deciding.textContent(), /source/);
  assert.match(await deciding.textContent(), /aws\.ec2/);
  assert.equal((await workspace(page)).events.length, 2);
  // Pasting JSON lines replaces the list with one event per line.
  await page.getByText('Paste many events').click();
  const line = (source) => JSON.stringify({
    version: '0', id: '1', 'detail-type': 'OrderPlaced', source, account: '123456789012',
    time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [],
    detail: { total: 500, customer: { tier: 'gold' } },
  });
  await page.getByTestId('paste-events').fill(`${line('com.example.orders')}\n${line('com.example.other')}\n${line('com.example.orders')}`);
  await page.getByTestId('split-events').click();
  await page.getByTestId('event-result-2').filter({ hasText: /^match$/ }).waitFor();
  await page.getByTestId('event-result-1').filter({ hasText: 'no match' }).waitFor();
  assert.equal((await workspace(page)).events.length, 3);
  // Copy as AWS CLI: both commands, the JSON single-quoted for the shell.
  await page.getByTestId('pattern-cli-button').click();
  const cli = await page.getByTestId('pattern-cli').textContent();
  assert.match(cli, /^aws events test-event-pattern --event-pattern '\{"source":\["com\.example\.orders"\]/m);
  assert.match(cli, /^aws events put-rule --name order-notifications --event-pattern '/m);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an invalid pattern shows AWS\'s exception, underlined in the pattern', async () => {
  const { page } = await open();
  await openEventBridge(page);
  await setEditor(page, 'pattern', '{\n  "source": "aws.ec2"\n}');
  const message = page.getByTestId('pattern-error');
  await message.filter({ hasText: /InvalidEventPatternException/ }).waitFor();
  assert.match(await message.textContent(), /line 2/);
  await page.locator('.cm-editor[data-testid="pattern"] .cm-lintRange-error').first().waitFor();
  await page.close();
});

test('the input transformer preview fills paths and predefined variables; faults are placed', async () => {
  const { page } = await open();
  await tab(page, 'transform');
  const output = page.getByTestId('transform-output');
  await output.waitFor();
  const received = JSON.parse(await output.textContent());
  assert.deepEqual(received, {
    message: 'Order A-1001 from a gold customer',
    rule: 'order-notifications',
    received: '2026-11-22T10:00:00Z',
  });
  await setEditor(page, 'inputTemplate', '<aws.events.event.json>');
  await page.waitForFunction(() => document.querySelector('[data-testid="transform-output"]')?.textContent.includes('"detail-type"'));
  await setEditor(page, 'pathsMap', '{\n  "aws.events.rule-name": "$.id"\n}');
  const fault = page.getByTestId('transform-error');
  await fault.filter({ hasText: /reserved/ }).waitFor();
  assert.match(await fault.textContent(), /line 2/);
  await page.locator('.cm-editor[data-testid="pathsMap"] .cm-lintRange-error').first().waitFor();
  await page.close();
});

test('a schedule expression gives its next fire times in its time zone, or AWS\'s error', async () => {
  const { page } = await open();
  await tab(page, 'schedule');
  const times = page.getByTestId('fire-times').locator('li');
  await times.first().waitFor();
  // cron(0 9 ? * MON-FRI *) in Europe/Paris (UTC+1 in winter) from Thursday 2026-01-01.
  assert.match(await times.nth(0).textContent(), /2026-01-01T08:00:00Z/);
  assert.match(await times.nth(2).textContent(), /2026-01-05T08:00:00Z/);
  await page.getByTestId('schedule-window').fill('15');
  await page.waitForFunction(() => document.querySelector('[data-testid="fire-times"] li')?.textContent.includes('08:15:00Z'));
  await page.getByTestId('schedule-expression').fill('rate(0 minutes)');
  await page.getByTestId('schedule-error').filter({ hasText: /ValidationException/ }).waitFor();
  await page.close();
});

test('Put events on the bus fires the rules and starts the state machine target', async () => {
  const { page } = await open();
  await tab(page, 'bus');
  await page.getByTestId('put-events').click();
  const fired = page.getByTestId('rules-fired');
  await fired.waitFor({ timeout: STATUS_TIMEOUT });
  assert.match(await fired.textContent(), /big-orders/);
  assert.match(await fired.textContent(), /all-orders/);
  const statuses = page.getByTestId('executions').getByTestId('execution-status');
  assert.equal(await statuses.count(), 1, 'only the order over 100 reaches the state machine');
  assert.equal(await statuses.first().textContent(), 'SUCCEEDED');
  // The log target received the detail (InputPath), the state machine the transformed input.
  const log = await page.getByTestId('bus-log').textContent();
  assert.match(log, /target log \(logs\) received/);
  assert.match(await page.getByTestId('executions').textContent(), /"order": "A-1001"/);
  // Schema discovery over the events the bus accepted, with TypeScript bindings.
  const schemas = page.getByTestId('schemas');
  assert.match(await schemas.textContent(), /com\.example\.orders@OrderPlaced/);
  await schemas.locator('summary').first().click();
  assert.match(await schemas.getByTestId('schema-typescript').first().textContent(), /export/);
  await page.close();
});

test('a CloudFormation template imports as a system and runs with the order mocks', async () => {
  const { page } = await open();
  await tab(page, 'template');
  await page.getByTestId('template-put-events').click();
  await page.getByTestId('system').waitFor({ timeout: STATUS_TIMEOUT });
  assert.match(await page.getByTestId('system-state-machines').textContent(), /order-processing/);
  assert.match(await page.getByTestId('system-rules').textContent(), /order-placed-pending/);
  assert.ok(await page.getByTestId('system-ignored').locator('li').count() > 0, 'IAM and the like are listed');
  const status = page.getByTestId('executions').getByTestId('execution-status');
  await status.first().waitFor();
  assert.equal(await status.first().textContent(), 'SUCCEEDED');
  // A broken template says where.
  await setEditor(page, 'template', 'Resources: [');
  await page.getByTestId('import-template').click();
  await page.getByTestId('template-error').waitFor();
  await page.close();
});

test('a pipe shows each record\'s path: filtered out and why, or its batch and what the target got', async () => {
  const { page } = await open();
  await tab(page, 'pipes');
  await page.getByTestId('run-pipe').click();
  const summary = page.getByTestId('pipe-summary');
  await summary.waitFor({ timeout: STATUS_TIMEOUT });
  assert.match(await summary.textContent(), /3 records, 1 filtered out/);
  const statuses = await page.getByTestId('record-status').allTextContents();
  assert.deepEqual(statuses, ['BATCHED', 'FILTERED_OUT', 'BATCHED']);
  assert.match(await page.getByTestId('pipe-records').locator('tr.failed').textContent(), /shipped/);
  assert.equal(await page.getByTestId('batch-status').first().textContent(), 'DELIVERED');
  await page.close();
});
