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

test('stream selection: `selected` wins, else `selected-by-default`, else not selected; "true" as a string counts (issue 13)', () => {
  // The discovered catalog passed back unchanged syncs the default streams.
  assert.equal(planFromSingerCatalog(discovered(), 'c', [issues]).length, 1);
  assert.equal(planFromSingerCatalog(select(discovered(), false), 'c', [issues]).length, 0);
  assert.equal(planFromSingerCatalog(select(discovered(), 'false'), 'c', [issues]).length, 0);
  assert.equal(planFromSingerCatalog(select(discovered(), true), 'c', [issues]).length, 1);
  assert.equal(planFromSingerCatalog(select(discovered(), 'true'), 'c', [issues]).length, 1);
  const noDefault = discovered();
  delete noDefault.streams[0].metadata[0].metadata['selected-by-default'];
  assert.equal(planFromSingerCatalog(noDefault, 'c', [issues]).length, 0, 'no selected, no selected-by-default: not selected');
  const defaultOff = discovered();
  defaultOff.streams[0].metadata[0].metadata['selected-by-default'] = false;
  assert.equal(planFromSingerCatalog(defaultOff, 'c', [issues]).length, 0);
  assert.equal(planFromSingerCatalog(select(defaultOff, true), 'c', [issues]).length, 1);
  const legacy = discovered();
  legacy.streams[0].schema = { ...legacy.streams[0].schema, selected: true };
  legacy.streams[0].metadata = undefined;
  assert.equal(planFromSingerCatalog(legacy, 'c', [issues]).length, 1);
  const legacyOff = discovered();
  legacyOff.streams[0].schema = { ...legacyOff.streams[0].schema, selected: false };
  assert.equal(planFromSingerCatalog(legacyOff, 'c', [issues]).length, 0, 'a schema-level selected: false overrides selected-by-default');
});

test('field selection: `selected` wins, else `selected-by-default`, else the stream; automatic always, unsupported never', () => {
  const fieldsOf = (catalog: Record<string, any>) => [...(planFromSingerCatalog(catalog, 'c', [issues])[0]!.fields ?? ['all'])].sort();
  assert.deepEqual(fieldsOf(discovered()), ['all'], 'every field by default');
  const c = discovered();
  const field = (f: string) => c.streams[0].metadata.find((m: any) => m.breadcrumb[1] === f).metadata;
  field('key')['selected-by-default'] = false; // off by default, nothing else said: dropped
  delete field('summary')['selected-by-default']; // says nothing: follows the (selected) stream
  field('status').inclusion = 'unsupported';
  field('status').selected = true; // unsupported: dropped even when selected
  field('id').selected = false; // automatic: kept even when deselected
  assert.deepEqual(fieldsOf(c), ['id', 'summary', 'updated']);
  field('key').selected = true; // `selected` wins over selected-by-default
  field('summary').selected = 'false';
  assert.deepEqual(fieldsOf(c), ['id', 'key', 'updated']);
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
