// Search index lag: a change that reaches search late, carrying its original `updated`, is caught
// by the next incremental run thanks to the lookback. In-process over real sockets, with the
// connector's clock 20 s ahead so the window's upper bound lies after the lagging edits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, delay, ids, readInProcess, sim } from './issues-harness.js';

const LAG = 1200;
const ahead = () => Date.now() + 20_000;

test('issues (cloud): issues created just before a run but indexed late are read by the next run', async () => {
  const s = await sim({ issues: 150, indexLagMs: LAG, now: Date.now() - 3_600_000 });
  try {
    const created = s.control.createIssues(5);
    const first = await readInProcess(configFor(s, { lookback_minutes: 1 }), { clock: ahead });
    const cursor = first.states.at(-1)!;
    assert.ok(created.every((id) => !ids(first.records).has(id)), 'the first run could not see them yet (else this test proves nothing)');
    await delay(LAG + 300);
    const second = await readInProcess(configFor(s, { lookback_minutes: 1 }), { clock: ahead, state: cursor });
    for (const id of created) assert.ok(ids(second.records).has(id), `late-indexed issue ${id} read by the next run`);
    const union = new Set([...ids(first.records), ...ids(second.records)]);
    assert.deepEqual([...union].sort(), s.control.truth().map((t) => t.id).sort());
  } finally {
    await s.close();
  }
});

test('issues (datacenter): an update indexed late is read with its new data by the next run', async () => {
  const s = await sim({ issues: 150, mode: 'datacenter', indexLagMs: LAG, now: Date.now() - 3_600_000 });
  try {
    const updated = s.control.updateIssues(5);
    const first = await readInProcess(configFor(s, { lookback_minutes: 1 }, 'datacenter'), { clock: ahead });
    await delay(LAG + 300);
    const second = await readInProcess(configFor(s, { lookback_minutes: 1 }, 'datacenter'), { clock: ahead, state: first.states.at(-1)! });
    const truth = new Map(s.control.truth().map((t) => [t.id, t]));
    for (const id of updated) {
      const firstSaw = first.records.find((r) => r.id === id);
      assert.ok(firstSaw === undefined || Date.parse(String(firstSaw.updated)) < truth.get(id)!.updated, 'the first run saw the stale index');
      const rec = second.records.find((r) => r.id === id);
      assert.ok(rec, `updated issue ${id} read again by the next run`);
      assert.equal(Date.parse(String(rec.updated)), truth.get(id)!.updated);
    }
  } finally {
    await s.close();
  }
});
