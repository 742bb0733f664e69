// The typed columns written as text from bulkfetch bytes (columnReader) say what the value readers
// say of the parsed value (Data Center pages, readerOf): the same column value, null for null or an
// absent field, null plus a counted mismatch for another shape. Rich text included, in its odd layouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnReader, MISMATCH, readerOf, type Kind } from '../../../src/jira/custom-field-kinds.js';
import { readBulkfetchBody } from '../../../src/jira/bulkfetch-body.js';
import { RawMembers, stringifyParts, withMembers } from '../../../src/json/raw-json.js';
import { isoUtc, quotedIsoUtcInto } from '../../../src/jira/jira-time.js';

const user = { self: 'https://x/user', accountId: '5b10a2844c20165700ede21g', avatarUrls: { '48x48': 'a', accountId: 'nested' }, displayName: 'Ada', active: true };
const dcUser = { self: 'https://x/user', key: 'JIRAUSER10001', name: 'ada', displayName: 'Ada' };
const option = (value: string) => ({ self: 'https://x/opt', value, id: '1' });
const text = (t: string, marks?: unknown) => ({ type: 'text', text: t, ...(marks ? { marks } : {}) });
const p = (...content: unknown[]) => ({ type: 'paragraph', content });
const doc = (...content: unknown[]) => ({ type: 'doc', version: 1, content });

const VALUES: Record<Kind, unknown[]> = {
  number: [5.5, 0, -3, 12345678901234, 1e3, 1.5e300, '5', true, [1]],
  string: ['acme', 'quote " back \\ é 😀 \u2028 \u0001', '', 7, { value: 'a' }],
  richText: [
    'h1. wiki *markup*',
    doc(p(text('Hello ', [{ type: 'strong' }]), text('world'), { type: 'hardBreak' }, text('again')), { type: 'bulletList', content: [{ type: 'listItem', content: [p(text('one'))] }] }),
    doc(),
    doc(p(), p(text('')), p(text('after empties')), { type: 'rule' }, p({ type: 'mention', attrs: { id: 'x', text: '@Ada' } }, text(' hi'))),
    doc(p(text('esc "q" \\ \n tab\t é'))),
    doc({ type: 'panel', content: [p(text('in a panel'))] }, 'not a node', p(text('x'))),
    { version: 1, type: 'doc', content: [p(text('type not first'))] },
    doc({ content: [text('content first')], type: 'paragraph' }),
    doc(p(text('a'), text('b')), p({ text: 'no type' })),
    { type: 'paragraph', content: [] },
    ['x'],
    5,
  ],
  date: ['2024-02-29', '29/02/2024', '2024-02-2', 20240229],
  datetime: ['2024-02-29T10:15:00.000+0545', '2024-01-18T23:45:00.123-0700', '2024-03-31T23:59:59.999+0000', '2024-02-29T10:15:00+05:45', 'yesterday', '', 5],
  option: [option('Web'), { value: null, self: 'x' }, { self: 'x' }, { value: 3 }, 'Web', [option('Web')]],
  options: [[option('A'), option('B')], [], [option('A'), 'B'], [option('A'), null], option('A')],
  cascade: [{ ...option('Europe'), child: option('North') }, option('Europe'), { ...option('Europe'), child: 'North' }, 'Europe'],
  user: [user, dcUser, { self: 'x', accountId: null, key: 'K', name: 'n' }, { name: 'n', key: 'K' }, { displayName: 'Ada' }, { accountId: 5 }, 'ada'],
  users: [[user, dcUser], [], [user, 'x'], user],
  strings: [['a', 'b'], [], ['a', 1], 'a'],
  sprints: [[{ id: 12, name: 'S', boardId: 3 }, { id: 14 }], ['com.atlassian.greenhopper.service.sprint.Sprint@1f2e3d[id=7,rapidViewId=2,state=CLOSED]'], [{ id: '12' }], 5],
  version: [{ id: '1', name: '1.0' }, ['1.0'], { id: '1' }],
  versions: [[{ id: '1', name: '1.0' }, { name: '2.0' }], [{ id: '1' }]],
  group: [{ name: 'devs', groupId: 'g' }, 'devs'],
  groups: [[{ name: 'devs' }, { name: 'ops' }], [{ groupId: 'g' }]],
  project: [{ id: '1', key: 'WEB', name: 'Website' }, 'WEB'],
};

test('columns written as text from the bytes equal the value readers\' columns, for every kind and odd shapes', () => {
  for (const [kind, values] of Object.entries(VALUES) as Array<[Kind, unknown[]]>) {
    const picks = { cf: columnReader(kind, 'my column'), other: columnReader('string', 'other_col') };
    for (const value of [...values, null]) {
      const body = Buffer.from(JSON.stringify({ issues: [{ id: '1', key: 'A-1', fields: { summary: 's', cf: value } }] }));
      const issue = readBulkfetchBody(body, picks).issues![0]!;
      const expected = readerOf(kind).fromValue(value);
      const members = (issue.members as RawMembers).parsed();
      const what = `${kind}: ${JSON.stringify(value)}`;
      assert.deepEqual(members['my column'], expected === MISMATCH || expected === undefined ? null : expected, what);
      assert.deepEqual(issue.mismatched, expected === MISMATCH ? ['cf'] : undefined, `${what}: a mismatch is counted`);
      assert.deepEqual([...issue.inMembers!].sort(), ['cf', 'other']);
      assert.equal(members.other_col, null, `${what}: an absent field's column is null`);
      assert.deepEqual(Object.keys(members), ['my column', 'other_col']);
    }
  }
});

test('a record with members is one object to every writer: spliced bytes, JSON.stringify, spread of toJSON', () => {
  const members = new RawMembers(Buffer.from(',"a":1,"b":["x"]'));
  const record = withMembers({ id: '1', fields: { f: 1 } }, members);
  const line = stringifyParts({ type: 'RECORD', record: { data: record } });
  const joined = Buffer.concat(line.map((x) => (typeof x === 'string' ? Buffer.from(x) : x))).toString();
  assert.deepEqual(JSON.parse(joined), { type: 'RECORD', record: { data: { id: '1', fields: { f: 1 }, a: 1, b: ['x'] } } });
  assert.equal(JSON.stringify(record), '{"id":"1","fields":{"f":1},"a":1,"b":["x"]}');
  assert.equal(JSON.stringify(withMembers({ id: '2' }, new RawMembers(Buffer.alloc(0)))), '{"id":"2"}');
});

test('datetimes written as bytes equal isoUtc, across the years', () => {
  const b = Buffer.alloc(26);
  for (let k = 0; k < 2000; k++) {
    const ms = Math.floor(Date.UTC(1000, 0, 1) + ((k * 7919) % 2000) * (Date.UTC(9999, 11, 31) - Date.UTC(1000, 0, 1)) / 2000 + k * 997);
    assert.equal(quotedIsoUtcInto(ms, b, 0), true);
    assert.equal(b.toString('latin1'), JSON.stringify(isoUtc(ms)), String(ms));
  }
  assert.equal(quotedIsoUtcInto(Date.UTC(10000, 0, 1), b, 0), false, 'beyond 9999: the caller takes the other path');
});
