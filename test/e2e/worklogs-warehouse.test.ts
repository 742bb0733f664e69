// Issue 10, worklogs: under churn with new, edited and deleted worklogs, two runs into a real warehouse
// leave the worklog table equal to the simulator's truth (no missing worklog, none at a stale
// `updated`), and every worklog deleted after it was loaded marked deleted, as the README says:
// Meltano -> target-postgres keeps the row with `_sdc_deleted_at` set; PyAirbyte's cache keeps it with
// `_ab_cdc_deleted_at` set. deleted_worklogs holds every deletion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { describeOrSkip, paths, requireConnector, requireInstalled, simConfig, skipUnlessInstalled, startSim } from '../helpers/e2e-env.js';
import { startPostgres, type PgServer } from '../helpers/e2e-postgres.js';
import { prepareMeltanoProject, runMeltano, type MeltanoProject } from '../helpers/e2e-meltano.js';
import { airbyteBin, repoRoot } from '../helpers/run-cli.js';

const FEED_DELAY_MS = 1000;
const BASIC = 'Basic ' + Buffer.from('demo@example.com:demo-token').toString('base64');
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Every live worklog's `updated` (epoch ms), from the simulator's own worklog/list. */
async function worklogTruth(sim: RunningSimulator): Promise<Map<string, number>> {
  const ids = sim.control.listTruth().issue_worklogs!.keys.map(([k]) => Number(k));
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 1000) {
    const r = await fetch(`${sim.url}/rest/api/3/worklog/list`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/json' }, body: JSON.stringify({ ids: ids.slice(i, i + 1000) }) });
    for (const w of (await r.json()) as Array<{ id: string; updated: string }>) out.set(w.id, Date.parse(w.updated.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')));
  }
  return out;
}

interface Row {
  id: string;
  updated: number;
  deleted: boolean;
}

/** The table against the truth: live rows equal the truth; a marked row is a deleted worklog. */
function check(rows: Row[], truth: Map<string, number>, deletions: Set<string>, deletedAfterRun1: string[], loadedInRun1: Set<string>): string[] {
  const problems: string[] = [];
  const ids = rows.map((r) => r.id);
  if (new Set(ids).size !== ids.length) problems.push('duplicate ids in the table');
  const live = new Map(rows.filter((r) => !r.deleted).map((r) => [r.id, r.updated]));
  const missing = [...truth.keys()].filter((id) => !live.has(id));
  const extra = [...live.keys()].filter((id) => !truth.has(id));
  const stale = [...truth].filter(([id, at]) => live.has(id) && live.get(id) !== at).map(([id]) => id);
  if (missing.length) problems.push(`missing ${missing.length}: ${missing.slice(0, 3).join(' ')}`);
  if (extra.length) problems.push(`live rows for deleted worklogs ${extra.length}: ${extra.slice(0, 3).join(' ')}`);
  if (stale.length) problems.push(`stale ${stale.length}: ${stale.slice(0, 3).join(' ')}`);
  const marked = rows.filter((r) => r.deleted).map((r) => r.id);
  const wrongMark = marked.filter((id) => !deletions.has(id));
  if (wrongMark.length) problems.push(`marked deleted but not deleted: ${wrongMark.slice(0, 3).join(' ')}`);
  const unmarked = deletedAfterRun1.filter((id) => loadedInRun1.has(id) && !marked.includes(id));
  if (unmarked.length) problems.push(`loaded, deleted, and not marked: ${unmarked.slice(0, 3).join(' ')}`);
  return problems;
}

/** Worklog churn (new, edited, deleted) while `run` goes on, then quiet until the feeds list all of it. */
async function underChurn<T>(sim: RunningSimulator, run: () => Promise<T>): Promise<T> {
  sim.control.startChurn({ worklogsPerSecond: 150, updatesPerSecond: 5 });
  try {
    return await run();
  } finally {
    sim.control.stopChurn();
    await delay(FEED_DELAY_MS + 500);
  }
}

/** Run 1 under churn; more churn between the runs (deleting loaded worklogs); run 2 on a quiet site. */
async function twoRuns<T>(sim: RunningSimulator, run: () => Promise<T>, between: (first: T) => Promise<void>): Promise<[T, T]> {
  const first = await underChurn(sim, run);
  await between(first);
  await underChurn(sim, () => delay(1500));
  return [first, await run()];
}

const deletedKeys = (sim: RunningSimulator) => new Set(sim.control.listTruth().deleted_worklogs!.keys.map(([k]) => k!));

describeOrSkip('worklogs -> PostgreSQL (Meltano, target-postgres)', skipUnlessInstalled(['postgres', 'meltano']), () => {
  test('two runs under churn: live worklogs equal the truth, deleted ones carry _sdc_deleted_at, deleted_worklogs holds every deletion', async () => {
    requireInstalled(['postgres', 'meltano']);
    requireConnector();
    const pg: PgServer = await startPostgres();
    const sim = await startSim({ seed: 31, issues: 1500, worklogFeedDelayMs: FEED_DELAY_MS, now: Date.now() - 2 * 3600_000 });
    let project: MeltanoProject | undefined;
    try {
      const db = await pg.createDatabase('worklogs');
      project = prepareMeltanoProject({ simUrl: sim.url, pgPort: pg.port, database: db }, { TAP_JIRA__SELECT: JSON.stringify(['issue_worklogs.*', 'deleted_worklogs.*']) });
      const rowsQuery = `SELECT id::text, round(extract(epoch FROM updated::timestamptz) * 1000)::bigint, (_sdc_deleted_at IS NOT NULL)::text FROM jira.issue_worklogs`;
      const rows = async (): Promise<Row[]> => (await pg.query(db, rowsQuery)).map(([id, ms, del]) => ({ id: id!, updated: Number(ms), deleted: del === 'true' }));
      let loaded1 = new Set<string>();
      let deleted1 = new Set<string>();
      const [r1, r2] = await twoRuns(sim, () => runMeltano(project!), async () => {
        loaded1 = new Set((await rows()).filter((r) => !r.deleted).map((r) => r.id));
        deleted1 = deletedKeys(sim);
      });
      assert.equal(r1.code, 0, r1.output.slice(-4000));
      assert.equal(r2.code, 0, r2.output.slice(-4000));
      const deletions = deletedKeys(sim);
      const afterRun1 = [...deletions].filter((k) => !deleted1.has(k));
      assert.ok(afterRun1.filter((k) => loaded1.has(k)).length > 0, 'the churn deleted loaded worklogs');
      const final = await rows();
      assert.deepEqual(check(final, await worklogTruth(sim), deletions, afterRun1, loaded1), []);
      const deletedRows = (await pg.query(db, `SELECT "worklogId"::text FROM jira.deleted_worklogs`)).map(([k]) => k!);
      assert.deepEqual([...new Set(deletedRows)].sort(), [...deletions].sort(), 'deleted_worklogs: every deletion once');
      console.log(`# meltano worklogs: ${final.filter((r) => !r.deleted).length} live rows = truth, ${final.filter((r) => r.deleted).length} marked deleted; runs ${r1.ms} + ${r2.ms} ms`);
    } finally {
      project?.cleanup();
      await sim.close();
      await pg.stop();
    }
  });
});

/**
 * The newest row per id, a tombstone winning a tie: what Airbyte's Append + Deduped keeps. PyAirbyte's
 * cache may keep both rows of a worklog emitted twice in one read (changed while the read went on),
 * as the README's PyAirbyte section says for issues; the view there does this.
 */
function newestPerId(rows: Row[]): Row[] {
  const out = new Map<string, Row>();
  for (const r of rows) {
    const prev = out.get(r.id);
    if (!prev || r.updated > prev.updated || (r.updated === prev.updated && r.deleted)) out.set(r.id, r);
  }
  return [...out.values()];
}

/** One PyAirbyte process answering read_streams (see pyairbyte_run.py). */
function pyAirbyte(): { send(req: object): Promise<Record<string, any>>; close(): void } {
  const child = spawn(paths.pyairbytePython, [join(repoRoot, 'test/e2e/pyairbyte_run.py'), '--executable', airbyteBin], {
    env: { ...process.env, AIRBYTE_OFFLINE_MODE: '1', DO_NOT_TRACK: '1', NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let log = '';
  for (const s of [child.stdout!, child.stderr!]) s.setEncoding('utf8').on('data', (c: string) => (log = (log + c).slice(-6000)));
  const waiting: Array<(v: Record<string, any>) => void> = [];
  createInterface({ input: child.stdio[3] as Readable }).on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  return {
    send: (req) =>
      new Promise((resolve, reject) => {
        waiting.push((reply) => (reply.fatal ? reject(new Error(`PyAirbyte failed: ${reply.fatal}\n${reply.trace ?? ''}\n${log}`)) : resolve(reply)));
        child.stdin!.write(JSON.stringify(req) + '\n');
      }),
    close: () => child.stdin!.end(),
  };
}

describeOrSkip('worklogs -> PyAirbyte cache', skipUnlessInstalled(['pyairbyte']), () => {
  test('two runs under churn: live worklogs equal the truth, deleted ones carry _ab_cdc_deleted_at, deleted_worklogs holds every deletion', async () => {
    requireInstalled(['pyairbyte']);
    requireConnector();
    const sim = await startSim({ seed: 37, issues: 1500, worklogFeedDelayMs: FEED_DELAY_MS, now: Date.now() - 2 * 3600_000 });
    const py = pyAirbyte();
    const cacheDir = mkdtempSync(join(tmpdir(), 'jira-source-worklogs-cache-'));
    try {
      // The cache merges on the primary key; the fields come back as text (None for null).
      const keys = { issue_worklogs: ['id', 'updated', '_ab_cdc_deleted_at'], deleted_worklogs: ['worklogId'] };
      const read = () => py.send({ cmd: 'read_streams', config: simConfig(sim.url), cache_dir: cacheDir, streams: ['issue_worklogs', 'deleted_worklogs'], keys });
      const rows = (r: Record<string, any>): Row[] =>
        newestPerId((r.keys.issue_worklogs as string[][]).map(([id, updated, deleted]) => ({ id: id!, updated: Date.parse(updated!.replace(' ', 'T')), deleted: deleted !== 'None' })));
      let loaded1 = new Set<string>();
      let deleted1 = new Set<string>();
      const [, second] = await twoRuns(sim, read, async (first) => {
        loaded1 = new Set(rows(first).filter((r) => !r.deleted).map((r) => r.id));
        deleted1 = deletedKeys(sim);
      });
      const deletions = deletedKeys(sim);
      const afterRun1 = [...deletions].filter((k) => !deleted1.has(k));
      assert.ok(afterRun1.filter((k) => loaded1.has(k)).length > 0, 'the churn deleted loaded worklogs');
      const final = rows(second);
      assert.deepEqual(check(final, await worklogTruth(sim), deletions, afterRun1, loaded1), []);
      assert.deepEqual([...new Set((second.keys.deleted_worklogs as string[][]).map(([k]) => k!))].sort(), [...deletions].sort(), 'deleted_worklogs: every deletion');
      console.log(`# pyairbyte worklogs: ${final.filter((r) => !r.deleted).length} live rows = truth, ${final.filter((r) => r.deleted).length} marked deleted`);
    } finally {
      py.close();
      await sim.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
