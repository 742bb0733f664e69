// Transient faults are retried by the one policy until the run succeeds; 400/401/403/404 fail at
// once with Jira's message and a fix. Through the real Airbyte CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, ids, readAirbyte, sim } from './issues-harness.js';
import type { FaultOptions } from '../../src/simulator/types.js';

const HOUR = 3_600_000;

const faults: Array<[string, FaultOptions]> = [
  ['429 with Retry-After', { rate429: 0.25, retryAfterSeconds: 1 }],
  ['429 without Retry-After', { rate429: 0.25, retryAfterSeconds: null }],
  ['503 with an HTML body', { rate503: 0.25 }],
  ['connection resets', { rateReset: 0.25 }],
  ['truncated JSON', { rateTruncated: 0.25 }],
];

for (const [name, f] of faults) {
  test(`issues: ${name} are retried and the run completes with every issue`, async () => {
    const s = await sim({ issues: 200, now: Date.now() - HOUR, faults: { ...f, paths: ['/rest/api/3/search/jql', '/rest/api/3/issue/bulkfetch'] } });
    try {
      const run = await readAirbyte(configFor(s, { page_size: 25, max_concurrency: 4 }));
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual([...ids(run.records)].sort(), s.control.truth().map((t) => t.id).sort());
      const logs = run.messages.filter((m) => m.type === 'LOG' && /retrying/.test(m.log.message)).length;
      assert.ok(logs > 0, 'the faults happened and were retried');
    } finally {
      await s.close();
    }
  });
}

test('issues: 400 (bad jql), 401 (wrong token), 404 (wrong base_url) fail at once with Jira\'s message and a fix', async () => {
  const s = await sim({ issues: 20, now: Date.now() - HOUR });
  try {
    const cases: Array<[string, Parameters<typeof configFor>[1], RegExp]> = [
      ['400', { jql: 'project = NOSUCHPROJECT' }, /400.*NOSUCHPROJECT.*Fix the jql or projects/],
      ['401', { credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'wrong-secret-value' } }, /401.*check email and api_token/],
      ['404', { base_url: `${s.url}/wrong-context` }, /not a Jira site|404/],
    ];
    for (const [status, over, message] of cases) {
      s.control.resetRequestLog();
      const run = await readAirbyte(configFor(s, over));
      assert.notEqual(run.code, 0, `${status}: non-zero exit`);
      assert.equal(run.records.length, 0);
      const trace = run.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
      assert.ok(trace, `${status}: an error TRACE`);
      assert.match(trace.trace.error.message, message);
      assert.equal(trace.trace.error.failure_type, 'config_error');
      // /myself and the /field that rides beside it may each meet the error once; neither is retried.
      const refused = s.control.requests().filter((r) => r.status === Number(status)).map((r) => r.path);
      assert.ok(refused.length >= 1, `${status}: the error was met`);
      assert.equal(new Set(refused).size, refused.length, `${status}: never retried (${refused.join(', ')})`);
      assert.ok(!run.stdout.includes('wrong-secret-value') && !run.stderr.includes('wrong-secret-value'));
    }
  } finally {
    await s.close();
  }
});
