// The derived streams under churn (links made and removed, sprint moves, edits, creates, deletes while
// the walk pages) and after kill -9: through the real CLI, the warehouse's "replace the children of
// re-synced parents" model rebuilt from every row emitted equals the truth, and no STATE of a rider
// covers an issue whose rows were not emitted before it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, sim } from './issues-harness.js';
import { currentRows, linkKey, readWalk, sprintKey, truthLinkRows, truthSprintRows, WALK } from './riders-harness.js';
import { statesAheadOfRecords } from '../helpers/state-coverage.js';
import { runCli, singerBin, writeJsonFiles, type CliResult } from '../helpers/run-cli.js';
import { assertValidSinger } from '../helpers/protocol-checks.js';
import type { JsonObject } from '../../src/streams/stream.js';

test('riders under churn of links, sprints and issues: two runs rebuild the current links and sprint membership exactly', async () => {
  const s = await sim({ issues: 600, latencyMs: 3, jitterMs: 2, now: Date.now() - 60_000 });
  try {
    const config = configFor(s, { page_size: 25, max_concurrency: 4, lookback_minutes: 5 });
    s.control.startChurn({ updatesPerSecond: 10, createsPerSecond: 3, deletesPerSecond: 3, linksPerSecond: 20, sprintMovesPerSecond: 20 });
    const first = await readWalk(config, WALK);
    s.control.stopChurn();
    assert.equal(first.code, 0, first.stderr);
    await new Promise((r) => setTimeout(r, 11_000)); // past the settle time, so the next window holds every change
    const second = await readWalk(config, WALK, { states: first.lastStates });
    assert.equal(second.code, 0, second.stderr);
    const issues = [...first.records('issues'), ...second.records('issues')];
    const live = new Set(s.control.truth().map((t) => t.id));
    const rows = (name: string): JsonObject[] => [...first.records(name), ...second.records(name)];
    assert.deepEqual(currentRows(rows('issue_links'), issues, live, linkKey), truthLinkRows(s), 'current links');
    assert.deepEqual(currentRows(rows('sprint_issues'), issues, live, sprintKey), truthSprintRows(s), 'current sprint membership');
    console.log(`# churn: ${rows('issue_links').length} link rows, ${rows('sprint_issues').length} sprint rows, ${issues.length} issue records over two runs`);
  } finally {
    s.control.stopChurn();
    await s.close();
  }
});

for (const mode of ['cloud', 'datacenter'] as const) {
  test(`riders (${mode}): kill -9 at several points, resume from each stream's last STATE: the union equals the truth, no STATE ahead of its rows`, async () => {
    const s = await sim({ issues: 400, mode, latencyMs: 4, jitterMs: 3, now: Date.now() - 3_600_000 });
    try {
      const config = configFor(s, { page_size: 40, max_concurrency: 4 }, mode);
      const truth = s.control.truth();
      const withLinks = new Set(s.control.links().flatMap((l) => [l.fromId, l.toId]));
      const inSprint = new Set(s.control.sprintMembership().map((m) => m.issueId));
      const points = [
        { name: 'after the 2nd STATE', at: (n: { states: number; records: number }) => n.states === 2 },
        { name: 'after the 10th STATE', at: (n: { states: number; records: number }) => n.states === 10 },
        { name: 'mid-batch, after record 150', at: (n: { states: number; records: number }) => n.records === 150 },
      ];
      await Promise.all(
        points.map(async (p) => {
          const n = { states: 0, records: 0 };
          const killed = await readWalk(config, ['issue_links', 'sprint_issues', 'issues'], {
            onMessage: (m) => {
              if (m.type === 'STATE') n.states++;
              if (m.type === 'RECORD') n.records++;
              return p.at(n);
            },
          });
          assert.equal(killed.signal, 'SIGKILL', p.name);
          for (const [stream, expected, issueOf] of [
            ['issue_links', withLinks, (d: Record<string, unknown>) => String(d.issue_id)],
            ['sprint_issues', inSprint, (d: Record<string, unknown>) => String(d.issue_id)],
          ] as const) {
            assert.deepEqual(statesAheadOfRecords(killed.messages, truth.filter((t) => expected.has(t.id)), { stream, issueOf }), [], `${p.name}: ${stream}`);
          }
          assert.deepEqual(statesAheadOfRecords(killed.messages, truth), [], `${p.name}: issues`);
          const resumed = await readWalk(config, WALK, { states: killed.lastStates });
          assert.equal(resumed.code, 0, resumed.stderr);
          const union = (name: string, key: (r: JsonObject) => string) => [...new Set([...killed.records(name), ...resumed.records(name)].map(key))].sort();
          assert.deepEqual(union('issue_links', linkKey), truthLinkRows(s), `${p.name}: links`);
          assert.deepEqual(union('sprint_issues', sprintKey), truthSprintRows(s), `${p.name}: sprints`);
          assert.deepEqual(union('issues', (r) => String(r.id)), truth.map((t) => t.id).sort(), `${p.name}: issues`);
        }),
      );
    } finally {
      await s.close();
    }
  });
}

test('riders (singer): issues and issue_links selected, kill -9 mid-walk, resume from the bookmarks: the union equals the truth', async () => {
  const s = await sim({ issues: 300, latencyMs: 3, now: Date.now() - 3_600_000 });
  try {
    const files = writeJsonFiles({ config: configFor(s, { page_size: 30, max_concurrency: 4 }) });
    const discovered = JSON.parse((await runCli(singerBin, ['--config', files.config!, '--discover'])).stdout) as { streams: Array<{ tap_stream_id: string; metadata: Array<{ breadcrumb: string[]; metadata: Record<string, unknown> }> }> };
    for (const st of discovered.streams) {
      const top = st.metadata.find((m) => m.breadcrumb.length === 0)!;
      top.metadata.selected = st.tap_stream_id === 'issues' || st.tap_stream_id === 'issue_links';
    }
    const catalog = writeJsonFiles({ catalog: discovered }).catalog!;
    const rows = (r: CliResult) => r.messages.filter((m) => m.type === 'RECORD' && m.stream === 'issue_links').map((m) => linkKey(m.record));
    let states = 0;
    const killed = await runCli(singerBin, ['--config', files.config!, '--catalog', catalog], { onMessage: (m) => m.type === 'STATE' && ++states === 5 });
    assert.equal(killed.signal, 'SIGKILL');
    const bookmark = killed.messages.filter((m) => m.type === 'STATE').at(-1)!.value;
    assert.ok(bookmark.bookmarks.issue_links.window, 'killed mid-window, the rider has its own bookmark');
    // Killed between the walk's STATE for issues and the one for issue_links, their positions may differ
    // by a batch: the resume then walks once per position.
    const resumed = await runCli(singerBin, ['--config', files.config!, '--catalog', catalog, '--state', writeJsonFiles({ state: bookmark }).state!]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assertValidSinger(resumed.messages);
    assert.deepEqual([...new Set([...rows(killed), ...rows(resumed)])].sort(), truthLinkRows(s));
    assert.ok(rows(resumed).length < truthLinkRows(s).length, 'the resume did not start over');
  } finally {
    await s.close();
  }
});
