// value() reads null and plain integers without JSON.parse; every other literal still goes through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonBytesReader } from '../../../src/json/json-bytes.js';

test('value(): null, integers, decimals, exponents and big numbers read as JSON.parse reads them; bad spellings still throw', () => {
  for (const text of ['null', '0', '-0', '7', '-12', '13', '123456789012345', '1234567890123456789', '3.5', '-0.25', '1e3', '2E-2', 'true', 'false']) {
    const r = new JsonBytesReader(Buffer.from(`[${text}]`));
    r.firstElement();
    assert.ok(Object.is(r.value(), JSON.parse(text)), text);
  }
  for (const text of ['01', 'nul', 'nulll', '1-']) {
    const r = new JsonBytesReader(Buffer.from(`[${text}]`));
    r.firstElement();
    assert.throws(() => r.value(), SyntaxError, text);
  }
});
