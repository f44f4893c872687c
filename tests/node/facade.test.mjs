// The wasm facade on its own in Node, as a learning site or script would use it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const stepbridge = require('../../target/facade-node/stepbridge.js');
const example = (name) => readFileSync(new URL(`../../static/examples/${name}`, import.meta.url), 'utf8');

test('runExecution runs the order example with its mocks', () => {
  const outcome = stepbridge.runExecution({
    definition: example('order-processing.asl.json'),
    input: example('order-processing.input.json'),
    mockConfig: example('order-processing.mocks.json'),
    testCase: 'Throttled',
  });
  assert.equal(outcome.status, 'SUCCEEDED');
  assert.equal(outcome.output.receipt, 'receipt-A-1001');
  assert.ok(outcome.history.length > 10, 'history events are returned');
  assert.equal(outcome.history[0].type, 'ExecutionStarted');
});

test('validateDefinition reports a missing Next target with its place', () => {
  const outcome = stepbridge.validateDefinition(
    '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}');
  assert.equal(outcome.result, 'FAIL');
  assert.ok(outcome.diagnostics.length >= 1);
  const d = outcome.diagnostics[0];
  assert.equal(d.location.line, 1);
  assert.ok(d.location.pointer.startsWith('/States/A'), d.location.pointer);
});

test('testPattern answers match and no match', () => {
  const pattern = example('order-pattern.json');
  const event = JSON.parse(example('order-event.json'));
  assert.equal(stepbridge.testPattern(pattern, JSON.stringify(event)).result, true);
  event.detail.total = 50;
  assert.equal(stepbridge.testPattern(pattern, JSON.stringify(event)).result, false);
});

test('an invalid pattern comes back as InvalidEventPatternException', () => {
  const outcome = stepbridge.testPattern('{"source": 5}', example('order-event.json'));
  assert.equal(outcome.error, 'InvalidEventPatternException');
  assert.match(outcome.message, /^Event pattern is not valid\. Reason: /);
});
