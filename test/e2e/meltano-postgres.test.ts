// Issue 4, checks 1-3: the committed example Meltano project runs tap-jira into target-postgres on a
// real PostgreSQL server, against the simulator with churn on, and the `issues` table ends up equal to
// the simulator's truth: one row per live issue at its current `updated`. Issue 9: with every stream
// selected, each table's rows and keys equal the simulator's truth (GET /__sim/lists).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator, TruthIssue } from '../../src/simulator/types.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeDiff, describeOrSkip, diffAgainstTruth, paths, requireConnector, requireInstalled, skipUnlessInstalled, startSim } from '../helpers/e2e-env.js';
import { startPostgres, type PgServer } from '../helpers/e2e-postgres.js';
import { ISSUES_QUERY, prepareMeltanoProject, runMeltano, type MeltanoProject, type MeltanoRun } from '../helpers/e2e-meltano.js';
import { assertValidSinger } from '../helpers/protocol-checks.js';
import { allStreams, streamsFor } from '../../src/streams/registry.js';

const execFileAsync = promisify(execFile);
const SEEDED_HISTORY_ENDS = () => Date.now() - 2 * 3600_000; // seeded `updated` values all lie before this

function tail(r: MeltanoRun): string {
  return r.output.slice(-4000);
}

async function loadedRows(pg: PgServer, db: string): Promise<Array<[string, number]>> {
  return (await pg.query(db, ISSUES_QUERY)).map(([id, ms]) => [id!, Number(ms)] as [string, number]);
}

function recentIds(truth: TruthIssue[], since: number): Set<string> {
  return new Set(truth.filter((t) => t.updated >= since).map((t) => t.id));
}

