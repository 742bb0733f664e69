// Zero lost under updates, creates and deletes while paging, with both token semantics of the
// simulator; the run ends although the churn never stops, and its output covers the truth as of
// its start. Through the real Airbyte CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, duplicatesRatio, ids, missingFromStart, readAirbyte, sim } from './issues-harness.js';

for (const tokenSemantics of ['keyset', 'offset'] as const) {
  test(`issues (${tokenSemantics} tokens): zero lost under constant churn, few duplicates, the run ends`, async () => {
    const s = await sim({ issues: 800, tokenSemantics, latencyMs: 4, jitterMs: 2, now: Date.now() - 30_000 });
    try {
      const start = s.control.truth();
      s.control.startChurn({ updatesPerSecond: 15, createsPerSecond: 5, deletesPerSecond: 5, commentsPerSecond: 5 });
      const run = await readAirbyte(configFor(s, { page_size: 25, max_concurrency: 4 }));
      const end = s.control.truth(); // churn still running: the run ended on its own
      s.control.stopChurn();
      assert.equal(run.code, 0, run.stderr);
      const missing = missingFromStart(start, end, run.records);
      assert.deepEqual(missing.map((t) => t.key), [], 'every issue live at start and at end was emitted at least as new as at start');
      const ratio = duplicatesRatio(run.records);
      const counts = s.control.requestCounts();
      console.log(`# ${tokenSemantics}: ${run.records.length} records, ${ids(run.records).size} unique, ratio ${ratio.toFixed(3)}, requests ${JSON.stringify(counts)}`);
      assert.ok(ratio <= 1.05, `duplicates ratio ${ratio}`);
      assert.ok(run.states.length >= 800 / 100, 'a STATE at least every batch');
    } finally {
      s.control.stopChurn();
      await s.close();
    }
  });
}
