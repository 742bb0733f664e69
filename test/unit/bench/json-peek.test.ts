import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peekJson } from '../../../bench/json-peek.js';

const peek = (text: string, path: string[]) => peekJson(Buffer.from(text), path);

test('peekJson reads a nested primitive without looking past it', () => {
  const line = '{"type":"RECORD","record":{"stream":"issues","data":{"key":"A-1","id":"10001"}}}';
  assert.equal(peek(line, ['type']), 'RECORD');
  assert.equal(peek(line, ['record', 'data', 'id']), '10001');
  assert.equal(peek(line, ['record', 'stream']), 'issues');
  // The tail is never read, so a line cut after the id still answers.
  assert.equal(peek(line.slice(0, line.indexOf('10001') + 6), ['record', 'data', 'id']), '10001');
});

test('peekJson skips strings with escapes and nested values, and decodes the answer', () => {
  const line = '{"a":{"id":"no"},"b":["}",{"c":"\\"{"}],"id":"\\u00e9t\\u00e9"}';
  assert.equal(peek(line, ['id']), 'été');
  assert.equal(peek('{"n": -12 }', ['n']), '-12');
});

test('peekJson answers undefined for absent keys, non-primitives and broken text', () => {
  assert.equal(peek('{"a":1}', ['b']), undefined);
  assert.equal(peek('{"a":{"b":1}}', ['a']), undefined);
  assert.equal(peek('{"a":true}', ['a']), undefined);
  assert.equal(peek('[1,2]', ['a']), undefined);
  assert.equal(peek('{"a":"unterminated', ['a']), undefined);
});
