// A run that starts from a cut-off window finishes that window with its own upper bound, then reads
// a normal window from that bound minus the lookback, and ends with one completed state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, ids, readInProcess, sim } from './issues-harness.js';

test('issues: resuming a cut-off window, then a normal window, then one final state', async () => {
  const s = await sim({ issues: 200, now: Date.now() - 3_600_000 });
  try {
    const oldUpper = Date.now() - 1_800_000; // the cut-off run started half an hour ago
    const truth = s.control.truth().sort((a, b) => a.updated - b.updated);
    const pos = truth[120]!;
    const cut = { cursor: '2001-01-01T00:00:00.000Z', window: { lower: 0, upper: oldUpper }, position: { updated: pos.updated, ids: [pos.id] } };
    // edits after the old upper bound come from the follow-up window or the sweeps
    const between = s.control.bulkEdit(3, oldUpper + 5 * 60_000);
    const later = s.control.updateIssues(4);
    const run = await readInProcess(configFor(s, { lookback_minutes: 10 }), { state: cut });
    const windows = run.states.flatMap((st) => (st.window ? [st.window as { lower: number; upper: number }] : []));
    assert.equal(windows[0]?.upper, oldUpper, 'first the cut-off window, same upper bound');
    const follow = windows.find((w) => w.upper !== oldUpper);
    assert.ok(follow, 'then a normal window');
    assert.equal(follow.lower, oldUpper - 10 * 60_000, 'starting a lookback before the old bound');
    const final = run.states.at(-1)!;
    assert.equal(final.window, undefined);
    assert.equal(final.cursor, new Date(follow.upper).toISOString());
    const want = new Set([...truth.filter((t) => t.updated > pos.updated).map((t) => t.id), ...between, ...later]);
    for (const id of want) assert.ok(ids(run.records).has(id), `issue ${id} after the position was read`);
    const untouchedBefore = truth.slice(0, 120).filter((t) => !want.has(t.id));
    assert.ok(untouchedBefore.length > 100);
    for (const t of untouchedBefore) assert.ok(!ids(run.records).has(t.id), 'issues before the position are not re-read');
  } finally {
    await s.close();
  }
});
