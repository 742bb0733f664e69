// No secret ever appears in stdout or stderr: check, discover and read (success and every failure
// path, with --debug) are scanned for the API token and its Basic-auth encoding, then for every other
// credential (scoped tokens, OAuth clients, refresh and access tokens, DC passwords) on both fronts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { airbyteBin, runCli, singerBin, writeJsonFiles } from '../helpers/run-cli.js';
import { catalog, configFor, sim } from './issues-harness.js';
import { authConfig, controlConfigs, CREDENTIALS, DEFAULT_SECRETS, singerIssuesCatalog } from './auth-harness.js';

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
      let latest: Record<string, unknown> | undefined;
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

test('every other way in: no secret, and no token the token endpoint sent, appears in any output but the CONTROL message that must carry it', async () => {
  const cloud = await sim({ issues: 40, latencyMs: 10, now: Date.now() - 3_600_000, auth: { accessTokenTtlSeconds: 0.4 } });
  const dc = await sim({ issues: 20, mode: 'datacenter', now: Date.now() - 3_600_000 });
  try {
    const wrong = ['wrong-token-1', 'wrong-secret-2', 'wrong-refresh-3', 'wrong-password-4'];
    const configs: unknown[] = [
      authConfig(cloud, CREDENTIALS.scoped, { page_size: 10 }),
      authConfig(cloud, { ...CREDENTIALS.scoped, api_token: wrong[0] }),
      authConfig(cloud, CREDENTIALS.oauth, { page_size: 10 }),
      authConfig(cloud, { ...CREDENTIALS.oauth, client_secret: wrong[1] }),
      authConfig(cloud, { ...CREDENTIALS.oauth, refresh_token: wrong[2] }),
      authConfig(cloud, CREDENTIALS.serviceAccount, { page_size: 10 }),
      authConfig(cloud, { ...CREDENTIALS.serviceAccount, client_secret: wrong[1] }),
      authConfig(dc, CREDENTIALS.password),
      authConfig(dc, { ...CREDENTIALS.password, password: wrong[3] }),
    ];
    const outputs: string[] = [];
    const issuedTokens = new Set<string>();
    for (const config of configs) {
      const files = writeJsonFiles({ config, catalog: catalog() });
      let latest: Record<string, unknown> | undefined;
      for (const args of [['check', '--config', files.config!], ['read', '--debug', '--config', files.config!, '--catalog', files.catalog!]]) {
        const r = await runCli(airbyteBin, args, { timeoutMs: 60_000 });
        for (const c of controlConfigs(r.messages)) {
          for (const t of [c.credentials.refresh_token, c.credentials.access_token]) issuedTokens.add(t);
          latest = c;
        }
        // The CONTROL message carries the new config to the platform: the one place secrets belong.
        outputs.push(r.stdout.split('\n').filter((line) => !line.startsWith('{"type":"CONTROL"')).join('\n'), r.stderr);
      }
      // The platform would store the rotated config; Singer starts from it (its discover asks the site too).
      if (latest !== undefined) writeFileSync(files.config!, JSON.stringify(latest));
      // Discover asks the site (typed custom fields), so wrong credentials fail it: its output is scanned too.
      let catalogArgs: string[] = [];
      try {
        catalogArgs = ['--catalog', await singerIssuesCatalog(files.config!)];
      } catch (err) {
        outputs.push((err as Error).message);
      }
      const singer = await runCli(singerBin, ['--debug', '--config', files.config!, ...catalogArgs], { timeoutMs: 60_000 });
      outputs.push(singer.stdout, singer.stderr);
      const rewritten = JSON.parse(readFileSync(files.config!, 'utf8')).credentials;
      for (const t of [rewritten.refresh_token, rewritten.access_token]) if (typeof t === 'string' && t.startsWith('sim-')) issuedTokens.add(t);
    }
    assert.ok(issuedTokens.size >= 4, `the runs rotated tokens (${issuedTokens.size})`);
    const secrets = [...DEFAULT_SECRETS, ...wrong, ...issuedTokens];
    const encoded = [
      Buffer.from('demo@example.com:demo-scoped-token').toString('base64'),
      Buffer.from('demo:demo-password').toString('base64'),
      Buffer.from(`demo@example.com:${wrong[0]}`).toString('base64'),
    ];
    for (const out of outputs) {
      for (const secret of [...secrets, ...encoded]) assert.ok(!out.includes(secret), `a secret (${secret.slice(0, 6)}…) in the output`);
      // Every access or refresh token the simulator issued starts so, even those no message carried.
      assert.ok(!/sim-(at|rt)-\d/.test(out), 'an issued token in the output');
    }
  } finally {
    await cloud.close();
    await dc.close();
  }
});
