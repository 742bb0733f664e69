// Bounds and cursors through the real Airbyte CLI: epoch-ms bounds that a +05:45 user zone and
// minute truncation cannot shift, a quiet second run, and a far-future cursor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, ids, readAirbyte, sim } from './issues-harness.js';

const HOUR = 3_600_000;

test('issues: start_date bound is exact to the millisecond for a user in +05:45 (issues within minutes of it)', async () => {
  const s = await sim({ issues: 300, now: Date.now() - HOUR, userTimeZone: 'Asia/Kathmandu' });
  try {
    const sorted = s.control.truth().sort((a, b) => a.updated - b.updated);
    const T = sorted[150]!.updated + 7; // not on a minute boundary
    for (const offset of [-5 * 60_000, -60_000, -1, 0, 1, 60_000, 5 * 60_000, 5 * HOUR + 45 * 60_000]) s.control.bulkEdit(2, T + offset);
    const truth = s.control.truth();
    const want = truth.filter((t) => t.updated >= T);
    assert.ok(truth.some((t) => t.updated >= T - 6 * 60_000 && t.updated < T), 'issues just below the bound exist');
    const run = await readAirbyte(configFor(s, { start_date: new Date(T).toISOString(), page_size: 30 }));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([...ids(run.records)].sort(), want.map((t) => t.id).sort());
    const byId = new Map(truth.map((t) => [t.id, t]));
    for (const r of run.records) assert.equal(r.updated, new Date(byId.get(String(r.id))!.updated).toISOString(), 'updated is RFC 3339 UTC to the ms');
  } finally {
    await s.close();
  }
});

test('issues: a second incremental run on a quiet server emits nothing; a far-future cursor emits 0 records and a STATE', async () => {
  const s = await sim({ issues: 200, now: Date.now() - HOUR });
  try {
    const first = await readAirbyte(configFor(s));
    assert.equal(first.code, 0, first.stderr);
    assert.equal(ids(first.records).size, 200);
    assert.equal(first.records.length, 200, 'no duplicates on a quiet server');
    assert.match(String(first.lastState?.cursor), /^\d{4}-\d{2}-\d{2}T.*Z$/);
    assert.equal(first.lastState?.window, undefined, 'a finished run leaves no window in its state');
    s.control.resetRequestLog();
    const second = await readAirbyte(configFor(s), { state: first.lastState! });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.records.length, 0);
    assert.ok(Date.parse(String(second.lastState?.cursor)) >= Date.parse(String(first.lastState?.cursor)), 'the cursor only moves forward');
    const searches = s.control.requests().filter((r) => r.path.includes('/search')).length;
    assert.ok(searches <= 6, `a quiet run costs a few searches, not a re-read (${searches})`);
    const future = { cursor: '2999-01-01T00:00:00.000Z' };
    const third = await readAirbyte(configFor(s), { state: future });
    assert.equal(third.code, 0, third.stderr);
    assert.equal(third.records.length, 0);
    // A cursor centuries ahead cannot be a past sync's: the state is cleared (next run from start_date).
    assert.deepEqual(third.lastState, {});
  } finally {
    await s.close();
  }
});

test('issues: a malformed saved state fails with a config error that names it and the fix', async () => {
  const s = await sim({ issues: 10, now: Date.now() - HOUR });
  try {
    for (const state of [{ cursor: 'yesterday' }, { cursor: '2026-01-01T00:00:00Z', window: { lower: 1, upper: 2 } }, { position: 5 }]) {
      const run = await readAirbyte(configFor(s), { state });
      assert.notEqual(run.code, 0);
      assert.equal(run.records.length, 0);
      const trace = run.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
      assert.equal(trace?.trace.error.failure_type, 'config_error');
      assert.match(trace?.trace.error.message, /state for stream issues is malformed.*delete the saved state/);
    }
  } finally {
    await s.close();
  }
});
