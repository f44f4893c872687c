// The facade's compiled StateMachine: compile once, run many inputs; same outcomes as
// runExecution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const stepbridge = require('../../target/facade-node/stepbridge.js');

const definition = JSON.stringify({
  StartAt: 'Add',
  States: {
    Add: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)', 'big.$': '$.big' }, End: true },
  },
});

test('a compiled StateMachine runs many inputs like runExecution', () => {
  const machine = new stepbridge.StateMachine({ definition, history: false });
  for (const n of [1, 41]) {
    const input = JSON.stringify({ n, big: { list: [1, 2.5, 'x', null, true] } });
    const outcome = machine.run(input);
    assert.equal(outcome.status, 'SUCCEEDED');
    assert.deepEqual(outcome.output, { n: n + 1, big: { list: [1, 2.5, 'x', null, true] } });
    assert.deepEqual(outcome, stepbridge.runExecution({ definition, input, history: false }));
  }
  assert.equal(machine.run('{"n": ').status, 'INVALID');
  machine.free();
});

test('an invalid definition throws its INVALID outcome', () => {
  assert.throws(() => new stepbridge.StateMachine({ definition: '{"StartAt": "A", "States": {}}' }),
    (e) => e.status === 'INVALID' && e.diagnostics.length > 0);
});
