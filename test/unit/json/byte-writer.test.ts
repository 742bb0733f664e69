import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteWriter } from '../../../src/json/byte-writer.js';

const viewOf = (b: Buffer) => new DataView(b.buffer, b.byteOffset, b.length);

test('byte-writer: copies of every length at every alignment (words, tail bytes, native above 96) equal the source, across growth', () => {
  // The source sits at an odd offset in its ArrayBuffer, as a body's bytes may.
  const backing = Buffer.alloc(400);
  const src = backing.subarray(3, 303);
  for (let i = 0; i < src.length; i++) src[i] = (i * 37 + 11) & 0xff;
  const words = viewOf(src);
  const w = new ByteWriter(16); // small: it grows many times
  const expected: Buffer[] = [];
  for (let n = 0; n <= 130; n++) {
    for (const start of [0, 1, 2, 3, 5]) {
      w.copy(src, words, start, start + n);
      expected.push(src.subarray(start, start + n));
      const piece = Buffer.from([n & 0xff, 0x2c, 0x22]);
      w.put(piece);
      expected.push(piece);
    }
  }
  assert.deepEqual(w.buf.subarray(0, w.pos), Buffer.concat(expected));
});
