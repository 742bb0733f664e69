import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawJson, stringifyParts } from '../../../src/json/raw-json.js';

const raw = (v: unknown) => new RawJson(Buffer.from(JSON.stringify(v)));
const joined = (parts: Array<string | Buffer>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString();

test('raw-json: the bytes are spliced in place, in document order, and mean what the parsed value means', () => {
  const a = { x: [1, 2, { y: 'é"\\' }] };
  const b = ['z', null];
  const message = { type: 'RECORD', record: { data: { id: '1', fields: raw(a), more: [raw(b), 3] }, emitted_at: 5 } };
  const parts = stringifyParts(message);
  assert.equal(parts.filter((p) => Buffer.isBuffer(p)).length, 2, 'both raw values written as bytes');
  const plain = { type: 'RECORD', record: { data: { id: '1', fields: a, more: [b, 3] }, emitted_at: 5 } };
  assert.equal(joined(parts), JSON.stringify(plain));
});

test('raw-json: elsewhere JSON.stringify sees the parsed value', () => {
  assert.equal(JSON.stringify({ f: raw({ a: 1 }) }), '{"f":{"a":1}}');
  assert.deepEqual(stringifyParts({ no: 'raw' }), ['{"no":"raw"}']);
});

test('raw-json: a string that happens to equal the marker does not corrupt the line', () => {
  const marker = '\u0000raw-json\u0000';
  const message = { s: marker, f: raw({ a: 1 }), t: `${marker}${marker}` };
  const parts = stringifyParts(message);
  assert.deepEqual(JSON.parse(joined(parts)), { s: marker, f: { a: 1 }, t: `${marker}${marker}` });
});
