// Every STATE comes after the records it covers, even with bulkfetch calls finishing out of order:
// at each STATE, every issue before its position (updated < t, or at t with an id in its tie set)
// has already been emitted; positions only move forward. Also: full refresh reads everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, ids, readAirbyte, sim } from './issues-harness.js';

for (const mode of ['cloud', 'datacenter'] as const) {
  test(`issues (${mode}): each STATE is a low-water mark of what was emitted before it`, async () => {
    const s = await sim({ issues: 400, mode, latencyMs: 6, jitterMs: 5, now: Date.now() - 3_600_000 });
    try {
      const sorted = s.control.truth().sort((a, b) => a.updated - b.updated);
      s.control.bulkEdit(70, sorted[100]!.updated);
      const truth = s.control.truth();
      const run = await readAirbyte(configFor(s, { page_size: 30, max_concurrency: 8 }, mode));
      assert.equal(run.code, 0, run.stderr);
      const emitted = new Set<string>();
      let prev: { t: number; n: number } | undefined;
      let checked = 0;
      for (const m of run.messages) {
        if (m.type === 'RECORD') emitted.add(String(m.record.data.id));
        if (m.type !== 'STATE') continue;
        const st = m.state.stream.stream_state;
        const covered = st.position
          ? truth.filter((t) => t.updated < st.position.updated || (t.updated === st.position.updated && st.position.ids.includes(t.id)))
          : truth.filter((t) => t.updated < Date.parse(st.cursor));
        const missing = covered.filter((t) => !emitted.has(t.id));
        assert.deepEqual(missing.map((t) => t.id), [], `STATE ${JSON.stringify(st).slice(0, 120)} ahead of its records`);
        const here = st.position ? { t: st.position.updated, n: st.position.ids.length } : { t: Date.parse(st.cursor), n: 0 };
        if (prev && st.position) assert.ok(here.t > prev.t || (here.t === prev.t && here.n >= prev.n), 'position moved backwards');
        if (st.position) prev = here;
        checked++;
      }
      assert.ok(checked >= 400 / 100, `checked ${checked} states`);
      assert.equal(ids(run.records).size, 400);
    } finally {
      await s.close();
    }
  });
}

test('issues: full refresh reads everything again and still emits states', async () => {
  const s = await sim({ issues: 120, now: Date.now() - 3_600_000 });
  try {
    const config = configFor(s);
    const first = await readAirbyte(config);
    const again = await readAirbyte(config, { syncMode: 'full_refresh', state: first.lastState! });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(ids(again.records).size, 120);
    assert.ok(again.states.length > 0);
  } finally {
    await s.close();
  }
});
