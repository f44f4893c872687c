// The playground as a person uses it, in real headless Chromium against the built dist/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serveDist } from './serve.mjs';
import { launchChromium } from './chromium.mjs';

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

/** Opens the playground and collects every console error and uncaught exception. */
async function open() {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  await page.getByTestId('run').waitFor({ timeout: 30_000 });
  return { page, errors };
}

test('the page loads the example with no console error', async () => {
  const { page, errors } = await open();
  const definition = await page.getByTestId('definition').inputValue();
  assert.match(definition, /"StartAt": "ValidateOrder"/);
  assert.equal(await page.getByTestId('test-case').inputValue(), 'HappyPath');
  assert.deepEqual(errors, []);
  await page.close();
});

test('Run shows the status and final output of the example', async () => {
  const { page, errors } = await open();
  await page.getByTestId('run').click();
  assert.equal(await page.getByTestId('status').textContent(), 'SUCCEEDED');
  const output = JSON.parse(await page.getByTestId('output').textContent());
  assert.deepEqual(output, { orderId: 'A-1001', status: 'SHIPPED', receipt: 'receipt-A-1001', itemCount: 2 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('editing the input changes the output', async () => {
  const { page } = await open();
  const input = JSON.parse(await page.getByTestId('input').inputValue());
  input.orderId = 'B-2002';
  input.items.push({ sku: 'MUG-3', qty: 1, price: 9 });
  await page.getByTestId('input').fill(JSON.stringify(input, null, 2));
  await page.getByTestId('run').click();
  const output = JSON.parse(await page.getByTestId('output').textContent());
  assert.deepEqual(output, { orderId: 'B-2002', status: 'SHIPPED', receipt: 'receipt-B-2002', itemCount: 3 });
  await page.close();
});

test('a mock test case that fails validation ends in the Fail state', async () => {
  const { page } = await open();
  await page.getByTestId('test-case').selectOption('InvalidOrder');
  await page.getByTestId('run').click();
  assert.equal(await page.getByTestId('status').textContent(), 'FAILED');
  assert.match(await page.getByTestId('error').textContent(), /OrderRejected/);
  await page.close();
});

test('invalid JSON input shows a clear error and keeps the typed text', async () => {
  const { page, errors } = await open();
  const typed = '{\n  "orderId": "A-1001",\n  "items": [1, 2,\n}';
  await page.getByTestId('input').fill(typed);
  await page.getByTestId('run').click();
  const message = await page.getByTestId('input-error').textContent();
  assert.match(message, /Input is not valid JSON/);
  assert.match(message, /line 4 column 1/);
  assert.equal(await page.getByTestId('input').inputValue(), typed);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Test on the pattern shows match, and no match after an edit', async () => {
  const { page } = await open();
  await page.getByTestId('test-pattern').click();
  assert.equal(await page.getByTestId('pattern-result').textContent(), 'match');
  const event = JSON.parse(await page.getByTestId('event').inputValue());
  event.detail.customer.tier = 'bronze';
  await page.getByTestId('event').fill(JSON.stringify(event, null, 2));
  await page.getByTestId('test-pattern').click();
  assert.equal(await page.getByTestId('pattern-result').textContent(), 'no match');
  await page.close();
});

test('an invalid pattern shows AWS\'s exception with its place', async () => {
  const { page } = await open();
  await page.getByTestId('pattern').fill('{"source": "com.example.orders"}');
  await page.getByTestId('test-pattern').click();
  const message = await page.getByTestId('pattern-result').textContent();
  assert.match(message, /InvalidEventPatternException: Event pattern is not valid\. Reason: /);
  assert.match(message, /line 1/);
  await page.close();
});

test('the JSONata example runs to the same output and shows its variables', async () => {
  const { page, errors } = await open();
  await page.getByTestId('example').selectOption({ label: 'Order processing (JSONata, variables)' });
  assert.match(await page.getByTestId('definition').inputValue(), /"QueryLanguage": "JSONata"/);
  assert.equal(await page.getByTestId('test-case').inputValue(), 'HappyPath');
  await page.getByTestId('run').click();
  assert.equal(await page.getByTestId('status').textContent(), 'SUCCEEDED');
  const output = JSON.parse(await page.getByTestId('output').textContent());
  assert.deepEqual(output, { orderId: 'A-1001', status: 'SHIPPED', receipt: 'receipt-A-1001', itemCount: 2 });
  const variables = JSON.parse(await page.getByTestId('variables').textContent());
  assert.equal(typeof variables, 'object');
  assert.ok(Object.keys(variables).length > 0, 'the example assigns variables');
  assert.match(await page.getByTestId('assignments').textContent(), /Variables as they changed/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('switching examples after an edit asks first, and declining keeps the text', async () => {
  const { page } = await open();
  const typed = '{"orderId": "mine", "items": []}';
  await page.getByTestId('input').fill(typed);
  page.once('dialog', (d) => d.dismiss());
  await page.getByTestId('example').selectOption({ label: 'Order processing (JSONata, variables)' });
  assert.equal(await page.getByTestId('input').inputValue(), typed);
  assert.match(await page.getByTestId('definition').inputValue(), /"StartAt": "ValidateOrder"/);
  assert.doesNotMatch(await page.getByTestId('definition').inputValue(), /JSONata/);
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('example').selectOption({ label: 'Order processing (JSONata, variables)' });
  assert.match(await page.getByTestId('definition').inputValue(), /"QueryLanguage": "JSONata"/);
  assert.notEqual(await page.getByTestId('input').inputValue(), typed);
  await page.close();
});
