// OAuth 2.0 through the real CLIs: access tokens that expire mid-read are renewed (before expiry, and
// on a 401) with no record lost; a rotated refresh token is persisted on both fronts (Airbyte: a
// CONTROL CONNECTOR_CONFIG message; Singer: the config file rewritten in place) and the next run uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import { airbyteBin, runCli, singerBin, writeJsonFiles } from '../helpers/run-cli.js';
import { duplicatesRatio, ids, readAirbyte, sim } from './issues-harness.js';
import { authConfig, controlConfigs, CREDENTIALS, singerIssuesCatalog } from './auth-harness.js';
import type { Config } from '../../src/config/config.js';

const TOKEN_POSTS = (s: Awaited<ReturnType<typeof sim>>) => s.control.requests().filter((r) => r.path === '/oauth/token').length;

test('Airbyte: access tokens of 0.5 s renewed throughout a read of seconds; every issue once; each rotation in a CONTROL message', async () => {
  const s = await sim({ issues: 240, latencyMs: 25, now: Date.now() - 3_600_000, auth: { accessTokenTtlSeconds: 0.5 } });
  try {
    const truth = new Set(s.control.truth().map((t) => t.id));
    const run = await readAirbyte(authConfig(s, CREDENTIALS.oauth, { page_size: 10, max_concurrency: 2 }));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(ids(run.records), truth);
    assert.equal(duplicatesRatio(run.records), 1);
    const renewals = TOKEN_POSTS(s);
    assert.ok(renewals >= 3, `the read spans several token lifetimes: ${renewals} token requests`);
    const configs = controlConfigs(run.messages);
    assert.equal(configs.length, renewals, 'every rotation persisted');
    const refreshTokens = configs.map((c) => c.credentials.refresh_token);
    assert.equal(new Set(refreshTokens).size, refreshTokens.length);
    assert.ok(!refreshTokens.includes(CREDENTIALS.oauth.refresh_token));
    // The full config each time, valid against the spec: the platform stores it as it is.
    for (const c of configs) assert.deepEqual({ ...c, credentials: undefined }, { ...authConfig(s, CREDENTIALS.oauth, { page_size: 10, max_concurrency: 2 }), credentials: undefined });
  } finally {
    await s.close();
  }
});

