import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oneByOne } from '../../../src/streams/one-by-one.js';

test('oneByOne: single events and batches handed out one at a time, in order, empty batches skipped', async () => {
  async function* src() {
    yield 'a';
    yield ['b', 'c'];
    yield [];
    await new Promise((r) => setTimeout(r, 1));
    yield ['d'];
    yield 'e';
  }
  const out: string[] = [];
  for await (const e of oneByOne(src())) out.push(e);
  assert.deepEqual(out, ['a', 'b', 'c', 'd', 'e']);
});

test('oneByOne: a failure of the source comes after every event before it', async () => {
  async function* src(): AsyncGenerator<string | string[]> {
    yield ['a', 'b'];
    throw new Error('boom');
  }
  const out: string[] = [];
  await assert.rejects(async () => {
    for await (const e of oneByOne(src())) out.push(e);
  }, /boom/);
  assert.deepEqual(out, ['a', 'b']);
});

test('oneByOne: a consumer that stops closes the source (its finally runs), with the rest of a batch unread', async () => {
  let closed = false;
  let pulled = 0;
  async function* src() {
    try {
      for (let i = 0; ; i++) {
        pulled++;
        yield [`${i}a`, `${i}b`, `${i}c`];
      }
    } finally {
      closed = true;
    }
  }
  const out: string[] = [];
  for await (const e of oneByOne(src())) {
    out.push(e);
    if (out.length === 4) break;
  }
  assert.deepEqual(out, ['0a', '0b', '0c', '1a']);
  assert.equal(closed, true);
  assert.equal(pulled, 2, 'no batch pulled past the one being handed out');
});
