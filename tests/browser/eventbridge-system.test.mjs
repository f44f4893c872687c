// The bus's system view as a person uses it, in headless Chromium against the built dist/:
// an execution started by a rule target opened in the state-machine workbench (with its
// trace, asking before it replaces the user's text), events a workflow publishes with an
// events:putEvents task flowing back to the bus, buses and rules edited in a form that keeps
// the JSON verbatim elsewhere (five targets at most), and archives with replay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serveDist } from './serve.mjs';
import { launchChromium } from './chromium.mjs';
import { open as openPage, workspace, setEditor, STATUS_TIMEOUT } from './page.mjs';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const SHOTS = process.env.EB10_SHOTS;
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

async function busTab(page) {
  await page.getByTestId('eb-tab-bus').click();
  assert.equal(await page.getByTestId('eb-tab-bus').getAttribute('aria-selected'), 'true');
}

async function putEvents(page) {
  const log = page.getByTestId('bus-log');
  const before = (await log.count()) ? await log.textContent() : null;
  await page.getByTestId('put-events').click();
  await page.getByTestId('rules-fired').waitFor({ timeout: STATUS_TIMEOUT });
  if (before !== null) {
    await page.waitForFunction((b) => document.querySelector('[data-testid="bus-log"]')?.textContent !== b, before);
  }
}

test('a state-machine target opens its execution in the workbench with its trace, asking before replacing text', async () => {
  const { page, errors } = await open();
  await busTab(page);
  await putEvents(page);
  // Nothing of the user's is at stake yet (the example as loaded): no question asked.
  let asked = 0;
  page.on('dialog', (d) => { asked += 1; d.dismiss(); });
  await page.getByTestId('open-execution').first().click();
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent === 'SUCCEEDED', null, { timeout: STATUS_TIMEOUT });
  assert.equal(asked, 0);
  const ws = await workspace(page);
  assert.match(ws.definition, /"Fulfil"/);
  // The input is what the target received after its input transformer.
  assert.deepEqual(JSON.parse(ws.input), { order: 'A-1001' });
  // The trace is in the workbench's views: the graph's node and the table's visit.
  await page.locator('svg.graph [data-node]', { hasText: 'Fulfil' }).first().waitFor();
  // The user's own definition is not replaced without their say: dismissed, it stays.
  await setEditor(page, 'definition', '{"StartAt": "Mine", "States": {"Mine": {"Type": "Succeed"}}}');
  await page.getByTestId('open-execution').first().click();
  assert.equal(asked, 1);
  assert.equal((await workspace(page)).definition, '{"StartAt": "Mine", "States": {"Mine": {"Type": "Succeed"}}}');
  // Accepted, it is replaced and "Restore my work" brings it back.
  page.removeAllListeners('dialog');
  page.once('dialog', (d) => { assert.match(d.message(), /Replace your state machine/); d.accept(); });
  await page.getByTestId('open-execution').first().click();
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).definition.includes('"Fulfil"'));
  await page.getByTestId('restore').click();
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).definition.includes('"Mine"'));
  assert.deepEqual(errors, []);
  await page.close();
});

