// Issue 11: a Cloud window of 1000+ issues is cut into leaves, each listed by one ids-only page, so a
// Jira that caps pages carrying `updated` at 100 rows (fieldPageCap) does not make the read a chain
// of round trips. Correctness through the real Airbyte CLI against the simulator: output equals the
// truth, under churn (both token semantics), with a tie group larger than a page of ids, and across
// kill -9 with leaves in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, duplicatesRatio, ids, logs, missingFromStart, readAirbyte, sim, statesAheadOfRecords } from './issues-harness.js';

const HOUR = 3_600_000;

test('issues (cloud, field cap 100): leaves read every issue with few search pages; a tie group over a page of ids goes to the seek walk', async () => {
  const s = await sim({ issues: 9000, fieldPageCap: 100, latencyMs: 2, now: Date.now() - HOUR });
  try {
    const sorted = s.control.truth().sort((a, b) => a.updated - b.updated);
    s.control.bulkEdit(5100, sorted[1000]!.updated); // one instant holds more than a page of ids
    const truth = s.control.truth();
    const run = await readAirbyte(configFor(s, { page_size: 1000, max_concurrency: 8 }));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([...ids(run.records)].sort(), truth.map((t) => t.id).sort(), 'every issue emitted');
    assert.deepEqual(statesAheadOfRecords(run.messages, truth), []);
    assert.ok(logs(run.messages, 'INFO').some((l) => /in \d+ leaves \(\d+ listed by ids-only pages\), 2 at a time/.test(l)), logs(run.messages, 'INFO').join('\n'));
    const counts = s.control.requestCounts();
    // 5100 at one instant: the seek walk pages it by 100 (the cap) with tokens, then re-lists it until a
    // pass finds nothing new (~3 x 51 pages); the leaves that split towards that instant, a few pages each.
    const pages = counts['POST /rest/api/3/search/jql'] ?? 0;
    console.log(`# ${run.records.length} records, requests ${JSON.stringify(counts)}`);
    assert.ok(pages < 3 * 52 + 80, `search pages ${pages}`);
    assert.ok((counts['POST /rest/api/3/search/approximate-count'] ?? 0) >= 1, 'the window was sized by counts');
  } finally {
    await s.close();
  }
});

for (const tokenSemantics of ['keyset', 'offset'] as const) {
  test(`issues (cloud leaves, ${tokenSemantics} tokens, field cap 100): zero lost under constant churn, the run ends`, async () => {
    const s = await sim({ issues: 7000, fieldPageCap: 100, tokenSemantics, latencyMs: 4, jitterMs: 2, now: Date.now() - 30_000 });
    try {
      const start = s.control.truth();
      s.control.startChurn({ updatesPerSecond: 30, createsPerSecond: 5, deletesPerSecond: 10, commentsPerSecond: 5 });
      const began = Date.now();
      const run = await readAirbyte(configFor(s, { page_size: 1000, max_concurrency: 8 }));
      const seconds = (Date.now() - began) / 1000;
      const end = s.control.truth();
      s.control.stopChurn();
      assert.equal(run.code, 0, run.stderr);
      assert.ok(logs(run.messages, 'INFO').some((l) => /leaves/.test(l)), 'read in leaves');
      assert.deepEqual(missingFromStart(start, end, run.records).map((t) => t.key), [], 'every issue live at start and at end was emitted at least as new as at start');
      // An issue edited while the run reads is emitted again by the sweeps: at most one per update, plus slack.
      const allowed = 1 + (30 * seconds + 50) / start.length;
      assert.ok(duplicatesRatio(run.records) <= allowed, `duplicates ratio ${duplicatesRatio(run.records)} > ${allowed} after ${seconds} s`);
    } finally {
      s.control.stopChurn();
      await s.close();
    }
  });
}

test('issues (cloud leaves): kill -9 with leaves in flight, resume from the last STATE: union equals the truth, same window, parts kept', async () => {
  const s = await sim({ issues: 6000, fieldPageCap: 100, latencyMs: 5, jitterMs: 4, now: Date.now() - HOUR });
  try {
    const truth = s.control.truth().map((t) => t.id).sort();
    const config = configFor(s, { page_size: 1000, max_concurrency: 6 });
    const points: Array<{ name: string; at: (type: string, c: { states: number; records: number }) => boolean }> = [
      { name: 'before any STATE (record 10)', at: (type, c) => type === 'RECORD' && c.records === 10 },
      { name: 'after the first STATE', at: (type, c) => type === 'STATE' && c.states === 1 },
      { name: 'mid-leaf, record 2600', at: (type, c) => type === 'RECORD' && c.records === 2600 },
      { name: 'after the 2nd STATE', at: (type, c) => type === 'STATE' && c.states === 2 },
    ];
    let sawParts = false;
    await Promise.all(points.map(async (p) => {
      const counts = { states: 0, records: 0 };
      const killed = await readAirbyte(config, {
        onMessage: (m) => {
          if (m.type === 'STATE') counts.states++;
          if (m.type === 'RECORD') counts.records++;
          return p.at(m.type, counts);
        },
      });
      assert.equal(killed.signal, 'SIGKILL', `${p.name}: killed`);
      const cut = killed.lastState as { window?: { upper: number }; parts?: unknown[] } | undefined;
      if (counts.states > 0) assert.ok(cut?.window !== undefined, `${p.name}: killed mid-window: ${JSON.stringify(cut)}`);
      if (cut?.parts !== undefined) sawParts = true;
      const resumed = await readAirbyte(config, cut === undefined ? {} : { state: cut as never });
      assert.equal(resumed.code, 0, resumed.stderr);
      const next = resumed.states.find((st) => st.window !== undefined)?.window as { upper: number } | undefined;
      if (cut?.window && next) assert.equal(next.upper, cut.window.upper, `${p.name}: the resume continues the same window`);
      const union = new Set([...ids(killed.records), ...ids(resumed.records)]);
      assert.deepEqual([...union].sort(), truth, p.name);
      const reread = killed.records.length + resumed.records.length - truth.length;
      assert.ok(reread <= 2 * 2500 + 200, `${p.name}: re-read ${reread}`);
    }));
    assert.ok(sawParts, 'at least one kill landed with several parts in flight');
  } finally {
    await s.close();
  }
});
