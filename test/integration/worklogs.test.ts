// issue_worklogs and deleted_worklogs through the real CLI against the simulator: under churn (new,
// edited and deleted worklogs, issue updates and creations with index lag) two runs leave a deduped
// table equal to the truth (no missing worklog, none at a stale `updated`, deletions as tombstones);
// a quiet third run emits nothing; each STATE only moves forward; kill -9 at several points and a
// resume lose nothing; the scope filter keeps only the configured projects; the request budget holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, delay, sim, type RunningSimulator } from './issues-harness.js';
import { readWalk as readWith, type WalkRun } from './riders-harness.js';
import { airbyteStream } from '../../src/protocol/airbyte-catalog.js';
import { allStreams } from '../../src/streams/registry.js';
import type { Config } from '../../src/config/config.js';
import { airbyteBin, runCli, singerBin, writeJsonFiles } from '../helpers/run-cli.js';
import { assertValidSinger } from '../helpers/protocol-checks.js';
import { parseJiraTime } from '../../src/jira/jira-time.js';
import type { JsonObject } from '../../src/streams/stream.js';

const STREAMS = ['issue_worklogs', 'deleted_worklogs'] as const;

/** The streams as Airbyte's discover gives them (issue_worklogs declares _ab_cdc_deleted_at), incremental. */
async function worklogCatalog(names: readonly string[]): Promise<{ streams: JsonObject[] }> {
  const streams = names.map((name) => {
    const stream = allStreams().find((x) => x.name === name)!;
    return { stream: airbyteStream(stream), sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: stream.cursorField, primary_key: stream.primaryKey };
  });
  return { streams };
}

/** The walk harness's read of `names`, with the catalog discover gives. */
async function readWalk(config: Config, names: readonly string[], opts: Parameters<typeof readWith>[2] = {}): Promise<WalkRun> {
  return readWith(config, names, { ...opts, catalog: await worklogCatalog(names) });
}
const FEED_DELAY_MS = 800;
const BASIC = 'Basic ' + Buffer.from('demo@example.com:demo-token').toString('base64');

interface TruthWorklog {
  updated: number;
  issueId: string;
}

/** Every live worklog at its current `updated`, read from the simulator's own worklog/list. */
async function worklogTruth(s: RunningSimulator, mode: 'cloud' | 'datacenter' = 'cloud'): Promise<Map<string, TruthWorklog>> {
  const ids = s.control.listTruth().issue_worklogs!.keys.map(([k]) => Number(k));
  const out = new Map<string, TruthWorklog>();
  const [api, authorization] = mode === 'cloud' ? ['3', BASIC] : ['2', 'Bearer demo-pat'];
  for (let i = 0; i < ids.length; i += 1000) {
    const r = await fetch(`${s.url}/rest/api/${api}/worklog/list`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ ids: ids.slice(i, i + 1000) }) });
    for (const w of (await r.json()) as Array<{ id: string; updated: string; issueId: string }>) out.set(w.id, { updated: parseJiraTime(w.updated), issueId: w.issueId });
  }
  return out;
}

/** What a deduped destination holds after these runs, in order: the latest row per id (by `updated`, then arrival), tombstoned ids removed. */
function dedupedTable(runs: WalkRun[]): Map<string, number> {
  const rows = new Map<string, JsonObject>();
  for (const run of runs) {
    for (const r of run.records('issue_worklogs')) {
      const prev = rows.get(String(r.id));
      if (!prev || Date.parse(String(r.updated)) >= Date.parse(String(prev.updated))) rows.set(String(r.id), r);
    }
  }
  const out = new Map<string, number>();
  for (const [id, r] of rows) if (r._ab_cdc_deleted_at == null) out.set(id, Date.parse(String(r.updated)));
  return out;
}

function diff(table: Map<string, number>, truth: Map<string, TruthWorklog>): { missing: string[]; extra: string[]; stale: string[] } {
  return {
    missing: [...truth.keys()].filter((id) => !table.has(id)),
    extra: [...table.keys()].filter((id) => !truth.has(id)),
    stale: [...truth].filter(([id, t]) => table.has(id) && table.get(id) !== t.updated).map(([id]) => id),
  };
}

