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
