import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFromSingerCatalog, singerCatalog } from '../../../src/protocol/singer-catalog.js';
import { parseSingerState, bookmarkOf } from '../../../src/protocol/singer-state.js';
import { ScriptedStream } from '../../helpers/scripted-stream.js';

const issues = new ScriptedStream('issues', []);

function discovered(): Record<string, any> {
  return structuredClone(singerCatalog([issues]));
}

function select(catalog: Record<string, any>, value: unknown = true): Record<string, any> {
  catalog.streams[0].metadata.find((m: any) => m.breadcrumb.length === 0).metadata.selected = value;
  return catalog;
}

test('discovered catalog carries the standard Singer metadata', () => {
  const [entry] = discovered().streams;
  assert.equal(entry.tap_stream_id, 'issues');
  assert.equal(entry.stream, 'issues');
  assert.deepEqual(entry.key_properties, ['id']);
  const top = entry.metadata.find((m: any) => m.breadcrumb.length === 0).metadata;
  assert.deepEqual(top, {
    'table-key-properties': ['id'],
    'valid-replication-keys': ['updated'],
    'forced-replication-method': 'INCREMENTAL',
    inclusion: 'available',
    'selected-by-default': true,
  });
  const field = (f: string) => entry.metadata.find((m: any) => m.breadcrumb[1] === f).metadata.inclusion;
  assert.equal(field('id'), 'automatic');
  assert.equal(field('updated'), 'automatic');
  assert.equal(field('summary'), 'available');
  assert.equal(entry.metadata.length, 1 + Object.keys(entry.schema.properties).length);
});

test('only streams selected at breadcrumb [] sync; "true" as a string counts', () => {
  assert.equal(planFromSingerCatalog(discovered(), 'c', [issues]).length, 0);
  assert.equal(planFromSingerCatalog(select(discovered(), false), 'c', [issues]).length, 0);
  assert.equal(planFromSingerCatalog(select(discovered(), true), 'c', [issues]).length, 1);
  assert.equal(planFromSingerCatalog(select(discovered(), 'true'), 'c', [issues]).length, 1);
  const legacy = discovered();
  legacy.streams[0].schema = { ...legacy.streams[0].schema, selected: true };
  legacy.streams[0].metadata = undefined;
  assert.equal(planFromSingerCatalog(legacy, 'c', [issues]).length, 1);
});

test('deselected fields are dropped, automatic ones kept even when deselected', () => {
  const catalog = select(discovered());
  for (const m of catalog.streams[0].metadata) if (m.breadcrumb.length === 2) m.metadata.selected = false;
  const [p] = planFromSingerCatalog(catalog, 'c', [issues]);
  assert.deepEqual([...p!.fields!].sort(), ['id', 'updated']);
  assert.equal(p!.syncMode, 'incremental');
});

test('an unknown selected stream is an error naming the file; an unknown unselected one is ignored', () => {
  const catalog = select(discovered());
  catalog.streams.push({ tap_stream_id: 'sprints', stream: 'sprints', schema: {}, metadata: [{ breadcrumb: [], metadata: { selected: true } }] });
  assert.throws(() => planFromSingerCatalog(catalog, 'cat.json', [issues]), /^ConnectorError: Catalog file cat\.json: stream "sprints" is not offered by this tap/);
  catalog.streams[1].metadata[0].metadata.selected = false;
  assert.equal(planFromSingerCatalog(catalog, 'cat.json', [issues]).length, 1);
});

test('malformed catalogs are one clear error', () => {
  assert.throws(() => planFromSingerCatalog([], 'c.json', [issues]), /Catalog file c\.json: must be a JSON object with a "streams" list/);
  assert.throws(() => planFromSingerCatalog({ streams: [{}] }, 'c.json', [issues]), /streams\[0\] has no tap_stream_id/);
  assert.throws(() => planFromSingerCatalog({ streams: [{ tap_stream_id: 'issues', metadata: {} }] }, 'c.json', [issues]), /malformed metadata/);
});

test('Singer state: bare value, pasted STATE message, bad shapes', () => {
  const S = { cursor: 'x' };
  assert.deepEqual(bookmarkOf(parseSingerState({ bookmarks: { issues: S } }, 's'), 'issues'), S);
  assert.deepEqual(bookmarkOf(parseSingerState({ type: 'STATE', value: { bookmarks: { issues: S } } }, 's'), 'issues'), S);
  assert.equal(bookmarkOf(parseSingerState({}, 's'), 'issues'), undefined);
  assert.equal(bookmarkOf(parseSingerState({ bookmarks: { issues: {} } }, 's'), 'issues'), undefined);
  assert.throws(() => parseSingerState([], 's.json'), /State file s\.json: must be a JSON object/);
  assert.throws(() => parseSingerState({ bookmarks: [] }, 's.json'), /"bookmarks" must be a JSON object/);
  assert.throws(() => parseSingerState({ bookmarks: { issues: 'x' } }, 's.json'), /bookmark of stream "issues" must be a JSON object; delete the state/);
});