/** Each feed's `since` never moves back, within a run and from one run to the next. */
function assertForward(runs: WalkRun[]): void {
  for (const name of STREAMS) {
    const last: Record<string, number> = {};
    for (const run of runs) {
      for (const st of run.states(name)) {
        for (const [feed, cur] of Object.entries(st)) {
          const since = (cur as { since: number }).since;
          assert.ok(since >= (last[feed] ?? 0), `${name}.${feed}: since moved back (${last[feed]} -> ${since})`);
          last[feed] = since;
        }
      }
    }
  }
}

/** Every deletion /worklog/deleted lists since `since` (the simulator's own feed). */
async function deletionsSince(s: RunningSimulator, since: number): Promise<Set<string>> {
  const out = new Set<string>();
  for (let at = since; ; ) {
    const r = (await (await fetch(`${s.url}/rest/api/3/worklog/deleted?since=${at}`, { headers: { authorization: BASIC } })).json()) as { values: Array<{ worklogId: number }>; until: number; lastPage: boolean };
    for (const v of r.values) out.add(String(v.worklogId));
    if (r.lastPage) return out;
    at = r.until;
  }
}

const requestsSince = (s: RunningSimulator, from: number) => s.control.requests().slice(from).filter((q) => !q.path.endsWith('/myself'));

test('under churn (new, edited, deleted worklogs; index lag) two runs leave the table equal to the truth; a quiet third run emits nothing', async () => {
  const s = await sim({ issues: 4000, seed: 5, worklogFeedDelayMs: FEED_DELAY_MS, indexLagMs: 400, latencyMs: 3, now: Date.now() - 3_600_000 });
  try {
    const config = configFor(s);
    const deletedBefore = new Set(s.control.listTruth().deleted_worklogs!.keys.map(([k]) => k!));
    s.control.startChurn({ worklogsPerSecond: 300, updatesPerSecond: 20, createsPerSecond: 5 });
    const r1 = await readWalk(config, STREAMS);
    s.control.stopChurn();
    assert.equal(r1.code, 0, r1.stderr.slice(-2000));
    await delay(FEED_DELAY_MS + 300); // the feeds list the last changes once they are older than the delay
    const r2 = await readWalk(config, STREAMS, { states: r1.lastStates });
    assert.equal(r2.code, 0, r2.stderr.slice(-2000));

    const truth = await worklogTruth(s);
    const d = diff(dedupedTable([r1, r2]), truth);
    assert.deepEqual(d, { missing: [], extra: [], stale: [] }, 'the deduped table equals the truth');
    const deletions = s.control.listTruth().deleted_worklogs!.keys.map(([k]) => k!);
    const churned = deletions.filter((k) => !deletedBefore.has(k));
    assert.ok(churned.length > 20, `${churned.length} worklogs deleted by the churn`);
    // deleted_worklogs: every deletion, the site's history included; the churn's also as tombstones.
    const deletedRows = new Set([...r1.records('deleted_worklogs'), ...r2.records('deleted_worklogs')].map((r) => String(r.worklogId)));
    assert.deepEqual([...deletedRows].sort(), [...deletions].sort());
    const tombstones = new Set([...r1.records('issue_worklogs'), ...r2.records('issue_worklogs')].filter((r) => r._ab_cdc_deleted_at != null).map((r) => String(r.id)));
    assert.deepEqual(churned.filter((k) => !tombstones.has(k)), [], 'every deletion during or after run 1 has a tombstone');
    // Edited worklogs were emitted again at their edit (the stale check above), and little twice.
    const emitted = [...r1.records('issue_worklogs'), ...r2.records('issue_worklogs')];
    const distinct = new Set(emitted.map((r) => `${String(r.id)}@${String(r.updated)}`)).size;
    assert.ok(emitted.length / distinct <= 1.05, `duplicates ratio ${(emitted.length / distinct).toFixed(3)}`);
    assertForward([r1, r2]);

    const before3 = s.control.requests().length;
    const r3 = await readWalk(config, STREAMS, { states: r2.lastStates });
    assert.equal(r3.code, 0, r3.stderr.slice(-2000));
    assert.deepEqual(STREAMS.map((n) => r3.records(n).length), [0, 0], 'a quiet re-run emits nothing');
    assertForward([r1, r2, r3]);
    assert.ok(requestsSince(s, before3).length <= 4, 'a quiet re-run asks each feed once');
    console.log(`# worklogs churn: ${truth.size} live worklogs, ${churned.length} deleted by churn; run 1 ${r1.records('issue_worklogs').length} records, run 2 ${r2.records('issue_worklogs').length}; duplicates ratio ${(emitted.length / distinct).toFixed(3)}`);
  } finally {
    await s.close();
  }
});

