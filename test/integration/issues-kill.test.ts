// kill -9 of the real CLI at several points (several requests in flight), then a run from the
// last STATE it printed: the union of both runs is the truth, and the resume re-reads little.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, ids, readAirbyte, sim } from './issues-harness.js';
import { runCli, singerBin, writeJsonFiles, type CliResult, type Message } from '../helpers/run-cli.js';
import { assertValidSinger } from '../helpers/protocol-checks.js';

type KillPoint = { name: string; at: (m: Message, counts: { states: number; records: number }) => boolean };

const points: KillPoint[] = [
  { name: 'after the first STATE', at: (m, c) => m.type === 'STATE' && c.states === 1 },
  { name: 'after the 3rd STATE', at: (m, c) => m.type === 'STATE' && c.states === 3 },
  { name: 'mid-batch, after record 77', at: (m, c) => m.type === 'RECORD' && c.records === 77 },
  { name: 'after the 9th STATE', at: (m, c) => m.type === 'STATE' && c.states === 9 },
  { name: 'inside the tie group, after record 260', at: (m, c) => m.type === 'RECORD' && c.records === 260 },
  { name: 'at the final STATE', at: (m) => m.type === 'STATE' && m.state.stream.stream_state.window === undefined && m.state.stream.stream_state.cursor !== undefined },
  { name: 'before any STATE (first record)', at: (m, c) => m.type === 'RECORD' && c.records === 1 },
];

for (const mode of ['cloud', 'datacenter'] as const) {
  test(`issues (${mode}): kill -9 at ${points.length} points, resume from the last STATE: union equals the truth`, async () => {
    const s = await sim({ issues: 400, mode, latencyMs: 5, jitterMs: 4, now: Date.now() - 3_600_000 });
    try {
      const sorted = s.control.truth().sort((a, b) => a.updated - b.updated);
      s.control.bulkEdit(120, sorted[200]!.updated); // a tie group spanning many pages
      const truth = s.control.truth().map((t) => t.id).sort();
      const config = configFor(s, { page_size: 40, max_concurrency: 6 }, mode);
      // The kill points are independent runs against one quiet simulator: run them side by side.
      await Promise.all(points.map(async (p) => {
        const counts = { states: 0, records: 0 };
        const killed = await readAirbyte(config, {
          onMessage: (m) => {
            if (m.type === 'STATE') counts.states++;
            if (m.type === 'RECORD') counts.records++;
            return p.at(m, counts);
          },
        });
        // At the final STATE the run may have printed its last line and exited before the kill lands.
        const exitedFirst = p.name === 'at the final STATE' && killed.code === 0;
        assert.ok(killed.signal === 'SIGKILL' || exitedFirst, `${p.name}: the run was killed (code ${killed.code}, signal ${killed.signal})`);
        const resumed = await readAirbyte(config, killed.lastState === undefined ? {} : { state: killed.lastState });
        assert.equal(resumed.code, 0, resumed.stderr);
        const cut = killed.lastState?.window as { upper: number } | undefined;
        const next = resumed.states.find((st) => st.window !== undefined)?.window as { upper: number } | undefined;
        if (cut && next) assert.equal(next.upper, cut.upper, `${p.name}: the resume continues the same window`);
        const union = new Set([...ids(killed.records), ...ids(resumed.records)]);
        assert.deepEqual([...union].sort(), truth, p.name);
        const reread = killed.records.length + resumed.records.length - truth.length;
        assert.ok(reread <= 2 * 100 + 120, `${p.name}: re-read ${reread}`);
      }));
    } finally {
      await s.close();
    }
  });
}

test('issues (singer): kill -9 mid-window, resume from the last bookmark: union equals the truth', async () => {
  const s = await sim({ issues: 300, latencyMs: 3, now: Date.now() - 3_600_000 });
  try {
    const files = writeJsonFiles({ config: configFor(s, { page_size: 30, max_concurrency: 4 }) });
    // No catalog: every stream is synced; the bookmark under test is the issues one.
    const records = (r: CliResult) => r.messages.filter((m) => m.type === 'RECORD' && m.stream === 'issues').map((m) => String(m.record.id));
    let states = 0;
    const killed = await runCli(singerBin, ['--config', files.config!], { onMessage: (m) => m.type === 'STATE' && ++states === 4 });
    assert.equal(killed.signal, 'SIGKILL');
    const bookmark = killed.messages.filter((m) => m.type === 'STATE').at(-1)!.value;
    assert.ok(bookmark.bookmarks.issues.window, 'killed mid-window');
    const state = writeJsonFiles({ state: bookmark });
    const resumed = await runCli(singerBin, ['--config', files.config!, '--state', state.state!]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assertValidSinger(resumed.messages);
    const union = new Set([...records(killed), ...records(resumed)]);
    assert.deepEqual([...union].sort(), s.control.truth().map((t) => t.id).sort());
    assert.ok(records(resumed).length <= 300 - records(killed).length + 100, 'the resume did not start over');
  } finally {
    await s.close();
  }
});
