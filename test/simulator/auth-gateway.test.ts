// The ways in besides the classic API token: the gateway prefix, tenant info, the OAuth token
// endpoint (client credentials, 3LO refresh with rotation and a grace period), short-lived access
// tokens, scoped tokens the site refuses, Jira's 401 for a missing scope, DC Basic logins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASIC, Client, sleep, withSim } from './helpers.js';

const CLOUD_ID = '4f5e6d7c-0000-4000-8000-00000000c10d';
const GW = `/ex/jira/${CLOUD_ID}`;
const basic = (user: string, secret: string) => 'Basic ' + Buffer.from(`${user}:${secret}`).toString('base64');
const SCOPED = basic('demo@example.com', 'demo-scoped-token');

test('tenant info names the cloud id; the gateway serves every route under /ex/jira/{cloudId}; another cloud id is 404', async () => {
  await withSim({}, async (sim, c) => {
    const info = await new Client(sim, null).get('/_edge/tenant_info');
    assert.deepEqual(info.json, { cloudId: CLOUD_ID });
    assert.equal((await c.get(`${GW}/rest/api/3/myself`)).status, 200, 'a classic token works through the gateway too');
    assert.ok((await c.get(`${GW}/rest/api/3/search/jql`, { jql: 'project = WEB' })).json.issues.length > 0);
    assert.equal((await c.get('/ex/jira/another-site/rest/api/3/myself')).status, 404);
    assert.ok(sim.control.requests().some((r) => r.path === `${GW}/rest/api/3/myself`), 'the log keeps the full path');
  });
});

test('a scoped token: 401 on the site, accepted through the gateway; a missing scope is Jira\'s 401 "scope does not match"', async () => {
  await withSim({ auth: { scopedTokens: [{ email: 'demo@example.com', token: 'demo-scoped-token', scopes: ['read:jira-work'] }] } }, async (sim) => {
    const c = new Client(sim, SCOPED);
    assert.equal((await c.get('/rest/api/3/myself')).status, 401);
    const me = await c.get(`${GW}/rest/api/3/myself`);
    assert.equal(me.status, 401);
    assert.deepEqual(me.json, { code: 401, message: 'Unauthorized; scope does not match' });
    assert.equal((await c.get(`${GW}/rest/api/3/search/jql`, { jql: 'project = WEB' })).status, 200);
    assert.equal((await new Client(sim, basic('demo@example.com', 'nope')).get(`${GW}/rest/api/3/search/jql`)).status, 401, 'the gateway has no anonymous view');
  });
});

test('client credentials: a short-lived access token that works only through the gateway; a wrong secret is refused', async () => {
  await withSim({ auth: { accessTokenTtlSeconds: 0.5 } }, async (sim) => {
    const anon = new Client(sim, null);
    const bad = await anon.post('/oauth/token', { grant_type: 'client_credentials', client_id: 'demo-sa-client', client_secret: 'x' });
    assert.equal(bad.status, 401);
    assert.equal(bad.json.error, 'access_denied');
    const r = await anon.post('/oauth/token', { grant_type: 'client_credentials', client_id: 'demo-sa-client', client_secret: 'demo-sa-secret' });
    assert.equal(r.status, 200);
    assert.equal(r.json.expires_in, 0.5);
    assert.equal(r.json.refresh_token, undefined);
    const c = new Client(sim, `Bearer ${r.json.access_token}`);
    assert.equal((await c.get(`${GW}/rest/api/3/myself`)).status, 200);
    assert.equal((await c.get('/rest/api/3/myself')).status, 401, 'the site refuses OAuth tokens');
    await sleep(600);
    assert.equal((await c.get(`${GW}/rest/api/3/myself`)).status, 401, 'expired');
  });
});

test('3LO refresh tokens rotate: the used one works only within the grace period', async () => {
  await withSim({ auth: { refreshTokenGraceSeconds: 0.3 } }, async (sim) => {
    const anon = new Client(sim, null);
    const refresh = (token: string) => anon.post('/oauth/token', { grant_type: 'refresh_token', client_id: 'demo-client', client_secret: 'demo-client-secret', refresh_token: token });
    const first = await refresh('demo-refresh-token');
    assert.equal(first.status, 200);
    assert.notEqual(first.json.refresh_token, 'demo-refresh-token');
    assert.equal((await refresh('demo-refresh-token')).status, 200, 'within the grace period');
    await sleep(400);
    const late = await refresh('demo-refresh-token');
    assert.equal(late.status, 403);
    assert.deepEqual(late.json, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
    const second = await refresh(first.json.refresh_token);
    assert.equal(second.status, 200);
    assert.equal((await new Client(sim, `Bearer ${second.json.access_token}`).get(`${GW}/rest/api/3/myself`)).status, 200);
    assert.equal((await refresh('never-issued')).status, 403);
  });
});

test('auth settings change at run time (configure and /__sim/configure)', async () => {
  await withSim({}, async (sim, c) => {
    sim.control.configure({ auth: { accessTokenTtlSeconds: 7 } });
    const r = await new Client(sim, null).post('/oauth/token', { grant_type: 'client_credentials', client_id: 'demo-sa-client', client_secret: 'demo-sa-secret' });
    assert.equal(r.json.expires_in, 7);
    assert.equal((await c.post('/__sim/configure', { auth: { cloudId: 'other' } })).status, 200);
    assert.equal((await new Client(sim, null).get('/_edge/tenant_info')).json.cloudId, 'other');
    assert.equal((await new Client(sim, BASIC).get('/ex/jira/other/rest/api/3/myself')).status, 200);
  });
});

test('Data Center: Basic username and password beside the PAT', async () => {
  await withSim({ mode: 'datacenter', auth: { dcUsers: [{ username: 'svc', password: 'pw' }] } }, async (sim) => {
    assert.equal((await new Client(sim, basic('svc', 'pw')).get('/rest/api/2/myself')).status, 200);
    assert.equal((await new Client(sim, basic('svc', 'wrong')).get('/rest/api/2/myself')).status, 401);
  });
});
