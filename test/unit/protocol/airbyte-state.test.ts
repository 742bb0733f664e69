import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAirbyteState } from '../../../src/protocol/airbyte-state.js';
import { ConnectorError } from '../../../src/errors.js';

const S = { cursor: '2024-01-01T00:00:00.000Z' };
const stream = (name: string, state: unknown) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state } });

test('array form, [] and null', () => {
  assert.deepEqual([...parseAirbyteState([stream('issues', S)], 'f')], [['issues', S]]);
  assert.equal(parseAirbyteState([], 'f').size, 0);
  assert.equal(parseAirbyteState(null, 'f').size, 0);
});

test('legacy object, data blob, GLOBAL, single message and pasted STATE envelopes', () => {
  assert.deepEqual(parseAirbyteState({ issues: S }, 'f').get('issues'), S);
  assert.deepEqual(parseAirbyteState({ data: { issues: S } }, 'f').get('issues'), S);
  assert.deepEqual(parseAirbyteState([{ type: 'LEGACY', data: { issues: S } }], 'f').get('issues'), S);
  assert.deepEqual(
    parseAirbyteState([{ type: 'GLOBAL', global: { shared_state: {}, stream_states: [{ stream_descriptor: { name: 'issues' }, stream_state: S }] } }], 'f').get('issues'),
    S,
  );
  assert.deepEqual(parseAirbyteState(stream('issues', S), 'f').get('issues'), S);
  assert.deepEqual(parseAirbyteState([{ type: 'STATE', state: stream('issues', S) }], 'f').get('issues'), S);
});

test('null and empty stream states mean "no state" (reset)', () => {
  assert.equal(parseAirbyteState([stream('issues', null)], 'f').size, 0);
  assert.equal(parseAirbyteState([stream('issues', {})], 'f').size, 0);
  assert.equal(parseAirbyteState({ issues: null }, 'f').size, 0);
});

const bad: [string, unknown, RegExp][] = [
  ['a string', 'x', /must be a JSON list or object/],
  ['entry not an object', [1], /entry 0 is not a JSON object/],
  ['entry of unknown shape', [{ foo: 1 }], /entry 0 is not an Airbyte state message/],
  ['STREAM without descriptor', [{ type: 'STREAM', stream: { stream_state: S } }], /needs stream\.stream_descriptor/],
  ['descriptor without name', [{ type: 'STREAM', stream: { stream_descriptor: {}, stream_state: S } }], /has no name/],
  ['GLOBAL without stream_states', [{ type: 'GLOBAL', global: {} }], /needs global\.stream_states/],
  ['stream state a string', [stream('issues', 'cursor')], /state of stream "issues" must be a JSON object; delete the state/],
  ['legacy value a number', { issues: 3 }, /state of stream "issues" must be a JSON object/],
];
for (const [name, value, expected] of bad) {
  test(`bad state (${name}) names the file and the fix`, () => {
    assert.throws(
      () => parseAirbyteState(value, '/tmp/state.json'),
      (err: unknown) => err instanceof ConnectorError && err.failureType === 'config_error' && /^State file \/tmp\/state\.json: /.test(err.message) && expected.test(err.message),
    );
  });
}
