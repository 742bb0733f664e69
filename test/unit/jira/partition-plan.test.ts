import { test } from 'node:test';
import assert from 'node:assert/strict';
import { halvingEdges, leafCuts, planLeaves, uniformEdges } from '../../../src/jira/partition-plan.js';

const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]!);

test('halving edges cover the range, strictly increasing, gaps halving towards the upper bound', () => {
  const e = halvingEdges(0, 1 << 20, 16);
  assert.equal(e[0], 0);
  assert.equal(e.at(-1), 1 << 20);
  assert.ok(increasing(e));
  assert.deepEqual(e.slice(0, 4), [0, 1 << 19, (1 << 19) + (1 << 18), (1 << 19) + (1 << 18) + (1 << 17)]);
  // A span of a few milliseconds gives fewer, still distinct, edges.
  assert.deepEqual(halvingEdges(10, 13, 16), [10, 12, 13]);
});

test('uniform edges cover the range and never repeat an edge', () => {
  assert.deepEqual(uniformEdges(0, 100, 4), [0, 25, 50, 75, 100]);
  assert.deepEqual(uniformEdges(0, 2, 4), [0, 1, 2]);
});

test('leaf cuts: no leaf above leafRows by the counts, empty buckets merged, heavy buckets cut evenly', () => {
  const buckets = [
    { lower: 0, upper: 100, count: 0 },
    { lower: 100, upper: 200, count: 1000 },
    { lower: 200, upper: 300, count: 1000 },
    { lower: 300, upper: 400, count: 1000 },
    { lower: 400, upper: 1200, count: 8000 },
    { lower: 1200, upper: 1300, count: 0 },
  ];
  const cuts = leafCuts(buckets, 2500);
  assert.equal(cuts[0], 0);
  assert.equal(cuts.at(-1), 1300);
  assert.ok(increasing(cuts));
  assert.deepEqual(cuts.slice(0, 3), [0, 300, 400]);
  // 8000 in [400, 1200): 4 pieces of 2000, so each piece is a leaf.
  assert.deepEqual(cuts.slice(2), [400, 600, 800, 1000, 1300]);
});

test('planLeaves: one round of counts, and leaves whose true counts stay under a page', async () => {
  // Issues at known instants, denser towards the upper bound (as on a real site).
  const times: number[] = [];
  for (let i = 1; i <= 40_000; i++) times.push(Math.floor(1e9 * (1 - (i / 40_001) ** 3)));
  const count = async (lo: number, hi: number) => times.filter((t) => t >= lo && t < hi).length;
  let calls = 0;
  const cuts = await planLeaves(0, 1e9, (lo, hi) => (calls++, count(lo, hi)), { leafRows: 2500 });
  assert.equal(calls, 16);
  assert.equal(cuts[0], 0);
  assert.equal(cuts.at(-1), 1e9);
  assert.ok(increasing(cuts));
  const sizes = await Promise.all(cuts.slice(1).map((hi, i) => count(cuts[i]!, hi)));
  assert.equal(sizes.reduce((a, b) => a + b, 0), 40_000);
  assert.ok(Math.max(...sizes) <= 5000, `largest leaf ${Math.max(...sizes)}`);
  assert.ok(cuts.length - 1 <= Math.ceil(40_000 / 2500) * 2, `${cuts.length - 1} leaves`);
});
