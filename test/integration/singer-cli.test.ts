// tap-jira as a child process against the simulator: --about, --discover, sync with a Meltano-style
// catalog and state, errors. Output checked with the Singer conformance checks; the token is searched for.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { assertValidSinger, lastSingerState } from '../helpers/protocol-checks.js';
import { runCli, singerBin, writeJsonFiles, type CliResult, type Message } from '../helpers/run-cli.js';

const TOKEN = 'ATATT3xFfGF0-singer-secret-5b2d11';
const WRONG_TOKEN = 'ATATT-wrong-000-8c3a';
const ISSUES = 300;
const records = (r: CliResult) => r.messages.filter((m) => m.type === 'RECORD');

describe('tap-jira against the simulator', () => {
  let sim: RunningSimulator;
  let files: Record<string, string>;

  async function tap(args: string[]): Promise<CliResult> {
    const r = await runCli(singerBin, args, { timeoutMs: 60_000 });
    for (const secret of [TOKEN, WRONG_TOKEN]) assert.ok(!(r.stdout + r.stderr).includes(secret), 'an API token appeared in the output');
    return r;
  }

  before(async () => {
    sim = await startSimulator({ issues: ISSUES, apiToken: TOKEN, seed: 5 });
    const config = (token: string) => ({
      base_url: sim.url,
      credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: token },
      start_date: '2020-01-01T00:00:00Z',
      lookback_minutes: 0,
    });
    files = writeJsonFiles({ config: config(TOKEN), wrong: config(WRONG_TOKEN), bad: { ...config(TOKEN), page_size: 9000 } });
  });
  after(() => sim.close());

  test('--about --format json and text', async () => {
    const json = await tap(['--about', '--format', 'json']);
    assert.equal(json.code, 0);
    const about = JSON.parse(json.stdout);
    assert.deepEqual(about.capabilities, ['catalog', 'discover', 'state', 'about']);
    assert.ok(about.settings.properties.credentials);
    const text = await tap(['--about']);
    assert.match(text.stdout, /^Name: tap-jira/);
  });

  test('--discover: stdout is exactly one catalog JSON document', async () => {
    const r = await tap(['--config', files.config!, '--discover']);
    assert.equal(r.code, 0);
    const catalog = JSON.parse(r.stdout);
    // Lines a line-based reader takes: Meltano caps a line of discover output at 64 KiB.
    assert.ok(r.stdout.split('\n').every((line) => line.length < 4096), 'the catalog comes over short lines');
    const [issues] = catalog.streams;
    assert.equal(issues.tap_stream_id, 'issues');
    const top = issues.metadata.find((m: Message) => m.breadcrumb.length === 0).metadata;
    assert.deepEqual(top['table-key-properties'], ['id']);
    assert.deepEqual(top['valid-replication-keys'], ['updated']);
  });

  test('sync with a Meltano-style catalog: selected fields only, bookmark, then a quiet second run', async () => {
    const discovered = JSON.parse((await tap(['--config', files.config!, '--discover'])).stdout);
    for (const m of discovered.streams[0].metadata) {
      if (m.breadcrumb.length === 0) m.metadata.selected = true;
      else m.metadata.selected = ['key', 'summary'].includes(m.breadcrumb[1]);
    }
    for (const other of discovered.streams.slice(1)) other.metadata.find((m: any) => m.breadcrumb.length === 0).metadata.selected = false;
    const f = writeJsonFiles({ catalog: discovered });
    const first = await tap(['--config', files.config!, '--catalog', f.catalog!]);
    assert.equal(first.code, 0, first.stderr);
    assertValidSinger(first.messages);
    assert.equal(first.messages[0]!.type, 'SCHEMA');
    assert.deepEqual(first.messages[0]!.key_properties, ['id']);
    assert.deepEqual(first.messages[0]!.bookmark_properties, ['updated']);
    // The deletion marker is automatic, like the key and the cursor: a tombstone must keep it (README "Deleted issues").
    assert.deepEqual(Object.keys(first.messages[0]!.schema.properties).sort(), ['_sdc_deleted_at', 'id', 'key', 'summary', 'updated']);
    assert.equal(new Set(records(first).map((m) => m.record.id)).size, ISSUES);
    for (const m of records(first)) assert.deepEqual(Object.keys(m.record).sort(), ['id', 'key', 'summary', 'updated']);
    assert.match(first.stderr, /INFO issues/);
    const state = lastSingerState(first.messages) as Message;
    assert.ok(state.bookmarks.issues, 'bookmark for issues');
    assert.equal(state.currently_syncing, undefined, 'no stream in progress at the end');

    const s = writeJsonFiles({ state });
    const second = await tap(['--config', files.config!, '--properties', f.catalog!, '--state', s.state!]);
    assert.equal(second.code, 0);
    assertValidSinger(second.messages);
    assert.ok(records(second).length <= 5, `quiet second run emitted ${records(second).length}`);
    assert.ok(second.messages.some((m) => m.type === 'STATE'));
  });

  test('the discovered catalog passed back unchanged syncs the default streams (issue 13); deselected: nothing; no catalog: everything', async () => {
    const discovered = JSON.parse((await tap(['--config', files.config!, '--discover'])).stdout);
    const deselected = structuredClone(discovered);
    for (const s of deselected.streams) s.metadata.find((m: any) => m.breadcrumb.length === 0).metadata.selected = false;
    const f = writeJsonFiles({ catalog: discovered, deselected });
    const asDiscovered = await tap(['--config', files.config!, '--catalog', f.catalog!]);
    assert.equal(asDiscovered.code, 0, asDiscovered.stderr);
    assertValidSinger(asDiscovered.messages);
    assert.equal(records(asDiscovered).filter((m) => m.stream === 'issues').length, ISSUES);
    const none = await tap(['--config', files.config!, '--catalog', f.deselected!]);
    assert.equal(none.code, 0);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /no stream is selected in .*deselected\.json; nothing to sync/);
    const all = await tap(['--config', files.config!]);
    assert.equal(all.code, 0);
    assertValidSinger(all.messages);
    assert.equal(records(all).filter((m) => m.stream === 'issues').length, ISSUES);
    const synced = new Set(all.messages.filter((m) => m.type === 'SCHEMA').map((m) => m.stream));
    assert.deepEqual([...synced].sort(), discovered.streams.map((s: Message) => s.tap_stream_id).sort());
  });

  test('errors: one line on stderr and exit 1 (bad config, bad state, rejected credentials)', async () => {
    const f = writeJsonFiles({ state: '{"bookmarks": ' });
    const bad = await tap(['--config', files.bad!, '--discover']);
    assert.deepEqual([bad.code, bad.stdout], [1, '']);
    assert.match(bad.stderr, /^CRITICAL Invalid config: page_size is out of range.*\n$/);
    const state = await tap(['--config', files.config!, '--state', f.state!]);
    assert.equal(state.code, 1);
    assert.match(state.stderr, /^CRITICAL State file .* is not valid JSON/);
    const denied = await tap(['--config', files.wrong!]);
    assert.equal(denied.code, 1);
    assert.equal(denied.stdout, '', 'nothing emitted, above all no STATE');
    assert.equal(denied.stderr.split('\n').filter(Boolean).length, 1, denied.stderr);
    assert.match(denied.stderr, /^CRITICAL /);
  });
});
