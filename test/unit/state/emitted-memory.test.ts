import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEmitted, EmittedMemory, MAX_REMEMBERED } from '../../../src/state/emitted-memory.js';
import { parseIssuesState, planRun, readAgain } from '../../../src/state/issues-state.js';
import { ConnectorError } from '../../../src/errors.js';

const T = Date.parse('2026-11-30T12:00:00.000Z');

test('emitted memory: skips exactly the (id, updated) it remembers, round-trips through the state, newest kept', () => {
  const m = new EmittedMemory(undefined);
  m.emitted('10001', T);
  m.emitted('10002', T + 2222);
  m.emitted('10003', T - 60_000);
  assert.equal(m.skip('10001', T), true);
  assert.equal(m.skip('10001', T + 1), false, 'edited since: emitted');
  assert.equal(m.skip('10009', T), false, 'never emitted');
  const json = m.toState((_id, updated) => updated >= T);
  assert.deepEqual(json, { since: T, issues: '10001:0,10002:1pq' });
  assert.deepEqual([...decodeEmitted(json)], [['10001', T], ['10002', T + 2222]]);
  assert.equal(m.skip('10003', T - 60_000), false, 'what no later read meets is forgotten');
  assert.equal(new EmittedMemory(json).skip('10002', T + 2222), true, 'a run from the state skips it');
  assert.equal(new EmittedMemory(undefined).toState(() => true), undefined, 'nothing remembered: no field');

  const big = new EmittedMemory(undefined);
  for (let i = 0; i < MAX_REMEMBERED + 10; i++) big.emitted(String(20000 + i), T + i);
  const kept = decodeEmitted(big.toState(() => true));
  assert.equal(kept.size, MAX_REMEMBERED);
  assert.ok(!kept.has('20000') && kept.has(String(20000 + MAX_REMEMBERED + 9)), 'the oldest are dropped');
});

test('emitted memory: whatever the order issues were emitted in, the state lists them by updated then id, and keeps the newest', () => {
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (const size of [5, 300, MAX_REMEMBERED + 2000]) {
    const m = new EmittedMemory(undefined);
    const model = new Map<string, number>();
    for (let i = 0; i < size; i++) {
      // Mostly in order, as the walk emits, with ties and stragglers.
      const id = String(10000 + (rnd(10) === 1 ? rnd(size) : i)); // some emitted again
      // The first years back: offsets past 2^31 ms.
      const updated = i === 0 ? T - 9.5e10 : T + (rnd(10) === 0 ? rnd(size) : i) * 1000;
      m.emitted(id, updated);
      model.set(id, updated);
    }
    const keep = (_id: string, updated: number) => updated < T || ((updated - T) / 1000) % 5 !== 2;
    const expected = [...model].filter(([id, u]) => keep(id, u)).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).slice(-MAX_REMEMBERED);
    const json = m.toState(keep)!;
    assert.ok(expected.length > 0 && json !== undefined);
    if (size > MAX_REMEMBERED) assert.equal(expected.length, MAX_REMEMBERED);
    assert.equal(json.since, expected[0]![1]);
    assert.deepEqual([...decodeEmitted(json)], expected, `${size} issues`);
    for (const [id, u] of model) assert.equal(m.skip(id, u), expected.some(([i]) => i === id), `${id} forgotten exactly when left out`);
  }
});

test('states with and without "emitted" load; a malformed one is a config error that names the fix', () => {
  assert.deepEqual(parseIssuesState({ cursor: '2026-11-30T12:00:00.000Z' }), { cursor: '2026-11-30T12:00:00.000Z' });
  const s = { cursor: '2026-11-30T12:00:00.000Z', emitted: { since: T, issues: '10001:0,10002:1pq' } };
  assert.deepEqual(parseIssuesState(s), s);
  const bad: unknown[] = [
    5, [], { since: -1, issues: '' }, { since: T }, { since: T, issues: 'x' }, { since: T, issues: '10001:0,' },
    { since: T, issues: '10001:Z' }, { since: T, issues: 'a,b:1' }, { since: T, issues: '', more: 1 },
    { since: T, issues: Array.from({ length: MAX_REMEMBERED + 1 }, (_, i) => `${i}:0`).join(',') },
  ];
  for (const emitted of bad) {
    assert.throws(
      () => parseIssuesState({ cursor: '2026-11-30T12:00:00.000Z', emitted }),
      (e: unknown) => e instanceof ConnectorError && e.failureType === 'config_error' && /remove "emitted"/.test(e.message) && !e.message.includes('\n'),
      JSON.stringify(emitted).slice(0, 80),
    );
  }
});

test('readAgain: what a run from a state reads again', () => {
  const rules = { startDate: '2026-01-01T00:00:00Z', lookbackMinutes: 5 };
  const cursor = '2026-11-30T12:00:00.000Z';
  const done = readAgain(cursor, rules);
  assert.equal(done('1', T - 5 * 60_000), true);
  assert.equal(done('1', T - 5 * 60_000 - 1), false);
  assert.equal(done('1', T + 5000), true, 'past the cursor (a sweep emitted it): read again too');
  const next = planRun({ ...rules, state: { cursor }, now: T + 3_600_000, fullRefresh: false });
  assert.equal(next.window!.lower, T - 5 * 60_000, 'the same bound planRun starts from');
  const mid = readAgain(cursor, rules, { updated: T - 3_600_000, ids: ['7'] });
  assert.equal(mid('7', T - 3_600_000), false, 'behind the position');
  assert.equal(mid('8', T - 3_600_000), true, 'at the position, not yet read');
  assert.equal(mid('8', T - 3_600_000 + 1), true, 'ahead of the position');
  assert.equal(mid('8', T - 3_600_000 - 1), false);
});
