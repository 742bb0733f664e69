// A quiet re-run costs nothing downstream (issue 11): the next run re-reads the lookback span, but emits
// only the issues whose `updated` differs from what the connector already emitted for them (the state's
// `emitted`, src/state/emitted-memory.ts). Through the real CLIs, both fronts, with and without the riders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, ids, readAirbyte, sim, statesAheadOfRecords, type RunningSimulator } from './issues-harness.js';
import { readWalk, WALK } from './riders-harness.js';
import { runCli, singerBin, writeJsonFiles, type Message } from '../helpers/run-cli.js';
import { assertValidSinger } from '../helpers/protocol-checks.js';
import { decodeEmitted } from '../../src/state/emitted-memory.js';
import type { JsonObject } from '../../src/streams/stream.js';

const MINUTE = 60_000;

/** Puts `perInstant` issues at each of `instants` past instants inside the lookback, and some at now (read by the tail sweeps): a site where much lies in the span a re-run reads again. */
function editRecently(s: RunningSimulator, instants: number, perInstant: number, lookbackMinutes: number): string[] {
  const pool = s.control.truth().map((t) => t.id);
  const touched: string[] = [];
  for (let k = 0; k < instants; k++) {
    const at = Math.round(Date.now() - (lookbackMinutes * MINUTE * (instants - k)) / (instants + 1));
    touched.push(...s.control.bulkEdit(perInstant, at, { ids: pool.slice(k * perInstant, (k + 1) * perInstant) }));
  }
  touched.push(...s.control.updateIssues(10, { ids: pool.slice(instants * perInstant, instants * perInstant + 10) }));
  return touched;
}

/** id -> the newest `updated` (ms) any of these records gave it. */
function newest(records: JsonObject[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of records) out.set(String(r.id), Math.max(out.get(String(r.id)) ?? -Infinity, Date.parse(String(r.updated))));
  return out;
}

/** Records of live issues; the census's tombstones (deleted issues, README "Deleted issues") set the marker. */
const live = (records: JsonObject[]) => records.filter((r) => r._ab_cdc_deleted_at == null);
const tombstoned = (records: JsonObject[]) => records.filter((r) => r._ab_cdc_deleted_at != null).map((r) => String(r.id)).sort();

const truthMap = (s: RunningSimulator) => new Map(s.control.truth().map((t) => [t.id, t.updated]));
const sortedIds = (records: JsonObject[]) => [...ids(records)].sort();

for (const mode of ['cloud', 'datacenter'] as const) {
  test(`issues (${mode}, Airbyte): a quiet re-run emits nothing; after changes exactly the changed issues; output equals the truth`, async () => {
    const s = await sim({ issues: 300, mode, latencyMs: 2, now: Date.now() - 3_600_000 });
    try {
      const config = configFor(s, { page_size: 25, max_concurrency: 4, lookback_minutes: 30 }, mode);
      const recent = editRecently(s, 6, 15, 30);
      const first = await readAirbyte(config);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(ids(first.records).size, 300);
      const remembered = decodeEmitted(first.lastState!.emitted);
      for (const id of recent) assert.ok(remembered.has(id), `issue ${id}, edited inside the lookback, is remembered`);

      s.control.resetRequestLog();
      const quiet = await readAirbyte(config, { state: first.lastState });
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.equal(quiet.records.length, 0, 'a quiet re-run emits nothing');
      assert.ok(Date.parse(String(quiet.lastState!.cursor)) > Date.parse(String(first.lastState!.cursor)), 'the cursor still moves');
      assert.deepEqual([...decodeEmitted(quiet.lastState!.emitted).keys()].sort(), [...remembered.keys()].sort(), 'what was skipped is remembered for the run after');
      if (mode === 'cloud') assert.equal(s.control.requestCounts()['POST /rest/api/3/issue/bulkfetch'] ?? 0, 0, 'no body fetched for the skipped issues');

      // Changes between runs: edits now, edits stamped inside the lookback (as a late-indexed edit shows), creates, deletes.
      const pool = s.control.truth().map((t) => t.id).filter((id) => !recent.includes(id));
      const changed = new Set([
        ...s.control.updateIssues(7, { ids: pool.slice(0, 7) }),
        ...s.control.bulkEdit(5, Date.now() - 10 * MINUTE, { ids: recent.slice(0, 5) }),
        ...s.control.createIssues(4),
      ]);
      const deleted = s.control.deleteIssues(3, { ids: pool.slice(10, 13) });
      const after = await readAirbyte(config, { state: quiet.lastState });
      assert.equal(after.code, 0, after.stderr);
      assert.deepEqual(sortedIds(live(after.records)), [...changed].sort(), 'exactly the changed issues');
      assert.equal(live(after.records).length, changed.size, 'each once');
      if (mode === 'cloud') assert.deepEqual(tombstoned(after.records), [...deleted].sort(), 'and a tombstone for each deleted one');
      const output = newest([...first.records, ...live(after.records)]);
      for (const id of deleted) output.delete(id);
      assert.deepEqual(output, truthMap(s), 'the output, newest row per issue, equals the truth');
      const messages = [...first.messages, ...quiet.messages, ...after.messages];
      assert.deepEqual(statesAheadOfRecords(messages, s.control.truth()), [], 'no STATE covers an issue never emitted');

      const again = await readAirbyte(config, { state: after.lastState });
      assert.equal(again.records.length, 0, 'quiet again');
      const full = await readAirbyte(config, { state: after.lastState, syncMode: 'full_refresh' });
      assert.equal(ids(full.records).size, s.control.truth().length, 'full refresh ignores the memory');
    } finally {
      await s.close();
    }
  });
}

