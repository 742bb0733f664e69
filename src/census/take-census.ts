// The id census: every issue id in scope with the key of its project, read from ids-only search pages
// (POST /search/jql with fields ["key"]: Jira's largest pages, 5000 rows, are for id/key only), so
// 10,000 issues cost 2 requests. Each page is a fresh query `id > <last id> ORDER BY id ASC`: no page
// token, so neither token semantics nor rows deleted between pages can shift it.
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

/** `from`: start_date, epoch ms (an issue updated before it was never read, so it is not counted). */
export async function takeCensus(http: HttpClient, scope: JqlScope, from: number): Promise<Census> {
  const byProject: IdsByProject = new Map();
  const all: number[] = [];
  let after = 0;
  let requests = 0;
  for (;;) {
    const res = await http.json<{ issues?: unknown; isLast?: unknown; nextPageToken?: unknown }>({
      method: 'POST',
      path: PATH,
      body: { jql: idsAfterJql(scope, from, after), maxResults: CENSUS_PAGE, fields: ['key'] },
    });
    requests++;
    // Each page is every id above `after` up to its last, in whatever order it came.
    const rows = rowsOf(res).sort((a, b) => a.id - b.id);
    for (const row of rows) {
      if (row.id <= after) {
        throw new ConnectorError(`Jira answered the id census for ids above ${after} with id ${row.id}; the census was not used, no issue was marked deleted; try again later.`, 'system_error');
      }
      after = row.id;
      all.push(row.id);
      const ids = byProject.get(row.project);
      if (ids === undefined) byProject.set(row.project, [row.id]);
      else ids.push(row.id);
    }
    const more = res.isLast === false || (res.isLast !== true && typeof res.nextPageToken === 'string');
    if (!more || rows.length === 0) break;
  }
  return { byProject, all, requests };
}
