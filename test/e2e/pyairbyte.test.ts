// Issue 4, check 4: PyAirbyte runs our connector as a local executable (get_source(...,
// local_executable=bin/source-jira.js)): check passes, the streams are listed, `issues` is read into
// PyAirbyte's DuckDB cache, and what the cache holds equals the simulator's truth. A wrong token fails check.
// Issue 9: every stream is read, and each one's rows and keys equal the simulator's truth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDiff, describeOrSkip, diffAgainstTruth, paths, requireConnector, requireInstalled, simConfig, skipUnlessInstalled, startSim } from '../helpers/e2e-env.js';
import { airbyteBin, repoRoot, runCli, writeJsonFiles } from '../helpers/run-cli.js';
import { allStreams, streamsFor } from '../../src/streams/registry.js';

const script = join(repoRoot, 'test/e2e/pyairbyte_run.py');

/** One PyAirbyte process (its import alone takes seconds) answering commands in turn; see pyairbyte_run.py. */
function startPyAirbyte(): { send(req: object): Promise<Record<string, any>>; close(): Promise<void> } {
  const child = spawn(paths.pyairbytePython, [script, '--executable', airbyteBin], {
    env: { ...process.env, AIRBYTE_OFFLINE_MODE: '1', DO_NOT_TRACK: '1', NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (log = (log + c).slice(-6000)));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (log = (log + c).slice(-6000)));
  const waiting: Array<{ resolve: (v: Record<string, any>) => void; reject: (e: Error) => void }> = [];
  let exited = false;
  createInterface({ input: child.stdio[3] as Readable }).on('line', (line) => waiting.shift()?.resolve(JSON.parse(line)));
  child.on('close', (code) => {
    exited = true;
    for (const w of waiting.splice(0)) w.reject(new Error(`PyAirbyte process exited (${code}):\n${log}`));
  });
  return {
    send(req) {
      if (exited) return Promise.reject(new Error(`PyAirbyte process is gone:\n${log}`));
      return new Promise((resolve, reject) => {
        waiting.push({
          resolve: (reply) => (reply.fatal ? reject(new Error(`PyAirbyte failed: ${reply.fatal}\n${reply.trace ?? ''}\n${log}`)) : resolve(reply)),
          reject,
        });
        child.stdin!.write(JSON.stringify(req) + '\n');
      });
    },
    close: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        child.on('close', () => resolve());
        child.stdin!.end();
      }),
  };
}

/**
 * Latest `updated` per id: what Airbyte's Append + Deduped keeps (see the test below); an id whose
 * latest row is a tombstone (its issue was deleted) is dropped, as Airbyte's deduped tables drop it.
 */
function dedupeLatest(rows: Array<[string, number, boolean?]>): Array<[string, number]> {
  const latest = new Map<string, [number, boolean]>();
  for (const [id, ms, deleted] of rows) if (ms >= (latest.get(id)?.[0] ?? -Infinity)) latest.set(id, [ms, deleted === true]);
  return [...latest].filter(([, [, deleted]]) => !deleted).map(([id, [ms]]) => [id, ms]);
}