test('issues and its riders (Airbyte, one walk): a quiet re-run emits nothing for any of them', async () => {
  const s = await sim({ issues: 200, latencyMs: 2, now: Date.now() - 3_600_000 });
  try {
    const config = configFor(s, { page_size: 25, lookback_minutes: 30 });
    editRecently(s, 4, 20, 30);
    const links = s.control.truth().slice(0, 6);
    s.control.linkIssues(links[0]!.id, links[1]!.id);
    s.control.linkIssues(links[2]!.id, links[3]!.id);
    const first = await readWalk(config, WALK);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(first.records('issue_links').length >= 4 && first.records('sprint_issues').length > 0, 'the riders had rows');
    const quiet = await readWalk(config, WALK, { states: first.lastStates });
    assert.equal(quiet.code, 0, quiet.stderr);
    for (const name of WALK) assert.equal(quiet.records(name).length, 0, `${name}: nothing`);
    const edited = s.control.updateIssues(1, { ids: [links[0]!.id] });
    const after = await readWalk(config, WALK, { states: quiet.lastStates });
    assert.deepEqual(after.records('issues').map((r) => String(r.id)), edited, 'the edited issue only');
    assert.ok(after.records('issue_links').length >= 1 && after.records('issue_links').every((r) => String(r.issue_id) === edited[0]), 'its links, and no other issue\'s');
    for (const name of WALK) assert.deepEqual(after.lastStates[name], after.lastStates.issues, `${name}: the walk's state`);
  } finally {
    await s.close();
  }
});

