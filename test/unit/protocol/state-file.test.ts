// Every shape a --state file may have, as each front reads it: which protocol it is, which stream
// states it yields, and what the front says about it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStateFile, stateFileMessages, type StateProtocol } from '../../../src/protocol/state-file.js';
import { ConnectorError } from '../../../src/errors.js';
import type { PlannedStream } from '../../../src/source.js';
import type { Stream } from '../../../src/streams/stream.js';

const S = { cursor: '2026-01-01T00:00:00.000Z' };
const S2 = { cursor: '2026-02-01T00:00:00.000Z' };
const stream = (name: string, state: unknown) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state } });
const issues = { name: 'issues', primaryKey: [['id']], cursorField: ['updated'], schema: {}, read: () => (async function* () {})() } as unknown as Stream;
const plan: PlannedStream[] = [{ stream: issues, syncMode: 'incremental' }];

const shapes: Array<[string, unknown, StateProtocol | undefined, object | undefined]> = [
  ['Airbyte list', [stream('issues', S)], 'airbyte', S],
  ['Airbyte STATE envelope', { type: 'STATE', state: stream('issues', S) }, 'airbyte', S],
  ['Airbyte GLOBAL', { type: 'GLOBAL', global: { shared_state: {}, stream_states: [{ stream_descriptor: { name: 'issues' }, stream_state: S }] } }, 'airbyte', S],
  ['Airbyte legacy object', { issues: S }, 'airbyte', S],
  ['Airbyte legacy data blob', { data: { issues: S } }, 'airbyte', S],
  ['Singer state', { bookmarks: { issues: S }, currently_syncing: null }, 'singer', S],
  ['Singer STATE message', { type: 'STATE', value: { bookmarks: { issues: S } } }, 'singer', S],
  ['Singer {"value": …}', { value: { bookmarks: { issues: S } } }, 'singer', S],
  ['Meltano state get', { singer_state: { bookmarks: { issues: S } } }, 'singer', S],
  ['empty list', [], undefined, undefined],
  ['empty object', {}, undefined, undefined],
  ['null', null, undefined, undefined],
];
for (const [name, value, protocol, state] of shapes) {
  test(`state file shape: ${name}`, () => {
    const parsed = parseStateFile({ value }, 'f');
    assert.equal(parsed.protocol, protocol);
    assert.deepEqual(parsed.streams.get('issues'), state);
  });
}

test('a run\'s output: the last STATE of each stream (Airbyte), the last STATE value (Singer); a cut-off last line is noted', () => {
  const airbyte = parseStateFile({ lines: [{ type: 'LOG', log: {} }, { type: 'STATE', state: stream('issues', S) }, { type: 'RECORD', record: {} }, { type: 'STATE', state: stream('issues', S2) }], cutShort: true }, 'out');
  assert.equal(airbyte.protocol, 'airbyte');
  assert.deepEqual(airbyte.streams.get('issues'), S2);
  assert.match(airbyte.notes[0]!, /a run's output \(4 lines and a last line cut short, which was dropped\)/);
  const singer = parseStateFile({ lines: [{ type: 'SCHEMA' }, { type: 'STATE', value: { bookmarks: { issues: S } } }, { type: 'STATE', value: { bookmarks: { issues: S2 } } }], cutShort: false }, 'out');
  assert.equal(singer.protocol, 'singer');
  assert.deepEqual(singer.singer, { bookmarks: { issues: S2 } });
  // A later reset (null) replaces an earlier state.
  assert.equal(parseStateFile({ lines: [{ type: 'STATE', state: stream('issues', S) }, { type: 'STATE', state: stream('issues', null) }], cutShort: false }, 'o').streams.size, 0);
});

test('a run\'s output without any STATE, or a scalar, is a config_error naming the fix', () => {
  const isConfigError = (re: RegExp) => (e: unknown) => e instanceof ConnectorError && e.failureType === 'config_error' && re.test(e.message);
  assert.throws(() => parseStateFile({ lines: [{ type: 'LOG' }, { type: 'RECORD' }], cutShort: false }, 'out'), isConfigError(/no STATE message; pass the output of a run that emitted STATE lines/));
  assert.throws(() => parseStateFile({ value: { type: 'RECORD', record: {} } }, 'out'), isConfigError(/no STATE message/));
  assert.throws(() => parseStateFile({ value: 'x' }, 'f'), isConfigError(/holds a JSON string, not a state/));
});

test('the front says when the shape is the other protocol\'s, names unknown streams and planned streams without state', () => {
  const say = (value: unknown, front: StateProtocol) => stateFileMessages(parseStateFile({ value }, 'f'), front, plan, [issues], 'f');
  assert.deepEqual(say([stream('issues', S)], 'airbyte'), { info: [], warn: [] });
  assert.deepEqual(say({ bookmarks: { issues: S } }, 'singer'), { info: [], warn: [] });
  assert.match(say({ bookmarks: { issues: S } }, 'airbyte').warn.join('\n'), /is a Singer state \(\{"bookmarks": …\}\), not Airbyte state: its bookmarks are used/);
  assert.match(say({ issues: S }, 'singer').warn.join('\n'), /is an Airbyte legacy state .*, not Singer state: its stream states are used as bookmarks/);
  const typo = say({ isues: S }, 'airbyte').warn;
  assert.equal(typo.length, 2);
  assert.match(typo[0]!, /the state of stream "isues" is ignored: this source has no such stream \(it offers: issues\)/);
  assert.match(typo[1]!, /holds no state for stream issues; it is read from start_date/);
  const global = { type: 'GLOBAL', global: { shared_state: { cursor: 1 }, stream_states: [{ stream_descriptor: { name: 'issues' }, stream_state: S }] } };
  assert.match(say(global, 'airbyte').warn.join('\n'), /shared_state is ignored/);
  assert.deepEqual(say([], 'airbyte'), { info: [], warn: [] }, 'an empty state is a deliberate fresh start');
});
