// The jira-sim command: base URL on the first stdout line, /__sim/ control, clean stop on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { BASIC } from './helpers.js';
import { makeTestCertificates } from '../helpers/test-certificates.js';

const BIN = fileURLToPath(new URL('../../../bin/jira-sim.js', import.meta.url));

test('jira-sim prints its base URL first, serves, is driven through /__sim/, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [BIN, '--port', '0', '--seed', '3', '--issues', '500', '--mode', 'datacenter', '--index-lag-ms', '0', '--token-semantics', 'offset'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    assert.match(line, /^http:\/\/127\.0\.0\.1:\d+$/);
    const info = await (await fetch(`${line}/rest/api/2/serverInfo`)).json();
    assert.equal(info.deploymentType, 'DataCenter');
    const truth = await (await fetch(`${line}/__sim/truth`)).json();
    assert.equal(truth.length, 500);
    const s = await (await fetch(`${line}/rest/api/2/search?jql=created%3E0&maxResults=1`, { headers: { authorization: 'Bearer demo-pat' } })).json();
    assert.equal(s.total, 500);
    await fetch(`${line}/__sim/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"count":3}' });
    assert.equal((await (await fetch(`${line}/__sim/truth`)).json()).length, 503);
    await fetch(`${line}/rest/api/2/nope`, { headers: { authorization: BASIC } });
    const log = await (await fetch(`${line}/__sim/requests`)).json();
    assert.equal(log.counts['GET /rest/api/2/serverInfo'], 1);
    assert.equal(log.unrouted.length, 1);
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

test('jira-sim fault flags switch faults on', async () => {
  const child = spawn(process.execPath, [BIN, '--issues', '10', '--fault-503-rate', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    assert.equal((await fetch(`${line}/rest/api/3/serverInfo`)).status, 503);
  } finally {
    child.kill('SIGTERM');
  }
  await once(child, 'exit');
});

test('jira-sim rejects a bad option with a one-line error and exit code 1', async () => {
  const child = spawn(process.execPath, [BIN, '--issues', 'lots'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const [code] = await once(child, 'exit');
  assert.equal(code, 1);
  assert.match(err, /--issues must be an integer/);
});

test('jira-sim transport fault flags and --tls-cert/--tls-key (issue 12)', async () => {
  const certs = makeTestCertificates();
  const dir = mkdtempSync(join(tmpdir(), 'jira-sim-tls-'));
  writeFileSync(join(dir, 'cert.pem'), certs.server.cert);
  writeFileSync(join(dir, 'key.pem'), certs.server.key);
  const args = ['--issues', '10', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem'), '--fault-redirect-to', 'https://moved.example',
    '--fault-paths', '/rest/api/3/field', '--fault-after', '1', '--fault-max', '1'];
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    assert.match(line, /^https:\/\/127\.0\.0\.1:\d+$/);
    const dispatcher = new Agent({ connect: { ca: certs.ca.cert } });
    const get = (path: string) => fetch(`${line}${path}`, { headers: { authorization: BASIC }, redirect: 'manual', dispatcher } as RequestInit);
    assert.deepEqual([(await get('/rest/api/3/field')).status, (await get('/rest/api/3/field')).status, (await get('/rest/api/3/field')).status], [200, 302, 200]);
    await dispatcher.close();
  } finally {
    child.kill('SIGTERM');
  }
  await once(child, 'exit');
});

test('jira-sim auth flags: token lifetime and scopes', async () => {
  const child = spawn(process.execPath, [BIN, '--issues', '10', '--access-token-ttl-seconds', '5', '--token-scopes', 'read:jira-work'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const { cloudId } = await (await fetch(`${line}/_edge/tenant_info`)).json();
    const body = JSON.stringify({ grant_type: 'client_credentials', client_id: 'demo-sa-client', client_secret: 'demo-sa-secret' });
    const token = await (await fetch(`${line}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json();
    assert.equal(token.expires_in, 5);
    assert.equal(token.scope, 'read:jira-work');
    const me = await fetch(`${line}/ex/jira/${cloudId}/rest/api/3/myself`, { headers: { authorization: `Bearer ${token.access_token}` } });
    assert.equal(me.status, 401, 'read:jira-user is not among the scopes');
  } finally {
    child.kill('SIGTERM');
  }
  await once(child, 'exit');
});
