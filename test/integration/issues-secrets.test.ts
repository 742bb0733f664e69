// The API token never appears in stdout or stderr: check, discover and read (success and every
// failure path, with --debug) are scanned for the token and its Basic-auth encoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { airbyteBin, runCli, writeJsonFiles } from '../helpers/run-cli.js';
import { catalog, configFor, sim } from './issues-harness.js';

const SECRET = 'demo-token'; // the simulator's default token: the one the runs below really use

test('issues: the API token never appears in any output', async () => {
  const s = await sim({ issues: 60, now: Date.now() - 3_600_000, faults: { rate503: 0.2, rate429: 0.1, retryAfterSeconds: 0 } });
  try {
    const good = configFor(s, { page_size: 10 });
    const configs = [
      good,
      configFor(s, { jql: 'project = NOSUCH' }),
      configFor(s, { base_url: `${s.url}/nope` }),
      { ...good, credentials: { auth_type: 'api_token', email: 'x@example.com', api_token: SECRET } },
      { ...good, base_url: 'http://jira.example.com' },
    ];
    const basic = Buffer.from(`demo@example.com:${SECRET}`).toString('base64');
    for (const config of configs) {
      const files = writeJsonFiles({ config, catalog: catalog() });
      for (const args of [['check', '--config', files.config!], ['read', '--debug', '--config', files.config!, '--catalog', files.catalog!]]) {
        const r = await runCli(airbyteBin, args, { timeoutMs: 60_000 });
        for (const out of [r.stdout, r.stderr]) {
          assert.ok(!out.includes(SECRET), `token in output of ${args[0]}`);
          assert.ok(!out.includes(basic), `encoded token in output of ${args[0]}`);
        }
      }
    }
  } finally {
    await s.close();
  }
});
