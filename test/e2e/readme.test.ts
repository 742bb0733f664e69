// Issue 13: the README's sections that drive the Python tools run as written, in a bare copy of the
// repository (test/helpers/readme-runner.ts says how blocks are picked and run): PyAirbyte into its
// DuckDB cache, the example Meltano project into a throwaway PostgreSQL, and the daily CSV recipe
// (tap-jira piped into meltanolabs-target-csv, twice, the state file carried between the runs).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { TruthIssue } from '../../src/simulator/types.js';
import { describeDiff, diffAgainstTruth, paths, requireInstalled, skipUnlessInstalled } from '../helpers/e2e-env.js';
import { copyRepository, runSection, type ReadmeCopy, type SectionRun } from '../helpers/readme-runner.js';

const TOKEN = 'demo-token';
const execFileAsync = promisify(execFile);

async function sim(run: SectionRun, path: string, body: object): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${run.port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(r.status, 200, `${path}: ${await r.text()}`);
}

/** Runs the README's jira_to_duckdb.py once more in the copy, as its section does. */
async function pyairbyteRead(dir: string): Promise<void> {
  await execFileAsync(paths.pyairbytePython, ['jira_to_duckdb.py'], { cwd: dir, env: { ...process.env, AIRBYTE_OFFLINE_MODE: '1', NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
}

/** [id, updated epoch ms] of every row of a table or view in PyAirbyte's default DuckDB cache. */
async function cacheRows(dir: string, table: string): Promise<Array<[string, number]>> {
  const py = `import duckdb, json, datetime
utc = lambda u: u if u.tzinfo else u.replace(tzinfo=datetime.timezone.utc)
c = duckdb.connect('.cache/default_cache/default_cache.duckdb', read_only=True)
print(json.dumps([[str(i), round(utc(u).timestamp() * 1000)] for i, u in c.sql('SELECT id, updated FROM main.${table}').fetchall()]))`;
  const { stdout } = await execFileAsync(paths.pyairbytePython, ['-c', py], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout);
}

async function truth(run: SectionRun): Promise<TruthIssue[]> {
  const r = await fetch(`http://127.0.0.1:${run.port}/__sim/truth`);
  assert.equal(r.status, 200, 'the section left its simulator running');
  const body = (await r.json()) as TruthIssue[] | { issues: TruthIssue[] };
  return Array.isArray(body) ? body : body.issues;
}

/** CSV text to rows of fields (RFC 4180: quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field), rows.push(row), (row = []), (field = '');
    } else field += c;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}

/** [id, updated epoch ms] of every row of a CSV file written by target-csv. */
function csvRows(path: string): Array<[string, number]> {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  const id = header!.indexOf('id');
  const updated = header!.indexOf('updated');
  assert.ok(id >= 0 && updated >= 0, `${path}: header ${header}`);
  return rows.map((r) => {
    const ms = Date.parse(r[updated]!.replace(' ', 'T'));
    assert.ok(Number.isFinite(ms), `${path}: unreadable updated ${r[updated]}`);
    return [r[id]!, ms];
  });
}

describe('README, the sections with Python tools, as a user runs them (issue 13)', { skip: skipUnlessInstalled(['postgres', 'meltano', 'pyairbyte', 'target-csv']) }, () => {
  let copy: ReadmeCopy;
  before(async () => {
    requireInstalled(['postgres', 'meltano', 'pyairbyte', 'target-csv']);
    copy = await copyRepository();
    // What a reader has done before these sections: the quick start and config.json.
    await runSection(copy, 'Quick start', { timeoutMs: 240_000 });
    await runSection(copy, 'Configuration');
  });
  after(() => copy?.cleanup());

  test('Running under Airbyte: the PyAirbyte script reads every issue into the cache, then nothing new; issues_latest has one row per issue', async () => {
    const run = await runSection(copy, 'Running under Airbyte', {
      timeoutMs: 300_000,
      check: async (r) => {
        const lines = [...r.output.matchAll(/^(\d+) records read; issues_latest: (\d+) issues$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
        const live = (await truth(r)).length;
        assert.deepEqual(lines, [[live, live], [0, live]], `the two reads (records read, issues in issues_latest):\n${r.output.slice(-3000)}`);
        // What the README says of two rows: a fresh cache read while issues keep changing gets some of
        // them twice, in \`issues\`; after a read on a quiet server, issues_latest is exactly the truth.
        rmSync(join(copy.dir, '.cache'), { recursive: true, force: true });
        await sim(r, '/__sim/configure', { latencyMs: 20 });
        await sim(r, '/__sim/churn/start', { updatesPerSecond: 300 });
        await pyairbyteRead(copy.dir);
        await sim(r, '/__sim/churn/stop', {});
        await sim(r, '/__sim/configure', { latencyMs: 0 });
        await new Promise((res) => setTimeout(res, 11_000)); // past the read window's 10 s margin
        await pyairbyteRead(copy.dir);
        const rows = await cacheRows(copy.dir, 'issues');
        const ids = new Set(rows.map(([id]) => id)).size;
        assert.ok(rows.length > ids, `issues edited during the read are kept twice in \`issues\`: ${rows.length} rows for ${ids} ids`);
        const latest = await cacheRows(copy.dir, 'issues_latest');
        assert.equal(describeDiff(diffAgainstTruth(latest, await truth(r))), '', 'issues_latest must be the newest row per id, = the truth');
        console.log(`# readme pyairbyte: under churn, \`issues\` kept ${rows.length} rows for ${ids} ids; issues_latest = truth`);
      },
    });
    assert.doesNotMatch(run.output, new RegExp(TOKEN), 'the API token must not appear in any output');
  });

  test('Running under Meltano: the example project loads the simulator into the throwaway PostgreSQL, twice', async () => {
    const run = await runSection(copy, 'Running under Meltano', {
      timeoutMs: 400_000,
      check: async (r) => {
        const live = (await truth(r)).length;
        // psql's count(*) of jira.issues, as the README prints it
        assert.match(r.output, new RegExp(`^\\s*count\\s*\\n-+\\n\\s*${live}\\n`, 'm'), `jira.issues must hold the ${live} issues:\n${r.output.slice(-3000)}`);
      },
    });
    assert.doesNotMatch(run.output, new RegExp(TOKEN), 'the API token must not appear in any output');
  });

  test('Jira to CSV files: day 1 writes every issue, day 2 a new file with only the edited ones; the newest row per id is the truth', async () => {
    const run = await runSection(copy, 'Jira to CSV files', {
      timeoutMs: 300_000,
      check: async (r) => {
        const now = await truth(r);
        const dir = join(copy.dir, 'jira-csv');
        const files = readdirSync(dir).filter((f) => /^issues-.*\.csv$/.test(f)).sort();
        assert.equal(files.length, 2, `one CSV file per run: ${files}`);
        const day1 = csvRows(join(dir, files[0]!));
        const day2 = csvRows(join(dir, files[1]!));
        assert.equal(new Set(day1.map(([id]) => id)).size, now.length, 'day 1 holds every issue');
        // Edited between the runs: the 5 issues whose `updated` is newer than anything day 1 saw.
        const day1Max = Math.max(...day1.map(([, ms]) => ms));
        const edited = now.filter((t) => t.updated > day1Max).map((t) => t.id).sort();
        assert.equal(edited.length, 5, 'the README edits five issues between the runs');
        const day2Ids = [...new Set(day2.map(([id]) => id))].sort();
        // The second run starts lookback_minutes (5) before the first one's cursor, so it may also
        // re-read issues edited in the few minutes before day 1; nothing older.
        for (const id of edited) assert.ok(day2Ids.includes(id), `day 2 misses edited issue ${id}`);
        const stale = day2.filter(([, ms]) => ms < day1Max - 6 * 60_000);
        assert.deepEqual(stale, [], 'day 2 holds issues unchanged for longer than the lookback');
        assert.ok(day2.length < day1.length / 10, `day 2 wrote ${day2.length} rows`);
        assert.doesNotMatch(readFileSync(join(dir, files[0]!), 'utf8').split('\n')[0]!, /(^|,)fields(,|$)/, 'the catalog left the fields column out');
        const latest = csvRows(join(copy.dir, 'issues-latest.csv'));
        assert.equal(describeDiff(diffAgainstTruth(latest, now)), '', 'issues-latest.csv (newest row per id) must equal the truth');
        const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
        assert.ok(typeof state.bookmarks?.issues?.cursor === 'string', `state.json: ${JSON.stringify(state)}`);
      },
    });
    assert.doesNotMatch(run.output, new RegExp(TOKEN), 'the API token must not appear in any output');
  });
});
