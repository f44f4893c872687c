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

test('a .waitForTaskToken execution waits, then resumes with sendTaskSuccess', () => {
  const definition = JSON.stringify({
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { 'token.$': '$$.Task.Token' },
        End: true,
      },
    },
  });
  const started = stepbridge.startExecution({ definition, input: '{"q": 1}' });
  assert.equal(started.status, 'WAITING_FOR_CALLBACK');
  assert.equal(started.taskTokens.length, 1);
  const { token, state } = started.taskTokens[0];
  assert.equal(state, 'Ask');
  const done = stepbridge.sendTaskSuccess(started.executionId, token, '{"answer": 42}');
  assert.equal(done.status, 'SUCCEEDED');
  assert.deepEqual(done.output, { answer: 42 });
  assert.throws(() => stepbridge.sendTaskSuccess(started.executionId, token, '{}'),
    /ExecutionDoesNotExist/);
});

test('nextFireTimes gives cron fire times in a time zone and rejects a bad expression', () => {
  const ok = stepbridge.nextFireTimes('cron(0 9 ? * MON-FRI *)', 'Europe/Paris',
    '2024-01-05T00:00:00Z', 2);
  // 09:00 in Paris is 08:00 UTC in winter: Friday 5th, then Monday 8th.
  assert.deepEqual(ok.times.map((t) => new Date(t).toISOString()),
    ['2024-01-05T08:00:00.000Z', '2024-01-08T08:00:00.000Z']);
  const bad = stepbridge.nextFireTimes('cron(0 9 * * * *)', undefined, '2024-01-05T00:00:00Z', 2);
  assert.ok(bad.error, JSON.stringify(bad));
});

test('simulateBus routes a put event through a rule to a state machine', () => {
  const sim = stepbridge.simulateBus({
    buses: ['orders'],
    stateMachines: [{ name: 'Fulfil', definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } }],
    rules: [{
      Name: 'new-orders', EventBusName: 'orders', EventPattern: { source: ['shop'] },
      Targets: [{ Id: 'sfn', Arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Fulfil' }],
    }],
    steps: [
      { putEvents: [{ Source: 'shop', DetailType: 'Order', Detail: '{"id": 7}', EventBusName: 'orders' }] },
      { putEvents: [{ Source: 'other', DetailType: 'Order', Detail: '{}', EventBusName: 'orders' }] },
    ],
  });
  assert.equal(sim.executions.length, 1, JSON.stringify(sim.executions));
  const execution = sim.executions[0];
  assert.equal(execution.status ?? execution.outcome?.status, 'SUCCEEDED', JSON.stringify(execution));
});

test('the TypeScript declarations type every export', () => {
  const dts = readFileSync(new URL('../../target/facade-node/stepbridge.d.ts', import.meta.url), 'utf8');
  for (const sig of [
    /runExecution\(request: RunRequest\): RunOutcome/,
    /startExecution\(request: RunRequest\): ExecutionOutcome/,
    /sendTaskSuccess\([^)]*\): ExecutionOutcome/,
    /validateDefinition\([^)]*\): ValidateOutcome/,
    /testPattern\([^)]*\): TestPatternOutcome \| PatternError/,
    /simulateBus\(scenario: BusScenario\)/,
  ]) {
    assert.match(dts, sig);
  }
});
