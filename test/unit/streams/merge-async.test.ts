import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergePool } from '../../../src/streams/merge-async.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

const live = { now: 0, most: 0 };

async function* source(name: string, n: number, log: string[]) {
  log.push(`open ${name}`);
  live.most = Math.max(live.most, ++live.now);
  try {
    for (let i = 0; i < n; i++) {
      await tick();
      yield `${name}${i}`;
    }
  } finally {
    live.now--;
  }
}

test('mergePool: every item of every source once, each source in order, at most width open, opened in order', async () => {
  const log: string[] = [];
  const names = ['a', 'b', 'c', 'd'];
  const seen: string[] = [];
  let done = 0;
  for await (const m of mergePool(4, (i) => source(names[i]!, 3 + i, log), 2)) {
    if (m.done) done++;
    else seen.push(m.value);
  }
  assert.equal(done, 4);
  assert.equal(live.most, 2);
  assert.deepEqual(log, ['open a', 'open b', 'open c', 'open d']);
  for (const [i, name] of names.entries()) {
    assert.deepEqual(seen.filter((x) => x.startsWith(name)), Array.from({ length: 3 + i }, (_, k) => `${name}${k}`));
  }
});

test('mergePool: an error from one source ends the merge with it and closes the others', async () => {
  let closed = false;
  async function* slow() {
    try {
      for (;;) {
        await tick();
        yield 'x';
      }
    } finally {
      closed = true;
    }
  }
  async function* failing(): AsyncGenerator<string> {
    await tick();
    await tick();
    throw new Error('boom');
  }
  await assert.rejects(async () => {
    for await (const _ of mergePool(2, (i) => (i === 0 ? slow() : failing()), 2)) void _;
  }, /boom/);
  assert.equal(closed, true);
});
