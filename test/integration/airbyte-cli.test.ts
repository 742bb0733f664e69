// source-jira as a child process against the simulator on 127.0.0.1: check, discover, read (first and
// incremental, every --state form), field selection, failures. Every message is checked against the
// Airbyte protocol schema and the API token is searched for in every byte of output.
import { after, before, describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { assertValidAirbyte } from '../helpers/protocol-checks.js';
import { airbyteBin, repoRoot, runCli, writeJsonFiles, type CliResult, type Message } from '../helpers/run-cli.js';

const TOKEN = 'ATATT3xFfGF0-integration-secret-9c1e77';
const WRONG_TOKEN = 'ATATT-wrong-token-000-5d1f';
const ISSUES = 450;

const ofType = (r: CliResult, type: string): Message[] => r.messages.filter((m) => m.type === type);
const statuses = (r: CliResult) => r.messages.filter((m) => m.trace?.type === 'STREAM_STATUS').map((m) => m.trace.stream_status.status);

describe('source-jira against the simulator', () => {
  let sim: RunningSimulator;
  let files: Record<string, string>;
  let catalog: { streams: Message[] };

  const config = (url: string, token = TOKEN) => ({
    base_url: url,
    credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: token },
    start_date: '2020-01-01T00:00:00Z',
    lookback_minutes: 0,
  });

  async function airbyte(args: string[]): Promise<CliResult> {
    const r = await runCli(airbyteBin, args, { timeoutMs: 60_000 });
    assert.deepEqual(r.badLines, [], 'every stdout line is a JSON message');
    assertValidAirbyte(r.messages, { catalog });
    for (const secret of [TOKEN, WRONG_TOKEN]) assert.ok(!(r.stdout + r.stderr).includes(secret), 'an API token appeared in the output');
    return r;
  }

  // These tests are about the issues stream; the standard suite (test/streams) reads every other one.
  const configured = (syncMode: string, jsonSchema?: Message) => ({
    streams: catalog.streams.filter((stream) => stream.name === 'issues').map((stream) => ({
      stream: jsonSchema ? { ...stream, json_schema: jsonSchema } : stream,
      sync_mode: syncMode,
      destination_sync_mode: 'append_dedup',
      cursor_field: stream.default_cursor_field,
      primary_key: stream.source_defined_primary_key,
    })),
  });

  before(async () => {
    sim = await startSimulator({ issues: ISSUES, apiToken: TOKEN, seed: 3 });
    files = writeJsonFiles({ config: config(sim.url), wrong: config(sim.url, WRONG_TOKEN) });
    const r = await runCli(airbyteBin, ['discover', '--config', files.config!]);
    catalog = r.messages.find((m) => m.type === 'CATALOG')!.catalog;
    files = { ...files, ...writeJsonFiles({ incremental: configured('incremental'), full: configured('full_refresh') }) };
  });
  after(() => sim.close());

  test('discover: the issues stream with cursor, key and both sync modes', async () => {
    const r = await airbyte(['discover', '--config', files.config!]);
    assert.equal(r.code, 0);
    const issues = ofType(r, 'CATALOG')[0]!.catalog.streams.find((s: Message) => s.name === 'issues');
    assert.deepEqual(issues.supported_sync_modes, ['full_refresh', 'incremental']);
    assert.deepEqual(issues.default_cursor_field, ['updated']);
    assert.deepEqual(issues.source_defined_primary_key, [['id']]);
    assert.equal(issues.source_defined_cursor, true);
    assert.equal(issues.is_resumable, true);
  });

  test('check: SUCCEEDED with the right token, FAILED (exit 0) with a wrong one', async () => {
    const ok = await airbyte(['check', '--config', files.config!]);
    assert.deepEqual([ok.code, ofType(ok, 'CONNECTION_STATUS').map((m) => m.connectionStatus.status)], [0, ['SUCCEEDED']]);
    const bad = await airbyte(['check', '--config', files.wrong!]);
    assert.equal(bad.code, 0);
    const [status] = ofType(bad, 'CONNECTION_STATUS');
    assert.equal(status!.connectionStatus.status, 'FAILED');
    assert.doesNotMatch(status!.connectionStatus.message, /\n/);
  });

  test('check: a site that cannot be reached is FAILED (exit 0) with a reason naming base_url', async () => {
    const closed = await startSimulator({ issues: 1 });
    const url = closed.url;
    await closed.close(); // nothing listens on that port any more
    const unreachable = writeJsonFiles({ config: config(url) });
    const r = await airbyte(['check', '--config', unreachable.config!]);
    assert.equal(r.code, 0);
    const [status] = ofType(r, 'CONNECTION_STATUS');
    assert.equal(status!.connectionStatus.status, 'FAILED');
    assert.match(status!.connectionStatus.message, /Cannot reach .*base_url/);
  });

  test('read: every issue once, statuses in order, STATE recordCounts add up, no repeated state; then incremental runs', async () => {
    const first = await airbyte(['read', '--config', files.config!, '--catalog', files.incremental!]);
    assert.equal(first.code, 0, first.stderr);
    const ids = ofType(first, 'RECORD').map((m) => m.record.data.id);
    assert.deepEqual([...new Set(ids)].sort(), sim.control.truth().map((t) => t.id).sort());
    assert.deepEqual(statuses(first), ['STARTED', 'RUNNING', 'COMPLETE']);
    const states = ofType(first, 'STATE');
    assert.ok(states.length >= 1);
    assert.equal(states.reduce((n, m) => n + m.state.sourceStats.recordCount, 0), ids.length);
    for (let i = 1; i < states.length; i++) assert.notDeepEqual(states[i]!.state, states[i - 1]!.state);
    assert.ok(ofType(first, 'RECORD').every((m) => Number.isInteger(m.record.emitted_at)));
    assert.ok(ofType(first, 'LOG').length > 0, 'progress logs');
    const lastState = states.at(-1)!.state;

    // The array form, as the platform and PyAirbyte pass it: a quiet server gives (almost) nothing.
    const stateFiles = writeJsonFiles({ array: [lastState], legacy: { issues: lastState.stream.stream_state }, empty: [] });
    const quiet = await airbyte(['read', '--config', files.config!, '--catalog', files.incremental!, '--state', stateFiles.array!]);
    assert.equal(quiet.code, 0);
    assert.ok(ofType(quiet, 'RECORD').length <= 5, `quiet incremental run emitted ${ofType(quiet, 'RECORD').length}`);
    assert.ok(ofType(quiet, 'STATE').length >= 1, 'a STATE even with (almost) no records');

    const touched = sim.control.updateIssues(7);
    const legacy = await airbyte(['read', '--config', files.config!, '--catalog', files.incremental!, '--state', stateFiles.legacy!]);
    assert.equal(legacy.code, 0);
    const got = new Set(ofType(legacy, 'RECORD').map((m) => m.record.data.id));
    assert.ok(touched.every((id) => got.has(id)), 'the legacy object state resumes from its cursor');
    assert.ok(got.size < ISSUES / 2);

    const fresh = await airbyte(['read', '--config', files.config!, '--catalog', files.incremental!, '--state', stateFiles.empty!]);
    assert.equal(ofType(fresh, 'RECORD').length, ISSUES, '[] means no state');
    const full = await airbyte(['read', '--config', files.config!, '--catalog', files.full!, '--state', stateFiles.array!]);
    assert.equal(ofType(full, 'RECORD').length, ISSUES, 'full_refresh ignores the state');
  });

  test('read: only the fields of the configured json_schema, plus id and updated', async () => {
    const narrow = { type: 'object', properties: { key: { type: 'string' }, summary: { type: ['null', 'string'] } } };
    const f = writeJsonFiles({ catalog: configured('full_refresh', narrow) });
    const r = await runCli(airbyteBin, ['read', '--config', files.config!, '--catalog', f.catalog!]);
    assert.equal(r.code, 0);
    for (const m of ofType(r, 'RECORD')) assert.deepEqual(Object.keys(m.record.data).sort(), ['id', 'key', 'summary', 'updated']);
  });

  test('read: rejected credentials stop the run before any stream (no STATE that could skip data), exit 1', async () => {
    const r = await airbyte(['read', '--config', files.wrong!, '--catalog', files.incremental!]);
    assert.equal(r.code, 1);
    assert.deepEqual(r.messages.filter((m) => m.type !== 'LOG').map((m) => m.trace?.type), ['ERROR']);
    assert.equal(r.messages.find((m) => m.type === 'TRACE')!.trace.error.failure_type, 'config_error');
  });

  test('read: bad catalog and state files are one config_error TRACE naming the file, exit 1', async () => {
    const f = writeJsonFiles({
      unknown: { streams: [{ stream: { name: '__AIRBYTE__stream_that_does_not_exist', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'INVALID', destination_sync_mode: 'append' }] },
      garbled: '[{"type": "STREAM",',
      badS: [{ type: 'STREAM', stream: { stream_descriptor: { name: 'issues' }, stream_state: { window: 'yesterday' } } }],
    });
    const cases: [string[], RegExp][] = [
      [['--catalog', f.unknown!], /Catalog file .* stream "__AIRBYTE__stream_that_does_not_exist" is not offered/],
      [['--catalog', files.incremental!, '--state', f.garbled!], /State file .*garbled\.json is not valid JSON/],
      [['--catalog', files.incremental!, '--state', '/nonexistent/state.json'], /State file \/nonexistent\/state\.json does not exist/],
    ];
    for (const [args, expected] of cases) {
      const r = await airbyte(['read', '--config', files.config!, ...args]);
      assert.equal(r.code, 1);
      const errors = r.messages.filter((m) => m.trace?.type === 'ERROR');
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.trace.error.failure_type, 'config_error');
      assert.match(errors[0]!.trace.error.message, expected);
      assert.equal(ofType(r, 'RECORD').length, 0);
    }
    // A stream state the issues stream cannot use fails that stream: INCOMPLETE + ERROR trace naming it.
    const r = await airbyte(['read', '--config', files.config!, '--catalog', files.incremental!, '--state', f.badS!]);
    assert.equal(r.code, 1);
    assert.deepEqual(statuses(r), ['STARTED', 'INCOMPLETE']);
    const [error] = r.messages.filter((m) => m.trace?.type === 'ERROR');
    assert.deepEqual(error!.trace.error.stream_descriptor, { name: 'issues' });
    assert.equal(error!.trace.error.failure_type, 'config_error');
    assert.match(error!.trace.error.message, /state/i);
  });

  test('spec and usage errors need no Jira', async () => {
    const spec = await airbyte(['spec']);
    assert.equal(spec.code, 0);
    assert.equal(ofType(spec, 'SPEC').length, 1);
    const usage = await airbyte(['read', '--config', files.config!]);
    assert.equal(usage.code, 1);
    assert.match(usage.messages[0]!.trace.error.message, /--catalog/);
  });
});

test('npx source-jira and npx tap-jira run from the checkout (package.json bin)', () => {
  const npx = (args: string[]) => execFileSync('npx', ['--no-install', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  assert.equal(JSON.parse(npx(['source-jira', 'spec']).trim()).type, 'SPEC');
  assert.equal(JSON.parse(npx(['tap-jira', '--about', '--format', 'json'])).name, 'tap-jira');
});
