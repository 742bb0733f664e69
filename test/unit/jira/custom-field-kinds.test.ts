// Each Jira custom field type -> its column value, from the value Jira sends (Cloud and Data Center
// shapes), and a value of another shape -> MISMATCH. The byte reader's picks give the same values as
// the parsed issue (Cloud bulkfetch bodies vs Data Center search pages).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adfText, KINDS, kindOf, MISMATCH, readerOf, type Kind } from '../../../src/jira/custom-field-kinds.js';
import { readBulkfetchBody } from '../../../src/jira/bulkfetch-body.js';
import { partsOfParsedIssue, readerNames, type FieldPicks } from '../../../src/jira/issue-parts.js';

const T = 'com.atlassian.jira.plugin.system.customfieldtypes:';
const user = { self: 'https://x/user', accountId: '5b10a2844c20165700ede21g', displayName: 'Ada', avatarUrls: { '48x48': 'a' }, active: true };
const dcUser = { self: 'https://x/user', key: 'JIRAUSER10001', name: 'ada', displayName: 'Ada', active: true };
const option = (value: string) => ({ self: 'https://x/opt', value, id: '1' });
const doc = {
  type: 'doc',
  version: 1,
  content: [
    { type: 'paragraph', content: [{ type: 'text', text: 'Hello ', marks: [{ type: 'strong' }] }, { type: 'text', text: 'world' }, { type: 'hardBreak' }, { type: 'text', text: 'again' }] },
    { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }] }] },
  ],
};

/** [Jira schema, a value Jira sends, the column value, a value of another shape] */
const CASES: Array<[Record<string, unknown>, unknown, unknown, unknown]> = [
  [{ type: 'number', custom: `${T}float` }, 5.5, 5.5, '5.5'],
  [{ type: 'string', custom: `${T}textfield` }, 'acme', 'acme', { value: 'acme' }],
  [{ type: 'string', custom: `${T}url` }, 'https://a.example', 'https://a.example', 7],
  [{ type: 'string', custom: `${T}textarea` }, doc, 'Hello world\nagain\none', { type: 'paragraph' }],
  [{ type: 'string', custom: `${T}textarea` }, 'h1. wiki *markup*', 'h1. wiki *markup*', ['x']],
  [{ type: 'date', custom: `${T}datepicker` }, '2024-02-29', '2024-02-29', '29/02/2024'],
  [{ type: 'datetime', custom: `${T}datetime` }, '2024-02-29T10:15:00.000+0545', '2024-02-29T04:30:00.000Z', 'yesterday'],
  [{ type: 'option', custom: `${T}select` }, option('Web'), 'Web', [option('Web')]],
  [{ type: 'option', custom: `${T}radiobuttons` }, option('Major'), 'Major', 'Major'],
  [{ type: 'array', items: 'option', custom: `${T}multiselect` }, [option('A'), option('B')], ['A', 'B'], option('A')],
  [{ type: 'array', items: 'option', custom: `${T}multicheckboxes` }, [], [], [1]],
  [{ type: 'option-with-child', custom: `${T}cascadingselect` }, { ...option('Europe'), child: option('North') }, ['Europe', 'North'], { ...option('Europe'), child: 'North' }],
  [{ type: 'option-with-child', custom: `${T}cascadingselect` }, option('Europe'), ['Europe'], 'Europe'],
  [{ type: 'user', custom: `${T}userpicker` }, user, user.accountId, 'ada'],
  [{ type: 'user', custom: `${T}userpicker` }, dcUser, 'JIRAUSER10001', { displayName: 'Ada' }],
  [{ type: 'array', items: 'user', custom: `${T}multiuserpicker` }, [user, dcUser], [user.accountId, 'JIRAUSER10001'], user],
  [{ type: 'array', items: 'string', custom: `${T}labels` }, ['a', 'b'], ['a', 'b'], ['a', 1]],
  [{ type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint' }, [{ id: 12, name: 'S', state: 'closed', boardId: 3 }, { id: 14, name: 'T' }], [12, 14], [{ id: '12' }]],
  [
    { type: 'array', items: 'string', custom: 'com.pyxis.greenhopper.jira:gh-sprint' },
    ['com.atlassian.greenhopper.service.sprint.Sprint@1f2e3d[id=7,rapidViewId=2,state=CLOSED,name=Sprint 1, with comma,goal=a[id=9]]'],
    [7],
    ['Sprint 7'],
  ],
  [{ type: 'version', custom: `${T}version` }, { id: '1', name: '1.0', released: true }, '1.0', ['1.0']],
  [{ type: 'array', items: 'version', custom: `${T}multiversion` }, [{ id: '1', name: '1.0' }], ['1.0'], { name: '1.0' }],
  [{ type: 'group', custom: `${T}grouppicker` }, { name: 'devs', groupId: 'g1' }, 'devs', 'devs'],
  [{ type: 'array', items: 'group', custom: `${T}multigrouppicker` }, [{ name: 'devs' }, { name: 'ops' }], ['devs', 'ops'], [{ groupId: 'g1' }]],
  [{ type: 'project', custom: `${T}project` }, { id: '1', key: 'WEB', name: 'Website' }, 'WEB', 'WEB'],
  [{ type: 'any', custom: 'com.pyxis.greenhopper.jira:gh-lexo-rank' }, '0|i0000f:', '0|i0000f:', 3],
];

test('every Jira type: the kind, the column value of what Jira sends, MISMATCH for another shape', () => {
  for (const [schema, value, column, wrong] of CASES) {
    const kind = kindOf(schema);
    assert.ok(kind, `a kind for ${JSON.stringify(schema)}`);
    assert.deepEqual(KINDS[kind].convert(value), column, `${schema.custom}: ${JSON.stringify(value)}`);
    assert.equal(KINDS[kind].convert(wrong), MISMATCH, `${schema.custom}: ${JSON.stringify(wrong)} does not match`);
  }
});

test('types without a column: their values stay in fields only', () => {
  for (const schema of [{ type: 'any', custom: 'com.tempo:account' }, { type: 'sd-servicelevelagreement' }, { type: 'team', custom: `${T}atlassian-team` }, { type: 'array', items: 'attachment' }, undefined, 'string']) {
    assert.equal(kindOf(schema), undefined, JSON.stringify(schema));
  }
});

test('ADF to text: inline nodes run on, blocks and hard breaks start a line, unknown nodes are walked', () => {
  assert.equal(adfText(doc), 'Hello world\nagain\none');
  assert.equal(adfText({ type: 'doc', content: [] }), '');
  assert.equal(adfText({ type: 'doc', content: [{ type: 'panel', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'in a panel' }] }] }, { type: 'rule' }] }), 'in a panel');
});

