// The id census: every issue id in scope with the key of its project, read from ids-only search pages
// (POST /search/jql with fields ["key"]: Jira's largest pages, 5000 rows, are for id/key only), so
// 10,000 issues cost 2 requests. Each page is a fresh query `id > <last id> ORDER BY id ASC`: no page
// token, so neither token semantics nor rows deleted between pages can shift it. With a previous
// census the id space is cut into segments of about a page each (`id > a AND id <= b`), listed in
// parallel: ⌈n / 5000⌉ round trips one after another would be ~25 s at 1M issues.
import type { HttpClient } from '../http/http-client.js';
import { ConnectorError } from '../errors.js';
import { idsAfterJql, type JqlScope } from '../jira/jql.js';
import type { IdsByProject } from './census-state.js';

export const CENSUS_PAGE = 5000;

export interface Census {
  byProject: IdsByProject;
  /** every id listed, ascending */
  all: number[];
  requests: number;
}

const PATH = '/rest/api/3/search/jql';

function rowsOf(res: { issues?: unknown }): Array<{ id: number; project: string }> {
  if (!Array.isArray(res.issues)) throw new ConnectorError(`Jira answered ${PATH} without an issues array; check that base_url is a Jira site.`, 'system_error');
  return res.issues.map((raw) => {
    const issue = raw as { id?: unknown; key?: unknown };
    const id = typeof issue?.id === 'string' && /^\d{1,15}$/.test(issue.id) ? Number(issue.id) : NaN;
    const dash = typeof issue?.key === 'string' ? issue.key.lastIndexOf('-') : -1;
    if (Number.isNaN(id) || dash <= 0) {
      throw new ConnectorError(`Jira answered the id census (${PATH}) with an issue lacking a numeric id or a key; the census was not used, no issue was marked deleted.`, 'system_error', {
        internal: JSON.stringify(raw).slice(0, 300),
      });
    }
    return { id, project: (issue.key as string).slice(0, dash) };
  });
}

/**
 * Where to cut the id space so that each segment holds about one page of the previous census's ids
 * (`told`, ascending): the fewest pages, ⌈n / 5000⌉, plus one in 20 from 20 segments up (about 5 %
 * room in each for issues that moved into the scope; a segment that outgrew its page costs one more
 * request). Ids only grow, so new issues land in the top segment, which is open-ended.
 */
export function segmentCuts(told: ArrayLike<number>, page = CENSUS_PAGE): number[] {
  const n = told.length;
  const pages = Math.ceil(n / page);
  const segments = Math.max(1, pages + Math.floor(pages / 20));
  const cuts: number[] = [];
  for (let i = 1; i < segments; i++) cuts.push(told[Math.round((i * n) / segments) - 1]!);
  return cuts;
}

type Row = { id: number; project: string };

/** Every id in (after, through] (through undefined: no upper end), page after page within the segment. */
async function listSegment(http: HttpClient, scope: JqlScope, from: number, after: number, through: number | undefined): Promise<{ rows: Row[]; requests: number }> {
  const out: Row[] = [];
  let requests = 0;
  for (;;) {
    const res = await http.json<{ issues?: unknown; isLast?: unknown; nextPageToken?: unknown }>({
      method: 'POST',
      path: PATH,
      body: { jql: idsAfterJql(scope, from, after, through), maxResults: CENSUS_PAGE, fields: ['key'] },
    });
    requests++;
    // Each page is every id above `after` up to its last, in whatever order it came.
    const rows = rowsOf(res).sort((a, b) => a.id - b.id);
    for (const row of rows) {
      if (row.id <= after || (through !== undefined && row.id > through)) {
        const asked = through === undefined ? `above ${after}` : `in (${after}, ${through}]`;
        throw new ConnectorError(`Jira answered the id census for ids ${asked} with id ${row.id}; the census was not used, no issue was marked deleted; try again later.`, 'system_error');
      }
      after = row.id;
      out.push(row);
    }
    const more = res.isLast === false || (res.isLast !== true && typeof res.nextPageToken === 'string');
    if (!more || rows.length === 0) return { rows: out, requests };
  }
}

/**
 * `from`: start_date, epoch ms (an issue updated before it was never read, so it is not counted).
 * `cuts`: ascending ids cutting the id space into segments (segmentCuts), listed `width` at a time;
 * each segment's listing is exact for it, so together they are the whole census.
 */
export async function takeCensus(http: HttpClient, scope: JqlScope, from: number, cuts: readonly number[] = [], width = 1): Promise<Census> {
  const lows = [0, ...cuts];
  const parts: Array<{ rows: Row[]; requests: number }> = new Array(lows.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    try {
      while (!failed && next < lows.length) {
        const i = next++;
        parts[i] = await listSegment(http, scope, from, lows[i]!, cuts[i]);
      }
    } catch (err) {
      failed = true; // the others stop after their current segment
      throw err;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, lows.length)) }, worker));
  const byProject: IdsByProject = new Map();
  const all: number[] = [];
  let requests = 0;
  // Segments are disjoint and in id order: their rows one after another are ascending.
  for (const part of parts) {
    requests += part.requests;
    for (const row of part.rows) {
      all.push(row.id);
      const ids = byProject.get(row.project);
      if (ids === undefined) byProject.set(row.project, [row.id]);
      else ids.push(row.id);
    }
  }
  return { byProject, all, requests };
}
