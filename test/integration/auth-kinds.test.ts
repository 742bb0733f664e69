// Every way in, through the real Airbyte CLI against the simulator: each passes check and a full read
// (every stream discover lists, every issue), a scoped token given only the site URL is routed to the
// gateway under cloud_route auto, and each wrong credential fails check with a message naming the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { airbyteBin, runCli, writeJsonFiles } from '../helpers/run-cli.js';
import { ids, logs, sim } from './issues-harness.js';
import { assertValidAirbyte } from '../helpers/protocol-checks.js';
import { authConfig, CREDENTIALS } from './auth-harness.js';
import type { Config } from '../../src/config/config.js';

/** read with discover's output as the catalog: every stream. */
async function readAll(config: Config) {
  const files = writeJsonFiles({ config });
  const discovered = await runCli(airbyteBin, ['discover', '--config', files.config!]);
  const found = discovered.messages.find((m) => m.type === 'CATALOG')!.catalog; // after a CONTROL message when discover rotated a token
  const catalog = writeJsonFiles({ catalog: found }).catalog!;
  const r = await runCli(airbyteBin, ['read', '--config', files.config!, '--catalog', catalog], { timeoutMs: 60_000 });
  // RECORDs match the discovered catalog (the issues schema has the site's custom-field columns).
  assertValidAirbyte(r.messages, { catalog: found });
  const statuses = r.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS').map((m) => m.trace.stream_status.status);
  const records = r.messages.filter((m) => m.type === 'RECORD' && m.record.stream === 'issues').map((m) => m.record.data);
  return { ...r, records, streams: found.streams.length, complete: statuses.filter((x: string) => x === 'COMPLETE').length };
}

