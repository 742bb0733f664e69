import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStateClock, CLOCK_SKEW_TOLERANCE_MS, completedState, inProgressState, parseIssuesState, planRun, SETTLE_MS } from '../../../src/state/issues-state.js';
import { ConnectorError } from '../../../src/errors.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const START = '2026-01-01T00:00:00Z';
const base = { startDate: START, lookbackMinutes: 5, now: NOW, fullRefresh: false };

test('state parsing accepts the documented shapes', () => {
  assert.deepEqual(parseIssuesState(undefined), {});
  assert.deepEqual(parseIssuesState({}), {});
  assert.deepEqual(parseIssuesState({ cursor: '2026-02-01T00:00:00.000Z' }), { cursor: '2026-02-01T00:00:00.000Z' });
  const s = { cursor: '2026-02-01T00:00:00.000Z', window: { lower: 10, upper: 20 }, position: { updated: 15, ids: ['1', '2'] } };
  assert.deepEqual(parseIssuesState(s), s);
});

test('malformed states are config errors that say how to fix them', () => {
  const bad: unknown[] = [
    'x', [], { cursor: 5 }, { cursor: 'yesterday' }, { cursur: '2026-01-01T00:00:00Z' },
    { window: { lower: 1, upper: 2 } }, { window: { lower: 3, upper: 2 }, position: { updated: 3, ids: [] } },
    { window: { lower: 1, upper: 5 }, position: { updated: 9, ids: [] } }, { window: { lower: 1, upper: 5 }, position: { updated: 2, ids: [3] } },
  ];
  for (const s of bad) {
    assert.throws(() => parseIssuesState(s), (e: unknown) => e instanceof ConnectorError && e.failureType === 'config_error' && /delete the saved state/.test(e.message), JSON.stringify(s));
  }
});

// Cursor rules as a table: incoming state -> window and final cursor.
const cases: Array<{ name: string; state: object; fullRefresh?: boolean; lower?: number; upper?: number; startAt?: number; final: string | undefined }> = [
  { name: 'first run starts at start_date, ends 10 s before now', state: {}, lower: Date.parse(START), upper: NOW - SETTLE_MS, final: new Date(NOW - SETTLE_MS).toISOString() },
  { name: 'incremental re-reads lookback before the cursor', state: { cursor: '2026-02-01T00:00:00.000Z' }, lower: Date.parse('2026-02-01T00:00:00Z') - 5 * 60_000, upper: NOW - SETTLE_MS, final: new Date(NOW - SETTLE_MS).toISOString() },
  { name: 'lookback never reaches before start_date', state: { cursor: '2026-01-01T00:02:00.000Z' }, lower: Date.parse(START), upper: NOW - SETTLE_MS, final: new Date(NOW - SETTLE_MS).toISOString() },
  { name: 'full refresh ignores the state', state: { cursor: '2026-02-01T00:00:00.000Z' }, fullRefresh: true, lower: Date.parse(START), upper: NOW - SETTLE_MS, final: new Date(NOW - SETTLE_MS).toISOString() },
  { name: 'a cursor in the future reads nothing and keeps the cursor', state: { cursor: '2099-01-01T00:00:00.000Z' }, final: '2099-01-01T00:00:00.000Z' },
  { name: 'a cut-off window resumes with its own upper bound from its position', state: { cursor: '2026-02-01T00:00:00.000Z', window: { lower: 100, upper: 900 }, position: { updated: 400, ids: ['7'] } }, lower: 100, upper: 900, startAt: 400, final: '2026-02-01T00:00:00.000Z' },
];
for (const c of cases) {
  test(`plan: ${c.name}`, () => {
    const plan = planRun({ ...base, fullRefresh: c.fullRefresh ?? false, state: parseIssuesState(c.state) });
    if (c.lower === undefined) assert.equal(plan.window, undefined);
    else {
      assert.equal(plan.window?.lower, c.lower);
      assert.equal(plan.window?.upper, c.upper);
      assert.equal(plan.window?.start.updated, c.startAt ?? c.lower);
    }
    assert.equal(plan.finalCursor, c.final);
    assert.deepEqual(completedState(plan), c.final === undefined ? {} : { cursor: c.final });
  });
}

test('in-progress states carry the prior cursor, the window and the position, and parse back', () => {
  const plan = planRun({ ...base, state: { cursor: '2026-02-01T00:00:00.000Z' } });
  const s = inProgressState(plan, { updated: plan.window!.lower + 5, ids: ['10001'] });
  assert.equal(s.cursor, '2026-02-01T00:00:00.000Z');
  assert.deepEqual(parseIssuesState(JSON.parse(JSON.stringify(s))), s);
  const resumed = planRun({ ...base, now: NOW + 3_600_000, state: parseIssuesState(s) });
  assert.equal(resumed.window?.upper, plan.window?.upper, 'the resumed window keeps its upper bound');
  assert.deepEqual(resumed.window?.start, { updated: plan.window!.lower + 5, ids: ['10001'] });
});

test('a cursor without a time zone is refused (never read in the machine\'s zone), naming the fix', () => {
  for (const cursor of ['2026-01-01T00:00:00', '2026-01-01T00:00:00.000', '2026-01-01 00:00']) {
    assert.throws(
      () => parseIssuesState({ cursor }),
      (e: unknown) => e instanceof ConnectorError && e.failureType === 'config_error' && /without a time zone/.test(e.message) && e.message.includes(`"${cursor}Z"`),
      cursor,
    );
  }
  assert.equal(parseIssuesState({ cursor: '2026-01-01T05:45:00+05:45' }).cursor, '2026-01-01T05:45:00+05:45');
});

test('a state ahead of the clock: nothing when in the past; within the skew tolerance a WARN and kept; beyond it a WARN and cleared', () => {
  const at = (ms: number) => new Date(ms).toISOString();
  assert.equal(checkStateClock({ cursor: at(NOW - 1) }, NOW), undefined);
  assert.equal(checkStateClock({}, NOW), undefined);
  const small = checkStateClock({ cursor: at(NOW + 90_000) }, NOW)!;
  assert.equal(small.clear, false);
  assert.match(small.warning, /90 seconds ahead of this machine's clock .*cursor is kept/);
  assert.equal(checkStateClock({ cursor: at(NOW + CLOCK_SKEW_TOLERANCE_MS) }, NOW)!.clear, false);
  const far = checkStateClock({ cursor: '2099-01-01T00:00:00.000Z' }, NOW)!;
  assert.equal(far.clear, true);
  assert.match(far.warning, /72 years ahead of this machine's clock .*nothing is read this run and the state is cleared, so the next run reads everything again from start_date/);
  assert.equal(checkStateClock({ cursor: at(NOW + CLOCK_SKEW_TOLERANCE_MS + 1) }, NOW)!.clear, true);
  // An in-progress window whose upper bound is far ahead would end in a cursor far ahead: cleared too.
  assert.equal(checkStateClock({ window: { lower: 0, upper: NOW + 86_400_000 * 3 }, position: { updated: 0, ids: [] } }, NOW)!.clear, true);
});
