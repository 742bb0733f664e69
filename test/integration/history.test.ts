// issue_changelogs and issue_comments through the real Airbyte CLI: the request budget beside the
// issues walk (changelog/bulkfetch per 1000 issues, comment pages only for issues with more comments
// than a body carries), rows equal to the truth on Cloud and Data Center, churn of comments (added,
// edited, deleted) and of issues with index lag in both token modes, kill -9 and resume, a quiet
// re-run, and a site where comment changes do not move the issue's `updated`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, delay, duplicatesRatio, sim, statesAheadOfRecords } from './issues-harness.js';
import { readWalk, type WalkRun } from './riders-harness.js';
import type { JsonObject } from '../../src/streams/stream.js';
import type { RunningSimulator, TruthIssue } from '../../src/simulator/types.js';

const HISTORY = ['issue_changelogs', 'issue_comments'] as const;
/** comments a Cloud bulkfetch body (and the simulator's Data Center search) carries */
const EMBEDDED = 20;

const changelogKey = (r: JsonObject) => `${String(r.id)}/${String(r.issueId)}`;
const commentKey = (r: JsonObject) => String(r.id);
const truthKeys = (s: RunningSimulator, name: string) => s.control.listTruth()[name]!.keys.map((k) => k.join('/')).sort();
const perIssue = (s: RunningSimulator, name: string) => s.control.listTruth()[name]!.perParent as Record<string, number>;
const union = (runs: WalkRun[], name: string, key: (r: JsonObject) => string) => [...new Set(runs.flatMap((r) => r.records(name).map(key)))].sort();

/**
 * The warehouse rule for comments (README "Streams"): of every row seen, the current ones are those
 * whose issue_updated is the latest `updated` the issues stream gave their issue, for live issues; the
 * newest row of each wins.
 */
function currentComments(runs: WalkRun[], live: Set<string>): Map<string, JsonObject> {
  const latest = new Map<string, number>();
  for (const i of runs.flatMap((r) => r.records('issues'))) latest.set(String(i.id), Math.max(latest.get(String(i.id)) ?? -Infinity, Date.parse(String(i.updated))));
  const out = new Map<string, JsonObject>();
  for (const c of runs.flatMap((r) => r.records('issue_comments'))) {
    if (live.has(String(c.issueId)) && Date.parse(String(c.issue_updated)) === latest.get(String(c.issueId))) out.set(String(c.id), c);
  }
  return out;
}

/** Each comment's `updated` as the simulator's comment pages give it now. */
async function truthCommentUpdated(s: RunningSimulator, issueIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const auth = 'Basic ' + Buffer.from('demo@example.com:demo-token').toString('base64');
  for (const id of issueIds) {
    for (let startAt = 0; ; startAt += 100) {
      const res = await fetch(`${s.url}/rest/api/3/issue/${id}/comment?startAt=${startAt}&maxResults=100`, { headers: { authorization: auth } });
      const page = (await res.json()) as { comments: Array<{ id: string; updated: string }>; total: number };
      for (const c of page.comments) out.set(c.id, new Date(Date.parse(c.updated)).toISOString());
      if (startAt + 100 >= page.total) break;
    }
  }
  return out;
}