test('issues (Singer): a quiet re-run emits nothing for issues and its riders', async () => {
  const s = await sim({ issues: 200, latencyMs: 2, now: Date.now() - 3_600_000 });
  try {
    editRecently(s, 4, 20, 30);
    const files = writeJsonFiles({ config: configFor(s, { page_size: 25, lookback_minutes: 30 }) });
    const walkRecords = (messages: Message[], stream: string) => messages.filter((m) => m.type === 'RECORD' && m.stream === stream);
    // No catalog: every stream is synced; the walk's streams are the ones under test.
    const first = await runCli(singerBin, ['--config', files.config!]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(new Set(walkRecords(first.messages, 'issues').map((m) => String(m.record.id))).size, 200);
    const bookmark = first.messages.filter((m) => m.type === 'STATE').at(-1)!.value;
    assert.ok(bookmark.bookmarks.issues.emitted, 'the bookmark remembers what was emitted');
    const state = writeJsonFiles({ state: bookmark });
    const quiet = await runCli(singerBin, ['--config', files.config!, '--state', state.state!]);
    assert.equal(quiet.code, 0, quiet.stderr);
    assertValidSinger(quiet.messages);
    for (const name of WALK) assert.equal(walkRecords(quiet.messages, name).length, 0, `${name}: nothing`);
  } finally {
    await s.close();
  }
});

for (const mode of ['cloud', 'datacenter'] as const) {
  test(`issues (${mode}): kill -9 mid-window of a re-run, then resume: the memory survives, only changed issues come out`, async () => {
    const s = await sim({ issues: 300, mode, latencyMs: 3, now: Date.now() - 3_600_000 });
    try {
      const config = configFor(s, { page_size: 20, max_concurrency: 3, lookback_minutes: 30 }, mode);
      const recent = editRecently(s, 10, 20, 30);
      const first = await readAirbyte(config);
      assert.equal(first.code, 0, first.stderr);
      // Changes spread through the span the re-run reads again, so it has records before and after the kill.
      const changed = new Set<string>();
      for (let k = 0; k < 4; k++) for (const id of s.control.bulkEdit(3, Date.now() - (25 - 6 * k) * MINUTE, { ids: recent.slice(40 * k, 40 * k + 3) })) changed.add(id);
      let states = 0;
      const killed = await readAirbyte(config, { state: first.lastState, onMessage: (m) => m.type === 'STATE' && ++states === 4 });
      assert.equal(killed.signal, 'SIGKILL');
      assert.ok(killed.lastState?.window !== undefined, 'killed mid-window');
      assert.ok(killed.lastState?.emitted !== undefined, 'the in-progress state carries the memory');
      const resumed = await readAirbyte(config, { state: killed.lastState });
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.deepEqual([...new Set([...ids(killed.records), ...ids(resumed.records)])].sort(), [...changed].sort(), 'the changed issues, and nothing else');
      assert.ok(resumed.records.every((r) => changed.has(String(r.id))), 'no spurious record after the resume');
      const again = await readAirbyte(config, { state: resumed.lastState });
      assert.equal(again.records.length, 0, 'quiet after the resume');
      assert.deepEqual(newest([...first.records, ...killed.records, ...resumed.records]), truthMap(s), 'output equals the truth');
    } finally {
      await s.close();
    }
  });
}

test('issues (Airbyte): after a first run under churn, a re-run emits only what changed after that run saw it, no duplicate', async () => {
  const s = await sim({ issues: 800, latencyMs: 4, jitterMs: 2, now: Date.now() - 30_000 });
  try {
    const config = configFor(s, { page_size: 25, max_concurrency: 4 });
    s.control.startChurn({ updatesPerSecond: 15, createsPerSecond: 5, deletesPerSecond: 5, commentsPerSecond: 5 });
    const first = await readAirbyte(config);
    s.control.stopChurn();
    assert.equal(first.code, 0, first.stderr);
    const seen = newest(first.records);
    const truth = truthMap(s);
    const changedSince = [...truth].filter(([id, updated]) => seen.get(id) !== updated).map(([id]) => id).sort();
    const second = await readAirbyte(config, { state: first.lastState });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(sortedIds(live(second.records)), changedSince, 'exactly the issues whose updated moved past what the first run emitted');
    assert.ok(tombstoned(second.records).every((id) => !truth.has(id)), 'tombstones only for deleted issues');
    const all = [...first.records, ...second.records];
    const ratio = all.length / ids(all).size;
    console.log(`# churned first run: ${first.records.length} records; re-run ${second.records.length} (changed since: ${changedSince.length}); ratio ${ratio.toFixed(3)}`);
    const output = newest(all);
    for (const id of [...output.keys()]) if (!truth.has(id)) output.delete(id);
    assert.deepEqual(output, truth, 'the output, newest row per live issue, equals the truth');
    const third = await readAirbyte(config, { state: second.lastState });
    assert.equal(third.records.length, 0, 'quiet');
  } finally {
    s.control.stopChurn();
    await s.close();
  }
});
