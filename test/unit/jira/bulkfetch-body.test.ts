import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readBulkfetchBody } from '../../../src/jira/bulkfetch-body.js';
import { RawJson } from '../../../src/json/raw-json.js';

const picks = { summary: null, status: 'name' } as const;
const answer = {
  expand: 'schema,names',
  issues: [
    { expand: '', id: '10001', self: 'https://x/rest/api/3/issue/10001', key: 'A-1', fields: { summary: 'One', status: { name: 'Open', id: '1' }, customfield_1: [{ v: 'é' }] } },
    { id: '10002', key: 'A-2', fields: { summary: 'Two "quoted"', status: null } },
  ],
  issueErrors: [{ issueIdOrKey: '10003', errorMessages: ['later'] }],
};

test('bulkfetch body: ids, keys and picks parsed; fields kept as the bytes sent', () => {
  const body = readBulkfetchBody(Buffer.from(JSON.stringify(answer)), picks);
  assert.deepEqual(body.issueErrors, answer.issueErrors);
  assert.deepEqual(body.issues!.map((i) => [i.id, i.key, i.picked]), [
    ['10001', 'A-1', { summary: 'One', status: 'Open' }],
    ['10002', 'A-2', { summary: 'Two "quoted"', status: undefined }],
  ]);
  for (const [n, issue] of body.issues!.entries()) {
    assert.ok(issue.fields instanceof RawJson);
    assert.equal(issue.fields.bytes.toString(), JSON.stringify(answer.issues[n]!.fields));
  }
});

test('bulkfetch body: pretty-printed answers have their fields re-encoded (no line break may reach the output)', () => {
  const body = readBulkfetchBody(Buffer.from(JSON.stringify(answer, null, 2)), picks);
  assert.ok(!(body.issues![0]!.fields instanceof RawJson));
  assert.deepEqual(body.issues![0]!.fields, answer.issues[0]!.fields);
  assert.deepEqual(body.issues![1]!.picked, { summary: 'Two "quoted"', status: undefined });
});

test('bulkfetch body: bytes that are not UTF-8 are decoded (replaced), not passed through', () => {
  const bytes = Buffer.from(JSON.stringify(answer).replace('One', 'O?e'));
  bytes[bytes.indexOf('O?e') + 1] = 0xff;
  const body = readBulkfetchBody(bytes, picks);
  assert.ok(!(body.issues![0]!.fields instanceof RawJson));
  assert.equal(body.issues![0]!.picked.summary, 'O\ufffde');
});

test('bulkfetch body: a truncated answer throws SyntaxError (the HTTP client retries it)', () => {
  const bytes = Buffer.from(JSON.stringify(answer));
  for (let cut = 0; cut < bytes.length; cut += 7) assert.throws(() => readBulkfetchBody(bytes.subarray(0, cut), picks), SyntaxError, `cut at ${cut}`);
  assert.equal(readBulkfetchBody(Buffer.from('{"issueErrors":[]}'), picks).issues, undefined);
});

test('bulkfetch body: omitted fields are picked, then cut out of the bytes kept (first, middle, last, several, all; compact and spaced)', () => {
  const cases: Array<Record<string, unknown>> = [
    { comment: { total: 1 }, x: 1, y: [2] },
    { x: 1, comment: { a: [1, { b: '}' }] }, y: 2 },
    { x: 1, comment: 3 },
    { comment: 1 },
    { comment: 1, worklog: 2, z: 3 },
    { z: 0, comment: 1, worklog: 2 },
    { x: 'no omitted field' },
    {},
  ];
  const omitPicks = { comment: null, worklog: null, x: null } as const;
  for (const fields of cases) {
    const want = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'comment' && k !== 'worklog'));
    const compact = Buffer.from(JSON.stringify({ issues: [{ id: '1', key: 'K-1', fields }] }));
    const issue = readBulkfetchBody(compact, omitPicks, ['comment', 'worklog']).issues![0]!;
    assert.ok(issue.fields instanceof RawJson);
    assert.equal(issue.fields.bytes.toString(), JSON.stringify(want), JSON.stringify(fields));
    assert.deepEqual(issue.picked.comment, fields.comment);
    // Spaces (no line breaks) between the tokens: the bytes kept still parse to the same object.
    const spaced = Buffer.from(JSON.stringify({ issues: [{ id: '1', key: 'K-1', fields }] }).replace(/([,:{])/g, '$1 ').replace(/,/g, ' ,'));
    const fromSpaced = readBulkfetchBody(spaced, omitPicks, ['comment', 'worklog']).issues![0]!;
    assert.deepEqual(JSON.parse((fromSpaced.fields as RawJson).bytes.toString()), want, `spaced ${JSON.stringify(fields)}`);
  }
});

test('bulkfetch body: the typed columns text buffer, sized from the last answer, grows when an answer has far more text', async () => {
  const { columnReader } = await import('../../../src/jira/custom-field-kinds.js');
  const { RawMembers } = await import('../../../src/json/raw-json.js');
  const typed = { summary: null, customfield_1: columnReader('string', 'note') };
  const issues = (n: number, note: (i: number) => string | null, filler: string) =>
    ({ issues: Array.from({ length: n }, (_, i) => ({ id: String(i), key: `A-${i}`, fields: { summary: 's', customfield_1: note(i), description: filler } })) });
  // First little text per body byte, then a lot: the second answer's buffer starts too small.
  const answers = [issues(20, () => 'x', 'y'.repeat(5000)), issues(50, (i) => `${i}:${'z'.repeat(3000)}`, ''), issues(5, (i) => (i % 2 ? null : 'é"\\'), '')];
  for (const answer of answers) {
    const body = readBulkfetchBody(Buffer.from(JSON.stringify(answer)), typed);
    body.issues!.forEach((issue, n) => {
      assert.ok(issue.members instanceof RawMembers);
      assert.deepEqual(issue.members.parsed(), { note: answer.issues[n]!.fields.customfield_1 });
      assert.equal(issue.fields instanceof RawJson ? issue.fields.bytes.toString() : undefined, JSON.stringify(answer.issues[n]!.fields));
    });
  }
});