// https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html: the task's
// Entries are a PutEvents request; the execution and state machine ARNs are appended to
// Resources; a refused entry is EventBridge.FailedEntry.
const SHIPPING = {
  buses: ['orders'],
  stateMachines: [{
    name: 'Ship',
    definition: {
      StartAt: 'Announce',
      States: {
        Announce: {
          Type: 'Task', Resource: 'arn:aws:states:::events:putEvents',
          Parameters: { Entries: [{ Source: 'com.example.shipping', DetailType: 'Order Shipped', Detail: { 'orderId.$': '$.order' } }] },
          End: true,
        },
      },
    },
  }],
  rules: [
    { Name: 'placed', EventBusName: 'orders', EventPattern: { 'detail-type': ['Order Placed'] },
      Targets: [{ Id: 'ship', Arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Ship', InputPath: '$.detail' }] },
    { Name: 'shipped', EventPattern: { 'detail-type': ['Order Shipped'] },
      Targets: [{ Id: 'log', Arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/shipped' }] },
  ],
  steps: [{ putEvents: [{ Source: 'com.example.orders', DetailType: 'Order Placed', EventBusName: 'orders', Detail: '{"order": "A-7"}' }] }],
};

test('events:putEvents from a workflow flow back to the bus, and a loop is stopped with a message', async () => {
  const { page, errors } = await open();
  await busTab(page);
  await setEditor(page, 'scenario', JSON.stringify(SHIPPING, null, 2));
  await putEvents(page);
  assert.match(await page.getByTestId('rules-fired').textContent(), /placed, shipped/);
  const summary = await page.getByTestId('workflow-events').textContent();
  assert.match(summary, /Events published by workflows \(events:putEvents\): 1: Order Shipped → bus default/);
  const published = page.getByTestId('bus-log').locator('li.from-workflow');
  assert.equal(await published.count(), 1);
  assert.match(await published.textContent(), /published by workflow execution/);
  // The log target received the event, with the ARNs Step Functions appends.
  const log = await page.getByTestId('bus-log').textContent();
  assert.match(log, /called events:putEvents with 1 entry/);
  assert.match(log, /"orderId": "A-7"/);
  assert.match(log, /arn:aws:states:us-east-1:123456789012:stateMachine:Ship/);
  if (SHOTS) {
    for (const scheme of ['light', 'dark']) {
      await page.evaluate((s) => document.documentElement.setAttribute('data-theme', s), scheme);
      await page.getByTestId('bus-run').screenshot({ path: `${SHOTS}/workflow-events-${scheme}.png` });
    }
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
  }
  // A rule that starts the workflow on its own events: bounded, and said so.
  const loop = structuredClone(SHIPPING);
  loop.rules[0].EventBusName = 'default';
  loop.rules[0].EventPattern = { source: ['com.example.orders', 'com.example.shipping'] };
  loop.steps[0].putEvents[0].EventBusName = 'default';
  loop.stateMachines[0].definition.States.Announce.Parameters.Entries[0].Detail = { again: true };
  await setEditor(page, 'scenario', JSON.stringify(loop, null, 2));
  await putEvents(page);
  const stopped = page.getByTestId('bus-log').locator('li.workflowEventsStopped');
  await stopped.first().waitFor();
  assert.match(await stopped.first().textContent(), /Stopped following workflow events .* 10 times in a row/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the rules form edits the JSON in place, keeps it in sync, and allows at most five targets', async () => {
  const { page, errors } = await open();
  await busTab(page);
  const original = (await workspace(page)).scenario;
  await page.getByTestId('rules-form-details').locator('summary').click();
  // A new name for the first rule changes exactly that value in the text.
  await page.getByTestId('rule-0-name').fill('large-orders');
  await page.getByTestId('rule-0-name').press('Enter');
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).scenario.includes('"large-orders"'));
  assert.equal((await workspace(page)).scenario, original.replace('"Name": "big-orders"', '"Name": "large-orders"'));
  // The pattern as JSON; half-typed JSON is not written, and says why.
  await page.getByTestId('rule-0-pattern').fill('{"source": [');
  await page.getByTestId('rule-0-pattern').blur();
  await page.getByTestId('rules-form').getByRole('alert').filter({ hasText: /not JSON yet/ }).waitFor();
  await page.getByTestId('rule-0-pattern').fill('{"source": ["com.example.orders"], "detail": {"total": [{"numeric": [">", 10]}]}}');
  await page.getByTestId('rule-0-pattern').blur();
  await page.waitForFunction(() => JSON.parse(JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).scenario).rules[0].EventPattern.detail.total[0].numeric[1] === 10);
  // Targets: two there, three more allowed, the sixth refused with AWS's exception.
  for (let i = 0; i < 3; i += 1) await page.getByTestId('rule-0-add-target').click();
  await page.waitForFunction(() => JSON.parse(JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).scenario).rules[0].Targets.length === 5);
  await page.getByTestId('rule-0-add-target').click();
  assert.match(await page.getByTestId('targets-limit').textContent(), /^LimitExceededException: /);
  assert.equal(JSON.parse((await workspace(page)).scenario).rules[0].Targets.length, 5);
  // An input transformer for the new target, from the form.
  await page.getByTestId('rule-0-target-4-input-kind').selectOption('InputTransformer');
  await page.waitForFunction(() => JSON.parse(JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).scenario).rules[0].Targets[4].InputTransformer !== undefined);
  await page.getByTestId('rule-0-target-4-template').fill('{"total": <total>}');
  await page.getByTestId('rule-0-target-4-paths').fill('{"total": "$.detail.total"}');
  await page.getByTestId('rule-0-target-4-paths').blur();
  await page.waitForFunction(() => JSON.parse(JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).scenario).rules[0].Targets[4].InputTransformer.InputPathsMap.total === '$.detail.total');
  // A dead-letter queue and a retry policy for the first target, whose state machine is
  // then renamed away: the failed delivery goes to the queue (not retried: the resource is
  // missing; https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html).
  await page.getByTestId('rule-0-target-0-dlq').fill('arn:aws:sqs:us-east-1:123456789012:orders-dlq');
  await page.getByTestId('rule-0-target-0-retries').fill('3');
  await page.getByTestId('rule-0-target-0-retries').blur();
  await page.getByTestId('rule-0-target-0-arn').fill('arn:aws:states:us-east-1:123456789012:stateMachine:Missing');
  await page.getByTestId('rule-0-target-0-arn').blur();
  await page.waitForFunction(() => {
    const t = JSON.parse(JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).scenario).rules[0].Targets[0];
    return t.Arn.endsWith(':Missing') && t.DeadLetterConfig?.Arn.endsWith(':orders-dlq') && t.RetryPolicy?.MaximumRetryAttempts === 3;
  });
  // Disabling a rule and adding a bus, from the form.
  await page.getByTestId('rule-1-enabled').uncheck();
  await page.getByTestId('new-bus').fill('audit');
  await page.getByTestId('add-bus').click();
  await page.waitForFunction(() => {
    const doc = JSON.parse(JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).scenario);
    return doc.rules[1].State === 'DISABLED' && doc.buses.includes('audit');
  });
  // The JSON edited by hand shows in the form at once.
  const edited = JSON.parse((await workspace(page)).scenario);
  edited.rules[1].Name = 'typed-by-hand';
  await setEditor(page, 'scenario', JSON.stringify(edited, null, 2));
  assert.equal(await page.getByTestId('rule-1-name').inputValue(), 'typed-by-hand');
  // What the form made runs: the new transformer target received the total.
  await putEvents(page);
  assert.match(await page.getByTestId('rules-fired').textContent(), /large-orders/);
  assert.doesNotMatch(await page.getByTestId('rules-fired').textContent(), /typed-by-hand/, 'the disabled rule does not fire');
  const log = await page.getByTestId('bus-log').textContent();
  assert.match(log, /target target-5 \(logs\) received:\s*\{\s*"total": 250\s*\}/);
  assert.match(log, /target fulfil: event \S+ sent to dead-letter queue orders-dlq \(ERROR_CODE NO_RESOURCE\)/);
  if (SHOTS) {
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate((s) => document.documentElement.setAttribute('data-theme', s), scheme);
      await page.getByTestId('rules-form').screenshot({ path: `${SHOTS}/rules-form-${scheme}.png` });
    }
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('archives keep events and a replay of a window sends them back, rules firing with replay-name', async () => {
  const { page, errors } = await open();
  await busTab(page);
  // An archive with a pattern and a retention, added by the controls to the JSON.
  await page.getByTestId('archive-name').fill('big-only');
  await page.getByTestId('archive-bus').selectOption('orders');
  await page.getByTestId('archive-pattern').fill('{"detail": {"total": [{"numeric": [">", 100]}]}}');
  await page.getByTestId('archive-retention').fill('7');
  await page.getByTestId('archive-retention').blur();
  await page.getByTestId('add-archive').click();
  await page.waitForFunction(() => JSON.parse(JSON.parse(localStorage.getItem('stepbridge.workspace.v1')).scenario).archives.length === 2);
  const archive = JSON.parse((await workspace(page)).scenario).archives[1];
  assert.deepEqual(archive, { ArchiveName: 'big-only', EventSourceArn: 'orders', EventPattern: { detail: { total: [{ numeric: ['>', 100] }] } }, RetentionDays: 7 });
  // Replay the whole window of the example's archive: a step is added and the scenario runs.
  await page.getByTestId('replay-name').fill('again');
  await page.getByTestId('replay-name').blur();
  await page.getByTestId('start-replay').click();
  const replay = page.getByTestId('replay-again');
  await replay.waitFor({ timeout: STATUS_TIMEOUT });
  assert.match(await replay.textContent(), /Replay again sent 2 events back to bus orders \(completed\)/);
  const rules = replay.getByTestId('replay-rule');
  assert.equal(await rules.count(), 3, 'big-orders for the large order, all-orders for both');
  assert.match(await rules.first().textContent(), /with replay-name again/);
  // The target that receives whole events sees the replay-name EventBridge adds.
  assert.match(await replay.textContent(), /"replay-name": "again"/);
  // Which events each archive kept: both in the example's, the large one in big-only.
  const kept = page.getByTestId('archived-events');
  assert.match(await kept.getByTestId('archive-orders-archive').textContent(), /\(Order Placed\).*\(Order Placed\)/);
  const bigOnly = await kept.getByTestId('archive-big-only').textContent();
  assert.match(bigOnly, /7 days/);
  assert.equal((bigOnly.match(/Order Placed/g) ?? []).length, 1);
  const steps = JSON.parse((await workspace(page)).scenario).steps;
  assert.equal(steps.at(-1).startReplay.ReplayName, 'again');
  if (SHOTS) {
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate((s) => document.documentElement.setAttribute('data-theme', s), scheme);
      await page.getByTestId('archives').screenshot({ path: `${SHOTS}/archives-${scheme}.png` });
      await page.getByTestId('bus-run').screenshot({ path: `${SHOTS}/bus-run-${scheme}.png` });
    }
  }
  assert.deepEqual(errors, []);
  await page.close();
});
