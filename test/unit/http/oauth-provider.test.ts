// The OAuth credentials provider over a scripted token endpoint (the AuthHttp it is given): one
// renewal for many concurrent requests, renewal before expiry and on a 401, rotation persisted
// before the new token is used, and a scope 401 not mistaken for an expired token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCredentialsProvider } from '../../../src/http/auth/credentials-provider.js';
import type { AuthExchange } from '../../../src/http/auth/auth-http.js';
import type { Config } from '../../../src/config/config.js';

const logger = { debug() {}, info() {}, warn() {}, error() {} };

function setup(credentials: Record<string, unknown>, expiresIn = 100) {
  let now = 1_000_000;
  const calls: AuthExchange[] = [];
  const persisted: Array<Record<string, unknown>> = [];
  const learned: string[] = [];
  let n = 0;
  const http = async (x: AuthExchange) => {
    calls.push(x);
    await new Promise((r) => setImmediate(r));
    if (x.url.pathname === '/_edge/tenant_info') return { status: 200, body: '{"cloudId":"c1"}' };
    n++;
    return { status: 200, body: JSON.stringify({ access_token: `at-${n}`, expires_in: expiresIn, ...(x.json?.grant_type === 'refresh_token' ? { refresh_token: `rt-${n}` } : {}) }) };
  };
  const config = { base_url: 'https://acme.atlassian.net', credentials, max_concurrency: 4 } as unknown as Config;
  const provider = createCredentialsProvider(config, {
    http,
    logger,
    clock: () => now,
    learnSecret: (s) => learned.push(s),
    persistCredentials: async (c) => void persisted.push(c),
  });
  return { provider, calls, persisted, learned, advance: (ms: number) => (now += ms), tokenCalls: () => calls.filter((c) => c.url.pathname === '/oauth/token') };
}

const OAUTH = { auth_type: 'oauth2', client_id: 'id', client_secret: 'secret', refresh_token: 'rt-0' };
const rejection = (body = '{"code":401,"message":"Unauthorized"}') => ({ method: 'GET', path: '/rest/api/3/search/jql', body, anyAnswered: true });

test('3LO: routed to the gateway; concurrent requests share one renewal; the rotated token is persisted and learned', async () => {
  const t = setup(OAUTH);
  await t.provider.ready();
  assert.equal(`${t.provider.route().origin}${t.provider.route().basePath}`, 'https://api.atlassian.com/ex/jira/c1');
  const headers = await Promise.all([1, 2, 3, 4].map(() => t.provider.authorization()));
  assert.deepEqual(new Set(headers), new Set(['Bearer at-1']));
  assert.equal(t.tokenCalls().length, 1);
  assert.deepEqual(t.tokenCalls()[0]!.json, { grant_type: 'refresh_token', client_id: 'id', client_secret: 'secret', refresh_token: 'rt-0' });
  assert.equal(t.persisted.length, 1);
  assert.equal(t.persisted[0]!.refresh_token, 'rt-1');
  assert.deepEqual(t.learned, ['at-1', 'rt-1']);
});

test('3LO: renewed a fifth of a short lifetime before expiry, with the rotated refresh token', async () => {
  const t = setup(OAUTH, 10);
  await t.provider.authorization();
  t.advance(7_900);
  assert.equal(await t.provider.authorization(), 'Bearer at-1');
  t.advance(200); // 8.1 s of 10: inside the last fifth
  assert.equal(await t.provider.authorization(), 'Bearer at-2');
  assert.equal(t.tokenCalls()[1]!.json?.refresh_token, 'rt-1');
});

test('a 401: renewed once for all the requests that used the old token; a scope 401 is not renewed', async () => {
  const t = setup(OAUTH);
  const old = await t.provider.authorization();
  const retry = await Promise.all([t.provider.unauthorized(old, rejection()), t.provider.unauthorized(old, rejection())]);
  assert.deepEqual(retry, [true, true]);
  assert.equal(t.tokenCalls().length, 2);
  assert.equal(await t.provider.unauthorized(old, rejection()), true, 'already renewed: just retry');
  assert.equal(t.tokenCalls().length, 2);
  const scope = '{"code":401,"message":"Unauthorized; scope does not match"}';
  assert.equal(await t.provider.unauthorized(await t.provider.authorization(), rejection(scope)), false);
  assert.match(t.provider.rejected(rejection(scope)).message, /lacks the scope read:jira-work/);
});

test('service account: client credentials, no refresh token, nothing persisted', async () => {
  const t = setup({ auth_type: 'service_account', client_id: 'sa', client_secret: 's' });
  await t.provider.ready();
  assert.equal(await t.provider.authorization(), 'Bearer at-1');
  assert.deepEqual(t.tokenCalls()[0]!.json, { grant_type: 'client_credentials', client_id: 'sa', client_secret: 's' });
  assert.equal(t.persisted.length, 0);
});

test('an access token from the config is used until its expiry', async () => {
  const t = setup({ ...OAUTH, access_token: 'given', access_token_expires_at: new Date(1_000_000 + 60_000).toISOString() });
  assert.equal(await t.provider.authorization(), 'Bearer given');
  assert.equal(t.tokenCalls().length, 0);
  t.advance(60_000);
  assert.equal(await t.provider.authorization(), 'Bearer at-1');
});

test('an access token without its expiry (as a consent flow may leave it) is renewed first', async () => {
  const t = setup({ ...OAUTH, access_token: 'given' });
  assert.equal(await t.provider.authorization(), 'Bearer at-1');
});
