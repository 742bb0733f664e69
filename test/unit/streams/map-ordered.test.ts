import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapOrdered } from '../../../src/streams/map-ordered.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('mapOrdered: results in source order although calls finish out of order, several in flight', async () => {
  let inFlight = 0;
  let peak = 0;
  async function* src() {
    for (let i = 0; i < 20; i++) yield i;
  }
  const out: number[] = [];
  for await (const v of mapOrdered(src(), async (i) => {
    peak = Math.max(peak, ++inFlight);
    await tick((20 - i) % 7);
    inFlight--;
    return i * 10;
  }, 4)) out.push(v);
  assert.deepEqual(out, Array.from({ length: 20 }, (_, i) => i * 10));
  assert.ok(peak > 1 && peak <= 4, `peak ${peak}`);
});

test('mapOrdered: never pulls more than lookahead items ahead of a slow consumer', async () => {
  let pulled = 0;
  async function* src() {
    for (let i = 0; i < 100; i++) {
      pulled++;
      yield i;
    }
  }
  let consumed = 0;
  for await (const _ of mapOrdered(src(), async (i) => i, 5)) {
    consumed++;
    await tick(1);
    assert.ok(pulled - consumed <= 6, `pulled ${pulled} consumed ${consumed}`);
  }
  assert.equal(consumed, 100);
});

test('mapOrdered: a source error comes after every earlier result; a call error stops at its place', async () => {
  async function* failing() {
    yield 1;
    yield 2;
    throw new Error('page failed');
  }
  const out: number[] = [];
  await assert.rejects(async () => {
    for await (const v of mapOrdered(failing(), async (i) => { await tick(5); return i; }, 4)) out.push(v);
  }, /page failed/);
  assert.deepEqual(out, [1, 2]);
  const out2: number[] = [];
  async function* ok() { for (let i = 0; i < 5; i++) yield i; }
  await assert.rejects(async () => {
    for await (const v of mapOrdered(ok(), async (i) => { if (i === 3) throw new Error('fetch 3'); return i; }, 4)) out2.push(v);
  }, /fetch 3/);
  assert.deepEqual(out2, [0, 1, 2]);
});