describeOrSkip('Meltano: tap-jira -> target-postgres', skipUnlessInstalled(['postgres', 'meltano']), () => {
  let pg: PgServer | undefined;
  before(async () => {
    requireInstalled(['postgres', 'meltano']);
    requireConnector();
    pg = await startPostgres();
  });
  after(async () => {
    await pg?.stop();
  });

  test('the committed example project resolves its extractor: meltano invoke tap-jira --about', async (t) => {
    const dbDir = mkdtempSync(join(tmpdir(), 'jira-source-meltano-db-'));
    t.after(() => rmSync(dbDir, { recursive: true, force: true }));
    const r = await execFileAsync(paths.meltano, ['invoke', 'tap-jira', '--about', '--format', 'json'], {
      cwd: paths.meltanoExample,
      env: { ...process.env, MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false', DO_NOT_TRACK: '1', MELTANO_DATABASE_URI: `sqlite:///${join(dbDir, 'meltano.db')}` },
      encoding: 'utf8',
    });
    const about = JSON.parse(r.stdout);
    assert.equal(about.name, 'tap-jira');
    for (const c of ['catalog', 'discover', 'state', 'about']) assert.ok(about.capabilities.includes(c), `capability ${c}`);
  });

  test('a run with churn on loads every issue once, upserted on id; the next run fetches only the changes and the table equals the truth', async () => {
    const seededUntil = SEEDED_HISTORY_ENDS();
    const sim: RunningSimulator = await startSim({ seed: 11, issues: 1200, now: seededUntil });
    let project: MeltanoProject | undefined;
    try {
      const db = await pg!.createDatabase('meltano');
      project = prepareMeltanoProject({ simUrl: sim.url, pgPort: pg!.port, database: db });
      const before1 = sim.control.truth();

      // Run 1, while issues keep changing and new ones appear.
      sim.control.startChurn({ updatesPerSecond: 10, createsPerSecond: 2 });
      const run1Start = Date.now();
      const r1 = await runMeltano(project);
      sim.control.stopChurn();
      assert.equal(r1.code, 0, `first meltano run failed:\n${tail(r1)}`);
      const emitted1 = project.tapRecords();
      assertValidSinger(project.tapMessages());
      const truth1 = sim.control.truth();
      const rows1 = await loadedRows(pg!, db);
      const d1 = diffAgainstTruth(rows1, truth1);
      assert.deepEqual(d1.duplicates, [], 'duplicate ids in the table');
      assert.deepEqual(d1.extra, [], 'rows for issues that do not exist');
      // Every issue that existed before the run is loaded; an issue changed while the run paged may
      // still be at the value the tap read (the next run picks it up), never at a value from the future.
      const loaded = new Map(rows1);
      const notLoaded = before1.filter((t) => !loaded.has(t.id)).map((t) => t.id);
      assert.deepEqual(notLoaded, [], 'issues that existed before the run were not loaded');
      const truthById = new Map(truth1.map((t) => [t.id, t]));
      const ahead = rows1.filter(([id, ms]) => ms > truthById.get(id)!.updated);
      assert.deepEqual(ahead, [], 'rows with an `updated` later than the truth');
      const untouchedWrong = d1.stale.filter(([id]) => truthById.get(id)!.updated < run1Start);
      assert.deepEqual(untouchedWrong, [], 'issues not changed during the run are not at their current `updated`');
      assert.ok(emitted1.length >= before1.length, `run 1 emitted ${emitted1.length} records for ${before1.length} issues`);

      // More changes on a quiet server, then run 2: only what changed since run 1 is fetched.
      sim.control.updateIssues(40);
      sim.control.createIssues(10);
      const moved = sim.control.moveIssues(10); // new keys, same ids: the table is keyed on id

      project.resetTapOutput();
      const r2 = await runMeltano(project);
      assert.equal(r2.code, 0, `second meltano run failed:\n${tail(r2)}`);
      const truth2 = sim.control.truth();
      const d2 = diffAgainstTruth(await loadedRows(pg!, db), truth2);
      assert.equal(describeDiff(d2), '', 'after run 2 the table must equal the truth');
      const keys = new Map((await pg!.query(db, 'SELECT id::text, key FROM jira.issues')).map(([id, key]) => [id!, key!]));
      const wrongKeys = truth2.filter((t) => keys.get(t.id) !== t.key).map((t) => [t.id, keys.get(t.id), t.key]);
      assert.deepEqual(wrongKeys, [], 'rows whose key is not the current one [id, loaded, truth]');
      assert.ok(moved.every((id) => keys.has(id)), 'moved issues are loaded once, under their id');

      const emitted2 = project.tapRecords();
      const emittedIds = new Set(emitted2.map((m) => String(m.record.id)));
      const changed = recentIds(truth2, seededUntil); // everything touched since the simulator started
      // Issues whose `updated` moved past what run 1 loaded, and new ones; the others run 1 already
      // emitted as they are, so run 2 skips them (README "A quiet re-run emits nothing").
      const movedSince1 = truth2.filter((t) => loaded.get(t.id) !== t.updated).map((t) => t.id);
      const missed = movedSince1.filter((id) => !emittedIds.has(id));
      const unchangedFetched = [...emittedIds].filter((id) => !changed.has(id));
      assert.deepEqual(missed, [], 'run 2 did not fetch issues changed since run 1 loaded them');
      assert.deepEqual(unchangedFetched, [], 'run 2 fetched issues unchanged for hours (not incremental)');
      assert.equal(emitted2.length, emittedIds.size, 'on a quiet server each changed issue is emitted once');
      console.log(
        `# meltano: ${truth2.length} live issues; run 1 emitted ${emitted1.length} records in ${r1.ms} ms ` +
          `(${rows1.length} rows); run 2 emitted ${emitted2.length} records (${changed.size} issues changed since start) in ${r2.ms} ms`,
      );
    } finally {
      project?.cleanup();
      await sim.close();
    }
  });

  test('deleted issues, churn with deletions, two runs: their rows are marked in _sdc_deleted_at and listed in deleted_issues; the live rows equal the truth', async () => {
    const sim: RunningSimulator = await startSim({ seed: 14, issues: 1000, now: SEEDED_HISTORY_ENDS() });
    let project: MeltanoProject | undefined;
    try {
      const db = await pg!.createDatabase('meltano_deletions');
      project = prepareMeltanoProject({ simUrl: sim.url, pgPort: pg!.port, database: db }, { TAP_JIRA__SELECT: JSON.stringify(['issues.*', 'deleted_issues.*']) });
      sim.control.startChurn({ updatesPerSecond: 10, createsPerSecond: 3, deletesPerSecond: 3 });
      const r1 = await runMeltano(project);
      sim.control.stopChurn();
      assert.equal(r1.code, 0, `first meltano run failed:\n${tail(r1)}`);
      // Churn runs on until stopChurn: an issue created after run 1's last sweep was never loaded, so
      // deleting it leaves nothing to mark.
      const loaded1 = new Set((await pg!.query(db, 'SELECT id::text FROM jira.issues')).map(([id]) => id!));
      const between = sim.control.deleteIssues(8).filter((id) => loaded1.has(id));
      assert.ok(between.length >= 4, `${between.length} of the 8 issues deleted between the runs were loaded by run 1`);
      const r2 = await runMeltano(project);
      assert.equal(r2.code, 0, `second meltano run failed:\n${tail(r2)}`);
      assertValidSinger(project.tapMessages());
      const truth = sim.control.truth();
      const live = new Set(truth.map((t) => t.id));
      assert.equal(describeDiff(diffAgainstTruth(await loadedRows(pg!, db), truth)), '', 'the live rows (_sdc_deleted_at null) equal the truth');
      const marked = new Set((await pg!.query(db, 'SELECT id::text FROM jira.issues WHERE _sdc_deleted_at IS NOT NULL')).map(([id]) => id!));
      assert.deepEqual(between.filter((id) => !marked.has(id)), [], 'every issue deleted between the runs is marked deleted');
      assert.deepEqual([...marked].filter((id) => live.has(id)), [], 'no live issue is marked deleted');
      const loadedIds = new Set((await pg!.query(db, 'SELECT id::text FROM jira.issues')).map(([id]) => id!));
      const stale = [...loadedIds].filter((id) => !live.has(id) && !marked.has(id));
      assert.deepEqual(stale, [], 'rows of deleted issues left unmarked');
      const listed = new Set((await pg!.query(db, 'SELECT id::text FROM jira.deleted_issues')).map(([id]) => id!));
      assert.deepEqual([...marked].filter((id) => !listed.has(id)), [], 'deleted_issues lists every marked issue');
      console.log(`# meltano, deletions: ${marked.size} rows marked deleted (${between.length} deleted between the runs, the rest during run 1), ${live.size} live rows = truth`);
    } finally {
      project?.cleanup();
      await sim.close();
    }
  });

  test('every stream selected: each table holds exactly the rows and keys of the simulator\'s truth', async () => {
    // An administrator's token after three deletions: deleted_issues has rows (the audit log's).
    const sim: RunningSimulator = await startSim({ seed: 13, issues: 300, projects: 6, users: 60, boards: 8, sprints: 50, admin: true });
    sim.control.deleteIssues(3);
    let project: MeltanoProject | undefined;
    try {
      const db = await pg!.createDatabase('meltano_all');
      // Meltano's own override of the project's `select` (issues.* in the example): every stream.
      project = prepareMeltanoProject({ simUrl: sim.url, pgPort: pg!.port, database: db }, { TAP_JIRA__SELECT: JSON.stringify(['*.*']) });
      const r = await runMeltano(project);
      assert.equal(r.code, 0, `meltano run failed:\n${tail(r)}`);
      assertValidSinger(project.tapMessages());
      const lists = sim.control.listTruth();
      const streams = streamsFor(allStreams(), 'cloud');
      const wrong: string[] = [];
      for (const s of streams) {
        // target-postgres keeps the stream's column names; find each key column whatever its case.
        const columns = (await pg!.query(db, `SELECT column_name FROM information_schema.columns WHERE table_schema = 'jira' AND table_name = '${s.name}'`)).map(([c]) => c!);
        const keyColumns = s.primaryKey.map(([k]) => columns.find((c) => c.toLowerCase() === k!.toLowerCase()));
        if (keyColumns.some((c) => c === undefined)) {
          wrong.push(`${s.name}: no table or key columns (columns: ${columns.join(', ')})`);
          continue;
        }
        const rows = (await pg!.query(db, `SELECT ${keyColumns.map((c) => `"${c}"::text`).join(', ')} FROM jira."${s.name}"`)).map((row) => JSON.stringify(row));
        const want = (s.name === 'issues' ? sim.control.truth().map((t) => [t.id]) : lists[s.name]!.keys).map((k) => JSON.stringify(k));
        const missing = want.filter((k) => !rows.includes(k));
        const extra = rows.filter((k) => !want.includes(k));
        if (rows.length !== want.length || missing.length || extra.length) {
          wrong.push(`${s.name}: ${rows.length} rows for ${want.length}; missing ${missing.slice(0, 3).join(' ')}; extra ${extra.slice(0, 3).join(' ')}`);
        }
      }
      assert.deepEqual(wrong, [], 'tables that differ from the truth');
      console.log(`# meltano, every stream: ${streams.length} tables equal the truth in ${r.ms} ms`);
    } finally {
      project?.cleanup();
      await sim.close();
    }
  });

  test('history under churn (comments added, edited, deleted; issues changed), two runs: issue_changelogs equals the truth, and issue_comments after the README\'s delete rule', async () => {
    const sim: RunningSimulator = await startSim({ seed: 14, issues: 800, now: SEEDED_HISTORY_ENDS() });
    let project: MeltanoProject | undefined;
    try {
      const db = await pg!.createDatabase('meltano_history');
      project = prepareMeltanoProject({ simUrl: sim.url, pgPort: pg!.port, database: db }, { TAP_JIRA__SELECT: JSON.stringify(['issues.*', 'issue_changelogs.*', 'issue_comments.*']) });
      sim.control.startChurn({ updatesPerSecond: 5, commentsPerSecond: 10, commentChangesPerSecond: 10 });
      const r1 = await runMeltano(project);
      sim.control.stopChurn();
      assert.equal(r1.code, 0, `first meltano run failed:\n${tail(r1)}`);
      // More comment changes on a quiet server, then run 2.
      const live = sim.control.truth().map((t) => t.id);
      sim.control.addComments(20);
      sim.control.changeComments('edit', 20, { ids: live.slice(0, 40) });
      sim.control.changeComments('delete', 20, { ids: live.slice(40, 80) });
      const r2 = await runMeltano(project);
      assert.equal(r2.code, 0, `second meltano run failed:\n${tail(r2)}`);
      const column = async (table: string, name: string) =>
        (await pg!.query(db, `SELECT column_name FROM information_schema.columns WHERE table_schema = 'jira' AND table_name = '${table}'`)).map(([c]) => c!).find((c) => c.toLowerCase() === name.toLowerCase())!;
      const [issueId, issueUpdated] = [await column('issue_comments', 'issueId'), await column('issue_comments', 'issue_updated')];
      // The rule: a comment row is current when its issue_updated is its issue's latest `updated`.
      await pg!.query(db, `DELETE FROM jira.issue_comments c USING jira.issues i WHERE c."${issueId}" = i.id::text AND c."${issueUpdated}" < i.updated`);
      const lists = sim.control.listTruth();
      for (const [table, key] of [['issue_comments', ['id']], ['issue_changelogs', ['id', 'issueId']]] as const) {
        const columns = await Promise.all(key.map((k) => column(table, k)));
        const rows = (await pg!.query(db, `SELECT ${columns.map((c) => `"${c}"::text`).join(', ')} FROM jira."${table}"`)).map((r) => r.join('/')).sort();
        const want = lists[table]!.keys.map((k) => k.join('/')).sort();
        const missing = want.filter((k) => !rows.includes(k));
        const extra = rows.filter((k) => !want.includes(k));
        assert.deepEqual([missing.slice(0, 5), extra.slice(0, 5), rows.length], [[], [], want.length], `${table}: missing, extra, rows`);
      }
      // Each comment row holds the comment's latest edit.
      const loaded = new Map((await pg!.query(db, `SELECT id::text, (extract(epoch from updated) * 1000)::bigint::text FROM jira.issue_comments`)).map(([id, ms]) => [id!, Number(ms)]));
      const auth = 'Basic ' + Buffer.from('demo@example.com:demo-token').toString('base64');
      const stale: string[] = [];
      for (const id of live.slice(0, 40)) {
        const page = (await (await fetch(`${sim.url}/rest/api/3/issue/${id}/comment?maxResults=100`, { headers: { authorization: auth } })).json()) as { comments: Array<{ id: string; updated: string }> };
        for (const c of page.comments) if (loaded.has(c.id) && loaded.get(c.id) !== Date.parse(c.updated)) stale.push(c.id);
      }
      assert.deepEqual(stale, [], 'comments whose row is not at their latest edit');
      console.log(`# meltano history: ${lists.issue_comments!.keys.length} comments, ${lists.issue_changelogs!.keys.length} changelog entries equal the truth after two runs under churn`);
    } finally {
      project?.cleanup();
      await sim.close();
    }
  });

  test('a run killed mid-way (SIGKILL to meltano, tap and target), then run again: the table equals the truth', async () => {
    const sim: RunningSimulator = await startSim({ seed: 12, issues: 2000, now: SEEDED_HISTORY_ENDS(), latencyMs: 150, jitterMs: 10 });
    let project: MeltanoProject | undefined;
    try {
      const db = await pg!.createDatabase('meltano_kill');
      // Small pages (a slower tap) and small target batches, so the run is killed mid-way, usually after
      // the target has committed some rows.
      project = prepareMeltanoProject(
        { simUrl: sim.url, pgPort: pg!.port, database: db },
        { TAP_JIRA_PAGE_SIZE: '50', TAP_JIRA_MAX_CONCURRENCY: '2', TARGET_POSTGRES_BATCH_SIZE_ROWS: '200' },
      );
      const total = sim.control.truth().length;
      const committedRows = async (): Promise<number> => {
        const exists = await pg!.query(db, `SELECT to_regclass('jira.issues') IS NOT NULL`);
        return exists[0]![0] === 't' ? Number((await pg!.query(db, 'SELECT count(*) FROM jira.issues'))[0]![0]) : 0;
      };
      sim.control.startChurn({ updatesPerSecond: 20, createsPerSecond: 4 });
      // Kill once the target has committed a batch, or at the latest when the tap is 60% through (on a
      // loaded machine the target may start too slowly to commit before the tap ends).
      const killed = await runMeltano(project, {
        killWhen: async () => project!.tapRecords().length >= total * 0.6 || (await committedRows()) > 0,
      });
      const atKill = project.tapRecords().length;
      assert.equal(killed.signal ?? (killed.code === 0 ? 'finished' : `exit ${killed.code}`), 'SIGKILL', `the run was not killed mid-way:\n${tail(killed)}`);
      assert.ok(atKill < total, `the tap had already emitted all ${total} issues when killed`);
      const rowsAfterKill = await committedRows();
      // Let churn go on a little after the crash, then run again on a quiet server.
      await new Promise((r) => setTimeout(r, 500));
      sim.control.stopChurn();
      project.resetTapOutput();
      // Meltano still sees the killed job as running (until its heartbeat goes stale, 5 min); after a
      // crash one re-runs with --force, as Meltano's own message says.
      const again = await runMeltano(project, { args: ['--force'] });
      assert.equal(again.code, 0, `meltano run after the kill failed:\n${tail(again)}`);
      const truth = sim.control.truth();
      const d = diffAgainstTruth(await loadedRows(pg!, db), truth);
      assert.equal(describeDiff(d), '', 'after the re-run the table must equal the truth');
      console.log(
        `# meltano kill: killed after ${atKill} of ${total} records (${rowsAfterKill} rows committed); ` +
          `re-run emitted ${project.tapRecords().length} records in ${again.ms} ms; ${truth.length} rows = truth`,
      );
    } finally {
      project?.cleanup();
      await sim.close();
    }
  });
});
