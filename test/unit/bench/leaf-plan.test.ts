// The limit model of a read in leaves (issue 11): ids-only pages of 5000, whatever cap Jira puts on
// pages carrying fields, so the cap changes nothing; under 1000 issues the seek walk, capped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cloudPlan, leafCloudStrategy } from '../../../bench/limit-model.js';

test('leafPlan: up to a page of ids, one search and the bulkfetches; beyond, one count round and ⌈N/5000⌉ leaf pages', () => {
  for (const fieldCap of [100, 1000, Infinity]) {
    assert.deepEqual(cloudPlan(5000, { ...leafCloudStrategy, fieldCap }), { searchPages: 1, bulkfetchCalls: 50, fixedRequests: 2, total: 53, rounds: 2 + 1 + 7 });
    // 20k: 1 + 4 pages, 8 counts; rounds 2 + 1 + 1 + max(⌈4/2⌉ + 1, ⌈204/8⌉)
    assert.deepEqual(cloudPlan(20_000, { ...leafCloudStrategy, fieldCap }), { searchPages: 5, bulkfetchCalls: 200, fixedRequests: 10, total: 215, rounds: 4 + 26 });
  }
  assert.equal(cloudPlan(1_000_000, leafCloudStrategy).total, 201 + 10_000 + 10);
});

test('leafPlan: under 1000 issues the seek walk at min(page_size, cap) rows a page, plus the ids-only page that found it small', () => {
  const p = cloudPlan(900, { ...leafCloudStrategy, fieldCap: 100 });
  assert.equal(p.searchPages, 9);
  assert.equal(p.fixedRequests, 3);
  assert.equal(p.rounds, 2 + 1 + Math.max(9 + 1, 1 + Math.ceil((8 + 9) / 8)));
});
