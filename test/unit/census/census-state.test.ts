import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRanges, encodeRanges, hasId, MAX_IDS } from '../../../src/census/id-ranges.js';
import { decodeCensus, encodeCensus } from '../../../src/census/census-codec.js';
import { splitCensus, toldIds } from '../../../src/census/census-state.js';
import { ConnectorError } from '../../../src/errors.js';
import { columnFromFront, columnToFront, deletionMarker, schemaFromFront, schemaToFront, toFront } from '../../../src/protocol/deletion-marker.js';

test('id ranges: dense ids are a few characters, and decode back', () => {
  const ids = [...Array.from({ length: 1000 }, (_, i) => 10_000 + i), 11_001, 11_003, 11_004];
  assert.equal(encodeRanges(ids), '10000-10999,11001,11003-11004');
  assert.deepEqual(decodeRanges(encodeRanges(ids)), ids);
  assert.deepEqual(decodeRanges(''), []);
  assert.ok(hasId(ids, 11_003) && !hasId(ids, 11_002) && !hasId([], 1));
  const hundredK = Array.from({ length: 100_000 }, (_, i) => 10_000 + i).filter((id) => id % 997 !== 0);
  assert.ok(encodeRanges(hundredK).length < 1500, `100k ids with 100 gaps: ${encodeRanges(hundredK).length} characters`);
});

test('id ranges: a malformed or absurd text is refused, naming the part', () => {
  for (const bad of ['x', '5-3', '10,10', '10,9', '1-2,2', '-1', `0-${MAX_IDS + 5}`]) assert.throws(() => decodeRanges(bad), /id range|more than/, bad);
});

test('census codec: ids and each one\'s project round-trip, in about 2 bits an id for 4 projects', () => {
  const byProject = new Map<string, number[]>([['A', []], ['B', []], ['C', []], ['D', []]]);
  for (let id = 10_000; id < 110_000; id++) byProject.get('ABCD'[(id * 7919) % 4]!)!.push(id);
  const enc = encodeCensus(byProject);
  assert.equal(enc.ids, '10000-109999');
  assert.deepEqual(enc.projects, ['A', 'B', 'C', 'D']);
  assert.ok(enc.owners!.length <= 34_000, `owners: ${enc.owners!.length} characters`);
  assert.deepEqual(decodeCensus(enc), byProject);
  const one = encodeCensus(new Map([['X', [5, 6, 9]]]));
  assert.deepEqual(one, { ids: '5-6,9', projects: ['X'] });
  assert.deepEqual(decodeCensus(one), new Map([['X', [5, 6, 9]]]));
  assert.throws(() => decodeCensus({ ...enc, owners: enc.owners!.slice(4) }), /bytes for/);
  assert.throws(() => decodeCensus({ ids: '1-3', projects: ['A', 'B', 'C'], owners: Buffer.from([0xff]).toString('base64') }), /not a project/);
});

test('the census in a state: split from the walk state, merged with `more`; a malformed one is a config error naming the fix', () => {
  const census = { at: '2026-01-01T00:00:00.000Z', ...encodeCensus(new Map([['A', [1, 2]], ['B', [3]]])), more: { A: '7', C: '8-9' } };
  const { walkState, census: parsed } = splitCensus({ cursor: '2026-01-01T00:00:00.000Z', census }, 'issues');
  assert.deepEqual(walkState, { cursor: '2026-01-01T00:00:00.000Z' });
  assert.deepEqual(toldIds(parsed!), new Map([['A', [1, 2, 7]], ['B', [3]], ['C', [8, 9]]]));
  assert.deepEqual(splitCensus({ cursor: 'x' }, 'issues'), { walkState: { cursor: 'x' }, census: undefined });
  for (const bad of [5, { ...census, at: 'soon' }, { ...census, ids: 3 }, { ...census, extra: 1 }, { ...census, more: { A: 'x' } }, { ...census, owners: '!!' }, { ...census, auditDenied: 1 }]) {
    assert.throws(
      () => splitCensus({ census: bad }, 'issues'),
      (e: unknown) => e instanceof ConnectorError && e.failureType === 'config_error' && /malformed "census"/.test(e.message) && /remove the "census" key/.test(e.message),
      JSON.stringify(bad).slice(0, 80),
    );
  }
});

test('the deletion marker: Airbyte\'s name in the streams, Singer\'s on its front, both ways', () => {
  assert.equal(deletionMarker('airbyte'), '_ab_cdc_deleted_at');
  assert.equal(deletionMarker('singer'), '_sdc_deleted_at');
  const record = { id: '1', updated: 't', _ab_cdc_deleted_at: 't' };
  assert.deepEqual(toFront('singer', record), { id: '1', updated: 't', _sdc_deleted_at: 't' });
  assert.equal(toFront('airbyte', record), record);
  const live = { id: '2' };
  assert.equal(toFront('singer', live), live, 'a live record is passed as it is');
  const schema = { type: 'object', properties: { id: {}, _ab_cdc_deleted_at: { type: ['string', 'null'] } } };
  const singer = schemaToFront('singer', schema);
  assert.deepEqual(Object.keys(singer.properties as object), ['id', '_sdc_deleted_at']);
  assert.deepEqual(schemaFromFront('singer', singer), schema);
  assert.equal(columnToFront('singer', '_ab_cdc_deleted_at'), '_sdc_deleted_at');
  assert.equal(columnFromFront('singer', '_sdc_deleted_at'), '_ab_cdc_deleted_at');
  assert.equal(columnFromFront('airbyte', 'id'), 'id');
});
