import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianRow } from '../../../bench/median-row.js';
import type { BenchRow } from '../../../bench/table.js';

const run = (wallS: number, cpuS: number, peakRssMb: number, over: Partial<BenchRow> = {}): BenchRow =>
  ({
    n: 1000, mode: 'cloud', scenario: 'c', front: 'airbyte', status: 'ok', wallS, limitS: 2, limitBasis: 'cpu-target', latencyLimitS: 0,
    ratio: wallS / 2, issuesPerS: 1000 / wallS, requests: 13, requestsPer1k: 13, http429: 0,
    model: { searchPages: 1, bulkfetchCalls: 10, fixed: 2, total: 13 }, requestRatio: 1, cpuS, issuesPerCpuS: 1000 / cpuS, peakRssMb,
    records: 1000, uniqueIds: 1000, dupRatio: 1, missing: 0, states: 10, stdoutBytes: 1, byEndpoint: {}, rssSamples: [], ...over,
  }) as BenchRow;

test('medianRow: median wall and CPU with ratios recomputed from them, highest RSS, the range kept', () => {
  const row = medianRow([run(3, 1.5, 120), run(1, 0.5, 150), run(2, 2.5, 110)]);
  assert.equal(row.wallS, 2);
  assert.equal(row.ratio, 1);
  assert.equal(row.issuesPerS, 500);
  assert.equal(row.cpuS, 1.5);
  assert.equal(row.issuesPerCpuS, 1000 / 1.5);
  assert.equal(row.peakRssMb, 150);
  assert.equal(row.runs, 3);
  assert.deepEqual(row.spread, { wallS: [1, 3], cpuS: [0.5, 2.5] });
  assert.equal(medianRow([run(1, 1, 1), run(3, 3, 1)]).wallS, 2, 'even count: mean of the middle two');
});

test('medianRow: one failed run marks the row, and a single run is left as it is', () => {
  const bad = run(1, 1, 1, { status: 'failed', problem: '3 missing', missing: 3 });
  const row = medianRow([run(1, 1, 1), bad, run(1, 1, 1)]);
  assert.equal(row.status, 'failed');
  assert.equal(row.problem, '3 missing');
  assert.equal(row.missing, 3);
  const one = run(1, 1, 1);
  assert.equal(medianRow([one]), one);
});
