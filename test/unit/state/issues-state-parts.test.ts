// Issue 11: a window read in leaves keeps the parts not finished in its STATE (parts), lowest first,
// the position being the first part's. Old states (no parts) load as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inProgressState, parseIssuesState, planRun, type RunPlan } from '../../../src/state/issues-state.js';
import { ConnectorError } from '../../../src/errors.js';

const window = { lower: 100, upper: 1000 };
const parts = [
  { position: { updated: 150, ids: ['7'] }, upper: 300 },
  { position: { updated: 300, ids: [] }, upper: 600 },
  { position: { updated: 700, ids: ['9', '10'] }, upper: 1000 },
];
const state = { cursor: '2026-02-01T00:00:00.000Z', window, position: parts[0]!.position, parts };

test('a state with parts parses back as written and plans the same parts', () => {
  assert.deepEqual(parseIssuesState(state), state);
  const plan = planRun({ state: parseIssuesState(state), fullRefresh: false, startDate: '2000-01-01T00:00:00Z', lookbackMinutes: 5, now: 5000 });
  assert.deepEqual(plan.window, { ...window, start: parts[0]!.position, parts });
  assert.equal(plan.finalCursor, '2026-02-01T00:00:00.000Z');
});

test('inProgressState writes the parts, and a single part to the window end as the old shape', () => {
  const plan: RunPlan = { window: { ...window, start: { updated: 100, ids: [] } }, finalCursor: undefined, priorCursor: undefined };
  assert.deepEqual(inProgressState(plan, parts), { window, position: parts[0]!.position, parts });
  assert.deepEqual(parseIssuesState(inProgressState(plan, parts)), { window, position: parts[0]!.position, parts });
  const last = [parts[2]!];
  assert.deepEqual(inProgressState(plan, last), { window, position: parts[2]!.position });
  // A single part that ends before the window's end must keep its upper bound: the rest was read.
  assert.deepEqual(inProgressState(plan, [parts[0]!]), { window, position: parts[0]!.position, parts: [parts[0]] });
  // The old call shape, a position alone.
  assert.deepEqual(inProgressState(plan, { updated: 400, ids: ['1'] }), { window, position: { updated: 400, ids: ['1'] } });
});

test('malformed parts are config errors that say how to fix them', () => {
  const bad: unknown[] = [
    { parts },
    { window, position: parts[0]!.position, parts: [] },
    { window, position: parts[0]!.position, parts: 'x' },
    { window, position: parts[0]!.position, parts: [{ position: { updated: 150, ids: ['7'] } }] },
    { window, position: parts[0]!.position, parts: [{ position: { updated: 150, ids: [7] }, upper: 300 }] },
    { window, position: { updated: 300, ids: [] }, parts }, // position is not the first part's
    { window, position: parts[0]!.position, parts: [parts[0], parts[2], parts[1]] }, // out of order
    { window, position: parts[0]!.position, parts: [parts[0], { position: { updated: 250, ids: [] }, upper: 400 }] }, // overlapping
    { window, position: parts[0]!.position, parts: [parts[0], { position: { updated: 700, ids: [] }, upper: 1200 }] }, // past the window
    { window, position: parts[0]!.position, parts: [{ position: { updated: 150, ids: ['7'] }, upper: 120 }] }, // position past its upper
  ];
  for (const s of bad) {
    assert.throws(() => parseIssuesState(s), (e: unknown) => e instanceof ConnectorError && e.failureType === 'config_error' && /delete the saved state/.test(e.message), JSON.stringify(s));
  }
});