for (const mode of ['cloud', 'datacenter'] as const) {
  test(`history (${mode}): with issues in one walk, the rows equal the truth; requests: changelogs per 1000 issues, comment pages only for issues with more than ${EMBEDDED}`, async () => {
    const s = await sim({ issues: 2500, mode, now: Date.now() - 3_600_000 });
    try {
      const r = await readWalk(configFor(s, { page_size: mode === 'cloud' ? 1000 : 500 }, mode), ['issues', ...HISTORY]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(union([r], 'issue_changelogs', changelogKey), truthKeys(s, 'issue_changelogs'));
      assert.deepEqual(union([r], 'issue_comments', commentKey), truthKeys(s, 'issue_comments'));
      assert.ok(r.records('issues').every((i) => !('comment' in (i.fields as JsonObject))), 'the `comment` field fetched for issue_comments stays out of the issues record');
      const counts = s.control.requestCounts();
      const api = mode === 'cloud' ? '3' : '2';
      const overflowing = Object.values(perIssue(s, 'issue_comments')).filter((n) => n > EMBEDDED).length;
      assert.ok(overflowing > 10, `the site has issues with long comment threads (${overflowing})`);
      assert.equal(counts[`GET /rest/api/${api}/issue/{id}/comment`], overflowing, 'one comment page per issue with more comments than its body carries');
      if (mode === 'cloud') {
        assert.ok((counts['POST /rest/api/3/changelog/bulkfetch'] ?? 0) <= Math.ceil(2500 / 1000) + 1, `changelog/bulkfetch calls: ${counts['POST /rest/api/3/changelog/bulkfetch']}`);
      } else {
        assert.equal(counts['GET /rest/api/2/issue/{id}'] ?? 0, 0, 'Data Center: the expanded changelog is whole, no issue is read again');
      }
      for (const name of HISTORY) assert.equal(r.states(name).length, r.states('issues').length, `${name}: a STATE with each of the walk's`);
    } finally {
      await s.close();
    }
  });
}

for (const tokenSemantics of ['keyset', 'offset'] as const) {
  test(`history under churn (${tokenSemantics} tokens, index lag): comments added, edited and deleted, issues changed, created and deleted; two runs give exactly the truth`, async () => {
    const s = await sim({ issues: 800, latencyMs: 3, jitterMs: 2, indexLagMs: 300, tokenSemantics, now: Date.now() - 60_000 });
    try {
      const config = configFor(s, { page_size: 40, max_concurrency: 4, lookback_minutes: 5 });
      // About as many changes a second as the issues churn test makes (30), a little over half of them to comments.
      s.control.startChurn({ updatesPerSecond: 5, createsPerSecond: 2, deletesPerSecond: 2, commentsPerSecond: 8, commentChangesPerSecond: 8, linksPerSecond: 3, sprintMovesPerSecond: 2 });
      const first = await readWalk(config, ['issues', ...HISTORY]);
      s.control.stopChurn();
      assert.equal(first.code, 0, first.stderr);
      for (const name of HISTORY) {
        const ratio = duplicatesRatio(first.records(name).map((r) => ({ id: name === 'issue_comments' ? commentKey(r) : changelogKey(r) })));
        assert.ok(ratio <= 1.05, `${name}: duplicates ${ratio} (issues: ${duplicatesRatio(first.records('issues'))})`);
      }
      await delay(11_000); // past the settle time, so the next window holds every change
      const second = await readWalk(config, ['issues', ...HISTORY], { states: first.lastStates });
      assert.equal(second.code, 0, second.stderr);
      const truth = s.control.truth();
      const live = new Set(truth.map((t) => t.id));
      const changelogs = new Set(union([first, second], 'issue_changelogs', changelogKey));
      assert.deepEqual(truthKeys(s, 'issue_changelogs').filter((k) => !changelogs.has(k)), [], 'changelog entries never emitted');
      const current = currentComments([first, second], live);
      assert.deepEqual([...current.keys()].sort(), truthKeys(s, 'issue_comments'), 'current comments');
      const want = await truthCommentUpdated(s, [...new Set([...current.values()].map((c) => String(c.issueId)))]);
      const stale = [...current.values()].filter((c) => c.updated !== want.get(String(c.id))).map((c) => `${String(c.id)}: ${String(c.updated)} for ${want.get(String(c.id))}`);
      assert.deepEqual(stale, [], 'comments whose newest row is not their latest edit');
      console.log(`# history churn (${tokenSemantics}): ${current.size} current comments, ${changelogs.size} changelog entries, rows ${first.records('issue_comments').length}+${second.records('issue_comments').length} comments`);
    } finally {
      s.control.stopChurn();
      await s.close();
    }
  });
}

for (const mode of ['cloud', 'datacenter'] as const) {
  test(`history (${mode}): kill -9 at five points, resume from each stream's last STATE: the union equals the truth, no STATE ahead of its rows`, async () => {
    const s = await sim({ issues: 1500, mode, latencyMs: 4, jitterMs: 3, now: Date.now() - 3_600_000 });
    try {
      const config = configFor(s, { page_size: 100, max_concurrency: 4 }, mode);
      const truth = s.control.truth();
      const having = (name: string): TruthIssue[] => {
        const per = perIssue(s, name);
        return truth.filter((t) => (per[t.id] ?? 0) > 0);
      };
      type Count = { states: number; records: number };
      const points: Array<{ name: string; at: (n: Count) => boolean }> = [
        { name: 'after the 1st STATE', at: (n) => n.states === 1 },
        { name: 'after the 2nd STATE', at: (n) => n.states === 2 },
        { name: 'mid-group, after record 500', at: (n) => n.records === 500 },
        { name: 'after record 3000', at: (n) => n.records === 3000 },
        { name: 'after record 7000', at: (n) => n.records === 7000 },
      ];
      for (const p of points) {
        const n: Count = { states: 0, records: 0 };
        const killed = await readWalk(config, HISTORY, {
          onMessage: (m) => {
            if (m.type === 'STATE') n.states++;
            if (m.type === 'RECORD') n.records++;
            return p.at(n);
          },
        });
        assert.equal(killed.signal, 'SIGKILL', p.name);
        for (const name of HISTORY) {
          assert.deepEqual(statesAheadOfRecords(killed.messages, having(name), { stream: name, issueOf: (d) => String(d.issueId) }), [], `${p.name}: ${name}`);
        }
        const resumed = await readWalk(config, HISTORY, { states: killed.lastStates });
        assert.equal(resumed.code, 0, resumed.stderr);
        assert.deepEqual(union([killed, resumed], 'issue_changelogs', changelogKey), truthKeys(s, 'issue_changelogs'), `${p.name}: changelogs`);
        assert.deepEqual(union([killed, resumed], 'issue_comments', commentKey), truthKeys(s, 'issue_comments'), `${p.name}: comments`);
      }
    } finally {
      await s.close();
    }
  });
}

test('history alone, each stream by itself: its own walk and states; a second run on a quiet site emits nothing and its STATE does not move back', async () => {
  const s = await sim({ issues: 600, now: Date.now() - 3_600_000 });
  try {
    const config = configFor(s);
    for (const name of HISTORY) {
      const first = await readWalk(config, [name]);
      assert.equal(first.code, 0, first.stderr);
      assert.deepEqual(union([first], name, name === 'issue_comments' ? commentKey : changelogKey), truthKeys(s, name), name);
      const second = await readWalk(config, [name], { states: first.lastStates });
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.records(name).length, 0, `${name}: a quiet re-run emits nothing`);
      const cursor = (st: JsonObject) => Date.parse(String(st.cursor));
      assert.ok(cursor(second.lastStates[name]!) >= cursor(first.lastStates[name]!), `${name}: the STATE moves forward only`);
    }
  } finally {
    await s.close();
  }
});

