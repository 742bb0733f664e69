// The protocol validators themselves (test/helpers/protocol-checks.ts): they accept conforming
// output and catch each kind of violation, so a green e2e run means something.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { PROTOCOL_SCHEMA_FILE, isStrictRfc3339, validateAirbyteLines, validateSingerLines } from '../helpers/protocol-checks.js';

const schema = {
  type: 'object',
  properties: { id: { type: 'string' }, updated: { type: 'string', format: 'date-time' }, summary: { type: ['null', 'string'] } },
};
const catalog = { streams: [{ name: 'issues', json_schema: schema, supported_sync_modes: ['full_refresh', 'incremental'] }] };
const record = (data: object, emitted_at: number = 1700000000000) => JSON.stringify({ type: 'RECORD', record: { stream: 'issues', data, emitted_at } });

test('the Airbyte protocol schema is kept in the repository', () => {
  assert.ok(existsSync(PROTOCOL_SCHEMA_FILE), `${PROTOCOL_SCHEMA_FILE} is missing: the protocol checks need it`);
});

test('valid Airbyte output passes', () => {
  const lines = [
    JSON.stringify({ type: 'CATALOG', catalog }),
    record({ id: '10001', updated: '2024-01-02T03:04:05.678Z', summary: null }),
    JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'issues' }, stream_state: { updated: 'x' } }, sourceStats: { recordCount: 1 } } }),
    JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: 'done' } }),
    JSON.stringify({ type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: 1.5, stream_status: { stream_descriptor: { name: 'issues' }, status: 'COMPLETE' } } }),
  ];
  assert.deepEqual(validateAirbyteLines(lines), []);
});

test('each kind of Airbyte violation is caught', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['envelope only', JSON.stringify({ type: 'RECORD' }), /payload key "record"/],
    ['payload of another type', JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: 'x' }, record: { stream: 'issues', data: {}, emitted_at: 1 } }), /"record" which does not belong/],
    ['fractional emitted_at', record({ id: '1', updated: '2024-01-02T03:04:05Z' }, 1.5), /not a valid AirbyteMessage/],
    ['PER_STREAM state', JSON.stringify({ type: 'STATE', state: { type: 'PER_STREAM' } }), /not a valid AirbyteMessage/],
    ['legacy state', JSON.stringify({ type: 'STATE', state: { data: {} } }), /expected STREAM or GLOBAL/],
    ['lower-case status', JSON.stringify({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'succeeded' } }), /not a valid AirbyteMessage/],
    ['record against its schema', record({ id: 10001, updated: '2024-01-02T03:04:05Z' }), /does not match the issues json_schema/],
    ['space in a date-time', record({ id: '1', updated: '2024-01-02 03:04:05Z' }), /does not match/],
    ['undeclared field', record({ id: '1', updated: '2024-01-02T03:04:05Z', extra: 1 }), /not declared/],
    ['unknown stream', JSON.stringify({ type: 'RECORD', record: { stream: 'nope', data: {}, emitted_at: 1 } }), /not in the catalog/],
    ['not JSON', 'INFO starting', /not JSON/],
  ];
  for (const [name, line, expected] of cases) {
    const problems = validateAirbyteLines([line], { catalog });
    assert.ok(problems.some((p) => expected.test(p)), `${name}: ${JSON.stringify(problems)}`);
  }
  // Without a catalog, records are checked against the repo's schemas/<stream>.json.
  assert.match(validateAirbyteLines([record({ id: 1 })]).join(), /does not match the issues json_schema/);
  assert.match(validateAirbyteLines([JSON.stringify({ type: 'RECORD', record: { stream: 'nope', data: {}, emitted_at: 1 } })]).join(), /not in the catalog/);
});

test('valid Singer output passes; each kind of Singer violation is caught', () => {
  const schemaMsg = JSON.stringify({ type: 'SCHEMA', stream: 'issues', schema, key_properties: ['id'], bookmark_properties: ['updated'] });
  const rec = (r: object, extra: object = {}) => JSON.stringify({ type: 'RECORD', stream: 'issues', record: r, ...extra });
  const good = [schemaMsg, rec({ id: '1', updated: '2024-01-02T03:04:05.000Z' }, { time_extracted: '2024-01-02T03:04:06.123456Z' }), JSON.stringify({ type: 'STATE', value: { bookmarks: {} } })];
  assert.deepEqual(validateSingerLines(good), []);
  const cases: Array<[string, string[], RegExp]> = [
    ['record before schema', [rec({ id: '1' })], /before any SCHEMA/],
    ['schema without key_properties', [JSON.stringify({ type: 'SCHEMA', stream: 'issues', schema })], /key_properties/],
    ['key not in schema', [JSON.stringify({ type: 'SCHEMA', stream: 'issues', schema, key_properties: ['key'] })], /not a top-level property/],
    ['invalid record', [schemaMsg, rec({ id: 1 })], /does not match/],
    ['lower-case t', [schemaMsg, rec({ id: '1', updated: '2024-01-02t03:04:05Z' })], /does not match/],
    ['no offset', [schemaMsg, rec({ id: '1', updated: '2024-01-02T03:04:05' })], /does not match/],
    ['null key', [schemaMsg, rec({ id: null })], /key property "id"/],
    ['bad time_extracted', [schemaMsg, rec({ id: '1' }, { time_extracted: '2024-01-02 03:04:05' })], /time_extracted/],
    ['state without value', [JSON.stringify({ type: 'STATE' })], /without "value"/],
  ];
  for (const [name, lines, expected] of cases) {
    const problems = validateSingerLines(lines);
    assert.ok(problems.some((p) => expected.test(p)), `${name}: ${JSON.stringify(problems)}`);
  }
});

test('strict RFC 3339 refuses impossible dates and offsets', () => {
  assert.ok(isStrictRfc3339('2024-02-29T23:59:60.5+05:45'));
  for (const bad of ['2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:00:00+0545', '2024-01-01T00:00:00z', '2024-01-01']) {
    assert.equal(isStrictRfc3339(bad), false, bad);
  }
});
