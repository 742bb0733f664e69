// The history riders' handling of Jira's answers, with a scripted HTTP: changelog/bulkfetch paged by
// token into each issue's records; an answer naming an issue not asked for, one without its array and a
// token that repeats are one clear error each; comments come from the body when it holds them all, from
// the issue's pages otherwise; a 404 there (the issue deleted since) gives no rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { issueChangelogsRider } from '../../../src/streams/riders/issue-changelogs.js';
import { issueCommentsRider } from '../../../src/streams/riders/issue-comments.js';
import { ConnectorError } from '../../../src/errors.js';
import { HttpStatusError } from '../../../src/http/jira-error.js';
import type { IssueParts } from '../../../src/jira/issue-parts.js';
import type { StreamContext } from '../../../src/streams/stream.js';

type Req = { method: string; path: string; body?: any; query?: Record<string, unknown> };
const ctxWith = (answer: (req: Req) => unknown, auth = 'api_token') => {
  const asked: Req[] = [];
  const ctx = {
    config: { credentials: { auth_type: auth } },
    http: { json: async (req: Req) => (asked.push(req), answer(req)) },
  } as unknown as StreamContext;
  return { ctx, asked };
};
const issue = (id: string, picked: Record<string, unknown> = {}): IssueParts => ({ id, key: `K-${id}`, picked: { updated: '2026-01-01T00:00:00.000+0000', ...picked }, read: [], fields: {} });
const history = (id: string) => ({ id, created: '2026-01-01T10:00:00.000+0545', author: { accountId: 'a' }, items: [{ field: 'status' }] });

test('changelogs: pages followed by token; each issue gets its entries, times in UTC', async () => {
  const { ctx, asked } = ctxWith((req) =>
    req.body.nextPageToken === undefined
      ? { issueChangeLogs: [{ issueId: '1', changeHistories: [history('11')] }, { issueId: '2', changeHistories: [history('21')] }], nextPageToken: 't2' }
      : { issueChangeLogs: [{ issueId: '1', changeHistories: [history('12')] }] },
  );
  const m = await issueChangelogsRider.prepare(ctx);
  await m.load!([issue('1'), issue('2'), issue('3')]);
  assert.deepEqual(asked.map((r) => [r.path, r.body.issueIdsOrKeys, r.body.nextPageToken]), [['/rest/api/3/changelog/bulkfetch', ['1', '2', '3'], undefined], ['/rest/api/3/changelog/bulkfetch', ['1', '2', '3'], 't2']]);
  assert.deepEqual(m.records(issue('1')).map((r) => [r.id, r.issueId, r.created]), [['11', '1', '2026-01-01T04:15:00.000Z'], ['12', '1', '2026-01-01T04:15:00.000Z']]);
  assert.deepEqual(m.records(issue('2')).map((r) => r.id), ['21']);
  assert.deepEqual(m.records(issue('3')), []);
});

test('changelogs: an issue not asked for, no issueChangeLogs array, a token that repeats: one clear error each', async () => {
  const cases: Array<[unknown, RegExp, string]> = [
    [{ issueChangeLogs: [{ issueId: '9', changeHistories: [] }] }, /answered with issue 9, which was not asked for/, 'system_error'],
    [{ values: [] }, /without an issueChangeLogs array/, 'transient_error'],
    [{ issueChangeLogs: [], nextPageToken: 'same' }, /answered a page token it had answered before/, 'system_error'],
  ];
  for (const [answer, message, failure] of cases) {
    const m = await issueChangelogsRider.prepare(ctxWith(() => answer).ctx);
    await assert.rejects(m.load!([issue('1')]), (e: unknown) => e instanceof ConnectorError && message.test(e.message) && e.failureType === failure);
  }
});

test('changelogs on Data Center: a whole expansion is used as it is; a short one is read again alone', async () => {
  const { ctx, asked } = ctxWith(() => ({ changelog: { total: 2, histories: [history('31'), history('32')] } }), 'personal_access_token');
  const m = await issueChangelogsRider.prepare(ctx);
  assert.deepEqual(m.expand, ['changelog']);
  const whole = { ...issue('1'), changelog: { total: 1, histories: [history('11')] } };
  const short = { ...issue('3'), changelog: { total: 2, histories: [history('32')] } };
  await m.load!([whole, short]);
  assert.deepEqual(asked.map((r) => [r.path, r.query?.expand]), [['/rest/api/2/issue/3', 'changelog']]);
  assert.deepEqual(m.records(whole).map((r) => r.id), ['11']);
  assert.deepEqual(m.records(short).map((r) => r.id), ['31', '32']);
});

test('comments: from the body when it holds them all, else every page of the issue; a 404 there gives no rows', async () => {
  const page = (from: number, n: number, total: number) => ({ startAt: from, total, comments: Array.from({ length: n }, (_x, i) => ({ id: String(100 + from + i), created: '2026-01-01T00:00:00.000+0000', updated: '2026-01-02T00:00:00.000+0000' })) });
  const { ctx, asked } = ctxWith((req) => {
    if (req.path.includes('/issue/4/')) throw new HttpStatusError(404, 'GET', req.path, 'gone', new ConnectorError('gone', 'config_error'));
    return page(Number(req.query!.startAt), Number(req.query!.startAt) === 0 ? 100 : 20, 120);
  });
  const m = await issueCommentsRider.prepare(ctx);
  assert.deepEqual([m.fields, m.own], [['comment'], ['comment']]);
  const inBody = issue('1', { comment: { total: 2, comments: [{ id: '7' }, { id: '8' }] } });
  const cut = issue('2', { comment: { total: 120, comments: [{ id: '100' }] } });
  const none = issue('3', { comment: null });
  const gone = issue('4', { comment: { total: 30, comments: [] } });
  await m.load!([inBody, cut, none, gone]);
  assert.deepEqual(asked.map((r) => `${r.path}@${String(r.query?.startAt)}`).sort(), ['/rest/api/3/issue/2/comment@0', '/rest/api/3/issue/2/comment@100', '/rest/api/3/issue/4/comment@0'], 'only the issues the body cuts short, page after page');
  assert.deepEqual(m.records(inBody).map((r) => r.id), ['7', '8']);
  assert.equal(m.records(cut).length, 120);
  assert.deepEqual(m.records(none), []);
  assert.deepEqual(m.records(gone), []);
  assert.equal(m.records(inBody)[0]!.issue_updated, '2026-01-01T00:00:00.000Z');
});
