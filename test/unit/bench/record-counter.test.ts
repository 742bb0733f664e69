import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordCounter } from '../../../bench/record-counter.js';

test('RecordCounter counts Airbyte records, duplicates and errors across chunk borders', () => {
  const c = new RecordCounter('airbyte');
  const lines = [
    { type: 'RECORD', record: { stream: 'issues', data: { id: '1', key: 'A-1' }, emitted_at: 1 } },
    { type: 'RECORD', record: { stream: 'issues', data: { id: '2' }, emitted_at: 1 } },
    { type: 'RECORD', record: { stream: 'issues', data: { id: '1' }, emitted_at: 2 } },
    { type: 'STATE', state: {} },
    { type: 'TRACE', trace: { type: 'ERROR', emitted_at: 3, error: { message: 'boom' } } },
  ];
  const text = Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\nnot json\n€');
  // Split inside a multi-byte character and inside lines.
  for (let i = 0; i < text.length; i += 7) c.push(text.subarray(i, i + 7));
  const r = c.end();
  assert.equal(r.records, 3);
  assert.equal(r.uniqueIds, 2);
  assert.equal(r.states, 1);
  assert.equal(r.errors, 1);
  assert.equal(r.firstError, 'boom');
  assert.equal(r.badLines, 2);
  assert.equal(r.bytes, text.length);
});

test('RecordCounter reads Singer records of the issues stream only', () => {
  const c = new RecordCounter('singer');
  c.push(Buffer.from(JSON.stringify({ type: 'RECORD', stream: 'issues', record: { id: '7' } }) + '\n'));
  c.push(Buffer.from(JSON.stringify({ type: 'RECORD', stream: 'projects', record: { id: '7' } }) + '\n'));
  assert.equal(c.end().records, 1);
});

test('RecordCounter finds ids wherever the fields sit, and flags a malformed record line', () => {
  const c = new RecordCounter('airbyte');
  const lines = [
    '{"type":"RECORD","record":{"emitted_at":1,"data":{"fields":{"id":"nested","x":[{"id":"deep"}]},"key":"A-1","id":"42"},"stream":"issues"}}',
    '{ "type" : "RECORD" , "record" : { "stream" : "issues" , "data" : { "s" : "a \\"quoted\\" } {", "id" : 43 } } }',
    '{"type":"RECORD","record":{"stream":"issues","data":{"id":"44"',
  ];
  c.push(Buffer.from(lines.join('\n') + '\n'));
  const r = c.end();
  assert.equal(r.records, 2);
  assert.equal(r.uniqueIds, 2);
  assert.equal(r.badLines, 1);
});

test("RecordCounter with stream '*' counts every stream's records, keyed or not", () => {
  const lines = [
    { type: 'RECORD', record: { stream: 'projects', data: { id: '1' }, emitted_at: 1 } },
    { type: 'RECORD', record: { stream: 'board_columns', data: { board_id: 1, position: 0 }, emitted_at: 1 } },
    { type: 'RECORD', record: { stream: 'projects', data: { id: '1' }, emitted_at: 1 } },
    { type: 'STATE', state: {} },
  ];
  const c = new RecordCounter('airbyte', '*');
  c.push(Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
  const counts = c.end();
  assert.equal(counts.records, 3);
  assert.deepEqual(counts.byStream, { projects: 2, board_columns: 1 });
  assert.equal(counts.states, 1);
});
