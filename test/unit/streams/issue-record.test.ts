import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { issueRecord } from '../../../src/streams/issue-record.js';
import { issuesStream } from '../../../src/streams/issues.js';
import { allStreams } from '../../../src/streams/registry.js';

const issue = {
  id: '10042',
  key: 'ABC-7',
  fields: {
    updated: '2026-01-18T23:45:00.123+0545',
    created: '2025-12-31T20:00:00.000-0700',
    summary: 'It broke',
    status: { name: 'In Progress' },
    assignee: null,
    reporter: { displayName: 'Ada' },
    labels: ['x', 'y'],
    project: { key: 'ABC' },
    issuetype: { name: 'Bug' },
    priority: { name: 'High' },
    customfield_10010: 3,
  },
};

test('issue record: flat columns, UTC RFC 3339 times from +0545 offsets, raw fields kept', () => {
  const r = issueRecord(issue, 'https://acme.atlassian.net/');
  assert.deepEqual({ ...r, fields: undefined }, {
    key: 'ABC-7', id: '10042', updated: '2026-01-18T18:00:00.123Z', created: '2026-01-01T03:00:00.000Z', summary: 'It broke',
    status: 'In Progress', assignee: null, labels: ['x', 'y'], reporter: 'Ada', project: 'ABC', issue_type: 'Bug', priority: 'High',
    url: 'https://acme.atlassian.net/browse/ABC-7', fields: undefined,
  });
  assert.equal((r.fields as Record<string, unknown>).customfield_10010, 3);
});

test('issues schema compiles, declares id/updated, and accepts mapped records (also with missing fields)', () => {
  const ajv = new Ajv.default({ strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(issuesStream.schema);
  assert.ok(validate(issueRecord(issue, 'https://x')), JSON.stringify(validate.errors));
  assert.ok(validate(issueRecord({ id: '1', key: 'A-1', fields: {} }, 'https://x')), JSON.stringify(validate.errors));
  assert.deepEqual(issuesStream.primaryKey, [['id']]);
  assert.deepEqual(issuesStream.cursorField, ['updated']);
  const props = (issuesStream.schema as { properties: Record<string, { type: unknown }> }).properties;
  assert.equal(props.id!.type, 'string');
  assert.deepEqual(props.updated!.type, ['string', 'null']);
  assert.deepEqual(allStreams().map((s) => s.name), ['issues']);
});
