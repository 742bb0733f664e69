// Data Center users through the CLI: Jira 10.3+ lists every user with `/user/list` cursor pages;
// an older release answers that path with 404 and only has the user search, which Data Center
// 10.0-10.2 stops at 100 users whatever the paging (JRASERVER-78660). The stream then reads the search
// in pages of 100 and says, in a WARN, that it met that limit, instead of stopping silently.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { airbyteStream } from '../../src/protocol/airbyte-catalog.js';
import { allStreams } from '../../src/streams/registry.js';
import { assertValidAirbyte } from '../helpers/protocol-checks.js';
import { airbyteBin, runCli, writeJsonFiles, type CliResult } from '../helpers/run-cli.js';

const USERS = 230;
const sims: RunningSimulator[] = [];
const usersStream = allStreams().find((s) => s.name === 'users')!;
const catalog = { streams: [{ stream: airbyteStream(usersStream), sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };

async function site(opts: { dcUserList: boolean; users: number }): Promise<{ sim: RunningSimulator; files: Record<string, string> }> {
  const sim = await startSimulator({ issues: 10, seed: 4, mode: 'datacenter', ...opts });
  sims.push(sim);
  const files = writeJsonFiles({
    config: { base_url: sim.url, credentials: { auth_type: 'personal_access_token', personal_access_token: 'demo-pat' }, start_date: '2020-01-01T00:00:00Z' },
    catalog,
  });
  return { sim, files };
}

async function read(files: Record<string, string>): Promise<CliResult> {
  const r = await runCli(airbyteBin, ['read', '--config', files.config!, '--catalog', files.catalog!]);
  assertValidAirbyte(r.messages, { catalog: { streams: catalog.streams.map((c) => c.stream) } });
  return r;
}
const keys = (r: CliResult) => r.messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data.accountId as string);
const warnings = (r: CliResult) => r.messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message as string);

after(async () => {
  for (const s of sims) await s.close();
});

test('Data Center 10.3+: every user from /user/list cursor pages, none twice, no WARN', async () => {
  const { sim, files } = await site({ dcUserList: true, users: USERS });
  sim.control.configure({ listPageCap: 37 }); // pages shorter than asked: the cursor, not a count, moves on
  const r = await read(files);
  assert.equal(r.code, 0, r.stderr);
  const got = keys(r);
  assert.equal(got.length, USERS, 'inactive users included');
  assert.equal(new Set(got).size, USERS);
  assert.ok(got.every((k) => /^JIRAUSER\d+$/.test(k)), 'the user key plays the accountId');
  assert.deepEqual(warnings(r), []);
  const counts = sim.control.requestCounts();
  assert.equal(counts['GET /rest/api/2/user/list'], Math.ceil(USERS / 37));
  assert.equal(counts['GET /rest/api/2/user/search'], undefined, 'the search is not asked when the list exists');
});

test('before 10.3: /user/list is a 404, the user search is read instead; its 100-user limit is a WARN, not a silent cut', async () => {
  const { sim, files } = await site({ dcUserList: false, users: USERS });
  const r = await read(files);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(new Set(keys(r)).size, 100);
  const w = warnings(r);
  assert.equal(w.length, 2, w.join('\n'));
  assert.equal(w[0], 'users: GET /rest/api/2/user/list answered HTTP 404 (a Jira release without it), so the stream read the older endpoint instead');
  assert.match(w[1]!, /^users: GET \/rest\/api\/2\/user\/search returned exactly 100 items, its limit: Data Center 10\.0-10\.2 stops its user search at 100 users \(JRASERVER-78660\).*Upgrade to Jira 10\.3/);
  assert.ok(r.messages.some((m) => m.type === 'STATE'), 'the stream still ends with its STATE');
  const counts = sim.control.requestCounts();
  assert.equal(counts['GET /rest/api/2/user/list'], 1);
  assert.equal(counts['GET /rest/api/2/user/search'], 2, 'a page of 100, then the empty page that ends a bare array');
});

test('before 10.3 with fewer users than the limit: all of them, no WARN', async () => {
  const { files } = await site({ dcUserList: false, users: 60 });
  const r = await read(files);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(new Set(keys(r)).size, 60);
  assert.equal(warnings(r).length, 1, 'only the WARN that /user/list is missing');
});
