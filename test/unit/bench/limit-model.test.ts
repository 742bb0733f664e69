import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cloudPlan, dataCenterPlan, defaultCloudStrategy, pagesFor, scenarioLimit } from '../../../bench/limit-model.js';

test('pagesFor: a walk reads at least one page and rounds partial pages up', () => {
  assert.equal(pagesFor(0, 1000), 1);
  assert.equal(pagesFor(1000, 1000), 1);
  assert.equal(pagesFor(1001, 1000), 2);
  assert.throws(() => pagesFor(10, 0), /pageSize/);
});

test('cloudPlan at the defaults: bulkfetch-bound once page 1 is in', () => {
  // 100k issues: S = 100 pages, F = 1000 bulkfetch calls, C = 8 slots shared with the walk.
  const p = cloudPlan(100_000);
  assert.deepEqual(
    { s: p.searchPages, f: p.bulkfetchCalls, total: p.total },
    { s: 100, f: 1000, total: 100 + 1000 + defaultCloudStrategy.fixedRequests },
  );
  // fixed + max(101, 1 + ceil(1099 / 8) = 139)
  assert.equal(p.rounds, defaultCloudStrategy.fixedRounds + 139);
});

test('cloudPlan: a sequential walk bounds the time when bodies are cheap', () => {
  // 64 slots fetch bodies faster than 100-id pages arrive: the walk (S + 1 rounds) is the bound.
  const p = cloudPlan(10_000, { ...defaultCloudStrategy, pageSize: 100, concurrency: 64 });
  assert.equal(p.searchPages, 100);
  assert.equal(p.rounds, defaultCloudStrategy.fixedRounds + 101);
});

test('cloudPlan: a walk running beside the pool leaves all C slots to bulkfetch', () => {
  const p = cloudPlan(10_000, { ...defaultCloudStrategy, walkUsesSlot: false });
  assert.equal(p.rounds, defaultCloudStrategy.fixedRounds + Math.max(11, 1 + Math.ceil(100 / 8)));
});

test('cloudPlan: no issues still costs one search page', () => {
  const p = cloudPlan(0);
  assert.equal(p.total, 1 + defaultCloudStrategy.fixedRequests);
  assert.equal(p.rounds, defaultCloudStrategy.fixedRounds + 1);
});

test('dataCenterPlan: the server cap, not page_size, sets the page count', () => {
  const p = dataCenterPlan(100_000, { pageSize: 5000, serverCap: 1000, fixedRequests: 1, fixedRounds: 1 });
  assert.equal(p.searchPages, 100);
  assert.equal(p.total, 101);
  assert.equal(p.rounds, 101);
});

test('scenarioLimit picks the binding bound', () => {
  const plan = { ...cloudPlan(100_000), rounds: 140, total: 1101 };
  assert.deepEqual(scenarioLimit({ scenario: 'a', n: 100_000, plan, latencyMs: 100 }), { seconds: 14, basis: 'latency', latencySeconds: 14 });
  const b = scenarioLimit({ scenario: 'b', n: 100_000, plan, latencyMs: 100, rateLimitRps: 20 });
  assert.equal(b.basis, 'rate');
  assert.equal(b.seconds, 1101 / 20);
  // A rate the connector cannot reach at this latency does not bind.
  assert.equal(scenarioLimit({ scenario: 'b', n: 100_000, plan, latencyMs: 100, rateLimitRps: 1000 }).basis, 'latency');
  const c = scenarioLimit({ scenario: 'c', n: 100_000, plan, latencyMs: 0, cpuTargetPerSecond: 20_000 });
  assert.deepEqual(c, { seconds: 5, basis: 'cpu-target', latencySeconds: 0 });
  const d = scenarioLimit({ scenario: 'd', n: 100_000, plan, latencyMs: 100, stdoutBytes: 500e6, consumerBytesPerSecond: 2e6 });
  assert.deepEqual(d, { seconds: 250, basis: 'consumer', latencySeconds: 14 });
  assert.throws(() => scenarioLimit({ scenario: 'b', n: 1, plan, latencyMs: 100 }), /rateLimitRps/);
});
