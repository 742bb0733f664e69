// Cached search results patched after index changes equal a full re-evaluation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog } from '../../src/simulator/catalog.js';
import { IssueStore } from '../../src/simulator/issue-store.js';
import { parseJql } from '../../src/simulator/jql.js';
import { createRandom } from '../../src/simulator/random.js';
import { evaluate, ResultCache, seekFirst, selectFirst } from '../../src/simulator/result-set.js';
import { createZoneClock } from '../../src/simulator/time-zone.js';
import { NOW } from './helpers.js';

/** One random change: an update, a bulk edit to the instant `past` (ties), a move, a create or a delete. */
function churnOnce(store: IssueStore, rnd: () => number, at: number, past: number): void {
  const idx = store.pickLive(rnd);
  const r = rnd();
  if (r < 0.55) store.update(idx, at, rnd);
  else if (r < 0.7) store.touch(idx, past);
  else if (r < 0.75) store.move(idx, (store.project[idx]! + 1) % 4, at); // new key, new project
  else if (r < 0.85) store.create(at, rnd);
  else store.delete(idx, at);
}

test('a cached result patched after updates, bulk edits, moves, creates and deletes equals a fresh evaluation', () => {
  let clock = NOW;
  const store = new IssueStore(5, buildCatalog(5, 4, NOW, 'demo@example.com'), () => clock);
  store.seedIssues(3000, NOW);
  const zone = createZoneClock('Asia/Kathmandu');
  const rnd = createRandom(42);
  const cache = new ResultCache();
  const queries = [
    'project in (WEB, OPS) ORDER BY updated ASC, id ASC',
    `updated >= ${NOW - 90 * 86_400_000} ORDER BY updated DESC, key ASC`,
    'status = "To Do" OR priority = High ORDER BY created ASC',
    'created > 0',
    'project = DATA ORDER BY key DESC',
  ].map((j) => parseJql(j, { store, zone, now: NOW }));
  for (const q of queries) cache.get(store, q, true);
  for (let round = 0; round < 5; round++) {
    for (let k = 0; k < 40; k++) {
      clock += 7;
      churnOnce(store, rnd, clock, NOW - 1000);
    }
    for (const q of queries) {
      const patched = cache.get(store, q, true);
      const fresh = evaluate(store, q, true);
      assert.deepEqual(Array.from(patched.rows), Array.from(fresh.rows), q.text);
      assert.deepEqual(patched.keys.map((k) => Array.from(k)), fresh.keys.map((k) => Array.from(k)), q.text);
    }
  }
});

test('selecting the first k rows (after a keyset position) equals slicing the fully sorted result', () => {
  const store = new IssueStore(9, buildCatalog(9, 4, NOW, 'demo@example.com'), () => NOW);
  store.seedIssues(2000, NOW);
  const rnd = createRandom(3);
  for (let k = 0; k < 30; k++) store.touch(store.pickLive(rnd), NOW - 5000); // a tie group
  const zone = createZoneClock('Asia/Kathmandu');
  for (const jql of [
    'project in (WEB, OPS) ORDER BY updated ASC, key ASC',
    `updated >= ${NOW - 400 * 86_400_000} AND updated < ${NOW} ORDER BY updated ASC, key ASC`,
    'created > 0 ORDER BY priority DESC, created ASC',
    'project = APP',
  ]) {
    const q = parseJql(jql, { store, zone, now: NOW });
    const full = evaluate(store, q, true);
    for (const k of [0, 1, 7, 100, 5000]) {
      for (const pos of [-1, 0, 13, full.rows.length - 2]) {
        if (pos >= full.rows.length) continue;
        const after = pos < 0 ? undefined : { tuple: full.keys.map((c) => c[pos]!), idx: full.rows[pos]! };
        const got = selectFirst(store, q, true, k, after);
        const from = pos + 1;
        assert.deepEqual(Array.from(got.rs.rows), Array.from(full.rows.slice(from, from + k)), `${jql} k=${k} pos=${pos}`);
        assert.deepEqual(got.rs.keys.map((c) => Array.from(c)), full.keys.map((c) => Array.from(c.slice(from, from + k))));
        assert.equal(got.total, full.rows.length - from);
      }
    }
  }
});

test('seeking in the updated order equals slicing the fully sorted result, under churn, index lag and merges', () => {
  let clock = NOW;
  const store = new IssueStore(11, buildCatalog(11, 4, NOW, 'demo@example.com'), () => clock);
  store.seedIssues(2500, NOW);
  store.updatedOrder.minSide = 16; // merge the side list often
  store.lagMs = 30;
  const zone = createZoneClock('Asia/Kathmandu');
  const rnd = createRandom(8);
  const DAY = 86_400_000;
  const jqls = (t: number) => [
    `(project in ("WEB","OPS")) AND updated >= ${t - 300 * DAY} AND updated < ${t} ORDER BY updated ASC, key ASC`,
    `project = APP AND updated > ${t - 200 * DAY} AND updated <= ${t - 5000} ORDER BY updated DESC, key DESC`,
    `updated >= ${t - 400 * DAY} ORDER BY updated ASC, id ASC`,
    `updated = ${NOW - 5000} ORDER BY updated ASC, key DESC`,
    `updated != ${NOW - 5000} AND status != Done ORDER BY updated DESC, created ASC`,
    `updated < ${t - 500 * DAY} OR project = OPS ORDER BY updated ASC, key ASC`,
    `NOT updated < ${t - 100 * DAY} AND (updated <= ${t} AND priority != High) ORDER BY updated`,
    `updated > ${t} AND updated < ${t - DAY} ORDER BY updated ASC`,
  ];
  for (let round = 0; round < 6; round++) {
    for (let c = 0; c < 60; c++) {
      clock += 3;
      churnOnce(store, rnd, clock, NOW - 5000);
      if (c % 10 === 0) store.syncIndex(clock); // part of the changes still lag behind
    }
    for (const jql of jqls(clock)) {
      const q = parseJql(jql, { store, zone, now: clock });
      const full = evaluate(store, q, true);
      for (const k of [0, 1, 7, 100, 5000]) {
        for (const pos of [-1, 0, 13, full.rows.length - 2]) {
          if (pos >= full.rows.length || pos < -1) continue;
          const after = pos < 0 ? undefined : { tuple: full.keys.map((col) => col[pos]!), idx: full.rows[pos]! };
          const got = seekFirst(store, q, true, k, after);
          const from = pos + 1;
          const what = `${jql} k=${k} pos=${pos} round=${round}`;
          assert.deepEqual(Array.from(got.rs.rows), Array.from(full.rows.slice(from, from + k)), what);
          assert.deepEqual(got.rs.keys.map((col) => Array.from(col)), full.keys.map((col) => Array.from(col.slice(from, from + k))), what);
          assert.equal(got.more, full.rows.length - from > k, what);
        }
      }
      assert.equal(seekFirst(store, q, false, 10).rs.rows.length, 0);
    }
  }
});
