// When Jira's answers break its own contract (the simulator's `lies`): credentials revoked mid-run,
// `isLast: false` without a token, pages that disagree with their JQL, bulkfetch answering other ids
// or leaving ids out, endless empty pages. Through the real CLI, each run must end in bounded time
// with the right exit status and message, and no STATE may cover an issue not emitted before it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, ids, logs, readAirbyte, sim, statesAheadOfRecords, traceErrors, type RunningSimulator } from './issues-harness.js';
import type { LieOptions } from '../../src/simulator/types.js';
import { runCli, singerBin, writeJsonFiles } from '../helpers/run-cli.js';
import { assertValidSinger } from '../helpers/protocol-checks.js';

const hourAgo = () => Date.now() - 3_600_000;

async function withSim(opts: Parameters<typeof sim>[0], body: (s: RunningSimulator) => Promise<void>): Promise<void> {
  const s = await sim(opts);
  try {
    await body(s);
  } finally {
    await s.close();
  }
}

for (const identity of ['named in headers', 'stripped by a proxy'] as const) {
  test(`issues: credentials revoked mid-run (identity ${identity}) fail the run clearly; no STATE rests on anonymous answers`, async () => {
    await withSim({ issues: 1500, latencyMs: 4, now: hourAgo(), lies: identity === 'stripped by a proxy' ? { stripIdentity: true } : undefined }, async (s) => {
      const truth = s.control.truth();
      let records = 0;
      const started = Date.now();
      const run = await readAirbyte(configFor(s, { page_size: 100, max_concurrency: 4 }), {
        onMessage: (m) => {
          if (m.type === 'RECORD' && ++records === 300) s.control.configure({ lies: { ...(identity === 'stripped by a proxy' ? { stripIdentity: true } : {}), revoked: true } });
        },
      });
      assert.equal(run.code, 1, run.stderr);
      assert.ok(Date.now() - started < 30_000);
      const errors = traceErrors(run.messages);
      assert.ok(errors.some((e) => /stopped accepting the credentials/.test(e.message) && e.failure_type === 'config_error'), JSON.stringify(errors));
      assert.deepEqual(statesAheadOfRecords(run.messages, truth), []);
      assert.ok(run.peakRssMb < 300, `peak RSS ${run.peakRssMb} MB`);
      assert.ok(ids(run.records).size < truth.length, 'the revocation happened mid-run');
      assert.ok(run.lastState === undefined || run.lastState.window !== undefined, 'no completed window');
    });
  });
}

test('issues: isLast false without a nextPageToken goes on from the position and reads everything', async () => {
  await withSim({ issues: 400, now: hourAgo(), lies: { dropNextPageToken: true } }, async (s) => {
    const truth = s.control.truth();
    const run = await readAirbyte(configFor(s, { page_size: 50 }));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([...ids(run.records)].sort(), truth.map((t) => t.id).sort());
    assert.deepEqual(statesAheadOfRecords(run.messages, truth), []);
  });
});

test('issues: isLast false without a token inside a tie group larger than a page stops with a clear error, bounded', async () => {
  await withSim({ issues: 300, now: hourAgo(), lies: { dropNextPageToken: true } }, async (s) => {
    const sorted = s.control.truth().sort((a, b) => a.updated - b.updated);
    s.control.bulkEdit(120, sorted[100]!.updated);
    const truth = s.control.truth();
    const started = Date.now();
    const run = await readAirbyte(configFor(s, { page_size: 50 }));
    assert.equal(run.code, 1);
    assert.ok(Date.now() - started < 30_000);
    const errors = traceErrors(run.messages);
    assert.ok(errors.some((e) => /no new issues although each said more follow|no nextPageToken/.test(e.message)), JSON.stringify(errors));
    assert.deepEqual(statesAheadOfRecords(run.messages, truth), []);
    assert.ok((s.control.requestCounts()['POST /rest/api/3/search/jql'] ?? 0) < 40, JSON.stringify(s.control.requestCounts()));
  });
});

const disagreeing: Array<{ name: string; lies: LieOptions; lag?: boolean }> = [
  { name: 'pages in reverse order', lies: { reversePages: true } },
  { name: 'rows fresher than the index that matched them', lies: { liveUpdated: true }, lag: true },
];

