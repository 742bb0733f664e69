import { test } from 'node:test';
import assert from 'node:assert/strict';
import { airbyteConfiguredCatalog, singerSelectedCatalog, withoutTypedColumns } from '../../../bench/catalogs.js';
import { describeColumn } from '../../../src/jira/custom-fields.js';

const typed = { type: ['number', 'null'], description: describeColumn({ id: 'customfield_10016', name: 'Story points', custom: true, schema: { type: 'number' } }) };
const schema = { type: 'object', properties: { id: { type: 'string' }, fields: { type: 'object', description: 'Jira fields as sent' }, story_points: typed } };

test('bench --no-typed-columns: the typed custom-field columns leave both fronts\' catalogs, the base columns stay', () => {
  const airbyte = withoutTypedColumns(airbyteConfiguredCatalog({ streams: [{ name: 'issues', json_schema: schema, supported_sync_modes: ['full_refresh'] }] }));
  assert.deepEqual(Object.keys(airbyte.streams[0].stream.json_schema.properties), ['id', 'fields']);
  const singer = withoutTypedColumns(singerSelectedCatalog({ streams: [{ tap_stream_id: 'issues', stream: 'issues', schema, metadata: [] }] }));
  assert.deepEqual(Object.keys(singer.streams[0].schema.properties), ['id', 'fields']);
  assert.equal(singer.streams[0].stream, 'issues');
  assert.deepEqual(Object.keys(schema.properties), ['id', 'fields', 'story_points'], 'the discovered catalog is not changed');
});
