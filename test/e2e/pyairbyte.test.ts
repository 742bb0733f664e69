// Issue 4, check 4: PyAirbyte runs our connector as a local executable (get_source(...,
// local_executable=bin/source-jira.js)): check passes, the streams are listed, `issues` is read into
// PyAirbyte's DuckDB cache, and what the cache holds equals the simulator's truth. A wrong token fails check.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeDiff, diffAgainstTruth, paths, requireConnector, requireInstalled, simConfig, skipUnlessInstalled, startSim } from '../helpers/e2e-env.js';
import { airbyteBin, repoRoot, writeJsonFiles } from '../helpers/run-cli.js';

const run = promisify(execFile);
const script = join(repoRoot, 'test/e2e/pyairbyte_run.py');

async function pyairbyte(mode: 'check' | 'read', config: object, cacheDir?: string): Promise<Record<string, any>> {
  const { config: configPath } = writeJsonFiles({ config });
  const out = join(mkdtempSync(join(tmpdir(), 'jira-source-pyairbyte-')), 'out.json');
  const args = [script, mode, '--executable', airbyteBin, '--config', configPath!, '--out', out, ...(cacheDir ? ['--cache-dir', cacheDir] : [])];
  try {
    await run(paths.pyairbytePython, args, {
      env: { ...process.env, AIRBYTE_OFFLINE_MODE: '1', DO_NOT_TRACK: '1', NO_COLOR: '1' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 240_000,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`PyAirbyte ${mode} failed: ${err.message}\n${(err.stdout ?? '').slice(-2000)}\n${(err.stderr ?? '').slice(-3000)}`);
  }
  return JSON.parse(readFileSync(out, 'utf8'));
}

describe('PyAirbyte: get_source(local_executable=bin/source-jira.js)', { skip: skipUnlessInstalled(['pyairbyte']) }, () => {
  test('check passes, streams are listed, issues read (churn on, then an incremental read) equal the truth; a wrong token fails check', async () => {
    requireInstalled(['pyairbyte']);
    requireConnector();
    const sim = await startSim({ seed: 21, issues: 800, now: Date.now() - 3600_000 });
    try {
      const config = simConfig(sim.url);
      const check = await pyairbyte('check', config);
      assert.deepEqual(check, { ok: true }, `check should pass: ${JSON.stringify(check)}`);

      const bad = await pyairbyte('check', simConfig(sim.url, { credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'wrong-token' } }));
      assert.equal(bad.ok, false, 'check with a wrong token must fail');
      assert.equal(bad.error, 'AirbyteConnectorCheckFailedError', `unexpected failure: ${JSON.stringify(bad)}`);
      assert.doesNotMatch(JSON.stringify(bad), /wrong-token|demo-token/, 'the token must not appear in the error');

      // Read 1 with churn on; read 2 from the state PyAirbyte kept in its cache, on a quiet server.
      const cacheDir = mkdtempSync(join(tmpdir(), 'jira-source-pyairbyte-cache-'));
      sim.control.startChurn({ updatesPerSecond: 20, createsPerSecond: 4 });
      const r1 = await pyairbyte('read', config, cacheDir);
      sim.control.stopChurn();
      assert.ok(Array.isArray(r1.streams) && r1.streams.includes('issues'), `streams listed: ${JSON.stringify(r1.streams)}`);
      assert.ok(r1.records_read >= 800, `read 1 got ${r1.records_read} records`);
      sim.control.updateIssues(25);
      sim.control.createIssues(5);
      const r2 = await pyairbyte('read', config, cacheDir);
      const truth = sim.control.truth();
      const diff = diffAgainstTruth(r2.rows, truth);
      assert.equal(describeDiff(diff), '', 'the cache must equal the truth after the incremental read');
      assert.ok(r2.records_read < truth.length / 4, `read 2 was not incremental: ${r2.records_read} records of ${truth.length}`);
      console.log(`# pyairbyte: read 1 ${r1.records_read} records, read 2 ${r2.records_read} records; cache ${r2.rows.length} rows = truth (${truth.length})`);
    } finally {
      await sim.close();
    }
  });
});