test('Airbyte: an access token the server expires mid-read (401) is renewed and the request retried; nothing lost', async () => {
  const s = await sim({ issues: 200, latencyMs: 20, now: Date.now() - 3_600_000 });
  try {
    const truth = new Set(s.control.truth().map((t) => t.id));
    // A token the config claims is good for years: only the server's 401 can tell it expired.
    const issued = await (await fetch(`${s.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', client_id: 'demo-client', client_secret: 'demo-client-secret', refresh_token: 'demo-refresh-token' }),
    })).json() as { access_token: string; refresh_token: string };
    const config = authConfig(s, { ...CREDENTIALS.oauth, refresh_token: issued.refresh_token, access_token: issued.access_token, access_token_expires_at: '2099-01-01T00:00:00Z' }, { page_size: 10, max_concurrency: 2 });
    s.control.resetRequestLog();
    let expired = false;
    const run = await readAirbyte(config, {
      onMessage: (m) => {
        // At the first record, every live access token expires (a shorter lifetime applies to them too).
        if (m.type === 'RECORD' && !expired) s.control.configure({ auth: { accessTokenTtlSeconds: 0.3 } });
        expired ||= m.type === 'RECORD';
      },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(ids(run.records), truth);
    assert.equal(duplicatesRatio(run.records), 1);
    const log = s.control.requests();
    const firstRefusal = log.findIndex((r) => r.status === 401);
    assert.ok(firstRefusal > 0, 'a request mid-read got 401');
    assert.ok(log.slice(0, firstRefusal).some((r) => r.status === 200 && r.path.includes('/search/jql')), 'after the read had begun');
    assert.ok(!log.slice(0, firstRefusal).some((r) => r.path === '/oauth/token'), 'the token from the config was used until then');
    assert.ok(log.slice(firstRefusal).some((r) => r.path === '/oauth/token' && r.status === 200), 'then the token was renewed');
    assert.ok(controlConfigs(run.messages).length >= 1);
  } finally {
    await s.close();
  }
});

test('Airbyte: the rotated refresh token from CONTROL works in the next run; the old one no longer does', async () => {
  const s = await sim({ issues: 10, auth: { refreshTokenGraceSeconds: 0 } });
  try {
    const old = authConfig(s, CREDENTIALS.oauth);
    const checkWith = async (config: unknown) => {
      const files = writeJsonFiles({ config });
      const r = await runCli(airbyteBin, ['check', '--config', files.config!]);
      return { status: r.messages.find((m) => m.type === 'CONNECTION_STATUS')!.connectionStatus, configs: controlConfigs(r.messages) };
    };
    const first = await checkWith(old);
    assert.equal(first.status.status, 'SUCCEEDED');
    assert.equal(first.configs.length, 1);
    await new Promise((r) => setTimeout(r, 20));
    const stale = await checkWith(old);
    assert.equal(stale.status.status, 'FAILED');
    assert.match(stale.status.message, /refused the refresh token/);
    // As the platform stores it: the persisted access token is still good, so no refresh at all.
    const stored = first.configs[0]!;
    const reused = await checkWith(stored);
    assert.equal(reused.status.status, 'SUCCEEDED');
    assert.equal(reused.configs.length, 0);
    // Without it, the persisted refresh token is what gets the run in (and it rotates again).
    const { access_token: _a, access_token_expires_at: _e, ...refreshOnly } = stored.credentials;
    const next = await checkWith({ ...stored, credentials: refreshOnly });
    assert.equal(next.status.status, 'SUCCEEDED');
    assert.notEqual(next.configs[0]!.credentials.refresh_token, stored.credentials.refresh_token);
  } finally {
    await s.close();
  }
});

test('Singer: the config file is rewritten in place (atomically, mode kept) with the rotated token, and the next run uses it', async () => {
  const s = await sim({ issues: 30, now: Date.now() - 3_600_000, auth: { refreshTokenGraceSeconds: 0, accessTokenTtlSeconds: 0.3 } });
  try {
    const config: Config = authConfig(s, CREDENTIALS.oauth);
    const path = writeJsonFiles({ config }).config!;
    chmodSync(path, 0o600);
    const catalog = await singerIssuesCatalog(path); // discover asks the site too: it may rotate the token, and writes it back
    const before = readFileSync(path, 'utf8');
    const first = await runCli(singerBin, ['--config', path, '--catalog', catalog]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.messages.filter((m) => m.type === 'RECORD').length, 30);
    const after = JSON.parse(readFileSync(path, 'utf8'));
    assert.notEqual(readFileSync(path, 'utf8'), before);
    assert.notEqual(after.credentials.refresh_token, CREDENTIALS.oauth.refresh_token);
    const { refresh_token: _r, access_token: _a, access_token_expires_at: _e, ...otherCredentials } = after.credentials;
    const { refresh_token: _r0, ...otherBefore } = config.credentials as unknown as Record<string, unknown>;
    assert.deepEqual({ ...after, credentials: otherCredentials }, { ...config, credentials: otherBefore }, 'nothing else changed');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dirname(path)).filter((f) => f.includes('.tmp')), [], 'no temporary file left');
    for (const out of [first.stdout, first.stderr]) assert.ok(!out.includes(after.credentials.refresh_token) && !out.includes(after.credentials.access_token));
    // The access token in the file has expired and the initial refresh token is spent (no grace):
    // only the rotated refresh token in the rewritten file can make the second run work.
    await new Promise((r) => setTimeout(r, 400));
    const second = await runCli(singerBin, ['--config', path, '--catalog', catalog]);
    assert.equal(second.code, 0, second.stderr);
    assert.notEqual(JSON.parse(readFileSync(path, 'utf8')).credentials.refresh_token, after.credentials.refresh_token);
  } finally {
    await s.close();
  }
});
