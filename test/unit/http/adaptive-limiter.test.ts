import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveLimiter } from '../../../src/http/adaptive-limiter.js';

function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return { clock: () => now, sleep: async (ms: number) => { sleeps.push(ms); now += ms; }, sleeps };
}

test('limiter: never more in flight than the limit; a priority request takes the next free slot before waiting ones', async () => {
  const t = fakeTime();
  const l = new AdaptiveLimiter(3, t.clock, t.sleep);
  let inFlight = 0;
  let peak = 0;
  const order: string[] = [];
  const work = async (name: string, priority: boolean) => {
    await l.acquire(priority);
    order.push(name);
    peak = Math.max(peak, ++inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight--;
    l.release();
  };
  const ordinary = Array.from({ length: 20 }, (_, i) => work(`o${i}`, false));
  await new Promise((r) => setImmediate(r));
  assert.equal(inFlight, 3, 'every slot is used, none kept idle');
  const priority = work('search', true);
  await Promise.all([...ordinary, priority]);
  assert.equal(peak, 3);
  assert.deepEqual(order.slice(0, 4), ['o0', 'o1', 'o2', 'search'], 'the search request jumped the 17 waiting ones');
});

test('limiter: a 429 halves concurrency and pauses every later acquire; successes grow it back', async () => {
  const t = fakeTime();
  const l = new AdaptiveLimiter(8, t.clock, t.sleep);
  l.onRateLimited(1500);
  assert.equal(l.currentLimit, 4);
  await l.acquire();
  assert.deepEqual(t.sleeps, [1500], 'the next request waited for the pause');
  l.release();
  await l.acquire();
  assert.deepEqual(t.sleeps, [1500], 'no wait once the pause has passed');
  l.release();
  l.onRateLimited(1000);
  l.onRateLimited(1000);
  assert.equal(l.currentLimit, 2, 'refusals within one pause halve once');
  await l.acquire();
  l.release();
  l.onRateLimited(0);
  l.onRateLimited(0);
  assert.equal(l.currentLimit, 1, 'never below one');
  for (let i = 0; i < 1 + 2 + 3 + 4; i++) l.onSuccess();
  assert.equal(l.currentLimit, 5);
  for (let i = 0; i < 100; i++) l.onSuccess();
  assert.equal(l.currentLimit, 8, 'never above the configured maximum');
});