test('a site where comment edits and deletions do not move the issue\'s `updated`: incremental runs cannot see them, a full refresh of issue_comments does', async () => {
  const s = await sim({ issues: 300, commentChangesMoveUpdated: false, now: Date.now() - 3_600_000 });
  try {
    const config = configFor(s);
    const first = await readWalk(config, ['issue_comments']);
    const heavy = s.control.truth()[5]!.id;
    const [deleted] = s.control.changeComments('delete', 1, { ids: [heavy] });
    const [edited] = s.control.changeComments('edit', 1, { ids: [heavy] });
    const second = await readWalk(config, ['issue_comments'], { states: first.lastStates });
    assert.equal(second.records('issue_comments').length, 0, 'the issue did not change in the search, so the walk does not visit it');
    const full = await readWalk(config, ['issue_comments'], { syncMode: 'full_refresh' });
    assert.equal(full.code, 0, full.stderr);
    const rows = new Map(full.records('issue_comments').map((r) => [String(r.id), r]));
    assert.ok(!rows.has(deleted!), 'the full refresh leaves the deleted comment out');
    assert.ok(Date.parse(String(rows.get(edited!)!.updated)) > Date.parse(String(rows.get(edited!)!.created)), 'the full refresh has the edit');
    assert.deepEqual([...rows.keys()].sort(), truthKeys(s, 'issue_comments'));
  } finally {
    await s.close();
  }
});