describeOrSkip('PyAirbyte: get_source(local_executable=bin/source-jira.js)', skipUnlessInstalled(['pyairbyte']), () => {
  test('check passes, streams are listed, issues read (churn on, then an incremental read) equal the truth; a wrong token fails check', async () => {
    requireInstalled(['pyairbyte']);
    requireConnector();
    const seededUntil = Date.now() - 3600_000; // seeded history ends an hour ago: older issues never change
    const sim = await startSim({ seed: 21, issues: 800, now: seededUntil });
    const py = startPyAirbyte();
    const cacheDir = mkdtempSync(join(tmpdir(), 'jira-source-pyairbyte-cache-'));
    try {
      const config = simConfig(sim.url);
      const check = await py.send({ cmd: 'check', config });
      assert.deepEqual(check, { ok: true }, `check should pass: ${JSON.stringify(check)}`);

      const badConfig = simConfig(sim.url, { credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'wrong-token' } });
      const bad = await py.send({ cmd: 'check', config: badConfig });
      assert.equal(bad.ok, false, 'check with a wrong token must fail');
      assert.equal(bad.error, 'AirbyteConnectorCheckFailedError', `unexpected failure: ${JSON.stringify(bad)}`);
      assert.doesNotMatch(JSON.stringify(bad), /wrong-token|demo-token/, 'the token must not appear in the error');

      // Read 1 with churn on; read 2 from the state PyAirbyte kept in its cache, on a quiet server.
      sim.control.startChurn({ updatesPerSecond: 10, createsPerSecond: 2, deletesPerSecond: 2 });
      const r1 = await py.send({ cmd: 'read', config, cache_dir: cacheDir });
      sim.control.stopChurn();
      assert.ok(Array.isArray(r1.streams) && r1.streams.includes('issues'), `streams listed: ${JSON.stringify(r1.streams)}`);
      assert.ok(r1.records_read >= 800, `read 1 got ${r1.records_read} records`);
      sim.control.updateIssues(25);
      sim.control.createIssues(5);
      const deleted = sim.control.deleteIssues(6);
      const r2 = await py.send({ cmd: 'read', config, cache_dir: cacheDir });
      const truth = sim.control.truth();
      // An issue that changes while a read pages through it is delivered again with its new `updated`
      // (at-least-once). PyAirbyte's DuckDB "merge" only merges against rows of earlier reads, so such
      // repeats of one read stay as extra rows; Airbyte's Append + Deduped keeps the latest per id, and so
      // does the comparison here. Rows that are neither the latest nor a repeat would still fail it.
      const rows = r2.rows as Array<[string, number, boolean]>;
      const diff = diffAgainstTruth(dedupeLatest(rows), truth);
      assert.equal(describeDiff(diff), '', 'the cache (latest row per id, tombstones dropped) must equal the truth after the incremental read');
      const marked = new Set(rows.filter((r) => r[2]).map((r) => r[0]));
      assert.deepEqual(deleted.filter((id) => !marked.has(id)), [], 'each issue deleted between the reads is marked deleted (_ab_cdc_deleted_at) in the cache');
      const changedSinceStart = truth.filter((t) => t.updated >= seededUntil).length;
      assert.ok(
        r2.records_read >= 30 && r2.records_read <= changedSinceStart + marked.size,
        `read 2 must fetch the 30 changes and the tombstones, nothing unchanged for an hour: ${r2.records_read} records, ${changedSinceStart} issues changed since start, ${marked.size} tombstones`,
      );
      console.log(
        `# pyairbyte: read 1 ${r1.records_read} records (churn on, deletions too), read 2 ${r2.records_read} records (${marked.size} tombstones); ` +
          `cache ${rows.length} rows, ${new Set(rows.map((r) => r[0])).size} ids, live = truth (${truth.length})`,
      );
    } finally {
      await py.close();
      await sim.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  test('full-refresh streams selected in PyAirbyte (which asks for every stream incrementally) are read in full', async () => {
    requireInstalled(['pyairbyte']);
    requireConnector();
    const sim = await startSim({ seed: 22, issues: 50 });
    const py = startPyAirbyte();
    const cacheDir = mkdtempSync(join(tmpdir(), 'jira-source-pyairbyte-cache-'));
    try {
      const config = simConfig(sim.url);
      const streams = ['projects', 'issue_types', 'workflow_statuses'];
      // What the connector emits for them, read by its own CLI from discover's output.
      const files = writeJsonFiles({ config });
      const discovered = await runCli(airbyteBin, ['discover', '--config', files.config!]);
      const catalog = writeJsonFiles({ catalog: discovered.stdout }).catalog!;
      const own = await runCli(airbyteBin, ['read', '--config', files.config!, '--catalog', catalog]);
      const expected = Object.fromEntries(streams.map((name) => [name, own.messages.filter((m) => m.type === 'RECORD' && m.record.stream === name).length]));
      assert.ok(Object.values(expected).every((n) => n > 0), JSON.stringify(expected));
      const r = await py.send({ cmd: 'read_streams', config, cache_dir: cacheDir, streams });
      assert.deepEqual(r.counts, expected);
    } finally {
      await py.close();
      await sim.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  test('history under churn (comments added, edited, deleted), two reads into one cache: issue_changelogs equals the truth, and issue_comments after the README\'s rule', async () => {
    requireInstalled(['pyairbyte']);
    requireConnector();
    const sim = await startSim({ seed: 24, issues: 300, now: Date.now() - 2 * 3600_000 });
    const py = startPyAirbyte();
    const cacheDir = mkdtempSync(join(tmpdir(), 'jira-source-pyairbyte-cache-'));
    try {
      // Keys plus what the rule needs: the issue's latest `updated` and each comment row's issue_updated.
      const req = {
        cmd: 'read_streams', config: simConfig(sim.url), cache_dir: cacheDir, streams: ['issues', 'issue_changelogs', 'issue_comments'], write_strategy: 'merge',
        keys: { issues: ['id', 'updated'], issue_changelogs: ['id', 'issueId'], issue_comments: ['id', 'issueId', 'issue_updated'] },
      };
      sim.control.startChurn({ updatesPerSecond: 5, commentsPerSecond: 10, commentChangesPerSecond: 10 });
      await py.send(req);
      sim.control.stopChurn();
      const live = sim.control.truth().map((t) => t.id);
      sim.control.addComments(15);
      sim.control.changeComments('edit', 15, { ids: live.slice(0, 30) });
      sim.control.changeComments('delete', 15, { ids: live.slice(30, 60) });
      const r = await py.send(req);
      const lists = sim.control.listTruth();
      const sorted = (xs: string[][]) => [...new Set(xs.map((x) => x.join('/')))].sort();
      assert.deepEqual(sorted(r.keys.issue_changelogs), sorted(lists.issue_changelogs!.keys), 'issue_changelogs');
      // Rows emitted twice in one read may both be in the cache: keep each key's latest row, as Airbyte's
      // dedup does (the times are all UTC, in one format: they sort as text).
      const newest = (rows: string[][], at: number) => {
        const out = new Map<string, string[]>();
        for (const row of rows) if (!out.has(row[0]!) || out.get(row[0]!)![at]! < row[at]!) out.set(row[0]!, row);
        return [...out.values()];
      };
      const latest = new Map(newest(r.keys.issues, 1).map(([id, updated]) => [id!, updated!]));
      const comments = newest(r.keys.issue_comments, 2);
      const current = comments.filter(([, issueId, issueUpdated]) => latest.get(issueId!) === issueUpdated).map(([id]) => [id!]);
      assert.ok(current.length < comments.length, 'deleted comments are still in the cache until the rule drops them');
      assert.deepEqual(sorted(current), sorted(lists.issue_comments!.keys), 'issue_comments after the rule');
      console.log(`# pyairbyte history: ${current.length} current comments of ${r.keys.issue_comments.length} rows, ${r.keys.issue_changelogs.length} changelog entries = truth`);
    } finally {
      await py.close();
      await sim.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  test('every stream: PyAirbyte reads all of them, each with exactly the rows and keys of the simulator\'s truth', async () => {
    requireInstalled(['pyairbyte']);
    requireConnector();
    // An administrator's token after three deletions: deleted_issues has rows (the audit log's).
    const sim = await startSim({ seed: 23, issues: 120, projects: 5, users: 70, boards: 7, sprints: 40, admin: true });
    sim.control.deleteIssues(3);
    const py = startPyAirbyte();
    const cacheDir = mkdtempSync(join(tmpdir(), 'jira-source-pyairbyte-cache-'));
    try {
      const streams = streamsFor(allStreams(), 'cloud');
      const keys = Object.fromEntries(streams.map((s) => [s.name, s.primaryKey.map(([k]) => k!)]));
      const r = await py.send({ cmd: 'read_streams', config: simConfig(sim.url), cache_dir: cacheDir, streams: ['*'], keys });
      assert.deepEqual(Object.keys(r.counts).sort(), streams.map((s) => s.name).sort(), 'PyAirbyte lists and reads every stream');
      const lists = sim.control.listTruth();
      const sorted = (xs: string[][]) => xs.map((x) => JSON.stringify(x)).sort();
      for (const s of streams) {
        const want = s.name === 'issues' ? sim.control.truth().map((t) => [t.id]) : lists[s.name]!.keys;
        assert.deepEqual(sorted(r.keys[s.name]), sorted(want), s.name);
      }
      console.log(`# pyairbyte, every stream: ${streams.length} streams, ${Object.values(r.counts as Record<string, number>).reduce((a, n) => a + n, 0)} rows = truth`);
    } finally {
      await py.close();
      await sim.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
