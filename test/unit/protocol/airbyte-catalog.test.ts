import { test } from 'node:test';
import assert from 'node:assert/strict';
import { airbyteStream, planFromConfiguredCatalog } from '../../../src/protocol/airbyte-catalog.js';
import { ConnectorError } from '../../../src/errors.js';
import { ScriptedStream, testSchema } from '../../helpers/scripted-stream.js';

const issues = new ScriptedStream('issues', []);
const configured = (over: Record<string, unknown> = {}, schema: unknown = testSchema) => ({
  streams: [{ stream: { name: 'issues', json_schema: schema, supported_sync_modes: ['full_refresh', 'incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', ...over }],
});

test('discovered stream: sync modes, source-defined cursor and key, resumable', () => {
  assert.deepEqual(airbyteStream(issues), {
    name: 'issues',
    json_schema: testSchema,
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_primary_key: [['id']],
    is_resumable: true,
    source_defined_cursor: true,
    default_cursor_field: ['updated'],
  });
});

test('configured catalog becomes a plan; all fields selected means no projection', () => {
  const [p] = planFromConfiguredCatalog(configured(), 'k.json', [issues]);
  assert.equal(p!.stream, issues);
  assert.equal(p!.syncMode, 'incremental');
  assert.equal(p!.fields, undefined);
});

test('field selection comes from json_schema properties; key and cursor are always kept', () => {
  const schema = { type: 'object', properties: { summary: { type: 'string' } } };
  const [p] = planFromConfiguredCatalog(configured({ sync_mode: 'full_refresh' }, schema), 'k.json', [issues]);
  assert.deepEqual([...p!.fields!].sort(), ['id', 'summary', 'updated']);
  assert.equal(p!.syncMode, 'full_refresh');
});

const bad: [string, unknown, RegExp][] = [
  ['not an object', [], /must be a JSON object with a "streams" list/],
  ['no stream name', { streams: [{ sync_mode: 'incremental' }] }, /streams\[0\] has no stream\.name/],
  ['unknown stream (CAT)', { streams: [{ stream: { name: '__AIRBYTE__stream_that_does_not_exist', json_schema: {} }, sync_mode: 'INVALID' }] }, /stream "__AIRBYTE__stream_that_does_not_exist" is not offered by this source \(it offers: issues\)/],
  ['bad sync_mode', configured({ sync_mode: 'INVALID' }), /invalid sync_mode; use "full_refresh" or "incremental"/],
  ['listed twice', { streams: [...configured().streams, ...configured().streams] }, /listed twice/],
];
for (const [name, value, expected] of bad) {
  test(`bad catalog (${name}) names the file and the fix`, () => {
    assert.throws(
      () => planFromConfiguredCatalog(value, 'k.json', [issues]),
      (err: unknown) => err instanceof ConnectorError && err.failureType === 'config_error' && err.message.startsWith('Catalog file k.json: ') && expected.test(err.message),
    );
  });
}

test('incremental on a stream without a cursor is read in full, with a note saying so (as the Airbyte CDK does)', () => {
  const noCursor = Object.assign(new ScriptedStream('projects', []), { cursorField: undefined });
  const catalog = { streams: [{ stream: { name: 'projects', json_schema: {} }, sync_mode: 'incremental' }] };
  const [p] = planFromConfiguredCatalog(catalog, 'k.json', [noCursor]);
  assert.equal(p!.syncMode, 'full_refresh');
  assert.match(p!.note!, /^projects: the catalog asks for incremental, but the stream has no cursor: it is read in full$/);
});
