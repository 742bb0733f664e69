// The skips list streams declare, as a user sees them through the CLI: a project that answers 404
// between the project list and its versions (deleted mid-run) and a kanban board's 400 on its sprint
// list are left out, counted and warned once; the stream completes with its STATE and the other
// parents' rows. A status the stream does not expect fails it with Jira's words and the fix.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { airbyteStream } from '../../src/protocol/airbyte-catalog.js';
import { allStreams } from '../../src/streams/registry.js';
import { assertValidAirbyte } from '../helpers/protocol-checks.js';
import { airbyteBin, runCli, writeJsonFiles, type CliResult } from '../helpers/run-cli.js';

let sim: RunningSimulator;
let files: Record<string, string>;
const streams = ['project_versions', 'sprints'];
const catalog = { streams: allStreams().filter((s) => streams.includes(s.name)).map((s) => ({ stream: airbyteStream(s), sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })) };

before(async () => {
  sim = await startSimulator({ issues: 10, seed: 9, now: Date.UTC(2026, 0, 15) });
  files = writeJsonFiles({
    config: { base_url: sim.url, credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' }, start_date: '2020-01-01T00:00:00Z' },
    catalog,
  });
});
after(() => sim.close());

async function read(): Promise<CliResult> {
  const r = await runCli(airbyteBin, ['read', '--config', files.config!, '--catalog', files.catalog!]);
  assertValidAirbyte(r.messages, { catalog: { streams: catalog.streams.map((c) => c.stream) } });
  return r;
}
const rows = (r: CliResult, stream: string) => r.messages.filter((m) => m.type === 'RECORD' && m.record.stream === stream).map((m) => m.record.data);
const warnings = (r: CliResult) => r.messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message as string);

test('a project gone mid-run (404) and a kanban board (400) are skipped, counted and warned once; the rest is read', async () => {
  sim.control.configure({ faults: { rateStatus: 1, status: 404, paths: ['/rest/api/3/project/10001/version'] } });
  try {
    const r = await read();
    assert.equal(r.code, 0, r.stderr);
    const versions = rows(r, 'project_versions');
    assert.equal(versions.length, 9, 'three versions of each of the three other projects');
    assert.ok(versions.every((v) => v.project_key !== 'OPS'));
    assert.deepEqual(warnings(r).filter((w) => w.startsWith('project_versions:')), [
      'project_versions: skipped 1 request(s) that Jira refused with HTTP 404 (the project was deleted or hidden during the run); nothing else was left out.',
    ]);
    assert.deepEqual(warnings(r).filter((w) => w.startsWith('sprints:')), [
      'sprints: skipped 1 request(s) that Jira refused with HTTP 400 (the board has no sprints (a kanban board)); nothing else was left out.',
    ]);
    assert.equal(rows(r, 'sprints').length, 36);
    const states = r.messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_descriptor.name);
    assert.deepEqual(states.sort(), [...streams].sort(), 'each stream ends with its STATE');
  } finally {
    sim.control.configure({ faults: {} });
  }
});

test('a status the stream does not expect fails it with Jira’s words and the fix; the next stream still runs', async () => {
  sim.control.configure({ faults: { rateStatus: 1, status: 403, paths: ['/rest/api/3/project/10002/version'] } });
  try {
    const r = await read();
    assert.equal(r.code, 1);
    const [error] = r.messages.filter((m) => m.trace?.type === 'ERROR');
    assert.deepEqual(error!.trace.error.stream_descriptor, { name: 'project_versions' });
    assert.equal(error!.trace.error.failure_type, 'config_error');
    assert.match(error!.trace.error.message, /403/);
    assert.doesNotMatch(error!.trace.error.message, /\n/);
    assert.equal(rows(r, 'sprints').length, 36, 'the next stream still runs');
  } finally {
    sim.control.configure({ faults: {} });
  }
});
