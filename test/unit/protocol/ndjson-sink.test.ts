import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createRedactor } from '../../../src/config/redact.js';
import { NdjsonSink } from '../../../src/protocol/ndjson-sink.js';

/** A slow reader: takes one chunk per release() call. */
function slowWritable(highWaterMark: number) {
  const chunks: string[] = [];
  const pending: (() => void)[] = [];
  const out = new Writable({
    highWaterMark,
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      pending.push(cb);
    },
  });
  return { out, chunks, release: () => pending.shift()?.() };
}

test('write waits for drain when the reader is slow, and keeps order', async () => {
  const { out, chunks, release } = slowWritable(16);
  const sink = new NdjsonSink(out);
  let resolved = false;
  const first = sink.write({ type: 'LOG', n: 1, pad: 'x'.repeat(32) }).then(() => (resolved = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(resolved, false, 'buffer over highWaterMark: the write must wait');
  release();
  await first;
  assert.equal(resolved, true);
  const more = [2, 3, 4].map((n) => sink.write({ n }));
  for (let i = 0; i < 5; i++) {
    release();
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(more);
  assert.deepEqual(chunks.map((c) => JSON.parse(c).n), [1, 2, 3, 4]);
  assert.ok(chunks.every((c) => c.endsWith('\n') && c.indexOf('\n') === c.length - 1), 'one message per line');
});

test('a closed output rejects the pending write instead of hanging', async () => {
  const { out } = slowWritable(1);
  const sink = new NdjsonSink(out);
  const pending = sink.write({ big: 'y'.repeat(100) });
  out.destroy(new Error('EPIPE'));
  await assert.rejects(pending);
  await assert.rejects(sink.write({ after: true }));
});

test('every line passes through the redactor', async () => {
  const { out, chunks, release } = slowWritable(1 << 20);
  const sink = new NdjsonSink(out, createRedactor(['s3cret']));
  await sink.write({ type: 'LOG', log: { level: 'INFO', message: 'token s3cret leaked' } });
  release();
  assert.equal(chunks.length, 1);
  assert.ok(!chunks[0]!.includes('s3cret'));
  assert.match(chunks[0]!, /token \*\*\* leaked/);
});