for (const mode of ['cloud', 'datacenter'] as const) {
  for (const d of disagreeing) {
    test(`issues (${mode}): a search whose ${d.name} loses no issue, logs what it saw, and writes states the next run reads`, async () => {
      await withSim({ issues: 500, mode, now: hourAgo(), indexLagMs: d.lag ? 600_000 : 0 }, async (s) => {
        // Edited now, seen by the index 10 minutes late: rendered live, they lie past the window's end.
        if (d.lag) s.control.updateIssues(40);
        const start = s.control.truth();
        s.control.configure({ lies: d.lies });
        const config = configFor(s, { page_size: 50 }, mode);
        const run = await readAirbyte(config);
        assert.equal(run.code, 0, run.stderr);
        const got = ids(run.records);
        assert.deepEqual(start.filter((t) => !got.has(t.id)).map((t) => t.id), [], 'every issue emitted');
        assert.ok(logs(run.messages, 'WARN').some((l) => /disagrees with its own JQL/.test(l)), 'the disagreement is logged');
        assert.ok(run.peakRssMb < 300, `peak RSS ${run.peakRssMb} MB`);
        assert.deepEqual(statesAheadOfRecords(run.messages, d.lag ? [] : start), []);
        // The states written are ones the next run accepts.
        for (const state of [run.states.find((st) => st.window !== undefined), run.lastState].filter((x) => x !== undefined)) {
          const again = await readAirbyte(config, { state });
          assert.equal(again.code, 0, again.stderr);
        }
      });
    });
  }
}

test('issues: bulkfetch leaving ids out at random loses nothing (asked again, then one by one)', async () => {
  await withSim({ issues: 600, now: hourAgo(), lies: { bulkfetchOmitRate: 0.3 } }, async (s) => {
    const truth = s.control.truth();
    const run = await readAirbyte(configFor(s, { page_size: 200 }));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([...ids(run.records)].sort(), truth.map((t) => t.id).sort());
    assert.deepEqual(statesAheadOfRecords(run.messages, truth), []);
    assert.ok(!logs(run.messages, 'WARN').some((l) => /were gone/.test(l)), 'nothing counted as gone');
    assert.ok(run.peakRssMb < 300, `peak RSS ${run.peakRssMb} MB`);
  });
});

test('issues: issues deleted after the search listed them are counted in a WARN, the rest emitted', async () => {
  await withSim({ issues: 300, now: hourAgo(), indexLagMs: 600_000 }, async (s) => {
    const gone = new Set(s.control.deleteIssues(7)); // the lagging index still lists them
    const truth = s.control.truth();
    const run = await readAirbyte(configFor(s, { page_size: 100 }));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([...ids(run.records)].sort(), truth.map((t) => t.id).sort());
    assert.ok([...gone].every((id) => !ids(run.records).has(id)));
    assert.ok(logs(run.messages, 'WARN').some((l) => /^issues: 7 issues listed by the search were gone/.test(l)), logs(run.messages, 'WARN').join('\n'));
  });
});

test('issues: bulkfetch answering with an issue not asked for is an error, not data', async () => {
  await withSim({ issues: 300, now: hourAgo(), lies: { bulkfetchExtra: true } }, async (s) => {
    const run = await readAirbyte(configFor(s, { page_size: 100 }));
    assert.equal(run.code, 1);
    const errors = traceErrors(run.messages);
    assert.ok(errors.some((e) => /which was not asked for/.test(e.message) && e.failure_type === 'system_error'), JSON.stringify(errors));
    assert.equal(run.records.length, 0, 'no record from an answer that cannot be trusted');
    assert.deepEqual(statesAheadOfRecords(run.messages, s.control.truth()), []);
  });
});

test('issues: endless empty pages with isLast false and fresh tokens stop after a few paced requests', async () => {
  await withSim({ issues: 200, now: hourAgo(), lies: { emptyPages: true } }, async (s) => {
    const started = Date.now();
    const run = await readAirbyte(configFor(s));
    const wall = Date.now() - started;
    assert.equal(run.code, 1);
    assert.ok(wall < 30_000, `${wall} ms`);
    const errors = traceErrors(run.messages);
    assert.ok(errors.some((e) => /no new issues although each said more follow/.test(e.message) && e.failure_type === 'transient_error'), JSON.stringify(errors));
    const searches = s.control.requestCounts()['POST /rest/api/3/search/jql'] ?? 0;
    assert.ok(searches <= 10, `${searches} search requests`);
    assert.ok(run.peakRssMb > 0 && run.peakRssMb < 300, `peak RSS ${run.peakRssMb} MB`);
    assert.ok(run.states.every((st) => st.cursor === undefined && st.window === undefined), 'no state moved');
  });
});

test('issues (singer): credentials revoked mid-run: exit 1, the reason on stderr, no bookmark past what was emitted', async () => {
  await withSim({ issues: 1200, latencyMs: 4, now: hourAgo() }, async (s) => {
    const truth = s.control.truth();
    const files = writeJsonFiles({ config: configFor(s, { page_size: 100, max_concurrency: 4 }) });
    let records = 0;
    const run = await runCli(singerBin, ['--config', files.config!], {
      onMessage: (m) => void (m.type === 'RECORD' && ++records === 300 && s.control.configure({ lies: { revoked: true } })),
      timeoutMs: 60_000,
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /stopped accepting the credentials/);
    assertValidSinger(run.messages);
    assert.deepEqual(statesAheadOfRecords(run.messages, truth), []);
  });
});