test('the byte readers give the same values as the parsed issue: values, nulls and mismatches (Cloud bulkfetch bytes vs Data Center pages)', () => {
  const fields: Record<string, unknown> = { customfield_0: null };
  const picks: Record<string, FieldPicks[string]> = { customfield_0: readerOf('user'), summary: null };
  const expected: Record<string, unknown> = { customfield_0: null };
  CASES.forEach(([schema, value, column, wrong], i) => {
    const reader = readerOf(kindOf(schema) as Kind);
    for (const [suffix, v, want] of [['', value, column], ['w', wrong, MISMATCH]] as const) {
      const id = `customfield_${10000 + i}${suffix}`;
      fields[id] = v;
      picks[id] = reader;
      expected[id] = want;
    }
  });
  fields.summary = 'after them all';
  const issue = { id: '1', key: 'A-1', fields };
  const fromBytes = readBulkfetchBody(Buffer.from(JSON.stringify({ issues: [issue] }, null, 0)), picks).issues![0]!;
  const parsed = partsOfParsedIssue(issue, picks);
  const slot = readerNames(picks);
  for (const [id, want] of Object.entries(expected)) {
    assert.deepEqual(fromBytes.read[slot.indexOf(id)], want, `bytes: ${id} ${JSON.stringify(fields[id])}`);
    assert.deepEqual(parsed.read[slot.indexOf(id)], want, `parsed: ${id} ${JSON.stringify(fields[id])}`);
  }
  assert.equal(fromBytes.picked.summary, 'after them all', 'every value was read past exactly');
});
