import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CENSUS_PAGE, segmentCuts } from '../../../src/census/take-census.js';

/** The previous census's ids in each segment the cuts make (the top one open-ended). */
function segmentSizes(told: number[], cuts: number[]): number[] {
  const lows = [0, ...cuts];
  return lows.map((low, i) => told.filter((id) => id > low && (i === cuts.length || id <= cuts[i]!)).length);
}

test('segment cuts: about a page of the previous census each, the fewest segments below 20, one more per 20 from there', () => {
  for (const [n, segments] of [
    [0, 1],
    [1, 1],
    [4_999, 1],
    [5_000, 1],
    [5_001, 2],
    [10_000, 2],
    [21_000, 5],
    [95_000, 19],
    [95_001, 21],
    [100_000, 21],
    [1_000_000, 210],
  ] as const) {
    // ids with gaps (deleted issues), as a site's are
    const told = Array.from({ length: n }, (_, i) => 10_000 + i + Math.floor(i / 7));
    const cuts = segmentCuts(told);
    assert.equal(cuts.length + 1, segments, `${n} ids`);
    assert.ok(cuts.every((c, i) => i === 0 || c > cuts[i - 1]!), 'ascending');
    if (n > 200_000) continue; // the sizes below are a quadratic check
    const sizes = segmentSizes(told, cuts);
    assert.equal(sizes.reduce((a, b) => a + b, 0), n, 'every id in one segment');
    assert.ok(Math.max(...sizes) <= CENSUS_PAGE, `${n} ids: no segment over a page (${Math.max(...sizes)})`);
    if (segments >= 21) assert.ok(Math.max(...sizes) <= 0.955 * CENSUS_PAGE, `${n} ids: ~5 % room in each`);
  }
});