async function check(config: Config): Promise<{ status: string; message?: string }> {
  const files = writeJsonFiles({ config });
  const r = await runCli(airbyteBin, ['check', '--config', files.config!], { timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  return r.messages.find((m) => m.type === 'CONNECTION_STATUS')!.connectionStatus;
}

test('Cloud: classic token, scoped token (auto and gateway), OAuth 2.0 and a service account each pass check and a full read', async () => {
  const s = await sim({ issues: 60, now: Date.now() - 3_600_000 });
  try {
    const truth = new Set(s.control.truth().map((t) => t.id));
    const kinds: Array<[string, Config, boolean]> = [
      ['classic token', authConfig(s, CREDENTIALS.classic), false],
      ['scoped token, auto', authConfig(s, CREDENTIALS.scoped), true],
      ['scoped token, gateway', authConfig(s, { ...CREDENTIALS.scoped, cloud_route: 'gateway' }), true],
      ['OAuth 2.0', authConfig(s, CREDENTIALS.oauth), true],
      ['service account', authConfig(s, CREDENTIALS.serviceAccount), true],
    ];
    for (const [kind, config, viaGateway] of kinds) {
      assert.deepEqual(await check(config), { status: 'SUCCEEDED' }, kind);
      s.control.resetRequestLog();
      const run = await readAll({ ...config, page_size: 10 });
      assert.equal(run.code, 0, `${kind}: ${run.stderr}`);
      assert.ok(run.streams > 10 && run.complete === run.streams, `${kind}: every stream complete (${run.complete} of ${run.streams})`);
      assert.deepEqual(ids(run.records), truth, `${kind}: every issue`);
      const searches = s.control.requests().filter((r) => r.path.includes('/search/jql'));
      assert.ok(searches.length > 0 && searches.every((r) => r.path.startsWith('/ex/jira/') === viaGateway), `${kind}: searched through ${viaGateway ? 'the gateway' : 'the site'}`);
      if (kind === 'scoped token, auto') {
        assert.ok(logs(run.messages, 'INFO').some((m) => /site refused the API token \(401\): trying it through the API gateway/.test(m)), kind);
      }
    }
  } finally {
    await s.close();
  }
});

test('Data Center: personal access token and username + password each pass check and a full read', async () => {
  const s = await sim({ issues: 40, mode: 'datacenter', now: Date.now() - 3_600_000 });
  try {
    const truth = new Set(s.control.truth().map((t) => t.id));
    for (const credentials of [CREDENTIALS.pat, CREDENTIALS.password]) {
      const config = authConfig(s, credentials);
      assert.deepEqual(await check(config), { status: 'SUCCEEDED' }, credentials.auth_type);
      const run = await readAll(config);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.complete, run.streams, `${credentials.auth_type}: every stream complete`);
      assert.deepEqual(ids(run.records), truth, credentials.auth_type);
    }
    const wrong = await check(authConfig(s, { ...CREDENTIALS.password, password: 'not-it' }));
    assert.equal(wrong.status, 'FAILED');
    assert.match(wrong.message!, /rejected the credentials \(401\): check username and password/);
  } finally {
    await s.close();
  }
});

test('each wrong Cloud credential fails check with a message naming the fix', async () => {
  const s = await sim({ issues: 10 });
  const limited = await sim({
    issues: 10,
    auth: {
      scopedTokens: [{ email: 'demo@example.com', token: 'demo-scoped-token', scopes: ['read:jira-work'] }],
      oauthApps: [{ clientId: 'demo-client', clientSecret: 'demo-client-secret', refreshToken: 'demo-refresh-token', scopes: ['read:jira-work'] }],
    },
  });
  try {
    const cases: Array<[string, Config, RegExp]> = [
      ['classic token, wrong', authConfig(s, { ...CREDENTIALS.classic, api_token: 'wrong-token' }), /rejected the credentials twice: the site .* answered 401 to \/rest\/api\/3\/myself, and the API gateway .* answered 401 .*check email and api_token/],
      ['scoped token on the site only', authConfig(s, { ...CREDENTIALS.scoped, cloud_route: 'site' }), /works only through the API gateway: set cloud_route to "auto" or "gateway"/],
      ['scoped token without a scope', authConfig(limited, CREDENTIALS.scoped), /twice: .*scope does not match.*a scoped token without the scope read:jira-user/],
      ['scoped token, gateway, wrong', authConfig(s, { ...CREDENTIALS.scoped, api_token: 'wrong-token', cloud_route: 'gateway' }), /API gateway .* rejected the credentials \(401\).*check email and api_token/],
      ['OAuth, unknown refresh token', authConfig(s, { ...CREDENTIALS.oauth, refresh_token: 'not-a-refresh-token' }), /refused the refresh token \(invalid_grant.*Run the consent flow again and put the new refresh_token in the config/],
      ['OAuth, wrong client secret', authConfig(s, { ...CREDENTIALS.oauth, client_secret: 'wrong-secret' }), /refused the client .*check client_id and client_secret against the OAuth app's settings/],
      ['OAuth grant without a scope', authConfig(limited, CREDENTIALS.oauth), /lacks the scope read:jira-user; add read:jira-user to the app's permissions/],
      ['service account, wrong secret', authConfig(s, { ...CREDENTIALS.serviceAccount, client_secret: 'wrong-secret' }), /check client_id and client_secret against the service account's OAuth 2.0 credential/],
    ];
    for (const [name, config, fix] of cases) {
      const status = await check(config);
      assert.equal(status.status, 'FAILED', name);
      assert.match(status.message!, fix, name);
    }
  } finally {
    await s.close();
    await limited.close();
  }
});

test('a scoped token without the Jira Software scopes: check passes; the board streams fail naming the scope, the others complete', async () => {
  const s = await sim({ issues: 20, auth: { scopedTokens: [{ email: 'demo@example.com', token: 'demo-scoped-token', scopes: ['read:jira-user', 'read:jira-work'] }] } });
  try {
    const config = authConfig(s, CREDENTIALS.scoped);
    assert.deepEqual(await check(config), { status: 'SUCCEEDED' });
    const run = await readAll(config);
    assert.equal(run.code, 1);
    const errors = run.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR').map((m) => m.trace.error);
    assert.ok(errors.length > 0);
    for (const e of errors) {
      assert.equal(e.failure_type, 'config_error');
      assert.match(e.message, /refused \/rest\/agile\/1\.0\/\S+ \(401, scope does not match\): the token lacks the scope read:(board-scope|sprint)\S*jira-software/);
    }
    assert.equal(run.complete + errors.length, run.streams, 'every other stream completes');
    assert.deepEqual(ids(run.records), new Set(s.control.truth().map((t) => t.id)));
  } finally {
    await s.close();
  }
});
