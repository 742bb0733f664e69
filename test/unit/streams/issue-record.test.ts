import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { browseRoot, issueRecord, ISSUE_PICKS } from '../../../src/streams/issue-record.js';
import { partsOfParsedIssue } from '../../../src/jira/issue-parts.js';
import { readBulkfetchBody } from '../../../src/jira/bulkfetch-body.js';
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

const parsed = (i: { id: unknown; key: unknown; fields?: unknown }) => partsOfParsedIssue(i, ISSUE_PICKS);
/** The same issue read the Cloud way: from the bytes of a bulkfetch answer. */
const fromBytes = (i: object) => readBulkfetchBody(Buffer.from(JSON.stringify({ issues: [i], issueErrors: [] })), ISSUE_PICKS).issues![0]!;

test('issue record: flat columns, UTC RFC 3339 times from +0545 offsets, raw fields kept', () => {
  const r = issueRecord(parsed(issue), browseRoot('https://acme.atlassian.net/'));
  assert.deepEqual({ ...r, fields: undefined }, {
    key: 'ABC-7', id: '10042', updated: '2026-01-18T18:00:00.123Z', created: '2026-01-01T03:00:00.000Z', summary: 'It broke',
    status: 'In Progress', assignee: null, labels: ['x', 'y'], reporter: 'Ada', project: 'ABC', issue_type: 'Bug', priority: 'High',
    url: 'https://acme.atlassian.net/browse/ABC-7', fields: undefined,
  });
  assert.equal((r.fields as Record<string, unknown>).customfield_10010, 3);
});

test('issue record: read from bulkfetch bytes it equals the record read from the parsed issue', () => {
  const odd = [
    issue,
    { id: '1', key: 'A-1', fields: {} },
    { id: '2', key: 'A-2', fields: { status: 'Done', assignee: ['x'], reporter: { displayName: 7 }, labels: 'x', summary: null, updated: '' } },
    { id: '3', key: 'A-3', fields: { 'we\"ird': { '}': ']' }, summary: 'quote " backslash \\ tab \t é 😀 \u2028', priority: { name: 'P1', name2: 'no' } } },
    { id: '4', key: 'A-4', fields: { status: { statusCategory: { name: 'nested, not this' }, name: 'Open' } } },
  ];
  for (const i of odd) {
    const a = JSON.parse(JSON.stringify(issueRecord(parsed(i), 'https://x')));
    const b = JSON.parse(JSON.stringify(issueRecord(fromBytes(i), 'https://x')));
    assert.deepEqual(b, a, i.key);
  }
});

test('issues schema compiles, declares id/updated, and accepts mapped records (also with missing fields)', () => {
  const ajv = new Ajv.default({ strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(issuesStream.schema);
  assert.ok(validate(issueRecord(parsed(issue), 'https://x')), JSON.stringify(validate.errors));
  assert.ok(validate(issueRecord(parsed({ id: '1', key: 'A-1', fields: {} }), 'https://x')), JSON.stringify(validate.errors));
  assert.ok(validate(JSON.parse(JSON.stringify(issueRecord(fromBytes(issue), 'https://x')))), JSON.stringify(validate.errors));
  assert.deepEqual(issuesStream.primaryKey, [['id']]);
  assert.deepEqual(issuesStream.cursorField, ['updated']);
  const props = (issuesStream.schema as { properties: Record<string, { type: unknown }> }).properties;
  assert.equal(props.id!.type, 'string');
  assert.deepEqual(props.updated!.type, ['string', 'null']);
  assert.equal(allStreams()[0], issuesStream, 'issues comes first in the registry');
});