test('request budget: ~12,000 worklogs of 10,000 issues cost at most 30 requests (feed pages + worklog/list + deletions)', async () => {
  const s = await sim({ issues: 10_000, seed: 1, now: Date.now() - 3_600_000 });
  try {
    const from = s.control.requests().length;
    const r = await readWalk(configFor(s), STREAMS, { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    const truth = s.control.listTruth().issue_worklogs!.keys.length;
    assert.equal(new Set(r.records('issue_worklogs').map((x) => x.id)).size, truth);
    const reqs = requestsSince(s, from);
    const by = (p: string) => reqs.filter((q) => q.path.includes(p)).length;
    const counts = { updated: by('/worklog/updated'), list: by('/worklog/list'), deleted: by('/worklog/deleted') };
    assert.equal(reqs.length, counts.updated + counts.list + counts.deleted, 'no other requests');
    assert.ok(reqs.length <= 30, `${reqs.length} requests: ${JSON.stringify(counts)}`);
    console.log(`# worklogs budget: ${truth} worklogs of 10000 issues: ${reqs.length} requests ${JSON.stringify(counts)}`);
  } finally {
    await s.close();
  }
});

test('kill -9 at 6 points, resume from the last STATE: the deduped union equals the truth', async () => {
  const s = await sim({ issues: 5000, seed: 9, worklogFeedDelayMs: FEED_DELAY_MS, latencyMs: 8, jitterMs: 4, now: Date.now() - 3_600_000 });
  try {
    // Deletions and edits first, old enough for the feeds, so the runs also meet tombstones.
    s.control.startChurn({ worklogsPerSecond: 400 });
    await delay(600);
    s.control.stopChurn();
    await delay(FEED_DELAY_MS + 300);
    // From a state whose deletion cursors lie before the churn (a first run's start at its own start).
    const before = Date.now() - 5 * 3_600_000;
    const at = (since: number) => ({ since, seen: [] });
    const from = { issue_worklogs: { updated: at(Date.parse(configFor(s).start_date)), deleted: at(before) }, deleted_worklogs: { deleted: at(before) } };
    const deletions = await deletionsSince(s, before);
    assert.ok(deletions.size > 10, `${deletions.size} deletions`);
    const truth = await worklogTruth(s);
    const points: Array<{ name: string; at: (m: JsonObject, c: { states: number; records: number; tombstones: number }) => boolean }> = [
      { name: 'first record', at: (m, c) => m.type === 'RECORD' && c.records === 1 },
      { name: 'after the first STATE', at: (m, c) => m.type === 'STATE' && c.states === 1 },
      { name: 'mid-page, record 700', at: (m, c) => m.type === 'RECORD' && c.records === 700 },
      { name: 'after the 3rd STATE', at: (m, c) => m.type === 'STATE' && c.states === 3 },
      { name: 'at the first tombstone', at: (m, c) => m.type === 'RECORD' && c.tombstones === 1 },
      { name: 'in deleted_worklogs', at: (m) => m.type === 'RECORD' && (m.record as JsonObject).stream === 'deleted_worklogs' },
    ];
    await Promise.all(
      points.map(async (p) => {
        const c = { states: 0, records: 0, tombstones: 0 };
        const killed = await readWalk(configFor(s), STREAMS, {
          states: from,
          onMessage: (m) => {
            if (m.type === 'STATE') c.states++;
            if (m.type === 'RECORD') c.records++;
            if (m.type === 'RECORD' && m.record.data._ab_cdc_deleted_at != null) c.tombstones++;
            return p.at(m, c);
          },
        });
        // Near the end the run may print its last lines and exit before the kill lands.
        const exitedFirst = p.name === 'in deleted_worklogs' && killed.code === 0;
        assert.ok(killed.signal === 'SIGKILL' || exitedFirst, `${p.name}: killed (code ${killed.code}, signal ${killed.signal})`);
        const resumed = await readWalk(configFor(s), STREAMS, { states: { ...from, ...killed.lastStates } });
        assert.equal(resumed.code, 0, resumed.stderr.slice(-2000));
        assert.deepEqual(diff(dedupedTable([killed, resumed]), truth), { missing: [], extra: [], stale: [] }, p.name);
        const both = [killed, resumed];
        const deletedRows = new Set(both.flatMap((run) => run.records('deleted_worklogs')).map((r) => String(r.worklogId)));
        assert.deepEqual([...deletedRows].sort(), [...deletions].sort(), `${p.name}: deleted_worklogs`);
        const tombstones = new Set(both.flatMap((run) => run.records('issue_worklogs')).filter((r) => r._ab_cdc_deleted_at != null).map((r) => String(r.id)));
        assert.deepEqual([...tombstones].sort(), [...deletions].sort(), `${p.name}: tombstones`);
        assertForward([killed, resumed]);
      }),
    );
  } finally {
    await s.close();
  }
});

for (const mode of ['cloud', 'datacenter'] as const) test(`projects scope (${mode}): only worklogs of the configured projects, checked with ids-only searches`, async () => {
  // An index lag far longer than the test: the issues the churn creates stay unsearchable (under load a
  // short lag could end before the read, leaving no issue to read one by one).
  const s = await sim({ issues: 2000, seed: 3, mode, worklogFeedDelayMs: FEED_DELAY_MS, indexLagMs: 120_000, now: Date.now() - 3_600_000 });
  try {
    const project = s.control.truth()[0]!.projectKey;
    const inProject = new Set(s.control.truth().filter((t) => t.projectKey === project).map((t) => t.id));
    // New issues (not yet in the search index) get worklogs too.
    s.control.startChurn({ createsPerSecond: 200, worklogsPerSecond: 400 });
    await delay(500);
    s.control.stopChurn();
    await delay(FEED_DELAY_MS + 200);
    const r = await readWalk(configFor(s, { projects: [project] }, mode), ['issue_worklogs']);
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    const truth = await worklogTruth(s, mode);
    const projectNow = new Set(s.control.truth().filter((t) => t.projectKey === project).map((t) => t.id));
    const want = [...truth].filter(([, w]) => projectNow.has(w.issueId)).map(([id]) => id).sort();
    const got = r.records('issue_worklogs').filter((x) => x._ab_cdc_deleted_at == null);
    assert.deepEqual([...new Set(got.map((x) => String(x.id)))].sort(), want);
    assert.ok(got.every((x) => projectNow.has(String(x.issueId))));
    assert.ok(projectNow.size > inProject.size, 'the churn created issues in the project');
    const summary = r.messages.find((m) => m.type === 'LOG' && /issue_worklogs: \d+ worklogs and/.test(String(m.log.message)))?.log.message ?? '';
    // On Cloud the new issues are not in the lagging index yet: they are read one by one.
    if (mode === 'cloud') assert.match(summary, /worklogs of issues outside projects\/jql left out \(\d+ searches, [1-9]\d* single issues\)/, 'issues not yet indexed were read one by one');
  } finally {
    await s.close();
  }
});

test('Singer: tombstones carry _sdc_deleted_at, declared in SCHEMA; Airbyte discover declares _ab_cdc_deleted_at', async () => {
  const s = await sim({ issues: 300, seed: 4, worklogFeedDelayMs: 300, now: Date.now() - 3_600_000 });
  try {
    const config = configFor(s);
    const first = await readWalk(config, ['issue_worklogs']);
    assert.equal(first.code, 0);
    s.control.startChurn({ worklogsPerSecond: 300 });
    await delay(200);
    s.control.stopChurn();
    await delay(600);
    const files = writeJsonFiles({ config, state: { bookmarks: { issue_worklogs: first.lastStates.issue_worklogs } } });
    const r = await runCli(singerBin, ['--config', files.config!, '--state', files.state!], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assertValidSinger(r.messages);
    const schemaMsg = r.messages.find((m) => m.type === 'SCHEMA' && m.stream === 'issue_worklogs')!;
    assert.ok('_sdc_deleted_at' in schemaMsg.schema.properties && !('_ab_cdc_deleted_at' in schemaMsg.schema.properties));
    const tomb = r.messages.filter((m) => m.type === 'RECORD' && m.stream === 'issue_worklogs' && m.record._sdc_deleted_at != null);
    assert.ok(tomb.length > 0, 'tombstones');
    for (const t of tomb) assert.equal(t.record._sdc_deleted_at, t.record.updated);
    const d = await runCli(airbyteBin, ['discover', '--config', files.config!]);
    const entry = d.messages.find((m) => m.type === 'CATALOG')!.catalog.streams.find((x: JsonObject) => x.name === 'issue_worklogs');
    assert.ok('_ab_cdc_deleted_at' in entry.json_schema.properties && !('_sdc_deleted_at' in entry.json_schema.properties));
    // A catalog that selects a few fields only (or predates the column) still gets the marker: a
    // tombstone without it would read as a live worklog with empty fields.
    const few = { ...entry, json_schema: { ...entry.json_schema, properties: { id: {}, updated: {}, issueId: {} } } };
    const picked = writeJsonFiles({ catalog: { streams: [{ stream: few, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: ['updated'], primary_key: [['id']] }] }, state: [{ type: 'STREAM', stream: { stream_descriptor: { name: 'issue_worklogs' }, stream_state: first.lastStates.issue_worklogs } }] });
    const a = await runCli(airbyteBin, ['read', '--config', files.config!, '--catalog', picked.catalog!, '--state', picked.state!]);
    const rows = a.messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data as JsonObject);
    assert.ok(rows.some((x) => x._ab_cdc_deleted_at != null), 'tombstones keep _ab_cdc_deleted_at');
    assert.ok(rows.every((x) => Object.keys(x).every((k) => ['id', 'updated', 'issueId', '_ab_cdc_deleted_at'].includes(k))), 'only the selected fields and the marker');
  } finally {
    await s.close();
  }
});

test('more than 1000 worklog changes in one millisecond: the feed cannot page past it, the stream fails saying so, its state stays before it', async () => {
  const s = await sim({ issues: 300, seed: 6, worklogFeedDelayMs: 300, now: Date.now() - 3_600_000 });
  try {
    // One churn tick (50 ms) at this rate makes ~2500 changes, all at the tick's instant.
    s.control.startChurn({ worklogsPerSecond: 50_000 });
    await delay(70);
    s.control.stopChurn();
    await delay(500);
    const r = await readWalk(configFor(s), ['issue_worklogs']);
    assert.equal(r.code, 1);
    const error = r.messages.find((m) => m.trace?.type === 'ERROR');
    assert.match(error?.trace.error.message ?? '', /full page of worklog changes all at .* cannot page past that millisecond/);
    assert.ok(r.records('issue_worklogs').length > 0, 'what came before was emitted');
    const last = r.states('issue_worklogs').at(-1) as { updated: { since: number } } | undefined;
    const stuck = Date.parse(/all at (\S+) and/.exec(error!.trace.error.message)![1]!);
    assert.ok(last !== undefined && last.updated.since <= stuck, 'the state does not pass the instant it could not read');
  } finally {
    await s.close();
  }
});
